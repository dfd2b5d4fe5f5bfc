/* gh-file-util.c — atomic private files and where Gatehouse keeps them */
#define G_LOG_DOMAIN "gh-file-util"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gh-error.h"
#include "gh-file-util.h"

char *
gh_sha1_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, text, -1);
}

/* Edits go to the file a symlink points at, so a dotfiles checkout that links ~/.aws/config
 * keeps its link. */
char *
gh_file_resolve_symlinks (const char *path)
{
  g_autofree char *current = g_strdup (path);

  for (guint depth = 0; depth < 32; depth++)
    {
      g_autofree char *target = g_file_read_link (current, NULL);
      g_autofree char *dir = NULL;

      if (target == NULL)
        return g_steal_pointer (&current);

      if (g_path_is_absolute (target))
        {
          g_free (current);
          current = g_steal_pointer (&target);
          continue;
        }

      dir = g_path_get_dirname (current);
      g_free (current);
      current = g_build_filename (dir, target, NULL);
    }

  return g_steal_pointer (&current);
}

static const char *
describe_file_type (mode_t mode)
{
  if (S_ISFIFO (mode))
    return _("a named pipe (FIFO)");
  if (S_ISDIR (mode))
    return _("a folder");
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return _("a device");
  if (S_ISSOCK (mode))
    return _("a socket");
  return _("a special file");
}

/* An edit through gh_file_write_private() replaces the inode; an edit in place changes the
 * change time (and normally the size or the modification time). */
gboolean
gh_file_same_version (const struct stat *a,
                      const struct stat *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* File times are coarse (a clock tick; two seconds on FAT): an edit in place that keeps the
 * size, made in the same tick as the change before it, leaves the same stat(). A file that
 * had not changed for a while when it was read has no such twin: any later edit gets a later
 * time. As git's "racily clean" index entries. */
#define SETTLED_USEC (2 * G_USEC_PER_SEC)

gboolean
gh_file_version_is_settled (const struct stat *read_as,
                            gint64             read_at)
{
  gint64 changed;

  g_return_val_if_fail (read_as != NULL, FALSE);

  changed = MAX ((gint64) read_as->st_mtim.tv_sec * G_USEC_PER_SEC +
                 read_as->st_mtim.tv_nsec / 1000,
                 (gint64) read_as->st_ctim.tv_sec * G_USEC_PER_SEC +
                 read_as->st_ctim.tv_nsec / 1000);
  return read_at - changed >= SETTLED_USEC;
}

/* Opening a FIFO for reading blocks until a writer comes, which may be never. Checked before
 * the open rather than with O_NONBLOCK after it, so every reader (GLib's included) is spared. */
gboolean
gh_file_check_regular (const char  *path,
                       const char  *display_path,
                       GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (display_path == NULL)
    display_path = path;

  /* A missing or unreadable file: the read that follows says why */
  if (g_stat (path, &st) != 0 || S_ISREG (st.st_mode))
    return TRUE;

  g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
               _("%s is not a regular file but %s; Gatehouse reads and writes only regular "
                 "files, and leaves this one alone."),
               display_path, describe_file_type (st.st_mode));
  return FALSE;
}

/* A file without any write permission (or one this user may not write) is read-only on
 * purpose; replacing it by rename would quietly undo that, even as root. */
static gboolean
check_replaceable (const char  *target,
                   GError     **error)
{
  GStatBuf st;

  if (g_stat (target, &st) != 0)
    return TRUE;

  if (!gh_file_check_regular (target, target, error))
    return FALSE;

  if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || access (target, W_OK) != 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("%s is read-only (mode %04o); Gatehouse leaves it as it is. Make it "
                     "writable (chmod u+w %s) for Gatehouse to change it."),
                   target, (guint) (st.st_mode & 07777), target);
      return FALSE;
    }

  return TRUE;
}

