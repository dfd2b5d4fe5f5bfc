/* gh-refresh-scheduler.c — one timer for the next deadline of all sign-ins and consoles */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <glib-unix.h>

#include "gh-error.h"
#include "gh-refresh-scheduler.h"

#define MAX_LEADS 8
#define MAX_BACKOFF (15 * 60)

typedef struct
{
  GhSession       *session;
  GhSessionStatus  last_status;
  gint64           jitter_for;       /* the access-token expiry the jitter was drawn for */
  gint64           jitter;
  gint64           retry_at;         /* after a failed refresh: not before this */
  guint            failures;
  gboolean         refreshing;
  gint64           end_checked;      /* the session end already checked at its deadline */
  gint64           end_recheck_at;   /* after an end check that moved nothing */
  gint64           warned_end;       /* the session end the lead-time warnings were for */
  guint            warned_mask;      /* bit i: lead time i was announced */
  gint64           roles_fetched_at; /* -1 unknown */
  gboolean         roles_running;
} Entry;

struct _GhRefreshScheduler
{
  GObject          parent_instance;

  GPtrArray       *entries;          /* Entry* */
  GPtrArray       *consoles;         /* GhConsoleRecord* */
  GHashTable      *consoles_warned;  /* "TARGET@EXPIRY" */
  gint32           leads[MAX_LEADS];
  gsize            n_leads;
  gint64           window;
  gint64           next_deadline;

  guint            timer_id;
  guint            evaluate_id;
  GCancellable    *cancellable;

  GNetworkMonitor *network;
  gboolean         network_usable;
  GDBusConnection *system_bus;
  guint            sleep_subscription;
  int              clock_fd;
  guint            clock_source;
};

G_DEFINE_FINAL_TYPE (GhRefreshScheduler, gh_refresh_scheduler, G_TYPE_OBJECT)

enum { SESSION_ENDING, SESSION_ENDED, REFRESH_FAILED, CONSOLE_ENDING, ROLES_DUE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void evaluate (GhRefreshScheduler *self);

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
status_changed_cb (GhRefreshScheduler *self,
                   GParamSpec         *pspec,
                   GhSession          *session);

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->session);
  g_free (entry);
}

static Entry *
find_entry (GhRefreshScheduler *self,
            GhSession          *session)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->session == session)
        return entry;
    }
  return NULL;
}

/* Timers and re-evaluation */

static gboolean
timer_cb (gpointer user_data)
{
  GhRefreshScheduler *self = user_data;

  self->timer_id = 0;
  evaluate (self);
  return G_SOURCE_REMOVE;
}

static gboolean
evaluate_idle_cb (gpointer user_data)
{
  GhRefreshScheduler *self = user_data;

  self->evaluate_id = 0;
  evaluate (self);
  return G_SOURCE_REMOVE;
}

void
gh_refresh_scheduler_queue_evaluate (GhRefreshScheduler *self)
{
  g_return_if_fail (GH_IS_REFRESH_SCHEDULER (self));

  if (self->evaluate_id == 0)
    self->evaluate_id = g_idle_add (evaluate_idle_cb, self);
}

static void
arm_timer (GhRefreshScheduler *self,
           gint64              deadline)
{
  gint64 delay;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->next_deadline = deadline;
  if (deadline == G_MAXINT64)
    return;

  /* GLib timeouts run on the monotonic clock; resume and clock changes re-evaluate. Seconds
   * granularity lets GLib coalesce wake-ups with other processes. */
  delay = MAX (deadline - now_seconds (), 0);
  if (delay == 0)
    self->timer_id = g_timeout_add (0, timer_cb, self);
  else
    self->timer_id = g_timeout_add_seconds ((guint) MIN (delay, G_MAXUINT / 2), timer_cb, self);
}

/* Refresh */

typedef struct
{
  GhRefreshScheduler *self;
  GhSession          *session;
} RefreshData;

