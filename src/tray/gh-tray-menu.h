/* gh-tray-menu.h — the content of the tray menu as a GMenuModel
 *
 * Per sign-in a section: a disabled row with its name and state ("work — ends in 12 minutes")
 * and the actions that apply ("Sign in", "Sign in again", "Try again", "Sign out"), so that
 * the menu itself offers what notifications without buttons cannot; the favourite and recent
 * roles (bounded; a favourite is not repeated under Recent); "Open console for…", "Sync AWS
 * CLI profiles", "Preferences…" and "Quit". Items name the service's actions with the "app." prefix; the two window items name
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
#define GH_TRAY_MENU_PAGE_SIGN_INS "sign-ins"
#define GH_TRAY_MENU_PAGE_PREFERENCES "preferences"

/* The account's display name (or NULL) for a session and account id. */
typedef const char *(*GhAccountNameFunc) (const char *session_name,
                                          const char *account_id,
                                          gpointer    user_data);

/* What a sign-in looks like to the person, in the menu and the tooltip. */
typedef enum
{
  GH_TRAY_SESSION_SIGNED_OUT,
  GH_TRAY_SESSION_SIGNING_IN,
  GH_TRAY_SESSION_SIGNED_IN,
  GH_TRAY_SESSION_EXPIRING,    /* signed in, the end within the first warning's lead time */
  GH_TRAY_SESSION_ENDED,
  GH_TRAY_SESSION_ERROR,       /* something the person must fix stops its background work */
} GhTraySessionState;

/* What the menu and the tooltip are made from, besides the sign-ins. */
typedef struct
{
  gint64              now;             /* unix seconds */
  gint64              expiring_lead;   /* seconds before the end that count as "expiring" */
  GHashTable         *problems;        /* session name → message, or NULL */
  const char * const *favorites;
  const char * const *recents;
  GhAccountNameFunc   account_name;
  gpointer            user_data;
} GhTrayView;

GhTraySessionState gh_tray_session_state   (GhSession          *session,
                                            const GhTrayView   *view);
/* "signed in until ~18:30", "ends in 12 minutes", "ended", "error: the login keyring is
 * locked", "signing in…", "signed out". */
char  *gh_tray_session_describe   (GhSession          *session,
                                   const GhTrayView   *view);
/* "ROLE @ ACCOUNT" for "SESSION/ACCOUNT_ID/ROLE"; NULL when the target is malformed. */
char  *gh_tray_menu_role_label    (const char         *target,
                                   GhAccountNameFunc   account_name,
                                   gpointer            user_data);
/* Rebuilds `menu` in place, unless the content did not change. `sessions`: GhSession. */
void   gh_tray_menu_update        (GMenu              *menu,
                                   GListModel         *sessions,
                                   const GhTrayView   *view);
/* HH:MM in local time; with the weekday when not today. */
char  *gh_tray_format_time        (gint64              unix_seconds);
/* "12 minutes", "1 minute" (70 s), "less than a minute": to the nearest minute. */
char  *gh_tray_format_time_left   (gint64              seconds);
/* The first sentence of an error message, without its full stop and with a lower-case start
 * ("The login keyring is locked. Unlock it…" → "the login keyring is locked"), at most about
 * 60 characters. */
char  *gh_tray_short_reason       (const char         *message);

G_END_DECLS
