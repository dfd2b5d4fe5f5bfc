/* test-credentials-keeper.c — tests for src/tray/gh-credentials-keeper.c on a manual clock
 *
 * `gatehouse credentials --profile kept --write` writes a section of the credentials file with
 * one-hour keys; the keeper, on a manual clock that the tests move (and the simulator's with
 * it), must renew them the window (15 minutes) before they expire, and retry with back-off.
 */
#include "config.h"

#include "gh-credentials-file.h"
#include "gh-credentials-keeper.h"
#include "gh-test-schedule.h"

#define PROFILE "kept"
#define KEYS_LIFETIME 3600    /* the simulator's role-credential-lifetime */
#define WINDOW (15 * 60)      /* GH_ROLE_CREDENTIALS_REUSE_WINDOW */
#define FIRST_BACKOFF 30

typedef struct
{
  GhTestSchedule       schedule;
  GhCredentialsKeeper *keeper;
  char                *written;      /* the access key the CLI wrote */
  guint                failures;
} Fixture;

static char *
credentials_path (Fixture *fixture)
{
  return gh_test_path (fixture->schedule.env, ".aws/credentials");
}

static char *
section_key (Fixture *fixture)
{
  g_autofree char *path = credentials_path (fixture);
  g_autoptr(GKeyFile) file = g_key_file_new ();

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_key_file_get_string (file, PROFILE, "aws_access_key_id", NULL);
}

static guint
role_requests (Fixture *fixture)
{
  return gh_test_schedule_requests (&fixture->schedule, "GetRoleCredentials");
}

/* A profile for a role of the sign-in, and its keys in the credentials file, as a person
 * makes them for a tool that reads only that file. */
