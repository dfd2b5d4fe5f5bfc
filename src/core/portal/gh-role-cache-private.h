/* gh-role-cache-private.h — the text of a role cache file, both ways, for the fuzz targets
 * (tests/fuzz/) that feed it without files */
#pragma once

#include "gh-role-cache.h"

G_BEGIN_DECLS

/* What gh_role_cache_load () makes of a file holding @data (@path only names it in errors):
 * GhRole objects of @session_name, each with a non-empty account id and role name, in file
 * order, or NULL with GH_ERROR_MALFORMED; never both, never neither. */
GPtrArray *gh_role_cache_parse      (const char  *session_name,
                                     const char  *path,
                                     const char  *data,
                                     gsize        length,
                                     gint64      *fetched_at,
                                     GError     **error);
/* The text gh_role_cache_save () writes; gh_role_cache_parse () gives the roles back. */
char      *gh_role_cache_serialize  (const char  *session_name,
                                     GPtrArray   *roles,
                                     gint64       fetched_at,
                                     gsize       *length);

G_END_DECLS
