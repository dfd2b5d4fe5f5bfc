/* test-ini.c — GhIni: byte-identical round trips and minimal edits */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gh-error.h"
#include "gh-ini.h"

static const char * const corpus[] = {
  "aws-configure-sso.ini",
  "comments-and-blanks.ini",
  "continuation.ini",
  "credentials.ini",
  "crlf.ini",
  "duplicate-sections.ini",
  "empty.ini",
  "indented-headers.ini",
  "legacy-profiles.ini",
  "mixed-endings.ini",
  "no-final-newline.ini",
  "odd-spacing.ini",
  "preamble.ini",
  "quoted-sessions.ini",
  "unicode.ini",
  "values-with-hashes.ini",
};

static char *
load_corpus_file (const char *name,
                  gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "ini", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void assert_same_as_reparsed (GhIni *ini);

static GhIni *
ini_from_string (const char *text)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;

  gh_ini_load_from_data (ini, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&ini);
}

static GhIni *
ini_from_corpus (const char  *name,
                 char       **contents)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  *contents = load_corpus_file (name, &length);
  gh_ini_load_from_data (ini, *contents, length, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&ini);
}

static void
assert_data (GhIni      *ini,
             const char *expected)
{
  gsize length = 0;
  g_autofree char *data = gh_ini_to_data (ini, &length);

  g_assert_cmpstr (data, ==, expected);
  g_assert_cmpuint (length, ==, strlen (expected));
}

/* ---- round trips ------------------------------------------------------------------------- */

static void
test_roundtrip_corpus (gconstpointer data)
{
  const char *name = data;
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  gsize length = 0;
  gsize out_length = 0;

  contents = load_corpus_file (name, &length);
  g_assert_true (gh_ini_load_from_data (ini, contents, length, &error));
  g_assert_no_error (error);

  out = gh_ini_to_data (ini, &out_length);
  g_assert_cmpmem (out, out_length, contents, length);

  /* Reading values does not change anything either */
  {
    g_auto(GStrv) sections = gh_ini_get_sections (ini);
    g_autofree char *again = NULL;
    gsize again_length = 0;

    for (guint i = 0; sections[i] != NULL; i++)
      {
        g_auto(GStrv) keys = gh_ini_get_keys (ini, sections[i]);

        for (guint j = 0; keys[j] != NULL; j++)
          {
            g_autofree char *value = gh_ini_get_value (ini, sections[i], keys[j]);

            g_assert_nonnull (value);
          }
      }

    again = gh_ini_to_data (ini, &again_length);
    g_assert_cmpmem (again, again_length, contents, length);
  }
}

static const char * const inline_roundtrips[] = {
  "",
  "\n",
  "\n\n\n",
  "[a]",
  "[a]\r\n",
  "[a]\rk = v\r",
  "no header at all",
  "# only a comment",
  "[a]\n\tk\t=\tv\t\n",
  "[a]\nk = v\n\n\n\n",
  "[]\n[ ]\n",
  "\xEF\xBB\xBF[default]\nregion = us-east-1\n",
};

static void
test_roundtrip_inline (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (inline_roundtrips); i++)
    {
      g_autoptr(GhIni) ini = ini_from_string (inline_roundtrips[i]);

      assert_data (ini, inline_roundtrips[i]);
    }
}

/* ---- parsing ----------------------------------------------------------------------------- */

typedef struct
{
  const char *file;
  const char *section;
  const char *key;
  const char *expected;  /* NULL: absent */
} ValueCase;

/* Expected values are what Python's configparser.RawConfigParser (strict=False) reads. */
static const ValueCase value_cases[] = {
  { "aws-configure-sso.ini", "sso-session my-sso", "sso_start_url",
    "https://my-sso-portal.awsapps.com/start" },
  { "aws-configure-sso.ini", "profile ReadOnly-123456789012", "sso_session", "my-sso" },
  { "aws-configure-sso.ini", "profile ReadOnly-123456789012", "SSO_SESSION", "my-sso" },
  { "aws-configure-sso.ini", "profile readonly-123456789012", "sso_session", NULL },
  { "comments-and-blanks.ini", "sso-session work", "sso_registration_scopes",
    "sso:account:access" },
  { "comments-and-blanks.ini", "default", "output", "json" },
  { "continuation.ini", "default", "s3",
    "\nmax_concurrent_requests = 10\nmax_queue_size = 1000\n\nmultipart_threshold = 64MB" },
  { "continuation.ini", "default", "output", "json" },
  { "continuation.ini", "profile nested", "api_versions",
    "\nec2 = 2015-03-01\ncloudfront = 2015-09-17" },
  { "continuation.ini", "profile nested", "ec2", NULL },
  { "crlf.ini", "sso-session win", "sso_region", "us-east-2" },
  { "duplicate-sections.ini", "sso-session dup", "sso_start_url",
    "https://second.awsapps.com/start" },
  { "duplicate-sections.ini", "sso-session dup", "sso_region", "us-east-1" },
  { "duplicate-sections.ini", "default", "output", "yaml" },
  { "mixed-endings.ini", "profile mac", "region", "us-west-1" },
  { "no-final-newline.ini", "sso-session dev-sso", "sso_region", "ap-southeast-2" },
  { "odd-spacing.ini", "default", "output", "text" },
  { "odd-spacing.ini", "default", "cli_pager",
    "\ncli_timestamp_format\t=\tiso8601\n[profile spaced]\nsso_session  :  spaced-sso\n"
    "sso_account_id : 111122223333\nsso_role_name=Admin" },
  { "odd-spacing.ini", "sso-session spaced-sso", "sso_region", "eu-central-1" },
  { "odd-spacing.ini", "sso-session spaced-sso", "sso_start_url",
    "https://spaced.awsapps.com/start" },
  { "preamble.ini", "default", "output", "json" },
  { "unicode.ini", "profile café", "description", "Compte de démonstration ✓" },
  { "unicode.ini", "sso-session 'Büro Köln'", "sso_region", "eu-central-1" },
  { "values-with-hashes.ini", "default", "region", "us-east-1 # not a comment" },
  { "values-with-hashes.ini", "default", "output", "json ; neither is this" },
  { "values-with-hashes.ini", "default", "empty", "" },
  { "values-with-hashes.ini", "default", "empty_spaced", "" },
  { "values-with-hashes.ini", "default", "colon_value", "a:b = c" },
  { "values-with-hashes.ini", "sso-session hash", "sso_start_url",
    "https://hash.awsapps.com/start#/" },
  { "values-with-hashes.ini", "missing", "region", NULL },
};

