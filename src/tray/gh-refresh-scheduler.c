/* gh-refresh-scheduler.c — one timer for the next deadline of all sign-ins and consoles */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

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

  GhClock         *clock;
  GListModel      *sessions;         /* GhSession */
  GPtrArray       *entries;          /* Entry*, one per session */
  GPtrArray       *consoles;         /* GhConsoleRecord* */
  GHashTable      *consoles_warned;  /* "TARGET@EXPIRY" */
  gint32           leads[MAX_LEADS];
  gsize            n_leads;
  gint64           window;
  GArray          *backoff_steps;    /* gint64 seconds, from GATEHOUSE_REFRESH_BACKOFF, or NULL */
  gint64           next_deadline;

  guint            timer_id;         /* on the clock */
  guint            evaluate_id;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (GhRefreshScheduler, gh_refresh_scheduler, G_TYPE_OBJECT)

enum { SESSION_ENDING, SESSION_ENDED, REFRESHED, REFRESH_FAILED, CONSOLE_ENDING, ROLES_DUE,
       N_SIGNALS };
static guint signals[N_SIGNALS];

static void evaluate (GhRefreshScheduler *self);

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

static void
timer_cb (gpointer user_data)
{
  GhRefreshScheduler *self = user_data;

  self->timer_id = 0;
  evaluate (self);
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
disarm_timer (GhRefreshScheduler *self)
{
  if (self->timer_id != 0)
    gh_clock_remove_timer (self->clock, self->timer_id);
  self->timer_id = 0;
}

static gint64
now_seconds (GhRefreshScheduler *self)
{
  return gh_clock_get_now (self->clock);
}

/* The clock's timers are wall-clock deadlines: it re-checks them itself on resume and when the
 * wall clock is set. */
static void
arm_timer (GhRefreshScheduler *self,
           gint64              deadline)
{
  disarm_timer (self);
  self->next_deadline = deadline;
  if (deadline == G_MAXINT64)
    return;
  /* Says that an evaluation is over and what it found: tests wait for it instead of a while. */
  g_debug ("Next deadline in %" G_GINT64_FORMAT " s", deadline - now_seconds (self));
  self->timer_id = gh_clock_add_timer (self->clock, deadline, timer_cb, self, NULL);
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

  if (self->backoff_steps != NULL)
    return g_array_index (self->backoff_steps, gint64,
                          MIN (failures, self->backoff_steps->len - 1));

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
          if (ok)
            g_signal_emit (self, signals[REFRESHED], 0, data->session);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          entry->retry_at = now_seconds (self) + backoff (self, entry->failures);
          entry->failures++;
          g_debug ("Refresh of %s failed (%s); retrying in %" G_GINT64_FORMAT " s",
                   gh_session_get_name (data->session), error->message,
                   entry->retry_at - now_seconds (self));
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

      due = gh_session_get_refresh_due (session, self->window);
      if (entry->jitter_for != expires)
        {
          /* Up to a tenth of the time left at the due point, so that sign-ins made together
           * do not all refresh in the same second. */
          entry->jitter_for = expires;
          entry->jitter = g_random_int_range (0, (gint32) CLAMP ((expires - due) / 10, 0,
                                                                 G_MAXINT32 - 1) + 1);
        }
      due += entry->jitter;
      if (entry->retry_at > 0)
        due = entry->retry_at;

      if (due <= now)
        {
          /* The core skips a refresh that is not due by its own window (another process has
           * just done it), unless forced: a window other than the core's needs the force, or
           * the scheduler would find the same refresh due again at once. */
          start_refresh (self, entry, self->window != GH_REFRESH_WINDOW);
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
    g_signal_emit (self, signals[SESSION_ENDING], 0, session, (int) (end - now));

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
                     (int) (record->expires_at - now));
    }
  return next;
}

static void
evaluate (GhRefreshScheduler *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  gint64 now = now_seconds (self);
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
        entry->retry_at = now_seconds (self);
    }
  gh_refresh_scheduler_queue_evaluate (self);
}

