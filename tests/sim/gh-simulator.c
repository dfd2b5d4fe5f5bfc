/* gh-simulator.c — an AWS IAM Identity Center simulator on one loopback port
 *
 * Everything runs on the thread-default main context of the caller of gh_simulator_start().
 * Times are kept in microseconds of wall-clock time shifted by the clock-offset property, so
 * tests can move the simulator past an expiry without sleeping.
 */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator.h"

#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#define OIDC_ERROR_SUFFIX   ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
#define PORTAL_ERROR_SUFFIX ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
#define PORTAL_TYPE_PREFIX  "com.amazonaws.switchboard.portal#"

#define GRANT_DEVICE_CODE   "urn:ietf:params:oauth:grant-type:device_code"
#define GRANT_AUTH_CODE     "authorization_code"
#define GRANT_REFRESH_TOKEN "refresh_token"
#define SCOPE_ACCOUNT_ACCESS "sso:account:access"

#define AUTH_CODE_LIFETIME_S    (10 * 60)
#define SIGNIN_TOKEN_LIFETIME_S (15 * 60)

#define FIRST_ACCOUNT_ID G_GUINT64_CONSTANT (100000000000)

typedef enum
{
  API_OIDC,
  API_PORTAL,
  API_FEDERATION,
  API_BROWSER,
} ApiKind;

typedef struct
{
  char    *client_id;
  char    *client_secret;
  GStrv    scopes;
  GStrv    redirect_uris;
  GStrv    grant_types;
  gint64   expires_at;
  gboolean revoked;
} Client;

typedef enum
{
  DEVICE_PENDING,
  DEVICE_APPROVED,
  DEVICE_DENIED,
  DEVICE_USED,
} DeviceState;

typedef struct
{
  char        *device_code;
  char        *user_code;
  char        *client_id;
  gint64       expires_at;
  gint64       last_poll;
  guint64      serial;
  DeviceState  state;
} DeviceAuth;

typedef struct
{
  SoupServerMessage *msg;
  char              *client_id;
  char              *redirect_uri;
  char              *state;
  char              *code_challenge;
} PendingAuthorize;

typedef struct
{
  char     *client_id;
  char     *redirect_uri;
  char     *code_challenge;
  gint64    expires_at;
  gboolean  used;
} AuthCode;

typedef struct
{
  gint64   end;
  gboolean logged_out;
} SignInSession;

typedef struct
{
  SignInSession *session;
  char          *client_id;
  gint64         expires_at;
  gboolean       expired;
} AccessToken;

typedef struct
{
  SignInSession *session;
  char          *client_id;
  gboolean       valid;
} RefreshToken;

typedef struct
{
  char   *secret_access_key;
  char   *session_token;
  char   *account_id;
  char   *role_name;
  gint64  expires_at;
} RoleCredentials;

typedef struct
{
  char     *account_id;
  char     *role_name;
  gint64    expires_at;
  gboolean  used;
} SigninToken;

typedef struct
{
  GhSimFault fault;
  guint      count;
} Fault;

typedef struct
{
  GhSimulator       *self;
  SoupServerMessage *msg;
  guint              source_id;
} Delayed;

struct _GhSimulator
{
  GObject      parent_instance;

  SoupServer  *server;
  char        *url;

  GHashTable  *clients;          /* client_id → Client */
  GHashTable  *device_auths;     /* device_code → DeviceAuth */
  GHashTable  *auth_codes;       /* code → AuthCode */
  GHashTable  *access_tokens;    /* token → AccessToken */
  GHashTable  *refresh_tokens;   /* token → RefreshToken */
  GHashTable  *role_credentials; /* access key id → RoleCredentials */
  GHashTable  *signin_tokens;    /* token → SigninToken */
  GHashTable  *faults;           /* operation → GQueue of Fault, applied in order */
  GHashTable  *request_counts;   /* operation → GUINT_TO_POINTER (n) */
  GHashTable  *delayed;          /* SoupServerMessage → Delayed */
  GPtrArray   *sessions;         /* SignInSession, referenced by the tokens */
  GPtrArray   *pending_authorizes;
  GPtrArray   *hung;             /* SoupServerMessage */
  GPtrArray   *console_logins;
  char        *last_console_destination;
  char        *last_registration_request;
  guint64      device_serial;

  double       bucket_tokens;
  gint64       bucket_time;

