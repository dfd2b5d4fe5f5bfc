/* gh-console-browser.h — which browser a console opens in, and a browser profile per role
 *
 * Besides the desktop's default browser and Firefox (with a container per role, through an
 * extension: gh-container-url.h), the Chromium family keeps roles apart the way Granted does:
 * a browser profile of its own per role, as a separate --user-data-dir under
 * $XDG_DATA_HOME/gatehouse/browser-profiles/BROWSER/SESSION/ACCOUNT_ID/ROLE. The same role
 * always gets the same profile, so its console session and settings are there next time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GH_CONSOLE_BROWSER_AUTO,      /*< nick=auto >*/      /* not chosen: the preferences decide */
  GH_CONSOLE_BROWSER_DEFAULT,   /*< nick=default >*/   /* the desktop's default browser */
  GH_CONSOLE_BROWSER_FIREFOX,   /*< nick=firefox >*/   /* Firefox, the role in a container */
  GH_CONSOLE_BROWSER_CHROMIUM,  /*< nick=chromium >*/  /* Chromium, a profile per role */
  GH_CONSOLE_BROWSER_CHROME,    /*< nick=chrome >*/    /* Google Chrome, a profile per role */
  GH_CONSOLE_BROWSER_BRAVE,     /*< nick=brave >*/     /* Brave, a profile per role */
} GhConsoleBrowser;

/* "default", "firefox", "chromium", "chrome" or "brave" (what --browser and the preferences
 * take; "auto" is not a choice a person makes). */
gboolean     gh_console_browser_parse        (const char        *name,
                                              GhConsoleBrowser  *browser);
const char  *gh_console_browser_to_string    (GhConsoleBrowser   browser);
/* Chromium, Chrome and Brave: a profile per role. */
gboolean     gh_console_browser_has_profiles (GhConsoleBrowser   browser);

/* The role's profile directory for @browser (one that has profiles). Every name is one
 * directory level: bytes other than [A-Za-z0-9_@+=,.-], and a leading dot, become %XX. */
char        *gh_console_browser_profile_dir  (GhConsoleBrowser   browser,
                                              const char        *session_name,
                                              const char        *account_id,
                                              const char        *role_name);

/* Starts @browser (found on PATH: chromium or chromium-browser, google-chrome or
 * google-chrome-stable, brave-browser or brave) with @profile_dir (made, mode 0700) as its
 * user data directory, opening @url. @url goes on a command line other users' processes can
 * read: never a URL that holds a secret. GH_ERROR_BROWSER when it is not installed or does
 * not start. */
gboolean     gh_console_browser_launch       (GhConsoleBrowser   browser,
                                              const char        *profile_dir,
                                              const char        *url,
                                              GError           **error);

G_END_DECLS
