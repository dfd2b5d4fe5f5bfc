/* test-clock.c — tests for src/core/base/gh-clock.c */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/timex.h>

#include "gh-clock.h"
#include "gh-enums.h"

#define START 1700000000

/* What the timers saw: their name and the wall clock when they fired. */
typedef struct
{
  GhClock *clock;
  GString *log;
  guint    destroyed;
} Record;

typedef struct
{
  Record     *record;
  const char *name;
} Mark;

static void
record_init (Record  *record,
             GhClock *clock)
{
  record->clock = clock;
  record->log = g_string_new (NULL);
  record->destroyed = 0;
}

static void
record_clear (Record *record)
{
  g_string_free (record->log, TRUE);
}

static void
mark_cb (gpointer user_data)
{
  Mark *mark = user_data;

  g_string_append_printf (mark->record->log, "%s@%" G_GINT64_FORMAT " ", mark->name,
                          gh_clock_get_now (mark->record->clock) - START);
}

static void
mark_destroyed (gpointer user_data)
{
  Mark *mark = user_data;

  mark->record->destroyed++;
  g_free (mark);
}

static guint
add_mark (Record     *record,
          gint64      deadline,
          const char *name)
{
  Mark *mark = g_new0 (Mark, 1);

  mark->record = record;
  mark->name = name;
  return gh_clock_add_timer (record->clock, START + deadline, mark_cb, mark, mark_destroyed);
}

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_manual_now (void)
{
  g_autoptr(GhClock) clock = gh_clock_new_manual (START);
  gint64 monotonic = gh_clock_get_monotonic_time (clock);

  g_assert_true (gh_clock_is_manual (clock));
  g_assert_cmpint (gh_clock_get_now (clock), ==, START);
  g_assert_cmpint (gh_clock_get_wall_time (clock), ==, (gint64) START * G_USEC_PER_SEC);
  g_assert_cmpint (monotonic, >, 0);

  gh_clock_advance (clock, 90);
  g_assert_cmpint (gh_clock_get_now (clock), ==, START + 90);
  g_assert_cmpint (gh_clock_get_monotonic_time (clock), ==, monotonic + 90 * G_USEC_PER_SEC);

  /* A set wall clock (or a suspend) leaves the monotonic clock where it was. */
  gh_clock_set_wall (clock, START + 7200);
  g_assert_cmpint (gh_clock_get_now (clock), ==, START + 7200);
  g_assert_cmpint (gh_clock_get_monotonic_time (clock), ==, monotonic + 90 * G_USEC_PER_SEC);
  gh_clock_set_wall (clock, START);
  g_assert_cmpint (gh_clock_get_now (clock), ==, START);
}

/* Advancing lets time pass: each timer fires at its own deadline, earliest first, those with
 * the same deadline in the order they were added; later ones wait. */
static void
test_manual_order (void)
{
  g_autoptr(GhClock) clock = gh_clock_new_manual (START);
  Record record;

  record_init (&record, clock);
  add_mark (&record, 10, "a");
  add_mark (&record, 5, "b");
  add_mark (&record, 5, "c");
  add_mark (&record, 20, "d");

  gh_clock_advance (clock, 4);
  g_assert_cmpstr (record.log->str, ==, "");
  gh_clock_advance (clock, 11);
  g_assert_cmpstr (record.log->str, ==, "b@5 c@5 a@10 ");
  g_assert_cmpint (gh_clock_get_now (clock), ==, START + 15);
  g_assert_cmpuint (record.destroyed, ==, 3);
  gh_clock_advance (clock, 5);
  g_assert_cmpstr (record.log->str, ==, "b@5 c@5 a@10 d@20 ");
  g_assert_cmpuint (record.destroyed, ==, 4);
  record_clear (&record);
}

typedef struct
{
  Record *record;
  guint   rearm;
} Chain;

static void
chain_cb (gpointer user_data)
{
  Chain *chain = user_data;

  g_string_append_printf (chain->record->log, "%" G_GINT64_FORMAT " ",
                          gh_clock_get_now (chain->record->clock) - START);
  if (chain->rearm-- > 0)
    gh_clock_add_timer (chain->record->clock, gh_clock_get_now (chain->record->clock) + 60,
                        chain_cb, chain, NULL);
}

