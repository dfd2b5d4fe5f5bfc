/* gh-cli-private.h — the `gatehouse` commands, for the dispatcher in gh-cli.c
 *
 * Each takes the arguments from its own name on (argv[0] is "login", "session", …) and returns
 * the process's exit code (GhExitCode). Their shared helpers are in gh-cli-util.h.
 */
#pragma once

#include <glib.h>

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

G_END_DECLS
