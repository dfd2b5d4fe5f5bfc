/* gh-secret-store.c — refresh tokens, client registrations and role credentials in the desktop
 * keyring
 *
 * Items live in the default collection (normally the "login" keyring) under our own schema.
 * Gatehouse runs as a CLI and as a tray service, so it must never wait on an unlock prompt: a
 * locked collection is reported as an error the person can act on, and every call below is
 * made without SECRET_SEARCH_UNLOCK or any other flag that could show a prompt.
 *
 * Secret values travel as SecretValue (libsecret's non-pageable memory) and are never logged.
 *
 * Role credentials also get a fast copy in the kernel keyring (gh-kernel-keyring.c), because
 * `credential_process` runs on every AWS command and a Secret Service session costs 25–30 ms
 * of D-Bus round trips and key exchange. The keyring stays the store of record: the copy is
 * written only once the keyring took the item, is dropped before the keyring item is
 * cleared (whether or not that succeeds), expires with the credentials, and lives in one
 * kernel keyring per sign-in and session bus (the keyring daemon the items are in), named
 * "gatehouse:BUS:SESSION" with BUS a hash of the bus address. docs/architecture.md weighs it.
 */
#define G_LOG_DOMAIN "gh-secret-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "gh-error.h"
#include "gh-kernel-keyring.h"
#include "gh-secret-store-private.h"
#include "gh-secret-store.h"

/* A keyring daemon that has just come back from suspend can miss a call or two; one retry after
 * this pause rides that out without making a real failure slow to report. */
#define RETRY_DELAY_MS 1000

typedef enum
{
  OPERATION_LOOKUP,
  OPERATION_STORE,
  OPERATION_CLEAR,
} Operation;

typedef struct
{
  Operation         operation;
  char             *session_name;
  char             *start_url;    /* NULL for clear: any start URL */
  char             *account_id;   /* role credentials only; NULL for clear: any account */
  char             *role_name;    /* role credentials only; NULL for clear: any role */
  GhSecretKind      kind;
  SecretValue      *value;        /* store only */
  gint64            expires_at;   /* store of role credentials only: for the fast copy */
  guint             attempt;
  SecretService    *service;
  SecretCollection *collection;
  GList            *items;        /* clear: items still to delete */
} Request;

static void request_start (GTask *task);

static void
request_free (Request *request)
{
  g_clear_pointer (&request->session_name, g_free);
  g_clear_pointer (&request->start_url, g_free);
  g_clear_pointer (&request->account_id, g_free);
  g_clear_pointer (&request->role_name, g_free);
  g_clear_pointer (&request->value, secret_value_unref);
  g_clear_object (&request->service);
  g_clear_object (&request->collection);
  g_list_free_full (g_steal_pointer (&request->items), g_object_unref);
  g_free (request);
}

/* account-id and role are set on role credentials only. Searches name a subset of the
 * attributes, so adding them did not change how older items are found. */
