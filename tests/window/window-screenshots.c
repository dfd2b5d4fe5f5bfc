/* window-screenshots.c — PNGs of the window for the README and the AppStream metainfo
 *
 * Not a test: tests/real-host/window-screenshots.sh runs it with GH_SCREENSHOT_DIR set. It
 * brings up the same private session, display and simulator as the window's tests, signs in,
 * gives the sign-in a role cache with realistic account names, and renders the window (its
 * widgets' snapshot, through the window's own renderer) in the light and the dark style: the
 * role picker, a search, the sign-ins and the preferences.
 */
#include "config.h"

#include "gh-console-history.h"
#include "gh-preferences-window.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-picker.h"
#include "gh-role-target.h"
#include "gh-test-display.h"
#include "gh-test-env.h"
#include "gh-window.h"

#define SESSION "acme"

static const struct
{
  const char *id;
  const char *name;
  const char *email;
  const char *roles[3];
} accounts[] = {
  { "310987654321", "Analytics", "aws-analytics@acme.example", { "DataEngineer", "ReadOnlyAccess" } },
  { "184467440737", "Billing", "aws-billing@acme.example", { "BillingAdmin" } },
  { "501234567890", "Identity", "aws-identity@acme.example", { "AdministratorAccess", "SecurityAudit" } },
  { "725190384615", "Production", "aws-prod@acme.example", { "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess" } },
  { "642081937550", "Sandbox", "aws-sandbox@acme.example", { "AdministratorAccess" } },
  { "918273645546", "Shared Services", "aws-shared@acme.example", { "NetworkAdmin", "ReadOnlyAccess" } },
  { "274839201756", "Staging", "aws-staging@acme.example", { "DeveloperAccess", "ReadOnlyAccess" } },
};

static void
write_roles (void)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    for (guint j = 0; j < G_N_ELEMENTS (accounts[i].roles) && accounts[i].roles[j]; j++)
      g_ptr_array_add (roles, gh_role_new (SESSION, accounts[i].id, accounts[i].name,
                                           accounts[i].email, accounts[i].roles[j]));
  g_ptr_array_sort (roles, gh_role_compare);
  gh_role_cache_save (SESSION, roles, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
}

static void
add_favorite_and_recent (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *favorite = gh_role_target_build (SESSION, "725190384615", "ReadOnlyAccess");
  const char *favorites[] = { favorite, NULL };
  GhConsoleRecord record = {
    .session_name = SESSION, .account_id = "274839201756", .account_name = "Staging",
    .role_name = "DeveloperAccess", .region = "eu-west-1",
    .opened_at = g_get_real_time () / G_USEC_PER_SEC - 600,
    .expires_at = g_get_real_time () / G_USEC_PER_SEC + 3000,
  };
  g_autoptr(GError) error = NULL;

  g_settings_set_strv (settings, "favorite-roles", favorites);
  g_settings_sync ();
  gh_console_history_add (&record, &error);
  g_assert_no_error (error);
}

/* Lets the window lay out and draw what changed. */
static void
settle (void)
{
  gh_test_sleep_ms (400);
}

/* A paintable of a toplevel draws nothing: its one child is the whole window without the
 * window manager's frame (there is none on Xvfb). */
static void
save_png (GtkWidget  *window,
          const char *name)
{
  const char *dir = g_getenv ("GH_SCREENSHOT_DIR");
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GtkWidget *widget = gtk_widget_get_first_child (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA background = { 1, 1, 1, 1 };
  int width, height;

  settle ();
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  /* The window's own background is drawn by the toplevel, not by its child. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (window), "window_bg_color",
                                  &background);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("%s\n", path);
}

static gboolean
roles_listed_cb (gpointer data)
{
  GhRolePicker *picker = data;

  return !gh_role_picker_get_loading (picker) &&
         g_list_model_get_n_items (gh_role_picker_get_model (picker)) > 0;
}

static GtkWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* The list of toplevels holds it. */
      if (GH_IS_PREFERENCES_WINDOW (window))
        return window;
    }
  g_error ("No preferences window");
}

static void
shoot (GhWindow   *window,
       const char *style)
{
  GhRolePicker *picker = gh_window_get_role_picker (window);
  g_autofree char *main_png = g_strdup_printf ("window-roles-%s.png", style);
  g_autofree char *search_png = g_strdup_printf ("window-search-%s.png", style);
  g_autofree char *sign_ins_png = g_strdup_printf ("window-sign-ins-%s.png", style);
  g_autofree char *preferences_png = g_strdup_printf ("window-preferences-%s.png", style);
  GtkWindow *preferences;

  gh_window_show_page (window, GH_WINDOW_PAGE_MAIN, NULL);
  gh_role_picker_search (picker, "");
  save_png (GTK_WIDGET (window), main_png);
  gh_role_picker_search (picker, "read");
  save_png (GTK_WIDGET (window), search_png);
  gh_role_picker_search (picker, "");
  gh_window_show_page (window, GH_WINDOW_PAGE_SIGN_INS, NULL);
  save_png (GTK_WIDGET (window), sign_ins_png);

  gh_window_show_page (window, GH_WINDOW_PAGE_PREFERENCES, NULL);
  preferences = find_preferences ();
  gtk_window_set_default_size (preferences, 640, 720);
  save_png (GTK_WIDGET (preferences), preferences_png);
  gtk_window_destroy (preferences);
}

static void
take_screenshots (GhTestFixture *fixture)
{
  GhWindow *window;

  g_assert_nonnull (g_getenv ("GH_SCREENSHOT_DIR"));
  gh_test_sign_in (fixture, SESSION);
  write_roles ();
  add_favorite_and_recent ();

  gh_test_gtk_init ();
  window = gh_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  gh_test_wait_for (roles_listed_cb, gh_window_get_role_picker (window), 20000, "the roles");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  shoot (window, "light");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  shoot (window, "dark");
  gtk_window_destroy (GTK_WINDOW (window));
}

static const GhTestCase cases[] = {
  { "/window-screenshots", take_screenshots },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  return gh_test_display_run_cases (cases, G_N_ELEMENTS (cases));
}
