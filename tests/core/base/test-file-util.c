/* test-file-util.c — atomic private writes, and the clean-up of what interrupted ones left */
#include "config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-file-util.h"
#include "gh-test-util.h"

/* Older than the minute a temporary file must have been left alone */
#define STALE_AGE_SECONDS (10 * 60)

/* In the test's own HOME, which GTest removes */
static char *
make_dir (void)
{
  char *dir = g_build_filename (g_get_home_dir (), "files-XXXXXX", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_home_dir (), 0700), ==, 0);
  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

/* A file as an interrupted write leaves it, @age_seconds old */
static char *
leave_file (const char *dir,
            const char *name,
            gint64      age_seconds)
{
  char *path = g_build_filename (dir, name, NULL);
  struct timeval times[2];

  gh_test_write_file (path, "half a file", -1);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  times[0].tv_sec = times[1].tv_sec = g_get_real_time () / G_USEC_PER_SEC - age_seconds;
  times[0].tv_usec = times[1].tv_usec = 0;
  g_assert_cmpint (utimes (path, times), ==, 0);
  return path;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (entries) != NULL)
    n++;
  return n;
}

static void
test_write_replaces (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "config", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  struct stat st;

  gh_test_write_file (path, "old", -1);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (gh_file_write_private (path, "new contents", -1, &error));
  g_assert_no_error (error);

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, "new contents");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* Nothing but the file itself is left */
  g_assert_cmpuint (count_entries (dir), ==, 1);
}

/* Through a symlink: the link stays, its target changes, and the temporary file is made next
 * to the target */
static void
test_write_through_symlink (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *target_dir = g_build_filename (dir, "dotfiles", NULL);
  g_autofree char *target = g_build_filename (target_dir, "config", NULL);
  g_autofree char *link = g_build_filename (dir, "config", NULL);
  g_autofree char *stale = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  gh_test_write_file (target, "old", -1);
  g_assert_cmpint (symlink (target, link), ==, 0);
  stale = leave_file (target_dir, "config.gatehouse-tmp-Ab12Cd", STALE_AGE_SECONDS);

  g_assert_true (gh_file_write_private (link, "new", -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  contents = gh_test_read_file (target, NULL);
  g_assert_cmpstr (contents, ==, "new");
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (target_dir), ==, 1);
}

/* What a write removes, and what it must leave alone: another program's files, another
 * file's, a live writer's (locked, or too new for its lock to be taken yet), anything that is
 * not a regular file */
static void
test_stale_temp_files (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "config", NULL);
  g_autofree char *stale = leave_file (dir, "config.gatehouse-tmp-Xy9zQ1", STALE_AGE_SECONDS);
  g_autofree char *stale_too = leave_file (dir, "config.gatehouse-tmp-000000", 24 * 3600);
  g_autofree char *fresh = leave_file (dir, "config.gatehouse-tmp-fReSh1", 5);
  g_autofree char *locked = leave_file (dir, "config.gatehouse-tmp-L0cked", STALE_AGE_SECONDS);
  g_autofree char *glib_style = leave_file (dir, "config.Ab12Cd", STALE_AGE_SECONDS);
  g_autofree char *other_file = leave_file (dir, "credentials.gatehouse-tmp-Ab12Cd",
                                            STALE_AGE_SECONDS);
  g_autofree char *longer = leave_file (dir, "config.gatehouse-tmp-Ab12Cd3", STALE_AGE_SECONDS);
  g_autofree char *odd = leave_file (dir, "config.gatehouse-tmp-Ab.2Cd", STALE_AGE_SECONDS);
  g_autofree char *directory = g_build_filename (dir, "config.gatehouse-tmp-D1rect", NULL);
  g_autofree char *link = g_build_filename (dir, "config.gatehouse-tmp-L1nk00", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);
  g_assert_cmpint (symlink (glib_style, link), ==, 0);

  /* A live writer holds the lock (a lock on another open file excludes us in this process
   * too) */
  fd = open (locked, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  g_assert_true (gh_file_write_private (path, "new", -1, &error));
  g_assert_no_error (error);

  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_too, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (locked, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (glib_style, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (longer, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (odd, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (directory, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));

  /* Once its writer is gone, the locked one goes with the next clean-up */
  close (fd);
  gh_file_remove_stale_temp_files (path);
  g_assert_false (g_file_test (locked, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

/* A file's version: a write replaces the inode, an edit in place changes the times (made up
 * here: whether two edits in a row get different times depends on the clock's tick) */
static void
test_same_version (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), "versioned", NULL);
  g_autoptr(GError) error = NULL;
  struct stat first, again, replaced, edited;

  g_assert_true (gh_file_write_private (path, "one\n", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &first), ==, 0);
  g_assert_cmpint (stat (path, &again), ==, 0);
  g_assert_true (gh_file_same_version (&first, &again));

  g_assert_true (gh_file_write_private (path, "one\n", -1, &error));
  g_assert_cmpint (stat (path, &replaced), ==, 0);
  g_assert_false (gh_file_same_version (&first, &replaced));

  /* In place, same size: only the times tell */
  edited = replaced;
  edited.st_mtim.tv_nsec ^= 1;
  g_assert_false (gh_file_same_version (&replaced, &edited));
  edited = replaced;
  edited.st_ctim.tv_sec += 1;
  g_assert_false (gh_file_same_version (&replaced, &edited));
}

/* A copy is trusted only when the file had not changed for two seconds before it was read */
static void
test_version_settled (void)
{
  struct stat st = { 0, };
  gint64 changed = G_GINT64_CONSTANT (1714557600) * G_USEC_PER_SEC + 250000;

  st.st_mtim.tv_sec = st.st_ctim.tv_sec = 1714557600;
  st.st_mtim.tv_nsec = st.st_ctim.tv_nsec = 250000000;
  g_assert_false (gh_file_version_is_settled (&st, changed));
  g_assert_false (gh_file_version_is_settled (&st, changed + G_USEC_PER_SEC));
  g_assert_true (gh_file_version_is_settled (&st, changed + 2 * G_USEC_PER_SEC));

  /* The later of the two times counts: a chmod, say, changes only the change time */
  st.st_ctim.tv_sec += 5;
  g_assert_false (gh_file_version_is_settled (&st, changed + 2 * G_USEC_PER_SEC));
  g_assert_true (gh_file_version_is_settled (&st, changed + 7 * G_USEC_PER_SEC));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/file-util/write/replaces", test_write_replaces);
  g_test_add_func ("/file-util/write/symlink", test_write_through_symlink);
  g_test_add_func ("/file-util/stale-temp-files", test_stale_temp_files);
  g_test_add_func ("/file-util/same-version", test_same_version);
  g_test_add_func ("/file-util/version-settled", test_version_settled);

  return g_test_run ();
}
