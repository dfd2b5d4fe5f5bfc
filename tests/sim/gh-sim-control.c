/* gh-sim-control.c — the simulator's control API under /_sim/: approve or deny sign-ins, expire
 * and revoke, inject faults, set properties, statistics */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Control API */

static gboolean
parse_fault_kind (const char *str,
                  GhSimFault *out)
{
  static const struct { const char *name; GhSimFault fault; } kinds[] = {
    { "none", GH_SIM_FAULT_NONE },
    { "500", GH_SIM_FAULT_500 },
    { "503", GH_SIM_FAULT_503 },
    { "malformed", GH_SIM_FAULT_MALFORMED },
    { "close", GH_SIM_FAULT_CLOSE },
    { "hang", GH_SIM_FAULT_HANG },
    { "throttle", GH_SIM_FAULT_THROTTLE },
    { "unauthorized", GH_SIM_FAULT_UNAUTHORIZED },
    { "lost-reply", GH_SIM_FAULT_LOST_REPLY },
  };

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_ascii_strcasecmp (str, kinds[i].name) == 0)
        {
          *out = kinds[i].fault;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
set_property_from_string (GhSimulator  *self,
                          const char   *name,
                          const char   *value,
                          GError      **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), name);
  g_auto(GValue) gvalue = G_VALUE_INIT;
  guint64 u;
  gint64 s;

  if (pspec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No property %s", name);
      return FALSE;
    }

  g_value_init (&gvalue, pspec->value_type);

  /* A list: comma-separated (names with commas cannot be set this way). */
  if (pspec->value_type == G_TYPE_STRV)
    {
      g_auto(GStrv) list = *value != '\0' ? g_strsplit (value, ",", -1) : NULL;

      g_value_take_boxed (&gvalue, g_steal_pointer (&list));
      g_object_set_property (G_OBJECT (self), name, &gvalue);
      return TRUE;
    }

  switch (pspec->value_type)
    {
    case G_TYPE_UINT:
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &u, error))
        return FALSE;
      g_value_set_uint (&gvalue, (guint) u);
      break;

    case G_TYPE_INT:
      if (!g_ascii_string_to_signed (value, 10, G_MININT, G_MAXINT, &s, error))
        return FALSE;
      g_value_set_int (&gvalue, (int) s);
      break;

    case G_TYPE_INT64:
      if (!g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &s, error))
        return FALSE;
      g_value_set_int64 (&gvalue, s);
      break;

    case G_TYPE_BOOLEAN:
      if (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1"))
        g_value_set_boolean (&gvalue, TRUE);
      else if (g_ascii_strcasecmp (value, "false") == 0 || g_str_equal (value, "0"))
        g_value_set_boolean (&gvalue, FALSE);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s is not a boolean", value);
          return FALSE;
        }
      break;

    default:
      g_assert_not_reached ();
    }

  if (g_param_value_validate (pspec, &gvalue))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s is out of range for %s", value, name);
      return FALSE;
    }

  g_object_set_property (G_OBJECT (self), name, &gvalue);
  return TRUE;
}

static void
respond_count (SoupServerMessage *msg,
               const char        *name,
               guint              count)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, count);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);
}

static void
respond_stats (GhSimulator       *self,
               SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GList) keys = NULL;
  const char *last_user_code;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_begin_object (builder);
  keys = g_list_sort (g_hash_table_get_keys (self->request_counts), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (builder, l->data);
      json_builder_add_int_value (builder,
                                  GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts,
                                                                         l->data)));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "throttled");
  json_builder_add_int_value (builder, self->throttled);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, gh_simulator_get_pending_count (self));
  json_builder_set_member_name (builder, "console_logins");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->console_logins->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->console_logins, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "last_user_code");
  last_user_code = gh_simulator_get_last_user_code (self);
  if (last_user_code != NULL)
    json_builder_add_string_value (builder, last_user_code);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "last_console_destination");
  if (self->last_console_destination != NULL)
    json_builder_add_string_value (builder, self->last_console_destination);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, self->url);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);
}

void
_gh_sim_handle_control (GhSimulator       *self,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  const char *command = path + strlen ("/_sim/");

  if (g_str_equal (command, "stats"))
    {
      if (!g_str_equal (method, "GET"))
        _gh_sim_respond_text (msg, 405, "text/plain", "Use GET\n");
      else
        respond_stats (self, msg);
      return;
    }

  if (!g_str_equal (method, "POST"))
    {
      _gh_sim_respond_text (msg, 405, "text/plain", "Use POST\n");
      return;
    }

  if (g_str_equal (command, "approve") || g_str_equal (command, "deny"))
    {
      const char *user_code = query ? g_hash_table_lookup (query, "user_code") : NULL;
      guint n;

      if (g_str_equal (command, "approve"))
        n = gh_simulator_approve (self, user_code);
      else
        n = gh_simulator_deny (self, user_code);
      respond_count (msg, command[0] == 'a' ? "approved" : "denied", n);
    }
  else if (g_str_equal (command, "expire-access-tokens"))
    {
      gh_simulator_expire_access_tokens (self);
      _gh_sim_respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "revoke-refresh-tokens"))
    {
      gh_simulator_revoke_refresh_tokens (self);
      _gh_sim_respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "expire-registrations"))
    {
      gh_simulator_expire_registrations (self);
      _gh_sim_respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "fault"))
    {
      const char *operation = query ? g_hash_table_lookup (query, "operation") : NULL;
      const char *kind_str = query ? g_hash_table_lookup (query, "kind") : NULL;
      const char *count_str = query ? g_hash_table_lookup (query, "count") : NULL;
      guint64 count = 1;
      GhSimFault kind;

      if (operation == NULL || !parse_fault_kind (kind_str, &kind)
          || (count_str != NULL
              && !g_ascii_string_to_unsigned (count_str, 10, 0, G_MAXUINT, &count, NULL)))
        {
          _gh_sim_respond_text (msg, 400, "text/plain",
                                "Usage: /_sim/fault?operation=OP&kind=500|503|malformed|close|hang|"
                                "throttle|unauthorized|lost-reply&count=N\n");
          return;
        }

      gh_simulator_inject_fault (self, operation, kind, (guint) count);
      _gh_sim_respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "set"))
    {
      GHashTableIter iter;
      const char *name, *value;

      if (query == NULL || g_hash_table_size (query) == 0)
        {
          _gh_sim_respond_text (msg, 400, "text/plain", "Usage: /_sim/set?NAME=VALUE\n");
          return;
        }

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
        {
          g_autoptr(GError) error = NULL;

          if (!set_property_from_string (self, name, value, &error))
            {
              g_autofree char *text = g_strdup_printf ("%s\n", error->message);

              _gh_sim_respond_text (msg, 400, "text/plain", text);
              return;
            }
        }
      _gh_sim_respond_text (msg, 200, "application/json", "{}");
    }
  else
    {
      _gh_sim_respond_text (msg, 404, "text/plain", "Unknown control command\n");
    }
}
