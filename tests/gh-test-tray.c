/* gh-test-tray.c — the tray service under test, shared by the tray test programs
 *
 * A StatusNotifierWatcher in the test process receives the registration, a python3-dbusmock
 * notification daemon receives the notifications, the simulator is the AWS side and the
 * stand-in browser completes sign-ins and follows console links. The menu is read with
 * GetLayout and clicked with Event, as a tray host does.
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "gh-test-tray.h"
/* D-Bus calls without blocking the main loop (the simulator runs on it) */

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} Call;

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &call->error);
  call->done = TRUE;
}

static gboolean
call_done (gpointer data)
{
  return ((Call *) data)->done;
}

GVariant *
bus_call (GDBusConnection    *bus,
          const char         *name,
          const char         *path,
          const char         *iface,
          const char         *method,
          GVariant           *parameters,
          const GVariantType *reply_type,
          GError            **error)
{
  Call call = { 0, };

  g_dbus_connection_call (bus, name, path, iface, method, parameters, reply_type,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, call_cb, &call);
  gh_test_wait_until (call_done, &call, 15000);
  if (call.error != NULL)
    g_propagate_error (error, call.error);
  return call.reply;
}

GVariant *
call_full (TrayFixture        *fixture,
           const char         *name,
           const char         *path,
           const char         *iface,
           const char         *method,
           GVariant           *parameters,
           const GVariantType *reply_type,
           GError            **error)
{
  return bus_call (fixture->bus, name, path, iface, method, parameters, reply_type, error);
}

GVariant *
call (TrayFixture        *fixture,
      const char         *name,
      const char         *path,
      const char         *iface,
      const char         *method,
      GVariant           *parameters,
      const GVariantType *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = call_full (fixture, name, path, iface, method, parameters, reply_type,
                               &error);

  g_assert_no_error (error);
  return reply;
}

gboolean
name_has_owner (TrayFixture *fixture,
                const char  *name)
{
  g_autoptr(GVariant) reply = call (fixture, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                    "org.freedesktop.DBus", "NameHasOwner",
                                    g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"));
  gboolean owned;

  g_variant_get (reply, "(b)", &owned);
  return owned;
}

void
wait_for_name (TrayFixture *fixture,
               const char  *name,
               gboolean     owned)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (name_has_owner (fixture, name) != owned)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s was not %s in time", name, owned ? "owned" : "released");
      gh_test_sleep_ms (50);
    }
}

/* The mocks */

/* A test that fails does not tear down: its mocks must not outlive it (and hold the test
 * runner's pipes open). */
void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocess *
spawn_mock (const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               (g_test_verbose () ? 0 : G_SUBPROCESS_FLAGS_STDERR_SILENCE));
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list args;

  /* The PATH python may lack dbusmock (pyenv); Debian's has it. */
  g_ptr_array_add (argv, "/usr/bin/python3");
  g_ptr_array_add (argv, "-m");
  g_ptr_array_add (argv, "dbusmock");
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Replaces the fixture's notification daemon by a bare dbusmock object on `name` (its methods
 * come from AddMethods); it stays in fixture->notifyd for the teardown. */
void
replace_notification_daemon (TrayFixture *fixture,
                             const char  *name,
                             const char  *path,
                             const char  *iface)
{
  stop_process (&fixture->notifyd);
  wait_for_name (fixture, NOTIFY_NAME, FALSE);
  fixture->notifyd = spawn_mock ("--session", name, path, iface, NULL);
  wait_for_name (fixture, name, TRUE);
}

/* A StatusNotifierWatcher in the test process: its object is exported before it owns the name,
 * as a real watcher's is, so the item's registration never races the setup. */
static const char watcher_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierWatcher'>"
  "    <method name='RegisterStatusNotifierItem'><arg type='s' direction='in'/></method>"
  "    <method name='RegisterStatusNotifierHost'><arg type='s' direction='in'/></method>"
  "    <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
  "    <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
  "    <property name='ProtocolVersion' type='i' access='read'/>"
  "    <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
  "  </interface>"
  "</node>";

