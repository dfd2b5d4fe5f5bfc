/* test-simulator.c — tests of the Identity Center simulator itself, with raw libsoup requests
 *
 * Each test gets its own simulator on an ephemeral port. Time-dependent behaviour is driven
 * through the simulator's clock-offset property rather than by sleeping.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "gh-simulator.h"
#include "gh-test-env.h"

#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"
#define OIDC_SUFFIX  ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
#define PORTAL_SUFFIX ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"
#define RFC_VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define RFC_CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define CALLBACK_URI  "http://127.0.0.1:55555/oauth/callback"

typedef struct
{
  GhSimulator *sim;
  SoupSession *session;
} Fixture;

typedef struct
{
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
  GError             *error;
  JsonParser         *parser;
  gboolean            done;
} Response;

static void
response_free (Response *r)
{
  g_free (r->body);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_error (&r->error);
  g_clear_object (&r->parser);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->sim = gh_simulator_new ();
  g_assert_true (gh_simulator_start (f->sim, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (gh_simulator_get_url (f->sim), "http://127.0.0.1:"));
  /* No system proxy lookup: it would load GSettings schemas the isolated test dirs lack. */
  f->session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_assert_finalize_object (f->sim);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ------------------------------------------------------------------------------------------ */
/* Requests */

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Response *r = user_data;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);
  if (bytes != NULL)
    r->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (msg != NULL)
    {
      r->status = soup_message_get_status (msg);
      r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
    }
  r->done = TRUE;
}

static SoupMessage *
new_message (Fixture    *f,
             const char *method,
             const char *path,
             const char *bearer,
             const char *content_type,
             const char *body)
{
  g_autofree char *url = g_strconcat (gh_simulator_get_url (f->sim), path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (bearer != NULL)
    soup_message_headers_append (soup_message_get_request_headers (msg),
                                 "x-amz-sso_bearer_token", bearer);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  return msg;
}

static Response *
send_message (Fixture      *f,
              SoupMessage  *msg,
              GCancellable *cancellable)
{
  Response *r = g_new0 (Response, 1);

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);

  return r;
}

static Response *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *bearer,
         const char *content_type,
         const char *body)
{
  g_autoptr(SoupMessage) msg = new_message (f, method, path, bearer, content_type, body);

  return send_message (f, msg, NULL);
}

static Response *
get (Fixture    *f,
     const char *path,
     const char *bearer)
{
  return request (f, "GET", path, bearer, NULL, NULL);
}

static Response *
post_json (Fixture    *f,
           const char *path,
           const char *body)
{
  return request (f, "POST", path, NULL, "application/json", body);
}

static JsonObject *
response_json (Response *r)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_no_error (r->error);
  g_assert_nonnull (r->body);
  if (r->parser == NULL)
    {
      r->parser = json_parser_new ();
      json_parser_load_from_data (r->parser, r->body, -1, &error);
      g_assert_no_error (error);
    }
  root = json_parser_get_root (r->parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_node_get_object (root);
}

static const char *
member (Response   *r,
        const char *name)
{
  return json_object_get_string_member_with_default (response_json (r), name, NULL);
}

static void
assert_oidc_error (Response   *r,
                   guint       status,
                   const char *exception,
                   const char *error)
{
  g_autofree char *header = g_strconcat (exception, OIDC_SUFFIX, NULL);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "x-amzn-ErrorType"), ==, header);
  g_assert_cmpstr (member (r, "error"), ==, error);
  g_assert_nonnull (member (r, "error_description"));
}

static void
assert_portal_error (Response   *r,
                     guint       status,
                     const char *exception,
                     const char *message)
{
  g_autofree char *header = g_strconcat (exception, PORTAL_SUFFIX, NULL);
  g_autofree char *type = g_strconcat ("com.amazonaws.switchboard.portal#", exception, NULL);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "x-amzn-ErrorType"), ==, header);
  g_assert_cmpstr (member (r, "__type"), ==, type);
  if (message != NULL)
    g_assert_cmpstr (member (r, "message"), ==, message);
}

/* ------------------------------------------------------------------------------------------ */
/* Flows */

typedef struct
{
  char *client_id;
  char *client_secret;
} Client;

