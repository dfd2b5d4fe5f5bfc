/* test-refresh-scheduler.c — tests for src/tray/gh-refresh-scheduler.c on a manual clock
 *
 * A real sign-in on the simulator, a manual clock that the tests move (and the simulator's
 * with it), and the scheduler's signals recorded as text: every deadline is checked to the
 * second, without waiting for it.
 */
#include "config.h"

#include "gh-refresh-scheduler.h"
#include "gh-session-state.h"
#include "gh-test-schedule.h"

#define WINDOW 900          /* GH_REFRESH_WINDOW: GATEHOUSE_REFRESH_WINDOW is not set */
#define MAX_JITTER (WINDOW / 10)
#define FIRST_BACKOFF 30    /* CLAMP (WINDOW / 6, 5, 30) */
#define SESSION_DURATION 28800  /* gatehouse_session_duration's default */

typedef struct
{
  GhTestSchedule      schedule;
  GhRefreshScheduler *scheduler;
  GPtrArray          *events;    /* what the scheduler said, as text */
  gint64              expires;   /* the access token's expiry after the sign-in */
} Fixture;

static void
record (Fixture    *fixture,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
record (Fixture    *fixture,
        const char *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (fixture->events, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
session_ending_cb (GhRefreshScheduler *scheduler,
                   GhSession          *session,
                   int                 seconds,
                   Fixture            *fixture)
{
  g_assert_cmpint (seconds % 60, ==, 0);   /* the clock moves to the lead times here */
  record (fixture, "ending %d", seconds / 60);
}

static void
session_ended_cb (GhRefreshScheduler *scheduler,
                  GhSession          *session,
                  Fixture            *fixture)
{
  record (fixture, "ended");
}

static void
refresh_failed_cb (GhRefreshScheduler *scheduler,
                   GhSession          *session,
                   const GError       *error,
                   Fixture            *fixture)
{
  record (fixture, "failed");
}

static void
console_ending_cb (GhRefreshScheduler *scheduler,
                   const char         *target,
                   const char         *role,
                   const char         *account,
                   int                 seconds,
                   Fixture            *fixture)
{
  g_assert_cmpint (seconds % 60, ==, 0);
  record (fixture, "console %s %s @ %s %d", target, role, account, seconds / 60);
}

static void
roles_due_cb (GhRefreshScheduler *scheduler,
              GhSession          *session,
              Fixture            *fixture)
{
  record (fixture, "roles-due");
}

/* Signs in (with the simulator's lifetimes as they are set), then starts the scheduler. */
static void
fixture_init (Fixture       *fixture,
              GhTestFixture *env)
{
  gh_test_schedule_init (&fixture->schedule, env, "scheduler");
  fixture->events = g_ptr_array_new_with_free_func (g_free);
  fixture->scheduler = gh_refresh_scheduler_new (fixture->schedule.clock,
                                                 G_LIST_MODEL (fixture->schedule.sessions));
  g_signal_connect (fixture->scheduler, "session-ending", G_CALLBACK (session_ending_cb),
                    fixture);
  g_signal_connect (fixture->scheduler, "session-ended", G_CALLBACK (session_ended_cb), fixture);
  g_signal_connect (fixture->scheduler, "refresh-failed", G_CALLBACK (refresh_failed_cb),
                    fixture);
  g_signal_connect (fixture->scheduler, "console-ending", G_CALLBACK (console_ending_cb),
                    fixture);
  g_signal_connect (fixture->scheduler, "roles-due", G_CALLBACK (roles_due_cb), fixture);
  gh_test_schedule_settle ();
  fixture->expires = gh_session_get_access_expires_at (fixture->schedule.session);
}

/* Access tokens that last exactly as long as Gatehouse expects the sign-in to (the service's
 * own session runs longer): no refresh in between, and the end is known to the second. */
static void
fixture_init_whole_session (Fixture       *fixture,
                            GhTestFixture *env)
{
  g_object_set (env->sim,
                "session-lifetime", (gint64) 2 * SESSION_DURATION,
                "access-token-lifetime", (gint64) SESSION_DURATION,
                NULL);
  fixture_init (fixture, env);
  g_assert_cmpint (gh_session_get_access_expires_at (fixture->schedule.session), ==,
                   gh_session_get_session_end (fixture->schedule.session));
}

static void
fixture_clear (Fixture *fixture)
{
  g_clear_object (&fixture->scheduler);
  gh_test_schedule_clear (&fixture->schedule);
  g_clear_pointer (&fixture->events, g_ptr_array_unref);
}

static char *
events_text (Fixture *fixture)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < fixture->events->len; i++)
    g_string_append_printf (text, "%s%s", i ? "; " : "",
                            (const char *) g_ptr_array_index (fixture->events, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
assert_events (Fixture    *fixture,
               const char *expected)
{
  g_autofree char *text = events_text (fixture);

  g_assert_cmpstr (text, ==, expected);
}

typedef struct
{
  Fixture    *fixture;
  const char *expected;
} EventsWait;

static gboolean
events_are (gpointer data)
{
  EventsWait *wait = data;
  g_autofree char *text = events_text (wait->fixture);

  return g_str_equal (text, wait->expected);
}

static void
wait_for_events (Fixture    *fixture,
                 const char *expected)
{
  EventsWait wait = { fixture, expected };

  gh_test_wait_for (events_are, &wait, 10000, expected);
}

typedef struct
{
  GhSession *session;
  gint64     after;
} ExpiryWait;

static gboolean
expiry_moved (gpointer data)
{
  ExpiryWait *wait = data;

  return gh_session_get_access_expires_at (wait->session) > wait->after;
}

/* Waits for a refresh to bring a token that outlasts the one of the sign-in. */
static void
wait_for_new_token (Fixture *fixture)
{
  ExpiryWait wait = { fixture->schedule.session, fixture->expires };

  gh_test_wait_for (expiry_moved, &wait, 10000, "a new access token");
  gh_test_schedule_settle ();
}

static gint64
next_deadline (Fixture *fixture)
{
  return gh_refresh_scheduler_get_next_deadline (fixture->scheduler);
}

/* The refresh of the access token is due the window before it expires, with a jitter. */
static void
assert_refresh_deadline (Fixture *fixture)
{
  gint64 expires = gh_session_get_access_expires_at (fixture->schedule.session);

  g_assert_cmpint (next_deadline (fixture), >=, expires - WINDOW);
  g_assert_cmpint (next_deadline (fixture), <=, expires - WINDOW + MAX_JITTER);
}

static guint
create_token_requests (Fixture *fixture)
{
  return gh_test_schedule_requests (&fixture->schedule, "CreateToken");
}

static void
break_refreshes (Fixture *fixture)
{
  gh_simulator_inject_fault (fixture->schedule.env->sim, "CreateToken", GH_SIM_FAULT_503, 100);
}

static void
heal (Fixture *fixture)
{
  gh_simulator_inject_fault (fixture->schedule.env->sim, "CreateToken", GH_SIM_FAULT_NONE, 0);
}

/* Refreshes fail (503) from the first one on; it is retried after the first back-off. */
static void
fail_first_refresh (Fixture *fixture)
{
  guint before = create_token_requests (fixture);

  break_refreshes (fixture);
  gh_test_schedule_advance_to (&fixture->schedule, next_deadline (fixture));
  gh_test_schedule_wait_requests (&fixture->schedule, "CreateToken", before + 1);
  wait_for_events (fixture, "failed");
  g_assert_cmpint (next_deadline (fixture), ==,
                   gh_test_schedule_now (&fixture->schedule) + FIRST_BACKOFF);
}

/* The change announced brings the refresh at once, ahead of the back-off. */
static void
assert_change_ends_back_off (GhTestFixture *env,
                             GhClockChange  reason)
{
  Fixture fixture = { 0, };
  guint before;

  fixture_init (&fixture, env);
  fail_first_refresh (&fixture);
  heal (&fixture);
  before = create_token_requests (&fixture);

  /* Ten seconds of the back-off pass: no retry yet. */
  gh_test_schedule_advance (&fixture.schedule, 10);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before);

  gh_test_schedule_announce (&fixture.schedule, reason);
  wait_for_new_token (&fixture);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before + 1);
  assert_refresh_deadline (&fixture);
  assert_events (&fixture, "failed");
  fixture_clear (&fixture);
}

/* Tests */

static void
test_refresh_before_expiry (GhTestFixture *env)
{
  Fixture fixture = { 0, };

  fixture_init (&fixture, env);
  assert_refresh_deadline (&fixture);
  gh_test_schedule_assert_due (&fixture.schedule, "CreateToken",
                               next_deadline (&fixture) - gh_test_schedule_now (&fixture.schedule));
  wait_for_new_token (&fixture);
  g_assert_cmpint (gh_session_get_access_expires_at (fixture.schedule.session), >=,
                   gh_test_schedule_now (&fixture.schedule) + 3600 - 5);
  assert_refresh_deadline (&fixture);
  assert_events (&fixture, "");
  fixture_clear (&fixture);
}

/* Failed refreshes are retried after 30 s, 60 s, 120 s…; reloading the sign-ins keeps the
 * count; the first success ends it. */
static void
test_back_off (GhTestFixture *env)
{
  Fixture fixture = { 0, };

  fixture_init (&fixture, env);
  fail_first_refresh (&fixture);

  gh_test_schedule_assert_due (&fixture.schedule, "CreateToken", FIRST_BACKOFF);
  wait_for_events (&fixture, "failed; failed");
  g_assert_cmpint (next_deadline (&fixture), ==,
                   gh_test_schedule_now (&fixture.schedule) + 2 * FIRST_BACKOFF);

  /* The session manager hands out the same session for an unchanged definition. */
  g_assert_true (gh_session_manager_reload (fixture.schedule.sessions, NULL));
  gh_test_schedule_settle ();
  g_assert_cmpint (next_deadline (&fixture), ==,
                   gh_test_schedule_now (&fixture.schedule) + 2 * FIRST_BACKOFF);

  gh_test_schedule_assert_due (&fixture.schedule, "CreateToken", 2 * FIRST_BACKOFF);
  wait_for_events (&fixture, "failed; failed; failed");
  g_assert_cmpint (next_deadline (&fixture), ==,
                   gh_test_schedule_now (&fixture.schedule) + 4 * FIRST_BACKOFF);

  heal (&fixture);
  gh_test_schedule_advance (&fixture.schedule, 4 * FIRST_BACKOFF);
  wait_for_new_token (&fixture);
  assert_refresh_deadline (&fixture);
  assert_events (&fixture, "failed; failed; failed");
  fixture_clear (&fixture);
}

/* GATEHOUSE_REFRESH_BACKOFF (tests' knob) gives the back-off steps themselves, the last
 * repeating, instead of the window's 30 s, 60 s, 120 s… */
static void
test_back_off_steps (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  guint before;

  g_setenv ("GATEHOUSE_REFRESH_BACKOFF", "1,2,60", TRUE);
  fixture_init (&fixture, env);
  before = create_token_requests (&fixture);
  break_refreshes (&fixture);
  gh_test_schedule_advance_to (&fixture.schedule, next_deadline (&fixture));
  gh_test_schedule_wait_requests (&fixture.schedule, "CreateToken", before + 1);
  wait_for_events (&fixture, "failed");
  g_assert_cmpint (next_deadline (&fixture), ==, gh_test_schedule_now (&fixture.schedule) + 1);

  gh_test_schedule_assert_due (&fixture.schedule, "CreateToken", 1);
  wait_for_events (&fixture, "failed; failed");
  g_assert_cmpint (next_deadline (&fixture), ==, gh_test_schedule_now (&fixture.schedule) + 2);

  gh_test_schedule_assert_due (&fixture.schedule, "CreateToken", 2);
  wait_for_events (&fixture, "failed; failed; failed");
  g_assert_cmpint (next_deadline (&fixture), ==, gh_test_schedule_now (&fixture.schedule) + 60);

  gh_test_schedule_assert_due (&fixture.schedule, "CreateToken", 60);
  wait_for_events (&fixture, "failed; failed; failed; failed");
  g_assert_cmpint (next_deadline (&fixture), ==, gh_test_schedule_now (&fixture.schedule) + 60);

  heal (&fixture);
  gh_test_schedule_advance (&fixture.schedule, 60);
  wait_for_new_token (&fixture);
  assert_refresh_deadline (&fixture);
  fixture_clear (&fixture);
}

/* Waking up ends the back-off: the network may be back, and the back-off was measured on a
 * machine that slept. */
static void
test_resume_retries (GhTestFixture *env)
{
  assert_change_ends_back_off (env, GH_CLOCK_CHANGE_RESUMED);
}

static void
test_network_back_retries (GhTestFixture *env)
{
  assert_change_ends_back_off (env, GH_CLOCK_CHANGE_NETWORK_BACK);
}

/* The machine slept through the token's end: on waking, the deadline has passed on the wall
 * clock, though GLib's monotonic timer would still be minutes away. */
static void
test_wake_after_expiry (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  guint before;

  fixture_init (&fixture, env);
  before = create_token_requests (&fixture);

  gh_test_schedule_jump (&fixture.schedule, 2 * 60 * 60);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before);

  gh_test_schedule_announce (&fixture.schedule, GH_CLOCK_CHANGE_RESUMED);
  wait_for_new_token (&fixture);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before + 1);
  g_assert_cmpint (gh_session_get_status (fixture.schedule.session), ==, GH_SESSION_SIGNED_IN);
  assert_events (&fixture, "");
  fixture_clear (&fixture);
}

