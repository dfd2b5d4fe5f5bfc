/* gh-cli.c — `gatehouse <command>`: the core from a terminal (no GTK on this path)
 *
 * Each command runs the core's asynchronous API on a main loop of its own; Ctrl-C cancels.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-aws-config.h"
#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-credentials-file.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-session.h"
#include "gh-token-cache.h"

void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

void
waiter_init (Waiter *waiter)
{
  waiter->loop = g_main_loop_new (NULL, FALSE);
  waiter->result = NULL;
  waiter->cancellable = g_cancellable_new ();
}

GAsyncResult *
waiter_wait (Waiter *waiter)
{
  guint sigint = g_unix_signal_add (SIGINT, interrupted_cb, waiter->cancellable);
  guint sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, waiter->cancellable);

  g_clear_object (&waiter->result);
  g_main_loop_run (waiter->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return waiter->result;
}

void
waiter_clear (Waiter *waiter)
{
  g_clear_pointer (&waiter->loop, g_main_loop_unref);
  g_clear_object (&waiter->result);
  g_clear_object (&waiter->cancellable);
}

int
gh_cli_exit_code_for_error (const GError *error)
{
  if (error->domain != GH_ERROR)
    return GH_EXIT_FAILURE;

  switch ((GhError) error->code)
    {
    case GH_ERROR_INVALID_INPUT:
    case GH_ERROR_NOT_FOUND_LOCAL:
      return GH_EXIT_USAGE;

    case GH_ERROR_NOT_SIGNED_IN:
    case GH_ERROR_EXPIRED:
    case GH_ERROR_ACCESS_DENIED:
    case GH_ERROR_INVALID_GRANT:
    case GH_ERROR_UNAUTHORIZED:
    case GH_ERROR_TIMEOUT:
    case GH_ERROR_STATE_MISMATCH:
    case GH_ERROR_REPLY_LOST:
      return GH_EXIT_NOT_SIGNED_IN;

    case GH_ERROR_KEYRING:
      return GH_EXIT_KEYRING;

    case GH_ERROR_PENDING:
    case GH_ERROR_SLOW_DOWN:
    case GH_ERROR_INVALID_CLIENT:
    case GH_ERROR_THROTTLED:
    case GH_ERROR_NOT_FOUND:
    case GH_ERROR_FORBIDDEN:
    case GH_ERROR_SERVER:
    case GH_ERROR_NETWORK:
    case GH_ERROR_NO_REPLY:
    case GH_ERROR_MALFORMED:
    case GH_ERROR_INVALID_REQUEST:
      return GH_EXIT_SERVICE;

    case GH_ERROR_FAILED:
    case GH_ERROR_CONFIG:
    case GH_ERROR_BROWSER:
    default:
      return GH_EXIT_FAILURE;
    }
}

int
report_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("%s\n", _("Cancelled."));
      return GH_EXIT_FAILURE;
    }
  g_printerr ("gatehouse: %s\n", error->message);
  return gh_cli_exit_code_for_error (error);
}

int
usage_error (const char *message)
{
  g_printerr ("gatehouse: %s\n", message);
  g_printerr ("%s\n", _("Run “gatehouse --help” for usage."));
  return GH_EXIT_USAGE;
}

char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (unix_seconds <= 0)
    return g_strdup ("—");

  when = g_date_time_new_from_unix_local (unix_seconds);
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  return g_date_time_format (when, "%Y-%m-%d %H:%M");
}

static char *
format_iso (gint64 unix_seconds)
{
  return unix_seconds > 0 ? gh_format_expires_at (unix_seconds) : NULL;
}

/* Sessions */

GPtrArray *
load_sessions (GError **error)
{
  g_autofree char *path = gh_aws_config_default_path ();

  return gh_aws_config_list_sessions (path, error);
}

/* Pretty-printed, as people read --json output as often as scripts do. */
void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, TRUE);

  g_print ("%s\n", text);
}

GhSession *
open_session (const char  *name,
              GError     **error)
{
  g_autoptr(GhSessionManager) manager = gh_session_manager_new (NULL);

  if (!gh_session_manager_reload (manager, error))
    return NULL;
  return gh_session_manager_find (manager, name, error);
}

