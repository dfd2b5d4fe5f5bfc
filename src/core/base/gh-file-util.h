/* gh-file-util.h — atomic private files and advisory locks */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char     *gh_file_resolve_symlinks   (const char  *path);
gboolean  gh_file_write_private      (const char  *path,
                                      const char  *contents,
                                      gssize       length,
                                      GError     **error);
/* A monitor of the folder `path` (with G_FILE_MONITOR_WATCH_MOVES), made first with mode 0700
 * when missing, since GLib would poll for a missing one; NULL when it cannot be watched. */
GFileMonitor *gh_file_monitor_directory (const char *path);
char     *gh_runtime_dir             (void);
char     *gh_sha1_hex                (const char  *text);
/* $@env_variable (with $VARS and ~ expanded, like the AWS CLI), else ~/.aws/@default_name */
char     *gh_aws_file_path           (const char  *env_variable,
                                      const char  *default_name);

/* A lock on a file in $XDG_RUNTIME_DIR/gatehouse/. Taking it blocks; GhLock (gh-lock.h) is the
 * asynchronous way for code that runs on a main loop. */
int       gh_file_lock_acquire       (const char  *lock_name,
                                      gboolean     wait,
                                      GError     **error);
void      gh_file_lock_release       (int          fd);

G_END_DECLS