static void
test_parse_values (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (value_cases); i++)
    {
      const ValueCase *c = &value_cases[i];
      g_autofree char *contents = NULL;
      g_autoptr(GhIni) ini = ini_from_corpus (c->file, &contents);
      g_autofree char *value = gh_ini_get_value (ini, c->section, c->key);

      g_test_message ("%s [%s] %s", c->file, c->section, c->key);
      g_assert_cmpstr (value, ==, c->expected);
    }
}

static void
assert_strv (GStrv               actual,
             const char * const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (g_strv_length (actual), ==, g_strv_length ((GStrv) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (actual[i], ==, expected[i]);
}

static void
test_parse_sections (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GhIni) ini = ini_from_corpus ("duplicate-sections.ini", &contents);
  g_auto(GStrv) sections = gh_ini_get_sections (ini);
  g_auto(GStrv) keys = gh_ini_get_keys (ini, "sso-session dup");
  g_auto(GStrv) none = gh_ini_get_keys (ini, "nothing");
  const char * const expected_sections[] = {
    "default", "sso-session dup", "profile other", NULL
  };
  const char * const expected_keys[] = {
    "sso_start_url", "sso_region", "sso_registration_scopes", NULL
  };
  const char * const empty[] = { NULL };

  assert_strv (sections, expected_sections);
  assert_strv (keys, expected_keys);
  assert_strv (none, empty);
  g_assert_true (gh_ini_has_section (ini, "profile other"));
  g_assert_false (gh_ini_has_section (ini, "profile Other"));
}

static void
test_parse_odd_headers (void)
{
  g_autoptr(GhIni) ini = ini_from_string ("  [ spaced ]  \n"
                                          "Key = 1\n"
                                          "[a]b] trailing\n"
                                          "KEY: 2\n"
                                          "[]\n"
                                          "x = y\n");
  g_auto(GStrv) sections = gh_ini_get_sections (ini);
  g_auto(GStrv) keys = gh_ini_get_keys (ini, "a]b");
  g_autofree char *v1 = gh_ini_get_value (ini, "spaced", "key");
  g_autofree char *v2 = gh_ini_get_value (ini, "a]b", "Key");
  g_autofree char *v3 = gh_ini_get_value (ini, "a]b", "x");
  const char * const expected_sections[] = { "spaced", "a]b", NULL };
  const char * const expected_keys[] = { "key", "x", NULL };

  /* "[]" is no header (configparser needs one character), and no key line either */
  assert_strv (sections, expected_sections);
  assert_strv (keys, expected_keys);
  g_assert_cmpstr (v1, ==, "1");
  g_assert_cmpstr (v2, ==, "2");
  g_assert_cmpstr (v3, ==, "y");
}

static void
test_load_invalid (void)
{
  static const struct { const char *data; gssize length; } cases[] = {
    { "[a]\nk = \xff\xfe\n", -1 },
    { "[a]\nk = v\xC3", -1 },
    { "[a]\nk = v\0w\n", 12 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhIni) ini = ini_from_string ("[keep]\n");
      g_autoptr(GError) error = NULL;

      g_assert_false (gh_ini_load_from_data (ini, cases[i].data, cases[i].length, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "line 2"));
      /* A failed load leaves the document as it was */
      assert_data (ini, "[keep]\n");
    }
}

/* ---- editing ----------------------------------------------------------------------------- */

typedef struct
{
  const char *file;
  const char *section;
  const char *key;
  const char *value;
  const char *old_text;   /* replaced once in the original to give the expected output */
  const char *new_text;
} MinimalDiffCase;

static const MinimalDiffCase minimal_diff_cases[] = {
  { "aws-configure-sso.ini", "sso-session my-sso", "sso_region", "eu-west-1",
    "sso_region = us-east-1\n", "sso_region = eu-west-1\n" },
  { "comments-and-blanks.ini", "default", "REGION", "us-east-2",
    "\nregion = eu-west-1\n", "\nregion = us-east-2\n" },
  { "continuation.ini", "default", "output", "yaml",
    "output = json\n", "output = yaml\n" },
  { "continuation.ini", "default", "s3", "",
    "s3 =\n    max_concurrent_requests = 10\n    max_queue_size = 1000\n\n"
    "    multipart_threshold = 64MB\n",
    "s3 =\n" },
  { "credentials.ini", "project-x", "aws_secret_access_key", "NEWSECRET",
    "aws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n",
    "aws_secret_access_key=NEWSECRET\n" },
  { "crlf.ini", "sso-session win", "sso_region", "us-west-2",
    "sso_region = us-east-2\r\n", "sso_region = us-west-2\r\n" },
  { "crlf.ini", "sso-session win", "gatehouse_session_duration", "4h",
    "sso_registration_scopes = sso:account:access\r\n",
    "sso_registration_scopes = sso:account:access\r\ngatehouse_session_duration = 4h\r\n" },
  { "duplicate-sections.ini", "sso-session dup", "sso_start_url",
    "https://third.awsapps.com/start",
    "https://second.awsapps.com/start", "https://third.awsapps.com/start" },
  { "legacy-profiles.ini", "profile static", "output", "json",
    "--profile static\n", "--profile static\noutput = json\n" },
  { "mixed-endings.ini", "profile mac", "region", "eu-north-1",
    "region = us-west-1\r", "region = eu-north-1\r" },
  { "mixed-endings.ini", "profile mac", "output", "json",
    "region = us-west-1\r", "region = us-west-1\routput = json\r" },
  { "no-final-newline.ini", "sso-session dev-sso", "sso_region", "ap-southeast-4",
    "sso_region = ap-southeast-2", "sso_region = ap-southeast-4" },
  { "no-final-newline.ini", "sso-session dev-sso", "sso_registration_scopes",
    "sso:account:access",
    "sso_region = ap-southeast-2", "sso_region = ap-southeast-2\n"
    "sso_registration_scopes = sso:account:access\n" },
  { "no-final-newline.ini", "profile dev", "region", "us-east-1",
    "sso_role_name = Developer\n", "sso_role_name = Developer\nregion = us-east-1\n" },
  { "odd-spacing.ini", "default", "output", "json",
    "output   =   text   \n", "output   =   json   \n" },
  { "odd-spacing.ini", "sso-session spaced-sso", "sso_region", "eu-west-2",
    "SSO_Region =eu-central-1\n", "SSO_Region =eu-west-2\n" },
  { "odd-spacing.ini", "sso-session spaced-sso", "sso_start_url", "https://x.awsapps.com/start",
    "sso_start_url\t= https://spaced.awsapps.com/start\n",
    "sso_start_url\t= https://x.awsapps.com/start\n" },
  { "quoted-sessions.ini", "sso-session \"other one\"", "gatehouse_cache_refresh_token", "false",
    "gatehouse_cache_refresh_token = true\n", "gatehouse_cache_refresh_token = false\n" },
  { "unicode.ini", "profile café", "description", "Überprüft ✔",
    "description = Compte de démonstration ✓\n", "description = Überprüft ✔\n" },
  { "values-with-hashes.ini", "default", "empty", "filled",
    "empty =\n", "empty = filled\n" },
  { "values-with-hashes.ini", "default", "empty_spaced", "filled",
    "empty_spaced = \n", "empty_spaced = filled \n" },
  { "values-with-hashes.ini", "default", "region", "us-east-1",
    "region = us-east-1 # not a comment\n", "region = us-east-1\n" },
  { "values-with-hashes.ini", "default", "new_key", "a # b",
    "colon_value = a:b = c\n", "colon_value = a:b = c\nnew_key = a # b\n" },
};

static char *
replace_once (const char *text,
              const char *old_text,
              const char *new_text)
{
  const char *at = strstr (text, old_text);

  g_test_message ("replacing “%s”", old_text);
  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, old_text));
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new_text, at + strlen (old_text));
}