static void
watcher_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *path,
                     const char            *interface,
                     const char            *method,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  TrayFixture *fixture = user_data;
  const char *item;

  g_variant_get (parameters, "(&s)", &item);
  if (g_str_equal (method, "RegisterStatusNotifierItem"))
    g_ptr_array_add (fixture->registered, g_strdup (item[0] == '/' ? sender : item));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
watcher_get_property (GDBusConnection  *connection,
                      const char       *sender,
                      const char       *path,
                      const char       *interface,
                      const char       *name,
                      GError          **error,
                      gpointer          user_data)
{
  TrayFixture *fixture = user_data;

  if (g_str_equal (name, "RegisteredStatusNotifierItems"))
    return g_variant_new_strv ((const char * const *) fixture->registered->pdata,
                               fixture->registered->len);
  if (g_str_equal (name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  return g_variant_new_int32 (0);
}

static const GDBusInterfaceVTable watcher_vtable = {
  watcher_method_call, watcher_get_property, NULL,
};

void
start_watcher (TrayFixture *fixture)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (watcher_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  fixture->watcher_bus = g_dbus_connection_new_for_address_sync (
    address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->watcher_object = g_dbus_connection_register_object (fixture->watcher_bus, WATCHER_PATH,
                                                               info->interfaces[0],
                                                               &watcher_vtable, fixture, NULL,
                                                               &error);
  g_assert_no_error (error);
  fixture->watcher_name = g_bus_own_name_on_connection (fixture->watcher_bus, WATCHER_NAME,
                                                        G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL,
                                                        NULL, NULL);
  wait_for_name (fixture, WATCHER_NAME, TRUE);
}

void
stop_watcher (TrayFixture *fixture)
{
  if (fixture->watcher_bus == NULL)
    return;
  g_clear_handle_id (&fixture->watcher_name, g_bus_unown_name);
  g_dbus_connection_unregister_object (fixture->watcher_bus, fixture->watcher_object);
  g_dbus_connection_close_sync (fixture->watcher_bus, NULL, NULL);
  g_clear_object (&fixture->watcher_bus);
  wait_for_name (fixture, WATCHER_NAME, FALSE);
  g_ptr_array_set_size (fixture->registered, 0);
}

void
stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

/* Bus names the watcher was given, in order. */
static gpointer
copy_string (gconstpointer string,
             gpointer      unused)
{
  return g_strdup (string);
}

GPtrArray *
registrations (TrayFixture *fixture)
{
  return g_ptr_array_copy (fixture->registered, copy_string, NULL);
}


void
notification_free (Notification *n)
{
  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  g_free (n);
}

/* Notify calls the daemon received, in order. */
GPtrArray *
notifications (TrayFixture *fixture)
{
  g_autoptr(GVariant) reply = call (fixture, NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, "GetCalls",
                                    NULL, G_VARIANT_TYPE ("(a(tsav))"));
  g_autoptr(GVariantIter) iter = NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
  const char *method;
  GVariant *args;
  guint64 when;

  g_variant_get (reply, "(a(tsav))", &iter);
  while (g_variant_iter_next (iter, "(t&s@av)", &when, &method, &args))
    {
      if (g_str_equal (method, "Notify"))
        {
          Notification *n = g_new0 (Notification, 1);
          g_autoptr(GVariant) replaces = NULL;
          g_autoptr(GVariant) summary = NULL;
          g_autoptr(GVariant) body = NULL;
          g_autoptr(GVariant) actions = NULL;

          g_variant_get_child (args, 1, "v", &replaces);
          g_variant_get_child (args, 3, "v", &summary);
          g_variant_get_child (args, 4, "v", &body);
          g_variant_get_child (args, 5, "v", &actions);
          n->replaces = g_variant_get_uint32 (replaces);
          n->summary = g_variant_dup_string (summary, NULL);
          n->body = g_variant_dup_string (body, NULL);
          n->actions = g_variant_dup_strv (actions, NULL);
          g_ptr_array_add (list, n);
        }
      g_variant_unref (args);
    }
  return list;
}

/* The daemon's id of notification `index`: the template numbers new ones 1, 2, …. */
guint32
notification_id (GPtrArray *list,
                 guint      index)
{
  Notification *n = g_ptr_array_index (list, index);
  guint32 id = 0;

  if (n->replaces != 0)
    return n->replaces;
  for (guint i = 0; i <= index; i++)
    if (((Notification *) g_ptr_array_index (list, i))->replaces == 0)
      id++;
  return id;
}

/* Fixture */

void
tray_setup (TrayFixture   *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  gh_test_fixture_setup (&fixture->env, data);
  fixture->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  /* A previous test's service must be gone. */
  wait_for_name (fixture, SERVICE_NAME, FALSE);
  fixture->notifyd = spawn_mock ("--session", "--template", "notification_daemon", NULL);
  wait_for_name (fixture, NOTIFY_NAME, TRUE);
  fixture->registered = g_ptr_array_new_with_free_func (g_free);
  start_watcher (fixture);
}

void
tray_teardown (TrayFixture   *fixture,
               gconstpointer  data)
{
  if (fixture->service != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = NULL;

      /* A clean exit (so sanitizers see the shutdown), then make sure. */
      reply = call_full (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions", "Activate",
                         g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL, &error);
      if (error == NULL)
        {
          gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

          while (g_subprocess_get_identifier (fixture->service) != NULL &&
                 g_get_monotonic_time () < deadline)
            gh_test_sleep_ms (50);
        }
      if (g_subprocess_get_identifier (fixture->service) == NULL)
        {
          g_subprocess_wait (fixture->service, NULL, NULL);
          g_assert_true (g_subprocess_get_if_exited (fixture->service));
          g_assert_cmpint (g_subprocess_get_exit_status (fixture->service), ==, 0);
          g_clear_object (&fixture->service);
        }
      stop_process (&fixture->service);
    }
  stop_watcher (fixture);
  g_clear_pointer (&fixture->registered, g_ptr_array_unref);
  stop_process (&fixture->notifyd);
  g_clear_pointer (&fixture->item_name, g_free);
  g_clear_object (&fixture->bus);
  gh_test_fixture_teardown (&fixture->env, data);
}

/* Spawns `gatehouse --background` with `launcher`. */
void
spawn_service (TrayFixture         *fixture,
               GSubprocessLauncher *launcher)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  fixture->service = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GH_GATEHOUSE"),
                                                  "--background", NULL);
  g_assert_no_error (error);
}

/* Waits for the service's item to register; returns the milliseconds since `started`. */
gint64
wait_for_registration (TrayFixture *fixture,
                       gint64       started)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GPtrArray) names = registrations (fixture);

      if (names->len > 0)
        {
          fixture->item_name = g_strdup (g_ptr_array_index (names, names->len - 1));
          return (g_get_monotonic_time () - started) / 1000;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("The tray service never registered with the watcher");
      g_assert_nonnull (g_subprocess_get_identifier (fixture->service));
      gh_test_sleep_ms (10);
    }
}

