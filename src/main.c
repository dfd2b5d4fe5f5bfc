/* main.c — the `gatehouse` executable */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-tray-service.h"

/* The translations: installed under LOCALEDIR. GATEHOUSE_LOCALEDIR points an uninstalled
 * build at the catalogues meson compiles into the build tree (BUILDDIR/po/LL/LC_MESSAGES), as
 * the tests do; gettext reads nothing else from it. */
static void
init_i18n (void)
{
  const char *localedir = g_getenv ("GATEHOUSE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir
                                                                                : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int    argc,
      char **argv)
{
  gboolean tray = TRUE;

  init_i18n ();

  /* No subcommand (or only the tray's options, such as --background): the tray service, or a
   * hand-over to the running one. */
  for (int i = 1; i < argc && tray; i++)
    tray = gh_cli_is_tray_service_option (argv[i]);
  if (tray)
    return gh_tray_service_run (argc, argv);
  return gh_cli_run (argc, argv);
}