  guint        accounts;
  guint        roles_per_account;
  guint        nameless_accounts;
  GStrv        role_names;
  guint        page_size;
  guint        latency_ms;
  guint        token_latency_ms;
  guint        rate_limit;
  gint64       access_token_lifetime;
  gint64       session_lifetime;
  gint64       role_credential_lifetime;
  gint64       registration_lifetime;
  gint64       device_code_lifetime;
  gint64       clock_offset;
  int          device_interval;
  gboolean     rotate_refresh_tokens;
  gboolean     auto_approve;
  gboolean     reject_session_duration;
};

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

static void
pending_authorize_free (PendingAuthorize *pending)
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

static gint64
sim_now (GhSimulator *self)
{
  return g_get_real_time () + self->clock_offset * G_USEC_PER_SEC;
}

static gint64
seconds_to_us (gint64 seconds)
{
  return seconds * G_USEC_PER_SEC;
}

static char *
random_string (const char *prefix,
               const char *alphabet,
               guint       length)
{
  GString *str = g_string_new (prefix);
  gsize n = strlen (alphabet);

  for (guint i = 0; i < length; i++)
    g_string_append_c (str, alphabet[g_random_int_range (0, (gint32) n)]);

  return g_string_free (str, FALSE);
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static char *
random_token (const char *prefix,
              guint       length)
{
  return random_string (prefix, ALNUM "-_", length);
}

static gboolean
strv_contains_nullable (GStrv       strv,
                        const char *str)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, str);
}

static char *
account_id_for_index (guint n)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, FIRST_ACCOUNT_ID + n);
}