/* Temporary files and their clean-up
 *
 * A file is replaced by writing a temporary file next to it and renaming that over it, so a
 * reader sees the old or the new file, never part of one. A process killed before the rename
 * (kill -9, a crash, power loss) leaves its temporary file behind; nothing else would ever
 * remove it, so every write first removes the stale ones left by earlier writes of the same
 * file. What may be removed must be certain never to be another program's file, or one a
 * live writer is still writing:
 *
 *  - the name: only "NAME" TEMP_INFIX "XXXXXX" next to the file NAME being written, which
 *    only Gatehouse uses (GLib's own "NAME.XXXXXX", which other programs use too and earlier
 *    Gatehouse versions did, is never touched), a regular file of ours, not a link;
 *  - a lock: a writer holds flock (LOCK_EX) on its temporary file from right after creating
 *    it until after the rename, and the kernel drops that lock when the writer dies however
 *    it dies; a file whose lock can be taken has no live writer (on this machine, or on
 *    another one through an NFS home, where Linux maps flock to NFS locks);
 *  - an age: the lock is taken a few system calls after the file is created, so a file is
 *    removed only when it is also older than STALE_AGE_SECONDS, which no live writer can be
 *    without holding the lock.
 */
#define TEMP_INFIX ".gatehouse-tmp-"
#define TEMP_RANDOM_LENGTH 6       /* the XXXXXX of g_mkstemp () */
#define STALE_AGE_SECONDS 60

