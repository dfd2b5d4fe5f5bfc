/* gh-role-search.h — find roles among the cached roles of every sign-in
 *
 * What the desktop's search (GNOME Shell, KRunner) asks the tray service: the roles that match
 * a query (gh-role-match.h), favourites first, then recent ones, then the others in the order
 * of the sign-ins and their role lists, at most a few. Only the role lists are read: a search
 * never lists roles or signs in. The profile names (from each sign-in's sync template) are
 * computed once per role list and kept until the list or the config file changes.
 */
#pragma once

#include <gio/gio.h>

#include "gh-role-list.h"
#include "gh-role-match.h"

G_BEGIN_DECLS

/* As many as GNOME Shell shows of one provider, and more than KRunner shows. */
#define GH_ROLE_SEARCH_MAX_RESULTS 20

#define GH_TYPE_ROLE_SEARCH (gh_role_search_get_type ())
G_DECLARE_FINAL_TYPE (GhRoleSearch, gh_role_search, GH, ROLE_SEARCH, GObject)

/* `config_path`: the AWS config file that holds the sign-ins' sync templates (NULL: the
 * default one). */
GhRoleSearch *gh_role_search_new                (const char          *config_path);
/* The config file changed: read the sync templates again on the next search. */
void          gh_role_search_reload_templates   (GhRoleSearch        *self);
/* The matching roles (GhRole) of `lists` (GhRoleList), at most `max_results`: those named in
 * `favorites` first, in its order, then those in `recents` (both SESSION/ACCOUNT_ID/ROLE
 * targets, may be NULL), then the others in the order of `lists` and of each list. An empty
 * matcher matches every role. */
GPtrArray    *gh_role_search_run                (GhRoleSearch        *self,
                                                 GPtrArray           *lists,
                                                 GhRoleMatcher       *matcher,
                                                 const char * const  *favorites,
                                                 const char * const  *recents,
                                                 guint                max_results);
/* The profile name `gatehouse roles` shows for the role (the sign-in's sync template). */
char         *gh_role_search_dup_profile_name   (GhRoleSearch        *self,
                                                 GhRole              *role);

G_END_DECLS
