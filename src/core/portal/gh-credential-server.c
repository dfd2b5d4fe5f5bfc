/* gh-credential-server.c — a role's credentials for other programs, over the ECS container
 * credentials protocol on loopback
 *
 * Decisions are taken on the wall clock, which is what expirations are in: a timer on the
 * monotonic clock stops during suspend, so every request also looks at the time itself and
 * never hands out credentials past their expiry. Requests that find the credentials due wait
 * (paused) for the one renewal in flight. The token and the credentials never reach a log.
 */
#define G_LOG_DOMAIN "gh-credential-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "gh-clock.h"
#include "gh-credential-server.h"
#include "gh-error.h"
#include "gh-loopback.h"
#include "gh-random.h"
#include "gh-secret-store.h"

#define CREDENTIALS_PATH "/role-credentials"
#define TOKEN_BYTES 32

struct _GhCredentialServer
{
  GObject            parent_instance;

  GhSession         *session;
  char              *account_id;
  char              *role_name;
  GhRoleCredentials *credentials;
  gint64             renew_at;       /* unix seconds: renew from then on */
  gint64             retry_at;       /* after a failed renewal, not before then */
  GError            *renewal_error;  /* why the last renewal failed, until one succeeds */

  SoupServer        *server;
  char              *url;
  char              *token;          /* secret */
  guint              port;

  GCancellable      *renewal;        /* non-NULL while a renewal is in flight */
  GPtrArray         *waiting;        /* paused SoupServerMessages waiting for it */
  guint              timer;
};

G_DEFINE_FINAL_TYPE (GhCredentialServer, gh_credential_server, G_TYPE_OBJECT)

enum { RENEWED, RENEWAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gint64
now_seconds (void)
{
  return gh_clock_get_now (gh_clock_get_default ());
}

/* Answers */

static void
respond_message (SoupServerMessage *msg,
                 guint              status,
                 const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  /* The shape aws-vault's server answers with; SDKs show the text in their error. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
respond_credentials (GhCredentialServer *self,
                     SoupServerMessage  *msg)
{
  char *text = gh_role_credentials_format (self->credentials, GH_CREDENTIALS_FORMAT_CONTAINER,
                                           NULL, NULL, NULL);
  /* Wiped when libsoup is done with it. */
  g_autoptr(GBytes) body = g_bytes_new_with_free_func (text, strlen (text),
                                                       (GDestroyNotify) gh_secret_free, text);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

/* What is there to give: the current credentials while they last, else why there are none. */
static void
respond_current (GhCredentialServer *self,
                 SoupServerMessage  *msg)
{
  g_autofree char *message = NULL;

  if (self->credentials->expiration > now_seconds ())
    {
      respond_credentials (self, msg);
      return;
    }

  message = g_strdup_printf (_("The credentials for %s in account %s have expired and could "
                               "not be renewed: %s"), self->role_name, self->account_id,
                             self->renewal_error ? self->renewal_error->message : "");
  respond_message (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, message);
}

static void
answer_waiting (GhCredentialServer *self)
{
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&self->waiting);

  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiting->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (waiting, i);

      respond_current (self, msg);
      soup_server_message_unpause (msg);
    }
}

/* Renewal */

static void start_renewal (GhCredentialServer *self);

static gboolean
timer_cb (gpointer user_data)
{
  GhCredentialServer *self = user_data;

  self->timer = 0;
  start_renewal (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_renewal (GhCredentialServer *self,
                  gint64              at)
{
  gint64 delay = MAX (at - now_seconds (), 0);

  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                    (guint) MIN (delay, G_MAXUINT / 1000) * 1000, timer_cb,
                                    self, NULL);
}

/* Due when less than the reuse window is left, or half the lifetime for short-lived ones,
 * so that a set is served for a while before the next is fetched; never sooner than in a
 * second, however short they are. */
static void
take_credentials (GhCredentialServer *self,
                  GhRoleCredentials  *credentials)
{
  gint64 now = now_seconds ();
  gint64 lifetime = credentials->expiration - now;
  gint64 margin = MIN (GH_ROLE_CREDENTIALS_REUSE_WINDOW, lifetime / 2);

  g_clear_pointer (&self->credentials, gh_role_credentials_free);
  self->credentials = credentials;
  self->renew_at = MAX (credentials->expiration - margin, now + 1);
  self->retry_at = 0;
  g_clear_error (&self->renewal_error);
  schedule_renewal (self, self->renew_at);
}

static void
renewal_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GhCredentialServer *self;
  g_autoptr(GError) error = NULL;
  GhRoleCredentials *credentials = gh_role_credentials_get_finish (result, &error);
  gint64 left;

  /* Cancelled in dispose: the server is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = GH_CREDENTIAL_SERVER (user_data);
  g_clear_object (&self->renewal);

  if (credentials != NULL)
    {
      take_credentials (self, credentials);
      answer_waiting (self);
      g_signal_emit (self, signals[RENEWED], 0);
      return;
    }

  /* Again soon, but not at every request: sooner for credentials about to expire. */
  left = self->credentials->expiration - now_seconds ();
  self->retry_at = now_seconds () + (left > 0 ? CLAMP (left / 4, 1, GH_CREDENTIAL_SERVER_RETRY)
                                              : GH_CREDENTIAL_SERVER_RETRY);
  g_clear_error (&self->renewal_error);
  self->renewal_error = g_error_copy (error);
  schedule_renewal (self, self->retry_at);
  answer_waiting (self);
  g_signal_emit (self, signals[RENEWAL_FAILED], 0, error);
}

