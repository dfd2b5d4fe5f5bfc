/* gh-role-target.h — "SESSION/ACCOUNT_ID/ROLE": one role across all sign-ins
 *
 * The form favourites, the recent roles and the tray's console actions name a role in. Session
 * names may contain '/', account ids and role names never do, so it splits at the last two.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *gh_role_target_build (const char  *session_name,
                                const char  *account_id,
                                const char  *role_name);
/* FALSE (and the out arguments untouched) when @target is not of that form. */
gboolean  gh_role_target_parse (const char  *target,
                                char       **session_name,
                                char       **account_id,
                                char       **role_name);
/* The "ACCOUNT_ID/ROLE" keys (gh_role_get_key()) of the targets of one sign-in: always an
 * array, empty when none is that sign-in's. */
GStrv     gh_role_target_keys_of_session (const char * const *targets,
                                          const char         *session_name);
/* A 12-digit AWS account id. */
gboolean  gh_account_id_is_valid (const char  *account_id);

G_END_DECLS
