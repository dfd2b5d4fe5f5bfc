/* gh-http.c — JSON over HTTPS to AWS, with error decoding and retries
 *
 * Retry schedule as botocore's "standard" mode, with a few more attempts because a person is
 * waiting on a sign-in rather than a script: delay = rand(0, 1) × min(base × 2^(n−1), cap).
 *
 * A failure before the request went out whole means the service never saw it ("cannot
 * reach"); after, the service may have carried it out and only the reply is missing ("slow to
 * answer" when the timeout ran out). Callers whose request can be carried out only once
 * (GH_HTTP_CALL_SINGLE_USE) learn that from gh_http_call_get_reply_lost().
 */
#define G_LOG_DOMAIN "gh-http"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-http.h"
#include "gh-http-private.h"

struct _GhHttp
{
  GObject      parent_instance;
  SoupSession *session;
  SoupSession *patient_session;      /* single-use calls; made when first needed */
  guint        timeout;
  guint        single_use_timeout;
  guint        max_attempts;
  guint        base_delay_ms;
  guint        max_delay_ms;
};

G_DEFINE_FINAL_TYPE (GhHttp, gh_http, G_TYPE_OBJECT)

typedef struct
{
  char     *operation;
  char     *method;
  char     *url;
  char     *host;
  GBytes   *body;
  char     *bearer_token;
  GhHttpCallFlags flags;
  guint     attempt;
  guint     retry_source;
  guint     status;                  /* of the last reply; 0 before one */
  gboolean  reply_lost;              /* an attempt went out and its reply never came */
  GError   *last_error;
} Call;

static void send_attempt (GTask *task);

/* Request URLs and bodies can hold secrets (the federation Session parameter, client secrets,
 * refresh tokens): wipe them before the memory goes back to the allocator. */
static void
wipe_and_free (char *text)
{
  if (text != NULL)
    {
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
}

static void
call_free (Call *call)
{
  g_free (call->operation);
  g_free (call->method);
  wipe_and_free (call->url);
  g_free (call->host);
  g_clear_pointer (&call->body, g_bytes_unref);
  wipe_and_free (call->bearer_token);
  g_clear_handle_id (&call->retry_source, g_source_remove);
  g_clear_error (&call->last_error);
  g_free (call);
}

static void
gh_http_finalize (GObject *object)
{
  GhHttp *self = GH_HTTP (object);

  g_clear_object (&self->session);
  g_clear_object (&self->patient_session);

  G_OBJECT_CLASS (gh_http_parent_class)->finalize (object);
}

static void
gh_http_class_init (GhHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_http_finalize;
}

/* Proxies */

/* FALSE: GIO's default resolver, which follows the desktop's proxy settings */
static gboolean environment_proxies;

void
gh_http_use_environment_proxies (gboolean use)
{
  environment_proxies = use;
}

/* GIO ranks the resolvers of an extension point by priority and asks each whether it applies:
 * the portal's (inside Flatpak), then glib-networking's GNOME one (XDG_CURRENT_DESKTOP names
 * GNOME: it reads org.gnome.system.proxy), then libproxy's, which always does. Only asking
 * loads the modules, so any use of GIO's resolver maps libproxy and libstdc++: cheap where
 * the desktop's own processes map libstdc++ anyway (gnome-shell through its JavaScript engine,
 * Plasma through Qt), and where the desktop has proxy settings to read (libproxy reads KDE's).
 * On other desktops libproxy reads the same proxy variables as the environment resolver. */
gboolean
gh_http_desktop_has_proxy_settings_for (const char *current_desktop,
                                        const char *gio_use_proxy_resolver,
                                        gboolean    sandboxed)
{
  g_auto(GStrv) desktops = NULL;

  if (gio_use_proxy_resolver != NULL && *gio_use_proxy_resolver != '\0')
    return TRUE;
  if (sandboxed)
    return TRUE;
  if (current_desktop == NULL)
    return FALSE;
  /* glib-networking's own test is a substring one: "GNOME-Flashback" counts too */
  if (strstr (current_desktop, "GNOME") != NULL)
    return TRUE;
  desktops = g_strsplit (current_desktop, ":", -1);
  return g_strv_contains ((const char * const *) desktops, "KDE");
}

gboolean
gh_http_desktop_has_proxy_settings (void)
{
  return gh_http_desktop_has_proxy_settings_for (g_getenv ("XDG_CURRENT_DESKTOP"),
                                                 g_getenv ("GIO_USE_PROXY_RESOLVER"),
                                                 g_file_test ("/.flatpak-info",
                                                              G_FILE_TEST_EXISTS));
}

/* The first of the variables that is set and not empty */
static const char *
getenv_first (const char *lower,
              const char *upper)
{
  const char *value = g_getenv (lower);

  if (value == NULL || *value == '\0')
    value = g_getenv (upper);
  return value != NULL && *value != '\0' ? value : NULL;
}

/* "proxy:3128" means http://proxy:3128, as curl and botocore read it */
static char *
proxy_uri (const char *value)
{
  return strstr (value, "://") != NULL ? g_strdup (value) : g_strconcat ("http://", value, NULL);
}

/* NO_PROXY is a comma-separated list, with spaces allowed around the commas */
static GStrv
split_no_proxy (const char *value)
{
  g_autoptr(GStrvBuilder) hosts = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  if (value == NULL)
    return NULL;
  parts = g_strsplit (value, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (hosts, parts[i]);
    }
  return g_strv_builder_end (hosts);
}

GProxyResolver *
gh_http_proxy_resolver_new_from_environment (void)
{
  const char *all = getenv_first ("all_proxy", "ALL_PROXY");
  const char *http = getenv_first ("http_proxy", "HTTP_PROXY");
  const char *https = getenv_first ("https_proxy", "HTTPS_PROXY");
  g_auto(GStrv) ignore = NULL;
  g_autofree char *all_uri = NULL;
  GProxyResolver *resolver;

  if (all == NULL && http == NULL && https == NULL)
    return NULL;

  ignore = split_no_proxy (getenv_first ("no_proxy", "NO_PROXY"));
  all_uri = all != NULL ? proxy_uri (all) : NULL;
  resolver = g_simple_proxy_resolver_new (all_uri, ignore);

  if (http != NULL)
    {
      g_autofree char *uri = proxy_uri (http);

      g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "http", uri);
    }
  if (https != NULL)
    {
      g_autofree char *uri = proxy_uri (https);

      g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "https", uri);
    }
  return resolver;
}