static void
test_edit_minimal_diff (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (minimal_diff_cases); i++)
    {
      const MinimalDiffCase *c = &minimal_diff_cases[i];
      g_autofree char *contents = NULL;
      g_autoptr(GhIni) ini = ini_from_corpus (c->file, &contents);
      g_autofree char *expected = replace_once (contents, c->old_text, c->new_text);
      g_autofree char *value = NULL;

      g_test_message ("%s [%s] %s = %s", c->file, c->section, c->key, c->value);
      gh_ini_set_value (ini, c->section, c->key, c->value);
      assert_data (ini, expected);

      value = gh_ini_get_value (ini, c->section, c->key);
      g_assert_cmpstr (value, ==, c->value);
    }
}

typedef struct
{
  const char *input;
  const char *section;
  const char *key;
  const char *value;
  const char *expected;
} SetCase;

static const SetCase set_cases[] = {
  /* Appended after the last key line, not after the blank line and the next header's
   * comment */
  { "[a]\nk = v\n\n# about b\n[b]\nx = 1\n", "a", "new", "n",
    "[a]\nk = v\nnew = n\n\n# about b\n[b]\nx = 1\n" },
  /* After continuation lines */
  { "[a]\ns3 =\n  x = 1\n\n  y = 2\n\n[b]\n", "a", "new", "n",
    "[a]\ns3 =\n  x = 1\n\n  y = 2\nnew = n\n\n[b]\n" },
  /* Right after a header without keys */
  { "[a]\n\n[b]\nk = v\n", "a", "new", "n", "[a]\nnew = n\n\n[b]\nk = v\n" },
  /* Copying the indentation of the keys, after every line that is not blank or a comment */
  { "[a]\n  k = v\n  junk\n", "a", "new", "n", "[a]\n  k = v\n  junk\n  new = n\n" },
  /* Never deeper than the line that set the indent level: it would continue k */
  { "[a]\n    k = v\n  junk\n    more\n", "a", "new", "n",
    "[a]\n    k = v\n  junk\n    more\n  new = n\n" },
  /* Never shallower than the next header: it would continue the new value */
  { "[a]\n\t[b]\n", "a", "new", "n", "[a]\n\tnew = n\n\t[b]\n" },
  { "[a]\n  junk\n\n# about b\n    [b]\n", "a", "new", "n",
    "[a]\n  junk\n    new = n\n\n# about b\n    [b]\n" },
  { "[a]\n\tk = v\n", "a", "new", "n", "[a]\n\tk = v\n\tnew = n\n" },
  /* Empty values */
  { "[a]\nk=\n", "a", "k", "v", "[a]\nk=v\n" },
  { "[a]\nk =\n", "a", "k", "v", "[a]\nk = v\n" },
  { "[a]\nk = v\n", "a", "k", "", "[a]\nk = \n" },
  { "[a]\n", "a", "new", "", "[a]\nnew =\n" },
  /* ':' delimiter and key spelling kept */
  { "[a]\nKey: old value\n", "a", "KEY", "new", "[a]\nKey: new\n" },
  /* The effective (last) duplicate changes */
  { "[a]\nk = 1\n[b]\n[a]\nk = 2\n", "a", "k", "3", "[a]\nk = 1\n[b]\n[a]\nk = 3\n" },
  /* A new key goes to the last occurrence of the section */
  { "[a]\nk = 1\n[b]\n[a]\nj = 2\n[c]\n", "a", "new", "n",
    "[a]\nk = 1\n[b]\n[a]\nj = 2\nnew = n\n[c]\n" },
  /* Missing section: appended after one blank line */
  { "[a]\nk = v\n", "b", "k", "v", "[a]\nk = v\n\n[b]\nk = v\n" },
  { "[a]\nk = v", "b", "k", "v", "[a]\nk = v\n\n[b]\nk = v\n" },
  { "[a]\nk = v\n\n", "b", "k", "v", "[a]\nk = v\n\n[b]\nk = v\n" },
  { "", "b", "k", "v", "[b]\nk = v\n" },
  { "[a]\r\nk = v\r\n", "b", "k", "v", "[a]\r\nk = v\r\n\r\n[b]\r\nk = v\r\n" },
  /* A new key after a last line without newline */
  { "[a]\nk = v", "a", "j", "w", "[a]\nk = v\nj = w\n" },
  /* Values keep their spelling */
  { "[a]\nk = v\n", "a", "k", "  spaced  # not a comment ",
    "[a]\nk =   spaced  # not a comment \n" },
};

