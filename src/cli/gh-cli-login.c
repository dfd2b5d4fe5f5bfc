/* gh-cli-login.c — `gatehouse login` and `gatehouse logout` */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"

typedef struct
{
  gboolean     no_browser;
  GhCliWaiter *waiter;
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

int
gh_cli_cmd_login (int    argc,
                  char **argv)
{
  gboolean device_code = FALSE;
  gboolean no_browser = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME] — sign in"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autofree char *until = NULL;
  GhCliWaiter waiter;
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
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("login takes at most one NAME"));

  if ((session = gh_cli_open_session (argc == 2 ? argv[1] : NULL, &error)) == NULL)
    return gh_cli_report_error (error);

  gh_cli_waiter_init (&waiter);
  prompt.no_browser = no_browser;
  prompt.waiter = &waiter;
  g_signal_connect (session, "present", G_CALLBACK (present_cb), &prompt);

  gh_session_login_async (session, device_code ? GH_FLOW_DEVICE_CODE : GH_FLOW_AUTHORIZATION_CODE,
                          waiter.cancellable, gh_cli_waiter_cb, &waiter);
  if (!gh_session_login_finish (session, gh_cli_waiter_wait (&waiter), &error))
    {
      gh_cli_waiter_clear (&waiter);
      return gh_cli_report_error (error);
    }
  gh_cli_waiter_clear (&waiter);

  until = gh_cli_format_time (gh_session_get_session_end (session));
  g_print (_("Signed in to %s until %s\n"), gh_session_get_name (session), until);
  return GH_EXIT_OK;
}

int
gh_cli_cmd_logout (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME] — sign out"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  GhCliWaiter waiter;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("logout takes at most one NAME"));

  if ((session = gh_cli_open_session (argc == 2 ? argv[1] : NULL, &error)) == NULL)
    return gh_cli_report_error (error);

  gh_cli_waiter_init (&waiter);
  gh_session_logout_async (session, waiter.cancellable, gh_cli_waiter_cb, &waiter);
  if (!gh_session_logout_finish (session, gh_cli_waiter_wait (&waiter), &error))
    {
      gh_cli_waiter_clear (&waiter);
      return gh_cli_report_error (error);
    }
  gh_cli_waiter_clear (&waiter);

  g_print (_("Signed out of %s\n"), gh_session_get_name (session));
  return GH_EXIT_OK;
}
