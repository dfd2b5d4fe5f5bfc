/* gh-federation.h — the AWS console for a role: the federation sign-in URL
 * (docs/aws-protocols.md §5) and the access-portal shortcut URL (§5.4) */
#pragma once

#include "gh-http.h"
#include "gh-role-credentials.h"

G_BEGIN_DECLS

/* {"sessionId":…,"sessionKey":…,"sessionToken":…} exactly, for the Session parameter. */
char     *gh_federation_session_json        (const GhRoleCredentials *credentials);

/* The console host for a region: console.aws.amazon.com / {region}.console.aws.amazon.com,
 * console.amazonaws-us-gov.com, console.amazonaws.cn. */
char     *gh_console_base_url               (const char    *region);
/* The Destination: NULL → the console home of the region; a service name such as "ec2" or
 * "s3" → that service's console in the region; a full URL → used as given after checking it
 * is an https AWS console URL of the region's partition (GH_ERROR_INVALID_INPUT otherwise). */
char     *gh_console_destination            (const char    *region,
                                             const char    *destination,
                                             GError       **error);

/* signin_url: the sign-in endpoint base (gh_endpoint_url (GH_SERVICE_SIGNIN, …)). */
char     *gh_federation_login_url           (const char    *signin_url,
                                             const char    *issuer,
                                             const char    *destination,
                                             const char    *signin_token);
/* The sign-in host's logout, then on to `next_url` (for switching roles in one browser). */
char     *gh_federation_logout_url          (const char    *signin_url,
                                             const char    *next_url);

/* GET {signin_url}/federation?Action=getSigninToken&Session=…[&SessionDuration=…]. A
 * session_duration of 0 omits the parameter (the console then follows the credentials'
 * expiry); when one is given and the endpoint answers 400, the call is retried without it.
 * Errors never contain the credentials or the URL. Free the token with gh_secret_free(). */
void      gh_federation_get_signin_token_async  (GhHttp                  *http,
                                                 const char              *signin_url,
                                                 const GhRoleCredentials *credentials,
                                                 guint                    session_duration,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
char     *gh_federation_get_signin_token_finish (GAsyncResult            *result,
                                                 GError                 **error);

/* {start_url}/#/console?account_id=…&role_name=…&destination=… (destination may be NULL). */
char     *gh_portal_shortcut_url            (const char    *start_url,
                                             const char    *account_id,
                                             const char    *role_name,
                                             const char    *destination);

G_END_DECLS
