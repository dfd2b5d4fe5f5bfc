/* gh-rate-limiter.c — how many requests may be in flight and how fast they may leave
 *
 * A server with a rate limit (IAM Identity Center: a token bucket of some requests/s) only ever
 * says "too many" after the fact, with a throttling reply. The control here borrows from TCP
 * congestion control, adapted to a limit on rate rather than on data in flight; the whole
 * story, with a plot, is in docs/architecture.md ("Discovery rate control"). In short:
 *
 *   startup  Not paced. A window of INITIAL_WINDOW requests in flight that grows by a quarter
 *            every round trip in which it was full, up to max_in_flight: a server without a
 *            tight limit gets the network's pace within a few round trips.
 *   probe    The limit is unknown (after the first throttling, or after a storm in which
 *            too little got through to measure it): paced, the rate doubles every second
 *            of round trips.
 *   cruise   The limit is estimated: paced, the rate follows CUBIC's curve in time — back up
 *            from BETA × limit to the limit in CUBIC_K seconds, a plateau there, then a slowly
 *            accelerating probe above it, so that a limit that was raised is found too.
 *
 * A congestion event is a throttling reply to a request sent after the previous event: the
 * replies to requests already in flight then carry no new information. Each event measures
 * the rate the server accepted (see estimate_limit) and sets the rate to BETA × that. Rates
 * only grow at the end of a round trip (a reply to a request sent after the previous round
 * ended), by an amount that depends on the time passed, never on the number of replies: the
 * old rule of "5 % more per success" climbed faster the more requests got through, and never
 * settled under a limit.
 *
 * Pacing is a token bucket holding at most one token, so requests leave evenly spaced; waiters
 * are served in arrival order from a single timer and nothing blocks the main loop. Timers
 * fire late, never early, so the rate sent errs a little low: that leaves the server's bucket
 * a small cushion rather than none.
 */
#define G_LOG_DOMAIN "gh-rate-limiter"

#include "config.h"

#include <math.h>

#include "gh-rate-limiter.h"

/* Startup: the window it opens with, and its growth per full round trip (×5/4, at least +1).
 * Growing slowly matters: a server bucket that runs dry throttles about one window's worth of
 * requests before the first throttling reply is back, so doubling would cost twice as many. */
#define INITIAL_WINDOW 4
#define STARTUP_GROWTH_NUM 5
#define STARTUP_GROWTH_DEN 4
/* After a congestion event the rate is BETA × the limit measured. */
#define BETA 0.9
/* Cruise: seconds to climb from BETA × limit back to the limit; CUBIC_C (per limit, per s³)
 * follows from it, and is also how fast the probe above the limit accelerates. */
#define CUBIC_K 8.0
#define CUBIC_C ((1.0 - BETA) / (CUBIC_K * CUBIC_K * CUBIC_K))
/* Probe: the rate doubles every this many µs. */
#define PROBE_DOUBLING_USEC G_USEC_PER_SEC
/* Successes between two events needed to measure the limit at all. */
#define MIN_SAMPLES 3
/* Two events closer than this: the server's bucket was empty throughout, so n + 1 successes in
 * between bound the limit from above. */
#define SHORT_INTERVAL_USEC G_USEC_PER_SEC
/* Throttled before anything got through, while not yet paced: this rate is the one halved. */
#define STORM_BASE_RATE 10.0
/* However long a storm lasts, a request still goes every second; the ceiling only keeps the
 * arithmetic finite (the window limits long before). */
#define MIN_RATE 1.0
#define MAX_RATE 100000.0
/* Successes of the last second, counted in slots of 100 ms. */
#define SLOTS 10
#define SLOT_USEC (G_USEC_PER_SEC / SLOTS)

typedef enum
{
  PHASE_STARTUP,
  PHASE_PROBE,
  PHASE_CRUISE,
} Phase;

struct _GhRateLimiter
{
  GObject                 parent_instance;
  GhRateLimiterClockFunc  clock;
  gpointer                clock_data;

  Phase                   phase;
  guint                   max_window;
  guint                   window;
  guint                   in_flight;
  double                  rate;             /* requests/s; unused in startup */
  double                  limit;            /* estimate, requests/s; 0 = unknown */
  double                  cubic_k;          /* s after the event at which cruise is at limit */

  guint64                 next_ticket;      /* the ticket the next request gets; from 1 */
  guint64                 recovery_ticket;  /* throttles of lower tickets: the last event */
  guint64                 round_ticket;     /* a reply to this ticket or later ends the round */
  gint64                  round_started_at;
  gboolean                round_full;       /* the window was full during this round */

