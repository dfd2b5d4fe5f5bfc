/* gh-discovery.h — list every account and role of a sign-in, fast and throttle-proof
 *
 * ListAccounts, then ListAccountRoles for every account, paginated (max_result 100), with at most
 * `concurrency` calls in flight (GH_HTTP_MAX_CONNS_PER_HOST by default) and a client-side rate
 * control (GhRateLimiter): unpaced while the service keeps up, then paced near the limit it
 * finds from 429 TooManyRequestsException replies (docs/architecture.md).
 * 5xx, network errors and malformed replies are retried here (up to 4 attempts, jittered
 * backoff), so the GhHttp given should not retry itself (NULL makes one). A 401 mid-listing
 * replaces the access token once (gh_session_get_access_token_async with the refused token)
 * and continues.
 */
#pragma once

#include "gh-http.h"
#include "gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_DISCOVERY (gh_discovery_get_type ())
G_DECLARE_FINAL_TYPE (GhDiscovery, gh_discovery, GH, DISCOVERY, GObject)

/* Signals:
 *   progress (guint accounts_done, guint accounts_total): total is 0 until ListAccounts has
 *   finished paging. */

GhDiscovery *gh_discovery_new              (GhSession           *session,
                                            GhHttp              *http);
void         gh_discovery_set_concurrency  (GhDiscovery         *self,
                                            guint                max_in_flight);
/* A rate in requests/s known to be safe: runs start paced at it instead of finding the limit
 * from scratch. */
void         gh_discovery_set_initial_rate (GhDiscovery         *self,
                                            double               requests_per_second);
void         gh_discovery_run_async        (GhDiscovery         *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* GhRole objects sorted with gh_role_compare. */
GPtrArray   *gh_discovery_run_finish       (GhDiscovery         *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
