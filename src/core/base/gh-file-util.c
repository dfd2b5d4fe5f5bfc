/* gh-file-util.c — atomic private files and advisory locks */
#define G_LOG_DOMAIN "gh-file-util"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/file.h>
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

gboolean
gh_file_write_private (const char  *path,
                       const char  *contents,
                       gssize       length,
                       GError     **error)
{
  g_autofree char *target = gh_file_resolve_symlinks (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autoptr(GError) local_error = NULL;

  if (length < 0)
    length = strlen (contents);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot create folder %s: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* Temp file + fsync + rename, created with mode 0600 so no reader ever sees a partial
   * file or a moment of wider permissions. */
  if (!g_file_set_contents_full (target, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot write %s: %s"),
                   target, local_error->message);
      return FALSE;
    }

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

int
gh_file_lock_acquire (const char  *lock_name,
                      gboolean     wait,
                      GError     **error)
{
  g_autofree char *dir = gh_runtime_dir ();
  g_autofree char *path = g_build_filename (dir, lock_name, NULL);
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot open lock file %s: %s"),
                   path, g_strerror (saved_errno));
      return -1;
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
      return -1;
    }

  return fd;
}

void
gh_file_lock_release (int fd)
{
  if (fd >= 0)
    {
      flock (fd, LOCK_UN);
      close (fd);
    }
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
