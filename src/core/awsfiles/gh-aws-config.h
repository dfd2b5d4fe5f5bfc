/* gh-aws-config.h — sign-in definitions in the AWS config file
 *
 * `[sso-session NAME]` sections (and legacy `[profile X]` sections with sso_start_url and no
 * sso_session) are Gatehouse's sign-in definitions. Edits go through GhIni so the rest of the
 * file stays byte-identical; writes are atomic, mode 0600, under an advisory lock.
 */
#pragma once

#include <gio/gio.h>

#include "gh-ini.h"

G_BEGIN_DECLS

#define GH_DEFAULT_SESSION_DURATION (8 * 60 * 60)
/* What IAM Identity Center lets an administrator choose: 15 minutes to 90 days. */
#define GH_MIN_SESSION_DURATION     (15 * 60)
#define GH_MAX_SESSION_DURATION     (90 * 24 * 60 * 60)

typedef struct
{
  char     *name;              /* sso-session name; for legacy profiles the profile name */
  char     *start_url;
  char     *region;
  GStrv     scopes;            /* sso_registration_scopes, NULL when not set */
  gboolean  legacy;            /* a [profile] with sso_start_url and no sso_session */
  gint64    session_duration;  /* seconds: gatehouse_session_duration, default 8 h */
  gboolean  cache_refresh_token; /* gatehouse_cache_refresh_token = true */
} GhSsoSessionConfig;

GhSsoSessionConfig *gh_sso_session_config_copy       (const GhSsoSessionConfig *config);
void                gh_sso_session_config_free       (GhSsoSessionConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhSsoSessionConfig, gh_sso_session_config_free)

/* AWS_CONFIG_FILE (with ~ and $VARS expanded), else ~/.aws/config */
char               *gh_aws_config_default_path       (void);
/* The file as a document: empty for a missing file; GH_ERROR_CONFIG when it cannot be read
 * (also when it is not a regular file) or parsed. */
GhIni              *gh_aws_config_load               (const char  *path,
                                                      GError     **error);
/* The same holding only the sign-in definitions and the sections of @profile (NULL: none),
 * read-only: what gh_aws_config_list_sessions_in() and gh_aws_config_find_profile_in() for
 * that profile read, at a fraction of the cost in a file of thousands of profiles. */
GhIni              *gh_aws_config_load_for_profile   (const char  *path,
                                                      const char  *profile,
                                                      GError     **error);
/* The header of the section that defines the sign-in @name: its `[sso-session]` section (the
 * last one, as botocore reads it), else its legacy `[profile]`; NULL when there is none. */
char               *gh_aws_config_find_session_section (GhIni      *ini,
                                                        const char *name);
/* configparser's true words ("1", "yes", "true", "on", any case); FALSE for NULL. */
gboolean            gh_aws_config_value_is_true      (const char  *value);

/* Reading a missing file yields an empty list, not an error. */
GPtrArray          *gh_aws_config_list_sessions      (const char  *path,
                                                      GError     **error);
/* The same for a document already read (gh_aws_config_load()). */
GPtrArray          *gh_aws_config_list_sessions_in   (GhIni       *ini);
GhSsoSessionConfig *gh_aws_config_find_session       (const char  *path,
                                                      const char  *name,
                                                      GError     **error);
gboolean            gh_aws_config_add_session        (const char                *path,
                                                      const GhSsoSessionConfig  *config,
                                                      GError                   **error);
void                gh_aws_config_add_session_async  (const char                *path,
                                                      const GhSsoSessionConfig  *config,
                                                      GCancellable              *cancellable,
                                                      GAsyncReadyCallback        callback,
                                                      gpointer                   user_data);
gboolean            gh_aws_config_add_session_finish (GAsyncResult              *result,
                                                      GError                   **error);

/* Changes @section, the section that defines a sign-in, of @ini. */
typedef gboolean (*GhSessionEditFunc) (GhIni       *ini,
                                       const char  *section,
                                       gpointer     user_data,
                                       GError     **error);
gboolean            gh_aws_config_edit_session       (const char         *path,
                                                      const char         *name,
                                                      GhSessionEditFunc   edit,
                                                      gpointer            user_data,
                                                      GCancellable       *cancellable,
                                                      GError            **error);
/* gatehouse_cache_refresh_token of the sign-in @name (`session add --cache-refresh-token`):
 * whether the access token Gatehouse writes for the AWS CLI carries the refresh token. Takes
 * effect at the next write of the token. */
