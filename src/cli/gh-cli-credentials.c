/* gh-cli-credentials.c — `gatehouse credentials`, also the `credential_process` of profiles
 *
 * Runs non-interactively (gh_cli_get_role_credentials()): the AWS CLI buffers a
 * credential_process's output, so a browser opened from here would be invisible.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-credentials-file.h"
#include "gh-error.h"
#include "gh-role-credentials.h"

int
gh_cli_cmd_credentials (int    argc,
                        char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *account = NULL;
  g_autofree char *role = NULL;
  g_autofree char *session_name = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *region_option = NULL;
  g_autofree char *region = NULL;
  gboolean write = FALSE;
  gboolean refresh = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— print short-term credentials for a role"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_auto(GhCliTarget) target = { 0, };
  GhCredentialsFormat format = GH_CREDENTIALS_FORMAT_PROCESS;
  int status;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("An SSO profile of the AWS config file (default: AWS_PROFILE)"), N_("P") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account id"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Role (permission set) name"), N_("R") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name,
      N_("Sign-in to use with --account/--role (optional with one sign-in)"), N_("S") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("process (default), env, fish, powershell, ini or json"), N_("F") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region_option,
      N_("Region for env, fish and powershell (default: AWS_REGION, AWS_DEFAULT_REGION, the "
         "profile's region, else the sign-in's)"), N_("REGION") },
    { "write", 0, 0, G_OPTION_ARG_NONE, &write,
      N_("Write them to the AWS credentials file as section [P] instead"), NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      N_("Fetch new credentials even if cached ones are still valid"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 1)
    return gh_cli_usage_error (_("credentials takes options only"));
  gh_cli_profile_from_environment (&profile, account, role);
  if ((profile != NULL) == (account != NULL || role != NULL))
    return gh_cli_usage_error (_("credentials needs either --profile P (or AWS_PROFILE), or "
                                 "--account ID and --role R"));
  if (profile == NULL && (account == NULL || role == NULL))
    return gh_cli_usage_error (_("--account and --role go together"));
  if (write && profile == NULL)
    return gh_cli_usage_error (_("--write needs --profile: it names the credentials-file section"));
  if (format_text != NULL && !gh_credentials_format_parse (format_text, &format))
    return gh_cli_usage_error (_("--format must be process, env, fish, powershell, ini or "
                                 "json"));

  /* The sign-ins and this profile are all it reads of the config file */
  gh_cli_read_config_for_profile (profile);
  if (!gh_cli_resolve_target (profile, account, role, session_name, &target, &error))
    return gh_cli_report_error (error);

  if ((session = gh_cli_open_session (target.session, &error)) == NULL)
    return gh_cli_report_error (error);
  if ((region = gh_cli_resolve_region (region_option, TRUE, target.section, session,
                                       &error)) == NULL)
    return gh_cli_usage_error (error->message);

  if ((credentials = gh_cli_get_role_credentials (session, &target, refresh, &status)) == NULL)
    return status;

  if (write)
    {
      g_autofree char *path = gh_credentials_file_default_path ();
      g_autofree char *until = gh_cli_format_time (credentials->expiration);

      if (!gh_credentials_file_write_section (path, target.section, credentials, &error))
        return gh_cli_report_error (error);
      g_print (_("Wrote short-term credentials for %s to %s (valid until %s)\n"),
               target.section, path, until);
      return GH_EXIT_OK;
    }

  {
    g_autofree char *text = gh_role_credentials_format (credentials, format, target.section,
                                                        target.role, region);

    /* The person asked for these values on stdout; this is the only place they go. */
    fputs (text, stdout);
    fflush (stdout);
    explicit_bzero (text, strlen (text));
  }
  return GH_EXIT_OK;
}
