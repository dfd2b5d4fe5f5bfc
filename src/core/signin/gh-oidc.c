/* gh-oidc.c — the SSO OIDC service (docs/aws-protocols.md §1, §2) */
#define G_LOG_DOMAIN "gh-oidc"

#include "config.h"

#include <sys/random.h>

#include <glib/gi18n.h>

#include "gh-error.h"
#include "gh-oidc.h"
#include "gh-oidc-private.h"
#include "gh-token-cache.h"

/* Longer than any sign-in lasts, and short enough that now plus it is still a date Gatehouse
 * can write (GH_MAX_EXPIRES_AT) and a number of seconds a GLib timeout takes */
#define MAX_LIFETIME G_GINT64_CONSTANT (100 * 365 * 24 * 3600)

static void
wipe_string (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

void
gh_registration_free (GhRegistration *registration)
{
  if (registration == NULL)
    return;
  g_free (registration->client_id);
  wipe_string (registration->client_secret);
  g_free (registration);
}

void
gh_token_response_free (GhTokenResponse *response)
{
  if (response == NULL)
    return;
  wipe_string (response->access_token);
  wipe_string (response->refresh_token);
  g_free (response);
}

void
gh_device_authorization_free (GhDeviceAuthorization *authorization)
{
  if (authorization == NULL)
    return;
  wipe_string (authorization->device_code);
  g_free (authorization->user_code);
  g_free (authorization->verification_uri);
  g_free (authorization->verification_uri_complete);
  g_free (authorization);
}

static const char *
flow_grant_type (GhFlow flow)
{
  return flow == GH_FLOW_DEVICE_CODE ? GH_GRANT_DEVICE_CODE_URN : "authorization_code";
}

/* A point in time as the OIDC service sends one (epoch seconds): 1970 to GH_MAX_EXPIRES_AT */
static gboolean
check_expiry (gint64       value,
              const char  *member,
              const char  *operation,
              GError     **error)
{
  if (value < 0 || value > GH_MAX_EXPIRES_AT)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has an impossible “%s”"), operation, member);
      return FALSE;
    }
  return TRUE;
}

/* A lifetime in seconds: positive, at most MAX_LIFETIME */
static gboolean
check_lifetime (gint64       value,
                const char  *member,
                const char  *operation,
                GError     **error)
{
  if (value <= 0 || value > MAX_LIFETIME)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has an impossible “%s”"), operation, member);
      return FALSE;
    }
  return TRUE;
}

char *
gh_registration_to_json (const GhRegistration *registration)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "clientId");
  json_builder_add_string_value (builder, registration->client_id);
  json_builder_set_member_name (builder, "clientSecret");
  json_builder_add_string_value (builder, registration->client_secret);
  json_builder_set_member_name (builder, "expiresAt");
  json_builder_add_int_value (builder, registration->expires_at);
  json_builder_set_member_name (builder, "grantTypes");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, flow_grant_type (registration->flow));
  json_builder_add_string_value (builder, "refresh_token");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

GhRegistration *
gh_registration_from_json (const char  *json,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GhRegistration) registration = g_new0 (GhRegistration, 1);
  const char *operation = _("Reading the stored client registration");
  JsonObject *object;
  JsonNode *grants;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("The stored client registration is damaged"));
      return NULL;
    }

  object = json_node_get_object (root);
  registration->client_id = g_strdup (gh_json_require_token (object, "clientId", operation,
                                                             error));
  if (registration->client_id == NULL)
    return NULL;
  registration->client_secret = g_strdup (gh_json_require_token (object, "clientSecret",
                                                                 operation, error));
  if (registration->client_secret == NULL ||
      !gh_json_require_int (object, "expiresAt", operation, &registration->expires_at, error) ||
      !check_expiry (registration->expires_at, "expiresAt", operation, error))
    return NULL;

  /* Anything but an array of strings is a list without authorization_code */
  registration->flow = GH_FLOW_DEVICE_CODE;
  grants = json_object_get_member (object, "grantTypes");
  for (guint i = 0; grants != NULL && JSON_NODE_HOLDS_ARRAY (grants) &&
                    i < json_array_get_length (json_node_get_array (grants)); i++)
    {
      JsonNode *grant = json_array_get_element (json_node_get_array (grants), i);

      if (JSON_NODE_HOLDS_VALUE (grant) && json_node_get_value_type (grant) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (grant), "authorization_code") == 0)
        registration->flow = GH_FLOW_AUTHORIZATION_CODE;
    }

  return g_steal_pointer (&registration);
}

