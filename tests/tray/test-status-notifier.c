/* test-status-notifier.c — GhStatusNotifier and GhDbusMenu on the private test bus
 *
 * A watcher written here stands in for the tray: it owns org.kde.StatusNotifierWatcher on a
 * connection of its own, records registrations, and talks to the item and its menu the way a
 * host does. Every test gets fresh connections, so names and objects die with the test.
 */
#include "config.h"

#include "gh-dbus-menu.h"
#include "gh-status-notifier.h"
#include "gh-test-env.h"

#define WATCHER_NAME   "org.kde.StatusNotifierWatcher"
#define ITEM_INTERFACE "org.kde.StatusNotifierItem"
#define MENU_INTERFACE "com.canonical.dbusmenu"
#define MENU_PATH      "/MenuBar"
#define TIMEOUT_MS     10000

static GDBusConnection *
new_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* Calls a method and iterates the main loop until the reply is in: the other end lives in
 * this process, so a blocking call would never be answered. */
typedef struct
{
  GVariant *reply;
  GError   *error;
  gboolean  done;
} CallResult;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CallResult *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

static gboolean
call_is_done (gpointer data)
{
  return ((CallResult *) data)->done;
}

static GVariant *
call (GDBusConnection     *connection,
      const char          *bus_name,
      const char          *path,
      const char          *interface,
      const char          *method,
      GVariant            *parameters,
      const GVariantType  *reply_type,
      GError             **error)
{
  CallResult result = { 0 };

  g_dbus_connection_call (connection, bus_name, path, interface, method, parameters, reply_type,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, call_done_cb, &result);
  gh_test_wait_until (call_is_done, &result, TIMEOUT_MS);
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.reply;
}

static void
assert_variant (GVariant   *value,
                const char *expected_text)
{
  g_autoptr(GVariant) expected = g_variant_ref_sink (g_variant_new_parsed (expected_text));
  g_autofree char *printed = g_variant_print (value, TRUE);

  if (!g_variant_equal (value, expected))
    g_error ("Expected %s, got %s", expected_text, printed);
}

/* ---------------------------------------------------------------------------------------- */
/* The test watcher */

typedef struct
{
  GDBusConnection *connection;
  guint            object_id;
  guint            own_id;
  gboolean         acquired;
  GPtrArray       *registrations;   /* bus names passed to RegisterStatusNotifierItem */
} TestWatcher;

static const char watcher_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierWatcher'>"
  "    <method name='RegisterStatusNotifierItem'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
watcher_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  TestWatcher *watcher = user_data;
  const char *service;

  g_assert_cmpstr (method_name, ==, "RegisterStatusNotifierItem");
  g_variant_get (parameters, "(&s)", &service);
  g_ptr_array_add (watcher->registrations, g_strdup (service));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable watcher_vtable = { .method_call = watcher_method_call };

static TestWatcher *
test_watcher_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (watcher_xml, &error);
  TestWatcher *watcher = g_new0 (TestWatcher, 1);

  g_assert_no_error (error);
  watcher->connection = new_connection ();
  watcher->registrations = g_ptr_array_new_with_free_func (g_free);
  watcher->object_id = g_dbus_connection_register_object (watcher->connection,
                                                          "/StatusNotifierWatcher",
                                                          info->interfaces[0], &watcher_vtable,
                                                          watcher, NULL, &error);
  g_assert_no_error (error);
  return watcher;
}

static void
watcher_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  ((TestWatcher *) user_data)->acquired = TRUE;
}

static void
watcher_lost_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  TestWatcher *watcher = user_data;

  g_assert_false (watcher->acquired);
  g_error ("The test watcher could not own %s", name);
}

static gboolean
watcher_is_acquired (gpointer data)
{
  return ((TestWatcher *) data)->acquired;
}

static void
test_watcher_own (TestWatcher *watcher)
{
  g_assert_cmpuint (watcher->own_id, ==, 0);
  watcher->own_id = g_bus_own_name_on_connection (watcher->connection, WATCHER_NAME,
                                                  G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                  watcher_acquired_cb, watcher_lost_cb,
                                                  watcher, NULL);
  gh_test_wait_until (watcher_is_acquired, watcher, TIMEOUT_MS);
}

static gboolean
watcher_name_is_free (gpointer data)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner;

  reply = call (data, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "NameHasOwner", g_variant_new ("(s)", WATCHER_NAME), G_VARIANT_TYPE ("(b)"),
                NULL);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(b)", &has_owner);
  return !has_owner;
}

static void
test_watcher_release (TestWatcher *watcher)
{
  g_clear_handle_id (&watcher->own_id, g_bus_unown_name);
  watcher->acquired = FALSE;
  gh_test_wait_until (watcher_name_is_free, watcher->connection, TIMEOUT_MS);
}