static void
client_clear (Client *c)
{
  g_clear_pointer (&c->client_id, g_free);
  g_clear_pointer (&c->client_secret, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Client, client_clear)

static void
register_client (Fixture    *f,
                 const char *extra_members,
                 Client     *out)
{
  g_autofree char *body = g_strdup_printf ("{\"clientName\":\"test\",\"clientType\":\"public\"%s}",
                                           extra_members ? extra_members : "");
  g_autoptr(Response) r = post_json (f, "/client/register", body);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 lifetime, offset;
  JsonObject *obj;

  g_object_get (f->sim, "registration-lifetime", &lifetime, "clock-offset", &offset, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  obj = response_json (r);
  out->client_id = g_strdup (member (r, "clientId"));
  out->client_secret = g_strdup (member (r, "clientSecret"));
  g_assert_nonnull (out->client_id);
  g_assert_cmpuint (strlen (out->client_secret), >, 512);
  g_assert_cmpint (json_object_get_int_member (obj, "clientIdIssuedAt"), <=, now + offset + 1);
  g_assert_cmpint (json_object_get_int_member (obj, "clientSecretExpiresAt"), >=,
                   now + offset + lifetime - 5);
}

static void
register_scoped_client (Fixture *f,
                        Client  *out)
{
  register_client (f, ",\"scopes\":[\"sso:account:access\"]", out);
}

static Response *
start_device_authorization (Fixture *f,
                            Client  *c)
{
  g_autofree char *body = NULL;

  body = g_strdup_printf ("{\"clientId\":\"%s\",\"clientSecret\":\"%s\","
                          "\"startUrl\":\"https://d-1234567890.awsapps.com/start\"}",
                          c->client_id, c->client_secret);

  return post_json (f, "/device_authorization", body);
}

static Response *
poll_token (Fixture    *f,
            Client     *c,
            const char *device_code)
{
  g_autofree char *body = g_strdup_printf ("{\"grantType\":\"" DEVICE_GRANT "\","
                                           "\"clientId\":\"%s\",\"clientSecret\":\"%s\","
                                           "\"deviceCode\":\"%s\"}",
                                           c->client_id, c->client_secret, device_code);

  return post_json (f, "/token", body);
}

static Response *
refresh (Fixture    *f,
         Client     *c,
         const char *refresh_token)
{
  g_autofree char *body = g_strdup_printf ("{\"grantType\":\"refresh_token\","
                                           "\"clientId\":\"%s\",\"clientSecret\":\"%s\","
                                           "\"refreshToken\":\"%s\"}",
                                           c->client_id, c->client_secret, refresh_token);

  return post_json (f, "/token", body);
}

/* Device login with auto-approve; returns the CreateToken response. */
static Response *
device_login (Fixture *f,
              Client  *c)
{
  g_autoptr(Response) start = start_device_authorization (f, c);

  g_assert_cmpuint (start->status, ==, 200);
  return poll_token (f, c, member (start, "deviceCode"));
}

static char *
login_access_token (Fixture *f,
                    Client  *c)
{
  g_autoptr(Response) r = device_login (f, c);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (member (r, "accessToken"));
}

/* ------------------------------------------------------------------------------------------ */
/* OIDC */

static void
test_device_flow (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) start = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;
  g_autoptr(Response) r4 = NULL;
  g_autofree char *complete = NULL;
  const char *user_code;
  const char *device_code;
  JsonObject *obj;

  g_object_set (f->sim, "auto-approve", FALSE, NULL);
  register_scoped_client (f, &c);

  start = start_device_authorization (f, &c);
  g_assert_cmpuint (start->status, ==, 200);
  obj = response_json (start);
  user_code = member (start, "userCode");
  device_code = member (start, "deviceCode");
  g_assert_nonnull (device_code);
  g_assert_cmpuint (strlen (user_code), ==, 9);
  g_assert_cmpint (user_code[4], ==, '-');
  g_assert_cmpint (json_object_get_int_member (obj, "expiresIn"), ==, 600);
  g_assert_cmpint (json_object_get_int_member (obj, "interval"), ==, 1);
  g_assert_true (g_str_has_prefix (member (start, "verificationUri"),
                                   gh_simulator_get_url (f->sim)));
  complete = g_strdup_printf ("%s/device?user_code=%s", gh_simulator_get_url (f->sim), user_code);
  g_assert_cmpstr (member (start, "verificationUriComplete"), ==, complete);

  g_assert_cmpuint (gh_simulator_get_pending_count (f->sim), ==, 1);
  g_assert_cmpstr (gh_simulator_get_last_user_code (f->sim), ==, user_code);

  r1 = poll_token (f, &c, device_code);
  assert_oidc_error (r1, 400, "AuthorizationPendingException", "authorization_pending");

  /* Polling again at once is faster than the interval. */
  r2 = poll_token (f, &c, device_code);
  assert_oidc_error (r2, 400, "SlowDownException", "slow_down");

  g_assert_cmpuint (gh_simulator_approve (f->sim, "NOPE-NOPE"), ==, 0);
  g_assert_cmpuint (gh_simulator_approve (f->sim, user_code), ==, 1);
  g_assert_cmpuint (gh_simulator_get_pending_count (f->sim), ==, 0);
  g_assert_null (gh_simulator_get_last_user_code (f->sim));

  g_object_set (f->sim, "clock-offset", (gint64) 2, NULL);
  r3 = poll_token (f, &c, device_code);
  g_assert_cmpuint (r3->status, ==, 200);
  obj = response_json (r3);
  g_assert_cmpstr (member (r3, "tokenType"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (obj, "expiresIn"), >=, 3598);
  g_assert_cmpint (json_object_get_int_member (obj, "expiresIn"), <=, 3600);
  g_assert_nonnull (member (r3, "refreshToken"));
  g_assert_false (json_object_has_member (obj, "idToken"));
  g_assert_true (gh_simulator_access_token_is_valid (f->sim, member (r3, "accessToken")));
  g_assert_true (gh_simulator_refresh_token_is_valid (f->sim, member (r3, "refreshToken")));

  /* A device code is exchanged once. */
  g_object_set (f->sim, "clock-offset", (gint64) 4, NULL);
  r4 = poll_token (f, &c, device_code);
  assert_oidc_error (r4, 400, "InvalidGrantException", "invalid_grant");

  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "CreateToken"), ==, 4);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "StartDeviceAuthorization"), ==, 1);
}

static void
test_device_deny_expire (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) start1 = NULL;
  g_autoptr(Response) start2 = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;

  g_object_set (f->sim, "auto-approve", FALSE, NULL);
  register_scoped_client (f, &c);

  start1 = start_device_authorization (f, &c);
  start2 = start_device_authorization (f, &c);
  g_assert_cmpstr (gh_simulator_get_last_user_code (f->sim), ==, member (start2, "userCode"));
  g_assert_cmpuint (gh_simulator_deny (f->sim, member (start1, "userCode")), ==, 1);
  g_assert_cmpuint (gh_simulator_get_pending_count (f->sim), ==, 1);

  r1 = poll_token (f, &c, member (start1, "deviceCode"));
  assert_oidc_error (r1, 400, "AccessDeniedException", "access_denied");

  r2 = poll_token (f, &c, "not-a-device-code");
  assert_oidc_error (r2, 400, "InvalidGrantException", "invalid_grant");

  g_object_set (f->sim, "clock-offset", (gint64) 601, NULL);
  r3 = poll_token (f, &c, member (start2, "deviceCode"));
  assert_oidc_error (r3, 400, "ExpiredTokenException", "expired_token");
  g_assert_cmpuint (gh_simulator_get_pending_count (f->sim), ==, 0);
}

static void
test_device_no_scopes (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) r = NULL;
  JsonObject *obj;

  register_client (f, NULL, &c);
  r = device_login (f, &c);
  g_assert_cmpuint (r->status, ==, 200);
  obj = response_json (r);
  g_assert_false (json_object_has_member (obj, "refreshToken"));
  /* Without a refresh token the access token lasts the whole sign-in session. */
  g_assert_cmpint (json_object_get_int_member (obj, "expiresIn"), >=, 28798);
  g_assert_cmpint (json_object_get_int_member (obj, "expiresIn"), <=, 28800);
}

static void
register_auth_code_client (Fixture *f,
                           Client  *c)
{
  register_client (f, ",\"scopes\":[\"sso:account:access\"],"
                   "\"grantTypes\":[\"authorization_code\",\"refresh_token\"],"
                   "\"redirectUris\":[\"http://127.0.0.1/oauth/callback\"],"
                   "\"issuerUrl\":\"https://d-1234567890.awsapps.com/start\"", c);
}

static char *
authorize_path (Client     *c,
                const char *redirect_uri,
                const char *state,
                gboolean    with_challenge)
{
  g_autofree char *escaped_redirect = g_uri_escape_string (redirect_uri, NULL, FALSE);

  return g_strdup_printf ("/authorize?response_type=code&client_id=%s&redirect_uri=%s"
                          "&state=%s&code_challenge_method=S256&scopes=sso%%3Aaccount%%3Aaccess"
                          "%s",
                          c->client_id, escaped_redirect, state,
                          with_challenge ? "&code_challenge=" RFC_CHALLENGE : "");
}

static GHashTable *
redirect_query (Response   *r,
                const char *expected_prefix)
{
  const char *location = soup_message_headers_get_one (r->headers, "Location");
  const char *query;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 302);
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, expected_prefix));
  query = strchr (location, '?');
  g_assert_nonnull (query);

  return soup_form_decode (query + 1);
}

