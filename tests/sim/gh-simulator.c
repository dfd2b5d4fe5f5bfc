/* gh-simulator.c — an AWS IAM Identity Center simulator on one loopback port
 *
 * This file holds the object: its records and helpers, the requests it holds back, the dispatch
 * of requests to the services and the public API. The services are files of their own, sharing
 * gh-simulator-private.h: gh-sim-oidc.c, gh-sim-pages.c, gh-sim-portal.c, gh-sim-federation.c,
 * with gh-sim-responses.c for the responses and gh-sim-control.c for the control API.
 *
 * Everything runs on the thread-default main context of the caller of gh_simulator_start().
 * Times are kept in microseconds of wall-clock time shifted by the clock-offset property, so
 * tests can move the simulator past an expiry without sleeping.
 */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

G_DEFINE_FINAL_TYPE (GhSimulator, gh_simulator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNTS,
  PROP_ROLES_PER_ACCOUNT,
  PROP_PAGE_SIZE,
  PROP_LATENCY_MS,
  PROP_TOKEN_LATENCY_MS,
  PROP_RATE_LIMIT,
  PROP_ACCESS_TOKEN_LIFETIME,
  PROP_SESSION_LIFETIME,
  PROP_ROLE_CREDENTIAL_LIFETIME,
  PROP_REGISTRATION_LIFETIME,
  PROP_ROTATE_REFRESH_TOKENS,
  PROP_AUTO_APPROVE,
  PROP_DEVICE_CODE_LIFETIME,
  PROP_DEVICE_INTERVAL,
  PROP_CLOCK_OFFSET,
  PROP_NAMELESS_ACCOUNTS,
  PROP_ROLE_NAMES,
  PROP_REJECT_SESSION_DURATION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* ------------------------------------------------------------------------------------------ */
/* Records */

static void
client_free (Client *client)
{
  g_free (client->client_id);
  g_free (client->client_secret);
  g_strfreev (client->scopes);
  g_strfreev (client->redirect_uris);
  g_strfreev (client->grant_types);
  g_free (client);
}

static void
device_auth_free (DeviceAuth *auth)
{
  g_free (auth->device_code);
  g_free (auth->user_code);
  g_free (auth->client_id);
  g_free (auth);
}

void
_gh_sim_pending_authorize_free (PendingAuthorize *pending)
{
  g_clear_object (&pending->msg);
  g_free (pending->client_id);
  g_free (pending->redirect_uri);
  g_free (pending->state);
  g_free (pending->code_challenge);
  g_free (pending);
}

static void
auth_code_free (AuthCode *code)
{
  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->code_challenge);
  g_free (code);
}

static void
access_token_free (AccessToken *token)
{
  g_free (token->client_id);
  g_free (token);
}

static void
refresh_token_free (RefreshToken *token)
{
  g_free (token->client_id);
  g_free (token);
}

static void
role_credentials_free (RoleCredentials *creds)
{
  g_free (creds->secret_access_key);
  g_free (creds->session_token);
  g_free (creds->account_id);
  g_free (creds->role_name);
  g_free (creds);
}

static void
signin_token_free (SigninToken *token)
{
  g_free (token->account_id);
  g_free (token->role_name);
  g_free (token);
}

static void
delayed_free (Delayed *delayed)
{
  g_clear_handle_id (&delayed->source_id, g_source_remove);
  g_clear_object (&delayed->msg);
  g_free (delayed);
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

gint64
_gh_sim_now (GhSimulator *self)
{
  return g_get_real_time () + self->clock_offset * G_USEC_PER_SEC;
}

gint64
_gh_sim_seconds_to_us (gint64 seconds)
{
  return seconds * G_USEC_PER_SEC;
}

char *
_gh_sim_random_string (const char *prefix,
                       const char *alphabet,
                       guint       length)
{
  GString *str = g_string_new (prefix);
  gsize n = strlen (alphabet);

  for (guint i = 0; i < length; i++)
    g_string_append_c (str, alphabet[g_random_int_range (0, (gint32) n)]);

  return g_string_free (str, FALSE);
}

char *
_gh_sim_random_token (const char *prefix,
                      guint       length)
{
  return _gh_sim_random_string (prefix, ALNUM "-_", length);
}

gboolean
_gh_sim_strv_contains_nullable (GStrv       strv,
                                const char *str)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, str);
}