static gint64
backoff (GhRefreshScheduler *self,
         guint               failures)
{
  /* Short windows (tests) retry sooner: never let the token lapse between retries. */
  gint64 base = CLAMP (self->window / 6, 5, 30);
  gint64 delay = base << MIN (failures, 10u);

  return MIN (delay, MAX_BACKOFF);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RefreshData *data = user_data;
  GhRefreshScheduler *self = data->self;
  g_autoptr(GError) error = NULL;
  Entry *entry = find_entry (self, data->session);
  gboolean ok;

  ok = gh_session_refresh_finish (data->session, result, &error);
  if (entry != NULL)
    {
      entry->refreshing = FALSE;
      if (ok || g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
        {
          /* Ended sign-ins are reported through the status (session-ended). */
          entry->failures = 0;
          entry->retry_at = 0;
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          entry->retry_at = now_seconds () + backoff (self, entry->failures);
          entry->failures++;
          g_debug ("Refresh of %s failed (%s); retrying in %" G_GINT64_FORMAT " s",
                   gh_session_get_name (data->session), error->message,
                   entry->retry_at - now_seconds ());
          g_signal_emit (self, signals[REFRESH_FAILED], 0, data->session, error);
        }
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gh_refresh_scheduler_queue_evaluate (self);
  g_object_unref (data->session);
  g_object_unref (data->self);
  g_free (data);
}

static void
start_refresh (GhRefreshScheduler *self,
               Entry              *entry,
               gboolean            force)
{
  RefreshData *data = g_new0 (RefreshData, 1);

  g_debug ("Refreshing %s%s", gh_session_get_name (entry->session), force ? " (forced)" : "");
  entry->refreshing = TRUE;
  data->self = g_object_ref (self);
  data->session = g_object_ref (entry->session);
  gh_session_refresh_async (entry->session, force, self->cancellable, refresh_cb, data);
}

/* Past the estimated end, a forced refresh either extends the estimate or ends the sign-in
 * (invalid_grant). One that fails otherwise is retried with backoff; one that succeeds without
 * moving the estimate (a token issued in the session's last second) is followed by another
 * once that token nears its end. Returns the next deadline. */
static gint64
check_end (GhRefreshScheduler *self,
           Entry              *entry,
           gint64              end,
           gint64              expires,
           gint64              now)
{
  gint64 due;

  if (entry->end_checked != end)
    {
      entry->end_checked = end;
      entry->end_recheck_at = 0;
      due = now;
    }
  else if (entry->retry_at > 0)
    due = entry->retry_at;
  else
    {
      if (entry->end_recheck_at == 0)
        entry->end_recheck_at = MAX (expires - self->window, now + 30);
      due = entry->end_recheck_at;
    }

  if (due > now)
    return due;
  entry->end_recheck_at = 0;
  start_refresh (self, entry, TRUE);
  return G_MAXINT64;
}

/* The deadlines of one session; starts what is due, returns the next deadline. */
static gint64
evaluate_session (GhRefreshScheduler *self,
                  Entry              *entry,
                  gint64              now)
{
  GhSession *session = entry->session;
  GhSessionStatus status = gh_session_get_status (session);
  gint64 expires = gh_session_get_access_expires_at (session);
  gint64 end = gh_session_get_session_end (session);
  gint64 next = G_MAXINT64;
  gboolean passed = FALSE;

  if (!gh_session_status_is_signed_in (status) || entry->refreshing)
    return next;

  /* The access token, unless it already lasts to the end of the sign-in session. */
  if (gh_session_get_refreshable (session) && (end == 0 || expires < end))
    {
      gint64 due;

      if (entry->jitter_for != expires)
        {
          entry->jitter_for = expires;
          entry->jitter = g_random_int_range (0, (gint32) MAX (self->window / 10, 1) + 1);
        }
      due = expires - self->window + entry->jitter;
      if (entry->retry_at > 0)
        due = entry->retry_at;

      if (due <= now)
        {
          /* The core skips a refresh another process has just done, unless forced; a window
           * wider than the core's own needs the force. */
          start_refresh (self, entry, self->window > GH_REFRESH_WINDOW);
          return next;
        }
      next = MIN (next, due);
    }

  if (end <= 0)
    return next;

  /* The end of the sign-in: an estimate, so ask the service (a refresh either extends it or
   * fails with invalid_grant, which marks the session ended). */
  if (end <= now)
    {
      if (gh_session_get_refreshable (session))
        return MIN (next, check_end (self, entry, end, expires, now));
      if (entry->end_checked != end)
        {
          entry->end_checked = end;
          gh_session_reload (session);
        }
      return next;
    }
  next = MIN (next, end);

  /* Lead-time warnings: a later end is a new sign-in (warn again); an earlier one is the same
   * sign-in, better estimated. */
  if (end > entry->warned_end)
    entry->warned_mask = 0;
  entry->warned_end = end;
  for (gsize i = 0; i < self->n_leads; i++)
    {
      gint64 at = end - (gint64) self->leads[i] * 60;

      if (entry->warned_mask & (1u << i))
        continue;
      if (at <= now)
        {
          entry->warned_mask |= 1u << i;
          passed = TRUE;
        }
      else
        next = MIN (next, at);
    }
  if (passed)
    g_signal_emit (self, signals[SESSION_ENDING], 0, session, (int) ((end - now + 59) / 60));

  /* The daily role list refresh. */
  if (entry->roles_fetched_at >= 0 && !entry->roles_running)
    {
      gint64 due = entry->roles_fetched_at + GH_ROLES_REFRESH_INTERVAL;

      if (due <= now)
        {
          entry->roles_running = TRUE;
          g_signal_emit (self, signals[ROLES_DUE], 0, session);
        }
      else
        next = MIN (next, due);
    }

  return next;
}

static gint64
evaluate_consoles (GhRefreshScheduler *self,
                   gint64              now)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 next = G_MAXINT64;

  for (guint i = 0; self->consoles != NULL && i < self->consoles->len; i++)
    {
      GhConsoleRecord *record = g_ptr_array_index (self->consoles, i);
      char *target;
      g_autofree char *warned = NULL;
      gint64 at;

      if (record->expires_at <= now)
        continue;
      target = g_strdup_printf ("%s/%s/%s", record->session_name, record->account_id,
                                record->role_name);
      /* Newest first: an older console of the same role was replaced by this one. */
      if (!g_hash_table_add (seen, target))
        continue;

      warned = g_strdup_printf ("%s@%" G_GINT64_FORMAT, target, record->expires_at);
      if (g_hash_table_contains (self->consoles_warned, warned))
        continue;

      at = record->expires_at - GH_CONSOLE_WARNING_LEAD;
      if (at > now)
        {
          next = MIN (next, at);
          continue;
        }
      g_hash_table_add (self->consoles_warned, g_steal_pointer (&warned));
      g_signal_emit (self, signals[CONSOLE_ENDING], 0, target, record->role_name,
                     record->account_name ? record->account_name : record->account_id,
                     (int) ((record->expires_at - now + 59) / 60));
    }
  return next;
}

static void
evaluate (GhRefreshScheduler *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  gint64 now = now_seconds ();
  gint64 next;

  g_clear_handle_id (&self->evaluate_id, g_source_remove);

  /* Handlers of the signals emitted here may change the set of sessions. */
  entries = g_ptr_array_copy (self->entries, NULL, NULL);
  g_ptr_array_set_free_func (entries, NULL);   /* the copy borrows the entries */
  g_object_ref (self);
  next = evaluate_consoles (self, now);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (g_ptr_array_find (self->entries, entry, NULL))
        next = MIN (next, evaluate_session (self, entry, now));
    }
  arm_timer (self, next);
  g_object_unref (self);
}

