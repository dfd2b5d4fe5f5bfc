/* gh-cli.h — `gatehouse <command>` */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes, documented in --help and the manual; a command that Ctrl-C (SIGINT) or SIGTERM
 * cancels exits 128 + the signal, as shells report it (130, 143). */
typedef enum
{
  GH_EXIT_OK = 0,
  GH_EXIT_FAILURE = 1,
  GH_EXIT_USAGE = 2,
  GH_EXIT_NOT_SIGNED_IN = 3,
  GH_EXIT_KEYRING = 4,
  GH_EXIT_SERVICE = 5,
} GhExitCode;

int       gh_cli_run                    (int         argc,
                                         char      **argv);
/* The options of the tray service (its own and GApplication's): a command line of these only
 * starts the tray; any other is the CLI's, which reports an unknown option as a usage error. */
gboolean  gh_cli_is_tray_service_option (const char *arg);

G_END_DECLS