static void
test_watcher_free (TestWatcher *watcher)
{
  if (watcher->own_id != 0)
    test_watcher_release (watcher);
  g_dbus_connection_unregister_object (watcher->connection, watcher->object_id);
  g_dbus_connection_close_sync (watcher->connection, NULL, NULL);
  g_clear_object (&watcher->connection);
  g_ptr_array_unref (watcher->registrations);
  g_free (watcher);
}

static gboolean
watcher_has_registrations (gpointer data)
{
  TestWatcher *watcher = data;

  return watcher->registrations->len > 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Fixture: an item on its own connection, a watcher (not yet owning its name) */

typedef struct
{
  GDBusConnection  *connection;   /* the service's */
  TestWatcher      *watcher;      /* also plays the host: reads properties, calls methods */
  GhStatusNotifier *notifier;
  GPtrArray        *signals;      /* "Member (args)" received by the watcher's connection */
  guint             subscription;
  int               unavailable;
  int               registered;
  int               activate_x, activate_y;
  int               secondary_x, secondary_y;
} Fixture;

static void
record_signal_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *member,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *args = g_variant_print (parameters, FALSE);

  g_ptr_array_add (fixture->signals, g_strdup_printf ("%s %s", member, args));
}

static void
unavailable_cb (GhStatusNotifier *notifier,
                Fixture          *fixture)
{
  fixture->unavailable++;
}

static void
registered_cb (GhStatusNotifier *notifier,
               Fixture          *fixture)
{
  g_assert_true (gh_status_notifier_get_registered (notifier));
  fixture->registered++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->connection = new_connection ();
  fixture->watcher = test_watcher_new ();
  fixture->signals = g_ptr_array_new_with_free_func (g_free);
  fixture->subscription =
    g_dbus_connection_signal_subscribe (fixture->watcher->connection, NULL, NULL, NULL, NULL,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, record_signal_cb,
                                        fixture, NULL);
  fixture->notifier = gh_status_notifier_new (fixture->connection, "gatehouse", MENU_PATH);
  g_signal_connect (fixture->notifier, "unavailable", G_CALLBACK (unavailable_cb), fixture);
  g_signal_connect (fixture->notifier, "registered", G_CALLBACK (registered_cb), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->notifier);
  g_dbus_connection_signal_unsubscribe (fixture->watcher->connection, fixture->subscription);
  test_watcher_free (fixture->watcher);
  g_dbus_connection_close_sync (fixture->connection, NULL, NULL);
  g_clear_object (&fixture->connection);
  g_ptr_array_unref (fixture->signals);
  /* Let pending idles (finished calls, signal subscriptions) run before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
fixture_is_registered (gpointer data)
{
  Fixture *fixture = data;

  return fixture->registered > 0 && fixture->watcher->registrations->len > 0;
}

static void
start_registered (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  test_watcher_own (fixture->watcher);
  g_assert_true (gh_status_notifier_start (fixture->notifier, &error));
  g_assert_no_error (error);
  gh_test_wait_until (fixture_is_registered, fixture, TIMEOUT_MS);
}

static GVariant *
item_property (Fixture    *fixture,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *value;

  reply = call (fixture->watcher->connection, gh_status_notifier_get_bus_name (fixture->notifier),
                "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", ITEM_INTERFACE, name), G_VARIANT_TYPE ("(v)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

static gboolean
has_signal (Fixture    *fixture,
            const char *line)
{
  for (guint i = 0; i < fixture->signals->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->signals, i), line))
      return TRUE;
  return FALSE;
}

static guint
count_signals (Fixture    *fixture,
               const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < fixture->signals->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (fixture->signals, i), prefix))
      n++;
  return n;
}

/* ---------------------------------------------------------------------------------------- */
/* StatusNotifierItem */

static void
test_register (Fixture       *fixture,
               gconstpointer  data)
{
  const char *bus_name = gh_status_notifier_get_bus_name (fixture->notifier);
  g_autofree char *expected_prefix = g_strdup_printf ("org.kde.StatusNotifierItem-%d-",
                                                      (int) getpid ());

  g_assert_true (g_str_has_prefix (bus_name, expected_prefix));
  g_assert_false (gh_status_notifier_get_registered (fixture->notifier));

  start_registered (fixture);

  g_assert_cmpuint (fixture->watcher->registrations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->watcher->registrations, 0), ==, bus_name);
  g_assert_true (gh_status_notifier_get_registered (fixture->notifier));
  g_assert_cmpint (fixture->registered, ==, 1);
  g_assert_cmpint (fixture->unavailable, ==, 0);
}

/* A refused name (Flatpak allows no org.kde.StatusNotifierItem-* names): the item registers
 * by its unique name, where hosts find it at the default path. */
