/* test-search-provider.c — the desktop's search finds roles: the tray service's
 * org.gnome.Shell.SearchProvider2 and org.kde.krunner1, called on the private bus as GNOME Shell
 * and KRunner call them, with the files that register them (fixture: gh-test-tray.c) */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "gh-test-tray.h"

#define PROVIDER_PATH "/io/github/gatehouse/Gatehouse/SearchProvider"
#define SHELL_IFACE "org.gnome.Shell.SearchProvider2"
#define KRUNNER_IFACE "org.kde.krunner1"

/* Two sign-ins to the simulator's three accounts (AdministratorAccess and ReadOnly each):
 * `on` signed in, `off` signed out, both with their roles in the role cache. */
typedef struct
{
  char *on;
  char *off;
  char *clipboard;      /* what the stand-in wl-copy was given */
  char *clipboard_fail; /* while it exists, the stand-in wl-copy fails */
} Sessions;

static void
sessions_clear (Sessions *sessions)
{
  g_free (sessions->on);
  g_free (sessions->off);
  g_free (sessions->clipboard);
  g_free (sessions->clipboard_fail);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sessions, sessions_clear)

static void
list_roles (TrayFixture *fixture,
            const char  *name)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, &err, "roles", name, NULL), ==, 0);
}

/* A wl-copy that writes what it reads to a file, on the service's PATH with a Wayland display
 * named, so "Copy the profile name" has a clipboard to go to. */
static void
start_service_with_clipboard (TrayFixture *fixture,
                              Sessions    *sessions)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->env);
  g_autofree char *bin = gh_test_path (&fixture->env, "bin");
  g_autofree char *tool = g_build_filename (bin, "wl-copy", NULL);
  g_autofree char *script = NULL;
  g_autofree char *path = g_strdup_printf ("%s:%s", bin, g_getenv ("PATH"));

  sessions->clipboard = gh_test_path (&fixture->env, "clipboard");
  sessions->clipboard_fail = gh_test_path (&fixture->env, "clipboard-fails");
  script = g_strdup_printf ("#!/bin/sh\n"
                            "test -e '%s' && exit 1\n"
                            "exec cat > '%s'\n", sessions->clipboard_fail, sessions->clipboard);
  g_assert_cmpint (g_mkdir_with_parents (bin, 0700), ==, 0);
  g_assert_true (g_file_set_contents (tool, script, -1, NULL));
  g_assert_cmpint (g_chmod (tool, 0700), ==, 0);

  g_subprocess_launcher_setenv (launcher, "PATH", path, TRUE);
  g_subprocess_launcher_setenv (launcher, "WAYLAND_DISPLAY", "wayland-gh-test", TRUE);
  g_subprocess_launcher_set_flags (launcher, g_test_verbose () ? G_SUBPROCESS_FLAGS_NONE
                                   : G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  spawn_service (fixture, launcher);
  wait_for_registration (fixture, g_get_monotonic_time ());
}

static void
setup_sessions (TrayFixture *fixture,
                Sessions    *sessions)
{
  sessions->on = gh_test_unique_name ("search-on");
  sessions->off = gh_test_unique_name ("search-off");

  gh_test_sign_in (&fixture->env, sessions->on);
  list_roles (fixture, sessions->on);
  gh_test_sign_in (&fixture->env, sessions->off);
  list_roles (fixture, sessions->off);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "logout", sessions->off, NULL),
                   ==, 0);
  /* A favourite ranks first. */
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "favorite", "add", "--session",
                                    sessions->on, "--account", "100000000003", "--role",
                                    "ReadOnly", NULL), ==, 0);
  start_service_with_clipboard (fixture, sessions);
}

static char *
target (const char *session,
        const char *account_id,
        const char *role)
{
  return g_strdup_printf ("%s/%s/%s", session, account_id, role);
}

/* The ids GNOME Shell gets for `terms` (white-space separated here), as one string. */
static GStrv
shell_search (TrayFixture *fixture,
              const char  *terms)
{
  g_auto(GStrv) words = g_strsplit (terms, " ", -1);
  g_autoptr(GVariant) reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, SHELL_IFACE,
                                    "GetInitialResultSet",
                                    g_variant_new ("(^as)", words), G_VARIANT_TYPE ("(as)"));
  GStrv ids;

  g_variant_get (reply, "(^as)", &ids);
  return ids;
}

