/* test-redirect-server.c — the one-shot loopback redirect */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-redirect-server.h"

#define SECRET_TOKEN "SigninTokenSECRET0123456789"
#define TARGET_URL "https://signin.aws.amazon.com/federation?Action=login&Issuer=gatehouse" \
                   "&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=" SECRET_TOKEN

typedef struct
{
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_object (&reply->msg);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_error (&reply->error);
  reply->done = FALSE;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &reply->error);
  reply->done = TRUE;
}

static void
start_request (SoupSession *session,
               const char  *method,
               const char  *url,
               Reply       *reply)
{
  memset (reply, 0, sizeof *reply);
  reply->msg = soup_message_new (method, url);
  g_assert_nonnull (reply->msg);
  /* See the 303 itself, not where it leads. */
  soup_message_add_flags (reply->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, reply->msg, G_PRIORITY_DEFAULT, NULL,
                                    send_cb, reply);
}

static void
request (SoupSession *session,
         const char  *method,
         const char  *url,
         Reply       *reply)
{
  start_request (session, method, url, reply);
  while (!reply->done)
    g_main_context_iteration (NULL, TRUE);
}

/* A GET of `url` whose Host header says `host`, as a browser sends it after DNS rebinding. */
static void
request_with_host (SoupSession *session,
                   const char  *url,
                   const char  *host,
                   Reply       *reply)
{
  start_request (session, "GET", url, reply);
  soup_message_headers_replace (soup_message_get_request_headers (reply->msg), "Host", host);
  while (!reply->done)
    g_main_context_iteration (NULL, TRUE);
}

static SoupSession *
new_session (void)
{
  /* A fresh connection per request, so nothing rides on a kept-alive one. */
  return soup_session_new_with_options ("max-conns-per-host", 4, NULL);
}

static void
run_until_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
count_cb (GhRedirectServer *server,
          guint            *count)
{
  (*count)++;
}

static void
notify_cb (GhRedirectServer *server,
           GParamSpec       *pspec,
           guint            *count)
{
  (*count)++;
}

static GhRedirectServer *
new_server (guint lifetime)
{
  g_autoptr(GError) error = NULL;
  GhRedirectServer *server = gh_redirect_server_new (TARGET_URL, lifetime, &error);

  g_assert_no_error (error);
  g_assert_true (GH_IS_REDIRECT_SERVER (server));
  return server;
}

static char *
url_with_path (const char *url,
               const char *path)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup_printf ("http://127.0.0.1:%d%s", g_uri_get_port (uri), path);
}

static void
assert_refused (const Reply *reply)
{
  g_assert_nonnull (reply->error);
  g_assert_true (g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
                 g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                 g_error_matches (reply->error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE));
}

static gboolean
contains (const char *haystack,
          gsize       len,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Nowhere in the body or a header other than Location. */
static void
assert_target_not_leaked (const Reply *reply)
{
  static const char * const needles[] = { SECRET_TOKEN, "signin.aws", "federation", NULL };
  SoupMessageHeaders *headers = soup_message_get_response_headers (reply->msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize len = 0;
  const char *body = reply->body ? g_bytes_get_data (reply->body, &len) : NULL;

  for (guint i = 0; needles[i] != NULL; i++)
    {
      if (body != NULL)
        g_assert_false (contains (body, len, needles[i]));
      g_assert_false (contains (soup_message_get_reason_phrase (reply->msg),
                                strlen (soup_message_get_reason_phrase (reply->msg)),
                                needles[i]));
    }

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Location") == 0)
        continue;
      for (guint i = 0; needles[i] != NULL; i++)
        g_assert_false (contains (value, strlen (value), needles[i]));
    }
}

static void
test_url_shape (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  const char *url = gh_redirect_server_get_url (server);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *property = NULL;
  const char *path;

  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  g_assert_null (g_uri_get_query (uri));

  path = g_uri_get_path (uri);
  /* 32 bytes, base64url without padding: 43 characters. */
  g_assert_cmpuint (strlen (path), ==, 1 + 43);
  g_assert_cmpint (path[0], ==, '/');
  for (const char *c = path + 1; *c != '\0'; c++)
    g_assert_true (g_ascii_isalnum (*c) || *c == '-' || *c == '_');

  g_object_get (server, "url", &property, NULL);
  g_assert_cmpstr (property, ==, url);
  g_assert_false (gh_redirect_server_get_visited (server));
}

static void
test_visit (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  SoupMessageHeaders *headers;
  guint visited = 0, expired = 0, notified = 0;
  Reply reply;

  g_signal_connect (server, "visited", G_CALLBACK (count_cb), &visited);
  g_signal_connect (server, "expired", G_CALLBACK (count_cb), &expired);
  g_signal_connect (server, "notify::visited", G_CALLBACK (notify_cb), &notified);

  request (session, "GET", gh_redirect_server_get_url (server), &reply);
  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  headers = soup_message_get_response_headers (reply.msg);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Location"), ==, TARGET_URL);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Referrer-Policy"), ==, "no-referrer");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL),
                                   "text/html"));
  g_assert_cmpuint (g_bytes_get_size (reply.body), >, 0);
  assert_target_not_leaked (&reply);
  reply_clear (&reply);

  run_until_idle ();
  g_assert_cmpuint (visited, ==, 1);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (expired, ==, 0);
  g_assert_true (gh_redirect_server_get_visited (server));

  /* Valid once: the listener is gone. */
  request (session, "GET", gh_redirect_server_get_url (server), &reply);
  assert_refused (&reply);
  reply_clear (&reply);
  run_until_idle ();
  g_assert_cmpuint (visited, ==, 1);
}