gboolean            gh_aws_config_set_cache_refresh_token (const char    *path,
                                                           const char    *name,
                                                           gboolean       enabled,
                                                           GCancellable  *cancellable,
                                                           GError       **error);
void                gh_aws_config_set_cache_refresh_token_async (const char           *path,
                                                                 const char           *name,
                                                                 gboolean              enabled,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
gboolean            gh_aws_config_set_cache_refresh_token_finish (GAsyncResult  *result,
                                                                  GError       **error);
/* Removes every `[sso-session NAME]` section and the profiles Gatehouse manages for the
 * sign-in (those its marker names). @removed_profiles: the names of those profiles;
 * @broken_profiles: the profiles left that use the sign-in (sso_session) or a removed profile
 * (source_profile), which the AWS tools can no longer use. GH_ERROR_NOT_FOUND_LOCAL when there
 * was nothing of the sign-in's to remove. */
gboolean            gh_aws_config_remove_session     (const char  *path,
                                                      const char  *name,
                                                      GStrv       *removed_profiles,
                                                      GStrv       *broken_profiles,
                                                      GError     **error);

/* A name the file can hold (single line, UTF-8, not too long): what existing sign-ins are
 * held to. */
gboolean            gh_validate_session_name         (const char  *name,
                                                      GError     **error);
/* A name for a new sign-in: also one every AWS client reads. The AWS SDK for JavaScript reads
 * `[sso-session NAME]` only when NAME is ASCII letters, digits and _ - . @ + % : /; the message
 * suggests such a name. */
gboolean            gh_validate_new_session_name     (const char  *name,
                                                      GError     **error);
gboolean            gh_validate_start_url            (const char  *url,
                                                      GError     **error);
/* Not empty and an AWS region name (gh_region_is_valid()), with a message that says so. */
gboolean            gh_validate_region               (const char  *region,
                                                      GError     **error);
/* A name for a new sign-in at @start_url: the access portal's subdomain ("my-company" for
 * https://my-company.awsapps.com/start), made one gh_validate_new_session_name() takes;
 * "my-sso" when the URL names no organisation. */
char               *gh_start_url_suggest_session_name (const char *start_url);
/* "28800", "8h", "90m", "30s", "2d" → seconds; 0 when unreadable. */
gint64              gh_parse_duration                (const char  *value);
/* The header text for a session, quoted the way the AWS CLI writes it (shlex.quote). */
char               *gh_aws_config_session_header     (const char  *name);
/* The header text for a profile: `profile NAME`, quoted the same way; `default` for the
 * default profile, as `aws configure` writes it. */
char               *gh_aws_config_profile_header     (const char  *name);
/* Parse a header like `sso-session 'my sso'` (shlex.split, exactly two tokens). */
gboolean            gh_aws_config_parse_header       (const char  *header,
                                                      char       **kind,
                                                      char       **name);
/* The profile name a header stands for, as botocore reads it (`default` for `[default]`);
 * NULL for sections that are not profiles. */
char               *gh_aws_config_profile_name       (const char  *header);

/* A [profile NAME] (or [default]) as the AWS CLI resolves it for SSO. */
typedef struct
{
  char     *name;
  char     *sso_session;        /* NULL for legacy profiles */
  char     *sso_start_url;      /* legacy */
  char     *sso_region;         /* legacy */
  char     *sso_account_id;
  char     *sso_role_name;
  char     *region;
  gboolean  managed;            /* written by Gatehouse's sync */
} GhProfileConfig;

void             gh_profile_config_free        (GhProfileConfig *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhProfileConfig, gh_profile_config_free)

/* GH_ERROR_NOT_FOUND_LOCAL for a missing profile; GH_ERROR_INVALID_INPUT naming what is
 * missing for a profile that is not an SSO profile (no sso_account_id/sso_role_name, or no
 * sso_session/sso_start_url). */
GhProfileConfig *gh_aws_config_find_profile    (const char  *path,
                                                const char  *name,
                                                GError     **error);

/* The same in a document already read from @path (gh_aws_config_load()) */
GhProfileConfig *gh_aws_config_find_profile_in (GhIni       *ini,
                                                const char  *path,
                                                const char  *name,
                                                GError     **error);

/* Profiles of the config file that hold long-term access keys (aws_access_key_id starting
 * with AKIA), by profile name. A missing file has none. */
GStrv            gh_aws_config_long_term_profiles (const char  *path,
                                                   GError     **error);
GStrv            gh_aws_config_long_term_profiles_in (GhIni   *ini);

G_END_DECLS