/* A wall clock set past a deadline fires it; it does not end a back-off that is not over. */
static void
test_clock_set (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  guint before;

  fixture_init (&fixture, env);
  break_refreshes (&fixture);
  before = create_token_requests (&fixture);

  gh_test_schedule_jump_to (&fixture.schedule, next_deadline (&fixture) + 5);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before);
  gh_test_schedule_announce (&fixture.schedule, GH_CLOCK_CHANGE_WALL_CLOCK_SET);
  gh_test_schedule_wait_requests (&fixture.schedule, "CreateToken", before + 1);
  wait_for_events (&fixture, "failed");

  gh_test_schedule_jump (&fixture.schedule, 10);
  gh_test_schedule_announce (&fixture.schedule, GH_CLOCK_CHANGE_WALL_CLOCK_SET);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before + 1);

  heal (&fixture);
  gh_test_schedule_advance (&fixture.schedule, FIRST_BACKOFF - 10);
  wait_for_new_token (&fixture);
  assert_events (&fixture, "failed");
  fixture_clear (&fixture);
}

/* Warnings at each lead time before the end (15 and 5 minutes), then the end itself: a
 * forced refresh, which the service refuses, and the sign-in has ended. */
static void
test_session_end (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  gint64 end;

  fixture_init_whole_session (&fixture, env);
  end = gh_session_get_session_end (fixture.schedule.session);
  g_assert_cmpint (next_deadline (&fixture), ==, end - 15 * 60);

  gh_test_schedule_advance_to (&fixture.schedule, end - 15 * 60 - 1);
  assert_events (&fixture, "");
  gh_test_schedule_advance (&fixture.schedule, 1);
  assert_events (&fixture, "ending 15");
  g_assert_cmpint (next_deadline (&fixture), ==, end - 5 * 60);

  gh_test_schedule_advance_to (&fixture.schedule, end - 5 * 60);
  assert_events (&fixture, "ending 15; ending 5");
  g_assert_cmpint (next_deadline (&fixture), ==, end);

  gh_simulator_revoke_refresh_tokens (env->sim);
  gh_test_schedule_advance_to (&fixture.schedule, end);
  wait_for_events (&fixture, "ending 15; ending 5; ended");
  g_assert_cmpint (gh_session_get_status (fixture.schedule.session), ==, GH_SESSION_EXPIRED);
  g_assert_cmpint (next_deadline (&fixture), ==, G_MAXINT64);
  fixture_clear (&fixture);
}