static Response *
exchange_code (Fixture    *f,
               Client     *c,
               const char *code,
               const char *redirect_uri,
               const char *verifier)
{
  g_autofree char *body = g_strdup_printf ("{\"grantType\":\"authorization_code\","
                                           "\"clientId\":\"%s\",\"clientSecret\":\"%s\","
                                           "\"redirectUri\":\"%s\",\"codeVerifier\":\"%s\","
                                           "\"code\":\"%s\"}",
                                           c->client_id, c->client_secret, redirect_uri,
                                           verifier, code);

  return post_json (f, "/token", body);
}

static void
test_auth_code_flow (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *no_challenge_path = NULL;
  g_autoptr(Response) auth = NULL;
  g_autoptr(Response) bad = NULL;
  g_autoptr(Response) no_challenge = NULL;
  g_autoptr(Response) wrong_verifier = NULL;
  g_autoptr(Response) wrong_redirect = NULL;
  g_autoptr(Response) ok = NULL;
  g_autoptr(Response) reused = NULL;
  g_autoptr(Response) device = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GHashTable) error_query = NULL;
  const char *code;

  register_auth_code_client (f, &c);
  g_assert_nonnull (strstr (gh_simulator_get_last_registration_request (f->sim),
                            "\"redirectUris\""));

  path = authorize_path (&c, CALLBACK_URI, "00000000-0000-0000-0000-000000000000", TRUE);
  auth = get (f, path, NULL);
  query = redirect_query (auth, CALLBACK_URI "?");
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==,
                   "00000000-0000-0000-0000-000000000000");
  code = g_hash_table_lookup (query, "code");
  g_assert_nonnull (code);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "Authorize"), ==, 1);

  /* An unregistered redirect URI is never redirected to. */
  bad_path = authorize_path (&c, "https://evil.example.com/oauth/callback", "s", TRUE);
  bad = get (f, bad_path, NULL);
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_null (soup_message_headers_get_one (bad->headers, "Location"));

  no_challenge_path = authorize_path (&c, CALLBACK_URI, "s2", FALSE);
  no_challenge = get (f, no_challenge_path, NULL);
  error_query = redirect_query (no_challenge, CALLBACK_URI "?");
  g_assert_cmpstr (g_hash_table_lookup (error_query, "error"), ==, "invalid_request");
  g_assert_cmpstr (g_hash_table_lookup (error_query, "state"), ==, "s2");

  wrong_verifier = exchange_code (f, &c, code, CALLBACK_URI, RFC_VERIFIER "x");
  assert_oidc_error (wrong_verifier, 400, "InvalidGrantException", "invalid_grant");

  wrong_redirect = exchange_code (f, &c, code, "http://127.0.0.1:55556/oauth/callback",
                                  RFC_VERIFIER);
  assert_oidc_error (wrong_redirect, 400, "InvalidGrantException", "invalid_grant");

  ok = exchange_code (f, &c, code, CALLBACK_URI, RFC_VERIFIER);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_nonnull (member (ok, "accessToken"));
  g_assert_nonnull (member (ok, "refreshToken"));

  reused = exchange_code (f, &c, code, CALLBACK_URI, RFC_VERIFIER);
  assert_oidc_error (reused, 400, "InvalidGrantException", "invalid_grant");

  /* The registration lists grant types without the device code grant. */
  device = start_device_authorization (f, &c);
  assert_oidc_error (device, 400, "UnauthorizedClientException", "unauthorized_client");
}

static void
test_auth_code_expired (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *path = NULL;
  g_autoptr(Response) auth = NULL;
  g_autoptr(Response) r = NULL;
  g_autoptr(GHashTable) query = NULL;

  register_auth_code_client (f, &c);
  path = authorize_path (&c, CALLBACK_URI, "st", TRUE);
  auth = get (f, path, NULL);
  query = redirect_query (auth, CALLBACK_URI "?");

  g_object_set (f->sim, "clock-offset", (gint64) 601, NULL);
  r = exchange_code (f, &c, g_hash_table_lookup (query, "code"), CALLBACK_URI, RFC_VERIFIER);
  assert_oidc_error (r, 400, "ExpiredTokenException", "expired_token");
}

static void
async_send_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  send_cb (source, result, user_data);
}

static Response *
start_request (Fixture      *f,
               const char   *path,
               GCancellable *cancellable,
               SoupMessageFlags flags)
{
  g_autoptr(SoupMessage) msg = new_message (f, "GET", path, NULL, NULL, NULL);
  Response *r = g_new0 (Response, 1);

  soup_message_add_flags (msg, flags);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    async_send_cb, r);
  return r;
}

static void
wait_response (Response *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Iterates the main context for `ms` milliseconds. */
static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_auth_code_explicit (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *path1 = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *path3 = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;
  g_autoptr(GHashTable) q1 = NULL;
  g_autoptr(GHashTable) q2 = NULL;

  g_object_set (f->sim, "auto-approve", FALSE, NULL);
  register_auth_code_client (f, &c);

  path1 = authorize_path (&c, CALLBACK_URI, "first", TRUE);
  r1 = start_request (f, path1, NULL, 0);
  while (gh_simulator_get_pending_count (f->sim) < 1)
    g_main_context_iteration (NULL, TRUE);
  spin (50);
  g_assert_false (r1->done);

  g_assert_cmpuint (gh_simulator_approve (f->sim, NULL), ==, 1);
  wait_response (r1);
  q1 = redirect_query (r1, CALLBACK_URI "?");
  g_assert_nonnull (g_hash_table_lookup (q1, "code"));
  g_assert_cmpstr (g_hash_table_lookup (q1, "state"), ==, "first");

  path2 = authorize_path (&c, CALLBACK_URI, "second", TRUE);
  r2 = start_request (f, path2, NULL, 0);
  while (gh_simulator_get_pending_count (f->sim) < 1)
    g_main_context_iteration (NULL, TRUE);
  /* Authorize requests match on their state. */
  g_assert_cmpuint (gh_simulator_deny (f->sim, "second"), ==, 1);
  wait_response (r2);
  q2 = redirect_query (r2, CALLBACK_URI "?");
  g_assert_cmpstr (g_hash_table_lookup (q2, "error"), ==, "access_denied");
  g_assert_nonnull (g_hash_table_lookup (q2, "error_description"));
  g_assert_cmpstr (g_hash_table_lookup (q2, "state"), ==, "second");
  g_assert_null (g_hash_table_lookup (q2, "code"));

  /* A request still held when the simulator goes away fails cleanly. */
  path3 = authorize_path (&c, CALLBACK_URI, "third", TRUE);
  r3 = start_request (f, path3, NULL, 0);
  while (gh_simulator_get_pending_count (f->sim) < 1)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->sim);
  wait_response (r3);
  g_assert_nonnull (r3->error);
  f->sim = gh_simulator_new ();
}

