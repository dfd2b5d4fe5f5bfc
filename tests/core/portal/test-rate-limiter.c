/* test-rate-limiter.c — tests for src/core/portal/gh-rate-limiter.c
 *
 * The limiter reads a fake clock, so the control law is checked to the digit and without
 * waiting. Only tests of the pacing timer wait for real, a few milliseconds per request.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "gh-rate-limiter.h"

#define MS (G_USEC_PER_SEC / 1000)

typedef struct
{
  GhRateLimiter *limiter;
  gint64         now;        /* the fake clock, µs */
  GArray        *tickets;    /* guint64, in completion order */
  GArray        *order;      /* int: which acquire completed */
  GArray        *times;      /* gint64: fake time of each completion */
  guint          cancelled;
} Fixture;

typedef struct
{
  Fixture *fixture;
  int      index;
} Pending;

static gint64
fake_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static void
fixture_init (Fixture *f,
              guint    max_in_flight,
              double   initial_rate)
{
  f->limiter = gh_rate_limiter_new (max_in_flight, initial_rate);
  f->now = 1000 * G_USEC_PER_SEC;
  gh_rate_limiter_set_clock (f->limiter, fake_clock, f);
  f->tickets = g_array_new (FALSE, FALSE, sizeof (guint64));
  f->order = g_array_new (FALSE, FALSE, sizeof (int));
  f->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->cancelled = 0;
}

static void
fixture_clear (Fixture *f)
{
  g_clear_object (&f->limiter);
  g_clear_pointer (&f->tickets, g_array_unref);
  g_clear_pointer (&f->order, g_array_unref);
  g_clear_pointer (&f->times, g_array_unref);
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *pending = user_data;
  Fixture *f = pending->fixture;
  g_autoptr(GError) error = NULL;
  guint64 ticket = 0;

  if (gh_rate_limiter_acquire_finish (GH_RATE_LIMITER (object), result, &ticket, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpuint (ticket, >, 0);
      g_array_append_val (f->tickets, ticket);
      g_array_append_val (f->order, pending->index);
      g_array_append_val (f->times, f->now);
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      f->cancelled++;
    }
  g_free (pending);
}

static void
acquire (Fixture      *f,
         int           index,
         GCancellable *cancellable)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->fixture = f;
  pending->index = index;
  gh_rate_limiter_acquire_async (f->limiter, cancellable, acquired_cb, pending);
}

/* Runs whatever is ready now, without waiting: completions come from idles. Bounded, because
 * a pacing timer waiting for the fake clock keeps firing (and, on a busy machine, may be ready
 * at every iteration). */
static void
settle (void)
{
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static guint
granted (Fixture *f)
{
  return f->tickets->len;
}

static guint64
ticket_at (Fixture *f,
           guint    i)
{
  return g_array_index (f->tickets, guint64, i);
}

/* Acquires at the current fake time and expects the ticket at once (no waiting). */
static guint64
grant_now (Fixture *f)
{
  guint before = granted (f);

  acquire (f, (int) before, NULL);
  settle ();
  g_assert_cmpuint (granted (f), ==, before + 1);
  return ticket_at (f, before);
}

/* Waits (really) until @n acquires have completed, at most 5 s. */
static void
wait_for (Fixture *f,
          guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (granted (f) + f->cancelled < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Startup */

/* Fills the window, then answers everything in flight: one full round trip. */
static void
full_round (Fixture *f)
{
  guint window = gh_rate_limiter_get_window (f->limiter);
  guint first = granted (f);

  while (gh_rate_limiter_get_in_flight (f->limiter) < window)
    grant_now (f);
  f->now += 20 * MS;
  for (guint i = first; i < granted (f); i++)
    gh_rate_limiter_succeeded (f->limiter, ticket_at (f, i));
}

/* Unpaced, and the window grows by a quarter per round trip — not by one per success, which
 * would double it every round trip. */
static void
test_startup_window (void)
{
  static const guint expected[] = { 5, 6, 7, 8, 10, 12, 15, 18, 22, 27, 32, 32 };
  Fixture f;

  fixture_init (&f, 32, 0);
  g_assert_cmpfloat (gh_rate_limiter_get_rate (f.limiter), ==, 0);
  g_assert_cmpfloat (gh_rate_limiter_get_limit (f.limiter), ==, 0);
  g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, 4);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      full_round (&f);
      g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, expected[i]);
      g_assert_cmpuint (gh_rate_limiter_get_in_flight (f.limiter), ==, 0);
    }
  g_assert_cmpfloat (gh_rate_limiter_get_rate (f.limiter), ==, 0);
  fixture_clear (&f);
}

