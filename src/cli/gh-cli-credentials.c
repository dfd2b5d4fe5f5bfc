/* gh-cli-credentials.c — `gatehouse credentials`, also the `credential_process` of profiles
 *
 * Runs non-interactively: the AWS CLI buffers a credential_process's output, so a browser
 * opened from here would be invisible. When the sign-in has ended it says so, and why, on
 * stderr, asks a running tray service to show one sign-in prompt, and exits with
 * GH_EXIT_NOT_SIGNED_IN.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-credentials-file.h"
#include "gh-error.h"
#include "gh-role-credentials.h"

#define TRAY_BUS_NAME APPLICATION_ID
#define TRAY_OBJECT_PATH "/io/github/gatehouse/Gatehouse"

/* Best effort and quick: the tray service (when it runs) exports its actions; its "login"
 * action shows a single prompt however many processes ask. */
static void
ask_tray_to_sign_in (const char *session_name)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) owner = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder parameter;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return;

  owner = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", TRAY_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 1000,
                                       NULL, NULL);
  if (owner == NULL)
    return;
  g_variant_get (owner, "(b)", &has_owner);
  if (!has_owner)
    return;

  g_variant_builder_init (&parameter, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&parameter, "v", g_variant_new_string (session_name));
  reply = g_dbus_connection_call_sync (bus, TRAY_BUS_NAME, TRAY_OBJECT_PATH, "org.gtk.Actions",
                                       "Activate",
                                       g_variant_new ("(sava{sv})", "login", &parameter, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, 2000, NULL, NULL);
}

int
cmd_credentials (int    argc,
                 char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *account = NULL;
  g_autofree char *role = NULL;
  g_autofree char *session_name = NULL;
  g_autofree char *format_text = NULL;
  gboolean write = FALSE;
  gboolean refresh = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (_("— print short-term credentials for a role"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_auto(Target) target = { 0, };
  GhCredentialsFormat format = GH_CREDENTIALS_FORMAT_PROCESS;
  Waiter waiter;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("An SSO profile of the AWS config file"), N_("P") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account id"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Role (permission set) name"), N_("R") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name,
      N_("Sign-in to use with --account/--role (optional with one sign-in)"), N_("S") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("process (default), env, ini or json"), N_("F") },
    { "write", 0, 0, G_OPTION_ARG_NONE, &write,
      N_("Write them to the AWS credentials file as section [P] instead"), NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      N_("Fetch new credentials even if cached ones are still valid"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 1)
    return usage_error (_("credentials takes options only"));
  if ((profile != NULL) == (account != NULL || role != NULL))
    return usage_error (_("credentials needs either --profile P, or --account ID and --role R"));
  if (profile == NULL && (account == NULL || role == NULL))
    return usage_error (_("--account and --role go together"));
  if (write && profile == NULL)
    return usage_error (_("--write needs --profile: it names the credentials-file section"));
  if (format_text != NULL && !gh_credentials_format_parse (format_text, &format))
    return usage_error (_("--format must be process, env, ini or json"));

  if (!resolve_target (profile, account, role, session_name, &target, &error))
    return report_error (error);

  if ((session = open_session (target.session, &error)) == NULL)
    return report_error (error);

  waiter_init (&waiter);
  gh_role_credentials_get_async (session, target.account_id, target.role, refresh,
                                 waiter.cancellable, waiter_cb, &waiter);
  credentials = gh_role_credentials_get_finish (waiter_wait (&waiter), &error);
  waiter_clear (&waiter);

  if (credentials == NULL)
    {
      if (g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
        {
          /* The message says why (never signed in, ended, or a refresh's reply was lost). */
          g_printerr (_("Gatehouse: %s (or click the tray icon)\n"), error->message);
          ask_tray_to_sign_in (gh_session_get_name (session));
          return GH_EXIT_NOT_SIGNED_IN;
        }
      return report_error (error);
    }

  if (write)
    {
      g_autofree char *path = gh_credentials_file_default_path ();
      g_autofree char *until = format_time (credentials->expiration);

      if (!gh_credentials_file_write_section (path, target.section, credentials, &error))
        return report_error (error);
      g_print (_("Wrote short-term credentials for %s to %s (valid until %s)\n"),
               target.section, path, until);
      return GH_EXIT_OK;
    }

  {
    g_autofree char *text = gh_role_credentials_format (credentials, format, target.section,
                                                        target.role);

    /* The person asked for these values on stdout; this is the only place they go. */
    fputs (text, stdout);
    fflush (stdout);
    explicit_bzero (text, strlen (text));
  }
  return GH_EXIT_OK;
}