static char *
role_name_for_index (GhSimulator *self,
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
static guint
find_account (GhSimulator *self,
              const char  *account_id)
{
  guint64 id;
  g_autofree char *canonical = NULL;

  if (account_id == NULL
      || !g_ascii_string_to_unsigned (account_id, 10, FIRST_ACCOUNT_ID + 1,
                                      FIRST_ACCOUNT_ID + self->accounts, &id, NULL))
    return 0;

  canonical = account_id_for_index ((guint) (id - FIRST_ACCOUNT_ID));
  if (g_strcmp0 (canonical, account_id) != 0)
    return 0;

  return (guint) (id - FIRST_ACCOUNT_ID);
}

static gboolean
role_exists (GhSimulator *self,
             const char  *role_name)
{
  for (guint j = 0; j < self->roles_per_account; j++)
    {
      g_autofree char *name = role_name_for_index (self, j);

      if (g_strcmp0 (name, role_name) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
s256_challenge (const char *verifier)
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
/* Responses */

static void
respond_json_node (SoupServerMessage *msg,
                   guint              status,
                   JsonNode          *node)
{
  char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

static void
respond_builder (SoupServerMessage *msg,
                 guint              status,
                 JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  respond_json_node (msg, status, root);
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_html (SoupServerMessage *msg,
              guint              status,
              const char        *title,
              const char        *body_html)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<title>%s</title></head>\n<body><h1>%s</h1>\n%s\n"
                                           "</body></html>\n",
                                           escaped, escaped, body_html ? body_html : "");

  respond_text (msg, status, "text/html; charset=utf-8", page);
}

static void
oidc_error (SoupServerMessage *msg,
            guint              status,
            const char        *exception,
            const char        *error,
            const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *error_type = g_strconcat (exception, OIDC_ERROR_SUFFIX, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-ErrorType", error_type);
  respond_builder (msg, status, builder);
}

static void
invalid_request (SoupServerMessage *msg,
                 const char        *description)
{
  oidc_error (msg, 400, "InvalidRequestException", "invalid_request", description);
}

static void
invalid_grant (SoupServerMessage *msg,
               const char        *description)
{
  oidc_error (msg, 400, "InvalidGrantException", "invalid_grant", description);
}

static void
portal_error (SoupServerMessage *msg,
              guint              status,
              const char        *exception,
              const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *error_type = g_strconcat (exception, PORTAL_ERROR_SUFFIX, NULL);
  g_autofree char *full_type = g_strconcat (PORTAL_TYPE_PREFIX, exception, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "__type");
  json_builder_add_string_value (builder, full_type);
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-ErrorType", error_type);
  respond_builder (msg, status, builder);
}

static void
federation_error (SoupServerMessage *msg,
                  const char        *detail)
{
  g_autofree char *escaped = g_markup_escape_text (detail, -1);
  g_autofree char *body = g_strdup_printf ("<p>The request sent by the client was syntactically "
                                           "incorrect.</p>\n<p>%s</p>", escaped);

  respond_html (msg, 400, "Invalid credentials parameter", body);
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

static char *
append_query (const char *uri,
              const char *query)
{
  return g_strconcat (uri, strchr (uri, '?') ? "&" : "?", query, NULL);
}

static void
resolve_authorize (GhSimulator      *self,
                   PendingAuthorize *pending,
                   gboolean          approve)
{
  g_autofree char *escaped_state = g_uri_escape_string (pending->state, NULL, FALSE);
  g_autofree char *query = NULL;
  g_autofree char *location = NULL;

  if (approve)
    {
      AuthCode *code = g_new0 (AuthCode, 1);
      char *code_str = random_token ("", 64);

      code->client_id = g_strdup (pending->client_id);
      code->redirect_uri = g_strdup (pending->redirect_uri);
      code->code_challenge = g_strdup (pending->code_challenge);
      code->expires_at = sim_now (self) + seconds_to_us (AUTH_CODE_LIFETIME_S);
      g_hash_table_insert (self->auth_codes, code_str, code);

      query = g_strdup_printf ("code=%s&state=%s", code_str, escaped_state);
    }
  else
    {
      query = g_strdup_printf ("error=access_denied&error_description=%s&state=%s",
                               "The%20user%20denied%20the%20request", escaped_state);
    }

  location = append_query (pending->redirect_uri, query);
  soup_server_message_set_redirect (pending->msg, SOUP_STATUS_FOUND, location);
}

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
      invalid_request (msg, "Content-Type must be application/json");
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), &error))
    {
      invalid_request (msg, "Request body is not valid JSON");
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid_request (msg, "Request body must be a JSON object");
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

          invalid_request (msg, desc);
          return FALSE;
        }
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *desc = g_strdup_printf ("Member '%s' must be a string", name);

      invalid_request (msg, desc);
      return FALSE;
    }

  *out = json_node_get_string (node);

  if (required && (*out)[0] == '\0')
    {
      g_autofree char *desc = g_strdup_printf ("Member '%s' must not be empty", name);

      invalid_request (msg, desc);
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

    invalid_request (msg, desc);
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
      oidc_error (msg, 401, "InvalidClientException", "invalid_client",
                  "Invalid client provided");
      return NULL;
    }

  if (client->revoked || sim_now (self) >= client->expires_at)
    {
      oidc_error (msg, 401, "InvalidClientException", "invalid_client",
                  "Client registration has expired");
      return NULL;
    }

  return client;
}

static gboolean
client_allows_grant (Client     *client,
                     const char *grant_type)
{
  if (client->grant_types != NULL)
    return strv_contains_nullable (client->grant_types, grant_type);

  /* A registration without grantTypes (what the CLI sends for the device flow) may use the
   * device flow and refresh; the authorization code flow needs registered redirect URIs. */
  if (g_str_equal (grant_type, GRANT_AUTH_CODE))
    return client->redirect_uris != NULL && client->redirect_uris[0] != NULL;

  return TRUE;
}

static gboolean
client_gets_refresh_tokens (Client *client)
{
  return strv_contains_nullable (client->scopes, SCOPE_ACCOUNT_ACCESS)
         && (client->grant_types == NULL
             || strv_contains_nullable (client->grant_types, GRANT_REFRESH_TOKEN));
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
static gboolean
redirect_uri_matches (const char *registered_str,
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

static gboolean
handle_register_client (GhSimulator       *self,
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
  gint64 now = sim_now (self);

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
      oidc_error (msg, 400, "InvalidClientMetadataException", "invalid_client_metadata",
                  "Only public clients are supported");
      return FALSE;
    }

  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      if (scopes[i][0] == '\0' || strchr (scopes[i], ' ') != NULL)
        {
          oidc_error (msg, 400, "InvalidScopeException", "invalid_scope", "Invalid scope");
          return FALSE;
        }
    }

  for (guint i = 0; grant_types != NULL && grant_types[i] != NULL; i++)
    {
      if (!g_str_equal (grant_types[i], GRANT_DEVICE_CODE)
          && !g_str_equal (grant_types[i], GRANT_AUTH_CODE)
          && !g_str_equal (grant_types[i], GRANT_REFRESH_TOKEN))
        {
          oidc_error (msg, 400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                      "Unsupported grant type");
          return FALSE;
        }
    }

  for (guint i = 0; redirect_uris != NULL && redirect_uris[i] != NULL; i++)
    {
      if (!redirect_uri_is_valid (redirect_uris[i]))
        {
          oidc_error (msg, 400, "InvalidRedirectUriException", "invalid_redirect_uri",
                      "Invalid redirect URI");
          return FALSE;
        }
    }

  if (strv_contains_nullable (grant_types, GRANT_AUTH_CODE)
      && (redirect_uris == NULL || redirect_uris[0] == NULL))
    {
      oidc_error (msg, 400, "InvalidRedirectUriException", "invalid_redirect_uri",
                  "redirectUris are required for the authorization_code grant");
      return FALSE;
    }

  client = g_new0 (Client, 1);
  client->client_id = random_token ("sim-client-", 22);
  /* Real client secrets are around 1 KiB; keep clients honest about buffer sizes. */
  client->client_secret = random_string ("eyJraWQiOiJzaW0iLCJhbGciOiJIUzM4NCJ9.", ALNUM, 900);
  client->scopes = g_steal_pointer (&scopes);
  client->redirect_uris = g_steal_pointer (&redirect_uris);
  client->grant_types = g_steal_pointer (&grant_types);
  client->expires_at = now + seconds_to_us (self->registration_lifetime);
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
  respond_builder (msg, 200, builder);

  return FALSE;
}

static gboolean
handle_start_device_authorization (GhSimulator       *self,
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
      invalid_request (msg, "startUrl must be an http(s) URL");
      return FALSE;
    }

  if (!client_allows_grant (client, GRANT_DEVICE_CODE))
    {
      oidc_error (msg, 400, "UnauthorizedClientException", "unauthorized_client",
                  "Client is not authorized for the device code grant");
      return FALSE;
    }

  auth = g_new0 (DeviceAuth, 1);
  auth->device_code = random_token ("", 86);
  {
    g_autofree char *a = random_string ("", "BCDFGHJKLMNPQRSTVWXZ", 4);
    g_autofree char *b = random_string ("", "BCDFGHJKLMNPQRSTVWXZ", 4);
    auth->user_code = g_strdup_printf ("%s-%s", a, b);
  }
  auth->client_id = g_strdup (client_id);
  auth->expires_at = sim_now (self) + seconds_to_us (self->device_code_lifetime);
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
  respond_builder (msg, 200, builder);

  return FALSE;
}