/* The clock has fired what became due; what changed may also end a back-off. */
static void
clock_changed_cb (GhRefreshScheduler *self,
                  GhClockChange       reason,
                  GhClock            *clock)
{
  switch (reason)
    {
    case GH_CLOCK_CHANGE_RESUMED:
      /* The network may be back, and the back-off was measured while the machine slept. */
      g_debug ("Resumed: re-evaluating every deadline");
      gh_refresh_scheduler_retry_now (self);
      break;
    case GH_CLOCK_CHANGE_WALL_CLOCK_SET:
      g_debug ("The wall clock moved: re-evaluating every deadline");
      gh_refresh_scheduler_queue_evaluate (self);
      break;
    case GH_CLOCK_CHANGE_NETWORK_BACK:
      g_debug ("The network is back: retrying failed refreshes");
      gh_refresh_scheduler_retry_now (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* GObject */

static void
disconnect_entries (GhRefreshScheduler *self,
                    GPtrArray          *entries)
{
  for (guint i = 0; i < entries->len; i++)
    g_signal_handlers_disconnect_by_data (((Entry *) g_ptr_array_index (entries, i))->session,
                                          self);
}

static void
gh_refresh_scheduler_dispose (GObject *object)
{
  GhRefreshScheduler *self = GH_REFRESH_SCHEDULER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->clock != NULL)
    {
      disarm_timer (self);
      g_signal_handlers_disconnect_by_data (self->clock, self);
    }
  g_clear_object (&self->clock);
  g_clear_handle_id (&self->evaluate_id, g_source_remove);
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_object (&self->sessions);
  if (self->entries != NULL)
    {
      disconnect_entries (self, self->entries);
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
  g_clear_pointer (&self->backoff_steps, g_array_unref);
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
  signals[REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, GH_TYPE_SESSION);
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

/* GATEHOUSE_REFRESH_BACKOFF (tests only): the back-off after each failed refresh in a row, in
 * seconds, comma-separated, the last repeating ("1,2,60"), so that tests see several retries
 * in seconds and still one far off. NULL when unset or not a list of positive numbers. */
static GArray *
parse_backoff_steps (const char *text)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GArray) steps = NULL;

  if (text == NULL || *text == '\0')
    return NULL;
  fields = g_strsplit (text, ",", -1);
  steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; fields[i] != NULL; i++)
    {
      char *end = NULL;
      gint64 value = g_ascii_strtoll (fields[i], &end, 10);

      if (end == fields[i] || *end != '\0' || value <= 0)
        return NULL;
      g_array_append_val (steps, value);
    }
  return g_steal_pointer (&steps);
}

static void
gh_refresh_scheduler_init (GhRefreshScheduler *self)
{
  const char *window = g_getenv ("GATEHOUSE_REFRESH_WINDOW");
  gint64 value = window ? g_ascii_strtoll (window, NULL, 10) : 0;

  self->window = value > 0 ? value : GH_REFRESH_WINDOW;
  self->backoff_steps = parse_backoff_steps (g_getenv ("GATEHOUSE_REFRESH_BACKOFF"));
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->consoles_warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->next_deadline = G_MAXINT64;
  self->leads[0] = 15;
  self->leads[1] = 5;
  self->n_leads = 2;
}

static Entry *
entry_new (GhRefreshScheduler *self,
           GhSession          *session)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->session = g_object_ref (session);
  entry->last_status = gh_session_get_status (session);
  entry->roles_fetched_at = -1;
  g_signal_connect_object (session, "notify::status", G_CALLBACK (status_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::access-expires-at",
                           G_CALLBACK (times_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::session-end",
                           G_CALLBACK (times_changed_cb), self, G_CONNECT_SWAPPED);
  return entry;
}

/* One entry per session of the model; the state of sessions still there is kept (the
 * session manager hands out the same object for a definition that did not change). */
static void
sessions_changed_cb (GhRefreshScheduler *self,
                     guint               position,
                     guint               removed,
                     guint               added,
                     GListModel         *sessions)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->entries);
  guint n = g_list_model_get_n_items (sessions);

  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      guint index;

      for (index = 0; index < old->len; index++)
        if (((Entry *) g_ptr_array_index (old, index))->session == session)
          break;
      if (index < old->len)
        g_ptr_array_add (self->entries, g_ptr_array_steal_index (old, index));
      else
        g_ptr_array_add (self->entries, entry_new (self, session));
    }

  disconnect_entries (self, old);
  gh_refresh_scheduler_queue_evaluate (self);
}

GhRefreshScheduler *
gh_refresh_scheduler_new (GhClock    *clock,
                          GListModel *sessions)
{
  GhRefreshScheduler *self;

  g_return_val_if_fail (GH_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (sessions), NULL);
  g_return_val_if_fail (g_list_model_get_item_type (sessions) == GH_TYPE_SESSION, NULL);

  self = g_object_new (GH_TYPE_REFRESH_SCHEDULER, NULL);
  self->clock = g_object_ref (clock);
  self->sessions = g_object_ref (sessions);
  g_signal_connect_object (clock, "changed", G_CALLBACK (clock_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gh_clock_watch (clock);
  g_signal_connect_object (sessions, "items-changed", G_CALLBACK (sessions_changed_cb), self,
                           G_CONNECT_SWAPPED);
  sessions_changed_cb (self, 0, 0, g_list_model_get_n_items (sessions), sessions);
  return self;
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