/* Two browsers racing for the link: one gets the target, the other 410 Gone (it arrived while
 * the first response was being written) or a refused connection (it arrived after). */
static void
test_second_visit_refused (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session_a = new_session ();
  g_autoptr(SoupSession) session_b = new_session ();
  guint visited = 0;
  guint redirects = 0;
  Reply a, b;

  g_signal_connect (server, "visited", G_CALLBACK (count_cb), &visited);

  start_request (session_a, "GET", gh_redirect_server_get_url (server), &a);
  start_request (session_b, "GET", gh_redirect_server_get_url (server), &b);
  while (!a.done || !b.done)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < 2; i++)
    {
      Reply *reply = i == 0 ? &a : &b;

      if (reply->error != NULL)
        assert_refused (reply);
      else if (soup_message_get_status (reply->msg) == SOUP_STATUS_SEE_OTHER)
        redirects++;
      else
        {
          g_assert_cmpuint (soup_message_get_status (reply->msg), ==, SOUP_STATUS_GONE);
          SoupMessageHeaders *headers = soup_message_get_response_headers (reply->msg);

          g_assert_null (soup_message_headers_get_one (headers, "Location"));
          assert_target_not_leaked (reply);
        }
    }
  g_assert_cmpuint (redirects, ==, 1);

  reply_clear (&a);
  reply_clear (&b);
  run_until_idle ();
  g_assert_cmpuint (visited, ==, 1);
}

static void
test_wrong_path (void)
{
  static const char * const paths[] = { "/", "/favicon.ico", "/oauth/callback", NULL };
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  const char *url = gh_redirect_server_get_url (server);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *longer = g_strconcat (g_uri_get_path (uri), "x", NULL);
  g_autofree char *shorter = g_strndup (g_uri_get_path (uri), strlen (g_uri_get_path (uri)) - 1);
  guint visited = 0;
  Reply reply;

  g_signal_connect (server, "visited", G_CALLBACK (count_cb), &visited);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *wrong = url_with_path (url, paths[i]);

      request (session, "GET", wrong, &reply);
      g_assert_no_error (reply.error);
      g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_NOT_FOUND);
      assert_target_not_leaked (&reply);
      reply_clear (&reply);
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *wrong = url_with_path (url, i == 0 ? longer : shorter);

      request (session, "GET", wrong, &reply);
      g_assert_no_error (reply.error);
      g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_NOT_FOUND);
      assert_target_not_leaked (&reply);
      reply_clear (&reply);
    }

  run_until_idle ();
  g_assert_cmpuint (visited, ==, 0);

  /* Not used up by the misses. */
  request (session, "GET", url, &reply);
  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  reply_clear (&reply);
  run_until_idle ();
  g_assert_cmpuint (visited, ==, 1);
}

/* A request addressed to another host reached us through DNS rebinding: 421, the target stays
 * secret and the visit stays for the browser, which may name us 127.0.0.1 or localhost. */
