/* test-http.c — GhHttp against a loopback server: a request that could not go out, one whose
 * reply is late, and one whose reply is lost; proxies from the environment
 */
#include "config.h"

#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-http.h"
#include "gh-http-private.h"
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

/* Proxies from the environment, as the AWS CLI reads them */

static const char *const proxy_variables[] = {
  "all_proxy", "ALL_PROXY", "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
  "no_proxy", "NO_PROXY",
};

static void
unset_proxy_variables (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (proxy_variables); i++)
    g_unsetenv (proxy_variables[i]);
}

static char *
first_proxy (GProxyResolver *resolver,
             const char     *uri)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) proxies = g_proxy_resolver_lookup (resolver, uri, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (proxies);
  return g_strdup (proxies[0]);
}

static void
test_proxy_environment (void)
{
  static const struct
  {
    const char *variables;   /* NAME=VALUE;… */
    const char *uri;
    const char *proxy;
  } cases[] = {
    { "no_proxy=.internal;https_proxy=", "https://portal.sso.us-east-1.amazonaws.com/", NULL },
    { "https_proxy=http://proxy.example:3128", "https://portal.sso.us-east-1.amazonaws.com/",
      "http://proxy.example:3128" },
    { "https_proxy=http://proxy.example:3128", "http://127.0.0.1:8080/", "direct://" },
    { "HTTPS_PROXY=proxy.example:3128", "https://oidc.us-east-1.amazonaws.com/",
      "http://proxy.example:3128" },
    { "https_proxy=http://lower:1;HTTPS_PROXY=http://upper:2", "https://a.amazonaws.com/",
      "http://lower:1" },
    { "http_proxy=http://plain:80", "http://127.0.0.1:8080/", "http://plain:80" },
    { "all_proxy=socks5://socks.example:1080", "https://a.amazonaws.com/",
      "socks5://socks.example:1080" },
    { "https_proxy=http://proxy.example:3128;no_proxy=localhost, .amazonaws.com",
      "https://portal.sso.us-east-1.amazonaws.com/", "direct://" },
    { "https_proxy=http://proxy.example:3128;NO_PROXY=.internal",
      "https://portal.sso.us-east-1.amazonaws.com/", "http://proxy.example:3128" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) variables = g_strsplit (cases[i].variables, ";", -1);
      g_autoptr(GProxyResolver) resolver = NULL;
      g_autofree char *proxy = NULL;

      unset_proxy_variables ();
      for (guint j = 0; variables[j] != NULL; j++)
        {
          g_auto(GStrv) pair = g_strsplit (variables[j], "=", 2);

          if (pair[0] != NULL && *pair[0] != '\0')
            g_setenv (pair[0], pair[1], TRUE);
        }
      resolver = gh_http_proxy_resolver_new_from_environment ();
      /* None at all: no resolver, so that connections make no proxy lookup */
      if (cases[i].proxy == NULL)
        {
          g_assert_null (resolver);
          continue;
        }
      proxy = first_proxy (resolver, cases[i].uri);
      g_assert_cmpstr (proxy, ==, cases[i].proxy);
    }
  unset_proxy_variables ();
}

/* Which processes keep GIO's resolver: where it reads the desktop's proxy settings, or where
 * GIO_USE_PROXY_RESOLVER chooses one; elsewhere the environment's proxies */
static void
test_proxy_desktop_settings (void)
{
  static const struct
  {
    const char *current_desktop;
    const char *gio_use_proxy_resolver;
    gboolean    sandboxed;
    gboolean    desktop;
  } cases[] = {
    { NULL, NULL, FALSE, FALSE },
    { "", NULL, FALSE, FALSE },
    { "GNOME", NULL, FALSE, TRUE },
    { "ubuntu:GNOME", NULL, FALSE, TRUE },
    { "GNOME-Flashback", NULL, FALSE, TRUE },
    { "KDE", NULL, FALSE, TRUE },
    { "XFCE", NULL, FALSE, FALSE },
    { "X-Cinnamon", NULL, FALSE, FALSE },
    { "sway", NULL, FALSE, FALSE },
    { "KDEish", NULL, FALSE, FALSE },
    { "XFCE", "libproxy", FALSE, TRUE },
    { NULL, "dummy", FALSE, TRUE },
    { NULL, "", FALSE, FALSE },
    { NULL, NULL, TRUE, TRUE },
    { "XFCE", NULL, TRUE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("XDG_CURRENT_DESKTOP=%s GIO_USE_PROXY_RESOLVER=%s sandboxed=%d",
                      cases[i].current_desktop, cases[i].gio_use_proxy_resolver,
                      cases[i].sandboxed);
      g_assert_cmpint (gh_http_desktop_has_proxy_settings_for (cases[i].current_desktop,
                                                                 cases[i].gio_use_proxy_resolver,
                                                                 cases[i].sandboxed),
                       ==, cases[i].desktop);
    }
}

/* A proxy that takes one connection and keeps its first line */
static gboolean
proxy_incoming_cb (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source,
                   gpointer           user_data)
{
  char **first_line = user_data;
  g_autoptr(GDataInputStream) input = NULL;

  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_free (*first_line);
  *first_line = g_data_input_stream_read_line (input, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* Sessions made once gh_http_use_environment_proxies() was called go through the
 * environment's proxy, and make no proxy lookup when it names none */
static void
test_proxy_environment_sessions (void)
{
  g_autoptr(GSocketService) proxy = g_threaded_socket_service_new (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhHttp) http = NULL;
  g_autoptr(GhHttp) direct = NULL;
  g_autoptr(GhHttp) desktop = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *proxy_url = NULL;
  g_autofree char *first_line = NULL;
  GAsyncResult *pending = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (proxy), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (proxy, "run", G_CALLBACK (proxy_incoming_cb), &first_line);
  g_socket_service_start (proxy);
  proxy_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  unset_proxy_variables ();
  gh_http_use_environment_proxies (TRUE);
  direct = gh_http_new ();
  g_setenv ("http_proxy", proxy_url, TRUE);
  http = gh_http_new ();
  unset_proxy_variables ();
  gh_http_use_environment_proxies (FALSE);
  desktop = gh_http_new ();

  g_assert_null (soup_session_get_proxy_resolver (gh_http_get_soup_session (direct)));
  g_assert_true (G_IS_SIMPLE_PROXY_RESOLVER (
    soup_session_get_proxy_resolver (gh_http_get_soup_session (http))));
  g_assert_true (soup_session_get_proxy_resolver (gh_http_get_soup_session (desktop)) ==
                 g_proxy_resolver_get_default ());

  gh_http_set_retry_policy (http, 1, 10, 10);
  gh_http_call_async (http, "Testing", "GET", "http://gatehouse.invalid/", NULL, NULL, NULL,
                      gh_test_keep_result, &pending);
  result = gh_test_wait_result (&pending);
  reply = gh_http_call_finish (http, result, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NETWORK);
  g_assert_nonnull (first_line);
  g_assert_nonnull (strstr (first_line, "gatehouse.invalid"));

  g_socket_service_stop (proxy);
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
  g_test_add_func ("/http/proxy/environment", test_proxy_environment);
  g_test_add_func ("/http/proxy/environment-sessions", test_proxy_environment_sessions);
  g_test_add_func ("/http/proxy/desktop-settings", test_proxy_desktop_settings);

  return g_test_run ();
}
