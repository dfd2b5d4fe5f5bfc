/* gh-test-env.h — fixtures for integration tests: the simulator, a private HOME per test, and
 * running the real `gatehouse` executable against them */
#pragma once

#include <gio/gio.h>

#include "gh-role-credentials.h"
#include "gh-secret-store.h"
#include "gh-session.h"
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
/* g_test_init() (no isolated dirs: the fixture makes its own HOME), then gh_test_env_require(). */
void       gh_test_env_init           (int           *argc,
                                       char        ***argv);

/* Adds a test with a fresh GhTestFixture. */
#define gh_test_add(path, func) \
  g_test_add ((path), GhTestFixture, NULL, gh_test_fixture_setup, (func), gh_test_fixture_teardown)

/* Cases that call core code in the test process with the CLI's environment.
 *
 * The CLI runs with HOME, the XDG directories and the AWS_ENDPOINT_URL_* variables of the
 * fixture (gh_test_launcher). The core calls made in the test process must see the same ones,
 * but GLib computes g_get_home_dir() and friends once per process; so every such case runs in
 * a subprocess of its own (g_test_trap_subprocess) that sets the environment before anything
 * asks GLib for those directories. */
typedef struct
{
  const char *path;
  void      (*func) (GhTestFixture *fixture);
} GhTestCase;

void       gh_test_add_subprocess_cases (const GhTestCase *cases,
                                         guint             n_cases);
/* The environment of gh_test_launcher(), for this process; asserts GLib had not cached the
 * user directories yet. */
void       gh_test_use_cli_environment  (GhTestFixture    *fixture);
/* Only the simulator's endpoints (and a short HTTP timeout), for this process. */
void       gh_test_use_simulator        (GhTestFixture    *fixture);
/* The sign-in `name` from ~/.aws/config (as the CLI wrote it), as a GhSession. */
GhSession *gh_test_load_session         (const char       *name);
/* gh_role_credentials_get_async() to completion; exactly one of result and error is set. */
GhRoleCredentials *gh_test_get_role_credentials (GhSession   *session,
                                                 const char  *account_id,
                                                 const char  *role_name,
                                                 gboolean     force_refresh,
                                                 GError     **error);

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
/* The same, naming what it waited for when it fails. */
void       gh_test_wait_for           (gboolean     (*condition) (gpointer),
                                       gpointer       data,
                                       guint          timeout_ms,
                                       const char    *what);
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

/* The secret of this kind stored for session `name` (at the simulator's start URL), copied into
 * ordinary memory, or NULL; fails the test if the keyring cannot be asked. */
char      *gh_test_keyring_lookup     (GhTestFixture *fixture,
                                       const char    *name,
                                       GhSecretKind   kind);

G_END_DECLS
