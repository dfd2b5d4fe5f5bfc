/* test-login.c — sign-in end to end: the real `gatehouse` CLI, the simulator, the real keyring,
 * the stand-in browser and real files; botocore reads what Gatehouse wrote */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gh-clock.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"
#include "gh-login-flow.h"
#include "gh-secret-store.h"
#include "gh-test-env.h"
#include "gh-token-cache.h"

#define EXIT_USAGE 2
#define EXIT_NOT_SIGNED_IN 3
#define EXIT_KEYRING 4
#define EXIT_SERVICE 5

static char *
cache_path (GhTestFixture *fixture,
            const char    *name)
{
  g_autofree char *hash = gh_sha1_hex (name);
  g_autofree char *file = g_strconcat (hash, ".json", NULL);

  return g_build_filename (fixture->home, ".aws", "sso", "cache", file, NULL);
}

static GhCachedToken *
read_cache (GhTestFixture *fixture,
            const char    *name)
{
  g_autofree char *path = cache_path (fixture, name);
  g_autoptr(GError) error = NULL;
  GhCachedToken *token = gh_token_cache_read (path, &error);

  g_assert_no_error (error);
  return token;
}

static guint
count_authorize_urls (GhTestFixture *fixture)
{
  g_auto(GStrv) urls = gh_test_browser_urls (fixture);
  guint n = 0;

  for (guint i = 0; urls[i] != NULL; i++)
    if (strstr (urls[i], "/authorize?") != NULL)
      n++;
  return n;
}

static void
assert_signed_in (GhTestFixture *fixture,
                  const char    *name)
{
  g_autoptr(GhCachedToken) token = read_cache (fixture, name);
  g_autofree char *path = cache_path (fixture, name);
  g_autofree char *contents = NULL;
  struct stat st;

  g_assert_true (gh_simulator_access_token_is_valid (fixture->sim, token->access_token));
  g_assert_cmpint (token->expires_at, >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* By default the refresh token stays in the keyring, not in the file. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "refreshToken"));
  g_assert_null (strstr (contents, "clientSecret"));
  gh_test_assert_not_printed (fixture, token->access_token);
}

/* PKCE in the stand-in browser */

static void
test_pkce (GhTestFixture *fixture,
           gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("pkce");
  g_autofree char *out = NULL;
  g_autofree char *status_out = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *registration = NULL;
  const char *request;
  int status;

  gh_test_add_session (fixture, name);
  status = gh_test_run_cli (fixture, &out, NULL, "login", name, NULL);
  g_assert_cmpint (status, ==, 0);
  gh_test_assert_contains (out, "Signed in to ");
  gh_test_assert_contains (out, name);

  g_assert_cmpuint (count_authorize_urls (fixture), ==, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "Authorize"), ==, 1);

  request = gh_simulator_get_last_registration_request (fixture->sim);
  gh_test_assert_contains (request, "\"grantTypes\":[\"authorization_code\",\"refresh_token\"]");
  gh_test_assert_contains (request, "sso:account:access");
  g_assert_null (strstr (request, "device_code"));

  refresh = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  registration = gh_test_keyring_lookup (fixture, name, GH_SECRET_REGISTRATION);
  g_assert_nonnull (refresh);
  g_assert_nonnull (registration);
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, refresh));
  assert_signed_in (fixture, name);
  gh_test_assert_not_printed (fixture, refresh);

  status = gh_test_run_cli (fixture, &status_out, NULL, "status", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  gh_test_assert_contains (status_out, "\"state\" : \"signed-in\"");
}

/* Device code with explicit approval */

static gboolean
device_code_pending (gpointer data)
{
  GhTestFixture *fixture = data;

  /* Pending, and the first (immediate) token attempt has been answered "pending". */
  return gh_simulator_get_pending_count (fixture->sim) > 0 &&
         gh_simulator_get_request_count (fixture->sim, "CreateToken") > 0;
}

static void
test_device_code (GhTestFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("device");
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) urls = NULL;
  const char *user_code;

  g_object_set (fixture->sim, "auto-approve", FALSE, NULL);
  gh_test_add_session (fixture, name);

  process = gh_test_spawn_cli (fixture, "login", name, "--device-code", "--no-browser", NULL);
  gh_test_wait_until (device_code_pending, fixture, 20000);
  user_code = gh_simulator_get_last_user_code (fixture->sim);
  g_assert_nonnull (user_code);
  g_assert_cmpuint (gh_simulator_approve (fixture->sim, user_code), ==, 1);

  /* The link and the code are for the person at the terminal; the result is the output. */
  g_assert_cmpint (gh_test_wait_cli (fixture, process, &out, &err), ==, 0);
  gh_test_assert_contains (err, user_code);
  gh_test_assert_contains (err, "/device");
  g_assert_null (strstr (out, user_code));
  gh_test_assert_contains (out, "Signed in to ");
  gh_test_assert_contains (gh_simulator_get_last_registration_request (fixture->sim),
                   "\"grantTypes\":[\"urn:ietf:params:oauth:grant-type:device_code\",\"refresh_token\"]");
  /* --no-browser: nothing was opened */
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
  assert_signed_in (fixture, name);
}