static SignInSession *
new_sign_in_session (GhSimulator *self)
{
  SignInSession *session = g_new0 (SignInSession, 1);

  session->end = sim_now (self) + seconds_to_us (self->session_lifetime);
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
  gint64 now = sim_now (self);
  AccessToken *access = g_new0 (AccessToken, 1);
  char *access_str = random_token ("aoa", 380);

  access->session = session;
  access->client_id = g_strdup (client->client_id);
  if (client_gets_refresh_tokens (client))
    access->expires_at = MIN (now + seconds_to_us (self->access_token_lifetime), session->end);
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
      char *refresh_str = random_token ("aor", 380);

      refresh->session = session;
      refresh->client_id = g_strdup (client->client_id);
      refresh->valid = TRUE;
      g_hash_table_insert (self->refresh_tokens, refresh_str, refresh);

      json_builder_set_member_name (builder, "refreshToken");
      json_builder_add_string_value (builder, refresh_str);
    }

  json_builder_end_object (builder);
  respond_builder (msg, 200, builder);
}

static void
create_token_device_code (GhSimulator       *self,
                          SoupServerMessage *msg,
                          Client            *client,
                          JsonObject        *body)
{
  const char *device_code;
  DeviceAuth *auth;
  gint64 now = sim_now (self);
  gint64 last_poll;

  if (!get_string_member (msg, body, "deviceCode", TRUE, &device_code))
    return;

  auth = g_hash_table_lookup (self->device_auths, device_code);
  if (auth == NULL || g_strcmp0 (auth->client_id, client->client_id) != 0
      || auth->state == DEVICE_USED)
    {
      invalid_grant (msg, "Invalid device code provided");
      return;
    }

  if (now >= auth->expires_at)
    {
      oidc_error (msg, 400, "ExpiredTokenException", "expired_token", "Device code has expired");
      return;
    }

  /* Allow 10 % slack for timer jitter on the client side. */
  last_poll = auth->last_poll;
  auth->last_poll = now;
  if (self->device_interval > 0 && last_poll != 0
      && now - last_poll < (gint64) self->device_interval * G_USEC_PER_SEC * 9 / 10)
    {
      oidc_error (msg, 400, "SlowDownException", "slow_down", "Client is polling too fast");
      return;
    }

  switch (auth->state)
    {
    case DEVICE_PENDING:
      oidc_error (msg, 400, "AuthorizationPendingException", "authorization_pending",
                  "Authorization is still pending");
      return;

    case DEVICE_DENIED:
      oidc_error (msg, 400, "AccessDeniedException", "access_denied",
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
      invalid_grant (msg, "Invalid authorization code provided");
      return;
    }

  if (sim_now (self) >= code->expires_at)
    {
      oidc_error (msg, 400, "ExpiredTokenException", "expired_token",
                  "Authorization code has expired");
      return;
    }

  if (g_strcmp0 (code->redirect_uri, redirect_uri) != 0)
    {
      invalid_grant (msg, "Redirect URI does not match the authorization request");
      return;
    }

  challenge = s256_challenge (code_verifier);
  if (g_strcmp0 (challenge, code->code_challenge) != 0)
    {
      invalid_grant (msg, "Code verifier does not match the code challenge");
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
      || sim_now (self) >= refresh->session->end)
    {
      invalid_grant (msg, "Invalid refresh token provided");
      return;
    }

  if (self->rotate_refresh_tokens)
    refresh->valid = FALSE;

  respond_tokens (self, msg, client, refresh->session, self->rotate_refresh_tokens);
}

static gboolean
handle_create_token (GhSimulator       *self,
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
      oidc_error (msg, 400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                  "Unsupported grant type");
      return FALSE;
    }

  if (!client_allows_grant (client, grant_type))
    {
      oidc_error (msg, 400, "UnauthorizedClientException", "unauthorized_client",
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

/* ------------------------------------------------------------------------------------------ */
/* Browser pages */

static void
authorize_error_redirect (SoupServerMessage *msg,
                          const char        *redirect_uri,
                          const char        *state,
                          const char        *error,
                          const char        *description)
{
  g_autofree char *escaped_desc = g_uri_escape_string (description, NULL, FALSE);
  g_autofree char *escaped_state = g_uri_escape_string (state ? state : "", NULL, FALSE);
  g_autofree char *query = g_strdup_printf ("error=%s&error_description=%s&state=%s",
                                            error, escaped_desc, escaped_state);
  g_autofree char *location = append_query (redirect_uri, query);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static gboolean
handle_authorize (GhSimulator       *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  static const char * const required[] = {
    "response_type", "client_id", "redirect_uri", "state", "code_challenge_method",
    "scopes", "code_challenge",
  };
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  g_auto(GStrv) requested_scopes = NULL;
  PendingAuthorize *pending;
  Client *client;
  gboolean registered = FALSE;

  client = client_id ? g_hash_table_lookup (self->clients, client_id) : NULL;
  if (client == NULL || client->revoked || sim_now (self) >= client->expires_at)
    {
      respond_html (msg, 400, "Invalid client", "<p>The client_id is unknown or expired.</p>");
      return FALSE;
    }

  for (guint i = 0; redirect_uri && client->redirect_uris && client->redirect_uris[i]; i++)
    registered |= redirect_uri_matches (client->redirect_uris[i], redirect_uri);

  if (!registered)
    {
      respond_html (msg, 400, "Invalid redirect URI",
                    "<p>The redirect_uri does not match a registered redirect URI.</p>");
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const char *value = g_hash_table_lookup (query, required[i]);

      if (value == NULL || value[0] == '\0')
        {
          g_autofree char *desc = g_strdup_printf ("Missing parameter %s", required[i]);

          authorize_error_redirect (msg, redirect_uri, state, "invalid_request", desc);
          return FALSE;
        }
    }

  if (!g_str_equal (g_hash_table_lookup (query, "response_type"), "code"))
    {
      authorize_error_redirect (msg, redirect_uri, state, "unsupported_response_type",
                                "response_type must be code");
      return FALSE;
    }

  if (!g_str_equal (g_hash_table_lookup (query, "code_challenge_method"), "S256"))
    {
      authorize_error_redirect (msg, redirect_uri, state, "invalid_request",
                                "code_challenge_method must be S256");
      return FALSE;
    }

  if (!client_allows_grant (client, GRANT_AUTH_CODE))
    {
      authorize_error_redirect (msg, redirect_uri, state, "unauthorized_client",
                                "Client is not registered for authorization_code");
      return FALSE;
    }

  requested_scopes = g_strsplit (g_hash_table_lookup (query, "scopes"), " ", -1);
  for (guint i = 0; client->scopes != NULL && requested_scopes[i] != NULL; i++)
    {
      if (!strv_contains_nullable (client->scopes, requested_scopes[i]))
        {
          authorize_error_redirect (msg, redirect_uri, state, "invalid_scope",
                                    "Requested scope was not registered");
          return FALSE;
        }
    }

  pending = g_new0 (PendingAuthorize, 1);
  pending->msg = g_object_ref (msg);
  pending->client_id = g_strdup (client_id);
  pending->redirect_uri = g_strdup (redirect_uri);
  pending->state = g_strdup (state);
  pending->code_challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));

  if (self->auto_approve)
    {
      resolve_authorize (self, pending, TRUE);
      pending_authorize_free (pending);
      return FALSE;
    }

  soup_server_message_pause (msg);
  g_ptr_array_add (self->pending_authorizes, pending);

  return TRUE;
}

static gboolean
handle_device_page (GhSimulator       *self,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  const char *user_code = query ? g_hash_table_lookup (query, "user_code") : NULL;
  GHashTableIter iter;
  DeviceAuth *auth, *found = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *body = NULL;
  const char *status;

  if (user_code == NULL)
    {
      respond_html (msg, 200, "Authorize request",
                    "<form method=\"get\" action=\"/device\">"
                    "<label>Code <input name=\"user_code\"></label>"
                    "<button type=\"submit\">Next</button></form>");
      return FALSE;
    }

  g_hash_table_iter_init (&iter, self->device_auths);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &auth))
    if (g_ascii_strcasecmp (auth->user_code, user_code) == 0)
      found = auth;

  escaped = g_markup_escape_text (user_code, -1);

  if (found == NULL)
    {
      body = g_strdup_printf ("<p>Unknown code <code>%s</code>.</p>", escaped);
      respond_html (msg, 404, "Authorize request", body);
      return FALSE;
    }

  if (sim_now (self) >= found->expires_at)
    status = "expired";
  else if (found->state == DEVICE_PENDING)
    status = "pending";
  else if (found->state == DEVICE_DENIED)
    status = "denied";
  else
    status = "approved";

  body = g_strdup_printf ("<p>Code <code id=\"user-code\">%s</code>: "
                          "<span id=\"status\">%s</span></p>\n"
                          "<form method=\"post\" action=\"/_sim/approve?user_code=%s\">"
                          "<button type=\"submit\">Allow</button></form>\n"
                          "<form method=\"post\" action=\"/_sim/deny?user_code=%s\">"
                          "<button type=\"submit\">Deny</button></form>",
                          escaped, status, found->user_code, found->user_code);
  respond_html (msg, 200, "Authorize request", body);

  return FALSE;
}

