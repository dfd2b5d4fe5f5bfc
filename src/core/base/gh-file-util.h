/* gh-file-util.h — atomic private files and where Gatehouse keeps them (locks: gh-lock.h) */
#pragma once

#include <sys/stat.h>

#include <gio/gio.h>

G_BEGIN_DECLS

char     *gh_file_resolve_symlinks   (const char  *path);
/* FALSE and GH_ERROR_CONFIG, naming @display_path, when @path exists and is not a regular file
 * (a FIFO, a device, a folder): reading one could block for ever. A missing file passes. */
gboolean  gh_file_check_regular      (const char  *path,
                                      const char  *display_path,
                                      GError     **error);
/* Whether two stat() results are one version of one file: device, inode, size, change and
 * modification times. How a process knows that the copy it read is still the file. */
gboolean  gh_file_same_version       (const struct stat *a,
                                      const struct stat *b);
/* Whether gh_file_same_version() tells every later edit from the version @read_as, read at
 * @read_at (g_get_real_time()): not when the file had changed just before it was read. */
gboolean  gh_file_version_is_settled (const struct stat *read_as,
                                      gint64             read_at);
/* Replaces @path (through symlinks) atomically: a reader sees the old or the new contents,
 * never part of them; mode 0600; synced to disk. Removes what interrupted earlier writes of it
 * left behind, as gh_file_remove_stale_temp_files () does. Refuses, with GH_ERROR_CONFIG and
 * the file left as it is, a file that is not a regular file or that has no write permission:
 * a read-only file is someone's decision that it must not change. */
gboolean  gh_file_write_private      (const char  *path,
                                      const char  *contents,
                                      gssize       length,
                                      GError     **error);
/* A monitor of the folder `path` (with G_FILE_MONITOR_WATCH_MOVES), made first with mode 0700
 * when missing, since GLib would poll for a missing one; NULL when it cannot be watched. */
GFileMonitor *gh_file_monitor_directory (const char *path);
void      gh_file_remove_stale_temp_files (const char *path);
char     *gh_runtime_dir             (void);
char     *gh_sha1_hex                (const char  *text);
/* $@env_variable (with $VARS and ~ expanded, like the AWS CLI), else ~/.aws/@default_name */
char     *gh_aws_file_path           (const char  *env_variable,
                                      const char  *default_name);

/* An edit of a shared file that waits for its lock and then reads and writes: the blocking
 * call the CLI makes, run on a worker thread for code on a main loop. */
typedef gboolean (*GhFileJobFunc) (gpointer       data,
                                   GCancellable  *cancellable,
                                   GError       **error);
/* Runs @func (@data) on a worker thread; @data_free frees @data once the task is done.
 * @source_tag names the public function, for gh_file_job_finish(). A job cancelled before it
 * starts does not run (G_IO_ERROR_CANCELLED). */
void      gh_file_job_run_async      (gpointer             source_tag,
                                      GhFileJobFunc        func,
                                      gpointer             data,
                                      GDestroyNotify       data_free,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  gh_file_job_finish         (GAsyncResult        *result,
                                      gpointer             source_tag,
                                      GError             **error);
/* The job's @data, for a _finish function that reads what the job left in it. */
gpointer  gh_file_job_get_data       (GAsyncResult        *result);

G_END_DECLS
