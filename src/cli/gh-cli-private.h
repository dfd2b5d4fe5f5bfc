/* gh-cli-private.h — the `gatehouse` commands, for the dispatcher in gh-cli.c
 *
 * Each takes the arguments from its own name on (argv[0] is "login", "session", …) and returns
 * the process's exit code (GhExitCode). Their shared helpers are in gh-cli-util.h.
 */
#pragma once

#include <glib.h>

#include "gh-cli-util.h"
#include "gh-role.h"
#include "gh-role-match.h"
#include "gh-session.h"

G_BEGIN_DECLS

int  gh_cli_cmd_session      (int    argc,
                              char **argv);
int  gh_cli_cmd_login        (int    argc,
                              char **argv);
int  gh_cli_cmd_logout       (int    argc,
                              char **argv);
int  gh_cli_cmd_status       (int    argc,
                              char **argv);
int  gh_cli_cmd_roles        (int    argc,
                              char **argv);
int  gh_cli_cmd_sync         (int    argc,
                              char **argv);
int  gh_cli_cmd_credentials  (int    argc,
                              char **argv);
int  gh_cli_cmd_exec         (int    argc,
                              char **argv);
int  gh_cli_cmd_console      (int    argc,
                              char **argv);
int  gh_cli_cmd_favorite     (int    argc,
                              char **argv);
int  gh_cli_cmd_profile      (int    argc,
                              char **argv);
/* The hidden `gatehouse __complete WORD…` the shell completions call (gh-cli-complete.c). */
int  gh_cli_cmd_complete     (int    argc,
                              char **argv);

/* What one command file shares with another */

/* The @index-th command's name (NULL past the last) and its subcommands (NULL-terminated,
 * NULL for none), for completion (gh-cli.c). */
const char *gh_cli_get_command   (guint                index,
                                  const char * const **subcommands);

/* An interactive sign-in as `gatehouse login` runs it: the link (and the device code) on
 * standard error, the browser unless @no_browser (gh-cli-login.c). */
gboolean   gh_cli_sign_in       (GhSession    *session,
                                 GhFlow        flow,
                                 gboolean      no_browser,
                                 GError      **error);
/* The portal's Logout, then the sign-in's secrets and files go (gh-cli-login.c). */
gboolean   gh_cli_sign_out      (GhSession    *session,
                                 GError      **error);
/* The roles of one sign-in: from the cache when it is fresh (or @refresh is FALSE and
 * @any_age), else listed, with progress on standard error when it is a terminal, and cached;
 * a new listing reports roles granted or taken away (gh-cli-roles.c). */
GPtrArray *gh_cli_obtain_roles  (GhSession    *session,
                                 gboolean      refresh,
                                 gboolean      any_age,
                                 GhCliWaiter  *waiter,
                                 GError      **error);
/* The profile name template `sync` uses for the sign-in (its stored setting); NULL for the
 * default (gh-cli-roles.c). */
char      *gh_cli_sync_template (const char   *session_name);
/* Whether the role (its account name, id or email, its name, or @profile, which may be NULL)
 * matches, as the desktop's search and the window's would. */
gboolean   gh_cli_role_matches  (GhRole        *role,
                                 const char    *profile,
                                 GhRoleMatcher *matcher);

G_END_DECLS