static void
test_edit_set (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (set_cases); i++)
    {
      const SetCase *c = &set_cases[i];
      g_autoptr(GhIni) ini = ini_from_string (c->input);

      g_test_message ("case %u", i);
      gh_ini_set_value (ini, c->section, c->key, c->value);
      assert_data (ini, c->expected);
    }
}

typedef struct
{
  const char *input;
  const char *section;
  const char *key;
  gboolean    removed;
  const char *expected;
} RemoveKeyCase;

static const RemoveKeyCase remove_key_cases[] = {
  { "[a]\nk = v\nj = w\n", "a", "K", TRUE, "[a]\nj = w\n" },
  { "[a]\nk = v\nj = w", "a", "j", TRUE, "[a]\nk = v" },
  { "[a]\ns3 =\n  x = 1\n\n  y = 2\nj = w\n", "a", "s3", TRUE, "[a]\nj = w\n" },
  { "[a]\nk = 1\n[b]\nk = b\n[a]\nk = 2\n", "a", "k", TRUE, "[a]\n[b]\nk = b\n[a]\n" },
  { "[a]\nk = v\n", "a", "missing", FALSE, "[a]\nk = v\n" },
  { "[a]\nk = v\n", "b", "k", FALSE, "[a]\nk = v\n" },
  { "[a]\r\n# keep\r\nk = v\r\n\r\n", "a", "k", TRUE, "[a]\r\n# keep\r\n\r\n" },
  /* A lone "\r" and the "\n" of the empty line after it would read as one "\r\n", and the
   * comment would move onto [b]: the empty line takes the "\r" (found by fuzzing) */
  { "[a]\r# about a\rk = 1\n\n[b]\n", "a", "k", TRUE, "[a]\r# about a\r\r[b]\n" },
};

static void
test_edit_remove_key (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (remove_key_cases); i++)
    {
      const RemoveKeyCase *c = &remove_key_cases[i];
      g_autoptr(GhIni) ini = ini_from_string (c->input);
      g_autofree char *value = NULL;

      g_test_message ("case %u", i);
      g_assert_cmpint (gh_ini_remove_key (ini, c->section, c->key), ==, c->removed);
      assert_data (ini, c->expected);
      assert_same_as_reparsed (ini);
      value = gh_ini_get_value (ini, c->section, c->key);
      g_assert_null (value);
    }
}

typedef struct
{
  const char *input;
  const char *section;
  const char *comment;
  const char *expected;
} AddSectionCase;

static const AddSectionCase add_section_cases[] = {
  { "", "a", NULL, "[a]\n" },
  { "[a]\nk = v\n", "b", NULL, "[a]\nk = v\n\n[b]\n" },
  { "[a]\nk = v", "b", NULL, "[a]\nk = v\n\n[b]\n" },
  { "[a]\nk = v\n\n", "b", NULL, "[a]\nk = v\n\n[b]\n" },
  { "# only a comment\n", "b", NULL, "# only a comment\n\n[b]\n" },
  { "[a]\r\n", "b", NULL, "[a]\r\n\r\n[b]\r\n" },
  { "[a]\nk = v\n", "a", "ignored", "[a]\nk = v\n" },
  { "[a]\n", "b", "Added by Gatehouse\n\nsecond line", "[a]\n\n# Added by Gatehouse\n#\n"
    "# second line\n[b]\n" },
  { "", "sso-session 'my sso'", "c", "# c\n[sso-session 'my sso']\n" },
  /* Every line break of the comment starts a comment line: "k = 1" must not become a key
   * of [a] (found by fuzzing) */
  { "[a]\n", "b", "x\rk = 1\r\n[c]", "[a]\n\n# x\n# k = 1\n# [c]\n[b]\n" },
};

static void
test_edit_add_section (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (add_section_cases); i++)
    {
      const AddSectionCase *c = &add_section_cases[i];
      g_autoptr(GhIni) ini = ini_from_string (c->input);

      g_test_message ("case %u", i);
      gh_ini_add_section (ini, c->section, c->comment);
      assert_data (ini, c->expected);
      g_assert_true (gh_ini_has_section (ini, c->section));
    }
}

typedef struct
{
  const char *input;
  const char *section;
  gboolean    removed;
  const char *expected;
} RemoveSectionCase;

