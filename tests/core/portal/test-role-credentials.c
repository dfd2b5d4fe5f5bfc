/* test-role-credentials.c — unit tests for the formats and JSON forms of
 * src/core/portal/gh-role-credentials.c (keyring and portal: test-role-credentials-live.c) */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-role-credentials-private.h"
#include "gh-role-credentials.h"
#include "gh-secret-store.h"

/* docs/aws-protocols.md §7.6 */
#define EXPIRATION_MS G_GINT64_CONSTANT (1665736069000)
#define EXPIRATION_S G_GINT64_CONSTANT (1665736069)
#define EXPIRATION_TEXT "2022-10-14T08:27:49Z"

#define KEY_ID "ASIAEXAMPLEKEY123456"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=="

static GhRoleCredentials *
example_credentials (void)
{
  GhRoleCredentials *credentials = g_new0 (GhRoleCredentials, 1);

  credentials->access_key_id = g_strdup (KEY_ID);
  credentials->secret_access_key = g_strdup (SECRET);
  credentials->session_token = g_strdup (TOKEN);
  credentials->expiration = EXPIRATION_S;
  credentials->account_id = g_strdup ("123456789012");
  return credentials;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static void
assert_string_member (JsonObject *object,
                      const char *name,
                      const char *expected)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_VALUE (node));
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (node), ==, expected);
}

static void
assert_members (JsonObject         *object,
                const char * const *expected)
{
  g_autoptr(GList) members = json_object_get_members (object);
  guint i = 0;

  /* In this order, and nothing else. */
  for (const GList *l = members; l != NULL; l = l->next, i++)
    {
      g_assert_nonnull (expected[i]);
      g_assert_cmpstr (l->data, ==, expected[i]);
    }
  g_assert_null (expected[i]);
}

static void
assert_version_1 (JsonObject *object)
{
  JsonNode *version = json_object_get_member (object, "Version");

  /* An integer: the AWS CLI compares with == 1 and JS with !== 1, so "1" or 1.0 fail. */
  g_assert_nonnull (version);
  g_assert_true (JSON_NODE_HOLDS_VALUE (version));
  g_assert_cmpint (json_node_get_value_type (version), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (version), ==, 1);
}

static void
test_format_process (void)
{
  static const char * const members[] = {
    "Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", NULL
  };
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(JsonObject) object = NULL;
  char *text;

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_PROCESS, "prod",
                                     "Admin", NULL);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "{\n  \"Version\": 1,\n"));
  g_assert_true (g_str_has_suffix (text, "\n}\n"));

  object = parse_object (text);
  assert_members (object, members);
  assert_version_1 (object);
  assert_string_member (object, "AccessKeyId", KEY_ID);
  assert_string_member (object, "SecretAccessKey", SECRET);
  assert_string_member (object, "SessionToken", TOKEN);
  assert_string_member (object, "Expiration", EXPIRATION_TEXT);

  gh_secret_free (text);
}

static void
test_format_process_exact (void)
{
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  char *text;

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_PROCESS, NULL, NULL, NULL);
  g_assert_cmpstr (text, ==,
                   "{\n"
                   "  \"Version\": 1,\n"
                   "  \"AccessKeyId\": \"" KEY_ID "\",\n"
                   "  \"SecretAccessKey\": \"" SECRET "\",\n"
                   "  \"SessionToken\": \"" TOKEN "\",\n"
                   "  \"Expiration\": \"" EXPIRATION_TEXT "\"\n"
                   "}\n");
  gh_secret_free (text);
}

/* Without an expiration AWS tools would take the credentials as static: leave the member out
 * rather than print 1970. */
static void
test_format_process_no_expiration (void)
{
  static const char * const members[] = {
    "Version", "AccessKeyId", "SecretAccessKey", "SessionToken", NULL
  };
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(JsonObject) object = NULL;
  char *text;

  credentials->expiration = 0;
  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_PROCESS, NULL, NULL, NULL);
  object = parse_object (text);
  assert_members (object, members);
  gh_secret_free (text);
}