gboolean
gh_registration_is_usable (const GhRegistration *registration,
                           GhFlow                flow,
                           gint64                now)
{
  return registration != NULL &&
         registration->flow == flow &&
         registration->expires_at - now > 15 * 60;
}

#define UNRESERVED "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

char *
gh_pkce_new_verifier (void)
{
  guint8 random_bytes[64];
  char *verifier = g_malloc (65);
  gsize filled = 0;

  while (filled < sizeof random_bytes)
    {
      ssize_t n = getrandom (random_bytes + filled, sizeof random_bytes - filled, 0);

      if (n > 0)
        filled += n;
      else if (errno != EINTR)
        g_error ("getrandom failed: %s", g_strerror (errno));
    }

  /* 66 symbols: reject bytes ≥ 198 would be exact; 256 mod 66 bias is negligible for a
   * 64-character verifier but cheap to avoid, so map with rejection via re-draw. */
  for (guint i = 0; i < 64; i++)
    {
      guint8 b = random_bytes[i];

      while (b >= 198)
        {
          if (getrandom (&b, 1, 0) != 1)
            b = 0;
        }
      verifier[i] = UNRESERVED[b % 66];
    }
  verifier[64] = '\0';
  explicit_bzero (random_bytes, sizeof random_bytes);

  return verifier;
}

char *
gh_pkce_challenge (const char *verifier)
{
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char *encoded;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);
  encoded = g_base64_encode (digest, digest_len);

  /* base64url without padding */
  for (char *p = encoded; *p != '\0'; p++)
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
append_param (GString    *query,
              const char *key,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (query, "%s%s=%s", query->len ? "&" : "", key, escaped);
}

char *
gh_oidc_authorize_url (const char         *base_url,
                       const char         *client_id,
                       const char         *redirect_uri,
                       const char         *state,
                       const char * const *scopes,
                       const char         *code_challenge)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autofree char *scope_text = NULL;
  static const char * const default_scopes[] = { GH_DEFAULT_SCOPE, NULL };

  if (scopes == NULL || scopes[0] == NULL)
    scopes = default_scopes;
  scope_text = g_strjoinv (" ", (char **) scopes);

  /* Same order as the AWS CLI (docs/aws-protocols.md §2.3). */
  append_param (query, "response_type", "code");
  append_param (query, "client_id", client_id);
  append_param (query, "redirect_uri", redirect_uri);
  append_param (query, "state", state);
  append_param (query, "code_challenge_method", "S256");
  append_param (query, "scopes", scope_text);
  append_param (query, "code_challenge", code_challenge);

  return g_strdup_printf ("%s?%s", base_url, query->str);
}

static void
add_string_array (JsonBuilder        *builder,
                  const char         *member,
                  const char * const *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

/* The reply's JSON object; an empty reply (or one that is not an object) is malformed, as every
 * OIDC call answers with members the caller needs. */
static JsonObject *
reply_object (JsonNode    *root,
              const char  *operation,
              GError     **error)
{
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply is empty"), operation);
      return NULL;
    }
  return json_node_get_object (root);
}

/* How a call's reply becomes its result, and how the result is freed */
typedef struct
{
  gpointer       (*decode) (JsonNode  *root,
                            GhFlow     flow,
                            GError   **error);
  GDestroyNotify   free_result;
  GhFlow           flow;      /* RegisterClient: the grant type registered for */
  GhHttpCallFlags  flags;
} Decoding;

/* Takes `error`. A CreateToken whose reply was lost may have been carried out, using up the
 * code or refresh token it carried: a refusal after it is that, not a bad grant, and a failure
 * after it leaves the grant in doubt. */
static GError *
single_use_error (GAsyncResult *result,
                  GError       *error)
{
  GError *lost;

  if (!gh_http_call_get_reply_lost (result) || error->domain != GH_ERROR)
    return error;

  if (error->code == GH_ERROR_INVALID_GRANT)
    {
      lost = g_error_new (GH_ERROR, GH_ERROR_REPLY_LOST,
                          _("%s failed: an earlier attempt got no reply in time, and it used up "
                            "the one-time code or refresh token it carried"),
                          _("Getting an access token"));
      g_error_free (error);
      return lost;
    }

  if (gh_error_is_transient (error))
    error->code = GH_ERROR_NO_REPLY;
  return error;
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const Decoding *decoding = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  gpointer decoded = NULL;
  GError *error = NULL;

  if ((root = gh_http_call_finish (GH_HTTP (object), result, &error)) != NULL)
    decoded = decoding->decode (root, decoding->flow, &error);
  else if (decoding->flags & GH_HTTP_CALL_SINGLE_USE)
    error = single_use_error (result, error);
  if (decoded == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, decoded, decoding->free_result);
}

