/* main.c — the `gatehouse` executable */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "gh-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return gh_cli_run (argc, argv);
}
