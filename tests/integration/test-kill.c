/* test-kill.c — `gatehouse sync` and `gatehouse credentials --write` killed with SIGKILL at
 * random moments, many times over: ~/.aws/config and ~/.aws/credentials are always either
 * what they were or what an uninterrupted run writes, byte for byte, never part of either;
 * what a killed write leaves behind is recognisably Gatehouse's, and goes with the next write
 * once it is stale (gh-file-util.c says when that is).
 *
 * Half the kills come after a random delay within an uninterrupted run's duration, the other
 * half a random few microseconds after the temporary file appears (inotify), to land inside
 * the write. The simulator serves a thousand roles, so sync writes a file of some 200 KB.
 */
#include "config.h"

#include <signal.h>
#include <sys/inotify.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-test-env.h"

#define N_ACCOUNTS 20
#define ROLES_PER_ACCOUNT 50
/* Kills per command: N_KILLS, unless they take longer than KILL_BUDGET_US (a sanitized build
 * runs the CLI many times slower), but never fewer than MIN_KILLS, and not fewer than it takes
 * to land one before and one after the write (up to N_KILLS): a kill lands after the rename
 * only in the last moments of a run, and ten kills on a busy machine could miss them all */
#define N_KILLS 50
#define MIN_KILLS 10
#define KILL_BUDGET_US (10 * G_USEC_PER_SEC)
#define TEMP_INFIX ".gatehouse-tmp-"     /* gh-file-util.c */
#define STALE_AGE_SECONDS (10 * 60)      /* well past the minute gh-file-util.c waits */

typedef struct
{
  guint kills;
  guint finished;          /* the command was done before the kill */
  guint old_content;       /* killed before its write */
  guint new_content;       /* killed after it */
  guint left_behind;       /* killed in the middle: a temporary file stayed */
} Outcomes;

static char *
read_file (const char *path)
{
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* A reset by the test itself: in place, without a temporary file of its own (GLib 2.74's
 * G_FILE_SET_CONTENTS_NONE does not truncate) */
static void
write_in_place (const char *path,
                const char *contents)
{
  FILE *file = g_fopen (path, "w");

  g_assert_nonnull (file);
  g_assert_cmpuint (fwrite (contents, 1, strlen (contents), file), ==, strlen (contents));
  g_assert_cmpint (fclose (file), ==, 0);
}

/* The simulator runs on this thread's main loop: keep it running while waiting */
static void
wait_us (gint64 us)
{
  gint64 deadline = g_get_monotonic_time () + us;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (MIN (50, MAX (deadline - g_get_monotonic_time (), 0)));
}

static gboolean
is_temp_of (const char *name,
            const char *base)
{
  return g_str_has_prefix (name, base) && g_str_has_prefix (name + strlen (base), TEMP_INFIX) &&
         strlen (name + strlen (base) + strlen (TEMP_INFIX)) == 6;
}

/* The names in @dir other than @base itself that start with "@base." */
static GPtrArray *
leftovers (const char *dir,
           const char *base)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (names, g_strdup (name));
  return names;
}

/* What an interrupted write may leave: Gatehouse's temporary files of that file, nothing else */
static guint
assert_only_gatehouse_temp_files (const char *dir,
                                  const char *base)
{
  g_autoptr(GPtrArray) names = leftovers (dir, base);

  for (guint i = 0; i < names->len; i++)
    if (!is_temp_of (g_ptr_array_index (names, i), base))
      g_error ("%s/%s: left behind, and not a Gatehouse temporary file", dir,
               (char *) g_ptr_array_index (names, i));
  return names->len;
}

/* Makes the temporary files in @dir look as old as a killed write's become */
static void
age_temp_files (const char *dir,
                const char *base)
{
  g_autoptr(GPtrArray) names = leftovers (dir, base);
  struct timeval times[2] = { { 0, 0 }, { 0, 0 } };

  times[0].tv_sec = times[1].tv_sec = g_get_real_time () / G_USEC_PER_SEC - STALE_AGE_SECONDS;
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      g_assert_cmpint (utimes (path, times), ==, 0);
    }
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *exited = TRUE;
}

/* Waits until a name starting with "@base." is created in the watched folder (or the process
 * exits, or @timeout_us passes) */
static void
wait_for_temp_file (int             inotify_fd,
                    const char     *base,
                    const gboolean *exited,
                    gint64          timeout_us)
{
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));

  while (g_get_monotonic_time () < deadline && !*exited)
    {
      gssize n = read (inotify_fd, buffer, sizeof buffer);

      for (char *p = buffer; n > 0 && p < buffer + n;)
        {
          struct inotify_event *event = (struct inotify_event *) p;

          if (event->len > 0 && g_str_has_prefix (event->name, prefix))
            return;
          p += sizeof (struct inotify_event) + event->len;
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (20);
    }
}