static void
test_format_json (void)
{
  static const char * const members[] = {
    "Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId",
    "RoleName", NULL
  };
  static const char * const members_no_role[] = {
    "Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId",
    NULL
  };
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) object_no_role = NULL;
  char *text;

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_JSON, "prod",
                                     "AdministratorAccess", NULL);
  object = parse_object (text);
  assert_members (object, members);
  assert_version_1 (object);
  assert_string_member (object, "AccessKeyId", KEY_ID);
  assert_string_member (object, "SecretAccessKey", SECRET);
  assert_string_member (object, "SessionToken", TOKEN);
  assert_string_member (object, "Expiration", EXPIRATION_TEXT);
  assert_string_member (object, "AccountId", "123456789012");
  assert_string_member (object, "RoleName", "AdministratorAccess");
  gh_secret_free (text);

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_JSON, NULL, NULL, NULL);
  object_no_role = parse_object (text);
  assert_members (object_no_role, members_no_role);
  gh_secret_free (text);
}

/* Quotes, backslashes and control characters survive a JSON round trip. */
static void
test_format_json_escaping (void)
{
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(JsonObject) object = NULL;
  const char *odd = "a\"b\\c\nd\te\x01f/g+h=ü";
  char *text;

  g_free (credentials->secret_access_key);
  credentials->secret_access_key = g_strdup (odd);
  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_JSON, NULL,
                                     "Role with \"quotes\" and ünïcode", NULL);
  object = parse_object (text);
  assert_string_member (object, "SecretAccessKey", odd);
  assert_string_member (object, "RoleName", "Role with \"quotes\" and ünïcode");
  gh_secret_free (text);
}

static void
test_format_env (void)
{
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  char *text;

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_ENV, "prod", "Admin",
                                     "eu-west-1");
  g_assert_cmpstr (text, ==,
                   "export AWS_ACCESS_KEY_ID='" KEY_ID "'\n"
                   "export AWS_SECRET_ACCESS_KEY='" SECRET "'\n"
                   "export AWS_SESSION_TOKEN='" TOKEN "'\n"
                   "export AWS_CREDENTIAL_EXPIRATION='" EXPIRATION_TEXT "'\n"
                   "export AWS_REGION='eu-west-1'\n"
                   "export AWS_DEFAULT_REGION='eu-west-1'\n");
  gh_secret_free (text);

  credentials->expiration = 0;
  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_ENV, NULL, NULL, NULL);
  g_assert_null (strstr (text, "AWS_CREDENTIAL_EXPIRATION"));
  g_assert_null (strstr (text, "REGION"));
  gh_secret_free (text);
}

/* What botocore's ContainerProvider and the JS SDK read: Token, not SessionToken; no Version. */
static void
test_format_container (void)
{
  static const char * const members[] = {
    "AccessKeyId", "SecretAccessKey", "Token", "Expiration", "AccountId", NULL
  };
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(JsonObject) object = NULL;
  char *text;

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_CONTAINER, NULL, NULL,
                                     NULL);
  object = parse_object (text);
  assert_members (object, members);
  assert_string_member (object, "AccessKeyId", KEY_ID);
  assert_string_member (object, "SecretAccessKey", SECRET);
  assert_string_member (object, "Token", TOKEN);
  assert_string_member (object, "Expiration", EXPIRATION_TEXT);
  assert_string_member (object, "AccountId", "123456789012");
  gh_secret_free (text);
}

/* The other shells get the same variables, each in its own syntax and quoting. */
/* fish: \' and \\ escaped inside single quotes. PowerShell: quotes doubled, ‘ ’ ‚ ‛ too. */
static const struct {
  const char          *name;
  GhCredentialsFormat  format;
  const char          *secret;
  const char          *expected;
} other_shells[] = {
  { "fish", GH_CREDENTIALS_FORMAT_FISH, "it's a \\' back\\slash\\",
    "set -gx AWS_ACCESS_KEY_ID '" KEY_ID "'\n"
    "set -gx AWS_SECRET_ACCESS_KEY 'it\\'s a \\\\\\' back\\\\slash\\\\'\n"
    "set -gx AWS_SESSION_TOKEN '" TOKEN "'\n"
    "set -gx AWS_CREDENTIAL_EXPIRATION '" EXPIRATION_TEXT "'\n"
    "set -gx AWS_REGION 'us-east-1'\n"
    "set -gx AWS_DEFAULT_REGION 'us-east-1'\n" },
  { "powershell", GH_CREDENTIALS_FORMAT_POWERSHELL, "it's ‘curly’ ‚low‛ $x `n",
    "$Env:AWS_ACCESS_KEY_ID = '" KEY_ID "'\n"
    "$Env:AWS_SECRET_ACCESS_KEY = 'it''s ‘‘curly’’ ‚‚low‛‛ $x `n'\n"
    "$Env:AWS_SESSION_TOKEN = '" TOKEN "'\n"
    "$Env:AWS_CREDENTIAL_EXPIRATION = '" EXPIRATION_TEXT "'\n"
    "$Env:AWS_REGION = 'us-east-1'\n"
    "$Env:AWS_DEFAULT_REGION = 'us-east-1'\n" },
};

