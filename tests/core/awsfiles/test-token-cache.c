/* test-token-cache.c — tests for src/core/awsfiles/gh-token-cache.c */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "gh-error.h"
#include "gh-token-cache.h"
#include "gh-test-util.h"

#define START_URL "https://my-sso-portal.awsapps.com/start"

/* 2024-05-01T18:00:00Z and 2024-07-30T10:00:00Z */
#define EXPIRES_AT 1714586400
#define REGISTRATION_EXPIRES_AT 1722333600

static GhCachedToken *
make_token (void)
{
  GhCachedToken *token = g_new0 (GhCachedToken, 1);

  token->start_url = g_strdup (START_URL);
  token->region = g_strdup ("us-east-1");
  token->access_token = g_strdup ("aoaEXAMPLE");
  token->expires_at = EXPIRES_AT;
  token->client_id = g_strdup ("clientEXAMPLE");
  token->client_secret = g_strdup ("secretEXAMPLE");
  token->registration_expires_at = REGISTRATION_EXPIRES_AT;
  token->refresh_token = g_strdup ("aorEXAMPLE");

  return token;
}

static void
test_path_vectors (void)
{
  /* docs/aws-protocols.md §7.1 */
  static const struct { const char *key; const char *hex; } vectors[] = {
    { "my-sso", "0ad374308c5a4e22f723adf10145eafad7c4031c" },
    { "dev", "34c6fceca75e456f25e7e99531e2425c6c1de443" },
    { "https://my-sso-portal.awsapps.com/start", "c7aaaf71fcc8777ae2475525ed049d39fe16c484" },
    { "https://d-1234567890.awsapps.com/start", "7487b5b67d5fa1132cf33fa93ae51ef38cc37752" },
    { "https://d-1234567890.awsapps.com/start/", "ae4321de83751a696d13fbefb87d776773c41e1c" },
  };
  g_autofree char *dir = gh_token_cache_dir ();
  g_autofree char *expected_dir = g_build_filename (g_get_home_dir (), ".aws", "sso", "cache",
                                                    NULL);

  g_assert_cmpstr (dir, ==, expected_dir);

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *path = gh_token_cache_path (vectors[i].key);
      g_autofree char *name = g_strconcat (vectors[i].hex, ".json", NULL);
      g_autofree char *expected = g_build_filename (expected_dir, name, NULL);

      g_assert_cmpstr (path, ==, expected);
    }
}

static void
test_path_ignores_config_file (void)
{
  g_autofree char *before = gh_token_cache_path ("my-sso");
  g_autofree char *after = NULL;

  g_setenv ("AWS_CONFIG_FILE", "/tmp/elsewhere/config", TRUE);
  after = gh_token_cache_path ("my-sso");
  g_unsetenv ("AWS_CONFIG_FILE");

  g_assert_cmpstr (before, ==, after);
}

static void
test_time_vectors (void)
{
  /* docs/aws-protocols.md §7.6 */
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gint64 received = 0;

  a = gh_format_expires_at (1665736069000 / 1000);
  g_assert_cmpstr (a, ==, "2022-10-14T08:27:49Z");

  g_assert_true (gh_parse_expires_at ("2024-05-01T10:00:00Z", &received));
  b = gh_format_expires_at (received + 28800);
  g_assert_cmpstr (b, ==, "2024-05-01T18:00:00Z");
}

/* Every year in four digits, so what is written reads back (found by fuzzing: a cache file
 * from year 198 was written back as "198-05-01T18:00:00Z") */
static void
test_time_early_years (void)
{
  gint64 parsed = 0;
  gint64 back = 0;
  g_autofree char *text = NULL;

  g_assert_true (gh_parse_expires_at ("0198-05-01T18:00:00Z", &parsed));
  text = gh_format_expires_at (parsed);
  g_assert_cmpstr (text, ==, "0198-05-01T18:00:00Z");
  g_assert_true (gh_parse_expires_at (text, &back));
  g_assert_cmpint (back, ==, parsed);
}