static void
test_refresh_rotation (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;
  const char *old_refresh, *new_refresh;

  register_scoped_client (f, &c);
  login = device_login (f, &c);
  old_refresh = member (login, "refreshToken");

  r1 = refresh (f, &c, old_refresh);
  g_assert_cmpuint (r1->status, ==, 200);
  new_refresh = member (r1, "refreshToken");
  g_assert_nonnull (new_refresh);
  g_assert_cmpstr (new_refresh, !=, old_refresh);
  g_assert_false (gh_simulator_refresh_token_is_valid (f->sim, old_refresh));
  g_assert_true (gh_simulator_refresh_token_is_valid (f->sim, new_refresh));
  g_assert_true (gh_simulator_access_token_is_valid (f->sim, member (r1, "accessToken")));

  r2 = refresh (f, &c, old_refresh);
  assert_oidc_error (r2, 400, "InvalidGrantException", "invalid_grant");

  r3 = refresh (f, &c, new_refresh);
  g_assert_cmpuint (r3->status, ==, 200);
}

static void
test_refresh_no_rotation (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  const char *refresh_token;

  g_object_set (f->sim, "rotate-refresh-tokens", FALSE, NULL);
  register_scoped_client (f, &c);
  login = device_login (f, &c);
  refresh_token = member (login, "refreshToken");

  r1 = refresh (f, &c, refresh_token);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_false (json_object_has_member (response_json (r1), "refreshToken"));
  g_assert_true (gh_simulator_refresh_token_is_valid (f->sim, refresh_token));

  r2 = refresh (f, &c, refresh_token);
  g_assert_cmpuint (r2->status, ==, 200);
}

static void
test_refresh_session_end (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  const char *refresh_token;

  g_object_set (f->sim, "session-lifetime", (gint64) 5400, NULL);
  register_scoped_client (f, &c);
  login = device_login (f, &c);
  refresh_token = member (login, "refreshToken");

  /* 1 h later the refreshed access token is capped at the session end (30 min left). */
  g_object_set (f->sim, "clock-offset", (gint64) 3600, NULL);
  g_assert_false (gh_simulator_access_token_is_valid (f->sim, member (login, "accessToken")));
  r1 = refresh (f, &c, refresh_token);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (response_json (r1), "expiresIn"), <=, 1800);
  g_assert_cmpint (json_object_get_int_member (response_json (r1), "expiresIn"), >=, 1790);

  g_object_set (f->sim, "clock-offset", (gint64) 5401, NULL);
  g_assert_false (gh_simulator_refresh_token_is_valid (f->sim, member (r1, "refreshToken")));
  g_assert_false (gh_simulator_access_token_is_valid (f->sim, member (r1, "accessToken")));
  r2 = refresh (f, &c, member (r1, "refreshToken"));
  assert_oidc_error (r2, 400, "InvalidGrantException", "invalid_grant");
}

static void
test_revocations (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;
  g_autoptr(Response) r4 = NULL;

  register_scoped_client (f, &c);
  login = device_login (f, &c);

  gh_simulator_expire_access_tokens (f->sim);
  g_assert_false (gh_simulator_access_token_is_valid (f->sim, member (login, "accessToken")));
  r1 = get (f, "/assignment/accounts", member (login, "accessToken"));
  assert_portal_error (r1, 401, "UnauthorizedException", "Session token not found or invalid");

  gh_simulator_revoke_refresh_tokens (f->sim);
  r2 = refresh (f, &c, member (login, "refreshToken"));
  assert_oidc_error (r2, 400, "InvalidGrantException", "invalid_grant");

  gh_simulator_expire_registrations (f->sim);
  r3 = start_device_authorization (f, &c);
  assert_oidc_error (r3, 401, "InvalidClientException", "invalid_client");

  /* Registrations also expire by time. */
  {
    g_auto(Client) c2 = { 0 };

    g_object_set (f->sim, "registration-lifetime", (gint64) 100, NULL);
    register_scoped_client (f, &c2);
    g_object_set (f->sim, "clock-offset", (gint64) 101, NULL);
    r4 = start_device_authorization (f, &c2);
    assert_oidc_error (r4, 401, "InvalidClientException", "invalid_client");
  }
}

static void
test_oidc_validation (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) wrong_type = NULL;
  g_autoptr(Response) not_json = NULL;
  g_autoptr(Response) missing = NULL;
  g_autoptr(Response) not_string = NULL;
  g_autoptr(Response) confidential = NULL;
  g_autoptr(Response) bad_grant = NULL;
  g_autoptr(Response) unknown_client = NULL;
  g_autoptr(Response) bad_secret = NULL;
  g_autoptr(Response) unsupported = NULL;
  g_autoptr(Response) get_token = NULL;
  g_autofree char *body = NULL;

  wrong_type = request (f, "POST", "/client/register", NULL, "text/plain",
                        "{\"clientName\":\"x\",\"clientType\":\"public\"}");
  assert_oidc_error (wrong_type, 400, "InvalidRequestException", "invalid_request");

  not_json = post_json (f, "/client/register", "{\"clientName\":");
  assert_oidc_error (not_json, 400, "InvalidRequestException", "invalid_request");

  missing = post_json (f, "/client/register", "{\"clientType\":\"public\"}");
  assert_oidc_error (missing, 400, "InvalidRequestException", "invalid_request");
  g_assert_cmpstr (gh_simulator_get_last_registration_request (f->sim), ==,
                   "{\"clientType\":\"public\"}");

  not_string = post_json (f, "/client/register", "{\"clientName\":1,\"clientType\":\"public\"}");
  assert_oidc_error (not_string, 400, "InvalidRequestException", "invalid_request");

  confidential = post_json (f, "/client/register",
                            "{\"clientName\":\"x\",\"clientType\":\"confidential\"}");
  assert_oidc_error (confidential, 400, "InvalidClientMetadataException",
                     "invalid_client_metadata");

  bad_grant = post_json (f, "/client/register",
                         "{\"clientName\":\"x\",\"clientType\":\"public\","
                         "\"grantTypes\":[\"password\"]}");
  assert_oidc_error (bad_grant, 400, "UnsupportedGrantTypeException", "unsupported_grant_type");

  /* All three grant types at once are accepted. */
  register_client (f, ",\"grantTypes\":[\"authorization_code\",\"refresh_token\","
                   "\"urn:ietf:params:oauth:grant-type:device_code\"],"
                   "\"redirectUris\":[\"http://127.0.0.1/oauth/callback\"]", &c);

  unknown_client = post_json (f, "/device_authorization",
                              "{\"clientId\":\"nope\",\"clientSecret\":\"nope\","
                              "\"startUrl\":\"https://x.awsapps.com/start\"}");
  assert_oidc_error (unknown_client, 401, "InvalidClientException", "invalid_client");

  body = g_strdup_printf ("{\"clientId\":\"%s\",\"clientSecret\":\"wrong\","
                          "\"startUrl\":\"https://x.awsapps.com/start\"}", c.client_id);
  bad_secret = post_json (f, "/device_authorization", body);
  assert_oidc_error (bad_secret, 401, "InvalidClientException", "invalid_client");

  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"grantType\":\"password\",\"clientId\":\"%s\","
                          "\"clientSecret\":\"%s\"}", c.client_id, c.client_secret);
  unsupported = post_json (f, "/token", body);
  assert_oidc_error (unsupported, 400, "UnsupportedGrantTypeException", "unsupported_grant_type");

  get_token = get (f, "/token", NULL);
  g_assert_cmpuint (get_token->status, ==, 405);
}