static void
test_device_code_denied (GhTestFixture *fixture,
                         gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("denied");
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = cache_path (fixture, name);

  g_object_set (fixture->sim, "auto-approve", FALSE, NULL);
  gh_test_add_session (fixture, name);

  process = gh_test_spawn_cli (fixture, "login", name, "--device-code", "--no-browser", NULL);
  gh_test_wait_until (device_code_pending, fixture, 20000);
  g_assert_cmpuint (gh_simulator_deny (fixture->sim, NULL), ==, 1);

  g_assert_cmpint (gh_test_wait_cli (fixture, process, NULL, &err), ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (err, "denied");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_device_code_expired (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("expired");
  g_autofree char *err = NULL;

  g_object_set (fixture->sim, "auto-approve", FALSE, "device-code-lifetime", (gint64) 2, NULL);
  gh_test_add_session (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", name, "--device-code",
                                    "--no-browser", NULL), ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (err, "expired");
}

/* Refresh */

/* Seconds into a ten-minute access token at which the commands find it due (with 150 s, a
 * quarter of its life, left), whatever the real seconds a test takes. */
#define TEN_MINUTE_TOKEN_DUE (600 - 600 / 4 + 10)

/* Signs in with ten-minute access tokens, then moves the commands' clock to where the token is
 * due, so the next command refreshes. */
static void
sign_in_refresh_due (GhTestFixture *fixture,
                     const char    *name)
{
  g_object_set (fixture->sim, "access-token-lifetime", (gint64) 600, NULL);
  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  g_assert_true (gh_test_fake_clock (fixture, TEN_MINUTE_TOKEN_DUE));
}

/* `gatehouse credentials` for ReadOnly in the first account, as credential_process runs it. */
static GSubprocess *
spawn_credentials (GhTestFixture *fixture,
                   const char    *name)
{
  return gh_test_spawn_cli (fixture, "credentials", "--session", name,
                            "--account", "100000000001", "--role", "ReadOnly", NULL);
}

static int
run_credentials (GhTestFixture  *fixture,
                 const char     *name,
                 char          **err)
{
  g_autoptr(GSubprocess) process = spawn_credentials (fixture, name);

  return gh_test_wait_cli (fixture, process, NULL, err);
}

static void
test_refresh_rotation (GhTestFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("rotate");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GhCachedToken) before = NULL;
  g_autoptr(GhCachedToken) after = NULL;

  sign_in_refresh_due (fixture, name);
  first = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  before = read_cache (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "status", NULL), ==, 0);
  second = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  after = read_cache (fixture, name);

  g_assert_nonnull (second);
  g_assert_cmpstr (first, !=, second);
  g_assert_false (gh_simulator_refresh_token_is_valid (fixture->sim, first));
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, second));
  g_assert_cmpstr (before->access_token, !=, after->access_token);
  assert_signed_in (fixture, name);
  gh_test_assert_not_printed (fixture, first);
  gh_test_assert_not_printed (fixture, second);
}

/* The `status --json` object of sign-in `name`. */
static JsonObject *
status_json (GhTestFixture *fixture,
             const char    *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  JsonArray *sessions;

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  sessions = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = json_array_get_object_element (sessions, i);

      if (g_strcmp0 (json_object_get_string_member (session, "name"), name) == 0)
        return json_object_ref (session);
    }
  g_error ("No sign-in %s in: %s", name, out);
}

/* Five-minute access tokens, shorter than the 15-minute window: the commands use them until a
 * quarter of their life is left (75 s), instead of refreshing first every time. */
static void
test_refresh_short_tokens (GhTestFixture *fixture,
                           gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("short");
  g_autoptr(GhCachedToken) first = NULL;
  g_autoptr(GhCachedToken) refreshed = NULL;

  g_object_set (fixture->sim, "access-token-lifetime", (gint64) 300, NULL);
  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  first = read_cache (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 1);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "status", NULL), ==, 0);
      g_assert_cmpint (run_credentials (fixture, name, &err), ==, 0);
    }
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), >=, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 1);

  /* Two minutes on, more than a quarter of its life is left still. */
  g_assert_true (gh_test_fake_clock (fixture, 120));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "status", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 1);

  /* Past the due point: the next command refreshes, once. */
  g_assert_true (gh_test_fake_clock (fixture, 300 - 300 / 4 + 5));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "status", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "status", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  refreshed = read_cache (fixture, name);
  g_assert_cmpstr (refreshed->access_token, !=, first->access_token);
}

/* A refresh that returns no refresh token leaves the old one valid (RFC 6749 §6): it is kept,
 * and the sign-in stays refreshable until the sign-in session ends, not until this access
 * token expires. */
static void
test_refresh_without_rotation (GhTestFixture *fixture,
                               gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("norotate");
  g_autofree char *first = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GhCachedToken) refreshed = NULL;
  g_autoptr(GhCachedToken) again = NULL;
  gint64 session_end = 0;

  g_object_set (fixture->sim, "access-token-lifetime", (gint64) 600,
                "rotate-refresh-tokens", FALSE, NULL);
  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  first = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  g_assert_nonnull (first);
  g_assert_true (gh_test_fake_clock (fixture, TEN_MINUTE_TOKEN_DUE));

  /* status refreshes the ten-minute token. */
  status = status_json (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  kept = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  g_assert_cmpstr (kept, ==, first);
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, kept));
  g_assert_true (json_object_get_boolean_member (status, "refreshable"));
  /* The sign-in ends after its 8 hours, not with the access token ten minutes from now. */
  refreshed = read_cache (fixture, name);
  g_assert_true (gh_parse_expires_at (json_object_get_string_member (status, "session_ends_at"),
                                      &session_end));
  g_assert_cmpint (session_end, >, refreshed->expires_at + 7 * 3600);
  assert_signed_in (fixture, name);

  /* And the kept token refreshes again, once due. */
  g_assert_true (gh_test_fake_clock (fixture, 2 * TEN_MINUTE_TOKEN_DUE));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "status", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 3);
  again = read_cache (fixture, name);
  g_assert_cmpstr (again->access_token, !=, refreshed->access_token);
  assert_signed_in (fixture, name);
}

