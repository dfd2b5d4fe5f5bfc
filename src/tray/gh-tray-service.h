/* gh-tray-service.h — the tray service: `gatehouse` with no subcommand
 *
 * A GApplication (io.github.gatehouse.Gatehouse, unique, D-Bus activatable) that does not link
 * GTK. It keeps every sign-in of the AWS config file current (refreshing access tokens ~15 minutes
 * before they expire, rewriting the AWS CLI cache), shows the StatusNotifierItem icon and its
 * dbusmenu, and sends notifications before a sign-in or a console session ends.
 *
 * Exported actions (GApplication exports them on the session bus at
 * /io/github/gatehouse/Gatehouse, org.gtk.Actions), shared by the menu, the window and the CLI:
 *   login (s session), login-device-code (s session: the browser-less device-code sign-in),
 *   logout (s session), open-console (s "SESSION/ACCOUNT_ID/ROLE"),
 *   sync (s session, "" = all), refresh-roles (s session, "" = all), show-window (s page),
 *   show-roles-search (s terms: the window's roles page searching for them), quit,
 *   and the stateful, parameterless "sessions" whose state a{s(sxx)} maps each session name to
 *   (state as gh_session_status_to_string, access-token expiry, estimated session end) in unix
 *   seconds (0 = unknown),
 *   and the stateful, parameterless "sign-in-prompts" whose state a{s(ss)} maps each session
 *   whose device-code sign-in waits for the person to (verification URL, user code); set when
 *   the code is issued, removed when that sign-in succeeds, fails or is cancelled. The browser
 *   (PKCE) flow puts nothing there: its authorize URL goes to the browser only.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_TRAY_SERVICE (gh_tray_service_get_type ())
G_DECLARE_FINAL_TYPE (GhTrayService, gh_tray_service, GH, TRAY_SERVICE, GApplication)

GhTrayService *gh_tray_service_new (void);

/* For main(): runs the service (or hands the command line to the running one). */
int            gh_tray_service_run (int    argc,
                                    char **argv);

G_END_DECLS
