/* gh-login-flow.c — one interactive sign-in (docs/aws-protocols.md §1.6, §2)
 *
 * Authorization code + PKCE: a one-shot SoupServer on 127.0.0.1 and an ephemeral port receives
 * /oauth/callback; the state is checked, the browser gets a small success or error page, then
 * the code is exchanged. Any local process can reach the port, and a web page can too through
 * DNS rebinding: so a request addressed to another host, or one without our state, is answered
 * with an error page and the flow keeps waiting for the real redirect. Device code: StartDeviceAuthorization, one immediate CreateToken, then
 * polling at the interval (+5 s on slow_down) until the service says yes, no, or expired.
 */
#define G_LOG_DOMAIN "gh-login-flow"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-login-flow.h"
#include "gh-loopback.h"

struct _GhLoginFlow
{
  GObject                parent_instance;

  GhHttp                *http;
  GhFlow                 flow;
  char                  *oidc_url;
  char                  *start_url;
  GhRegistration        *registration;
  GStrv                  scopes;
  guint                  timeout_seconds;

  GTask                 *task;
  SoupServer            *server;
  guint                  port;
  char                  *redirect_uri;
  char                  *state;
  char                  *verifier;
  gboolean               callback_done;
  guint                  timeout_source;
  GError                *callback_error;   /* reported once the browser has its page */
  char                  *code;

  GhDeviceAuthorization *device;
  gint64                 interval;
  guint                  poll_source;

  GCancellable          *cancellable;      /* the caller's, while the flow waits */
  gulong                 cancelled_id;
};

G_DEFINE_FINAL_TYPE (GhLoginFlow, gh_login_flow, G_TYPE_OBJECT)

enum { PRESENT, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Cancellation. The caller's cancellable can outlive the flow (the tray keeps one for its
 * lifetime), and a "cancelled" handler cannot be disconnected while the signal is being
 * emitted: so the handler holds only a weak reference to the flow, finishes it from an idle,
 * and is disconnected from an idle once the flow stops waiting. */

typedef struct
{
  GWeakRef flow;
} CancelWatch;

static void
cancel_watch_free (gpointer data)
{
  CancelWatch *watch = data;

  g_weak_ref_clear (&watch->flow);
  g_free (watch);
}

typedef struct
{
  GCancellable *cancellable;
  gulong        handler_id;
} Disconnect;

static gboolean
disconnect_idle_cb (gpointer user_data)
{
  Disconnect *disconnect = user_data;

  g_cancellable_disconnect (disconnect->cancellable, disconnect->handler_id);
  g_object_unref (disconnect->cancellable);
  g_free (disconnect);
  return G_SOURCE_REMOVE;
}

static void
release_cancellable (GhLoginFlow *self)
{
  Disconnect *disconnect;

  if (self->cancelled_id == 0)
    return;

  disconnect = g_new0 (Disconnect, 1);
  disconnect->cancellable = g_steal_pointer (&self->cancellable);
  disconnect->handler_id = self->cancelled_id;
  self->cancelled_id = 0;
  g_idle_add (disconnect_idle_cb, disconnect);
}

static void
stop_waiting (GhLoginFlow *self)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  release_cancellable (self);
}

static void
gh_login_flow_dispose (GObject *object)
{
  GhLoginFlow *self = GH_LOGIN_FLOW (object);

  stop_waiting (self);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (gh_login_flow_parent_class)->dispose (object);
}

static void
gh_login_flow_finalize (GObject *object)
{
  GhLoginFlow *self = GH_LOGIN_FLOW (object);

  g_clear_object (&self->http);
  g_free (self->oidc_url);
  g_free (self->start_url);
  g_clear_pointer (&self->registration, gh_registration_free);
  g_strfreev (self->scopes);
  g_free (self->redirect_uri);
  g_free (self->state);
  if (self->verifier != NULL)
    explicit_bzero (self->verifier, strlen (self->verifier));
  g_free (self->verifier);
  g_clear_pointer (&self->device, gh_device_authorization_free);
  g_clear_error (&self->callback_error);
  g_free (self->code);

  G_OBJECT_CLASS (gh_login_flow_parent_class)->finalize (object);
}

static void
gh_login_flow_class_init (GhLoginFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_login_flow_dispose;
  object_class->finalize = gh_login_flow_finalize;

  signals[PRESENT] = g_signal_new ("present", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                   G_TYPE_STRING, G_TYPE_STRING);
}

static void
gh_login_flow_init (GhLoginFlow *self)
{
  self->timeout_seconds = 600;
}

