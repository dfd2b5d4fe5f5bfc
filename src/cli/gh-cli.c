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
#include "gh-http.h"

typedef int (*GhCliCommandFunc) (int    argc,
                                 char **argv);

static const char * const session_subcommands[] = { "add", "list", "remove", NULL };
static const char * const profile_subcommands[] = { "add", NULL };
static const char * const favorite_subcommands[] = { "add", "remove", "list", NULL };

/* argv[0] of a command is its own name, as if it were a program of its own. Subcommands are
 * the command's first argument; a command that dispatches them to code of their own (with
 * options of their own) has `dispatched` set. */
static const struct
{
  const char         *name;
  GhCliCommandFunc    run;
  const char * const *subcommands;
  gboolean            dispatched;
} commands[] = {
  { "session", gh_cli_cmd_session, session_subcommands, TRUE },
  { "login", gh_cli_cmd_login, NULL, FALSE },
  { "logout", gh_cli_cmd_logout, NULL, FALSE },
  { "status", gh_cli_cmd_status, NULL, FALSE },
  { "roles", gh_cli_cmd_roles, NULL, FALSE },
  { "sync", gh_cli_cmd_sync, NULL, FALSE },
  { "profile", gh_cli_cmd_profile, profile_subcommands, TRUE },
  { "credentials", gh_cli_cmd_credentials, NULL, FALSE },
  { "exec", gh_cli_cmd_exec, NULL, FALSE },
  { "console", gh_cli_cmd_console, NULL, FALSE },
  { "favorite", gh_cli_cmd_favorite, favorite_subcommands, FALSE },
};

const char *
gh_cli_get_command (guint                index,
                    const char * const **subcommands)
{
  if (index >= G_N_ELEMENTS (commands))
    return NULL;
  if (subcommands != NULL)
    *subcommands = commands[index].subcommands;
  return commands[index].name;
}

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
                   "  login [NAME | --profile P] [--device-code] [--no-browser] [--force]\n"
                   "  logout [NAME | --profile P | --all]\n"
                   "  status [--profile P] [--json]\n"
                   "  roles [SESSION | --profile P] [--json] [--refresh] [--filter TEXT]\n"
                   "        [--template T]\n"
                   "  sync [SESSION | --profile P] [--template T] [--region R] [--output O]\n"
                   "       [--dry-run] [--credential-process] [--favorites-only] [--refresh]\n"
                   "  profile add [--session S --account ID --role R] [--region R]\n"
                   "              [--output O] [--name NAME]\n"
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
                   "  version\n"
                   "\n"
                   "NAME may be left out when exactly one sign-in is defined; --profile P names\n"
                   "the sign-in that profile uses. Without one, roles and sync work for every\n"
                   "sign-in, and report those they could not (exit code of the first).\n"
                   "“gatehouse COMMAND --help” describes a command's options.\n"
                   "\n"
                   "Exit codes:\n"
                   "  0  success\n"
                   "  1  other failure (e.g. a file could not be written)\n"
                   "  2  usage error or invalid input\n"
                   "  3  not signed in (sign-in ended, denied, expired or timed out)\n"
                   "  4  keyring unavailable or locked\n"
                   "  5  network or AWS service error\n"
                   "Ctrl-C exits 130 (SIGTERM 143), as shells report a command a signal ended.\n"
                   "exec exits with COMMAND's status once it ran (128+N if signal N ended it),\n"
                   "126 if COMMAND could not be run, 127 if it was not found.\n"));
}

/* GOptionContext's --help begins "Usage: PRGNAME [OPTION…]": the program name, set here to
 * "gatehouse COMMAND [SUBCOMMAND]" for the command's run, makes that the command's usage. */
static void
set_command_prgname (int    argc,
                     char **argv,
                     guint  command)
{
  const char * const *subcommands = commands[command].subcommands;
  g_autofree char *prgname = NULL;

  if (commands[command].dispatched && argc > 2 && g_strv_contains (subcommands, argv[2]))
    prgname = g_strdup_printf ("gatehouse %s %s", argv[1], argv[2]);
  else
    prgname = g_strdup_printf ("gatehouse %s", argv[1]);
  g_set_prgname (prgname);
}

gboolean
gh_cli_is_tray_service_option (const char *arg)
{
  static const char * const options[] = {
    "--background", "--gapplication-service", "--help-all", "--help-gapplication", NULL,
  };

  return g_strv_contains (options, arg);
}

/* A command reaches AWS through the proxies the AWS CLI would use, those of its environment,
 * not the desktop's: GIO's resolver loads its proxy modules (libproxy, the GNOME settings) on
 * the first connection, a third of `console --print-url`'s own time, and a terminal's tools
 * follow its environment. The tray service keeps the desktop's settings where GIO knows them
 * (gh_http_desktop_has_proxy_settings()). */
int
gh_cli_run (int    argc,
            char **argv)
{
  g_autofree char *message = NULL;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help ();
      return argc < 2 ? GH_EXIT_USAGE : GH_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "-V") ||
      g_str_equal (argv[1], "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return GH_EXIT_OK;
    }

  g_set_prgname ("gatehouse");
  gh_http_use_environment_proxies (TRUE);

  if (g_str_equal (argv[1], "__complete"))
    return gh_cli_cmd_complete (argc - 1, argv + 1);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        set_command_prgname (argc, argv, i);
        return commands[i].run (argc - 1, argv + 1);
      }

  if (argv[1][0] == '-')
    {
      /* The first one the tray service would not take either */
      int i = 1;

      while (i + 1 < argc && gh_cli_is_tray_service_option (argv[i]))
        i++;
      message = g_strdup_printf (_("Unknown option %s"), argv[i]);
    }
  else
    message = g_strdup_printf (_("Unknown command “%s”"), argv[1]);
  return gh_cli_usage_error (message);
}
