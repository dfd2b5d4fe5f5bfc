/* test-service-client.c — GhServiceClient against a stand-in service on a private bus
 *
 * The stand-in exports a GSimpleActionGroup where GApplication exports the tray service's
 * actions and owns the application ID, on a connection of its own.
 */
#include "config.h"


#include "gh-service-client.h"
#include "gh-test-util.h"

#define OBJECT_PATH "/io/github/gatehouse/Gatehouse"

typedef struct
{
  GTestDBus          *bus;
  GDBusConnection    *connection;       /* the client's */
  GDBusConnection    *service;          /* the stand-in service's */
  GSimpleActionGroup *actions;
  guint               export_id;
  guint               owner_id;
  gboolean            owned;
  char               *activated;        /* the parameter "login" was activated with */
  char               *started_marker;   /* written if the bus ever starts the service */
} Fixture;

static GDBusConnection *
connect_to (GTestDBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* A D-Bus service file that only leaves a mark: the client must never make the bus use it. */
static char *
write_service_dir (Fixture *fixture)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "services", NULL);
  g_autofree char *file = g_build_filename (dir, APPLICATION_ID ".service", NULL);
  g_autofree char *contents = NULL;

  fixture->started_marker = g_build_filename (g_get_user_runtime_dir (), "started", NULL);
  contents = g_strdup_printf ("[D-BUS Service]\nName=%s\nExec=/usr/bin/touch %s\n",
                              APPLICATION_ID, fixture->started_marker);
  gh_test_write_file (file, contents, -1);
  return g_steal_pointer (&dir);
}

static void
login_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  Fixture *fixture = user_data;

  g_free (fixture->activated);
  fixture->activated = g_variant_dup_string (parameter, NULL);
}

static void
name_acquired (GDBusConnection *connection,
               const char      *name,
               gpointer         user_data)
{
  ((Fixture *) user_data)->owned = TRUE;
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Iterates the main loop until @condition holds; fails the test after ten seconds. */
static void
wait_for (gboolean   (*condition) (gpointer),
          gpointer     data,
          const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, keep_waking, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *services = NULL;

  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  services = write_service_dir (fixture);
  g_test_dbus_add_service_dir (fixture->bus, services);
  g_test_dbus_up (fixture->bus);
  fixture->connection = connect_to (fixture->bus);
  fixture->service = connect_to (fixture->bus);
}

/* The stand-in service: its actions exported, then its name owned, as GApplication does. */
static void
start_service (Fixture *fixture)
{
  static const GActionEntry entries[] = {
    { "login", login_activated, "s", NULL, NULL, { 0 } },
    { "sign-in-prompts", NULL, NULL, "@a{s(ss)} {}", NULL, { 0 } },
  };
  g_autoptr(GError) error = NULL;

  fixture->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->actions), entries,
                                   G_N_ELEMENTS (entries), fixture);
  fixture->export_id = g_dbus_connection_export_action_group (fixture->service, OBJECT_PATH,
                                                              G_ACTION_GROUP (fixture->actions),
                                                              &error);
  g_assert_no_error (error);
  fixture->owner_id = g_bus_own_name_on_connection (fixture->service, APPLICATION_ID,
                                                    G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired,
                                                    NULL, fixture, NULL);
  wait_for (flag_set, &fixture->owned, "the service's name");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->owner_id != 0)
    g_bus_unown_name (fixture->owner_id);
  if (fixture->export_id != 0)
    g_dbus_connection_unexport_action_group (fixture->service, fixture->export_id);
  g_clear_object (&fixture->actions);
  g_dbus_connection_close_sync (fixture->connection, NULL, NULL);
  g_dbus_connection_close_sync (fixture->service, NULL, NULL);
  g_clear_object (&fixture->connection);
  g_clear_object (&fixture->service);
  g_test_dbus_down (fixture->bus);
  g_clear_object (&fixture->bus);
  g_free (fixture->activated);
  g_free (fixture->started_marker);
}

typedef struct
{
  gboolean  done;
  gboolean  activated;
  GError   *error;
} Activate;

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Activate *activate = user_data;

  activate->activated = gh_service_client_activate_finish (GH_SERVICE_CLIENT (object), result,
                                                           &activate->error);
  activate->done = TRUE;
}

static void
activate (GhServiceClient *client,
          const char      *action_name,
          GVariant        *parameter,
          Activate        *activate)
{
  gh_service_client_activate_async (client, action_name, parameter, NULL, activated_cb,
                                    activate);
  wait_for (flag_set, &activate->done, "the activation to complete");
  g_assert_true (activate->activated == (activate->error == NULL));
}

static gboolean
activated_seen (gpointer data)
{
  return ((Fixture *) data)->activated != NULL;
}

static void
test_activate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GhServiceClient) client = gh_service_client_new (fixture->connection);
  Activate result = { 0, };

  start_service (fixture);
  activate (client, "login", g_variant_new_string ("work"), &result);
  g_assert_no_error (result.error);

  /* Sent: the service sees it even if the client goes away now. */
  g_clear_object (&client);
  wait_for (activated_seen, fixture, "the service's action");
  g_assert_cmpstr (fixture->activated, ==, "work");
}

/* No service: an error, and the bus was not asked to start one. */
static void
test_not_running (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GhServiceClient) client = gh_service_client_new (fixture->connection);
  Activate result = { 0, };

  activate (client, "login", g_variant_new_string ("work"), &result);
  g_assert_error (result.error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
  g_clear_error (&result.error);

  /* The bus would have spawned the service file's command by now. */
  g_usleep (300 * 1000);
  g_assert_false (g_file_test (fixture->started_marker, G_FILE_TEST_EXISTS));
}