static void
test_unique_name_fallback (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *wanted = g_strdup (gh_status_notifier_get_bus_name (fixture->notifier));
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) id = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result;

  /* Someone else holds the name the item wants. */
  reply = call (fixture->watcher->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus", "RequestName", g_variant_new ("(su)", wanted, 4),
                G_VARIANT_TYPE ("(u)"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);  /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */

  start_registered (fixture);

  g_assert_cmpstr (g_ptr_array_index (fixture->watcher->registrations, 0), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));
  g_assert_cmpstr (gh_status_notifier_get_bus_name (fixture->notifier), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));
  id = item_property (fixture, "Id");
  g_assert_cmpstr (g_variant_get_string (id, NULL), ==, "gatehouse");
}

static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct { const char *name; const char *type; const char *value; } expected[] = {
    { "Category", "s", "'ApplicationStatus'" },
    { "Id", "s", "'gatehouse'" },
    { "Title", "s", "'gatehouse'" },
    { "Status", "s", "'Active'" },
    { "WindowId", "i", "0" },
    { "IconName", "s", "'gatehouse-signed-out'" },
    { "IconPixmap", "a(iiay)", "[(2, 2, [byte 0xff, 0x10, 0x20, 0x30, 0xff, 0x10, 0x20, 0x30, "
                               "0xff, 0x10, 0x20, 0x30, 0xff, 0x10, 0x20, 0x30])]" },
    { "OverlayIconName", "s", "''" },
    { "AttentionIconName", "s", "''" },
    { "AttentionIconPixmap", "a(iiay)", "@a(iiay) []" },
    { "ToolTip", "(sa(iiay)ss)", "('', @a(iiay) [], 'Gatehouse', 'work: signed out')" },
    { "ItemIsMenu", "b", "false" },
    { "Menu", "o", "objectpath '/MenuBar'" },
    { "IconThemePath", "s", "'/tmp/icons'" },
  };
  static const guint8 pixel[] = { 0xff, 0x10, 0x20, 0x30 };
  g_autoptr(GByteArray) pixels = g_byte_array_new ();
  g_autoptr(GBytes) pixmap = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) all = NULL;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 4; i++)
    g_byte_array_append (pixels, pixel, sizeof pixel);
  pixmap = g_byte_array_free_to_bytes (g_steal_pointer (&pixels));

  gh_status_notifier_set_icon (fixture->notifier, "gatehouse-signed-out", pixmap, 2);
  gh_status_notifier_set_tooltip (fixture->notifier, "Gatehouse", "work: signed out");
  gh_status_notifier_set_icon_theme_path (fixture->notifier, "/tmp/icons");
  start_registered (fixture);

  reply = call (fixture->watcher->connection, gh_status_notifier_get_bus_name (fixture->notifier),
                "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new ("(s)", ITEM_INTERFACE), G_VARIANT_TYPE ("(a{sv})"), &error);
  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GVariant) value = g_variant_lookup_value (all, expected[i].name, NULL);
      g_autofree char *printed = NULL;

      if (value == NULL)
        g_error ("GetAll has no %s", expected[i].name);
      printed = g_variant_print (value, TRUE);
      g_test_message ("%s = %s", expected[i].name, printed);
      g_assert_cmpstr (g_variant_get_type_string (value), ==, expected[i].type);
      g_assert_cmpstr (printed, ==, expected[i].value);
    }
}

static void
test_signals (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GVariant) tooltip = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GVariant) title = NULL;

  start_registered (fixture);

  gh_status_notifier_set_tooltip (fixture->notifier, "Gatehouse", "work: signed in until 18:30");
  gh_status_notifier_set_status (fixture->notifier, GH_STATUS_NOTIFIER_NEEDS_ATTENTION);
  gh_status_notifier_set_title (fixture->notifier, "Gatehouse");
  gh_status_notifier_set_icon (fixture->notifier, "gatehouse-signed-in", NULL, 0);
  /* The reply to a Get comes after every signal emitted before it. */
  tooltip = item_property (fixture, "ToolTip");
  status = item_property (fixture, "Status");
  title = item_property (fixture, "Title");

  g_assert_true (has_signal (fixture, "NewToolTip ()"));
  g_assert_true (has_signal (fixture, "NewStatus ('NeedsAttention',)"));
  g_assert_true (has_signal (fixture, "NewTitle ()"));
  g_assert_true (has_signal (fixture, "NewIcon ()"));
  g_assert_cmpstr (g_variant_get_type_string (tooltip), ==, "(sa(iiay)ss)");
  assert_variant (tooltip, "('', @a(iiay) [], 'Gatehouse', 'work: signed in until 18:30')");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "NeedsAttention");
  g_assert_cmpstr (g_variant_get_string (title, NULL), ==, "Gatehouse");

  /* Setting the same values again emits nothing. */
  gh_status_notifier_set_tooltip (fixture->notifier, "Gatehouse", "work: signed in until 18:30");
  gh_status_notifier_set_status (fixture->notifier, GH_STATUS_NOTIFIER_NEEDS_ATTENTION);
  gh_status_notifier_set_title (fixture->notifier, "Gatehouse");
  gh_status_notifier_set_icon (fixture->notifier, "gatehouse-signed-in", NULL, 0);
  g_clear_pointer (&status, g_variant_unref);
  gh_status_notifier_set_status (fixture->notifier, GH_STATUS_NOTIFIER_ACTIVE);
  status = item_property (fixture, "Status");

  g_assert_cmpuint (count_signals (fixture, "NewToolTip"), ==, 1);
  g_assert_cmpuint (count_signals (fixture, "NewTitle"), ==, 1);
  g_assert_cmpuint (count_signals (fixture, "NewIcon"), ==, 1);
  g_assert_cmpuint (count_signals (fixture, "NewStatus"), ==, 2);
  g_assert_true (has_signal (fixture, "NewStatus ('Active',)"));
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "Active");
}