static const RemoveSectionCase remove_section_cases[] = {
  /* Middle section with its comment; the next section's comment stays */
  { "[a]\nx = 1\n\n# about b\n[b]\ny = 2\n\n# about c\n[c]\nz = 3\n", "b", TRUE,
    "[a]\nx = 1\n\n# about c\n[c]\nz = 3\n" },
  /* A comment separated by a blank line is not the section's */
  { "[a]\nx = 1\n# a's comment\n\n[b]\ny = 2\n\n[c]\n", "b", TRUE,
    "[a]\nx = 1\n# a's comment\n\n[c]\n" },
  /* AWS CLI layout without blank lines */
  { "[a]\nx = 1\n[b]\ny = 2\n[c]\nz = 3\n", "b", TRUE, "[a]\nx = 1\n[c]\nz = 3\n" },
  /* First section */
  { "[b]\ny = 2\n\n[a]\nx = 1\n", "b", TRUE, "[a]\nx = 1\n" },
  /* Last section: no trailing blank line left */
  { "[a]\nx = 1\n\n[b]\ny = 2\n", "b", TRUE, "[a]\nx = 1\n" },
  { "[a]\nx = 1\n\n[b]\ny = 2\n\n\n", "b", TRUE, "[a]\nx = 1\n" },
  /* No final newline stays that way */
  { "[a]\nx = 1\n\n[b]\ny = 2", "b", TRUE, "[a]\nx = 1" },
  /* ... and the empty lines left at the end go: without their line endings they would be
   * lines of no bytes (found by fuzzing) */
  { "[a]\n\n\n[b]", "b", TRUE, "[a]" },
  /* The only section */
  { "# header\n[b]\ny = 2\n", "b", TRUE, "" },
  /* Text before the first header stays when a blank line separates it */
  { "# file comment\n\n[b]\ny = 2\n\n[a]\n", "b", TRUE, "# file comment\n\n[a]\n" },
  /* Duplicates all go */
  { "[b]\ny = 1\n\n[a]\nx = 1\n\n[b]\ny = 2\n\n[c]\n", "b", TRUE, "[a]\nx = 1\n\n[c]\n" },
  /* Continuation lines go with it */
  { "[b]\ns3 =\n  x = 1\n\n  y = 2\n[a]\n", "b", TRUE, "[a]\n" },
  /* CRLF */
  { "[a]\r\n\r\n[b]\r\ny = 2\r\n\r\n[c]\r\n", "b", TRUE, "[a]\r\n\r\n[c]\r\n" },
  { "[a]\nx = 1\n", "b", FALSE, "[a]\nx = 1\n" },
  { "", "b", FALSE, "" },
};

static void
test_edit_remove_section (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (remove_section_cases); i++)
    {
      const RemoveSectionCase *c = &remove_section_cases[i];
      g_autoptr(GhIni) ini = ini_from_string (c->input);

      g_test_message ("case %u", i);
      g_assert_cmpint (gh_ini_remove_section (ini, c->section), ==, c->removed);
      assert_data (ini, c->expected);
      assert_same_as_reparsed (ini);
      g_assert_false (gh_ini_has_section (ini, c->section));
    }
}

/* Removing a section from a corpus file leaves the other bytes alone */
static void
test_edit_remove_section_corpus (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GhIni) ini = ini_from_corpus ("comments-and-blanks.ini", &contents);
  g_autofree char *expected = replace_once (contents,
                                            "; the work sign-in\n"
                                            "# (added 2024-05-01)\n"
                                            "[sso-session work]\n"
                                            "sso_start_url = https://work.awsapps.com/start\n"
                                            "sso_region = eu-west-1\n"
                                            "   # an indented comment\n"
                                            "sso_registration_scopes = sso:account:access\n"
                                            "\n"
                                            "\n"
                                            "# trailing comment at the end of the file\n",
                                            "");

  /* The trailing comment is the section's body; the blank line above it goes too */
  expected[strlen (expected) - 1] = '\0';
  g_assert_true (gh_ini_remove_section (ini, "sso-session work"));
  assert_data (ini, expected);
}

static void
test_edit_get_set_roundtrip (void)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autofree char *value = NULL;
  g_autofree char *gone = NULL;

  gh_ini_set_value (ini, "profile dev", "Region", "us-east-1");
  gh_ini_set_value (ini, "profile dev", "output", "json");
  gh_ini_set_value (ini, "profile dev", "REGION", "eu-west-1");
  gh_ini_set_value (ini, "sso-session 'x y'", "sso_region", "us-east-1");
  assert_data (ini, "[profile dev]\nRegion = eu-west-1\noutput = json\n\n"
                    "[sso-session 'x y']\nsso_region = us-east-1\n");

  value = gh_ini_get_value (ini, "profile dev", "region");
  g_assert_cmpstr (value, ==, "eu-west-1");

  g_assert_true (gh_ini_remove_key (ini, "profile dev", "region"));
  gone = gh_ini_get_value (ini, "profile dev", "region");
  g_assert_null (gone);
  g_assert_true (gh_ini_remove_section (ini, "profile dev"));
  assert_data (ini, "[sso-session 'x y']\nsso_region = us-east-1\n");
}