static gboolean
is_temp_name_of (const char *name,
                 const char *base)
{
  gsize base_len = strlen (base);
  const char *random_part;

  if (strncmp (name, base, base_len) != 0 ||
      !g_str_has_prefix (name + base_len, TEMP_INFIX))
    return FALSE;

  random_part = name + base_len + strlen (TEMP_INFIX);
  if (strlen (random_part) != TEMP_RANDOM_LENGTH)
    return FALSE;
  for (const char *p = random_part; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* Removes @name in @dir_fd if it is a stale temporary file: see the comment above */
static void
remove_if_stale (int         dir_fd,
                 const char *name)
{
  struct stat opened;
  struct stat current;
  int fd;

  fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return;

  if (fstat (fd, &opened) == 0 && S_ISREG (opened.st_mode) && opened.st_uid == getuid () &&
      g_get_real_time () / G_USEC_PER_SEC - opened.st_mtime >= STALE_AGE_SECONDS &&
      flock (fd, LOCK_EX | LOCK_NB) == 0 &&
      /* Still the file we locked under that name */
      fstatat (dir_fd, name, &current, AT_SYMLINK_NOFOLLOW) == 0 &&
      current.st_dev == opened.st_dev && current.st_ino == opened.st_ino)
    {
      g_debug ("Removing a temporary file left behind by an interrupted write: %s", name);
      unlinkat (dir_fd, name, 0);
    }

  close (fd);
}

/**
 * gh_file_remove_stale_temp_files:
 *
 * Removes the temporary files that interrupted writes of @path (with symlinks resolved) left
 * next to it, and only those: see the comment above for how they are told apart. Writes do
 * it themselves; an edit that ends up writing nothing calls it to clean up all the same.
 */
void
gh_file_remove_stale_temp_files (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;
  int dir_fd;

  g_return_if_fail (path != NULL);

  if (entries == NULL)
    return;
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return;

  while ((name = g_dir_read_name (entries)) != NULL)
    if (is_temp_name_of (name, base))
      remove_if_stale (dir_fd, name);

  close (dir_fd);
}

static gboolean
write_all (int          fd,
           const char  *contents,
           gsize        length)
{
  while (length > 0)
    {
      gssize n = write (fd, contents, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      contents += n;
      length -= n;
    }
  return TRUE;
}

/* So the rename itself survives a power loss, as G_FILE_SET_CONTENTS_DURABLE promised */
static void
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
gh_file_write_private (const char  *path,
                       const char  *contents,
                       gssize       length,
                       GError     **error)
{
  g_autofree char *target = gh_file_resolve_symlinks (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *temp = NULL;
  int saved_errno;
  int fd;

  if (length < 0)
    length = strlen (contents);

  if (!check_replaceable (target, error))
    return FALSE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot create folder %s: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  gh_file_remove_stale_temp_files (target);

  /* Temp file + fsync + rename, created with mode 0600 so no reader ever sees a partial
   * file or a moment of wider permissions. Locked at once, so no other process takes it for
   * stale while it is written (see above). */
  temp = g_strconcat (target, TEMP_INFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot write %s: %s"),
                   target, g_strerror (saved_errno));
      return FALSE;
    }
  flock (fd, LOCK_EX);

  if (!write_all (fd, contents, length) || fsync (fd) != 0 || rename (temp, target) != 0)
    {
      saved_errno = errno;
      g_unlink (temp);
      close (fd);
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot write %s: %s"),
                   target, g_strerror (saved_errno));
      return FALSE;
    }

  sync_dir (dir);
  close (fd);
  return TRUE;
}

GFileMonitor *
gh_file_monitor_directory (const char *path)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;

  g_return_val_if_fail (path != NULL, NULL);

  /* The folders watched are ours or the AWS CLI's, which makes them the same way. */
  if (g_mkdir_with_parents (path, 0700) != 0)
    return NULL;
  dir = g_file_new_for_path (path);
  monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    g_debug ("Cannot watch %s: %s", path, error->message);
  return monitor;
}

char *
gh_runtime_dir (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "gatehouse", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_steal_pointer (&dir);
}

/* os.path.expandvars: $NAME and ${NAME}; unknown variables stay as written. */
static char *
expand_vars (const char *path)
{
  GString *out = g_string_new (NULL);
  const char *p = path;

  while (*p != '\0')
    {
      const char *name_start;
      gsize name_len;
      gboolean braced;

      if (*p != '$')
        {
          g_string_append_c (out, *p++);
          continue;
        }

      braced = p[1] == '{';
      name_start = p + (braced ? 2 : 1);
      if (braced)
        name_len = strcspn (name_start, "}/");
      else
        for (name_len = 0;
             g_ascii_isalnum (name_start[name_len]) || name_start[name_len] == '_';
             name_len++)
          ;

      if (name_len == 0 || (braced && name_start[name_len] != '}'))
        {
          g_string_append_c (out, *p++);
          continue;
        }

      {
        g_autofree char *name = g_strndup (name_start, name_len);
        const char *value = g_getenv (name);
        gsize consumed = (name_start - p) + name_len + (braced ? 1 : 0);

        if (value != NULL)
          g_string_append (out, value);
        else
          g_string_append_len (out, p, consumed);
        p += consumed;
      }
    }

  return g_string_free (out, FALSE);
}

/* os.path.expanduser: "~" and "~/…" are the home folder, "~user/…" that user's. */
static char *
expand_user (const char *path)
{
  gsize user_len;
  g_autofree char *user = NULL;
  struct passwd *pw;

  if (path[0] != '~')
    return g_strdup (path);

  user_len = strcspn (path + 1, "/");
  if (user_len == 0)
    return g_strconcat (g_get_home_dir (), path + 1, NULL);

  user = g_strndup (path + 1, user_len);
  pw = getpwnam (user);
  if (pw == NULL || pw->pw_dir == NULL)
    return g_strdup (path);

  return g_strconcat (pw->pw_dir, path + 1 + user_len, NULL);
}

/* The AWS CLI's way to find a shared file: the path in @env_variable with $VARS and ~ expanded
 * (expandvars, then expanduser, as botocore does), else ~/.aws/@default_name. An empty
 * variable counts as unset. */
char *
gh_aws_file_path (const char *env_variable,
                  const char *default_name)
{
  const char *env = g_getenv (env_variable);

  if (env != NULL && env[0] != '\0')
    {
      g_autofree char *vars = expand_vars (env);

      return expand_user (vars);
    }

  return g_build_filename (g_get_home_dir (), ".aws", default_name, NULL);
}

typedef struct
{
  GhFileJobFunc   func;
  gpointer        data;
  GDestroyNotify  data_free;
} FileJob;

static void
file_job_free (FileJob *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static void
file_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  FileJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (job->func (job->data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
gh_file_job_run_async (gpointer             source_tag,
                       GhFileJobFunc        func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileJob *job;

  g_return_if_fail (source_tag != NULL);
  g_return_if_fail (func != NULL);

  job = g_new0 (FileJob, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) file_job_free);
  g_task_run_in_thread (task, file_job_thread);
}

gboolean
gh_file_job_finish (GAsyncResult  *result,
                    gpointer       source_tag,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The @data a job ran with, for a _finish function that reads what the job left there. */
gpointer
gh_file_job_get_data (GAsyncResult *result)
{
  FileJob *job;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  job = g_task_get_task_data (G_TASK (result));
  return job->data;
}
