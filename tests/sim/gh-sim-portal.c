/* gh-sim-portal.c — the simulator's portal service (docs/aws-protocols.md §3): accounts, roles,
 * role credentials and sign-out, behind bearer tokens */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Portal operations */

static AccessToken *
authenticate_bearer (GhSimulator       *self,
                     SoupServerMessage *msg)
{
  const char *token_str;
  AccessToken *token;

  token_str = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                            "x-amz-sso_bearer_token");
  token = token_str ? g_hash_table_lookup (self->access_tokens, token_str) : NULL;

  if (token == NULL || !gh_simulator_access_token_is_valid (self, token_str))
    {
      _gh_sim_portal_error (msg, 401, "UnauthorizedException",
                            "Session token not found or invalid");
      return NULL;
    }

  return token;
}

/* Parses max_result/next_token; returns FALSE after responding on invalid input. */
static gboolean
parse_paging (GhSimulator       *self,
              SoupServerMessage *msg,
              GHashTable        *query,
              const char        *token_prefix,
              guint             *offset,
              guint             *limit)
{
  const char *max_result = query ? g_hash_table_lookup (query, "max_result") : NULL;
  const char *next_token = query ? g_hash_table_lookup (query, "next_token") : NULL;
  guint64 value;

  *offset = 0;
  *limit = MAX (1, self->page_size);

  if (max_result != NULL)
    {
      if (!g_ascii_string_to_unsigned (max_result, 10, 1, 100, &value, NULL))
        {
          _gh_sim_portal_error (msg, 400, "InvalidRequestException",
                                "max_result must be an integer between 1 and 100");
          return FALSE;
        }
      *limit = MIN (*limit, (guint) value);
    }

  if (next_token != NULL)
    {
      gsize len = 0;
      g_autofree guchar *decoded = g_base64_decode (next_token, &len);
      g_autofree char *text = g_strndup ((const char *) decoded, len);
      gsize prefix_len = strlen (token_prefix);

      if (!g_str_has_prefix (text, token_prefix)
          || !g_ascii_string_to_unsigned (text + prefix_len, 10, 1, G_MAXUINT, &value, NULL))
        {
          _gh_sim_portal_error (msg, 400, "InvalidRequestException", "Invalid next token");
          return FALSE;
        }
      *offset = (guint) value;
    }

  return TRUE;
}

static void
add_next_token (JsonBuilder *builder,
                const char  *token_prefix,
                guint        offset)
{
  g_autofree char *text = g_strdup_printf ("%s%u", token_prefix, offset);
  g_autofree char *token = g_base64_encode ((const guchar *) text, strlen (text));

  json_builder_set_member_name (builder, "nextToken");
  json_builder_add_string_value (builder, token);
}

gboolean
_gh_sim_handle_list_accounts (GhSimulator       *self,
                              SoupServerMessage *msg,
                              GHashTable        *query)
{
  g_autoptr(JsonBuilder) builder = NULL;
  guint offset, limit, i;

  if (authenticate_bearer (self, msg) == NULL
      || !parse_paging (self, msg, query, "accounts:", &offset, &limit))
    return FALSE;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accountList");
  json_builder_begin_array (builder);
  for (i = offset; i < self->accounts && i < offset + limit; i++)
    {
      g_autofree char *id = _gh_sim_account_id_for_index (i + 1);
      g_autofree char *name = g_strdup_printf ("Account %u", i + 1);
      g_autofree char *email = g_strdup_printf ("account%u@example.com", i + 1);
      gboolean nameless = self->nameless_accounts != 0 && (i + 1) % self->nameless_accounts == 0;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "accountId");
      json_builder_add_string_value (builder, id);
      if (!nameless)
        {
          json_builder_set_member_name (builder, "accountName");
          json_builder_add_string_value (builder, name);
          json_builder_set_member_name (builder, "emailAddress");
          json_builder_add_string_value (builder, email);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (i < self->accounts)
    add_next_token (builder, "accounts:", i);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);

  return FALSE;
}

