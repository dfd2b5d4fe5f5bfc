/* test-discovery.c — listing accounts and roles against the simulator: large organisations
 * under a rate limit, pagination, odd names, token expiry mid-listing, faults, cancellation
 *
 * Each test signs in with the real `gatehouse` CLI, then runs GhDiscovery in this process on
 * the same files. G_TEST_OPTION_ISOLATE_DIRS gives every test its own HOME and XDG dirs (GLib
 * resets its cached user dirs per test); the CLI is pointed at those same dirs.
 */
#include "config.h"

#include "gh-discovery.h"
#include "gh-error.h"
#include "gh-role.h"
#include "gh-session.h"
#include "gh-test-env.h"

typedef struct
{
  GhTestFixture *fixture;
  GhSession     *session;
  GhDiscovery   *discovery;
  GCancellable  *cancellable;

  gboolean       done;
  GPtrArray     *roles;
  GError        *error;
  gint64         started_at;
  gint64         finished_at;

  guint          progress_calls;
  guint          last_done;
  guint          last_total;
  gboolean       total_known;

  /* Actions taken from the progress signal */
  guint          expire_at_done;      /* expire access tokens when this many are done */
  gboolean       revoke_refresh;      /* ... and revoke refresh tokens */
  guint          cancel_at_done;
  gint64         cancelled_at;
} Run;

/* The environment of the test program's session (gh-test-desktop.h) that the CLI needs to find
 * GSettings schemas and the stand-in browser; isolated dirs replace these in this process. */
static const char *kept_variables[] = {
  "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DATA_DIRS", "XDG_CONFIG_DIRS",
};

/* The CLI runs in this test's isolated dirs (those the sign-in uses), and so does the core
 * code in this process. */
static void
use_isolated_dirs (GhTestFixture *fixture)
{
  g_ptr_array_add (fixture->extra_env, g_strconcat ("HOME=", g_get_home_dir (), NULL));
  g_ptr_array_add (fixture->extra_env,
                   g_strconcat ("XDG_STATE_HOME=", g_get_user_state_dir (), NULL));
  g_ptr_array_add (fixture->extra_env,
                   g_strconcat ("XDG_CACHE_HOME=", g_get_user_cache_dir (), NULL));
  g_ptr_array_add (fixture->extra_env,
                   g_strconcat ("XDG_RUNTIME_DIR=", g_get_user_runtime_dir (), NULL));
  for (guint i = 0; i < G_N_ELEMENTS (kept_variables); i++)
    {
      const char *value = gh_test_env_get_session_variable (kept_variables[i]);

      g_ptr_array_add (fixture->extra_env,
                       value ? g_strconcat (kept_variables[i], "=", value, NULL)
                             : g_strdup (kept_variables[i]));
    }
  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  gh_test_use_simulator (fixture);
}

static GhSession *
signed_in_session (GhTestFixture *fixture,
                   gboolean       login)
{
  g_autofree char *name = gh_test_unique_name ("disc");

  use_isolated_dirs (fixture);
  if (login)
    gh_test_sign_in (fixture, name);
  else
    gh_test_add_session (fixture, name);

  return gh_test_load_session (name);
}

static void
progress_cb (GhDiscovery *discovery,
             guint        done,
             guint        total,
             Run         *run)
{
  run->progress_calls++;

  /* Monotonic; total is 0 until known, then fixed. */
  g_assert_cmpuint (done, >=, run->last_done);
  if (run->total_known)
    g_assert_cmpuint (total, ==, run->last_total);
  if (total != 0)
    {
      g_assert_cmpuint (done, <=, total);
      run->total_known = TRUE;
    }
  run->last_done = done;
  run->last_total = total;

  if (run->expire_at_done != 0 && done >= run->expire_at_done)
    {
      run->expire_at_done = 0;
      gh_simulator_expire_access_tokens (run->fixture->sim);
      if (run->revoke_refresh)
        gh_simulator_revoke_refresh_tokens (run->fixture->sim);
    }

  if (run->cancel_at_done != 0 && done >= run->cancel_at_done)
    {
      run->cancel_at_done = 0;
      run->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (run->cancellable);
    }
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->roles = gh_discovery_run_finish (GH_DISCOVERY (object), result, &run->error);
  run->finished_at = g_get_monotonic_time ();
  run->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((Run *) data)->done;
}

