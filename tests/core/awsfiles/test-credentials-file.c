/* test-credentials-file.c — the AWS shared credentials file */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-credentials-file.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"
#include "gh-test-util.h"

#define MARKER "# Managed by Gatehouse: short-term keys from gatehouse credentials --write; " \
               "changes here are overwritten"

static GhRoleCredentials credentials_1 = {
  .access_key_id = (char *) "ASIAEXAMPLE1",
  .secret_access_key = (char *) "secret1",
  .session_token = (char *) "token1",
  .expiration = 1800000000,
  .account_id = (char *) "111111111111",
};

static GhRoleCredentials credentials_2 = {
  .access_key_id = (char *) "ASIAEXAMPLE2",
  .secret_access_key = (char *) "secret2",
  .session_token = (char *) "token2",
  .expiration = 1800003600,
  .account_id = (char *) "111111111111",
};

static char *
credentials_path (void)
{
  return g_build_filename (g_get_home_dir (), ".aws", "credentials", NULL);
}

static void
write_ok (const char              *path,
          const char              *profile,
          const GhRoleCredentials *credentials)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_credentials_file_write_section (path, profile, credentials, &error));
  g_assert_no_error (error);
}

static void
test_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_home_dir (), ".aws", "credentials", NULL);
  g_autofree char *path = NULL;
  g_autofree char *expanded = NULL;
  g_autofree char *home = NULL;

  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
  path = gh_credentials_file_default_path ();
  g_assert_cmpstr (path, ==, expected);
  g_clear_pointer (&path, g_free);

  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "", TRUE);
  path = gh_credentials_file_default_path ();
  g_assert_cmpstr (path, ==, expected);
  g_clear_pointer (&path, g_free);

  g_setenv ("GH_TEST_DIR", "/srv/aws", TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "${GH_TEST_DIR}/creds-$GH_TEST_DIR-$NOT_SET_X", TRUE);
  path = gh_credentials_file_default_path ();
  g_assert_cmpstr (path, ==, "/srv/aws/creds-/srv/aws-$NOT_SET_X");
  g_clear_pointer (&path, g_free);

  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds", TRUE);
  path = gh_credentials_file_default_path ();
  home = g_build_filename (g_get_home_dir (), "elsewhere", "creds", NULL);
  g_assert_cmpstr (path, ==, home);

  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
  g_unsetenv ("GH_TEST_DIR");
}

static void
test_write_new (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;
  g_auto(GStrv) managed = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  write_ok (path, "dev", &credentials_1);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   MARKER "\n[dev]\naws_access_key_id = ASIAEXAMPLE1\n"
                   "aws_secret_access_key = secret1\naws_session_token = token1\n");

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  managed = gh_credentials_file_managed_profiles (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (managed, ((const char * const[]) { "dev", NULL }));
}

static void
test_update_managed (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;
  struct stat st;

  gh_test_write_file (path,
                      "[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n\n"
                      "# my notes\n"
                      MARKER "\n[dev]\naws_access_key_id=ASIAOLD\n"
                      "aws_secret_access_key = old\naws_session_token = old\nregion = eu-west-1\n"
                      "\n[other]\naws_access_key_id = ASIAX\n", -1);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  write_ok (path, "dev", &credentials_2);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[default]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n\n"
                   "# my notes\n"
                   MARKER "\n[dev]\naws_access_key_id=ASIAEXAMPLE2\n"
                   "aws_secret_access_key = secret2\naws_session_token = token2\n"
                   "region = eu-west-1\n"
                   "\n[other]\naws_access_key_id = ASIAX\n");

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* The same credentials again: nothing is written */
static void
test_unchanged_not_written (void)
{
  g_autofree char *path = credentials_path ();
  struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
  struct stat st;

  write_ok (path, "dev", &credentials_1);
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
  write_ok (path, "dev", &credentials_1);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mtim.tv_sec, ==, 1000000000);
}

static void
test_refuse_unmanaged (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *original =
    "# my comment, not a marker\n[dev]\naws_access_key_id = ASIAMINE\n"
    "aws_secret_access_key = mine\n";

  gh_test_write_file (path, original, -1);
  g_assert_false (gh_credentials_file_write_section (path, "dev", &credentials_1, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "[dev]"));
  g_assert_null (strstr (error->message, "secret"));
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, original);
}

