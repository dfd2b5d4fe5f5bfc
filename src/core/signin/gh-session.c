/* gh-session.c — one IAM Identity Center sign-in
 *
 * Where things live: the refresh token and client registration in the keyring
 * (gh-secret-store), the access token in the AWS CLI's token cache (gh-token-cache), and the
 * non-secret facts in the state file (gh-session-state). Sign-in, refresh and sign-out run
 * under a per-session lock file, and re-read what they need after taking it, so concurrent
 * Gatehouse processes never lose a rotated refresh token or open a second browser tab.
 */
#define G_LOG_DOMAIN "gh-session"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-clock.h"
#include "gh-endpoints.h"
#include "gh-enums.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"
#include "gh-login-flow.h"
#include "gh-secret-store.h"
#include "gh-session-state.h"
#include "gh-session.h"
#include "gh-token-cache.h"

struct _GhSession
{
  GObject             parent_instance;

  GhSsoSessionConfig *config;
  GhSessionState      state;
  GhSessionStatus     status;
  GhSessionEndReason  end_reason;
  gint64              access_expires_at;
  char               *error_message;
};

G_DEFINE_FINAL_TYPE (GhSession, gh_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_START_URL,
  PROP_REGION,
  PROP_STATUS,
  PROP_END_REASON,
  PROP_ACCESS_EXPIRES_AT,
  PROP_SESSION_END,
  PROP_ERROR_MESSAGE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { PRESENT, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  GhLock          *lock;
  GhFlow           flow;
  gboolean         force;
  gint64           sign_in_id;       /* the sign-in known before waiting for the lock */
  char            *stale_token;      /* refresh: fingerprint of the access token to replace */
  char            *oidc_url;
  GhRegistration  *registration;
  gboolean         reregistered;
  char            *refresh_token;
  GhTokenResponse *response;
  gboolean         new_sign_in;
  GhLoginFlow     *login_flow;
  guint            logout_cleared;   /* sign-out: how many of logout_kinds are cleared */
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->lock);
  g_free (op->stale_token);
  g_free (op->oidc_url);
  g_clear_pointer (&op->registration, gh_registration_free);
  g_clear_pointer (&op->refresh_token, gh_secret_free);
  g_clear_pointer (&op->response, gh_token_response_free);
  g_clear_object (&op->login_flow);
  g_free (op);
}

const char *
gh_session_status_to_string (GhSessionStatus status)
{
  switch (status)
    {
    case GH_SESSION_SIGNED_OUT: return "signed-out";
    case GH_SESSION_SIGNING_IN: return "signing-in";
    case GH_SESSION_SIGNED_IN: return "signed-in";
    case GH_SESSION_REFRESHING: return "refreshing";
    case GH_SESSION_EXPIRED: return "ended";
    case GH_SESSION_ERROR: return "error";
    default: g_return_val_if_reached ("error");
    }
}

gboolean
gh_session_status_is_signed_in (GhSessionStatus status)
{
  return status == GH_SESSION_SIGNED_IN || status == GH_SESSION_REFRESHING;
}

/* Deadlines are read on the default clock, which tests move instead of waiting. */
static gint64
seconds_left (gint64 until)
{
  return until - gh_clock_get_now (gh_clock_get_default ());
}

static gboolean
has_passed (gint64 deadline)
{
  return seconds_left (deadline) <= 0;
}

static const char *
cache_key (GhSession *self)
{
  return self->config->legacy ? self->config->start_url : self->config->name;
}

static char *
lock_name (GhSession *self)
{
  g_autofree char *hash = gh_sha1_hex (self->config->name);

  return g_strdup_printf ("session-%s.lock", hash);
}

static void
set_status (GhSession       *self,
            GhSessionStatus  status)
{
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_end_reason (GhSession          *self,
                GhSessionEndReason  reason)
{
  if (self->end_reason == reason)
    return;
  self->end_reason = reason;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REASON]);
}