  gboolean                started;
  gboolean                had_event;
  gint64                  epoch;            /* of the last event, or of the first request */
  guint                   successes;        /* since epoch */
  guint                   slot_count[SLOTS];
  gint64                  slot_index[SLOTS];

  double                  tokens;
  gint64                  refilled_at;
  GQueue                  waiters;          /* Waiter, oldest first */
  guint                   timer;
};

G_DEFINE_FINAL_TYPE (GhRateLimiter, gh_rate_limiter, G_TYPE_OBJECT)

typedef struct
{
  GTask        *task;
  GCancellable *cancellable;
  gulong        cancelled_id;
} Waiter;

static void dispatch (GhRateLimiter *self);

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gint64
now_usec (GhRateLimiter *self)
{
  return self->clock (self->clock_data);
}

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
  self->clock = default_clock;
  self->next_ticket = 1;
  self->round_ticket = 1;
  self->tokens = 1.0;
}

/**
 * gh_rate_limiter_new:
 * @max_in_flight: the most requests ever in flight at once
 * @initial_rate: 0 when the server's limit is unknown: start unpaced with a small window that
 *   grows every round trip; else a rate in requests/s known to be safe, to start paced at
 */
GhRateLimiter *
gh_rate_limiter_new (guint  max_in_flight,
                     double initial_rate)
{
  GhRateLimiter *self;

  g_return_val_if_fail (max_in_flight > 0, NULL);
  g_return_val_if_fail (initial_rate >= 0, NULL);

  self = g_object_new (GH_TYPE_RATE_LIMITER, NULL);
  self->max_window = max_in_flight;
  if (initial_rate > 0)
    {
      self->phase = PHASE_PROBE;
      self->rate = CLAMP (initial_rate, MIN_RATE, MAX_RATE);
      self->window = max_in_flight;
    }
  else
    {
      self->phase = PHASE_STARTUP;
      self->window = MIN (INITIAL_WINDOW, max_in_flight);
    }
  return self;
}

/* Before the first request only: all times are read from @clock afterwards. */
void
gh_rate_limiter_set_clock (GhRateLimiter          *self,
                           GhRateLimiterClockFunc  clock,
                           gpointer                user_data)
{
  g_return_if_fail (GH_IS_RATE_LIMITER (self));
  g_return_if_fail (!self->started);

  self->clock = clock != NULL ? clock : default_clock;
  self->clock_data = clock != NULL ? user_data : NULL;
}

double
gh_rate_limiter_get_rate (GhRateLimiter *self)
{
  g_return_val_if_fail (GH_IS_RATE_LIMITER (self), 0);
  return self->phase == PHASE_STARTUP ? 0.0 : self->rate;
}

double
gh_rate_limiter_get_limit (GhRateLimiter *self)
{
  g_return_val_if_fail (GH_IS_RATE_LIMITER (self), 0);
  return self->limit;
}

guint
gh_rate_limiter_get_window (GhRateLimiter *self)
{
  g_return_val_if_fail (GH_IS_RATE_LIMITER (self), 0);
  return self->window;
}

guint
gh_rate_limiter_get_in_flight (GhRateLimiter *self)
{
  g_return_val_if_fail (GH_IS_RATE_LIMITER (self), 0);
  return self->in_flight;
}

/* ------------------------------------------------------------------------------------------ */
/* Pacing */

static gboolean
paced (GhRateLimiter *self)
{
  return self->phase != PHASE_STARTUP;
}

static void
refill (GhRateLimiter *self,
        gint64         now)
{
  if (paced (self) && now > self->refilled_at)
    self->tokens = MIN (1.0, self->tokens + (double) (now - self->refilled_at) / G_USEC_PER_SEC *
                                            self->rate);
  self->refilled_at = MAX (self->refilled_at, now);
}

static void
set_rate (GhRateLimiter *self,
          gint64         now,
          double         rate)
{
  /* Credit earned so far was earned at the old rate. */
  refill (self, now);
  self->rate = CLAMP (rate, MIN_RATE, MAX_RATE);
}

static gboolean
may_send (GhRateLimiter *self)
{
  return self->in_flight < self->window && (!paced (self) || self->tokens >= 1.0);
}

static guint64
grant (GhRateLimiter *self,
       gint64         now)
{
  if (!self->started)
    {
      self->started = TRUE;
      self->epoch = now;
      self->round_started_at = now;
    }

  self->in_flight++;
  if (self->in_flight >= self->window)
    self->round_full = TRUE;
  if (paced (self))
    self->tokens -= 1.0;
  return self->next_ticket++;
}

static void
return_ticket (GTask   *task,
               guint64  ticket)
{
  g_task_return_pointer (task, g_memdup2 (&ticket, sizeof ticket), g_free);
}