/* Starts `gatehouse --background` and waits for its registration; returns the milliseconds
 * from spawn to registration. */
gint64
start_service (TrayFixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->env);
  gint64 started = g_get_monotonic_time ();

  g_subprocess_launcher_set_flags (launcher, g_test_verbose () ? G_SUBPROCESS_FLAGS_NONE
                                   : G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  spawn_service (fixture, launcher);
  return wait_for_registration (fixture, started);
}

GVariant *
item_property (TrayFixture *fixture,
               const char  *name)
{
  g_autoptr(GVariant) reply = call (fixture, fixture->item_name, "/StatusNotifierItem",
                                    "org.freedesktop.DBus.Properties", "Get",
                                    g_variant_new ("(ss)", "org.kde.StatusNotifierItem", name),
                                    G_VARIANT_TYPE ("(v)"));
  GVariant *value;

  g_variant_get (reply, "(v)", &value);
  return value;
}

/* The menu, as (id, label, enabled) rows in order. */

void
row_free (Row *row)
{
  g_free (row->label);
  g_free (row);
}

static void
collect_rows (GVariant  *node,
              GPtrArray *rows)
{
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) children = NULL;
  Row *row = g_new0 (Row, 1);
  const char *label = NULL;

  g_variant_get (node, "(i@a{sv}@av)", &row->id, &props, &children);
  row->enabled = TRUE;
  g_variant_lookup (props, "enabled", "b", &row->enabled);
  if (g_variant_lookup (props, "label", "&s", &label))
    row->label = g_strdup (label);
  g_ptr_array_add (rows, row);

  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (children, i);
      g_autoptr(GVariant) inner = g_variant_get_variant (child);

      collect_rows (inner, rows);
    }
}

