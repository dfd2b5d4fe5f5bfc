/* gh-sim-federation.c — the sign-in federation endpoint (docs/aws-protocols.md §5): sign-in
 * tokens for role credentials, the one-shot console login and the console's sign-out */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Sign-in federation */

gboolean
_gh_sim_handle_get_signin_token (GhSimulator       *self,
                                 SoupServerMessage *msg,
                                 GHashTable        *query)
{
  const char *session_json = g_hash_table_lookup (query, "Session");
  const char *duration = g_hash_table_lookup (query, "SessionDuration");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  const char *session_id = NULL, *session_key = NULL, *session_token = NULL;
  RoleCredentials *creds;
  SigninToken *token;
  char *token_str;
  JsonNode *root;

  if (session_json == NULL
      || !json_parser_load_from_data (parser, session_json, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      _gh_sim_federation_error (msg, "Session must be a JSON object");
      return FALSE;
    }

  {
    JsonObject *obj = json_node_get_object (root);

    if (json_object_has_member (obj, "sessionId"))
      session_id = json_object_get_string_member_with_default (obj, "sessionId", NULL);
    if (json_object_has_member (obj, "sessionKey"))
      session_key = json_object_get_string_member_with_default (obj, "sessionKey", NULL);
    if (json_object_has_member (obj, "sessionToken"))
      session_token = json_object_get_string_member_with_default (obj, "sessionToken", NULL);
  }

  creds = session_id ? g_hash_table_lookup (self->role_credentials, session_id) : NULL;
  if (creds == NULL
      || g_strcmp0 (creds->secret_access_key, session_key) != 0
      || g_strcmp0 (creds->session_token, session_token) != 0)
    {
      _gh_sim_federation_error (msg, "The credentials are not valid");
      return FALSE;
    }

  if (_gh_sim_now (self) >= creds->expires_at)
    {
      _gh_sim_federation_error (msg, "The credentials have expired");
      return FALSE;
    }

  if (duration != NULL && !g_ascii_string_to_unsigned (duration, 10, 900, 43200, NULL, NULL))
    {
      _gh_sim_federation_error (msg, "SessionDuration must be between 900 and 43200 seconds");
      return FALSE;
    }

  /* As AWS does for role-chained or GetFederationToken credentials. */
  if (duration != NULL && self->reject_session_duration)
    {
      _gh_sim_federation_error (msg, "SessionDuration is not allowed for these credentials");
      return FALSE;
    }

  token = g_new0 (SigninToken, 1);
  token_str = _gh_sim_random_string ("", ALNUM "-_", 400);
  token->account_id = g_strdup (creds->account_id);
  token->role_name = g_strdup (creds->role_name);
  token->expires_at = _gh_sim_now (self) + _gh_sim_seconds_to_us (SIGNIN_TOKEN_LIFETIME_S);
  g_hash_table_insert (self->signin_tokens, token_str, token);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "SigninToken");
  json_builder_add_string_value (builder, token_str);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);

  return FALSE;
}

gboolean
_gh_sim_handle_login (GhSimulator       *self,
                      SoupServerMessage *msg,
                      GHashTable        *query)
{
  const char *token_str = g_hash_table_lookup (query, "SigninToken");
  const char *destination = g_hash_table_lookup (query, "Destination");
  g_autoptr(GUri) destination_uri = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *body = NULL;
  SigninToken *token;

  token = token_str ? g_hash_table_lookup (self->signin_tokens, token_str) : NULL;
  if (token == NULL || token->used || _gh_sim_now (self) >= token->expires_at)
    {
      _gh_sim_respond_html (msg, 400, "Invalid sign-in token",
                            "<p>The sign-in token is invalid, expired or was already used.</p>");
      return FALSE;
    }

  if (destination != NULL)
    destination_uri = g_uri_parse (destination, G_URI_FLAGS_NONE, NULL);
  if (destination_uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (destination_uri), "https") != 0
          && g_strcmp0 (g_uri_get_scheme (destination_uri), "http") != 0))
    {
      _gh_sim_respond_html (msg, 400, "Invalid destination",
                            "<p>Destination must be an http(s) URL.</p>");
      return FALSE;
    }

  token->used = TRUE;
  g_ptr_array_add (self->console_logins,
                   g_strdup_printf ("%s/%s", token->account_id, token->role_name));
  g_free (self->last_console_destination);
  self->last_console_destination = g_strdup (destination);

  title = g_strdup_printf ("Console for %s @ %s", token->role_name, token->account_id);
  escaped = g_markup_escape_text (destination, -1);
  body = g_strdup_printf ("<p>Signed in. Destination: <code id=\"destination\">%s</code></p>",
                          escaped);
  _gh_sim_respond_html (msg, 200, title, body);

  return FALSE;
}

/* The console's sign-out: GET /oauth?Action=logout&redirect_uri=URL → 302 to URL. Only
 * redirects to loopback http(s) URLs, so the simulator is no open redirect. */
gboolean
_gh_sim_handle_console_logout (GhSimulator       *self,
                               SoupServerMessage *msg,
                               GHashTable        *query)
{
  const char *redirect_uri = g_hash_table_lookup (query, "redirect_uri");
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (redirect_uri != NULL)
    uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  host = uri ? g_uri_get_host (uri) : NULL;
  if (uri == NULL
      || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_userinfo (uri) != NULL
      || (g_strcmp0 (host, "127.0.0.1") != 0 && g_strcmp0 (host, "localhost") != 0))
    {
      _gh_sim_respond_html (msg, 400, "Invalid redirect_uri",
                            "<p>redirect_uri must be an http(s) URL on 127.0.0.1.</p>");
      return FALSE;
    }

  soup_server_message_set_redirect (msg, 302, redirect_uri);
  return FALSE;
}

gboolean
_gh_sim_handle_oauth_unknown (GhSimulator       *self,
                              SoupServerMessage *msg,
                              GHashTable        *query)
{
  _gh_sim_respond_html (msg, 400, "Bad request", "<p>Unknown or missing Action.</p>");
  return FALSE;
}

gboolean
_gh_sim_handle_federation_unknown (GhSimulator       *self,
                                   SoupServerMessage *msg,
                                   GHashTable        *query)
{
  _gh_sim_respond_html (msg, 400, "Bad request", "<p>Unknown or missing Action.</p>");
  return FALSE;
}