static void
test_time_parse_formats (void)
{
  static const struct { const char *text; gint64 expected; } valid[] = {
    { "2024-05-01T18:00:00Z", EXPIRES_AT },        /* CLI >= 2.2.0, boto3, Go */
    { "2024-05-01T18:00:00.000Z", EXPIRES_AT },    /* JS SDK toISOString() */
    { "2024-05-01T18:00:00.999Z", EXPIRES_AT },
    { "2024-05-01T18:00:00UTC", EXPIRES_AT },      /* CLI < 2.2.0 (%Z) */
    { "2024-05-01T18:00:00GMT", EXPIRES_AT },
    { "2024-05-01T18:00:00+00:00", EXPIRES_AT },   /* RFC 3339 */
    { "2024-05-01T20:00:00+02:00", EXPIRES_AT },
    { "2024-05-01T13:30:00-04:30", EXPIRES_AT },
    { "2024-05-01T18:00:00", EXPIRES_AT },         /* no offset: UTC */
    { "2024-05-01 18:00:00Z", EXPIRES_AT },
    { "2024-05-01t18:00:00z", EXPIRES_AT },
  };
  static const char * const invalid[] = {
    "",
    "garbage",
    "2024-05-01",
    "2024-05-01T18:00",
    "2024-13-01T18:00:00Z",
    "2024-05-32T18:00:00Z",
    "2024-05-01T25:00:00Z",
    "2024-05-01T18:00:00Zjunk",
    "2024-05-01T18:00:00+25:00",
    "2024-W18-3T18:00:00Z",
    "1714586400",
    "2024-05-01X18:00:00Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      gint64 value = 0;

      g_test_message ("valid: %s", valid[i].text);
      g_assert_true (gh_parse_expires_at (valid[i].text, &value));
      g_assert_cmpint (value, ==, valid[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      gint64 value = 42;

      g_test_message ("invalid: %s", invalid[i]);
      g_assert_false (gh_parse_expires_at (invalid[i], &value));
      g_assert_cmpint (value, ==, 42);
    }

  {
    gint64 value = 42;
    g_assert_false (gh_parse_expires_at (NULL, &value));
  }
}

static void
test_time_format (void)
{
  g_autofree char *epoch = gh_format_expires_at (0);
  g_autofree char *expires = gh_format_expires_at (EXPIRES_AT);

  g_assert_cmpstr (epoch, ==, "1970-01-01T00:00:00Z");
  g_assert_cmpstr (expires, ==, "2024-05-01T18:00:00Z");
}

static void
test_roundtrip (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GhCachedToken) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");

  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);

  back = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->start_url, ==, token->start_url);
  g_assert_cmpstr (back->region, ==, token->region);
  g_assert_cmpstr (back->access_token, ==, token->access_token);
  g_assert_cmpint (back->expires_at, ==, token->expires_at);
  g_assert_cmpstr (back->client_id, ==, token->client_id);
  g_assert_cmpstr (back->client_secret, ==, token->client_secret);
  g_assert_cmpint (back->registration_expires_at, ==, token->registration_expires_at);
  g_assert_cmpstr (back->refresh_token, ==, token->refresh_token);
}

static void
test_exact_bytes (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  g_autofree char *with_refresh = NULL;
  g_autofree char *without_refresh = NULL;

  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);
  with_refresh = gh_test_read_file (path, NULL);
  g_assert_cmpstr (with_refresh, ==,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                   "\"region\": \"us-east-1\", \"accessToken\": \"aoaEXAMPLE\", "
                   "\"expiresAt\": \"2024-05-01T18:00:00Z\", \"clientId\": \"clientEXAMPLE\", "
                   "\"clientSecret\": \"secretEXAMPLE\", "
                   "\"registrationExpiresAt\": \"2024-07-30T10:00:00Z\", "
                   "\"refreshToken\": \"aorEXAMPLE\"}");

  g_assert_true (g_unlink (path) == 0);
  g_assert_true (gh_token_cache_write (path, token, FALSE, &error));
  g_assert_no_error (error);
  without_refresh = gh_test_read_file (path, NULL);
  g_assert_cmpstr (without_refresh, ==,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                   "\"region\": \"us-east-1\", \"accessToken\": \"aoaEXAMPLE\", "
                   "\"expiresAt\": \"2024-05-01T18:00:00Z\"}");
}