/* Lead times passed while asleep give one warning, with the minutes really left; other lead
 * times come from the settings. */
static void
test_leads_passed_at_once (GhTestFixture *env)
{
  static const gint32 leads[] = { 30, 10, 2 };
  Fixture fixture = { 0, };
  gint64 end;

  fixture_init_whole_session (&fixture, env);
  gh_refresh_scheduler_set_lead_times (fixture.scheduler, leads, G_N_ELEMENTS (leads));
  gh_test_schedule_settle ();
  end = gh_session_get_session_end (fixture.schedule.session);
  g_assert_cmpint (next_deadline (&fixture), ==, end - 30 * 60);

  gh_test_schedule_jump_to (&fixture.schedule, end - 5 * 60);
  assert_events (&fixture, "");
  gh_test_schedule_announce (&fixture.schedule, GH_CLOCK_CHANGE_RESUMED);
  assert_events (&fixture, "ending 5");
  g_assert_cmpint (next_deadline (&fixture), ==, end - 2 * 60);
  gh_test_schedule_advance (&fixture.schedule, 3 * 60);
  assert_events (&fixture, "ending 5; ending 2");
  fixture_clear (&fixture);
}

static GhConsoleRecord *
console_record (const char *session_name,
                gint64      opened_at,
                gint64      expires_at)
{
  GhConsoleRecord *record = g_new0 (GhConsoleRecord, 1);

  record->session_name = g_strdup (session_name);
  record->account_id = g_strdup ("100000000001");
  record->account_name = g_strdup ("Account 1");
  record->role_name = g_strdup ("ReadOnly");
  record->region = g_strdup ("us-east-1");
  record->opened_at = opened_at;
  record->expires_at = expires_at;
  return record;
}

