/* test-sync-settings.c — a sign-in's sync settings, kept in its section of the config file */
#include "config.h"

#include <string.h>

#include "gh-error.h"
#include "gh-ini.h"
#include "gh-sync-settings.h"
#include "gh-test-util.h"

static GhIni *
ini_from (const char *text)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;

  gh_ini_load_from_data (ini, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&ini);
}

static char *
ini_text (GhIni *ini)
{
  return gh_ini_to_data (ini, NULL);
}

static void
test_defaults (void)
{
  g_autoptr(GhIni) ini = ini_from ("[sso-session work]\nsso_region = eu-west-1\n");
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_load_from_ini (ini, "sso-session work");
  g_autoptr(GhSyncSettings) fresh = gh_sync_settings_new ();

  g_assert_null (settings->template_);
  g_assert_null (settings->region);
  g_assert_null (settings->output);
  g_assert_false (settings->credential_process);
  g_assert_false (settings->favorites_only);
  g_assert_cmpint (gh_sync_settings_differ (settings, fresh, GH_SYNC_SETTINGS_ALL), ==, 0);
}

/* Only the settings asked for are written; the rest of the file stays as it was, and a setting
 * at its default loses its key */
static void
test_save_and_load (void)
{
  const char *original =
    "# my note\n"
    "[sso-session work]\n"
    "sso_start_url = https://work.awsapps.com/start\n"
    "sso_region = eu-west-1\n"
    "\n"
    "[profile mine]\n"
    "region = us-east-1\n";
  g_autoptr(GhIni) ini = ini_from (original);
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_new ();
  g_autoptr(GhSyncSettings) back = NULL;
  g_autoptr(GhSyncSettings) defaults = gh_sync_settings_new ();
  g_autofree char *text = NULL;

  settings->template_ = g_strdup ("{account_name}-{role}");
  settings->region = g_strdup ("ap-southeast-2");
  settings->output = g_strdup ("json");
  settings->credential_process = TRUE;
  settings->favorites_only = TRUE;

  gh_sync_settings_save_to_ini (settings, GH_SYNC_SETTING_TEMPLATE | GH_SYNC_SETTING_REGION,
                                ini, "sso-session work");
  text = ini_text (ini);
  g_assert_cmpstr (text, ==,
                   "# my note\n"
                   "[sso-session work]\n"
                   "sso_start_url = https://work.awsapps.com/start\n"
                   "sso_region = eu-west-1\n"
                   "gatehouse_sync_template = {account_name}-{role}\n"
                   "gatehouse_sync_region = ap-southeast-2\n"
                   "\n"
                   "[profile mine]\n"
                   "region = us-east-1\n");

  gh_sync_settings_save_to_ini (settings, GH_SYNC_SETTINGS_ALL, ini, "sso-session work");
  back = gh_sync_settings_load_from_ini (ini, "sso-session work");
  g_assert_cmpint (gh_sync_settings_differ (settings, back, GH_SYNC_SETTINGS_ALL), ==, 0);

  /* Back to the defaults: the keys go, the file is what it was */
  gh_sync_settings_save_to_ini (defaults, GH_SYNC_SETTINGS_ALL, ini, "sso-session work");
  g_clear_pointer (&text, g_free);
  text = ini_text (ini);
  g_assert_cmpstr (text, ==, original);
}

/* Values a person wrote by hand: what is not understood is the default */
static void
test_load_odd_values (void)
{
  g_autoptr(GhIni) ini = ini_from ("[profile legacy]\n"
                                   "sso_start_url = https://old.awsapps.com/start\n"
                                   "gatehouse_sync_template =\n"
                                   "gatehouse_sync_output = text\n"
                                   "gatehouse_sync_credential_process = maybe\n"
                                   "gatehouse_sync_favorites_only = YES\n");
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_load_from_ini (ini, "profile legacy");

  g_assert_null (settings->template_);
  g_assert_cmpstr (settings->output, ==, "text");
  g_assert_false (settings->credential_process);
  g_assert_true (settings->favorites_only);
}

static void
test_differ_and_assign (void)
{
  g_autoptr(GhSyncSettings) a = gh_sync_settings_new ();
  g_autoptr(GhSyncSettings) b = gh_sync_settings_new ();
  g_autoptr(GhSyncSettings) copy = NULL;

  b->template_ = g_strdup ("{role}");
  b->favorites_only = TRUE;
  g_assert_cmpint (gh_sync_settings_differ (a, b, GH_SYNC_SETTINGS_ALL), ==,
                   GH_SYNC_SETTING_TEMPLATE | GH_SYNC_SETTING_FAVORITES_ONLY);
  g_assert_cmpint (gh_sync_settings_differ (a, b, GH_SYNC_SETTING_REGION), ==, 0);

  gh_sync_settings_assign (a, b, GH_SYNC_SETTING_TEMPLATE);
  g_assert_cmpstr (a->template_, ==, "{role}");
  g_assert_false (a->favorites_only);
  g_assert_cmpint (gh_sync_settings_differ (a, b, GH_SYNC_SETTINGS_ALL), ==,
                   GH_SYNC_SETTING_FAVORITES_ONLY);

  copy = gh_sync_settings_copy (b);
  g_assert_cmpint (gh_sync_settings_differ (copy, b, GH_SYNC_SETTINGS_ALL), ==, 0);
  g_assert_true (copy->template_ != b->template_);
}

