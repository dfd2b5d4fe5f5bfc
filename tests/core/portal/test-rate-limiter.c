/* test-rate-limiter.c — tests for src/core/portal/gh-rate-limiter.c */
#include "config.h"

#include <gio/gio.h>

#include "gh-rate-limiter.h"

typedef struct
{
  GArray  *order;      /* int: which acquire completed, in completion order */
  GArray  *times;      /* gint64: monotonic µs of each completion */
  guint    ok;
  guint    cancelled;
} Results;

typedef struct
{
  Results *results;
  int      index;
} Pending;

static void
results_init (Results *results)
{
  results->order = g_array_new (FALSE, FALSE, sizeof (int));
  results->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  results->ok = results->cancelled = 0;
}

static void
results_clear (Results *results)
{
  g_clear_pointer (&results->order, g_array_unref);
  g_clear_pointer (&results->times, g_array_unref);
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  if (gh_rate_limiter_acquire_finish (GH_RATE_LIMITER (object), result, &error))
    {
      g_assert_no_error (error);
      g_array_append_val (pending->results->order, pending->index);
      g_array_append_val (pending->results->times, now);
      pending->results->ok++;
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      pending->results->cancelled++;
    }
  g_free (pending);
}

static void
acquire (GhRateLimiter *limiter,
         Results       *results,
         int            index,
         GCancellable  *cancellable)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->results = results;
  pending->index = index;
  gh_rate_limiter_acquire_async (limiter, cancellable, acquired_cb, pending);
}

static void
iterate_until_done (Results *results,
                    guint    expected,
                    guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (results->ok + results->cancelled < expected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_aimd (void)
{
  g_autoptr(GhRateLimiter) limiter = gh_rate_limiter_new (10, 1, 50);

  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 10, 1e-9);

  gh_rate_limiter_throttled (limiter);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 5, 1e-9);

  /* Throttling reported by the other requests of the same burst is one event. */
  gh_rate_limiter_throttled (limiter);
  gh_rate_limiter_throttled (limiter);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 5, 1e-9);

  /* Additive increase. */
  gh_rate_limiter_succeeded (limiter);
  g_assert_cmpfloat (gh_rate_limiter_get_rate (limiter), >, 5);
  g_assert_cmpfloat (gh_rate_limiter_get_rate (limiter), <=, 5 * 1.1);

  for (guint i = 0; i < 1000; i++)
    gh_rate_limiter_succeeded (limiter);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 50, 1e-9);
}

static void
test_floor_and_ceiling (void)
{
  g_autoptr(GhRateLimiter) limiter = gh_rate_limiter_new (1.5, 1, 50);
  g_autoptr(GhRateLimiter) clamped = gh_rate_limiter_new (500, 2, 20);

  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (clamped), 20, 1e-9);

  gh_rate_limiter_throttled (limiter);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 1, 1e-9);
  /* Past the cooldown a throttle counts again, but the rate stays at the floor. */
  g_usleep (G_USEC_PER_SEC + G_USEC_PER_SEC / 20);
  gh_rate_limiter_throttled (limiter);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 1, 1e-9);
}

static gboolean
tick_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Paced, in order, while the main loop keeps running. */
static void
test_pacing_and_order (void)
{
  g_autoptr(GhRateLimiter) limiter = gh_rate_limiter_new (40, 1, 40);
  Results results;
  const int n = 9;
  gint64 start = g_get_monotonic_time ();
  double elapsed;
  guint ticks = 0;
  guint tick_source;

  results_init (&results);
  tick_source = g_timeout_add (5, tick_cb, &ticks);

  for (int i = 0; i < n; i++)
    acquire (limiter, &results, i, NULL);
  /* Nothing completes synchronously. */
  g_assert_cmpuint (results.ok, ==, 0);

  iterate_until_done (&results, n, 5000);
  g_source_remove (tick_source);
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  for (int i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (results.order, int, i), ==, i);

  /* The first goes at once, the other 8 one every 25 ms: about 200 ms. */
  g_test_message ("%d acquires at 40/s took %.3f s", n, elapsed);
  g_assert_cmpfloat (elapsed, >=, 0.18);
  g_assert_cmpfloat (elapsed, <, 1.5);
  for (int i = 2; i < n; i++)
    {
      gint64 gap = g_array_index (results.times, gint64, i) -
                   g_array_index (results.times, gint64, i - 1);

      g_assert_cmpint (gap, >=, 15000);
    }
  /* The loop was not blocked while waiting. */
  g_assert_cmpuint (ticks, >=, 10);

  results_clear (&results);
}