static void
test_refresh_invalid_grant (GhTestFixture *fixture,
                            gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("revoked");
  g_autofree char *out = NULL;
  g_autofree char *refresh = NULL;

  sign_in_refresh_due (fixture, name);
  gh_simulator_revoke_refresh_tokens (fixture->sim);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", "--json", NULL), ==, 0);
  gh_test_assert_contains (out, "\"state\" : \"ended\"");
  gh_test_assert_contains (out, "has ended");
  refresh = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  g_assert_null (refresh);

  /* A second status does not retry the dead token. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
}

/* AWS answers a refresh after the client's ordinary timeout, having rotated the refresh token
 * already: a refresh waits for that answer instead of giving up and sending the old token
 * again (which the service now refuses). */
static void
test_refresh_slow_answer (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("slow");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(JsonObject) status = NULL;

  sign_in_refresh_due (fixture, name);
  first = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);

  g_ptr_array_add (fixture->extra_env, g_strdup ("GATEHOUSE_HTTP_TIMEOUT=2"));
  g_object_set (fixture->sim, "token-latency-ms", 3000u, NULL);
  status = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "signed-in");
  g_assert_true (json_object_get_null_member (status, "error"));
  /* Asked once, answered once. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  second = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  g_assert_cmpstr (second, !=, first);
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, second));
  assert_signed_in (fixture, name);
}

/* AWS carried out a refresh and its answer was lost on the way (the connection broke): the old
 * refresh token is then refused. The sign-in must be signed in again, and it is said why. */
static void
test_refresh_reply_lost (GhTestFixture *fixture,
                         gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("lost");
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) status = NULL;
  const char *problem;

  sign_in_refresh_due (fixture, name);

  gh_simulator_inject_fault (fixture->sim, "CreateToken", GH_SIM_FAULT_LOST_REPLY, 1);
  status = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "ended");
  problem = json_object_get_string_member (status, "error");
  gh_test_assert_contains (problem, "did not answer a refresh");
  gh_test_assert_contains (problem, "was lost");
  g_assert_null (strstr (problem, "has ended"));

  /* credential_process says the same. */
  g_assert_cmpint (run_credentials (fixture, name, &err), ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (err, "did not answer a refresh");
  g_assert_null (strstr (err, "has ended"));
}

/* The refresh's answer was lost and the call then failed (the service answered 503): nothing
 * is known yet. The next refresh, in another process, finds the token refused, and says why. */
static void
test_refresh_unanswered_then_refused (GhTestFixture *fixture,
                                      gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("unanswered");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;

  sign_in_refresh_due (fixture, name);

  gh_simulator_inject_fault (fixture->sim, "CreateToken", GH_SIM_FAULT_LOST_REPLY, 1);
  gh_simulator_inject_fault (fixture->sim, "CreateToken", GH_SIM_FAULT_503, 3);
  first = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (first, "state"), ==, "signed-in");
  gh_test_assert_contains (json_object_get_string_member (first, "error"), "HTTP 503");

  second = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (second, "state"), ==, "ended");
  gh_test_assert_contains (json_object_get_string_member (second, "error"),
                           "did not answer a refresh");
}

/* Twenty `gatehouse credentials` at once with a token to replace: the first to take the
 * sign-in's lock refreshes, the others find its token when they get the lock. */
static void
run_credentials_crowd (GhTestFixture *fixture,
                       const char    *name)
{
  GSubprocess *processes[20];

  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    processes[i] = spawn_credentials (fixture, name);
  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_autofree char *err = NULL;

      if (gh_test_wait_cli (fixture, processes[i], NULL, &err) != 0)
        g_error ("credentials failed: %s", err);
      g_object_unref (processes[i]);
    }
}

/* The portal refuses the token every process read (it still looks valid here): each asks for
 * it to be replaced, and one refresh replaces it for all. */
static void
test_refresh_single_flight_refused (GhTestFixture *fixture,
                                    gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("crowd-refused");

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  gh_simulator_expire_access_tokens (fixture->sim);

  run_credentials_crowd (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  assert_signed_in (fixture, name);
}

/* The portal refuses the access token, and the one that replaced it too, while the sign-in is
 * fine: that is said, not that the sign-in ended. */
static void
test_token_refused_twice (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("refused-twice");
  g_autofree char *err = NULL;
  g_autofree char *roles_err = NULL;
  g_autoptr(JsonObject) status = NULL;

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);

  gh_simulator_inject_fault (fixture->sim, "GetRoleCredentials", GH_SIM_FAULT_UNAUTHORIZED, 2);
  g_assert_cmpint (run_credentials (fixture, name, &err), !=, 0);
  gh_test_assert_contains (err, "refused the access token");
  gh_test_assert_contains (err, "has not ended");
  g_assert_null (strstr (err, "has ended"));
  /* One refresh in between: the first token was replaced before giving up. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 2);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);

  /* The same in the middle of listing the roles. */
  gh_simulator_inject_fault (fixture->sim, "ListAccounts", GH_SIM_FAULT_UNAUTHORIZED, 2);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &roles_err, "roles", name, "--refresh",
                                    NULL), !=, 0);
  gh_test_assert_contains (roles_err, "refused the access token");
  g_assert_null (strstr (roles_err, "has ended"));
  g_assert_null (strstr (roles_err, "no longer accepts"));

  status = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "signed-in");
  g_assert_cmpint (run_credentials (fixture, name, NULL), ==, 0);
  assert_signed_in (fixture, name);
}