/* What changes deadlines: the sessions, the machine waking up, the clock, the network */

static void
status_changed_cb (GhRefreshScheduler *self,
                   GParamSpec         *pspec,
                   GhSession          *session)
{
  Entry *entry = find_entry (self, session);
  GhSessionStatus status = gh_session_get_status (session);

  if (entry == NULL)
    return;
  if (gh_session_status_is_signed_in (entry->last_status) && status == GH_SESSION_EXPIRED)
    {
      entry->last_status = status;
      g_signal_emit (self, signals[SESSION_ENDED], 0, session);
    }
  entry->last_status = status;
  gh_refresh_scheduler_queue_evaluate (self);
}

static void
times_changed_cb (GhRefreshScheduler *self,
                  GParamSpec         *pspec,
                  GhSession          *session)
{
  gh_refresh_scheduler_queue_evaluate (self);
}

void
gh_refresh_scheduler_retry_now (GhRefreshScheduler *self)
{
  g_return_if_fail (GH_IS_REFRESH_SCHEDULER (self));


  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->retry_at > 0)
        entry->retry_at = now_seconds ();
    }
  gh_refresh_scheduler_queue_evaluate (self);
}

/* Usable: a route, and no captive portal in the way (connectivity is FULL when nothing checks). */
static gboolean
network_is_usable (GNetworkMonitor *monitor)
{
  return g_network_monitor_get_network_available (monitor) &&
         g_network_monitor_get_connectivity (monitor) == G_NETWORK_CONNECTIVITY_FULL;
}

