/* gh-redirect-server.c — a one-shot loopback URL that redirects to a secret URL
 *
 * Rules, in the order a request meets them:
 *  - a Host header other than 127.0.0.1:PORT or localhost:PORT (DNS rebinding: a web page
 *    reaching us under a name of its own): 421, and the one visit is not used up;
 *  - any path but the random one: 404, and the one visit is not used up;
 *  - GET of the random path, first time: 303 See Other to the target; once that response has
 *    been written (or the client went away) "visited" is emitted and the listener closes, so a
 *    later visit finds the port closed (connection refused);
 *  - GET of the random path while the first response is still on its way (a second connection
 *    racing the first): 410 Gone;
 *  - HEAD of the random path: 200 with no Location and no body, and the visit is not used up,
 *    because link checkers and some launchers probe a URL before the browser opens it; the
 *    target is only ever handed out once, in answer to a GET;
 *  - any other method: 405, not used up;
 *  - nobody came within the lifetime: "expired", and the listener closes.
 *
 * The target URL is wiped from our memory as soon as it has been sent or can no longer be.
 */
#define G_LOG_DOMAIN "gh-redirect-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-loopback.h"
#include "gh-random.h"
#include "gh-redirect-server.h"

#define PATH_RANDOM_BYTES 32

struct _GhRedirectServer
{
  GObject     parent_instance;

  SoupServer *server;
  guint       port;
  char       *target_url;   /* secret; NULL once sent or expired */
  char       *path;         /* "/" + base64url of PATH_RANDOM_BYTES random bytes */
  char       *url;
  guint       expiry_source;
  GPtrArray  *waiters;      /* GTask */

  guint       consumed : 1; /* the GET was answered; only "finished" is awaited */
  guint       visited : 1;
  guint       expired : 1;
};

G_DEFINE_FINAL_TYPE (GhRedirectServer, gh_redirect_server, G_TYPE_OBJECT)

enum { PROP_0, PROP_URL, PROP_VISITED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { VISITED, EXPIRED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
wipe_target (GhRedirectServer *self)
{
  if (self->target_url != NULL)
    {
      explicit_bzero (self->target_url, strlen (self->target_url));
      g_clear_pointer (&self->target_url, g_free);
    }
}

static void
stop_listening (GhRedirectServer *self)
{
  g_clear_handle_id (&self->expiry_source, g_source_remove);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  wipe_target (self);
}

static void
complete_waiters (GhRedirectServer *self,
                  gboolean          visited)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), visited);
}