static void
start_renewal (GhCredentialServer *self)
{
  if (self->renewal != NULL)
    return;

  g_clear_handle_id (&self->timer, g_source_remove);
  self->renewal = g_cancellable_new ();
  /* No reference: dispose cancels, and the callback then leaves the server alone. */
  gh_role_credentials_get_async (self->session, self->account_id, self->role_name, FALSE,
                                 self->renewal, renewal_cb, self);
}

/* Requests */

static void
request_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  GhCredentialServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gint64 now = now_seconds ();

  if (!gh_loopback_request_is_ours (msg, self->port))
    {
      respond_message (msg, SOUP_STATUS_FORBIDDEN, _("This host name is not served here."));
      return;
    }
  if (!gh_loopback_secret_equal (self->token,
                                 soup_message_headers_get_one (headers, "Authorization")))
    {
      respond_message (msg, SOUP_STATUS_FORBIDDEN, _("Invalid Authorization token."));
      return;
    }
  if (!g_str_equal (path, CREDENTIALS_PATH))
    {
      respond_message (msg, SOUP_STATUS_NOT_FOUND, _("Not found."));
      return;
    }
  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_GET))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET");
      respond_message (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Only GET is served here."));
      return;
    }

  if (now < self->renew_at || (self->renewal == NULL && now < self->retry_at))
    {
      respond_current (self, msg);
      return;
    }

  g_ptr_array_add (self->waiting, g_object_ref (msg));
  soup_server_message_pause (msg);
  start_renewal (self);
}

/* Construction */

static gboolean
start_listening (GhCredentialServer  *self,
                 GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  int port;

  self->server = gh_loopback_server_new (request_handler, self, &port, &local_error);
  if (self->server == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_FAILED,
                   _("Cannot serve credentials on 127.0.0.1: %s"), local_error->message);
      return FALSE;
    }

  self->port = (guint) port;
  self->url = g_strdup_printf ("http://127.0.0.1:%d" CREDENTIALS_PATH, port);
  return TRUE;
}

GhCredentialServer *
gh_credential_server_new (GhSession                *session,
                          const char               *account_id,
                          const char               *role_name,
                          const GhRoleCredentials  *credentials,
                          GError                  **error)
{
  g_autoptr(GhCredentialServer) self = NULL;

  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  g_return_val_if_fail (account_id != NULL && role_name != NULL, NULL);
  g_return_val_if_fail (credentials != NULL && credentials->session_token != NULL, NULL);
  g_return_val_if_fail (credentials->expiration > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (GH_TYPE_CREDENTIAL_SERVER, NULL);
  self->session = g_object_ref (session);
  self->account_id = g_strdup (account_id);
  self->role_name = g_strdup (role_name);

  if ((self->token = gh_random_token (TOKEN_BYTES, error)) == NULL ||
      !start_listening (self, error))
    return NULL;

  take_credentials (self, gh_role_credentials_copy (credentials));
  return g_steal_pointer (&self);
}

const char *
gh_credential_server_get_url (GhCredentialServer *self)
{
  g_return_val_if_fail (GH_IS_CREDENTIAL_SERVER (self), NULL);

  return self->url;
}

const char *
gh_credential_server_get_token (GhCredentialServer *self)
{
  g_return_val_if_fail (GH_IS_CREDENTIAL_SERVER (self), NULL);

  return self->token;
}

gint64
gh_credential_server_get_expiration (GhCredentialServer *self)
{
  g_return_val_if_fail (GH_IS_CREDENTIAL_SERVER (self), 0);

  return self->credentials->expiration;
}

/* GObject */

static void
gh_credential_server_dispose (GObject *object)
{
  GhCredentialServer *self = GH_CREDENTIAL_SERVER (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->renewal != NULL)
    {
      g_cancellable_cancel (self->renewal);
      g_clear_object (&self->renewal);
    }
  for (guint i = 0; self->waiting != NULL && i < self->waiting->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (self->waiting, i);

      respond_message (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, _("Gatehouse is stopping."));
      soup_server_message_unpause (msg);
    }
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (gh_credential_server_parent_class)->dispose (object);
}

static void
gh_credential_server_finalize (GObject *object)
{
  GhCredentialServer *self = GH_CREDENTIAL_SERVER (object);

  g_clear_pointer (&self->credentials, gh_role_credentials_free);
  g_clear_pointer (&self->token, gh_secret_free);
  g_clear_error (&self->renewal_error);
  g_free (self->account_id);
  g_free (self->role_name);
  g_free (self->url);

  G_OBJECT_CLASS (gh_credential_server_parent_class)->finalize (object);
}

static void
gh_credential_server_class_init (GhCredentialServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_credential_server_dispose;
  object_class->finalize = gh_credential_server_finalize;

  signals[RENEWED] =
    g_signal_new ("renewed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[RENEWAL_FAILED] =
    g_signal_new ("renewal-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
gh_credential_server_init (GhCredentialServer *self)
{
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
}