static void
activate_cb (GhStatusNotifier *notifier,
             int               x,
             int               y,
             Fixture          *fixture)
{
  fixture->activate_x = x;
  fixture->activate_y = y;
}

static void
secondary_activate_cb (GhStatusNotifier *notifier,
                       int               x,
                       int               y,
                       Fixture          *fixture)
{
  fixture->secondary_x = x;
  fixture->secondary_y = y;
}

static void
call_item (Fixture    *fixture,
           const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = call (fixture->watcher->connection, gh_status_notifier_get_bus_name (fixture->notifier),
                "/StatusNotifierItem", ITEM_INTERFACE, method, parameters, G_VARIANT_TYPE ("()"),
                &error);
  g_assert_no_error (error);
}

static void
test_activate (Fixture       *fixture,
               gconstpointer  data)
{
  g_signal_connect (fixture->notifier, "activate", G_CALLBACK (activate_cb), fixture);
  g_signal_connect (fixture->notifier, "secondary-activate", G_CALLBACK (secondary_activate_cb),
                    fixture);
  start_registered (fixture);

  call_item (fixture, "Activate", g_variant_new ("(ii)", 10, 20));
  g_assert_cmpint (fixture->activate_x, ==, 10);
  g_assert_cmpint (fixture->activate_y, ==, 20);
  g_assert_cmpint (fixture->secondary_x, ==, 0);

  call_item (fixture, "SecondaryActivate", g_variant_new ("(ii)", 30, 40));
  g_assert_cmpint (fixture->secondary_x, ==, 30);
  g_assert_cmpint (fixture->secondary_y, ==, 40);

  /* Hosts show the menu themselves; these only have to be answered. */
  call_item (fixture, "ContextMenu", g_variant_new ("(ii)", 1, 2));
  call_item (fixture, "Scroll", g_variant_new ("(is)", 1, "vertical"));
}

static gboolean
fixture_is_unavailable (gpointer data)
{
  return ((Fixture *) data)->unavailable > 0;
}

static void
test_no_watcher (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_status_notifier_start (fixture->notifier, &error));
  g_assert_no_error (error);
  gh_test_wait_until (fixture_is_unavailable, fixture, TIMEOUT_MS);
  g_assert_false (gh_status_notifier_get_registered (fixture->notifier));

  /* A tray that starts later gets the item. */
  test_watcher_own (fixture->watcher);
  gh_test_wait_until (fixture_is_registered, fixture, TIMEOUT_MS);
  g_assert_cmpstr (g_ptr_array_index (fixture->watcher->registrations, 0), ==,
                   gh_status_notifier_get_bus_name (fixture->notifier));
  g_assert_cmpint (fixture->unavailable, ==, 1);
}

static gboolean
fixture_is_registered_now (gpointer data)
{
  return gh_status_notifier_get_registered (((Fixture *) data)->notifier);
}

static gboolean
fixture_is_unregistered (gpointer data)
{
  return !gh_status_notifier_get_registered (((Fixture *) data)->notifier);
}

static void
test_watcher_restart (Fixture       *fixture,
                      gconstpointer  data)
{
  start_registered (fixture);
  g_assert_cmpint (fixture->registered, ==, 1);

  /* The tray goes away… */
  test_watcher_release (fixture->watcher);
  gh_test_wait_until (fixture_is_unregistered, fixture, TIMEOUT_MS);
  gh_test_wait_until (fixture_is_unavailable, fixture, TIMEOUT_MS);
  g_assert_cmpint (fixture->unavailable, ==, 1);

  /* …and a new one (another process, so another connection) comes up. */
  g_dbus_connection_signal_unsubscribe (fixture->watcher->connection, fixture->subscription);
  test_watcher_free (fixture->watcher);
  fixture->watcher = test_watcher_new ();
  fixture->subscription =
    g_dbus_connection_signal_subscribe (fixture->watcher->connection, NULL, NULL, NULL, NULL,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, record_signal_cb,
                                        fixture, NULL);
  test_watcher_own (fixture->watcher);
  gh_test_wait_until (watcher_has_registrations, fixture->watcher, TIMEOUT_MS);
  g_assert_cmpstr (g_ptr_array_index (fixture->watcher->registrations, 0), ==,
                   gh_status_notifier_get_bus_name (fixture->notifier));
  gh_test_wait_until (fixture_is_registered_now, fixture, TIMEOUT_MS);
  g_assert_cmpint (fixture->registered, ==, 2);

  /* The same watcher restarting in place also gets a new registration. */
  test_watcher_release (fixture->watcher);
  gh_test_wait_until (fixture_is_unregistered, fixture, TIMEOUT_MS);
  test_watcher_own (fixture->watcher);
  gh_test_wait_until (fixture_is_registered_now, fixture, TIMEOUT_MS);
  g_assert_cmpuint (fixture->watcher->registrations->len, ==, 2);
  g_assert_cmpint (fixture->registered, ==, 3);
  g_assert_cmpint (fixture->unavailable, ==, 2);
}