static void
run_init (Run           *run,
          GhTestFixture *fixture,
          gboolean       login)
{
  memset (run, 0, sizeof *run);
  run->fixture = fixture;
  run->session = signed_in_session (fixture, login);
  run->discovery = gh_discovery_new (run->session, NULL);
  run->cancellable = g_cancellable_new ();
  g_signal_connect (run->discovery, "progress", G_CALLBACK (progress_cb), run);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->discovery);
  g_clear_object (&run->session);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->roles, g_ptr_array_unref);
  g_clear_error (&run->error);
}

static double
run_discovery (Run   *run,
               guint  timeout_ms)
{
  double seconds;

  run->started_at = g_get_monotonic_time ();
  gh_discovery_run_async (run->discovery, run->cancellable, run_done_cb, run);
  gh_test_wait_until (run_done, run, timeout_ms);
  seconds = (double) (run->finished_at - run->started_at) / G_USEC_PER_SEC;
  g_test_message ("discovery took %.2f s (%u progress signals)", seconds, run->progress_calls);
  return seconds;
}

/* Exactly accounts × roles roles, unique keys, sorted, every account complete. */
static void
assert_complete (Run   *run,
                 guint  accounts,
                 guint  roles_per_account)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) per_account = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (run->error);
  g_assert_nonnull (run->roles);
  g_assert_cmpuint (run->roles->len, ==, accounts * roles_per_account);

  for (guint i = 0; i < run->roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (run->roles, i);
      const char *id = gh_role_get_account_id (role);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (per_account, id));

      g_assert_true (g_hash_table_add (keys, (gpointer) gh_role_get_key (role)));
      g_hash_table_insert (per_account, (gpointer) id, GUINT_TO_POINTER (n + 1));
      g_assert_cmpstr (gh_role_get_session_name (role), ==,
                       gh_session_get_name (run->session));
      if (i > 0)
        g_assert_cmpint (gh_role_compare (&run->roles->pdata[i - 1], &run->roles->pdata[i]),
                         <, 0);
    }

  g_assert_cmpuint (g_hash_table_size (per_account), ==, accounts);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, per_account);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, roles_per_account);
  }

  g_assert_cmpuint (run->last_done, ==, accounts);
  g_assert_cmpuint (run->last_total, ==, accounts);
}

/* Listing requests the simulator received, throttled ones included. */
static guint
portal_requests (GhTestFixture *fixture)
{
  return gh_simulator_get_request_count (fixture->sim, "ListAccounts") +
         gh_simulator_get_request_count (fixture->sim, "ListAccountRoles");
}

/* Signs in, then lists @accounts accounts of @roles roles (one page each) at 5 ms latency
 * from a server that allows @limit requests/s; returns the seconds it took. */