/* Ten minutes before a console session ends, once; an older console of the same role was
 * replaced by the newer one and says nothing. */
static void
test_console_ending (GhTestFixture *env)
{
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gh_console_record_free);
  g_autofree char *expected = NULL;
  Fixture fixture = { 0, };
  gint64 now;

  fixture_init_whole_session (&fixture, env);
  now = gh_test_schedule_now (&fixture.schedule);
  g_ptr_array_add (records, console_record (fixture.schedule.name, now, now + 3600));
  g_ptr_array_add (records, console_record (fixture.schedule.name, now - 1800, now + 1800));
  gh_refresh_scheduler_set_consoles (fixture.scheduler, records);
  gh_test_schedule_settle ();
  g_assert_cmpint (next_deadline (&fixture), ==, now + 3600 - GH_CONSOLE_WARNING_LEAD);

  gh_test_schedule_advance_to (&fixture.schedule, now + 3600 - GH_CONSOLE_WARNING_LEAD - 1);
  assert_events (&fixture, "");
  gh_test_schedule_advance (&fixture.schedule, 1);
  expected = g_strdup_printf ("console %s/100000000001/ReadOnly ReadOnly @ Account 1 10",
                              fixture.schedule.name);
  assert_events (&fixture, expected);
  gh_test_schedule_advance (&fixture.schedule, 5 * 60);
  assert_events (&fixture, expected);
  fixture_clear (&fixture);
}

