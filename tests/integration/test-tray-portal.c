/* test-tray-portal.c — the tray service's notifications through the desktop portal
 *
 * Inside Flatpak (or a snap) libnotify talks to org.freedesktop.portal.Notification instead of a
 * notification daemon; NOTIFY_FORCE_PORTAL=1 takes that path outside a sandbox. A python3-dbusmock
 * object stands in for xdg-desktop-portal with what libnotify uses of it: the `version` property
 * (read when it connects; without one it falls back to the daemon), AddNotification,
 * RemoveNotification and the ActionInvoked signal. (fixture: gh-test-tray.c)
 */
#include "config.h"

#include <glib/gstdio.h>

#include "gh-test-tray.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE "org.freedesktop.portal.Notification"

/* Replaces the fixture's notification daemon with the portal, so a notification shown the old
 * way would be lost rather than counted. */
static void
start_portal (TrayFixture *fixture)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) version = NULL;

  replace_notification_daemon (fixture, PORTAL_NAME, PORTAL_PATH, PORTAL_IFACE);
  reply = call (fixture, PORTAL_NAME, PORTAL_PATH, MOCK_IFACE, "AddMethods",
                g_variant_new_parsed ("(%s, [('AddNotification', 'sa{sv}', '', ''),"
                                      "      ('RemoveNotification', 's', '', '')])",
                                      PORTAL_IFACE), NULL);
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, PORTAL_NAME, PORTAL_PATH, MOCK_IFACE, "AddProperty",
                g_variant_new ("(ssv)", PORTAL_IFACE, "version", g_variant_new_uint32 (1)), NULL);

  /* libnotify reads it with g_variant_get_uint32 (): the type must survive the mock. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, PORTAL_NAME, PORTAL_PATH, "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", PORTAL_IFACE, "version"), G_VARIANT_TYPE ("(v)"));
  g_variant_get (reply, "(v)", &version);
  g_assert_true (g_variant_is_of_type (version, G_VARIANT_TYPE_UINT32));
  g_assert_cmpuint (g_variant_get_uint32 (version), ==, 1);
}

/* The arguments of every call of `method` the portal received, in order. */
static GPtrArray *
portal_calls (TrayFixture *fixture,
              const char  *method)
{
  g_autoptr(GVariant) reply = call (fixture, PORTAL_NAME, PORTAL_PATH, MOCK_IFACE, "GetMethodCalls",
                                    g_variant_new ("(s)", method), G_VARIANT_TYPE ("(a(tav))"));
  g_autoptr(GVariantIter) iter = NULL;
  GPtrArray *calls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GVariant *args;
  guint64 when;

  g_variant_get (reply, "(a(tav))", &iter);
  while (g_variant_iter_next (iter, "(t@av)", &when, &args))
    g_ptr_array_add (calls, args);
  return calls;
}

/* Argument `index` of a recorded call, unwrapped from its variant. */
static GVariant *
call_arg (GVariant *args,
          gsize     index)
{
  g_autoptr(GVariant) boxed = g_variant_get_child_value (args, index);

  return g_variant_get_variant (boxed);
}

/* The last AddNotification whose title starts with `title_prefix`: its id and its a{sv}. */
static gboolean
find_added (TrayFixture  *fixture,
            const char   *title_prefix,
            char        **out_id,
            GVariant    **out_notification)
{
  g_autoptr(GPtrArray) calls = portal_calls (fixture, "AddNotification");
  gboolean found = FALSE;

  for (guint i = 0; i < calls->len; i++)
    {
      GVariant *args = g_ptr_array_index (calls, i);
      g_autoptr(GVariant) id = call_arg (args, 0);
      g_autoptr(GVariant) notification = call_arg (args, 1);
      const char *title = NULL;

      g_assert_true (g_variant_is_of_type (id, G_VARIANT_TYPE_STRING));
      g_assert_true (g_variant_is_of_type (notification, G_VARIANT_TYPE_VARDICT));
      if (g_variant_lookup (notification, "title", "&s", &title) &&
          g_str_has_prefix (title, title_prefix))
        {
          g_free (*out_id);
          *out_id = g_variant_dup_string (id, NULL);
          g_clear_pointer (out_notification, g_variant_unref);
          *out_notification = g_steal_pointer (&notification);
          found = TRUE;
        }
    }
  return found;
}