static SoupSession *
new_soup_session (guint timeout)
{
  SoupSession *session;

  session = soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                           "timeout", timeout,
                                           "idle-timeout", 60,
                                           "max-conns-per-host", GH_HTTP_MAX_CONNS_PER_HOST,
                                           "max-conns", GH_HTTP_MAX_CONNS,
                                           NULL);
  if (environment_proxies)
    {
      g_autoptr(GProxyResolver) resolver = gh_http_proxy_resolver_new_from_environment ();

      /* None: the connections make no proxy lookup at all. With GIO's resolver in place, every
       * connection would load its proxy modules first, even to find no proxy. */
      soup_session_set_proxy_resolver (session, resolver);
    }
  return session;
}

SoupSession *
gh_http_get_soup_session (GhHttp *self)
{
  g_return_val_if_fail (GH_IS_HTTP (self), NULL);

  return self->session;
}

static void
gh_http_init (GhHttp *self)
{
  const char *timeout = g_getenv ("GATEHOUSE_HTTP_TIMEOUT");
  guint seconds = 30;

  if (timeout != NULL && g_ascii_string_to_unsigned (timeout, 10, 1, 3600, NULL, NULL))
    seconds = (guint) g_ascii_strtoull (timeout, NULL, 10);

  self->timeout = seconds;
  self->single_use_timeout = MAX (seconds, GH_HTTP_SINGLE_USE_TIMEOUT);
  self->session = new_soup_session (self->timeout);
  self->max_attempts = 4;
  self->base_delay_ms = 200;
  self->max_delay_ms = 5000;
}

GhHttp *
gh_http_new (void)
{
  return g_object_new (GH_TYPE_HTTP, NULL);
}

GhHttp *
gh_http_get_default (void)
{
  static GhHttp *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, gh_http_new ());
  return instance;
}

void
gh_http_set_retry_policy (GhHttp *self,
                          guint   max_attempts,
                          guint   base_delay_ms,
                          guint   max_delay_ms)
{
  g_return_if_fail (GH_IS_HTTP (self));
  g_return_if_fail (max_attempts > 0);

  self->max_attempts = max_attempts;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = max_delay_ms;
}

