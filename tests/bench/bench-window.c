/* bench-window.c — the window's figures over 15,000 roles (5000 accounts × 3)
 *
 * Run by tests/bench/bench.sh (through `build-aux/dev bench`: a private bus and HOME). Prints
 * figures, asserts nothing. On an Xvfb display of its own (gh-test-display.c):
 *
 *  1. Shown after the tray's click: the real `gatehouse --background` is asked for the window
 *     (its show-window action, as the menu's "Open console for…" asks) and spawns the real
 *     gatehouse-window; the time until the X server maps its window (MapNotify), process start
 *     included. First launch, then again after it was closed.
 *  2. That process's memory once its 15,000 roles are listed (/proc/PID/smaps_rollup).
 *  3. In this process: the longest main-loop stall and the longest frame interval while the
 *     window loads the 15,000 roles (a 1 ms timer and the frame clock watch them), and the
 *     time to load them.
 *  4. Keystrokes: the search text changed as typing does, until a frame after it was painted
 *     (the list on screen current): CPU time of the main thread and wall time, per keystroke.
 */
#include "config.h"

#include <signal.h>
#include <time.h>

#include <X11/Xlib.h>

#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-picker.h"
#include "gh-test-display.h"
#include "gh-window.h"

#define SESSION "bench"
#define N_ACCOUNTS 5000
#define ROLES_PER_ACCOUNT 3
#define N_ROLES (N_ACCOUNTS * ROLES_PER_ACCOUNT)

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* This thread's CPU time in ms: on a machine shared with other work, wall time includes waiting
 * for a core; both are printed. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
iterate_for_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
write_files (void)
{
  g_autofree char *aws = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autofree char *config = g_build_filename (aws, "config", NULL);
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  static const char *names[] = { "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess" };
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (aws, 0700);
  g_file_set_contents (config, "[sso-session " SESSION "]\n"
                       "sso_start_url = https://bench.awsapps.com/start\n"
                       "sso_region = us-east-1\n", -1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("%012" G_GUINT64_FORMAT, G_GUINT64_CONSTANT (100000000000) + i);
      g_autofree char *name = g_strdup_printf ("Account %04u", i);
      g_autofree char *email = g_strdup_printf ("aws+%04u@example.com", i);

      for (guint j = 0; j < ROLES_PER_ACCOUNT; j++)
        g_ptr_array_add (roles, gh_role_new (SESSION, id, name, email, names[j]));
    }
  g_ptr_array_sort (roles, gh_role_compare);
  gh_role_cache_save (SESSION, roles, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
}

/* 1 and 2: the real processes */

static Display *xdisplay;

/* Waits for a toplevel to be mapped; its window id, or 0 after 10 s. */
static Window
wait_for_map (void)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      while (XPending (xdisplay) > 0)
        {
          XEvent event;

          XNextEvent (xdisplay, &event);
          if (event.type == MapNotify)
            return event.xmap.window;
        }
      g_usleep (500);
    }
  return 0;
}

static guint32
name_owner_pid (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  guint32 pid = 0;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(u)", &pid);
  return pid;
}

static guint32
wait_for_name (GDBusConnection *bus,
               const char      *name,
               gboolean         owned)
{
  for (int i = 0; i < 2000; i++)
    {
      guint32 pid = name_owner_pid (bus, name);

      if ((pid != 0) == owned)
        return pid;
      g_usleep (5000);
    }
  g_error ("%s was never %s", name, owned ? "owned" : "released");
}