static void
test_refuse_long_term (void)
{
  g_autofree char *path = credentials_path ();
  g_autoptr(GError) error = NULL;
  GhRoleCredentials long_term = credentials_1;
  GhRoleCredentials incomplete = credentials_1;
  GhRoleCredentials multiline = credentials_1;

  long_term.access_key_id = (char *) "AKIAEXAMPLE";
  g_assert_false (gh_credentials_file_write_section (path, "dev", &long_term, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "ASIA"));
  g_clear_error (&error);

  incomplete.session_token = NULL;
  g_assert_false (gh_credentials_file_write_section (path, "dev", &incomplete, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  multiline.secret_access_key = (char *) "a\n[evil]";
  g_assert_false (gh_credentials_file_write_section (path, "dev", &multiline, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_false (gh_credentials_file_write_section (path, " dev", &credentials_1, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_false (gh_credentials_file_write_section (path, "a\nb", &credentials_1, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_crlf (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;

  gh_test_write_file (path,
                      "[default]\r\naws_access_key_id = AKIAOLD\r\naws_secret_access_key = x\r\n",
                      -1);
  write_ok (path, "dev", &credentials_1);
  write_ok (path, "dev", &credentials_2);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[default]\r\naws_access_key_id = AKIAOLD\r\naws_secret_access_key = x\r\n"
                   "\r\n" MARKER "\r\n[dev]\r\naws_access_key_id = ASIAEXAMPLE2\r\n"
                   "aws_secret_access_key = secret2\r\naws_session_token = token2\r\n");
}

static void
test_no_trailing_newline (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;
  g_auto(GStrv) managed = NULL;

  gh_test_write_file (path, "[default]\naws_access_key_id = AKIAOLD", -1);
  write_ok (path, "dev", &credentials_1);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[default]\naws_access_key_id = AKIAOLD\n"
                   "\n" MARKER "\n[dev]\naws_access_key_id = ASIAEXAMPLE1\n"
                   "aws_secret_access_key = secret1\naws_session_token = token1\n");
  g_clear_pointer (&text, g_free);

  /* A managed section at the end without a final newline is updated in place */
  gh_test_write_file (path, MARKER "\n[dev]\naws_access_key_id = ASIAOLD\naws_session_token = old",
                      -1);
  write_ok (path, "dev", &credentials_2);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   MARKER "\n[dev]\naws_access_key_id = ASIAEXAMPLE2\n"
                   "aws_session_token = token2\naws_secret_access_key = secret2\n");

  managed = gh_credentials_file_managed_profiles (path, NULL);
  g_assert_cmpstrv (managed, ((const char * const[]) { "dev", NULL }));
}

static void
test_long_term_profiles (void)
{
  g_autofree char *path = credentials_path ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) long_term = NULL;
  g_auto(GStrv) managed = NULL;
  g_auto(GStrv) none = NULL;
  g_autofree char *missing = g_build_filename (g_get_home_dir (), "nothing", NULL);

  gh_test_write_file (path,
                      "[default]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\n"
                      "aws_secret_access_key = x\r\n"
                      "[temp]\r\naws_access_key_id = ASIATEMP\r\n"
                      "[ci user]\r\nAWS_ACCESS_KEY_ID=AKIACI\r\n"
                      MARKER "\r\n[mine]\r\naws_access_key_id = ASIAMINE\r\n"
                      "# Managed by Gatehouse: reworded\r\n[also]\r\nregion = x", -1);

  long_term = gh_credentials_file_long_term_profiles (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (long_term, ((const char * const[]) { "default", "ci user", NULL }));

  managed = gh_credentials_file_managed_profiles (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (managed, ((const char * const[]) { "mine", "also", NULL }));

  none = gh_credentials_file_long_term_profiles (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (none, ((const char * const[]) { NULL }));
}

static void
test_unreadable (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *below_file = g_build_filename (path, "credentials", NULL);
  g_autoptr(GError) error = NULL;
  GStrv list;

  gh_test_write_file (path, "[default]\nregion = \xff\n", -1);
  list = gh_credentials_file_managed_profiles (path, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_null (list);
  g_clear_error (&error);

  g_assert_false (gh_credentials_file_write_section (path, "dev", &credentials_1, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_clear_error (&error);

  /* A path below a regular file fails for everyone, root included */
  g_assert_false (gh_credentials_file_write_section (below_file, "dev", &credentials_1, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
}

/* Full disk (RLIMIT_FSIZE, which binds root too): an error and the original intact */
static void
test_full_disk (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *original = "[default]\naws_access_key_id = AKIAOLD\n";
  struct rlimit saved;
  struct rlimit limited;
  void (*old_handler) (int);
  gboolean ok;

  gh_test_write_file (path, original, -1);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 48;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);

  ok = gh_credentials_file_write_section (path, "dev", &credentials_1, &error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (ok);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, original);
}

static void
test_symlink (void)
{
  g_autofree char *target = g_build_filename (g_get_home_dir (), "dotfiles", "creds", NULL);
  g_autofree char *path = credentials_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *link = NULL;
  g_autofree char *text = NULL;

  gh_test_write_file (target, "[default]\nregion = eu-west-1\n", -1);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (symlink (target, path), ==, 0);

  write_ok (path, "dev", &credentials_1);
  link = g_file_read_link (path, NULL);
  g_assert_cmpstr (link, ==, target);
  text = gh_test_read_file (target, NULL);
  g_assert_nonnull (strstr (text, "\n[dev]\naws_access_key_id = ASIAEXAMPLE1\n"));
}

/* ---- on a worker thread ------------------------------------------------------------------ */

static char *
lock_name_of (const char *path)
{
  g_autofree char *resolved = gh_file_resolve_symlinks (path);

  return gh_lock_name_for_file ("credentials", resolved);
}

/* While another process holds the file's lock, the write waits on its worker and the main loop
 * keeps running */
static void
test_async_waits_for_lock (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *lock_name = lock_name_of (path);
  g_autofree char *text = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  GhRoleCredentials *credentials = gh_role_credentials_copy (&credentials_1);
  GhTestLockHolder *holder = gh_test_lock_holder_new (lock_name);

  gh_credentials_file_write_section_async (path, "dev", credentials, NULL, gh_test_keep_result,
                                           &result);
  /* The worker has its own copy */
  gh_role_credentials_free (credentials);

  g_assert_true (gh_test_lock_holder_holds (holder));
  g_assert_cmpuint (gh_test_count_ticks (300), >, 5);
  g_assert_null (result);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  gh_test_lock_holder_release (holder);
  done = gh_test_wait_result (&result);
  g_assert_true (gh_credentials_file_write_section_finish (done, &error));
  g_assert_no_error (error);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   MARKER "\n[dev]\naws_access_key_id = ASIAEXAMPLE1\n"
                   "aws_secret_access_key = secret1\naws_session_token = token1\n");
}

/* A refusal comes back through the finish; a cancelled wait leaves the file as it was */
static void
test_async_errors (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *lock_name = lock_name_of (path);
  g_autofree char *text = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GhTestLockHolder *holder;
  const char *original = "# mine\n[dev]\naws_access_key_id = ASIAMINE\n";

  gh_test_write_file (path, original, -1);
  gh_credentials_file_write_section_async (path, "dev", &credentials_1, NULL,
                                           gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_false (gh_credentials_file_write_section_finish (done, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_object (&done);

  holder = gh_test_lock_holder_new (lock_name);
  gh_credentials_file_write_section_async (path, "other", &credentials_1, cancellable,
                                           gh_test_keep_result, &result);
  gh_test_count_ticks (100);
  g_cancellable_cancel (cancellable);
  done = gh_test_wait_result (&result);
  g_assert_false (gh_credentials_file_write_section_finish (done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (gh_test_lock_holder_holds (holder));
  gh_test_lock_holder_release (holder);

  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, original);
}

/* A FIFO as the credentials file is refused at once instead of waited on for ever; in a
 * subprocess, so a hang fails the test instead of stopping it */
static void
test_fifo (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = g_build_filename (g_get_home_dir (), "credentials-fifo", NULL);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) profiles = NULL;

      g_assert_cmpint (g_mkdir_with_parents (g_get_home_dir (), 0700), ==, 0);
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      profiles = gh_credentials_file_long_term_profiles (path, &error);
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "named pipe"));
      g_assert_null (profiles);
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A sign-in that goes takes its Gatehouse sections along; what the user wrote stays, byte for
 * byte, and a missing file is nothing to do. */
static void
test_remove_sections (void)
{
  g_autofree char *path = credentials_path ();
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) removed = NULL;
  g_autoptr(GError) error = NULL;
  const char *mine = "# my notes\n[mine]\naws_access_key_id = AKIAMINE\n"
                     "aws_secret_access_key = x\n\n";
  const char * const gone[] = { "dev", "mine", "absent", NULL };

  g_assert_true (gh_credentials_file_remove_sections (path, gone, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (removed, ((const char * const[]) { NULL }));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&removed, g_strfreev);

  gh_test_write_file (path, mine, -1);
  write_ok (path, "dev", &credentials_1);
  write_ok (path, "prod", &credentials_2);

  g_assert_true (gh_credentials_file_remove_sections (path, gone, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (removed, ((const char * const[]) { "dev", NULL }));
  text = gh_test_read_file (path, NULL);
  expected = g_strconcat (mine, MARKER "\n[prod]\naws_access_key_id = ASIAEXAMPLE2\n"
                          "aws_secret_access_key = secret2\naws_session_token = token2\n", NULL);
  g_assert_cmpstr (text, ==, expected);
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/credentials-file/default-path", test_default_path);
  g_test_add_func ("/credentials-file/write/new", test_write_new);
  g_test_add_func ("/credentials-file/write/update-managed", test_update_managed);
  g_test_add_func ("/credentials-file/write/unchanged", test_unchanged_not_written);
  g_test_add_func ("/credentials-file/write/refuse-unmanaged", test_refuse_unmanaged);
  g_test_add_func ("/credentials-file/write/refuse-long-term", test_refuse_long_term);
  g_test_add_func ("/credentials-file/write/crlf", test_crlf);
  g_test_add_func ("/credentials-file/write/no-trailing-newline", test_no_trailing_newline);
  g_test_add_func ("/credentials-file/write/full-disk", test_full_disk);
  g_test_add_func ("/credentials-file/write/symlink", test_symlink);
  g_test_add_func ("/credentials-file/remove-sections", test_remove_sections);
  g_test_add_func ("/credentials-file/read/long-term", test_long_term_profiles);
  g_test_add_func ("/credentials-file/read/unreadable", test_unreadable);
  g_test_add_func ("/credentials-file/read/fifo", test_fifo);
  g_test_add_func ("/credentials-file/async/waits-for-lock", test_async_waits_for_lock);
  g_test_add_func ("/credentials-file/async/errors", test_async_errors);

  return g_test_run ();
}
