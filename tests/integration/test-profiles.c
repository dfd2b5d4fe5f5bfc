/* test-profiles.c — roles, profile sync and role credentials through the real CLI, read back by
 * botocore: (a) a synced SSO profile, (b) a credential_process profile, (c) a credentials-file
 * section written by Gatehouse */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-test-env.h"

#define EXIT_USAGE 2
#define EXIT_NOT_SIGNED_IN 3

/* Resolves `profile` with botocore in the fixture's HOME; returns the access key id. */
static char *
botocore_access_key (GhTestFixture *fixture,
                     const char    *profile)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fixtures", "botocore-credentials.py", NULL);
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GH_PYTHON"), script,
                                         profile, NULL);
  g_assert_no_error (error);
  if (gh_test_wait_cli (fixture, process, &out, &err) != 0)
    g_error ("botocore could not resolve %s: %s", profile, err);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "ASIA"));
  return g_steal_pointer (&out);
}

static char *
read_config (GhTestFixture *fixture)
{
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_roles_json (GhTestFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("roles");
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *expected = NULL;
  JsonArray *array;
  JsonObject *first;

  g_object_set (fixture->sim, "accounts", 4, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "roles", name, "--json", NULL), ==, 0);
  root = parse_json (out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 8);
  first = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "session"), ==, name);
  g_assert_true (json_object_has_member (first, "account_id"));
  g_assert_true (json_object_has_member (first, "account_name"));
  g_assert_true (json_object_has_member (first, "account_email"));
  g_assert_true (json_object_has_member (first, "role"));
  expected = g_strdup_printf ("%s-%s", json_object_get_string_member (first, "role"),
                              json_object_get_string_member (first, "account_id"));
  g_assert_cmpstr (json_object_get_string_member (first, "profile"), ==, expected);

  /* The second listing comes from the cache: no further portal calls. */
  {
    guint before = gh_simulator_get_request_count (fixture->sim, "ListAccounts");
    g_autofree char *filtered = NULL;

    g_assert_cmpint (gh_test_run_cli (fixture, &filtered, NULL, "roles", name,
                                      "--filter", "readonly", NULL), ==, 0);
    g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ListAccounts"), ==, before);
    gh_test_assert_contains (filtered, "ReadOnly");
    g_assert_null (strstr (filtered, "AdministratorAccess"));
  }
}

static void
test_sync_sso_profile_botocore (GhTestFixture *fixture,
                                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("sync");
  g_autofree char *out = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_again = NULL;
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *key = NULL;
  struct stat before, after;

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--region", "eu-west-1",
                                    NULL), ==, 0);
  gh_test_assert_contains (out, "added 4");
  config = read_config (fixture);
  gh_test_assert_contains (config, "[profile ReadOnly-100000000001]");
  gh_test_assert_contains (config, "Gatehouse");

  /* (a) botocore resolves the synced SSO profile with the token Gatehouse wrote */
  key = botocore_access_key (fixture, "ReadOnly-100000000001");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);

  /* Idempotent: byte-identical and mtime untouched */
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--region", "eu-west-1",
                                    NULL), ==, 0);
  gh_test_assert_contains (out, "added 0, updated 0 and removed 0");
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpint (before.st_mtim.tv_sec, ==, after.st_mtim.tv_sec);
  g_assert_cmpint (before.st_mtim.tv_nsec, ==, after.st_mtim.tv_nsec);
  config_again = read_config (fixture);
  g_assert_cmpstr (config, ==, config_again);
}

static void
test_sync_dry_run_and_removal (GhTestFixture *fixture,
                               gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("dry");
  g_autofree char *out = NULL;
  g_autofree char *config = NULL;

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--dry-run", NULL), ==, 0);
  gh_test_assert_contains (out, "+[profile ReadOnly-100000000001]");
  gh_test_assert_contains (out, "would add 4");
  config = read_config (fixture);
  g_assert_null (strstr (config, "[profile "));
  g_clear_pointer (&config, g_free);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, NULL), ==, 0);

  /* A role taken away: its profile goes on the next listing. */
  g_object_set (fixture->sim, "roles-per-account", 1, NULL);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--refresh", NULL), ==, 0);
  gh_test_assert_contains (out, "removed 2");
  config = read_config (fixture);
  g_assert_null (strstr (config, "ReadOnly-"));
  gh_test_assert_contains (config, "[profile AdministratorAccess-100000000001]");
}

static void
test_credential_process_botocore (GhTestFixture *fixture,
                                  gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("process");
  g_autofree char *config = NULL;
  g_autofree char *key = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_object_set (fixture->sim, "accounts", 1, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, "--credential-process",
                                    NULL), ==, 0);
  config = read_config (fixture);
  gh_test_assert_contains (config, "credential_process = ");
  gh_test_assert_contains (config, "credentials --profile ReadOnly-100000000001 --format process");

  /* (b) botocore runs `gatehouse credentials` for the profile */
  key = botocore_access_key (fixture, "ReadOnly-100000000001");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);

  /* The credential_process JSON, and the keyring cache: no second GetRoleCredentials. */
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "credentials", "--profile",
                                    "ReadOnly-100000000001", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);
  root = parse_json (out);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "Version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "AccessKeyId"), ==, key);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "Expiration"), "Z"));
}