static void
test_edit_reject_newline (void)
{
  static const char * const bad[][3] = {
    { "a", "k", "line\nbreak" },
    { "a", "k", "carriage\rreturn" },
    { "a", "k=x", "v" },
    { "a", "", "v" },
    { "a\nb", "k", "v" },
    { " a", "k", "v" },
    { "", "k", "v" },
  };

  if (g_test_subprocess ())
    {
      guint i = atoi (g_getenv ("GH_TEST_CASE"));
      g_autoptr(GhIni) ini = ini_from_string ("[a]\nk = v\n");

      gh_ini_set_value (ini, bad[i][0], bad[i][1], bad[i][2]);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *index = g_strdup_printf ("%u", i);

      /* The child inherits the environment */
      g_setenv ("GH_TEST_CASE", index, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_failed ();
      g_test_trap_assert_stderr ("*CRITICAL*gh_ini_set_value*");
    }
}

/* ---- occurrences of a header ------------------------------------------------------------ */

static void
test_headers (void)
{
  g_autoptr(GhIni) ini = ini_from_string ("\xEF\xBB\xBF  # first  \n"
                                          "[a]\n"
                                          "k = 1\n"
                                          "; about b\n"
                                          "[b]\n"
                                          "# one\n"
                                          "[a]\n"
                                          "k = 2\n"
                                          "\n"
                                          "[a]\n"
                                          "k = 3\n");
  g_auto(GStrv) headers = gh_ini_get_headers (ini);
  const char * const expected[] = { "a", "b", "a", "a", NULL };
  g_autofree char *first = gh_ini_get_header_comment (ini, "a", 0);
  g_autofree char *about_b = gh_ini_get_header_comment (ini, "b", 0);
  g_autofree char *one = gh_ini_get_header_comment (ini, "a", 1);
  g_autofree char *none = gh_ini_get_header_comment (ini, "a", 2);
  g_autofree char *missing = gh_ini_get_header_comment (ini, "a", 3);
  g_autofree char *absent = gh_ini_get_header_comment (ini, "c", 0);
  g_autofree char *value = NULL;

  g_assert_true (g_strv_equal ((const char * const *) headers, expected));
  g_assert_cmpstr (first, ==, "# first");
  g_assert_cmpstr (about_b, ==, "; about b");
  g_assert_cmpstr (one, ==, "# one");
  g_assert_null (none);
  g_assert_null (missing);
  g_assert_null (absent);

  /* The middle one, with its comment; the others keep theirs */
  g_assert_false (gh_ini_remove_section_occurrence (ini, "a", 3));
  g_assert_true (gh_ini_remove_section_occurrence (ini, "a", 1));
  assert_data (ini, "\xEF\xBB\xBF  # first  \n[a]\nk = 1\n; about b\n[b]\n[a]\nk = 3\n");
  value = gh_ini_get_value (ini, "a", "k");
  g_assert_cmpstr (value, ==, "3");

  g_assert_true (gh_ini_remove_section_occurrence (ini, "a", 1));
  g_assert_true (gh_ini_remove_section_occurrence (ini, "a", 0));
  g_assert_false (gh_ini_has_section (ini, "a"));
  assert_data (ini, "; about b\n[b]\n");
}

/* The comment above a section: the same line above every one of its headers, or none */
static void
test_section_comments (void)
{
  g_autoptr(GhIni) ini = ini_from_string ("\xEF\xBB\xBF# first\n"
                                          "[a]\n"
                                          "k = v\n"
                                          "s3 =\n"
                                          "    # indented comment\n"
                                          "    [not-a-header]\n"
                                          "# about b\r\n"
                                          "[ b ]   \r\n"
                                          "# not directly above\n"
                                          "\n"
                                          "[c]\n"
                                          "# one\n"
                                          "[d]\n"
                                          "# two\n"
                                          "[d]\n"
                                          "# same\n"
                                          "[e]\n"
                                          "# same\n"
                                          "[e]");
  g_auto(GStrv) sections = gh_ini_get_sections (ini);
  const char * const expected[] = { "a", "b", "c", "d", "e", NULL };
  g_autofree char *a = gh_ini_get_section_comment (ini, "a");
  g_autofree char *b = gh_ini_get_section_comment (ini, "b");
  g_autofree char *c = gh_ini_get_section_comment (ini, "c");
  g_autofree char *d = gh_ini_get_section_comment (ini, "d");
  g_autofree char *e = gh_ini_get_section_comment (ini, "e");
  g_autofree char *not_a_header = gh_ini_get_section_comment (ini, "not-a-header");

  g_assert_cmpstrv (sections, expected);
  g_assert_cmpstr (a, ==, "# first");
  g_assert_cmpstr (b, ==, "# about b");
  g_assert_null (c);
  g_assert_null (d);
  g_assert_cmpstr (e, ==, "# same");
  g_assert_null (not_a_header);
}

/* ---- incremental classification --------------------------------------------------------- */

/* An edit re-reads only the lines whose meaning it can change; what they mean afterwards must
 * be what a fresh parse of the text says. */
static void
assert_same_as_reparsed (GhIni *ini)
{
  gsize length = 0;
  g_autofree char *data = gh_ini_to_data (ini, &length);
  g_autoptr(GhIni) fresh = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(GStrv) fresh_headers = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  gh_ini_load_from_data (fresh, data, length, &error);
  g_assert_no_error (error);

  headers = gh_ini_get_headers (ini);
  fresh_headers = gh_ini_get_headers (fresh);
  g_assert_true (g_strv_equal ((const char * const *) headers,
                               (const char * const *) fresh_headers));

  for (guint i = 0; headers[i] != NULL; i++)
    {
      guint occurrence = GPOINTER_TO_UINT (g_hash_table_lookup (seen, headers[i]));
      g_autofree char *comment = gh_ini_get_header_comment (ini, headers[i], occurrence);
      g_autofree char *fresh_comment = gh_ini_get_header_comment (fresh, headers[i],
                                                                  occurrence);
      g_autofree char *section_comment = gh_ini_get_section_comment (ini, headers[i]);
      g_autofree char *fresh_section_comment = gh_ini_get_section_comment (fresh, headers[i]);
      g_auto(GStrv) keys = gh_ini_get_keys (ini, headers[i]);
      g_auto(GStrv) fresh_keys = gh_ini_get_keys (fresh, headers[i]);

      g_hash_table_insert (seen, headers[i], GUINT_TO_POINTER (occurrence + 1));
      g_assert_cmpstr (comment, ==, fresh_comment);
      g_assert_cmpstr (section_comment, ==, fresh_section_comment);
      g_assert_true (gh_ini_has_section (ini, headers[i]));
      g_assert_true (g_strv_equal ((const char * const *) keys,
                                   (const char * const *) fresh_keys));

      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autofree char *value = gh_ini_get_value (ini, headers[i], keys[k]);
          g_autofree char *fresh_value = gh_ini_get_value (fresh, headers[i], keys[k]);

          g_assert_cmpstr (value, ==, fresh_value);
        }
    }
}

