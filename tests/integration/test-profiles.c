/* test-profiles.c — roles, profile sync and role credentials through the real CLI, read back by
 * botocore: (a) a synced SSO profile, (b) a credential_process profile, (c) a credentials-file
 * section written by Gatehouse */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-profile-sync.h"
#include "gh-test-env.h"

#define EXIT_FAILURE_OTHER 1
#define EXIT_USAGE 2
#define EXIT_NOT_SIGNED_IN 3

/* Runs tests/fixtures/@script with @program (and up to two arguments) in the CLI's environment,
 * as another AWS client would run there; its exit status */
static int
run_fixture_script (GhTestFixture  *fixture,
                    const char     *program,
                    const char     *script,
                    const char     *argument,
                    const char     *argument2,
                    char          **out,
                    char          **err)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", script, NULL);
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_launcher_spawn (launcher, &error, program, path, argument, argument2,
                                         NULL);
  g_assert_no_error (error);
  return gh_test_wait_cli (fixture, process, out, err);
}

/* The region botocore gives a client of `profile`; NULL (and botocore's message in `err`) when
 * it has none. */
static char *
botocore_region (GhTestFixture  *fixture,
                 const char     *profile,
                 char          **err)
{
  g_autofree char *out = NULL;

  if (run_fixture_script (fixture, g_getenv ("GH_PYTHON"), "botocore-region.py", profile, NULL,
                          &out, err) != 0)
    return NULL;
  return g_strdup (g_strstrip (out));
}

static void
write_config (GhTestFixture *fixture,
              const char    *contents)
{
  g_autofree char *path = gh_test_path (fixture, ".aws/config");

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    count++;
  return count;
}

static char *
read_file (GhTestFixture *fixture,
           const char    *relative)
{
  g_autofree char *path = gh_test_path (fixture, relative);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static char *
read_config (GhTestFixture *fixture)
{
  return read_file (fixture, ".aws/config");
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
    g_clear_pointer (&filtered, g_free);

    /* Every word, each in any field: as the desktop's search and the window's match */
    g_assert_cmpint (gh_test_run_cli (fixture, &filtered, NULL, "roles", name, "--json",
                                      "--filter", "readonly 100000000002", NULL), ==, 0);
    g_clear_pointer (&root, json_node_unref);
    root = parse_json (filtered);
    array = json_node_get_array (root);
    g_assert_cmpuint (json_array_get_length (array), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                    "profile"), ==, "ReadOnly-100000000002");
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
  key = gh_test_botocore_access_key (fixture, "ReadOnly-100000000001");
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
  key = gh_test_botocore_access_key (fixture, "ReadOnly-100000000001");
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
  key = gh_test_botocore_access_key (fixture, "tool-sso");
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
  g_autofree char *fish = NULL;
  g_autofree char *powershell = NULL;
  g_autofree char *err = NULL;

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &env, NULL, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--session", name,
                                    "--format", "env", NULL), ==, 0);
  gh_test_assert_contains (env, "export AWS_ACCESS_KEY_ID=");
  gh_test_assert_contains (env, "export AWS_SESSION_TOKEN=");
  gh_test_assert_contains (env, "export AWS_CREDENTIAL_EXPIRATION=");
  /* No profile, no region in the environment: the sign-in's. */
  gh_test_assert_contains (env, "export AWS_REGION='us-east-1'\n");
  gh_test_assert_contains (env, "export AWS_DEFAULT_REGION='us-east-1'\n");
  g_assert_cmpint (gh_test_run_cli (fixture, &ini, NULL, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--format", "ini",
                                    NULL), ==, 0);
  gh_test_assert_contains (ini, "aws_secret_access_key = ");

  g_assert_cmpint (gh_test_run_cli (fixture, &fish, NULL, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--format", "fish",
                                    "--region", "ap-south-1", NULL), ==, 0);
  gh_test_assert_contains (fish, "set -gx AWS_SECRET_ACCESS_KEY '");
  gh_test_assert_contains (fish, "set -gx AWS_REGION 'ap-south-1'\n");

  /* AWS_REGION overrides a profile's region for AWS tools, so it does here. */
  g_ptr_array_add (fixture->extra_env, g_strdup ("AWS_REGION=eu-north-1"));
  g_assert_cmpint (gh_test_run_cli (fixture, &powershell, NULL, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--format",
                                    "powershell", NULL), ==, 0);
  gh_test_assert_contains (powershell, "$Env:AWS_SESSION_TOKEN = '");
  gh_test_assert_contains (powershell, "$Env:AWS_DEFAULT_REGION = 'eu-north-1'\n");

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "credentials", "--account",
                                    "100000000001", "--role", "ReadOnly", "--format", "env",
                                    "--region", "moon-1", NULL), ==, 2);
  gh_test_assert_contains (err, "“moon-1” (from --region) is not an AWS region");
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

  /* The request reached the tray (the CLI sends it before it exits). */
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