static gboolean
handle_portal_page (GhSimulator       *self,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  g_autofree char *body = g_strdup_printf ("<p>AWS access portal (Gatehouse simulator) with %u "
                                           "accounts and %u roles per account.</p>",
                                           self->accounts, self->roles_per_account);

  respond_html (msg, 200, "AWS access portal", body);
  return FALSE;
}

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
      portal_error (msg, 401, "UnauthorizedException", "Session token not found or invalid");
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
          portal_error (msg, 400, "InvalidRequestException",
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
          portal_error (msg, 400, "InvalidRequestException", "Invalid next token");
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

static gboolean
handle_list_accounts (GhSimulator       *self,
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
      g_autofree char *id = account_id_for_index (i + 1);
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
  respond_builder (msg, 200, builder);

  return FALSE;
}

static gboolean
handle_list_account_roles (GhSimulator       *self,
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
      portal_error (msg, 400, "InvalidRequestException", "account_id is required");
      return FALSE;
    }

  token_prefix = g_strdup_printf ("roles:%s:", account_id);
  if (!parse_paging (self, msg, query, token_prefix, &offset, &limit))
    return FALSE;

  if (find_account (self, account_id) == 0)
    {
      portal_error (msg, 404, "ResourceNotFoundException", "Account not found");
      return FALSE;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "roleList");
  json_builder_begin_array (builder);
  for (i = offset; i < self->roles_per_account && i < offset + limit; i++)
    {
      g_autofree char *name = role_name_for_index (self, i);

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
  respond_builder (msg, 200, builder);

  return FALSE;
}

static gboolean
handle_get_role_credentials (GhSimulator       *self,
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
      portal_error (msg, 400, "InvalidRequestException", "role_name and account_id are required");
      return FALSE;
    }

  if (find_account (self, account_id) == 0 || !role_exists (self, role_name))
    {
      portal_error (msg, 403, "ForbiddenException", "No access");
      return FALSE;
    }

  creds = g_new0 (RoleCredentials, 1);
  access_key_id = random_string ("ASIA", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  /* Secrets and tokens contain '/', '+' and '=' like real ones do, so URL encoding bugs show. */
  creds->secret_access_key = random_string ("", ALNUM "/+", 40);
  creds->session_token = random_string ("IQoJb3JpZ2luX2VjE", ALNUM "/+", 600);
  {
    char *tmp = creds->session_token;
    creds->session_token = g_strconcat (tmp, "==", NULL);
    g_free (tmp);
  }
  creds->account_id = g_strdup (account_id);
  creds->role_name = g_strdup (role_name);
  creds->expires_at = sim_now (self) + seconds_to_us (self->role_credential_lifetime);
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
  respond_builder (msg, 200, builder);

  return FALSE;
}

static gboolean
handle_logout (GhSimulator       *self,
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

/* ------------------------------------------------------------------------------------------ */
/* Sign-in federation */

static gboolean
handle_get_signin_token (GhSimulator       *self,
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
      federation_error (msg, "Session must be a JSON object");
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
      federation_error (msg, "The credentials are not valid");
      return FALSE;
    }

  if (sim_now (self) >= creds->expires_at)
    {
      federation_error (msg, "The credentials have expired");
      return FALSE;
    }

  if (duration != NULL && !g_ascii_string_to_unsigned (duration, 10, 900, 43200, NULL, NULL))
    {
      federation_error (msg, "SessionDuration must be between 900 and 43200 seconds");
      return FALSE;
    }

  /* As AWS does for role-chained or GetFederationToken credentials. */
  if (duration != NULL && self->reject_session_duration)
    {
      federation_error (msg, "SessionDuration is not allowed for these credentials");
      return FALSE;
    }

  token = g_new0 (SigninToken, 1);
  token_str = random_string ("", ALNUM "-_", 400);
  token->account_id = g_strdup (creds->account_id);
  token->role_name = g_strdup (creds->role_name);
  token->expires_at = sim_now (self) + seconds_to_us (SIGNIN_TOKEN_LIFETIME_S);
  g_hash_table_insert (self->signin_tokens, token_str, token);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "SigninToken");
  json_builder_add_string_value (builder, token_str);
  json_builder_end_object (builder);
  respond_builder (msg, 200, builder);

  return FALSE;
}