char *
_gh_sim_account_id_for_index (guint n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, FIRST_ACCOUNT_ID + n);
}

char *
_gh_sim_role_name_for_index (GhSimulator *self,
                             guint        j)
{
  if (self->role_names != NULL && j < g_strv_length (self->role_names))
    return g_strdup (self->role_names[j]);
  if (j == 0)
    return g_strdup ("AdministratorAccess");
  if (j == 1)
    return g_strdup ("ReadOnly");
  return g_strdup_printf ("Role%u", j + 1);
}

/* Returns the 1-based account number, or 0 if the account does not exist. */
guint
_gh_sim_find_account (GhSimulator *self,
                      const char  *account_id)
{
  guint64 id;
  g_autofree char *canonical = NULL;

  if (account_id == NULL
      || !g_ascii_string_to_unsigned (account_id, 10, FIRST_ACCOUNT_ID + 1,
                                      FIRST_ACCOUNT_ID + self->accounts, &id, NULL))
    return 0;

  canonical = _gh_sim_account_id_for_index ((guint) (id - FIRST_ACCOUNT_ID));
  if (g_strcmp0 (canonical, account_id) != 0)
    return 0;

  return (guint) (id - FIRST_ACCOUNT_ID);
}

gboolean
_gh_sim_role_exists (GhSimulator *self,
                     const char  *role_name)
{
  for (guint j = 0; j < self->roles_per_account; j++)
    {
      g_autofree char *name = _gh_sim_role_name_for_index (self, j);

      if (g_strcmp0 (name, role_name) == 0)
        return TRUE;
    }

  return FALSE;
}

char *
_gh_sim_s256_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  char *encoded;
  char *p;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);
  encoded = g_base64_encode (digest, digest_len);

  for (p = encoded; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return encoded;
}

static void
count_request (GhSimulator *self,
               const char  *operation)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, operation));

  g_hash_table_insert (self->request_counts, g_strdup (operation), GUINT_TO_POINTER (n + 1));
}

static void
fault_queue_free (GQueue *queue)
{
  g_queue_free_full (queue, g_free);
}

static GhSimFault
take_fault (GhSimulator *self,
            const char  *operation)
{
  GQueue *queue = g_hash_table_lookup (self->faults, operation);
  Fault *fault;
  GhSimFault kind;

  if (queue == NULL || (fault = g_queue_peek_head (queue)) == NULL)
    return GH_SIM_FAULT_NONE;

  kind = fault->fault;
  if (--fault->count == 0)
    {
      g_free (g_queue_pop_head (queue));
      if (g_queue_is_empty (queue))
        g_hash_table_remove (self->faults, operation);
    }

  return kind;
}

static gboolean
rate_limit_allow (GhSimulator *self)
{
  gint64 now;
  double elapsed;

  if (self->rate_limit == 0)
    return TRUE;

  now = g_get_monotonic_time ();
  elapsed = (double) (now - self->bucket_time) / G_USEC_PER_SEC;
  self->bucket_time = now;
  self->bucket_tokens = MIN ((double) self->rate_limit,
                             self->bucket_tokens + elapsed * self->rate_limit);

  if (self->bucket_tokens >= 1.0)
    {
      self->bucket_tokens -= 1.0;
      return TRUE;
    }

  return FALSE;
}

static void
reset_rate_limit (GhSimulator *self)
{
  self->bucket_tokens = self->rate_limit;
  self->bucket_time = g_get_monotonic_time ();
}

/* ------------------------------------------------------------------------------------------ */
/* Held messages: latency, hangs and pending authorize requests */

static gboolean
delayed_cb (gpointer user_data)
{
  Delayed *delayed = user_data;
  GhSimulator *self = delayed->self;
  g_autoptr(SoupServerMessage) msg = g_object_ref (delayed->msg);

  delayed->source_id = 0;
  g_hash_table_remove (self->delayed, msg);
  soup_server_message_unpause (msg);

  return G_SOURCE_REMOVE;
}

static void
delay_message (GhSimulator       *self,
               SoupServerMessage *msg,
               guint              delay_ms)
{
  Delayed *delayed = g_new0 (Delayed, 1);

  delayed->self = self;
  delayed->msg = g_object_ref (msg);
  delayed->source_id = g_timeout_add (delay_ms, delayed_cb, delayed);
  soup_server_message_pause (msg);
  g_hash_table_replace (self->delayed, msg, delayed);
}