gboolean
_gh_sim_handle_list_account_roles (GhSimulator       *self,
                                   SoupServerMessage *msg,
                                   GHashTable        *query)
{
  const char *account_id = query ? g_hash_table_lookup (query, "account_id") : NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *token_prefix = NULL;
  guint offset, limit, i;

  if (authenticate_bearer (self, msg) == NULL)
    return FALSE;

  if (account_id == NULL || account_id[0] == '\0')
    {
      _gh_sim_portal_error (msg, 400, "InvalidRequestException", "account_id is required");
      return FALSE;
    }

  token_prefix = g_strdup_printf ("roles:%s:", account_id);
  if (!parse_paging (self, msg, query, token_prefix, &offset, &limit))
    return FALSE;

  if (_gh_sim_find_account (self, account_id) == 0)
    {
      _gh_sim_portal_error (msg, 404, "ResourceNotFoundException", "Account not found");
      return FALSE;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "roleList");
  json_builder_begin_array (builder);
  for (i = offset; i < self->roles_per_account && i < offset + limit; i++)
    {
      g_autofree char *name = _gh_sim_role_name_for_index (self, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "roleName");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "accountId");
      json_builder_add_string_value (builder, account_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (i < self->roles_per_account)
    add_next_token (builder, token_prefix, i);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);

  return FALSE;
}

gboolean
_gh_sim_handle_get_role_credentials (GhSimulator       *self,
                                     SoupServerMessage *msg,
                                     GHashTable        *query)
{
  const char *account_id = query ? g_hash_table_lookup (query, "account_id") : NULL;
  const char *role_name = query ? g_hash_table_lookup (query, "role_name") : NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  RoleCredentials *creds;
  char *access_key_id;

  if (authenticate_bearer (self, msg) == NULL)
    return FALSE;

  if (account_id == NULL || account_id[0] == '\0' || role_name == NULL || role_name[0] == '\0')
    {
      _gh_sim_portal_error (msg, 400, "InvalidRequestException",
                            "role_name and account_id are required");
      return FALSE;
    }

  if (_gh_sim_find_account (self, account_id) == 0 || !_gh_sim_role_exists (self, role_name))
    {
      _gh_sim_portal_error (msg, 403, "ForbiddenException", "No access");
      return FALSE;
    }

  creds = g_new0 (RoleCredentials, 1);
  access_key_id = _gh_sim_random_string ("ASIA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  /* Secrets and tokens contain '/', '+' and '=' like real ones do, so URL encoding bugs show. */
  creds->secret_access_key = _gh_sim_random_string ("", ALNUM "/+", 40);
  creds->session_token = _gh_sim_random_string ("IQoJb3JpZ2luX2VjE", ALNUM "/+", 600);
  {
    char *tmp = creds->session_token;
    creds->session_token = g_strconcat (tmp, "==", NULL);
    g_free (tmp);
  }
  creds->account_id = g_strdup (account_id);
  creds->role_name = g_strdup (role_name);
  creds->expires_at = _gh_sim_now (self) + _gh_sim_seconds_to_us (self->role_credential_lifetime);
  g_hash_table_insert (self->role_credentials, access_key_id, creds);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "roleCredentials");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessKeyId");
  json_builder_add_string_value (builder, access_key_id);
  json_builder_set_member_name (builder, "secretAccessKey");
  json_builder_add_string_value (builder, creds->secret_access_key);
  json_builder_set_member_name (builder, "sessionToken");
  json_builder_add_string_value (builder, creds->session_token);
  json_builder_set_member_name (builder, "expiration");
  json_builder_add_int_value (builder, creds->expires_at / 1000);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);

  return FALSE;
}

gboolean
_gh_sim_handle_logout (GhSimulator       *self,
                       SoupServerMessage *msg,
                       GHashTable        *query)
{
  AccessToken *token;

  if ((token = authenticate_bearer (self, msg)) == NULL)
    return FALSE;

  /* Ends the sign-in session: every access and refresh token of it stops working. */
  token->session->logged_out = TRUE;
  soup_server_message_set_status (msg, 200, NULL);

  return FALSE;
}
