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
  gint64               fetched_from; /* the CLI fetched the keys between these two times */
  gint64               fetched_until;
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
  fixture->fetched_from = g_get_real_time () / G_USEC_PER_SEC;
  if (gh_test_run_cli (env, NULL, &err, "credentials", "--profile", PROFILE, "--write",
                       NULL) != 0)
    g_error ("credentials --write failed: %s", err);
  fixture->fetched_until = g_get_real_time () / G_USEC_PER_SEC + 1;
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

/* The keys expire an hour after the CLI fetched them (the simulator's clock was not moved
 * yet), and are renewed the window before. */
static gint64
earliest_renewal (Fixture *fixture)
{
  return fixture->fetched_from + KEYS_LIFETIME - WINDOW;
}

static gint64
latest_renewal (Fixture *fixture)
{
  return fixture->fetched_until + KEYS_LIFETIME - WINDOW;
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

/* The keys are renewed somewhen in [from, until] (clock times), not a second earlier. */
static void
assert_renewed_within (Fixture *fixture,
                       gint64   from,
                       gint64   until)
{
  g_autofree char *old = section_key (fixture);
  guint before = role_requests (fixture);

  gh_test_schedule_advance_to (&fixture->schedule, from - 1);
  g_assert_cmpuint (role_requests (fixture), ==, before);
  g_assert_cmpstr (section_key (fixture), ==, old);

  gh_test_schedule_advance_to (&fixture->schedule, until);
  wait_for_new_key (fixture, old);
  g_assert_cmpuint (role_requests (fixture), ==, before + 1);
}

static void
test_renews_before_expiry (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  gint64 renewed_at;

  fixture_init (&fixture, env);
  assert_renewed_within (&fixture, earliest_renewal (&fixture), latest_renewal (&fixture));

  /* And again, an hour later: the new keys came within the second the clock was at. */
  renewed_at = gh_test_schedule_now (&fixture.schedule);
  assert_renewed_within (&fixture, renewed_at + KEYS_LIFETIME - WINDOW,
                         renewed_at + KEYS_LIFETIME - WINDOW + 1);
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

  gh_test_schedule_advance_to (&fixture.schedule, latest_renewal (&fixture));
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

  gh_test_schedule_jump_to (&fixture.schedule, latest_renewal (&fixture) + 60);
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
  gh_test_env_init (&argc, &argv);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));
  return g_test_run ();
}
