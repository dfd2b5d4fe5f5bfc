/* gh-clock.h — what time it is, when to wake up, and when "now" jumped
 *
 * Everything that schedules by the wall clock (token and session ends, console ends, key
 * renewals, back-off) asks a GhClock for "now" and for its timers, so a test can move time
 * instead of waiting for it.
 *
 * The system clock (gh_clock_get_default, gh_clock_new) reads g_get_real_time and
 * g_get_monotonic_time. Its timers run on GLib's monotonic timeouts, which stand still while
 * the machine sleeps, so it re-checks them against the wall clock when the machine resumes
 * (logind PrepareForSleep on the system bus), when the wall clock is set (a timerfd with
 * TFD_TIMER_CANCEL_ON_SET), and tells the world through `changed`, which is also emitted when
 * the network becomes usable again (GNetworkMonitor). Those watches start with the first timer
 * or gh_clock_watch, so a CLI that only asks for the time never touches the system bus.
 *
 * A manual clock (gh_clock_new_manual) only moves when told to: gh_clock_advance lets time
 * pass (timers fire in order, each at its own deadline), gh_clock_set_wall makes the wall
 * clock jump (a suspend, a clock set) without firing anything, gh_clock_emit_changed then
 * announces the resume, the clock set or the network coming back as the system would, and
 * fires the timers that became due.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  GH_CLOCK_CHANGE_RESUMED,          /* the machine woke up from suspend */
  GH_CLOCK_CHANGE_WALL_CLOCK_SET,   /* the wall clock was set (by hand, NTP step, timezone…) */
  GH_CLOCK_CHANGE_NETWORK_BACK,     /* the network became usable again */
} GhClockChange;

#define GH_TYPE_CLOCK (gh_clock_get_type ())
G_DECLARE_FINAL_TYPE (GhClock, gh_clock, GH, CLOCK, GObject)

/* Signals:
 *   changed (GhClockChange reason) — "now" may have jumped or waiting may be over; timers that
 *     became due have fired before it is emitted. */

typedef void (*GhClockTimerFunc) (gpointer user_data);

/* The clock of the code that is given none: the system clock, unless a test installed
 * another with gh_clock_set_default. Transfer none. */
GhClock  *gh_clock_get_default         (void);
/* Tests: `clock` (usually a manual one) becomes the default; NULL restores the system clock. */
void      gh_clock_set_default         (GhClock          *clock);

GhClock  *gh_clock_new                 (void);
/* A clock that stands at `wall_seconds` (unix seconds) until moved. */
GhClock  *gh_clock_new_manual          (gint64            wall_seconds);
gboolean  gh_clock_is_manual           (GhClock          *self);

/* Microseconds, as g_get_real_time and g_get_monotonic_time. */
gint64    gh_clock_get_wall_time       (GhClock          *self);
gint64    gh_clock_get_monotonic_time  (GhClock          *self);
/* The wall clock in unix seconds: what every deadline is measured in. */
gint64    gh_clock_get_now             (GhClock          *self);

/* Calls `func` once, as soon as the wall clock reads `deadline` (unix seconds) or later; a
 * deadline already passed fires on the next main-loop iteration. Timers and the watches run
 * on the main context that was the thread-default one when the clock was made (the global
 * default for gh_clock_get_default): add them from its thread. Returns an id for
 * gh_clock_remove_timer (never 0). */
guint     gh_clock_add_timer           (GhClock          *self,
                                        gint64            deadline,
                                        GhClockTimerFunc  func,
                                        gpointer          user_data,
                                        GDestroyNotify    destroy);
/* Removes a timer that has not fired yet (its destroy notify runs). */
void      gh_clock_remove_timer        (GhClock          *self,
                                        guint             id);
/* Starts the watches behind `changed` (a no-op for a manual clock or when running). */
void      gh_clock_watch               (GhClock          *self);

/* Manual clocks only. */
void      gh_clock_advance             (GhClock          *self,
                                        gint64            seconds);
void      gh_clock_set_wall            (GhClock          *self,
                                        gint64            wall_seconds);
void      gh_clock_emit_changed        (GhClock          *self,
                                        GhClockChange     reason);

G_END_DECLS
