/* test-window-prefs.c — the preferences window and the two dialogs on a display of their own
 * (Xvfb), against the simulator: "Add sign-in…" refusing bad input where it shows and writing
 * good input that the CLI then signs in with, the import of a legacy profile's portal,
 * "Add AWS CLI profile…" writing a profile botocore resolves, preferences reaching GSettings
 * and the autostart entry, and a sign-in's sync settings reaching the config file
 *
 * The widgets are built in the test process and driven through their template children, as a
 * person would: text typed into entries, buttons clicked, switches flipped; the main loop runs
 * until the worker thread's write is done. The cases run one after another in the test process,
 * which has the CLI's environment (gh_test_display_run_cases), each with the fixture as new.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "gh-add-profile-dialog.h"
#include "gh-add-session-dialog.h"
#include "gh-autostart.h"
#include "gh-preferences-window.h"
#include "gh-role.h"
#include "gh-role-picker.h"
#include "gh-session-preferences-group.h"
#include "gh-settings.h"
#include "gh-sync-settings.h"
#include "gh-test-display.h"
#include "gh-test-env.h"
#include "gh-window.h"

#define ACCOUNT "100000000001"
#define ROLE    "ReadOnly"

static GtkWidget *
present (GtkWidget *window)
{
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
has_name (GtkWidget     *widget,
          gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
has_type (GtkWidget     *widget,
          gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  return gh_test_find_widget (widget, has_name, name);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  return gh_test_find_widget (widget, has_type, GSIZE_TO_POINTER (type));
}

static void
type_text (GtkWidget  *entry,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static const char *
entry_text (GtkWidget *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

/* The message under a field, as a person sees it: NULL when it is not shown. */
static const char *
shown_message (GtkWidget *label)
{
  if (!gtk_widget_get_visible (label))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
assert_error_shown (GtkWidget  *label,
                    const char *expected)
{
  const char *text = shown_message (label);

  g_assert_nonnull (text);
  g_assert_cmpstr (text, ==, expected);
  g_assert_true (gtk_widget_has_css_class (label, "error"));
}

static char *
read_config (GhTestFixture *fixture)
{
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

typedef struct
{
  GhTestFixture *fixture;
  const char    *needle;
} ConfigWait;

static gboolean
config_has_cb (gpointer data)
{
  ConfigWait *wait = data;
  g_autofree char *contents = read_config (wait->fixture);

  return strstr (contents, wait->needle) != NULL;
}

static void
wait_for_config (GhTestFixture *fixture,
                 const char    *needle)
{
  ConfigWait wait = { fixture, needle };
  g_autofree char *what = g_strdup_printf ("“%s” in the config file", needle);

  gh_test_wait_for (config_has_cb, &wait, 10000, what);
}

static void
keep_name_cb (GtkWidget  *dialog,
              const char *name,
              char      **kept)
{
  g_free (*kept);
  *kept = g_strdup (name);
}

static gboolean
string_set_cb (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
widget_sensitive_cb (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static gboolean
widget_visible_cb (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* Add sign-in… */

static GtkWidget *
open_add_session (void)
{
  gh_test_gtk_init ();
  return present (gh_add_session_dialog_new (NULL));
}

#define SESSION_CHILD(dialog, name) \
  gh_test_template_child (dialog, GH_TYPE_ADD_SESSION_DIALOG, name)

/* Bad input is refused with the core's message under its field, nothing is written, and a
 * field nobody typed in is not scolded before "Add" is tried. */
static void
test_add_session_refused (GhTestFixture *fixture)
{
  g_autofree char *existing = gh_test_unique_name ("window-taken");
  GtkWidget *dialog;
  GtkWidget *url, *region, *name, *add;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *taken = NULL;

  gh_test_add_session (fixture, existing);
  before = read_config (fixture);
  dialog = open_add_session ();
  url = SESSION_CHILD (dialog, "url_row");
  region = SESSION_CHILD (dialog, "region_row");
  name = SESSION_CHILD (dialog, "name_row");
  add = SESSION_CHILD (dialog, "add_button");

  /* Nothing typed: no errors yet, but nothing to add either */
  g_assert_null (shown_message (SESSION_CHILD (dialog, "url_message")));
  g_assert_false (gtk_widget_has_css_class (url, "error"));
  g_assert_false (gtk_widget_get_sensitive (add));
  g_signal_emit_by_name (add, "clicked");
  assert_error_shown (SESSION_CHILD (dialog, "url_message"),
                      "The start URL is empty. Enter the AWS access portal URL, such as "
                      "https://my-company.awsapps.com/start.");
  g_assert_true (gtk_widget_has_css_class (url, "error"));

  type_text (url, "http://my-company.awsapps.com/start");
  assert_error_shown (SESSION_CHILD (dialog, "url_message"),
                      "The start URL must begin with https://.");
  type_text (url, "https://user:secret@my-company.awsapps.com/start");
  g_assert_true (g_str_has_prefix (shown_message (SESSION_CHILD (dialog, "url_message")),
                                   "The start URL must not contain a user name or password"));

  type_text (url, "https://my-company.awsapps.com/start");
  g_assert_null (shown_message (SESSION_CHILD (dialog, "url_message")));
  g_assert_false (gtk_widget_has_css_class (url, "error"));
  /* This form of URL does not say its region; the name comes from it */
  g_assert_cmpstr (entry_text (region), ==, "");
  g_assert_cmpstr (entry_text (name), ==, "my-company");

  type_text (region, "Frankfurt");
  assert_error_shown (SESSION_CHILD (dialog, "region_message"),
                      "The region is not a valid AWS region name. Enter a region such as "
                      "us-east-1 or eu-west-1.");
  type_text (region, "eu-central-1");
  g_assert_false (gtk_widget_has_css_class (SESSION_CHILD (dialog, "region_message"), "error"));

  type_text (name, "my sign-in");
  g_assert_true (g_str_has_prefix (shown_message (SESSION_CHILD (dialog, "name_message")),
                                   "The sign-in name “my sign-in” has characters that some "
                                   "AWS tools cannot read"));
  g_assert_false (gtk_widget_get_sensitive (add));
  type_text (name, existing);
  taken = g_strdup_printf ("A sign-in named “%s” already exists. Choose another name.",
                           existing);
  assert_error_shown (SESSION_CHILD (dialog, "name_message"), taken);
  g_assert_false (gtk_widget_get_sensitive (add));

  /* Clicked anyway: still refused, and the file as it was */
  g_signal_emit_by_name (add, "clicked");
  gh_test_sleep_ms (200);
  after = read_config (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (gtk_widget_get_visible (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Good input: the section `session add` writes, the region taken from a URL that names it, and
 * a sign-in the CLI signs in with and botocore then uses. */
static void
test_add_session_accepted (GhTestFixture *fixture)
{
  g_autofree char *session = gh_test_unique_name ("window-added");
  g_autofree char *start_url = gh_test_start_url (fixture);
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *added = NULL;
  g_autofree char *err = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *key = NULL;
  GtkWidget *dialog;
  GtkWidget *url, *region, *name;

  dialog = open_add_session ();
  g_signal_connect (dialog, "session-added", G_CALLBACK (keep_name_cb), &added);
  url = SESSION_CHILD (dialog, "url_row");
  region = SESSION_CHILD (dialog, "region_row");
  name = SESSION_CHILD (dialog, "name_row");

  /* A portal host that names its region fills the region in */
  type_text (url, "https://ssoins-72236a1b.portal.eu-west-1.app.aws/");
  g_assert_cmpstr (entry_text (region), ==, "eu-west-1");
  g_assert_cmpstr (entry_text (name), ==, "ssoins-72236a1b");

  /* What a person typed stays theirs */
  type_text (name, session);
  type_text (region, "us-east-1");
  type_text (url, start_url);
  g_assert_cmpstr (entry_text (region), ==, "us-east-1");
  g_assert_cmpstr (entry_text (name), ==, session);
  g_assert_true (gtk_widget_get_sensitive (SESSION_CHILD (dialog, "add_button")));

  g_signal_emit_by_name (SESSION_CHILD (dialog, "add_button"), "clicked");
  gh_test_wait_for (string_set_cb, &added, 10000, "session-added");
  g_assert_cmpstr (added, ==, session);

  contents = read_config (fixture);
  expected = g_strdup_printf ("[sso-session %s]\nsso_start_url = %s\nsso_region = us-east-1\n",
                              session, start_url);
  g_assert_cmpstr (contents, ==, expected);

  /* The CLI signs in with it, and botocore gets credentials through a profile that uses it */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", session, NULL), ==, 0);
  profile = g_strdup_printf ("[sso-session %s]\nsso_start_url = %s\nsso_region = us-east-1\n"
                             "[profile via-window]\nsso_session = %s\n"
                             "sso_account_id = " ACCOUNT "\nsso_role_name = " ROLE "\n",
                             session, start_url, session);
  g_assert_true (g_file_set_contents (path, profile, -1, NULL));
  key = gh_test_botocore_access_key (fixture, "via-window");
  g_assert_true (g_str_has_prefix (key, "ASIA"));
}

/* A legacy profile's portal is offered; picking it fills the URL and the profile's region. */
static void
test_add_session_import (GhTestFixture *fixture)
{
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  GtkWidget *dialog;
  GtkWidget *group;
  GtkWidget *list;
  GtkListBoxRow *row;
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path,
                                      "[profile old]\n"
                                      "sso_start_url = https://old-corp.awsapps.com/start\n"
                                      "sso_region = eu-west-2\n"
                                      "sso_account_id = " ACCOUNT "\n"
                                      "sso_role_name = " ROLE "\n"
                                      "[profile old-admin]\n"
                                      "sso_start_url = https://old-corp.awsapps.com/start\n"
                                      "sso_region = eu-west-2\n"
                                      "sso_account_id = " ACCOUNT "\n"
                                      "sso_role_name = Admin\n"
                                      "[sso-session old-corp]\n"
                                      "sso_start_url = https://other.awsapps.com/start\n"
                                      "sso_region = us-east-1\n", -1, NULL));
  dialog = open_add_session ();
  group = SESSION_CHILD (dialog, "import_group");
  g_assert_true (gtk_widget_get_visible (group));

  /* One row per portal, inside the group's list */
  list = find_type (group, GTK_TYPE_LIST_BOX);
  g_assert_nonnull (list);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "https://old-corp.awsapps.com/start in eu-west-2");

  g_signal_emit_by_name (row, "activate");
  g_assert_cmpstr (entry_text (SESSION_CHILD (dialog, "url_row")), ==,
                   "https://old-corp.awsapps.com/start");
  g_assert_cmpstr (entry_text (SESSION_CHILD (dialog, "region_row")), ==, "eu-west-2");
  /* The portal's name is taken by another sign-in: the next free one */
  g_assert_cmpstr (entry_text (SESSION_CHILD (dialog, "name_row")), ==, "old-corp-2");
  g_assert_true (gtk_widget_get_sensitive (SESSION_CHILD (dialog, "add_button")));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Add AWS CLI profile… */

#define PROFILE_CHILD(dialog, name) \
  gh_test_template_child (dialog, GH_TYPE_ADD_PROFILE_DIALOG, name)

static GtkWidget *
open_add_profile (const char *session_name)
{
  g_autoptr(GhSession) session = gh_test_load_session (session_name);
  g_autoptr(GhRole) role = gh_role_new (session_name, ACCOUNT, "Account 1",
                                        "account1@example.com", ROLE);
  gh_test_gtk_init ();
  return present (gh_add_profile_dialog_new (NULL, session, role));
}

/* The defaults are the CLI's; the profile written is one botocore resolves, with the region
 * and output chosen; a bad name is refused under its field. */
static void
test_add_profile (GhTestFixture *fixture)
{
  g_autofree char *session = gh_test_unique_name ("window-profile");
  g_autofree char *added = NULL;
  g_autofree char *key = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *dialog;
  GtkWidget *name, *region, *output;

  gh_test_sign_in (fixture, session);
  dialog = open_add_profile (session);
  g_signal_connect (dialog, "profile-added", G_CALLBACK (keep_name_cb), &added);
  name = PROFILE_CHILD (dialog, "name_row");
  region = PROFILE_CHILD (dialog, "region_row");
  output = PROFILE_CHILD (dialog, "output_row");

  g_assert_cmpstr (entry_text (name), ==, ROLE "-" ACCOUNT);
  g_assert_cmpstr (entry_text (region), ==, "us-east-1");
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (
                     ADW_COMBO_ROW (output))), ==, "json");

  type_text (name, "bad [name]");
  g_assert_nonnull (shown_message (PROFILE_CHILD (dialog, "name_message")));
  g_assert_true (gtk_widget_has_css_class (PROFILE_CHILD (dialog, "name_message"), "error"));
  g_assert_false (gtk_widget_get_sensitive (PROFILE_CHILD (dialog, "add_button")));
  type_text (region, "nowhere");
  assert_error_shown (PROFILE_CHILD (dialog, "region_message"),
                      "The region is not a valid AWS region name. Enter a region such as "
                      "us-east-1 or eu-west-1.");

  /* No region is a profile without one, as `aws configure sso` allows */
  type_text (name, "from-window");
  type_text (region, "");
  g_assert_null (shown_message (PROFILE_CHILD (dialog, "region_message")));
  g_assert_true (gtk_widget_get_sensitive (PROFILE_CHILD (dialog, "add_button")));
  type_text (region, "eu-west-1");
  for (guint i = 0; i < g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (output)));
       i++)
    {
      g_autoptr(GtkStringObject) item =
        g_list_model_get_item (adw_combo_row_get_model (ADW_COMBO_ROW (output)), i);

      if (g_str_equal (gtk_string_object_get_string (item), "text"))
        adw_combo_row_set_selected (ADW_COMBO_ROW (output), i);
    }
  g_assert_true (gtk_widget_get_sensitive (PROFILE_CHILD (dialog, "add_button")));
  g_signal_emit_by_name (PROFILE_CHILD (dialog, "add_button"), "clicked");
  gh_test_wait_for (string_set_cb, &added, 10000, "profile-added");
  g_assert_cmpstr (added, ==, "from-window");

  contents = read_config (fixture);
  expected = g_strdup_printf ("[profile from-window]\nsso_session = %s\n"
                              "sso_account_id = " ACCOUNT "\nsso_role_name = " ROLE "\n"
                              "region = eu-west-1\noutput = text\n", session);
  gh_test_assert_contains (contents, expected);
  key = gh_test_botocore_access_key (fixture, "from-window");
  g_assert_true (g_str_has_prefix (key, "ASIA"));
}

/* A name a person's own profile has is not taken over: the dialog says so and stays open. */
static void
test_add_profile_clash (GhTestFixture *fixture)
{
  g_autofree char *session = gh_test_unique_name ("window-clash");
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *with_mine = NULL;
  g_autofree char *after = NULL;
  GtkWidget *dialog;
  GtkWidget *failure;

  gh_test_sign_in (fixture, session);
  contents = read_config (fixture);
  with_mine = g_strconcat (contents, "[profile mine]\nregion = eu-west-1\n", NULL);
  g_assert_true (g_file_set_contents (path, with_mine, -1, NULL));

  dialog = open_add_profile (session);
  failure = PROFILE_CHILD (dialog, "failure_label");
  type_text (PROFILE_CHILD (dialog, "name_row"), "mine");
  g_signal_emit_by_name (PROFILE_CHILD (dialog, "add_button"), "clicked");
  gh_test_wait_for (widget_visible_cb, failure, 10000, "the failure message");
  g_test_message ("shown: %s", gtk_label_get_text (GTK_LABEL (failure)));
  gh_test_assert_contains (gtk_label_get_text (GTK_LABEL (failure)), "mine");
  g_assert_true (gtk_widget_get_visible (dialog));
  after = read_config (fixture);
  g_assert_cmpstr (after, ==, with_mine);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Preferences */

static GtkWidget *
open_preferences (void)
{
  gh_test_gtk_init ();
  return present (gh_preferences_window_new (NULL));
}

#define PREFS_CHILD(window, name) \
  gh_test_template_child (window, GH_TYPE_PREFERENCES_WINDOW, name)
#define GROUP_CHILD(group, name) \
  gh_test_template_child (group, GH_TYPE_SESSION_PREFERENCES_GROUP, name)

static char *
lead_times_text (GSettings *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "notify-lead-times");

  return g_variant_print (value, FALSE);
}

/* Each switch and choice reaches its GSettings key (read back through a GSettings of its
 * own), and start at login reaches the autostart entry. */
static void
test_preferences_gsettings (GhTestFixture *fixture)
{
  g_autoptr(GSettings) settings = gh_settings_new (NULL);
  g_autofree char *autostart = g_build_filename (g_get_user_config_dir (), "autostart",
                                                 GH_AUTOSTART_FILE_NAME, NULL);
  g_autofree char *before = NULL;
  g_autofree char *added = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *browser = NULL;
  GtkWidget *window;
  GtkWidget *check;
  GtkWidget *autostart_switch;

  g_assert_nonnull (settings);
  window = open_preferences ();

  g_assert_false (g_settings_get_boolean (settings, "console-logout-first"));
  gtk_switch_set_active (GTK_SWITCH (PREFS_CHILD (window, "logout_first_switch")), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "console-logout-first"));

  adw_combo_row_set_selected (ADW_COMBO_ROW (PREFS_CHILD (window, "console_mode_row")), 1);
  mode = g_settings_get_string (settings, "console-mode");
  g_assert_cmpstr (mode, ==, "portal");
  adw_combo_row_set_selected (ADW_COMBO_ROW (PREFS_CHILD (window, "browser_row")), 1);
  browser = g_settings_get_string (settings, "console-browser");
  g_assert_cmpstr (browser, ==, "firefox");

  /* The lead times: the checks show the default, and each adds or removes its own minutes */
  before = lead_times_text (settings);
  g_assert_cmpstr (before, ==, "[15, 5]");
  check = find_named (window, "lead-time-15");
  g_assert_nonnull (check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  check = find_named (window, "lead-time-60");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  added = lead_times_text (settings);
  g_assert_cmpstr (added, ==, "[60, 15, 5]");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_named (window, "lead-time-5")), FALSE);
  removed = lead_times_text (settings);
  g_assert_cmpstr (removed, ==, "[60, 15]");

  /* The desktop search's switch, where the installed schema has its key */
  if (gh_settings_has_key (settings, "search-provider-enabled"))
    {
      gboolean enabled = g_settings_get_boolean (settings, "search-provider-enabled");

      g_assert_true (gtk_widget_get_visible (PREFS_CHILD (window, "search_provider_row")));
      gtk_switch_set_active (GTK_SWITCH (PREFS_CHILD (window, "search_provider_switch")),
                             !enabled);
      g_assert_cmpint (g_settings_get_boolean (settings, "search-provider-enabled"), ==, !enabled);
      g_settings_reset (settings, "search-provider-enabled");
    }
  else
    g_assert_false (gtk_widget_get_visible (PREFS_CHILD (window, "search_provider_row")));

  /* No system entry in this HOME: on writes the user's entry, off removes it */
  autostart_switch = PREFS_CHILD (window, "autostart_switch");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (autostart_switch)));
  gtk_switch_set_active (GTK_SWITCH (autostart_switch), TRUE);
  gh_test_wait_for (widget_sensitive_cb, autostart_switch, 5000, "the autostart switch");
  g_assert_true (g_file_test (autostart, G_FILE_TEST_EXISTS));
  g_assert_true (gh_autostart_get_enabled ());
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (autostart_switch)));
  gtk_switch_set_active (GTK_SWITCH (autostart_switch), FALSE);
  gh_test_wait_for (widget_sensitive_cb, autostart_switch, 5000, "the autostart switch");
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (autostart_switch)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "console-logout-first");
  g_settings_reset (settings, "console-mode");
  g_settings_reset (settings, "console-browser");
  g_settings_reset (settings, "notify-lead-times");
  g_settings_sync ();
}

