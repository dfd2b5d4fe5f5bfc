/* gh-sim-oidc.c — the simulator's OIDC service (docs/aws-protocols.md §1–§2): client registration,
 * device authorization, tokens by device code, authorization code and refresh token */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

/* ------------------------------------------------------------------------------------------ */
/* OIDC request bodies */

static JsonObject *
read_json_body (SoupServerMessage *msg,
                JsonParser        *parser)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      _gh_sim_invalid_request (msg, "Content-Type must be application/json");
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), &error))
    {
      _gh_sim_invalid_request (msg, "Request body is not valid JSON");
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      _gh_sim_invalid_request (msg, "Request body must be a JSON object");
      return NULL;
    }

  return json_node_get_object (root);
}

/* Returns FALSE (after responding) when the member is present but not a string, or required
 * and missing/empty. */
static gboolean
get_string_member (SoupServerMessage  *msg,
                   JsonObject         *obj,
                   const char         *name,
                   gboolean            required,
                   const char        **out)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *desc = g_strdup_printf ("Missing required member '%s'", name);

          _gh_sim_invalid_request (msg, desc);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *desc = g_strdup_printf ("Member '%s' must be a string", name);

      _gh_sim_invalid_request (msg, desc);
      return FALSE;
    }

  *out = json_node_get_string (node);

  if (required && (*out)[0] == '\0')
    {
      g_autofree char *desc = g_strdup_printf ("Member '%s' must not be empty", name);

      _gh_sim_invalid_request (msg, desc);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_string_array_member (SoupServerMessage  *msg,
                         JsonObject         *obj,
                         const char         *name,
                         GStrv              *out)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;

  builder = g_strv_builder_new ();
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        goto invalid;
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  *out = g_strv_builder_end (builder);
  return TRUE;

invalid:
  {
    g_autofree char *desc = g_strdup_printf ("Member '%s' must be an array of strings", name);

    _gh_sim_invalid_request (msg, desc);
    return FALSE;
  }
}

/* Checks clientId/clientSecret; responds 401 InvalidClientException on failure. */
static Client *
authenticate_client (GhSimulator       *self,
                     SoupServerMessage *msg,
                     const char        *client_id,
                     const char        *client_secret)
{
  Client *client = g_hash_table_lookup (self->clients, client_id);

  if (client == NULL || g_strcmp0 (client->client_secret, client_secret) != 0)
    {
      _gh_sim_oidc_error (msg, 401, "InvalidClientException", "invalid_client",
                          "Invalid client provided");
      return NULL;
    }

  if (client->revoked || _gh_sim_now (self) >= client->expires_at)
    {
      _gh_sim_oidc_error (msg, 401, "InvalidClientException", "invalid_client",
                          "Client registration has expired");
      return NULL;
    }

  return client;
}

gboolean
_gh_sim_client_allows_grant (Client     *client,
                             const char *grant_type)
{
  if (client->grant_types != NULL)
    return _gh_sim_strv_contains_nullable (client->grant_types, grant_type);

  /* A registration without grantTypes (what the CLI sends for the device flow) may use the
   * device flow and refresh; the authorization code flow needs registered redirect URIs. */
  if (g_str_equal (grant_type, GRANT_AUTH_CODE))
    return client->redirect_uris != NULL && client->redirect_uris[0] != NULL;

  return TRUE;
}

static gboolean
client_gets_refresh_tokens (Client *client)
{
  return _gh_sim_strv_contains_nullable (client->scopes, SCOPE_ACCOUNT_ACCESS)
         && (client->grant_types == NULL
             || _gh_sim_strv_contains_nullable (client->grant_types, GRANT_REFRESH_TOKEN));
}

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0
         || g_strcmp0 (host, "localhost") == 0
         || g_strcmp0 (host, "::1") == 0
         || g_strcmp0 (host, "[::1]") == 0;
}