/* Replies to requests sent before the round began do not end it; a round in which the window
 * never filled does not grow it. */
static void
test_startup_round_trip (void)
{
  Fixture f;
  guint64 tickets[4];

  fixture_init (&f, 32, 0);
  for (guint i = 0; i < 4; i++)
    tickets[i] = grant_now (&f);

  /* The fifth waits for a slot, however long. */
  acquire (&f, 4, NULL);
  f.now += 10 * G_USEC_PER_SEC;
  settle ();
  g_assert_cmpuint (granted (&f), ==, 4);

  /* The first reply ends the first round (the window was full): 5, and the waiter goes. */
  gh_rate_limiter_succeeded (f.limiter, tickets[0]);
  settle ();
  g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, 5);
  g_assert_cmpuint (granted (&f), ==, 5);

  /* Three more successes from the same round trip: no growth. */
  for (guint i = 1; i < 4; i++)
    gh_rate_limiter_succeeded (f.limiter, tickets[i]);
  g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, 5);

  /* The reply to the request sent in the second round ends it; only one of five slots was
   * used, so the window stays. */
  gh_rate_limiter_succeeded (f.limiter, ticket_at (&f, 4));
  g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, 5);
  g_assert_cmpuint (gh_rate_limiter_get_in_flight (f.limiter), ==, 0);

  /* Released tickets free their slot and change nothing else. */
  gh_rate_limiter_released (f.limiter, grant_now (&f));
  g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, 5);
  g_assert_cmpuint (gh_rate_limiter_get_in_flight (f.limiter), ==, 0);
  g_assert_cmpfloat (gh_rate_limiter_get_rate (f.limiter), ==, 0);
  fixture_clear (&f);
}

/* ------------------------------------------------------------------------------------------ */
/* Congestion events */

/* The first throttling reply: paced at 0.9 × what got through in the last second; the other
 * replies of requests already in flight are the same event. */
static void
test_first_throttle (void)
{
  Fixture f;
  g_autoptr(GArray) in_flight = g_array_new (FALSE, FALSE, sizeof (guint64));

  fixture_init (&f, 32, 0);

  /* 20 requests get through in the first 200 ms (what a full server bucket lets pass). */
  for (guint i = 0; i < 20; i++)
    {
      guint64 ticket = grant_now (&f);

      f.now += 10 * MS;
      gh_rate_limiter_succeeded (f.limiter, ticket);
    }
  for (guint i = 0; i < 4; i++)
    {
      guint64 ticket = grant_now (&f);

      g_array_append_val (in_flight, ticket);
    }

  f.now += 20 * MS;
  gh_rate_limiter_throttled (f.limiter, g_array_index (in_flight, guint64, 0));
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 18, 1e-9);
  /* Only a guess: the first second includes whatever the server's bucket held. */
  g_assert_cmpfloat (gh_rate_limiter_get_limit (f.limiter), ==, 0);
  g_assert_cmpuint (gh_rate_limiter_get_window (f.limiter), ==, 32);

  for (guint i = 1; i < in_flight->len; i++)
    gh_rate_limiter_throttled (f.limiter, g_array_index (in_flight, guint64, i));
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 18, 1e-9);
  g_assert_cmpuint (gh_rate_limiter_get_in_flight (f.limiter), ==, 0);

  /* No credit left: the next request waits 1/18 s. */
  acquire (&f, 100, NULL);
  f.now += G_USEC_PER_SEC / 18 - 1;
  settle ();
  g_assert_cmpuint (granted (&f), ==, 24);
  f.now += 2;
  wait_for (&f, 25);
  fixture_clear (&f);
}

