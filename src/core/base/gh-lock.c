/* gh-lock.c — advisory locks that a main loop or a worker thread can wait for
 *
 * A lock is flock() on a file in $XDG_RUNTIME_DIR/gatehouse/: the kernel drops it when its
 * holder dies, so a crashed CLI never leaves a stale lock behind. flock() has no asynchronous
 * form and a blocking flock() cannot be cancelled, so whoever may have to give up waiting
 * (the async form, a worker with a GCancellable) tries without blocking every 50 ms; that costs
 * nothing while another process signs in or edits a file.
 */
#define G_LOG_DOMAIN "gh-lock"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"

#define RETRY_INTERVAL_MS 50

struct _GhLock
{
  GObject parent_instance;
  int     fd;
};

G_DEFINE_FINAL_TYPE (GhLock, gh_lock, G_TYPE_OBJECT)

static void
gh_lock_finalize (GObject *object)
{
  GhLock *self = GH_LOCK (object);

  /* Unlocked explicitly: a child forked meanwhile shares the open file until it execs, and
   * closing our descriptor alone would leave the lock with it */
  if (self->fd >= 0)
    {
      flock (self->fd, LOCK_UN);
      close (self->fd);
    }

  G_OBJECT_CLASS (gh_lock_parent_class)->finalize (object);
}

static void
gh_lock_class_init (GhLockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_lock_finalize;
}

static void
gh_lock_init (GhLock *self)
{
  self->fd = -1;
}

char *
gh_lock_name_for_file (const char *kind,
                       const char *path)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  hash = gh_sha1_hex (path);
  return g_strconcat (kind, "-", hash, NULL);
}

/* The lock, or NULL: with G_IO_ERROR_BUSY when @wait is FALSE and someone else holds it. */
static GhLock *
try_lock (const char  *name,
          gboolean     wait,
          GError     **error)
{
  g_autofree char *dir = gh_runtime_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GhLock *lock;
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot open lock file %s: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  while (flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EINTR)
        continue;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("The lock is held"));
      else
        g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot lock %s: %s"),
                     path, g_strerror (saved_errno));
      return NULL;
    }

  lock = g_object_new (GH_TYPE_LOCK, NULL);
  lock->fd = fd;
  return lock;
}

/* Sleeps for one retry interval, or less when @cancellable is cancelled meanwhile */
static void
wait_for_retry (GCancellable *cancellable)
{
  GPollFD pollfd;

  if (g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_poll (&pollfd, 1, RETRY_INTERVAL_MS);
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep (RETRY_INTERVAL_MS * 1000);
}

/**
 * gh_lock_acquire:
 *
 * Without a @cancellable the wait is a blocking flock(), which the kernel ends the moment the
 * lock is free; with one, the lock is tried every 50 ms until it is free or @cancellable is
 * cancelled.
 */
GhLock *
gh_lock_acquire (const char    *name,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (cancellable == NULL)
    return try_lock (name, TRUE, error);

  while (!g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_autoptr(GError) local_error = NULL;
      GhLock *lock = try_lock (name, FALSE, &local_error);

      if (lock != NULL)
        return lock;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_BUSY))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      wait_for_retry (cancellable);
    }

  return NULL;
}

/* TRUE when @task has its result */
static gboolean
try_acquire_for_task (GTask *task)
{
  const char *name = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GhLock *lock;

  if (g_task_return_error_if_cancelled (task))
    return TRUE;

  lock = try_lock (name, FALSE, &error);
  if (lock != NULL)
    {
      g_task_return_pointer (task, lock, g_object_unref);
      return TRUE;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    return FALSE;

  g_task_return_error (task, g_steal_pointer (&error));
  return TRUE;
}

static gboolean
retry_cb (gpointer user_data)
{
  return try_acquire_for_task (user_data) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

void
gh_lock_acquire_async (const char          *name,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (name != NULL);

  g_task_set_source_tag (task, gh_lock_acquire_async);
  g_task_set_task_data (task, g_strdup (name), g_free);

  if (!try_acquire_for_task (task))
    g_timeout_add_full (G_PRIORITY_DEFAULT, RETRY_INTERVAL_MS, retry_cb,
                        g_object_ref (task), g_object_unref);
}

GhLock *
gh_lock_acquire_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
gh_lock_is_held (const char *name)
{
  g_autoptr(GhLock) lock = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  lock = try_lock (name, FALSE, NULL);
  return lock == NULL;
}
