/* gh-simulator.h — an AWS IAM Identity Center simulator on one loopback port
 *
 * Serves the OIDC (protocol.md §1–§2), portal (§3) and sign-in federation (§5) endpoints with the
 * real shapes and error encodings, plus a control API under /_sim/ for tests and the demo.
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
} GhSimFault;

/* Properties (all read/write, changeable at any time):
 *   accounts (uint, default 3), roles-per-account (uint, default 2), page-size (uint, 20),
 *   latency-ms (uint, 0), rate-limit (uint requests/s over all portal calls, 0 = none),
 *   access-token-lifetime (int64 s, 3600), session-lifetime (int64 s, 28800),
 *   role-credential-lifetime (int64 s, 3600), registration-lifetime (int64 s, 7776000),
 *   rotate-refresh-tokens (bool, TRUE), auto-approve (bool, TRUE),
 *   device-code-lifetime (int64 s, 600), device-interval (int s, 1).
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

/* The next `count` requests to `operation` fail with `fault`. Operation names:
 * RegisterClient, StartDeviceAuthorization, CreateToken, Authorize, ListAccounts,
 * ListAccountRoles, GetRoleCredentials, Logout, GetSigninToken, Login. */
void         gh_simulator_inject_fault       (GhSimulator  *self,
                                              const char   *operation,
                                              GhSimFault    fault,
                                              guint         count);

/* Pending device codes and authorize requests (explicit approval mode). A pending authorize
 * request holds the browser's GET /authorize until approved (302 to redirect_uri with code and
 * state) or denied (302 with error=access_denied&error_description=...&state=...). Returns
 * the number approved/denied; user_code NULL means all pending. */
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
/* Was this access token / refresh token issued and is it still valid? */
gboolean     gh_simulator_access_token_is_valid  (GhSimulator *self,
                                                  const char  *access_token);
gboolean     gh_simulator_refresh_token_is_valid (GhSimulator *self,
                                                  const char  *refresh_token);
/* Console logins recorded by GET /federation?Action=login, as "ACCOUNT_ID/ROLE_NAME" strings
 * in order. */
GPtrArray   *gh_simulator_get_console_logins (GhSimulator  *self);
/* The last RegisterClient request body (JSON text), for tests of what the client sends. */
const char  *gh_simulator_get_last_registration_request (GhSimulator *self);

G_END_DECLS
