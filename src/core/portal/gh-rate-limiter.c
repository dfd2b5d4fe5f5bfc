/* gh-rate-limiter.c — an adaptive (AIMD) request rate, shared by concurrent calls
 *
 * A token bucket holding at most one token, refilled at `rate` tokens per second, so requests
 * leave evenly spaced rather than in bursts that a server-side limit would punish. Waiters
 * are served strictly in arrival order from a single timer; nothing ever blocks the main loop.
 *
 * The rate adapts like TCP congestion control: it halves on throttling (at most once per
 * cooldown, because the requests already in flight when the limit was hit come back throttled
 * together and are one signal, not eight) and grows by a small step with every success.
 */
#define G_LOG_DOMAIN "gh-rate-limiter"

#include "config.h"

#include "gh-rate-limiter.h"

/* Tokens the bucket holds at most: one request may go at once, the rest are paced. */
#define BUCKET_SIZE 1.0
/* Requests/s added per successful call: at rate r the rate grows by r/2 per second, so it
 * climbs back from a halving in well under a second of successes at typical rates. */
#define INCREASE_STEP 0.5
/* Throttling reported within this time of the last decrease is the same congestion event. */
#define DECREASE_COOLDOWN_USEC (G_USEC_PER_SEC)

struct _GhRateLimiter
{
  GObject  parent_instance;
  double   rate;
  double   min_rate;
  double   max_rate;
  double   tokens;
  gint64   refilled_at;   /* monotonic µs */
  gint64   decreased_at;  /* monotonic µs, 0 = never */
  GQueue   waiters;       /* Waiter, oldest first */
  guint    timer;
};

G_DEFINE_FINAL_TYPE (GhRateLimiter, gh_rate_limiter, G_TYPE_OBJECT)

typedef struct
{
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancelled_id;
} Waiter;

static void dispatch (GhRateLimiter *self);

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancelled_id != 0)
    g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
  g_clear_object (&waiter->cancellable);
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static void
gh_rate_limiter_finalize (GObject *object)
{
  GhRateLimiter *self = GH_RATE_LIMITER (object);

  /* Every waiter holds a reference on us through its task, so the queue is empty here. */
  g_assert (g_queue_is_empty (&self->waiters));
  g_clear_handle_id (&self->timer, g_source_remove);

  G_OBJECT_CLASS (gh_rate_limiter_parent_class)->finalize (object);
}

static void
gh_rate_limiter_class_init (GhRateLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_rate_limiter_finalize;
}

static void
gh_rate_limiter_init (GhRateLimiter *self)
{
  g_queue_init (&self->waiters);
  self->tokens = BUCKET_SIZE;
  self->refilled_at = g_get_monotonic_time ();
}

/**
 * gh_rate_limiter_new:
 * @initial_rate: requests per second to start with
 * @min_rate: the rate never falls below this, however often calls are throttled
 * @max_rate: the rate never climbs above this
 */
GhRateLimiter *
gh_rate_limiter_new (double initial_rate,
                     double min_rate,
                     double max_rate)
{
  GhRateLimiter *self;

  g_return_val_if_fail (min_rate > 0, NULL);
  g_return_val_if_fail (max_rate >= min_rate, NULL);

  self = g_object_new (GH_TYPE_RATE_LIMITER, NULL);
  self->min_rate = min_rate;
  self->max_rate = max_rate;
  self->rate = CLAMP (initial_rate, min_rate, max_rate);
  return self;
}

double
gh_rate_limiter_get_rate (GhRateLimiter *self)
{
  g_return_val_if_fail (GH_IS_RATE_LIMITER (self), 0);
  return self->rate;
}

static void
refill (GhRateLimiter *self)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (double) (now - self->refilled_at) / G_USEC_PER_SEC;

  self->refilled_at = now;
  self->tokens = MIN (BUCKET_SIZE, self->tokens + elapsed * self->rate);
}

static gboolean
timer_cb (gpointer user_data)
{
  GhRateLimiter *self = user_data;

  self->timer = 0;
  dispatch (self);
  return G_SOURCE_REMOVE;
}