/* ------------------------------------------------------------------------------------------ */
/* Portal */

static void
test_accounts_pagination (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *next = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(Response) small = NULL;
  g_autoptr(Response) zero = NULL;
  g_autoptr(Response) bogus = NULL;
  guint pages = 0;

  g_object_set (f->sim, "accounts", 5u, "page-size", 2u, NULL);
  register_scoped_client (f, &c);
  token = login_access_token (f, &c);

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(Response) r = NULL;
      JsonArray *list;

      if (next != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (next, NULL, FALSE);

          path = g_strdup_printf ("/assignment/accounts?next_token=%s", escaped);
        }
      else
        path = g_strdup ("/assignment/accounts");

      r = get (f, path, token);
      g_assert_cmpuint (r->status, ==, 200);
      list = json_object_get_array_member (response_json (r), "accountList");
      g_assert_cmpuint (json_array_get_length (list), <=, 2);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *account = json_array_get_object_element (list, i);
          const char *id = json_object_get_string_member (account, "accountId");
          g_autofree char *name = NULL;
          g_autofree char *email = NULL;
          guint n;

          g_assert_cmpuint (strlen (id), ==, 12);
          g_assert_true (g_hash_table_add (seen, g_strdup (id)));
          n = (guint) (g_ascii_strtoull (id, NULL, 10) - G_GUINT64_CONSTANT (100000000000));
          name = g_strdup_printf ("Account %u", n);
          email = g_strdup_printf ("account%u@example.com", n);
          g_assert_cmpstr (json_object_get_string_member (account, "accountName"), ==, name);
          g_assert_cmpstr (json_object_get_string_member (account, "emailAddress"), ==, email);
        }

      g_clear_pointer (&next, g_free);
      next = g_strdup (member (r, "nextToken"));
      pages++;
    }
  while (next != NULL);

  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  g_assert_true (g_hash_table_contains (seen, "100000000001"));
  g_assert_true (g_hash_table_contains (seen, "100000000005"));

  small = get (f, "/assignment/accounts?max_result=1", token);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response_json (small),
                                                                         "accountList")), ==, 1);

  zero = get (f, "/assignment/accounts?max_result=0", token);
  assert_portal_error (zero, 400, "InvalidRequestException", NULL);

  bogus = get (f, "/assignment/accounts?next_token=garbage", token);
  assert_portal_error (bogus, 400, "InvalidRequestException", NULL);

  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "ListAccounts"), ==, 6);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  static const char * const expected[] = { "AdministratorAccess", "ReadOnly", "Role3" };
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) paged = NULL;
  g_autoptr(Response) missing = NULL;
  g_autoptr(Response) unknown = NULL;
  JsonArray *list;

  g_object_set (f->sim, "roles-per-account", 3u, NULL);
  register_scoped_client (f, &c);
  token = login_access_token (f, &c);

  r = get (f, "/assignment/roles?account_id=100000000002", token);
  g_assert_cmpuint (r->status, ==, 200);
  list = json_object_get_array_member (response_json (r), "roleList");
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *role = json_array_get_object_element (list, i);

      g_assert_cmpstr (json_object_get_string_member (role, "roleName"), ==, expected[i]);
      g_assert_cmpstr (json_object_get_string_member (role, "accountId"), ==, "100000000002");
    }
  g_assert_null (member (r, "nextToken"));

  paged = get (f, "/assignment/roles?account_id=100000000002&max_result=2", token);
  g_assert_nonnull (member (paged, "nextToken"));

  missing = get (f, "/assignment/roles", token);
  assert_portal_error (missing, 400, "InvalidRequestException", NULL);

  unknown = get (f, "/assignment/roles?account_id=999999999999", token);
  assert_portal_error (unknown, 404, "ResourceNotFoundException", NULL);
}

static void
test_role_credentials (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) forbidden = NULL;
  g_autoptr(Response) missing = NULL;
  JsonObject *creds;
  gint64 expiration, expected;

  register_scoped_client (f, &c);
  token = login_access_token (f, &c);

  r = get (f, "/federation/credentials?role_name=ReadOnly&account_id=100000000001", token);
  g_assert_cmpuint (r->status, ==, 200);
  creds = json_object_get_object_member (response_json (r), "roleCredentials");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (creds, "accessKeyId"), "ASIA"));
  g_assert_cmpuint (strlen (json_object_get_string_member (creds, "secretAccessKey")), ==, 40);
  g_assert_nonnull (json_object_get_string_member (creds, "sessionToken"));
  expiration = json_object_get_int_member (creds, "expiration");
  expected = g_get_real_time () / 1000 + 3600 * 1000;
  g_assert_cmpint (expiration, <=, expected);
  g_assert_cmpint (expiration, >=, expected - 5000);

  forbidden = get (f, "/federation/credentials?role_name=Role7&account_id=100000000001", token);
  assert_portal_error (forbidden, 403, "ForbiddenException", "No access");

  missing = get (f, "/federation/credentials?role_name=ReadOnly", token);
  assert_portal_error (missing, 400, "InvalidRequestException", NULL);
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Response) none = get (f, "/assignment/accounts", NULL);
  g_autoptr(Response) bogus = get (f, "/assignment/accounts", "bogus");
  g_autoptr(Response) creds = get (f, "/federation/credentials?role_name=ReadOnly"
                                   "&account_id=100000000001", NULL);

  assert_portal_error (none, 401, "UnauthorizedException", "Session token not found or invalid");
  assert_portal_error (bogus, 401, "UnauthorizedException", NULL);
  assert_portal_error (creds, 401, "UnauthorizedException", NULL);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "ListAccounts"), ==, 2);
}

static void
test_logout (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) out = NULL;
  g_autoptr(Response) after = NULL;
  g_autoptr(Response) r = NULL;

  register_scoped_client (f, &c);
  login = device_login (f, &c);

  out = request (f, "POST", "/logout", member (login, "accessToken"), NULL, NULL);
  g_assert_cmpuint (out->status, ==, 200);
  g_assert_false (gh_simulator_access_token_is_valid (f->sim, member (login, "accessToken")));
  g_assert_false (gh_simulator_refresh_token_is_valid (f->sim, member (login, "refreshToken")));

  after = get (f, "/assignment/accounts", member (login, "accessToken"));
  assert_portal_error (after, 401, "UnauthorizedException", NULL);

  r = refresh (f, &c, member (login, "refreshToken"));
  assert_oidc_error (r, 400, "InvalidGrantException", "invalid_grant");
}