void
target_clear (Target *target)
{
  g_free (target->session);
  g_free (target->account_id);
  g_free (target->role);
  g_free (target->section);
}

gboolean
resolve_target (const char  *profile,
                const char  *account,
                const char  *role,
                const char  *session,
                Target      *target,
                GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GhProfileConfig) config = NULL;

  if (profile == NULL)
    {
      target->session = g_strdup (session);
      target->account_id = g_strdup (account);
      target->role = g_strdup (role);
      return TRUE;
    }

  path = gh_aws_config_default_path ();
  if ((config = gh_aws_config_find_profile (path, profile, error)) == NULL)
    return FALSE;

  /* Legacy profiles are their own sign-in, named after the profile. */
  target->session = g_strdup (config->sso_session ? config->sso_session : config->name);
  target->account_id = g_strdup (config->sso_account_id);
  target->role = g_strdup (config->sso_role_name);
  target->section = g_strdup (profile);
  return TRUE;
}

/* gatehouse session … */

static int
cmd_session_add (int    argc,
                 char **argv)
{
  g_autofree char *start_url = NULL;
  g_autofree char *region = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *duration = NULL;
  gboolean cache_refresh_token = FALSE;
  g_autofree char *path = gh_aws_config_default_path ();
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME — add a sign-in"));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) scope_list = NULL;
  GhSsoSessionConfig config = { 0, };
  const GOptionEntry entries[] = {
    { "start-url", 0, 0, G_OPTION_ARG_STRING, &start_url,
      N_("Access portal URL, e.g. https://d-1234567890.awsapps.com/start"), N_("URL") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region,
      N_("Region of the Identity Center instance, e.g. us-east-1"), N_("REGION") },
    { "scopes", 0, 0, G_OPTION_ARG_STRING, &scopes,
      N_("Registration scopes, comma-separated (default sso:account:access)"), N_("S,…") },
    { "session-duration", 0, 0, G_OPTION_ARG_STRING, &duration,
      N_("How long a sign-in lasts in this Identity Center, e.g. 8h or 90m (default 8h)"),
      N_("DURATION") },
    { "cache-refresh-token", 0, 0, G_OPTION_ARG_NONE, &cache_refresh_token,
      N_("Also write the refresh token to the AWS CLI's cache, so the AWS CLI can refresh "
         "without Gatehouse"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2)
    return usage_error (_("session add needs exactly one NAME"));
  if (start_url == NULL || region == NULL)
    return usage_error (_("session add needs --start-url and --region"));

  if (!gh_region_is_valid (region))
    {
      g_set_error (&error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not an AWS region (expected something like us-east-1)"), region);
      return report_error (error);
    }

  if (scopes != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (scopes, ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; parts[i] != NULL; i++)
        if (*g_strstrip (parts[i]) != '\0')
          g_strv_builder_add (builder, parts[i]);
      scope_list = g_strv_builder_end (builder);
    }

  config.name = argv[1];
  config.start_url = start_url;
  config.region = region;
  config.scopes = scope_list && scope_list[0] ? scope_list : NULL;
  config.cache_refresh_token = cache_refresh_token;
  if (duration != NULL && (config.session_duration = gh_parse_duration (duration)) <= 0)
    {
      g_set_error (&error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not a duration (expected e.g. 8h, 90m or 3600)"), duration);
      return report_error (error);
    }

  if (!gh_aws_config_add_session (path, &config, &error))
    return report_error (error);

  g_print (_("Added the sign-in “%s” to %s. Sign in with: gatehouse login %s\n"),
           argv[1], path, argv[1]);
  return GH_EXIT_OK;
}

/* The start of a command whose only option is --json and that takes no arguments: the sign-ins,
 * or NULL with the exit code in @exit_code. */
static GPtrArray *
parse_listing_command (int          argc,
                       char       **argv,
                       const char  *summary,
                       const char  *no_arguments_message,
                       gboolean    *json,
                       int         *exit_code)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;
  GPtrArray *configs;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      *exit_code = usage_error (error->message);
      return NULL;
    }
  if (argc != 1)
    {
      *exit_code = usage_error (no_arguments_message);
      return NULL;
    }

  if ((configs = load_sessions (&error)) == NULL)
    *exit_code = report_error (error);
  return configs;
}

static int
cmd_session_list (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GPtrArray) configs = NULL;
  int exit_code;

  configs = parse_listing_command (argc, argv, _("— list sign-ins"),
                                   _("session list takes no arguments"), &json, &exit_code);
  if (configs == NULL)
    return exit_code;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < configs->len; i++)
        {
          GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, config->name);
          json_builder_set_member_name (builder, "start_url");
          json_builder_add_string_value (builder, config->start_url);
          json_builder_set_member_name (builder, "region");
          json_builder_add_string_value (builder, config->region);
          json_builder_set_member_name (builder, "scopes");
          json_builder_begin_array (builder);
          for (guint j = 0; config->scopes && config->scopes[j]; j++)
            json_builder_add_string_value (builder, config->scopes[j]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "legacy");
          json_builder_add_boolean_value (builder, config->legacy);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return GH_EXIT_OK;
    }

  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

      g_print ("%s\t%s\t%s%s\n", config->name,
               config->start_url ? config->start_url : "—",
               config->region ? config->region : "—",
               config->legacy ? _("\t(legacy profile)") : "");
    }
  return GH_EXIT_OK;
}

