/* gh-console-launch.h — the steps of opening the AWS console for a role
 *
 * Federation: role credentials (cached ones reused) → getSigninToken → login URL. That URL
 * carries live credentials for 15 minutes, so it is handed to the browser through a one-shot
 * loopback redirect (GhRedirectServer) and never appears on a command line. `gatehouse console`
 * and the tray put these steps together in their own ways.
 */
#pragma once

#include "gh-container-url.h"
#include "gh-federation.h"
#include "gh-role-credentials.h"
#include "gh-session.h"

G_BEGIN_DECLS

/* How long the one-shot link waits for the browser, in seconds. */
#define GH_CONSOLE_ONE_SHOT_LIFETIME 60

/* The federation sign-in URL for a role in @region; a secret (wipe it, never log it).
 * @destination: from gh_console_destination(), or NULL for the console home of @region.
 * @duration: the console session length in seconds, 0 for the credentials' lifetime.
 * @refresh: fetch new role credentials even if cached ones are valid.
 * @logout_first: sign the browser out of its current console session first. */
void      gh_console_signin_url_async   (GhSession                *session,
                                         const char               *account_id,
                                         const char               *role_name,
                                         const char               *region,
                                         const char               *destination,
                                         guint                     duration,
                                         gboolean                  refresh,
                                         gboolean                  logout_first,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data);
/* @credentials (optional): the role credentials the URL was made from (for their expiry). */
char     *gh_console_signin_url_finish  (GAsyncResult             *result,
                                         GhRoleCredentials       **credentials,
                                         GError                  **error);

/* Opens @uri in the desktop's default browser (which honours the Flatpak portal), or with
 * @in_firefox in Firefox, the only browser that opens container URLs. */
void      gh_console_launch_async       (const char               *uri,
                                         gboolean                  in_firefox,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data);
gboolean  gh_console_launch_finish      (GAsyncResult             *result,
                                         GError                  **error);

/* Told the one-shot @uri when no browser could be opened, so that a person can open it by hand;
 * the wait for the visit goes on. */
typedef void (*GhConsoleLaunchFailedFunc) (const char   *uri,
                                           const GError *error,
                                           gpointer      user_data);

/* Serves @secret_url behind a one-shot loopback link, opens that link in the browser (wrapped for
 * the Firefox container @container_name when that is not NULL) and completes when the browser
 * has followed it. A browser that cannot be opened is an error unless @launch_failed is given.
 * @secret_url is not kept: the caller may wipe it as soon as this returns. */
void      gh_console_open_once_async    (const char               *secret_url,
                                         const char               *container_name,
                                         GhContainerKind           container_kind,
                                         GhConsoleLaunchFailedFunc launch_failed,
                                         gpointer                  launch_failed_data,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data);
/* GH_ERROR_TIMEOUT when the link expired unvisited. */
gboolean  gh_console_open_once_finish   (GAsyncResult             *result,
                                         GError                  **error);

/* Records an opened console in the console history (and the role among the recent ones).
 * @account_name may be NULL; @expires_at is the end of the console session, 0 if unknown. */
gboolean  gh_console_remember           (GhSession                *session,
                                         const char               *account_id,
                                         const char               *account_name,
                                         const char               *role_name,
                                         const char               *region,
                                         gint64                    expires_at,
                                         GError                  **error);

G_END_DECLS