/* Hands out tokens to waiters in order and arms the timer for the next one. Completing a task
 * runs its callback at once, which may call back into us (acquire, throttled, succeeded):
 * every loop iteration re-reads the state. */
static void
dispatch (GhRateLimiter *self)
{
  g_autoptr(GhRateLimiter) hold = g_object_ref (self);

  for (;;)
    {
      Waiter *waiter;

      refill (self);
      if (g_queue_is_empty (&self->waiters) || self->tokens < 1.0)
        break;

      waiter = g_queue_pop_head (&self->waiters);
      if (waiter->cancelled_id != 0)
        {
          g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
          waiter->cancelled_id = 0;
        }
      /* A cancelled waiter whose idle has not run yet does not spend a token. */
      if (!g_task_return_error_if_cancelled (waiter->task))
        {
          self->tokens -= 1.0;
          g_task_return_boolean (waiter->task, TRUE);
        }
      waiter_free (waiter);
    }

  g_clear_handle_id (&self->timer, g_source_remove);
  if (!g_queue_is_empty (&self->waiters))
    {
      double wait_s = (1.0 - self->tokens) / self->rate;
      guint wait_ms = (guint) MAX (1.0, wait_s * 1000.0 + 0.999);

      self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, wait_ms, timer_cb, self, NULL);
    }
}

static gint
find_waiter (gconstpointer a,
             gconstpointer b)
{
  const Waiter *waiter = a;

  return waiter->task == b ? 0 : 1;
}

/* Runs in the task's main context, after the cancellable fired (possibly elsewhere). */
static gboolean
cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  GhRateLimiter *self = g_task_get_source_object (task);
  GList *link = g_queue_find_custom (&self->waiters, task, find_waiter);
  Waiter *waiter;

  /* Already served: the token was taken before the cancellation arrived. */
  if (link == NULL)
    return G_SOURCE_REMOVE;

  waiter = link->data;
  g_queue_delete_link (&self->waiters, link);
  g_task_return_error_if_cancelled (waiter->task);
  waiter_free (waiter);
  dispatch (self);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Never disconnect from inside the handler (that deadlocks): finish in an idle instead. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

void
gh_rate_limiter_acquire_async (GhRateLimiter       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (GH_IS_RATE_LIMITER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_rate_limiter_acquire_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  refill (self);
  if (g_queue_is_empty (&self->waiters) && self->tokens >= 1.0)
    {
      self->tokens -= 1.0;
      g_task_return_boolean (task, TRUE);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->task = g_object_ref (task);
  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                    g_object_ref (task), g_object_unref);
    }
  g_queue_push_tail (&self->waiters, waiter);

  if (self->timer == 0)
    dispatch (self);
}

gboolean
gh_rate_limiter_acquire_finish (GhRateLimiter  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The rate changed: the armed timer may now be too early (harmless) or too late. */
static void
rearm (GhRateLimiter *self)
{
  if (!g_queue_is_empty (&self->waiters))
    dispatch (self);
}

void
gh_rate_limiter_throttled (GhRateLimiter *self)
{
  gint64 now;

  g_return_if_fail (GH_IS_RATE_LIMITER (self));

  refill (self);
  now = self->refilled_at;
  /* The server said "too much": whatever credit accumulated is void. */
  self->tokens = MIN (self->tokens, 0.0);

  if (self->decreased_at != 0 && now - self->decreased_at < DECREASE_COOLDOWN_USEC)
    return;

  self->decreased_at = now;
  self->rate = MAX (self->min_rate, self->rate / 2.0);
  g_debug ("Throttled: rate now %.2f requests/s", self->rate);
  rearm (self);
}

void
gh_rate_limiter_succeeded (GhRateLimiter *self)
{
  double rate;

  g_return_if_fail (GH_IS_RATE_LIMITER (self));

  /* Grows by 5 % (at least INCREASE_STEP) so a service without a tight limit is reached in a
   * few dozen calls; a 429 halves it again. */
  rate = MIN (self->max_rate, self->rate + MAX (INCREASE_STEP, self->rate * 0.05));
  if (rate == self->rate)
    return;

  refill (self);
  self->rate = rate;
  rearm (self);
}
