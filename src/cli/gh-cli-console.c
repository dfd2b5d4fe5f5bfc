/* gh-cli-console.c — `gatehouse console`: the AWS console for a role, in the browser
 *
 * The options fill in a GhConsoleRequest, which does the launch (gh-console-request.h); this
 * file only says what happened, on stdout and stderr.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-console-request.h"
#include "gh-endpoints.h"
#include "gh-error.h"

typedef struct
{
  char                *destination;
  char                *mode;
  char                *container;
  char                *container_extension;
  char                *browser;
  char                *region;
  gboolean             print_url;
  gboolean             logout_first;
  gboolean             refresh;
  int                  duration;
} ConsoleOptions;

static void
console_options_clear (ConsoleOptions *options)
{
  g_free (options->destination);
  g_free (options->mode);
  g_free (options->container);
  g_free (options->container_extension);
  g_free (options->browser);
  g_free (options->region);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConsoleOptions, console_options_clear)

/* What is wrong with the options, for a usage error, or NULL. */
static const char *
options_problem (const char           *profile,
                 const char           *account,
                 const char           *role,
                 const ConsoleOptions *options)
{
  GhConsoleBrowser browser = GH_CONSOLE_BROWSER_AUTO;

  if ((profile != NULL) == (account != NULL || role != NULL) ||
      (profile == NULL && (account == NULL || role == NULL)))
    return _("console needs either --profile P (or AWS_PROFILE), or --account ID and --role R");
  if (options->mode != NULL && !g_str_equal (options->mode, "federation") &&
      !g_str_equal (options->mode, "portal"))
    return _("--mode must be federation or portal");
  if (options->container_extension != NULL &&
      !g_str_equal (options->container_extension, "granted") &&
      !g_str_equal (options->container_extension, "open-url"))
    return _("--container-extension must be granted or open-url");
  if (options->browser != NULL && !gh_console_browser_parse (options->browser, &browser))
    return _("--browser must be default, firefox, chromium, chrome or brave");
  if (options->container != NULL && browser != GH_CONSOLE_BROWSER_AUTO &&
      browser != GH_CONSOLE_BROWSER_FIREFOX)
    return _("--container needs Firefox: leave out --browser, or use --browser firefox");
  if (options->duration != 0 && (options->duration < 900 || options->duration > 43200))
    return _("--duration must be between 900 and 43200 seconds");
  return NULL;
}

static void
fill_request (GhConsoleRequest     *request,
              const ConsoleOptions *options,
              const char           *region)
{
  gh_console_request_set_region (request, region);
  gh_console_request_set_destination (request, options->destination);
  gh_console_request_set_container_name (request, options->container);
  gh_console_request_set_container_kind (request,
                                         g_strcmp0 (options->container_extension, "open-url") == 0
                                         ? GH_CONTAINER_OPEN_URL : GH_CONTAINER_GRANTED);
  if (options->browser != NULL)
    {
      GhConsoleBrowser browser;

      if (gh_console_browser_parse (options->browser, &browser))
        gh_console_request_set_browser (request, browser);
    }
  gh_console_request_set_duration (request, (guint) options->duration);
  /* Left out, the preference decides. */
  if (options->logout_first)
    gh_console_request_set_logout_first (request, TRUE);
  if (options->mode != NULL)
    gh_console_request_set_mode (request, g_str_equal (options->mode, "portal")
                                          ? GH_CONSOLE_MODE_PORTAL : GH_CONSOLE_MODE_FEDERATION);
  gh_console_request_set_print_url (request, options->print_url);
  gh_console_request_set_refresh_credentials (request, options->refresh);
}

/* Asked for explicitly: stdout only. */
static void
url_ready_cb (GhConsoleRequest *request,
              const char       *url,
              gpointer          user_data)
{
  g_print ("%s\n", url);
  fflush (stdout);
}

/* The link still works for a while: someone can open it by hand. */
static gboolean
launch_failed_cb (GhConsoleRequest *request,
                  const char       *url,
                  const GError     *error,
                  gpointer          user_data)
{
  g_printerr (_("Could not open a browser (%s).\nOpen this URL within %d seconds; it works "
                "once:\n\n  %s\n\n"), error->message, GH_CONSOLE_ONE_SHOT_LIFETIME, url);
  return TRUE;
}

static gboolean
history_failed_cb (GhConsoleRequest *request,
                   const GError     *error,
                   gpointer          user_data)
{
  g_printerr (_("Warning: %s\n"), error->message);
  return TRUE;
}

