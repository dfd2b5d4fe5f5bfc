/* test-credential-server.c — GhCredentialServer against the simulator: what it refuses, the
 * answer's shape, renewal before expiry, and a failed renewal (the current credentials until
 * they expire, then 503 with why)
 *
 * The server renews through the keyring and the simulator with the CLI's environment, so
 * every case runs in a subprocess of its own (gh_test_add_subprocess_cases()).
 */
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "gh-credential-server.h"
#include "gh-error.h"
#include "gh-test-env.h"
#include "gh-token-cache.h"

#define ACCOUNT "100000000001"
#define ROLE "ReadOnly"

typedef struct
{
  GhCredentialServer *server;
  GhRoleCredentials  *credentials;   /* what it was started with */
  guint               renewed;
  guint               failed;
  GError             *error;         /* from renewal-failed */
} Served;

static void
renewed_cb (GhCredentialServer *server,
            Served             *served)
{
  served->renewed++;
}

static void
renewal_failed_cb (GhCredentialServer *server,
                   const GError       *error,
                   Served             *served)
{
  served->failed++;
  g_clear_error (&served->error);
  served->error = g_error_copy (error);
}

static void
serve (GhTestFixture *fixture,
       Served        *served)
{
  g_autofree char *name = gh_test_unique_name ("credserver");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GError) error = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  served->credentials = gh_test_get_role_credentials (session, ACCOUNT, ROLE, FALSE, &error);
  g_assert_no_error (error);
  served->server = gh_credential_server_new (session, ACCOUNT, ROLE, served->credentials,
                                             &error);
  g_assert_no_error (error);
  g_signal_connect (served->server, "renewed", G_CALLBACK (renewed_cb), served);
  g_signal_connect (served->server, "renewal-failed", G_CALLBACK (renewal_failed_cb), served);
}

static void
served_clear (Served *served)
{
  g_clear_object (&served->server);
  g_clear_pointer (&served->credentials, gh_role_credentials_free);
  g_clear_error (&served->error);
}

/* A raw HTTP/1.1 request, so the Host header is the test's to choose; made on a thread, as
 * the server answers on this thread's main loop. */
typedef struct
{
  char     *request;
  guint16   port;
  guint     status;
  char     *body;
  gboolean  done;
} Raw;

static gpointer
raw_thread (gpointer data)
{
  Raw *raw = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  guint8 buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             raw->request, strlen (raw->request), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (response, buffer, n);
  g_assert_no_error (error);
  g_byte_array_append (response, (const guint8 *) "", 1);

  g_assert_true (sscanf ((char *) response->data, "HTTP/1.1 %u", &raw->status) == 1);
  raw->body = g_strdup (strstr ((char *) response->data, "\r\n\r\n") + 4);
  g_atomic_int_set (&raw->done, TRUE);
  return NULL;
}

static gboolean
raw_done (gpointer data)
{
  return g_atomic_int_get (&((Raw *) data)->done);
}

/* The status; the body in @body. @host or @authorization NULL: that header is left out. */
static guint
request (GhCredentialServer  *server,
         const char          *method,
         const char          *path,
         const char          *host,
         const char          *authorization,
         char               **body)
{
  g_autoptr(GUri) uri = g_uri_parse (gh_credential_server_get_url (server), G_URI_FLAGS_NONE,
                                     NULL);
  GString *text = g_string_new (NULL);
  Raw raw = { 0, };
  GThread *thread;

  g_string_append_printf (text, "%s %s HTTP/1.1\r\n", method,
                          path != NULL ? path : g_uri_get_path (uri));
  if (host != NULL)
    g_string_append_printf (text, "Host: %s\r\n", host);
  if (authorization != NULL)
    g_string_append_printf (text, "Authorization: %s\r\n", authorization);
  g_string_append (text, "Connection: close\r\n\r\n");
  raw.request = g_string_free (text, FALSE);
  raw.port = (guint16) g_uri_get_port (uri);

  thread = g_thread_new ("request", raw_thread, &raw);
  gh_test_wait_for (raw_done, &raw, 30000, "an answer from the credential server");
  g_thread_join (thread);

  g_free (raw.request);
  if (body != NULL)
    *body = g_steal_pointer (&raw.body);
  g_free (raw.body);
  return raw.status;
}

static char *
good_host (GhCredentialServer *server)
{
  g_autoptr(GUri) uri = g_uri_parse (gh_credential_server_get_url (server), G_URI_FLAGS_NONE,
                                     NULL);

  return g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
}