void
gh_http_set_timeouts (GhHttp *self,
                      guint   timeout,
                      guint   single_use_timeout)
{
  g_return_if_fail (GH_IS_HTTP (self));
  g_return_if_fail (timeout > 0 && single_use_timeout > 0);

  self->timeout = timeout;
  self->single_use_timeout = single_use_timeout;
  g_object_set (self->session, "timeout", timeout, NULL);
  if (self->patient_session != NULL)
    g_object_set (self->patient_session, "timeout", single_use_timeout, NULL);
}

/* SoupSession's timeout is per session: single-use calls get one of their own. */
static SoupSession *
session_for (GhHttp *self,
             Call   *call)
{
  if (!(call->flags & GH_HTTP_CALL_SINGLE_USE))
    return self->session;
  if (self->patient_session == NULL)
    self->patient_session = new_soup_session (self->single_use_timeout);
  return self->patient_session;
}

static guint
timeout_for (GhHttp *self,
             Call   *call)
{
  return call->flags & GH_HTTP_CALL_SINGLE_USE ? self->single_use_timeout : self->timeout;
}

static guint
retry_delay_ms (GhHttp *self,
                guint   attempt)
{
  guint64 ceiling = (guint64) self->base_delay_ms << MIN (attempt - 1, 16u);

  ceiling = MIN (ceiling, self->max_delay_ms);
  return (guint) (g_random_double () * ceiling);
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  call->retry_source = 0;
  send_attempt (task);
  return G_SOURCE_REMOVE;
}

static void
fail_or_retry (GTask  *task,
               GError *error)
{
  GhHttp *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  if (call->attempt < self->max_attempts && gh_error_is_transient (error))
    {
      guint delay = retry_delay_ms (self, call->attempt);

      g_debug ("%s: attempt %u failed (%s), retrying in %u ms",
               call->operation, call->attempt, error->message, delay);
      g_clear_error (&call->last_error);
      call->last_error = error;
      /* The task holds the ref; cancellation is noticed when the next attempt starts. */
      call->retry_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay, retry_cb,
                                               g_object_ref (task), g_object_unref);
      return;
    }

  g_task_return_error (task, error);
  g_object_unref (task);
}

JsonNode *
gh_http_parse_reply (const char  *operation,
                     GBytes      *bytes,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  JsonNode *root;

  if (len == 0)
    return json_node_new (JSON_NODE_NULL);

  if (!json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the service sent a reply that is not valid JSON"), operation);
      return NULL;
    }

  return json_node_copy (root);
}

static void
wrote_body_cb (SoupMessage *message,
               gpointer     unused)
{
  g_object_set_data (G_OBJECT (message), "gh-http-sent", GINT_TO_POINTER (TRUE));
}

/* The whole request was written: from here on the service may carry it out. */
static gboolean
request_went_out (SoupMessage *message)
{
  return g_object_get_data (G_OBJECT (message), "gh-http-sent") != NULL;
}

static void
send_failed (GTask        *task,
             SoupMessage  *message,
             const GError *error)
{
  GhHttp *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  gboolean went_out = request_went_out (message);
  guint timeout = timeout_for (self, call);
  GError *slow;

  if (went_out)
    call->reply_lost = TRUE;

  if (!went_out || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      fail_or_retry (task, g_error_new (GH_ERROR, GH_ERROR_NETWORK,
                                        _("%s failed: cannot reach %s: %s"),
                                        call->operation, call->host, error->message));
      return;
    }

  /* It answered, or will: only not in time. */
  slow = g_error_new (GH_ERROR, GH_ERROR_NETWORK,
                      ngettext ("%s failed: AWS is slow to answer (no reply from %s within %u "
                                "second)",
                                "%s failed: AWS is slow to answer (no reply from %s within %u "
                                "seconds)", timeout),
                      call->operation, call->host, timeout);
  if (call->flags & GH_HTTP_CALL_SINGLE_USE)
    {
      g_task_return_error (task, slow);
      g_object_unref (task);
      return;
    }
  fail_or_retry (task, slow);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessage *message = g_object_get_data (G_OBJECT (task), "message");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *root;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }

      send_failed (task, message, error);
      return;
    }

  status = call->status = soup_message_get_status (message);
  if (status < 200 || status >= 300)
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (message);
      const char *type = soup_message_headers_get_one (headers, "x-amzn-ErrorType");

      fail_or_retry (task, gh_error_from_aws_response (call->operation, status, type, bytes));
      return;
    }

  if ((root = gh_http_parse_reply (call->operation, bytes, &error)) == NULL)
    {
      /* Carried out, by the look of the status, but what it returned cannot be read. */
      call->reply_lost = TRUE;
      fail_or_retry (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
  g_object_unref (task);
}

static void
send_attempt (GTask *task)
{
  GhHttp *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  call->attempt++;
  message = soup_message_new (call->method, call->url);
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (call->bearer_token != NULL)
    soup_message_headers_replace (headers, "x-amz-sso_bearer_token", call->bearer_token);

  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", call->body);

  g_signal_connect (message, "wrote-body", G_CALLBACK (wrote_body_cb), NULL);
  g_object_set_data_full (G_OBJECT (task), "message", g_object_ref (message), g_object_unref);
  g_debug ("%s: %s %s (attempt %u)", call->operation, call->method, call->host, call->attempt);
  soup_session_send_and_read_async (session_for (self, call), message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), send_cb, task);
}