static void
set_error_message (GhSession  *self,
                   const char *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

void
gh_session_reload (GhSession *self)
{
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  g_autoptr(GhCachedToken) token = NULL;
  gint64 old_expiry = self->access_expires_at;
  gint64 old_end = self->state.session_end;
  gint64 now = gh_clock_get_now (gh_clock_get_default ());
  GhSessionStatus status;

  g_return_if_fail (GH_IS_SESSION (self));

  gh_session_state_load (self->config->name, &self->state);
  token = gh_token_cache_read (path, NULL);
  self->access_expires_at = token != NULL ? token->expires_at : 0;

  /* A token written by `aws sso login` counts too: the files are shared. */
  if (self->state.ended)
    status = GH_SESSION_EXPIRED;
  else if (token != NULL && token->expires_at > now)
    status = GH_SESSION_SIGNED_IN;
  else if (self->state.refreshable && self->state.signed_in_at > 0)
    status = GH_SESSION_SIGNED_IN;   /* the access token is refreshed on demand */
  else if (self->state.signed_in_at > 0 || token != NULL)
    status = GH_SESSION_EXPIRED;
  else
    status = GH_SESSION_SIGNED_OUT;

  if (token != NULL && self->state.session_end == 0)
    self->state.session_end = token->expires_at;

  if (old_expiry != self->access_expires_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESS_EXPIRES_AT]);
  if (old_end != self->state.session_end)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_END]);
  set_end_reason (self, !self->state.ended ? GH_SESSION_END_NONE
                        : self->state.reply_lost ? GH_SESSION_END_REPLY_LOST
                        : GH_SESSION_END_REFUSED);
  set_status (self, status);
}

/* GObject */

static void
gh_session_finalize (GObject *object)
{
  GhSession *self = GH_SESSION (object);

  g_clear_pointer (&self->config, gh_sso_session_config_free);
  g_free (self->error_message);

  G_OBJECT_CLASS (gh_session_parent_class)->finalize (object);
}

static void
gh_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GhSession *self = GH_SESSION (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->config->name);
      break;
    case PROP_START_URL:
      g_value_set_string (value, self->config->start_url);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->config->region);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_END_REASON:
      g_value_set_enum (value, self->end_reason);
      break;
    case PROP_ACCESS_EXPIRES_AT:
      g_value_set_int64 (value, self->access_expires_at);
      break;
    case PROP_SESSION_END:
      g_value_set_int64 (value, self->state.session_end);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_session_class_init (GhSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = gh_session_finalize;
  object_class->get_property = gh_session_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_START_URL] = g_param_spec_string ("start-url", NULL, NULL, NULL, flags);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, GH_TYPE_SESSION_STATUS,
                                               GH_SESSION_SIGNED_OUT, flags);
  properties[PROP_END_REASON] = g_param_spec_enum ("end-reason", NULL, NULL,
                                                   GH_TYPE_SESSION_END_REASON,
                                                   GH_SESSION_END_NONE, flags);
  properties[PROP_ACCESS_EXPIRES_AT] = g_param_spec_int64 ("access-expires-at", NULL, NULL,
                                                           0, G_MAXINT64, 0, flags);
  properties[PROP_SESSION_END] = g_param_spec_int64 ("session-end", NULL, NULL,
                                                     0, G_MAXINT64, 0, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PRESENT] = g_signal_new ("present", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                   G_TYPE_STRING, G_TYPE_STRING);
}

static void
gh_session_init (GhSession *self)
{
}

static GhSsoSessionConfig *
config_copy (const GhSsoSessionConfig *config)
{
  GhSsoSessionConfig *copy = gh_sso_session_config_copy (config);

  if (copy->session_duration <= 0)
    copy->session_duration = GH_DEFAULT_SESSION_DURATION;
  return copy;
}

GhSession *
gh_session_new (const GhSsoSessionConfig *config)
{
  GhSession *self;

  g_return_val_if_fail (config != NULL && config->name != NULL, NULL);

  self = g_object_new (GH_TYPE_SESSION, NULL);
  self->config = config_copy (config);
  gh_session_reload (self);
  return self;
}

const GhSsoSessionConfig *
gh_session_get_config (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);

  return self->config;
}