static gboolean
redirect_uri_is_valid (const char *uri_str)
{
  g_autoptr(GUri) uri = g_uri_parse (uri_str, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
         && is_loopback_host (g_uri_get_host (uri));
}

/* RFC 8252 §7.3: a loopback redirect URI registered without a port matches any port. */
gboolean
_gh_sim_redirect_uri_matches (const char *registered_str,
                              const char *requested_str)
{
  g_autoptr(GUri) registered = g_uri_parse (registered_str, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) requested = g_uri_parse (requested_str, G_URI_FLAGS_NONE, NULL);

  if (registered == NULL || requested == NULL)
    return FALSE;

  if (g_strcmp0 (g_uri_get_scheme (registered), g_uri_get_scheme (requested)) != 0
      || g_strcmp0 (g_uri_get_host (registered), g_uri_get_host (requested)) != 0
      || g_strcmp0 (g_uri_get_path (registered), g_uri_get_path (requested)) != 0
      || g_strcmp0 (g_uri_get_query (registered), g_uri_get_query (requested)) != 0)
    return FALSE;

  if (g_uri_get_port (registered) == -1 && is_loopback_host (g_uri_get_host (registered)))
    return TRUE;

  return g_uri_get_port (registered) == g_uri_get_port (requested);
}

/* ------------------------------------------------------------------------------------------ */
/* OIDC operations */

gboolean
_gh_sim_handle_register_client (GhSimulator       *self,
                                SoupServerMessage *msg,
                                GHashTable        *query)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) scopes = NULL;
  g_auto(GStrv) redirect_uris = NULL;
  g_auto(GStrv) grant_types = NULL;
  const char *client_name, *client_type, *issuer_url;
  JsonObject *body;
  Client *client;
  gint64 now = _gh_sim_now (self);

  bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_free (self->last_registration_request);
  self->last_registration_request = g_strndup (g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes));

  if ((body = read_json_body (msg, parser)) == NULL
      || !get_string_member (msg, body, "clientName", TRUE, &client_name)
      || !get_string_member (msg, body, "clientType", TRUE, &client_type)
      || !get_string_member (msg, body, "issuerUrl", FALSE, &issuer_url)
      || !get_string_array_member (msg, body, "scopes", &scopes)
      || !get_string_array_member (msg, body, "redirectUris", &redirect_uris)
      || !get_string_array_member (msg, body, "grantTypes", &grant_types))
    return FALSE;

  if (!g_str_equal (client_type, "public"))
    {
      _gh_sim_oidc_error (msg, 400, "InvalidClientMetadataException", "invalid_client_metadata",
                          "Only public clients are supported");
      return FALSE;
    }

  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      if (scopes[i][0] == '\0' || strchr (scopes[i], ' ') != NULL)
        {
          _gh_sim_oidc_error (msg, 400, "InvalidScopeException", "invalid_scope", "Invalid scope");
          return FALSE;
        }
    }

  for (guint i = 0; grant_types != NULL && grant_types[i] != NULL; i++)
    {
      if (!g_str_equal (grant_types[i], GRANT_DEVICE_CODE)
          && !g_str_equal (grant_types[i], GRANT_AUTH_CODE)
          && !g_str_equal (grant_types[i], GRANT_REFRESH_TOKEN))
        {
          _gh_sim_oidc_error (msg, 400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                              "Unsupported grant type");
          return FALSE;
        }
    }

  for (guint i = 0; redirect_uris != NULL && redirect_uris[i] != NULL; i++)
    {
      if (!redirect_uri_is_valid (redirect_uris[i]))
        {
          _gh_sim_oidc_error (msg, 400, "InvalidRedirectUriException", "invalid_redirect_uri",
                              "Invalid redirect URI");
          return FALSE;
        }
    }

  if (_gh_sim_strv_contains_nullable (grant_types, GRANT_AUTH_CODE)
      && (redirect_uris == NULL || redirect_uris[0] == NULL))
    {
      _gh_sim_oidc_error (msg, 400, "InvalidRedirectUriException", "invalid_redirect_uri",
                          "redirectUris are required for the authorization_code grant");
      return FALSE;
    }

  client = g_new0 (Client, 1);
  client->client_id = _gh_sim_random_token ("sim-client-", 22);
  /* Real client secrets are around 1 KiB; keep clients honest about buffer sizes. */
  client->client_secret = _gh_sim_random_string ("eyJraWQiOiJzaW0iLCJhbGciOiJIUzM4NCJ9.", ALNUM,
                                                900);
  client->scopes = g_steal_pointer (&scopes);
  client->redirect_uris = g_steal_pointer (&redirect_uris);
  client->grant_types = g_steal_pointer (&grant_types);
  client->expires_at = now + _gh_sim_seconds_to_us (self->registration_lifetime);
  g_hash_table_insert (self->clients, client->client_id, client);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientId");
  json_builder_add_string_value (builder, client->client_id);
  json_builder_set_member_name (builder, "clientSecret");
  json_builder_add_string_value (builder, client->client_secret);
  json_builder_set_member_name (builder, "clientIdIssuedAt");
  json_builder_add_int_value (builder, now / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "clientSecretExpiresAt");
  json_builder_add_int_value (builder, client->expires_at / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "authorizationEndpoint");
  {
    g_autofree char *endpoint = g_strconcat (self->url, "/authorize", NULL);
    json_builder_add_string_value (builder, endpoint);
  }
  json_builder_set_member_name (builder, "tokenEndpoint");
  {
    g_autofree char *endpoint = g_strconcat (self->url, "/token", NULL);
    json_builder_add_string_value (builder, endpoint);
  }
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);

  return FALSE;
}

