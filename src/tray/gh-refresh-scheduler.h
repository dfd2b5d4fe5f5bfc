/* gh-refresh-scheduler.h — every deadline of every sign-in, one timer
 *
 * For each signed-in GhSession of a list (the session manager's): refresh the access token when
 * the core's rule says it is due (gh_session_get_refresh_due with GATEHOUSE_REFRESH_WINDOW,
 * default 900 s: the window or a quarter of the token's life before it expires, at most once a
 * minute), with jitter, so the AWS CLI cache file always holds a valid token; warn at the lead times before the sign-in session ends;
 * check the end itself; ask for the daily role refresh. For each console opened from
 * Gatehouse: warn 10 minutes before it ends.
 *
 * Only the next deadline has a timer (no periodic wake-ups), a wall-clock timer of the GhClock,
 * which re-checks it when the machine resumes or the wall clock is set. A resume and the
 * network coming back also end the back-off of failed refreshes.
 */
#pragma once

#include "gh-clock.h"
#include "gh-console-history.h"
#include "gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_REFRESH_SCHEDULER (gh_refresh_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (GhRefreshScheduler, gh_refresh_scheduler, GH, REFRESH_SCHEDULER, GObject)

#define GH_CONSOLE_WARNING_LEAD (10 * 60)
#define GH_ROLES_REFRESH_INTERVAL (24 * 60 * 60)

/* Signals:
 *   session-ending (GhSession *session, int seconds_left) — a lead time was reached (once per
 *     lead time and sign-in; several passed at once give one signal)
 *   session-ended (GhSession *session) — a signed-in session became EXPIRED
 *   refreshed (GhSession *session) — a background refresh succeeded (or found the token
 *     another process had just refreshed)
 *   refresh-failed (GhSession *session, GError *error) — a background refresh failed for a
 *     reason other than the end of the sign-in (it is retried with backoff)
 *   console-ending (const char *target "SESSION/ACCOUNT_ID/ROLE", const char *role,
 *     const char *account, int seconds_left)
 *   roles-due (GhSession *session) — time for the role list refresh; answer with
 *     gh_refresh_scheduler_roles_done */

/* `sessions`: a GListModel of GhSession, followed as it changes (the state of a session that
 * stays in it is kept). */
GhRefreshScheduler *gh_refresh_scheduler_new              (GhClock            *clock,
                                                           GListModel         *sessions);
/* Minutes before the session end at which to warn (e.g. {15, 5}). */
void                gh_refresh_scheduler_set_lead_times   (GhRefreshScheduler *self,
                                                           const gint32       *minutes,
                                                           gsize               n_minutes);
/* GhConsoleRecord, newest first (gh_console_history_list); a reference is kept. */
void                gh_refresh_scheduler_set_consoles     (GhRefreshScheduler *self,
                                                           GPtrArray          *records);
/* When the role list of a session was last fetched (0: never). Until it is known for a
 * session, no role refresh is due for it. */
void                gh_refresh_scheduler_roles_done       (GhRefreshScheduler *self,
                                                           GhSession          *session,
                                                           gint64              fetched_at);
/* Retry failed refreshes now instead of after their backoff (the user fixed the cause). */
void                gh_refresh_scheduler_retry_now        (GhRefreshScheduler *self);
/* Re-evaluate every deadline now (coalesced). */
void                gh_refresh_scheduler_queue_evaluate   (GhRefreshScheduler *self);
/* The next deadline (unix seconds), G_MAXINT64 when none. */
gint64              gh_refresh_scheduler_get_next_deadline (GhRefreshScheduler *self);
gint64              gh_refresh_scheduler_get_window       (GhRefreshScheduler *self);

G_END_DECLS