typedef struct
{
  guint refreshed;
  guint failed;
} CrowdResults;

static void
crowd_refreshed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CrowdResults *results = user_data;
  g_autoptr(GError) error = NULL;

  if (gh_session_refresh_finish (GH_SESSION (object), result, &error))
    results->refreshed++;
  else
    results->failed++;
}

static gboolean
crowd_done (gpointer data)
{
  CrowdResults *results = data;

  return results->refreshed + results->failed == 20;
}

/* Twenty callers find the token due (the clock moved to where it is) and wait for the sign-in's lock, which is held here meanwhile, as another process
 * would, so that all of them have read the token before any refresh: after it, one refreshes
 * and the others find its token. Each caller is a GhSession of its own, as in a process of
 * its own. */
static void
test_refresh_single_flight_due (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("crowd-due");
  g_autofree char *hash = gh_sha1_hex (name);
  g_autofree char *lock_name = g_strdup_printf ("session-%s.lock", hash);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GhLock) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhClock) clock = NULL;
  CrowdResults results = { 0, };

  sign_in_refresh_due (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 1);
  /* The callers here read the time as the commands do. */
  clock = gh_clock_new_manual (g_get_real_time () / G_USEC_PER_SEC + TEN_MINUTE_TOKEN_DUE);
  gh_clock_set_default (clock);

  held = gh_lock_acquire (lock_name, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 20; i++)
    {
      GhSession *session = gh_test_load_session (name);

      g_ptr_array_add (sessions, session);
      gh_session_refresh_async (session, FALSE, NULL, crowd_refreshed_cb, &results);
    }
  gh_test_sleep_ms (200);
  g_assert_cmpuint (results.refreshed + results.failed, ==, 0);

  g_clear_object (&held);
  gh_test_wait_for (crowd_done, &results, 60000, "twenty refreshes");
  g_assert_cmpuint (results.refreshed, ==, 20);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  assert_signed_in (fixture, name);
  g_ptr_array_set_size (sessions, 0);
  gh_clock_set_default (NULL);
}

static const GhTestCase subprocess_cases[] = {
  { "/login/refresh/single-flight/due", test_refresh_single_flight_due },
};

static void
test_invalid_client_reregisters (GhTestFixture *fixture,
                                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("reregister");

  g_object_set (fixture->sim, "auto-approve", TRUE, NULL);
  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, "--device-code",
                                    "--no-browser", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "RegisterClient"), ==, 1);

  gh_simulator_expire_registrations (fixture->sim);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, "--device-code",
                                    "--no-browser", "--force", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "RegisterClient"), ==, 2);
  assert_signed_in (fixture, name);
}

/* A forgotten registration would fail only in the browser; it is caught before. */
static void
test_invalid_client_pkce (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("reregister-pkce");

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, "--force", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "RegisterClient"), ==, 1);

  gh_simulator_expire_registrations (fixture->sim);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, "--force", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "RegisterClient"), ==, 2);
  g_assert_cmpuint (count_authorize_urls (fixture), ==, 3);
  assert_signed_in (fixture, name);
}

/* botocore reads the files Gatehouse wrote */

/* Adds a profile for `name` and resolves its credentials with botocore; returns the access
 * key id it printed. */
static char *
botocore_credentials (GhTestFixture *fixture,
                      const char    *name)
{
  g_autofree char *config = gh_test_path (fixture, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fixtures", "botocore-credentials.py", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *python = g_getenv ("GH_PYTHON");

  g_assert_nonnull (python);
  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  updated = g_strdup_printf ("%s\n[profile boto]\nsso_session = %s\nsso_account_id = 100000000001\n"
                             "sso_role_name = ReadOnly\nregion = eu-west-1\n", contents, name);
  g_assert_true (g_file_set_contents (config, updated, -1, NULL));

  launcher = gh_test_launcher (fixture);
  process = g_subprocess_launcher_spawn (launcher, &error, python, script, "boto", NULL);
  g_assert_no_error (error);
  if (gh_test_wait_cli (fixture, process, &out, &err) != 0)
    g_error ("botocore failed: %s", err);

  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "ASIA"));
  return g_steal_pointer (&out);
}

static void
test_botocore (GhTestFixture *fixture,
               gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("boto");
  g_autofree char *key = NULL;

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);

  key = botocore_credentials (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);
  /* botocore used the cached access token as it was: no refresh of its own */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 1);
}

/* With --cache-refresh-token the AWS CLI (botocore) can refresh on its own, and Gatehouse
 * picks up the refresh token botocore rotated instead of losing the sign-in. */