static gboolean
timer_cb (gpointer user_data)
{
  GhRateLimiter *self = user_data;

  self->timer = 0;
  dispatch (self);
  return G_SOURCE_REMOVE;
}

/* Hands out tickets to waiters in order and arms the timer for the next one. Completing a task
 * may run its callback at once, which may call back into us: every iteration re-reads the
 * state. A waiter held back by a full window is woken by the reply that frees a slot. */
static void
dispatch (GhRateLimiter *self)
{
  g_autoptr(GhRateLimiter) hold = g_object_ref (self);
  gint64 now = now_usec (self);

  for (;;)
    {
      Waiter *waiter;

      refill (self, now);
      if (g_queue_is_empty (&self->waiters) || !may_send (self))
        break;

      waiter = g_queue_pop_head (&self->waiters);
      if (waiter->cancelled_id != 0)
        {
          g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
          waiter->cancelled_id = 0;
        }
      /* A cancelled waiter whose idle has not run yet takes no ticket. */
      if (!g_task_return_error_if_cancelled (waiter->task))
        return_ticket (waiter->task, grant (self, now));
      waiter_free (waiter);
    }

  g_clear_handle_id (&self->timer, g_source_remove);
  if (!g_queue_is_empty (&self->waiters) && self->in_flight < self->window)
    {
      double wait_s = (1.0 - self->tokens) / self->rate;
      guint wait_ms = (guint) MAX (1.0, ceil (wait_s * 1000.0));

      g_assert (paced (self));
      self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT, wait_ms, timer_cb, self, NULL);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Control */

static void
count_success (GhRateLimiter *self,
               gint64         now)
{
  gint64 index = now / SLOT_USEC;
  guint slot = (guint) (index % SLOTS);

  if (self->slot_index[slot] != index)
    {
      self->slot_index[slot] = index;
      self->slot_count[slot] = 0;
    }
  self->slot_count[slot]++;
  self->successes++;
}

static guint
successes_last_second (GhRateLimiter *self,
                       gint64         now)
{
  gint64 index = now / SLOT_USEC;
  guint n = 0;

  for (guint i = 0; i < SLOTS; i++)
    if (self->slot_count[i] > 0 && self->slot_index[i] > index - SLOTS)
      n += self->slot_count[i];
  return n;
}

static double
cube (double x)
{
  return x * x * x;
}

/* Once per round trip: a rate that grows with the time passed, not with the replies counted. */
static void
end_round (GhRateLimiter *self,
           gint64         now)
{
  switch (self->phase)
    {
    case PHASE_STARTUP:
      if (self->round_full && self->window < self->max_window)
        self->window = MIN (self->max_window,
                            MAX (self->window + 1,
                                 self->window * STARTUP_GROWTH_NUM / STARTUP_GROWTH_DEN));
      break;

    case PHASE_PROBE:
      set_rate (self, now, self->rate * exp2 ((double) (now - self->round_started_at) /
                                              PROBE_DOUBLING_USEC));
      g_debug ("%.3f: rate %.2f/s (probing)", now / 1e6, self->rate);
      break;

    case PHASE_CRUISE:
      {
        double t = (double) (now - self->epoch) / G_USEC_PER_SEC;

        set_rate (self, now, self->limit * (1.0 + CUBIC_C * cube (t - self->cubic_k)));
        g_debug ("%.3f: rate %.2f/s (limit %.2f/s)", now / 1e6, self->rate, self->limit);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  self->round_ticket = self->next_ticket;
  self->round_started_at = now;
  self->round_full = self->in_flight >= self->window;
}

/* The server's limit, measured at a congestion event, from the n successes since the last one:
 *   - Between two events the server's bucket was empty at both ends, so it let through its
 *     rate × the time between them, give or take a request: n / span is the limit — unless
 *     we sent slower than the limit for a while (the bucket then overflowed and n is short),
 *     which cannot happen in cruise, where the rate stays near the limit.
 *   - Otherwise the successes of the last second are the better guess (they include what the
 *     bucket held a second ago, so they err high; the next event corrects that), and after
 *     the first event (n − 1) / span is a lower bound.
 *   - Throttled at some rate means the limit is below it; and two events less than a second
 *     apart bound it by (n + 1) / span.
 * Returns 0 when nothing got through since the last event: that says nothing about the limit,
 * only that the server wants less. */
static double
estimate_limit (GhRateLimiter *self,
                gint64         now)
{
  double span = MAX (1e-3, (double) (now - self->epoch) / G_USEC_PER_SEC);
  double n = self->successes;
  double upper = self->phase == PHASE_STARTUP ? INFINITY : self->rate;
  double limit;

  if (self->successes == 0)
    return 0.0;

  if (self->had_event && now - self->epoch < SHORT_INTERVAL_USEC)
    upper = MIN (upper, (n + 1) / span);

  if (self->phase == PHASE_STARTUP)
    {
      /* With round trips over a second long, the last second may have seen no reply. */
      limit = successes_last_second (self, now);
      if (limit == 0)
        limit = n / span;
    }
  else if (self->phase == PHASE_CRUISE && self->successes >= MIN_SAMPLES)
    limit = n / span;
  else
    limit = MAX (successes_last_second (self, now), (n - 1) / span);

  return MAX (MIN_RATE, MIN (limit, upper));
}

static void
congestion_event (GhRateLimiter *self,
                  gint64         now)
{
  double limit = estimate_limit (self, now);

  refill (self, now);
  if (limit == 0.0)
    {
      /* A storm: nothing gets through. Back off exponentially and find the limit anew. */
      set_rate (self, now, (self->phase == PHASE_STARTUP ? STORM_BASE_RATE : self->rate) / 2);
      self->phase = PHASE_PROBE;
      self->limit = 0.0;
    }
  else if (self->phase == PHASE_STARTUP)
    {
      /* The first estimate counts whatever the server's bucket held at the start: a guess,
       * so probe from just below it rather than cruise to it. */
      set_rate (self, now, BETA * limit);
      self->phase = PHASE_PROBE;
    }
  else if (self->successes < MIN_SAMPLES)
    {
      /* Too few requests got through to measure anything: slow down, keep probing. */
      set_rate (self, now, BETA * limit);
      self->phase = PHASE_PROBE;
      self->limit = 0.0;
    }
  else
    {
      set_rate (self, now, BETA * limit);
      self->phase = PHASE_CRUISE;
      self->limit = limit;
      self->cubic_k = cbrt (MAX (0.0, limit - self->rate) / (limit * CUBIC_C));
    }

  g_debug ("%.3f: throttled: rate %.2f/s, limit %.2f/s (%u successes in %.2f s)",
           now / 1e6, self->rate, limit, self->successes,
           (double) (now - self->epoch) / G_USEC_PER_SEC);

  self->had_event = TRUE;
  self->epoch = now;
  self->successes = 0;
  /* Replies to what is in flight now belong to this event; the next round starts afresh. */
  self->recovery_ticket = self->next_ticket;
  self->round_ticket = self->next_ticket;
  self->round_started_at = now;
  self->round_full = FALSE;
  /* Paced from now on: the window only guards against a server that stops answering. */
  self->window = self->max_window;
  /* The server's bucket is empty: no credit left, the next request waits its turn. */
  self->tokens = 0.0;
}

/* Every ticket comes back exactly once. */
static gboolean
take_back (GhRateLimiter *self,
           guint64        ticket)
{
  g_return_val_if_fail (ticket > 0 && ticket < self->next_ticket, FALSE);
  g_return_val_if_fail (self->in_flight > 0, FALSE);

  self->in_flight--;
  return TRUE;
}

void
gh_rate_limiter_succeeded (GhRateLimiter *self,
                           guint64        ticket)
{
  gint64 now;

  g_return_if_fail (GH_IS_RATE_LIMITER (self));
  if (!take_back (self, ticket))
    return;

  now = now_usec (self);
  count_success (self, now);
  if (ticket >= self->round_ticket)
    end_round (self, now);
  dispatch (self);
}

void
gh_rate_limiter_throttled (GhRateLimiter *self,
                           guint64        ticket)
{
  g_return_if_fail (GH_IS_RATE_LIMITER (self));
  if (!take_back (self, ticket))
    return;

  if (ticket >= self->recovery_ticket)
    congestion_event (self, now_usec (self));
  dispatch (self);
}

void
gh_rate_limiter_released (GhRateLimiter *self,
                          guint64        ticket)
{
  g_return_if_fail (GH_IS_RATE_LIMITER (self));
  if (!take_back (self, ticket))
    return;

  dispatch (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Waiting */

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

  /* Already served: the ticket was handed out before the cancellation arrived. */
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
  gint64 now;

  g_return_if_fail (GH_IS_RATE_LIMITER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_rate_limiter_acquire_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  now = now_usec (self);
  refill (self, now);
  if (g_queue_is_empty (&self->waiters) && may_send (self))
    {
      return_ticket (task, grant (self, now));
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
                                guint64        *ticket,
                                GError        **error)
{
  g_autofree guint64 *value = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;
  *ticket = *value;
  return TRUE;
}