static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  GhSimulator *self = user_data;

  g_hash_table_remove (self->delayed, msg);
  g_ptr_array_remove (self->hung, msg);

  for (guint i = 0; i < self->pending_authorizes->len; i++)
    {
      PendingAuthorize *pending = g_ptr_array_index (self->pending_authorizes, i);

      if (pending->msg == msg)
        {
          g_ptr_array_remove_index (self->pending_authorizes, i);
          break;
        }
    }
}

char *
_gh_sim_append_query (const char *uri,
                      const char *query)
{
  return g_strconcat (uri, strchr (uri, '?') ? "&" : "?", query, NULL);
}

void
_gh_sim_resolve_authorize (GhSimulator      *self,
                           PendingAuthorize *pending,
                           gboolean          approve)
{
  g_autofree char *escaped_state = g_uri_escape_string (pending->state, NULL, FALSE);
  g_autofree char *query = NULL;
  g_autofree char *location = NULL;

  if (approve)
    {
      AuthCode *code = g_new0 (AuthCode, 1);
      char *code_str = _gh_sim_random_token ("", 64);

      code->client_id = g_strdup (pending->client_id);
      code->redirect_uri = g_strdup (pending->redirect_uri);
      code->code_challenge = g_strdup (pending->code_challenge);
      code->expires_at = _gh_sim_now (self) + _gh_sim_seconds_to_us (AUTH_CODE_LIFETIME_S);
      g_hash_table_insert (self->auth_codes, code_str, code);

      query = g_strdup_printf ("code=%s&state=%s", code_str, escaped_state);
    }
  else
    {
      query = g_strdup_printf ("error=access_denied&error_description=%s&state=%s",
                               "The%20user%20denied%20the%20request", escaped_state);
    }

  location = _gh_sim_append_query (pending->redirect_uri, query);
  soup_server_message_set_redirect (pending->msg, SOUP_STATUS_FOUND, location);
}

/* ------------------------------------------------------------------------------------------ */
/* Dispatch */

typedef struct
{
  const char *method;
  const char *path;
  const char *operation;
  ApiKind     api;
  GhSimHandler handler;
} Route;

static const Route routes[] = {
  { "POST", "/client/register", "RegisterClient", API_OIDC, _gh_sim_handle_register_client },
  { "POST", "/device_authorization", "StartDeviceAuthorization", API_OIDC,
    _gh_sim_handle_start_device_authorization },
  { "POST", "/token", "CreateToken", API_OIDC, _gh_sim_handle_create_token },
  { "GET", "/authorize", "Authorize", API_BROWSER, _gh_sim_handle_authorize },
  { "GET", "/assignment/accounts", "ListAccounts", API_PORTAL, _gh_sim_handle_list_accounts },
  { "GET", "/assignment/roles", "ListAccountRoles", API_PORTAL, _gh_sim_handle_list_account_roles },
  { "GET", "/federation/credentials", "GetRoleCredentials", API_PORTAL,
    _gh_sim_handle_get_role_credentials },
  { "POST", "/logout", "Logout", API_PORTAL, _gh_sim_handle_logout },
  { "GET", "/device", NULL, API_BROWSER, _gh_sim_handle_device_page },
  { "GET", "/", NULL, API_BROWSER, _gh_sim_handle_portal_page },
  { "GET", "/start", NULL, API_BROWSER, _gh_sim_handle_portal_page },
  { "GET", "/start/", NULL, API_BROWSER, _gh_sim_handle_portal_page },
};

static const Route federation_routes[] = {
  { "GET", "/federation", "GetSigninToken", API_FEDERATION, _gh_sim_handle_get_signin_token },
  { "GET", "/federation", "Login", API_FEDERATION, _gh_sim_handle_login },
  { "GET", "/federation", NULL, API_FEDERATION, _gh_sim_handle_federation_unknown },
  { "GET", "/oauth", "ConsoleLogout", API_BROWSER, _gh_sim_handle_console_logout },
  { "GET", "/oauth", NULL, API_BROWSER, _gh_sim_handle_oauth_unknown },
};