/* POSTs @body to @url and returns what @decode makes of the reply */
static void
call_async (GhHttp              *http,
            const char          *operation,
            const char          *url,
            JsonBuilder         *body,
            const Decoding      *decoding,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(JsonNode) root = json_builder_get_root (body);
  GTask *task = g_task_new (http, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_memdup2 (decoding, sizeof *decoding), g_free);
  gh_http_call_full_async (http, operation, "POST", url, root, NULL, decoding->flags,
                           cancellable, call_cb, task);
}

/* RegisterClient */

GhRegistration *
gh_oidc_decode_registration (JsonNode  *root,
                             GhFlow     flow,
                             GError   **error)
{
  g_autoptr(GhRegistration) registration = g_new0 (GhRegistration, 1);
  const char *operation = _("Registering the client");
  GError *local_error = NULL;
  JsonObject *reply;

  if ((reply = reply_object (root, operation, error)) == NULL)
    return NULL;

  registration->flow = flow;
  registration->client_id = g_strdup (gh_json_require_token (reply, "clientId",
                                                             operation, &local_error));
  if (local_error == NULL)
    registration->client_secret = g_strdup (gh_json_require_token (reply, "clientSecret",
                                                                   operation, &local_error));
  if (local_error == NULL &&
      gh_json_require_int (reply, "clientSecretExpiresAt", operation,
                           &registration->expires_at, &local_error))
    check_expiry (registration->expires_at, "clientSecretExpiresAt", operation, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&registration);
}

static gpointer
decode_registration (JsonNode  *root,
                     GhFlow     flow,
                     GError   **error)
{
  return gh_oidc_decode_registration (root, flow, error);
}