static void
write_profile_keys (Fixture *fixture)
{
  GhTestFixture *env = fixture->schedule.env;
  g_autofree char *config = gh_test_path (env, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  updated = g_strdup_printf ("%s\n[profile " PROFILE "]\nsso_session = %s\n"
                             "sso_account_id = 100000000001\nsso_role_name = ReadOnly\n",
                             contents, fixture->schedule.name);
  g_assert_true (g_file_set_contents (config, updated, -1, NULL));
  if (gh_test_run_cli (env, NULL, &err, "credentials", "--profile", PROFILE, "--write",
                       NULL) != 0)
    g_error ("credentials --write failed: %s", err);
}

static void
write_failed_cb (GhCredentialsKeeper *keeper,
                 GhSession           *session,
                 const GError        *error,
                 Fixture             *fixture)
{
  fixture->failures++;
}

/* The keeper learns the expiry of the keys it finds from the keyring, without a request. */
static void
fixture_init (Fixture       *fixture,
              GhTestFixture *env)
{
  g_autofree char *path = NULL;
  guint before;

  gh_test_schedule_init (&fixture->schedule, env, "keeper");
  write_profile_keys (fixture);
  before = role_requests (fixture);

  path = credentials_path (fixture);
  fixture->keeper = gh_credentials_keeper_new (fixture->schedule.clock,
                                               fixture->schedule.sessions, path);
  g_signal_connect (fixture->keeper, "write-failed", G_CALLBACK (write_failed_cb), fixture);
  gh_credentials_keeper_reload (fixture->keeper);
  gh_test_schedule_settle ();
  g_assert_cmpuint (role_requests (fixture), ==, before);
  fixture->written = section_key (fixture);
  g_assert_nonnull (fixture->written);
}

static void
fixture_clear (Fixture *fixture)
{
  g_clear_object (&fixture->keeper);
  gh_test_schedule_clear (&fixture->schedule);
  g_clear_pointer (&fixture->written, g_free);
}

/* When the keys in the file are due for renewal: the window before the expiry the keyring
 * cache has for them (asked without a request while they are not due). */
static gint64
renewal_time (Fixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  guint before = role_requests (fixture);

  credentials = gh_test_get_role_credentials (fixture->schedule.session, "100000000001",
                                              "ReadOnly", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (role_requests (fixture), ==, before);
  g_assert_cmpint (credentials->expiration - KEYS_LIFETIME, <=,
                   gh_test_schedule_now (&fixture->schedule) + 60);
  return credentials->expiration - WINDOW;
}

typedef struct
{
  Fixture    *fixture;
  const char *old;
} KeyWait;

static gboolean
key_changed (gpointer data)
{
  KeyWait *wait = data;
  g_autofree char *key = section_key (wait->fixture);

  return key != NULL && g_strcmp0 (key, wait->old) != 0;
}

static void
wait_for_new_key (Fixture    *fixture,
                  const char *old)
{
  KeyWait wait = { fixture, old };

  gh_test_wait_for (key_changed, &wait, 10000, "new keys in the credentials file");
  gh_test_schedule_settle ();
}

/* The keys are renewed when due, not a second earlier. */
static void
assert_renewed_when_due (Fixture *fixture)
{
  gint64 due = renewal_time (fixture);
  g_autofree char *old = section_key (fixture);
  g_autofree char *unchanged = NULL;
  guint before = role_requests (fixture);

  gh_test_schedule_advance_to (&fixture->schedule, due - 1);
  g_assert_cmpuint (role_requests (fixture), ==, before);
  unchanged = section_key (fixture);
  g_assert_cmpstr (unchanged, ==, old);

  gh_test_schedule_advance (&fixture->schedule, 1);
  wait_for_new_key (fixture, old);
  g_assert_cmpuint (role_requests (fixture), ==, before + 1);
}

/* An hour's keys are renewed 15 minutes before they expire, and again an hour later. */
static void
test_renews_before_expiry (GhTestFixture *env)
{
  Fixture fixture = { 0, };

  fixture_init (&fixture, env);
  assert_renewed_when_due (&fixture);
  assert_renewed_when_due (&fixture);
  g_assert_cmpuint (fixture.failures, ==, 0);
  fixture_clear (&fixture);
}

/* Keys that cannot be had are retried after 30 s, then 60 s, … */
static void
test_back_off (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  guint before;

  fixture_init (&fixture, env);
  gh_simulator_inject_fault (env->sim, "GetRoleCredentials", GH_SIM_FAULT_500, 100);
  before = role_requests (&fixture);

  gh_test_schedule_advance_to (&fixture.schedule, renewal_time (&fixture));
  gh_test_schedule_wait_requests (&fixture.schedule, "GetRoleCredentials", before + 1);
  g_assert_cmpuint (fixture.failures, ==, 1);
  gh_test_schedule_assert_due (&fixture.schedule, "GetRoleCredentials", FIRST_BACKOFF);
  g_assert_cmpuint (fixture.failures, ==, 2);

  gh_simulator_inject_fault (env->sim, "GetRoleCredentials", GH_SIM_FAULT_NONE, 0);
  gh_test_schedule_assert_due (&fixture.schedule, "GetRoleCredentials", 2 * FIRST_BACKOFF);
  wait_for_new_key (&fixture, fixture.written);
  g_assert_cmpuint (fixture.failures, ==, 2);
  fixture_clear (&fixture);
}

/* The machine slept through the renewal: the clock's wall-clock timer fires on waking. */
static void
test_wake_after_renewal_time (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  guint before;

  fixture_init (&fixture, env);
  before = role_requests (&fixture);

  gh_test_schedule_jump_to (&fixture.schedule, renewal_time (&fixture) + 60);
  g_assert_cmpuint (role_requests (&fixture), ==, before);
  gh_test_schedule_announce (&fixture.schedule, GH_CLOCK_CHANGE_RESUMED);
  wait_for_new_key (&fixture, fixture.written);
  g_assert_cmpuint (role_requests (&fixture), ==, before + 1);
  fixture_clear (&fixture);
}

static const GhTestCase cases[] = {
  { "/credentials-keeper/renews-before-expiry", test_renews_before_expiry },
  { "/credentials-keeper/back-off", test_back_off },
  { "/credentials-keeper/wake-after-renewal-time", test_wake_after_renewal_time },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));
  return gh_test_env_run ();
}