static void
test_partial_refresh_fields (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  g_autofree char *text = NULL;

  /* A registration but no refresh token (CreateToken returned none). */
  g_clear_pointer (&token->refresh_token, g_free);
  token->registration_expires_at = 0;

  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                   "\"region\": \"us-east-1\", \"accessToken\": \"aoaEXAMPLE\", "
                   "\"expiresAt\": \"2024-05-01T18:00:00Z\", \"clientId\": \"clientEXAMPLE\", "
                   "\"clientSecret\": \"secretEXAMPLE\"}");
}

static void
test_escaping (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GhCachedToken) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("escaping");
  g_autofree char *text = NULL;
  const char *tricky = "aoa\"quoted\\slash\xc3\xa9\xf0\x9f\x98\x80\n";

  g_free (token->access_token);
  token->access_token = g_strdup (tricky);

  g_assert_true (gh_token_cache_write (path, token, FALSE, &error));
  g_assert_no_error (error);

  /* What Python's json.dumps (ensure_ascii) writes for the same dict. */
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                   "\"region\": \"us-east-1\", "
                   "\"accessToken\": \"aoa\\\"quoted\\\\slash\\u00e9\\ud83d\\ude00\\n\", "
                   "\"expiresAt\": \"2024-05-01T18:00:00Z\"}");

  back = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, tricky);
}

static void
test_unknown_keys_preserved (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  g_autofree char *text = NULL;

  gh_test_write_file (path,
                      "{\n  \"zzz\": [1, 2.5, {\"a\": null}],\n  \"startUrl\": \"old\",\n"
                      "  \"accessToken\": \"old\",\n  \"other\": true,\n  \"n\": 1.0,\n"
                      "  \"big\": 1e100,\n  \"s\": \"caf\\u00e9\",\n  \"expiresAt\": \"x\"\n}\n",
                      -1);

  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);

  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                   "\"region\": \"us-east-1\", \"accessToken\": \"aoaEXAMPLE\", "
                   "\"expiresAt\": \"2024-05-01T18:00:00Z\", \"clientId\": \"clientEXAMPLE\", "
                   "\"clientSecret\": \"secretEXAMPLE\", "
                   "\"registrationExpiresAt\": \"2024-07-30T10:00:00Z\", "
                   "\"refreshToken\": \"aorEXAMPLE\", "
                   "\"zzz\": [1, 2.5, {\"a\": null}], \"other\": true, \"n\": 1.0, "
                   "\"big\": 1e+100, \"s\": \"caf\\u00e9\"}");
}

/* Our own refresh token and registration (written with include_refresh before, or rotated
 * there by botocore) go when they should no longer be in the file. */
/* A number beyond a double's range (json-glib reads it as infinity) is written back as JSON,
 * not as Python's Infinity, which no JSON reader, Gatehouse included, takes (found by
 * fuzzing) */
static void
test_huge_numbers_kept_json (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GhCachedToken) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  g_autofree char *text = NULL;

  gh_test_write_file (path, "{\"huge\": 11e308, \"tiny\": [-2e400]}", -1);
  g_assert_true (gh_token_cache_write (path, token, FALSE, &error));
  g_assert_no_error (error);
  text = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_suffix (text, ", \"huge\": 1e999, \"tiny\": [-1e999]}"));

  back = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, token->access_token);
}