GPtrArray *
menu_rows (TrayFixture *fixture)
{
  g_autoptr(GVariant) path = item_property (fixture, "Menu");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) layout = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  const char *names[] = { NULL };
  guint revision;

  g_assert_true (g_variant_is_of_type (path, G_VARIANT_TYPE_OBJECT_PATH));
  reply = call (fixture, fixture->item_name, g_variant_get_string (path, NULL),
                "com.canonical.dbusmenu", "GetLayout",
                g_variant_new ("(ii^as)", 0, -1, names), G_VARIANT_TYPE ("(u(ia{sv}av))"));
  g_variant_get (reply, "(u@(ia{sv}av))", &revision, &layout);
  collect_rows (layout, rows);
  return rows;
}

Row *
find_row (GPtrArray  *rows,
          const char *prefix)
{
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      if (row->label != NULL && g_str_has_prefix (row->label, prefix))
        return row;
    }
  return NULL;
}

char *
menu_text (GPtrArray *rows)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      g_string_append_printf (text, "%d %s%s\n", row->id, row->label ? row->label : "—",
                              row->enabled ? "" : " (disabled)");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Waits until the menu has a row starting with `prefix`; returns its id. */
int
wait_for_row (TrayFixture *fixture,
              const char  *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GPtrArray) rows = menu_rows (fixture);
      Row *row = find_row (rows, prefix);

      if (row != NULL)
        return row->id;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = menu_text (rows);

          g_error ("No menu row “%s” in:\n%s", prefix, text);
        }
      gh_test_sleep_ms (100);
    }
}