static double
run_rate_limited (Run           *run,
                  GhTestFixture *fixture,
                  guint          accounts,
                  guint          roles,
                  guint          limit)
{
  double seconds;

  g_object_set (fixture->sim, "accounts", accounts, "roles-per-account", roles,
                "page-size", 100, "latency-ms", 5, NULL);
  run_init (run, fixture, TRUE);
  g_object_set (fixture->sim, "rate-limit", limit, NULL);

  seconds = run_discovery (run, 240000);
  assert_complete (run, accounts, roles);
  return seconds;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_large_rate_limited (GhTestFixture *fixture,
                         gconstpointer  data)
{
  Run run;
  /* 50/s rather than 20/s: as many pages, 9 s of pacing instead of 24 s. */
  double seconds = run_rate_limited (&run, fixture, 500, 3, 50);
  guint requests = portal_requests (fixture);

  g_test_message ("500 accounts × 3 roles at 50 requests/s: %.2f s, %u requests for 505 pages "
                  "(%.1f pages/s)", seconds, requests, 505 / seconds);
  /* 505 pages at 50/s cannot take less than ~9.1 s (the bucket starts with 50 tokens). */
  g_assert_cmpfloat (seconds, >, 9);
  /* Over a long listing the limit is found and kept: few throttled replies. */
  g_assert_cmpuint (gh_simulator_get_throttled_count (fixture->sim) * 20, <=, requests);
  run_clear (&run);
}

static void
test_nameless_and_unicode (GhTestFixture *fixture,
                           gconstpointer  data)
{
  const char *names[] = {
    "Read Only", "Développeur ☃", "管理者 admin", "  padded  ", "a&b=c+d%20/e?", NULL,
  };
  Run run;

  g_object_set (fixture->sim, "accounts", 9, "roles-per-account", 5, "nameless-accounts", 3,
                "role-names", names, NULL);
  run_init (&run, fixture, TRUE);
  run_discovery (&run, 30000);
  assert_complete (&run, 9, 5);

  for (guint i = 0; i < run.roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (run.roles, i);
      guint64 number = g_ascii_strtoull (gh_role_get_account_id (role), NULL, 10) % 100;

      if (number % 3 == 0)
        {
          g_assert_null (gh_role_get_account_name (role));
          g_assert_null (gh_role_get_account_email (role));
        }
      else
        {
          g_autofree char *name = g_strdup_printf ("Account %u", (guint) number);

          g_assert_cmpstr (gh_role_get_account_name (role), ==, name);
          g_assert_nonnull (gh_role_get_account_email (role));
        }

      g_assert_true (g_strv_contains (names, gh_role_get_role_name (role)));
    }
  run_clear (&run);
}

static void
test_pagination (GhTestFixture *fixture,
                 gconstpointer  data)
{
  Run run;

  g_object_set (fixture->sim, "accounts", 23, "roles-per-account", 9, "page-size", 7, NULL);
  run_init (&run, fixture, TRUE);
  run_discovery (&run, 30000);
  assert_complete (&run, 23, 9);

  /* ⌈23/7⌉ account pages and ⌈9/7⌉ role pages per account, nothing twice. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, 4);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccountRoles"), ==, 46);
  run_clear (&run);
}

static void
test_empty (GhTestFixture *fixture,
            gconstpointer  data)
{
  Run run;

  g_object_set (fixture->sim, "accounts", 0, NULL);
  run_init (&run, fixture, TRUE);
  run_discovery (&run, 10000);
  assert_complete (&run, 0, 0);
  run_clear (&run);
}

static void
test_token_expired_midway (GhTestFixture *fixture,
                           gconstpointer  data)
{
  Run run;
  guint refreshes;

  g_object_set (fixture->sim, "accounts", 60, "roles-per-account", 2, "page-size", 10,
                "latency-ms", 5, NULL);
  run_init (&run, fixture, TRUE);
  run.expire_at_done = 10;
  refreshes = gh_simulator_get_request_count (fixture->sim, "CreateToken");

  run_discovery (&run, 60000);
  assert_complete (&run, 60, 2);
  g_assert_cmpuint (run.expire_at_done, ==, 0);
  /* One refresh, shared by every request that saw the 401. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==,
                    refreshes + 1);
  run_clear (&run);
}

static void
test_sign_in_ended_midway (GhTestFixture *fixture,
                           gconstpointer  data)
{
  Run run;

  g_object_set (fixture->sim, "accounts", 60, "roles-per-account", 2, "page-size", 10, NULL);
  run_init (&run, fixture, TRUE);
  run.expire_at_done = 5;
  run.revoke_refresh = TRUE;

  run_discovery (&run, 60000);
  g_assert_null (run.roles);
  g_assert_error (run.error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN);
  g_test_message ("%s", run.error->message);
  run_clear (&run);
}

static void
test_not_signed_in (GhTestFixture *fixture,
                    gconstpointer  data)
{
  Run run;

  run_init (&run, fixture, FALSE);
  run_discovery (&run, 10000);
  g_assert_null (run.roles);
  g_assert_error (run.error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, 0);
  run_clear (&run);
}

static void
test_server_faults_retried (GhTestFixture *fixture,
                            gconstpointer  data)
{
  Run run;

  g_object_set (fixture->sim, "accounts", 30, "roles-per-account", 2, "page-size", 10, NULL);
  run_init (&run, fixture, TRUE);
  gh_simulator_inject_fault (fixture->sim, "ListAccounts", GH_SIM_FAULT_503, 1);
  gh_simulator_inject_fault (fixture->sim, "ListAccounts", GH_SIM_FAULT_MALFORMED, 1);
  gh_simulator_inject_fault (fixture->sim, "ListAccountRoles", GH_SIM_FAULT_500, 3);
  gh_simulator_inject_fault (fixture->sim, "ListAccountRoles", GH_SIM_FAULT_CLOSE, 2);
  gh_simulator_inject_fault (fixture->sim, "ListAccountRoles", GH_SIM_FAULT_MALFORMED, 1);

  run_discovery (&run, 60000);
  assert_complete (&run, 30, 2);
  /* 3 account pages + 2 failed; 30 role pages + 6 failed. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, 5);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccountRoles"), ==, 36);
  run_clear (&run);
}

static void
test_server_faults_give_up (GhTestFixture *fixture,
                            gconstpointer  data)
{
  Run run;

  g_object_set (fixture->sim, "accounts", 30, "roles-per-account", 2, "page-size", 10, NULL);
  run_init (&run, fixture, TRUE);
  gh_simulator_inject_fault (fixture->sim, "ListAccounts", GH_SIM_FAULT_500, 100);

  run_discovery (&run, 60000);
  g_assert_null (run.roles);
  g_assert_error (run.error, GH_ERROR, GH_ERROR_SERVER);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, 4);
  run_clear (&run);
}

/* A rate limit of a few requests per second: the listing slows down and completes. */
static void
test_throttling_storm (GhTestFixture *fixture,
                       gconstpointer  data)
{
  Run run;
  double seconds;
  guint requests;

  /* Four times the limit in pages: enough to draw 429s, a few seconds to wait. */
  g_object_set (fixture->sim, "accounts", 11, "roles-per-account", 2, "page-size", 100, NULL);
  run_init (&run, fixture, TRUE);
  g_object_set (fixture->sim, "rate-limit", 3, NULL);

  seconds = run_discovery (&run, 120000);
  assert_complete (&run, 11, 2);
  requests = portal_requests (fixture);
  g_test_message ("12 pages at 3 requests/s: %.2f s, %u requests (%u throttled)",
                  seconds, requests, requests - 12);
  /* Throttled requests came back as 429s and were retried. */
  g_assert_cmpuint (requests, >, 12);
  run_clear (&run);
}

/* Under a server limit the listing keeps near it without drawing a stream of 429s: few of the
 * requests sent are throttled (the control before this one drew about 40 %). Counts, not
 * times: the simulator counts every request and every throttling reply. */
static void
test_throttling_share (GhTestFixture *fixture,
                       gconstpointer  data)
{
  Run run;
  guint sent;
  guint throttled;

  run_rate_limited (&run, fixture, 250, 2, 50);
  sent = portal_requests (fixture);
  throttled = gh_simulator_get_throttled_count (fixture->sim);
  g_test_message ("253 pages at 50 requests/s: %u requests sent, %u throttled (%.1f %%)",
                  sent, throttled, 100.0 * throttled / sent);
  /* Each page, plus a retry per throttled reply (and per timeout, on a very busy machine). */
  g_assert_cmpuint (sent, >=, 253 + throttled);
  g_assert_cmpuint (throttled * 10, <=, sent);
  run_clear (&run);
}

/* Throttling from the first request on, for a while: the listing waits it out. */
static void
test_throttle_faults (GhTestFixture *fixture,
                      gconstpointer  data)
{
  Run run;

  g_object_set (fixture->sim, "accounts", 10, "roles-per-account", 2, NULL);
  run_init (&run, fixture, TRUE);
  gh_simulator_inject_fault (fixture->sim, "ListAccounts", GH_SIM_FAULT_THROTTLE, 3);
  gh_simulator_inject_fault (fixture->sim, "ListAccountRoles", GH_SIM_FAULT_THROTTLE, 5);

  run_discovery (&run, 60000);
  assert_complete (&run, 10, 2);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, 4);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccountRoles"), ==, 15);
  run_clear (&run);
}

static void
test_cancel (GhTestFixture *fixture,
             gconstpointer  data)
{
  Run run;
  gint64 latency;

  g_object_set (fixture->sim, "accounts", 300, "roles-per-account", 2, "latency-ms", 50, NULL);
  run_init (&run, fixture, TRUE);
  run.cancel_at_done = 5;

  run_discovery (&run, 60000);
  g_assert_null (run.roles);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.cancelled_at, >, 0);
  latency = run.finished_at - run.cancelled_at;
  g_test_message ("cancelled after %" G_GINT64_FORMAT " µs", latency);
  g_assert_cmpint (latency, <, 100000);
  g_assert_cmpuint (run.last_done, <, 300);

  /* Nothing keeps running in the background: no more requests arrive. */
  {
    guint before = gh_simulator_get_request_count (fixture->sim, "ListAccountRoles");

    gh_test_sleep_ms (300);
    g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccountRoles"), <=,
                      before + 8);
  }
  run_clear (&run);
}