static void
test_botocore_refreshes_itself (GhTestFixture *fixture,
                                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("botorefresh");
  g_autofree char *url = gh_test_start_url (fixture);
  g_autofree char *key = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GhCachedToken) before = NULL;
  g_autoptr(GhCachedToken) after = NULL;

  g_object_set (fixture->sim, "access-token-lifetime", (gint64) 600, NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "session", "add", name,
                                    "--start-url", url, "--region", "us-east-1",
                                    "--cache-refresh-token", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  before = read_cache (fixture, name);
  g_assert_nonnull (before->refresh_token);
  g_assert_nonnull (before->client_secret);
  g_assert_cmpint (before->registration_expires_at, >, 0);

  key = botocore_credentials (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 2);
  after = read_cache (fixture, name);
  g_assert_cmpstr (after->refresh_token, !=, before->refresh_token);
  g_assert_false (gh_simulator_refresh_token_is_valid (fixture->sim, before->refresh_token));

  /* Gatehouse's next refresh (once due) uses the token botocore rotated into the file. */
  g_assert_true (gh_test_fake_clock (fixture, TEN_MINUTE_TOKEN_DUE));
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", "--json", NULL), ==, 0);
  gh_test_assert_contains (out, "\"state\" : \"signed-in\"");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==, 3);
}

/* `aws sso login` for sign-in `name`, done by botocore: the token cache file then holds the
 * AWS CLI's own access token, refresh token and client registration. */
static void
aws_sso_login (GhTestFixture *fixture,
               const char    *name)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fixtures", "aws-sso-login.py",
                                                   NULL);
  g_autofree char *url = gh_test_start_url (fixture);
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *python = g_getenv ("GH_PYTHON");

  g_assert_nonnull (python);
  process = g_subprocess_launcher_spawn (launcher, &error, python, script, name, url,
                                         "us-east-1", NULL);
  g_assert_no_error (error);
  if (gh_test_wait_cli (fixture, process, NULL, &err) != 0)
    g_error ("aws sso login failed: %s", err);
}

/* After `aws sso login`, the token cache holds the AWS CLI's refresh token, bound (as in IAM
 * Identity Center) to the CLI's client registration. Gatehouse refreshes with its own, keeps
 * the CLI's in the file, and botocore goes on refreshing the CLI's sign-in from there; with
 * --cache-refresh-token (data) or without. */
static void
test_other_client_tokens (GhTestFixture *fixture,
                          gconstpointer  data)
{
  gboolean cache_refresh_token = GPOINTER_TO_INT (data);
  g_autofree char *name = gh_test_unique_name ("cli-too");
  g_autofree char *url = gh_test_start_url (fixture);
  g_autofree char *ours = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GhCachedToken) cli = NULL;
  g_autoptr(GhCachedToken) after = NULL;
  g_autoptr(GhCachedToken) botocore = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) again = NULL;
  guint create_token;

  /* Ten-minute tokens: botocore refreshes them at once, Gatehouse once they are due. */
  g_object_set (fixture->sim, "access-token-lifetime", (gint64) 600, NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "session", "add", name,
                                    "--start-url", url, "--region", "us-east-1",
                                    cache_refresh_token ? "--cache-refresh-token" : NULL,
                                    NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  ours = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);

  aws_sso_login (fixture, name);
  cli = read_cache (fixture, name);
  g_assert_nonnull (cli->refresh_token);
  g_assert_cmpstr (cli->refresh_token, !=, ours);

  /* Gatehouse refreshes with its own refresh token and registration, once the token is due
   * (at once when its lifetime is not known, but the two tokens may share their second). */
  g_assert_true (gh_test_fake_clock (fixture, TEN_MINUTE_TOKEN_DUE));
  create_token = gh_simulator_get_request_count (fixture->sim, "CreateToken");
  status = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "signed-in");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==,
                    create_token + 1);
  g_assert_false (gh_simulator_refresh_token_is_valid (fixture->sim, ours));

  /* Its access token is in the file; the CLI's refresh token and registration still are. */
  after = read_cache (fixture, name);
  g_assert_cmpstr (after->access_token, !=, cli->access_token);
  g_assert_true (gh_simulator_access_token_is_valid (fixture->sim, after->access_token));
  g_assert_cmpstr (after->client_id, ==, cli->client_id);
  g_assert_cmpstr (after->client_secret, ==, cli->client_secret);
  g_assert_cmpint (after->registration_expires_at, ==, cli->registration_expires_at);
  g_assert_cmpstr (after->refresh_token, ==, cli->refresh_token);
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, cli->refresh_token));

  /* botocore refreshes the CLI's sign-in from the file. */
  key = botocore_credentials (fixture, name);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==,
                    create_token + 2);
  botocore = read_cache (fixture, name);
  g_assert_cmpstr (botocore->client_id, ==, cli->client_id);
  g_assert_cmpstr (botocore->refresh_token, !=, cli->refresh_token);
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, botocore->refresh_token));

  /* And Gatehouse's sign-in carries on beside it (its next refresh once due). */
  g_assert_true (gh_test_fake_clock (fixture, 2 * TEN_MINUTE_TOKEN_DUE));
  again = status_json (fixture, name);
  g_assert_cmpstr (json_object_get_string_member (again, "state"), ==, "signed-in");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==,
                    create_token + 3);
  g_assert_true (gh_simulator_refresh_token_is_valid (fixture->sim, botocore->refresh_token));
}

/* Bad input */