static GhRegistration *
registration_copy (const GhRegistration *registration)
{
  GhRegistration *copy = g_new0 (GhRegistration, 1);

  copy->client_id = g_strdup (registration->client_id);
  copy->client_secret = g_strdup (registration->client_secret);
  copy->expires_at = registration->expires_at;
  copy->flow = registration->flow;
  return copy;
}

GhLoginFlow *
gh_login_flow_new (GhHttp               *http,
                   GhFlow                flow,
                   const char           *oidc_url,
                   const char           *start_url,
                   const GhRegistration *registration,
                   const char * const   *scopes)
{
  GhLoginFlow *self;

  g_return_val_if_fail (GH_IS_HTTP (http), NULL);
  g_return_val_if_fail (registration != NULL, NULL);

  self = g_object_new (GH_TYPE_LOGIN_FLOW, NULL);
  self->http = g_object_ref (http);
  self->flow = flow;
  self->oidc_url = g_strdup (oidc_url);
  self->start_url = g_strdup (start_url);
  self->registration = registration_copy (registration);
  self->scopes = g_strdupv ((char **) scopes);
  return self;
}

void
gh_login_flow_set_timeout (GhLoginFlow *self,
                           guint        seconds)
{
  g_return_if_fail (GH_IS_LOGIN_FLOW (self));
  self->timeout_seconds = seconds;
}

static void
finish_with_error (GhLoginFlow *self,
                   GError      *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  stop_waiting (self);
  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GhLoginFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  GhTokenResponse *response = gh_oidc_create_token_finish (result, &error);
  g_autoptr(GTask) task = NULL;

  if (response == NULL)
    {
      finish_with_error (self, g_steal_pointer (&error));
      return;
    }

  task = g_steal_pointer (&self->task);
  stop_waiting (self);
  if (task != NULL)
    g_task_return_pointer (task, response, (GDestroyNotify) gh_token_response_free);
  else
    gh_token_response_free (response);
}

/* Authorization code + PKCE */

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *heading,
              const char        *text)
{
  g_autofree char *escaped_heading = g_markup_escape_text (heading, -1);
  g_autofree char *escaped_text = g_markup_escape_text (text, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                           "<title>%s</title><style>body{font-family:sans-serif;"
                                           "margin:4em auto;max-width:40em;color:#222}</style>"
                                           "</head><body><h1>%s</h1><p>%s</p></body></html>",
                                           escaped_heading, escaped_heading, escaped_text);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static gboolean
callback_complete (gpointer user_data)
{
  GhLoginFlow *self = user_data;

  stop_waiting (self);
  if (self->task == NULL)
    return G_SOURCE_REMOVE;

  if (self->callback_error != NULL)
    {
      finish_with_error (self, g_steal_pointer (&self->callback_error));
      return G_SOURCE_REMOVE;
    }

  gh_oidc_create_token_async (self->http, self->oidc_url, self->registration,
                              "authorization_code",
                              g_task_get_cancellable (self->task),
                              token_cb, g_object_ref (self),
                              "code", self->code,
                              "redirectUri", self->redirect_uri,
                              "codeVerifier", self->verifier,
                              NULL);
  return G_SOURCE_REMOVE;
}

static void
response_sent_cb (GhLoginFlow *self)
{
  /* Not from inside the server's own signal emission. */
  g_idle_add_full (G_PRIORITY_DEFAULT, callback_complete, g_object_ref (self), g_object_unref);
}

static void
callback_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  GhLoginFlow *self = user_data;
  const char *error_code = query ? g_hash_table_lookup (query, "error") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;

  if (!gh_loopback_request_is_ours (msg, self->port))
    {
      respond_page (msg, SOUP_STATUS_MISDIRECTED_REQUEST, _("Wrong address"),
                    _("This address does not belong to this computer's sign-in."));
      return;
    }

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  if (self->callback_done)
    {
      respond_page (msg, SOUP_STATUS_CONFLICT, _("Already signed in"),
                    _("This sign-in was already completed. You can close this tab."));
      return;
    }

  if (error_code == NULL && (code == NULL || state == NULL))
    {
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, _("Sign-in failed"),
                    _("The sign-in redirect carried no authorization code."));
      return;
    }

  /* A redirect with the wrong state is not the answer to our request: any local process (or a
   * forged link) can send one. Refuse it, but keep waiting, or anyone could cancel the
   * sign-in the person is completing in the browser. The state is 122 random bits, so waiting
   * gives nobody a useful number of guesses. */
  if (g_strcmp0 (state, self->state) != 0)
    {
      g_debug ("Ignored a sign-in redirect that does not carry this sign-in's state");
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, _("Sign-in failed"),
                    _("This redirect does not belong to the sign-in Gatehouse is waiting for. "
                      "Finish the sign-in in the tab Gatehouse opened."));
      return;
    }

  self->callback_done = TRUE;
  if (error_code != NULL)
    {
      const char *description = g_hash_table_lookup (query, "error_description");
      GhError code_value = gh_error_code_for_aws_type (NULL, error_code, 400);
      g_autofree char *message = NULL;

      if (code_value == GH_ERROR_INVALID_REQUEST)
        code_value = GH_ERROR_ACCESS_DENIED;
      message = g_strdup_printf (_("The sign-in was not completed: %s%s%s"), error_code,
                                 description ? " — " : "", description ? description : "");
      respond_page (msg, SOUP_STATUS_OK, _("Sign-in failed"), message);
      self->callback_error = g_error_new_literal (GH_ERROR, code_value, message);
    }
  else
    {
      respond_page (msg, SOUP_STATUS_OK, _("Signed in to AWS"),
                    _("Gatehouse has your sign-in. You can close this tab."));
      self->code = g_strdup (code);
    }

  /* Carry on only once the browser has its page: the listener must outlive the response. */
  g_signal_connect_object (msg, "finished", G_CALLBACK (response_sent_cb), self,
                           G_CONNECT_SWAPPED);
}

