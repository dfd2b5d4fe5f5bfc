/* gh-simulator.h — an AWS IAM Identity Center simulator on one loopback port
 *
 * Serves the OIDC (docs/aws-protocols.md §1–§2), portal (§3) and sign-in federation (§5)
 * endpoints with the real shapes and error encodings, plus a control API under /_sim/ for tests
 * and the demo.
 * Used in-process by the integration tests and as the `gatehouse-simulator` executable.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_SIMULATOR (gh_simulator_get_type ())
G_DECLARE_FINAL_TYPE (GhSimulator, gh_simulator, GH, SIMULATOR, GObject)

typedef enum
{
  GH_SIM_FAULT_NONE,
  GH_SIM_FAULT_500,        /* InternalServerException / InternalServerError */
  GH_SIM_FAULT_503,        /* ServiceUnavailable, HTML body */
  GH_SIM_FAULT_MALFORMED,  /* 200 with a body that is not JSON */
  GH_SIM_FAULT_CLOSE,      /* connection closed without a response */
  GH_SIM_FAULT_HANG,       /* never answers (until the simulator is disposed) */
  GH_SIM_FAULT_THROTTLE,   /* 429 TooManyRequestsException */
  GH_SIM_FAULT_UNAUTHORIZED, /* 401 UnauthorizedException, as for an access token the portal
                              * refuses although it is valid */
  GH_SIM_FAULT_LOST_REPLY, /* the request is carried out (a refresh token rotated, a code
                            * used), then the connection closes instead of the reply */
} GhSimFault;

/* Properties (all read/write, changeable at any time):
 *   accounts (uint, default 3), roles-per-account (uint, default 2), page-size (uint, 20),
 *   latency-ms (uint, 0), rate-limit (uint requests/s over all portal calls, 0 = none),
 *   token-latency-ms (uint, 0: more delay for CreateToken replies, on top of latency-ms; like
 *   latency-ms, the request is carried out at once and only the reply waits, so a client that
 *   gives up early has lost a rotated refresh token),
 *   access-token-lifetime (int64 s, 3600), session-lifetime (int64 s, 28800),
 *   role-credential-lifetime (int64 s, 3600), registration-lifetime (int64 s, 7776000),
 *   rotate-refresh-tokens (bool, TRUE), auto-approve (bool, TRUE),
 *   device-code-lifetime (int64 s, 600), device-interval (int s, 1),
 *   clock-offset (int64 s, 0: shifts the simulator's idea of "now", so tests can cross an
 *   expiry — access token, session end, device code, registration — without sleeping),
 *   nameless-accounts (uint N, 0: every Nth account — N, 2N, … — has no accountName and no
 *   emailAddress), role-names (GStrv, NULL: names for roles 1, 2, … of every account instead
 *   of the defaults; roles-per-account still sets the count; comma-separated in /_sim/set),
 *   reject-session-duration (bool, FALSE: getSigninToken answers 400 to any SessionDuration,
 *   as AWS does for role-chained credentials; without it 900–43200 is accepted).
 *
 * Console sign-out: GET /oauth?Action=logout&redirect_uri=URL (operation "ConsoleLogout")
 * answers 302 to URL when it is an http(s) URL on 127.0.0.1 (or localhost), else 400.
 *
 * auto-approve: device authorizations are approved the moment StartDeviceAuthorization creates
 * them (headless clients need no browser) and GET /authorize answers 302 with a code at once.
 * Without it, device codes stay pending and GET /authorize is held until gh_simulator_approve
 * or gh_simulator_deny (or POST /_sim/approve|deny, or the buttons on the /device page).
 *
 * A registration whose scopes include "sso:account:access" (and whose grantTypes, if given,
 * include refresh_token) gets refresh tokens and access tokens of access-token-lifetime capped
 * at the sign-in session end; any other gets no refresh token and an access token lasting the
 * whole session. A registration that lists grantTypes may only use those grants
 * (UnauthorizedClientException otherwise); one without grantTypes may use the device flow and
 * refresh, and the authorization code flow only if it registered redirectUris.
 *
 * Control API (same port): POST /_sim/approve[?user_code=X], POST /_sim/deny[?user_code=X],
 * POST /_sim/expire-access-tokens, /_sim/revoke-refresh-tokens, /_sim/expire-registrations,
 * POST /_sim/fault?operation=OP&kind=500|503|malformed|close|hang|throttle|unauthorized|
 * lost-reply|none&count=N,
 * POST /_sim/set?NAME=VALUE[&NAME=VALUE…] (any property above), GET /_sim/stats →
 * {"requests": {op: n}, "throttled": n, "pending": n, "console_logins": [...],
 *  "last_user_code": s|null,
 *  "last_console_destination": s|null, "url": s}.
 *
 * Accounts are "Account N" with ids 1000000000NN (12 digits) and emails accountN@example.com;
 * roles are AdministratorAccess, ReadOnly, then Role3, Role4, ... */