static void
test_bad_session_input (GhTestFixture *fixture,
                        gconstpointer  data)
{
  g_autofree char *url = gh_test_start_url (fixture);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *config = gh_test_path (fixture, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *with_odd = NULL;
  const char *odd = "my team [prod] 'x' \"y\"";

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", "plain",
                                    "--start-url", "http://portal.example.com/start",
                                    "--region", "us-east-1", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "https");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", "plain",
                                    "--start-url", url, "--region", "us-east", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "region");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", "two\nlines",
                                    "--start-url", url, "--region", "us-east-1", NULL),
                   ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_false (g_file_test (config, G_FILE_TEST_EXISTS));

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "session", "add", "plain",
                                    "--start-url", url, "--region", "us-east-1", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", "plain",
                                    "--start-url", url, "--region", "us-east-1", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "already exists");
  g_clear_pointer (&err, g_free);

  /* A new sign-in gets a name every AWS client reads… */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "session", "add", odd,
                                    "--start-url", url, "--region", "us-east-1", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "Use a name such as “my-team-prod-x-y”");

  /* …but one that `aws configure sso` wrote with such a name works end to end, including the
   * cache file name. */
  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  with_odd = g_strdup_printf ("%s[sso-session 'my team [prod] '\"'\"'x'\"'\"' \"y\"']\n"
                              "sso_start_url = %s\nsso_region = us-east-1\n", contents, url);
  g_assert_true (g_file_set_contents (config, with_odd, -1, NULL));
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "session", "list", NULL), ==, 0);
  gh_test_assert_contains (out, odd);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", odd, NULL), ==, 0);
  assert_signed_in (fixture, odd);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "session", "remove", odd, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", "nosuch", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "No sign-in named");
}

static void
test_config_symlink (GhTestFixture *fixture,
                     gconstpointer  data)
{
  g_autofree char *target = gh_test_path (fixture, "dotfiles/aws-config");
  g_autofree char *dotfiles = gh_test_path (fixture, "dotfiles");
  g_autofree char *aws = gh_test_path (fixture, ".aws");
  g_autofree char *link = gh_test_path (fixture, ".aws/config");
  g_autofree char *contents = NULL;
  const char *original = "# my settings\n[default]\nregion=eu-west-1\n";

  g_assert_cmpint (g_mkdir_with_parents (dotfiles, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (aws, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, original, -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);

  gh_test_add_session (fixture, "linked");
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, original));
  gh_test_assert_contains (contents, "[sso-session linked]");
}

/* Keyring problems: clear error, exit code 4, nothing written */

static void
test_no_keyring (GhTestFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("nokeyring");
  g_autofree char *err = NULL;
  g_autofree char *path = cache_path (fixture, name);
  g_autofree char *bus = g_strdup_printf ("DBUS_SESSION_BUS_ADDRESS=unix:path=%s/no-bus",
                                          fixture->home);

  gh_test_add_session (fixture, name);
  g_ptr_array_add (fixture->extra_env, g_steal_pointer (&bus));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", name, NULL), ==, EXIT_KEYRING);
  gh_test_assert_contains (err, "keyring");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_authorize_urls (fixture), ==, 0);
}

/* The browser cannot be opened: the URL is printed; the callback never comes: timeout */

static void
test_no_browser_timeout (GhTestFixture *fixture,
                         gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("nobrowser");
  g_autofree char *err = NULL;
  g_autofree char *empty = gh_test_path (fixture, "empty");
  g_autofree char *data_home = g_strdup_printf ("XDG_DATA_HOME=%s", empty);
  g_autofree char *config_home = g_strdup_printf ("XDG_CONFIG_HOME=%s", empty);
  g_autofree char *system = gh_test_path (fixture, "system");
  g_autofree char *schemas = gh_test_path (fixture, "system/glib-2.0");
  g_autofree char *data_dirs = g_strdup_printf ("XDG_DATA_DIRS=%s", system);
  g_autofree char *config_dirs = g_strdup_printf ("XDG_CONFIG_DIRS=%s", empty);

  /* System data with GIO's settings schemas but no application that handles http(s). */
  g_assert_cmpint (g_mkdir_with_parents (system, 0700), ==, 0);
  g_assert_cmpint (symlink ("/usr/share/glib-2.0", schemas), ==, 0);

  gh_test_add_session (fixture, name);
  g_ptr_array_add (fixture->extra_env, g_steal_pointer (&data_home));
  g_ptr_array_add (fixture->extra_env, g_steal_pointer (&config_home));
  g_ptr_array_add (fixture->extra_env, g_steal_pointer (&data_dirs));
  g_ptr_array_add (fixture->extra_env, g_steal_pointer (&config_dirs));
  g_ptr_array_add (fixture->extra_env, g_strdup ("GATEHOUSE_LOGIN_TIMEOUT=2"));

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", name, NULL),
                   ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (err, "Could not open a browser");
  gh_test_assert_contains (err, "/authorize?");
  /* The duration it waited, in the unit it was given. */
  gh_test_assert_contains (err, "not completed within 2 seconds");
}

/* Service faults */

static void
test_faults_retried (GhTestFixture *fixture,
                     gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("retry");

  gh_test_add_session (fixture, name);
  gh_simulator_inject_fault (fixture->sim, "RegisterClient", GH_SIM_FAULT_500, 1);
  gh_simulator_inject_fault (fixture->sim, "CreateToken", GH_SIM_FAULT_CLOSE, 1);
  gh_simulator_inject_fault (fixture->sim, "CreateToken", GH_SIM_FAULT_MALFORMED, 1);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  assert_signed_in (fixture, name);
}

