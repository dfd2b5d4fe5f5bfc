/* gh-lock.h — advisory locks in $XDG_RUNTIME_DIR/gatehouse/; dropping the GhLock releases it
 *
 * Gatehouse's processes (the tray and every CLI command) serialise their edits of a shared file
 * or keyring item with the lock named after it. Main-loop code waits for a lock with
 * gh_lock_acquire_async(); code on a worker thread or in the CLI with gh_lock_acquire().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_LOCK (gh_lock_get_type ())
G_DECLARE_FINAL_TYPE (GhLock, gh_lock, GH, LOCK, GObject)

/* The name of the lock that guards edits of the file at @path: "@kind-" + sha1 of @path. Give
 * the path with symlinks resolved, so every link to one file names one lock. */
char     *gh_lock_name_for_file   (const char           *kind,
                                   const char           *path);

/* Blocks until the lock named @name is free, then holds it; never call it on a main loop.
 * G_IO_ERROR_CANCELLED when @cancellable is cancelled while waiting, GH_ERROR_CONFIG when the
 * lock file cannot be opened or locked. */
GhLock   *gh_lock_acquire         (const char           *name,
                                   GCancellable         *cancellable,
                                   GError              **error);
/* Waits (without blocking the main loop) until the lock named @name is free. */
void      gh_lock_acquire_async   (const char           *name,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
GhLock   *gh_lock_acquire_finish  (GAsyncResult         *result,
                                   GError              **error);
/* TRUE when another process (or object) holds @name right now. */
gboolean  gh_lock_is_held         (const char           *name);

G_END_DECLS
