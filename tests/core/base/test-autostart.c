/* test-autostart.c — starting with the desktop session: the user's entry over the system's */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "gh-autostart.h"
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/autostart/system-entry", test_system_entry);
  g_test_add_func ("/autostart/no-system-entry", test_no_system_entry);
  g_test_add_func ("/autostart/desktop-edits", test_desktop_edits);

  return g_test_run ();
}