const char *
gh_session_get_name (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->config->name;
}

const char *
gh_session_get_start_url (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->config->start_url;
}

const char *
gh_session_get_region (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->config->region;
}

GhSessionStatus
gh_session_get_status (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), GH_SESSION_ERROR);
  return self->status;
}

gint64
gh_session_get_access_expires_at (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), 0);
  return self->access_expires_at;
}

gint64
gh_session_get_session_end (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), 0);
  return self->state.session_end;
}

gint64
gh_session_get_refresh_due (GhSession *self,
                            gint64     window)
{
  gint64 lifetime;

  g_return_val_if_fail (GH_IS_SESSION (self), 0);

  /* The lifetime is ours to know only for the token we wrote. */
  lifetime = self->state.access_expires_at == self->access_expires_at
             ? self->state.access_lifetime : 0;
  return gh_refresh_due_at (self->access_expires_at, lifetime, window);
}

gboolean
gh_session_needs_refresh (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), FALSE);

  return has_passed (self->access_expires_at) ||
         has_passed (gh_session_get_refresh_due (self, GH_REFRESH_WINDOW));
}

gboolean
gh_session_get_refreshable (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), FALSE);
  return self->state.refreshable;
}

GhSessionEndReason
gh_session_get_end_reason (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), GH_SESSION_END_NONE);
  return self->end_reason;
}

const char *
gh_session_get_error_message (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);
  return self->error_message;
}

/* Shared steps */

static GTask *
op_task_new (GhSession           *self,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  op->sign_in_id = self->state.sign_in_id;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  return task;
}

static void
op_fail (GTask  *task,
         GError *error)
{
  GhSession *self = g_task_get_source_object (task);

  /* Drop the lock before the caller sees the result. */
  g_clear_object (&((Op *) g_task_get_task_data (task))->lock);
  gh_session_reload (self);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_error_message (self, error->message);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
op_succeed (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);

  g_clear_object (&((Op *) g_task_get_task_data (task))->lock);
  gh_session_reload (self);
  set_error_message (self, NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
lock_then (GTask               *task,
           GAsyncReadyCallback  next)
{
  GhSession *self = g_task_get_source_object (task);
  g_autofree char *name = lock_name (self);

  gh_lock_acquire_async (name, g_task_get_cancellable (task), next, task);
}

static gboolean
take_lock (GTask        *task,
           GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->lock = gh_lock_acquire_finish (result, &error);
  if (op->lock == NULL)
    {
      op_fail (task, error);
      return FALSE;
    }
  return TRUE;
}

/* The refresh token to keep after CreateToken: the new one; for a refresh that returned none,
 * the one it used, which stays valid (RFC 6749 §6; botocore and the JS SDK drop it, and with
 * it the sign-in, at the next access-token expiry). A new sign-in without one cannot be
 * refreshed. */
static const char *
kept_refresh_token (Op *op)
{
  if (op->response->refresh_token != NULL)
    return op->response->refresh_token;
  return op->new_sign_in ? NULL : op->refresh_token;
}

static void
tokens_saved (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  GhCachedToken token = { 0, };
  gint64 now = gh_clock_get_now (gh_clock_get_default ());
  GError *error = NULL;

  token.start_url = self->config->start_url;
  token.region = self->config->region;
  token.access_token = op->response->access_token;
  token.expires_at = now + op->response->expires_in;
  token.refresh_token = (char *) kept_refresh_token (op);
  if (op->registration != NULL)
    {
      token.client_id = op->registration->client_id;
      token.client_secret = op->registration->client_secret;
      token.registration_expires_at = op->registration->expires_at;
    }

  if (!gh_token_cache_write (path, &token, self->config->cache_refresh_token, &error))
    {
      op_fail (task, error);
      return;
    }

  gh_session_state_load (self->config->name, &self->state);
  gh_session_state_update_for_token (&self->state, now, op->response->expires_in,
                                     token.refresh_token != NULL, op->new_sign_in,
                                     self->config->session_duration);
  if (!gh_session_state_save (self->config->name, &self->state, &error))
    {
      op_fail (task, error);
      return;
    }

  op_succeed (task);
}

static void
refresh_token_stored_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean ok;

  ok = kept_refresh_token (op) != NULL ? gh_secret_store_store_finish (result, &error)
                                       : gh_secret_store_clear_finish (result, &error);
  if (!ok)
    {
      op_fail (task, error);
      return;
    }

  tokens_saved (task);
}

/* The keyring comes first: if it fails, nothing else is written. A kept refresh token is stored
 * again too: it may be one the AWS CLI rotated into its token cache (--cache-refresh-token). */
static void
save_tokens (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  const char *refresh_token = kept_refresh_token (op);

  if (refresh_token != NULL)
    gh_secret_store_store_async (self->config->name, self->config->start_url,
                                 GH_SECRET_REFRESH_TOKEN, refresh_token,
                                 g_task_get_cancellable (task), refresh_token_stored_cb, task);
  else
    gh_secret_store_clear_async (self->config->name, GH_SECRET_REFRESH_TOKEN,
                                 g_task_get_cancellable (task), refresh_token_stored_cb, task);
}

static GhRegistration *
parse_registration (const char *json)
{
  g_autoptr(GError) error = NULL;
  GhRegistration *registration;

  if (json == NULL)
    return NULL;
  registration = gh_registration_from_json (json, &error);
  if (registration == NULL)
    g_debug ("Ignoring the stored registration: %s", error->message);
  return registration;
}

/* Sign-in */

static void register_client (GTask *task);

static void
present_cb (GhLoginFlow *flow,
            const char  *url,
            const char  *user_code,
            GhSession   *self)
{
  g_signal_emit (self, signals[PRESENT], 0, url, user_code);
}

static void
login_flow_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->response = gh_login_flow_run_finish (GH_LOGIN_FLOW (object), result, &error);
  g_clear_object (&op->login_flow);

  if (op->response == NULL)
    {
      /* A registration the service no longer knows: register anew, once. */
      if (g_error_matches (error, GH_ERROR, GH_ERROR_INVALID_CLIENT) && !op->reregistered)
        {
          g_clear_error (&error);
          op->reregistered = TRUE;
          g_clear_pointer (&op->registration, gh_registration_free);
          register_client (task);
          return;
        }
      op_fail (task, error);
      return;
    }

  op->new_sign_in = TRUE;
  save_tokens (task);
}

