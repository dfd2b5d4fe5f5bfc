/* gh-role-credentials.h — short-term credentials for one role (GetRoleCredentials), cached in
 * the keyring, and the formats AWS tools read */
#pragma once

#include "gh-session.h"

G_BEGIN_DECLS

typedef struct
{
  char   *access_key_id;
  char   *secret_access_key;
  char   *session_token;
  gint64  expiration;          /* unix seconds */
  char   *account_id;
} GhRoleCredentials;

typedef enum
{
  GH_CREDENTIALS_FORMAT_PROCESS,   /* credential_process JSON (docs/aws-protocols.md §4.9) */
  GH_CREDENTIALS_FORMAT_ENV,       /* export AWS_ACCESS_KEY_ID=… lines */
  GH_CREDENTIALS_FORMAT_INI,       /* a credentials-file section */
  GH_CREDENTIALS_FORMAT_JSON,      /* like process, plus account and role */
  GH_CREDENTIALS_FORMAT_FISH,      /* set -gx AWS_ACCESS_KEY_ID … lines */
  GH_CREDENTIALS_FORMAT_POWERSHELL,  /* $Env:AWS_ACCESS_KEY_ID = … lines */
  GH_CREDENTIALS_FORMAT_CONTAINER, /* the ECS container credentials endpoint's JSON */
} GhCredentialsFormat;

/* Cached credentials are reused while more than this is left. */
#define GH_ROLE_CREDENTIALS_REUSE_WINDOW (15 * 60)

void                gh_role_credentials_free     (GhRoleCredentials *credentials);
GhRoleCredentials  *gh_role_credentials_copy     (const GhRoleCredentials *credentials);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhRoleCredentials, gh_role_credentials_free)

gboolean            gh_credentials_format_parse  (const char          *text,
                                                  GhCredentialsFormat *format);
/* The text to print; profile_name names the ini section (may be NULL → "default"); region
 * (may be NULL) goes into the shell formats. */
char               *gh_role_credentials_format   (const GhRoleCredentials *credentials,
                                                  GhCredentialsFormat      format,
                                                  const char              *profile_name,
                                                  const char              *role_name,
                                                  const char              *region);

/* The environment AWS tools read the credentials from: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION (YYYY-MM-DDTHH:MM:SSZ)
 * and, with a region, AWS_REGION and AWS_DEFAULT_REGION, each only when known; in that order.
 * The values are borrowed for the call and hold secrets. */
typedef void (*GhCredentialsVariableFunc) (const char *name,
                                           const char *value,
                                           gpointer    user_data);

void                gh_role_credentials_foreach_variable (const GhRoleCredentials   *credentials,
                                                          const char                *region,
                                                          GhCredentialsVariableFunc  func,
                                                          gpointer                   user_data);

/* Keyring-cached credentials while more than GH_ROLE_CREDENTIALS_REUSE_WINDOW is left (unless
 * force_refresh), else GetRoleCredentials with the session's access token (refreshed first when
 * needed; never an interactive sign-in), stored back in the keyring. 403 ForbiddenException /
 * 404 → GH_ERROR_FORBIDDEN / GH_ERROR_NOT_FOUND with a message naming account and role;
 * 401 → one forced token refresh, then GH_ERROR_NOT_SIGNED_IN. */
void                gh_role_credentials_get_async   (GhSession           *session,
                                                     const char          *account_id,
                                                     const char          *role_name,
                                                     gboolean             force_refresh,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GhRoleCredentials  *gh_role_credentials_get_finish  (GAsyncResult        *result,
                                                     GError             **error);

/* Drops the keyring-cached credentials of each GhRole in @roles (of any sessions), e.g. roles
 * a new listing no longer shows. All are cleared at once; the first failure is reported, the
 * others still run. An empty array completes at once. */
void                gh_role_credentials_forget_async  (GPtrArray           *roles,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            gh_role_credentials_forget_finish (GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