static void
test_foreign_host (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  const char *url = gh_redirect_server_get_url (server);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  int port = g_uri_get_port (uri);
  g_autofree char *rebound = g_strdup_printf ("attacker.example:%d", port);
  g_autofree char *other_port = g_strdup_printf ("127.0.0.1:%d", port == 65535 ? 1 : port + 1);
  g_autofree char *suffixed = g_strdup_printf ("localhost.attacker.example:%d", port);
  g_autofree char *localhost = g_strdup_printf ("LocalHost:%d", port);
  const char *foreign[] = { rebound, other_port, suffixed, "127.0.0.1", "localhost", "", NULL };
  guint visited = 0;
  Reply reply;

  g_signal_connect (server, "visited", G_CALLBACK (count_cb), &visited);

  for (guint i = 0; foreign[i] != NULL; i++)
    {
      request_with_host (session, url, foreign[i], &reply);
      g_assert_no_error (reply.error);
      g_assert_cmpuint (soup_message_get_status (reply.msg), ==,
                        SOUP_STATUS_MISDIRECTED_REQUEST);
      g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (reply.msg),
                                                   "Location"));
      assert_target_not_leaked (&reply);
      reply_clear (&reply);
    }

  run_until_idle ();
  g_assert_cmpuint (visited, ==, 0);
  g_assert_false (gh_redirect_server_get_visited (server));

  request_with_host (session, url, localhost, &reply);
  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (reply.msg),
                                                 "Location"), ==, TARGET_URL);
  reply_clear (&reply);
  run_until_idle ();
  g_assert_cmpuint (visited, ==, 1);
}

/* HEAD is a probe: it learns nothing and leaves the one visit for the browser. */
static void
test_head (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  guint visited = 0;
  Reply reply;

  g_signal_connect (server, "visited", G_CALLBACK (count_cb), &visited);

  for (guint i = 0; i < 2; i++)
    {
      request (session, "HEAD", gh_redirect_server_get_url (server), &reply);
      g_assert_no_error (reply.error);
      g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_OK);
      g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (reply.msg),
                                                   "Location"));
      g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (reply.msg),
                                                     "Cache-Control"), ==, "no-store");
      assert_target_not_leaked (&reply);
      reply_clear (&reply);
    }

  run_until_idle ();
  g_assert_cmpuint (visited, ==, 0);
  g_assert_false (gh_redirect_server_get_visited (server));

  request (session, "GET", gh_redirect_server_get_url (server), &reply);
  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  reply_clear (&reply);
  run_until_idle ();
  g_assert_cmpuint (visited, ==, 1);

  request (session, "HEAD", gh_redirect_server_get_url (server), &reply);
  assert_refused (&reply);
  reply_clear (&reply);
}

static void
test_other_method (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  Reply reply;

  request (session, "POST", gh_redirect_server_get_url (server), &reply);
  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
  assert_target_not_leaked (&reply);
  reply_clear (&reply);

  request (session, "GET", gh_redirect_server_get_url (server), &reply);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  reply_clear (&reply);
  run_until_idle ();
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  gboolean visited;

  visited = gh_redirect_server_wait_finish (GH_REDIRECT_SERVER (object), result, &reply->error);
  /* Reuse Reply: body non-NULL means "visited". */
  if (visited)
    reply->body = g_bytes_new_static ("", 0);
  reply->done = TRUE;
}

