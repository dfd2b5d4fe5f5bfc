/* gh-http-private.h — how gh-http.c reads a successful reply's body, for the fuzz targets
 * (tests/fuzz/) that feed it bytes without a network */
#pragma once

#include "gh-http.h"

G_BEGIN_DECLS

/* The body's JSON root: a JSON object, or a null node for an empty body; anything else is
 * GH_ERROR_MALFORMED naming @operation. */
JsonNode *gh_http_parse_reply (const char  *operation,
                               GBytes      *bytes,
                               GError     **error);

G_END_DECLS