/* A timer set from a timer's callback fires within the same advance when it falls inside it,
 * as the refresh scheduler's chain of deadlines does. */
static void
test_manual_chain (void)
{
  g_autoptr(GhClock) clock = gh_clock_new_manual (START);
  Record record;
  Chain chain = { &record, 3 };

  record_init (&record, clock);
  gh_clock_add_timer (clock, START + 60, chain_cb, &chain, NULL);
  gh_clock_advance (clock, 150);
  g_assert_cmpstr (record.log->str, ==, "60 120 ");
  gh_clock_advance (clock, 3600);
  g_assert_cmpstr (record.log->str, ==, "60 120 180 240 ");
  record_clear (&record);
}

static void
test_manual_remove (void)
{
  g_autoptr(GhClock) clock = gh_clock_new_manual (START);
  Record record;
  guint id;

  record_init (&record, clock);
  id = add_mark (&record, 10, "gone");
  add_mark (&record, 20, "kept");
  gh_clock_remove_timer (clock, id);
  g_assert_cmpuint (record.destroyed, ==, 1);
  gh_clock_advance (clock, 30);
  g_assert_cmpstr (record.log->str, ==, "kept@20 ");
  record_clear (&record);
}

/* A timer already due fires from the main loop, not from within gh_clock_add_timer. */
static void
test_manual_due (void)
{
  g_autoptr(GhClock) clock = gh_clock_new_manual (START);
  Record record;

  record_init (&record, clock);
  add_mark (&record, -5, "late");
  add_mark (&record, 0, "now");
  g_assert_cmpstr (record.log->str, ==, "");
  iterate ();
  g_assert_cmpstr (record.log->str, ==, "late@0 now@0 ");
  record_clear (&record);
}

static void
changed_cb (GhClock       *clock,
            GhClockChange  reason,
            gpointer       user_data)
{
  Record *record = user_data;
  g_autoptr(GEnumClass) klass = g_type_class_ref (GH_TYPE_CLOCK_CHANGE);

  g_string_append_printf (record->log, "changed:%s ",
                          g_enum_get_value (klass, reason)->value_nick);
}

/* A jump of the wall clock (a suspend, a clock set) fires nothing by itself; the change
 * announced after it fires what became due, and then tells the listeners. */
static void
test_manual_changed (void)
{
  g_autoptr(GhClock) clock = gh_clock_new_manual (START);
  Record record;

  record_init (&record, clock);
  g_signal_connect (clock, "changed", G_CALLBACK (changed_cb), &record);
  add_mark (&record, 600, "end");
  add_mark (&record, 9000, "later");

  gh_clock_set_wall (clock, START + 7200);
  iterate ();
  g_assert_cmpstr (record.log->str, ==, "");

  gh_clock_emit_changed (clock, GH_CLOCK_CHANGE_RESUMED);
  g_assert_cmpstr (record.log->str, ==, "end@7200 changed:resumed ");

  gh_clock_set_wall (clock, START + 9000);
  gh_clock_emit_changed (clock, GH_CLOCK_CHANGE_WALL_CLOCK_SET);
  gh_clock_emit_changed (clock, GH_CLOCK_CHANGE_NETWORK_BACK);
  g_assert_cmpstr (record.log->str, ==,
                   "end@7200 changed:resumed later@9000 changed:wall-clock-set "
                   "changed:network-back ");
  record_clear (&record);
}

/* A clock disposed with timers pending lets go of their data. */
static void
test_manual_dispose (void)
{
  GhClock *clock = gh_clock_new_manual (START);
  Record record;

  record_init (&record, clock);
  add_mark (&record, 10, "a");
  add_mark (&record, -10, "b");
  g_object_unref (clock);
  iterate ();
  g_assert_cmpstr (record.log->str, ==, "");
  g_assert_cmpuint (record.destroyed, ==, 2);
  record_clear (&record);
}

static void
test_default (void)
{
  g_autoptr(GhClock) manual = gh_clock_new_manual (START);
  GhClock *system = gh_clock_get_default ();

  g_assert_false (gh_clock_is_manual (system));
  g_assert_true (gh_clock_get_default () == system);
  gh_clock_set_default (manual);
  g_assert_true (gh_clock_get_default () == manual);
  g_assert_cmpint (gh_clock_get_now (gh_clock_get_default ()), ==, START);
  gh_clock_set_default (NULL);
  g_assert_false (gh_clock_is_manual (gh_clock_get_default ()));
}