/* ------------------------------------------------------------------------------------------ */
/* Faults, rate limit, latency */

static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  g_autoptr(Response) r500 = NULL;
  g_autoptr(Response) r503 = NULL;
  g_autoptr(Response) malformed = NULL;
  g_autoptr(Response) throttle = NULL;
  g_autoptr(Response) oidc500 = NULL;
  g_autoptr(Response) ok = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  register_scoped_client (f, &c);
  token = login_access_token (f, &c);

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_500, 1);
  r500 = get (f, "/assignment/accounts", token);
  assert_portal_error (r500, 500, "InternalServerException", NULL);

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_503, 1);
  r503 = get (f, "/assignment/accounts", token);
  g_assert_cmpuint (r503->status, ==, 503);

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_MALFORMED, 1);
  malformed = get (f, "/assignment/accounts", token);
  g_assert_cmpuint (malformed->status, ==, 200);
  g_assert_false (json_parser_load_from_data (parser, malformed->body, -1, &error));
  g_assert_nonnull (error);

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_THROTTLE, 1);
  throttle = get (f, "/assignment/accounts", token);
  assert_portal_error (throttle, 429, "TooManyRequestsException", "HTTP 429 Unknown Code");

  gh_simulator_inject_fault (f->sim, "CreateToken", GH_SIM_FAULT_500, 1);
  oidc500 = refresh (f, &c, "whatever");
  assert_oidc_error (oidc500, 500, "InternalServerException", "server_error");

  ok = get (f, "/assignment/accounts", token);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "ListAccounts"), ==, 5);
}

static void
test_fault_count (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;

  gh_simulator_inject_fault (f->sim, "RegisterClient", GH_SIM_FAULT_503, 2);
  r1 = post_json (f, "/client/register", "{\"clientName\":\"x\",\"clientType\":\"public\"}");
  r2 = post_json (f, "/client/register", "{\"clientName\":\"x\",\"clientType\":\"public\"}");
  r3 = post_json (f, "/client/register", "{\"clientName\":\"x\",\"clientType\":\"public\"}");
  g_assert_cmpuint (r1->status, ==, 503);
  g_assert_cmpuint (r2->status, ==, 503);
  g_assert_cmpuint (r3->status, ==, 200);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "RegisterClient"), ==, 3);
}

static void
test_fault_queue (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Response) r1 = NULL;
  g_autoptr(Response) r2 = NULL;
  g_autoptr(Response) r3 = NULL;
  g_autoptr(Response) r4 = NULL;
  g_autoptr(Response) r5 = NULL;

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_500, 1);
  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_THROTTLE, 2);
  r1 = get (f, "/assignment/accounts", NULL);
  r2 = get (f, "/assignment/accounts", NULL);
  r3 = get (f, "/assignment/accounts", NULL);
  r4 = get (f, "/assignment/accounts", NULL);
  g_assert_cmpuint (r1->status, ==, 500);
  g_assert_cmpuint (r2->status, ==, 429);
  g_assert_cmpuint (r3->status, ==, 429);
  g_assert_cmpuint (r4->status, ==, 401);
  g_assert_cmpuint (gh_simulator_get_throttled_count (f->sim), ==, 2);

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_503, 5);
  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_NONE, 0);
  r5 = get (f, "/assignment/accounts", NULL);
  g_assert_cmpuint (r5->status, ==, 401);
}

static void
test_fault_close (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) after = NULL;

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_CLOSE, 1);
  r = start_request (f, "/assignment/accounts", NULL, SOUP_MESSAGE_NEW_CONNECTION);
  wait_response (r);
  g_assert_nonnull (r->error);
  g_assert_null (r->body);

  after = get (f, "/assignment/accounts", NULL);
  g_assert_cmpuint (after->status, ==, 401);
}

typedef struct
{
  Fixture    *f;
  const char *operation;
  guint       count;
} CountWait;

static gboolean
requests_counted (gpointer data)
{
  CountWait *wait = data;

  return gh_simulator_get_request_count (wait->f->sim, wait->operation) >= wait->count;
}

static void
test_fault_hang (Fixture       *f,
                 gconstpointer  data)
{
  CountWait second = { f, "ListAccounts", 2 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) hung_forever = NULL;

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_HANG, 2);
  r = start_request (f, "/assignment/accounts", cancellable, SOUP_MESSAGE_NEW_CONNECTION);
  spin (200);
  g_assert_false (r->done);
  g_cancellable_cancel (cancellable);
  wait_response (r);
  g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The second one is still hanging when the simulator goes away. It has arrived (on a busy
   * machine that can take longer than the moment it is given to be answered), and that moment
   * later it is unanswered. */
  hung_forever = start_request (f, "/assignment/accounts", NULL, SOUP_MESSAGE_NEW_CONNECTION);
  gh_test_wait_for (requests_counted, &second, 10000, "the second ListAccounts request");
  spin (100);
  g_assert_false (hung_forever->done);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "ListAccounts"), ==, 2);

  g_clear_object (&f->sim);
  wait_response (hung_forever);
  g_assert_nonnull (hung_forever->error);
  f->sim = gh_simulator_new ();
}

/* The refresh happens, its reply does not arrive: the old refresh token is gone all the same. */
static void
test_fault_lost_reply (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) lost = NULL;
  g_autoptr(Response) retried = NULL;
  const char *refresh_token;

  register_scoped_client (f, &c);
  login = device_login (f, &c);
  refresh_token = member (login, "refreshToken");

  gh_simulator_inject_fault (f->sim, "CreateToken", GH_SIM_FAULT_LOST_REPLY, 1);
  lost = refresh (f, &c, refresh_token);
  g_assert_nonnull (lost->error);
  g_assert_null (lost->body);
  g_assert_false (gh_simulator_refresh_token_is_valid (f->sim, refresh_token));

  retried = refresh (f, &c, refresh_token);
  assert_oidc_error (retried, 400, "InvalidGrantException", "invalid_grant");
}