static gboolean
handle_login (GhSimulator       *self,
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
  if (token == NULL || token->used || sim_now (self) >= token->expires_at)
    {
      respond_html (msg, 400, "Invalid sign-in token",
                    "<p>The sign-in token is invalid, expired or was already used.</p>");
      return FALSE;
    }

  if (destination != NULL)
    destination_uri = g_uri_parse (destination, G_URI_FLAGS_NONE, NULL);
  if (destination_uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (destination_uri), "https") != 0
          && g_strcmp0 (g_uri_get_scheme (destination_uri), "http") != 0))
    {
      respond_html (msg, 400, "Invalid destination",
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
  respond_html (msg, 200, title, body);

  return FALSE;
}

/* The console's sign-out: GET /oauth?Action=logout&redirect_uri=URL → 302 to URL. Only
 * redirects to loopback http(s) URLs, so the simulator is no open redirect. */
static gboolean
handle_console_logout (GhSimulator       *self,
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
      respond_html (msg, 400, "Invalid redirect_uri",
                    "<p>redirect_uri must be an http(s) URL on 127.0.0.1.</p>");
      return FALSE;
    }

  soup_server_message_set_redirect (msg, 302, redirect_uri);
  return FALSE;
}

static gboolean
handle_oauth_unknown (GhSimulator       *self,
                      SoupServerMessage *msg,
                      GHashTable        *query)
{
  respond_html (msg, 400, "Bad request", "<p>Unknown or missing Action.</p>");
  return FALSE;
}