/* Sends one request every @interval up to @until, each answered at once with success (and
 * so ending a round trip). */
static void
steady (Fixture *f,
        gint64   interval,
        gint64   until)
{
  while (f->now + interval <= until)
    {
      f->now += interval;
      gh_rate_limiter_succeeded (f->limiter, grant_now (f));
    }
}

/* Round trips of 100 ms with @per_round requests each, for a second. */
static void
probe_rounds (Fixture *f,
              guint    per_round)
{
  for (guint round = 0; round < 10; round++)
    {
      gint64 start = f->now;
      guint first = granted (f);

      for (guint i = 0; i < per_round; i++)
        {
          f->now += 20 * MS;
          grant_now (f);
        }
      f->now = start + 100 * MS;
      for (guint i = first; i < granted (f); i++)
        gh_rate_limiter_succeeded (f->limiter, ticket_at (f, i));
    }
}

/* While the limit is unknown the rate doubles every second of round trips, however many
 * replies arrive. */
static void
test_probe_doubles (void)
{
  Fixture one, many;
  /* From the first request, 20 ms in, to the last reply at 1 s. */
  double expected = 100 * exp2 (0.98);

  fixture_init (&one, 32, 100);
  fixture_init (&many, 32, 100);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (one.limiter), 100, 1e-9);
  g_assert_cmpuint (gh_rate_limiter_get_window (one.limiter), ==, 32);

  probe_rounds (&one, 1);
  probe_rounds (&many, 5);
  g_assert_cmpuint (granted (&one), ==, 10);
  g_assert_cmpuint (granted (&many), ==, 50);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (one.limiter), expected, 1e-6);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (many.limiter), expected, 1e-6);

  fixture_clear (&one);
  fixture_clear (&many);
}

/* Probing at 20/s and more, 41 requests get through in 2 s (one every 50 ms), then one is
 * throttled: the limit is 20/s, the rate 18/s. Returns the time of the event. */
static gint64
reach_cruise (Fixture *f)
{
  gint64 start = f->now;
  guint64 throttled;

  gh_rate_limiter_succeeded (f->limiter, grant_now (f));
  steady (f, 50 * MS, start + 1950 * MS);
  f->now = start + 1975 * MS;
  throttled = grant_now (f);
  f->now = start + 2000 * MS;
  gh_rate_limiter_succeeded (f->limiter, grant_now (f));
  gh_rate_limiter_throttled (f->limiter, throttled);

  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_limit (f->limiter), 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f->limiter), 18, 1e-9);
  return f->now;
}

/* After the event the rate follows the cubic: 19.75 after 4 s, 20 after 8 s (a plateau at
 * the limit), then a probe above it, 22 after 16 s. */
static void
test_cruise (void)
{
  Fixture f;
  gint64 event;

  fixture_init (&f, 32, 20);
  event = reach_cruise (&f);

  steady (&f, 100 * MS, event + 4 * G_USEC_PER_SEC);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 19.75, 1e-9);
  steady (&f, 100 * MS, event + 8 * G_USEC_PER_SEC);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 20, 1e-9);
  steady (&f, 100 * MS, event + 10 * G_USEC_PER_SEC);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter),
                                  20 * (1 + 0.1 * 8 / 512), 1e-9);
  steady (&f, 100 * MS, event + 16 * G_USEC_PER_SEC);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 22, 1e-9);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_limit (f.limiter), 20, 1e-9);
  fixture_clear (&f);
}

/* In cruise, the next event takes the rate that got through since the last one as the limit:
 * the server's bucket was empty at both ends. */
