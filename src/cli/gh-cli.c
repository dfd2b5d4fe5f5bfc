/* gh-cli.c — `gatehouse <command>`: the core from a terminal (no GTK on this path)
 *
 * This file only dispatches: each command lives in a gh-cli-<command>.c of its own and runs the
 * core's asynchronous API on a main loop of its own (gh-cli-util.h); Ctrl-C cancels.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"

typedef int (*GhCliCommandFunc) (int    argc,
                                 char **argv);

/* argv[0] of a command is its own name, as if it were a program of its own. */
static const struct
{
  const char       *name;
  GhCliCommandFunc  run;
} commands[] = {
  { "session", gh_cli_cmd_session },
  { "login", gh_cli_cmd_login },
  { "logout", gh_cli_cmd_logout },
  { "status", gh_cli_cmd_status },
  { "roles", gh_cli_cmd_roles },
  { "sync", gh_cli_cmd_sync },
  { "credentials", gh_cli_cmd_credentials },
  { "exec", gh_cli_cmd_exec },
  { "console", gh_cli_cmd_console },
  { "favorite", gh_cli_cmd_favorite },
};

static void
print_help (void)
{
  g_print ("%s", _("Usage: gatehouse COMMAND [OPTIONS]\n"
                   "\n"
                   "Keeps you signed in to AWS IAM Identity Center and the AWS CLI's files current.\n"
                   "\n"
                   "Commands:\n"
                   "  session add NAME --start-url URL --region REGION [--scopes S,…]\n"
                   "              [--session-duration 8h] [--cache-refresh-token]\n"
                   "  session list [--json]\n"
                   "  session remove NAME\n"
                   "  login [NAME] [--device-code] [--no-browser]\n"
                   "  logout [NAME]\n"
                   "  status [--json]\n"
                   "  roles [SESSION] [--json] [--refresh] [--filter TEXT] [--template T]\n"
                   "  sync [SESSION] [--template T] [--region R] [--output O] [--dry-run]\n"
                   "       [--credential-process] [--favorites-only] [--refresh]\n"
                   "  credentials (--profile P | --account ID --role R [--session S])\n"
                   "              [--format process|env|fish|powershell|ini|json] [--region R]\n"
                   "              [--write] [--refresh]\n"
                   "  exec (--profile P | --account ID --role R [--session S]) [--region R]\n"
                   "       [--ecs-server] [--force] [-- COMMAND [ARGUMENT…]]\n"
                   "  console (--profile P | --account ID --role R [--session S]) [--region R]\n"
                   "          [--destination URL|SERVICE] [--print-url] [--mode federation|portal]\n"
                   "          [--container NAME] [--logout-first] [--duration SECONDS]\n"
                   "          [--browser default|firefox|chromium|chrome|brave]\n"
                   "  favorite add|remove (--profile P | --account ID --role R [--session S])\n"
                   "  favorite list\n"
                   "\n"
                   "NAME may be left out when exactly one sign-in is defined.\n"
                   "“gatehouse COMMAND --help” describes a command's options.\n"
                   "\n"
                   "Exit codes:\n"
                   "  0  success\n"
                   "  1  other failure (e.g. a file could not be written)\n"
                   "  2  usage error or invalid input\n"
                   "  3  not signed in (sign-in ended, denied, expired or timed out)\n"
                   "  4  keyring unavailable or locked\n"
                   "  5  network or AWS service error\n"
                   "exec exits with COMMAND's status once it ran (128+N if signal N ended it),\n"
                   "126 if COMMAND could not be run, 127 if it was not found.\n"));
}

int
gh_cli_run (int    argc,
            char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help ();
      return argc < 2 ? GH_EXIT_USAGE : GH_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return GH_EXIT_OK;
    }

  g_set_prgname ("gatehouse");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run (argc - 1, argv + 1);

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”"), argv[1]);

    return gh_cli_usage_error (message);
  }
}