/* GET with the token: 200 and the credentials' JSON, parsed. */
static JsonObject *
get_credentials (GhCredentialServer *server)
{
  g_autofree char *host = good_host (server);
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  guint status = request (server, "GET", NULL, host, gh_credential_server_get_token (server),
                          &body);

  if (status != 200)
    g_error ("HTTP %u: %s", status, body);
  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_refusals (GhTestFixture *fixture)
{
  Served served = { 0, };
  g_autofree char *host = NULL;
  g_autofree char *localhost = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected_expiration = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *token;
  g_autoptr(GUri) uri = NULL;

  serve (fixture, &served);
  token = gh_credential_server_get_token (served.server);
  host = good_host (served.server);
  uri = g_uri_parse (gh_credential_server_get_url (served.server), G_URI_FLAGS_NONE, NULL);
  localhost = g_strdup_printf ("localhost:%d", g_uri_get_port (uri));
  wrong = g_strdup (token);
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';

  g_assert_true (g_str_has_prefix (gh_credential_server_get_url (served.server),
                                   "http://127.0.0.1:"));
  g_assert_cmpuint (strlen (token), ==, 43);

  g_assert_cmpuint (request (served.server, "GET", NULL, host, NULL, &body), ==, 403);
  g_assert_null (strstr (body, served.credentials->access_key_id));
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (request (served.server, "GET", NULL, host, wrong, NULL), ==, 403);
  g_assert_cmpuint (request (served.server, "GET", NULL, host, "", NULL), ==, 403);
  /* A page that rebinds its own name to 127.0.0.1 sends its own name, token or not. */
  g_assert_cmpuint (request (served.server, "GET", NULL, "evil.example", token, NULL), ==, 403);
  g_assert_cmpuint (request (served.server, "GET", NULL, "127.0.0.1", token, NULL), ==, 403);
  g_assert_cmpuint (request (served.server, "GET", "/other", host, token, NULL), ==, 404);
  g_assert_cmpuint (request (served.server, "POST", NULL, host, token, NULL), ==, 405);
  g_assert_cmpuint (request (served.server, "GET", NULL, localhost, token, NULL), ==, 200);

  object = get_credentials (served.server);
  expected_expiration = gh_format_expires_at (served.credentials->expiration);
  g_assert_cmpstr (json_object_get_string_member (object, "AccessKeyId"), ==,
                   served.credentials->access_key_id);
  g_assert_cmpstr (json_object_get_string_member (object, "SecretAccessKey"), ==,
                   served.credentials->secret_access_key);
  g_assert_cmpstr (json_object_get_string_member (object, "Token"), ==,
                   served.credentials->session_token);
  g_assert_cmpstr (json_object_get_string_member (object, "Expiration"), ==,
                   expected_expiration);
  g_assert_cmpstr (json_object_get_string_member (object, "AccountId"), ==, ACCOUNT);
  /* Long-lived credentials are served as they are: no renewal per request. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);
  g_assert_cmpuint (served.renewed, ==, 0);
  served_clear (&served);
}

static gboolean
was_renewed (gpointer data)
{
  return ((Served *) data)->renewed > 0;
}

static gboolean
renewal_failed (gpointer data)
{
  return ((Served *) data)->failed > 0;
}

/* Renewed by the timer at half of a short lifetime, before they expire. */
static void
test_renewal (GhTestFixture *fixture)
{
  Served served = { 0, };
  g_autoptr(JsonObject) object = NULL;

  g_object_set (fixture->sim, "role-credential-lifetime", (gint64) 4, NULL);
  serve (fixture, &served);
  gh_test_wait_for (was_renewed, &served, 10000, "a renewal");
  g_assert_cmpint (g_get_real_time () / G_USEC_PER_SEC, <, served.credentials->expiration);

  object = get_credentials (served.server);
  g_assert_cmpstr (json_object_get_string_member (object, "AccessKeyId"), !=,
                   served.credentials->access_key_id);
  g_assert_cmpint (gh_credential_server_get_expiration (served.server), >,
                   served.credentials->expiration);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 2);
  served_clear (&served);
}

static gboolean
has_expired (gpointer data)
{
  return g_get_real_time () / G_USEC_PER_SEC >= ((Served *) data)->credentials->expiration;
}

/* A failed renewal: the current credentials while they last, then 503 saying why. */
static void
test_renewal_failure (GhTestFixture *fixture)
{
  Served served = { 0, };
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *host = NULL;
  g_autofree char *body = NULL;

  g_object_set (fixture->sim, "role-credential-lifetime", (gint64) 4, NULL);
  serve (fixture, &served);
  gh_simulator_inject_fault (fixture->sim, "GetRoleCredentials", GH_SIM_FAULT_MALFORMED, 100);
  gh_test_wait_for (renewal_failed, &served, 20000, "a failed renewal");
  g_assert_error (served.error, GH_ERROR, GH_ERROR_MALFORMED);

  if (!has_expired (&served))
    {
      object = get_credentials (served.server);
      g_assert_cmpstr (json_object_get_string_member (object, "AccessKeyId"), ==,
                       served.credentials->access_key_id);
    }

  gh_test_wait_for (has_expired, &served, 20000, "the credentials to expire");
  host = good_host (served.server);
  g_assert_cmpuint (request (served.server, "GET", NULL, host,
                             gh_credential_server_get_token (served.server), &body), ==, 503);
  gh_test_assert_contains (body, "have expired and could not be renewed");
  g_assert_null (strstr (body, served.credentials->access_key_id));
  served_clear (&served);
}

static const GhTestCase cases[] = {
  { "/credential-server/refusals", test_refusals },
  { "/credential-server/renewal", test_renewal },
  { "/credential-server/renewal-failure", test_renewal_failure },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));
  return gh_test_env_run ();
}
