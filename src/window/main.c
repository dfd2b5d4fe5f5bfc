/* main.c — the `gatehouse-window` executable (libexecdir), started by the tray service */
#include "config.h"

#include "gh-http.h"
#include "gh-i18n.h"
#include "gh-window-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GhWindowApplication) app = NULL;

  gh_i18n_init ();
  /* The same proxies as the tray service that started it */
  gh_http_use_environment_proxies (!gh_http_desktop_has_proxy_settings ());

  app = gh_window_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
