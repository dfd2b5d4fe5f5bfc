/* gh-test-schedule.c — a signed-in sign-in on a manual clock, for the tray's schedulers */
#include "config.h"

#include "gh-http.h"
#include "gh-test-schedule.h"

#define WAIT_MS 10000

void
gh_test_schedule_init (GhTestSchedule *schedule,
                       GhTestFixture  *env,
                       const char     *base)
{
  g_autoptr(GError) error = NULL;

  schedule->env = env;
  schedule->name = gh_test_unique_name (base);
  schedule->offset = 0;
  gh_test_sign_in (env, schedule->name);

  /* Whole seconds: the schedulers' deadlines are. */
  schedule->clock = gh_clock_new_manual (g_get_real_time () / G_USEC_PER_SEC);
  gh_clock_set_default (schedule->clock);
  gh_http_set_retry_policy (gh_http_get_default (), 1, 0, 0);

  schedule->sessions = gh_session_manager_new (NULL);
  g_assert_true (gh_session_manager_reload (schedule->sessions, &error));
  g_assert_no_error (error);
  schedule->session = gh_session_manager_lookup (schedule->sessions, schedule->name);
  g_assert_nonnull (schedule->session);
  g_assert_true (gh_session_status_is_signed_in (gh_session_get_status (schedule->session)));
}

void
gh_test_schedule_clear (GhTestSchedule *schedule)
{
  gh_test_schedule_settle ();
  g_clear_object (&schedule->sessions);
  gh_clock_set_default (NULL);
  g_clear_object (&schedule->clock);
  g_clear_pointer (&schedule->name, g_free);
}

void
gh_test_schedule_settle (void)
{
  /* A moment for the loopback simulator and the worker threads to answer. */
  gh_test_sleep_ms (50);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The simulator's clock runs on with real time: it is set to the manual clock at every move,
 * so the two never drift apart by more than the real time a test takes between two moves. */
static void
follow_clock (GhTestSchedule *schedule)
{
  schedule->offset = gh_clock_get_now (schedule->clock) - g_get_real_time () / G_USEC_PER_SEC;
  g_object_set (schedule->env->sim, "clock-offset", schedule->offset, NULL);
}

/* Moves the clock on without the moment to settle: for a move whose outcome is waited for. */
static void
move_clock (GhTestSchedule *schedule,
            gint64          seconds)
{
  /* Ahead first: what a timer starts on its way talks to a simulator that is there already. */
  schedule->offset += seconds;
  g_object_set (schedule->env->sim, "clock-offset", schedule->offset, NULL);
  gh_clock_advance (schedule->clock, seconds);
  follow_clock (schedule);
}

void
gh_test_schedule_advance (GhTestSchedule *schedule,
                          gint64          seconds)
{
  move_clock (schedule, seconds);
  gh_test_schedule_settle ();
}

void
gh_test_schedule_advance_to (GhTestSchedule *schedule,
                             gint64          when)
{
  g_assert_cmpint (when, >=, gh_test_schedule_now (schedule));
  gh_test_schedule_advance (schedule, when - gh_test_schedule_now (schedule));
}

void
gh_test_schedule_jump (GhTestSchedule *schedule,
                       gint64          seconds)
{
  gh_clock_set_wall (schedule->clock, gh_test_schedule_now (schedule) + seconds);
  follow_clock (schedule);
  gh_test_schedule_settle ();
}

void
gh_test_schedule_jump_to (GhTestSchedule *schedule,
                          gint64          when)
{
  gh_test_schedule_jump (schedule, when - gh_test_schedule_now (schedule));
}

void
gh_test_schedule_announce (GhTestSchedule *schedule,
                           GhClockChange   reason)
{
  gh_clock_emit_changed (schedule->clock, reason);
  gh_test_schedule_settle ();
}

gint64
gh_test_schedule_now (GhTestSchedule *schedule)
{
  return gh_clock_get_now (schedule->clock);
}

guint
gh_test_schedule_requests (GhTestSchedule *schedule,
                           const char     *operation)
{
  return gh_simulator_get_request_count (schedule->env->sim, operation);
}

typedef struct
{
  GhTestSchedule *schedule;
  const char     *operation;
  guint           count;
} RequestWait;

static gboolean
requests_reached (gpointer data)
{
  RequestWait *wait = data;

  return gh_test_schedule_requests (wait->schedule, wait->operation) >= wait->count;
}

void
gh_test_schedule_wait_requests (GhTestSchedule *schedule,
                                const char     *operation,
                                guint           count)
{
  RequestWait wait = { schedule, operation, count };
  g_autofree char *what = g_strdup_printf ("%u %s requests", count, operation);

  gh_test_wait_for (requests_reached, &wait, WAIT_MS, what);
  gh_test_schedule_settle ();
}

void
gh_test_schedule_assert_due (GhTestSchedule *schedule,
                             const char     *operation,
                             gint64          seconds)
{
  guint before = gh_test_schedule_requests (schedule, operation);

  g_assert_cmpint (seconds, >, 0);
  gh_test_schedule_advance (schedule, seconds - 1);
  g_assert_cmpuint (gh_test_schedule_requests (schedule, operation), ==, before);
  /* No pause here: the request is waited for (a refresh every minute of an hour took 60 of
   * them, 3 s). */
  move_clock (schedule, 1);
  gh_test_schedule_wait_requests (schedule, operation, before + 1);
}