static void
action_added (GActionGroup *group,
              const char   *action_name,
              gboolean     *seen)
{
  if (g_str_equal (action_name, "login"))
    *seen = TRUE;
}

/* The actions under the well-known name, for a window to watch. */
static void
test_actions (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GhServiceClient) client = gh_service_client_new (fixture->connection);
  g_auto(GStrv) names = NULL;
  GActionGroup *actions;
  gboolean seen = FALSE;

  start_service (fixture);
  actions = gh_service_client_get_actions (client);
  g_assert_true (G_IS_DBUS_ACTION_GROUP (actions));
  g_assert_true (actions == gh_service_client_get_actions (client));

  g_signal_connect (actions, "action-added", G_CALLBACK (action_added), &seen);
  /* The first query starts filling it in. */
  names = g_action_group_list_actions (actions);
  wait_for (flag_set, &seen, "the service's actions");
  g_assert_true (g_action_group_has_action (actions, "login"));
  g_assert_true (g_variant_type_equal (g_action_group_get_action_parameter_type (actions,
                                                                                "login"),
                                       G_VARIANT_TYPE_STRING));
}

typedef struct
{
  GhServiceClient *client;
  const char      *expected;   /* the prompts in GVariant text format */
  guint            notified;
} PromptsWait;

static void
prompts_notified (GhServiceClient *client,
                  GParamSpec      *pspec,
                  PromptsWait     *wait)
{
  wait->notified++;
}

static gboolean
was_notified (gpointer data)
{
  return ((PromptsWait *) data)->notified > 0;
}

static gboolean
prompts_are (gpointer data)
{
  PromptsWait *wait = data;
  g_autoptr(GVariant) expected = g_variant_ref_sink (g_variant_new_parsed (wait->expected));

  return g_variant_equal (gh_service_client_get_sign_in_prompts (wait->client), expected);
}

/* The stand-in's action, like the tray's, changes only from the service's side. */
static void
set_service_prompts (Fixture     *fixture,
                     PromptsWait *wait,
                     const char  *text)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (fixture->actions),
                                                "sign-in-prompts");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_parsed (text));
  wait->expected = text;
}

/* The device-code prompts follow the service's "sign-in-prompts" state, of a service that
 * starts after the client, and go away with the service. */
static void
test_sign_in_prompts (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GhServiceClient) client = gh_service_client_new (fixture->connection);
  g_autoptr(GObject) before = g_object_ref (G_OBJECT (gh_service_client_get_actions (client)));
  PromptsWait wait = { client, "@a{s(ss)} {}", 0 };
  PromptsWait replaced = { client, NULL, 0 };

  g_assert_true (prompts_are (&wait));
  /* The group made while the service was away never learns of it: a new one when it comes. */
  g_signal_connect (client, "notify::actions", G_CALLBACK (prompts_notified), &replaced);
  start_service (fixture);
  g_signal_connect (client, "notify::sign-in-prompts", G_CALLBACK (prompts_notified), &wait);
  set_service_prompts (fixture, &wait,
                       "{'work': ('https://device.example/?user_code=ABCD-EFGH', 'ABCD-EFGH')}");
  wait_for (prompts_are, &wait, "the prompt");
  g_assert_cmpuint (wait.notified, ==, 1);

  set_service_prompts (fixture, &wait, "@a{s(ss)} {}");
  wait_for (prompts_are, &wait, "the prompt to go");
  g_assert_cmpuint (wait.notified, ==, 2);

  /* The service exits while a sign-in waits: nothing waits any more. */
  set_service_prompts (fixture, &wait, "{'work': ('https://device.example/', 'WXYZ-0000')}");
  wait_for (prompts_are, &wait, "the second prompt");
  g_bus_unown_name (fixture->owner_id);
  fixture->owner_id = 0;
  wait.expected = "@a{s(ss)} {}";
  wait_for (prompts_are, &wait, "the prompt to go with the service");
  g_assert_cmpuint (wait.notified, ==, 4);

  /* It comes back: a group that asks the new one. */
  replaced.notified = 0;
  g_clear_object (&before);
  before = g_object_ref (G_OBJECT (gh_service_client_get_actions (client)));
  fixture->owned = FALSE;
  fixture->owner_id = g_bus_own_name_on_connection (fixture->service, APPLICATION_ID,
                                                    G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired,
                                                    NULL, fixture, NULL);
  wait_for (flag_set, &fixture->owned, "the service's name again");
  wait_for (was_notified, &replaced, "a new action group");
  g_assert_true (G_OBJECT (gh_service_client_get_actions (client)) != before);
  wait.expected = "{'work': ('https://device.example/', 'WXYZ-0000')}";
  wait_for (prompts_are, &wait, "the prompt of the service come back");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/service-client/activate", Fixture, NULL, fixture_setup, test_activate,
              fixture_teardown);
  g_test_add ("/service-client/not-running", Fixture, NULL, fixture_setup, test_not_running,
              fixture_teardown);
  g_test_add ("/service-client/actions", Fixture, NULL, fixture_setup, test_actions,
              fixture_teardown);
  g_test_add ("/service-client/sign-in-prompts", Fixture, NULL, fixture_setup,
              test_sign_in_prompts, fixture_teardown);

  return g_test_run ();
}