void
gh_oidc_register_client_async (GhHttp              *http,
                               const char          *oidc_url,
                               const char          *session_name,
                               const char          *start_url,
                               const char * const  *scopes,
                               GhFlow               flow,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  static const char * const default_scopes[] = { GH_DEFAULT_SCOPE, NULL };
  const char *grant_types[] = { flow_grant_type (flow), "refresh_token", NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *client_name = g_strdup_printf ("gatehouse-%s", session_name);
  g_autofree char *url = g_strdup_printf ("%s/client/register", oidc_url);
  const Decoding decoding = { decode_registration, (GDestroyNotify) gh_registration_free, flow };

  json_builder_begin_object (builder);
  add_string (builder, "clientName", client_name);
  add_string (builder, "clientType", "public");
  /* Without sso:account:access no refresh token is issued (docs/aws-protocols.md §1.2). */
  add_string_array (builder, "scopes", scopes && scopes[0] ? scopes : default_scopes);
  add_string_array (builder, "grantTypes", grant_types);
  if (flow == GH_FLOW_AUTHORIZATION_CODE)
    {
      const char *redirect_uris[] = { "http://127.0.0.1/oauth/callback", NULL };

      add_string_array (builder, "redirectUris", redirect_uris);
      add_string (builder, "issuerUrl", start_url);
    }
  json_builder_end_object (builder);

  call_async (http, _("Registering the client"), url, builder, &decoding,
              gh_oidc_register_client_async, cancellable, callback, user_data);
}

GhRegistration *
gh_oidc_register_client_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* StartDeviceAuthorization */

GhDeviceAuthorization *
gh_oidc_decode_device_authorization (JsonNode  *root,
                                     GError   **error)
{
  g_autoptr(GhDeviceAuthorization) authorization = g_new0 (GhDeviceAuthorization, 1);
  const char *operation = _("Starting the device authorization");
  GError *local_error = NULL;
  JsonObject *reply;
  const char *complete;

  if ((reply = reply_object (root, operation, error)) == NULL)
    return NULL;

  authorization->device_code = g_strdup (gh_json_require_token (reply, "deviceCode",
                                                                operation, &local_error));
  if (local_error == NULL)
    authorization->user_code = g_strdup (gh_json_require_token (reply, "userCode",
                                                                operation, &local_error));
  if (local_error == NULL)
    authorization->verification_uri = g_strdup (gh_json_require_token (reply, "verificationUri",
                                                                       operation, &local_error));
  if (local_error == NULL &&
      gh_json_require_int (reply, "expiresIn", operation, &authorization->expires_in,
                           &local_error))
    check_lifetime (authorization->expires_in, "expiresIn", operation, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  /* Optional: without a usable one the person types the code at verificationUri */
  complete = gh_json_get_string (reply, "verificationUriComplete");
  if (complete != NULL && gh_json_require_token (reply, "verificationUriComplete", operation,
                                                 NULL) != NULL)
    authorization->verification_uri_complete = g_strdup (complete);
  /* Polling less often than the code lives would be no polling at all */
  if (!json_object_has_member (reply, "interval") ||
      !gh_json_require_int (reply, "interval", operation, &authorization->interval, NULL) ||
      authorization->interval <= 0 || authorization->interval > authorization->expires_in)
    authorization->interval = 5;

  return g_steal_pointer (&authorization);
}

static gpointer
decode_device_authorization (JsonNode  *root,
                             GhFlow     flow,
                             GError   **error)
{
  return gh_oidc_decode_device_authorization (root, error);
}

void
gh_oidc_start_device_authorization_async (GhHttp               *http,
                                          const char           *oidc_url,
                                          const GhRegistration *registration,
                                          const char           *start_url,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *url = g_strdup_printf ("%s/device_authorization", oidc_url);
  const Decoding decoding = { decode_device_authorization,
                              (GDestroyNotify) gh_device_authorization_free };

  json_builder_begin_object (builder);
  add_string (builder, "clientId", registration->client_id);
  add_string (builder, "clientSecret", registration->client_secret);
  add_string (builder, "startUrl", start_url);
  json_builder_end_object (builder);

  call_async (http, _("Starting the device authorization"), url, builder, &decoding,
              gh_oidc_start_device_authorization_async, cancellable, callback, user_data);
}

GhDeviceAuthorization *
gh_oidc_start_device_authorization_finish (GAsyncResult  *result,
                                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* CreateToken */

GhTokenResponse *
gh_oidc_decode_token (JsonNode  *root,
                      GError   **error)
{
  g_autoptr(GhTokenResponse) response = g_new0 (GhTokenResponse, 1);
  const char *operation = _("Getting an access token");
  GError *local_error = NULL;
  JsonObject *reply;
  const char *refresh_token;

  if ((reply = reply_object (root, operation, error)) == NULL)
    return NULL;

  response->access_token = g_strdup (gh_json_require_token (reply, "accessToken",
                                                            operation, &local_error));
  if (local_error == NULL &&
      gh_json_require_int (reply, "expiresIn", operation, &response->expires_in,
                           &local_error))
    {
      if (response->expires_in <= 0)
        local_error = g_error_new (GH_ERROR, GH_ERROR_MALFORMED,
                                   _("%s failed: the token has already expired"), operation);
      else
        check_lifetime (response->expires_in, "expiresIn", operation, &local_error);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  refresh_token = gh_json_get_string (reply, "refreshToken");
  if (refresh_token != NULL && *refresh_token != '\0')
    {
      if (gh_json_require_token (reply, "refreshToken", operation, error) == NULL)
        return NULL;
      response->refresh_token = g_strdup (refresh_token);
    }

  return g_steal_pointer (&response);
}

static gpointer
decode_token (JsonNode  *root,
              GhFlow     flow,
              GError   **error)
{
  return gh_oidc_decode_token (root, error);
}

void
gh_oidc_create_token_async (GhHttp               *http,
                            const char           *oidc_url,
                            const GhRegistration *registration,
                            const char           *grant_type,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data,
                            ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *url = g_strdup_printf ("%s/token", oidc_url);
  /* Codes are used once, and refresh tokens may rotate: wait for the reply rather than lose it
   * to a timeout. */
  const Decoding decoding = { decode_token, (GDestroyNotify) gh_token_response_free, 0,
                              GH_HTTP_CALL_SINGLE_USE };
  const char *key;
  va_list args;

  json_builder_begin_object (builder);
  add_string (builder, "grantType", grant_type);
  add_string (builder, "clientId", registration->client_id);
  add_string (builder, "clientSecret", registration->client_secret);
  va_start (args, user_data);
  while ((key = va_arg (args, const char *)) != NULL)
    add_string (builder, key, va_arg (args, const char *));
  va_end (args);
  json_builder_end_object (builder);

  call_async (http, _("Getting an access token"), url, builder, &decoding,
              gh_oidc_create_token_async, cancellable, callback, user_data);
}

GhTokenResponse *
gh_oidc_create_token_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