static void
test_format_other_shell (gconstpointer data)
{
  const typeof (other_shells[0]) *shell = data;
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  char *text;

  g_free (credentials->secret_access_key);
  credentials->secret_access_key = g_strdup (shell->secret);
  text = gh_role_credentials_format (credentials, shell->format, NULL, NULL, "us-east-1");
  g_assert_cmpstr (text, ==, shell->expected);
  gh_secret_free (text);
}

/* What a shell makes of the output is the real test of the quoting: each shell that is
 * installed reads the lines from a file and prints the six variables, joined by '|'. */
typedef struct
{
  const char          *name;
  GhCredentialsFormat  format;
  const char          *file_name;
  const char          *argv[6];
} ShellCase;

static const ShellCase shell_cases[] = {
  { "sh", GH_CREDENTIALS_FORMAT_ENV, "credentials.sh",
    { "sh", "-c", ". \"$CREDENTIALS_FILE\" && printf '%s|%s|%s|%s|%s|%s' "
      "\"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" "
      "\"$AWS_CREDENTIAL_EXPIRATION\" \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\"", NULL } },
  { "bash", GH_CREDENTIALS_FORMAT_ENV, "credentials.bash",
    { "bash", "--norc", "-c", "eval \"$(cat \"$CREDENTIALS_FILE\")\" && printf '%s|%s|%s|%s|%s|%s' "
      "\"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" "
      "\"$AWS_CREDENTIAL_EXPIRATION\" \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\"", NULL } },
  { "fish", GH_CREDENTIALS_FORMAT_FISH, "credentials.fish",
    { "fish", "--no-config", "-c", "source $CREDENTIALS_FILE; and printf '%s|%s|%s|%s|%s|%s' "
      "\"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" "
      "\"$AWS_CREDENTIAL_EXPIRATION\" \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\"", NULL } },
  { "pwsh", GH_CREDENTIALS_FORMAT_POWERSHELL, "credentials.ps1",
    { "pwsh", "-NoProfile", "-NonInteractive", "-Command",
      ". $Env:CREDENTIALS_FILE; [Console]::Out.Write(\"$Env:AWS_ACCESS_KEY_ID|"
      "$Env:AWS_SECRET_ACCESS_KEY|$Env:AWS_SESSION_TOKEN|$Env:AWS_CREDENTIAL_EXPIRATION|"
      "$Env:AWS_REGION|$Env:AWS_DEFAULT_REGION\")", NULL } },
};

static void
test_format_shell (gconstpointer data)
{
  const ShellCase *shell = data;
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path (shell->name);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) envp = NULL;
  const char *odd = "it's $HOME `id` $(id) \"q\" \\ \\' ; * ~ ‘’‚‛ {a,b} %s \n'' end\\";
  char *text;
  int status = -1;

  if (program == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s is not installed; the exact text is "
                                                  "checked by /role-credentials/format/*",
                                                  shell->name);

      g_test_skip (message);
      return;
    }

  g_free (credentials->secret_access_key);
  credentials->secret_access_key = g_strdup (odd);
  text = gh_role_credentials_format (credentials, shell->format, NULL, NULL, "eu-central-1");

  dir = g_dir_make_tmp ("gh-format-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, shell->file_name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  gh_secret_free (text);
  envp = g_environ_setenv (g_get_environ (), "CREDENTIALS_FILE", path, TRUE);
  envp = g_environ_setenv (envp, "HOME", dir, TRUE);

  g_spawn_sync (dir, (char **) shell->argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", shell->name, err);

  expected = g_strdup_printf ("%s|%s|%s|%s|%s|%s", KEY_ID, odd, TOKEN, EXPIRATION_TEXT,
                              "eu-central-1", "eu-central-1");
  g_assert_cmpstr (out, ==, expected);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_format_ini (void)
{
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  char *text;

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_INI, "prod-admin",
                                     "Admin", NULL);
  g_assert_cmpstr (text, ==,
                   "[prod-admin]\n"
                   "aws_access_key_id = " KEY_ID "\n"
                   "aws_secret_access_key = " SECRET "\n"
                   "aws_session_token = " TOKEN "\n");
  gh_secret_free (text);

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_INI, NULL, NULL, NULL);
  g_assert_true (g_str_has_prefix (text, "[default]\naws_access_key_id = " KEY_ID "\n"));
  gh_secret_free (text);
}

