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

#include "gh-autostart-private.h"
#include "gh-error.h"
#include "gh-file-util.h"

#define PORTAL_NAME      "org.freedesktop.portal.Desktop"
#define PORTAL_PATH      "/org/freedesktop/portal/desktop"
#define BACKGROUND_IFACE "org.freedesktop.portal.Background"
#define REQUEST_IFACE    "org.freedesktop.portal.Request"

/* -1: not decided yet */
static int sandboxed = -1;

void
_gh_autostart_set_sandboxed (gboolean value)
{
  sandboxed = !!value;
}

static gboolean
is_sandboxed (void)
{
  if (sandboxed < 0)
    sandboxed = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  return sandboxed;
}

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

/* The portal's last answer, in the sandbox's own config folder */
static char *
portal_state_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "gatehouse", "autostart", NULL);
}

static gboolean
portal_get_enabled (void)
{
  g_autofree char *path = portal_state_path ();
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) &&
         g_str_equal (g_strstrip (contents), "true");
}

gboolean
gh_autostart_get_enabled (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) entry = NULL;

  if (is_sandboxed ())
    return portal_get_enabled ();

  path = user_entry_path ();
  entry = load_entry (path);
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

/* The Background portal */

typedef struct
{
  GDBusConnection *bus;
  char            *handle;     /* the request's object path */
  guint            response_id;
  gboolean         enabled;
} PortalRequest;

static void
portal_request_free (PortalRequest *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_free (request);
}

static gboolean
save_portal_state (gboolean   enabled,
                   GError   **error)
{
  g_autofree char *path = portal_state_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  return gh_file_write_private (path, enabled ? "true\n" : "false\n", -1, error);
}

static void
portal_response_cb (GDBusConnection *bus,
                    const char      *sender,
                    const char      *path,
                    const char      *iface,
                    const char      *signal,
                    GVariant        *parameters,
                    gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  gboolean granted = FALSE;
  guint32 response = 2;
  GError *error = NULL;

  /* One answer per request: the subscription's reference goes with it */
  g_dbus_connection_signal_unsubscribe (bus, request->response_id);
  request->response_id = 0;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  if (response == 0)
    g_variant_lookup (results, "autostart", "b", &granted);

  if (response != 0 || granted != request->enabled)
    g_task_return_new_error (task, GH_ERROR, GH_ERROR_ACCESS_DENIED, "%s",
                             request->enabled
                             ? _("The desktop did not allow Gatehouse to start at login.")
                             : _("The desktop did not stop Gatehouse from starting at login."));
  else if (!save_portal_state (request->enabled, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
portal_called_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    return;  /* the answer comes as the Response signal */

  g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  request->response_id = 0;
  g_object_unref (task);   /* the subscription's */
  g_task_return_new_error (task, GH_ERROR, GH_ERROR_CONFIG,
                           _("Cannot ask the desktop to start Gatehouse at login: %s"),
                           error->message);
  g_error_free (error);
}

/* The request's path is known before the call (the portal's documented handle_token
 * scheme), so the answer cannot arrive before its subscription. */
static char *
request_path (GDBusConnection *bus,
              const char      *token)
{
  g_autofree char *sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);

  g_strdelimit (sender, ".", '_');
  return g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
}

static void
portal_request (GTask    *task,
                gboolean  enabled)
{
  PortalRequest *request = g_new0 (PortalRequest, 1);
  g_autofree char *token = g_strdup_printf ("gatehouse%u", g_random_int ());
  const char * const commandline[] = { "gatehouse", "--background", NULL };
  GVariantBuilder options;
  GError *error = NULL;

  request->enabled = enabled;
  g_task_set_task_data (task, request, (GDestroyNotify) portal_request_free);
  request->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, g_task_get_cancellable (task), &error);
  if (request->bus == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  request->handle = request_path (request->bus, token);
  request->response_id =
    g_dbus_connection_signal_subscribe (request->bus, PORTAL_NAME, REQUEST_IFACE, "Response",
                                        request->handle, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        portal_response_cb, g_object_ref (task), NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keep your AWS sign-ins fresh from the moment "
                                                 "you log in")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (request->bus, PORTAL_NAME, PORTAL_PATH, BACKGROUND_IFACE,
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), portal_called_cb, task);
}

void
gh_autostart_set_enabled_async (gboolean             enabled,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, gh_autostart_set_enabled_async);

  if (is_sandboxed ())
    {
      portal_request (task, enabled);   /* takes the reference */
      return;
    }

  /* Two small files in the user's config folder: no thread needed */
  if (gh_autostart_set_enabled (enabled, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

gboolean
gh_autostart_set_enabled_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_autostart_set_enabled_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