/* The role list is due a day after it was fetched, once until it is fetched again. */
static void
test_roles_due (GhTestFixture *env)
{
  Fixture fixture = { 0, };
  gint64 now;

  fixture_init_whole_session (&fixture, env);
  now = gh_test_schedule_now (&fixture.schedule);
  gh_refresh_scheduler_roles_done (fixture.scheduler, fixture.schedule.session,
                                   now - GH_ROLES_REFRESH_INTERVAL + 600);
  gh_test_schedule_settle ();
  g_assert_cmpint (next_deadline (&fixture), ==, now + 600);

  gh_test_schedule_advance (&fixture.schedule, 599);
  assert_events (&fixture, "");
  gh_test_schedule_advance (&fixture.schedule, 1);
  assert_events (&fixture, "roles-due");
  gh_test_schedule_advance (&fixture.schedule, 3600);
  assert_events (&fixture, "roles-due");

  now = gh_test_schedule_now (&fixture.schedule);
  gh_refresh_scheduler_roles_done (fixture.scheduler, fixture.schedule.session,
                                   now - GH_ROLES_REFRESH_INTERVAL);
  gh_test_schedule_settle ();
  assert_events (&fixture, "roles-due; roles-due");
  fixture_clear (&fixture);
}

/* Lets an hour pass, refresh by refresh, on tokens of `lifetime` seconds: each refresh comes
 * `interval` (plus at most `max_jitter`) after the one before, none in between. Returns how
 * many there were. */