static void
test_format_parse (void)
{
  static const struct {
    const char          *text;
    gboolean             valid;
    GhCredentialsFormat  format;
  } cases[] = {
    { "process", TRUE, GH_CREDENTIALS_FORMAT_PROCESS },
    { "PROCESS", TRUE, GH_CREDENTIALS_FORMAT_PROCESS },
    { "env", TRUE, GH_CREDENTIALS_FORMAT_ENV },
    { "ini", TRUE, GH_CREDENTIALS_FORMAT_INI },
    { "json", TRUE, GH_CREDENTIALS_FORMAT_JSON },
    { "Json", TRUE, GH_CREDENTIALS_FORMAT_JSON },
    { "fish", TRUE, GH_CREDENTIALS_FORMAT_FISH },
    { "powershell", TRUE, GH_CREDENTIALS_FORMAT_POWERSHELL },
    { "pwsh", FALSE, 0 },
    { "", FALSE, 0 },
    { "yaml", FALSE, 0 },
    { "process ", FALSE, 0 },
    { "proc", FALSE, 0 },
    { NULL, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GhCredentialsFormat format = (GhCredentialsFormat) -1;
      gboolean valid = gh_credentials_format_parse (cases[i].text, &format);

      g_assert_cmpint (valid, ==, cases[i].valid);
      if (valid)
        g_assert_cmpint (format, ==, cases[i].format);
      else
        g_assert_cmpint (format, ==, (GhCredentialsFormat) -1);
    }
}

static GhRoleCredentials *
from_json_text (const char  *text,
                GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return gh_role_credentials_from_json (node, "123456789012", error);
}

/* docs/aws-protocols.md §7.6: expiration is epoch milliseconds. */
static void
test_json_expiration_ms (void)
{
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autoptr(GhRoleCredentials) rounded = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  credentials = from_json_text ("{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET
                                "\",\"sessionToken\":\"" TOKEN "\",\"expiration\":1665736069000}",
                                &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_cmpint (credentials->expiration, ==, EXPIRATION_S);
  g_assert_cmpstr (credentials->access_key_id, ==, KEY_ID);
  g_assert_cmpstr (credentials->secret_access_key, ==, SECRET);
  g_assert_cmpstr (credentials->session_token, ==, TOKEN);
  g_assert_cmpstr (credentials->account_id, ==, "123456789012");

  text = gh_role_credentials_format (credentials, GH_CREDENTIALS_FORMAT_PROCESS, NULL, NULL, NULL);
  g_assert_nonnull (strstr (text, "\"Expiration\": \"" EXPIRATION_TEXT "\""));
  gh_secret_free (text);

  /* Sub-second parts are dropped, never rounded up past the real expiry. */
  rounded = from_json_text ("{\"accessKeyId\":\"A\",\"secretAccessKey\":\"B\","
                            "\"sessionToken\":\"C\",\"expiration\":1665736069999}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (rounded->expiration, ==, EXPIRATION_S);
}

static void
test_json_malformed (void)
{
  static const char * const cases[] = {
    "[]",
    "\"text\"",
    "{}",
    "{\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\"" TOKEN "\",\"expiration\":1}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"sessionToken\":\"" TOKEN "\",\"expiration\":1665736069000}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\","
    "\"expiration\":1665736069000}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\"}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":\"2022-10-14T08:27:49Z\"}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":-5}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":0}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":9223372036854775807}",
    "{\"accessKeyId\":42,\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\"" TOKEN "\","
    "\"expiration\":1665736069000}",
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":null,\"sessionToken\":\"" TOKEN "\","
    "\"expiration\":1665736069000}",
    /* Found by fuzzing: less than a second is an expiration of 0, "never expires" */
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":16}",
    /* An empty member, then another missing one: one error, not one set over the other */
    "{\"accessKeyId\":\"\",\"expiration\":1665736069000}",
    /* Values no AWS tool could use as they are: a line break would add a line to the
     * credentials file, a space would be stripped by every INI reader */
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"a\\nb = c\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":1665736069000}",
    "{\"accessKeyId\":\" " KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":1665736069000}",
    /* A number out of any integer's range */
    "{\"accessKeyId\":\"" KEY_ID "\",\"secretAccessKey\":\"" SECRET "\",\"sessionToken\":\""
    TOKEN "\",\"expiration\":1e300}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhRoleCredentials) credentials = NULL;
      g_autoptr(GError) error = NULL;

      credentials = from_json_text (cases[i], &error);
      g_assert_null (credentials);
      g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
      g_assert_null (strstr (error->message, SECRET));
      g_assert_null (strstr (error->message, TOKEN));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (gh_role_credentials_from_json (NULL, "123456789012", &error));
    g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
  }
}