/* How many times the portal was asked to remove notification `id`. */
static guint
removals (TrayFixture *fixture,
          const char  *id)
{
  g_autoptr(GPtrArray) calls = portal_calls (fixture, "RemoveNotification");
  guint count = 0;

  for (guint i = 0; i < calls->len; i++)
    {
      g_autoptr(GVariant) removed = call_arg (g_ptr_array_index (calls, i), 0);

      if (g_strcmp0 (g_variant_get_string (removed, NULL), id) == 0)
        count++;
    }
  return count;
}

static void
test_portal_ending_notification (TrayFixture   *fixture,
                                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("portal");
  g_autofree char *expected = g_strdup_printf ("Your AWS sign-in “%s” ends in ", name);
  g_autofree char *printed = NULL;
  g_autofree char *sign_in_action = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GVariant) notification = NULL;
  g_autoptr(GVariant) buttons = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean dismiss = FALSE;
  const char *body = NULL;
  guint removed;

  start_portal (fixture);

  /* A sign-in of 40 seconds: shorter than both lead times, so announced at once. */
  g_object_set (fixture->env.sim, "session-lifetime", (gint64) 40,
                "access-token-lifetime", (gint64) 40, NULL);
  gh_test_add_short_session (&fixture->env, name, "40s");
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "login", name, NULL), ==, 0);
  g_unlink (fixture->env.browser_log);
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=10"));
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("NOTIFY_FORCE_PORTAL=1"));

  start_service (fixture);
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       !find_added (fixture, expected, &id, &notification);)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gh_test_sleep_ms (100);
    }
  printed = g_variant_print (notification, TRUE);
  g_test_message ("AddNotification ('%s', %s)", id, printed);

  g_assert_true (g_variant_lookup (notification, "body", "&s", &body));
  g_assert_cmpstr (body, ==, "Sign in again to keep the AWS CLI and the console working.");

  /* buttons: aa{sv} of label and action; libnotify names the actions, so read them back. */
  buttons = g_variant_lookup_value (notification, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  g_assert_cmpuint (g_variant_n_children (buttons), ==, 2);
  for (gsize i = 0; i < g_variant_n_children (buttons); i++)
    {
      g_autoptr(GVariant) button = g_variant_get_child_value (buttons, i);
      const char *label = NULL;
      const char *action = NULL;

      g_assert_true (g_variant_lookup (button, "label", "&s", &label));
      g_assert_true (g_variant_lookup (button, "action", "&s", &action));
      g_assert_cmpstr (action, !=, "");
      if (g_str_equal (label, "Sign in again"))
        {
          g_assert_null (sign_in_action);
          sign_in_action = g_strdup (action);
        }
      else
        {
          g_assert_cmpstr (label, ==, "Dismiss");
          g_assert_false (dismiss);
          dismiss = TRUE;
        }
    }
  g_assert_nonnull (sign_in_action);
  g_assert_true (dismiss);

  /* Nothing has started a sign-in yet. */
  g_assert_false (browser_visited (fixture, "/authorize"));

  /* The portal reports the click on "Sign in again": a browser sign-in starts, and the
   * notification is taken down. */
  removed = removals (fixture, id);
  reply = call (fixture, PORTAL_NAME, PORTAL_PATH, MOCK_IFACE, "EmitSignal",
                g_variant_new_parsed ("(%s, 'ActionInvoked', 'ssav', [<%s>, <%s>, <@av []>])",
                                      PORTAL_IFACE, id, sign_in_action), NULL);
  wait_for_browser (fixture, "/authorize");
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       removals (fixture, id) == removed;)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gh_test_sleep_ms (100);
    }
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  g_test_add ("/tray-portal/ending-notification", TrayFixture, NULL, tray_setup,
              test_portal_ending_notification, tray_teardown);
  return gh_test_env_run ();
}
