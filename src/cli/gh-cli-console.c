/* gh-cli-console.c — `gatehouse console`: the AWS console for a role, in the browser
 *
 * Federation mode: role credentials (cached ones reused) → getSigninToken → login URL. That URL
 * carries live credentials for 15 minutes, so the browser is handed a one-shot loopback URL
 * (GhRedirectServer) that redirects to it, and this process waits for that one visit.
 * Portal mode: the access portal's shortcut URL; no credentials, no GetRoleCredentials event.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-console-launch.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-federation.h"
#include "gh-role-credentials.h"
#include "gh-role-list.h"
#include "gh-role-target.h"
#include "gh-settings.h"

typedef struct
{
  char                *destination;
  char                *mode;
  char                *container;
  char                *container_extension;
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
  g_free (options->region);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConsoleOptions, console_options_clear)

/* The account's name from the sign-in's role list, for container names and messages. */
static char *
account_name_for (const char *session_name,
                  const char *account_id)
{
  g_autoptr(GhRoleList) roles = gh_role_list_new (session_name);
  char *name = NULL;
  Waiter waiter;

  waiter_init (&waiter);
  gh_role_list_load_async (roles, NULL, waiter_cb, &waiter);
  if (gh_role_list_load_finish (roles, waiter_wait (&waiter), NULL))
    name = g_strdup (gh_role_list_lookup_account_name (roles, account_id));
  waiter_clear (&waiter);
  return name;
}

/* The Firefox container to open the console in, or NULL; the default name is ACCOUNT/ROLE. */
static char *
container_name_for (const ConsoleOptions *options,
                    const Target         *target,
                    const char           *account_name,
                    GhContainerKind      *kind)
{
  if (options->container == NULL)
    return NULL;

  *kind = g_strcmp0 (options->container_extension, "open-url") == 0
          ? GH_CONTAINER_OPEN_URL : GH_CONTAINER_GRANTED;
  if (*options->container != '\0')
    return g_strdup (options->container);
  return g_strdup_printf ("%s/%s", account_name ? account_name : target->account_id,
                          target->role);
}

/* Preferences fill in what the command line left out: --logout-first, and a container for this
 * role. Without the installed settings schema there are none. */
static void
apply_preferences (ConsoleOptions *options,
                   const char     *session_name,
                   const Target   *target)
{
  g_autoptr(GSettings) settings = gh_settings_new (NULL);
  g_autoptr(GVariant) containers = NULL;
  g_autofree char *key = NULL;
  const char *container = NULL;

  if (settings == NULL || !gh_settings_has_key (settings, "console-logout-first") ||
      !gh_settings_has_key (settings, "role-containers"))
    return;

  options->logout_first |= g_settings_get_boolean (settings, "console-logout-first");
  if (options->container != NULL)
    return;

  containers = g_settings_get_value (settings, "role-containers");
  key = gh_role_target_build (session_name, target->account_id, target->role);
  if (g_variant_lookup (containers, key, "&s", &container))
    options->container = g_strdup (container);
}

static void
remember_console (GhSession               *session,
                  const Target            *target,
                  const char              *account_name,
                  const char              *region,
                  const GhRoleCredentials *credentials)
{
  g_autoptr(GError) error = NULL;

  if (!gh_console_remember (session, target->account_id, account_name, target->role, region,
                            credentials ? credentials->expiration : 0, &error))
    g_printerr (_("Warning: %s\n"), error->message);
}

/* The link still works for a while: someone can open it by hand. */
static void
launch_failed_cb (const char   *uri,
                  const GError *error,
                  gpointer      user_data)
{
  g_printerr (_("Could not open a browser (%s).\nOpen this URL within %d seconds; it works "
                "once:\n\n  %s\n\n"), error->message, GH_CONSOLE_ONE_SHOT_LIFETIME, uri);
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
  return report_error (error);
}

