/* gh-role-match.h — does a role match what someone typed in a search field
 *
 * Shared by the desktop's search (GNOME Shell's search provider, KRunner) and the window's
 * search field, so a query finds the same roles everywhere. A query is split into terms on white
 * space; a role matches when every term is found (case-insensitively, after Unicode
 * normalization) in one of its account name, account id, account e-mail, role name or profile
 * name.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GhRoleMatcher GhRoleMatcher;

/* The terms of `query` (split on white space, case-folded and normalized); NULL or blank:
 * matches everything. */
GhRoleMatcher *gh_role_matcher_new       (const char    *query);
void           gh_role_matcher_free      (GhRoleMatcher *matcher);
gboolean       gh_role_matcher_is_empty  (GhRoleMatcher *matcher);
/* TRUE when every term is a substring of one of the fields (any may be NULL). */
gboolean       gh_role_matcher_match     (GhRoleMatcher *matcher,
                                          const char    *account_name,
                                          const char    *account_id,
                                          const char    *account_email,
                                          const char    *role_name,
                                          const char    *profile_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRoleMatcher, gh_role_matcher_free)

G_END_DECLS
