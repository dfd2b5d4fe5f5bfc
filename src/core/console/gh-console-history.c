/* gh-console-history.c — consoles opened from Gatehouse, and the recent roles
 *
 * {"version": 1,
 *  "consoles": [{"session", "accountId", "accountName"?, "role", "region",
 *                "openedAt", "expiresAt"}, …],          newest first, unix seconds
 *  "recent": ["SESSION/ACCOUNT_ID/ROLE", …]}            most recent first
 *
 * Readers never fail: a missing, unreadable or corrupt file is an empty history (it is only a
 * convenience), and the next add replaces it. Writers take a lock and re-read, so two
 * processes opening consoles at the same moment both keep their record.
 */
#define G_LOG_DOMAIN "gh-console-history"

#include "config.h"

#include <json-glib/json-glib.h>

#include "gh-clock.h"
#include "gh-console-history.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"

#define HISTORY_VERSION 1
#define LOCK_NAME "consoles.lock"
/* A console whose credentials ended more than this long ago is of no use to the tray. */
#define EXPIRED_GRACE_SECONDS (24 * 60 * 60)

void
gh_console_record_free (GhConsoleRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->session_name);
  g_free (record->account_id);
  g_free (record->account_name);
  g_free (record->role_name);
  g_free (record->region);
  g_free (record);
}

static GhConsoleRecord *
record_copy (const GhConsoleRecord *record)
{
  GhConsoleRecord *copy = g_new0 (GhConsoleRecord, 1);

  copy->session_name = g_strdup (record->session_name);
  copy->account_id = g_strdup (record->account_id);
  copy->account_name = g_strdup (record->account_name);
  copy->role_name = g_strdup (record->role_name);
  copy->region = g_strdup (record->region);
  copy->opened_at = record->opened_at;
  copy->expires_at = record->expires_at;
  return copy;
}

static char *
history_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "gatehouse", "consoles.json", NULL);
}

static char *
recent_key (const GhConsoleRecord *record)
{
  return g_strdup_printf ("%s/%s/%s", record->session_name, record->account_id,
                          record->role_name);
}

static GhConsoleRecord *
record_from_json (JsonNode *node)
{
  JsonObject *object;
  const char *session, *account_id, *role;
  GhConsoleRecord *record;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  session = gh_json_get_string (object, "session");
  account_id = gh_json_get_string (object, "accountId");
  role = gh_json_get_string (object, "role");
  if (session == NULL || account_id == NULL || role == NULL)
    return NULL;

  record = g_new0 (GhConsoleRecord, 1);
  record->session_name = g_strdup (session);
  record->account_id = g_strdup (account_id);
  record->account_name = g_strdup (gh_json_get_string (object, "accountName"));
  record->role_name = g_strdup (role);
  record->region = g_strdup (gh_json_get_string (object, "region"));
  record->opened_at = gh_json_get_int (object, "openedAt");
  record->expires_at = gh_json_get_int (object, "expiresAt");
  return record;
}

/* Both out-parameters are always set, to empty containers when the file is absent or bad. */
static void
history_load (GPtrArray **records_out,
              GPtrArray **recent_out)
{
  g_autofree char *path = history_path ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) gh_console_record_free);
  g_autoptr(GPtrArray) recent = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *member;

  *records_out = NULL;
  *recent_out = NULL;

  if (!json_parser_load_from_file (parser, path, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("Ignoring unreadable %s: %s", path, error->message);
      goto out;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_debug ("Ignoring %s: not a JSON object", path);
      goto out;
    }

  object = json_node_get_object (root);
  if (gh_json_get_int (object, "version") != HISTORY_VERSION)
    {
      g_debug ("Ignoring %s: unknown version", path);
      goto out;
    }

  member = json_object_get_member (object, "consoles");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          GhConsoleRecord *record = record_from_json (json_array_get_element (array, i));

          if (record != NULL)
            g_ptr_array_add (records, record);
        }
    }

  member = json_object_get_member (object, "recent");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_ptr_array_add (recent, g_strdup (json_node_get_string (element)));
        }
    }

out:
  *records_out = g_steal_pointer (&records);
  *recent_out = g_steal_pointer (&recent);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static char *
history_to_json (GPtrArray *records,
                 GPtrArray *recent)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, HISTORY_VERSION);

  json_builder_set_member_name (builder, "consoles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    {
      const GhConsoleRecord *record = g_ptr_array_index (records, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "session", record->session_name);
      add_string_member (builder, "accountId", record->account_id);
      add_string_member (builder, "accountName", record->account_name);
      add_string_member (builder, "role", record->role_name);
      add_string_member (builder, "region", record->region);
      json_builder_set_member_name (builder, "openedAt");
      json_builder_add_int_value (builder, record->opened_at);
      json_builder_set_member_name (builder, "expiresAt");
      json_builder_add_int_value (builder, record->expires_at);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "recent");
  json_builder_begin_array (builder);
  for (guint i = 0; i < recent->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (recent, i));
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

gboolean
gh_console_history_add (const GhConsoleRecord  *record,
                        GError                **error)
{
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) recent = NULL;
  gint64 prune_before;
  g_autoptr(GhLock) lock = NULL;

  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (record->session_name != NULL, FALSE);
  g_return_val_if_fail (record->account_id != NULL, FALSE);
  g_return_val_if_fail (record->role_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lock = gh_lock_acquire (LOCK_NAME, NULL, error);
  if (lock == NULL)
    return FALSE;

  /* Re-read under the lock: another process may have added its console since we last looked. */
  history_load (&records, &recent);

  /* expiresAt 0 means "unknown" and is kept; the bound still drops it eventually. */
  prune_before = gh_clock_get_now (gh_clock_get_default ()) - EXPIRED_GRACE_SECONDS;
  for (guint i = records->len; i > 0; i--)
    {
      const GhConsoleRecord *old = g_ptr_array_index (records, i - 1);

      if (old->expires_at != 0 && old->expires_at < prune_before)
        g_ptr_array_remove_index (records, i - 1);
    }

  g_ptr_array_insert (records, 0, record_copy (record));
  if (records->len > GH_CONSOLE_RECORDS_MAX)
    g_ptr_array_set_size (records, GH_CONSOLE_RECORDS_MAX);

  key = recent_key (record);
  for (guint i = recent->len; i > 0; i--)
    if (g_str_equal (g_ptr_array_index (recent, i - 1), key))
      g_ptr_array_remove_index (recent, i - 1);
  g_ptr_array_insert (recent, 0, g_steal_pointer (&key));
  if (recent->len > GH_RECENT_ROLES_MAX)
    g_ptr_array_set_size (recent, GH_RECENT_ROLES_MAX);

  path = history_path ();
  text = history_to_json (records, recent);
  return gh_file_write_private (path, text, -1, error);
}

GPtrArray *
gh_console_history_list (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) recent = NULL;

  /* No lock: writes are atomic renames, so a reader sees the old file or the new one. */
  history_load (&records, &recent);
  return g_steal_pointer (&records);
}

GStrv
gh_console_history_recent_roles (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) recent = NULL;

  history_load (&records, &recent);
  /* Strings move out of the array; it must not free them. */
  g_ptr_array_set_free_func (recent, NULL);
  g_ptr_array_add (recent, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&recent), FALSE);
}