static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.gatehouse.Gatehouse.Secret", SECRET_SCHEMA_NONE,
    {
      { "session", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "start-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "role", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static const char *
kind_to_string (GhSecretKind kind)
{
  switch (kind)
    {
    case GH_SECRET_REFRESH_TOKEN:
      return "refresh-token";
    case GH_SECRET_REGISTRATION:
      return "registration";
    case GH_SECRET_ROLE_CREDENTIALS:
      return "role-credentials";
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
make_label (Request *request)
{
  const char *session_name = request->session_name;

  switch (request->kind)
    {
    case GH_SECRET_REFRESH_TOKEN:
      /* Translators: shown in Passwords and Keys; %s is the session name */
      return g_strdup_printf (_("Gatehouse: refresh token for “%s”"), session_name);
    case GH_SECRET_REGISTRATION:
      /* Translators: shown in Passwords and Keys; %s is the session name */
      return g_strdup_printf (_("Gatehouse: client registration for “%s”"), session_name);
    case GH_SECRET_ROLE_CREDENTIALS:
      /* Translators: shown in Passwords and Keys; the role name, the AWS account id and the
       * session name */
      return g_strdup_printf (_("Gatehouse: AWS credentials for %s @ %s (“%s”)"),
                              request->role_name, request->account_id, session_name);
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
add_attribute (GHashTable *attributes,
               const char *name,
               const char *value)
{
  if (value != NULL)
    g_hash_table_insert (attributes, g_strdup (name), g_strdup (value));
}

/* The attributes that are set. A search matches every item that has them all, so a clear
 * leaves out the start URL (and the account and role, unless it clears one role). */
static GHashTable *
request_attributes (Request *request)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  add_attribute (attributes, "session", request->session_name);
  add_attribute (attributes, "start-url", request->start_url);
  add_attribute (attributes, "kind", kind_to_string (request->kind));
  add_attribute (attributes, "account-id", request->account_id);
  add_attribute (attributes, "role", request->role_name);

  return attributes;
}

static void
return_locked (GTask *task)
{
  g_task_return_new_error (task, GH_ERROR, GH_ERROR_KEYRING,
                           _("The login keyring is locked. Unlock it and try again."));
}

static void
return_no_service (GTask *task)
{
  g_task_return_new_error (task, GH_ERROR, GH_ERROR_KEYRING,
                           _("No keyring is available: the Secret Service (e.g. gnome-keyring) "
                             "is not running on the session bus."));
}

static gboolean
is_no_service_error (const GError *error)
{
  if (error->domain != G_DBUS_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
    case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
    case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
    case G_DBUS_ERROR_SPAWN_FILE_INVALID:
    case G_DBUS_ERROR_SPAWN_NO_MEMORY:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_return_error_if_cancelled (task))
    request_start (task);

  return G_SOURCE_REMOVE;
}

/* The fast copy of role credentials */

char *
gh_secret_store_fast_ring_name (const char *session_name)
{
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *hash = NULL;

  g_return_val_if_fail (session_name != NULL, NULL);

  if (address == NULL)
    return NULL;
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, address, -1);
  hash[16] = '\0';
  return g_strdup_printf ("gatehouse:%s:%s", hash, session_name);
}

static char *
fast_key_name (const char *account_id,
               const char *role_name)
{
  return g_strdup_printf ("%s/%s", account_id, role_name);
}

/* The payload is the start URL (which cannot hold a line break), a line break and the secret */
static char *
fast_lookup (Request *request)
{
  g_autofree char *ring = gh_secret_store_fast_ring_name (request->session_name);
  g_autofree char *name = fast_key_name (request->account_id, request->role_name);
  char *payload;
  char *secret = NULL;
  gsize url_length = strlen (request->start_url);

  if (ring == NULL || (payload = gh_kernel_keyring_lookup (ring, name)) == NULL)
    return NULL;

  if (strncmp (payload, request->start_url, url_length) == 0 && payload[url_length] == '\n')
    secret = g_strdup (payload + url_length + 1);
  else
    g_debug ("The fast copy of %s is for another start URL", name);
  gh_secret_free (payload);
  return secret;
}

static void
fast_store (Request *request)
{
  g_autofree char *ring = gh_secret_store_fast_ring_name (request->session_name);
  g_autofree char *name = fast_key_name (request->account_id, request->role_name);
  gsize length = 0;
  const char *secret = secret_value_get (request->value, &length);
  GString *payload;

  if (ring == NULL || secret == NULL || memchr (secret, '\0', length) != NULL)
    return;
  /* Sized up front, so no reallocation leaves a copy of the secret behind */
  payload = g_string_sized_new (strlen (request->start_url) + 1 + length + 1);
  g_string_append (payload, request->start_url);
  g_string_append_c (payload, '\n');
  g_string_append_len (payload, secret, length);
  gh_kernel_keyring_store (ring, name, payload->str, request->expires_at);
  gh_secret_free (g_string_free (payload, FALSE));
}

/* No start URL: every copy of the sign-in (or of the one role) goes */
static void
fast_clear (Request *request)
{
  g_autofree char *ring = gh_secret_store_fast_ring_name (request->session_name);
  g_autofree char *name = NULL;

  if (ring == NULL)
    return;
  if (request->account_id == NULL)
    {
      gh_kernel_keyring_clear (ring);
      return;
    }
  name = fast_key_name (request->account_id, request->role_name);
  gh_kernel_keyring_remove (ring, name);
}

/* Takes @error. Reports it, or starts the request over once after a pause. */
static void
request_fail (GTask  *task,
              GError *error)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;
  g_autoptr(GSource) source = NULL;

  g_assert (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&owned));
      return;
    }

  if (is_no_service_error (error))
    {
      g_debug ("No Secret Service: %s", error->message);
      return_no_service (task);
      return;
    }

  /* Locked between our check and the call (the screen locker, say). */
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    {
      return_locked (task);
      return;
    }

  if (request->attempt == 0)
    {
      g_debug ("Keyring call failed, retrying once: %s", error->message);
      request->attempt++;
      g_clear_object (&request->service);
      g_clear_object (&request->collection);
      g_list_free_full (g_steal_pointer (&request->items), g_object_unref);

      source = g_timeout_source_new (RETRY_DELAY_MS);
      g_task_attach_source (task, source, on_retry_timeout);
      return;
    }

  g_task_return_new_error (task, GH_ERROR, GH_ERROR_KEYRING,
                           _("The keyring failed: %s"), error->message);
}

/* Lookup */

static void
on_lookup_search (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_collection_search_finish (SECRET_COLLECTION (object), result, &error);
  if (error != NULL)
    {
      request_fail (task, g_steal_pointer (&error));
      return;
    }

  for (const GList *l = items; l != NULL; l = l->next)
    {
      SecretValue *value = secret_item_get_secret (l->data);

      if (value != NULL)
        {
          char *secret = secret_value_unref_to_password (value, NULL);

          g_list_free_full (items, g_object_unref);
          g_task_return_pointer (task, secret, (GDestroyNotify) gh_secret_free);
          return;
        }
    }

  g_list_free_full (items, g_object_unref);
  g_task_return_pointer (task, NULL, NULL);
}

static void
lookup_in_collection (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = request_attributes (request);

  /* No SECRET_SEARCH_UNLOCK: never prompt. */
  secret_collection_search (request->collection, get_schema (), attributes,
                            SECRET_SEARCH_LOAD_SECRETS,
                            g_task_get_cancellable (task),
                            on_lookup_search,
                            g_object_ref (task));
}

/* Store */

static void
on_item_created (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretItem) item = NULL;

  item = secret_item_create_finish (result, &error);
  if (item == NULL)
    {
      request_fail (task, g_steal_pointer (&error));
      return;
    }

  if (request->kind == GH_SECRET_ROLE_CREDENTIALS)
    fast_store (request);
  g_task_return_boolean (task, TRUE);
}