typedef struct
{
  GhClock *clock;
  gint64   deadline;
  gint64   fired_at;   /* µs on the wall clock, 0 until fired */
} RealTimer;

static void
real_timer_cb (gpointer user_data)
{
  RealTimer *timer = user_data;

  timer->fired_at = gh_clock_get_wall_time (timer->clock);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The system clock's timers fire at their wall-clock deadline, not before. */
static void
test_system_timers (void)
{
  g_autoptr(GhClock) clock = gh_clock_new ();
  gint64 now = gh_clock_get_now (clock);
  RealTimer due = { clock, now, 0 };
  RealTimer soon = { clock, now + 1, 0 };
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (5, timeout_cb, &timed_out);

  g_assert_false (gh_clock_is_manual (clock));
  gh_clock_add_timer (clock, soon.deadline, real_timer_cb, &soon, NULL);
  gh_clock_add_timer (clock, due.deadline, real_timer_cb, &due, NULL);
  while ((due.fired_at == 0 || soon.fired_at == 0) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);

  g_assert_cmpint (due.fired_at, <=, soon.fired_at);
  g_assert_cmpint (soon.fired_at, >=, soon.deadline * G_USEC_PER_SEC);
  g_assert_cmpint (soon.fired_at, <, (soon.deadline + 2) * G_USEC_PER_SEC);
}

/* Steps the wall clock by `usec` (CAP_SYS_TIME). */
static gboolean
step_wall_clock (gint64 usec)
{
  struct timex adjust = { .modes = ADJ_SETOFFSET };

  /* The offset is seconds plus a non-negative number of microseconds. */
  adjust.time.tv_sec = usec < 0 ? -1 : 0;
  adjust.time.tv_usec = usec < 0 ? G_USEC_PER_SEC + usec : usec;
  return adjtimex (&adjust) >= 0;
}

/* The real TFD_TIMER_CANCEL_ON_SET path. The kernel cancels the timer only when the wall clock
 * really moves against the monotonic one (an offset of zero is not enough), so this steps it
 * by one microsecond and back: it needs CAP_SYS_TIME, moves the machine's clock for a moment
 * and wakes every process on it that watches for clock changes. Opt-in only. */
static void
test_system_clock_set (void)
{
  g_autoptr(GhClock) clock = gh_clock_new ();
  Record record;
  gboolean timed_out = FALSE;
  guint timeout;

  if (g_strcmp0 (g_getenv ("GATEHOUSE_TEST_SET_CLOCK"), "1") != 0)
    {
      g_test_skip ("Setting the machine's wall clock is opt-in: GATEHOUSE_TEST_SET_CLOCK=1");
      return;
    }

  record_init (&record, clock);
  g_signal_connect (clock, "changed", G_CALLBACK (changed_cb), &record);
  gh_clock_watch (clock);
  if (!step_wall_clock (1))
    {
      g_autofree char *why = g_strdup_printf ("adjtimex (ADJ_SETOFFSET): %s", g_strerror (errno));

      g_test_skip (why);
      record_clear (&record);
      return;
    }
  g_assert_true (step_wall_clock (-1));

  timeout = g_timeout_add_seconds (5, timeout_cb, &timed_out);
  while (strstr (record.log->str, "wall-clock-set") == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
  record_clear (&record);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/clock/manual/now", test_manual_now);
  g_test_add_func ("/clock/manual/order", test_manual_order);
  g_test_add_func ("/clock/manual/chain", test_manual_chain);
  g_test_add_func ("/clock/manual/remove", test_manual_remove);
  g_test_add_func ("/clock/manual/due", test_manual_due);
  g_test_add_func ("/clock/manual/changed", test_manual_changed);
  g_test_add_func ("/clock/manual/dispose", test_manual_dispose);
  g_test_add_func ("/clock/default", test_default);
  g_test_add_func ("/clock/system/timers", test_system_timers);
  g_test_add_func ("/clock/system/clock-set", test_system_clock_set);
  return g_test_run ();
}