static const char tricky_document[] =
  "; preamble\n"
  "orphan = 1\n"
  "[a]\n"
  "k = v\n"
  "[b]\n"
  "  [c]\n"
  "x = 1\n"
  "  y = 2\n"
  "\n"
  "# about d\n"
  "[d]\n"
  "  s3 =\n"
  "    # comment\n"
  "    z = 1\n"
  "\n"
  " junk\n"
  "      [e]\n"
  "w = 1\n"
  "[a]\n"
  "k = again\n"
  "[f]\n"
  "    [g]\n"
  "m = 1";

/* Edits where the meaning of lines after the edited ones changes */
static void
test_edit_reclassify (void)
{
  g_autoptr(GhIni) ini = ini_from_string (tricky_document);
  g_autofree char *c_x = NULL;
  g_autofree char *a_k = NULL;
  g_autofree char *f_k = NULL;
  g_autofree char *data = NULL;

  /* "  [c]" is a header while [b] has no key; right after [a]'s key it would continue that
   * key, so it loses its indentation and [c] keeps its lines */
  g_assert_true (gh_ini_has_section (ini, "c"));
  g_assert_true (gh_ini_remove_section_occurrence (ini, "b", 0));
  g_assert_true (gh_ini_has_section (ini, "c"));
  c_x = gh_ini_get_value (ini, "c", "x");
  g_assert_cmpstr (c_x, ==, "1\ny = 2");
  a_k = gh_ini_get_value (ini, "a", "k");
  g_assert_cmpstr (a_k, ==, "again");
  data = gh_ini_to_data (ini, NULL);
  g_assert_nonnull (strstr (data, "\nk = v\n[c]\nx = 1\n"));
  assert_same_as_reparsed (ini);

  /* A first key under [f] is indented as "    [g]" is, so [g] stays a header */
  g_assert_true (gh_ini_has_section (ini, "g"));
  gh_ini_set_value (ini, "f", "k", "v");
  g_assert_true (gh_ini_has_section (ini, "g"));
  f_k = gh_ini_get_value (ini, "f", "k");
  g_assert_cmpstr (f_k, ==, "v");
  g_clear_pointer (&data, g_free);
  data = gh_ini_to_data (ini, NULL);
  g_assert_true (g_str_has_suffix (data, "[f]\n    k = v\n    [g]\nm = 1"));
  assert_same_as_reparsed (ini);
}

/* The reproducer of sections swallowed by a new key (found by fuzzing): a key added to a
 * section without keys made the indented headers below it lines of the new value. */
static void
test_edit_indented_headers (void)
{
  g_autofree char *contents = NULL;
  g_autoptr(GhIni) ini = ini_from_corpus ("indented-headers.ini", &contents);
  g_auto(GStrv) before = gh_ini_get_sections (ini);
  g_auto(GStrv) after = NULL;
  g_autofree char *empty_region = NULL;
  g_autofree char *dev_region = NULL;
  g_autofree char *corp_url = NULL;
  g_autofree char *data = NULL;
  const char * const expected[] = { "profile empty", "profile dev", "sso-session corp", NULL };

  g_assert_cmpstrv (before, expected);

  gh_ini_set_value (ini, "profile empty", "region", "us-east-1");

  after = gh_ini_get_sections (ini);
  g_assert_cmpstrv (after, expected);
  empty_region = gh_ini_get_value (ini, "profile empty", "region");
  g_assert_cmpstr (empty_region, ==, "us-east-1");
  dev_region = gh_ini_get_value (ini, "profile dev", "region");
  g_assert_cmpstr (dev_region, ==, "eu-west-1");
  corp_url = gh_ini_get_value (ini, "sso-session corp", "sso_start_url");
  g_assert_cmpstr (corp_url, ==, "https://corp.awsapps.com/start");

  /* One line added, indented as the header below it */
  data = gh_ini_to_data (ini, NULL);
  g_assert_nonnull (strstr (data, "[profile empty]\n  region = us-east-1\n  [profile dev]\n"));
  g_assert_cmpuint (strlen (data), ==, strlen (contents) + strlen ("  region = us-east-1\n"));
  assert_same_as_reparsed (ini);
}

/* Random edits on every corpus file and on a document full of indentation traps; after each
 * one the document must read as a fresh parse of its text reads. */
static void
test_edit_random (void)
{
  static const char * const keys[] = { "k", "x", "region", "s3", "w", "new_key", "z" };
  static const char * const values[] = { "1", "", "eu-west-1", "a b" };

  for (guint f = 0; f <= G_N_ELEMENTS (corpus); f++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (f + 1);
      g_autofree char *contents = NULL;
      g_autoptr(GhIni) ini = f < G_N_ELEMENTS (corpus) ? ini_from_corpus (corpus[f], &contents)
                                                       : ini_from_string (tricky_document);

      for (guint step = 0; step < 60; step++)
        {
          g_auto(GStrv) headers = gh_ini_get_headers (ini);
          guint n = g_strv_length (headers);
          g_autofree char *new_section = g_strdup_printf ("new %u", step % 7);
          const char *section = n > 0 && g_rand_int_range (rand, 0, 5) > 0
                                ? headers[g_rand_int_range (rand, 0, n)] : new_section;
          const char *key = keys[g_rand_int_range (rand, 0, G_N_ELEMENTS (keys))];
          const char *value = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];

          switch (g_rand_int_range (rand, 0, 10))
            {
            case 0:
              gh_ini_remove_section (ini, section);
              break;
            case 1:
              gh_ini_remove_section_occurrence (ini, section, g_rand_int_range (rand, 0, 2));
              break;
            case 2:
              gh_ini_add_section (ini, new_section, step % 2 ? "comment\n\nlines " : NULL);
              break;
            case 3:
            case 4:
              gh_ini_remove_key (ini, section, key);
              break;
            default:
              gh_ini_set_value (ini, section, key, value);
              break;
            }

          assert_same_as_reparsed (ini);
        }
    }
}

