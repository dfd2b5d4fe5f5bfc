/* main.c — the `gatehouse-window` executable (libexecdir), started by the tray service */
#include "config.h"

#include "gh-i18n.h"
#include "gh-window-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GhWindowApplication) app = NULL;

  gh_i18n_init ();

  app = gh_window_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
