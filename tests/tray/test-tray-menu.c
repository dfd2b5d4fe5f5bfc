/* test-tray-menu.c — tests for src/tray/gh-tray-menu.c: the words of the menu and tooltip */
#include "config.h"

#include <locale.h>

#include "gh-tray-menu.h"

static void
test_time_left (void)
{
  static const struct {
    gint64      seconds;
    const char *text;
  } cases[] = {
    { 0, "less than a minute" },
    { 29, "less than a minute" },
    { 30, "1 minute" },
    { 70, "1 minute" },      /* not "2 minutes" */
    { 89, "1 minute" },
    { 90, "2 minutes" },
    { 300, "5 minutes" },
    { 899, "15 minutes" },
    { 900, "15 minutes" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = gh_tray_format_time_left (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_short_reason (void)
{
  static const struct {
    const char *message;
    const char *reason;
  } cases[] = {
    { "The login keyring is locked. Unlock it and try again.", "the login keyring is locked" },
    { "No Secret Service is running.", "no Secret Service is running" },
    { "AWS refused the request", "AWS refused the request" },
    { NULL, "unknown error" },
    { "Could not reach oidc.us-east-1.amazonaws.com: the name could not be resolved on this "
      "machine's network", "could not reach oidc.us-east-1.amazonaws.com: the name coul…" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reason = gh_tray_short_reason (cases[i].message);

      g_assert_cmpstr (reason, ==, cases[i].reason);
    }
}

static char *
menu_labels (GMenuModel *menu)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *title = NULL;

      g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &title);
      g_string_append_printf (text, "[%s]", title ? title : "");
      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *label = NULL;

          g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_LABEL, "s", &label);
          g_string_append_printf (text, " %s;", label);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A role pinned as a favourite is not listed again under Recent. */
static void
test_recent_skips_favourites (void)
{
  const char *favorites[] = { "work/111111111111/Admin", NULL };
  const char *recents[] = { "work/111111111111/Admin", "work/222222222222/ReadOnly", NULL };
  GhTrayView view = { .favorites = favorites, .recents = recents };
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *labels = NULL;

  gh_tray_menu_update (menu, NULL, &view);
  labels = menu_labels (G_MENU_MODEL (menu));
  g_assert_nonnull (strstr (labels, "[Favourites] Admin @ 111111111111;"));
  g_assert_nonnull (strstr (labels, "[Recent] ReadOnly @ 222222222222;"));
  g_assert_null (strstr (strstr (labels, "[Recent]"), "Admin"));
}

/* The first run, before any sign-in: the menu offers to add one (the window's sign-ins page)
 * instead of a command to type. */
static void
test_no_sign_ins (void)
{
  GhTrayView view = { 0, };
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuModel) section = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *action = NULL;
  g_autofree char *page = NULL;

  gh_tray_menu_update (menu, NULL, &view);
  labels = menu_labels (G_MENU_MODEL (menu));
  g_assert_true (g_str_has_prefix (labels, "[] No sign-ins yet; Add a sign-in…;"));

  section = g_menu_model_get_item_link (G_MENU_MODEL (menu), 0, G_MENU_LINK_SECTION);
  g_assert_true (g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_ACTION, "s",
                                                  &action));
  g_assert_cmpstr (action, ==, "app.show-window");
  g_assert_true (g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_TARGET, "s",
                                                  &page));
  g_assert_cmpstr (page, ==, "sign-ins");
}

int
main (int    argc,
      char **argv)
{
  /* The English strings are the ones checked. */
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tray-menu/time-left", test_time_left);
  g_test_add_func ("/tray-menu/short-reason", test_short_reason);
  g_test_add_func ("/tray-menu/recent-skips-favourites", test_recent_skips_favourites);
  g_test_add_func ("/tray-menu/no-sign-ins", test_no_sign_ins);
  return g_test_run ();
}