static void
drain (int inotify_fd)
{
  char buffer[4096];

  while (read (inotify_fd, buffer, sizeof buffer) > 0)
    ;
}

/* `gatehouse ARGV…` with the fixture's environment */
static GSubprocess *
spawn (GhTestFixture      *fixture,
       const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (full, (char *) g_getenv ("GH_GATEHOUSE"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (char *) argv[i]);
  g_ptr_array_add (full, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Runs the command and kills it: after @delay_us, or when @trigger_us >= 0 that long after
 * its temporary file appears. TRUE when it was killed rather than done. */
static gboolean
run_and_kill (GhTestFixture      *fixture,
              const char * const *argv,
              int                 inotify_fd,
              const char         *base,
              gint64              delay_us,
              gint64              trigger_us)
{
  g_autoptr(GSubprocess) process = NULL;
  gboolean exited = FALSE;

  drain (inotify_fd);
  process = spawn (fixture, argv);
  g_subprocess_wait_async (process, NULL, exited_cb, &exited);

  if (trigger_us >= 0)
    {
      wait_for_temp_file (inotify_fd, base, &exited, 30 * G_USEC_PER_SEC);
      wait_us (trigger_us);
    }
  else
    wait_us (delay_us);

  g_subprocess_send_signal (process, SIGKILL);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);

  if (g_subprocess_get_if_signaled (process))
    {
      g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
      return TRUE;
    }
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return FALSE;
}

/* The command to completion; returns how long it took */
static gint64
run_whole (GhTestFixture      *fixture,
           const char * const *argv)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GSubprocess) process = spawn (fixture, argv);
  g_autofree char *err = NULL;
  int status;

  status = gh_test_wait_cli (fixture, process, NULL, &err);
  if (status != 0)
    g_error ("%s failed (%d): %s", argv[0], status, err);
  return g_get_monotonic_time () - start;
}

/* One kill: which content the file has afterwards, and what was left next to it */
static void
kill_once (GhTestFixture      *fixture,
           const char * const *argv,
           const char         *path,
           const char         *old_content,
           const char         *new_content,
           int                 inotify_fd,
           gint64              duration_us,
           guint               i,
           Outcomes           *outcomes)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *now = NULL;
  gboolean triggered = i % 2 == 1;
  gint64 delay = g_test_rand_int_range (0, (gint32) MIN (duration_us, G_MAXINT32));
  gint64 trigger = triggered ? g_test_rand_int_range (0, 3000) : -1;
  guint before = assert_only_gatehouse_temp_files (dir, base);

  outcomes->kills++;
  if (!run_and_kill (fixture, argv, inotify_fd, base, delay, trigger))
    outcomes->finished++;

  now = read_file (path);
  if (g_str_equal (now, old_content))
    outcomes->old_content++;
  else if (g_str_equal (now, new_content))
    outcomes->new_content++;
  else
    g_error ("%s after a kill (%s %" G_GINT64_FORMAT " µs) is neither the old nor the new "
             "content (%zu bytes; old %zu, new %zu)", path,
             triggered ? "after the temporary file by" : "after", triggered ? trigger : delay,
             strlen (now), strlen (old_content), strlen (new_content));

  if (assert_only_gatehouse_temp_files (dir, base) > before)
    outcomes->left_behind++;
}

/* After the kills: once they are stale, the next run removes what they left behind */
static void
assert_cleaned_up (GhTestFixture      *fixture,
                   const char * const *argv,
                   const char         *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GPtrArray) left = NULL;

  age_temp_files (dir, base);
  run_whole (fixture, argv);
  left = leftovers (dir, base);
  g_assert_cmpuint (left->len, ==, 0);
}

static void
report (const char     *what,
        const Outcomes *outcomes)
{
  g_test_message ("%s: %u kills: %u finished first, old content %u times, new %u times, "
                  "%u temporary files left behind", what, outcomes->kills, outcomes->finished,
                  outcomes->old_content, outcomes->new_content, outcomes->left_behind);
}

/* Whether to kill once more, @start being when the first kill began */
static gboolean
more_kills (const Outcomes *outcomes,
            gint64          start)
{
  return outcomes->kills < MIN_KILLS ||
         (outcomes->kills < N_KILLS &&
          (g_get_monotonic_time () - start < KILL_BUDGET_US ||
           outcomes->old_content == 0 || outcomes->new_content == 0));
}