static void
assert_ids (GStrv               ids,
            const char * const *expected)
{
  g_autofree char *found = g_strjoinv (", ", ids);

  g_test_message ("found: %s", found);
  g_assert_true (g_strv_equal ((const char * const *) ids, expected));
}

static guint
network_calls (TrayFixture *fixture)
{
  static const char * const operations[] = {
    "ListAccounts", "ListAccountRoles", "GetRoleCredentials", "CreateToken",
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    n += gh_simulator_get_request_count (fixture->env.sim, operations[i]);
  return n;
}

static void
wait_for_console_logins (TrayFixture *fixture,
                         guint        n)
{
  GPtrArray *logins = gh_simulator_get_console_logins (fixture->env.sim);

  for (gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
       logins->len < n && g_get_monotonic_time () < deadline;)
    gh_test_sleep_ms (50);
  /* Exactly that many: nothing else opened meanwhile. */
  gh_test_sleep_ms (500);
  g_assert_cmpuint (logins->len, ==, n);
}

static GVariant *
lookup_meta (GVariant   *metas,
             const char *id)
{
  for (gsize i = 0; i < g_variant_n_children (metas); i++)
    {
      g_autoptr(GVariant) meta = g_variant_get_child_value (metas, i);
      const char *meta_id = NULL;

      if (g_variant_lookup (meta, "id", "&s", &meta_id) && g_str_equal (meta_id, id))
        return g_steal_pointer (&meta);
    }
  g_error ("No metadata for %s", id);
}

static char *
meta_string (GVariant   *meta,
             const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (meta, key, NULL);

  g_assert_nonnull (value);
  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string (value, NULL);
}

static void
set_search_enabled (TrayFixture *fixture,
                    gboolean     enabled)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->env);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, "gsettings", "set",
                                         "io.github.gatehouse.Gatehouse",
                                         "search-provider-enabled",
                                         enabled ? "true" : "false", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
}


typedef struct
{
  TrayFixture *fixture;
  const char  *terms;
  guint        n;
} CountWait;

static gboolean
result_count_is (gpointer data)
{
  CountWait *wait = data;
  g_auto(GStrv) ids = shell_search (wait->fixture, wait->terms);

  return g_strv_length (ids) == wait->n;
}

