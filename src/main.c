/* main.c — the `gatehouse` executable */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-tray-service.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* No subcommand (or only options such as --background or --gapplication-service): the tray
   * service, or a hand-over to the running one. */
  if (argc == 1 || (g_str_has_prefix (argv[1], "--") && !g_str_equal (argv[1], "--help") &&
                    !g_str_equal (argv[1], "--version")))
    return gh_tray_service_run (argc, argv);
  return gh_cli_run (argc, argv);
}
