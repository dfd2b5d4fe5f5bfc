/* gh-cli-status.c — `gatehouse status`: each sign-in and how long it lasts */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-aws-config.h"
#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-credentials-file.h"
#include "gh-error.h"
#include "gh-token-cache.h"

static char *
format_iso (gint64 unix_seconds)
{
  return unix_seconds > 0 ? gh_format_expires_at (unix_seconds) : NULL;
}

static const char *
status_label (GhSessionStatus status)
{
  switch (status)
    {
    case GH_SESSION_SIGNED_OUT: return _("signed out");
    case GH_SESSION_SIGNING_IN: return _("signing in");
    case GH_SESSION_SIGNED_IN: return _("signed in");
    case GH_SESSION_REFRESHING: return _("refreshing");
    case GH_SESSION_EXPIRED: return _("ended");
    case GH_SESSION_ERROR: return _("error");
    default: return _("error");
    }
}

/* Refreshes a token that is due (the same rule as the tray's); failures are reported per
 * session. */
static char *
refresh_if_needed (GhSession   *session,
                   GhCliWaiter *waiter,
                   int         *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (gh_session_get_status (session) != GH_SESSION_SIGNED_IN ||
      !gh_session_needs_refresh (session))
    return NULL;

  gh_session_refresh_async (session, FALSE, waiter->cancellable, gh_cli_waiter_cb, waiter);
  if (gh_session_refresh_finish (session, gh_cli_waiter_wait (waiter), &error))
    return NULL;

  if (error->domain == GH_ERROR && error->code == GH_ERROR_KEYRING)
    *exit_code = GH_EXIT_KEYRING;
  /* Ctrl-C: no problem of the sign-in's; the listing stops there. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      *exit_code = gh_cli_report_error (error);
      return NULL;
    }
  return g_strdup (error->message);
}

static void
add_session_json (JsonBuilder *builder,
                  GhSession   *session,
                  const char  *problem)
{
  g_autofree char *access = format_iso (gh_session_get_access_expires_at (session));
  g_autofree char *end = format_iso (gh_session_get_session_end (session));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, gh_session_get_name (session));
  json_builder_set_member_name (builder, "start_url");
  json_builder_add_string_value (builder, gh_session_get_start_url (session));
  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, gh_session_get_region (session));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder,
                                 gh_session_status_to_string (gh_session_get_status (session)));
  json_builder_set_member_name (builder, "access_token_expires_at");
  if (access != NULL)
    json_builder_add_string_value (builder, access);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "session_ends_at");
  if (end != NULL)
    json_builder_add_string_value (builder, end);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "refreshable");
  json_builder_add_boolean_value (builder, gh_session_get_refreshable (session));
  json_builder_set_member_name (builder, "error");
  if (problem != NULL)
    json_builder_add_string_value (builder, problem);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* Long-lived AKIA… keys on disk are what Identity Center exists to replace: say so, for
 * either file (the AWS CLI reads keys from both). */
static void
warn_about_long_term_keys_in (const char *path,
                              GStrv       profiles)
{
  g_autofree char *names = NULL;

  if (profiles == NULL || profiles[0] == NULL)
    return;

  names = g_strjoinv (", ", profiles);
  g_printerr (_("Warning: %s holds long-term access keys (AKIA…) for: %s. Short-term credentials "
                "from IAM Identity Center are safer: use an SSO profile, or "
                "“gatehouse credentials --profile P --write”, and delete the long-term keys.\n"),
              path, names);
}

static void
warn_about_long_term_keys (void)
{
  g_autofree char *credentials = gh_credentials_file_default_path ();
  g_auto(GStrv) in_credentials = gh_credentials_file_long_term_profiles (credentials, NULL);
  g_auto(GStrv) in_config = NULL;
  const char *config = NULL;
  GhIni *ini;

  /* The document the sign-ins were read from: not a second read of a large file */
  if ((ini = gh_cli_read_config (&config, NULL)) != NULL)
    in_config = gh_aws_config_long_term_profiles_in (ini);

  warn_about_long_term_keys_in (credentials, in_credentials);
  if (config != NULL)
    warn_about_long_term_keys_in (config, in_config);
}

static void
print_session (GhSession  *session,
               const char *problem)
{
  g_autofree char *access = gh_cli_format_time (gh_session_get_access_expires_at (session));
  g_autofree char *end = gh_cli_format_time (gh_session_get_session_end (session));

  if (gh_session_get_status (session) == GH_SESSION_SIGNED_IN)
    g_print (_("%s\t%s\taccess token until %s\tsession ends ~%s\n"),
             gh_session_get_name (session), status_label (GH_SESSION_SIGNED_IN), access, end);
  else
    g_print ("%s\t%s\n", gh_session_get_name (session),
             status_label (gh_session_get_status (session)));
  if (problem != NULL)
    g_print ("\t%s\n", problem);
}

/* With --profile P, the sign-in of that profile: GH_ERROR_NOT_FOUND_LOCAL when no definition
 * has its name. */
static gboolean
check_defined (GPtrArray   *configs,
               const char  *name,
               const char  *profile,
               const char  *path,
               GError     **error)
{
  for (guint i = 0; i < configs->len; i++)
    if (g_str_equal (((GhSsoSessionConfig *) g_ptr_array_index (configs, i))->name, name))
      return TRUE;

  g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
               _("The profile “%s” uses the sign-in “%s”, which %s does not define"),
               profile, name, path);
  return FALSE;
}

int
gh_cli_cmd_status (int    argc,
                   char **argv)
{
  gboolean json = FALSE;
  g_autofree char *profile = NULL;
  g_autofree char *only = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— show each sign-in"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSessionManager) manager = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *configs;
  guint position = 0;
  int exit_code = GH_EXIT_OK;
  GhCliWaiter waiter;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("Only the sign-in of this profile"), N_("P") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 1)
    return gh_cli_usage_error (_("status takes no arguments"));

  if ((manager = gh_cli_load_sessions (&error)) == NULL ||
      !gh_cli_session_name_for (NULL, profile, &only, &error))
    return gh_cli_report_error (error);

  configs = gh_session_manager_get_configs (manager);
  if (only != NULL &&
      !check_defined (configs, only, profile, gh_session_manager_get_config_path (manager),
                      &error))
    return gh_cli_report_error (error);
  if (configs->len == 0 && !json)
    {
      g_print (_("No sign-in is defined in %s. Add one: gatehouse session add NAME "
                 "--start-url URL --region REGION\n"),
               gh_session_manager_get_config_path (manager));
      warn_about_long_term_keys ();
      return GH_EXIT_OK;
    }

  gh_cli_waiter_init (&waiter);
  json_builder_begin_array (builder);
  for (guint i = 0; i < configs->len && !gh_cli_interrupted (); i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);
      g_autoptr(GhSession) session = NULL;
      g_autoptr(GError) config_error = NULL;
      g_autofree char *problem = NULL;

      session = gh_cli_session_for_definition (manager, config, &position, &config_error);
      if (only != NULL && !g_str_equal (config->name, only))
        continue;
      if (session == NULL)
        {
          if (!json)
            g_print ("%s\t%s\t%s\n", config->name, _("error"), config_error->message);
          continue;
        }

      problem = refresh_if_needed (session, &waiter, &exit_code);
      if (gh_cli_interrupted ())
        break;
      if (json)
        add_session_json (builder, session, problem);
      else
        print_session (session, problem);
    }
  json_builder_end_array (builder);
  gh_cli_waiter_clear (&waiter);
  warn_about_long_term_keys ();

  if (json)
    gh_cli_print_json (builder);

  return exit_code;
}
