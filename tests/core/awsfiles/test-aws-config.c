/* test-aws-config.c — sign-in definitions in the AWS config file */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-aws-config.h"
#include "gh-error.h"
#include "gh-ini.h"
#include "gh-test-util.h"

#define START_URL "https://example.awsapps.com/start"

static char *
corpus_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "ini", name, NULL);
}

/* A copy of a corpus file as $HOME/.aws/config; returns the path */
static char *
config_from_corpus (const char  *name,
                    char       **original)
{
  g_autofree char *source = corpus_path (name);
  g_autofree char *contents = gh_test_read_file (source, NULL);
  char *path = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);

  gh_test_write_file (path, contents, -1);
  if (original != NULL)
    *original = g_steal_pointer (&contents);
  return path;
}

static char *
home_config_path (void)
{
  return g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
}

static GhSsoSessionConfig *
config_new (const char *name,
            const char *start_url,
            const char *region)
{
  GhSsoSessionConfig *config = g_new0 (GhSsoSessionConfig, 1);

  config->name = g_strdup (name);
  config->start_url = g_strdup (start_url);
  config->region = g_strdup (region);
  config->session_duration = GH_DEFAULT_SESSION_DURATION;
  return config;
}

static void
assert_mode_0600 (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static GhSsoSessionConfig *
find_listed (GPtrArray  *sessions,
             const char *name,
             gboolean    legacy)
{
  for (guint i = 0; i < sessions->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (sessions, i);

      if (g_str_equal (config->name, name) && config->legacy == legacy)
        return config;
    }

  return NULL;
}

/* ---- listing ----------------------------------------------------------------------------- */

static void
test_list_quoted (void)
{
  g_autofree char *path = corpus_path ("quoted-sessions.ini");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = gh_aws_config_list_sessions (path, &error);
  GhSsoSessionConfig *config;
  const char * const scopes[] = { "sso:account:access", "codewhisperer:completions", NULL };

  g_assert_no_error (error);
  /* "too many tokens", the unclosed quote and "sso-sessionx" are ignored; the profile uses a
   * session and is no legacy entry */
  g_assert_cmpuint (sessions->len, ==, 2);

  config = g_ptr_array_index (sessions, 0);
  g_assert_cmpstr (config->name, ==, "my sso");
  g_assert_cmpstr (config->start_url, ==, "https://my.awsapps.com/start");
  g_assert_cmpstr (config->region, ==, "us-east-1");
  g_assert_false (config->legacy);
  g_assert_true (g_strv_equal ((const char * const *) config->scopes, scopes));
  g_assert_cmpint (config->session_duration, ==, GH_DEFAULT_SESSION_DURATION);
  g_assert_false (config->cache_refresh_token);

  config = g_ptr_array_index (sessions, 1);
  g_assert_cmpstr (config->name, ==, "other one");
  g_assert_cmpstr (config->region, ==, "eu-west-1");
  g_assert_null (config->scopes);
  g_assert_cmpint (config->session_duration, ==, 90 * 60);
  g_assert_true (config->cache_refresh_token);
}

static void
test_list_legacy (void)
{
  g_autofree char *path = corpus_path ("legacy-profiles.ini");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = gh_aws_config_list_sessions (path, &error);
  GhSsoSessionConfig *config;

  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 3);

  config = g_ptr_array_index (sessions, 0);
  g_assert_cmpstr (config->name, ==, "default");
  g_assert_true (config->legacy);
  g_assert_cmpstr (config->start_url, ==, "https://legacy.awsapps.com/start");
  g_assert_cmpstr (config->region, ==, "us-east-1");

  config = g_ptr_array_index (sessions, 1);
  g_assert_cmpstr (config->name, ==, "old-admin");
  g_assert_true (config->legacy);
  g_assert_cmpint (config->session_duration, ==, 4 * 3600);

  /* [profile modern] has sso_session, so only the session is listed */
  config = g_ptr_array_index (sessions, 2);
  g_assert_cmpstr (config->name, ==, "modern");
  g_assert_false (config->legacy);
  g_assert_cmpint (config->session_duration, ==, 43200);
}

static void
test_list_various (void)
{
  static const struct { const char *file; const char *names[4]; } cases[] = {
    { "aws-configure-sso.ini", { "my-sso", NULL } },
    { "unicode.ini", { "équipe", "Büro Köln", NULL } },
    { "duplicate-sections.ini", { "dup", NULL } },
    { "odd-spacing.ini", { "spaced-sso", NULL } },
    { "crlf.ini", { "win", NULL } },
    { "credentials.ini", { NULL } },
    { "empty.ini", { NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = corpus_path (cases[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sessions = gh_aws_config_list_sessions (path, &error);

      g_test_message ("%s", cases[i].file);
      g_assert_no_error (error);
      g_assert_cmpuint (sessions->len, ==, g_strv_length ((GStrv) cases[i].names));
      for (guint j = 0; cases[i].names[j] != NULL; j++)
        {
          GhSsoSessionConfig *config = g_ptr_array_index (sessions, j);

          g_assert_cmpstr (config->name, ==, cases[i].names[j]);
          g_assert_false (config->legacy);
        }
    }
}

static void
test_list_missing (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), "nowhere", "config", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = gh_aws_config_list_sessions (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sessions);
  g_assert_cmpuint (sessions->len, ==, 0);
}

static void
test_list_invalid (void)
{
  g_autofree char *path = home_config_path ();
  g_autofree char *dir_path = g_build_filename (g_get_home_dir (), "a-folder", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) dir_error = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) dir_sessions = NULL;

  gh_test_write_file (path, "[sso-session x]\nsso_start_url = https://x\xff.awsapps.com/start\n",
                      -1);
  sessions = gh_aws_config_list_sessions (path, &error);
  g_assert_null (sessions);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "UTF-8"));

  g_assert_cmpint (g_mkdir (dir_path, 0700), ==, 0);
  dir_sessions = gh_aws_config_list_sessions (dir_path, &dir_error);
  g_assert_null (dir_sessions);
  g_assert_error (dir_error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (strstr (dir_error->message, dir_path));
}

static void
test_find (void)
{
  g_autofree char *path = corpus_path ("legacy-profiles.ini");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSsoSessionConfig) modern = gh_aws_config_find_session (path, "modern", &error);
  g_autoptr(GhSsoSessionConfig) legacy = NULL;
  g_autoptr(GhSsoSessionConfig) missing = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (modern);
  g_assert_cmpstr (modern->start_url, ==, "https://modern.awsapps.com/start");

  legacy = gh_aws_config_find_session (path, "old-admin", &error);
  g_assert_no_error (error);
  g_assert_true (legacy->legacy);

  missing = gh_aws_config_find_session (path, "static", &error);
  g_assert_null (missing);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
}

