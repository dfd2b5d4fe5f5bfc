/* main.c — the `gatehouse` executable */
#include "config.h"

#include "gh-cli.h"
#include "gh-i18n.h"
#include "gh-tray-service.h"

int
main (int    argc,
      char **argv)
{
  gboolean tray = TRUE;

  gh_i18n_init ();

  /* No subcommand (or only the tray's options, such as --background): the tray service, or a
   * hand-over to the running one. */
  for (int i = 1; i < argc && tray; i++)
    tray = gh_cli_is_tray_service_option (argv[i]);
  if (tray)
    return gh_tray_service_run (argc, argv);
  return gh_cli_run (argc, argv);
}
