/* gh-tray-service-private.h — the tray service, shared by its two files
 *
 * gh-tray-service.c: the application's life, the sign-ins it follows (the session manager),
 * their role lists, the scheduler's and keeper's news, and the icon, tooltip and menu.
 * gh-tray-service-actions.c: the actions exported on the session bus and what they do.
 */
#pragma once

#include "gh-clock.h"
#include "gh-credentials-keeper.h"
#include "gh-dbus-menu.h"
#include "gh-notifier.h"
#include "gh-refresh-scheduler.h"
#include "gh-role-list.h"
#include "gh-search-provider.h"
#include "gh-session-manager.h"
#include "gh-status-notifier.h"
#include "gh-tray-service.h"

G_BEGIN_DECLS

struct _GhTrayService
{
  GApplication         parent_instance;

  gboolean             background;        /* --background: start without presenting */
  gboolean             told_unavailable;

  GhClock             *clock;
  GhSessionManager    *sessions;
  GPtrArray           *known;             /* GhSession we have handlers on */
  GHashTable          *role_lists;        /* session name → GhRoleList */
  GHashTable          *roles_running;     /* session names with a role listing in flight */
  GHashTable          *sync_after_roles;  /* session names to sync once their roles are listed */
  GHashTable          *keyring_told;      /* session name → the keyring failure it was told */
  GPtrArray           *consoles;          /* GhConsoleRecord, newest first */
  GStrv                recents;
  GSettings           *settings;          /* NULL without the installed schema */

  GMenu               *menu;
  GhDbusMenu          *dbus_menu;
  GhStatusNotifier    *item;
  GhNotifier          *notifier;
  GhRefreshScheduler  *scheduler;
  GhCredentialsKeeper *keeper;
  GhSearchProvider    *search_provider;   /* on the bus from dbus_register to dbus_unregister */
  GSimpleAction       *sessions_action;
  GSimpleAction       *prompts_action;    /* "sign-in-prompts" */
  GHashTable          *prompts;           /* session name → GVariant (ss) of its device code */
  GPtrArray           *monitors;          /* GFileMonitor of what the manager does not watch */
  GCancellable        *cancellable;

  guint                reload_keeper_id;
  guint                reload_consoles_id;
  guint                update_id;
  guint                trim_id;
  guint                tick_id;           /* on the clock: "ends in N minutes" counts down */
};

/* gh-tray-service.c */
void        _gh_tray_service_queue_update      (GhTrayService *self);
void        _gh_tray_service_notify            (GhTrayService *self,
                                                const char    *key,
                                                const char    *summary,
                                                const char    *body);
/* What stopped the sign-in's background work (the keyring) works again: withdraws its
 * notification, and the menu, tooltip and icon no longer say so. */
void        _gh_tray_service_clear_keyring_problem (GhTrayService *self,
                                                    GhSession     *session);
/* The role list of the sign-in named `session_name` (made when first asked for). */
GhRoleList *_gh_tray_service_get_role_list     (GhTrayService *self,
                                                const char    *session_name);
/* After thousands of roles were read or listed (see gh-tray-service.c). */
void        _gh_tray_service_release_memory    (GhTrayService *self);
/* The account's name from the role list or the console history, or NULL. */
const char *_gh_tray_service_get_account_name  (GhTrayService *self,
                                                const char    *session_name,
                                                const char    *account_id);

/* The favourite roles' targets (SESSION/ACCOUNT_ID/ROLE), or NULL without the settings. */
GStrv       _gh_tray_service_dup_favorite_roles (GhTrayService *self);

/* gh-tray-service-actions.c */
void        _gh_tray_service_actions_init      (GhTrayService *self);
/* Nothing when the sign-in is already under way (with either flow). */
void        _gh_tray_service_start_login       (GhTrayService *self,
                                                GhSession     *session,
                                                GhFlow         flow);
/* The handler of GhSession::present: the person must visit url (and confirm user_code). */
void        _gh_tray_service_present_sign_in   (GhSession     *session,
                                                const char    *url,
                                                const char    *user_code,
                                                GhTrayService *self);
void        _gh_tray_service_open_console      (GhTrayService *self,
                                                const char    *target);
/* In a Firefox container named ACCOUNT_NAME/ROLE (or the role's own from the preferences). */
void        _gh_tray_service_open_console_in_container (GhTrayService *self,
                                                        const char    *target);
void        _gh_tray_service_refresh_roles     (GhTrayService *self,
                                                GhSession     *session,
                                                gboolean       sync_after);
/* Starts gatehouse-window on `page` (GH_TRAY_MENU_PAGE_*), searching for `terms` (may be
 * NULL). */
void        _gh_tray_service_present_window    (GhTrayService *self,
                                                const char    *page,
                                                const char    *terms);
/* The roles page searching for `terms` (the desktop's search handing over: LaunchSearch, the
 * "show-roles-search" action). */
void        _gh_tray_service_present_roles_search (GhTrayService *self,
                                                   const char    *terms);

G_END_DECLS
