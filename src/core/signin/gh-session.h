/* gh-session.h — one IAM Identity Center sign-in */
#pragma once

#include "gh-aws-config.h"
#include "gh-oidc.h"

G_BEGIN_DECLS

typedef enum
{
  GH_SESSION_SIGNED_OUT,
  GH_SESSION_SIGNING_IN,
  GH_SESSION_SIGNED_IN,
  GH_SESSION_REFRESHING,
  GH_SESSION_EXPIRED,      /* the sign-in session has ended; sign in again */
  GH_SESSION_ERROR,
} GhSessionStatus;

/* Why a sign-in is EXPIRED, as far as the service said. */
typedef enum
{
  GH_SESSION_END_NONE,       /* not ended, or ended with an access token that could not be
                              * refreshed */
  GH_SESSION_END_REFUSED,    /* IAM Identity Center refused the refresh token or the client
                              * registration: the sign-in session is over, or was revoked */
  GH_SESSION_END_REPLY_LOST, /* refused after a refresh whose reply never came: that refresh
                              * replaced the refresh token, and its answer was lost */
} GhSessionEndReason;

/* Refresh when less than this is left, as the AWS CLI does, or sooner into the life of a
 * shorter-lived token: gh_refresh_due_at (gh-session-state.h). */
#define GH_REFRESH_WINDOW (15 * 60)

#define GH_TYPE_SESSION (gh_session_get_type ())
G_DECLARE_FINAL_TYPE (GhSession, gh_session, GH, SESSION, GObject)

/* Properties: name, start-url, region (construct-only), status, end-reason, access-expires-at,
 * session-end, error-message (read-only, notified on change).
 * Signals: present (const char *url, const char *user_code) — forwarded from the sign-in flow:
 * the person must visit url (and, for the device flow, confirm user_code). */

GhSession       *gh_session_new                 (const GhSsoSessionConfig *config);
const char      *gh_session_get_name            (GhSession   *self);
const char      *gh_session_get_start_url       (GhSession   *self);
const char      *gh_session_get_region          (GhSession   *self);
GhSessionStatus  gh_session_get_status          (GhSession   *self);
gint64           gh_session_get_access_expires_at (GhSession *self);
gint64           gh_session_get_session_end     (GhSession   *self);
gboolean         gh_session_get_refreshable     (GhSession   *self);
/* When the access token is due for a refresh (unix seconds), for a caller whose window is
 * `window` (GH_REFRESH_WINDOW, or the tray's): gh_refresh_due_at with the token's lifetime. */
gint64           gh_session_get_refresh_due     (GhSession   *self,
                                                 gint64       window);
/* The access token has expired or is due with GH_REFRESH_WINDOW: what refresh on use asks. */
gboolean         gh_session_needs_refresh       (GhSession   *self);
GhSessionEndReason gh_session_get_end_reason    (GhSession   *self);
const char      *gh_session_get_error_message   (GhSession   *self);
/* The definition the session was made from (owned by the session). */
const GhSsoSessionConfig *gh_session_get_config (GhSession   *self);
const char      *gh_session_status_to_string    (GhSessionStatus status);
/* SIGNED_IN or REFRESHING: the sign-in is current. */
gboolean         gh_session_status_is_signed_in (GhSessionStatus status);

/* Re-reads the state file and the AWS CLI token cache (no network, no keyring). */
void             gh_session_reload              (GhSession   *self);

/* Interactive sign-in under the session's lock. When another process completed a sign-in
 * while this one waited for the lock, that sign-in is used and no browser opens. */
void             gh_session_login_async         (GhSession           *self,
                                                 GhFlow               flow,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         gh_session_login_finish        (GhSession           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Refreshes the access token when it is due (gh_session_get_refresh_due with
 * GH_REFRESH_WINDOW) or has expired (always with force),
 * unless another process put a new token in the cache while this one waited for the lock.
 * invalid_grant (or a rejected registration) marks the session EXPIRED and fails with
 * GH_ERROR_NOT_SIGNED_IN; when an earlier refresh went out and its reply never came, the end
 * reason is GH_SESSION_END_REPLY_LOST and the message says so. A refresh whose reply does not
 * come fails with GH_ERROR_NO_REPLY and is remembered for that. */
void             gh_session_refresh_async       (GhSession           *self,
                                                 gboolean             force,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         gh_session_refresh_finish      (GhSession           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* A usable access token for the portal API: refreshed first (under the lock) when it is due
 * (see gh_session_refresh_async). `rejected_token` is the access token the portal just refused
 * (401), or NULL: it is replaced by a refresh, unless another caller or process already
 * replaced it, whose token is then returned. Never starts an interactive sign-in: without a
 * usable sign-in it fails with GH_ERROR_NOT_SIGNED_IN. Free the result with gh_secret_free(). */
void             gh_session_get_access_token_async  (GhSession           *self,
                                                     const char          *rejected_token,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char            *gh_session_get_access_token_finish (GhSession           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* For a portal that refuses (401) the token that replaced a refused one: the sign-in has not
 * ended, so the message does not say it has. GH_ERROR_UNAUTHORIZED. */
GError          *gh_session_token_refused_error     (GhSession           *self);

/* Portal Logout (best effort), then removes the keyring items, the token cache file and the
 * state file. */
void             gh_session_logout_async        (GhSession           *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean         gh_session_logout_finish       (GhSession           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
