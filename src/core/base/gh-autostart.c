/* gh-autostart.c — whether the tray service starts with the desktop session
 *
 * Only the user's own entry is ever written, and only when the system's entry does not already
 * give what the person asked for: removing the user's entry hands the decision back to the
 * package, so an update of the system entry (a new Exec line) reaches everyone who did not
 * turn it off.
 */
#define G_LOG_DOMAIN "gh-autostart"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gh-autostart.h"
#include "gh-error.h"
#include "gh-file-util.h"

static char *
user_entry_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", GH_AUTOSTART_FILE_NAME, NULL);
}

/* NULL when the file is missing or not a desktop entry */
static GKeyFile *
load_entry (const char *path)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();

  if (!g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, NULL) ||
      !g_key_file_has_group (entry, G_KEY_FILE_DESKTOP_GROUP))
    return NULL;
  return g_steal_pointer (&entry);
}

static gboolean
entry_is_enabled (GKeyFile *entry)
{
  g_autoptr(GError) error = NULL;
  gboolean enabled;

  if (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_HIDDEN,
                              NULL))
    return FALSE;
  enabled = g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP,
                                    "X-GNOME-Autostart-enabled", &error);
  return error != NULL || enabled;
}

/* The first system entry, as the desktop finds it; NULL when there is none. */
static GKeyFile *
load_system_entry (void)
{
  const char * const *dirs = g_get_system_config_dirs ();

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "autostart", GH_AUTOSTART_FILE_NAME,
                                                NULL);
      GKeyFile *entry = load_entry (path);

      if (entry != NULL)
        return entry;
    }
  return NULL;
}

static gboolean
system_is_enabled (void)
{
  g_autoptr(GKeyFile) entry = load_system_entry ();

  return entry != NULL && entry_is_enabled (entry);
}

gboolean
gh_autostart_get_enabled (void)
{
  g_autofree char *path = user_entry_path ();
  g_autoptr(GKeyFile) entry = load_entry (path);

  if (entry != NULL)
    return entry_is_enabled (entry);
  return system_is_enabled ();
}

/* What the package installs, so that turning it on works without a system entry too. */
static char *
build_entry (gboolean enabled)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_NAME, "Gatehouse");
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Start the Gatehouse tray icon and keep your AWS sign-ins fresh"));
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_EXEC, "gatehouse --background");
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_ICON,
                         "io.github.gatehouse.Gatehouse");
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_HIDDEN, !enabled);
  g_key_file_set_boolean (entry, group, "X-GNOME-Autostart-enabled", enabled);
  return g_key_file_to_data (entry, NULL, NULL);
}

static gboolean
remove_user_entry (const char  *path,
                   GError     **error)
{
  int saved_errno;

  if (g_remove (path) == 0)
    return TRUE;
  saved_errno = errno;
  if (saved_errno == ENOENT)
    return TRUE;

  g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot remove %s: %s"), path,
               g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_user_entry (const char  *path,
                  gboolean     enabled,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = build_entry (enabled);
  int saved_errno;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot create the folder %s: %s"), dir,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return gh_file_write_private (path, contents, -1, error);
}

gboolean
gh_autostart_set_enabled (gboolean   enabled,
                          GError   **error)
{
  g_autofree char *path = user_entry_path ();

  if (!remove_user_entry (path, error))
    return FALSE;
  if (system_is_enabled () == !!enabled)
    return TRUE;
  return write_user_entry (path, enabled, error);
}