static gboolean
handle_federation_unknown (GhSimulator       *self,
                           SoupServerMessage *msg,
                           GHashTable        *query)
{
  respond_html (msg, 400, "Bad request", "<p>Unknown or missing Action.</p>");
  return FALSE;
}

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
  respond_builder (msg, 200, builder);
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
  respond_builder (msg, 200, builder);
}

static void
handle_control (GhSimulator       *self,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  const char *command = path + strlen ("/_sim/");

  if (g_str_equal (command, "stats"))
    {
      if (!g_str_equal (method, "GET"))
        respond_text (msg, 405, "text/plain", "Use GET\n");
      else
        respond_stats (self, msg);
      return;
    }

  if (!g_str_equal (method, "POST"))
    {
      respond_text (msg, 405, "text/plain", "Use POST\n");
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
      respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "revoke-refresh-tokens"))
    {
      gh_simulator_revoke_refresh_tokens (self);
      respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "expire-registrations"))
    {
      gh_simulator_expire_registrations (self);
      respond_text (msg, 200, "application/json", "{}");
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
          respond_text (msg, 400, "text/plain",
                        "Usage: /_sim/fault?operation=OP&kind=500|503|malformed|close|hang|"
                        "throttle|unauthorized|lost-reply&count=N\n");
          return;
        }

      gh_simulator_inject_fault (self, operation, kind, (guint) count);
      respond_text (msg, 200, "application/json", "{}");
    }
  else if (g_str_equal (command, "set"))
    {
      GHashTableIter iter;
      const char *name, *value;

      if (query == NULL || g_hash_table_size (query) == 0)
        {
          respond_text (msg, 400, "text/plain", "Usage: /_sim/set?NAME=VALUE\n");
          return;
        }

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
        {
          g_autoptr(GError) error = NULL;

          if (!set_property_from_string (self, name, value, &error))
            {
              g_autofree char *text = g_strdup_printf ("%s\n", error->message);

              respond_text (msg, 400, "text/plain", text);
              return;
            }
        }
      respond_text (msg, 200, "application/json", "{}");
    }
  else
    {
      respond_text (msg, 404, "text/plain", "Unknown control command\n");
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Dispatch */

typedef gboolean (*Handler) (GhSimulator       *self,
                             SoupServerMessage *msg,
                             GHashTable        *query);

typedef struct
{
  const char *method;
  const char *path;
  const char *operation;
  ApiKind     api;
  Handler     handler;
} Route;

static const Route routes[] = {
  { "POST", "/client/register", "RegisterClient", API_OIDC, handle_register_client },
  { "POST", "/device_authorization", "StartDeviceAuthorization", API_OIDC,
    handle_start_device_authorization },
  { "POST", "/token", "CreateToken", API_OIDC, handle_create_token },
  { "GET", "/authorize", "Authorize", API_BROWSER, handle_authorize },
  { "GET", "/assignment/accounts", "ListAccounts", API_PORTAL, handle_list_accounts },
  { "GET", "/assignment/roles", "ListAccountRoles", API_PORTAL, handle_list_account_roles },
  { "GET", "/federation/credentials", "GetRoleCredentials", API_PORTAL,
    handle_get_role_credentials },
  { "POST", "/logout", "Logout", API_PORTAL, handle_logout },
  { "GET", "/device", NULL, API_BROWSER, handle_device_page },
  { "GET", "/", NULL, API_BROWSER, handle_portal_page },
  { "GET", "/start", NULL, API_BROWSER, handle_portal_page },
  { "GET", "/start/", NULL, API_BROWSER, handle_portal_page },
};

static const Route federation_routes[] = {
  { "GET", "/federation", "GetSigninToken", API_FEDERATION, handle_get_signin_token },
  { "GET", "/federation", "Login", API_FEDERATION, handle_login },
  { "GET", "/federation", NULL, API_FEDERATION, handle_federation_unknown },
  { "GET", "/oauth", "ConsoleLogout", API_BROWSER, handle_console_logout },
  { "GET", "/oauth", NULL, API_BROWSER, handle_oauth_unknown },
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
        oidc_error (msg, 500, "InternalServerException", "server_error",
                    "An internal server error occurred");
      else if (route->api == API_PORTAL)
        portal_error (msg, 500, "InternalServerException", "An internal server error occurred");
      else
        respond_html (msg, 500, "Internal Server Error", NULL);
      break;

    case GH_SIM_FAULT_503:
      respond_html (msg, 503, "Service Unavailable",
                    "<p>The service is temporarily unavailable.</p>");
      break;

    case GH_SIM_FAULT_MALFORMED:
      respond_text (msg, 200, "application/json",
                    "<html><body>Gateway says hello{\"accessToken\":</body></html>");
      break;

    case GH_SIM_FAULT_THROTTLE:
      if (route->api == API_OIDC)
        oidc_error (msg, 429, "TooManyRequestsException", "too_many_requests", "Rate exceeded");
      else if (route->api == API_PORTAL)
        portal_error (msg, 429, "TooManyRequestsException", "HTTP 429 Unknown Code");
      else
        respond_html (msg, 429, "Too Many Requests", NULL);
      break;

    case GH_SIM_FAULT_UNAUTHORIZED:
      if (route->api == API_PORTAL)
        portal_error (msg, 401, "UnauthorizedException", "Session token not found or invalid");
      else
        respond_html (msg, 401, "Unauthorized", NULL);
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
      handle_control (self, msg, path, query);
      return;
    }

  route = find_route (path, query);
  if (route == NULL)
    {
      respond_text (msg, 404, "text/plain", "Not found\n");
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
        portal_error (msg, 405, "MethodNotAllowedException", "Method not allowed");
      else
        respond_text (msg, 405, "text/plain", "Method not allowed\n");
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
      portal_error (msg, 429, "TooManyRequestsException", "HTTP 429 Unknown Code");
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
    g_ptr_array_new_with_free_func ((GDestroyNotify) pending_authorize_free);
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
  gint64 now = sim_now (self);
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
      resolve_authorize (self, pending, approve);
      soup_server_message_unpause (pending->msg);
      pending_authorize_free (pending);
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

  now = sim_now (self);
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

  now = sim_now (self);

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
         && sim_now (self) < token->expires_at;
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
         && sim_now (self) < token->session->end;
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