static const Route *
find_route (const char *path,
            GHashTable *query)
{
  if (g_str_equal (path, "/federation"))
    {
      const char *action = query ? g_hash_table_lookup (query, "Action") : NULL;

      if (g_strcmp0 (action, "getSigninToken") == 0)
        return &federation_routes[0];
      if (g_strcmp0 (action, "login") == 0)
        return &federation_routes[1];
      return &federation_routes[2];
    }

  if (g_str_equal (path, "/oauth"))
    {
      const char *action = query ? g_hash_table_lookup (query, "Action") : NULL;

      return g_strcmp0 (action, "logout") == 0 ? &federation_routes[3] : &federation_routes[4];
    }

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (routes[i].path, path))
      return &routes[i];

  return NULL;
}

static void
respond_fault (GhSimulator       *self,
               SoupServerMessage *msg,
               const Route       *route,
               GHashTable        *query,
               GhSimFault         fault)
{
  switch (fault)
    {
    case GH_SIM_FAULT_500:
      if (route->api == API_OIDC)
        _gh_sim_oidc_error (msg, 500, "InternalServerException", "server_error",
                            "An internal server error occurred");
      else if (route->api == API_PORTAL)
        _gh_sim_portal_error (msg, 500, "InternalServerException",
                              "An internal server error occurred");
      else
        _gh_sim_respond_html (msg, 500, "Internal Server Error", NULL);
      break;

    case GH_SIM_FAULT_503:
      _gh_sim_respond_html (msg, 503, "Service Unavailable",
                            "<p>The service is temporarily unavailable.</p>");
      break;

    case GH_SIM_FAULT_MALFORMED:
      _gh_sim_respond_text (msg, 200, "application/json",
                            "<html><body>Gateway says hello{\"accessToken\":</body></html>");
      break;

    case GH_SIM_FAULT_THROTTLE:
      self->throttled++;
      if (route->api == API_OIDC)
        _gh_sim_oidc_error (msg, 429, "TooManyRequestsException", "too_many_requests",
                            "Rate exceeded");
      else if (route->api == API_PORTAL)
        _gh_sim_portal_error (msg, 429, "TooManyRequestsException", "HTTP 429 Unknown Code");
      else
        _gh_sim_respond_html (msg, 429, "Too Many Requests", NULL);
      break;

    case GH_SIM_FAULT_UNAUTHORIZED:
      if (route->api == API_PORTAL)
        _gh_sim_portal_error (msg, 401, "UnauthorizedException",
                              "Session token not found or invalid");
      else
        _gh_sim_respond_html (msg, 401, "Unauthorized", NULL);
      break;

    case GH_SIM_FAULT_HANG:
      soup_server_message_pause (msg);
      g_ptr_array_add (self->hung, g_object_ref (msg));
      break;

    case GH_SIM_FAULT_LOST_REPLY:
      /* The handler holds no message for the operations this is meant for (CreateToken). */
      if (route->handler (self, msg, query))
        break;
      G_GNUC_FALLTHROUGH;

    case GH_SIM_FAULT_CLOSE:
      {
        g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

        if (stream != NULL)
          g_io_stream_close (stream, NULL, NULL);
      }
      break;

    case GH_SIM_FAULT_NONE:
    default:
      g_assert_not_reached ();
    }
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  GhSimulator *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const Route *route;
  GhSimFault fault;
  gboolean held;

  g_assert (GH_IS_SIMULATOR (self));

  if (g_str_has_prefix (path, "/_sim/"))
    {
      _gh_sim_handle_control (self, msg, path, query);
      return;
    }

  route = find_route (path, query);
  if (route == NULL)
    {
      _gh_sim_respond_text (msg, 404, "text/plain", "Not found\n");
      return;
    }

  if (route->operation != NULL)
    count_request (self, route->operation);

  if (route->api == API_OIDC || route->api == API_PORTAL)
    {
      g_autofree char *request_id = g_uuid_string_random ();

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "x-amzn-RequestId", request_id);
    }

  if (!g_str_equal (method, route->method)
      && !(g_str_equal (method, "HEAD") && g_str_equal (route->method, "GET")))
    {
      if (route->api == API_PORTAL)
        _gh_sim_portal_error (msg, 405, "MethodNotAllowedException", "Method not allowed");
      else
        _gh_sim_respond_text (msg, 405, "text/plain", "Method not allowed\n");
      held = FALSE;
    }
  else if (route->operation != NULL
           && (fault = take_fault (self, route->operation)) != GH_SIM_FAULT_NONE)
    {
      respond_fault (self, msg, route, query, fault);
      held = fault == GH_SIM_FAULT_HANG || fault == GH_SIM_FAULT_CLOSE ||
             fault == GH_SIM_FAULT_LOST_REPLY;
    }
  else if (route->api == API_PORTAL && !rate_limit_allow (self))
    {
      self->throttled++;
      _gh_sim_portal_error (msg, 429, "TooManyRequestsException", "HTTP 429 Unknown Code");
      held = FALSE;
    }
  else
    {
      held = route->handler (self, msg, query);
    }

  if (!held)
    {
      guint delay = self->latency_ms;

      if (g_strcmp0 (route->operation, "CreateToken") == 0)
        delay += self->token_latency_ms;
      if (delay > 0)
        delay_message (self, msg, delay);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
gh_simulator_dispose (GObject *object)
{
  GhSimulator *self = GH_SIMULATOR (object);

  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_hash_table_remove_all (self->delayed);
      g_ptr_array_set_size (self->pending_authorizes, 0);
      g_ptr_array_set_size (self->hung, 0);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }

  G_OBJECT_CLASS (gh_simulator_parent_class)->dispose (object);
}