/* ---------------------------------------------------------------------------------------- */
/* dbusmenu */

typedef struct
{
  Fixture             base;
  GMenu              *menu;
  GMenu              *second_section;
  GMenu              *more;
  GSimpleActionGroup *actions;
  GhDbusMenu         *dbus_menu;
  GPtrArray          *activations;   /* "name target" */
} MenuFixture;

static void
record_activation_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      MenuFixture   *fixture)
{
  g_autofree char *target = parameter ? g_variant_print (parameter, FALSE) : g_strdup ("-");

  g_ptr_array_add (fixture->activations,
                   g_strdup_printf ("%s %s", g_action_get_name (G_ACTION (action)), target));
}

static void
add_action (MenuFixture        *fixture,
            const char         *name,
            const GVariantType *parameter_type,
            gboolean            enabled)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new (name, parameter_type);

  g_simple_action_set_enabled (action, enabled);
  g_signal_connect (action, "activate", G_CALLBACK (record_activation_cb), fixture);
  g_action_map_add_action (G_ACTION_MAP (fixture->actions), G_ACTION (action));
}

static void
menu_fixture_setup (MenuFixture   *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSimpleAction) verbose = NULL;
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenuItem) quit = NULL;
  g_autoptr(GIcon) icon = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&fixture->base, data);
  fixture->activations = g_ptr_array_new_with_free_func (g_free);
  fixture->actions = g_simple_action_group_new ();
  add_action (fixture, "login", G_VARIANT_TYPE_STRING, TRUE);
  add_action (fixture, "refresh-roles", NULL, FALSE);
  add_action (fixture, "quit", NULL, TRUE);
  /* No activate handler: GSimpleAction toggles a boolean state by itself. */
  verbose = g_simple_action_new_stateful ("verbose", NULL, g_variant_new_boolean (FALSE));
  g_action_map_add_action (G_ACTION_MAP (fixture->actions), G_ACTION (verbose));

  g_menu_append (first, "Sign _in", "app.login::work");
  g_menu_append (first, "Refresh roles", "app.refresh-roles");
  fixture->more = g_menu_new ();
  g_menu_append (fixture->more, "Verbose", "app.verbose");
  g_menu_append_submenu (first, "_More", G_MENU_MODEL (fixture->more));

  fixture->second_section = g_menu_new ();
  g_menu_append (fixture->second_section, "work: signed out", NULL);
  quit = g_menu_item_new ("_Quit", "app.quit");
  icon = g_themed_icon_new ("application-exit");
  g_menu_item_set_icon (quit, icon);
  g_menu_append_item (fixture->second_section, quit);

  fixture->menu = g_menu_new ();
  g_menu_append_section (fixture->menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (fixture->menu, NULL, G_MENU_MODEL (fixture->second_section));

  fixture->dbus_menu = gh_dbus_menu_new (G_MENU_MODEL (fixture->menu),
                                         G_ACTION_GROUP (fixture->actions));
  g_assert_true (gh_dbus_menu_export (fixture->dbus_menu, fixture->base.connection, MENU_PATH,
                                      &error));
  g_assert_no_error (error);
  start_registered (&fixture->base);
}

static void
menu_fixture_teardown (MenuFixture   *fixture,
                       gconstpointer  data)
{
  gh_dbus_menu_unexport (fixture->dbus_menu);
  g_clear_object (&fixture->dbus_menu);
  g_clear_object (&fixture->menu);
  g_clear_object (&fixture->second_section);
  g_clear_object (&fixture->more);
  g_clear_object (&fixture->actions);
  g_ptr_array_unref (fixture->activations);
  fixture_teardown (&fixture->base, data);
}

static GVariant *
call_menu (MenuFixture        *fixture,
           const char         *method,
           GVariant           *parameters,
           const GVariantType *reply_type,
           GError            **error)
{
  return call (fixture->base.watcher->connection,
               gh_status_notifier_get_bus_name (fixture->base.notifier), MENU_PATH,
               MENU_INTERFACE, method, parameters, reply_type, error);
}

