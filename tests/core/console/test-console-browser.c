/* test-console-browser.c — unit tests for src/core/console/gh-console-browser.c: the names,
 * and a profile directory per role that is stable and one directory level per name */
#include "config.h"

#include "gh-console-browser.h"

static void
test_names (void)
{
  static const struct {
    const char       *name;
    gboolean          valid;
    GhConsoleBrowser  browser;
  } cases[] = {
    { "default", TRUE, GH_CONSOLE_BROWSER_DEFAULT },
    { "firefox", TRUE, GH_CONSOLE_BROWSER_FIREFOX },
    { "chromium", TRUE, GH_CONSOLE_BROWSER_CHROMIUM },
    { "chrome", TRUE, GH_CONSOLE_BROWSER_CHROME },
    { "brave", TRUE, GH_CONSOLE_BROWSER_BRAVE },
    { "auto", FALSE, 0 },
    { "Chromium", FALSE, 0 },
    { "", FALSE, 0 },
    { NULL, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GhConsoleBrowser browser = GH_CONSOLE_BROWSER_AUTO;

      g_assert_cmpint (gh_console_browser_parse (cases[i].name, &browser), ==, cases[i].valid);
      if (!cases[i].valid)
        continue;
      g_assert_cmpint (browser, ==, cases[i].browser);
      g_assert_cmpstr (gh_console_browser_to_string (browser), ==, cases[i].name);
    }

  g_assert_false (gh_console_browser_has_profiles (GH_CONSOLE_BROWSER_DEFAULT));
  g_assert_false (gh_console_browser_has_profiles (GH_CONSOLE_BROWSER_FIREFOX));
  g_assert_true (gh_console_browser_has_profiles (GH_CONSOLE_BROWSER_CHROMIUM));
  g_assert_true (gh_console_browser_has_profiles (GH_CONSOLE_BROWSER_CHROME));
  g_assert_true (gh_console_browser_has_profiles (GH_CONSOLE_BROWSER_BRAVE));
}

static void
test_profile_dir (void)
{
  static const struct {
    GhConsoleBrowser  browser;
    const char       *session;
    const char       *role;
    const char       *expected;   /* under $XDG_DATA_HOME/gatehouse/browser-profiles */
  } cases[] = {
    { GH_CONSOLE_BROWSER_CHROMIUM, "work", "ReadOnly", "chromium/work/123456789012/ReadOnly" },
    { GH_CONSOLE_BROWSER_CHROME, "work", "Admin+Ops=1,a@b.c-d_e",
      "chrome/work/123456789012/Admin+Ops=1,a@b.c-d_e" },
    /* One level per name: no separator, no "..", no hidden directory. */
    { GH_CONSOLE_BROWSER_BRAVE, "a/b", "..", "brave/a%2Fb/123456789012/%2E." },
    { GH_CONSOLE_BROWSER_BRAVE, ".hidden", "x y%", "brave/%2Ehidden/123456789012/x%20y%25" },
    { GH_CONSOLE_BROWSER_CHROMIUM, "ünï", "R", "chromium/%C3%BCn%C3%AF/123456789012/R" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = gh_console_browser_profile_dir (cases[i].browser, cases[i].session,
                                                             "123456789012", cases[i].role);
      g_autofree char *again = gh_console_browser_profile_dir (cases[i].browser,
                                                               cases[i].session,
                                                               "123456789012", cases[i].role);
      g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "gatehouse",
                                                    "browser-profiles", cases[i].expected,
                                                    NULL);

      g_assert_cmpstr (dir, ==, expected);
      g_assert_cmpstr (again, ==, dir);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/console-browser/names", test_names);
  g_test_add_func ("/console-browser/profile-dir", test_profile_dir);

  return g_test_run ();
}
