/* gh-clock.c — what time it is, when to wake up, and when "now" jumped
 *
 * Timers are kept in one array; only the earliest has a GLib source (no periodic wake-ups).
 * A system clock arms that source for the remaining time as measured on the wall clock and
 * re-arms it whenever the wall clock may have jumped; a manual clock fires its timers itself
 * while it is advanced. Either way a timer already due is fired from the main loop, never from
 * within gh_clock_add_timer, so callers can add timers in the middle of their own work.
 */
#define G_LOG_DOMAIN "gh-clock"

#include "config.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <glib-unix.h>

#include "gh-clock.h"
#include "gh-enums.h"

typedef struct
{
  guint             id;
  gint64            deadline;
  GhClockTimerFunc  func;
  gpointer          user_data;
  GDestroyNotify    destroy;
} Timer;

struct _GhClock
{
  GObject          parent_instance;

  GMainContext    *context;
  GPtrArray       *timers;             /* Timer*, in no order */
  guint            next_id;
  GSource         *wakeup;             /* fires the earliest timer */

  gboolean         manual;
  gint64           manual_wall;        /* µs */
  gint64           manual_monotonic;   /* µs */

  /* The system clock's watches (see gh_clock_watch). */
  gboolean         watching;
  GCancellable    *cancellable;
  GNetworkMonitor *network;
  gboolean         network_usable;
  GDBusConnection *system_bus;
  guint            sleep_subscription;
  int              clock_fd;
  GSource         *clock_source;
};