static void
gh_simulator_finalize (GObject *object)
{
  GhSimulator *self = GH_SIMULATOR (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->device_auths, g_hash_table_unref);
  g_clear_pointer (&self->auth_codes, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->role_credentials, g_hash_table_unref);
  g_clear_pointer (&self->signin_tokens, g_hash_table_unref);
  g_clear_pointer (&self->faults, g_hash_table_unref);
  g_clear_pointer (&self->request_counts, g_hash_table_unref);
  g_clear_pointer (&self->delayed, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_ptr_array_unref);
  g_clear_pointer (&self->pending_authorizes, g_ptr_array_unref);
  g_clear_pointer (&self->hung, g_ptr_array_unref);
  g_clear_pointer (&self->console_logins, g_ptr_array_unref);
  g_clear_pointer (&self->last_console_destination, g_free);
  g_clear_pointer (&self->last_registration_request, g_free);
  g_clear_pointer (&self->role_names, g_strfreev);

  G_OBJECT_CLASS (gh_simulator_parent_class)->finalize (object);
}

static void
gh_simulator_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GhSimulator *self = GH_SIMULATOR (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      g_value_set_uint (value, self->accounts);
      break;
    case PROP_ROLES_PER_ACCOUNT:
      g_value_set_uint (value, self->roles_per_account);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_LATENCY_MS:
      g_value_set_uint (value, self->latency_ms);
      break;
    case PROP_TOKEN_LATENCY_MS:
      g_value_set_uint (value, self->token_latency_ms);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_uint (value, self->rate_limit);
      break;
    case PROP_ACCESS_TOKEN_LIFETIME:
      g_value_set_int64 (value, self->access_token_lifetime);
      break;
    case PROP_SESSION_LIFETIME:
      g_value_set_int64 (value, self->session_lifetime);
      break;
    case PROP_ROLE_CREDENTIAL_LIFETIME:
      g_value_set_int64 (value, self->role_credential_lifetime);
      break;
    case PROP_REGISTRATION_LIFETIME:
      g_value_set_int64 (value, self->registration_lifetime);
      break;
    case PROP_ROTATE_REFRESH_TOKENS:
      g_value_set_boolean (value, self->rotate_refresh_tokens);
      break;
    case PROP_AUTO_APPROVE:
      g_value_set_boolean (value, self->auto_approve);
      break;
    case PROP_DEVICE_CODE_LIFETIME:
      g_value_set_int64 (value, self->device_code_lifetime);
      break;
    case PROP_DEVICE_INTERVAL:
      g_value_set_int (value, self->device_interval);
      break;
    case PROP_CLOCK_OFFSET:
      g_value_set_int64 (value, self->clock_offset);
      break;
    case PROP_NAMELESS_ACCOUNTS:
      g_value_set_uint (value, self->nameless_accounts);
      break;
    case PROP_ROLE_NAMES:
      g_value_set_boxed (value, self->role_names);
      break;
    case PROP_REJECT_SESSION_DURATION:
      g_value_set_boolean (value, self->reject_session_duration);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_simulator_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GhSimulator *self = GH_SIMULATOR (object);

  switch (prop_id)
    {
    case PROP_ACCOUNTS:
      self->accounts = g_value_get_uint (value);
      break;
    case PROP_ROLES_PER_ACCOUNT:
      self->roles_per_account = g_value_get_uint (value);
      break;
    case PROP_PAGE_SIZE:
      self->page_size = g_value_get_uint (value);
      break;
    case PROP_LATENCY_MS:
      self->latency_ms = g_value_get_uint (value);
      break;
    case PROP_TOKEN_LATENCY_MS:
      self->token_latency_ms = g_value_get_uint (value);
      break;
    case PROP_RATE_LIMIT:
      self->rate_limit = g_value_get_uint (value);
      reset_rate_limit (self);
      break;
    case PROP_ACCESS_TOKEN_LIFETIME:
      self->access_token_lifetime = g_value_get_int64 (value);
      break;
    case PROP_SESSION_LIFETIME:
      self->session_lifetime = g_value_get_int64 (value);
      break;
    case PROP_ROLE_CREDENTIAL_LIFETIME:
      self->role_credential_lifetime = g_value_get_int64 (value);
      break;
    case PROP_REGISTRATION_LIFETIME:
      self->registration_lifetime = g_value_get_int64 (value);
      break;
    case PROP_ROTATE_REFRESH_TOKENS:
      self->rotate_refresh_tokens = g_value_get_boolean (value);
      break;
    case PROP_AUTO_APPROVE:
      self->auto_approve = g_value_get_boolean (value);
      break;
    case PROP_DEVICE_CODE_LIFETIME:
      self->device_code_lifetime = g_value_get_int64 (value);
      break;
    case PROP_DEVICE_INTERVAL:
      self->device_interval = g_value_get_int (value);
      break;
    case PROP_CLOCK_OFFSET:
      self->clock_offset = g_value_get_int64 (value);
      break;
    case PROP_NAMELESS_ACCOUNTS:
      self->nameless_accounts = g_value_get_uint (value);
      break;
    case PROP_ROLE_NAMES:
      g_strfreev (self->role_names);
      self->role_names = g_value_dup_boxed (value);
      break;
    case PROP_REJECT_SESSION_DURATION:
      self->reject_session_duration = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_simulator_class_init (GhSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = gh_simulator_dispose;
  object_class->finalize = gh_simulator_finalize;
  object_class->get_property = gh_simulator_get_property;
  object_class->set_property = gh_simulator_set_property;

  properties[PROP_ACCOUNTS] =
    g_param_spec_uint ("accounts", NULL, NULL, 0, 10000, 3, flags);
  properties[PROP_ROLES_PER_ACCOUNT] =
    g_param_spec_uint ("roles-per-account", NULL, NULL, 0, 1000, 2, flags);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, 1000, 20, flags);
  properties[PROP_LATENCY_MS] =
    g_param_spec_uint ("latency-ms", NULL, NULL, 0, 600000, 0, flags);
  properties[PROP_TOKEN_LATENCY_MS] =
    g_param_spec_uint ("token-latency-ms", NULL, NULL, 0, 600000, 0, flags);
  properties[PROP_RATE_LIMIT] =
    g_param_spec_uint ("rate-limit", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ACCESS_TOKEN_LIFETIME] =
    g_param_spec_int64 ("access-token-lifetime", NULL, NULL, 0, G_MAXINT32, 3600, flags);
  properties[PROP_SESSION_LIFETIME] =
    g_param_spec_int64 ("session-lifetime", NULL, NULL, 0, G_MAXINT32, 28800, flags);
  properties[PROP_ROLE_CREDENTIAL_LIFETIME] =
    g_param_spec_int64 ("role-credential-lifetime", NULL, NULL, 0, G_MAXINT32, 3600, flags);
  properties[PROP_REGISTRATION_LIFETIME] =
    g_param_spec_int64 ("registration-lifetime", NULL, NULL, 0, G_MAXINT32, 7776000, flags);
  properties[PROP_ROTATE_REFRESH_TOKENS] =
    g_param_spec_boolean ("rotate-refresh-tokens", NULL, NULL, TRUE, flags);
  properties[PROP_AUTO_APPROVE] =
    g_param_spec_boolean ("auto-approve", NULL, NULL, TRUE, flags);
  properties[PROP_DEVICE_CODE_LIFETIME] =
    g_param_spec_int64 ("device-code-lifetime", NULL, NULL, 0, G_MAXINT32, 600, flags);
  properties[PROP_DEVICE_INTERVAL] =
    g_param_spec_int ("device-interval", NULL, NULL, 0, 3600, 1, flags);
  /* Shifts the simulator's clock (seconds) so tests can cross expiries without sleeping. */
  properties[PROP_CLOCK_OFFSET] =
    g_param_spec_int64 ("clock-offset", NULL, NULL, -G_MAXINT32, G_MAXINT32, 0, flags);
  /* Every Nth account (N, 2N, …) comes without accountName and emailAddress; 0 = none. */
  properties[PROP_NAMELESS_ACCOUNTS] =
    g_param_spec_uint ("nameless-accounts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /* Names for roles 1, 2, … of every account instead of the defaults (past the end of the
   * list the defaults apply); roles-per-account still says how many. */
  properties[PROP_ROLE_NAMES] =
    g_param_spec_boxed ("role-names", NULL, NULL, G_TYPE_STRV, flags);
  /* getSigninToken answers 400 to any SessionDuration (as for role-chained credentials). */
  properties[PROP_REJECT_SESSION_DURATION] =
    g_param_spec_boolean ("reject-session-duration", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_simulator_init (GhSimulator *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) client_free);
  self->device_auths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) device_auth_free);
  self->auth_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) auth_code_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) refresh_token_free);
  self->role_credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) role_credentials_free);
  self->signin_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) signin_token_free);
  self->faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) fault_queue_free);
  self->request_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->delayed = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) delayed_free);
  self->sessions = g_ptr_array_new_with_free_func (g_free);
  self->pending_authorizes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) _gh_sim_pending_authorize_free);
  self->hung = g_ptr_array_new_with_free_func (g_object_unref);
  self->console_logins = g_ptr_array_new_with_free_func (g_free);

  self->accounts = 3;
  self->roles_per_account = 2;
  self->page_size = 20;
  self->access_token_lifetime = 3600;
  self->session_lifetime = 28800;
  self->role_credential_lifetime = 3600;
  self->registration_lifetime = 7776000;
  self->rotate_refresh_tokens = TRUE;
  self->auto_approve = TRUE;
  self->device_code_lifetime = 600;
  self->device_interval = 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API */