static void
test_cruise_estimate (void)
{
  Fixture f;
  guint64 ticket;
  gint64 event;
  guint n = 0;

  fixture_init (&f, 32, 20);
  event = reach_cruise (&f);

  /* 60 ms a request for 10 s, 166 successes; the next one (at 10.02 s) is throttled. */
  for (gint64 t = event + 60 * MS; t <= event + 10 * G_USEC_PER_SEC; t += 60 * MS)
    {
      f.now = t;
      ticket = grant_now (&f);
      gh_rate_limiter_succeeded (f.limiter, ticket);
      n++;
    }
  f.now = event + 10020 * MS;
  ticket = grant_now (&f);
  gh_rate_limiter_throttled (f.limiter, ticket);
  g_assert_cmpuint (n, ==, 166);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_limit (f.limiter), 166 / 10.02, 1e-9);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 0.9 * 166 / 10.02,
                                  1e-9);
  fixture_clear (&f);
}

/* Two events less than a second apart: at most n + 1 requests got through in between, which
 * bounds the limit however much the last second held. */
static void
test_quick_events (void)
{
  Fixture f;
  gint64 event;

  fixture_init (&f, 32, 0);
  /* 100 get through at once (a big server bucket), then the first throttle: 90/s. */
  for (guint i = 0; i < 100; i++)
    {
      guint64 ticket;

      if (gh_rate_limiter_get_in_flight (f.limiter) == gh_rate_limiter_get_window (f.limiter))
        f.now += 1 * MS;
      ticket = grant_now (&f);
      gh_rate_limiter_succeeded (f.limiter, ticket);
    }
  gh_rate_limiter_throttled (f.limiter, grant_now (&f));
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 90, 1e-9);
  event = f.now;

  /* 200 ms later, after 3 successes, throttled again: the limit is below 4 / 0.2 s = 20/s. */
  for (guint i = 0; i < 3; i++)
    {
      f.now += 50 * MS;
      gh_rate_limiter_succeeded (f.limiter, grant_now (&f));
    }
  f.now = event + 200 * MS;
  gh_rate_limiter_throttled (f.limiter, grant_now (&f));
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_limit (f.limiter), 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 18, 1e-9);
  fixture_clear (&f);
}

/* Nothing gets through: the rate halves every round trip down to one request a second, never
 * fails, and doubles per second once requests get through again. */
static void
test_storm (void)
{
  static const double expected[] = { 5, 2.5, 1.25, 1, 1, 1 };
  Fixture f;
  guint64 stale;

  fixture_init (&f, 32, 0);
  stale = grant_now (&f);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      guint64 ticket = grant_now (&f);

      gh_rate_limiter_throttled (f.limiter, ticket);
      g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), expected[i], 1e-9);
      g_assert_cmpfloat (gh_rate_limiter_get_limit (f.limiter), ==, 0);
      f.now += (gint64) (G_USEC_PER_SEC / expected[i]) + 1;
    }
  /* A reply to a request sent before all that: old news. */
  gh_rate_limiter_throttled (f.limiter, stale);
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 1, 1e-9);

  /* The storm is over, a second after the last event: ×2, then 2 s later ×4. */
  gh_rate_limiter_succeeded (f.limiter, grant_now (&f));
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 2, 1e-5);
  f.now += 2 * G_USEC_PER_SEC;
  gh_rate_limiter_succeeded (f.limiter, grant_now (&f));
  g_assert_cmpfloat_with_epsilon (gh_rate_limiter_get_rate (f.limiter), 8, 1e-5);
  fixture_clear (&f);
}

/* ------------------------------------------------------------------------------------------ */
/* Pacing */

