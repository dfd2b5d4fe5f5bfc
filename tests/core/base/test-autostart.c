/* test-autostart.c — starting with the desktop session: the user's entry over the system's */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "gh-autostart-private.h"
#include "gh-error.h"
#include "gh-test-util.h"

static char *
user_entry_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", GH_AUTOSTART_FILE_NAME, NULL);
}

/* The system entry as the package installs it, in the first of $XDG_CONFIG_DIRS. */
static void
install_system_entry (const char *extra)
{
  g_autofree char *path = g_build_filename (g_get_system_config_dirs ()[0], "autostart",
                                            GH_AUTOSTART_FILE_NAME, NULL);
  g_autofree char *contents = g_strdup_printf ("[Desktop Entry]\nType=Application\n"
                                               "Name=Gatehouse\nExec=gatehouse --background\n"
                                               "%s", extra);

  gh_test_write_file (path, contents, -1);
}

static GKeyFile *
load_user_entry (void)
{
  g_autofree char *path = user_entry_path ();
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&entry);
}

/* Installed for everyone: off writes Hidden=true for this user, on removes it again so the
 * package's entry (and its updates) decide. */
static void
test_system_entry (void)
{
  g_autofree char *path = user_entry_path ();
  g_autoptr(GKeyFile) entry = NULL;
  g_autoptr(GError) error = NULL;

  install_system_entry ("X-GNOME-Autostart-enabled=true\n");
  g_assert_true (gh_autostart_get_enabled ());

  g_assert_true (gh_autostart_set_enabled (FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (gh_autostart_get_enabled ());
  entry = load_user_entry ();
  g_assert_true (g_key_file_get_boolean (entry, "Desktop Entry", "Hidden", NULL));

  g_assert_true (gh_autostart_set_enabled (TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (gh_autostart_get_enabled ());
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* No system entry (an install the desktop's XDG_CONFIG_DIRS do not cover): on writes a whole
 * entry that starts the service, off removes it. */
static void
test_no_system_entry (void)
{
  g_autofree char *path = user_entry_path ();
  g_autoptr(GKeyFile) entry = NULL;
  g_autofree char *exec = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (gh_autostart_get_enabled ());

  g_assert_true (gh_autostart_set_enabled (TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (gh_autostart_get_enabled ());
  entry = load_user_entry ();
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", NULL);
  g_assert_cmpstr (exec, ==, "gatehouse --background");
  g_assert_false (g_key_file_get_boolean (entry, "Desktop Entry", "Hidden", NULL));

  g_assert_true (gh_autostart_set_enabled (FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (gh_autostart_get_enabled ());
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* What a desktop's startup settings write counts: GNOME's switch, another Hidden entry. */
static void
test_desktop_edits (void)
{
  g_autofree char *path = user_entry_path ();

  install_system_entry ("X-GNOME-Autostart-enabled=false\n");
  g_assert_false (gh_autostart_get_enabled ());

  gh_test_write_file (path, "[Desktop Entry]\nType=Application\nName=Gatehouse\n"
                      "Exec=gatehouse --background\n", -1);
  g_assert_true (gh_autostart_get_enabled ());

  gh_test_write_file (path, "[Desktop Entry]\nHidden=true\n", -1);
  g_assert_false (gh_autostart_get_enabled ());

  /* Not a desktop entry at all: the system's decides */
  gh_test_write_file (path, "garbage\n", -1);
  g_assert_false (gh_autostart_get_enabled ());
}

/* A Background portal on the test's bus: answers RequestBackground as
 * xdg-desktop-portal does (the handle from handle_token, then Response on it), granting what
 * is asked unless @deny. */
typedef struct
{
  GDBusConnection *bus;
  guint            object_id;
  guint            name_id;
  gboolean         deny;
  guint            requests;
  gboolean         last_autostart;
  GStrv            last_commandline;
} FakePortal;

static const char portal_xml[] =
  "<node><interface name='org.freedesktop.portal.Background'>"
  "<method name='RequestBackground'><arg type='s' direction='in'/>"
  "<arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "</interface></node>";

static void
portal_method_cb (GDBusConnection       *bus,
                  const char            *sender,
                  const char            *path,
                  const char            *iface,
                  const char            *method,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  FakePortal *portal = user_data;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *token = NULL;
  g_autofree char *unique = g_strdup (sender + 1);
  g_autofree char *handle = NULL;
  GVariantBuilder results;

  g_variant_get (parameters, "(&s@a{sv})", NULL, &options);
  g_assert_true (g_variant_lookup (options, "handle_token", "s", &token));
  g_assert_true (g_variant_lookup (options, "autostart", "b", &portal->last_autostart));
  g_clear_pointer (&portal->last_commandline, g_strfreev);
  g_assert_true (g_variant_lookup (options, "commandline", "^as", &portal->last_commandline));
  portal->requests++;

  g_strdelimit (unique, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", unique, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&results, "{sv}", "autostart",
                         g_variant_new_boolean (portal->deny ? FALSE : portal->last_autostart));
  g_dbus_connection_emit_signal (bus, sender, handle, "org.freedesktop.portal.Request",
                                 "Response",
                                 g_variant_new ("(u@a{sv})", portal->deny ? 1 : 0,
                                                g_variant_builder_end (&results)),
                                 NULL);
}

static void
fake_portal_start (FakePortal *portal)
{
  static const GDBusInterfaceVTable vtable = { portal_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  g_autoptr(GError) error = NULL;

  portal->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  portal->object_id = g_dbus_connection_register_object (portal->bus,
                                                         "/org/freedesktop/portal/desktop",
                                                         info->interfaces[0], &vtable, portal,
                                                         NULL, &error);
  g_assert_no_error (error);
  portal->name_id = g_bus_own_name_on_connection (portal->bus, "org.freedesktop.portal.Desktop",
                                                  G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL,
                                                  NULL, NULL);
}

static void
fake_portal_stop (FakePortal *portal)
{
  g_bus_unown_name (portal->name_id);
  g_dbus_connection_unregister_object (portal->bus, portal->object_id);
  g_clear_pointer (&portal->last_commandline, g_strfreev);
  g_clear_object (&portal->bus);
}

static gboolean
set_through_portal (gboolean   enabled,
                    GError   **error)
{
  GAsyncResult *result = NULL;
  g_autoptr(GAsyncResult) done = NULL;

  gh_autostart_set_enabled_async (enabled, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  return gh_autostart_set_enabled_finish (done, error);
}

/* In Flatpak: the portal is asked (no file is written in the sandbox, which no desktop
 * reads), what it granted is remembered, and a refusal says so and changes nothing. */
static void
test_portal (void)
{
  g_autoptr(GTestDBus) dbus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *path = user_entry_path ();
  const char * const commandline[] = { "gatehouse", "--background", NULL };
  FakePortal portal = { 0, };
  g_autoptr(GError) error = NULL;

  g_test_dbus_up (dbus);
  fake_portal_start (&portal);
  _gh_autostart_set_sandboxed (TRUE);

  g_assert_false (gh_autostart_get_enabled ());
  g_assert_true (set_through_portal (TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (portal.requests, ==, 1);
  g_assert_true (portal.last_autostart);
  g_assert_cmpstrv (portal.last_commandline, commandline);
  g_assert_true (gh_autostart_get_enabled ());
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  portal.deny = TRUE;
  g_assert_false (set_through_portal (FALSE, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  g_assert_true (gh_autostart_get_enabled ());

  portal.deny = FALSE;
  g_assert_true (set_through_portal (FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (portal.last_autostart);
  g_assert_false (gh_autostart_get_enabled ());

  /* No portal on the bus: an error, not a hang */
  fake_portal_stop (&portal);
  g_assert_false (set_through_portal (TRUE, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_clear_error (&error);

  _gh_autostart_set_sandboxed (FALSE);
  g_test_dbus_down (dbus);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/autostart/system-entry", test_system_entry);
  g_test_add_func ("/autostart/no-system-entry", test_no_system_entry);
  g_test_add_func ("/autostart/desktop-edits", test_desktop_edits);
  g_test_add_func ("/autostart/portal", test_portal);

  return g_test_run ();
}
