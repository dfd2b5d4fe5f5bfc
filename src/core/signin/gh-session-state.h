/* gh-session-state.h — what Gatehouse remembers about a sign-in that is not secret
 *
 * $XDG_STATE_HOME/gatehouse/sessions/<sha1(name)>.json: when the sign-in happened, the estimated
 * end of the sign-in session, the access token's expiry and lifetime, whether it can be
 * refreshed, whether the service said it has ended, and whether a refresh went unanswered.
 * Tokens are never stored here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint64    signed_in_at;       /* unix seconds, 0 = never */
  gint64    session_end;        /* estimated end of the sign-in session */
  gint64    access_expires_at;
  gint64    access_lifetime;    /* lifetime of the last access token, seconds */
  gboolean  refreshable;
  gboolean  ended;              /* invalid_grant on refresh, or signed out */
  gint64    sign_in_id;         /* random, new for every interactive sign-in */
  gboolean  refresh_unanswered; /* a refresh went out and its reply never came: the service
                                 * may have rotated the refresh token we still hold */
  gboolean  reply_lost;         /* ended: refused after a refresh whose reply was lost */
} GhSessionState;

char     *gh_session_state_path    (const char            *session_name);
/* Missing or unreadable files yield a zeroed state (the state is a cache of facts). */
void      gh_session_state_load    (const char            *session_name,
                                    GhSessionState        *state);
gboolean  gh_session_state_save    (const char            *session_name,
                                    const GhSessionState  *state,
                                    GError               **error);
gboolean  gh_session_state_delete  (const char            *session_name);

/* Session-end estimate (see README "Session end"): a new sign-in ends `duration` after it
 * began; an access token whose lifetime shrank shows the service capping it at the session
 * end; a non-refreshable sign-in ends with its access token. A token answers any refresh
 * that went unanswered before it. */
void      gh_session_state_update_for_token (GhSessionState *state,
                                             gint64          now,
                                             gint64          expires_in,
                                             gboolean        refreshable,
                                             gboolean        new_sign_in,
                                             gint64          duration);

/* When to refresh an access token that expires at `expires_at` and lived `lifetime` seconds
 * (0: not known), for a caller that wants it refreshed `window` seconds before it expires: when
 * the window or a quarter of the token's lifetime is left, whichever is shorter, but never
 * sooner than GH_REFRESH_MIN_INTERVAL (or the window, when that is shorter) after the token was
 * issued. Without the fraction, a token that lives less than the window is due again the moment
 * it arrives; without the floor, the ever shorter tokens Identity Center hands out towards the
 * end of a sign-in session would be refreshed ever more often. A token whose lifetime is not
 * known (written by another program) is due the window before it expires. The one rule of the
 * tray's scheduler and of the refresh on use (CLI, portal calls); see docs/architecture.md. */
#define GH_REFRESH_MIN_INTERVAL 60

gint64    gh_refresh_due_at        (gint64                 expires_at,
                                    gint64                 lifetime,
                                    gint64                 window);

G_END_DECLS