GhSimulator *
gh_simulator_new (void)
{
  return g_object_new (GH_TYPE_SIMULATOR, NULL);
}

gboolean
gh_simulator_start (GhSimulator  *self,
                    guint         port,
                    GError      **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  GSList *uris;
  GUri *uri;

  g_return_val_if_fail (GH_IS_SIMULATOR (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  self->server = soup_server_new ("server-header", "gatehouse-simulator ", NULL);
  soup_server_add_handler (self->server, NULL, server_callback, self, NULL);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (self->server, "request-aborted", G_CALLBACK (request_done_cb), self);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  uri = uris->data;
  g_free (self->url);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  reset_rate_limit (self);

  return TRUE;
}

const char *
gh_simulator_get_url (GhSimulator *self)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), NULL);

  return self->url;
}

void
gh_simulator_inject_fault (GhSimulator *self,
                           const char  *operation,
                           GhSimFault   fault,
                           guint        count)
{
  GQueue *queue;
  Fault *entry;

  g_return_if_fail (GH_IS_SIMULATOR (self));
  g_return_if_fail (operation != NULL);

  if (fault == GH_SIM_FAULT_NONE || count == 0)
    {
      g_hash_table_remove (self->faults, operation);
      return;
    }

  if ((queue = g_hash_table_lookup (self->faults, operation)) == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (self->faults, g_strdup (operation), queue);
    }

  entry = g_new0 (Fault, 1);
  entry->fault = fault;
  entry->count = count;
  g_queue_push_tail (queue, entry);
}