/* A lone surrogate (found by fuzzing: json-glib reads "\udc01" into bytes that are not
 * UTF-8, and drops the character after it) is no text in a member Gatehouse reads; in another
 * tool's value it is written back as U+FFFD, so the file stays one that every reader,
 * json-glib included, can read; a member whose name has one is left out, as two of them
 * could come out as one name twice */
static void
test_lone_surrogates (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GhCachedToken) back = NULL;
  g_autoptr(GhCachedToken) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  g_autofree char *text = NULL;

  gh_test_write_file (path, "{\"other\": \"x\\udc01y\", \"a\\ud800xb\": 1, \"a\\ud801xb\": 2}",
                      -1);
  g_assert_true (gh_token_cache_write (path, token, FALSE, &error));
  g_assert_no_error (error);
  text = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_suffix (text, ", \"other\": \"x\\ufffd\\ufffd\\ufffd\"}"));
  back = gh_token_cache_read (path, &error);
  g_assert_no_error (error);

  gh_test_write_file (path, "{\"accessToken\": \"aoa\\udc01xx\", "
                      "\"expiresAt\": \"2024-05-01T18:00:00Z\"}", -1);
  bad = gh_token_cache_read (path, &error);
  g_assert_null (bad);
  g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
}

static void
test_refresh_token_removed (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GhCachedToken) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  g_autofree char *text = NULL;

  gh_test_write_file (path,
                      "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                      "\"region\": \"us-east-1\", \"accessToken\": \"old\", "
                      "\"expiresAt\": \"2024-01-01T00:00:00Z\", \"clientId\": \"clientEXAMPLE\", "
                      "\"clientSecret\": \"secretEXAMPLE\", "
                      "\"registrationExpiresAt\": \"2099-07-30T10:00:00Z\", "
                      "\"refreshToken\": \"oldrefresh\", \"extra\": \"kept\"}", -1);

  g_assert_true (gh_token_cache_write (path, token, FALSE, &error));
  g_assert_no_error (error);

  text = gh_test_read_file (path, NULL);
  g_assert_null (strstr (text, "refreshToken"));
  g_assert_null (strstr (text, "oldrefresh"));
  g_assert_null (strstr (text, "clientSecret"));
  g_assert_null (strstr (text, "clientId"));
  g_assert_null (strstr (text, "registrationExpiresAt"));
  g_assert_cmpstr (text, ==,
                   "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                   "\"region\": \"us-east-1\", \"accessToken\": \"aoaEXAMPLE\", "
                   "\"expiresAt\": \"2024-05-01T18:00:00Z\", \"extra\": \"kept\"}");

  back = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_null (back->refresh_token);
  g_assert_null (back->client_secret);
  g_assert_cmpint (back->registration_expires_at, ==, 0);
}

/* What `aws sso login` wrote: its access token with its own refresh token and registration. */
#define CLI_FILE(registration_expires_at) \
  "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", \"region\": \"us-east-1\", " \
  "\"accessToken\": \"aoaCLI\", \"expiresAt\": \"2024-01-01T00:00:00Z\", " \
  "\"clientId\": \"clientCLI\", \"clientSecret\": \"secretCLI\", " \
  "\"registrationExpiresAt\": \"" registration_expires_at "\", \"refreshToken\": \"aorCLI\"}"

/* Another client's refresh token works only with that client's registration, and it is the
 * AWS CLI's sign-in: ours go elsewhere, whatever include_refresh says, and theirs stay. */
