/* gh-loopback.h — what the one-shot HTTP servers on 127.0.0.1 check before anything else
 *
 * The sign-in callback and the console redirect listen on 127.0.0.1 only, but a web page can
 * still reach them through DNS rebinding: a name of the attacker's that first resolves to their
 * server, then to 127.0.0.1. The browser then sends that name in the Host header, so a request
 * whose Host is not our own address was not meant for us and is refused.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Whether `host` (a Host header, may be NULL) names the listener at `port` on this machine:
 * exactly 127.0.0.1:PORT or localhost:PORT (any case), nothing else. */
gboolean  gh_loopback_host_is_ours         (const char        *host,
                                            guint              port);
/* The same for a request's Host header. */
gboolean  gh_loopback_request_is_ours      (SoupServerMessage *msg,
                                            guint              port);

G_END_DECLS