static void
network_changed_cb (GhRefreshScheduler *self,
                    GParamSpec         *pspec,
                    GNetworkMonitor    *monitor)
{
  gboolean usable = network_is_usable (monitor);
  gboolean was = self->network_usable;

  self->network_usable = usable;
  if (usable && !was)
    {
      g_debug ("The network is back: retrying failed refreshes");
      gh_refresh_scheduler_retry_now (self);
    }
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
  GhRefreshScheduler *self = user_data;
  gboolean sleeping = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  if (!sleeping)
    {
      g_debug ("Resumed: re-evaluating every deadline");
      gh_refresh_scheduler_retry_now (self);
    }
}

static void
system_bus_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GhRefreshScheduler *self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      g_debug ("No system bus (%s): resume is noticed by the clock only", error->message);
      g_object_unref (self);
      return;
    }

  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, self,
                                        NULL);
  g_object_unref (self);
}

static gboolean arm_clock_watch (GhRefreshScheduler *self);

static gboolean
clock_set_cb (int          fd,
              GIOCondition condition,
              gpointer     user_data)
{
  GhRefreshScheduler *self = user_data;
  guint64 expirations;

  /* A read fails with ECANCELED when the wall clock was set. */
  if (read (fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
    {
      g_debug ("The wall clock moved: re-evaluating every deadline");
      gh_refresh_scheduler_queue_evaluate (self);
    }
  arm_clock_watch (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
arm_clock_watch (GhRefreshScheduler *self)
{
  /* An absolute timer far in the future, cancelled by any change of CLOCK_REALTIME. */
  struct itimerspec spec = { .it_value = { .tv_sec = G_MAXINT32 } };

  return timerfd_settime (self->clock_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                          &spec, NULL) == 0;
}

static void
watch_clock (GhRefreshScheduler *self)
{
  self->clock_fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->clock_fd < 0)
    return;
  if (!arm_clock_watch (self))
    {
      close (self->clock_fd);
      self->clock_fd = -1;
      return;
    }
  self->clock_source = g_unix_fd_add (self->clock_fd, G_IO_IN, clock_set_cb, self);
}

/* GObject */

static void
gh_refresh_scheduler_dispose (GObject *object)
{
  GhRefreshScheduler *self = GH_REFRESH_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->evaluate_id, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  if (self->clock_fd >= 0)
    close (self->clock_fd);
  self->clock_fd = -1;
  if (self->system_bus != NULL && self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
  if (self->entries != NULL)
    {
      for (guint i = 0; i < self->entries->len; i++)
        g_signal_handlers_disconnect_by_data (((Entry *) g_ptr_array_index (self->entries, i))->session,
                                              self);
      g_ptr_array_set_size (self->entries, 0);
    }
  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  G_OBJECT_CLASS (gh_refresh_scheduler_parent_class)->dispose (object);
}

static void
gh_refresh_scheduler_finalize (GObject *object)
{
  GhRefreshScheduler *self = GH_REFRESH_SCHEDULER (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->consoles_warned, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (gh_refresh_scheduler_parent_class)->finalize (object);
}

static void
gh_refresh_scheduler_class_init (GhRefreshSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_refresh_scheduler_dispose;
  object_class->finalize = gh_refresh_scheduler_finalize;

  signals[SESSION_ENDING] = g_signal_new ("session-ending", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, GH_TYPE_SESSION, G_TYPE_INT);
  signals[SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, GH_TYPE_SESSION);
  signals[REFRESH_FAILED] = g_signal_new ("refresh-failed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, GH_TYPE_SESSION, G_TYPE_ERROR);
  signals[CONSOLE_ENDING] = g_signal_new ("console-ending", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING,
                                          G_TYPE_STRING, G_TYPE_INT);
  signals[ROLES_DUE] = g_signal_new ("roles-due", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, GH_TYPE_SESSION);
}

static void
gh_refresh_scheduler_init (GhRefreshScheduler *self)
{
  const char *window = g_getenv ("GATEHOUSE_REFRESH_WINDOW");
  gint64 value = window ? g_ascii_strtoll (window, NULL, 10) : 0;

  self->window = value > 0 ? value : GH_REFRESH_WINDOW;
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->consoles_warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->next_deadline = G_MAXINT64;
  self->leads[0] = 15;
  self->leads[1] = 5;
  self->n_leads = 2;
  self->clock_fd = -1;

  self->network = g_object_ref (g_network_monitor_get_default ());
  self->network_usable = network_is_usable (self->network);
  /* Not network-changed: GLib's NetworkManager monitor reports NetworkManager's state through
   * the properties alone (network-changed follows the kernel's routes). A captive portal
   * signed into counts as the network coming back. */
  g_signal_connect_object (self->network, "notify::network-available",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->network, "notify::connectivity",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));
  watch_clock (self);
}

GhRefreshScheduler *
gh_refresh_scheduler_new (void)
{
  return g_object_new (GH_TYPE_REFRESH_SCHEDULER, NULL);
}

void
gh_refresh_scheduler_set_sessions (GhRefreshScheduler *self,
                                   GPtrArray          *sessions)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (GH_IS_REFRESH_SCHEDULER (self));
  g_return_if_fail (sessions != NULL);

  old = g_steal_pointer (&self->entries);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  for (guint i = 0; i < sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (sessions, i);
      Entry *entry = NULL;
      guint index;

      for (index = 0; index < old->len; index++)
        if (((Entry *) g_ptr_array_index (old, index))->session == session)
          break;
      if (index < old->len)
        entry = g_ptr_array_steal_index (old, index);
      else
        {
          entry = g_new0 (Entry, 1);
          entry->session = g_object_ref (session);
          entry->last_status = gh_session_get_status (session);
          entry->roles_fetched_at = -1;
          g_signal_connect_object (session, "notify::status", G_CALLBACK (status_changed_cb),
                                   self, G_CONNECT_SWAPPED);
          g_signal_connect_object (session, "notify::access-expires-at",
                                   G_CALLBACK (times_changed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (session, "notify::session-end",
                                   G_CALLBACK (times_changed_cb), self, G_CONNECT_SWAPPED);
        }
      g_ptr_array_add (self->entries, entry);
    }

  for (guint i = 0; i < old->len; i++)
    g_signal_handlers_disconnect_by_data (((Entry *) g_ptr_array_index (old, i))->session, self);
  gh_refresh_scheduler_queue_evaluate (self);
}

void
gh_refresh_scheduler_set_lead_times (GhRefreshScheduler *self,
                                     const gint32       *minutes,
                                     gsize               n_minutes)
{
  g_return_if_fail (GH_IS_REFRESH_SCHEDULER (self));

  self->n_leads = 0;
  for (gsize i = 0; i < n_minutes && self->n_leads < MAX_LEADS; i++)
    if (minutes[i] > 0)
      self->leads[self->n_leads++] = minutes[i];
  gh_refresh_scheduler_queue_evaluate (self);
}

void
gh_refresh_scheduler_set_consoles (GhRefreshScheduler *self,
                                   GPtrArray          *records)
{
  g_return_if_fail (GH_IS_REFRESH_SCHEDULER (self));

  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  self->consoles = records ? g_ptr_array_ref (records) : NULL;
  gh_refresh_scheduler_queue_evaluate (self);
}

void
gh_refresh_scheduler_roles_done (GhRefreshScheduler *self,
                                 GhSession          *session,
                                 gint64              fetched_at)
{
  Entry *entry;

  g_return_if_fail (GH_IS_REFRESH_SCHEDULER (self));

  if ((entry = find_entry (self, session)) == NULL)
    return;
  entry->roles_running = FALSE;
  entry->roles_fetched_at = MAX (fetched_at, 0);
  gh_refresh_scheduler_queue_evaluate (self);
}

gint64
gh_refresh_scheduler_get_next_deadline (GhRefreshScheduler *self)
{
  g_return_val_if_fail (GH_IS_REFRESH_SCHEDULER (self), G_MAXINT64);
  return self->next_deadline;
}

gint64
gh_refresh_scheduler_get_window (GhRefreshScheduler *self)
{
  g_return_val_if_fail (GH_IS_REFRESH_SCHEDULER (self), GH_REFRESH_WINDOW);
  return self->window;
}
