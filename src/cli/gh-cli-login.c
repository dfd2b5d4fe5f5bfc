/* gh-cli-login.c — `gatehouse login` and `gatehouse logout` */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-error.h"
#include "gh-secret-store.h"

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
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_printerr (_("Could not open a browser (%s). Open the URL above to sign in.\n"),
                error->message);
}

/* The link (and the code) always go to the terminal, so that a browser that opened on another
 * screen, or not at all, leaves nobody waiting. The authorize URL holds no credentials, only
 * the PKCE challenge; the device code is what the person must confirm. */
static void
present_cb (GhSession  *session,
            const char *url,
            const char *user_code,
            gpointer    user_data)
{
  LoginPrompt *prompt = user_data;

  if (user_code != NULL)
    g_printerr (_("To sign in, open this URL on any device:\n\n  %s\n\nand confirm the code:\n\n"
                  "  %s\n\n"), url, user_code);
  else if (prompt->no_browser)
    g_printerr (_("Open this URL in a browser to sign in:\n\n  %s\n\n"), url);
  else
    g_printerr (_("Opening the sign-in page in your browser. If it does not open, open this "
                  "URL:\n\n  %s\n\n"), url);

  if (prompt->no_browser)
    return;

  /* GIO's default handler honours the desktop's and the Flatpak portal's choice. */
  g_app_info_launch_default_for_uri_async (url, NULL, prompt->waiter->cancellable,
                                           browser_launched_cb, NULL);
}

gboolean
gh_cli_sign_in (GhSession  *session,
                GhFlow      flow,
                gboolean    no_browser,
                GError    **error)
{
  GhCliWaiter waiter;
  LoginPrompt prompt = { 0, };
  gulong handler;
  gboolean ok;

  gh_cli_waiter_init (&waiter);
  prompt.no_browser = no_browser;
  prompt.waiter = &waiter;
  handler = g_signal_connect (session, "present", G_CALLBACK (present_cb), &prompt);

  gh_session_login_async (session, flow, waiter.cancellable, gh_cli_waiter_cb, &waiter);
  ok = gh_session_login_finish (session, gh_cli_waiter_wait (&waiter), error);
  g_signal_handler_disconnect (session, handler);
  gh_cli_waiter_clear (&waiter);
  return ok;
}

/* A sign-in with a usable access token, after a refresh if one was due (which never asks the
 * person anything), that either refreshes or lasts beyond the refresh window. A failure only
 * means that a new sign-in is needed, except an interruption. */
static gboolean
already_signed_in (GhSession  *session,
                   GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token;
  GhCliWaiter waiter;

  if (!gh_session_status_is_signed_in (gh_session_get_status (session)))
    return FALSE;

  gh_cli_waiter_init (&waiter);
  gh_session_get_access_token_async (session, FALSE, waiter.cancellable, gh_cli_waiter_cb,
                                     &waiter);
  token = gh_session_get_access_token_finish (session, gh_cli_waiter_wait (&waiter),
                                              &local_error);
  gh_cli_waiter_clear (&waiter);

  if (token == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_debug ("Signing in again: %s", local_error->message);
      return FALSE;
    }
  gh_secret_free (token);

  gh_session_reload (session);
  return gh_session_get_refreshable (session) ||
         gh_session_get_access_expires_at (session) - g_get_real_time () / G_USEC_PER_SEC >
         GH_REFRESH_WINDOW;
}

int
gh_cli_cmd_login (int    argc,
                  char **argv)
{
  gboolean device_code = FALSE;
  gboolean no_browser = FALSE;
  gboolean force = FALSE;
  g_autofree char *profile = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME] — sign in"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autofree char *until = NULL;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("The sign-in of this profile"), N_("P") },
    { "device-code", 0, 0, G_OPTION_ARG_NONE, &device_code,
      N_("Sign in with a device code (for another device or no local browser)"), NULL },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &no_browser,
      N_("Print the sign-in URL instead of opening a browser"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Sign in again even when the sign-in is still valid"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("login takes at most one NAME"));

  if (!gh_cli_session_name_for (argc == 2 ? argv[1] : NULL, profile, &name, &error) ||
      (session = gh_cli_open_session (name, &error)) == NULL)
    return gh_cli_report_error (error);

  if (!force && already_signed_in (session, &error))
    {
      until = gh_cli_format_time (gh_session_get_session_end (session));
      g_print (_("Already signed in to %s until %s (gatehouse login --force signs in "
                 "again)\n"), gh_session_get_name (session), until);
      return GH_EXIT_OK;
    }
  if (error != NULL ||
      !gh_cli_sign_in (session, device_code ? GH_FLOW_DEVICE_CODE : GH_FLOW_AUTHORIZATION_CODE,
                       no_browser, &error))
    return gh_cli_report_error (error);

  until = gh_cli_format_time (gh_session_get_session_end (session));
  g_print (_("Signed in to %s until %s\n"), gh_session_get_name (session), until);
  return GH_EXIT_OK;
}

gboolean
gh_cli_sign_out (GhSession  *session,
                 GError    **error)
{
  GhCliWaiter waiter;
  gboolean ok;

  gh_cli_waiter_init (&waiter);
  gh_session_logout_async (session, waiter.cancellable, gh_cli_waiter_cb, &waiter);
  ok = gh_session_logout_finish (session, gh_cli_waiter_wait (&waiter), error);
  gh_cli_waiter_clear (&waiter);
  return ok;
}

static int
logout_session (GhSession *session)
{
  g_autoptr(GError) error = NULL;

  if (!gh_cli_sign_out (session, &error))
    return gh_cli_report_error (error);

  g_print (_("Signed out of %s\n"), gh_session_get_name (session));
  return GH_EXIT_OK;
}

/* Every usable sign-in; the exit code is the first failure's. */
static int
logout_all (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSessionManager) manager = gh_cli_load_sessions (&error);
  GListModel *sessions = G_LIST_MODEL (manager);
  int exit_code = GH_EXIT_OK;

  if (manager == NULL)
    return gh_cli_report_error (error);

  for (guint i = 0; i < g_list_model_get_n_items (sessions) && !gh_cli_interrupted (); i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      int status = logout_session (session);

      if (exit_code == GH_EXIT_OK)
        exit_code = status;
    }
  return exit_code;
}

int
gh_cli_cmd_logout (int    argc,
                   char **argv)
{
  gboolean all = FALSE;
  g_autofree char *profile = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME] — sign out"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("The sign-in of this profile"), N_("P") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Sign out of every sign-in"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("logout takes at most one NAME"));
  if (all && (argc == 2 || profile != NULL))
    return gh_cli_usage_error (_("logout --all takes no NAME or --profile"));

  if (all)
    return logout_all ();

  if (!gh_cli_session_name_for (argc == 2 ? argv[1] : NULL, profile, &name, &error) ||
      (session = gh_cli_open_session (name, &error)) == NULL)
    return gh_cli_report_error (error);
  return logout_session (session);
}