static void
run_login_flow (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  op->login_flow = gh_login_flow_new (gh_http_get_default (), op->flow, op->oidc_url,
                                      self->config->start_url, op->registration,
                                      (const char * const *) self->config->scopes);
  {
    const char *timeout = g_getenv ("GATEHOUSE_LOGIN_TIMEOUT");
    guint64 seconds;

    if (timeout != NULL && g_ascii_string_to_unsigned (timeout, 10, 1, 86400, &seconds, NULL))
      gh_login_flow_set_timeout (op->login_flow, (guint) seconds);
  }
  g_signal_connect_object (op->login_flow, "present", G_CALLBACK (present_cb), self, 0);
  gh_login_flow_run_async (op->login_flow, g_task_get_cancellable (task), login_flow_cb, task);
}

static void
registration_stored_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!gh_secret_store_store_finish (result, &error))
    {
      op_fail (task, error);
      return;
    }
  run_login_flow (task);
}

static void
registered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autofree char *json = NULL;
  GError *error = NULL;

  op->registration = gh_oidc_register_client_finish (result, &error);
  if (op->registration == NULL)
    {
      op_fail (task, error);
      return;
    }

  json = gh_registration_to_json (op->registration);
  gh_secret_store_store_async (self->config->name, self->config->start_url,
                               GH_SECRET_REGISTRATION, json, g_task_get_cancellable (task),
                               registration_stored_cb, task);
  explicit_bzero (json, strlen (json));
}

static void
register_client (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  gh_oidc_register_client_async (gh_http_get_default (), op->oidc_url, self->config->name,
                                 self->config->start_url,
                                 (const char * const *) self->config->scopes, op->flow,
                                 g_task_get_cancellable (task), registered_cb, task);
}