static int
cmd_session_remove (int    argc,
                    char **argv)
{
  g_autofree char *path = gh_aws_config_default_path ();
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME — remove a sign-in"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2)
    return usage_error (_("session remove needs exactly one NAME"));

  /* Sign out first, so no refresh token or cached credentials outlive the definition. */
  if ((session = open_session (argv[1], &error)) != NULL)
    {
      Waiter waiter;
      gboolean ok;

      waiter_init (&waiter);
      gh_session_logout_async (session, waiter.cancellable, waiter_cb, &waiter);
      ok = gh_session_logout_finish (session, waiter_wait (&waiter), &error);
      waiter_clear (&waiter);
      if (!ok)
        return report_error (error);
    }
  g_clear_error (&error);

  if (!gh_aws_config_remove_session (path, argv[1], &error))
    return report_error (error);

  g_print (_("Removed the sign-in “%s” from %s.\n"), argv[1], path);
  return GH_EXIT_OK;
}

static int
cmd_session (int    argc,
             char **argv)
{
  if (argc < 2)
    return usage_error (_("session needs a command: add, list or remove"));
  if (g_str_equal (argv[1], "add"))
    return cmd_session_add (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list"))
    return cmd_session_list (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "remove"))
    return cmd_session_remove (argc - 1, argv + 1);
  return usage_error (_("session needs a command: add, list or remove"));
}

/* gatehouse login */

typedef struct
{
  gboolean  no_browser;
  Waiter   *waiter;
} LoginPrompt;

static void
browser_launched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  char *url = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_printerr (_("Could not open a browser (%s).\nOpen this URL to sign in:\n\n  %s\n\n"),
                  error->message, url);
    }
  g_free (url);
}

static void
present_cb (GhSession  *session,
            const char *url,
            const char *user_code,
            gpointer    user_data)
{
  LoginPrompt *prompt = user_data;

  if (user_code != NULL)
    {
      g_print (_("To sign in, open this URL on any device:\n\n  %s\n\nand confirm the code:\n\n  %s\n\n"),
               url, user_code);
      fflush (stdout);
      if (prompt->no_browser)
        return;
    }
  else if (prompt->no_browser)
    {
      g_print (_("Open this URL in a browser to sign in:\n\n  %s\n\n"), url);
      fflush (stdout);
      return;
    }
  else
    {
      g_printerr ("%s\n", _("Opening the sign-in page in your browser…"));
    }

  /* GIO's default handler honours the desktop's and the Flatpak portal's choice. */
  g_app_info_launch_default_for_uri_async (url, NULL, prompt->waiter->cancellable,
                                           browser_launched_cb, g_strdup (url));
}

