/* main.c — the `gatehouse-window` executable (libexecdir), started by the tray service */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "gh-window-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GhWindowApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = gh_window_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