static void
test_fault_unauthorized (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  g_autoptr(Response) refused = NULL;
  g_autoptr(Response) accepted = NULL;

  register_scoped_client (f, &c);
  token = login_access_token (f, &c);

  gh_simulator_inject_fault (f->sim, "ListAccounts", GH_SIM_FAULT_UNAUTHORIZED, 1);
  refused = get (f, "/assignment/accounts", token);
  assert_portal_error (refused, 401, "UnauthorizedException", NULL);
  g_assert_true (gh_simulator_access_token_is_valid (f->sim, token));

  accepted = get (f, "/assignment/accounts", token);
  g_assert_cmpuint (accepted->status, ==, 200);
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  guint ok = 0, throttled = 0;

  register_scoped_client (f, &c);
  token = login_access_token (f, &c);
  g_object_set (f->sim, "rate-limit", 2u, NULL);

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(Response) r = get (f, "/assignment/accounts", token);

      if (r->status == 200)
        ok++;
      else
        {
          assert_portal_error (r, 429, "TooManyRequestsException", "HTTP 429 Unknown Code");
          throttled++;
        }
    }

  g_assert_cmpuint (ok, >=, 2);
  g_assert_cmpuint (throttled, >=, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "ListAccounts"), ==, 8);
  g_assert_cmpuint (gh_simulator_get_throttled_count (f->sim), ==, throttled);
}

static void
test_latency (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Response) r = NULL;
  gint64 start;

  g_object_set (f->sim, "latency-ms", 300u, NULL);
  start = g_get_monotonic_time ();
  r = get (f, "/assignment/accounts", NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  g_assert_cmpuint (r->status, ==, 401);
}

/* Only CreateToken waits, and it waits after the work is done: the old refresh token is gone
 * before the reply arrives. */
static void
test_token_latency (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) quick = NULL;
  g_autoptr(Response) slow = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *body = NULL;
  g_autofree char *refresh_token = NULL;
  gint64 start;

  register_scoped_client (f, &c);
  login = device_login (f, &c);
  refresh_token = g_strdup (member (login, "refreshToken"));
  g_object_set (f->sim, "token-latency-ms", 500u, NULL);

  start = g_get_monotonic_time ();
  quick = get (f, "/assignment/accounts", NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 500 * 1000);

  body = g_strdup_printf ("{\"grantType\":\"refresh_token\",\"clientId\":\"%s\","
                          "\"clientSecret\":\"%s\",\"refreshToken\":\"%s\"}",
                          c.client_id, c.client_secret, refresh_token);
  msg = new_message (f, "POST", "/token", NULL, "application/json", body);
  slow = g_new0 (Response, 1);
  start = g_get_monotonic_time ();
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, slow);
  while (gh_simulator_refresh_token_is_valid (f->sim, refresh_token))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (slow->done);
  while (!slow->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 500 * 1000);
  g_assert_cmpuint (slow->status, ==, 200);
}

/* ------------------------------------------------------------------------------------------ */
/* Federation */

static void
test_federation (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autofree char *token = NULL;
  g_autofree char *session_json = NULL;
  g_autofree char *bad_json = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *bad_escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *duration_path = NULL;
  g_autofree char *login_path = NULL;
  g_autofree char *signin_token = NULL;
  g_autoptr(Response) creds = NULL;
  g_autoptr(Response) r = NULL;
  g_autoptr(Response) bad = NULL;
  g_autoptr(Response) bad_duration = NULL;
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) again = NULL;
  g_autoptr(Response) garbage = NULL;
  JsonObject *obj;
  GPtrArray *logins;

  register_scoped_client (f, &c);
  token = login_access_token (f, &c);
  creds = get (f, "/federation/credentials?role_name=AdministratorAccess"
               "&account_id=100000000003", token);
  g_assert_cmpuint (creds->status, ==, 200);
  obj = json_object_get_object_member (response_json (creds), "roleCredentials");

  session_json = g_strdup_printf ("{\"sessionId\":\"%s\",\"sessionKey\":\"%s\","
                                  "\"sessionToken\":\"%s\"}",
                                  json_object_get_string_member (obj, "accessKeyId"),
                                  json_object_get_string_member (obj, "secretAccessKey"),
                                  json_object_get_string_member (obj, "sessionToken"));
  escaped = g_uri_escape_string (session_json, NULL, FALSE);
  path = g_strdup_printf ("/federation?Action=getSigninToken&Session=%s", escaped);
  r = get (f, path, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  signin_token = g_strdup (member (r, "SigninToken"));
  g_assert_nonnull (signin_token);

  bad_json = g_strdup_printf ("{\"sessionId\":\"%s\",\"sessionKey\":\"wrong\","
                              "\"sessionToken\":\"%s\"}",
                              json_object_get_string_member (obj, "accessKeyId"),
                              json_object_get_string_member (obj, "sessionToken"));
  bad_escaped = g_uri_escape_string (bad_json, NULL, FALSE);
  bad_path = g_strdup_printf ("/federation?Action=getSigninToken&Session=%s", bad_escaped);
  bad = get (f, bad_path, NULL);
  g_assert_cmpuint (bad->status, ==, 400);

  duration_path = g_strdup_printf ("%s&SessionDuration=60", path);
  bad_duration = get (f, duration_path, NULL);
  g_assert_cmpuint (bad_duration->status, ==, 400);

  login_path = g_strdup_printf ("/federation?Action=login&Issuer=&Destination=%s&SigninToken=%s",
                                "https%3A%2F%2Fconsole.aws.amazon.com%2F", signin_token);
  login = get (f, login_path, NULL);
  g_assert_cmpuint (login->status, ==, 200);
  g_assert_nonnull (strstr (login->body, "Console for AdministratorAccess @ 100000000003"));

  logins = gh_simulator_get_console_logins (f->sim);
  g_assert_cmpuint (logins->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logins, 0), ==, "100000000003/AdministratorAccess");

  again = get (f, login_path, NULL);
  g_assert_cmpuint (again->status, ==, 400);

  garbage = get (f, "/federation?Action=nope", NULL);
  g_assert_cmpuint (garbage->status, ==, 400);

  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "GetSigninToken"), ==, 3);
  g_assert_cmpuint (gh_simulator_get_request_count (f->sim, "Login"), ==, 2);
}

/* ------------------------------------------------------------------------------------------ */
/* Control API and pages */