/* Item: sync settings are remembered. What `sync --template … --region …` asked for is what a
 * plain `sync` (and `roles`) use later, until --reset. */
static void
test_sync_settings_remembered (GhTestFixture *fixture,
                               gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("kept");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *config = NULL;
  g_autofree char *again = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *region = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *first;

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--template",
                                    "{account_name}-{role}", "--region", "eu-west-1", NULL), ==, 0);
  gh_test_assert_contains (out, "the profile name template is now “{account_name}-{role}”");
  gh_test_assert_contains (out, "the profile region is now eu-west-1");
  gh_test_assert_contains (out, "--reset template");
  config = read_config (fixture);
  gh_test_assert_contains (config, "[profile Account-1-ReadOnly]");
  gh_test_assert_contains (config, "gatehouse_sync_template = {account_name}-{role}\n");
  gh_test_assert_contains (config, "gatehouse_sync_region = eu-west-1\n");
  g_assert_cmpuint (count_occurrences (config, "\nregion = eu-west-1\n"), ==, 4);
  region = botocore_region (fixture, "Account-2-AdministratorAccess", NULL);
  g_assert_cmpstr (region, ==, "eu-west-1");

  /* A plain sync changes nothing and says nothing about settings */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, NULL), ==, 0);
  gh_test_assert_contains (out, "added 0, updated 0 and removed 0");
  g_assert_null (strstr (out, "is now"));
  again = read_config (fixture);
  g_assert_cmpstr (again, ==, config);

  /* `roles` shows the names sync writes */
  g_assert_cmpint (gh_test_run_cli (fixture, &roles, NULL, "roles", name, "--json", NULL), ==, 0);
  root = parse_json (roles);
  first = json_array_get_object_element (json_node_get_array (root), 0);
  expected = gh_profile_name_from_template ("{account_name}-{role}", name,
                                            json_object_get_string_member (first, "account_id"),
                                            json_object_get_string_member (first, "account_name"),
                                            json_object_get_string_member (first, "role"), NULL);
  g_assert_cmpstr (json_object_get_string_member (first, "profile"), ==, expected);

  /* --reset puts one setting back; the other stays */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--reset", "template",
                                    NULL), ==, 0);
  gh_test_assert_contains (out, "the profile name template is back to “{role}-{account_id}” (the "
                                "default)");
  gh_test_assert_contains (out, "added 4, updated 0 and removed 4");
  g_clear_pointer (&config, g_free);
  config = read_config (fixture);
  g_assert_null (strstr (config, "Account-1"));
  g_assert_null (strstr (config, "gatehouse_sync_template"));
  g_clear_pointer (&region, g_free);
  region = botocore_region (fixture, "ReadOnly-100000000001", NULL);
  g_assert_cmpstr (region, ==, "eu-west-1");

  /* all: the profiles get the sign-in's own region again */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "sync", name, "--reset", "all", NULL),
                   ==, 0);
  gh_test_assert_contains (out, "the profile region is back to the sign-in's region, us-east-1");
  g_clear_pointer (&config, g_free);
  config = read_config (fixture);
  g_assert_null (strstr (config, "gatehouse_sync_"));
  g_assert_cmpuint (count_occurrences (config, "\nregion = us-east-1\n"), ==, 4);

  /* Asking for a setting and its reset at once, or an unknown setting, is a usage error */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "sync", name, "--reset", "template",
                                    "--template", "{role}", NULL), ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "sync", name, "--reset", "colour",
                                    NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "--reset takes template, region");
}

/* Item: profiles that work as they are. Without --region, a profile still has one: the
 * sign-in's, so `aws --profile P` does not stop at "You must specify a region". */
static void
test_sync_region_default (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("region");
  g_autofree char *err = NULL;
  g_autofree char *region = NULL;

  g_object_set (fixture->sim, "accounts", 1, "roles-per-account", 1, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, NULL), ==, 0);

  region = botocore_region (fixture, "AdministratorAccess-100000000001", &err);
  if (region == NULL)
    g_error ("botocore found no region for the synced profile: %s", err);
  g_assert_cmpstr (region, ==, "us-east-1");
}

/* Item: no dangling references. `session remove` takes Gatehouse's profiles of the sign-in
 * along, keeps the ones a person wrote, and names those that no longer work. */