/* ---- headers and validation -------------------------------------------------------------- */

static const struct
{
  const char *name;
  const char *header;
} header_cases[] = {
  { "my-sso", "sso-session my-sso" },
  { "a.b_c@d%e+f=g:h,i/j", "sso-session a.b_c@d%e+f=g:h,i/j" },
  { "my sso", "sso-session 'my sso'" },
  { "[brackets]", "sso-session '[brackets]'" },
  { "a]b", "sso-session 'a]b'" },
  { "it's", "sso-session 'it'\"'\"'s'" },
  { "say \"hi\"", "sso-session 'say \"hi\"'" },
  { "tab\there", "sso-session 'tab\there'" },
  { "équipe", "sso-session 'équipe'" },
  { "$HOME", "sso-session '$HOME'" },
  { "back\\slash", "sso-session 'back\\slash'" },
  { "# not a comment", "sso-session '# not a comment'" },
};

static void
test_header_quote (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      g_autofree char *header = gh_aws_config_session_header (header_cases[i].name);
      g_autofree char *kind = NULL;
      g_autofree char *name = NULL;

      g_assert_cmpstr (header, ==, header_cases[i].header);
      g_assert_true (gh_aws_config_parse_header (header, &kind, &name));
      g_assert_cmpstr (kind, ==, "sso-session");
      g_assert_cmpstr (name, ==, header_cases[i].name);
    }
}

static void
test_header_parse (void)
{
  static const struct { const char *header; const char *kind; const char *name; } cases[] = {
    { "sso-session my-sso", "sso-session", "my-sso" },
    { "sso-session   'my sso'  ", "sso-session", "my sso" },
    { "sso-session \"my sso\"", "sso-session", "my sso" },
    { "sso-session \"a \\\"q\\\" \\\\ \\n\"", "sso-session", "a \"q\" \\ \\n" },
    { "sso-session a\\ b", "sso-session", "a b" },
    { "sso-session x'y z'\"w\"", "sso-session", "xy zw" },
    { "profile ''", "profile", "" },
    { "profile\tdev", "profile", "dev" },
    { "sso-session", NULL, NULL },
    { "sso-session a b", NULL, NULL },
    { "sso-session 'unclosed", NULL, NULL },
    { "sso-session \"unclosed", NULL, NULL },
    { "sso-session trailing\\", NULL, NULL },
    { "", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *name = NULL;
      gboolean ok = gh_aws_config_parse_header (cases[i].header, &kind, &name);

      g_test_message ("%s", cases[i].header);
      g_assert_cmpint (ok, ==, cases[i].kind != NULL);
      g_assert_cmpstr (kind, ==, cases[i].kind);
      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

static void
test_validate_name (void)
{
  static const struct { const char *name; gboolean valid; } cases[] = {
    { "my-sso", TRUE },
    { "my sso [work] 'x' \"y\"", TRUE },
    { "équipe ☁", TRUE },
    { "", FALSE },
    { "two\nlines", FALSE },
    { "carriage\rreturn", FALSE },
    { "bad \xff utf-8", FALSE },
  };
  g_autofree char *long_ok = g_strnfill (128, 'x');
  g_autofree char *too_long = g_strnfill (129, 'x');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) case_error = NULL;

      g_assert_cmpint (gh_validate_session_name (cases[i].name, &case_error), ==, cases[i].valid);
      if (!cases[i].valid)
        g_assert_error (case_error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      else
        g_assert_no_error (case_error);
    }

  g_assert_true (gh_validate_session_name (long_ok, NULL));
  g_assert_false (gh_validate_session_name (too_long, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
}

static void
test_validate_start_url (void)
{
  static const struct { const char *url; gboolean valid; } cases[] = {
    { "https://my-sso-portal.awsapps.com/start", TRUE },
    { "https://my-sso-portal.awsapps.com/start/#/", TRUE },
    { "HTTPS://d-1234567890.awsapps.com/start", TRUE },
    { "https://start.us-gov-home.awsapps.com/directory/x", TRUE },
    { "http://127.0.0.1:8080/start", TRUE },
    { "http://localhost/start", TRUE },
    { "http://[::1]:9000/start", TRUE },
    { "http://my-sso-portal.awsapps.com/start", FALSE },
    { "http://127.0.0.2/start", FALSE },
    { "http://localhost.example.com/start", FALSE },
    { "ftp://my-sso-portal.awsapps.com/start", FALSE },
    { "my-sso-portal.awsapps.com/start", FALSE },
    { "/start", FALSE },
    { "https://", FALSE },
    { "https:///start", FALSE },
    { "", FALSE },
    { "https://a.awsapps.com/start\n", FALSE },
    { "https://a.awsapps.com/st art", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].url);
      g_assert_cmpint (gh_validate_start_url (cases[i].url, &error), ==, cases[i].valid);
      if (!cases[i].valid)
        g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
    }
}

/* ---- adding ------------------------------------------------------------------------------ */

static void
test_add_new_file (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), "deep", "er", "config", NULL);
  g_autoptr(GhSsoSessionConfig) config = config_new ("my-sso", START_URL, "us-east-1");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  config->scopes = g_strsplit ("sso:account:access", ",", -1);
  g_assert_true (gh_aws_config_add_session (path, config, &error));
  g_assert_no_error (error);

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==,
                   "[sso-session my-sso]\n"
                   "sso_start_url = " START_URL "\n"
                   "sso_region = us-east-1\n"
                   "sso_registration_scopes = sso:account:access\n");
  assert_mode_0600 (path);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_add_append (void)
{
  g_autofree char *original = NULL;
  g_autofree char *path = config_from_corpus ("no-final-newline.ini", &original);
  g_autoptr(GhSsoSessionConfig) config = config_new ("second", START_URL, "eu-west-1");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;

  config->scopes = g_strsplit (" sso:account:access , codewhisperer:completions", ",", -1);
  config->session_duration = 90 * 60;
  config->cache_refresh_token = TRUE;

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (gh_aws_config_add_session (path, config, &error));
  g_assert_no_error (error);

  expected = g_strconcat (original, "\n\n"
                          "[sso-session second]\n"
                          "sso_start_url = " START_URL "\n"
                          "sso_region = eu-west-1\n"
                          "sso_registration_scopes = sso:account:access,codewhisperer:completions\n"
                          "gatehouse_session_duration = 90m\n"
                          "gatehouse_cache_refresh_token = true\n",
                          NULL);
  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, expected);
  assert_mode_0600 (path);
}