GhSimulator *gh_simulator_new                (void);
/* Listens on 127.0.0.1 (port 0 = ephemeral). */
gboolean     gh_simulator_start              (GhSimulator  *self,
                                              guint         port,
                                              GError      **error);
/* "http://127.0.0.1:PORT", no trailing slash; valid after start. */
const char  *gh_simulator_get_url            (GhSimulator  *self);

/* The next `count` requests to `operation` fail with `fault`. Faults injected for the same
 * operation queue up and apply in order (CLOSE ×1 then MALFORMED ×1 = first request closed,
 * second malformed); GH_SIM_FAULT_NONE or count 0 clears the queue. Operation names:
 * RegisterClient, StartDeviceAuthorization, CreateToken, Authorize, ListAccounts,
 * ListAccountRoles, GetRoleCredentials, Logout, GetSigninToken, Login, ConsoleLogout. */
void         gh_simulator_inject_fault       (GhSimulator  *self,
                                              const char   *operation,
                                              GhSimFault    fault,
                                              guint         count);

/* Pending device codes and authorize requests (explicit approval mode). A pending authorize
 * request holds the browser's GET /authorize until approved (302 to redirect_uri with code and
 * state) or denied (302 with error=access_denied&error_description=...&state=...). Returns
 * the number approved/denied; user_code NULL means all pending. A non-NULL user_code matches a
 * device code's user code (case-insensitive) or an authorize request's state parameter. */
guint        gh_simulator_approve            (GhSimulator  *self,
                                              const char   *user_code);
guint        gh_simulator_deny               (GhSimulator  *self,
                                              const char   *user_code);
guint        gh_simulator_get_pending_count  (GhSimulator  *self);
/* The user code of the newest pending device authorization, or NULL. */
const char  *gh_simulator_get_last_user_code (GhSimulator  *self);

/* Make every issued access token expired (portal answers 401 UnauthorizedException). */
void         gh_simulator_expire_access_tokens  (GhSimulator *self);
/* Refresh tokens stop working (CreateToken refresh_token → invalid_grant). */
void         gh_simulator_revoke_refresh_tokens (GhSimulator *self);
/* Client registrations stop working (invalid_client, HTTP 401). */
void         gh_simulator_expire_registrations  (GhSimulator *self);

/* Requests received per operation name (see inject_fault), including failed ones. */
guint        gh_simulator_get_request_count  (GhSimulator  *self,
                                              const char   *operation);
/* Replies that were 429 TooManyRequestsException (rate limit or injected fault), all
 * operations; the requests are counted above too. */
guint        gh_simulator_get_throttled_count (GhSimulator *self);
/* Was this access token / refresh token issued and is it still valid? */
gboolean     gh_simulator_access_token_is_valid  (GhSimulator *self,
                                                  const char  *access_token);
gboolean     gh_simulator_refresh_token_is_valid (GhSimulator *self,
                                                  const char  *refresh_token);
/* Console logins recorded by GET /federation?Action=login, as "ACCOUNT_ID/ROLE_NAME" strings
 * in order. (transfer none): owned by the simulator, do not unref. */
GPtrArray   *gh_simulator_get_console_logins (GhSimulator  *self);
/* The Destination of the last successful console login, or NULL. */
const char  *gh_simulator_get_last_console_destination (GhSimulator *self);
/* The last RegisterClient request body (JSON text), for tests of what the client sends. */
const char  *gh_simulator_get_last_registration_request (GhSimulator *self);

G_END_DECLS