static void
test_session_remove_profiles (GhTestFixture *fixture,
                              gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("gone");
  g_autofree char *other = gh_test_unique_name ("stays");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *config = NULL;
  g_autofree char *with_mine = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *header = NULL;
  g_autofree char *key = NULL;

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  gh_test_sign_in (fixture, other);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, "--template",
                                    "a-{role}-{account_id}", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", other, NULL), ==, 0);
  config = read_config (fixture);
  with_mine = g_strdup_printf ("%s[profile chain]\nsource_profile = a-ReadOnly-100000000001\n"
                               "role_arn = arn:aws:iam::100000000002:role/Deploy\n"
                               "[profile mine]\nsso_session = %s\nsso_account_id = 100000000001\n"
                               "sso_role_name = ReadOnly\n"
                               "[profile plain]\nregion = eu-west-1\n", config, name);
  write_config (fixture, with_mine);
  /* Keys in the credentials file, for a profile that goes and for one that stays */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "credentials", "--profile",
                                    "a-ReadOnly-100000000001", "--write", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "credentials", "--profile",
                                    "ReadOnly-100000000002", "--write", NULL), ==, 0);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "session", "remove", name, NULL), ==, 0);
  gh_test_assert_contains (out, "Removed 4 profiles of the sign-in: a-AdministratorAccess-");
  gh_test_assert_contains (out, "Removed the keys of 1 profile from ");
  gh_test_assert_contains (err, "no longer work: chain, mine.");
  credentials = read_file (fixture, ".aws/credentials");
  g_assert_null (strstr (credentials, "[a-ReadOnly-100000000001]"));
  gh_test_assert_contains (credentials, "[ReadOnly-100000000002]");

  g_clear_pointer (&config, g_free);
  config = read_config (fixture);
  marker = g_strdup_printf ("(sign-in \"%s\")", name);
  header = g_strdup_printf ("[sso-session %s]", name);
  g_assert_null (strstr (config, marker));
  g_assert_null (strstr (config, header));
  g_assert_null (strstr (config, "[profile a-"));
  gh_test_assert_contains (config, "[profile chain]");
  gh_test_assert_contains (config, "[profile mine]");
  gh_test_assert_contains (config, "[profile plain]");

  /* The other sign-in's profiles stay, and work */
  key = gh_test_botocore_access_key (fixture, "ReadOnly-100000000002");
  gh_test_assert_contains (config, "[profile AdministratorAccess-100000000001]");
}

/* Item: no dangling references. A sync that would remove a profile a person's profile names as
 * source_profile keeps it, and says so. */
static void
test_sync_keeps_source_profile (GhTestFixture *fixture,
                                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("chain");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *config = NULL;
  g_autofree char *with_chain = NULL;

  g_object_set (fixture->sim, "accounts", 1, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, NULL), ==, 0);
  config = read_config (fixture);
  with_chain = g_strdup_printf ("%s[profile chain]\nsource_profile = ReadOnly-100000000001\n"
                                "role_arn = arn:aws:iam::100000000002:role/Deploy\n", config);
  write_config (fixture, with_chain);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "sync", name, "--template",
                                    "{account_name}-{role}", NULL), ==, 0);
  gh_test_assert_contains (err, "Kept: ReadOnly-100000000001: kept, because the profile “chain” "
                                "names it as source_profile");
  gh_test_assert_contains (out, "added 2, updated 0 and removed 1 profiles");
  g_clear_pointer (&config, g_free);
  config = read_config (fixture);
  gh_test_assert_contains (config, "[profile ReadOnly-100000000001]");
  gh_test_assert_contains (config, "[profile Account-1-ReadOnly]");
  g_assert_null (strstr (config, "[profile AdministratorAccess-100000000001]"));
  g_free (gh_test_botocore_access_key (fixture, "ReadOnly-100000000001"));
}

/* Whether the AWS SDK for JavaScript can run; FALSE (and the test skipped, saying why)
 * without node or the SDK */
static gboolean
js_sdk_available (void)
{
  const char *dir = g_getenv ("GH_JS_SDK_DIR");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *module = NULL;

  if (node == NULL)
    {
      g_test_skip ("node is not installed: the AWS SDK for JavaScript cannot run");
      return FALSE;
    }
  module = g_build_filename (dir != NULL ? dir : "", "node_modules", "@aws-sdk",
                             "credential-providers", NULL);
  if (dir == NULL || !g_file_test (module, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the AWS SDK for JavaScript is not installed in GH_JS_SDK_DIR "
                   "(build-aux/dev installs it there with npm)");
      return FALSE;
    }
  return TRUE;
}

