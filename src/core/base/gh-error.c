/* gh-error.c — decoding AWS error replies into GH_ERROR
 *
 * The error type comes from the x-amzn-ErrorType header (truncated at the first ':' and after the
 * last '#'), else the body's "__type"/"code"; the OIDC body's "error" is the stable OAuth code and
 * wins when present (docs/aws-protocols.md §1.5, §3.3).
 */
#define G_LOG_DOMAIN "gh-error"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"

G_DEFINE_QUARK (gh-error-quark, gh_error)

char *
gh_error_type_from_header (const char *header_value)
{
  g_autofree char *head = NULL;
  const char *hash;

  if (header_value == NULL || *header_value == '\0')
    return NULL;

  head = g_strndup (header_value, strcspn (header_value, ":"));
  hash = strrchr (head, '#');
  return g_strstrip (g_strdup (hash != NULL ? hash + 1 : head));
}

typedef struct
{
  const char *oauth_error;
  const char *aws_type;
  GhError     code;
} ErrorMapping;

static const ErrorMapping error_mappings[] = {
  { "authorization_pending", "AuthorizationPendingException", GH_ERROR_PENDING },
  { "slow_down", "SlowDownException", GH_ERROR_SLOW_DOWN },
  { "expired_token", "ExpiredTokenException", GH_ERROR_EXPIRED },
  { "access_denied", "AccessDeniedException", GH_ERROR_ACCESS_DENIED },
  { "invalid_grant", "InvalidGrantException", GH_ERROR_INVALID_GRANT },
  { "invalid_client", "InvalidClientException", GH_ERROR_INVALID_CLIENT },
  { "unauthorized_client", "UnauthorizedClientException", GH_ERROR_INVALID_CLIENT },
  { "server_error", "InternalServerException", GH_ERROR_SERVER },
  { NULL, "UnauthorizedException", GH_ERROR_UNAUTHORIZED },
  { NULL, "TooManyRequestsException", GH_ERROR_THROTTLED },
  { NULL, "ResourceNotFoundException", GH_ERROR_NOT_FOUND },
  { NULL, "ForbiddenException", GH_ERROR_FORBIDDEN },
};

GhError
gh_error_code_for_aws_type (const char *error_type,
                            const char *oauth_error,
                            guint       http_status)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_mappings); i++)
    {
      const ErrorMapping *m = &error_mappings[i];

      if ((oauth_error != NULL && g_strcmp0 (m->oauth_error, oauth_error) == 0) ||
          (error_type != NULL && g_strcmp0 (m->aws_type, error_type) == 0))
        return m->code;
    }

  switch (http_status)
    {
    case 401: return GH_ERROR_UNAUTHORIZED;
    case 403: return GH_ERROR_FORBIDDEN;
    case 404: return GH_ERROR_NOT_FOUND;
    case 429: return GH_ERROR_THROTTLED;
    default:
      if (http_status >= 500)
        return GH_ERROR_SERVER;
      if (http_status >= 400)
        return GH_ERROR_INVALID_REQUEST;
      return GH_ERROR_MALFORMED;
    }
}

/* The member's text, or NULL when it is missing, not a string or not UTF-8: json-glib decodes
 * an escaped lone surrogate ("\ud800") into bytes that are not UTF-8, and no Gatehouse code
 * expects text that is not. */
const char *
gh_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;
  const char *text;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (node);
  return g_utf8_validate (text, -1, NULL) ? text : NULL;
}

/* The member's integer, or 0 when it is missing or not an integer. */
gint64
gh_json_get_int (JsonObject *object,
                 const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return 0;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return 0;
}

/* Server-provided text (a header or a member of the reply) is shown to the person, so keep it
 * short, printable and valid UTF-8. */
static char *
sanitize_text (const char *text)
{
  GString *out;

  if (text == NULL || *text == '\0')
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0' && out->len < 200; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      g_string_append_unichar (out, g_unichar_isprint (c) ? c : ' ');
    }
  return g_string_free (out, FALSE);
}

GError *
gh_error_from_aws_response (const char *operation,
                            guint       http_status,
                            const char *error_type_header,
                            GBytes     *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *error_type = gh_error_type_from_header (error_type_header);
  g_autofree char *description = NULL;
  g_autofree char *shown_type = NULL;
  JsonObject *object = NULL;
  const char *oauth_error = NULL;
  const char *message = NULL;
  GhError code;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  if (data != NULL && len > 0 && json_parser_load_from_data (parser, data, len, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        object = json_node_get_object (root);
    }

  if (error_type == NULL)
    {
      const char *body_type = gh_json_get_string (object, "__type");

      if (body_type == NULL)
        body_type = gh_json_get_string (object, "code");
      if (body_type == NULL)
        body_type = gh_json_get_string (object, "Code");
      error_type = gh_error_type_from_header (body_type);
    }

  oauth_error = gh_json_get_string (object, "error");
  message = gh_json_get_string (object, "error_description");
  if (message == NULL)
    message = gh_json_get_string (object, "message");
  if (message == NULL)
    message = gh_json_get_string (object, "Message");
  description = sanitize_text (message);
  shown_type = sanitize_text (error_type != NULL ? error_type : oauth_error);

  code = gh_error_code_for_aws_type (error_type, oauth_error, http_status);

  if (description != NULL)
    return g_error_new (GH_ERROR, code, _("%s failed: %s (%s, HTTP %u)"),
                        operation, description,
                        shown_type != NULL ? shown_type : _("unknown error"), http_status);

  return g_error_new (GH_ERROR, code, _("%s failed: %s (HTTP %u)"),
                      operation, shown_type != NULL ? shown_type : _("unknown error"),
                      http_status);
}

gboolean
gh_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != GH_ERROR)
    return FALSE;

  switch ((GhError) error->code)
    {
    case GH_ERROR_THROTTLED:
    case GH_ERROR_SERVER:
    case GH_ERROR_NETWORK:
    case GH_ERROR_NO_REPLY:
    case GH_ERROR_MALFORMED:
      return TRUE;
    default:
      return FALSE;
    }
}
