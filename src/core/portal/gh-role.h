/* gh-role.h — one role (permission set) in one account, as the portal lists it */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GH_TYPE_ROLE (gh_role_get_type ())
G_DECLARE_FINAL_TYPE (GhRole, gh_role, GH, ROLE, GObject)

/* account_name and account_email may be NULL (the portal omits them for some accounts). */
GhRole     *gh_role_new               (const char *session_name,
                                       const char *account_id,
                                       const char *account_name,
                                       const char *account_email,
                                       const char *role_name);
const char *gh_role_get_session_name  (GhRole     *self);
const char *gh_role_get_account_id    (GhRole     *self);
const char *gh_role_get_account_name  (GhRole     *self);
const char *gh_role_get_account_email (GhRole     *self);
const char *gh_role_get_role_name     (GhRole     *self);
/* "ACCOUNT_ID/ROLE_NAME": identifies the role within a session */
const char *gh_role_get_key           (GhRole     *self);
/* Account name (or id when nameless), then role name; for g_ptr_array_sort. */
int         gh_role_compare           (gconstpointer a,
                                       gconstpointer b);
/* A new array holding references to the roles of @roles (NULL gives NULL), e.g. to hand them
 * to a worker thread: their names never change, so any thread may read them. */
GPtrArray  *gh_role_array_copy        (GPtrArray    *roles);

G_END_DECLS