static char *
get_layout (MenuFixture *fixture,
            int          parent,
            int          depth,
            guint       *revision)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) layout = NULL;

  reply = call_menu (fixture, "GetLayout", g_variant_new ("(ii@as)", parent, depth,
                                                          g_variant_new_strv (NULL, 0)),
                     G_VARIANT_TYPE ("(u(ia{sv}av))"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", revision, &layout);
  return g_variant_print (layout, FALSE);
}

/* Ids follow model positions: 1 Sign in, 2 Refresh roles, 3 More, 4 Verbose, 5 the session
 * label, 6 Quit, 7 the separator between the two sections. */
#define EXPECTED_LAYOUT \
  "(0, {'children-display': <'submenu'>}, [" \
    "<(1, {'label': <'Sign _in'>}, @av [])>, " \
    "<(2, {'label': <'Refresh roles'>, 'enabled': <false>}, @av [])>, " \
    "<(3, {'label': <'_More'>, 'children-display': <'submenu'>}, [" \
      "<(4, {'label': <'Verbose'>, 'toggle-type': <'checkmark'>, 'toggle-state': <0>}, @av [])>])>, " \
    "<(7, {'type': <'separator'>}, @av [])>, " \
    "<(5, {'label': <'work: signed out'>, 'enabled': <false>}, @av [])>, " \
    "<(6, {'label': <'_Quit'>, 'icon-name': <'application-exit'>}, @av [])>])"

static void
test_menu_layout (MenuFixture   *fixture,
                  gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) menu_props = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *shallow = NULL;
  g_autofree char *submenu = NULL;
  g_autofree char *props = NULL;
  guint revision = 0;

  layout = get_layout (fixture, 0, -1, &revision);
  g_test_message ("%s", layout);
  g_assert_cmpstr (layout, ==, EXPECTED_LAYOUT);
  g_assert_cmpuint (revision, ==, gh_dbus_menu_get_revision (fixture->dbus_menu));
  g_assert_cmpuint (revision, >, 0);

  shallow = get_layout (fixture, 0, 0, &revision);
  g_assert_cmpstr (shallow, ==, "(0, {'children-display': <'submenu'>}, [])");
  submenu = get_layout (fixture, 3, 1, &revision);
  g_assert_cmpstr (submenu, ==,
                   "(3, {'label': <'_More'>, 'children-display': <'submenu'>}, ["
                   "<(4, {'label': <'Verbose'>, 'toggle-type': <'checkmark'>, "
                   "'toggle-state': <0>}, @av [])>])");

  /* Only the properties asked for. */
  reply = call_menu (fixture, "GetLayout",
                     g_variant_new_parsed ("(1, -1, ['label'])"),
                     G_VARIANT_TYPE ("(u(ia{sv}av))"), &error);
  g_assert_no_error (error);
  g_clear_pointer (&props, g_free);
  props = g_variant_print (reply, FALSE);
  g_assert_true (g_str_has_suffix (props, "(1, {'label': <'Sign _in'>}, []))"));
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_menu (fixture, "GetGroupProperties",
                     g_variant_new_parsed ("([2, 6], ['enabled', 'icon-name'])"),
                     G_VARIANT_TYPE ("(a(ia{sv}))"), &error);
  g_assert_no_error (error);
  g_clear_pointer (&props, g_free);
  props = g_variant_print (reply, FALSE);
  g_assert_cmpstr (props, ==, "([(2, {'enabled': <false>}), (6, {'icon-name': "
                              "<'application-exit'>})],)");
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_menu (fixture, "GetProperty", g_variant_new ("(is)", 1, "label"),
                     G_VARIANT_TYPE ("(v)"), &error);
  g_assert_no_error (error);
  assert_variant (reply, "(<'Sign _in'>,)");
  g_clear_pointer (&reply, g_variant_unref);

  /* Properties left out have their default value. */
  reply = call_menu (fixture, "GetProperty", g_variant_new ("(is)", 1, "enabled"),
                     G_VARIANT_TYPE ("(v)"), &error);
  g_assert_no_error (error);
  assert_variant (reply, "(<true>,)");
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_menu (fixture, "AboutToShow", g_variant_new ("(i)", 3), G_VARIANT_TYPE ("(b)"),
                     &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  reply = call (fixture->base.watcher->connection,
                gh_status_notifier_get_bus_name (fixture->base.notifier), MENU_PATH,
                "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new ("(s)", MENU_INTERFACE), G_VARIANT_TYPE ("(a{sv})"), &error);
  g_assert_no_error (error);
  menu_props = g_variant_get_child_value (reply, 0);
  assert_variant (menu_props, "{'Version': <uint32 3>, 'TextDirection': <'ltr'>, "
                              "'Status': <'normal'>, 'IconThemePath': <@as []>}");
}

static gboolean
has_activations (gpointer data)
{
  return ((MenuFixture *) data)->activations->len > 0;
}

static void
send_event (MenuFixture *fixture,
            int          id,
            const char  *event_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = call_menu (fixture, "Event",
                     g_variant_new ("(isvu)", id, event_id, g_variant_new_int32 (0), 0),
                     G_VARIANT_TYPE ("()"), &error);
  g_assert_no_error (error);
}

static gboolean
verbose_update_seen (gpointer data)
{
  return has_signal (data, "ItemsPropertiesUpdated ([(4, {'toggle-state': <1>})], [])");
}

static void
test_menu_event (MenuFixture   *fixture,
                 gconstpointer  data)
{
  g_autoptr(GVariant) state = NULL;
  g_autofree char *layout = NULL;
  guint revision_before = gh_dbus_menu_get_revision (fixture->dbus_menu);
  guint revision = 0;

  send_event (fixture, 1, "clicked");
  gh_test_wait_until (has_activations, fixture, TIMEOUT_MS);
  g_assert_cmpuint (fixture->activations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "login 'work'");

  /* Other events and disabled items do nothing. An activation runs before the main loop gets
   * to the reply, so there is nothing to wait for. */
  send_event (fixture, 1, "hovered");
  send_event (fixture, 2, "clicked");
  send_event (fixture, 5, "clicked");
  send_event (fixture, 6, "clicked");
  g_assert_cmpuint (fixture->activations->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 1), ==, "quit -");

  /* A checkmark: the action's state flips and the host hears about it without a relayout. */
  send_event (fixture, 4, "clicked");
  state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->actions), "verbose");
  g_assert_true (g_variant_get_boolean (state));
  gh_test_wait_until (verbose_update_seen, &fixture->base, TIMEOUT_MS);
  g_assert_cmpuint (count_signals (&fixture->base, "LayoutUpdated"), ==, 0);
  layout = get_layout (fixture, 4, 0, &revision);
  g_assert_cmpstr (layout, ==, "(4, {'label': <'Verbose'>, 'toggle-type': <'checkmark'>, "
                               "'toggle-state': <1>}, [])");
  g_assert_cmpuint (revision, ==, revision_before);

  /* Disabling an action greys its item out. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
    G_ACTION_MAP (fixture->actions), "quit")), FALSE);
  g_clear_pointer (&layout, g_free);
  layout = get_layout (fixture, 6, 0, &revision);
  g_assert_cmpstr (layout, ==, "(6, {'label': <'_Quit'>, 'enabled': <false>, "
                               "'icon-name': <'application-exit'>}, [])");
  g_assert_true (has_signal (&fixture->base,
                             "ItemsPropertiesUpdated ([(6, {'enabled': <false>})], [])"));
}

static void
assert_dbus_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (g_dbus_error_is_remote_error (error));
}

static void
test_menu_unknown_id (MenuFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *printed = NULL;

  reply = call_menu (fixture, "GetProperty", g_variant_new ("(is)", 999, "label"),
                     G_VARIANT_TYPE ("(v)"), &error);
  assert_dbus_error (error);
  g_assert_null (reply);
  g_clear_error (&error);

  reply = call_menu (fixture, "GetProperty", g_variant_new ("(is)", 1, "no-such-property"),
                     G_VARIANT_TYPE ("(v)"), &error);
  assert_dbus_error (error);
  g_clear_error (&error);

  reply = call_menu (fixture, "GetLayout", g_variant_new_parsed ("(999, -1, @as [])"),
                     G_VARIANT_TYPE ("(u(ia{sv}av))"), &error);
  assert_dbus_error (error);
  g_clear_error (&error);

  reply = call_menu (fixture, "AboutToShow", g_variant_new ("(i)", 999), G_VARIANT_TYPE ("(b)"),
                     &error);
  assert_dbus_error (error);
  g_clear_error (&error);

  reply = call_menu (fixture, "Event",
                     g_variant_new ("(isvu)", 999, "clicked", g_variant_new_int32 (0), 0),
                     G_VARIANT_TYPE ("()"), &error);
  assert_dbus_error (error);
  g_clear_error (&error);

  /* Group calls answer for the ids they know and list the others. */
  reply = call_menu (fixture, "GetGroupProperties", g_variant_new_parsed ("([999, 1], @as [])"),
                     G_VARIANT_TYPE ("(a(ia{sv}))"), &error);
  g_assert_no_error (error);
  printed = g_variant_print (reply, FALSE);
  g_assert_cmpstr (printed, ==, "([(1, {'label': <'Sign _in'>})],)");
  g_clear_pointer (&reply, g_variant_unref);

  reply = call_menu (fixture, "EventGroup",
                     g_variant_new_parsed ("([(999, 'clicked', <0>, uint32 0), "
                                           "(1, 'clicked', <0>, uint32 0)],)"),
                     G_VARIANT_TYPE ("(ai)"), &error);
  g_assert_no_error (error);
  assert_variant (reply, "([999],)");
  g_clear_pointer (&reply, g_variant_unref);
  g_assert_cmpuint (fixture->activations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "login 'work'");

  reply = call_menu (fixture, "AboutToShowGroup", g_variant_new_parsed ("([0, 999, 3],)"),
                     G_VARIANT_TYPE ("(aiai)"), &error);
  g_assert_no_error (error);
  assert_variant (reply, "(@ai [], [999])");
}

