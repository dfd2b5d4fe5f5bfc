/* gh-secret-store.h — refresh tokens, client registrations and role credentials in the desktop
 * keyring */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  GH_SECRET_REFRESH_TOKEN,
  GH_SECRET_REGISTRATION,     /* JSON: clientId, clientSecret, expiresAt, grantTypes */
  GH_SECRET_ROLE_CREDENTIALS, /* JSON, see gh-role-credentials.c; only through the
                               * *_role_credentials functions below and clear */
} GhSecretKind;

/* Attributes: session name, start URL, kind. Items go to the default collection (the login
 * keyring). A locked collection or a missing Secret Service is GH_ERROR_KEYRING; a failure is
 * retried once after a short pause (the keyring daemon is often slow right after resume). */
void      gh_secret_store_lookup_async   (const char          *session_name,
                                          const char          *start_url,
                                          GhSecretKind         kind,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* NULL and no error when there is no such item. Free with gh_secret_free(). */
char     *gh_secret_store_lookup_finish  (GAsyncResult        *result,
                                          GError             **error);

void      gh_secret_store_store_async    (const char          *session_name,
                                          const char          *start_url,
                                          GhSecretKind         kind,
                                          const char          *secret,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  gh_secret_store_store_finish   (GAsyncResult        *result,
                                          GError             **error);

/* Removes items of this kind for the session (any start URL; for GH_SECRET_ROLE_CREDENTIALS
 * every account and role). No item is not an error. */
void      gh_secret_store_clear_async    (const char          *session_name,
                                          GhSecretKind         kind,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  gh_secret_store_clear_finish   (GAsyncResult        *result,
                                          GError             **error);

/* Role credentials (kind "role-credentials"), with attributes session, start-url, account-id
 * and role, labelled "Gatehouse: AWS credentials for ROLE @ ACCOUNT (“SESSION”)". Same rules as
 * above: no prompts, a locked keyring fails at once, other failures are retried once.
 *
 * Once stored in the keyring they are also copied into the kernel keyring until they expire
 * (gh-kernel-keyring.h); a lookup finds that copy first, without D-Bus. Clearing drops the
 * copies before the keyring items (also when the keyring then fails). */
void      gh_secret_store_lookup_role_credentials_async  (const char          *session_name,
                                                          const char          *start_url,
                                                          const char          *account_id,
                                                          const char          *role_name,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* NULL and no error when there is no such item. Free with gh_secret_free(). */
char     *gh_secret_store_lookup_role_credentials_finish (GAsyncResult        *result,
                                                          GError             **error);

/* Replaces the item for this session, start URL, account and role; @expires_at (unix
 * seconds) bounds the fast copy. */
void      gh_secret_store_store_role_credentials_async   (const char          *session_name,
                                                          const char          *start_url,
                                                          const char          *account_id,
                                                          const char          *role_name,
                                                          const char          *secret,
                                                          gint64               expires_at,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean  gh_secret_store_store_role_credentials_finish  (GAsyncResult        *result,
                                                          GError             **error);

/* Removes the item of this one account and role (any start URL), e.g. once the role is no
 * longer granted. No item is not an error. */
void      gh_secret_store_clear_role_credentials_async   (const char          *session_name,
                                                          const char          *account_id,
                                                          const char          *role_name,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean  gh_secret_store_clear_role_credentials_finish  (GAsyncResult        *result,
                                                          GError             **error);

/* Wipes, then frees. */
void      gh_secret_free                 (char                *secret);

G_END_DECLS
