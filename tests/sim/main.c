/* main.c — the gatehouse-simulator executable
 *
 * Runs the IAM Identity Center simulator until SIGTERM/SIGINT, for the demo and shell scripts.
 * Everything else is changed at run time through the control API under /_sim/.
 */
#define G_LOG_DOMAIN "gatehouse-simulator"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib-unix.h>

#include "gh-simulator.h"

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GhSimulator) sim = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url_file = NULL;
  int port = 0;
  int accounts = 3;
  int roles_per_account = 2;
  int page_size = 20;
  int latency_ms = 0;
  int rate_limit = 0;
  int device_interval = 1;
  gint64 access_token_lifetime = 3600;
  gint64 session_lifetime = 28800;
  gint64 role_credential_lifetime = 3600;
  gint64 registration_lifetime = 7776000;
  gint64 device_code_lifetime = 600;
  gboolean no_rotate = FALSE;
  gboolean explicit_approval = FALSE;
  guint sigterm_id, sigint_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: ephemeral)", "N" },
    { "url-file", 0, 0, G_OPTION_ARG_FILENAME, &url_file,
      "Write the URL to this file once listening", "PATH" },
    { "accounts", 0, 0, G_OPTION_ARG_INT, &accounts, "Number of accounts (3)", "N" },
    { "roles-per-account", 0, 0, G_OPTION_ARG_INT, &roles_per_account,
      "Roles per account (2)", "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Portal page size (20)", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms, "Delay every response (0)", "MS" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
      "Portal requests per second, 0 = unlimited (0)", "N" },
    { "access-token-lifetime", 0, 0, G_OPTION_ARG_INT64, &access_token_lifetime,
      "Access token lifetime (3600)", "SECONDS" },
    { "session-lifetime", 0, 0, G_OPTION_ARG_INT64, &session_lifetime,
      "Sign-in session lifetime (28800)", "SECONDS" },
    { "role-credential-lifetime", 0, 0, G_OPTION_ARG_INT64, &role_credential_lifetime,
      "Role credential lifetime (3600)", "SECONDS" },
    { "registration-lifetime", 0, 0, G_OPTION_ARG_INT64, &registration_lifetime,
      "Client registration lifetime (7776000)", "SECONDS" },
    { "device-code-lifetime", 0, 0, G_OPTION_ARG_INT64, &device_code_lifetime,
      "Device code lifetime (600)", "SECONDS" },
    { "device-interval", 0, 0, G_OPTION_ARG_INT, &device_interval,
      "Device flow polling interval (1)", "SECONDS" },
    { "no-rotate", 0, 0, G_OPTION_ARG_NONE, &no_rotate, "Do not rotate refresh tokens", NULL },
    { "explicit-approval", 0, 0, G_OPTION_ARG_NONE, &explicit_approval,
      "Hold logins until approved through /_sim/approve or the /device page", NULL },
    { NULL }
  };

  context = g_option_context_new ("- AWS IAM Identity Center simulator");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("gatehouse-simulator: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (port < 0 || port > G_MAXUINT16 || accounts < 0 || roles_per_account < 0 || page_size < 1
      || latency_ms < 0 || rate_limit < 0 || device_interval < 0)
    {
      g_printerr ("gatehouse-simulator: invalid option value\n");
      return EXIT_FAILURE;
    }

  sim = gh_simulator_new ();
  g_object_set (sim,
                "accounts", (guint) accounts,
                "roles-per-account", (guint) roles_per_account,
                "page-size", (guint) page_size,
                "latency-ms", (guint) latency_ms,
                "rate-limit", (guint) rate_limit,
                "access-token-lifetime", access_token_lifetime,
                "session-lifetime", session_lifetime,
                "role-credential-lifetime", role_credential_lifetime,
                "registration-lifetime", registration_lifetime,
                "device-code-lifetime", device_code_lifetime,
                "device-interval", device_interval,
                "rotate-refresh-tokens", !no_rotate,
                "auto-approve", !explicit_approval,
                NULL);

  if (!gh_simulator_start (sim, (guint) port, &error))
    {
      g_printerr ("gatehouse-simulator: cannot listen: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* g_file_set_contents() writes a temporary file and renames it, so readers never see a
   * partial URL. No trailing newline: the file holds exactly the URL. */
  if (url_file != NULL
      && !g_file_set_contents (url_file, gh_simulator_get_url (sim), -1, &error))
    {
      g_printerr ("gatehouse-simulator: cannot write %s: %s\n", url_file, error->message);
      return EXIT_FAILURE;
    }

  g_print ("Identity Center simulator listening on %s\n", gh_simulator_get_url (sim));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);

  return EXIT_SUCCESS;
}
