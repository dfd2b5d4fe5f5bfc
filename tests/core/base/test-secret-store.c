/* test-secret-store.c — integration tests for src/core/base/gh-secret-store.c
 *
 * Runs against a real gnome-keyring-daemon on the test program's private session bus
 * (fixtures/gh-test-desktop.h).
 * Locking is tested on a throw-away default collection (gh-test-keyring.h) that the test can
 * unlock again without a prompt.
 */
#include "config.h"

#include <glib/gstdio.h>

#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "gh-error.h"
#include "gh-secret-store.h"
#include "gh-test-env.h"
#include "gh-test-keyring.h"

#define URL_A "https://d-1234567890.awsapps.com/start"
#define URL_B "https://my-sso-portal.awsapps.com/start"

/* The same schema gh-secret-store.c uses: this is the contract other tools (seahorse,
 * secret-tool) see, so it is spelled out here rather than borrowed. */
static const SecretSchema test_schema = {
  "io.github.gatehouse.Gatehouse.Secret", SECRET_SCHEMA_NONE,
  {
    { "session", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "start-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static GAsyncResult *
await_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static gboolean
store (const char    *session,
       const char    *url,
       GhSecretKind   kind,
       const char    *secret,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  gh_secret_store_store_async (session, url, kind, secret, NULL, on_result, &result);
  return gh_secret_store_store_finish (await_result (&result), error);
}

static char *
lookup (const char    *session,
        const char    *url,
        GhSecretKind   kind,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  gh_secret_store_lookup_async (session, url, kind, NULL, on_result, &result);
  return gh_secret_store_lookup_finish (await_result (&result), error);
}

static gboolean
clear (const char    *session,
       GhSecretKind   kind,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  gh_secret_store_clear_async (session, kind, NULL, on_result, &result);
  return gh_secret_store_clear_finish (await_result (&result), error);
}

static void
assert_lookup (const char   *session,
               const char   *url,
               GhSecretKind  kind,
               const char   *expected)
{
  g_autoptr(GError) error = NULL;
  char *secret = lookup (session, url, kind, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, expected);
  gh_secret_free (secret);
}

static void
assert_store (const char   *session,
              const char   *url,
              GhSecretKind  kind,
              const char   *secret)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store (session, url, kind, secret, &error));
  g_assert_no_error (error);
}

static void
assert_clear (const char   *session,
              GhSecretKind  kind)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (clear (session, kind, &error));
  g_assert_no_error (error);
}

static SecretService *
get_service (void)
{
  g_autoptr(GError) error = NULL;
  SecretService *service;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                                     NULL, &error);
  g_assert_no_error (error);
  return service;
}

/* All items of ours for a session, in every collection, locked or not. */
static GList *
find_items (const char *session,
            const char *kind)
{
  g_autoptr(SecretService) service = get_service ();
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  /* secret_service_search_sync rather than secret_password_search_sync, which leaks in
   * libsecret 0.20. */
  attributes = secret_attributes_build (&test_schema, "session", session, "kind", kind, NULL);
  items = secret_service_search_sync (service, &test_schema, attributes, SECRET_SEARCH_ALL,
                                      NULL, &error);
  g_assert_no_error (error);
  return items;
}

static void
test_roundtrip (void)
{
  const char *registration = "{\"clientId\": \"c\", \"clientSecret\": \"s\"}";

  assert_store ("roundtrip", URL_A, GH_SECRET_REFRESH_TOKEN, "aorEXAMPLE");
  assert_store ("roundtrip", URL_A, GH_SECRET_REGISTRATION, registration);

  assert_lookup ("roundtrip", URL_A, GH_SECRET_REFRESH_TOKEN, "aorEXAMPLE");
  assert_lookup ("roundtrip", URL_A, GH_SECRET_REGISTRATION, registration);
  /* The start URL is part of the key. */
  assert_lookup ("roundtrip", URL_B, GH_SECRET_REFRESH_TOKEN, NULL);

  assert_clear ("roundtrip", GH_SECRET_REFRESH_TOKEN);
  assert_clear ("roundtrip", GH_SECRET_REGISTRATION);
  assert_lookup ("roundtrip", URL_A, GH_SECRET_REFRESH_TOKEN, NULL);
  assert_lookup ("roundtrip", URL_A, GH_SECRET_REGISTRATION, NULL);
}