/* GNOME Shell: terms in, ids out (favourite first), metadata, activation, the preference. */
static void
test_gnome_shell (TrayFixture   *fixture,
                  gconstpointer  data)
{
  g_auto(Sessions) sessions = { NULL };
  g_autofree char *on_1 = NULL, *on_3 = NULL, *off_1 = NULL, *on_2_admin = NULL;
  g_auto(GStrv) readonly_1 = NULL, readonly = NULL, admin_2 = NULL, nothing = NULL;
  g_auto(GStrv) subsearch = NULL, blank = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) metas = NULL;
  g_autoptr(GVariant) on_meta = NULL, off_meta = NULL;
  g_autofree char *name = NULL, *description = NULL, *off_description = NULL, *gicon = NULL;
  g_autoptr(GVariant) icon = NULL;
  g_autoptr(GIcon) deserialized = NULL;
  const char *no_terms[] = { NULL };
  g_autofree char *launched = NULL, *activated = NULL;
  guint calls;

  use_window_stand_in (fixture);
  setup_sessions (fixture, &sessions);
  on_1 = target (sessions.on, "100000000001", "ReadOnly");
  on_3 = target (sessions.on, "100000000003", "ReadOnly");
  off_1 = target (sessions.off, "100000000001", "ReadOnly");
  on_2_admin = target (sessions.on, "100000000002", "AdministratorAccess");

  calls = network_calls (fixture);

  /* Every term must match, case-insensitively, in any field; the favourite comes first, then
   * the config file's order. */
  readonly = shell_search (fixture, "READONLY");
  {
    g_autofree char *on_2 = target (sessions.on, "100000000002", "ReadOnly");
    g_autofree char *off_2 = target (sessions.off, "100000000002", "ReadOnly");
    g_autofree char *off_3 = target (sessions.off, "100000000003", "ReadOnly");
    const char * const expected[] = { on_3, on_1, on_2, off_1, off_2, off_3, NULL };

    assert_ids (readonly, expected);
  }
  readonly_1 = shell_search (fixture, "readonly account1@example");
  {
    const char * const expected[] = { on_1, off_1, NULL };

    assert_ids (readonly_1, expected);
  }
  /* The sign-in's name is not a field: "search-on" finds nothing. */
  admin_2 = shell_search (fixture, "admin 100000000002 account2@");
  {
    g_autofree char *off_2_admin = target (sessions.off, "100000000002", "AdministratorAccess");
    g_auto(GStrv) by_session = shell_search (fixture, "admin search-on");
    const char * const expected[] = { on_2_admin, off_2_admin, NULL };

    g_assert_cmpuint (g_strv_length (by_session), ==, 0);

    assert_ids (admin_2, expected);
  }
  /* The profile name (default template: ROLE-ACCOUNT_ID) is searched too. */
  {
    g_auto(GStrv) by_profile = shell_search (fixture, "readonly-100000000001");
    const char * const expected[] = { on_1, off_1, NULL };

    assert_ids (by_profile, expected);
  }
  nothing = shell_search (fixture, "readonly poweruser");
  g_assert_cmpuint (g_strv_length (nothing), ==, 0);

  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, SHELL_IFACE, "GetSubsearchResultSet",
                g_variant_new ("(^as^as)", readonly, (const char * const[]) { "readonly",
                                                                              "account", "1@",
                                                                              NULL }),
                G_VARIANT_TYPE ("(as)"));
  g_variant_get (reply, "(^as)", &subsearch);
  {
    const char * const expected[] = { on_1, off_1, NULL };

    assert_ids (subsearch, expected);
  }
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, SHELL_IFACE, "GetInitialResultSet",
                g_variant_new ("(^as)", no_terms), G_VARIANT_TYPE ("(as)"));
  g_variant_get (reply, "(^as)", &blank);
  g_assert_cmpuint (g_strv_length (blank), ==, 0);

  /* Searching read only what the service had: no listing, no sign-in, no credentials. */
  g_assert_cmpuint (network_calls (fixture), ==, calls);

  /* Metadata: role and account name, account id and sign-in, the app icon; the ended sign-in
   * says so. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, SHELL_IFACE, "GetResultMetas",
                g_variant_new ("(^as)", readonly_1), G_VARIANT_TYPE ("(aa{sv})"));
  metas = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (metas), ==, 2);
  on_meta = lookup_meta (metas, on_1);
  off_meta = lookup_meta (metas, off_1);
  name = meta_string (on_meta, "name");
  g_assert_cmpstr (name, ==, "ReadOnly @ Account 1");
  description = meta_string (on_meta, "description");
  gh_test_assert_contains (description, "100000000001");
  gh_test_assert_contains (description, sessions.on);
  g_assert_null (strstr (description, "signed out"));
  off_description = meta_string (off_meta, "description");
  gh_test_assert_contains (off_description, sessions.off);
  gh_test_assert_contains (off_description, "(signed out)");
  gicon = meta_string (on_meta, "gicon");
  g_assert_cmpstr (gicon, ==, "io.github.gatehouse.Gatehouse");
  icon = g_variant_lookup_value (on_meta, "icon", NULL);
  g_assert_nonnull (icon);
  deserialized = g_icon_deserialize (icon);
  g_assert_true (G_IS_THEMED_ICON (deserialized));
  g_assert_cmpstr (g_themed_icon_get_names (G_THEMED_ICON (deserialized))[0], ==,
                   "io.github.gatehouse.Gatehouse");

  /* Activating opens that role's console through the browser, and only that. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, SHELL_IFACE, "ActivateResult",
                g_variant_new ("(s^asu)", on_2_admin, (const char * const[]) { "admin", NULL },
                               0), NULL);
  wait_for_browser (fixture, "http://127.0.0.1:");
  wait_for_console_logins (fixture, 1);
  g_assert_cmpstr (g_ptr_array_index (gh_simulator_get_console_logins (fixture->env.sim), 0),
                   ==, "100000000002/AdministratorAccess");

  /* "More results" hands the terms to the window's roles page; the action does the same. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, SHELL_IFACE, "LaunchSearch",
                g_variant_new ("(^asu)", (const char * const[]) { "readonly", NULL }, 0), NULL);
  launched = wait_for_window_run (fixture, 1);
  g_assert_cmpstr (launched, ==, "--page roles --search readonly");
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions", "Activate",
                g_variant_new_parsed ("('show-roles-search', [<'readonly'>], @a{sv} {})"), NULL);
  activated = wait_for_window_run (fixture, 2);
  g_assert_cmpstr (activated, ==, "--page roles --search readonly");

  /* Turned off in the preferences: no results; on again: back. */
  set_search_enabled (fixture, FALSE);
  gh_test_wait_until (result_count_is, &(CountWait) { fixture, "readonly", 0 }, 10000);
  set_search_enabled (fixture, TRUE);
  gh_test_wait_until (result_count_is, &(CountWait) { fixture, "readonly", 6 }, 10000);
}