static char *
run_js_sdk (GhTestFixture *fixture,
            const char    *command,
            const char    *argument)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (run_fixture_script (fixture, "node", "js-sdk/js-sdk-profiles.mjs", command, argument,
                          &out, &err) != 0)
    g_error ("The AWS SDK for JavaScript failed (%s %s): %s", command,
             argument ? argument : "", err);
  return g_steal_pointer (&out);
}

/* Item: names every AWS client reads. A new sign-in's name and every synced profile's name are
 * ones the AWS SDK for JavaScript reads; it resolves a synced profile's credentials. */
static void
test_js_sdk_names (GhTestFixture *fixture,
                   gconstpointer  data)
{
  const char *roles[] = { "Data,Read=Only", "ReadOnly", NULL };
  g_autofree char *name = gh_test_unique_name ("js");
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *after = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *profiles;
  JsonObject *sessions;

  if (!js_sdk_available ())
    return;

  /* A name with a space is refused, with one to use instead */
  url = gh_test_start_url (fixture);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", "my work",
                                    "--start-url", url, "--region", "us-east-1", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "Use a name such as “my-work”");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_object_set (fixture->sim, "accounts", 1, "roles-per-account", 2, "role-names", roles, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, NULL), ==, 0);
  after = read_config (fixture);
  gh_test_assert_contains (after, "[profile Data-Read-Only-100000000001]");

  listed = run_js_sdk (fixture, "list", NULL);
  root = parse_json (listed);
  profiles = json_object_get_object_member (json_node_get_object (root), "profiles");
  sessions = json_object_get_object_member (json_node_get_object (root), "ssoSessions");
  g_assert_cmpstr (json_object_get_string_member (sessions, name), ==, "us-east-1");
  g_assert_cmpuint (json_object_get_size (profiles), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (profiles, "Data-Read-Only-100000000001"), ==,
                   name);
  g_assert_cmpstr (json_object_get_string_member (profiles, "ReadOnly-100000000001"), ==, name);

  /* And it signs a client in with what Gatehouse wrote */
  key = run_js_sdk (fixture, "credentials", "Data-Read-Only-100000000001");
  g_assert_true (g_str_has_prefix (key, "ASIA"));
}

static void
set_env (GhTestFixture *fixture,
         const char    *first,
         ...)
{
  va_list args;

  g_ptr_array_set_size (fixture->extra_env, 0);
  va_start (args, first);
  for (const char *entry = first; entry != NULL; entry = va_arg (args, const char *))
    g_ptr_array_add (fixture->extra_env, g_strdup (entry));
  va_end (args);
}

/* Item: AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION count, as in every AWS tool */
static void
test_environment_variables (GhTestFixture *fixture,
                            gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("env");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "sync", name, NULL), ==, 0);

  /* AWS_PROFILE names the profile… */
  set_env (fixture, "AWS_PROFILE=ReadOnly-100000000001", NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "credentials", NULL), ==, 0);
  root = parse_json (out);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (root),
                                                                  "AccessKeyId"), "ASIA"));

  /* …unless --profile, or --account and --role, name one */
  set_env (fixture, "AWS_PROFILE=no-such-profile", NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "credentials", "--profile",
                                    "ReadOnly-100000000002", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "credentials", "--account",
                                    "100000000002", "--role", "ReadOnly", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "credentials", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "no-such-profile");

  /* The console's region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region */
  set_env (fixture, "AWS_PROFILE=ReadOnly-100000000001", "AWS_REGION=ap-southeast-2",
           "AWS_DEFAULT_REGION=eu-west-2", NULL);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "console", "--print-url", NULL), ==, 0);
  gh_test_assert_contains (out, "ap-southeast-2.console.aws.amazon.com");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "console", "--print-url", "--region",
                                    "ca-central-1", NULL), ==, 0);
  gh_test_assert_contains (out, "ca-central-1.console.aws.amazon.com");

  set_env (fixture, "AWS_PROFILE=ReadOnly-100000000001", "AWS_DEFAULT_REGION=eu-west-2", NULL);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "console", "--print-url", NULL), ==, 0);
  gh_test_assert_contains (out, "eu-west-2.console.aws.amazon.com");

  /* The profile's region (the sign-in's, us-east-1, written by sync) */
  set_env (fixture, "AWS_PROFILE=ReadOnly-100000000001", NULL);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "console", "--print-url", NULL), ==, 0);
  g_assert_null (strstr (out, "eu-west-2.console"));
  g_assert_null (strstr (out, "ap-southeast-2.console"));

  set_env (fixture, "AWS_PROFILE=ReadOnly-100000000001", "AWS_REGION=moon-1", NULL);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--print-url", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "“moon-1” (from AWS_REGION) is not an AWS region");
  set_env (fixture, NULL, NULL);
}