static void
test_expiry (void)
{
  g_autoptr(GhRedirectServer) server = new_server (1);
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *url = g_strdup (gh_redirect_server_get_url (server));
  guint visited = 0, expired = 0;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  Reply wait = { 0 }, reply;

  g_signal_connect (server, "visited", G_CALLBACK (count_cb), &visited);
  g_signal_connect (server, "expired", G_CALLBACK (count_cb), &expired);

  gh_redirect_server_wait_async (server, NULL, wait_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  g_assert_no_error (wait.error);
  g_assert_null (wait.body);   /* FALSE: expired */
  g_assert_cmpuint (expired, ==, 1);
  g_assert_cmpuint (visited, ==, 0);
  g_assert_cmpint (elapsed, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (elapsed, <, 5 * G_TIME_SPAN_SECOND);
  g_assert_false (gh_redirect_server_get_visited (server));

  request (session, "GET", url, &reply);
  assert_refused (&reply);
  reply_clear (&reply);

  /* A wait that starts afterwards has its answer at once. */
  memset (&wait, 0, sizeof wait);
  gh_redirect_server_wait_async (server, NULL, wait_cb, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_assert_null (wait.body);
  g_assert_cmpuint (expired, ==, 1);
}

static void
test_wait_visited (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  Reply wait1 = { 0 }, wait2 = { 0 }, reply;

  /* Two waiters both hear about it. */
  gh_redirect_server_wait_async (server, NULL, wait_cb, &wait1);
  gh_redirect_server_wait_async (server, NULL, wait_cb, &wait2);
  run_until_idle ();
  g_assert_false (wait1.done);

  start_request (session, "GET", gh_redirect_server_get_url (server), &reply);
  while (!wait1.done || !wait2.done || !reply.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (reply.error);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  g_assert_no_error (wait1.error);
  g_assert_nonnull (wait1.body);
  g_assert_no_error (wait2.error);
  g_assert_nonnull (wait2.body);
  reply_clear (&reply);
  reply_clear (&wait1);
  reply_clear (&wait2);

  gh_redirect_server_wait_async (server, NULL, wait_cb, &wait1);
  while (!wait1.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait1.error);
  g_assert_nonnull (wait1.body);
  reply_clear (&wait1);
}

static void
test_wait_cancelled (void)
{
  g_autoptr(GhRedirectServer) server = new_server (60);
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) precancelled = g_cancellable_new ();
  Reply wait = { 0 }, other = { 0 }, early = { 0 }, reply;

  gh_redirect_server_wait_async (server, cancellable, wait_cb, &wait);
  gh_redirect_server_wait_async (server, NULL, wait_cb, &other);
  g_cancellable_cancel (precancelled);
  gh_redirect_server_wait_async (server, precancelled, wait_cb, &early);
  run_until_idle ();
  g_assert_false (wait.done);
  g_assert_true (early.done);
  g_assert_error (early.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_cancellable_cancel (cancellable);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (other.done);

  /* Cancelling a wait does not close the link. */
  start_request (session, "GET", gh_redirect_server_get_url (server), &reply);
  while (!reply.done || !other.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (reply.msg), ==, SOUP_STATUS_SEE_OTHER);
  g_assert_no_error (other.error);
  g_assert_nonnull (other.body);

  /* Cancelling after it completed changes nothing. */
  g_cancellable_cancel (cancellable);
  run_until_idle ();

  reply_clear (&reply);
  reply_clear (&wait);
  reply_clear (&other);
  reply_clear (&early);
}

static void
test_two_servers (void)
{
  g_autoptr(GhRedirectServer) a = new_server (60);
  g_autoptr(GhRedirectServer) b = new_server (60);
  g_autoptr(GUri) uri_a = g_uri_parse (gh_redirect_server_get_url (a), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) uri_b = g_uri_parse (gh_redirect_server_get_url (b), G_URI_FLAGS_NONE, NULL);

  g_assert_cmpint (g_uri_get_port (uri_a), !=, g_uri_get_port (uri_b));
  g_assert_cmpstr (g_uri_get_path (uri_a), !=, g_uri_get_path (uri_b));
}

static void
test_dispose_closes (void)
{
  g_autoptr(SoupSession) session = new_session ();
  GhRedirectServer *server = new_server (60);
  g_autofree char *url = g_strdup (gh_redirect_server_get_url (server));
  guint expired = 0;
  Reply reply;

  g_signal_connect (server, "expired", G_CALLBACK (count_cb), &expired);
  g_object_unref (server);

  request (session, "GET", url, &reply);
  assert_refused (&reply);
  reply_clear (&reply);
  run_until_idle ();
  g_assert_cmpuint (expired, ==, 0);
}

static void
test_invalid_target (void)
{
  static const char * const targets[] = {
    "javascript:alert(1)//" SECRET_TOKEN,
    "https://signin.aws.amazon.com/x\r\nSet-Cookie: a=" SECRET_TOKEN,
    "",
    NULL
  };

  for (guint i = 0; targets[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhRedirectServer) server = gh_redirect_server_new (targets[i], 60, &error);

      g_assert_null (server);
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_null (strstr (error->message, SECRET_TOKEN));
    }
}

int
main (int   argc,
      char *argv[])
{
  /* No desktop proxy settings: the requests go to 127.0.0.1. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/redirect-server/url-shape", test_url_shape);
  g_test_add_func ("/redirect-server/visit", test_visit);
  g_test_add_func ("/redirect-server/second-visit-refused", test_second_visit_refused);
  g_test_add_func ("/redirect-server/wrong-path", test_wrong_path);
  g_test_add_func ("/redirect-server/foreign-host", test_foreign_host);
  g_test_add_func ("/redirect-server/head", test_head);
  g_test_add_func ("/redirect-server/other-method", test_other_method);
  g_test_add_func ("/redirect-server/expiry", test_expiry);
  g_test_add_func ("/redirect-server/wait/visited", test_wait_visited);
  g_test_add_func ("/redirect-server/wait/cancelled", test_wait_cancelled);
  g_test_add_func ("/redirect-server/two-servers", test_two_servers);
  g_test_add_func ("/redirect-server/dispose-closes", test_dispose_closes);
  g_test_add_func ("/redirect-server/invalid-target", test_invalid_target);

  return g_test_run ();
}