static void
show_window (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, APPLICATION_ID, "/io/github/gatehouse/Gatehouse",
                                       "org.gtk.Actions", "Activate",
                                       g_variant_new_parsed ("('show-window', [<'roles'>], "
                                                             "@a{sv} {})"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
print_memory (guint32 pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%u/smaps_rollup", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  long rss = 0, pss = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      sscanf (lines[i], "Rss: %ld kB", &rss);
      sscanf (lines[i], "Pss: %ld kB", &pss);
    }
  g_print ("  gatehouse-window with %d roles listed: PSS %.1f MB, RSS %.1f MB\n", N_ROLES,
           pss / 1024.0, rss / 1024.0);
}

static void
bench_processes (const char *gatehouse,
                 const char *window_program)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) service = NULL;
  g_autoptr(GError) error = NULL;
  double times[5];

  xdisplay = XOpenDisplay (NULL);
  g_assert_nonnull (xdisplay);
  XSelectInput (xdisplay, DefaultRootWindow (xdisplay), SubstructureNotifyMask);
  XFlush (xdisplay);

  g_subprocess_launcher_setenv (launcher, "GATEHOUSE_WINDOW", window_program, TRUE);
  service = g_subprocess_launcher_spawn (launcher, &error, gatehouse, "--background", NULL);
  g_assert_no_error (error);
  wait_for_name (bus, APPLICATION_ID, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      gint64 start = g_get_monotonic_time ();
      guint32 pid;

      show_window (bus);
      if (wait_for_map () == 0)
        g_error ("The window was never shown");
      times[i] = ms_since (start);
      pid = wait_for_name (bus, APPLICATION_ID ".Window", TRUE);
      if (i == 0)
        {
          /* Listed and idle: the process as it stays while open. */
          g_usleep (3 * G_USEC_PER_SEC);
          print_memory (pid);
        }
      kill (pid, SIGTERM);
      wait_for_name (bus, APPLICATION_ID ".Window", FALSE);
    }
  g_print ("  window shown after the tray's click (process start included): first %.0f ms, "
           "then %.0f, %.0f, %.0f, %.0f ms\n", times[0], times[1], times[2], times[3], times[4]);

  g_subprocess_send_signal (service, SIGTERM);
  g_subprocess_wait (service, NULL, NULL);
  XCloseDisplay (xdisplay);
}

/* 3 and 4: in this process */

typedef struct
{
  gint64 last_tick;
  gint64 max_stall;
  gint64 last_frame;
  gint64 max_frame;
  gint64 paint_done;
} Watch;

static gboolean
tick_cb (gpointer data)
{
  Watch *watch = data;
  gint64 now = g_get_monotonic_time ();

  if (watch->last_tick != 0)
    watch->max_stall = MAX (watch->max_stall, now - watch->last_tick);
  watch->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Watch         *watch)
{
  gint64 now = g_get_monotonic_time ();

  if (watch->last_frame != 0)
    watch->max_frame = MAX (watch->max_frame, now - watch->last_frame);
  watch->last_frame = now;
  watch->paint_done = now;
}

/* Keeps frames coming (as the loading spinner does), so gaps between them are stalls. */
static gboolean
keep_drawing_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* Changes the entry's text to `text` as a person would: deleting back to what the two have in
 * common, then typing the rest (gtk_editable_set_text() would empty the entry first, and an
 * empty search entry reports at once: a full list in between). */
static void
type_text (GtkEditable *entry,
           const char  *text)
{
  const char *current = gtk_editable_get_text (entry);
  int common = 0;
  int position;

  while (current[common] != '\0' && current[common] == text[common])
    common++;
  if (*text == '\0')
    {
      gtk_editable_set_text (entry, "");
      return;
    }
  gtk_editable_delete_text (entry, common, -1);
  position = common;
  gtk_editable_insert_text (entry, text + common, -1, &position);
}