/* Item: long-term keys in the config file are warned about too */
static void
test_status_warns_long_term_keys_in_config (GhTestFixture *fixture,
                                            gconstpointer  data)
{
  g_autofree char *aws = gh_test_path (fixture, ".aws");
  g_autofree char *config = gh_test_path (fixture, ".aws/config");
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir_with_parents (aws, 0700), ==, 0);
  write_config (fixture, "[profile legacy-keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                         "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"
                         "[profile temp]\naws_access_key_id = ASIAXXXXXXXXXXXXXXXX\n");
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "status", NULL), ==, 0);
  gh_test_assert_contains (err, config);
  gh_test_assert_contains (err, "long-term access keys (AKIA…) for: legacy-keys.");
  g_assert_null (strstr (err, "temp"));
  g_assert_null (strstr (err, "wJalrXUtnFEMI"));
}

/* Item: input checks. Each is refused before anything is written or sent. */
static void
test_input_checks (GhTestFixture *fixture,
                   gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("input");
  g_autofree char *url = gh_test_start_url (fixture);
  g_autofree char *with_password = NULL;
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  with_password = g_strdup_printf ("http://me:pa55w0rdXYZ@%s", url + strlen ("http://"));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", name, "--start-url",
                                    with_password, "--region", "us-east-1", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "user name or password");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", name, "--start-url",
                                    url, "--region", "us-east-1", "--session-duration",
                                    "99999999999999h", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "between 15 minutes (15m) and 90 days (90d)");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gh_test_assert_not_printed (fixture, "pa55w0rdXYZ");

  gh_test_sign_in (fixture, name);
  before = read_config (fixture);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--account", "abc",
                                    "--role", "ReadOnly", "--print-url", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "12-digit");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "credentials", "--account",
                                    "10000000000", "--role", "ReadOnly", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "12-digit");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);
  after = read_config (fixture);
  g_assert_cmpstr (after, ==, before);
}

/* `gatehouse ARGS…` under timeout(1): a command that hangs exits 124 instead of holding up the
 * test */
static int
run_cli_briefly (GhTestFixture  *fixture,
                 char          **err,
                 const char     *first_arg,
                 ...)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "20");
  g_ptr_array_add (argv, (char *) g_getenv ("GH_GATEHOUSE"));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return gh_test_wait_cli (fixture, process, NULL, err);
}

/* Item: bad files get a clear error and are left alone */
static void
test_files_left_alone (GhTestFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("ro");
  g_autofree char *second = gh_test_unique_name ("second");
  g_autofree char *url = gh_test_start_url (fixture);
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *fifo = gh_test_path (fixture, "config-fifo");
  g_autofree char *env = g_strdup_printf ("AWS_CONFIG_FILE=%s", fifo);
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  struct stat st;

  gh_test_sign_in (fixture, name);
  before = read_config (fixture);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", second, "--start-url",
                                    url, "--region", "us-east-1", NULL), ==, EXIT_FAILURE_OTHER);
  gh_test_assert_contains (err, path);
  gh_test_assert_contains (err, "read-only (mode 0444)");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "sync", name, NULL),
                   ==, EXIT_FAILURE_OTHER);
  gh_test_assert_contains (err, "read-only (mode 0444)");
  after = read_config (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0444);

  /* A FIFO as the config file: refused at once, not waited on */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  set_env (fixture, env, NULL);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli_briefly (fixture, &err, "session", "list", NULL), ==,
                   EXIT_FAILURE_OTHER);
  gh_test_assert_contains (err, "not a regular file but a named pipe (FIFO)");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli_briefly (fixture, &err, "session", "add", second, "--start-url", url,
                                    "--region", "us-east-1", NULL), ==, EXIT_FAILURE_OTHER);
  gh_test_assert_contains (err, fifo);
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  set_env (fixture, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

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
  ADD ("sync/settings-remembered", test_sync_settings_remembered);
  ADD ("sync/region-default", test_sync_region_default);
  ADD ("sync/keeps-source-profile", test_sync_keeps_source_profile);
  ADD ("session-remove/profiles", test_session_remove_profiles);
  ADD ("js-sdk/names", test_js_sdk_names);
  ADD ("environment", test_environment_variables);
  ADD ("status/long-term-keys-in-config", test_status_warns_long_term_keys_in_config);
  ADD ("input-checks", test_input_checks);
  ADD ("files-left-alone", test_files_left_alone);

  return gh_test_env_run ();
}