/* A lower rate makes the waiters wait longer; the queue keeps its order. */
static void
test_throttle_slows_down (void)
{
  g_autoptr(GhRateLimiter) limiter = gh_rate_limiter_new (50, 5, 50);
  Results results;
  gint64 start;
  double elapsed;

  results_init (&results);
  acquire (limiter, &results, 0, NULL);
  iterate_until_done (&results, 1, 1000);

  gh_rate_limiter_throttled (limiter);   /* 25/s */
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (limiter), 25, 1e-9);
  start = g_get_monotonic_time ();
  for (int i = 1; i <= 5; i++)
    acquire (limiter, &results, i, NULL);
  iterate_until_done (&results, 6, 5000);
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  /* Throttling voids any credit: 5 acquires at 25/s take 200 ms. */
  g_test_message ("5 acquires after a throttle took %.3f s", elapsed);
  g_assert_cmpfloat (elapsed, >=, 0.18);
  for (int i = 0; i < 6; i++)
    g_assert_cmpint (g_array_index (results.order, int, i), ==, i);

  results_clear (&results);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(GhRateLimiter) limiter = gh_rate_limiter_new (2, 1, 2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) precancelled = g_cancellable_new ();
  Results results;
  gint64 start;

  results_init (&results);
  acquire (limiter, &results, 0, NULL);         /* immediate */
  acquire (limiter, &results, 1, cancellable);  /* would wait 500 ms */
  acquire (limiter, &results, 2, cancellable);  /* would wait 1 s */
  acquire (limiter, &results, 3, NULL);         /* moves up when the others go */

  g_cancellable_cancel (precancelled);
  acquire (limiter, &results, 4, precancelled);

  start = g_get_monotonic_time ();
  g_timeout_add (50, cancel_cb, cancellable);
  iterate_until_done (&results, 4, 3000);
  g_assert_cmpuint (results.cancelled, ==, 3);
  /* Cancelled promptly, not when their turn would have come. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 400000);

  iterate_until_done (&results, 5, 3000);
  g_assert_cmpuint (results.ok, ==, 2);
  g_assert_cmpint (g_array_index (results.order, int, 0), ==, 0);
  g_assert_cmpint (g_array_index (results.order, int, 1), ==, 3);
  /* The survivor got the slot the cancelled ones left: about 500 ms, not 1.5 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1200000);

  results_clear (&results);
}

/* Dropping the last reference with work pending is safe: the waiters keep it alive. */
static void
test_unref_while_waiting (void)
{
  GhRateLimiter *limiter = gh_rate_limiter_new (20, 1, 20);
  Results results;

  results_init (&results);
  for (int i = 0; i < 3; i++)
    acquire (limiter, &results, i, NULL);
  g_object_unref (limiter);
  iterate_until_done (&results, 3, 3000);
  g_assert_cmpuint (results.ok, ==, 3);
  results_clear (&results);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rate-limiter/aimd", test_aimd);
  g_test_add_func ("/rate-limiter/floor-and-ceiling", test_floor_and_ceiling);
  g_test_add_func ("/rate-limiter/pacing-and-order", test_pacing_and_order);
  g_test_add_func ("/rate-limiter/throttle-slows-down", test_throttle_slows_down);
  g_test_add_func ("/rate-limiter/cancel", test_cancel);
  g_test_add_func ("/rate-limiter/unref-while-waiting", test_unref_while_waiting);

  return g_test_run ();
}
