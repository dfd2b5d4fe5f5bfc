/* gh-http-private.h — how gh-http.c reads a successful reply's body, for the fuzz targets
 * (tests/fuzz/) that feed it bytes without a network, and its session, for the unit tests */
#pragma once

#include <libsoup/soup.h>

#include "gh-http.h"

G_BEGIN_DECLS

/* The body's JSON root: a JSON object, or a null node for an empty body; anything else is
 * GH_ERROR_MALFORMED naming @operation. */
JsonNode *gh_http_parse_reply (const char  *operation,
                               GBytes      *bytes,
                               GError     **error);

/* gh_http_desktop_has_proxy_settings() for the given XDG_CURRENT_DESKTOP and
 * GIO_USE_PROXY_RESOLVER (either may be NULL), inside Flatpak or not */
gboolean gh_http_desktop_has_proxy_settings_for (const char *current_desktop,
                                                 const char *gio_use_proxy_resolver,
                                                 gboolean    sandboxed);

/* The session most calls go through, for tests that look at how it is set up */
SoupSession *gh_http_get_soup_session (GhHttp *self);

G_END_DECLS
