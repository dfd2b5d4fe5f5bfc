/* gh-error.h — Gatehouse's error domain and AWS error decoding */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GH_ERROR (gh_error_quark ())

/* Codes a caller can switch on. The first group mirrors what AWS answers
 * (docs/aws-protocols.md §1.5, §3.3); the second is for failures on this machine. */
typedef enum
{
  GH_ERROR_FAILED,
  GH_ERROR_PENDING,            /* authorization_pending */
  GH_ERROR_SLOW_DOWN,          /* slow_down */
  GH_ERROR_EXPIRED,            /* expired_token: device or authorization code expired */
  GH_ERROR_ACCESS_DENIED,      /* access_denied: the person denied the request */
  GH_ERROR_INVALID_GRANT,      /* invalid_grant: refresh token or code no longer valid */
  GH_ERROR_INVALID_CLIENT,     /* invalid_client: client registration expired/rejected */
  GH_ERROR_UNAUTHORIZED,       /* portal 401: access token expired or revoked */
  GH_ERROR_THROTTLED,          /* 429 TooManyRequestsException */
  GH_ERROR_NOT_FOUND,          /* 404 */
  GH_ERROR_FORBIDDEN,          /* 403 ForbiddenException "No access" */
  GH_ERROR_SERVER,             /* 5xx */
  GH_ERROR_NETWORK,            /* no connection, connection closed, timeout */
  GH_ERROR_MALFORMED,          /* reply that is not what the protocol says */
  GH_ERROR_INVALID_REQUEST,    /* other 4xx (invalid_request, invalid_scope, ...) */
  GH_ERROR_INVALID_INPUT,      /* bad input from the person: names, URLs, regions */
  GH_ERROR_NOT_FOUND_LOCAL,    /* unknown session name or similar */
  GH_ERROR_NOT_SIGNED_IN,      /* no usable sign-in; the person must sign in */
  GH_ERROR_KEYRING,            /* Secret Service missing, locked or failing */
  GH_ERROR_CONFIG,             /* config file unreadable or unwritable */
  GH_ERROR_STATE_MISMATCH,     /* OAuth callback state did not match */
  GH_ERROR_TIMEOUT,            /* a sign-in callback that never came */
  GH_ERROR_BROWSER,            /* the browser could not be opened */
  GH_ERROR_NO_REPLY,           /* a one-time request went out and no reply came: the service
                                * may have carried it out (CreateToken) */
  GH_ERROR_REPLY_LOST,         /* refused after an earlier attempt whose reply was lost: that
                                * attempt used up the code or refresh token (CreateToken) */
} GhError;

GQuark    gh_error_quark              (void);

GError   *gh_error_from_aws_response  (const char *operation,
                                       guint       http_status,
                                       const char *error_type_header,
                                       GBytes     *body);
GhError   gh_error_code_for_aws_type  (const char *error_type,
                                       const char *oauth_error,
                                       guint       http_status);
char     *gh_error_type_from_header   (const char *header_value);

gboolean  gh_error_is_transient       (const GError *error);

/* Reading JSON from AWS or from our own files: a missing or mistyped member (or a string that
 * is not UTF-8) reads as NULL / 0. */
const char *gh_json_get_string        (JsonObject *object,
                                       const char *member);
gint64      gh_json_get_int           (JsonObject *object,
                                       const char *member);

G_END_DECLS