typedef struct
{
  const char *operation;
  GhSimFault  fault;
  const char *message;
} FaultCase;

static void
test_fault_reported (GhTestFixture *fixture,
                     gconstpointer  data)
{
  const FaultCase *c = data;
  g_autofree char *name = gh_test_unique_name ("fault");
  g_autofree char *err = NULL;
  g_autofree char *path = cache_path (fixture, name);

  gh_test_add_session (fixture, name);
  gh_simulator_inject_fault (fixture->sim, c->operation, c->fault, 100);
  /* A request that hangs is given up after the HTTP timeout, four times over: one second each
   * is enough for a server that never answers. */
  if (c->fault == GH_SIM_FAULT_HANG)
    g_ptr_array_add (fixture->extra_env, g_strdup ("GATEHOUSE_HTTP_TIMEOUT=1"));
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", name, "--device-code",
                                    "--no-browser", NULL), ==, EXIT_SERVICE);
  gh_test_assert_contains (err, c->message);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static const FaultCase fault_cases[] = {
  { "RegisterClient", GH_SIM_FAULT_503, "HTTP 503" },
  { "StartDeviceAuthorization", GH_SIM_FAULT_MALFORMED, "not valid JSON" },
  { "RegisterClient", GH_SIM_FAULT_CLOSE, "cannot reach" },
  /* It took the request: it is slow, not unreachable. */
  { "RegisterClient", GH_SIM_FAULT_HANG, "AWS is slow to answer" },
};

/* Single flight: many logins at once open one browser tab */

static void
test_concurrent_logins (GhTestFixture *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("crowd");
  GSubprocess *processes[10];

  gh_test_add_session (fixture, name);
  g_object_set (fixture->sim, "latency-ms", 100, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    processes[i] = gh_test_spawn_cli (fixture, "login", name, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
    {
      g_assert_cmpint (gh_test_wait_cli (fixture, processes[i], NULL, NULL), ==, 0);
      g_object_unref (processes[i]);
    }

  g_assert_cmpuint (count_authorize_urls (fixture), ==, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "Authorize"), ==, 1);
  assert_signed_in (fixture, name);
}

/* Sign-out */

static void
test_logout (GhTestFixture *fixture,
             gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("logout");
  g_autofree char *path = cache_path (fixture, name);
  g_autofree char *refresh = NULL;
  g_autofree char *registration = NULL;
  g_autofree char *out = NULL;

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", name, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "logout", name, NULL), ==, 0);
  gh_test_assert_contains (out, "Signed out of");

  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "Logout"), ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  refresh = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  registration = gh_test_keyring_lookup (fixture, name, GH_SECRET_REGISTRATION);
  g_assert_null (refresh);
  g_assert_null (registration);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", NULL), ==, 0);
  gh_test_assert_contains (out, "signed out");
}

/* The loopback callback, driven directly (stray requests and foreign hosts: test-login-flow) */

typedef struct
{
  GhTestFixture *fixture;
  const char    *query;      /* what the fake redirect carries, besides the state */
  guint          second_status;
  GError        *error;
  gboolean       done;
} CallbackCase;

static guint
get_status (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  return soup_message_get_status (message);
}

static gpointer
visit_thread (gpointer data)
{
  char **urls = data;
  guint first = get_status (urls[0]);
  guint second = get_status (urls[0]);

  g_strfreev (urls);
  return GUINT_TO_POINTER ((first << 16) | second);
}

static GThread *visitor;

static void
fake_redirect_threaded (GhLoginFlow *flow,
                        const char  *url,
                        const char  *user_code,
                        gpointer     user_data)
{
  CallbackCase *c = user_data;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                                     G_URI_PARAMS_NONE, NULL);
  const char *redirect = g_hash_table_lookup (params, "redirect_uri");
  const char *state = g_hash_table_lookup (params, "state");
  g_autofree char *query = g_strdup_printf ("%s&state=%s", c->query, state);
  char **urls = g_new0 (char *, 2);

  urls[0] = g_strdup_printf ("%s?%s", redirect, query);
  visitor = g_thread_new ("browser", visit_thread, urls);
}

static void
flow_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CallbackCase *c = user_data;
  g_autoptr(GhTokenResponse) response = gh_login_flow_run_finish (GH_LOGIN_FLOW (object),
                                                                  result, &c->error);

  g_assert_null (response);
  c->done = TRUE;
}

static gboolean
flow_done (gpointer data)
{
  return ((CallbackCase *) data)->done;
}

static void
run_callback_case (GhTestFixture *fixture,
                   const char    *query,
                   GhError        expected)
{
  GhRegistration registration = { .client_id = (char *) "cid", .client_secret = (char *) "secret",
                                  .expires_at = G_MAXINT32, .flow = GH_FLOW_AUTHORIZATION_CODE };
  g_autoptr(GhHttp) http = gh_http_new ();
  g_autofree char *url = gh_test_start_url (fixture);
  g_autoptr(GhLoginFlow) flow = gh_login_flow_new (http, GH_FLOW_AUTHORIZATION_CODE,
                                                   gh_simulator_get_url (fixture->sim), url,
                                                   &registration, NULL);
  CallbackCase c = { .fixture = fixture, .query = query };
  guint statuses;

  g_signal_connect (flow, "present", G_CALLBACK (fake_redirect_threaded), &c);
  gh_login_flow_run_async (flow, NULL, flow_done_cb, &c);
  gh_test_wait_until (flow_done, &c, 20000);
  statuses = GPOINTER_TO_UINT (g_thread_join (visitor));

  g_assert_error (c.error, GH_ERROR, (gint) expected);
  g_assert_cmpuint (statuses >> 16, ==, 200);
  /* The listener is gone after the first callback: the second visit fails to connect (0) */
  g_assert_cmpuint (statuses & 0xffff, !=, 200);
  g_clear_error (&c.error);
}

