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
#include "gh-console-history.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-federation.h"
#include "gh-redirect-server.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-credentials.h"
#include "gh-secret-store.h"

#define ONE_SHOT_LIFETIME 60

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

/* The account's name from the role cache, for container names and messages. */
static char *
account_name_for (const char *session_name,
                  const char *account_id)
{
  g_autoptr(GPtrArray) roles = gh_role_cache_load (session_name, NULL, NULL);

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (g_str_equal (gh_role_get_account_id (role), account_id) &&
          gh_role_get_account_name (role) != NULL)
        return g_strdup (gh_role_get_account_name (role));
    }
  return NULL;
}

/* The URL for a Firefox container extension; the default name is ACCOUNT/ROLE. */
static char *
wrap_for_container (const ConsoleOptions *options,
                    const Target         *target,
                    const char           *account_name,
                    const char           *url)
{
  g_autofree char *name = *options->container != '\0'
                          ? g_strdup (options->container)
                          : g_strdup_printf ("%s/%s", account_name ? account_name
                                             : target->account_id, target->role);
  GhContainerKind kind = g_strcmp0 (options->container_extension, "open-url") == 0
                         ? GH_CONTAINER_OPEN_URL : GH_CONTAINER_GRANTED;

  return gh_container_url (kind, name, url);
}

/* Preferences fill in what the command line left out: --logout-first, and a container for this
 * role. Without the installed settings schema there are none. */
static void
apply_preferences (ConsoleOptions *options,
                   const char     *session_name,
                   const Target   *target)
{
  g_autoptr(GSettings) settings = open_settings (NULL);
  g_autoptr(GVariant) containers = NULL;
  g_autofree char *key = NULL;
  const char *container = NULL;

  if (settings == NULL || !settings_has_key (settings, "console-logout-first") ||
      !settings_has_key (settings, "role-containers"))
    return;

  options->logout_first |= g_settings_get_boolean (settings, "console-logout-first");
  if (options->container != NULL)
    return;

  containers = g_settings_get_value (settings, "role-containers");
  key = g_strdup_printf ("%s/%s/%s", session_name, target->account_id, target->role);
  if (g_variant_lookup (containers, key, "&s", &container))
    options->container = g_strdup (container);
}

static gboolean
open_in_browser (const char  *url,
                 gboolean     in_firefox,
                 Waiter      *waiter,
                 GError     **error)
{
  g_autoptr(GAppInfo) firefox = NULL;
  GList uris = { (gpointer) url, NULL, NULL };

  if (!in_firefox)
    {
      /* GIO's default handler honours the desktop's and the Flatpak portal's choice. */
      g_app_info_launch_default_for_uri_async (url, NULL, waiter->cancellable, waiter_cb, waiter);
      return g_app_info_launch_default_for_uri_finish (waiter_wait (waiter), error);
    }

  /* Container URLs are for Firefox extensions; other browsers cannot open them. */
  firefox = g_app_info_create_from_commandline ("firefox --new-tab", "Firefox",
                                                G_APP_INFO_CREATE_SUPPORTS_URIS, error);
  return firefox != NULL && g_app_info_launch_uris (firefox, &uris, NULL, error);
}

static void
remember_console (GhSession               *session,
                  const Target            *target,
                  const char              *account_name,
                  const char              *region,
                  const GhRoleCredentials *credentials)
{
  g_autoptr(GError) error = NULL;
  GhConsoleRecord record = {
    .session_name = (char *) gh_session_get_name (session),
    .account_id = target->account_id,
    .account_name = (char *) account_name,
    .role_name = target->role,
    .region = (char *) region,
    .opened_at = g_get_real_time () / G_USEC_PER_SEC,
    .expires_at = credentials ? credentials->expiration : 0,
  };

  if (!gh_console_history_add (&record, &error))
    g_printerr (_("Warning: %s\n"), error->message);
}

