/* gh-console-opener.h — open the AWS console for a role from the tray
 *
 * The federation flow of `gatehouse console` (src/cli/gh-cli-console.c): role credentials
 * (cached ones reused) → getSigninToken → login URL, handed to the default browser through a
 * one-shot loopback redirect (GhRedirectServer) so the URL with live credentials is never on a
 * command line; the console is then remembered in the console history.
 */
#pragma once

#include "gh-session.h"

G_BEGIN_DECLS

/* Splits "SESSION/ACCOUNT_ID/ROLE" (the session name may itself contain '/'). */
gboolean gh_role_target_parse          (const char   *target,
                                        char        **session_name,
                                        char        **account_id,
                                        char        **role_name);

/* Completes when the browser has followed the one-shot link (or it expired: an error). */
void     gh_console_open_async         (GhSession            *session,
                                        const char           *account_id,
                                        const char           *role_name,
                                        const char           *account_name,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* The end of the console session (the credentials' expiry, unix seconds), or 0 on error. */
gint64   gh_console_open_finish        (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