gboolean
_gh_sim_handle_start_device_authorization (GhSimulator       *self,
                                           SoupServerMessage *msg,
                                           GHashTable        *query)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GUri) start_uri = NULL;
  g_autofree char *verification_uri = NULL;
  g_autofree char *verification_uri_complete = NULL;
  const char *client_id, *client_secret, *start_url;
  JsonObject *body;
  Client *client;
  DeviceAuth *auth;

  if ((body = read_json_body (msg, parser)) == NULL
      || !get_string_member (msg, body, "clientId", TRUE, &client_id)
      || !get_string_member (msg, body, "clientSecret", TRUE, &client_secret)
      || !get_string_member (msg, body, "startUrl", TRUE, &start_url))
    return FALSE;

  if ((client = authenticate_client (self, msg, client_id, client_secret)) == NULL)
    return FALSE;

  start_uri = g_uri_parse (start_url, G_URI_FLAGS_NONE, NULL);
  if (start_uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (start_uri), "https") != 0
          && g_strcmp0 (g_uri_get_scheme (start_uri), "http") != 0))
    {
      _gh_sim_invalid_request (msg, "startUrl must be an http(s) URL");
      return FALSE;
    }

  if (!_gh_sim_client_allows_grant (client, GRANT_DEVICE_CODE))
    {
      _gh_sim_oidc_error (msg, 400, "UnauthorizedClientException", "unauthorized_client",
                          "Client is not authorized for the device code grant");
      return FALSE;
    }

  auth = g_new0 (DeviceAuth, 1);
  auth->device_code = _gh_sim_random_token ("", 86);
  {
    g_autofree char *a = _gh_sim_random_string ("", "BCDFGHJKLMNPQRSTVWXZ", 4);
    g_autofree char *b = _gh_sim_random_string ("", "BCDFGHJKLMNPQRSTVWXZ", 4);
    auth->user_code = g_strdup_printf ("%s-%s", a, b);
  }
  auth->client_id = g_strdup (client_id);
  auth->expires_at = _gh_sim_now (self) + _gh_sim_seconds_to_us (self->device_code_lifetime);
  auth->serial = ++self->device_serial;
  /* Auto-approve approves at once, so headless clients (the demo) need no browser at all. */
  auth->state = self->auto_approve ? DEVICE_APPROVED : DEVICE_PENDING;
  g_hash_table_insert (self->device_auths, auth->device_code, auth);

  verification_uri = g_strconcat (self->url, "/device", NULL);
  verification_uri_complete = g_strdup_printf ("%s/device?user_code=%s", self->url,
                                               auth->user_code);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deviceCode");
  json_builder_add_string_value (builder, auth->device_code);
  json_builder_set_member_name (builder, "userCode");
  json_builder_add_string_value (builder, auth->user_code);
  json_builder_set_member_name (builder, "verificationUri");
  json_builder_add_string_value (builder, verification_uri);
  json_builder_set_member_name (builder, "verificationUriComplete");
  json_builder_add_string_value (builder, verification_uri_complete);
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, self->device_code_lifetime);
  json_builder_set_member_name (builder, "interval");
  json_builder_add_int_value (builder, self->device_interval);
  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);

  return FALSE;
}

