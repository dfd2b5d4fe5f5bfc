/* gh-role-cache.h — the account/role list per sign-in in $XDG_CACHE_HOME/gatehouse/, so a
 * restart shows thousands of roles at once */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *gh_role_cache_path  (const char  *session_name);
/* GhRole objects; NULL with GH_ERROR_NOT_FOUND_LOCAL when there is no cache, or
 * GH_ERROR_MALFORMED when it is corrupt or foreign (callers ignore and rebuild it). */
GPtrArray *gh_role_cache_load  (const char  *session_name,
                                gint64      *fetched_at,
                                GError     **error);
gboolean   gh_role_cache_save  (const char  *session_name,
                                GPtrArray   *roles,
                                gint64       fetched_at,
                                GError     **error);

/* The same on a worker thread, for code on a main loop: parsing or writing thousands of roles
 * never blocks it. Errors as above, or G_IO_ERROR_CANCELLED. */
void       gh_role_cache_load_async  (const char          *session_name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GPtrArray *gh_role_cache_load_finish (GAsyncResult        *result,
                                      gint64              *fetched_at,
                                      GError             **error);
void       gh_role_cache_save_async  (const char          *session_name,
                                      GPtrArray           *roles,
                                      gint64               fetched_at,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean   gh_role_cache_save_finish (GAsyncResult        *result,
                                      GError             **error);

/* Roles in `after` and not in `before` (added), and the reverse (removed), by key. */
void       gh_role_diff        (GPtrArray   *before,
                                GPtrArray   *after,
                                GPtrArray  **added,
                                GPtrArray  **removed);

G_END_DECLS