static int
watch (const char *dir)
{
  int fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (fd, dir, IN_CREATE | IN_MOVED_TO), >=, 0);
  return fd;
}

static void
test_kill_sync (GhTestFixture *fixture,
                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("kill");
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *dir = g_path_get_dirname (path);
  const char *to_eu[] = { "sync", name, "--region", "eu-west-1", NULL };
  const char *to_us[] = { "sync", name, "--region", "us-east-1", NULL };
  g_autofree char *eu = NULL;
  g_autofree char *us = NULL;
  g_autofree char *eu_again = NULL;
  Outcomes outcomes = { 0 };
  gint64 duration;
  gint64 start;
  gboolean at_eu = TRUE;
  int inotify_fd;

  g_object_set (fixture->sim, "accounts", N_ACCOUNTS, "roles-per-account", ROLES_PER_ACCOUNT,
                "page-size", 100, NULL);
  gh_test_sign_in (fixture, name);

  /* The two contents, from uninterrupted runs (the first one lists the roles) */
  run_whole (fixture, to_eu);
  eu = read_file (path);
  duration = run_whole (fixture, to_us);
  us = read_file (path);
  duration = MAX (duration, run_whole (fixture, to_eu));
  eu_again = read_file (path);
  g_assert_cmpstr (eu, ==, eu_again);
  g_assert_cmpstr (eu, !=, us);
  g_assert_cmpuint (strlen (eu), >, 100000);

  inotify_fd = watch (dir);
  start = g_get_monotonic_time ();
  for (guint i = 0; more_kills (&outcomes, start); i++)
    {
      g_autofree char *now = NULL;

      kill_once (fixture, at_eu ? to_us : to_eu, path, at_eu ? eu : us, at_eu ? us : eu,
                 inotify_fd, duration, i, &outcomes);
      now = read_file (path);
      at_eu = g_str_equal (now, eu);
    }
  close (inotify_fd);
  report ("sync", &outcomes);

  /* Both ends were seen: the kills did land before and after the write */
  g_assert_cmpuint (outcomes.old_content, >, 0);
  g_assert_cmpuint (outcomes.new_content, >, 0);

  assert_cleaned_up (fixture, at_eu ? to_us : to_eu, path);
}

static void
test_kill_credentials_write (GhTestFixture *fixture,
                             gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("killcred");
  g_autofree char *path = gh_test_path (fixture, ".aws/credentials");
  g_autofree char *dir = g_path_get_dirname (path);
  const char *sync[] = { "sync", name, NULL };
  const char *write[] = { "credentials", "--profile", "ReadOnly-100000000001", "--write", NULL };
  g_autoptr(GString) old_text = g_string_new (NULL);
  g_autofree char *new_text = NULL;
  g_autofree char *again = NULL;
  Outcomes outcomes = { 0 };
  gint64 duration;
  gint64 start;
  int inotify_fd;

  g_object_set (fixture->sim, "accounts", N_ACCOUNTS, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  run_whole (fixture, sync);

  /* A big credentials file of a person's own sections, which the write must keep */
  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (old_text, "[hand-written-%u]\naws_access_key_id = ASIAHAND%08u\n"
                            "aws_secret_access_key = secret%u\n\n", i, i, i);
  write_in_place (path, old_text->str);

  /* The new content, from an uninterrupted run (the credentials are then in the keyring, and
   * every later run writes the same ones) */
  run_whole (fixture, write);
  new_text = read_file (path);
  write_in_place (path, old_text->str);
  duration = run_whole (fixture, write);
  again = read_file (path);
  g_assert_cmpstr (again, ==, new_text);
  g_assert_cmpstr (old_text->str, !=, new_text);

  inotify_fd = watch (dir);
  start = g_get_monotonic_time ();
  for (guint i = 0; more_kills (&outcomes, start); i++)
    {
      write_in_place (path, old_text->str);
      kill_once (fixture, write, path, old_text->str, new_text, inotify_fd, duration, i,
                 &outcomes);
    }
  close (inotify_fd);
  report ("credentials --write", &outcomes);

  g_assert_cmpuint (outcomes.old_content, >, 0);
  g_assert_cmpuint (outcomes.new_content, >, 0);

  write_in_place (path, old_text->str);
  assert_cleaned_up (fixture, write, path);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  gh_test_add ("/kill/sync", test_kill_sync);
  gh_test_add ("/kill/credentials-write", test_kill_credentials_write);

  return gh_test_env_run ();
}
