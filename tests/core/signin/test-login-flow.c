/* test-login-flow.c — the authorization-code sign-in's loopback callback
 *
 * The flow talks to a stand-in token endpoint on loopback; the test plays the browser, and any
 * other local process, with requests to the callback.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-login-flow.h"

typedef struct
{
  SoupServer      *token_server;
  char            *oidc_url;
  guint            token_requests;
  GhHttp          *http;
  GhLoginFlow     *flow;
  SoupSession     *browser;

  char            *redirect_uri;   /* from the authorize URL the flow presented */
  char            *state;
  guint            port;

  gboolean         done;
  GhTokenResponse *response;
  GError          *error;
} Fixture;

static void
token_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *fixture = user_data;
  static const char reply[] = "{\"accessToken\":\"aoa-test\",\"tokenType\":\"Bearer\","
                              "\"expiresIn\":3600,\"refreshToken\":\"aor-test\"}";

  fixture->token_requests++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    reply, strlen (reply));
}

static void
present_cb (GhLoginFlow *flow,
            const char  *url,
            const char  *user_code,
            Fixture     *fixture)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                                     G_URI_PARAMS_NONE, NULL);
  g_autoptr(GUri) redirect = NULL;

  fixture->redirect_uri = g_strdup (g_hash_table_lookup (params, "redirect_uri"));
  fixture->state = g_strdup (g_hash_table_lookup (params, "state"));
  redirect = g_uri_parse (fixture->redirect_uri, G_URI_FLAGS_NONE, NULL);
  fixture->port = (guint) g_uri_get_port (redirect);
}

static void
flow_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->response = gh_login_flow_run_finish (GH_LOGIN_FLOW (object), result, &fixture->error);
  fixture->done = TRUE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  GhRegistration registration = { .client_id = (char *) "cid", .client_secret = (char *) "secret",
                                  .expires_at = G_MAXINT32, .flow = GH_FLOW_AUTHORIZATION_CODE };
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  fixture->token_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->token_server, "/token", token_handler, fixture, NULL);
  soup_server_listen_local (fixture->token_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->token_server);
  fixture->oidc_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture->http = gh_http_new ();
  fixture->flow = gh_login_flow_new (fixture->http, GH_FLOW_AUTHORIZATION_CODE, fixture->oidc_url,
                                     "https://example.awsapps.com/start", &registration, NULL);
  g_signal_connect (fixture->flow, "present", G_CALLBACK (present_cb), fixture);
  /* A fresh connection per request: nothing rides on a kept-alive one. */
  fixture->browser = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->browser);
  g_clear_object (&fixture->flow);
  g_clear_object (&fixture->http);
  soup_server_disconnect (fixture->token_server);
  g_clear_object (&fixture->token_server);
  g_free (fixture->oidc_url);
  g_free (fixture->redirect_uri);
  g_free (fixture->state);
  g_clear_pointer (&fixture->response, gh_token_response_free);
  g_clear_error (&fixture->error);
}

static void
run_flow (Fixture *fixture)
{
  gh_login_flow_run_async (fixture->flow, NULL, flow_done_cb, fixture);
  while (fixture->redirect_uri == NULL && !fixture->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (fixture->redirect_uri);
  g_assert_nonnull (fixture->state);
}

typedef struct
{
  SoupMessage *msg;
  gboolean     done;
} Visit;

static void
visit_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Visit *visit = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                              NULL);

  visit->done = TRUE;
}

/* GETs the callback with `query` (state=… appended unless `state` is NULL) and returns the
 * status; `host` replaces the Host header when set. */
static guint
visit (Fixture    *fixture,
       const char *host,
       const char *query,
       const char *state)
{
  g_autofree char *escaped = state ? g_uri_escape_string (state, NULL, FALSE) : NULL;
  g_autofree char *url = g_strdup_printf ("%s?%s%sstate=%s", fixture->redirect_uri, query,
                                          *query ? "&" : "", escaped ? escaped : "");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Visit v = { .msg = msg };

  if (host != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Host", host);
  soup_session_send_and_read_async (fixture->browser, msg, G_PRIORITY_DEFAULT, NULL,
                                    visit_cb, &v);
  while (!v.done)
    g_main_context_iteration (NULL, TRUE);
  /* Let anything the flow scheduled after the response run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return soup_message_get_status (msg);
}

static void
wait_done (Fixture *fixture)
{
  while (!fixture->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Any local process can request the callback while the person signs in: a request without
 * this sign-in's state is refused and the flow keeps waiting for the real redirect. */
static void
test_stray_callback (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *wrong = NULL;

  run_flow (fixture);
  wrong = g_strconcat ("not-", fixture->state, NULL);

  g_assert_cmpuint (visit (fixture, NULL, "code=forged", wrong), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (visit (fixture, NULL, "error=access_denied&error_description=Stray", wrong),
                    ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (visit (fixture, NULL, "code=forged", ""), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (visit (fixture, NULL, "code=forged", NULL), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpuint (visit (fixture, NULL, "", fixture->state), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_false (fixture->done);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  /* The browser's redirect still completes the sign-in. */
  g_assert_cmpuint (visit (fixture, NULL, "code=real", fixture->state), ==, SOUP_STATUS_OK);
  wait_done (fixture);
  g_assert_no_error (fixture->error);
  g_assert_nonnull (fixture->response);
  g_assert_cmpstr (fixture->response->access_token, ==, "aoa-test");
  g_assert_cmpuint (fixture->token_requests, ==, 1);

  /* One sign-in per flow: the listener is gone. */
  g_assert_cmpuint (visit (fixture, NULL, "code=real", fixture->state), ==, SOUP_STATUS_NONE);
}

/* A web page that reached the port through DNS rebinding names its own host: 421, and the
 * flow is not touched, not even by a redirect with the right state. */
static void
test_foreign_host (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *rebound = NULL;
  g_autofree char *localhost = NULL;

  run_flow (fixture);
  rebound = g_strdup_printf ("attacker.example:%u", fixture->port);
  localhost = g_strdup_printf ("localhost:%u", fixture->port);

  g_assert_cmpuint (visit (fixture, rebound, "code=forged", fixture->state), ==,
                    SOUP_STATUS_MISDIRECTED_REQUEST);
  g_assert_cmpuint (visit (fixture, rebound, "error=access_denied", fixture->state), ==,
                    SOUP_STATUS_MISDIRECTED_REQUEST);
  g_assert_cmpuint (visit (fixture, "127.0.0.1", "code=forged", fixture->state), ==,
                    SOUP_STATUS_MISDIRECTED_REQUEST);
  g_assert_false (fixture->done);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  /* A browser may call the loopback host localhost. */
  g_assert_cmpuint (visit (fixture, localhost, "error=access_denied&error_description=No+thanks",
                           fixture->state), ==, SOUP_STATUS_OK);
  wait_done (fixture);
  g_assert_error (fixture->error, GH_ERROR, GH_ERROR_ACCESS_DENIED);
  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* The message names the time it waited, with the right plural form. */
static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  gh_login_flow_set_timeout (fixture->flow, 1);
  run_flow (fixture);
  wait_done (fixture);
  g_assert_error (fixture->error, GH_ERROR, GH_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (fixture->error->message, "not completed within 1 second."));
  g_assert_cmpuint (visit (fixture, NULL, "code=late", fixture->state), ==, SOUP_STATUS_NONE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/login-flow/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("stray-callback", test_stray_callback);
  ADD ("foreign-host", test_foreign_host);
  ADD ("timeout", test_timeout);

  return g_test_run ();
}