int
cmd_console (int    argc,
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
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *account_name = NULL;
  g_autofree char *region = NULL;
  g_autofree char *url = NULL;
  g_autofree char *container = NULL;
  g_auto(Target) target = { 0, };
  GhContainerKind container_kind = GH_CONTAINER_GRANTED;
  gboolean portal;
  Waiter waiter;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("An SSO profile"), N_("P") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account id"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Role (permission set) name"), N_("R") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name, N_("Sign-in"), N_("S") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &options.region,
      N_("Console region (default: the profile's region, else the sign-in's)"), N_("REGION") },
    { "destination", 0, 0, G_OPTION_ARG_STRING, &options.destination,
      N_("A service such as ec2 or s3, or a full AWS console URL"), N_("URL|SERVICE") },
    { "print-url", 0, 0, G_OPTION_ARG_NONE, &options.print_url,
      N_("Print the sign-in URL (it holds live credentials for 15 minutes) instead of opening it"),
      NULL },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options.mode,
      N_("federation (default) or portal (the access portal's shortcut; needs the browser "
         "signed in to the portal)"), N_("MODE") },
    { "container", 0, 0, G_OPTION_ARG_STRING, &options.container,
      N_("Open in this Firefox container (default name: ACCOUNT/ROLE with --container=)"),
      N_("NAME") },
    { "container-extension", 0, 0, G_OPTION_ARG_STRING, &options.container_extension,
      N_("granted (Granted Containers, default) or open-url (Open URL in Container)"), N_("EXT") },
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
    return usage_error (error->message);
  if (argc != 1)
    return usage_error (_("console takes options only"));
  if ((profile != NULL) == (account != NULL || role != NULL) ||
      (profile == NULL && (account == NULL || role == NULL)))
    return usage_error (_("console needs either --profile P, or --account ID and --role R"));
  if (options.mode != NULL && !g_str_equal (options.mode, "federation") &&
      !g_str_equal (options.mode, "portal"))
    return usage_error (_("--mode must be federation or portal"));
  if (options.container_extension != NULL &&
      !g_str_equal (options.container_extension, "granted") &&
      !g_str_equal (options.container_extension, "open-url"))
    return usage_error (_("--container-extension must be granted or open-url"));
  if (options.duration != 0 && (options.duration < 900 || options.duration > 43200))
    return usage_error (_("--duration must be between 900 and 43200 seconds"));
  portal = g_strcmp0 (options.mode, "portal") == 0;

  if (!resolve_target (profile, account, role, session_name, &target, &error) ||
      (session = open_session (target.session, &error)) == NULL)
    return report_error (error);

  if (options.region != NULL)
    region = g_strdup (options.region);
  else if (profile != NULL)
    {
      g_autofree char *path = gh_aws_config_default_path ();
      g_autoptr(GhProfileConfig) config = gh_aws_config_find_profile (path, profile, NULL);

      region = g_strdup (config && config->region ? config->region : NULL);
    }
  if (region == NULL)
    region = g_strdup (gh_session_get_region (session));
  if (!gh_region_is_valid (region))
    return usage_error (_("--region needs an AWS region such as us-east-1"));

  /* Refuse a bad destination before any credentials are fetched. */
  if ((destination = gh_console_destination (region, options.destination, &error)) == NULL)
    return report_error (error);

  apply_preferences (&options, gh_session_get_name (session), &target);
  /* Reading thousands of cached roles for a name costs milliseconds: only before the URL is
   * out when the default container name needs it, else afterwards. */
  if (options.container != NULL && *options.container == '\0')
    account_name = account_name_for (gh_session_get_name (session), target.account_id);

  container = container_name_for (&options, &target, account_name, &container_kind);

  waiter_init (&waiter);
  if (portal)
    url = gh_portal_shortcut_url (gh_session_get_start_url (session), target.account_id,
                                  target.role, destination);
  else
    {
      gh_console_signin_url_async (session, target.account_id, target.role, region, destination,
                                   (guint) options.duration, options.refresh,
                                   options.logout_first, waiter.cancellable, waiter_cb, &waiter);
      url = gh_console_signin_url_finish (waiter_wait (&waiter), &credentials, &error);
    }
  if (url == NULL)
    {
      waiter_clear (&waiter);
      return report_console_error (session, error);
    }

  if (options.print_url)
    {
      /* Asked for explicitly: stdout only. */
      if (container != NULL)
        {
          g_autofree char *wrapped = gh_container_url (container_kind, container, url);

          g_print ("%s\n", wrapped);
        }
      else
        g_print ("%s\n", url);
      fflush (stdout);
      if (account_name == NULL)
        account_name = account_name_for (gh_session_get_name (session), target.account_id);
      remember_console (session, &target, account_name, region, credentials);
      waiter_clear (&waiter);
      explicit_bzero (url, strlen (url));
      return GH_EXIT_OK;
    }

  if (portal)
    {
      /* The portal URL holds no secret: no one-shot redirect, nothing to wait for. */
      g_autofree char *open_url = container != NULL
                                  ? gh_container_url (container_kind, container, url)
                                  : g_strdup (url);

      gh_console_launch_async (open_url, container != NULL, waiter.cancellable, waiter_cb,
                               &waiter);
      if (!gh_console_launch_finish (waiter_wait (&waiter), &error))
        {
          launch_failed_cb (open_url, error, NULL);
          g_clear_error (&error);
        }
    }
  else
    {
      gboolean visited;

      gh_console_open_once_async (url, container, container_kind, launch_failed_cb, NULL,
                                  waiter.cancellable, waiter_cb, &waiter);
      explicit_bzero (url, strlen (url));
      visited = gh_console_open_once_finish (waiter_wait (&waiter), &error);
      if (!visited)
        {
          waiter_clear (&waiter);
          if (!g_error_matches (error, GH_ERROR, GH_ERROR_TIMEOUT))
            return report_error (error);
          g_printerr (_("gatehouse: the browser did not open the console link within %d "
                        "seconds; nothing was signed in. Run the command again.\n"),
                      GH_CONSOLE_ONE_SHOT_LIFETIME);
          return GH_EXIT_FAILURE;
        }
    }
  waiter_clear (&waiter);

  if (account_name == NULL)
    account_name = account_name_for (gh_session_get_name (session), target.account_id);
  remember_console (session, &target, account_name, region, credentials);
  if (credentials != NULL)
    {
      g_autofree char *until = format_time (credentials->expiration);

      g_print (_("Opened the AWS console for %s in %s (until %s)\n"), target.role,
               account_name ? account_name : target.account_id, until);
    }
  else
    g_print (_("Opened the access portal's console link for %s in %s\n"), target.role,
             account_name ? account_name : target.account_id);
  return GH_EXIT_OK;
}