static void
test_control_api (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) start = NULL;
  g_autoptr(Response) stats1 = NULL;
  g_autoptr(Response) approve = NULL;
  g_autoptr(Response) token = NULL;
  g_autoptr(Response) set = NULL;
  g_autoptr(Response) bad_set = NULL;
  g_autoptr(Response) fault = NULL;
  g_autoptr(Response) faulted = NULL;
  g_autoptr(Response) stats2 = NULL;
  g_autofree char *approve_path = NULL;
  JsonObject *obj, *requests;
  guint page_size;
  gboolean auto_approve;

  set = request (f, "POST", "/_sim/set?auto-approve=false&page-size=7", NULL, NULL, NULL);
  g_assert_cmpuint (set->status, ==, 200);
  g_object_get (f->sim, "page-size", &page_size, "auto-approve", &auto_approve, NULL);
  g_assert_cmpuint (page_size, ==, 7);
  g_assert_false (auto_approve);

  bad_set = request (f, "POST", "/_sim/set?no-such-thing=1", NULL, NULL, NULL);
  g_assert_cmpuint (bad_set->status, ==, 400);

  register_scoped_client (f, &c);
  start = start_device_authorization (f, &c);

  stats1 = get (f, "/_sim/stats", NULL);
  g_assert_cmpuint (stats1->status, ==, 200);
  obj = response_json (stats1);
  g_assert_cmpint (json_object_get_int_member (obj, "pending"), ==, 1);
  g_assert_cmpstr (member (stats1, "last_user_code"), ==, member (start, "userCode"));

  approve_path = g_strdup_printf ("/_sim/approve?user_code=%s", member (start, "userCode"));
  approve = request (f, "POST", approve_path, NULL, NULL, NULL);
  g_assert_cmpuint (approve->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (response_json (approve), "approved"), ==, 1);

  token = poll_token (f, &c, member (start, "deviceCode"));
  g_assert_cmpuint (token->status, ==, 200);

  fault = request (f, "POST", "/_sim/fault?operation=ListAccounts&kind=throttle&count=1",
                   NULL, NULL, NULL);
  g_assert_cmpuint (fault->status, ==, 200);
  faulted = get (f, "/assignment/accounts", member (token, "accessToken"));
  g_assert_cmpuint (faulted->status, ==, 429);

  stats2 = get (f, "/_sim/stats", NULL);
  obj = response_json (stats2);
  requests = json_object_get_object_member (obj, "requests");
  g_assert_cmpint (json_object_get_int_member (requests, "RegisterClient"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (requests, "StartDeviceAuthorization"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (requests, "CreateToken"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (requests, "ListAccounts"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "throttled"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "pending"), ==, 0);
  g_assert_true (json_object_get_null_member (obj, "last_user_code"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "console_logins")),
                    ==, 0);
}

static void
test_control_revocations (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Client) c = { 0 };
  g_autoptr(Response) login = NULL;
  g_autoptr(Response) e1 = NULL;
  g_autoptr(Response) e2 = NULL;
  g_autoptr(Response) e3 = NULL;

  register_scoped_client (f, &c);
  login = device_login (f, &c);

  e1 = request (f, "POST", "/_sim/expire-access-tokens", NULL, NULL, NULL);
  e2 = request (f, "POST", "/_sim/revoke-refresh-tokens", NULL, NULL, NULL);
  e3 = request (f, "POST", "/_sim/expire-registrations", NULL, NULL, NULL);
  g_assert_cmpuint (e1->status, ==, 200);
  g_assert_cmpuint (e2->status, ==, 200);
  g_assert_cmpuint (e3->status, ==, 200);
  g_assert_false (gh_simulator_access_token_is_valid (f->sim, member (login, "accessToken")));
  g_assert_false (gh_simulator_refresh_token_is_valid (f->sim, member (login, "refreshToken")));
}

static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Response) portal = get (f, "/start", NULL);
  g_autoptr(Response) root = get (f, "/", NULL);
  g_autoptr(Response) device = get (f, "/device?user_code=ABCD-EFGH", NULL);
  g_autoptr(Response) missing = get (f, "/nothing-here", NULL);

  g_assert_cmpuint (portal->status, ==, 200);
  g_assert_nonnull (strstr (portal->body, "access portal"));
  g_assert_cmpuint (root->status, ==, 200);
  g_assert_cmpuint (device->status, ==, 404);
  g_assert_cmpuint (missing->status, ==, 404);
}

static void
test_executable (void)
{
  const char *exe = g_getenv ("GH_SIMULATOR");
  g_autofree char *fallback = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url_file = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stats_url = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 deadline;

  if (exe == NULL)
    {
      fallback = g_test_build_filename (G_TEST_BUILT, "sim", "gatehouse-simulator", NULL);
      exe = fallback;
    }
  if (!g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("gatehouse-simulator not found");
      return;
    }

  dir = g_dir_make_tmp ("gh-sim-XXXXXX", &error);
  g_assert_no_error (error);
  url_file = g_build_filename (dir, "url", NULL);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, "--url-file", url_file,
                              "--accounts", "4", "--explicit-approval", "--no-rotate", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!g_file_get_contents (url_file, &url, NULL, NULL))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  /* The simulator runs in another process, so the synchronous API is fine here. */
  session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  stats_url = g_strconcat (url, "/_sim/stats", NULL);
  msg = soup_message_new ("GET", stats_url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"pending\":0"));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  expected = g_strdup_printf ("Identity Center simulator listening on %s\n", url);
  g_assert_cmpstr (stdout_text, ==, expected);

  g_unlink (url_file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* Loopback HTTP only: the scrubbed environment, a bus nobody uses, no keyring. */
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_ISOLATE_DIRS | GH_TEST_ENV_NO_KEYRING);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/simulator/device/flow", test_device_flow);
  ADD ("/simulator/device/deny-expire", test_device_deny_expire);
  ADD ("/simulator/device/no-scopes", test_device_no_scopes);
  ADD ("/simulator/auth-code/pkce", test_auth_code_flow);
  ADD ("/simulator/auth-code/expired", test_auth_code_expired);
  ADD ("/simulator/auth-code/explicit", test_auth_code_explicit);
  ADD ("/simulator/refresh/rotation", test_refresh_rotation);
  ADD ("/simulator/refresh/no-rotation", test_refresh_no_rotation);
  ADD ("/simulator/refresh/session-end", test_refresh_session_end);
  ADD ("/simulator/oidc/revocations", test_revocations);
  ADD ("/simulator/oidc/validation", test_oidc_validation);
  ADD ("/simulator/portal/accounts-pagination", test_accounts_pagination);
  ADD ("/simulator/portal/roles", test_roles);
  ADD ("/simulator/portal/role-credentials", test_role_credentials);
  ADD ("/simulator/portal/unauthorized", test_unauthorized);
  ADD ("/simulator/portal/logout", test_logout);
  ADD ("/simulator/faults/kinds", test_faults);
  ADD ("/simulator/faults/count", test_fault_count);
  ADD ("/simulator/faults/queue", test_fault_queue);
  ADD ("/simulator/faults/close", test_fault_close);
  ADD ("/simulator/faults/hang", test_fault_hang);
  ADD ("/simulator/faults/rate-limit", test_rate_limit);
  ADD ("/simulator/faults/latency", test_latency);
  ADD ("/simulator/faults/token-latency", test_token_latency);
  ADD ("/simulator/faults/lost-reply", test_fault_lost_reply);
  ADD ("/simulator/faults/unauthorized", test_fault_unauthorized);
  ADD ("/simulator/federation/console", test_federation);
  ADD ("/simulator/control/approve-stats", test_control_api);
  ADD ("/simulator/control/revocations", test_control_revocations);
  ADD ("/simulator/pages", test_pages);
#undef ADD
  g_test_add_func ("/simulator/executable", test_executable);

  return gh_test_env_run ();
}