static void
test_foreign_refresh_kept (void)
{
  g_autofree char *path = gh_token_cache_path ("cli-signed-in");

  for (guint include = 0; include < 2; include++)
    {
      g_autoptr(GhCachedToken) token = make_token ();
      g_autoptr(GhCachedToken) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      gh_test_write_file (path, CLI_FILE ("2099-07-30T10:00:00Z"), -1);
      g_assert_true (gh_token_cache_write (path, token, include, &error));
      g_assert_no_error (error);

      text = gh_test_read_file (path, NULL);
      g_assert_cmpstr (text, ==,
                       "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                       "\"region\": \"us-east-1\", \"accessToken\": \"aoaEXAMPLE\", "
                       "\"expiresAt\": \"2024-05-01T18:00:00Z\", \"clientId\": \"clientCLI\", "
                       "\"clientSecret\": \"secretCLI\", "
                       "\"registrationExpiresAt\": \"2099-07-30T10:00:00Z\", "
                       "\"refreshToken\": \"aorCLI\"}");

      back = gh_token_cache_read (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (back->refresh_token, ==, "aorCLI");
      g_assert_cmpstr (back->client_id, ==, "clientCLI");
    }
}

/* An expired registration is of no use to anybody: the slot is ours again. */
static void
test_expired_foreign_refresh_replaced (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("cli-expired");
  g_autofree char *with = NULL;
  g_autofree char *without = NULL;

  gh_test_write_file (path, CLI_FILE ("2024-07-30T10:00:00Z"), -1);
  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);
  with = gh_test_read_file (path, NULL);
  g_assert_nonnull (strstr (with, "\"clientId\": \"clientEXAMPLE\""));
  g_assert_nonnull (strstr (with, "\"refreshToken\": \"aorEXAMPLE\""));
  g_assert_null (strstr (with, "CLI"));

  gh_test_write_file (path, CLI_FILE ("2024-07-30T10:00:00Z"), -1);
  g_assert_true (gh_token_cache_write (path, token, FALSE, &error));
  g_assert_no_error (error);
  without = gh_test_read_file (path, NULL);
  g_assert_null (strstr (without, "clientId"));
  g_assert_null (strstr (without, "refreshToken"));
}

static void
test_mode (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");
  GStatBuf st;

  /* Even over a file that was world-readable. */
  gh_test_write_file (path, "{}", -1);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_js_sdk_file (void)
{
  g_autoptr(GhCachedToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("dev");

  /* JSON.stringify (token, null, 2) with toISOString() times */
  gh_test_write_file (path,
                      "{\n"
                      "  \"startUrl\": \"https://d-1234567890.awsapps.com/start\",\n"
                      "  \"region\": \"eu-west-1\",\n"
                      "  \"accessToken\": \"aoaJS\",\n"
                      "  \"expiresAt\": \"2024-05-01T18:00:00.000Z\",\n"
                      "  \"clientId\": \"clientJS\",\n"
                      "  \"clientSecret\": \"secretJS\",\n"
                      "  \"registrationExpiresAt\": \"2024-07-30T10:00:00.000Z\",\n"
                      "  \"refreshToken\": \"aorJS\"\n"
                      "}", -1);

  token = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpstr (token->start_url, ==, "https://d-1234567890.awsapps.com/start");
  g_assert_cmpstr (token->region, ==, "eu-west-1");
  g_assert_cmpstr (token->access_token, ==, "aoaJS");
  g_assert_cmpint (token->expires_at, ==, EXPIRES_AT);
  g_assert_cmpstr (token->client_id, ==, "clientJS");
  g_assert_cmpstr (token->client_secret, ==, "secretJS");
  g_assert_cmpint (token->registration_expires_at, ==, REGISTRATION_EXPIRES_AT);
  g_assert_cmpstr (token->refresh_token, ==, "aorJS");
}

static void
test_old_cli_file (void)
{
  g_autoptr(GhCachedToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path (START_URL);

  gh_test_write_file (path,
                      "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", "
                      "\"region\": \"us-east-1\", \"accessToken\": \"aoaOLD\", "
                      "\"expiresAt\": \"2024-05-01T18:00:00UTC\"}", -1);

  token = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (token->expires_at, ==, EXPIRES_AT);
  g_assert_null (token->refresh_token);
  g_assert_null (token->client_id);
  g_assert_cmpint (token->registration_expires_at, ==, 0);
}

static void
test_missing (void)
{
  g_autoptr(GhCachedToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("nobody");

  token = gh_token_cache_read (path, &error);
  g_assert_null (token);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN);
}

static void
test_malformed (void)
{
  static const char * const files[] = {
    "",
    "not json",
    "[1, 2]",
    "\"string\"",
    /* a registration cache file, which lives in the same folder */
    "{\"clientId\": \"c\", \"clientSecret\": \"s\", \"expiresAt\": \"2024-07-30T10:00:00Z\"}",
    "{\"accessToken\": \"a\"}",
    "{\"accessToken\": \"a\", \"expiresAt\": \"tomorrow\"}",
    "{\"accessToken\": \"a\", \"expiresAt\": 1714586400}",
    "{\"accessToken\": 12, \"expiresAt\": \"2024-05-01T18:00:00Z\"}",
    "{\"accessToken\": \"\", \"expiresAt\": \"2024-05-01T18:00:00Z\"}",
    "{\"accessToken\": \"a\", \"expiresAt\": \"2024-05-01T18:00:00Z\"",
  };
  g_autofree char *path = gh_token_cache_path ("broken");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GhCachedToken) token = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("file: %s", files[i]);
      gh_test_write_file (path, files[i], -1);
      token = gh_token_cache_read (path, &error);
      g_assert_null (token);
      g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, path));
    }
}