/* KRunner: its actions, matches with subtext, running the default action on a role of an ended
 * sign-in (sign in, then the console), copying a profile name. */
static void
test_krunner (TrayFixture   *fixture,
              gconstpointer  data)
{
  g_auto(Sessions) sessions = { NULL };
  g_autofree char *on_1 = NULL, *off_3 = NULL;
  g_autoptr(GVariant) actions = NULL;
  g_autoptr(GVariant) matches = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) properties = NULL;
  g_autofree char *copied = NULL;
  const char *id, *text, *icon, *subtext = NULL;
  int type;
  double relevance;
  guint calls;

  setup_sessions (fixture, &sessions);
  on_1 = target (sessions.on, "100000000001", "ReadOnly");
  off_3 = target (sessions.off, "100000000003", "AdministratorAccess");

  actions = call (fixture, SERVICE_NAME, PROVIDER_PATH, KRUNNER_IFACE, "Actions", NULL,
                  G_VARIANT_TYPE ("(a(sss))"));
  {
    g_autoptr(GVariant) list = g_variant_get_child_value (actions, 0);
    const char * const expected[] = { "console", "container", "copy-profile" };

    g_assert_cmpuint (g_variant_n_children (list), ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        const char *action_id, *action_text, *action_icon;

        g_variant_get_child (list, i, "(&s&s&s)", &action_id, &action_text, &action_icon);
        g_assert_cmpstr (action_id, ==, expected[i]);
        g_assert_cmpstr (action_text, !=, "");
      }
  }

  calls = network_calls (fixture);
  matches = call (fixture, SERVICE_NAME, PROVIDER_PATH, KRUNNER_IFACE, "Match",
                  g_variant_new ("(s)", "Account1@ readonly"),
                  G_VARIANT_TYPE ("(a(sssida{sv}))"));
  g_assert_cmpuint (network_calls (fixture), ==, calls);
  {
    g_autoptr(GVariant) list = g_variant_get_child_value (matches, 0);
    g_autofree char *off_1 = target (sessions.off, "100000000001", "ReadOnly");
    double first_relevance;

    g_assert_cmpuint (g_variant_n_children (list), ==, 2);
    g_variant_get_child (list, 0, "(&s&s&sid@a{sv})", &id, &text, &icon, &type, &relevance,
                         &properties);
    g_assert_cmpstr (id, ==, on_1);
    g_assert_cmpstr (text, ==, "ReadOnly @ Account 1");
    g_assert_cmpstr (icon, ==, "io.github.gatehouse.Gatehouse");
    g_assert_true (g_variant_lookup (properties, "subtext", "&s", &subtext));
    gh_test_assert_contains (subtext, sessions.on);
    first_relevance = relevance;
    g_clear_pointer (&properties, g_variant_unref);

    g_variant_get_child (list, 1, "(&s&s&sid@a{sv})", &id, &text, &icon, &type, &relevance,
                         &properties);
    g_assert_cmpstr (id, ==, off_1);
    g_assert_true (g_variant_lookup (properties, "subtext", "&s", &subtext));
    gh_test_assert_contains (subtext, "(signed out)");
    g_assert_cmpfloat (relevance, <, first_relevance);
  }

  /* Copy the profile name: to the clipboard tool; when it fails, shown in a notification. */
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, KRUNNER_IFACE, "Run",
                g_variant_new ("(ss)", on_1, "copy-profile"), NULL);
  /* The file appears before what is written to it. */
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       g_get_monotonic_time () < deadline;)
    {
      g_clear_pointer (&copied, g_free);
      if (g_file_get_contents (sessions.clipboard, &copied, NULL, NULL) && *copied != '\0')
        break;
      gh_test_sleep_ms (50);
    }
  g_assert_cmpstr (copied, ==, "ReadOnly-100000000001");

  g_assert_true (g_file_set_contents (sessions.clipboard_fail, "", 0, NULL));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, KRUNNER_IFACE, "Run",
                g_variant_new ("(ss)", on_1, "copy-profile"), NULL);
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       !has_notification (fixture, "AWS CLI profile “ReadOnly-100000000001”", NULL);)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gh_test_sleep_ms (50);
    }

  /* A role of the ended sign-in: sign in first (the stand-in browser completes it), then that
   * console. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, SERVICE_NAME, PROVIDER_PATH, KRUNNER_IFACE, "Run",
                g_variant_new ("(ss)", off_3, ""), NULL);
  gh_test_wait_until (signed_in_cb, &(StateWait) { fixture, sessions.off }, 30000);
  wait_for_console_logins (fixture, 1);
  g_assert_cmpstr (g_ptr_array_index (gh_simulator_get_console_logins (fixture->env.sim), 0),
                   ==, "100000000003/AdministratorAccess");

  /* An action KRunner does not know of is refused. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) refused = call_full (fixture, SERVICE_NAME, PROVIDER_PATH, KRUNNER_IFACE,
                                             "Run", g_variant_new ("(ss)", on_1, "bogus"), NULL,
                                             &error);

    g_assert_null (refused);
    g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  }
}

/* The files that register the providers name the bus name and the object path the service
 * answers on: read them, then call there. */
