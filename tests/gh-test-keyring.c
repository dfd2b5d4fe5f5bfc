/* gh-test-keyring.c — a throw-away default keyring that tests can lock and unlock */
#include "config.h"

#define SECRET_API_SUBJECT_TO_CHANGE
#include <libsecret/secret.h>

#include "gh-test-keyring.h"

#define TEST_KEYRING_PASSWORD "gatehouse-test-password"
#define GUILT_RIDDEN_INTERFACE "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"

static GVariant *
encode_password (SecretService *service)
{
  g_autoptr(SecretValue) value = secret_value_new (TEST_KEYRING_PASSWORD, -1, "text/plain");

  return secret_service_encode_dbus_secret (service, value);
}

void
gh_test_keyring_setup (GhTestKeyring *keyring,
                       gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder properties;
  const char *path = NULL;

  keyring->service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION |
                                              SECRET_SERVICE_LOAD_COLLECTIONS,
                                              NULL, &error);
  g_assert_no_error (error);
  keyring->bus = g_object_ref (g_dbus_proxy_get_connection (G_DBUS_PROXY (keyring->service)));

  keyring->original_default = secret_collection_for_alias_sync (keyring->service,
                                                                SECRET_COLLECTION_DEFAULT,
                                                                SECRET_COLLECTION_NONE,
                                                                NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keyring->original_default);

  g_variant_builder_init (&properties, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&properties, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string ("Gatehouse test keyring"));
  reply = g_dbus_connection_call_sync (keyring->bus,
                                       "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       GUILT_RIDDEN_INTERFACE,
                                       "CreateWithMasterPassword",
                                       g_variant_new ("(a{sv}@(oayays))", &properties,
                                                      encode_password (keyring->service)),
                                       G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&o)", &path);

  keyring->collection = secret_collection_new_for_dbus_path_sync (keyring->service, path,
                                                                  SECRET_COLLECTION_NONE,
                                                                  NULL, &error);
  g_assert_no_error (error);

  secret_service_set_alias_sync (keyring->service, SECRET_COLLECTION_DEFAULT,
                                 keyring->collection, NULL, &error);
  g_assert_no_error (error);
}

void
gh_test_keyring_teardown (GhTestKeyring *keyring,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* A test may end with it locked; deleting a locked collection could prompt. */
  if (secret_collection_get_locked (keyring->collection))
    gh_test_keyring_unlock (keyring);

  secret_service_set_alias_sync (keyring->service, SECRET_COLLECTION_DEFAULT,
                                 keyring->original_default, NULL, &error);
  g_assert_no_error (error);

  secret_collection_delete_sync (keyring->collection, NULL, &error);
  g_assert_no_error (error);

  g_clear_object (&keyring->collection);
  g_clear_object (&keyring->original_default);
  g_clear_object (&keyring->bus);
  g_clear_object (&keyring->service);
}

void
gh_test_keyring_wait_for_locked (GhTestKeyring *keyring,
                                 gboolean       locked)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (secret_collection_get_locked (keyring->collection) != locked)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
gh_test_keyring_lock (GhTestKeyring *keyring)
{
  g_autolist(GDBusProxy) objects = NULL;
  g_autoptr(GError) error = NULL;

  objects = g_list_append (NULL, g_object_ref (keyring->collection));
  g_assert_cmpint (secret_service_lock_sync (keyring->service, objects, NULL, NULL, &error),
                   ==, 1);
  g_assert_no_error (error);
  gh_test_keyring_wait_for_locked (keyring, TRUE);
}

void
gh_test_keyring_unlock (GhTestKeyring *keyring)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (keyring->collection));

  reply = g_dbus_connection_call_sync (keyring->bus,
                                       "org.freedesktop.secrets",
                                       "/org/freedesktop/secrets",
                                       GUILT_RIDDEN_INTERFACE,
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o@(oayays))", path,
                                                      encode_password (keyring->service)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  gh_test_keyring_wait_for_locked (keyring, FALSE);
}

/* Role credentials in the keyring */

GList *
gh_test_keyring_find_role_credentials (const char *name,
                                       const char *account_id,
                                       const char *role_name)
{
  static const SecretSchema schema = {
    "io.github.gatehouse.Gatehouse.Secret", SECRET_SCHEMA_NONE,
    {
      { "session", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "role", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_assert_no_error (error);
  attributes = secret_attributes_build (&schema, "session", name, "kind", "role-credentials",
                                        "account-id", account_id, "role", role_name, NULL);
  /* An item deleted between the search and the loading of its properties (while a test waits
   * for exactly that) fails the search: search again. */
  for (guint attempt = 0;; attempt++)
    {
      items = secret_service_search_sync (service, &schema, attributes, SECRET_SEARCH_ALL, NULL,
                                          &error);
      if (attempt < 5 && g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD))
        {
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      return items;
    }
}

guint
gh_test_keyring_count_role_credentials (const char *name,
                                        const char *account_id,
                                        const char *role_name)
{
  GList *items = gh_test_keyring_find_role_credentials (name, account_id, role_name);
  guint n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
}
