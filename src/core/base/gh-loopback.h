/* gh-loopback.h — HTTP servers on 127.0.0.1 for the browser and for local programs
 *
 * The sign-in callback, the console redirect and the credential server listen on 127.0.0.1
 * only, but a web page can still reach them through DNS rebinding: a name of the attacker's
 * that first resolves to their server, then to 127.0.0.1. The browser then sends that name in
 * the Host header, so a request whose Host is not our own address was not meant for us and is
 * refused.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A SoupServer on 127.0.0.1 at an ephemeral port (in @port), with @callback for every path,
 * on the thread-default main context. 127.0.0.1 only: "localhost" may resolve to ::1 first,
 * or to something else entirely. NULL and the reason (a GIO error) when it cannot listen. */
SoupServer *gh_loopback_server_new      (SoupServerCallback   callback,
                                         gpointer             user_data,
                                         int                 *port,
                                         GError             **error);

/* Whether @value is @secret (a path, a token), in a time that depends on the length only, so
 * that timing tells nothing about the secret. NULL @value is never equal. */
gboolean    gh_loopback_secret_equal    (const char          *secret,
                                         const char          *value);

/* Whether `host` (a Host header, may be NULL) names the listener at `port` on this machine:
 * exactly 127.0.0.1:PORT or localhost:PORT (any case), nothing else. */
gboolean    gh_loopback_host_is_ours    (const char          *host,
                                         guint                port);
/* The same for a request's Host header. */
gboolean    gh_loopback_request_is_ours (SoupServerMessage   *msg,
                                         guint                port);

G_END_DECLS