static void
test_registration_files (TrayFixture   *fixture,
                         gconstpointer  data)
{
  g_autofree char *ini_path = g_test_build_filename (G_TEST_DIST, "..", "data",
                                                     "io.github.gatehouse.Gatehouse."
                                                     "search-provider.ini", NULL);
  g_autofree char *runner_path = g_test_build_filename (G_TEST_BUILT, "..", "data",
                                                        "io.github.gatehouse.Gatehouse-"
                                                        "krunner.desktop", NULL);
  g_autoptr(GKeyFile) ini = g_key_file_new ();
  g_autoptr(GKeyFile) runner = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *bus_name = NULL, *object_path = NULL, *desktop_id = NULL, *version = NULL;
  g_autofree char *runner_name = NULL, *runner_path_key = NULL, *api = NULL;
  g_autoptr(GVariant) introspection = NULL;
  const char *xml;

  g_assert_true (g_key_file_load_from_file (ini, ini_path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  bus_name = g_key_file_get_string (ini, "Shell Search Provider", "BusName", NULL);
  object_path = g_key_file_get_string (ini, "Shell Search Provider", "ObjectPath", NULL);
  desktop_id = g_key_file_get_string (ini, "Shell Search Provider", "DesktopId", NULL);
  version = g_key_file_get_string (ini, "Shell Search Provider", "Version", NULL);
  g_assert_cmpstr (bus_name, ==, SERVICE_NAME);
  g_assert_cmpstr (object_path, ==, PROVIDER_PATH);
  g_assert_cmpstr (desktop_id, ==, "io.github.gatehouse.Gatehouse.desktop");
  g_assert_cmpstr (version, ==, "2");

  /* desktop-file-validate checks it in the data suite; here what KRunner reads from it. */
  g_assert_true (g_key_file_load_from_file (runner, runner_path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  runner_name = g_key_file_get_string (runner, "Desktop Entry", "X-Plasma-DBusRunner-Service",
                                       NULL);
  runner_path_key = g_key_file_get_string (runner, "Desktop Entry", "X-Plasma-DBusRunner-Path",
                                           NULL);
  api = g_key_file_get_string (runner, "Desktop Entry", "X-Plasma-API", NULL);
  g_assert_cmpstr (runner_name, ==, SERVICE_NAME);
  g_assert_cmpstr (runner_path_key, ==, PROVIDER_PATH);
  g_assert_cmpstr (api, ==, "DBus");

  start_service (fixture);
  introspection = call (fixture, bus_name, object_path, "org.freedesktop.DBus.Introspectable",
                        "Introspect", NULL, G_VARIANT_TYPE ("(s)"));
  g_variant_get (introspection, "(&s)", &xml);
  gh_test_assert_contains (xml, "interface name=\"" SHELL_IFACE "\"");
  gh_test_assert_contains (xml, "interface name=\"" KRUNNER_IFACE "\"");
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  g_test_add ("/search-provider/gnome-shell", TrayFixture, NULL, tray_setup, test_gnome_shell,
              tray_teardown);
  g_test_add ("/search-provider/krunner", TrayFixture, NULL, tray_setup, test_krunner,
              tray_teardown);
  g_test_add ("/search-provider/registration-files", TrayFixture, NULL, tray_setup,
              test_registration_files, tray_teardown);
  return gh_test_env_run ();
}
