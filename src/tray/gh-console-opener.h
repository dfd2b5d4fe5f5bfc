/* gh-console-opener.h — open the AWS console for a role from the tray
 *
 * The core's federation steps (src/core/console/gh-console-launch.h) as the tray uses them: the console
 * home of the session's region, through the default browser, remembered in the console history.
 */
#pragma once

#include "gh-role-target.h"
#include "gh-session.h"

G_BEGIN_DECLS

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
