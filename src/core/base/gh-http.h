/* gh-http.h — JSON over HTTPS to AWS, with error decoding and retries */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"

G_BEGIN_DECLS

#define GH_TYPE_HTTP (gh_http_get_type ())
G_DECLARE_FINAL_TYPE (GhHttp, gh_http, GH, HTTP, GObject)

/* Connections a GhHttp opens to one host, and in all. libsoup's default of 2 per host would
 * serialise concurrent callers such as GhDiscovery, which keeps up to this many in flight. */
#define GH_HTTP_MAX_CONNS_PER_HOST 32
#define GH_HTTP_MAX_CONNS          64

/* One SoupSession per process (connection reuse across all calls). */
GhHttp    *gh_http_get_default       (void);
GhHttp    *gh_http_new               (void);

/* TRUE: sessions made from now on (gh_http_new(), and the default one if it is not made yet)
 * use the proxies of the environment, as the AWS CLI does, and no proxy when it names none.
 * FALSE, the default: GIO's resolver, which follows the desktop's settings, and costs its
 * modules (libproxy, the GNOME settings) a few milliseconds to load on the first connection. */
void            gh_http_use_environment_proxies             (gboolean use);
/* TRUE where a desktop process should keep GIO's resolver: it reads the desktop's own proxy
 * settings there (GNOME's through glib-networking, KDE's through libproxy, the portal's inside
 * Flatpak), or GIO_USE_PROXY_RESOLVER chooses one. Elsewhere GIO's choice is libproxy, which
 * maps libstdc++ (1.6 MB that no other process of such a desktop may share) to read the same
 * proxy variables gh_http_use_environment_proxies() reads. */
gboolean        gh_http_desktop_has_proxy_settings          (void);
/* The proxies the AWS CLI uses: https_proxy, http_proxy, all_proxy and no_proxy (lower case
 * first, then upper case); a proxy without a scheme is http://. NULL when none is set. */
GProxyResolver *gh_http_proxy_resolver_new_from_environment (void);

/* Defaults: 4 attempts, 200 ms base delay, 5 s cap, 30 s I/O timeout. GATEHOUSE_HTTP_TIMEOUT
 * (seconds) overrides the timeout, for tests and very slow links. */

/* How long a GH_HTTP_CALL_SINGLE_USE call waits for its reply, at least: a refresh whose reply
 * comes after the client gave up has still rotated the refresh token, so waiting is cheaper
 * than losing the sign-in. */
#define GH_HTTP_SINGLE_USE_TIMEOUT 120

typedef enum
{
  GH_HTTP_CALL_DEFAULT    = 0,
  /* The request carries something the service accepts once (an authorization or device code,
   * a refresh token that rotates). Its reply is waited for GH_HTTP_SINGLE_USE_TIMEOUT seconds
   * (or the I/O timeout if longer), and the request is not sent again after that wait ran
   * out: that would only race the first one. */
  GH_HTTP_CALL_SINGLE_USE = 1 << 0,
} GhHttpCallFlags;
void       gh_http_set_retry_policy  (GhHttp              *self,
                                      guint                max_attempts,
                                      guint                base_delay_ms,
                                      guint                max_delay_ms);
/* Seconds without progress before a call gives up: `timeout` for most calls,
 * `single_use_timeout` for GH_HTTP_CALL_SINGLE_USE ones (tests shorten both). */
void       gh_http_set_timeouts      (GhHttp              *self,
                                      guint                timeout,
                                      guint                single_use_timeout);

/* Calls `method url` with an optional JSON body and optional bearer token (sent as
 * x-amz-sso_bearer_token). Retries throttling, 5xx, network failures and malformed replies
 * with jittered exponential backoff. The result is the reply's JSON root (a null node for an
 * empty body). Errors are GH_ERROR; messages name `operation` and the host, never the full URL
 * (it can carry credentials). A request that went out and got no reply in time fails with
 * "AWS is slow to answer", one that could not go out with "cannot reach". */
void       gh_http_call_async        (GhHttp              *self,
                                      const char          *operation,
                                      const char          *method,
                                      const char          *url,
                                      JsonNode            *body,
                                      const char          *bearer_token,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
void       gh_http_call_full_async   (GhHttp              *self,
                                      const char          *operation,
                                      const char          *method,
                                      const char          *url,
                                      JsonNode            *body,
                                      const char          *bearer_token,
                                      GhHttpCallFlags      flags,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
JsonNode  *gh_http_call_finish       (GhHttp              *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* The HTTP status of the call's last reply (0 when none came, e.g. a network failure). */
guint      gh_http_call_get_status   (GAsyncResult        *result);
/* Whether an attempt of the call went out whole and its reply never came (or came unreadable):
 * the service may have carried that attempt out. */
gboolean   gh_http_call_get_reply_lost (GAsyncResult      *result);

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