void
gh_http_call_async (GhHttp              *self,
                    const char          *operation,
                    const char          *method,
                    const char          *url,
                    JsonNode            *body,
                    const char          *bearer_token,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  gh_http_call_full_async (self, operation, method, url, body, bearer_token,
                           GH_HTTP_CALL_DEFAULT, cancellable, callback, user_data);
}

void
gh_http_call_full_async (GhHttp              *self,
                         const char          *operation,
                         const char          *method,
                         const char          *url,
                         JsonNode            *body,
                         const char          *bearer_token,
                         GhHttpCallFlags      flags,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  GTask *task;
  Call *call;

  g_return_if_fail (GH_IS_HTTP (self));
  g_return_if_fail (operation != NULL && method != NULL && url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_http_call_full_async);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_task_return_new_error (task, GH_ERROR, GH_ERROR_INVALID_INPUT,
                               _("%s failed: invalid service URL"), operation);
      g_object_unref (task);
      return;
    }

  call = g_new0 (Call, 1);
  call->operation = g_strdup (operation);
  call->method = g_strdup (method);
  call->url = g_strdup (url);
  call->host = g_strdup (g_uri_get_host (uri));
  call->bearer_token = g_strdup (bearer_token);
  call->flags = flags;
  if (body != NULL)
    {
      gsize len = 0;
      char *text = json_to_string (body, FALSE);

      len = strlen (text);
      call->body = g_bytes_new_with_free_func (text, len, (GDestroyNotify) wipe_and_free, text);
    }
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  send_attempt (task);
}

JsonNode *
gh_http_call_finish (GhHttp        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
gh_http_call_get_status (GAsyncResult *result)
{
  Call *call;

  g_return_val_if_fail (G_IS_TASK (result), 0);

  call = g_task_get_task_data (G_TASK (result));
  return call != NULL ? call->status : 0;
}

gboolean
gh_http_call_get_reply_lost (GAsyncResult *result)
{
  Call *call;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  call = g_task_get_task_data (G_TASK (result));
  return call != NULL && call->reply_lost;
}

const char *
gh_json_require_string (JsonObject  *object,
                        const char  *member,
                        const char  *operation,
                        GError     **error)
{
  const char *value = gh_json_get_string (object, member);

  if (value == NULL || *value == '\0')
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has no “%s”"), operation, member);
      return NULL;
    }
  return value;
}

static gboolean
is_token_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p <= ' ' || *p >= 0x7f)
      return FALSE;
  return TRUE;
}

const char *
gh_json_require_token (JsonObject  *object,
                       const char  *member,
                       const char  *operation,
                       GError     **error)
{
  const char *value = gh_json_require_string (object, member, operation, error);

  if (value != NULL && !is_token_text (value))
    {
      /* Never the value itself: it may be a secret */
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has an unusable “%s”"), operation, member);
      return NULL;
    }
  return value;
}

gboolean
gh_json_require_int (JsonObject  *object,
                     const char  *member,
                     const char  *operation,
                     gint64      *value,
                     GError     **error)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has no number “%s”"), operation, member);
      return FALSE;
    }

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else
    {
      double number = json_node_get_double (node);

      /* Converting a number out of gint64's range (or NaN) would be undefined */
      if (!(number >= -0x1p63 && number < 0x1p63))
        {
          g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                       _("%s failed: the reply has no number “%s”"), operation, member);
          return FALSE;
        }
      *value = (gint64) number;
    }
  return TRUE;
}