static void
registration_checked_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GhTokenResponse) response = NULL;
  GError *error = NULL;

  response = gh_oidc_create_token_finish (result, &error);
  if (g_error_matches (error, GH_ERROR, GH_ERROR_INVALID_CLIENT))
    {
      g_clear_error (&error);
      op->reregistered = TRUE;
      g_clear_pointer (&op->registration, gh_registration_free);
      register_client (task);
      return;
    }
  if (error != NULL && gh_error_is_transient (error))
    {
      op_fail (task, error);
      return;
    }

  /* invalid_grant for the made-up code: the service knows this client. */
  g_clear_error (&error);
  run_login_flow (task);
}

/* A stored registration the service has forgotten fails only in the browser, at /authorize,
 * where Gatehouse cannot see it. Exchanging a made-up code tells the two apart first: an
 * unknown client is invalid_client, a known one invalid_grant. One round trip, no side
 * effects. */
static void
check_registration (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  gh_oidc_create_token_async (gh_http_get_default (), op->oidc_url, op->registration,
                              "authorization_code", g_task_get_cancellable (task),
                              registration_checked_cb, task,
                              "code", "gatehouse-registration-check",
                              "redirectUri", "http://127.0.0.1/oauth/callback",
                              "codeVerifier", "gatehouse-registration-check-0000000000000000000",
                              NULL);
}

static void
login_registration_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GhClock *clock = gh_clock_get_default ();
  GError *error = NULL;
  char *json;

  json = gh_secret_store_lookup_finish (result, &error);
  if (error != NULL)
    {
      op_fail (task, error);
      return;
    }

  op->registration = parse_registration (json);
  gh_secret_free (json);

  if (gh_registration_is_usable (op->registration, op->flow, gh_clock_get_now (clock)))
    {
      if (op->flow == GH_FLOW_AUTHORIZATION_CODE)
        check_registration (task);
      else
        run_login_flow (task);
    }
  else
    {
      g_clear_pointer (&op->registration, gh_registration_free);
      register_client (task);
    }
}

static void
login_locked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!take_lock (task, result))
    return;

  /* Someone signed in while this process waited for the lock: use that sign-in. */
  gh_session_reload (self);
  if (self->status == GH_SESSION_SIGNED_IN && self->state.sign_in_id != op->sign_in_id)
    {
      op_succeed (task);
      return;
    }

  op->oidc_url = gh_endpoint_url (GH_SERVICE_OIDC, self->config->region, &error);
  if (op->oidc_url == NULL)
    {
      op_fail (task, error);
      return;
    }

  set_status (self, GH_SESSION_SIGNING_IN);
  /* Reading the registration also proves the keyring is usable before a browser opens. */
  gh_secret_store_lookup_async (self->config->name, self->config->start_url,
                                GH_SECRET_REGISTRATION, g_task_get_cancellable (task),
                                login_registration_cb, task);
}

void
gh_session_login_async (GhSession           *self,
                        GhFlow               flow,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GH_IS_SESSION (self));

  gh_session_reload (self);
  task = op_task_new (self, gh_session_login_async, cancellable, callback, user_data);
  ((Op *) g_task_get_task_data (task))->flow = flow;
  lock_then (task, login_locked_cb);
}

gboolean
gh_session_login_finish (GhSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Refresh */

/* What to tell a person whose sign-in has ended, with the reason the service gave. */
static GError *
ended_error (GhSession *self)
{
  const char *name = self->config->name;

  if (self->state.ended && self->state.reply_lost)
    return g_error_new (GH_ERROR, GH_ERROR_NOT_SIGNED_IN,
                        _("AWS did not answer a refresh of the sign-in for “%s” in time (it was "
                          "slow, or the connection broke), and now refuses the refresh token "
                          "that refresh used: the new one it sent was lost. Sign in again: "
                          "gatehouse login %s"), name, name);

  return g_error_new (GH_ERROR, GH_ERROR_NOT_SIGNED_IN,
                      _("The sign-in for “%s” has ended. Sign in again: gatehouse login %s"),
                      name, name);
}

static void
ended_cleared_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  g_autoptr(GError) ignored = NULL;

  gh_secret_store_clear_finish (result, &ignored);
  op_fail (task, ended_error (self));
}

