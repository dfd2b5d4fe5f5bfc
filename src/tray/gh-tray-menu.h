/* gh-tray-menu.h — the content of the tray menu as a GMenuModel
 *
 * Per sign-in a disabled label with its state and a "Sign in" or "Sign out" item; the favourite
 * and recent roles (bounded); "Open console for…", "Sync AWS CLI profiles", "Preferences…" and
 * "Quit". Items name the service's actions with the "app." prefix; the two window items name
 * "app.show-window" with the page to show.
 */
#pragma once

#include "gh-session.h"

G_BEGIN_DECLS

#define GH_TRAY_MENU_MAX_FAVORITES 10
#define GH_TRAY_MENU_MAX_RECENTS 5

/* Targets of "app.show-window": the pages of the window ("" is its main page). */
#define GH_TRAY_MENU_PAGE_MAIN ""
#define GH_TRAY_MENU_PAGE_ROLES "roles"
#define GH_TRAY_MENU_PAGE_PREFERENCES "preferences"

/* The account's display name (or NULL) for a session and account id. */
typedef const char *(*GhAccountNameFunc) (const char *session_name,
                                          const char *account_id,
                                          gpointer    user_data);

/* "work — signed in until 18:30", "work — signed out", "work — ended", … */
char  *gh_tray_menu_session_label (GhSession  *session);
/* "ROLE @ ACCOUNT" for "SESSION/ACCOUNT_ID/ROLE"; NULL when the target is malformed. */
char  *gh_tray_menu_role_label    (const char        *target,
                                   GhAccountNameFunc  account_name,
                                   gpointer           user_data);
/* Rebuilds `menu` in place, unless the content did not change. `sessions`: GhSession. */
void   gh_tray_menu_update        (GMenu             *menu,
                                   GListModel        *sessions,
                                   const char * const *favorites,
                                   const char * const *recents,
                                   GhAccountNameFunc  account_name,
                                   gpointer           user_data);
/* HH:MM in local time; with the weekday when not today. */
char  *gh_tray_format_time        (gint64             unix_seconds);

G_END_DECLS