G_DEFINE_FINAL_TYPE (GhClock, gh_clock, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static GhClock *default_clock;
G_LOCK_DEFINE_STATIC (default_clock);

static void arm_wakeup (GhClock *self);

static void
timer_free (Timer *timer)
{
  if (timer->destroy != NULL)
    timer->destroy (timer->user_data);
  g_free (timer);
}

/* Now */

gint64
gh_clock_get_wall_time (GhClock *self)
{
  g_return_val_if_fail (GH_IS_CLOCK (self), 0);

  return self->manual ? self->manual_wall : g_get_real_time ();
}

gint64
gh_clock_get_monotonic_time (GhClock *self)
{
  g_return_val_if_fail (GH_IS_CLOCK (self), 0);

  return self->manual ? self->manual_monotonic : g_get_monotonic_time ();
}

gint64
gh_clock_get_now (GhClock *self)
{
  return gh_clock_get_wall_time (self) / G_USEC_PER_SEC;
}

/* Timers */

/* The earliest timer; the first added among those with the same deadline, so timers fire in
 * the order they would on a real clock. */
static Timer *
earliest_timer (GhClock *self)
{
  Timer *earliest = NULL;

  for (guint i = 0; i < self->timers->len; i++)
    {
      Timer *timer = g_ptr_array_index (self->timers, i);

      if (earliest == NULL || timer->deadline < earliest->deadline ||
          (timer->deadline == earliest->deadline && timer->id < earliest->id))
        earliest = timer;
    }
  return earliest;
}

/* Out of the array before anything runs: the callback and the destroy notify may add and
 * remove timers. */
static Timer *
steal_timer (GhClock *self,
             guint    index)
{
  return g_ptr_array_steal_index_fast (self->timers, index);
}

static void
fire (GhClock *self,
      Timer   *timer)
{
  guint index = 0;

  g_ptr_array_find (self->timers, timer, &index);
  steal_timer (self, index);
  timer->func (timer->user_data);
  timer_free (timer);
}

/* Fires every timer due at the current wall time, earliest first. A callback may add or
 * remove timers, hence the search after each one. */
static void
fire_due (GhClock *self)
{
  Timer *timer;

  g_object_ref (self);
  while ((timer = earliest_timer (self)) != NULL &&
         timer->deadline * G_USEC_PER_SEC <= gh_clock_get_wall_time (self))
    fire (self, timer);
  arm_wakeup (self);
  g_object_unref (self);
}

static gboolean
wakeup_cb (gpointer user_data)
{
  GhClock *self = user_data;

  g_clear_pointer (&self->wakeup, g_source_unref);
  fire_due (self);
  return G_SOURCE_REMOVE;
}

static void
attach_wakeup (GhClock *self,
               GSource *source)
{
  g_source_set_callback (source, wakeup_cb, self, NULL);
  g_source_set_static_name (source, "[gh-clock] wakeup");
  g_source_attach (source, self->context);
  self->wakeup = source;
}

/* One GLib timeout for the earliest timer. A manual clock needs one only for a timer that is
 * already due; the system clock waits the remaining time, in whole seconds while that is long
 * so GLib can group the wake-up with others. GLib's monotonic timeouts stand still during
 * suspend: the changed sources (resume, clock set) bring us back here. */
static void
arm_wakeup (GhClock *self)
{
  Timer *timer = earliest_timer (self);
  gint64 remaining;

  if (self->wakeup != NULL)
    {
      g_source_destroy (self->wakeup);
      g_clear_pointer (&self->wakeup, g_source_unref);
    }
  if (timer == NULL)
    return;

  remaining = timer->deadline * G_USEC_PER_SEC - gh_clock_get_wall_time (self);
  if (remaining <= 0)
    attach_wakeup (self, g_timeout_source_new (0));
  else if (self->manual)
    return;
  else if (remaining < G_USEC_PER_SEC)
    attach_wakeup (self, g_timeout_source_new ((guint) ((remaining + 999) / 1000)));
  else
    attach_wakeup (self, g_timeout_source_new_seconds (
                           (guint) MIN ((remaining + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC,
                                        G_MAXUINT / 2)));
}

guint
gh_clock_add_timer (GhClock          *self,
                    gint64            deadline,
                    GhClockTimerFunc  func,
                    gpointer          user_data,
                    GDestroyNotify    destroy)
{
  Timer *timer;

  g_return_val_if_fail (GH_IS_CLOCK (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  gh_clock_watch (self);

  timer = g_new0 (Timer, 1);
  timer->id = ++self->next_id;
  if (timer->id == 0)
    timer->id = ++self->next_id;
  timer->deadline = deadline;
  timer->func = func;
  timer->user_data = user_data;
  timer->destroy = destroy;
  g_ptr_array_add (self->timers, timer);
  arm_wakeup (self);
  return timer->id;
}

void
gh_clock_remove_timer (GhClock *self,
                       guint    id)
{
  g_return_if_fail (GH_IS_CLOCK (self));
  g_return_if_fail (id != 0);

  for (guint i = 0; i < self->timers->len; i++)
    {
      Timer *timer = g_ptr_array_index (self->timers, i);

      if (timer->id == id)
        {
          timer_free (steal_timer (self, i));
          arm_wakeup (self);
          return;
        }
    }
  g_critical ("%s: no timer %u", G_STRFUNC, id);
}

/* What makes "now" jump */

static void
changed (GhClock       *self,
         GhClockChange  reason)
{
  g_object_ref (self);
  fire_due (self);
  g_signal_emit (self, signals[CHANGED], 0, reason);
  g_object_unref (self);
}

/* Usable: a route, and no captive portal in the way (connectivity is FULL when nothing checks). */
static gboolean
network_is_usable (GNetworkMonitor *monitor)
{
  return g_network_monitor_get_network_available (monitor) &&
         g_network_monitor_get_connectivity (monitor) == G_NETWORK_CONNECTIVITY_FULL;
}

static void
network_changed_cb (GhClock         *self,
                    GParamSpec      *pspec,
                    GNetworkMonitor *monitor)
{
  gboolean was = self->network_usable;

  self->network_usable = network_is_usable (monitor);
  if (self->network_usable && !was)
    changed (self, GH_CLOCK_CHANGE_NETWORK_BACK);
}

static void
watch_network (GhClock *self)
{
  self->network = g_object_ref (g_network_monitor_get_default ());
  self->network_usable = network_is_usable (self->network);
  /* Not network-changed: GLib's NetworkManager monitor reports NetworkManager's state through
   * the properties alone (network-changed follows the kernel's routes). A captive portal
   * signed into counts as the network coming back. */
  g_signal_connect_object (self->network, "notify::network-available",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->network, "notify::connectivity",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  GhClock *self = user_data;
  gboolean sleeping = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  if (!sleeping)
    changed (self, GH_CLOCK_CHANGE_RESUMED);
}

/* Holds a reference on the clock until the bus is there (or cannot be had). */
static void
system_bus_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GhClock) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus (%s): a resume is noticed when a timer is due", error->message);
      return;
    }

  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, self,
                                        NULL);
}

static gboolean
arm_clock_fd (GhClock *self)
{
  /* An absolute timer far in the future, cancelled by any change of CLOCK_REALTIME. */
  struct itimerspec spec = { .it_value = { .tv_sec = G_MAXINT32 } };

  return timerfd_settime (self->clock_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, NULL) == 0;
}

static gboolean
clock_fd_cb (int          fd,
             GIOCondition condition,
             gpointer     user_data)
{
  GhClock *self = user_data;
  guint64 expirations;
  gboolean set;

  /* A read fails with ECANCELED when the wall clock was set; the timer must be armed again. */
  set = read (fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED;
  arm_clock_fd (self);
  if (set)
    changed (self, GH_CLOCK_CHANGE_WALL_CLOCK_SET);
  return G_SOURCE_CONTINUE;
}

static void
watch_clock_set (GhClock *self)
{
  self->clock_fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->clock_fd < 0)
    return;
  if (!arm_clock_fd (self))
    {
      close (self->clock_fd);
      self->clock_fd = -1;
      return;
    }
  self->clock_source = g_unix_fd_source_new (self->clock_fd, G_IO_IN);
  g_source_set_callback (self->clock_source, G_SOURCE_FUNC (clock_fd_cb), self, NULL);
  g_source_set_static_name (self->clock_source, "[gh-clock] clock set");
  g_source_attach (self->clock_source, self->context);
}

void
gh_clock_watch (GhClock *self)
{
  g_return_if_fail (GH_IS_CLOCK (self));

  if (self->manual || self->watching)
    return;
  self->watching = TRUE;

  watch_network (self);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));
  watch_clock_set (self);
}

