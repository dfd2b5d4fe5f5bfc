/* gh-cli-util.h — what the `gatehouse` commands share: running the core's async API, reporting
 * errors and exit codes, the sign-ins, and the role a command names */
#pragma once

#include <sys/stat.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gh-role-credentials.h"
#include "gh-session-manager.h"

G_BEGIN_DECLS

/* Runs the core's async API on a main loop of its own; Ctrl-C cancels. */
typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  GCancellable *cancellable;
} GhCliWaiter;

void              gh_cli_waiter_init    (GhCliWaiter    *waiter);
/* The GAsyncReadyCallback to pass with the waiter as user data. */
void              gh_cli_waiter_cb      (GObject        *object,
                                         GAsyncResult   *result,
                                         gpointer        user_data);
/* Runs the loop until the callback came; the result is the waiter's until the next wait. */
GAsyncResult     *gh_cli_waiter_wait    (GhCliWaiter    *waiter);
void              gh_cli_waiter_clear   (GhCliWaiter    *waiter);
/* The signal (SIGINT, SIGTERM) that cancelled a wait, 0 while none did. */
int               gh_cli_interrupted    (void);

/* Print "gatehouse: MESSAGE" and return the exit code for it (128 + the signal for a wait
 * that SIGINT or SIGTERM cancelled: 130 for Ctrl-C). */
int               gh_cli_report_error   (const GError   *error);
int               gh_cli_usage_error    (const char     *message);

/* "14:05" today, else "2024-05-01 14:05"; "—" for 0. */
char             *gh_cli_format_time    (gint64          unix_seconds);
void              gh_cli_print_json     (JsonBuilder    *builder);

/* The AWS config file (AWS_CONFIG_FILE, else ~/.aws/config) as this process last read it,
 * read again only when the file changed; @path (may be NULL) gets its path. Both are owned
 * here: valid until the next call. */
GhIni            *gh_cli_read_config    (const char    **path,
                                         GError        **error);
/* Hands the copy over to a step that edits it (sync, which uses it under its lock while the
 * file is still that version): the document read from @path, with the file's stat() then in
 * @read_as and the time of that in @read_at; NULL when there is none. Forgotten here either
 * way, so that two copies of a large file are never in memory at once. */
GhIni            *gh_cli_take_config    (const char     *path,
                                         struct stat    *read_as,
                                         gint64         *read_at);
/* The sign-ins of the AWS config file, read once. */
GhSessionManager *gh_cli_load_sessions  (GError        **error);
/* The sign-in a command names (NULL: the only one), with the errors a person can act on. */
GhSession        *gh_cli_open_session   (const char     *name,
                                         GError        **error);
/* The sign-in named by a command's NAME argument or by its --profile P (the sign-in that
 * profile uses); NULL in @session_name when neither is given. GH_ERROR_INVALID_INPUT for both,
 * the profile's errors (gh_aws_config_find_profile()) for a profile that names none. */
gboolean          gh_cli_session_name_for (const char  *name,
                                           const char  *profile,
                                           char       **session_name,
                                           GError     **error);
/* Walks the definitions of gh_session_manager_get_configs() in order: the session of @config,
 * or NULL with why it cannot be used. @position (0 to start) is where the walk is in the
 * manager's list of usable sessions. */
GhSession        *gh_cli_session_for_definition (GhSessionManager         *manager,
                                                 const GhSsoSessionConfig *config,
                                                 guint                    *position,
                                                 GError                  **error);

/* The start of a command whose only option is --json and that takes no arguments: the
 * sign-ins, or NULL with the exit code in @exit_code. */
GhSessionManager *gh_cli_parse_listing_command (int          argc,
                                                char       **argv,
                                                const char  *summary,
                                                const char  *no_arguments_message,
                                                gboolean    *json,
                                                int         *exit_code);

/* A role named on the command line: --profile P, or --account/--role [--session]. */
typedef struct
{
  char *session;          /* NULL: the only sign-in */
  char *account_id;
  char *role;
  char *section;          /* the profile name, when given */
} GhCliTarget;

/* --profile wins; without it, and without --account and --role, the profile AWS_PROFILE names,
 * as every AWS tool does. */
void              gh_cli_profile_from_environment (char       **profile,
                                                   const char  *account,
                                                   const char  *role);

void              gh_cli_target_clear   (GhCliTarget    *target);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GhCliTarget, gh_cli_target_clear)
/* GH_ERROR_INVALID_INPUT for an account id that is not 12 digits; the profile's errors
 * (gh_aws_config_find_profile()). */
gboolean          gh_cli_resolve_target (const char     *profile,
                                         const char     *account,
                                         const char     *role,
                                         const char     *session,
                                         GhCliTarget    *target,
                                         GError        **error);

/* The role's credentials, never interactively: when the sign-in has ended, says so on stderr,
 * asks a running tray service to show one sign-in prompt, and sets GH_EXIT_NOT_SIGNED_IN;
 * other failures are reported too. NULL with the exit code in @exit_code. */
GhRoleCredentials *gh_cli_get_role_credentials (GhSession         *session,
                                                const GhCliTarget *target,
                                                gboolean           refresh,
                                                int               *exit_code);

/* The region for a role: @option (--region), else — with @from_environment — AWS_REGION or
 * AWS_DEFAULT_REGION, which AWS tools let override a profile's, else the region of the
 * profile (@profile, may be NULL), else the sign-in's. GH_ERROR_INVALID_INPUT, naming where it
 * came from, when it is not an AWS region. */
char             *gh_cli_resolve_region (const char     *option,
                                         gboolean        from_environment,
                                         const char     *profile,
                                         GhSession      *session,
                                         GError        **error);

G_END_DECLS
