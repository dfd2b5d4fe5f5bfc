/* gh-token-cache-private.h — the text of a token cache file, both ways, for the fuzz targets
 * (tests/fuzz/) that feed it without files */
#pragma once

#include "gh-token-cache.h"

G_BEGIN_DECLS

/* What gh_token_cache_read () makes of a file holding @data (@path only names it in errors):
 * a token with a non-empty access token and a readable expiry, or NULL with
 * GH_ERROR_MALFORMED; never both, never neither. */
GhCachedToken *gh_token_cache_parse      (const char           *path,
                                          const char           *data,
                                          gsize                 length,
                                          GError              **error);
/* The text gh_token_cache_write () writes over a file holding @previous_data (NULL: none),
 * whose members other than the ones Gatehouse writes it keeps. Wipe it before freeing it. */
char          *gh_token_cache_serialize  (const GhCachedToken  *token,
                                          gboolean              include_refresh,
                                          const char           *previous_data,
                                          gsize                 previous_length,
                                          gsize                *length);

G_END_DECLS