typedef struct
{
  MenuFixture *fixture;
  guint        revision;
} LayoutWait;

static gboolean
layout_updated_after (gpointer data)
{
  LayoutWait *wait = data;
  g_autofree char *expected = g_strdup_printf ("LayoutUpdated (%u, 0)", wait->revision + 1);

  return has_signal (&wait->fixture->base, expected);
}

static void
test_menu_items_changed (MenuFixture   *fixture,
                         gconstpointer  data)
{
  g_autofree char *layout = NULL;
  LayoutWait wait = { fixture, gh_dbus_menu_get_revision (fixture->dbus_menu) };
  guint revision = 0;

  /* A burst of changes makes one update. */
  g_menu_append (fixture->second_section, "_Sync AWS CLI profiles", "app.sync");
  g_menu_append (fixture->second_section, "Preferences…", "app.preferences");
  gh_test_wait_until (layout_updated_after, &wait, TIMEOUT_MS);
  g_assert_cmpuint (count_signals (&fixture->base, "LayoutUpdated"), ==, 1);

  layout = get_layout (fixture, 0, -1, &revision);
  g_test_message ("%s", layout);
  g_assert_cmpuint (revision, ==, wait.revision + 1);
  /* Actions the group lacks are shown disabled; existing items keep their ids. */
  g_assert_nonnull (strstr (layout, "<(6, {'label': <'_Quit'>, 'icon-name': "
                                    "<'application-exit'>}, @av [])>, "
                                    "<(8, {'label': <'_Sync AWS CLI profiles'>, "
                                    "'enabled': <false>}, @av [])>, "
                                    "<(9, {'label': <'Preferences…'>, 'enabled': <false>}, @av [])>"));

  /* Submenus are watched too, and the action appearing enables the item. */
  g_menu_append (fixture->more, "Debug", "app.sync");
  wait.revision++;
  gh_test_wait_until (layout_updated_after, &wait, TIMEOUT_MS);
  add_action (fixture, "sync", NULL, TRUE);
  g_clear_pointer (&layout, g_free);
  layout = get_layout (fixture, 3, -1, &revision);
  g_assert_cmpuint (revision, ==, wait.revision + 1);
  g_assert_cmpstr (layout, ==,
                   "(3, {'label': <'_More'>, 'children-display': <'submenu'>}, ["
                   "<(4, {'label': <'Verbose'>, 'toggle-type': <'checkmark'>, "
                   "'toggle-state': <0>}, @av [])>, <(10, {'label': <'Debug'>}, @av [])>])");
}

