/* test-federation-sim.c — gh_federation_get_signin_token_async() and the sign-in/sign-out URLs
 * against the simulator, with role credentials from a real sign-in
 *
 * The CLI signs in with the fixture's environment and the core calls here must see the same
 * one, so every case runs in a subprocess of its own (gh_test_add_subprocess_cases()).
 */
#include "config.h"

#include <libsoup/soup.h>

#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-federation.h"
#include "gh-role-credentials.h"
#include "gh-secret-store.h"
#include "gh-session.h"
#include "gh-test-env.h"

#define ACCOUNT "100000000001"
#define ROLE "ReadOnly"
#define OP "GetSigninToken"

typedef struct
{
  gboolean  done;
  gpointer  value;
  GError   *error;
} Wait;

static gboolean
wait_done (gpointer data)
{
  return ((Wait *) data)->done;
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = gh_federation_get_signin_token_finish (result, &wait->error);
  wait->done = TRUE;
}

/* Signs in with the CLI and gets credentials for ACCOUNT/ROLE. */
static GhRoleCredentials *
signed_in_credentials (GhTestFixture  *fixture,
                       const char     *base,
                       GhSession     **session_out)
{
  g_autofree char *name = gh_test_unique_name (base);
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GError) error = NULL;
  GhRoleCredentials *credentials;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  credentials = gh_test_get_role_credentials (session, ACCOUNT, ROLE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);

  if (session_out != NULL)
    *session_out = g_steal_pointer (&session);
  return credentials;
}

static char *
signin_url (void)
{
  g_autoptr(GError) error = NULL;
  char *url = gh_endpoint_url (GH_SERVICE_SIGNIN, "us-east-1", &error);

  g_assert_no_error (error);
  return url;
}

static GhHttp *
fast_http (void)
{
  GhHttp *http = gh_http_new ();

  gh_http_set_retry_policy (http, 3, 1, 5);
  return http;
}

static char *
get_token (GhHttp                   *http,
           const GhRoleCredentials  *credentials,
           guint                     session_duration,
           GError                  **error)
{
  g_autofree char *url = signin_url ();
  Wait wait = { 0, };

  gh_federation_get_signin_token_async (http, url, credentials, session_duration, NULL,
                                        token_cb, &wait);
  gh_test_wait_until (wait_done, &wait, 60000);
  g_assert_true ((wait.value == NULL) != (wait.error == NULL));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.value;
}

/* Nothing of the credentials or the request in an error message. */
static void
assert_no_secrets (const GError            *error,
                   const GhRoleCredentials *credentials)
{
  g_autofree char *escaped_key = g_uri_escape_string (credentials->secret_access_key, NULL,
                                                      FALSE);
  g_autofree char *escaped_token = g_uri_escape_string (credentials->session_token, NULL,
                                                        FALSE);

  g_assert_null (strstr (error->message, credentials->secret_access_key));
  g_assert_null (strstr (error->message, credentials->session_token));
  g_assert_null (strstr (error->message, escaped_key));
  g_assert_null (strstr (error->message, escaped_token));
  g_assert_null (strstr (error->message, "Session="));
  g_assert_null (strstr (error->message, "getSigninToken"));
  g_assert_null (strstr (error->message, "/federation"));
}

typedef struct
{
  guint  status;
  char  *location;
  char  *body;
} Response;

static void
response_free (Response *response)
{
  g_free (response->location);
  g_free (response->body);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->value = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &wait->error);
  wait->done = TRUE;
}

/* A GET as a browser's first hop: no redirects followed. */
static Response *
browser_get (const char *url)
{
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  Response *response = g_new0 (Response, 1);
  Wait wait = { 0, };

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (soup, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &wait);
  gh_test_wait_until (wait_done, &wait, 10000);
  g_assert_no_error (wait.error);
  bytes = wait.value;

  response->status = soup_message_get_status (msg);
  response->location = g_strdup (soup_message_headers_get_one (
                                   soup_message_get_response_headers (msg), "Location"));
  response->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return response;
}

/* Cases */

/* Token, then the login URL a browser follows: the simulator records exactly that role and
 * the destination. */
static void
test_success (GhTestFixture *fixture)
{
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-ok", &session);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = signin_url ();
  g_autofree char *destination = NULL;
  g_autofree char *login = NULL;
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) again = NULL;
  char *token;
  GPtrArray *logins;

  token = get_token (http, credentials, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 1);

  destination = gh_console_destination ("us-west-2", "ec2", &error);
  g_assert_no_error (error);
  login = gh_federation_login_url (url, gh_session_get_start_url (session), destination, token);
  gh_secret_free (token);

  response = browser_get (login);
  g_assert_cmpuint (response->status, ==, 200);
  logins = gh_simulator_get_console_logins (fixture->sim);
  g_assert_cmpuint (logins->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logins, 0), ==, ACCOUNT "/" ROLE);
  g_assert_cmpstr (gh_simulator_get_last_console_destination (fixture->sim), ==,
                   "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2");

  /* The token is single-use. */
  again = browser_get (login);
  g_assert_cmpuint (again->status, ==, 400);
  g_assert_cmpuint (logins->len, ==, 1);
}

/* A valid SessionDuration is sent and accepted (one request). */
static void
test_session_duration (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-dur", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;
  char *token;

  token = get_token (http, credentials, 3600, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  gh_secret_free (token);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 1);
}