/* A sign-in's group shows its stored settings, and changes reach its section of the config
 * file where `gatehouse sync` reads them; what a sync would refuse is not stored. */
static void
test_preferences_sync_settings (GhTestFixture *fixture)
{
  g_autofree char *session = gh_test_unique_name ("window-sync");
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *before_bad = NULL;
  g_autofree char *after_bad = NULL;
  g_autofree char *failure = NULL;
  g_autoptr(GhSyncSettings) stored = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  GtkWidget *group;
  GtkWidget *template_row;

  gh_test_add_session (fixture, session);
  window = open_preferences ();
  group = find_type (window, GH_TYPE_SESSION_PREFERENCES_GROUP);
  g_assert_nonnull (group);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, session);
  g_assert_false (gtk_widget_get_visible (PREFS_CHILD (window, "no_sessions_group")));
  g_signal_connect (group, "failed", G_CALLBACK (keep_name_cb), &failure);

  template_row = GROUP_CHILD (group, "template_row");
  g_assert_cmpstr (entry_text (template_row), ==, GH_DEFAULT_PROFILE_TEMPLATE);
  type_text (template_row, "{account_name}-{role}");
  g_signal_emit_by_name (template_row, "apply");
  wait_for_config (fixture, "gatehouse_sync_template = {account_name}-{role}\n");

  adw_combo_row_set_selected (ADW_COMBO_ROW (GROUP_CHILD (group, "roles_row")), 1);
  wait_for_config (fixture, "gatehouse_sync_favorites_only = true\n");
  gtk_switch_set_active (GTK_SWITCH (GROUP_CHILD (group, "credential_process_switch")), TRUE);
  wait_for_config (fixture, "gatehouse_sync_credential_process = true\n");
  gtk_switch_set_active (GTK_SWITCH (GROUP_CHILD (group, "refresh_token_switch")), TRUE);
  wait_for_config (fixture, "gatehouse_cache_refresh_token = true\n");

  stored = gh_sync_settings_load (path, session, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->template_, ==, "{account_name}-{role}");
  g_assert_true (stored->favorites_only);
  g_assert_true (stored->credential_process);

  /* A template a sync would refuse: marked, reported, not stored */
  before_bad = read_config (fixture);
  type_text (template_row, "{nope}");
  g_assert_true (gtk_widget_has_css_class (template_row, "error"));
  g_signal_emit_by_name (template_row, "apply");
  g_assert_nonnull (failure);
  gh_test_assert_contains (failure, "{nope}");
  gh_test_sleep_ms (200);
  after_bad = read_config (fixture);
  g_assert_cmpstr (after_bad, ==, before_bad);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* No sign-ins: the page says so instead of being empty. */