static int
cmd_login (int    argc,
           char **argv)
{
  gboolean device_code = FALSE;
  gboolean no_browser = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME] — sign in"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autofree char *until = NULL;
  Waiter waiter;
  LoginPrompt prompt = { 0, };
  const GOptionEntry entries[] = {
    { "device-code", 0, 0, G_OPTION_ARG_NONE, &device_code,
      N_("Sign in with a device code (for another device or no local browser)"), NULL },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &no_browser,
      N_("Print the sign-in URL instead of opening a browser"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 2)
    return usage_error (_("login takes at most one NAME"));

  if ((session = open_session (argc == 2 ? argv[1] : NULL, &error)) == NULL)
    return report_error (error);

  waiter_init (&waiter);
  prompt.no_browser = no_browser;
  prompt.waiter = &waiter;
  g_signal_connect (session, "present", G_CALLBACK (present_cb), &prompt);

  gh_session_login_async (session, device_code ? GH_FLOW_DEVICE_CODE : GH_FLOW_AUTHORIZATION_CODE,
                          waiter.cancellable, waiter_cb, &waiter);
  if (!gh_session_login_finish (session, waiter_wait (&waiter), &error))
    {
      waiter_clear (&waiter);
      return report_error (error);
    }
  waiter_clear (&waiter);

  until = format_time (gh_session_get_session_end (session));
  g_print (_("Signed in to %s until %s\n"), gh_session_get_name (session), until);
  return GH_EXIT_OK;
}

/* gatehouse logout */

static int
cmd_logout (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME] — sign out"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  Waiter waiter;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 2)
    return usage_error (_("logout takes at most one NAME"));

  if ((session = open_session (argc == 2 ? argv[1] : NULL, &error)) == NULL)
    return report_error (error);

  waiter_init (&waiter);
  gh_session_logout_async (session, waiter.cancellable, waiter_cb, &waiter);
  if (!gh_session_logout_finish (session, waiter_wait (&waiter), &error))
    {
      waiter_clear (&waiter);
      return report_error (error);
    }
  waiter_clear (&waiter);

  g_print (_("Signed out of %s\n"), gh_session_get_name (session));
  return GH_EXIT_OK;
}

/* gatehouse status */

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

/* Refreshes a token with less than 15 minutes left; failures are reported per session. */
static char *
refresh_if_needed (GhSession *session,
                   Waiter    *waiter,
                   int       *exit_code)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (gh_session_get_status (session) != GH_SESSION_SIGNED_IN ||
      gh_session_get_access_expires_at (session) - now > GH_REFRESH_WINDOW)
    return NULL;

  gh_session_refresh_async (session, FALSE, waiter->cancellable, waiter_cb, waiter);
  if (gh_session_refresh_finish (session, waiter_wait (waiter), &error))
    return NULL;

  if (error->domain == GH_ERROR && error->code == GH_ERROR_KEYRING)
    *exit_code = GH_EXIT_KEYRING;
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

/* Long-lived AKIA… keys on disk are what Identity Center exists to replace: say so. */
static void
warn_about_long_term_keys (void)
{
  g_autofree char *path = gh_credentials_file_default_path ();
  g_auto(GStrv) profiles = gh_credentials_file_long_term_profiles (path, NULL);
  g_autofree char *names = NULL;

  if (profiles == NULL || profiles[0] == NULL)
    return;

  names = g_strjoinv (", ", profiles);
  g_printerr (_("Warning: %s holds long-term access keys (AKIA…) for: %s. Short-term credentials "
                "from IAM Identity Center are safer: use an SSO profile, or "
                "“gatehouse credentials --profile P --write”, and delete the long-term keys.\n"),
              path, names);
}