static void
test_names (void)
{
  const char * const names[] = { "template", "region", "output", "credential-process",
                                 "favorites-only" };
  GhSyncSetting all = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GhSyncSetting setting = 0;

      g_assert_true (gh_sync_setting_from_name (names[i], &setting));
      g_assert_cmpstr (gh_sync_setting_get_name (setting), ==, names[i]);
      g_assert_nonnull (gh_sync_setting_get_label (setting));
      all |= setting;
    }
  g_assert_cmpint (all, ==, GH_SYNC_SETTINGS_ALL);

  {
    GhSyncSetting setting = 0;

    g_assert_false (gh_sync_setting_from_name ("all", &setting));
    g_assert_false (gh_sync_setting_from_name ("Template", &setting));
    g_assert_cmpint (setting, ==, 0);
  }
}

static void
test_describe (void)
{
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_new ();
  static const struct { GhSyncSetting setting; const char *region; const char *text; } defaults[] = {
    { GH_SYNC_SETTING_TEMPLATE, NULL, "“{role}-{account_id}” (the default)" },
    { GH_SYNC_SETTING_REGION, "eu-west-1", "the sign-in's region, eu-west-1 (the default)" },
    { GH_SYNC_SETTING_REGION, NULL, "the sign-in's region (the default)" },
    { GH_SYNC_SETTING_OUTPUT, NULL, "none (the default)" },
    { GH_SYNC_SETTING_CREDENTIAL_PROCESS, NULL, "off (the default)" },
    { GH_SYNC_SETTING_FAVORITES_ONLY, NULL, "off (the default)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      g_autofree char *text = gh_sync_settings_describe (settings, defaults[i].setting,
                                                         defaults[i].region);

      g_assert_cmpstr (text, ==, defaults[i].text);
    }

  settings->template_ = g_strdup ("{role}");
  settings->region = g_strdup ("us-west-2");
  settings->credential_process = TRUE;
  {
    g_autofree char *template_ = gh_sync_settings_describe (settings, GH_SYNC_SETTING_TEMPLATE,
                                                            NULL);
    g_autofree char *region = gh_sync_settings_describe (settings, GH_SYNC_SETTING_REGION,
                                                         "eu-west-1");
    g_autofree char *process = gh_sync_settings_describe (settings,
                                                          GH_SYNC_SETTING_CREDENTIAL_PROCESS,
                                                          NULL);

    g_assert_cmpstr (template_, ==, "“{role}”");
    g_assert_cmpstr (region, ==, "us-west-2");
    g_assert_cmpstr (process, ==, "on");
  }
}

/* From the file: the sign-in's [sso-session] section (the last spelling of its name, as
 * botocore reads it), else its legacy profile */
static void
test_load_from_file (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncSettings) work = NULL;
  g_autoptr(GhSyncSettings) legacy = NULL;
  g_autoptr(GhSyncSettings) missing = NULL;

  gh_test_write_file (path,
                      "[sso-session work]\ngatehouse_sync_region = us-west-1\n"
                      "[sso-session 'work']\ngatehouse_sync_region = us-west-2\n"
                      "[profile work]\nsso_start_url = https://w.awsapps.com/start\n"
                      "gatehouse_sync_region = us-west-1\n"
                      "[profile old]\nsso_start_url = https://o.awsapps.com/start\n"
                      "gatehouse_sync_template = {role}\n"
                      "[profile uses]\nsso_session = work\ngatehouse_sync_template = no\n", -1);

  work = gh_sync_settings_load (path, "work", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (work->region, ==, "us-west-2");

  legacy = gh_sync_settings_load (path, "old", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (legacy->template_, ==, "{role}");

  /* A profile that uses a sign-in is not one */
  missing = gh_sync_settings_load (path, "uses", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_null (missing);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sync-settings/defaults", test_defaults);
  g_test_add_func ("/sync-settings/save-and-load", test_save_and_load);
  g_test_add_func ("/sync-settings/odd-values", test_load_odd_values);
  g_test_add_func ("/sync-settings/differ-and-assign", test_differ_and_assign);
  g_test_add_func ("/sync-settings/names", test_names);
  g_test_add_func ("/sync-settings/describe", test_describe);
  g_test_add_func ("/sync-settings/load-from-file", test_load_from_file);

  return g_test_run ();
}