static void
test_missing (void)
{
  assert_lookup ("never-stored", URL_A, GH_SECRET_REFRESH_TOKEN, NULL);
  assert_lookup ("never-stored", URL_A, GH_SECRET_REGISTRATION, NULL);
  /* Clearing nothing is fine. */
  assert_clear ("never-stored", GH_SECRET_REFRESH_TOKEN);
}

static void
test_overwrite (void)
{
  g_autolist(SecretItem) items = NULL;

  assert_store ("overwrite", URL_A, GH_SECRET_REFRESH_TOKEN, "first");
  assert_store ("overwrite", URL_A, GH_SECRET_REFRESH_TOKEN, "second");
  assert_lookup ("overwrite", URL_A, GH_SECRET_REFRESH_TOKEN, "second");

  /* Replaced, not added. */
  items = find_items ("overwrite", "refresh-token");
  g_assert_cmpuint (g_list_length (items), ==, 1);

  assert_clear ("overwrite", GH_SECRET_REFRESH_TOKEN);
}

static void
test_clear (void)
{
  g_autolist(SecretItem) refresh_items = NULL;
  g_autolist(SecretItem) registration_items = NULL;

  assert_store ("clear", URL_A, GH_SECRET_REFRESH_TOKEN, "token-a");
  assert_store ("clear", URL_B, GH_SECRET_REFRESH_TOKEN, "token-b");
  assert_store ("clear", URL_A, GH_SECRET_REGISTRATION, "{}");

  /* Every start URL, only this kind. */
  assert_clear ("clear", GH_SECRET_REFRESH_TOKEN);
  assert_lookup ("clear", URL_A, GH_SECRET_REFRESH_TOKEN, NULL);
  assert_lookup ("clear", URL_B, GH_SECRET_REFRESH_TOKEN, NULL);
  assert_lookup ("clear", URL_A, GH_SECRET_REGISTRATION, "{}");

  refresh_items = find_items ("clear", "refresh-token");
  g_assert_null (refresh_items);

  assert_clear ("clear", GH_SECRET_REFRESH_TOKEN);
  assert_clear ("clear", GH_SECRET_REGISTRATION);
  registration_items = find_items ("clear", "registration");
  g_assert_null (registration_items);
}

static void
test_sessions_isolated (void)
{
  assert_store ("work", URL_A, GH_SECRET_REFRESH_TOKEN, "work-token");
  assert_store ("personal", URL_A, GH_SECRET_REFRESH_TOKEN, "personal-token");

  assert_lookup ("work", URL_A, GH_SECRET_REFRESH_TOKEN, "work-token");
  assert_lookup ("personal", URL_A, GH_SECRET_REFRESH_TOKEN, "personal-token");

  assert_clear ("work", GH_SECRET_REFRESH_TOKEN);
  assert_lookup ("work", URL_A, GH_SECRET_REFRESH_TOKEN, NULL);
  assert_lookup ("personal", URL_A, GH_SECRET_REFRESH_TOKEN, "personal-token");

  assert_clear ("personal", GH_SECRET_REFRESH_TOKEN);
}