/* "10 minutes", or "90 seconds" for what is not a whole number of minutes. */
static char *
format_duration (guint seconds)
{
  if (seconds >= 60 && seconds % 60 == 0)
    return g_strdup_printf (ngettext ("%u minute", "%u minutes", seconds / 60), seconds / 60);
  return g_strdup_printf (ngettext ("%u second", "%u seconds", seconds), seconds);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GhLoginFlow *self = user_data;
  g_autofree char *duration = format_duration (self->timeout_seconds);

  self->timeout_source = 0;
  /* Translators: %s is a duration, "10 minutes" or "8 seconds". */
  finish_with_error (self, g_error_new (GH_ERROR, GH_ERROR_TIMEOUT,
                                        _("The sign-in was not completed within %s. "
                                          "Start it again."), duration));
  return G_SOURCE_REMOVE;
}

static void
start_authorization_code (GhLoginFlow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoslist(GUri) uris = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *authorize_base = NULL;
  g_autofree char *authorize_url = NULL;

  self->server = soup_server_new ("server-header", PACKAGE_NAME " ", NULL);
  soup_server_add_handler (self->server, "/oauth/callback", callback_handler, self, NULL);

  if (!soup_server_listen (self->server, address, 0, &error))
    {
      finish_with_error (self, g_error_new (GH_ERROR, GH_ERROR_FAILED,
                                            _("Cannot listen for the sign-in redirect on "
                                              "127.0.0.1: %s. Use the device code sign-in "
                                              "instead (--device-code)."), error->message));
      return;
    }

  uris = soup_server_get_uris (self->server);
  self->port = (guint) g_uri_get_port (uris->data);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/oauth/callback", self->port);
  self->state = g_uuid_string_random ();
  self->verifier = gh_pkce_new_verifier ();
  challenge = gh_pkce_challenge (self->verifier);

  /* Derived from the OIDC endpoint, as the AWS CLI does: a registration's
   * authorizationEndpoint is often absent and would bypass AWS_ENDPOINT_URL_SSO_OIDC. */
  authorize_base = g_strdup_printf ("%s/authorize", self->oidc_url);
  authorize_url = gh_oidc_authorize_url (authorize_base, self->registration->client_id,
                                         self->redirect_uri, self->state,
                                         (const char * const *) self->scopes, challenge);

  self->timeout_source = g_timeout_add_seconds (self->timeout_seconds, timeout_cb, self);
  g_signal_emit (self, signals[PRESENT], 0, authorize_url, NULL);
}

/* Device code */

static void poll_token (GhLoginFlow *self);

static gboolean
poll_cb (gpointer user_data)
{
  GhLoginFlow *self = user_data;

  self->poll_source = 0;
  poll_token (self);
  return G_SOURCE_REMOVE;
}

