/* gh-oidc.h — the SSO OIDC service: RegisterClient, StartDeviceAuthorization, CreateToken */
#pragma once

#include "gh-http.h"

G_BEGIN_DECLS

#define GH_DEFAULT_SCOPE "sso:account:access"
#define GH_GRANT_DEVICE_CODE_URN "urn:ietf:params:oauth:grant-type:device_code"

typedef enum
{
  GH_FLOW_AUTHORIZATION_CODE,
  GH_FLOW_DEVICE_CODE,
} GhFlow;

typedef struct
{
  char   *client_id;
  char   *client_secret;
  gint64  expires_at;              /* clientSecretExpiresAt, unix seconds */
  GhFlow  flow;                    /* the grant type it was registered for */
} GhRegistration;

typedef struct
{
  char   *access_token;
  char   *refresh_token;           /* NULL when none was issued */
  gint64  expires_in;
} GhTokenResponse;

typedef struct
{
  char   *device_code;
  char   *user_code;
  char   *verification_uri;
  char   *verification_uri_complete;
  gint64  expires_in;
  gint64  interval;
} GhDeviceAuthorization;

void            gh_registration_free            (GhRegistration        *registration);
GhRegistration *gh_registration_from_json       (const char            *json,
                                                 GError               **error);
char           *gh_registration_to_json         (const GhRegistration  *registration);
/* Usable for `flow` with more than 15 minutes left (as the AWS CLI decides). */
gboolean        gh_registration_is_usable       (const GhRegistration  *registration,
                                                 GhFlow                 flow,
                                                 gint64                 now);
void            gh_token_response_free          (GhTokenResponse       *response);
void            gh_device_authorization_free    (GhDeviceAuthorization *authorization);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRegistration, gh_registration_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhTokenResponse, gh_token_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhDeviceAuthorization, gh_device_authorization_free)

/* PKCE (RFC 7636, docs/aws-protocols.md §2.1): 64 characters of A–Z a–z 0–9 - . _ ~ */
char           *gh_pkce_new_verifier            (void);
char           *gh_pkce_challenge               (const char            *verifier);
char           *gh_oidc_authorize_url           (const char            *base_url,
                                                 const char            *client_id,
                                                 const char            *redirect_uri,
                                                 const char            *state,
                                                 const char * const    *scopes,
                                                 const char            *code_challenge);

/* Registers only the grant type of `flow` plus refresh_token: some Identity Center endpoints
 * reject a registration listing all three. */
void            gh_oidc_register_client_async   (GhHttp                *http,
                                                 const char            *oidc_url,
                                                 const char            *session_name,
                                                 const char            *start_url,
                                                 const char * const    *scopes,
                                                 GhFlow                 flow,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
GhRegistration *gh_oidc_register_client_finish  (GAsyncResult          *result,
                                                 GError               **error);

void            gh_oidc_start_device_authorization_async  (GhHttp               *http,
                                                           const char           *oidc_url,
                                                           const GhRegistration *registration,
                                                           const char           *start_url,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GhDeviceAuthorization *gh_oidc_start_device_authorization_finish (GAsyncResult   *result,
                                                                  GError        **error);

/* `grant_type` is GH_GRANT_DEVICE_CODE_URN, "authorization_code" or "refresh_token"; the
 * NULL-terminated key/value pairs are added to the body (deviceCode, code, redirectUri,
 * codeVerifier, refreshToken). A GH_HTTP_CALL_SINGLE_USE call: when a reply was lost on the
 * way, a later refusal (invalid_grant) fails with GH_ERROR_REPLY_LOST, and a failure that
 * leaves it open whether the service carried the request out with GH_ERROR_NO_REPLY. */
void             gh_oidc_create_token_async     (GhHttp                *http,
                                                 const char            *oidc_url,
                                                 const GhRegistration  *registration,
                                                 const char            *grant_type,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data,
                                                 ...) G_GNUC_NULL_TERMINATED;
GhTokenResponse *gh_oidc_create_token_finish    (GAsyncResult          *result,
                                                 GError               **error);

G_END_DECLS