/* The endpoint refuses any SessionDuration: one retry without it. Out of range too. */
static void
test_session_duration_rejected (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-dur-rej", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;
  char *token;

  g_object_set (fixture->sim, "reject-session-duration", TRUE, NULL);
  token = get_token (http, credentials, 3600, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  gh_secret_free (token);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 2);

  g_object_set (fixture->sim, "reject-session-duration", FALSE, NULL);
  token = get_token (http, credentials, 60, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  gh_secret_free (token);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 4);
}

/* A 400 with an HTML body: a clear message, no URL and no credentials in it, no retry. */
static void
test_refused (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-400", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;
  char *token;

  /* Credentials the endpoint does not know. */
  g_free (credentials->secret_access_key);
  credentials->secret_access_key = g_strdup ("wrongSecret/Key+With=Specials0123456789ab");

  token = get_token (http, credentials, 0, &error);
  g_assert_null (token);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_REQUEST);
  gh_test_assert_contains (error->message, "refused the credentials (HTTP 400)");
  assert_no_secrets (error, credentials);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 1);
  g_clear_error (&error);

  /* With a duration: retried once without it, then the same clear error. */
  token = get_token (http, credentials, 3600, &error);
  g_assert_null (token);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_REQUEST);
  gh_test_assert_contains (error->message, "refused the credentials (HTTP 400)");
  assert_no_secrets (error, credentials);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 3);
}

/* Expired credentials are a 400 too. */
static void
test_expired (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-exp", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;

  g_object_set (fixture->sim, "clock-offset", (gint64) 7200, NULL);
  g_assert_null (get_token (http, credentials, 0, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_REQUEST);
  gh_test_assert_contains (error->message, "HTTP 400");
  assert_no_secrets (error, credentials);
}

/* 5xx are retried by GhHttp. */
static void
test_server_error_then_success (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-500", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;
  char *token;

  gh_simulator_inject_fault (fixture->sim, OP, GH_SIM_FAULT_500, 1);
  gh_simulator_inject_fault (fixture->sim, OP, GH_SIM_FAULT_503, 1);
  token = get_token (http, credentials, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  gh_secret_free (token);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 3);
}

static void
test_server_error (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-5xx", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;

  gh_simulator_inject_fault (fixture->sim, OP, GH_SIM_FAULT_500, 10);
  g_assert_null (get_token (http, credentials, 3600, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_SERVER);
  assert_no_secrets (error, credentials);
  /* Not the SessionDuration fallback: three attempts, all with the duration. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, OP), ==, 3);
}

static void
test_malformed (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-bad", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;

  gh_simulator_inject_fault (fixture->sim, OP, GH_SIM_FAULT_MALFORMED, 10);
  g_assert_null (get_token (http, credentials, 0, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
  assert_no_secrets (error, credentials);
}

/* Network failure: the message names the host at most. */
static void
test_unreachable (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-net", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;

  gh_simulator_inject_fault (fixture->sim, OP, GH_SIM_FAULT_CLOSE, 10);
  g_assert_null (get_token (http, credentials, 0, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NETWORK);
  assert_no_secrets (error, credentials);
}

/* Switching roles: the sign-out redirects to the next sign-in URL, which then works. */
static void
test_logout_then_login (GhTestFixture *fixture)
{
  g_autoptr(GhRoleCredentials) credentials = signed_in_credentials (fixture, "fed-logout", NULL);
  g_autoptr(GhHttp) http = fast_http ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = signin_url ();
  g_autofree char *destination = gh_console_destination ("us-east-1", NULL, NULL);
  g_autofree char *login = NULL;
  g_autofree char *logout = NULL;
  g_autofree char *evil = NULL;
  g_autoptr(Response) first = NULL;
  g_autoptr(Response) second = NULL;
  g_autoptr(Response) refused = NULL;
  char *token;

  token = get_token (http, credentials, 0, &error);
  g_assert_no_error (error);
  login = gh_federation_login_url (url, "", destination, token);
  gh_secret_free (token);
  logout = gh_federation_logout_url (url, login);

  first = browser_get (logout);
  g_assert_cmpuint (first->status, ==, 302);
  g_assert_cmpstr (first->location, ==, login);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ConsoleLogout"), ==, 1);
  g_assert_cmpuint (gh_simulator_get_console_logins (fixture->sim)->len, ==, 0);

  second = browser_get (first->location);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpuint (gh_simulator_get_console_logins (fixture->sim)->len, ==, 1);
  g_assert_cmpstr (gh_simulator_get_last_console_destination (fixture->sim), ==, destination);

  /* The simulator is no open redirect. */
  evil = gh_federation_logout_url (url, "https://evil.example.com/");
  refused = browser_get (evil);
  g_assert_cmpuint (refused->status, ==, 400);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ConsoleLogout"), ==, 2);
}

/* Each case in a fresh process (see the top of the file) */

static const GhTestCase cases[] = {
  { "/federation-sim/success", test_success },
  { "/federation-sim/session-duration", test_session_duration },
  { "/federation-sim/session-duration-rejected", test_session_duration_rejected },
  { "/federation-sim/refused", test_refused },
  { "/federation-sim/expired", test_expired },
  { "/federation-sim/server-error-then-success", test_server_error_then_success },
  { "/federation-sim/server-error", test_server_error },
  { "/federation-sim/malformed", test_malformed },
  { "/federation-sim/unreachable", test_unreachable },
  { "/federation-sim/logout-then-login", test_logout_then_login },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));

  return gh_test_env_run ();
}
