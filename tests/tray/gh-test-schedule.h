/* gh-test-schedule.h — a signed-in sign-in on a manual clock, for the tray's schedulers
 *
 * The sign-in is made with the real `gatehouse` against the fixture's simulator; from then on
 * time is a manual GhClock, installed as the default one so that the sessions and the role
 * credentials read it too. Moving it moves the simulator's clock (clock-offset) along, so
 * tokens and sign-ins end for both at the same moment. Runs in a subprocess case
 * (gh_test_add_subprocess_cases), with the CLI's environment.
 */
#pragma once

#include "gh-clock.h"
#include "gh-session-manager.h"
#include "gh-test-env.h"

G_BEGIN_DECLS

typedef struct
{
  GhTestFixture    *env;
  char             *name;       /* the sign-in */
  GhClock          *clock;
  GhSessionManager *sessions;
  GhSession        *session;    /* the sign-in's, in `sessions` */
  gint64            offset;     /* the simulator's clock-offset */
} GhTestSchedule;

/* Signs in to a new sign-in named after `base` (set the simulator's lifetimes first), then
 * makes the clock and the session manager. HTTP calls are not retried: a fault the test
 * injects reaches the code under test at once. */
void     gh_test_schedule_init      (GhTestSchedule *schedule,
                                     GhTestFixture  *env,
                                     const char     *base);
void     gh_test_schedule_clear     (GhTestSchedule *schedule);

/* Lets `seconds` pass (timers fire on the way), then runs what became ready. */
void     gh_test_schedule_advance   (GhTestSchedule *schedule,
                                     gint64          seconds);
/* Moves to `when` (unix seconds on the clock). */
void     gh_test_schedule_advance_to (GhTestSchedule *schedule,
                                      gint64          when);
/* The wall clock jumps `seconds` ahead (or to `when`), unnoticed until a change is
 * announced. */
void     gh_test_schedule_jump      (GhTestSchedule *schedule,
                                     gint64          seconds);
void     gh_test_schedule_jump_to   (GhTestSchedule *schedule,
                                     gint64          when);
void     gh_test_schedule_announce  (GhTestSchedule *schedule,
                                     GhClockChange   reason);
gint64   gh_test_schedule_now       (GhTestSchedule *schedule);
/* Runs the main loop until nothing is ready (a moment of real time for the simulator). */
void     gh_test_schedule_settle    (void);
/* Requests the simulator received for `operation` so far. */
guint    gh_test_schedule_requests  (GhTestSchedule *schedule,
                                     const char     *operation);
/* Waits (a few seconds at most) until the simulator has received `count` such requests. */
void     gh_test_schedule_wait_requests (GhTestSchedule *schedule,
                                         const char     *operation,
                                         guint           count);
/* The next `operation` request comes exactly `seconds` from now: none a second earlier. */
void     gh_test_schedule_assert_due    (GhTestSchedule *schedule,
                                         const char     *operation,
                                         gint64          seconds);

G_END_DECLS