static void
test_callback_error (GhTestFixture *fixture,
                     gconstpointer  data)
{
  run_callback_case (fixture, "error=access_denied&error_description=No+thanks",
                     GH_ERROR_ACCESS_DENIED);
}

/* A long-lived cancellable (the tray keeps one for its lifetime): cancelling it stops a waiting
 * sign-in, and touches nothing of flows that are over and gone. */
static void
test_cancel (GhTestFixture *fixture,
             gconstpointer  data)
{
  GhRegistration registration = { .client_id = (char *) "cid", .client_secret = (char *) "secret",
                                  .expires_at = G_MAXINT32, .flow = GH_FLOW_AUTHORIZATION_CODE };
  g_autoptr(GhHttp) http = gh_http_new ();
  g_autofree char *url = gh_test_start_url (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CallbackCase finished = { .fixture = fixture, .query = "error=access_denied" };
  CallbackCase waiting = { .fixture = fixture };
  GhLoginFlow *flow;

  /* A flow that ends (the user says no), then goes away. */
  flow = gh_login_flow_new (http, GH_FLOW_AUTHORIZATION_CODE, gh_simulator_get_url (fixture->sim),
                            url, &registration, NULL);
  g_signal_connect (flow, "present", G_CALLBACK (fake_redirect_threaded), &finished);
  gh_login_flow_run_async (flow, cancellable, flow_done_cb, &finished);
  gh_test_wait_until (flow_done, &finished, 20000);
  g_thread_join (visitor);
  g_assert_error (finished.error, GH_ERROR, GH_ERROR_ACCESS_DENIED);
  g_object_unref (flow);

  /* A flow that waits for a browser that never comes. */
  flow = gh_login_flow_new (http, GH_FLOW_AUTHORIZATION_CODE, gh_simulator_get_url (fixture->sim),
                            url, &registration, NULL);
  gh_login_flow_run_async (flow, cancellable, flow_done_cb, &waiting);
  gh_test_sleep_ms (200);
  g_assert_false (waiting.done);

  g_cancellable_cancel (cancellable);
  gh_test_wait_until (flow_done, &waiting, 5000);
  g_assert_error (waiting.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (flow);

  /* The handlers are disconnected from an idle; let it run before the cancellable goes. */
  gh_test_sleep_ms (50);
  g_clear_error (&finished.error);
  g_clear_error (&waiting.error);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

#define ADD(path, func) gh_test_add ("/login/" path, func)

  ADD ("pkce", test_pkce);
  ADD ("device-code", test_device_code);
  ADD ("device-code/denied", test_device_code_denied);
  ADD ("device-code/expired", test_device_code_expired);
  ADD ("refresh/rotation", test_refresh_rotation);
  ADD ("refresh/no-rotation", test_refresh_without_rotation);
  ADD ("refresh/short-tokens", test_refresh_short_tokens);
  ADD ("refresh/invalid-grant", test_refresh_invalid_grant);
  ADD ("refresh/single-flight/refused", test_refresh_single_flight_refused);
  ADD ("refresh/refused-twice", test_token_refused_twice);
  ADD ("refresh/slow-answer", test_refresh_slow_answer);
  ADD ("refresh/reply-lost", test_refresh_reply_lost);
  ADD ("refresh/unanswered-then-refused", test_refresh_unanswered_then_refused);
  ADD ("invalid-client", test_invalid_client_reregisters);
  ADD ("invalid-client/pkce", test_invalid_client_pkce);
  ADD ("botocore", test_botocore);
  ADD ("botocore/refreshes-itself", test_botocore_refreshes_itself);
  g_test_add ("/login/other-client/default", GhTestFixture, GINT_TO_POINTER (FALSE),
              gh_test_fixture_setup, test_other_client_tokens, gh_test_fixture_teardown);
  g_test_add ("/login/other-client/cache-refresh-token", GhTestFixture, GINT_TO_POINTER (TRUE),
              gh_test_fixture_setup, test_other_client_tokens, gh_test_fixture_teardown);
  ADD ("bad-input/session", test_bad_session_input);
  ADD ("bad-input/config-symlink", test_config_symlink);
  ADD ("keyring/missing", test_no_keyring);
  ADD ("browser/unavailable-and-timeout", test_no_browser_timeout);
  ADD ("faults/retried", test_faults_retried);
  ADD ("concurrent", test_concurrent_logins);
  ADD ("logout", test_logout);
  ADD ("callback/error", test_callback_error);
  ADD ("cancel", test_cancel);

  gh_test_add_subprocess_cases (subprocess_cases, G_N_ELEMENTS (subprocess_cases));

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/login/faults/reported/%u", i);

      g_test_add (path, GhTestFixture, &fault_cases[i], gh_test_fixture_setup,
                  test_fault_reported, gh_test_fixture_teardown);
    }

  return gh_test_env_run ();
}