static void
test_preferences_no_sessions (GhTestFixture *fixture)
{
  GtkWidget *window = open_preferences ();

  g_assert_true (gtk_widget_get_visible (PREFS_CHILD (window, "no_sessions_group")));
  g_assert_null (find_type (window, GH_TYPE_SESSION_PREFERENCES_GROUP));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The one toplevel of @type that is shown, or NULL. */
static GtkWindow *
shown_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          g_assert_null (found);
          found = window;
        }
    }
  return found;
}

/* The main window's "Preferences", "Add Sign-in…" and a role's "Add AWS CLI profile…" open
 * these windows, over the main window, for its sign-ins. */
static void
test_window_opens_them (GhTestFixture *fixture)
{
  g_autofree char *session = gh_test_unique_name ("window-opens");
  g_autoptr(GhRole) role = gh_role_new (session, ACCOUNT, "Account 1", NULL, ROLE);
  GhWindow *window;
  GtkWindow *opened;
  g_autoptr(GhSession) shown_session = NULL;

  gh_test_add_session (fixture, session);
  gh_test_gtk_init ();
  window = gh_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  opened = shown_toplevel (GH_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (opened);
  g_assert_true (gtk_window_get_transient_for (opened) == GTK_WINDOW (window));
  g_assert_nonnull (find_type (GTK_WIDGET (opened), GH_TYPE_SESSION_PREFERENCES_GROUP));
  gtk_window_destroy (opened);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-session", NULL));
  opened = shown_toplevel (GH_TYPE_ADD_SESSION_DIALOG);
  g_assert_nonnull (opened);
  g_assert_true (gtk_window_get_transient_for (opened) == GTK_WINDOW (window));
  gtk_window_destroy (opened);

  g_signal_emit_by_name (gh_window_get_role_picker (window), "add-profile", role);
  opened = shown_toplevel (GH_TYPE_ADD_PROFILE_DIALOG);
  g_assert_nonnull (opened);
  g_object_get (opened, "session", &shown_session, NULL);
  g_assert_cmpstr (gh_session_get_name (shown_session), ==, session);
  gtk_window_destroy (opened);

  gtk_window_destroy (GTK_WINDOW (window));
}

static const GhTestCase cases[] = {
  { "/window-prefs/add-session/refused", test_add_session_refused },
  { "/window-prefs/add-session/accepted", test_add_session_accepted },
  { "/window-prefs/add-session/import", test_add_session_import },
  { "/window-prefs/add-profile/written", test_add_profile },
  { "/window-prefs/add-profile/clash", test_add_profile_clash },
  { "/window-prefs/preferences/gsettings", test_preferences_gsettings },
  { "/window-prefs/preferences/sync-settings", test_preferences_sync_settings },
  { "/window-prefs/preferences/no-sessions", test_preferences_no_sessions },
  { "/window-prefs/window-opens-them", test_window_opens_them },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  return gh_test_display_run_cases (cases, G_N_ELEMENTS (cases));
}