/* The service refused the refresh token: the sign-in session is over, or (reply_lost) a
 * refresh whose answer never came replaced the token. Forget the token so nothing retries it,
 * and remember that it ended, and why. */
static void
mark_ended (GTask    *task,
            gboolean  registration_rejected,
            gboolean  reply_lost)
{
  GhSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  gh_session_state_load (self->config->name, &self->state);
  self->state.ended = TRUE;
  self->state.reply_lost = reply_lost;
  self->state.refresh_unanswered = FALSE;
  if (!gh_session_state_save (self->config->name, &self->state, &error))
    g_warning ("%s", error->message);

  if (registration_rejected)
    gh_secret_store_clear_async (self->config->name, GH_SECRET_REGISTRATION, NULL, NULL, NULL);
  gh_secret_store_clear_async (self->config->name, GH_SECRET_REFRESH_TOKEN,
                               g_task_get_cancellable (task), ended_cleared_cb, task);
}

/* The refresh went out and no answer came: the service may have replaced the refresh token we
 * hold. Nothing can tell until it is used again; if it is refused then, this is why. */
static void
remember_unanswered (GhSession *self)
{
  g_autoptr(GError) error = NULL;

  gh_session_state_load (self->config->name, &self->state);
  self->state.refresh_unanswered = TRUE;
  if (!gh_session_state_save (self->config->name, &self->state, &error))
    g_warning ("%s", error->message);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->response = gh_oidc_create_token_finish (result, &error);
  if (op->response == NULL)
    {
      if (g_error_matches (error, GH_ERROR, GH_ERROR_INVALID_CLIENT))
        {
          g_error_free (error);
          mark_ended (task, TRUE, FALSE);
        }
      else if (g_error_matches (error, GH_ERROR, GH_ERROR_INVALID_GRANT) ||
               g_error_matches (error, GH_ERROR, GH_ERROR_REPLY_LOST))
        {
          gboolean reply_lost = error->code == GH_ERROR_REPLY_LOST ||
                                self->state.refresh_unanswered;

          g_error_free (error);
          mark_ended (task, FALSE, reply_lost);
        }
      else
        {
          if (g_error_matches (error, GH_ERROR, GH_ERROR_NO_REPLY))
            remember_unanswered (self);
          op_fail (task, error);
        }
      return;
    }

  op->new_sign_in = FALSE;
  save_tokens (task);
}

static void
not_signed_in (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);

  if (self->state.signed_in_at > 0)
    op_fail (task, ended_error (self));
  else
    op_fail (task, g_error_new (GH_ERROR, GH_ERROR_NOT_SIGNED_IN,
                                _("Not signed in to “%s”. Sign in: gatehouse login %s"),
                                self->config->name, self->config->name));
}

/* With --cache-refresh-token, the AWS CLI (botocore) may have refreshed with our refresh token
 * and rotated it into its token cache: the file's copy is then the live one. A refresh token
 * of another client there (`aws sso login`'s) works only with that client's registration and
 * is the CLI's own sign-in: it is never taken. */
static void
adopt_rotated_refresh_token (GhSession *self,
                             Op        *op)
{
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  g_autoptr(GhCachedToken) cached = gh_token_cache_read (path, NULL);

  if (cached == NULL || cached->refresh_token == NULL || op->registration == NULL ||
      g_strcmp0 (cached->client_id, op->registration->client_id) != 0 ||
      g_strcmp0 (cached->refresh_token, op->refresh_token) == 0)
    return;

  g_clear_pointer (&op->refresh_token, gh_secret_free);
  op->refresh_token = g_strdup (cached->refresh_token);
}