/* Each edit costs what it touches: a quadratic GhIni takes minutes here */
static void
test_edit_many_sections (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) removed = g_string_new (NULL);
  g_autoptr(GhIni) ini = NULL;
  g_autoptr(GhIni) built = gh_ini_new ();
  g_autofree char *data = NULL;
  g_autofree char *built_data = NULL;
  g_autofree char *last = NULL;
  g_auto(GStrv) sections = NULL;

  for (guint i = 0; i < 5000; i++)
    {
      g_string_append_printf (text, "# profile %u\n[profile p%u]\nregion = us-east-1\n\n",
                              i, i);
      g_string_append_printf (expected, "# profile %u\n[profile p%u]\nregion = eu-west-%u\n"
                                        "output = json\n\n", i, i, i % 3);
      if (i % 2 == 1)
        g_string_append_printf (removed, "# profile %u\n[profile p%u]\nregion = eu-west-%u\n"
                                         "output = json\n\n", i, i, i % 3);
    }

  ini = ini_from_string (text->str);
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *section = g_strdup_printf ("profile p%u", i);
      g_autofree char *region = g_strdup_printf ("eu-west-%u", i % 3);

      gh_ini_set_value (ini, section, "region", region);
      gh_ini_set_value (ini, section, "output", "json");
    }
  data = gh_ini_to_data (ini, NULL);
  g_assert_true (g_str_equal (data, expected->str));
  last = gh_ini_get_value (ini, "profile p4999", "region");
  g_assert_cmpstr (last, ==, "eu-west-1");

  /* The same document built from nothing */
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *section = g_strdup_printf ("profile p%u", i);
      g_autofree char *comment = g_strdup_printf ("profile %u", i);
      g_autofree char *region = g_strdup_printf ("eu-west-%u", i % 3);

      gh_ini_add_section (built, section, comment);
      gh_ini_set_value (built, section, "region", region);
      gh_ini_set_value (built, section, "output", "json");
    }
  /* (without the blank line at the end) */
  built_data = gh_ini_to_data (built, NULL);
  g_assert_cmpuint (strlen (built_data) + 1, ==, strlen (data));
  g_assert_true (strncmp (built_data, data, strlen (built_data)) == 0);

  for (guint i = 0; i < 5000; i += 2)
    {
      g_autofree char *section = g_strdup_printf ("profile p%u", i);

      g_assert_true (gh_ini_remove_section (ini, section));
    }
  g_clear_pointer (&data, g_free);
  data = gh_ini_to_data (ini, NULL);
  g_assert_true (g_str_equal (data, removed->str));
  sections = gh_ini_get_sections (ini);
  g_assert_cmpuint (g_strv_length (sections), ==, 2500);
}

/* gh_ini_get_entries() gives what gh_ini_get_keys() and gh_ini_get_value() give, for
 * repeated sections and keys, continuation lines, many keys, and a missing section */
static void
test_entries (void)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("[a]\nx = 1\nY = 2\n  more\n\n  after blank\n"
                                          "[b]\nx=9\n[a]\ny = 3\nz =\n  nested = 1\n"
                                          "x = last\n[many]\n");
  static const char * const sections[] = { "a", "b", "many", "missing" };

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (text, "k%u = %u\n", i % 25, i);
  g_assert_true (gh_ini_load_from_data (ini, text->str, (gssize) text->len, &error));
  g_assert_no_error (error);

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      g_auto(GStrv) values = NULL;
      g_auto(GStrv) keys = gh_ini_get_entries (ini, sections[s], &values);
      g_auto(GStrv) expected_keys = gh_ini_get_keys (ini, sections[s]);

      g_assert_cmpstrv (keys, expected_keys);
      g_assert_cmpuint (g_strv_length (values), ==, g_strv_length (keys));
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autofree char *expected = gh_ini_get_value (ini, sections[s], keys[k]);

          g_assert_cmpstr (values[k], ==, expected);
        }
    }

  {
    g_auto(GStrv) values = NULL;
    g_auto(GStrv) keys = gh_ini_get_entries (ini, "a", &values);
    const char * const want_keys[] = { "x", "y", "z", NULL };
    const char * const want_values[] = { "last", "3", "\nnested = 1", NULL };

    g_assert_cmpstrv (keys, want_keys);
    g_assert_cmpstrv (values, want_values);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ini/roundtrip/%s", corpus[i]);

      g_test_add_data_func (path, corpus[i], test_roundtrip_corpus);
    }
  g_test_add_func ("/ini/roundtrip/inline", test_roundtrip_inline);
  g_test_add_func ("/ini/parse/values", test_parse_values);
  g_test_add_func ("/ini/entries", test_entries);
  g_test_add_func ("/ini/parse/sections", test_parse_sections);
  g_test_add_func ("/ini/parse/odd-headers", test_parse_odd_headers);
  g_test_add_func ("/ini/load/invalid", test_load_invalid);
  g_test_add_func ("/ini/edit/minimal-diff", test_edit_minimal_diff);
  g_test_add_func ("/ini/edit/set", test_edit_set);
  g_test_add_func ("/ini/edit/remove-key", test_edit_remove_key);
  g_test_add_func ("/ini/edit/add-section", test_edit_add_section);
  g_test_add_func ("/ini/edit/remove-section", test_edit_remove_section);
  g_test_add_func ("/ini/edit/remove-section-corpus", test_edit_remove_section_corpus);
  g_test_add_func ("/ini/edit/get-set", test_edit_get_set_roundtrip);
  g_test_add_func ("/ini/edit/reject-newline", test_edit_reject_newline);
  g_test_add_func ("/ini/edit/headers", test_headers);
  g_test_add_func ("/ini/section-comments", test_section_comments);
  g_test_add_func ("/ini/edit/reclassify", test_edit_reclassify);
  g_test_add_func ("/ini/edit/indented-headers", test_edit_indented_headers);
  g_test_add_func ("/ini/edit/random", test_edit_random);
  g_test_add_func ("/ini/edit/many-sections", test_edit_many_sections);

  return g_test_run ();
}
