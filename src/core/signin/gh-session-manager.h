/* gh-session-manager.h — every sign-in defined in the AWS config file
 *
 * The one list of sign-ins the tray, its scheduler and keeper, the CLI and the window share: a
 * GListModel of GhSession, built from the `[sso-session]` sections (and legacy SSO profiles) of
 * the AWS config file and kept current by file monitors. A reload keeps the GhSession of every
 * definition that did not change, so its state and signal handlers survive an unrelated edit.
 */
#pragma once

#include <gio/gio.h>

#include "gh-ini.h"
#include "gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_SESSION_MANAGER (gh_session_manager_get_type ())
G_DECLARE_FINAL_TYPE (GhSessionManager, gh_session_manager, GH, SESSION_MANAGER, GObject)

/* Signals:
 *   config-changed ()  — the config file (or its folder) changed and was read again; emitted
 *                        after items-changed, also when the list of sign-ins stayed the same.
 *   state-changed ()   — another process changed a sign-in's state or token cache; every
 *                        session has been reloaded (gh_session_reload) before it is emitted. */

/* config_path NULL: AWS_CONFIG_FILE, else ~/.aws/config. The list is empty until the first
 * gh_session_manager_reload. */
GhSessionManager   *gh_session_manager_new             (const char        *config_path);
const char         *gh_session_manager_get_config_path (GhSessionManager  *self);

/* Reads the config file again. The model holds the definitions that can be used (a start URL
 * and a valid region); gh_session_manager_get_configs lists all of them. On failure the list
 * is left as it was. */
gboolean            gh_session_manager_reload          (GhSessionManager  *self,
                                                        GError           **error);
/* The same from the config file as already read (gh_aws_config_load() of the manager's
 * path), for a caller that reads other things from it too. */
void                gh_session_manager_reload_from     (GhSessionManager  *self,
                                                        GhIni             *ini);

/* Every definition, usable or not, in file order (GhSsoSessionConfig; owned by the manager,
 * valid until the next reload). */
GPtrArray          *gh_session_manager_get_configs     (GhSessionManager  *self);

/* Watches the config file's folder, the sign-in state folder and the AWS CLI token cache, and
 * reloads (coalesced) when they change. Until this is called the manager is a snapshot. */
void                gh_session_manager_watch           (GhSessionManager  *self);

/* The usable sign-in named `name`, or NULL. Transfer none. */
GhSession          *gh_session_manager_lookup          (GhSessionManager  *self,
                                                        const char        *name);

/* The sign-in a command names, with the errors a person can act on: name NULL means the only
 * sign-in (GH_ERROR_NOT_FOUND_LOCAL when none is defined, GH_ERROR_INVALID_INPUT when there are
 * several); an unknown name is GH_ERROR_NOT_FOUND_LOCAL, a definition that cannot be used
 * GH_ERROR_CONFIG. Transfer full. */
GhSession          *gh_session_manager_find            (GhSessionManager  *self,
                                                        const char        *name,
                                                        GError           **error);

/* GH_ERROR_CONFIG unless the definition has a start URL and a valid region. */
gboolean            gh_sso_session_config_check        (const GhSsoSessionConfig *config,
                                                        GError                  **error);

G_END_DECLS