static void
store_in_collection (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = request_attributes (request);
  g_autofree char *label = make_label (request);

  /* Straight into the collection we checked, rather than through the "default" alias again
   * (secret_password_store would prompt if it had been locked meanwhile). */
  secret_item_create (request->collection, get_schema (), attributes, label, request->value,
                      SECRET_ITEM_CREATE_REPLACE,
                      g_task_get_cancellable (task),
                      on_item_created,
                      g_object_ref (task));
}

/* Clear */

static void clear_next (GTask *task);

static void
on_item_deleted (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_item_delete_finish (SECRET_ITEM (object), result, &error))
    {
      request_fail (task, g_steal_pointer (&error));
      return;
    }

  clear_next (task);
}

static void
clear_next (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  while (request->items != NULL)
    {
      g_autoptr(SecretItem) item = request->items->data;

      request->items = g_list_delete_link (request->items, request->items);

      /* Deleting a locked item could prompt; those live in another, locked collection. */
      if (secret_item_get_locked (item))
        continue;

      secret_item_delete (item, g_task_get_cancellable (task), on_item_deleted,
                          g_object_ref (task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_clear_search (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_service_search_finish (SECRET_SERVICE (object), result, &error);
  if (error != NULL)
    {
      request_fail (task, g_steal_pointer (&error));
      return;
    }

  g_assert (request->items == NULL);
  request->items = items;
  clear_next (task);
}

static void
clear_everywhere (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = request_attributes (request);

  /* The whole service, not just the default collection: a token must not survive sign-out
   * because the default keyring changed since it was stored. */
  secret_service_search (request->service, get_schema (), attributes, SECRET_SEARCH_ALL,
                         g_task_get_cancellable (task),
                         on_clear_search,
                         g_object_ref (task));
}

/* Common start: service, default collection, lock state */

static void
on_default_collection (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  request->collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      request_fail (task, g_steal_pointer (&error));
      return;
    }

  if (request->collection == NULL)
    {
      g_task_return_new_error (task, GH_ERROR, GH_ERROR_KEYRING,
                               _("There is no default keyring. Create one (for example a "
                                 "“Login” keyring in Passwords and Keys) or set an existing "
                                 "keyring as the default, then try again."));
      return;
    }

  if (secret_collection_get_locked (request->collection))
    {
      return_locked (task);
      return;
    }

  switch (request->operation)
    {
    case OPERATION_LOOKUP:
      lookup_in_collection (task);
      break;
    case OPERATION_STORE:
      store_in_collection (task);
      break;
    case OPERATION_CLEAR:
      clear_everywhere (task);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_service (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  request->service = secret_service_get_finish (result, &error);
  if (request->service == NULL)
    {
      request_fail (task, g_steal_pointer (&error));
      return;
    }

  /* SECRET_COLLECTION_NONE: look at the collection only, never unlock it. */
  secret_collection_for_alias (request->service, SECRET_COLLECTION_DEFAULT,
                               SECRET_COLLECTION_NONE,
                               g_task_get_cancellable (task),
                               on_default_collection,
                               g_object_ref (task));
}

static void
on_bus (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          g_debug ("No session bus: %s", error->message);
          return_no_service (task);
        }
      return;
    }

  /* Not SECRET_SERVICE_LOAD_COLLECTIONS: with nobody owning org.freedesktop.secrets libsecret
   * hits a critical (secret_service_load_collections: 'paths != NULL') instead of reporting an
   * error. secret_collection_for_alias() below does not need the collections loaded. */
  secret_service_get (SECRET_SERVICE_NONE,
                      g_task_get_cancellable (task),
                      on_service,
                      g_object_ref (task));
}

/* Asks for the session bus first so that "no session bus at all" is told apart from a failing
 * keyring; libsecret would report both as some D-Bus error. */
static void
request_start (GTask *task)
{
  g_bus_get (G_BUS_TYPE_SESSION,
             g_task_get_cancellable (task),
             on_bus,
             g_object_ref (task));
}

/* Takes @value. The account and role are set for role credentials only; @expires_at (unix
 * seconds, 0 for none) only for storing them. */
static void
request_run (Operation            operation,
             const char          *session_name,
             const char          *start_url,
             GhSecretKind         kind,
             const char          *account_id,
             const char          *role_name,
             SecretValue         *value,
             gint64               expires_at,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  request->operation = operation;
  request->session_name = g_strdup (session_name);
  request->start_url = g_strdup (start_url);
  request->account_id = g_strdup (account_id);
  request->role_name = g_strdup (role_name);
  request->kind = kind;
  request->value = value;
  request->expires_at = expires_at;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (kind == GH_SECRET_ROLE_CREDENTIALS)
    {
      if (operation == OPERATION_CLEAR)
        fast_clear (request);
      else if (operation == OPERATION_LOOKUP)
        {
          char *secret = fast_lookup (request);

          if (secret != NULL)
            {
              g_task_return_pointer (task, secret, (GDestroyNotify) gh_secret_free);
              return;
            }
        }
    }

  request_start (task);
}

void
gh_secret_store_lookup_async (const char          *session_name,
                              const char          *start_url,
                              GhSecretKind         kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (start_url != NULL);
  g_return_if_fail (kind == GH_SECRET_REFRESH_TOKEN || kind == GH_SECRET_REGISTRATION);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_run (OPERATION_LOOKUP, session_name, start_url, kind, NULL, NULL, NULL, 0,
               cancellable, callback, user_data, gh_secret_store_lookup_async);
}

char *
gh_secret_store_lookup_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_secret_store_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gh_secret_store_store_async (const char          *session_name,
                             const char          *start_url,
                             GhSecretKind         kind,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (start_url != NULL);
  g_return_if_fail (kind == GH_SECRET_REFRESH_TOKEN || kind == GH_SECRET_REGISTRATION);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  /* Copied into non-pageable memory that libsecret wipes on release. */
  request_run (OPERATION_STORE, session_name, start_url, kind, NULL, NULL,
               secret_value_new (secret, -1, "text/plain"), 0,
               cancellable, callback, user_data, gh_secret_store_store_async);
}

gboolean
gh_secret_store_store_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_secret_store_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gh_secret_store_clear_async (const char          *session_name,
                             GhSecretKind         kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (kind == GH_SECRET_REFRESH_TOKEN || kind == GH_SECRET_REGISTRATION ||
                    kind == GH_SECRET_ROLE_CREDENTIALS);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_run (OPERATION_CLEAR, session_name, NULL, kind, NULL, NULL, NULL, 0,
               cancellable, callback, user_data, gh_secret_store_clear_async);
}

gboolean
gh_secret_store_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_secret_store_clear_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Role credentials: one item per session, start URL, account and role. */

void
gh_secret_store_lookup_role_credentials_async (const char          *session_name,
                                               const char          *start_url,
                                               const char          *account_id,
                                               const char          *role_name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (start_url != NULL);
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (role_name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_run (OPERATION_LOOKUP, session_name, start_url, GH_SECRET_ROLE_CREDENTIALS,
               account_id, role_name, NULL, 0,
               cancellable, callback, user_data, gh_secret_store_lookup_role_credentials_async);
}

char *
gh_secret_store_lookup_role_credentials_finish (GAsyncResult  *result,
                                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gh_secret_store_lookup_role_credentials_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gh_secret_store_store_role_credentials_async (const char          *session_name,
                                              const char          *start_url,
                                              const char          *account_id,
                                              const char          *role_name,
                                              const char          *secret,
                                              gint64               expires_at,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (start_url != NULL);
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (role_name != NULL);
  g_return_if_fail (secret != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  request_run (OPERATION_STORE, session_name, start_url, GH_SECRET_ROLE_CREDENTIALS,
               account_id, role_name, secret_value_new (secret, -1, "application/json"),
               expires_at, cancellable, callback, user_data,
               gh_secret_store_store_role_credentials_async);
}

gboolean
gh_secret_store_store_role_credentials_finish (GAsyncResult  *result,
                                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gh_secret_store_store_role_credentials_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gh_secret_store_clear_role_credentials_async (const char          *session_name,
                                              const char          *account_id,
                                              const char          *role_name,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (role_name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  /* No start URL: the role is gone whichever portal the item was fetched through (an edited
   * start URL leaves items behind under the old one). */
  request_run (OPERATION_CLEAR, session_name, NULL, GH_SECRET_ROLE_CREDENTIALS,
               account_id, role_name, NULL, 0,
               cancellable, callback, user_data, gh_secret_store_clear_role_credentials_async);
}

gboolean
gh_secret_store_clear_role_credentials_finish (GAsyncResult  *result,
                                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gh_secret_store_clear_role_credentials_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Strings from gh_secret_store_lookup_finish() live in libsecret's non-pageable memory;
 * secret_password_free() wipes them and also takes ordinary g_malloc() strings. */
void
gh_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  secret_password_free (secret);
}