static void
refresh_registration_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  char *json;

  json = gh_secret_store_lookup_finish (result, &error);
  if (error != NULL)
    {
      op_fail (task, error);
      return;
    }

  op->registration = parse_registration (json);
  gh_secret_free (json);
  adopt_rotated_refresh_token (self, op);

  if (op->refresh_token == NULL)
    {
      /* Not refreshable: fine while the access token lasts. */
      if (!has_passed (self->access_expires_at) && !op->force)
        op_succeed (task);
      else
        not_signed_in (task);
      return;
    }

  if (op->registration == NULL || has_passed (op->registration->expires_at))
    {
      mark_ended (task, FALSE, FALSE);
      return;
    }

  op->oidc_url = gh_endpoint_url (GH_SERVICE_OIDC, self->config->region, &error);
  if (op->oidc_url == NULL)
    {
      op_fail (task, error);
      return;
    }

  set_status (self, GH_SESSION_REFRESHING);
  gh_oidc_create_token_async (gh_http_get_default (), op->oidc_url, op->registration,
                              "refresh_token", g_task_get_cancellable (task),
                              refreshed_cb, task,
                              "refreshToken", op->refresh_token,
                              NULL);
}

static void
refresh_token_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->refresh_token = gh_secret_store_lookup_finish (result, &error);
  if (error != NULL)
    {
      op_fail (task, error);
      return;
    }

  gh_secret_store_lookup_async (self->config->name, self->config->start_url,
                                GH_SECRET_REGISTRATION, g_task_get_cancellable (task),
                                refresh_registration_cb, task);
}

static char *
token_fingerprint (const char *access_token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, access_token, -1);
}

/* A fingerprint of the access token in the AWS CLI's token cache, or NULL without one; with
 * `expires_at`, also its expiry. The token itself stays in this function. */
static char *
cached_token_fingerprint (GhSession *self,
                          gint64    *expires_at)
{
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  g_autoptr(GhCachedToken) token = gh_token_cache_read (path, NULL);

  if (expires_at != NULL)
    *expires_at = token != NULL ? token->expires_at : 0;
  return token != NULL ? token_fingerprint (token->access_token) : NULL;
}

/* Whether another process (or another caller here) put a new, unexpired access token in the
 * cache while this refresh waited for the lock. */
static gboolean
replaced_while_waiting (GhSession *self,
                        Op        *op)
{
  gint64 expires_at = 0;
  g_autofree char *current = cached_token_fingerprint (self, &expires_at);

  return current != NULL && !has_passed (expires_at) &&
         g_strcmp0 (current, op->stale_token) != 0;
}

static void
refresh_locked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (!take_lock (task, result))
    return;

  gh_session_reload (self);
  if (self->status == GH_SESSION_EXPIRED)
    {
      not_signed_in (task);
      return;
    }
  /* Twenty `gatehouse credentials` started at once all find the token due (or all have it
   * refused), and queue on the lock: the first refreshes, the others find its token here. */
  if (replaced_while_waiting (self, op) ||
      (!op->force && !gh_session_needs_refresh (self)))
    {
      op_succeed (task);
      return;
    }

  gh_secret_store_lookup_async (self->config->name, self->config->start_url,
                                GH_SECRET_REFRESH_TOKEN, g_task_get_cancellable (task),
                                refresh_token_cb, task);
}

/* `rejected_token`, when set, is the access token the portal refused: the refresh replaces it
 * (unless another caller already did); otherwise the token now in the cache is the one to
 * replace. */
static void
refresh_start (GhSession           *self,
               gboolean             force,
               const char          *rejected_token,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = op_task_new (self, gh_session_refresh_async, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);

  op->force = force || rejected_token != NULL;
  if (rejected_token != NULL)
    op->stale_token = token_fingerprint (rejected_token);
  else
    op->stale_token = cached_token_fingerprint (self, NULL);
  lock_then (task, refresh_locked_cb);
}

void
gh_session_refresh_async (GhSession           *self,
                          gboolean             force,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (GH_IS_SESSION (self));

  refresh_start (self, force, NULL, cancellable, callback, user_data);
}