static int
report_console_error (GhSession    *session,
                      const GError *error)
{
  if (g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
    {
      g_printerr (_("gatehouse: %s is not signed in. Sign in first: gatehouse login %s\n"),
                  gh_session_get_name (session), gh_session_get_name (session));
      return GH_EXIT_NOT_SIGNED_IN;
    }
  if (g_error_matches (error, GH_ERROR, GH_ERROR_TIMEOUT))
    {
      g_printerr (_("gatehouse: the browser did not open the console link within %d "
                    "seconds; nothing was signed in. Run the command again.\n"),
                  GH_CONSOLE_ONE_SHOT_LIFETIME);
      return GH_EXIT_FAILURE;
    }
  return gh_cli_report_error (error);
}

static void
report_opened (GhConsoleRequest  *request,
               const GhCliTarget *target)
{
  const char *account_name = gh_console_request_get_account_name (request);
  const char *account = account_name ? account_name : target->account_id;

  /* The preference decides when --mode was left out */
  if (gh_console_request_get_mode (request) == GH_CONSOLE_MODE_PORTAL)
    {
      g_print (_("Opened the access portal's console link for %s in %s\n"), target->role,
               account);
      return;
    }

  {
    g_autofree char *until = gh_cli_format_time (gh_console_request_get_expires_at (request));

    g_print (_("Opened the AWS console for %s in %s (until %s)\n"), target->role, account,
             until);
  }
}

int
gh_cli_cmd_console (int    argc,
                    char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *account = NULL;
  g_autofree char *role = NULL;
  g_autofree char *session_name = NULL;
  g_auto(ConsoleOptions) options = { 0, };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— open the AWS console for a role"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhConsoleRequest) request = NULL;
  g_autofree char *region = NULL;
  g_auto(GhCliTarget) target = { 0, };
  const char *problem;
  gboolean opened;
  GhCliWaiter waiter;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("An SSO profile (default: AWS_PROFILE)"),
      N_("P") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account id"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Role (permission set) name"), N_("R") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name, N_("Sign-in"), N_("S") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &options.region,
      N_("Console region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else "
         "the sign-in's)"), N_("REGION") },
    { "destination", 0, 0, G_OPTION_ARG_STRING, &options.destination,
      N_("A service such as ec2 or s3, or a full AWS console URL"), N_("URL|SERVICE") },
    { "print-url", 0, 0, G_OPTION_ARG_NONE, &options.print_url,
      N_("Print the sign-in URL (it holds live credentials for 15 minutes) instead of opening it"),
      NULL },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options.mode,
      N_("federation or portal (the access portal's shortcut; needs the browser signed in "
         "to the portal); default: the console-mode preference, federation"), N_("MODE") },
    { "container", 0, 0, G_OPTION_ARG_STRING, &options.container,
      N_("Open in this Firefox container (default name: ACCOUNT/ROLE with --container=)"),
      N_("NAME") },
    { "container-extension", 0, 0, G_OPTION_ARG_STRING, &options.container_extension,
      N_("granted (Granted Containers, default) or open-url (Open URL in Container)"), N_("EXT") },
    { "browser", 0, 0, G_OPTION_ARG_STRING, &options.browser,
      N_("default, firefox (a container per role), or chromium, chrome or brave (a profile per "
         "role); default: the preferences"), N_("BROWSER") },
    { "logout-first", 0, 0, G_OPTION_ARG_NONE, &options.logout_first,
      N_("Sign the browser out of its current console session first"), NULL },
    { "duration", 0, 0, G_OPTION_ARG_INT, &options.duration,
      N_("Console session length in seconds (900–43200; default: the credentials' lifetime)"),
      N_("SECONDS") },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &options.refresh,
      N_("Fetch new role credentials even if cached ones are valid"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 1)
    return gh_cli_usage_error (_("console takes options only"));
  gh_cli_profile_from_environment (&profile, account, role);
  if ((problem = options_problem (profile, account, role, &options)) != NULL)
    return gh_cli_usage_error (problem);

  /* The sign-ins and this profile are all it reads of the config file */
  gh_cli_read_config_for_profile (profile);
  if (!gh_cli_resolve_target (profile, account, role, session_name, &target, &error) ||
      (session = gh_cli_open_session (target.session, &error)) == NULL)
    return gh_cli_report_error (error);

  /* As the AWS CLI picks a region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's,
   * then the sign-in's. */
  region = gh_cli_resolve_region (options.region, TRUE, profile, session, &error);
  if (region == NULL)
    return gh_cli_usage_error (error->message);

  request = gh_console_request_new (session, target.account_id, target.role);
  fill_request (request, &options, region);
  g_signal_connect (request, "url-ready", G_CALLBACK (url_ready_cb), NULL);
  g_signal_connect (request, "launch-failed", G_CALLBACK (launch_failed_cb), NULL);
  g_signal_connect (request, "history-failed", G_CALLBACK (history_failed_cb), NULL);

  gh_cli_waiter_init (&waiter);
  gh_console_request_open_async (request, waiter.cancellable, gh_cli_waiter_cb, &waiter);
  opened = gh_console_request_open_finish (request, gh_cli_waiter_wait (&waiter), &error);
  gh_cli_waiter_clear (&waiter);
  if (!opened)
    return report_console_error (session, error);

  if (!options.print_url)
    report_opened (request, &target);
  return GH_EXIT_OK;
}