static void
test_cancel_before_start (GhTestFixture *fixture,
                          gconstpointer  data)
{
  Run run;

  run_init (&run, fixture, TRUE);
  g_cancellable_cancel (run.cancellable);
  run_discovery (&run, 10000);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, 0);
  run_clear (&run);
}

/* The same GhDiscovery runs again (a refresh) and finds the same roles. */
static void
test_run_twice (GhTestFixture *fixture,
                gconstpointer  data)
{
  Run run;
  g_autoptr(GPtrArray) first = NULL;

  g_object_set (fixture->sim, "accounts", 12, "roles-per-account", 3, "page-size", 5, NULL);
  run_init (&run, fixture, TRUE);
  gh_discovery_set_concurrency (run.discovery, 2);
  gh_discovery_set_initial_rate (run.discovery, 40);
  run_discovery (&run, 30000);
  assert_complete (&run, 12, 3);
  first = g_steal_pointer (&run.roles);

  run.done = FALSE;
  run.last_done = 0;
  run.last_total = 0;
  run.total_known = FALSE;
  run_discovery (&run, 30000);
  assert_complete (&run, 12, 3);
  for (guint i = 0; i < first->len; i++)
    g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (first, i)), ==,
                     gh_role_get_key (g_ptr_array_index (run.roles, i)));
  run_clear (&run);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_ISOLATE_DIRS);

#define ADD(path, func) gh_test_add ("/discovery/" path, func)

  ADD ("large-rate-limited", test_large_rate_limited);
  ADD ("nameless-and-unicode", test_nameless_and_unicode);
  ADD ("pagination", test_pagination);
  ADD ("empty", test_empty);
  ADD ("token/expired-midway", test_token_expired_midway);
  ADD ("token/sign-in-ended-midway", test_sign_in_ended_midway);
  ADD ("token/not-signed-in", test_not_signed_in);
  ADD ("faults/retried", test_server_faults_retried);
  ADD ("faults/give-up", test_server_faults_give_up);
  ADD ("throttling/storm", test_throttling_storm);
  ADD ("throttling/faults", test_throttle_faults);
  ADD ("throttling/share", test_throttling_share);
  ADD ("cancel/midway", test_cancel);
  ADD ("cancel/before-start", test_cancel_before_start);
  ADD ("run-twice", test_run_twice);

  return gh_test_env_run ();
}
