/* gh-lock.h — a held advisory lock in $XDG_RUNTIME_DIR/gatehouse/; dropping the object
 * releases it */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_LOCK (gh_lock_get_type ())
G_DECLARE_FINAL_TYPE (GhLock, gh_lock, GH, LOCK, GObject)

/* Waits (without blocking the main loop) until the lock named `name` is free. */
void     gh_lock_acquire_async   (const char           *name,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data);
GhLock  *gh_lock_acquire_finish  (GAsyncResult         *result,
                                  GError              **error);
/* TRUE when another process (or object) holds `name` right now. */
gboolean gh_lock_is_held         (const char           *name);

G_END_DECLS