static SignInSession *
new_sign_in_session (GhSimulator *self)
{
  SignInSession *session = g_new0 (SignInSession, 1);

  session->end = _gh_sim_now (self) + _gh_sim_seconds_to_us (self->session_lifetime);
  g_ptr_array_add (self->sessions, session);

  return session;
}

static void
respond_tokens (GhSimulator       *self,
                SoupServerMessage *msg,
                Client            *client,
                SignInSession     *session,
                gboolean           with_refresh_token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 now = _gh_sim_now (self);
  AccessToken *access = g_new0 (AccessToken, 1);
  char *access_str = _gh_sim_random_token ("aoa", 380);

  access->session = session;
  access->client_id = g_strdup (client->client_id);
  if (client_gets_refresh_tokens (client))
    access->expires_at = MIN (now + _gh_sim_seconds_to_us (self->access_token_lifetime),
                              session->end);
  else
    access->expires_at = session->end;
  g_hash_table_insert (self->access_tokens, access_str, access);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessToken");
  json_builder_add_string_value (builder, access_str);
  json_builder_set_member_name (builder, "tokenType");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, MAX (0, (access->expires_at - now) / G_USEC_PER_SEC));

  if (with_refresh_token)
    {
      RefreshToken *refresh = g_new0 (RefreshToken, 1);
      char *refresh_str = _gh_sim_random_token ("aor", 380);

      refresh->session = session;
      refresh->client_id = g_strdup (client->client_id);
      refresh->valid = TRUE;
      g_hash_table_insert (self->refresh_tokens, refresh_str, refresh);

      json_builder_set_member_name (builder, "refreshToken");
      json_builder_add_string_value (builder, refresh_str);
    }

  json_builder_end_object (builder);
  _gh_sim_respond_builder (msg, 200, builder);
}

static void
create_token_device_code (GhSimulator       *self,
                          SoupServerMessage *msg,
                          Client            *client,
                          JsonObject        *body)
{
  const char *device_code;
  DeviceAuth *auth;
  gint64 now = _gh_sim_now (self);
  gint64 last_poll;

  if (!get_string_member (msg, body, "deviceCode", TRUE, &device_code))
    return;

  auth = g_hash_table_lookup (self->device_auths, device_code);
  if (auth == NULL || g_strcmp0 (auth->client_id, client->client_id) != 0
      || auth->state == DEVICE_USED)
    {
      _gh_sim_invalid_grant (msg, "Invalid device code provided");
      return;
    }

  if (now >= auth->expires_at)
    {
      _gh_sim_oidc_error (msg, 400, "ExpiredTokenException", "expired_token",
                          "Device code has expired");
      return;
    }

  /* Allow 10 % slack for timer jitter on the client side. */
  last_poll = auth->last_poll;
  auth->last_poll = now;
  if (self->device_interval > 0 && last_poll != 0
      && now - last_poll < (gint64) self->device_interval * G_USEC_PER_SEC * 9 / 10)
    {
      _gh_sim_oidc_error (msg, 400, "SlowDownException", "slow_down", "Client is polling too fast");
      return;
    }

  switch (auth->state)
    {
    case DEVICE_PENDING:
      _gh_sim_oidc_error (msg, 400, "AuthorizationPendingException", "authorization_pending",
                          "Authorization is still pending");
      return;

    case DEVICE_DENIED:
      _gh_sim_oidc_error (msg, 400, "AccessDeniedException", "access_denied",
                          "The user denied the authorization request");
      return;

    case DEVICE_APPROVED:
      auth->state = DEVICE_USED;
      respond_tokens (self, msg, client, new_sign_in_session (self),
                      client_gets_refresh_tokens (client));
      return;

    case DEVICE_USED:
    default:
      g_assert_not_reached ();
    }
}

