/* gh-role-cache.c — the account/role list per sign-in in $XDG_CACHE_HOME/gatehouse/
 *
 * roles-<sha1(session name)>.json:
 *
 *   {"format": "gatehouse-roles", "version": 1, "session": "NAME", "fetchedAt": SECONDS,
 *    "accounts": [{"accountId": "…", "accountName": "…", "emailAddress": "…",
 *                  "roles": ["AdministratorAccess", "Read Only", …]}, …]}
 *
 * accountName and emailAddress are left out when the portal did not send them. Roles are
 * grouped by account, accounts in the order of the list that was saved (normally sorted with
 * gh_role_compare), so loading gives back that same order. The file is a cache: anything odd
 * about it — not JSON, another format or version, another session — is GH_ERROR_MALFORMED and
 * the caller lists again.
 */
#define G_LOG_DOMAIN "gh-role-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-cache-private.h"

#define FORMAT_MARKER "gatehouse-roles"
#define FORMAT_VERSION 1

char *
gh_role_cache_path (const char *session_name)
{
  g_autofree char *hash = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (session_name != NULL, NULL);

  hash = gh_sha1_hex (session_name);
  file = g_strconcat ("roles-", hash, ".json", NULL);
  return g_build_filename (g_get_user_cache_dir (), "gatehouse", file, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading: every member is checked for its type before it is read, so no file makes json-glib
 * complain or us crash. */

/* The text of a string node; NULL for any other node, and for a string that is not UTF-8
 * (json-glib makes one of an escaped lone surrogate, "\ud800") */
static const char *
node_text (JsonNode *node)
{
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (node);
  return g_utf8_validate (text, -1, NULL) ? text : NULL;
}

/* A string, or absent/null; FALSE for anything else. */
static gboolean
member_optional_string (JsonObject  *object,
                        const char  *member,
                        const char **value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  *value = node_text (node);
  return *value != NULL;
}

static gboolean
member_int (JsonObject *object,
            const char *member,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonArray *
member_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
malformed (GError     **error,
           const char  *path,
           const char  *why)
{
  g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
               _("The role cache %s is not usable (%s); it will be rebuilt"), path, why);
  return FALSE;
}

static gboolean
load_account (JsonNode    *node,
              const char  *session_name,
              GPtrArray   *roles,
              const char  *path,
              GError     **error)
{
  JsonObject *account = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id, *name, *email;
  JsonArray *list;
  guint n;

  if (account == NULL)
    return malformed (error, path, _("an account is not an object"));

  id = gh_json_get_string (account, "accountId");
  if (id == NULL || *id == '\0')
    return malformed (error, path, _("an account has no id"));
  if (!member_optional_string (account, "accountName", &name) ||
      !member_optional_string (account, "emailAddress", &email))
    return malformed (error, path, _("an account name or email is not text"));
  if ((list = member_array (account, "roles")) == NULL)
    return malformed (error, path, _("an account has no role list"));

  n = json_array_get_length (list);
  for (guint i = 0; i < n; i++)
    {
      const char *role_name = node_text (json_array_get_element (list, i));

      if (role_name == NULL || *role_name == '\0')
        return malformed (error, path, _("a role name is not text"));

      g_ptr_array_add (roles, gh_role_new (session_name, id, name, email, role_name));
    }

  return TRUE;
}

GPtrArray *
gh_role_cache_parse (const char  *session_name,
                     const char  *path,
                     const char  *data,
                     gsize        length,
                     gint64      *fetched_at,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  JsonObject *root;
  JsonArray *accounts;
  const char *format, *session;
  gint64 version = 0, when = 0;
  guint n;

  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (data, length, NULL))
    {
      malformed (error, path, _("not UTF-8 text"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      malformed (error, path, _("not a JSON object"));
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  format = gh_json_get_string (root, "format");
  if (g_strcmp0 (format, FORMAT_MARKER) != 0)
    {
      malformed (error, path, _("not a Gatehouse role cache"));
      return NULL;
    }
  if (!member_int (root, "version", &version) || version != FORMAT_VERSION)
    {
      malformed (error, path, _("written by another version of Gatehouse"));
      return NULL;
    }
  session = gh_json_get_string (root, "session");
  if (g_strcmp0 (session, session_name) != 0)
    {
      malformed (error, path, _("it belongs to another sign-in"));
      return NULL;
    }
  if (!member_int (root, "fetchedAt", &when))
    {
      malformed (error, path, _("no time of listing"));
      return NULL;
    }
  if ((accounts = member_array (root, "accounts")) == NULL)
    {
      malformed (error, path, _("no account list"));
      return NULL;
    }

  roles = g_ptr_array_new_with_free_func (g_object_unref);
  n = json_array_get_length (accounts);
  for (guint i = 0; i < n; i++)
    if (!load_account (json_array_get_element (accounts, i), session_name, roles, path, error))
      return NULL;

  if (fetched_at != NULL)
    *fetched_at = when;
  return g_steal_pointer (&roles);
}

GPtrArray *
gh_role_cache_load (const char  *session_name,
                    gint64      *fetched_at,
                    GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = gh_role_cache_path (session_name);
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                     _("No role cache for “%s” yet"), session_name);
      else
        g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                     _("The role cache %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  return gh_role_cache_parse (session_name, path, contents, length, fetched_at, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving */

static void
end_account (JsonBuilder *builder)
{
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

char *
gh_role_cache_serialize (const char  *session_name,
                         GPtrArray   *roles,
                         gint64       fetched_at,
                         gsize       *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *current = NULL;

  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (roles != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT_MARKER);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "session");
  json_builder_add_string_value (builder, session_name);
  json_builder_set_member_name (builder, "fetchedAt");
  json_builder_add_int_value (builder, fetched_at);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);

  /* Consecutive roles of one account share an entry; a sorted list has each account once. */
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);
      const char *id = gh_role_get_account_id (role);

      if (current == NULL || g_strcmp0 (current, id) != 0)
        {
          if (current != NULL)
            end_account (builder);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "accountId");
          json_builder_add_string_value (builder, id);
          if (gh_role_get_account_name (role) != NULL)
            {
              json_builder_set_member_name (builder, "accountName");
              json_builder_add_string_value (builder, gh_role_get_account_name (role));
            }
          if (gh_role_get_account_email (role) != NULL)
            {
              json_builder_set_member_name (builder, "emailAddress");
              json_builder_add_string_value (builder, gh_role_get_account_email (role));
            }
          json_builder_set_member_name (builder, "roles");
          json_builder_begin_array (builder);
          current = id;
        }

      json_builder_add_string_value (builder, gh_role_get_role_name (role));
    }
  if (current != NULL)
    end_account (builder);

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

gboolean
gh_role_cache_save (const char  *session_name,
                    GPtrArray   *roles,
                    gint64       fetched_at,
                    GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (session_name != NULL, FALSE);
  g_return_val_if_fail (roles != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = gh_role_cache_serialize (session_name, roles, fetched_at, &length);
  path = gh_role_cache_path (session_name);

  return gh_file_write_private (path, text, (gssize) length, error);
}

/* ------------------------------------------------------------------------------------------ */
/* On a worker thread: a cache of thousands of roles takes a while to parse or write */

typedef struct
{
  char      *session_name;
  GPtrArray *roles;             /* GhRole: loaded, or to save */
  gint64     fetched_at;
} CacheData;

static void
cache_data_free (gpointer user_data)
{
  CacheData *data = user_data;

  g_free (data->session_name);
  g_clear_pointer (&data->roles, g_ptr_array_unref);
  g_free (data);
}

static GTask *
cache_task_new (const char          *session_name,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CacheData *data = g_new0 (CacheData, 1);

  data->session_name = g_strdup (session_name);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, cache_data_free);
  return task;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CacheData *data = task_data;
  GError *error = NULL;

  data->roles = gh_role_cache_load (data->session_name, &data->fetched_at, &error);
  if (data->roles == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
gh_role_cache_load_async (const char          *session_name,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (session_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = cache_task_new (session_name, cancellable, callback, user_data,
                         gh_role_cache_load_async);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
gh_role_cache_load_finish (GAsyncResult  *result,
                           gint64        *fetched_at,
                           GError       **error)
{
  CacheData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_cache_load_async,
                        NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (fetched_at != NULL)
    *fetched_at = data->fetched_at;
  return g_steal_pointer (&data->roles);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CacheData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (gh_role_cache_save (data->session_name, data->roles, data->fetched_at, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* @roles is copied (by reference: GhRole objects do not change). Cancelling before the worker
 * starts leaves the cache as it was. */
void
gh_role_cache_save_async (const char          *session_name,
                          GPtrArray           *roles,
                          gint64               fetched_at,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CacheData *data;

  g_return_if_fail (session_name != NULL);
  g_return_if_fail (roles != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = cache_task_new (session_name, cancellable, callback, user_data,
                         gh_role_cache_save_async);
  data = g_task_get_task_data (task);
  data->roles = gh_role_array_copy (roles);
  data->fetched_at = fetched_at;
  g_task_run_in_thread (task, save_thread);
}

gboolean
gh_role_cache_save_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_cache_save_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Differences */

static GHashTable *
key_set (GPtrArray *roles)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    g_hash_table_add (set, (gpointer) gh_role_get_key (g_ptr_array_index (roles, i)));
  return set;
}

static GPtrArray *
missing_from (GPtrArray  *roles,
              GHashTable *keys)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (!g_hash_table_contains (keys, gh_role_get_key (role)))
        g_ptr_array_add (result, g_object_ref (role));
    }
  return result;
}

/* Either list may be NULL (empty). The results are new arrays holding references, in the
 * order of `after` (added) and `before` (removed). */
void
gh_role_diff (GPtrArray  *before,
              GPtrArray  *after,
              GPtrArray **added,
              GPtrArray **removed)
{
  if (added != NULL)
    {
      g_autoptr(GHashTable) before_keys = key_set (before);

      *added = missing_from (after, before_keys);
    }
  if (removed != NULL)
    {
      g_autoptr(GHashTable) after_keys = key_set (after);

      *removed = missing_from (before, after_keys);
    }
}