static guint
resolve_pending (GhSimulator *self,
                 const char  *user_code,
                 gboolean     approve)
{
  GHashTableIter iter;
  DeviceAuth *auth;
  gint64 now = _gh_sim_now (self);
  guint n = 0;

  g_hash_table_iter_init (&iter, self->device_auths);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &auth))
    {
      if (auth->state != DEVICE_PENDING || now >= auth->expires_at)
        continue;
      if (user_code != NULL && g_ascii_strcasecmp (auth->user_code, user_code) != 0)
        continue;

      auth->state = approve ? DEVICE_APPROVED : DEVICE_DENIED;
      n++;
    }

  /* Authorize requests have no user code; they match on NULL or on their state parameter. */
  for (guint i = 0; i < self->pending_authorizes->len;)
    {
      PendingAuthorize *pending = g_ptr_array_index (self->pending_authorizes, i);

      if (user_code != NULL && g_strcmp0 (pending->state, user_code) != 0)
        {
          i++;
          continue;
        }

      pending = g_ptr_array_steal_index (self->pending_authorizes, i);
      _gh_sim_resolve_authorize (self, pending, approve);
      soup_server_message_unpause (pending->msg);
      _gh_sim_pending_authorize_free (pending);
      n++;
    }

  return n;
}

guint
gh_simulator_approve (GhSimulator *self,
                      const char  *user_code)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), 0);

  return resolve_pending (self, user_code, TRUE);
}