static void
bench_in_process (void)
{
  Watch watch = { 0, };
  GhWindow *window;
  GhRolePicker *picker;
  GListModel *model;
  GtkWidget *entry;
  GdkFrameClock *clock;
  guint tick_id;
  guint draw_id;
  gint64 start;
  static const char *keystrokes[] = {
    "a", "ac", "acc", "acco", "account", "account 4", "account 42", "account 421",
    "account 4217", "account 4217 read", "", "r", "re", "rea", "read", "readonly",
    "100000004", "100000004217", "aws+", "aws+0042@", "",
  };
  double filter_max = 0, filter_sum = 0;
  double cpu_max = 0, cpu_sum = 0, load_cpu;
  double narrow_sum = 0, narrow_max = 0;
  guint narrow_n = 0;

  gtk_init ();
  adw_init ();

  tick_id = g_timeout_add (1, tick_cb, &watch);
  start = g_get_monotonic_time ();
  load_cpu = cpu_ms ();
  window = gh_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  picker = gh_window_get_role_picker (window);
  model = gh_role_picker_get_model (picker);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &watch);
  draw_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), keep_drawing_cb, NULL, NULL);

  while (g_list_model_get_n_items (model) < N_ROLES || gh_role_picker_get_loading (picker))
    {
      g_main_context_iteration (NULL, TRUE);
      if (ms_since (start) > 60000)
        g_error ("The roles never loaded");
    }
  g_print ("  %d roles listed in this process %.0f ms after the window was made (main thread "
           "CPU %.0f ms)\n", N_ROLES, ms_since (start), cpu_ms () - load_cpu);
  iterate_for_ms (500);
  g_print ("  while loading: longest main-loop stall %.1f ms, longest frame interval %.1f ms\n",
           watch.max_stall / 1000.0, watch.max_frame / 1000.0);
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), draw_id);
  g_source_remove (tick_id);

  entry = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (picker), GH_TYPE_ROLE_PICKER,
                                                     "search_entry"));
  iterate_for_ms (200);
  for (guint i = 0; i < G_N_ELEMENTS (keystrokes); i++)
    {
      gint64 typed = g_get_monotonic_time ();
      double cpu = cpu_ms ();
      double wall_ms, used_ms;

      /* Typed, then until a frame after it was painted: the search-changed (a 0 ms timeout),
       * the filter (at once, not incrementally), the rows rebound, layout and paint. The
       * wall time includes waiting for the frame clock's next tick. */
      watch.paint_done = 0;
      type_text (GTK_EDITABLE (entry), keystrokes[i]);
      while (watch.paint_done == 0)
        g_main_context_iteration (NULL, TRUE);
      wall_ms = (watch.paint_done - typed) / 1000.0;
      used_ms = cpu_ms () - cpu;
      g_print ("    %-20s %5u rows: CPU %5.1f ms, wall %5.1f ms\n", keystrokes[i],
               g_list_model_get_n_items (model), used_ms, wall_ms);
      /* Typing on narrows the search: the common case, apart from deleting or clearing. */
      if (i > 0 && *keystrokes[i] != '\0' && g_str_has_prefix (keystrokes[i], keystrokes[i - 1]))
        {
          narrow_sum += used_ms;
          narrow_max = MAX (narrow_max, used_ms);
          narrow_n++;
        }
      filter_sum += wall_ms;
      filter_max = MAX (filter_max, wall_ms);
      cpu_sum += used_ms;
      cpu_max = MAX (cpu_max, used_ms);
      iterate_for_ms (30);
    }
  g_print ("  keystroke over %d roles, typed until painted (%u keystrokes): main thread CPU "
           "mean %.1f ms, max %.1f ms; wall mean %.1f ms, max %.1f ms\n",
           N_ROLES, (guint) G_N_ELEMENTS (keystrokes),
           cpu_sum / G_N_ELEMENTS (keystrokes), cpu_max,
           filter_sum / G_N_ELEMENTS (keystrokes), filter_max);
  g_print ("  of which typing on (%u keystrokes that narrow the search): CPU mean %.1f ms, "
           "max %.1f ms\n", narrow_n, narrow_sum / MAX (narrow_n, 1), narrow_max);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: bench-window GATEHOUSE GATEHOUSE-WINDOW\n");
      return 2;
    }
  if (!gh_test_display_up (&error))
    g_error ("No display: %s", error->message);
  write_files ();
  /* GH_BENCH_WINDOW_IN_PROCESS=1: only 3 and 4 (under a profiler, say). */
  if (g_getenv ("GH_BENCH_WINDOW_IN_PROCESS") == NULL)
    bench_processes (argv[1], argv[2]);
  bench_in_process ();
  gh_test_display_down ();
  return 0;
}
