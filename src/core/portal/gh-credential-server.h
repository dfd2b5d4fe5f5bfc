/* gh-credential-server.h — a role's credentials for other programs, renewed for as long as
 * they run, over the ECS container credentials protocol on loopback
 *
 * botocore, the JS SDK and the other SDKs fetch credentials from the URL in
 * AWS_CONTAINER_CREDENTIALS_FULL_URI, sending AWS_CONTAINER_AUTHORIZATION_TOKEN as the
 * Authorization header, and fetch again before the credentials they got expire. So a program
 * started with those two variables set to this server's URL and token keeps working past the
 * end of one set of role credentials, where keys in its environment would stop.
 *
 * Rules, in the order a request meets them:
 *  - a Host other than 127.0.0.1:PORT or localhost:PORT: 403 (a web page that rebinds a name
 *    of its own to 127.0.0.1 sends its own name);
 *  - an Authorization header other than the token: 403;
 *  - any path but the URL's: 404; any method but GET (or HEAD): 405;
 *  - else 200 with gh_role_credentials_format (…, GH_CREDENTIALS_FORMAT_CONTAINER, …).
 *
 * Credentials are renewed (gh_role_credentials_get_async(), never interactively) before they
 * expire: when the time left falls below GH_ROLE_CREDENTIALS_REUSE_WINDOW, or half their
 * lifetime when that is shorter; by a timer, and by a request that finds them due. When
 * renewal fails the current ones are served until they expire, then 503 with why; it is
 * tried again GH_CREDENTIAL_SERVER_RETRY seconds later (sooner for short-lived ones) or at the
 * next request after that.
 */
#pragma once

#include <gio/gio.h>

#include "gh-role-credentials.h"
#include "gh-session.h"

G_BEGIN_DECLS

/* Seconds between renewal attempts after one failed. */
#define GH_CREDENTIAL_SERVER_RETRY 30

#define GH_TYPE_CREDENTIAL_SERVER (gh_credential_server_get_type ())
G_DECLARE_FINAL_TYPE (GhCredentialServer, gh_credential_server, GH, CREDENTIAL_SERVER, GObject)

/* Signals:
 *   renewed ()
 *       New credentials are being served.
 *   renewal-failed (const GError *error)
 *       A renewal failed; GH_ERROR_NOT_SIGNED_IN when the sign-in has ended. */

/* Starts listening on 127.0.0.1 at an ephemeral port, on the thread-default main context,
 * serving @credentials (copied) of that role of @session until they are due for renewal. The
 * token is 32 random bytes from the kernel's CSPRNG, base64url. */
GhCredentialServer *gh_credential_server_new            (GhSession                *session,
                                                         const char               *account_id,
                                                         const char               *role_name,
                                                         const GhRoleCredentials  *credentials,
                                                         GError                  **error);
/* http://127.0.0.1:PORT/role-credentials */
const char         *gh_credential_server_get_url        (GhCredentialServer       *self);
/* The Authorization header's value: a secret, for the programs' environment only. */
const char         *gh_credential_server_get_token      (GhCredentialServer       *self);
/* The expiry of the credentials being served, in unix seconds. */
gint64              gh_credential_server_get_expiration (GhCredentialServer       *self);

G_END_DECLS
