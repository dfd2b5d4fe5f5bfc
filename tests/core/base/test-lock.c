/* test-lock.c — GhLock: blocking and asynchronous waits for one lock, held by another thread
 * as another process would hold it */
#include "config.h"

#include <glib/gstdio.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"
#include "gh-test-util.h"

#define NAME "test.lock"

typedef struct
{
  GCancellable *cancellable;
  GhLock       *lock;
  GError       *error;
  gint          done;           /* atomic: the blocking acquire returned */
} Waiter;

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->cancellable);
  g_clear_object (&waiter->lock);
  g_clear_error (&waiter->error);
}

static gpointer
acquire_thread (gpointer data)
{
  Waiter *waiter = data;

  waiter->lock = gh_lock_acquire (NAME, waiter->cancellable, &waiter->error);
  g_atomic_int_set (&waiter->done, TRUE);
  return NULL;
}

/* The async acquire's outcome */
static GhLock *
wait_for_lock (GAsyncResult **result,
               GError       **error)
{
  g_autoptr(GAsyncResult) done = gh_test_wait_result (result);

  return gh_lock_acquire_finish (done, error);
}

static void
test_name_for_file (void)
{
  g_autofree char *hash = gh_sha1_hex ("/home/me/.aws/config");
  g_autofree char *expected = g_strconcat ("config-", hash, NULL);
  g_autofree char *name = gh_lock_name_for_file ("config", "/home/me/.aws/config");

  g_assert_cmpstr (name, ==, expected);
}

static void
test_release_on_unref (void)
{
  g_autoptr(GError) error = NULL;
  GhLock *lock;

  g_assert_false (gh_lock_is_held (NAME));
  lock = gh_lock_acquire (NAME, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (GH_IS_LOCK (lock));
  g_assert_true (gh_lock_is_held (NAME));

  g_object_unref (lock);
  g_assert_false (gh_lock_is_held (NAME));
}

/* A blocking acquire waits for the holder, with and without a cancellable */
static void
test_blocking_waits (gconstpointer data)
{
  gboolean cancellable = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhLock) held = gh_lock_acquire (NAME, NULL, &error);
  Waiter waiter = { 0 };
  GThread *thread;

  g_assert_no_error (error);
  if (cancellable)
    waiter.cancellable = g_cancellable_new ();

  thread = g_thread_new ("acquire", acquire_thread, &waiter);
  g_usleep (200 * 1000);
  g_assert_false (g_atomic_int_get (&waiter.done));

  g_clear_object (&held);
  g_thread_join (thread);
  g_assert_no_error (waiter.error);
  g_assert_true (GH_IS_LOCK (waiter.lock));
  g_assert_true (gh_lock_is_held (NAME));

  waiter_clear (&waiter);
  g_assert_false (gh_lock_is_held (NAME));
}

static void
test_blocking_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhLock) held = gh_lock_acquire (NAME, NULL, &error);
  Waiter waiter = { 0 };
  GThread *thread;

  g_assert_no_error (error);
  waiter.cancellable = g_cancellable_new ();
  thread = g_thread_new ("acquire", acquire_thread, &waiter);
  g_usleep (100 * 1000);
  g_cancellable_cancel (waiter.cancellable);
  g_thread_join (thread);

  g_assert_error (waiter.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (waiter.lock);
  g_assert_true (gh_lock_is_held (NAME));
  waiter_clear (&waiter);
}

/* The async acquire leaves the main loop running while a worker thread holds the lock */
static void
test_async_waits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GhTestLockHolder *holder = gh_test_lock_holder_new (NAME);

  gh_lock_acquire_async (NAME, NULL, gh_test_keep_result, &result);
  g_assert_cmpuint (gh_test_count_ticks (200), >, 5);
  g_assert_null (result);

  gh_test_lock_holder_release (holder);
  lock = wait_for_lock (&result, &error);
  g_assert_no_error (error);
  g_assert_true (GH_IS_LOCK (lock));
}

static void
test_async_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GhTestLockHolder *holder = gh_test_lock_holder_new (NAME);

  gh_lock_acquire_async (NAME, cancellable, gh_test_keep_result, &result);
  gh_test_count_ticks (100);
  g_cancellable_cancel (cancellable);
  lock = wait_for_lock (&result, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (lock);
  g_assert_true (gh_test_lock_holder_holds (holder));
  gh_test_lock_holder_release (holder);
}

/* A lock file that cannot be made is an error a person can act on, for both forms */
static void
test_cannot_open (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "gatehouse", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_assert_true (g_file_set_contents (dir, "not a folder", -1, NULL));

  lock = gh_lock_acquire (NAME, NULL, &error);
  g_assert_null (lock);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (g_strstr_len (error->message, -1, NAME));

  g_clear_error (&error);
  gh_lock_acquire_async (NAME, NULL, gh_test_keep_result, &result);
  lock = wait_for_lock (&result, &error);
  g_assert_null (lock);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);

  g_assert_cmpint (g_unlink (dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/lock/name-for-file", test_name_for_file);
  g_test_add_func ("/lock/release-on-unref", test_release_on_unref);
  g_test_add_data_func ("/lock/blocking/waits", GINT_TO_POINTER (FALSE), test_blocking_waits);
  g_test_add_data_func ("/lock/blocking/waits-cancellable", GINT_TO_POINTER (TRUE),
                        test_blocking_waits);
  g_test_add_func ("/lock/blocking/cancelled", test_blocking_cancelled);
  g_test_add_func ("/lock/async/waits", test_async_waits);
  g_test_add_func ("/lock/async/cancelled", test_async_cancelled);
  g_test_add_func ("/lock/cannot-open", test_cannot_open);

  return g_test_run ();
}