static guint
refreshes_in_an_hour (GhTestFixture *env,
                      gint64         lifetime,
                      gint64         interval,
                      gint64         max_jitter)
{
  Fixture fixture = { 0, };
  gint64 end;
  guint before;
  guint count = 0;

  g_object_set (env->sim, "access-token-lifetime", lifetime, NULL);
  fixture_init (&fixture, env);
  end = gh_test_schedule_now (&fixture.schedule) + 3600;
  before = create_token_requests (&fixture);
  /* Not due at once (the sign-in came a moment before the clock was made). */
  g_assert_cmpint (next_deadline (&fixture) - gh_test_schedule_now (&fixture.schedule), >=,
                   interval - 1);
  g_assert_cmpint (next_deadline (&fixture) - gh_test_schedule_now (&fixture.schedule), <=,
                   interval + max_jitter);
  g_assert_cmpuint (create_token_requests (&fixture), ==, before);

  while (next_deadline (&fixture) <= end)
    {
      gint64 wait = next_deadline (&fixture) - gh_test_schedule_now (&fixture.schedule);

      g_assert_cmpint (wait, <=, interval + max_jitter);
      fixture.expires = gh_session_get_access_expires_at (fixture.schedule.session);
      gh_test_schedule_assert_due (&fixture.schedule, "CreateToken", wait);
      wait_for_new_token (&fixture);
      count++;
      /* A refresh that found the next one due at once would have started by now. */
      g_assert_cmpuint (create_token_requests (&fixture) - before, ==, count);
      g_assert_cmpint (next_deadline (&fixture) - gh_test_schedule_now (&fixture.schedule), >=,
                       interval);
    }
  assert_events (&fixture, "");
  fixture_clear (&fixture);
  return count;
}

/* Five-minute tokens, shorter than the 15-minute window: refreshed with a quarter of their life
 * left (75 s), not the moment they arrive — some 16 refreshes an hour, not thousands. */
static void
test_short_tokens (GhTestFixture *env)
{
  guint count = refreshes_in_an_hour (env, 300, 225, 7);

  g_assert_cmpuint (count, >=, 3600 / (225 + 7));
  g_assert_cmpuint (count, <=, 3600 / 225);
}

/* Tokens that live less than the minimum interval: refreshed once a minute, no more often;
 * they lapse in between (a program that needs one then refreshes it on use). */
static void
test_tokens_shorter_than_floor (GhTestFixture *env)
{
  guint count = refreshes_in_an_hour (env, 20, GH_REFRESH_MIN_INTERVAL, 0);

  g_assert_cmpuint (count, ==, 3600 / GH_REFRESH_MIN_INTERVAL);
}

static const GhTestCase cases[] = {
  { "/refresh-scheduler/refresh-before-expiry", test_refresh_before_expiry },
  { "/refresh-scheduler/short-tokens", test_short_tokens },
  { "/refresh-scheduler/tokens-shorter-than-floor", test_tokens_shorter_than_floor },
  { "/refresh-scheduler/back-off", test_back_off },
  { "/refresh-scheduler/back-off-steps", test_back_off_steps },
  { "/refresh-scheduler/resume-retries", test_resume_retries },
  { "/refresh-scheduler/wake-after-expiry", test_wake_after_expiry },
  { "/refresh-scheduler/clock-set", test_clock_set },
  { "/refresh-scheduler/network-back-retries", test_network_back_retries },
  { "/refresh-scheduler/session-end", test_session_end },
  { "/refresh-scheduler/leads-passed-at-once", test_leads_passed_at_once },
  { "/refresh-scheduler/console-ending", test_console_ending },
  { "/refresh-scheduler/roles-due", test_roles_due },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));
  return gh_test_env_run ();
}
