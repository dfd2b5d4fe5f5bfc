/* gh-role-list.h — the roles of one sign-in, as a compact GListModel of GhRole
 *
 * What the tray menu, the CLI and a window read: the roles of the role cache, in its order
 * (account name, then role), each with its account's id, name and e-mail where the cache has
 * them. Organisations have thousands of accounts, so the rows are stored compactly (strings
 * kept once, fixed-size rows) and the GhRole items are made when asked for — an item handed
 * out is handed out again while someone holds it, as a GtkListView expects.
 *
 * The list starts empty. Loading, comparing and replacing read and write the role cache in a
 * worker thread, so thousands of roles never block the main loop; the model changes (items-changed,
 * notify::n-items, notify::fetched-at) on the main context once the work is done. Of
 * operations that overlap, the one started last wins.
 */
#pragma once

#include <gio/gio.h>

#include "gh-role.h"

G_BEGIN_DECLS

#define GH_TYPE_ROLE_LIST (gh_role_list_get_type ())
G_DECLARE_FINAL_TYPE (GhRoleList, gh_role_list, GH, ROLE_LIST, GObject)

/* Properties: session-name (construct-only), fetched-at (int64, read-only: when the roles shown
 * were listed, unix seconds, 0 while none are), n-items (uint, read-only). */

GhRoleList *gh_role_list_new                  (const char           *session_name);
const char *gh_role_list_get_session_name     (GhRoleList           *self);
gint64      gh_role_list_get_fetched_at       (GhRoleList           *self);

/* Reads the role cache again. Without a usable cache (GH_ERROR_NOT_FOUND_LOCAL,
 * GH_ERROR_MALFORMED, see gh_role_cache_load) the list stays as it was. */
void        gh_role_list_load_async           (GhRoleList           *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    gh_role_list_load_finish          (GhRoleList           *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* What a new listing (GhRole of this sign-in) changes: `added` and `removed` (GhRole, may be
 * NULL) receive the differences with the role cache, or NULL when there is no usable cache to
 * compare with. The list does not change. */
void        gh_role_list_compare_async        (GhRoleList           *self,
                                               GPtrArray            *roles,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    gh_role_list_compare_finish       (GhRoleList           *self,
                                               GAsyncResult         *result,
                                               GPtrArray           **added,
                                               GPtrArray           **removed,
                                               GError              **error);

/* A new listing (sorted with gh_role_compare), listed at `fetched_at`: written to the role
 * cache and shown. The list shows the new roles even when the cache cannot be written (FALSE
 * with the error). */
void        gh_role_list_replace_async        (GhRoleList           *self,
                                               GPtrArray            *roles,
                                               gint64                fetched_at,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    gh_role_list_replace_finish       (GhRoleList           *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* The name of the account with that id, or NULL (unknown account, or one without a name). */
const char *gh_role_list_lookup_account_name  (GhRoleList           *self,
                                               const char           *account_id);
/* The strings of the role at `position` without making a GhRole, for code that reads thousands
 * (a search): they stay valid until the list changes (items-changed). account_name and
 * account_email are NULL when the cache has none. FALSE past the end. */
gboolean    gh_role_list_peek                 (GhRoleList           *self,
                                               guint                 position,
                                               const char          **account_id,
                                               const char          **account_name,
                                               const char          **account_email,
                                               const char          **role_name);
/* Every role as a new GhRole, in order (for code that wants an array, e.g. profile sync). */
GPtrArray  *gh_role_list_dup_roles            (GhRoleList           *self);

G_END_DECLS