static void
test_add_gatehouse_keys (void)
{
  static const struct { gint64 duration; gboolean cache; const char *extra; } cases[] = {
    { GH_DEFAULT_SESSION_DURATION, FALSE, "" },
    { 0, FALSE, "" },
    { 12 * 3600, FALSE, "gatehouse_session_duration = 12h\n" },
    { 45 * 60, TRUE, "gatehouse_session_duration = 45m\ngatehouse_cache_refresh_token = true\n" },
    { 3601, FALSE, "gatehouse_session_duration = 3601\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = home_config_path ();
      g_autoptr(GhSsoSessionConfig) config = config_new ("s", START_URL, "us-east-1");
      g_autoptr(GhSsoSessionConfig) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *expected = NULL;

      g_unlink (path);
      config->session_duration = cases[i].duration;
      config->cache_refresh_token = cases[i].cache;
      g_assert_true (gh_aws_config_add_session (path, config, &error));
      g_assert_no_error (error);

      expected = g_strconcat ("[sso-session s]\nsso_start_url = " START_URL "\n"
                              "sso_region = us-east-1\n", cases[i].extra, NULL);
      contents = gh_test_read_file (path, NULL);
      g_assert_cmpstr (contents, ==, expected);

      back = gh_aws_config_find_session (path, "s", &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->session_duration, ==,
                       cases[i].duration > 0 ? cases[i].duration : GH_DEFAULT_SESSION_DURATION);
      g_assert_cmpint (back->cache_refresh_token, ==, cases[i].cache);
    }
}

/* Sections other tools wrote with names a new sign-in may not have are read, found and
 * removed all the same */
static void
test_existing_odd_names (void)
{
  g_autofree char *path = home_config_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (header_cases); i++)
    g_string_append_printf (text, "[%s]\nsso_start_url = " START_URL "\nsso_region = us-east-1\n",
                            header_cases[i].header);
  gh_test_write_file (path, text->str, -1);
  g_string_free (text, TRUE);

  sessions = gh_aws_config_list_sessions (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, G_N_ELEMENTS (header_cases));
  for (guint i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (sessions, i);
      g_autoptr(GhSsoSessionConfig) found = NULL;

      g_assert_cmpstr (config->name, ==, header_cases[i].name);
      g_assert_cmpstr (config->start_url, ==, START_URL);
      found = gh_aws_config_find_session (path, header_cases[i].name, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found->name, ==, header_cases[i].name);
    }

  for (guint i = 0; i < G_N_ELEMENTS (header_cases); i++)
    {
      g_assert_true (gh_aws_config_remove_session (path, header_cases[i].name, NULL, NULL,
                                                   &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&sessions, g_ptr_array_unref);
  sessions = gh_aws_config_list_sessions (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 0);
}

/* A new sign-in gets a name every AWS client reads (the AWS SDK for JavaScript ignores
 * `[sso-session 'my work']`): others are refused with a name to use instead */
static void
test_add_unportable_names (void)
{
  static const struct { const char *name; const char *suggestion; } cases[] = {
    { "my sso", "my-sso" },
    { "my work", "my-work" },
    { "[brackets]", "brackets" },
    { "it's", "it-s" },
    { "équipe", "quipe" },
    { "a.b_c@d%e+f=g:h,i/j", "a.b_c@d%e+f-g:h-i/j" },
    { "☁", "my-sso" },
    { "# not a comment", "not-a-comment" },
  };
  static const char * const portable[] = { "my-sso", "Work_2", "a.b_c@d%e+f:g/h" };
  g_autofree char *path = home_config_path ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhSsoSessionConfig) config = config_new (cases[i].name, START_URL, "us-east-1");
      g_autoptr(GError) error = NULL;
      g_autofree char *suggestion = g_strdup_printf ("Use a name such as “%s”.",
                                                     cases[i].suggestion);

      g_test_message ("%s", cases[i].name);
      g_assert_false (gh_validate_new_session_name (cases[i].name, NULL));
      g_assert_true (gh_validate_session_name (cases[i].name, NULL));
      g_assert_false (gh_aws_config_add_session (path, config, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_suffix (error->message, suggestion));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      /* The suggestion is itself a name that is taken */
      g_assert_true (gh_validate_new_session_name (cases[i].suggestion, NULL));
    }

  for (guint i = 0; i < G_N_ELEMENTS (portable); i++)
    {
      g_autoptr(GhSsoSessionConfig) config = config_new (portable[i], START_URL, "us-east-1");
      g_autoptr(GhSsoSessionConfig) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *header = gh_aws_config_session_header (portable[i]);

      g_assert_true (gh_aws_config_add_session (path, config, &error));
      g_assert_no_error (error);
      /* Written without quotes, as the JavaScript SDK needs it */
      g_assert_cmpstr (header + strlen ("sso-session "), ==, portable[i]);
      back = gh_aws_config_find_session (path, portable[i], &error);
      g_assert_no_error (error);
    }
}

static void
test_add_duplicate (void)
{
  /* However the name is quoted, it is the same sign-in */
  const char *original = "[sso-session \"my-sso\"]\nsso_start_url = " START_URL "\n"
                         "sso_region = us-east-1\n"
                         "[sso-session 'work']\nsso_start_url = " START_URL "\n";
  g_autofree char *path = home_config_path ();
  const char * const names[] = { "my-sso", "work" };

  gh_test_write_file (path, original, -1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GhSsoSessionConfig) config = config_new (names[i], START_URL, "us-east-1");
      g_autoptr(GError) error = NULL;
      g_autofree char *message = g_strdup_printf ("A sign-in named “%s” already exists in %s",
                                                  names[i], path);
      g_autofree char *contents = NULL;

      g_assert_false (gh_aws_config_add_session (path, config, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_cmpstr (error->message, ==, message);

      contents = gh_test_read_file (path, NULL);
      g_assert_cmpstr (contents, ==, original);
    }
}

static void
test_add_invalid (void)
{
  static const struct { const char *name; const char *url; const char *region; } cases[] = {
    { "two\nlines", START_URL, "us-east-1" },
    { "cr\r", START_URL, "us-east-1" },
    { "", START_URL, "us-east-1" },
    { "ok", "http://example.awsapps.com/start", "us-east-1" },
    { "ok", "not a url", "us-east-1" },
    { "ok", START_URL, "mars-north-1a" },
    { "ok", START_URL, "" },
    { "ok", START_URL, "us-east-1\nx = y" },
  };
  g_autofree char *path = home_config_path ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhSsoSessionConfig) config = config_new (cases[i].name, cases[i].url,
                                                         cases[i].region);
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_false (gh_aws_config_add_session (path, config, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }

  /* Scopes */
  {
    const char * const bad_scopes[][3] = {
      { "", NULL, NULL },
      { "a", "  ", NULL },
      { "a,b", NULL, NULL },
      { "a\nb", NULL, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad_scopes); i++)
      {
        g_autoptr(GhSsoSessionConfig) config = config_new ("ok", START_URL, "us-east-1");
        g_autoptr(GError) error = NULL;

        config->scopes = g_strdupv ((GStrv) bad_scopes[i]);
        g_assert_false (gh_aws_config_add_session (path, config, &error));
        g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
        g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      }
  }
}

static void
test_add_loopback_http (void)
{
  const char * const urls[] = {
    "http://127.0.0.1:4567/start", "http://localhost:4567/start", "http://[::1]:4567/start",
  };
  g_autofree char *path = home_config_path ();

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *name = g_strdup_printf ("local-%u", i);
      g_autoptr(GhSsoSessionConfig) config = config_new (name, urls[i], "us-east-1");
      g_autoptr(GhSsoSessionConfig) back = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (gh_aws_config_add_session (path, config, &error));
      g_assert_no_error (error);
      back = gh_aws_config_find_session (path, name, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (back->start_url, ==, urls[i]);
    }
}

static void
test_add_invalid_file (void)
{
  static const char bad[] = "[default]\nregion = us-east-1\n# caf\xe9 in Latin-1\n";
  g_autofree char *path = home_config_path ();
  g_autoptr(GhSsoSessionConfig) config = config_new ("x", START_URL, "us-east-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) remove_error = NULL;
  g_autofree char *contents = NULL;

  gh_test_write_file (path, bad, -1);
  g_assert_false (gh_aws_config_add_session (path, config, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "line 3"));

  g_assert_false (gh_aws_config_remove_session (path, "x", NULL, NULL, &remove_error));
  g_assert_error (remove_error, GH_ERROR, GH_ERROR_CONFIG);

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, bad);
}

/* ---- removing ---------------------------------------------------------------------------- */

static void
test_remove_keeps_rest (void)
{
  static const struct { const char *file; const char *name; const char *removed; } cases[] = {
    { "aws-configure-sso.ini", "my-sso",
      "[sso-session my-sso]\n"
      "sso_start_url = https://my-sso-portal.awsapps.com/start\n"
      "sso_region = us-east-1\n"
      "sso_registration_scopes = sso:account:access\n" },
    { "quoted-sessions.ini", "other one",
      "[sso-session \"other one\"]\n"
      "sso_start_url = https://other.awsapps.com/start\n"
      "sso_region = eu-west-1\n"
      "gatehouse_session_duration = 90m\n"
      "gatehouse_cache_refresh_token = true\n"
      "\n" },
    { "unicode.ini", "équipe",
      "[sso-session équipe]\n"
      "sso_start_url = https://équipe.awsapps.com/start\n"
      "sso_region = eu-west-3\n"
      "\n" },
    { "crlf.ini", "win",
      "\r\n"
      "[sso-session win]\r\n"
      "sso_start_url = https://win.awsapps.com/start\r\n"
      "sso_region = us-east-2\r\n"
      "sso_registration_scopes = sso:account:access\r\n" },
    { "legacy-profiles.ini", "modern",
      "\n"
      "[sso-session modern]\n"
      "sso_start_url = https://modern.awsapps.com/start\n"
      "sso_region = us-west-2\n"
      "gatehouse_session_duration = 43200\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *original = NULL;
      g_autofree char *path = config_from_corpus (cases[i].file, &original);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *expected = NULL;
      const char *at = strstr (original, cases[i].removed);

      g_test_message ("%s", cases[i].file);
      g_assert_nonnull (at);
      expected = g_strdup_printf ("%.*s%s", (int) (at - original), original,
                                  at + strlen (cases[i].removed));

      g_assert_true (gh_aws_config_remove_session (path, cases[i].name, NULL, NULL, &error));
      g_assert_no_error (error);
      contents = gh_test_read_file (path, NULL);
      g_assert_cmpstr (contents, ==, expected);
      assert_mode_0600 (path);
    }
}

static void
test_remove_unknown (void)
{
  g_autofree char *original = NULL;
  g_autofree char *path = config_from_corpus ("legacy-profiles.ini", &original);
  g_autofree char *missing = g_build_filename (g_get_home_dir (), "missing", "config", NULL);
  /* Legacy profiles are not sso-sessions: they are not removed */
  const char * const names[] = { "nothing", "old-admin", "default" };
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) case_error = NULL;

      g_assert_false (gh_aws_config_remove_session (path, names[i], NULL, NULL, &case_error));
      g_assert_error (case_error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
    }

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, original);

  g_assert_false (gh_aws_config_remove_session (missing, "x", NULL, NULL, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_add_remove_roundtrip (void)
{
  g_autofree char *original = NULL;
  g_autofree char *path = config_from_corpus ("comments-and-blanks.ini", &original);
  g_autoptr(GhSsoSessionConfig) config = config_new ("temp-one", START_URL, "us-east-1");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (gh_aws_config_add_session (path, config, &error));
  g_assert_no_error (error);
  g_assert_true (gh_aws_config_remove_session (path, "temp-one", NULL, NULL, &error));
  g_assert_no_error (error);

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, original);
}

/* ---- files ------------------------------------------------------------------------------- */

static void
test_symlink (void)
{
  g_autofree char *target = g_build_filename (g_get_home_dir (), "dotfiles", "aws-config", NULL);
  g_autofree char *link = home_config_path ();
  g_autofree char *link_dir = g_path_get_dirname (link);
  g_autoptr(GhSsoSessionConfig) config = config_new ("linked", START_URL, "us-east-1");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *link_target = NULL;

  gh_test_write_file (target, "[default]\nregion = us-east-1\n", -1);
  g_assert_cmpint (g_mkdir_with_parents (link_dir, 0700), ==, 0);
  g_assert_cmpint (symlink ("../dotfiles/aws-config", link), ==, 0);

  g_assert_true (gh_aws_config_add_session (link, config, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  link_target = g_file_read_link (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (link_target, ==, "../dotfiles/aws-config");

  contents = gh_test_read_file (target, NULL);
  g_assert_cmpstr (contents, ==,
                   "[default]\nregion = us-east-1\n\n"
                   "[sso-session linked]\nsso_start_url = " START_URL "\n"
                   "sso_region = us-east-1\n");
  assert_mode_0600 (target);

  g_assert_true (gh_aws_config_remove_session (link, "linked", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_clear_pointer (&contents, g_free);
  contents = gh_test_read_file (target, NULL);
  g_assert_cmpstr (contents, ==, "[default]\nregion = us-east-1\n");
}

static void
test_default_path (void)
{
  const char *home = g_get_home_dir ();
  g_autofree char *plain = g_build_filename (home, ".aws", "config", NULL);
  g_autofree char *tilde = g_build_filename (home, "my", "config", NULL);
  g_autofree char *path = NULL;

  g_unsetenv ("AWS_CONFIG_FILE");
  path = gh_aws_config_default_path ();
  g_assert_cmpstr (path, ==, plain);
  g_clear_pointer (&path, g_free);

  g_setenv ("AWS_CONFIG_FILE", "", TRUE);
  path = gh_aws_config_default_path ();
  g_assert_cmpstr (path, ==, plain);
  g_clear_pointer (&path, g_free);

  g_setenv ("AWS_CONFIG_FILE", "~/my/config", TRUE);
  path = gh_aws_config_default_path ();
  g_assert_cmpstr (path, ==, tilde);
  g_clear_pointer (&path, g_free);

  g_setenv ("GH_TEST_DIR", "/srv/aws", TRUE);
  g_setenv ("AWS_CONFIG_FILE", "$GH_TEST_DIR/config-${GH_TEST_DIR}-$GH_TEST_UNSET_VAR-$", TRUE);
  path = gh_aws_config_default_path ();
  g_assert_cmpstr (path, ==, "/srv/aws/config-/srv/aws-$GH_TEST_UNSET_VAR-$");
  g_clear_pointer (&path, g_free);

  /* Variables first, then ~ (as botocore does) */
  g_setenv ("GH_TEST_DIR", "~/from-var", TRUE);
  g_setenv ("AWS_CONFIG_FILE", "$GH_TEST_DIR/config", TRUE);
  path = gh_aws_config_default_path ();
  g_assert_true (g_str_has_prefix (path, home));
  g_assert_true (g_str_has_suffix (path, "/from-var/config"));
  g_clear_pointer (&path, g_free);

  g_setenv ("AWS_CONFIG_FILE", "/etc/aws/config", TRUE);
  path = gh_aws_config_default_path ();
  g_assert_cmpstr (path, ==, "/etc/aws/config");

  g_unsetenv ("AWS_CONFIG_FILE");
  g_unsetenv ("GH_TEST_DIR");
}

static void
test_env_config_file (void)
{
  g_autofree char *custom = g_build_filename (g_get_home_dir (), "custom", "aws.ini", NULL);
  g_autofree char *plain = home_config_path ();
  g_autoptr(GhSsoSessionConfig) config = config_new ("env", START_URL, "us-east-1");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) sessions = NULL;

  g_setenv ("AWS_CONFIG_FILE", "~/custom/aws.ini", TRUE);
  path = gh_aws_config_default_path ();
  g_assert_cmpstr (path, ==, custom);

  g_assert_true (gh_aws_config_add_session (path, config, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (custom, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (plain, G_FILE_TEST_EXISTS));

  sessions = gh_aws_config_list_sessions (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_listed (sessions, "env", FALSE));

  g_unsetenv ("AWS_CONFIG_FILE");
}


/* ---- removing a sign-in with its profiles ------------------------------------------------- */

#define MARKER(s) "# Managed by Gatehouse (sign-in \"" s "\"): changes here are overwritten " \
                  "by gatehouse sync"

/* botocore refuses a profile whose sso_session names no section: Gatehouse's profiles go with
 * the sign-in, a person's stay and are named when they no longer work */
static void
test_remove_with_profiles (void)
{
  g_autofree char *path = home_config_path ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) removed = NULL;
  g_auto(GStrv) broken = NULL;
  g_autofree char *contents = NULL;
  const char * const expected_removed[] = { "Admin-1", "default", "Dev-2", NULL };
  const char * const expected_broken[] = { "mine", "chain", NULL };

  gh_test_write_file (path,
                      "[sso-session work]\nsso_start_url = " START_URL "\nsso_region = us-east-1\n"
                      "\n" MARKER ("work") "\n[profile Admin-1]\nsso_session = work\n"
                      "\n" MARKER ("other") "\n[profile Other-1]\nsso_session = other\n"
                      "\n[profile mine]\nsso_session = work\nsso_role_name = R\n"
                      "\n" MARKER ("work") "\n[default]\nsso_session = work\n"
                      "\n[profile chain]\nsource_profile = Dev-2\n"
                      "\n" MARKER ("work") "\n[profile 'Dev-2']\nsso_session = work\n"
                      "\n[profile unrelated]\nsource_profile = Other-1\n", -1);

  g_assert_true (gh_aws_config_remove_session (path, "work", &removed, &broken, &error));
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) removed, expected_removed));
  g_assert_true (g_strv_equal ((const char * const *) broken, expected_broken));

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==,
                   MARKER ("other") "\n[profile Other-1]\nsso_session = other\n"
                   "\n[profile mine]\nsso_session = work\nsso_role_name = R\n"
                   "\n[profile chain]\nsource_profile = Dev-2\n"
                   "\n[profile unrelated]\nsource_profile = Other-1\n");
  g_clear_pointer (&removed, g_strfreev);
  g_clear_pointer (&broken, g_strfreev);

  /* Nothing of the sign-in's left: not found */
  g_assert_false (gh_aws_config_remove_session (path, "work", &removed, &broken, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_null (removed);
  g_clear_error (&error);

  /* A sign-in whose section is gone already still has its profiles removed */
  g_assert_true (gh_aws_config_remove_session (path, "other", &removed, &broken, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (removed[0], ==, "Other-1");
  g_assert_null (removed[1]);
  g_assert_cmpstr (broken[0], ==, "unrelated");
  g_assert_null (broken[1]);
}

static void
test_find_session_section (void)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  static const struct { const char *name; const char *section; } cases[] = {
    { "work", "sso-session 'work'" },
    { "old", "profile old" },
    { "both", "sso-session both" },
    { "uses", NULL },
    { "nothing", NULL },
    { "default", "default" },
  };

  gh_ini_load_from_data (ini,
                         "[sso-session work]\n[sso-session 'work']\n"
                         "[profile old]\nsso_start_url = x\n"
                         "[profile both]\nsso_start_url = x\n[sso-session both]\n"
                         "[profile uses]\nsso_start_url = x\nsso_session = work\n"
                         "[default]\nsso_start_url = x\n", -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *section = gh_aws_config_find_session_section (ini, cases[i].name);

      g_assert_cmpstr (section, ==, cases[i].section);
    }
}

/* ---- values ------------------------------------------------------------------------------- */

/* A user name or password in the start URL would be written into the file for every tool to
 * read; the message never repeats the URL */
static void
test_start_url_credentials (void)
{
  const char * const urls[] = {
    "https://user:s3cret@my.awsapps.com/start",
    "https://user@my.awsapps.com/start",
    "https://:s3cret@my.awsapps.com/start",
    "https://@my.awsapps.com/start",
    "http://user:s3cret@127.0.0.1:8080/start",
  };
  g_autofree char *path = home_config_path ();

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GhSsoSessionConfig) config = config_new ("ok", urls[i], "us-east-1");
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", urls[i]);
      g_assert_false (gh_validate_start_url (urls[i], NULL));
      g_assert_false (gh_aws_config_add_session (path, config, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "user name or password"));
      g_assert_null (strstr (error->message, "s3cret"));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
}

static void
test_durations (void)
{
  static const struct { const char *text; gint64 seconds; } parsed[] = {
    { "28800", 28800 }, { "8h", 8 * 3600 }, { "90m", 90 * 60 }, { "2d", 2 * 86400 },
    { " 90D ", 90 * 86400 }, { "30s", 30 }, { "abc", 0 }, { "-5", 0 }, { "0", 0 }, { "", 0 },
    { "99999999999999999999h", 0 },
  };
  static const struct { gint64 seconds; gboolean ok; } ranges[] = {
    { 0, TRUE },                        /* the default */
    { 15 * 60, TRUE }, { 90 * 86400, TRUE }, { 8 * 3600, TRUE },
    { 15 * 60 - 1, FALSE }, { 90 * 86400 + 1, FALSE }, { -1, FALSE },
    { G_GINT64_CONSTANT (99999999999999) * 3600, FALSE },
  };
  g_autofree char *path = home_config_path ();

  for (guint i = 0; i < G_N_ELEMENTS (parsed); i++)
    g_assert_cmpint (gh_parse_duration (parsed[i].text), ==, parsed[i].seconds);

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autofree char *name = g_strdup_printf ("d%u", i);
      g_autoptr(GhSsoSessionConfig) config = config_new (name, START_URL, "us-east-1");
      g_autoptr(GError) error = NULL;

      config->session_duration = ranges[i].seconds;
      g_assert_cmpint (gh_aws_config_add_session (path, config, &error), ==, ranges[i].ok);
      if (ranges[i].ok)
        continue;
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "between 15 minutes (15m) and 90 days (90d)"));
    }

  /* One written by hand longer than any Identity Center's counts as the default; a shorter
   * one (a simulator's) is honoured */
  {
    g_autoptr(GhSsoSessionConfig) back = NULL;
    g_autoptr(GhSsoSessionConfig) short_one = NULL;
    g_autoptr(GError) error = NULL;

    gh_test_write_file (path, "[sso-session x]\nsso_start_url = " START_URL "\n"
                        "gatehouse_session_duration = 1000d\n"
                        "[sso-session y]\nsso_start_url = " START_URL "\n"
                        "gatehouse_session_duration = 30s\n", -1);
    back = gh_aws_config_find_session (path, "x", &error);
    g_assert_no_error (error);
    g_assert_cmpint (back->session_duration, ==, GH_DEFAULT_SESSION_DURATION);
    short_one = gh_aws_config_find_session (path, "y", &error);
    g_assert_no_error (error);
    g_assert_cmpint (short_one->session_duration, ==, 30);
  }
}

static void
test_long_term_profiles (void)
{
  g_autofree char *path = home_config_path ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) profiles = NULL;
  g_auto(GStrv) none = NULL;
  g_autofree char *missing = g_build_filename (g_get_home_dir (), "nope", "config", NULL);
  const char * const expected[] = { "default", "old keys", NULL };

  gh_test_write_file (path,
                      "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                      "[profile temp]\naws_access_key_id = ASIAXXXXXXXXXXXXXXXX\n"
                      "[profile 'old keys']\naws_access_key_id = AKIAOTHER\n"
                      "[sso-session s]\naws_access_key_id = AKIANOTAPROFILE\n", -1);
  profiles = gh_aws_config_long_term_profiles (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) profiles, expected));

  none = gh_aws_config_long_term_profiles (missing, &error);
  g_assert_no_error (error);
  g_assert_null (none[0]);
}