gboolean
browser_visited (TrayFixture *fixture,
                 const char  *fragment)
{
  g_auto(GStrv) urls = gh_test_browser_urls (&fixture->env);

  for (guint i = 0; urls[i] != NULL; i++)
    if (strstr (urls[i], fragment) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct
{
  TrayFixture *fixture;
  const char  *fragment;
} BrowserWait;

static gboolean
browser_visited_cb (gpointer data)
{
  BrowserWait *wait = data;

  return browser_visited (wait->fixture, wait->fragment);
}

void
wait_for_browser (TrayFixture *fixture,
                  const char  *fragment)
{
  BrowserWait wait = { fixture, fragment };

  gh_test_wait_until (browser_visited_cb, &wait, 30000);
}

/* The state of one session in the exported "sessions" action. */
char *
session_state (TrayFixture *fixture,
               const char  *name)
{
  g_autoptr(GVariant) reply = call (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions",
                                    "Describe", g_variant_new ("(s)", "sessions"),
                                    G_VARIANT_TYPE ("((bgav))"));
  g_autoptr(GVariant) states = NULL;
  g_autoptr(GVariant) state = NULL;
  g_autoptr(GVariant) entry = NULL;
  const char *status = NULL;
  gint64 expires, end;

  states = g_variant_get_child_value (g_variant_get_child_value (reply, 0), 2);
  g_assert_cmpuint (g_variant_n_children (states), ==, 1);
  g_variant_get_child (states, 0, "v", &state);
  g_assert_true (g_variant_is_of_type (state, G_VARIANT_TYPE ("a{s(sxx)}")));
  if (!g_variant_lookup (state, name, "(&sxx)", &status, &expires, &end))
    return NULL;
  return g_strdup (status);
}

void
print_memory (GSubprocess *process)
{
  const char *pid = g_subprocess_get_identifier (process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/smaps_rollup", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (pid == NULL || !g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Rss:") || g_str_has_prefix (lines[i], "Pss:"))
      g_test_message ("service %s", lines[i]);
}

gboolean
has_notification (TrayFixture *fixture,
                  const char  *fragment,
                  guint32     *id)
{
  g_autoptr(GPtrArray) list = notifications (fixture);

  for (guint i = 0; i < list->len; i++)
    {
      Notification *n = g_ptr_array_index (list, i);

      if (strstr (n->summary, fragment) != NULL)
        {
          if (id != NULL)
            *id = notification_id (list, i);
          return TRUE;
        }
    }
  return FALSE;
}


gboolean
signed_in_cb (gpointer data)
{
  StateWait *wait = data;
  g_autofree char *state = session_state (wait->fixture, wait->name);

  return g_strcmp0 (state, "signed-in") == 0;
}

/* Background refresh */

gint64
cached_expiry (TrayFixture *fixture,
               const char  *name)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, name, -1);
  g_autofree char *relative = g_strdup_printf (".aws/sso/cache/%s.json", hash);
  g_autofree char *path = gh_test_path (&fixture->env, relative);
  g_autofree char *contents = NULL;
  g_autoptr(GDateTime) when = NULL;
  const char *at;
  char value[32] = { 0, };

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  at = strstr (contents, "\"expiresAt\"");
  g_assert_nonnull (at);
  at = strchr (at + strlen ("\"expiresAt\""), '"');
  g_assert_nonnull (at);
  memcpy (value, at + 1, MIN (sizeof value - 1, strcspn (at + 1, "\"")));
  when = g_date_time_new_from_iso8601 (value, NULL);
  g_assert_nonnull (when);
  return g_date_time_to_unix (when);
}

char *
botocore_key (TrayFixture *fixture,
              const char  *profile)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "botocore-credentials.py", NULL);
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->env);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *python = g_getenv ("GH_PYTHON");

  g_assert_nonnull (python);
  process = g_subprocess_launcher_spawn (launcher, &error, python, script, profile, NULL);
  g_assert_no_error (error);
  if (gh_test_wait_cli (&fixture->env, process, &out, &err) != 0)
    g_error ("botocore failed: %s", err);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "ASIA"));
  return g_steal_pointer (&out);
}

void
botocore_resolves (TrayFixture *fixture)
{
  g_autofree char *key = botocore_key (fixture, "boto");
}

/* The key id of [section] in the credentials file (NULL without one). */
char *
section_key (TrayFixture *fixture,
             const char  *section)
{
  g_autofree char *path = gh_test_path (&fixture->env, ".aws/credentials");
  g_autoptr(GKeyFile) file = g_key_file_new ();

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_key_file_get_string (file, section, "aws_access_key_id", NULL);
}

/* Waits up to @seconds for [section] to hold another key than @old; returns the new one. */
char *
wait_for_new_key (TrayFixture *fixture,
                  const char  *section,
                  const char  *old,
                  int          seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *key = section_key (fixture, section);

      if (key != NULL && g_strcmp0 (key, old) != 0)
        return g_steal_pointer (&key);
      if (g_get_monotonic_time () > deadline)
        g_error ("[%s] was not rewritten within %d s", section, seconds);
      gh_test_sleep_ms (250);
    }
}