/* The sign-in URL for federation mode; a secret. */
static char *
federation_url (GhSession             *session,
                const Target          *target,
                const ConsoleOptions  *options,
                const char            *region,
                const char            *destination,
                Waiter                *waiter,
                GhRoleCredentials    **credentials_out,
                GError               **error)
{
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autofree char *signin_url = NULL;
  g_autofree char *login_url = NULL;
  char *token;

  if ((signin_url = gh_endpoint_url (GH_SERVICE_SIGNIN, region, error)) == NULL)
    return NULL;

  gh_role_credentials_get_async (session, target->account_id, target->role, options->refresh,
                                 waiter->cancellable, waiter_cb, waiter);
  credentials = gh_role_credentials_get_finish (waiter_wait (waiter), error);
  if (credentials == NULL)
    return NULL;

  gh_federation_get_signin_token_async (gh_http_get_default (), signin_url, credentials,
                                        (guint) options->duration, waiter->cancellable,
                                        waiter_cb, waiter);
  token = gh_federation_get_signin_token_finish (waiter_wait (waiter), error);
  if (token == NULL)
    return NULL;

  login_url = gh_federation_login_url (signin_url, gh_session_get_start_url (session),
                                       destination, token);
  gh_secret_free (token);
  *credentials_out = g_steal_pointer (&credentials);

  if (options->logout_first)
    {
      char *url = gh_federation_logout_url (signin_url, login_url);

      explicit_bzero (login_url, strlen (login_url));
      return url;
    }
  return g_steal_pointer (&login_url);
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
  g_autoptr(GhRedirectServer) server = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *account_name = NULL;
  g_autofree char *region = NULL;
  g_autofree char *url = NULL;
  g_autofree char *open_url = NULL;
  g_auto(Target) target = { 0, };
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

  account_name = account_name_for (gh_session_get_name (session), target.account_id);
  apply_preferences (&options, gh_session_get_name (session), &target);

  waiter_init (&waiter);
  if (portal)
    url = gh_portal_shortcut_url (gh_session_get_start_url (session), target.account_id,
                                  target.role, destination);
  else
    url = federation_url (session, &target, &options, region, destination, &waiter,
                          &credentials, &error);
  if (url == NULL)
    {
      waiter_clear (&waiter);
      return report_console_error (session, error);
    }

  if (options.print_url)
    {
      /* Asked for explicitly: stdout only. */
      if (options.container != NULL)
        {
          g_autofree char *wrapped = wrap_for_container (&options, &target, account_name, url);

          g_print ("%s\n", wrapped);
        }
      else
        g_print ("%s\n", url);
      remember_console (session, &target, account_name, region, credentials);
      waiter_clear (&waiter);
      explicit_bzero (url, strlen (url));
      return GH_EXIT_OK;
    }

  /* The portal URL holds no secret; the federation URL goes through a one-shot redirect. */
  if (!portal)
    {
      server = gh_redirect_server_new (url, ONE_SHOT_LIFETIME, &error);
      explicit_bzero (url, strlen (url));
      if (server == NULL)
        {
          waiter_clear (&waiter);
          return report_error (error);
        }
      open_url = g_strdup (gh_redirect_server_get_url (server));
    }
  else
    open_url = g_strdup (url);

  if (options.container != NULL)
    {
      char *wrapped = wrap_for_container (&options, &target, account_name, open_url);

      g_free (open_url);
      open_url = wrapped;
    }

  if (!open_in_browser (open_url, options.container != NULL, &waiter, &error))
    {
      g_printerr (_("Could not open a browser (%s).\nOpen this URL within %d seconds; it works "
                    "once:\n\n  %s\n\n"), error->message, ONE_SHOT_LIFETIME, open_url);
      g_clear_error (&error);
    }

  if (server != NULL)
    {
      gboolean visited;

      gh_redirect_server_wait_async (server, waiter.cancellable, waiter_cb, &waiter);
      visited = gh_redirect_server_wait_finish (server, waiter_wait (&waiter), &error);
      if (!visited)
        {
          waiter_clear (&waiter);
          if (error != NULL)
            return report_error (error);
          g_printerr (_("gatehouse: the browser did not open the console link within %d "
                        "seconds; nothing was signed in. Run the command again.\n"),
                      ONE_SHOT_LIFETIME);
          return GH_EXIT_FAILURE;
        }
    }
  waiter_clear (&waiter);

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