static void
gh_redirect_server_dispose (GObject *object)
{
  GhRedirectServer *self = GH_REDIRECT_SERVER (object);

  stop_listening (self);

  /* Waiters hold a reference, so this only happens through g_object_run_dispose(). */
  if (self->waiters != NULL)
    {
      g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

      for (guint i = 0; i < waiters->len; i++)
        g_task_return_new_error (g_ptr_array_index (waiters, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The one-time link was closed"));
    }

  G_OBJECT_CLASS (gh_redirect_server_parent_class)->dispose (object);
}

static void
gh_redirect_server_finalize (GObject *object)
{
  GhRedirectServer *self = GH_REDIRECT_SERVER (object);

  wipe_target (self);
  g_free (self->path);
  g_free (self->url);

  G_OBJECT_CLASS (gh_redirect_server_parent_class)->finalize (object);
}

static void
gh_redirect_server_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GhRedirectServer *self = GH_REDIRECT_SERVER (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_VISITED:
      g_value_set_boolean (value, self->visited);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_redirect_server_class_init (GhRedirectServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_redirect_server_dispose;
  object_class->finalize = gh_redirect_server_finalize;
  object_class->get_property = gh_redirect_server_get_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISITED] =
    g_param_spec_boolean ("visited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[VISITED] = g_signal_new ("visited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
gh_redirect_server_init (GhRedirectServer *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                           "<title>Gatehouse</title></head>"
                                           "<body><p>%s</p></body></html>",
                                           escaped);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static gboolean
visit_complete (gpointer user_data)
{
  GhRedirectServer *self = user_data;

  /* Disposed meanwhile: nothing to report to. */
  if (self->server == NULL)
    return G_SOURCE_REMOVE;

  stop_listening (self);
  self->visited = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISITED]);
  g_signal_emit (self, signals[VISITED], 0);
  complete_waiters (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
response_finished_cb (GhRedirectServer *self)
{
  /* Not from inside the server's own signal emission: disconnecting there would pull the
   * connection out from under the code that is finishing it. */
  g_idle_add_full (G_PRIORITY_DEFAULT, visit_complete, g_object_ref (self), g_object_unref);
}

static void
request_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  GhRedirectServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (!gh_loopback_request_is_ours (msg, self->port))
    {
      respond_page (msg, SOUP_STATUS_MISDIRECTED_REQUEST,
                    _("This address does not belong to this computer's one-time link."));
      return;
    }

  /* The path is a 256-bit secret: compared without an early exit. */
  if (!gh_loopback_secret_equal (self->path, path))
    {
      respond_page (msg, SOUP_STATUS_NOT_FOUND, _("There is nothing here."));
      return;
    }

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      respond_page (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("This link only opens in a browser."));
      soup_message_headers_replace (headers, "Allow", "GET, HEAD");
      return;
    }

  if (self->consumed || self->target_url == NULL)
    {
      respond_page (msg, SOUP_STATUS_GONE,
                    _("This one-time link was already used. Open the console again from "
                      "Gatehouse."));
      return;
    }

  if (method == SOUP_METHOD_HEAD)
    {
      /* A probe: say the link is live, hand out nothing, keep the visit for the browser. */
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (headers, "Cache-Control", "no-store");
      soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
      soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
      soup_message_headers_set_content_type (headers, "text/html; charset=utf-8", NULL);
      return;
    }

  /* The visit happened within the lifetime, even if the response takes a moment to go out. */
  self->consumed = TRUE;
  g_clear_handle_id (&self->expiry_source, g_source_remove);

  respond_page (msg, SOUP_STATUS_SEE_OTHER, _("Opening…"));
  soup_message_headers_replace (headers, "Location", self->target_url);
  /* The browser is not coming back: do not keep the connection for a second request. */
  soup_message_headers_replace (headers, "Connection", "close");

  g_signal_connect_object (msg, "finished", G_CALLBACK (response_finished_cb), self,
                           G_CONNECT_SWAPPED);
}

static gboolean
expiry_cb (gpointer user_data)
{
  GhRedirectServer *self = user_data;
  g_autoptr(GhRedirectServer) hold = g_object_ref (self);   /* across the emission */

  self->expiry_source = 0;
  self->expired = TRUE;
  stop_listening (self);
  g_signal_emit (self, signals[EXPIRED], 0);
  complete_waiters (self, FALSE);
  return G_SOURCE_REMOVE;
}

static char *
random_path (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token = gh_random_token (PATH_RANDOM_BYTES, &local_error);
  char *path;

  if (token == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_FAILED, _("Cannot make a one-time link: %s"),
                   local_error->message);
      return NULL;
    }
  path = g_strconcat ("/", token, NULL);
  explicit_bzero (token, strlen (token));
  g_free (token);
  return path;
}

static gboolean
is_valid_target (const char *url)
{
  /* It goes into a header: no control characters (header injection), nothing but a URL. */
  for (const char *c = url; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      return FALSE;

  return g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://");
}

/**
 * gh_redirect_server_new:
 * @target_url: the secret URL to send the browser to; copied, and wiped once used
 * @lifetime_seconds: how long the link stays valid without a visit (> 0)
 * @error: return location for an error
 *
 * Starts listening right away on the thread-default main context.
 *
 * Returns: (transfer full) (nullable): the server, or %NULL with @error set
 */
GhRedirectServer *
gh_redirect_server_new (const char  *target_url,
                        guint        lifetime_seconds,
                        GError     **error)
{
  g_autoptr(GhRedirectServer) self = NULL;
  g_autoptr(GError) local_error = NULL;
  int port;

  g_return_val_if_fail (target_url != NULL, NULL);
  g_return_val_if_fail (lifetime_seconds > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_valid_target (target_url))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The address to open is not a valid http(s) URL."));
      return NULL;
    }

  self = g_object_new (GH_TYPE_REDIRECT_SERVER, NULL);
  self->path = random_path (error);
  if (self->path == NULL)
    return NULL;

  self->server = gh_loopback_server_new (request_handler, self, &port, &local_error);
  if (self->server == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_FAILED,
                   _("Cannot open a one-time link on 127.0.0.1: %s"), local_error->message);
      return NULL;
    }
  self->port = (guint) port;
  self->url = g_strdup_printf ("http://127.0.0.1:%u%s", self->port, self->path);
  self->target_url = g_strdup (target_url);
  /* Milliseconds, not g_timeout_add_seconds(): that may fire up to a second late. */
  self->expiry_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                            MIN (lifetime_seconds, G_MAXUINT / 1000) * 1000,
                                            expiry_cb, self, NULL);

  return g_steal_pointer (&self);
}

/**
 * gh_redirect_server_get_url:
 *
 * Returns: the one-time http://127.0.0.1:PORT/RANDOM URL to hand to the browser
 */
const char *
gh_redirect_server_get_url (GhRedirectServer *self)
{
  g_return_val_if_fail (GH_IS_REDIRECT_SERVER (self), NULL);

  return self->url;
}

gboolean
gh_redirect_server_get_visited (GhRedirectServer *self)
{
  g_return_val_if_fail (GH_IS_REDIRECT_SERVER (self), FALSE);

  return self->visited;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GhRedirectServer *self = g_task_get_source_object (task);
  guint index;

  /* Only if it is still waiting; the waiters array owns the reference we take over. */
  if (self->waiters != NULL && g_ptr_array_find (self->waiters, task, &index))
    {
      g_autoptr(GTask) owned = g_ptr_array_steal_index (self->waiters, index);

      g_task_return_error_if_cancelled (owned);
    }

  return G_SOURCE_REMOVE;
}

static void
destroy_source (gpointer data)
{
  GSource *source = data;

  g_source_destroy (source);
  g_source_unref (source);
}

/**
 * gh_redirect_server_wait_async:
 *
 * Waits for the visit or the expiry. Cancelling ends only this wait; the link stays valid
 * until its lifetime ends or the server is dropped.
 */
void
gh_redirect_server_wait_async (GhRedirectServer    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GH_IS_REDIRECT_SERVER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_redirect_server_wait_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->visited || self->expired)
    {
      g_task_return_boolean (task, self->visited);
      return;
    }

  if (cancellable != NULL)
    {
      /* A source rather than the "cancelled" signal: that may be emitted on any thread. */
      GSource *source = g_cancellable_source_new (cancellable);

      g_source_set_callback (source, G_SOURCE_FUNC (wait_cancelled_cb), task, NULL);
      g_source_attach (source, g_task_get_context (task));
      g_task_set_task_data (task, source, destroy_source);
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
}

/**
 * gh_redirect_server_wait_finish:
 *
 * Returns: %TRUE if the link was visited, %FALSE if it expired (no error) or on error
 */
gboolean
gh_redirect_server_wait_finish (GhRedirectServer  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (GH_IS_REDIRECT_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