static void
test_credentials_file_botocore (GhTestFixture *fixture,
                                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("credfile");
  g_autofree char *out = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = gh_test_path (fixture, ".aws/credentials");
  g_autofree char *contents = NULL;
  g_autofree char *config = gh_test_path (fixture, ".aws/config");
  g_autofree char *config_text = NULL;
  g_autofree char *with_profile = NULL;
  struct stat st;

  gh_test_sign_in (fixture, name);
  /* A hand-written SSO profile, and existing content in the credentials file (CRLF, no final
   * newline) that must survive. */
  config_text = read_config (fixture);
  with_profile = g_strdup_printf ("%s[profile tool-sso]\nsso_session = %s\n"
                                  "sso_account_id = 100000000002\nsso_role_name = ReadOnly\n",
                                  config_text, name);
  g_assert_true (g_file_set_contents (config, with_profile, -1, NULL));
  g_assert_true (g_file_set_contents (path, "[other]\r\naws_access_key_id = ASIAOTHER\r\n"
                                      "aws_secret_access_key = x", -1, NULL));

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "credentials", "--profile", "tool-sso",
                                    "--write", NULL), ==, 0);
  gh_test_assert_contains (out, "Wrote short-term credentials for tool-sso");
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "[other]\r\naws_access_key_id = ASIAOTHER\r\n"
                                   "aws_secret_access_key = x"));
  gh_test_assert_contains (contents, "[tool-sso]");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* (c) a profile only in the credentials file: drop the SSO profile from the config so that
   * botocore must use the credentials file. */
  g_assert_true (g_file_set_contents (config, config_text, -1, NULL));
  key = botocore_access_key (fixture, "tool-sso");
  gh_test_assert_contains (contents, key);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);
}

static void
test_credentials_formats (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("formats");
  g_autofree char *env = NULL;
  g_autofree char *ini = NULL;

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &env, NULL, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--session", name,
                                    "--format", "env", NULL), ==, 0);
  gh_test_assert_contains (env, "export AWS_ACCESS_KEY_ID=");
  gh_test_assert_contains (env, "export AWS_SESSION_TOKEN=");
  gh_test_assert_contains (env, "export AWS_CREDENTIAL_EXPIRATION=");
  g_assert_cmpint (gh_test_run_cli (fixture, &ini, NULL, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--format", "ini",
                                    NULL), ==, 0);
  gh_test_assert_contains (ini, "aws_secret_access_key = ");
}

/* A stand-in for the tray service: owns the name and exports a "login" action. */
typedef struct
{
  GSimpleActionGroup *actions;
  guint               owner_id;
  guint               export_id;
  GDBusConnection    *bus;
  GPtrArray          *requests;
  gboolean            owned;
} FakeTray;

static void
login_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FakeTray *tray = user_data;

  g_ptr_array_add (tray->requests, g_variant_dup_string (parameter, NULL));
}

static void
name_acquired (GDBusConnection *bus,
               const char      *name,
               gpointer         user_data)
{
  ((FakeTray *) user_data)->owned = TRUE;
}

static gboolean
tray_owned (gpointer data)
{
  return ((FakeTray *) data)->owned;
}

static void
test_signed_out_credential_process (GhTestFixture *fixture,
                                    gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("ended");
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSimpleAction) login = g_simple_action_new ("login", G_VARIANT_TYPE_STRING);
  FakeTray tray = { 0, };
  g_auto(GStrv) urls = NULL;

  tray.requests = g_ptr_array_new_with_free_func (g_free);
  tray.actions = g_simple_action_group_new ();
  tray.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_signal_connect (login, "activate", G_CALLBACK (login_activated), &tray);
  g_action_map_add_action (G_ACTION_MAP (tray.actions), G_ACTION (login));
  tray.export_id = g_dbus_connection_export_action_group (tray.bus,
                                                          "/io/github/gatehouse/Gatehouse",
                                                          G_ACTION_GROUP (tray.actions), NULL);
  tray.owner_id = g_bus_own_name_on_connection (tray.bus, "io.github.gatehouse.Gatehouse",
                                                G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired,
                                                NULL, &tray, NULL);
  gh_test_wait_until (tray_owned, &tray, 5000);

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", NULL),
                   ==, EXIT_NOT_SIGNED_IN);
  g_assert_cmpstr (out, ==, "");
  /* It never was signed in: that is what it says, not that a sign-in ended. */
  gh_test_assert_contains (err, "Gatehouse: ");
  gh_test_assert_contains (err, "is not signed in");
  gh_test_assert_contains (err, "gatehouse login ");
  g_assert_null (strstr (err, "has ended"));
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);

  /* The request reached the tray (the D-Bus call is synchronous for the CLI). */
  gh_test_sleep_ms (100);
  g_assert_cmpuint (tray.requests->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (tray.requests, 0), ==, name);

  g_bus_unown_name (tray.owner_id);
  g_dbus_connection_unexport_action_group (tray.bus, tray.export_id);
  g_clear_object (&tray.actions);
  g_clear_object (&tray.bus);
  g_ptr_array_unref (tray.requests);
}