/* ---- files that are not to be written ----------------------------------------------------- */

static void
test_read_only_file (void)
{
  g_autofree char *original = NULL;
  g_autofree char *path = config_from_corpus ("aws-configure-sso.ini", &original);
  g_autoptr(GhSsoSessionConfig) config = config_new ("new", START_URL, "us-east-1");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) remove_error = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;

  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_false (gh_aws_config_add_session (path, config, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "mode 0444"));

  g_assert_false (gh_aws_config_remove_session (path, "my-sso", NULL, NULL, &remove_error));
  g_assert_error (remove_error, GH_ERROR, GH_ERROR_CONFIG);

  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, original);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0444);
}

/* In a subprocess, so a read that hangs fails the test instead of stopping it */
static void
test_fifo (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = home_config_path ();
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GhSsoSessionConfig) config = config_new ("new", START_URL, "us-east-1");
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sessions = NULL;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);

      sessions = gh_aws_config_list_sessions (path, &error);
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "not a regular file"));
      g_assert_null (sessions);
      g_clear_error (&error);

      g_assert_false (gh_aws_config_add_session (path, config, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The window's "Add sign-in…" suggests a name from the URL that `session add` takes. */
static void
test_suggest_name (void)
{
  static const struct { const char *url; const char *name; } cases[] = {
    { "https://my-company.awsapps.com/start", "my-company" },
    { "https://d-1234567890.awsapps.com/start/", "d-1234567890" },
    { "https://ssoins-7223abc.portal.eu-west-1.app.aws/", "ssoins-7223abc" },
    { "https://Big_Corp.awsapps.com/start", "big_corp" },
    { "https://identitycenter.amazonaws.com/ssoins-1234", "my-sso" },
    { "http://127.0.0.1:8080/start", "my-sso" },
    { "https://[2001:db8::1]/start", "my-sso" },
    { "not a url", "my-sso" },
    { NULL, "my-sso" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = gh_start_url_suggest_session_name (cases[i].url);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_true (gh_validate_new_session_name (name, &error));
      g_assert_no_error (error);
    }
}

static void
test_validate_region (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_validate_region ("eu-central-1", &error));
  g_assert_no_error (error);
  g_assert_false (gh_validate_region ("", &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (gh_validate_region ("Frankfurt", &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
}

/* Off the main loop, with the same checks and the same section as the blocking call. */
static void
test_add_async (void)
{
  g_autofree char *path = home_config_path ();
  g_autofree char *contents = NULL;
  GAsyncResult *result = NULL;
  GAsyncResult *done = NULL;
  g_autoptr(GError) error = NULL;
  GhSsoSessionConfig config = { .name = "async", .start_url = START_URL,
                                .region = "eu-west-1" };

  gh_aws_config_add_session_async (path, &config, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_true (gh_aws_config_add_session_finish (done, &error));
  g_assert_no_error (error);
  g_clear_object (&done);
  contents = gh_test_read_file (path, NULL);
  g_assert_cmpstr (contents, ==, "[sso-session async]\nsso_start_url = " START_URL "\n"
                                 "sso_region = eu-west-1\n");

  gh_aws_config_add_session_async (path, &config, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_false (gh_aws_config_add_session_finish (done, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_object (&done);
}

/* The option `session add --cache-refresh-token` sets, changed later in place: the rest of the
 * file as it was, off means no key. */
static void
test_cache_refresh_token (void)
{
  g_autofree char *path = home_config_path ();
  g_autofree char *on = NULL;
  g_autofree char *off = NULL;
  g_autoptr(GhSsoSessionConfig) config = NULL;
  GAsyncResult *result = NULL;
  GAsyncResult *done = NULL;
  g_autoptr(GError) error = NULL;
  const char *original = "# mine\n[sso-session work]\nsso_start_url = " START_URL "\n"
                         "sso_region = us-east-1\n\n[profile x]\nregion = us-west-2\n";

  gh_test_write_file (path, original, -1);
  gh_aws_config_set_cache_refresh_token_async (path, "work", TRUE, NULL, gh_test_keep_result,
                                               &result);
  done = gh_test_wait_result (&result);
  g_assert_true (gh_aws_config_set_cache_refresh_token_finish (done,
                                                               &error));
  g_assert_no_error (error);
  g_clear_object (&done);
  on = gh_test_read_file (path, NULL);
  g_assert_cmpstr (on, ==, "# mine\n[sso-session work]\nsso_start_url = " START_URL "\n"
                           "sso_region = us-east-1\ngatehouse_cache_refresh_token = true\n\n"
                           "[profile x]\nregion = us-west-2\n");
  config = gh_aws_config_find_session (path, "work", &error);
  g_assert_no_error (error);
  g_assert_true (config->cache_refresh_token);

  g_assert_true (gh_aws_config_set_cache_refresh_token (path, "work", FALSE, NULL, &error));
  g_assert_no_error (error);
  off = gh_test_read_file (path, NULL);
  g_assert_cmpstr (off, ==, original);

  g_assert_false (gh_aws_config_set_cache_refresh_token (path, "other", TRUE, NULL, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
}

/* gh_aws_config_load_for_profile() reads the sign-ins and every profile exactly as the whole
 * document does: the corpus, and a file with what a partial read could get wrong */
static void
assert_same_session_configs (GPtrArray *a,
                             GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      GhSsoSessionConfig *x = g_ptr_array_index (a, i);
      GhSsoSessionConfig *y = g_ptr_array_index (b, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->start_url, ==, y->start_url);
      g_assert_cmpstr (x->region, ==, y->region);
      g_assert_true ((x->scopes == NULL) == (y->scopes == NULL));
      if (x->scopes != NULL)
        g_assert_cmpstrv (x->scopes, y->scopes);
      g_assert_cmpint (x->legacy, ==, y->legacy);
      g_assert_cmpint (x->session_duration, ==, y->session_duration);
      g_assert_cmpint (x->cache_refresh_token, ==, y->cache_refresh_token);
    }
}

static void
assert_same_profile (GhIni      *whole,
                     const char *path,
                     const char *name)
{
  g_autoptr(GhIni) partial = NULL;
  g_autoptr(GhProfileConfig) a = NULL;
  g_autoptr(GhProfileConfig) b = NULL;
  g_autoptr(GError) error_a = NULL;
  g_autoptr(GError) error_b = NULL;
  g_autoptr(GPtrArray) sessions_a = gh_aws_config_list_sessions_in (whole);
  g_autoptr(GPtrArray) sessions_b = NULL;
  g_autoptr(GError) error = NULL;

  partial = gh_aws_config_load_for_profile (path, name, &error);
  g_assert_no_error (error);
  g_assert_true (gh_ini_is_partial (partial));
  sessions_b = gh_aws_config_list_sessions_in (partial);
  assert_same_session_configs (sessions_a, sessions_b);

  a = gh_aws_config_find_profile_in (whole, path, name, &error_a);
  b = gh_aws_config_find_profile_in (partial, path, name, &error_b);
  g_assert_true ((a == NULL) == (b == NULL));
  if (a == NULL)
    {
      g_assert_error (error_b, error_a->domain, error_a->code);
      g_assert_cmpstr (error_a->message, ==, error_b->message);
      return;
    }
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->sso_session, ==, b->sso_session);
  g_assert_cmpstr (a->sso_start_url, ==, b->sso_start_url);
  g_assert_cmpstr (a->sso_region, ==, b->sso_region);
  g_assert_cmpstr (a->sso_account_id, ==, b->sso_account_id);
  g_assert_cmpstr (a->sso_role_name, ==, b->sso_role_name);
  g_assert_cmpstr (a->region, ==, b->region);
  g_assert_cmpint (a->managed, ==, b->managed);
}

static void
assert_partial_reads_as_whole (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhIni) whole = gh_aws_config_load (path, &error);
  g_auto(GStrv) sections = NULL;
  const char * const others[] = { "default", "missing", "", "profile", "hidden", NULL };

  g_assert_no_error (error);
  sections = gh_ini_get_sections (whole);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *name = gh_aws_config_profile_name (sections[i]);

      if (name != NULL)
        assert_same_profile (whole, path, name);
    }
  for (guint i = 0; others[i] != NULL; i++)
    assert_same_profile (whole, path, others[i]);
}

static void
test_load_for_profile (void)
{
  static const char *const corpus[] = {
    "aws-configure-sso.ini", "comments-and-blanks.ini", "continuation.ini", "crlf.ini",
    "duplicate-sections.ini", "empty.ini", "indented-headers.ini", "legacy-profiles.ini",
    "mixed-endings.ini", "no-final-newline.ini", "odd-spacing.ini", "preamble.ini",
    "quoted-sessions.ini", "unicode.ini", "values-with-hashes.ini",
  };
  g_autofree char *path = home_config_path ();

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autofree char *copy = config_from_corpus (corpus[i], NULL);

      assert_partial_reads_as_whole (copy);
    }

  /* A legacy sign-in whose start URL is in its second section only, its region in the
   * first; one whose start URL follows other keys; a profile named like a sign-in; markers above managed profiles, one above a
   * profile left out right before a kept one; a header that continues a value; quotes */
  gh_test_write_file (path,
                      "\xEF\xBB\xBF[profile legacy]\n"
                      "sso_region = eu-west-1\n"
                      "sso_account_id = 111111111111\n"
                      "sso_role_name = Admin\n"
                      "[sso-session corp]\r\n"
                      "sso_start_url = " START_URL "\r\n"
                      "sso_region = us-east-1\r\n"
                      "# Managed by Gatehouse (sign-in \"corp\"): changes here are overwritten "
                      "by gatehouse sync\n"
                      "[profile Admin-111111111111]\n"
                      "sso_session = corp\n"
                      "sso_account_id = 111111111111\n"
                      "sso_role_name = Admin\n"
                      "s3 =\n"
                      "  [profile hidden]\n"
                      "  max_concurrent_requests = 2\n"
                      "# Managed by Gatehouse (sign-in \"corp\"): changes here are overwritten "
                      "by gatehouse sync\n"
                      "[profile left-out]\n"
                      "region = eu-north-1\n"
                      "[profile 'with space']\n"
                      "sso_session = corp\n"
                      "sso_account_id = 222222222222\n"
                      "sso_role_name = Dev\n"
                      "[profile corp]\n"
                      "sso_start_url = https://other.awsapps.com/start\n"
                      "sso_region = eu-central-1\n"
                      "sso_account_id = 333333333333\n"
                      "sso_role_name = Ops\n"
                      "[profile legacy]\n"
                      "SSO_Start_URL = https://legacy.awsapps.com/start\n"
                      "[profile later-url]\n"
                      "region = eu-west-2\n"
                      "sso_region = eu-west-2\n"
                      "Sso_Start_Url = https://later.awsapps.com/start\n"
                      "sso_account_id = 555555555555\n"
                      "sso_role_name = Late\n"
                      "[default]\n"
                      "sso_session = corp\n"
                      "[profile default]\n"
                      "sso_account_id = 444444444444\n"
                      "sso_role_name = ReadOnly\n"
                      "   region = us-west-2\n",
                      -1);
  assert_partial_reads_as_whole (path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/aws-config/list/quoted", test_list_quoted);
  g_test_add_func ("/aws-config/list/legacy", test_list_legacy);
  g_test_add_func ("/aws-config/list/various", test_list_various);
  g_test_add_func ("/aws-config/list/missing", test_list_missing);
  g_test_add_func ("/aws-config/list/invalid", test_list_invalid);
  g_test_add_func ("/aws-config/find", test_find);
  g_test_add_func ("/aws-config/header/quote", test_header_quote);
  g_test_add_func ("/aws-config/header/parse", test_header_parse);
  g_test_add_func ("/aws-config/validate/name", test_validate_name);
  g_test_add_func ("/aws-config/validate/start-url", test_validate_start_url);
  g_test_add_func ("/aws-config/add/new-file", test_add_new_file);
  g_test_add_func ("/aws-config/add/append", test_add_append);
  g_test_add_func ("/aws-config/add/gatehouse-keys", test_add_gatehouse_keys);
  g_test_add_func ("/aws-config/add/unportable-names", test_add_unportable_names);
  g_test_add_func ("/aws-config/list/existing-odd-names", test_existing_odd_names);
  g_test_add_func ("/aws-config/add/duplicate", test_add_duplicate);
  g_test_add_func ("/aws-config/add/invalid", test_add_invalid);
  g_test_add_func ("/aws-config/add/loopback-http", test_add_loopback_http);
  g_test_add_func ("/aws-config/add/invalid-file", test_add_invalid_file);
  g_test_add_func ("/aws-config/remove/keeps-rest", test_remove_keeps_rest);
  g_test_add_func ("/aws-config/remove/unknown", test_remove_unknown);
  g_test_add_func ("/aws-config/remove/add-remove", test_add_remove_roundtrip);
  g_test_add_func ("/aws-config/file/symlink", test_symlink);
  g_test_add_func ("/aws-config/file/default-path", test_default_path);
  g_test_add_func ("/aws-config/file/env", test_env_config_file);
  g_test_add_func ("/aws-config/file/read-only", test_read_only_file);
  g_test_add_func ("/aws-config/file/fifo", test_fifo);
  g_test_add_func ("/aws-config/remove/with-profiles", test_remove_with_profiles);
  g_test_add_func ("/aws-config/find-session-section", test_find_session_section);
  g_test_add_func ("/aws-config/validate/start-url-credentials", test_start_url_credentials);
  g_test_add_func ("/aws-config/durations", test_durations);
  g_test_add_func ("/aws-config/long-term-profiles", test_long_term_profiles);
  g_test_add_func ("/aws-config/suggest-name", test_suggest_name);
  g_test_add_func ("/aws-config/validate/region", test_validate_region);
  g_test_add_func ("/aws-config/add/async", test_add_async);
  g_test_add_func ("/aws-config/cache-refresh-token", test_cache_refresh_token);
  g_test_add_func ("/aws-config/load-for-profile", test_load_for_profile);

  return g_test_run ();
}