static int
cmd_status (int    argc,
            char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GPtrArray) configs = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int exit_code = GH_EXIT_OK;
  Waiter waiter;

  configs = parse_listing_command (argc, argv, _("— show each sign-in"),
                                   _("status takes no arguments"), &json, &exit_code);
  if (configs == NULL)
    return exit_code;

  if (configs->len == 0 && !json)
    {
      g_autofree char *path = gh_aws_config_default_path ();

      g_print (_("No sign-in is defined in %s. Add one: gatehouse session add NAME "
                 "--start-url URL --region REGION\n"), path);
      warn_about_long_term_keys ();
      return GH_EXIT_OK;
    }

  waiter_init (&waiter);
  json_builder_begin_array (builder);
  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);
      g_autoptr(GhSession) session = NULL;
      g_autoptr(GError) config_error = NULL;
      g_autofree char *problem = NULL;
      g_autofree char *access = NULL;
      g_autofree char *end = NULL;

      if (!gh_sso_session_config_check (config, &config_error))
        {
          if (!json)
            g_print ("%s\t%s\t%s\n", config->name, _("error"), config_error->message);
          continue;
        }

      session = gh_session_new (config);
      problem = refresh_if_needed (session, &waiter, &exit_code);

      if (json)
        {
          add_session_json (builder, session, problem);
          continue;
        }

      access = format_time (gh_session_get_access_expires_at (session));
      end = format_time (gh_session_get_session_end (session));
      if (gh_session_get_status (session) == GH_SESSION_SIGNED_IN)
        g_print (_("%s\t%s\taccess token until %s\tsession ends ~%s\n"),
                 gh_session_get_name (session), status_label (GH_SESSION_SIGNED_IN),
                 access, end);
      else
        g_print ("%s\t%s\n", gh_session_get_name (session),
                 status_label (gh_session_get_status (session)));
      if (problem != NULL)
        g_print ("\t%s\n", problem);
    }
  json_builder_end_array (builder);
  waiter_clear (&waiter);
  warn_about_long_term_keys ();

  if (json)
    print_json (builder);

  return exit_code;
}

/* Dispatch */

static void
print_help (void)
{
  g_print ("%s", _("Usage: gatehouse COMMAND [OPTIONS]\n"
                   "\n"
                   "Keeps you signed in to AWS IAM Identity Center and the AWS CLI's files current.\n"
                   "\n"
                   "Commands:\n"
                   "  session add NAME --start-url URL --region REGION [--scopes S,…]\n"
                   "              [--session-duration 8h] [--cache-refresh-token]\n"
                   "  session list [--json]\n"
                   "  session remove NAME\n"
                   "  login [NAME] [--device-code] [--no-browser]\n"
                   "  logout [NAME]\n"
                   "  status [--json]\n"
                   "  roles [SESSION] [--json] [--refresh] [--filter TEXT] [--template T]\n"
                   "  sync [SESSION] [--template T] [--region R] [--output O] [--dry-run]\n"
                   "       [--credential-process] [--favorites-only] [--refresh]\n"
                   "  credentials (--profile P | --account ID --role R [--session S])\n"
                   "              [--format process|env|ini|json] [--write] [--refresh]\n"
                   "  console (--profile P | --account ID --role R [--session S]) [--region R]\n"
                   "          [--destination URL|SERVICE] [--print-url] [--mode federation|portal]\n"
                   "          [--container NAME] [--logout-first] [--duration SECONDS]\n"
                   "  favorite add|remove (--profile P | --account ID --role R [--session S])\n"
                   "  favorite list\n"
                   "\n"
                   "NAME may be left out when exactly one sign-in is defined.\n"
                   "“gatehouse COMMAND --help” describes a command's options.\n"
                   "\n"
                   "Exit codes:\n"
                   "  0  success\n"
                   "  1  other failure (e.g. a file could not be written)\n"
                   "  2  usage error or invalid input\n"
                   "  3  not signed in (sign-in ended, denied, expired or timed out)\n"
                   "  4  keyring unavailable or locked\n"
                   "  5  network or AWS service error\n"));
}

int
gh_cli_run (int    argc,
            char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_help ();
      return argc < 2 ? GH_EXIT_USAGE : GH_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return GH_EXIT_OK;
    }

  g_set_prgname ("gatehouse");

  if (g_str_equal (argv[1], "session"))
    return cmd_session (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "login"))
    return cmd_login (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "logout"))
    return cmd_logout (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "status"))
    return cmd_status (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "roles"))
    return cmd_roles (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "sync"))
    return cmd_sync (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "credentials"))
    return cmd_credentials (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "console"))
    return cmd_console (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "favorite"))
    return cmd_favorite (argc - 1, argv + 1);

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”"), argv[1]);

    return usage_error (message);
  }
}
