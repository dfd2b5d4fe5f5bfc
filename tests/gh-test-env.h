/* gh-test-env.h — fixtures for integration tests: the simulator, a private HOME per test, and
 * running the real `gatehouse` executable against them */
#pragma once

#include <gio/gio.h>

#include "gh-simulator.h"

G_BEGIN_DECLS

typedef struct
{
  GhSimulator *sim;
  char        *home;          /* per-test HOME (also holds state, cache and runtime dirs) */
  char        *browser_log;   /* URLs the stand-in browser visited */
  GPtrArray   *outputs;       /* everything the CLI printed, checked for secrets */
  GPtrArray   *extra_env;     /* "NAME=VALUE" (or "NAME" to unset) for the next CLI runs */
} GhTestFixture;

/* Fails the test program unless run by build-aux/dev test (private bus, keyring, browser). */
void       gh_test_env_require        (void);

void       gh_test_fixture_setup      (GhTestFixture *fixture,
                                       gconstpointer  data);
void       gh_test_fixture_teardown   (GhTestFixture *fixture,
                                       gconstpointer  data);

/* Runs `gatehouse ARGS…` to completion while the main loop (and so the simulator) runs. */
int        gh_test_run_cli            (GhTestFixture *fixture,
                                       char         **out,
                                       char         **err,
                                       const char    *first_arg,
                                       ...) G_GNUC_NULL_TERMINATED;
GSubprocess *gh_test_spawn_cli        (GhTestFixture *fixture,
                                       const char    *first_arg,
                                       ...) G_GNUC_NULL_TERMINATED;
int        gh_test_wait_cli           (GhTestFixture *fixture,
                                       GSubprocess   *process,
                                       char         **out,
                                       char         **err);
GSubprocessLauncher *gh_test_launcher (GhTestFixture *fixture);

/* Iterates the main loop until `condition` is TRUE; fails the test after timeout_ms. */
void       gh_test_wait_until         (gboolean     (*condition) (gpointer),
                                       gpointer       data,
                                       guint          timeout_ms);
void       gh_test_sleep_ms           (guint          ms);

char      *gh_test_path               (GhTestFixture *fixture,
                                       const char    *relative);
/* Lines the stand-in browser logged so far. */
GStrv      gh_test_browser_urls       (GhTestFixture *fixture);
/* Asserts no CLI output so far contains `secret`. */
void       gh_test_assert_not_printed (GhTestFixture *fixture,
                                       const char    *secret);

/* Keyring items outlive a test (one daemon for the whole run), so every test uses its own
 * session name. */
char      *gh_test_unique_name        (const char    *base);
/* The simulator's access-portal URL. */
char      *gh_test_start_url          (GhTestFixture *fixture);
/* `gatehouse session add NAME` for the simulator, then `gatehouse login NAME`; the browser
 * log then starts empty. */
void       gh_test_add_session        (GhTestFixture *fixture,
                                       const char    *name);
void       gh_test_sign_in            (GhTestFixture *fixture,
                                       const char    *name);
void       gh_test_assert_contains    (const char    *haystack,
                                       const char    *needle);

G_END_DECLS