static void
device_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GhLoginFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  GhTokenResponse *response = gh_oidc_create_token_finish (result, &error);
  gboolean first = !self->callback_done;

  if (self->task == NULL)
    {
      g_clear_pointer (&response, gh_token_response_free);
      return;
    }

  if (response != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);

      stop_waiting (self);
      g_task_return_pointer (task, response, (GDestroyNotify) gh_token_response_free);
      return;
    }

  if (g_error_matches (error, GH_ERROR, GH_ERROR_SLOW_DOWN))
    self->interval += 5;
  else if (!g_error_matches (error, GH_ERROR, GH_ERROR_PENDING))
    {
      if (g_error_matches (error, GH_ERROR, GH_ERROR_EXPIRED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (GH_ERROR, GH_ERROR_EXPIRED,
                                       _("The device code expired before it was approved. "
                                         "Start the sign-in again."));
        }
      else if (g_error_matches (error, GH_ERROR, GH_ERROR_ACCESS_DENIED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (GH_ERROR, GH_ERROR_ACCESS_DENIED,
                                       _("The sign-in request was denied in the browser."));
        }
      finish_with_error (self, g_steal_pointer (&error));
      return;
    }

  /* The first attempt is immediate (a pre-approved client needs no prompt); only when it is
   * still pending is the person shown the code. */
  if (first)
    {
      const char *url = self->device->verification_uri_complete
                        ? self->device->verification_uri_complete
                        : self->device->verification_uri;

      self->callback_done = TRUE;
      g_signal_emit (self, signals[PRESENT], 0, url, self->device->user_code);
    }

  /* Not g_timeout_add_seconds(): it may fire up to a second early to batch wake-ups, and a
   * poll sooner than the interval is answered slow_down, which adds 5 s to every later one. */
  if (self->task != NULL)
    self->poll_source = g_timeout_add ((guint) self->interval * 1000, poll_cb, self);
}

static void
poll_token (GhLoginFlow *self)
{
  gh_oidc_create_token_async (self->http, self->oidc_url, self->registration,
                              GH_GRANT_DEVICE_CODE_URN,
                              g_task_get_cancellable (self->task),
                              device_token_cb, g_object_ref (self),
                              "deviceCode", self->device->device_code,
                              NULL);
}

static gboolean
device_expired_cb (gpointer user_data)
{
  GhLoginFlow *self = user_data;

  self->timeout_source = 0;
  finish_with_error (self, g_error_new_literal (GH_ERROR, GH_ERROR_EXPIRED,
                                                _("The device code expired before it was "
                                                  "approved. Start the sign-in again.")));
  return G_SOURCE_REMOVE;
}

static void
device_authorization_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GhLoginFlow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->device = gh_oidc_start_device_authorization_finish (result, &error);
  if (self->device == NULL)
    {
      finish_with_error (self, g_steal_pointer (&error));
      return;
    }
  if (self->task == NULL)
    return;

  self->interval = self->device->interval;
  /* The service answers expired_token; this is the backstop if it never does. */
  self->timeout_source = g_timeout_add_seconds (self->device->expires_in + 30,
                                                device_expired_cb, self);
  poll_token (self);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  GhLoginFlow *self = user_data;

  /* Pending HTTP calls notice the cancellable themselves; timers and the listener do not. */
  if (self->timeout_source != 0 || self->poll_source != 0 || self->server != NULL)
    finish_with_error (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The sign-in was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              CancelWatch  *watch)
{
  g_autoptr(GhLoginFlow) self = g_weak_ref_get (&watch->flow);
  GSource *idle;

  if (self == NULL || self->task == NULL)
    return;

  idle = g_idle_source_new ();
  g_source_set_callback (idle, cancelled_idle_cb, g_object_ref (self), g_object_unref);
  g_source_attach (idle, g_task_get_context (self->task));
  g_source_unref (idle);
}

static void
watch_cancellable (GhLoginFlow  *self,
                   GCancellable *cancellable)
{
  CancelWatch *watch = g_new0 (CancelWatch, 1);

  g_weak_ref_init (&watch->flow, self);
  self->cancellable = g_object_ref (cancellable);
  self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), watch,
                                              cancel_watch_free);
  /* Already cancelled: the handler ran at once and nothing stays connected. */
  if (self->cancelled_id == 0)
    g_clear_object (&self->cancellable);
}

void
gh_login_flow_run_async (GhLoginFlow         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (GH_IS_LOGIN_FLOW (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, gh_login_flow_run_async);

  if (cancellable != NULL)
    watch_cancellable (self, cancellable);

  if (self->flow == GH_FLOW_AUTHORIZATION_CODE)
    start_authorization_code (self);
  else
    gh_oidc_start_device_authorization_async (self->http, self->oidc_url, self->registration,
                                              self->start_url, cancellable,
                                              device_authorization_cb, g_object_ref (self));
}

GhTokenResponse *
gh_login_flow_run_finish (GhLoginFlow   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