static void
test_bad_profiles (GhTestFixture *fixture,
                   gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("bad");
  g_autofree char *config = gh_test_path (fixture, ".aws/config");
  g_autofree char *text = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *err = NULL;

  gh_test_sign_in (fixture, name);
  text = read_config (fixture);
  updated = g_strdup_printf ("%s[profile plain]\nregion = eu-west-1\n"
                             "[profile unassigned]\nsso_session = %s\nsso_account_id = 100000000001\n"
                             "sso_role_name = NotMine\n", text, name);
  g_assert_true (g_file_set_contents (config, updated, -1, NULL));

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "credentials", "--profile", "missing",
                                    NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "missing");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "credentials", "--profile", "plain",
                                    NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "not an IAM Identity Center profile");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "credentials", "--profile",
                                    "unassigned", NULL), !=, 0);
  gh_test_assert_contains (err, "NotMine");
  gh_test_assert_contains (err, "100000000001");
}

static void
test_status_warns_long_term_keys (GhTestFixture *fixture,
                                  gconstpointer  data)
{
  g_autofree char *aws = gh_test_path (fixture, ".aws");
  g_autofree char *path = gh_test_path (fixture, ".aws/credentials");
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir_with_parents (aws, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"
                                      "[temp]\naws_access_key_id = ASIAXXXXXXXXXXXXXXXX\n",
                                      -1, NULL));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "status", NULL), ==, 0);
  gh_test_assert_contains (err, "long-term access keys");
  gh_test_assert_contains (err, "default");
  g_assert_null (strstr (err, "temp"));
  g_assert_null (strstr (err, "wJalrXUtnFEMI"));
}

static void
test_favorites_only (GhTestFixture *fixture,
                     gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("fav");
  g_autofree char *out = NULL;
  g_autofree char *list = NULL;
  g_autofree char *config = NULL;
  g_autofree char *key = NULL;

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "favorite", "add", "--session", name,
                                    "--account", "100000000002", "--role", "ReadOnly", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, &list, NULL, "favorite", "list", NULL), ==, 0);
  key = g_strdup_printf ("%s/100000000002/ReadOnly", name);
  gh_test_assert_contains (list, key);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--favorites-only", NULL),
                   ==, 0);
  gh_test_assert_contains (out, "added 1,");
  config = read_config (fixture);
  gh_test_assert_contains (config, "[profile ReadOnly-100000000002]");
  g_assert_null (strstr (config, "[profile ReadOnly-100000000001]"));
  g_assert_null (strstr (config, "AdministratorAccess"));

  g_clear_pointer (&list, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "favorite", "remove", "--session", name,
                                    "--account", "100000000002", "--role", "ReadOnly", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, &list, NULL, "favorite", "list", NULL), ==, 0);
  g_assert_null (strstr (list, key));
}

static void
test_role_changes_reported (GhTestFixture *fixture,
                            gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("changes");
  g_autofree char *err = NULL;

  g_object_set (fixture->sim, "accounts", 1, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "roles", name, NULL), ==, 0);

  g_object_set (fixture->sim, "roles-per-account", 3, NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "roles", name, "--refresh", NULL), ==, 0);
  gh_test_assert_contains (err, "you now have Role3 in ");

  g_object_set (fixture->sim, "roles-per-account", 1, NULL);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "roles", name, "--refresh", NULL), ==, 0);
  gh_test_assert_contains (err, "you no longer have Role3");
  gh_test_assert_contains (err, "you no longer have ReadOnly");
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv);

#define ADD(path, func) gh_test_add ("/profiles/" path, func)

  ADD ("roles/json", test_roles_json);
  ADD ("sync/sso-botocore", test_sync_sso_profile_botocore);
  ADD ("sync/dry-run-and-removal", test_sync_dry_run_and_removal);
  ADD ("credential-process/botocore", test_credential_process_botocore);
  ADD ("credentials-file/botocore", test_credentials_file_botocore);
  ADD ("credentials/formats", test_credentials_formats);
  ADD ("credentials/signed-out", test_signed_out_credential_process);
  ADD ("credentials/bad-profiles", test_bad_profiles);
  ADD ("status/long-term-keys", test_status_warns_long_term_keys);
  ADD ("sync/favorites-only", test_favorites_only);
  ADD ("roles/changes-reported", test_role_changes_reported);

  return g_test_run ();
}
