/* gh-cli-favorite.c — `gatehouse favorite`: the roles pinned in the tray menu, and what
 * `gatehouse sync --favorites-only` writes */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-role-target.h"
#include "gh-settings.h"

int
gh_cli_cmd_favorite (int    argc,
                     char **argv)
{
  g_autofree char *profile = NULL;
  g_autofree char *account = NULL;
  g_autofree char *role = NULL;
  g_autofree char *session_name = NULL;
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("add|remove|list — favourite roles (pinned in the tray menu)"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) favorites = NULL;
  g_auto(GStrv) updated = NULL;
  g_auto(GhCliTarget) target = { 0, };
  g_autofree char *key = NULL;
  gboolean add, found = FALSE;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile, N_("An SSO profile"), N_("P") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account id"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("Role name"), N_("R") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session_name, N_("Sign-in"), N_("S") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 2 || !g_strv_contains ((const char *[]) { "add", "remove", "list", NULL }, argv[1]))
    return gh_cli_usage_error (_("favorite needs add, remove or list"));
  if ((settings = gh_settings_new (&error)) == NULL)
    return gh_cli_report_error (error);

  favorites = g_settings_get_strv (settings, "favorite-roles");
  if (g_str_equal (argv[1], "list"))
    {
      for (guint i = 0; favorites[i] != NULL; i++)
        g_print ("%s\n", favorites[i]);
      return GH_EXIT_OK;
    }

  if ((profile != NULL) == (account != NULL || role != NULL) ||
      (profile == NULL && (account == NULL || role == NULL)))
    return gh_cli_usage_error (_("favorite add/remove needs --profile P, or --account ID and --role R"));
  if (!gh_cli_resolve_target (profile, account, role, session_name, &target, &error))
    return gh_cli_report_error (error);
  /* Resolves an omitted session name, and checks a given one exists. */
  if ((session = gh_cli_open_session (target.session, &error)) == NULL)
    return gh_cli_report_error (error);

  /* Favourites are stored as "SESSION/ACCOUNT_ID/ROLE". */
  key = gh_role_target_build (gh_session_get_name (session), target.account_id, target.role);
  add = g_str_equal (argv[1], "add");
  for (guint i = 0; favorites[i] != NULL; i++)
    {
      if (g_str_equal (favorites[i], key))
        {
          found = TRUE;
          if (!add)
            continue;
        }
      g_strv_builder_add (builder, favorites[i]);
    }
  if (add && !found)
    g_strv_builder_add (builder, key);

  updated = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "favorite-roles", (const char * const *) updated);
  g_settings_sync ();

  if (add)
    g_print (found ? _("%s is already a favourite\n") : _("Added %s to the favourites\n"), key);
  else
    g_print (found ? _("Removed %s from the favourites\n") : _("%s was not a favourite\n"), key);
  return GH_EXIT_OK;
}
