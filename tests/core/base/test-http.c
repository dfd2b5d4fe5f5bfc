/* test-http.c — GhHttp against a loopback server: a request that could not go out, one whose
 * reply is late, and one whose reply is lost
 */
#include "config.h"

#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-http.h"
#include "gh-test-util.h"

typedef struct
{
  SoupServer *server;
  char       *url;
  GhHttp     *http;
  guint       requests;
  guint       delay_ms;       /* /slow answers after this long */
  GPtrArray  *held;           /* SoupServerMessage, never answered */
} Fixture;

static gboolean
unpause_cb (gpointer data)
{
  soup_server_message_unpause (data);
  return G_SOURCE_REMOVE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;

  fixture->requests++;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);

  if (g_str_equal (path, "/slow"))
    {
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, fixture->delay_ms, unpause_cb,
                          g_object_ref (msg), g_object_unref);
    }
  else if (g_str_equal (path, "/hang"))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->held, g_object_ref (msg));
    }
  else if (g_str_equal (path, "/close"))
    {
      /* Carried out; the reply is lost on the way. */
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
    }
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  fixture->held = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture->http = gh_http_new ();
  gh_http_set_retry_policy (fixture->http, 2, 10, 10);
  gh_http_set_timeouts (fixture->http, 1, 2);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->http);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->held, g_ptr_array_unref);
  g_free (fixture->url);
}

typedef struct
{
  JsonNode *reply;
  GError   *error;
  gboolean  reply_lost;
  gint64    elapsed_ms;
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->reply, json_node_unref);
  g_clear_error (&outcome->error);
}

static void
call (Fixture         *fixture,
      const char      *path,
      GhHttpCallFlags  flags,
      Outcome         *outcome)
{
  g_autofree char *url = g_strconcat (fixture->url, path, NULL);
  g_autoptr(JsonNode) body = json_from_string ("{\"grantType\":\"refresh_token\"}", NULL);
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 start = g_get_monotonic_time ();

  gh_http_call_full_async (fixture->http, "Testing", "POST", url, body, NULL, flags, NULL,
                           gh_test_keep_result, &pending);
  result = gh_test_wait_result (&pending);
  outcome->reply = gh_http_call_finish (fixture->http, result, &outcome->error);
  outcome->reply_lost = gh_http_call_get_reply_lost (result);
  outcome->elapsed_ms = (g_get_monotonic_time () - start) / 1000;
}

/* Nobody listens: the request never went out. */
static void
test_cannot_reach (Fixture       *fixture,
                   gconstpointer  data)
{
  Outcome outcome = { 0 };

  soup_server_disconnect (fixture->server);
  call (fixture, "/", GH_HTTP_CALL_SINGLE_USE, &outcome);
  g_assert_error (outcome.error, GH_ERROR, GH_ERROR_NETWORK);
  g_assert_nonnull (strstr (outcome.error->message, "Testing failed: cannot reach 127.0.0.1"));
  g_assert_false (outcome.reply_lost);
  outcome_clear (&outcome);
}

/* The service took the request and does not answer in time: it is slow, not unreachable. */
static void
test_slow_to_answer (Fixture       *fixture,
                     gconstpointer  data)
{
  Outcome outcome = { 0 };

  call (fixture, "/hang", GH_HTTP_CALL_DEFAULT, &outcome);
  g_assert_error (outcome.error, GH_ERROR, GH_ERROR_NETWORK);
  g_assert_cmpstr (outcome.error->message, ==,
                   "Testing failed: AWS is slow to answer (no reply from 127.0.0.1 within "
                   "1 second)");
  g_assert_true (outcome.reply_lost);
  /* An ordinary call asks again. */
  g_assert_cmpuint (fixture->requests, ==, 2);
  outcome_clear (&outcome);
}

/* A reply later than the ordinary timeout is waited for when the request can be carried out
 * only once, and such a request is not sent again once even that wait ran out. */
static void
test_single_use_waits (Fixture       *fixture,
                       gconstpointer  data)
{
  Outcome outcome = { 0 };

  fixture->delay_ms = 1500;
  call (fixture, "/slow", GH_HTTP_CALL_SINGLE_USE, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_nonnull (outcome.reply);
  g_assert_false (outcome.reply_lost);
  g_assert_cmpuint (fixture->requests, ==, 1);
  g_assert_cmpint (outcome.elapsed_ms, >=, 1500);
  outcome_clear (&outcome);

  /* The same reply is too late for an ordinary call. */
  call (fixture, "/slow", GH_HTTP_CALL_DEFAULT, &outcome);
  g_assert_error (outcome.error, GH_ERROR, GH_ERROR_NETWORK);
  g_assert_true (outcome.reply_lost);
  outcome_clear (&outcome);

  fixture->requests = 0;
  call (fixture, "/hang", GH_HTTP_CALL_SINGLE_USE, &outcome);
  g_assert_error (outcome.error, GH_ERROR, GH_ERROR_NETWORK);
  g_assert_cmpstr (outcome.error->message, ==,
                   "Testing failed: AWS is slow to answer (no reply from 127.0.0.1 within "
                   "2 seconds)");
  g_assert_true (outcome.reply_lost);
  g_assert_cmpuint (fixture->requests, ==, 1);
  g_assert_cmpint (outcome.elapsed_ms, >=, 2000);
  outcome_clear (&outcome);
}

/* The connection breaks after the request went out: retried, and the caller learns that the
 * service may have carried out the first attempt. */
static void
test_reply_lost (Fixture       *fixture,
                 gconstpointer  data)
{
  Outcome outcome = { 0 };

  call (fixture, "/close", GH_HTTP_CALL_SINGLE_USE, &outcome);
  g_assert_error (outcome.error, GH_ERROR, GH_ERROR_NETWORK);
  g_assert_true (outcome.reply_lost);
  g_assert_cmpuint (fixture->requests, ==, 2);
  outcome_clear (&outcome);

  fixture->requests = 0;
  call (fixture, "/", GH_HTTP_CALL_SINGLE_USE, &outcome);
  g_assert_no_error (outcome.error);
  g_assert_false (outcome.reply_lost);
  g_assert_cmpuint (fixture->requests, ==, 1);
  outcome_clear (&outcome);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/http/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("cannot-reach", test_cannot_reach);
  ADD ("slow-to-answer", test_slow_to_answer);
  ADD ("single-use/waits", test_single_use_waits);
  ADD ("reply-lost", test_reply_lost);

  return g_test_run ();
}