int
main (int    argc,
      char **argv)
{
  /* A session bus; nothing here needs a keyring. */
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_ISOLATE_DIRS | GH_TEST_ENV_NO_KEYRING);

  g_test_add ("/status-notifier/register", Fixture, NULL,
              fixture_setup, test_register, fixture_teardown);
  g_test_add ("/status-notifier/unique-name-fallback", Fixture, NULL,
              fixture_setup, test_unique_name_fallback, fixture_teardown);
  g_test_add ("/status-notifier/properties", Fixture, NULL,
              fixture_setup, test_properties, fixture_teardown);
  g_test_add ("/status-notifier/signals", Fixture, NULL,
              fixture_setup, test_signals, fixture_teardown);
  g_test_add ("/status-notifier/activate", Fixture, NULL,
              fixture_setup, test_activate, fixture_teardown);
  g_test_add ("/status-notifier/no-watcher", Fixture, NULL,
              fixture_setup, test_no_watcher, fixture_teardown);
  g_test_add ("/status-notifier/watcher-restart", Fixture, NULL,
              fixture_setup, test_watcher_restart, fixture_teardown);
  g_test_add ("/dbus-menu/layout", MenuFixture, NULL,
              menu_fixture_setup, test_menu_layout, menu_fixture_teardown);
  g_test_add ("/dbus-menu/event", MenuFixture, NULL,
              menu_fixture_setup, test_menu_event, menu_fixture_teardown);
  g_test_add ("/dbus-menu/unknown-id", MenuFixture, NULL,
              menu_fixture_setup, test_menu_unknown_id, menu_fixture_teardown);
  g_test_add ("/dbus-menu/items-changed", MenuFixture, NULL,
              menu_fixture_setup, test_menu_items_changed, menu_fixture_teardown);

  return gh_test_env_run ();
}