static void
create_token_auth_code (GhSimulator       *self,
                        SoupServerMessage *msg,
                        Client            *client,
                        JsonObject        *body)
{
  const char *code_str, *redirect_uri, *code_verifier;
  g_autofree char *challenge = NULL;
  AuthCode *code;

  if (!get_string_member (msg, body, "code", TRUE, &code_str)
      || !get_string_member (msg, body, "redirectUri", TRUE, &redirect_uri)
      || !get_string_member (msg, body, "codeVerifier", TRUE, &code_verifier))
    return;

  code = g_hash_table_lookup (self->auth_codes, code_str);
  if (code == NULL || code->used || g_strcmp0 (code->client_id, client->client_id) != 0)
    {
      _gh_sim_invalid_grant (msg, "Invalid authorization code provided");
      return;
    }

  if (_gh_sim_now (self) >= code->expires_at)
    {
      _gh_sim_oidc_error (msg, 400, "ExpiredTokenException", "expired_token",
                          "Authorization code has expired");
      return;
    }

  if (g_strcmp0 (code->redirect_uri, redirect_uri) != 0)
    {
      _gh_sim_invalid_grant (msg, "Redirect URI does not match the authorization request");
      return;
    }

  challenge = _gh_sim_s256_challenge (code_verifier);
  if (g_strcmp0 (challenge, code->code_challenge) != 0)
    {
      _gh_sim_invalid_grant (msg, "Code verifier does not match the code challenge");
      return;
    }

  code->used = TRUE;
  respond_tokens (self, msg, client, new_sign_in_session (self),
                  client_gets_refresh_tokens (client));
}

static void
create_token_refresh (GhSimulator       *self,
                      SoupServerMessage *msg,
                      Client            *client,
                      JsonObject        *body)
{
  const char *refresh_str;
  RefreshToken *refresh;

  if (!get_string_member (msg, body, "refreshToken", TRUE, &refresh_str))
    return;

  refresh = g_hash_table_lookup (self->refresh_tokens, refresh_str);
  if (refresh == NULL || !refresh->valid
      || g_strcmp0 (refresh->client_id, client->client_id) != 0
      || refresh->session->logged_out
      || _gh_sim_now (self) >= refresh->session->end)
    {
      _gh_sim_invalid_grant (msg, "Invalid refresh token provided");
      return;
    }

  if (self->rotate_refresh_tokens)
    refresh->valid = FALSE;

  respond_tokens (self, msg, client, refresh->session, self->rotate_refresh_tokens);
}

gboolean
_gh_sim_handle_create_token (GhSimulator       *self,
                             SoupServerMessage *msg,
                             GHashTable        *query)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *client_id, *client_secret, *grant_type;
  JsonObject *body;
  Client *client;

  if ((body = read_json_body (msg, parser)) == NULL
      || !get_string_member (msg, body, "clientId", TRUE, &client_id)
      || !get_string_member (msg, body, "clientSecret", TRUE, &client_secret)
      || !get_string_member (msg, body, "grantType", TRUE, &grant_type))
    return FALSE;

  if ((client = authenticate_client (self, msg, client_id, client_secret)) == NULL)
    return FALSE;

  if (!g_str_equal (grant_type, GRANT_DEVICE_CODE)
      && !g_str_equal (grant_type, GRANT_AUTH_CODE)
      && !g_str_equal (grant_type, GRANT_REFRESH_TOKEN))
    {
      _gh_sim_oidc_error (msg, 400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                          "Unsupported grant type");
      return FALSE;
    }

  if (!_gh_sim_client_allows_grant (client, grant_type))
    {
      _gh_sim_oidc_error (msg, 400, "UnauthorizedClientException", "unauthorized_client",
                          "Client is not authorized for this grant type");
      return FALSE;
    }

  if (g_str_equal (grant_type, GRANT_DEVICE_CODE))
    create_token_device_code (self, msg, client, body);
  else if (g_str_equal (grant_type, GRANT_AUTH_CODE))
    create_token_auth_code (self, msg, client, body);
  else
    create_token_refresh (self, msg, client, body);

  return FALSE;
}