gboolean
gh_session_refresh_finish (GhSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Access token */

static void
access_token_refreshed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GhSession *self = GH_SESSION (object);
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  g_autoptr(GhCachedToken) token = NULL;
  GError *error = NULL;

  if (!gh_session_refresh_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  token = gh_token_cache_read (path, NULL);
  if (token == NULL || has_passed (token->expires_at))
    {
      g_task_return_error (task, ended_error (self));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&token->access_token),
                         (GDestroyNotify) gh_secret_free);
}

void
gh_session_get_access_token_async (GhSession           *self,
                                   const char          *rejected_token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GH_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_session_get_access_token_async);
  refresh_start (self, FALSE, rejected_token, cancellable, access_token_refreshed_cb, task);
}

GError *
gh_session_token_refused_error (GhSession *self)
{
  g_return_val_if_fail (GH_IS_SESSION (self), NULL);

  return g_error_new (GH_ERROR, GH_ERROR_UNAUTHORIZED,
                      _("The AWS access portal refused the access token for “%s” twice in a row "
                        "(HTTP 401), although the sign-in has not ended. Try again in a moment; "
                        "if this keeps happening, sign in again: gatehouse login %s"),
                      self->config->name, self->config->name);
}

char *
gh_session_get_access_token_finish (GhSession     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sign-out: the keyring first, so a locked keyring stops everything before the service-side
 * session ends; then the portal (best effort); then the files. */

static void
logout_finish_local (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  GError *error = NULL;

  if (!gh_token_cache_delete (path, &error))
    {
      op_fail (task, error);
      return;
    }

  gh_session_state_delete (self->config->name);
  op_succeed (task);
}

static void
portal_logout_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = gh_http_call_finish (GH_HTTP (object), result, &error);

  /* The local sign-out happens regardless: the service-side session may already be gone. */
  if (reply == NULL)
    g_debug ("Portal logout failed: %s", error->message);

  logout_finish_local (user_data);
}

/* Role credentials cached for the console and credential_process go with the sign-in; first,
 * as clearing them drops their fast copies even when the keyring then fails (locked). */
static const GhSecretKind logout_kinds[] = {
  GH_SECRET_ROLE_CREDENTIALS,
  GH_SECRET_REFRESH_TOKEN,
  GH_SECRET_REGISTRATION,
};

static void
logout_portal (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  g_autofree char *path = gh_token_cache_path (cache_key (self));
  g_autoptr(GhCachedToken) token = NULL;
  g_autofree char *portal_url = NULL;
  g_autofree char *url = NULL;

  token = gh_token_cache_read (path, NULL);
  portal_url = gh_endpoint_url (GH_SERVICE_PORTAL, self->config->region, NULL);
  if (token == NULL || has_passed (token->expires_at) || portal_url == NULL)
    {
      logout_finish_local (task);
      return;
    }

  url = g_strdup_printf ("%s/logout", portal_url);
  gh_http_call_async (gh_http_get_default (), _("Signing out"), "POST", url, NULL,
                      token->access_token, g_task_get_cancellable (task),
                      portal_logout_cb, task);
}

static void logout_clear_next (GTask *task);

static void
logout_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!gh_secret_store_clear_finish (result, &error))
    {
      op_fail (task, error);
      return;
    }

  logout_clear_next (task);
}

/* One keyring kind at a time, stopping at the first failure (a locked keyring). */
static void
logout_clear_next (GTask *task)
{
  GhSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (op->logout_cleared == G_N_ELEMENTS (logout_kinds))
    {
      logout_portal (task);
      return;
    }

  gh_secret_store_clear_async (self->config->name, logout_kinds[op->logout_cleared++],
                               g_task_get_cancellable (task), logout_cleared_cb, task);
}

static void
logout_locked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;

  if (!take_lock (task, result))
    return;

  logout_clear_next (task);
}

void
gh_session_logout_async (GhSession           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GH_IS_SESSION (self));

  task = op_task_new (self, gh_session_logout_async, cancellable, callback, user_data);
  lock_then (task, logout_locked_cb);
}

gboolean
gh_session_logout_finish (GhSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