/* Manual clocks */

void
gh_clock_advance (GhClock *self,
                  gint64   seconds)
{
  gint64 target;
  Timer *timer;

  g_return_if_fail (GH_IS_CLOCK (self));
  g_return_if_fail (self->manual);
  g_return_if_fail (seconds >= 0);

  target = self->manual_wall + seconds * G_USEC_PER_SEC;
  g_object_ref (self);
  /* Time passes: each timer fires with the clock at its own deadline. */
  while ((timer = earliest_timer (self)) != NULL && timer->deadline * G_USEC_PER_SEC <= target)
    {
      gint64 at = MAX (timer->deadline * G_USEC_PER_SEC, self->manual_wall);

      self->manual_monotonic += at - self->manual_wall;
      self->manual_wall = at;
      fire (self, timer);
    }
  self->manual_monotonic += target - self->manual_wall;
  self->manual_wall = target;
  arm_wakeup (self);
  g_object_unref (self);
}

void
gh_clock_set_wall (GhClock *self,
                   gint64   wall_seconds)
{
  g_return_if_fail (GH_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  /* Nothing notices until told (gh_clock_emit_changed), as with the system clock, whose
   * timeouts do not see the jump either. */
  self->manual_wall = wall_seconds * G_USEC_PER_SEC;
}

void
gh_clock_emit_changed (GhClock       *self,
                       GhClockChange  reason)
{
  g_return_if_fail (GH_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  changed (self, reason);
}

/* GObject */

static void
gh_clock_dispose (GObject *object)
{
  GhClock *self = GH_CLOCK (object);

  g_cancellable_cancel (self->cancellable);
  if (self->wakeup != NULL)
    {
      g_source_destroy (self->wakeup);
      g_clear_pointer (&self->wakeup, g_source_unref);
    }
  if (self->clock_source != NULL)
    {
      g_source_destroy (self->clock_source);
      g_clear_pointer (&self->clock_source, g_source_unref);
    }
  if (self->clock_fd >= 0)
    close (self->clock_fd);
  self->clock_fd = -1;
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
  while (self->timers->len > 0)
    timer_free (steal_timer (self, self->timers->len - 1));

  G_OBJECT_CLASS (gh_clock_parent_class)->dispose (object);
}

static void
gh_clock_finalize (GObject *object)
{
  GhClock *self = GH_CLOCK (object);

  g_clear_pointer (&self->timers, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (gh_clock_parent_class)->finalize (object);
}

static void
gh_clock_class_init (GhClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_clock_dispose;
  object_class->finalize = gh_clock_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, GH_TYPE_CLOCK_CHANGE);
}

static void
gh_clock_init (GhClock *self)
{
  self->timers = g_ptr_array_new_with_free_func ((GDestroyNotify) timer_free);
  self->cancellable = g_cancellable_new ();
  self->clock_fd = -1;
}

static GhClock *
clock_new_for_context (GMainContext *context)
{
  GhClock *self = g_object_new (GH_TYPE_CLOCK, NULL);

  self->context = g_main_context_ref (context);
  return self;
}

GhClock *
gh_clock_new (void)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  return clock_new_for_context (context);
}

GhClock *
gh_clock_new_manual (gint64 wall_seconds)
{
  GhClock *self = gh_clock_new ();

  self->manual = TRUE;
  self->manual_wall = wall_seconds * G_USEC_PER_SEC;
  /* Any origin will do, as long as it is not 0 (an "unset" time to some callers). */
  self->manual_monotonic = G_USEC_PER_SEC;
  return self;
}

gboolean
gh_clock_is_manual (GhClock *self)
{
  g_return_val_if_fail (GH_IS_CLOCK (self), FALSE);

  return self->manual;
}

GhClock *
gh_clock_get_default (void)
{
  GhClock *clock;

  G_LOCK (default_clock);
  /* Its timers belong to the main loop, whichever thread asks first. */
  if (default_clock == NULL)
    default_clock = clock_new_for_context (g_main_context_default ());
  clock = default_clock;
  G_UNLOCK (default_clock);
  return clock;
}

void
gh_clock_set_default (GhClock *clock)
{
  g_autoptr(GhClock) old = NULL;

  g_return_if_fail (clock == NULL || GH_IS_CLOCK (clock));

  G_LOCK (default_clock);
  old = g_steal_pointer (&default_clock);
  default_clock = clock ? g_object_ref (clock) : NULL;
  G_UNLOCK (default_clock);
}
