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
  gboolean tray = TRUE;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* No subcommand (or only the tray's options, such as --background): the tray service, or a
   * hand-over to the running one. */
  for (int i = 1; i < argc && tray; i++)
    tray = gh_cli_is_tray_service_option (argv[i]);
  if (tray)
    return gh_tray_service_run (argc, argv);
  return gh_cli_run (argc, argv);
}