static void
test_label (void)
{
  g_autoptr(SecretService) service = get_service ();
  g_autoptr(SecretCollection) collection = NULL;
  g_autolist(SecretItem) refresh_items = NULL;
  g_autolist(SecretItem) registration_items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *registration_label = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *schema_name = NULL;
  SecretItem *item;

  assert_store ("label", URL_A, GH_SECRET_REFRESH_TOKEN, "x");
  assert_store ("label", URL_A, GH_SECRET_REGISTRATION, "{}");

  refresh_items = find_items ("label", "refresh-token");
  g_assert_cmpuint (g_list_length (refresh_items), ==, 1);
  item = refresh_items->data;
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "Gatehouse: refresh token for “label”");
  schema_name = secret_item_get_schema_name (item);
  g_assert_cmpstr (schema_name, ==, "io.github.gatehouse.Gatehouse.Secret");

  /* In the default collection. */
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  prefix = g_strconcat (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)), "/", NULL);
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)), prefix));

  registration_items = find_items ("label", "registration");
  g_assert_cmpuint (g_list_length (registration_items), ==, 1);
  registration_label = secret_item_get_label (registration_items->data);
  g_assert_cmpstr (registration_label, ==, "Gatehouse: client registration for “label”");

  assert_clear ("label", GH_SECRET_REFRESH_TOKEN);
  assert_clear ("label", GH_SECRET_REGISTRATION);
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  gh_secret_store_store_async ("cancelled", URL_A, GH_SECRET_REFRESH_TOKEN, "x", cancellable,
                               on_result, &result);
  g_assert_false (gh_secret_store_store_finish (await_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  assert_lookup ("cancelled", URL_A, GH_SECRET_REFRESH_TOKEN, NULL);
}

static void
assert_all_fail_locked (void)
{
  g_autoptr(GError) store_error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(GError) clear_error = NULL;
  char *secret;

  g_assert_false (store ("locked", URL_A, GH_SECRET_REFRESH_TOKEN, "new", &store_error));
  g_assert_error (store_error, GH_ERROR, GH_ERROR_KEYRING);
  g_assert_cmpstr (store_error->message, ==,
                   "The login keyring is locked. Unlock it and try again.");

  secret = lookup ("locked", URL_A, GH_SECRET_REFRESH_TOKEN, &lookup_error);
  g_assert_null (secret);
  g_assert_error (lookup_error, GH_ERROR, GH_ERROR_KEYRING);

  g_assert_false (clear ("locked", GH_SECRET_REFRESH_TOKEN, &clear_error));
  g_assert_error (clear_error, GH_ERROR, GH_ERROR_KEYRING);
}

static void
assert_only_old_item (void)
{
  g_autolist(SecretItem) items = NULL;

  assert_lookup ("locked", URL_A, GH_SECRET_REFRESH_TOKEN, "old");
  items = find_items ("locked", "refresh-token");
  g_assert_cmpuint (g_list_length (items), ==, 1);
}

static void
test_locked (GhTestKeyring *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GDBusConnection) other = NULL;
  g_autofree char *address = NULL;
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (fixture->collection));
  gint64 start;

  assert_store ("locked", URL_A, GH_SECRET_REFRESH_TOKEN, "old");

  /* Locked through libsecret (the same service object gh-secret-store uses)... */
  gh_test_keyring_lock (fixture);

  /* ... fails at once: no prompt, no retry. */
  start = g_get_monotonic_time ();
  assert_all_fail_locked ();
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  gh_test_keyring_unlock (fixture);
  assert_only_old_item ();

  /* ...and by somebody else (a screen locker) on another connection. */
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  other = g_dbus_connection_new_for_address_sync (address,
                                                  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                  NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (other,
                                       "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service",
                                       "Lock",
                                       g_variant_new_parsed ("([%o],)", path),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  gh_test_keyring_wait_for_locked (fixture, TRUE);
  assert_all_fail_locked ();

  gh_test_keyring_unlock (fixture);
  assert_only_old_item ();

  assert_clear ("locked", GH_SECRET_REFRESH_TOKEN);
}

static void
test_no_default_collection (GhTestKeyring *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autolist(SecretItem) items = NULL;
  char *secret;

  secret_service_set_alias_sync (fixture->service, SECRET_COLLECTION_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (store ("no-default", URL_A, GH_SECRET_REFRESH_TOKEN, "x", &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_KEYRING);
  g_assert_nonnull (strstr (error->message, "default keyring"));

  secret = lookup ("no-default", URL_A, GH_SECRET_REFRESH_TOKEN, &lookup_error);
  g_assert_null (secret);
  g_assert_error (lookup_error, GH_ERROR, GH_ERROR_KEYRING);

  items = find_items ("no-default", "refresh-token");
  g_assert_null (items);
}

static void
assert_no_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(GError) clear_error = NULL;
  char *secret;

  g_assert_false (store ("no-service", URL_A, GH_SECRET_REFRESH_TOKEN, "x", &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==,
                   "No keyring is available: the Secret Service (e.g. gnome-keyring) is not "
                   "running on the session bus.");

  secret = lookup ("no-service", URL_A, GH_SECRET_REFRESH_TOKEN, &lookup_error);
  g_assert_null (secret);
  g_assert_error (lookup_error, GH_ERROR, GH_ERROR_KEYRING);

  g_assert_false (clear ("no-service", GH_SECRET_REFRESH_TOKEN, &clear_error));
  g_assert_error (clear_error, GH_ERROR, GH_ERROR_KEYRING);
}

static void
test_no_session_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("gh-no-bus-XXXXXX", NULL);
      g_autofree char *address = g_strdup_printf ("unix:path=%s/no-such-socket", dir);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      assert_no_service ();
      g_rmdir (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_no_secret_service (void)
{
  if (g_test_subprocess ())
    {
      /* A bus with nothing on it and nothing to activate. */
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      g_test_dbus_up (bus);
      assert_no_service ();
      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A stand-in Secret Service whose ReadAlias fails the first @failures times, then answers that
 * there is no default collection. */
static const char fake_service_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Secret.Service'>"
  "    <method name='ReadAlias'>"
  "      <arg name='name' type='s' direction='in'/>"
  "      <arg name='collection' type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  guint calls;
  guint failures;
} FakeService;

static void
fake_service_method_call (GDBusConnection       *connection,
                          const char            *sender,
                          const char            *object_path,
                          const char            *interface_name,
                          const char            *method_name,
                          GVariant              *parameters,
                          GDBusMethodInvocation *invocation,
                          gpointer               user_data)
{
  FakeService *fake = user_data;

  g_assert_cmpstr (method_name, ==, "ReadAlias");

  if (fake->calls++ < fake->failures)
    g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.Failed",
                                                "simulated keyring failure");
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", "/"));
}

static const GDBusInterfaceVTable fake_service_vtable = {
  .method_call = fake_service_method_call,
};

static void
run_with_fake_service (FakeService *fake)
{
  g_autoptr(GTestDBus) test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;
  guint id;

  g_test_dbus_up (test_bus);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  info = g_dbus_node_info_new_for_xml (fake_service_xml, &error);
  g_assert_no_error (error);
  id = g_dbus_connection_register_object (bus, "/org/freedesktop/secrets", info->interfaces[0],
                                          &fake_service_vtable, fake, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);

  {
    g_autoptr(GError) store_error = NULL;
    gint64 start = g_get_monotonic_time ();

    g_assert_false (store ("retry", URL_A, GH_SECRET_REFRESH_TOKEN, "x", &store_error));
    g_assert_error (store_error, GH_ERROR, GH_ERROR_KEYRING);

    /* One retry, after a pause. */
    g_assert_cmpuint (fake->calls, ==, 2);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC * 9 / 10);

    if (fake->failures >= 2)
      g_assert_nonnull (strstr (store_error->message, "simulated keyring failure"));
    else
      g_assert_nonnull (strstr (store_error->message, "default keyring"));
  }

  g_dbus_connection_unregister_object (bus, id);
  g_clear_object (&bus);
  g_test_dbus_down (test_bus);
}

/* data: how many times the fake keyring fails before it works */
static void
test_retry (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      FakeService fake = { .failures = GPOINTER_TO_UINT (data) };

      run_with_fake_service (&fake);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: the keyring daemon lives in the program's dirs. */
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  g_test_add_func ("/secret-store/roundtrip", test_roundtrip);
  g_test_add_func ("/secret-store/missing", test_missing);
  g_test_add_func ("/secret-store/overwrite", test_overwrite);
  g_test_add_func ("/secret-store/clear", test_clear);
  g_test_add_func ("/secret-store/sessions-isolated", test_sessions_isolated);
  g_test_add_func ("/secret-store/label", test_label);
  g_test_add_func ("/secret-store/cancelled", test_cancelled);
  g_test_add ("/secret-store/locked", GhTestKeyring, NULL,
              gh_test_keyring_setup, test_locked, gh_test_keyring_teardown);
  g_test_add ("/secret-store/no-default-collection", GhTestKeyring, NULL,
              gh_test_keyring_setup, test_no_default_collection, gh_test_keyring_teardown);
  g_test_add_func ("/secret-store/no-service/no-session-bus", test_no_session_bus);
  g_test_add_func ("/secret-store/no-service/empty-bus", test_no_secret_service);
  g_test_add_data_func ("/secret-store/retry/recovers", GUINT_TO_POINTER (1), test_retry);
  g_test_add_data_func ("/secret-store/retry/gives-up", GUINT_TO_POINTER (2), test_retry);

  return gh_test_env_run ();
}