guint
gh_simulator_deny (GhSimulator *self,
                   const char  *user_code)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), 0);

  return resolve_pending (self, user_code, FALSE);
}

guint
gh_simulator_get_pending_count (GhSimulator *self)
{
  GHashTableIter iter;
  DeviceAuth *auth;
  gint64 now;
  guint n;

  g_return_val_if_fail (GH_IS_SIMULATOR (self), 0);

  now = _gh_sim_now (self);
  n = self->pending_authorizes->len;

  g_hash_table_iter_init (&iter, self->device_auths);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &auth))
    if (auth->state == DEVICE_PENDING && now < auth->expires_at)
      n++;

  return n;
}

const char *
gh_simulator_get_last_user_code (GhSimulator *self)
{
  GHashTableIter iter;
  DeviceAuth *auth, *newest = NULL;
  gint64 now;

  g_return_val_if_fail (GH_IS_SIMULATOR (self), NULL);

  now = _gh_sim_now (self);

  g_hash_table_iter_init (&iter, self->device_auths);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &auth))
    if (auth->state == DEVICE_PENDING && now < auth->expires_at
        && (newest == NULL || auth->serial > newest->serial))
      newest = auth;

  return newest ? newest->user_code : NULL;
}

void
gh_simulator_expire_access_tokens (GhSimulator *self)
{
  GHashTableIter iter;
  AccessToken *token;

  g_return_if_fail (GH_IS_SIMULATOR (self));

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &token))
    token->expired = TRUE;
}

void
gh_simulator_revoke_refresh_tokens (GhSimulator *self)
{
  GHashTableIter iter;
  RefreshToken *token;

  g_return_if_fail (GH_IS_SIMULATOR (self));

  g_hash_table_iter_init (&iter, self->refresh_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &token))
    token->valid = FALSE;
}

void
gh_simulator_expire_registrations (GhSimulator *self)
{
  GHashTableIter iter;
  Client *client;

  g_return_if_fail (GH_IS_SIMULATOR (self));

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &client))
    client->revoked = TRUE;
}

guint
gh_simulator_get_throttled_count (GhSimulator *self)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), 0);

  return self->throttled;
}

guint
gh_simulator_get_request_count (GhSimulator *self,
                                const char  *operation)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), 0);
  g_return_val_if_fail (operation != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->request_counts, operation));
}

gboolean
gh_simulator_access_token_is_valid (GhSimulator *self,
                                    const char  *access_token)
{
  AccessToken *token;

  g_return_val_if_fail (GH_IS_SIMULATOR (self), FALSE);

  if (access_token == NULL)
    return FALSE;

  token = g_hash_table_lookup (self->access_tokens, access_token);

  return token != NULL
         && !token->expired
         && !token->session->logged_out
         && _gh_sim_now (self) < token->expires_at;
}

gboolean
gh_simulator_refresh_token_is_valid (GhSimulator *self,
                                     const char  *refresh_token)
{
  RefreshToken *token;

  g_return_val_if_fail (GH_IS_SIMULATOR (self), FALSE);

  if (refresh_token == NULL)
    return FALSE;

  token = g_hash_table_lookup (self->refresh_tokens, refresh_token);

  return token != NULL
         && token->valid
         && !token->session->logged_out
         && _gh_sim_now (self) < token->session->end;
}

GPtrArray *
gh_simulator_get_console_logins (GhSimulator *self)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), NULL);

  return self->console_logins;
}

const char *
gh_simulator_get_last_registration_request (GhSimulator *self)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), NULL);

  return self->last_registration_request;
}

const char *
gh_simulator_get_last_console_destination (GhSimulator *self)
{
  g_return_val_if_fail (GH_IS_SIMULATOR (self), NULL);

  return self->last_console_destination;
}
