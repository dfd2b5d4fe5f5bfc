/* gh-loopback.h — HTTP servers on 127.0.0.1 for the browser and for local programs */
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

G_END_DECLS
