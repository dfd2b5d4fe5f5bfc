/* gh-lock.c — advisory locks that a main loop can wait for
 *
 * flock() has no asynchronous form; a non-blocking attempt every 50 ms costs nothing while
 * another process signs in, and is cancellable, unlike a blocking flock in a thread.
 */
#define G_LOG_DOMAIN "gh-lock"

#include "config.h"

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

  gh_file_lock_release (self->fd);

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

static gboolean
try_acquire (GTask *task)
{
  const char *name = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  int fd;

  if (g_task_return_error_if_cancelled (task))
    return TRUE;

  fd = gh_file_lock_acquire (name, FALSE, &error);
  if (fd >= 0)
    {
      GhLock *lock = g_object_new (GH_TYPE_LOCK, NULL);

      lock->fd = fd;
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
  return try_acquire (user_data) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
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

  if (!try_acquire (task))
    g_timeout_add_full (G_PRIORITY_DEFAULT, RETRY_INTERVAL_MS, retry_cb,
                        g_object_ref (task), g_object_unref);
}

GhLock *
gh_lock_acquire_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
gh_lock_is_held (const char *name)
{
  int fd = gh_file_lock_acquire (name, FALSE, NULL);

  gh_file_lock_release (fd);
  return fd < 0;
}
