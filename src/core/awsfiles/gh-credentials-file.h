/* gh-credentials-file.h — the AWS shared credentials file (~/.aws/credentials) */
#pragma once

#include "gh-role-credentials.h"

G_BEGIN_DECLS

/* AWS_SHARED_CREDENTIALS_FILE (expanded like AWS_CONFIG_FILE), else ~/.aws/credentials */
char     *gh_credentials_file_default_path    (void);

/* Writes/updates [profile] with aws_access_key_id, aws_secret_access_key, aws_session_token and
 * a Gatehouse marker; everything else stays byte-identical; atomic, 0600, under a lock. A
 * section that exists and is not Gatehouse's is never overwritten (GH_ERROR_INVALID_INPUT). */
gboolean  gh_credentials_file_write_section   (const char               *path,
                                               const char               *profile,
                                               const GhRoleCredentials  *credentials,
                                               GError                  **error);
/* The same on a worker thread, for code on a main loop: the wait for the lock never blocks it.
 * @credentials are copied (and wiped); cancelling ends the wait for the lock. */
void      gh_credentials_file_write_section_async  (const char               *path,
                                                    const char               *profile,
                                                    const GhRoleCredentials  *credentials,
                                                    GCancellable             *cancellable,
                                                    GAsyncReadyCallback       callback,
                                                    gpointer                  user_data);
gboolean  gh_credentials_file_write_section_finish (GAsyncResult             *result,
                                                    GError                  **error);
/* Removes the Gatehouse sections among @profiles (a sign-in's profiles, when it goes);
 * sections someone else wrote stay. @removed: the sections removed. */
gboolean  gh_credentials_file_remove_sections (const char              *path,
                                               const char * const      *profiles,
                                               GStrv                   *removed,
                                               GError                 **error);
/* Sections written by Gatehouse (for the tray to keep fresh). */
GStrv     gh_credentials_file_managed_profiles (const char              *path,
                                                GError                 **error);
/* Profiles holding long-term access keys (aws_access_key_id starting with AKIA). */
GStrv     gh_credentials_file_long_term_profiles (const char            *path,
                                                  GError               **error);

G_END_DECLS
