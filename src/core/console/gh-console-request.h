/* gh-console-request.h — "open the AWS console for this role, with these options"
 *
 * The one way every front end opens a console: the tray, `gatehouse console` and the window
 * fill in a request and open it. Federation mode: role credentials (cached ones reused) →
 * getSigninToken → login URL. That URL carries live credentials for 15 minutes, so the browser
 * gets a one-shot loopback link that redirects to it (GhRedirectServer), and the request waits
 * for that one visit. Portal mode: the access portal's shortcut URL; no credentials, nothing
 * to wait for. Either way the console is remembered in the console history once the URL is out.
 *
 * Options a caller leaves unset come from the preferences: the mode from `console-mode`,
 * logout-first from `console-logout-first`; the browser from the role's entry in `role-browsers`, else a
 * container in `role-containers` (Firefox), else `console-browser`.
 */
#pragma once

#include <gio/gio.h>

#include "gh-console-browser.h"
#include "gh-container-url.h"
#include "gh-session.h"

G_BEGIN_DECLS

/* How long the one-shot link waits for the browser, in seconds. */
#define GH_CONSOLE_ONE_SHOT_LIFETIME 60

typedef enum
{
  GH_CONSOLE_MODE_FEDERATION,  /* role credentials → sign-in token → federation login URL */
  GH_CONSOLE_MODE_PORTAL,      /* the access portal's shortcut URL (docs/aws-protocols.md §5.4) */
} GhConsoleMode;

#define GH_TYPE_CONSOLE_REQUEST (gh_console_request_get_type ())
G_DECLARE_FINAL_TYPE (GhConsoleRequest, gh_console_request, GH, CONSOLE_REQUEST, GObject)

/* Properties:
 *   session, account-id, role-name (construct-only)
 *   account-name (string, NULL: read from the role cache when needed; notified when it is)
 *   region (string, NULL: the sign-in's region)
 *   destination (string: a service such as "ec2", or a console URL; NULL: the console home)
 *   container-name (string: a Firefox container; "" names it ACCOUNT_NAME/ROLE; NULL: the
 *     role's container from the preferences, if any)
 *   container-kind (GhContainerKind, GH_CONTAINER_GRANTED)
 *   browser (GhConsoleBrowser, GH_CONSOLE_BROWSER_AUTO: the preferences decide; a container
 *     name with a browser other than Firefox is refused, GH_ERROR_INVALID_INPUT; Firefox without
 *     one uses the role's container, else one named ACCOUNT_NAME/ROLE; Chromium, Chrome and
 *     Brave open the one-shot link with the role's own profile, gh-console-browser.h)
 *   duration (uint seconds, 0 or 900–43200; 0: the credentials' lifetime)
 *   logout-first (boolean; unless set, the `console-logout-first` preference)
 *   mode (GhConsoleMode; unless set, the `console-mode` preference when the request is
 *     opened, else GH_CONSOLE_MODE_FEDERATION; after opening, the mode used)
 *   print-url (boolean: hand the URL to ::url-ready instead of opening a browser)
 *   refresh-credentials (boolean: fetch new role credentials even if cached ones are valid)
 *   expires-at (int64, read-only: the end of the opened console session in unix seconds, the
 *     credentials' expiry; 0 in portal mode or before the request is opened)
 *
 * Signals:
 *   url-ready (const char *url)
 *       print-url only: the URL to show, wrapped for the container if there is one. In
 *       federation mode it holds live credentials: show it, do not keep it. The history is
 *       written after the handlers return.
 *   launch-failed (const char *url, const GError *error) → gboolean
 *       No browser could be opened for @url (the one-shot link, or the portal's link). Return
 *       TRUE when a person was shown @url to open by hand: the request then goes on waiting.
 *       Unhandled, the request fails with @error.
 *   history-failed (const GError *error) → gboolean
 *       The console opened but could not be remembered in the console history. Return TRUE
 *       when the person was told; unhandled, it is logged as a warning. */

GhConsoleRequest *gh_console_request_new                 (GhSession         *session,
                                                          const char        *account_id,
                                                          const char        *role_name);

GhSession        *gh_console_request_get_session         (GhConsoleRequest  *self);
const char       *gh_console_request_get_account_name    (GhConsoleRequest  *self);
void              gh_console_request_set_account_name    (GhConsoleRequest  *self,
                                                          const char        *account_name);
void              gh_console_request_set_region          (GhConsoleRequest  *self,
                                                          const char        *region);
void              gh_console_request_set_destination     (GhConsoleRequest  *self,
                                                          const char        *destination);
void              gh_console_request_set_container_name  (GhConsoleRequest  *self,
                                                          const char        *container_name);
void              gh_console_request_set_container_kind  (GhConsoleRequest  *self,
                                                          GhContainerKind    container_kind);
void              gh_console_request_set_browser         (GhConsoleRequest  *self,
                                                          GhConsoleBrowser   browser);
void              gh_console_request_set_duration        (GhConsoleRequest  *self,
                                                          guint              duration);
void              gh_console_request_set_logout_first    (GhConsoleRequest  *self,
                                                          gboolean           logout_first);
void              gh_console_request_set_mode            (GhConsoleRequest  *self,
                                                          GhConsoleMode      mode);
GhConsoleMode     gh_console_request_get_mode            (GhConsoleRequest  *self);
void              gh_console_request_set_print_url       (GhConsoleRequest  *self,
                                                          gboolean           print_url);
void              gh_console_request_set_refresh_credentials (GhConsoleRequest *self,
                                                              gboolean          refresh);
gint64            gh_console_request_get_expires_at      (GhConsoleRequest  *self);

/* Opens the console as filled in. A bad region or destination fails (GH_ERROR_INVALID_INPUT)
 * before any credentials are fetched. Completes when the browser has followed the one-shot
 * link (federation), the browser was handed the portal's link (portal), or ::url-ready was
 * emitted (print-url). GH_ERROR_TIMEOUT: the one-shot link expired unvisited;
 * GH_ERROR_NOT_SIGNED_IN: the sign-in must be renewed first. */
void              gh_console_request_open_async          (GhConsoleRequest    *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean          gh_console_request_open_finish         (GhConsoleRequest    *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
