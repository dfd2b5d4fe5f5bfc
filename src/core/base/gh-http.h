/* gh-http.h — JSON over HTTPS to AWS, with error decoding and retries */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"

G_BEGIN_DECLS

#define GH_TYPE_HTTP (gh_http_get_type ())
G_DECLARE_FINAL_TYPE (GhHttp, gh_http, GH, HTTP, GObject)

/* One SoupSession per process (connection reuse across all calls). */
GhHttp    *gh_http_get_default       (void);
GhHttp    *gh_http_new               (void);

/* Defaults: 4 attempts, 200 ms base delay, 5 s cap, 30 s I/O timeout. GATEHOUSE_HTTP_TIMEOUT
 * (seconds) overrides the timeout, for tests and very slow links. */
void       gh_http_set_retry_policy  (GhHttp              *self,
                                      guint                max_attempts,
                                      guint                base_delay_ms,
                                      guint                max_delay_ms);

/* Calls `method url` with an optional JSON body and optional bearer token (sent as
 * x-amz-sso_bearer_token). Retries throttling, 5xx, network failures and malformed replies
 * with jittered exponential backoff. The result is the reply's JSON root (a null node for an
 * empty body). Errors are GH_ERROR; messages name `operation` and the host, never the full URL
 * (it can carry credentials). */
void       gh_http_call_async        (GhHttp              *self,
                                      const char          *operation,
                                      const char          *method,
                                      const char          *url,
                                      JsonNode            *body,
                                      const char          *bearer_token,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
JsonNode  *gh_http_call_finish       (GhHttp              *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* The HTTP status of the call's last reply (0 when none came, e.g. a network failure). */
guint      gh_http_call_get_status   (GAsyncResult        *result);

/* Helpers for reading replies: a missing, empty or mistyped member is GH_ERROR_MALFORMED
 * (and NULL). */
const char *gh_json_require_string   (JsonObject          *object,
                                      const char          *member,
                                      const char          *operation,
                                      GError             **error);
/* A token, key, code or URL as AWS issues them: printable ASCII without spaces, so it goes
 * unchanged into an HTTP header, a URL, JSON, an INI file or a terminal. Anything else is
 * GH_ERROR_MALFORMED, naming the member but never showing the value. */
const char *gh_json_require_token    (JsonObject          *object,
                                      const char          *member,
                                      const char          *operation,
                                      GError             **error);
gboolean    gh_json_require_int      (JsonObject          *object,
                                      const char          *member,
                                      const char          *operation,
                                      gint64              *value,
                                      GError             **error);
/* gh_json_get_string() (gh-error.h) reads an optional member. */

G_END_DECLS