/* The keyring form reads back to the same credentials. */
static void
test_json_roundtrip (void)
{
  static const char * const members[] = {
    "accessKeyId", "secretAccessKey", "sessionToken", "expiration", "accountId", "roleName",
    NULL
  };
  g_autoptr(GhRoleCredentials) credentials = example_credentials ();
  g_autoptr(GhRoleCredentials) copy = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *expiration;
  char *text;

  g_free (credentials->secret_access_key);
  /* JSON escapes (AWS keys are printable ASCII without spaces) */
  credentials->secret_access_key = g_strdup ("with\"quote\"and\\and/+=");
  text = gh_role_credentials_to_json (credentials, "Read Only ü");
  object = parse_object (text);
  assert_members (object, members);
  expiration = json_object_get_member (object, "expiration");
  g_assert_cmpint (json_node_get_value_type (expiration), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (expiration), ==, EXPIRATION_MS);
  assert_string_member (object, "roleName", "Read Only ü");

  copy = from_json_text (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy->access_key_id, ==, credentials->access_key_id);
  g_assert_cmpstr (copy->secret_access_key, ==, credentials->secret_access_key);
  g_assert_cmpstr (copy->session_token, ==, credentials->session_token);
  g_assert_cmpint (copy->expiration, ==, credentials->expiration);
  g_assert_cmpstr (copy->account_id, ==, credentials->account_id);
  gh_secret_free (text);
}

static void
test_free_null (void)
{
  gh_role_credentials_free (NULL);
}

/* A copy owns its strings: it outlives the original */
static void
test_copy (void)
{
  GhRoleCredentials *original = example_credentials ();
  g_autoptr(GhRoleCredentials) copy = gh_role_credentials_copy (original);

  gh_role_credentials_free (original);
  g_assert_cmpstr (copy->access_key_id, ==, KEY_ID);
  g_assert_cmpstr (copy->secret_access_key, ==, SECRET);
  g_assert_cmpstr (copy->session_token, ==, TOKEN);
  g_assert_cmpint (copy->expiration, ==, EXPIRATION_S);
  g_assert_cmpstr (copy->account_id, ==, "123456789012");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/role-credentials/format/process", test_format_process);
  g_test_add_func ("/role-credentials/format/process/exact", test_format_process_exact);
  g_test_add_func ("/role-credentials/format/process/no-expiration",
                   test_format_process_no_expiration);
  g_test_add_func ("/role-credentials/format/json", test_format_json);
  g_test_add_func ("/role-credentials/format/json/escaping", test_format_json_escaping);
  g_test_add_func ("/role-credentials/format/env", test_format_env);
  g_test_add_func ("/role-credentials/format/container", test_format_container);
  for (guint i = 0; i < G_N_ELEMENTS (other_shells); i++)
    {
      g_autofree char *path = g_strdup_printf ("/role-credentials/format/%s",
                                               other_shells[i].name);

      g_test_add_data_func (path, &other_shells[i], test_format_other_shell);
    }
  for (guint i = 0; i < G_N_ELEMENTS (shell_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/role-credentials/format/shell/%s",
                                               shell_cases[i].name);

      g_test_add_data_func (path, &shell_cases[i], test_format_shell);
    }
  g_test_add_func ("/role-credentials/format/ini", test_format_ini);
  g_test_add_func ("/role-credentials/format/parse", test_format_parse);
  g_test_add_func ("/role-credentials/json/expiration-ms", test_json_expiration_ms);
  g_test_add_func ("/role-credentials/json/malformed", test_json_malformed);
  g_test_add_func ("/role-credentials/json/roundtrip", test_json_roundtrip);
  g_test_add_func ("/role-credentials/free-null", test_free_null);
  g_test_add_func ("/role-credentials/copy", test_copy);

  return g_test_run ();
}