static void
test_write_over_malformed (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GhCachedToken) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("broken");

  gh_test_write_file (path, "{ not json", -1);
  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);

  back = gh_token_cache_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, "aoaEXAMPLE");
}

static void
test_delete (void)
{
  g_autoptr(GhCachedToken) token = make_token ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_token_cache_path ("my-sso");

  g_assert_true (gh_token_cache_write (path, token, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (gh_token_cache_delete (path, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Already gone: fine. */
  g_assert_true (gh_token_cache_delete (path, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/token-cache/path/vectors", test_path_vectors);
  g_test_add_func ("/token-cache/path/ignores-aws-config-file", test_path_ignores_config_file);
  g_test_add_func ("/token-cache/time/vectors", test_time_vectors);
  g_test_add_func ("/token-cache/time/early-years", test_time_early_years);
  g_test_add_func ("/token-cache/time/parse-formats", test_time_parse_formats);
  g_test_add_func ("/token-cache/time/format", test_time_format);
  g_test_add_func ("/token-cache/write/roundtrip", test_roundtrip);
  g_test_add_func ("/token-cache/write/exact-bytes", test_exact_bytes);
  g_test_add_func ("/token-cache/write/partial-refresh-fields", test_partial_refresh_fields);
  g_test_add_func ("/token-cache/write/escaping", test_escaping);
  g_test_add_func ("/token-cache/write/unknown-keys-preserved", test_unknown_keys_preserved);
  g_test_add_func ("/token-cache/write/lone-surrogates", test_lone_surrogates);
  g_test_add_func ("/token-cache/write/huge-numbers", test_huge_numbers_kept_json);
  g_test_add_func ("/token-cache/write/refresh-token-removed", test_refresh_token_removed);
  g_test_add_func ("/token-cache/write/foreign-refresh-kept", test_foreign_refresh_kept);
  g_test_add_func ("/token-cache/write/expired-foreign-refresh-replaced",
                   test_expired_foreign_refresh_replaced);
  g_test_add_func ("/token-cache/write/mode-0600", test_mode);
  g_test_add_func ("/token-cache/write/over-malformed", test_write_over_malformed);
  g_test_add_func ("/token-cache/read/js-sdk-file", test_js_sdk_file);
  g_test_add_func ("/token-cache/read/old-cli-file", test_old_cli_file);
  g_test_add_func ("/token-cache/read/missing", test_missing);
  g_test_add_func ("/token-cache/read/malformed", test_malformed);
  g_test_add_func ("/token-cache/delete", test_delete);

  return g_test_run ();
}