static gboolean
tick_cb (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Evenly spaced, in order, from a timer that does not block the main loop. */
static void
test_pacing_and_order (void)
{
  Fixture f;
  const int n = 9;
  guint ticks = 0;
  guint tick_source;

  fixture_init (&f, 32, 200);
  tick_source = g_timeout_add (1, tick_cb, &ticks);

  for (int i = 0; i < n; i++)
    acquire (&f, i, NULL);
  /* Nothing completes synchronously. */
  g_assert_cmpuint (granted (&f), ==, 0);
  {
    gint64 until = g_get_monotonic_time () + 20 * MS;

    /* The first goes at once; while the clock stands still, no other, however long. */
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (granted (&f), ==, 1);

  for (int i = 1; i < n; i++)
    {
      f.now += 5 * MS;
      wait_for (&f, i + 1);
      g_assert_cmpuint (granted (&f), ==, i + 1);
    }
  g_source_remove (tick_source);

  for (int i = 0; i < n; i++)
    {
      g_assert_cmpint (g_array_index (f.order, int, i), ==, i);
      g_assert_cmpint (g_array_index (f.times, gint64, i) - g_array_index (f.times, gint64, 0),
                       ==, i * 5 * MS);
    }
  /* The loop kept running while the requests waited. */
  g_assert_cmpuint (ticks, >=, 10);
  fixture_clear (&f);
}

static void
test_cancel (void)
{
  Fixture f;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) precancelled = g_cancellable_new ();

  fixture_init (&f, 32, 200);
  acquire (&f, 0, NULL);          /* immediate */
  acquire (&f, 1, cancellable);   /* would wait 5 ms */
  acquire (&f, 2, cancellable);   /* would wait 10 ms */
  acquire (&f, 3, NULL);          /* moves up when the others go */
  g_cancellable_cancel (precancelled);
  acquire (&f, 4, precancelled);

  g_cancellable_cancel (cancellable);
  wait_for (&f, 4);
  g_assert_cmpuint (f.cancelled, ==, 3);
  g_assert_cmpuint (granted (&f), ==, 1);

  /* The survivor takes the slot the cancelled ones left: the next 5 ms, not 15 ms. */
  f.now += 5 * MS;
  wait_for (&f, 2 + f.cancelled);
  g_assert_cmpint (g_array_index (f.order, int, 1), ==, 3);
  g_assert_cmpint (g_array_index (f.times, gint64, 1) - g_array_index (f.times, gint64, 0),
                   ==, 5 * MS);
  g_assert_cmpuint (gh_rate_limiter_get_in_flight (f.limiter), ==, 2);
  fixture_clear (&f);
}

/* Dropping the last reference with work pending is safe: the waiters keep it alive. */
static void
test_unref_while_waiting (void)
{
  GhRateLimiter *limiter = gh_rate_limiter_new (32, 500);
  Fixture f = { 0 };
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  f.tickets = g_array_new (FALSE, FALSE, sizeof (guint64));
  f.order = g_array_new (FALSE, FALSE, sizeof (int));
  f.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  f.limiter = limiter;
  for (int i = 0; i < 3; i++)
    acquire (&f, i, NULL);
  f.limiter = NULL;
  g_object_unref (limiter);
  while (granted (&f) < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  fixture_clear (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rate-limiter/startup/window", test_startup_window);
  g_test_add_func ("/rate-limiter/startup/round-trip", test_startup_round_trip);
  g_test_add_func ("/rate-limiter/event/first-throttle", test_first_throttle);
  g_test_add_func ("/rate-limiter/event/quick-events", test_quick_events);
  g_test_add_func ("/rate-limiter/event/storm", test_storm);
  g_test_add_func ("/rate-limiter/probe/doubles", test_probe_doubles);
  g_test_add_func ("/rate-limiter/cruise/curve", test_cruise);
  g_test_add_func ("/rate-limiter/cruise/estimate", test_cruise_estimate);
  g_test_add_func ("/rate-limiter/pacing-and-order", test_pacing_and_order);
  g_test_add_func ("/rate-limiter/cancel", test_cancel);
  g_test_add_func ("/rate-limiter/unref-while-waiting", test_unref_while_waiting);

  return g_test_run ();
}
