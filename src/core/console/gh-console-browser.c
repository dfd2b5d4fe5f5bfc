/* gh-console-browser.c — which browser a console opens in, and a browser profile per role */
#define G_LOG_DOMAIN "gh-console-browser"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gh-console-browser.h"
#include "gh-error.h"

static const struct
{
  GhConsoleBrowser  browser;
  const char       *name;
  const char       *title;          /* for messages */
  const char       *executables[3]; /* on PATH, in this order */
} browsers[] = {
  { GH_CONSOLE_BROWSER_DEFAULT, "default", NULL, { NULL } },
  { GH_CONSOLE_BROWSER_FIREFOX, "firefox", "Firefox", { "firefox", NULL } },
  { GH_CONSOLE_BROWSER_CHROMIUM, "chromium", "Chromium", { "chromium", "chromium-browser", NULL } },
  { GH_CONSOLE_BROWSER_CHROME, "chrome", "Google Chrome",
    { "google-chrome", "google-chrome-stable", NULL } },
  { GH_CONSOLE_BROWSER_BRAVE, "brave", "Brave", { "brave-browser", "brave", NULL } },
};

gboolean
gh_console_browser_parse (const char       *name,
                          GhConsoleBrowser *browser)
{
  g_return_val_if_fail (browser != NULL, FALSE);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (browsers); i++)
    if (g_str_equal (name, browsers[i].name))
      {
        *browser = browsers[i].browser;
        return TRUE;
      }
  return FALSE;
}

const char *
gh_console_browser_to_string (GhConsoleBrowser browser)
{
  for (guint i = 0; i < G_N_ELEMENTS (browsers); i++)
    if (browsers[i].browser == browser)
      return browsers[i].name;
  return "auto";
}

gboolean
gh_console_browser_has_profiles (GhConsoleBrowser browser)
{
  return browser == GH_CONSOLE_BROWSER_CHROMIUM || browser == GH_CONSOLE_BROWSER_CHROME ||
         browser == GH_CONSOLE_BROWSER_BRAVE;
}

/* One directory level whatever the name holds: no '/', no "." or "..". */
static void
append_path_component (GString    *path,
                       const char *name)
{
  g_string_append_c (path, G_DIR_SEPARATOR);
  for (const char *c = name; *c != '\0'; c++)
    {
      gboolean plain = g_ascii_isalnum (*c) || strchr ("_@+=,-", *c) != NULL ||
                       (*c == '.' && c != name);

      if (plain)
        g_string_append_c (path, *c);
      else
        g_string_append_printf (path, "%%%02X", (guchar) *c);
    }
}

char *
gh_console_browser_profile_dir (GhConsoleBrowser  browser,
                                const char       *session_name,
                                const char       *account_id,
                                const char       *role_name)
{
  GString *path;

  g_return_val_if_fail (gh_console_browser_has_profiles (browser), NULL);
  g_return_val_if_fail (session_name != NULL && *session_name != '\0', NULL);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', NULL);
  g_return_val_if_fail (role_name != NULL && *role_name != '\0', NULL);

  path = g_string_new (g_get_user_data_dir ());
  g_string_append (path, G_DIR_SEPARATOR_S "gatehouse" G_DIR_SEPARATOR_S "browser-profiles");
  append_path_component (path, gh_console_browser_to_string (browser));
  append_path_component (path, session_name);
  append_path_component (path, account_id);
  append_path_component (path, role_name);
  return g_string_free (path, FALSE);
}

static guint
browser_index (GhConsoleBrowser browser)
{
  for (guint i = 0; i < G_N_ELEMENTS (browsers); i++)
    if (browsers[i].browser == browser)
      return i;
  g_return_val_if_reached (0);
}

static char *
find_executable (guint index)
{
  for (guint i = 0; browsers[index].executables[i] != NULL; i++)
    {
      char *path = g_find_program_in_path (browsers[index].executables[i]);

      if (path != NULL)
        return path;
    }
  return NULL;
}

gboolean
gh_console_browser_launch (GhConsoleBrowser   browser,
                           const char        *profile_dir,
                           const char        *url,
                           GError           **error)
{
  guint index;
  g_autofree char *executable = NULL;
  g_autofree char *user_data_dir = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (gh_console_browser_has_profiles (browser), FALSE);
  g_return_val_if_fail (profile_dir != NULL && url != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  index = browser_index (browser);
  if ((executable = find_executable (index)) == NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) browsers[index].executables);

      g_set_error (error, GH_ERROR, GH_ERROR_BROWSER,
                   _("%s is not installed (none of %s is on PATH)"), browsers[index].title,
                   names);
      return FALSE;
    }

  if (g_mkdir_with_parents (profile_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, GH_ERROR, GH_ERROR_BROWSER, _("Cannot make the browser profile %s: %s"),
                   profile_dir, g_strerror (saved_errno));
      return FALSE;
    }

  user_data_dir = g_strconcat ("--user-data-dir=", profile_dir, NULL);
  {
    /* As Granted starts them: no first-run page or default-browser question in a new
     * profile. A running browser with this profile opens the URL in a tab and exits. */
    const char *argv[] = {
      executable, user_data_dir, "--no-first-run", "--no-default-browser-check", url, NULL
    };

    if (!g_spawn_async (NULL, (char **) argv, NULL,
                        G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                        NULL, &local_error))
      {
        g_set_error (error, GH_ERROR, GH_ERROR_BROWSER, _("Cannot start %s: %s"),
                     browsers[index].title, local_error->message);
        return FALSE;
      }
  }
  return TRUE;
}
