/* gh-cli-session.c — `gatehouse session add|list|remove`: the sign-ins of the AWS config file */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-aws-config.h"
#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-credentials-file.h"
#include "gh-endpoints.h"
#include "gh-error.h"

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
      N_("How long a sign-in lasts in this Identity Center, 15m to 90d, e.g. 8h or 90m "
         "(default 8h)"),
      N_("DURATION") },
    { "cache-refresh-token", 0, 0, G_OPTION_ARG_NONE, &cache_refresh_token,
      N_("Also write the refresh token to the AWS CLI's cache, so the AWS CLI can refresh "
         "without Gatehouse"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 2)
    return gh_cli_usage_error (_("session add needs exactly one NAME"));
  if (start_url == NULL || region == NULL)
    return gh_cli_usage_error (_("session add needs --start-url and --region"));

  if (!gh_region_is_valid (region))
    {
      g_set_error (&error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not an AWS region (expected something like us-east-1)"), region);
      return gh_cli_report_error (error);
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
                   _("“%s” is not a duration (expected e.g. 8h, 90m, 2d or 3600)"), duration);
      return gh_cli_report_error (error);
    }

  if (!gh_aws_config_add_session (path, &config, &error))
    return gh_cli_report_error (error);

  g_print (_("Added the sign-in “%s” to %s. Sign in with: gatehouse login %s\n"),
           argv[1], path, argv[1]);
  return GH_EXIT_OK;
}

static void
print_sessions_json (GPtrArray *configs)
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
  gh_cli_print_json (builder);
}

static void
print_sessions (GPtrArray *configs)
{
  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

      g_print ("%s\t%s\t%s%s\n", config->name,
               config->start_url ? config->start_url : "—",
               config->region ? config->region : "—",
               config->legacy ? _("\t(legacy profile)") : "");
    }
}

/* Every definition, usable or not: this is where a person sees what is there. */
static int
cmd_session_list (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GhSessionManager) manager = NULL;
  int exit_code;

  manager = gh_cli_parse_listing_command (argc, argv, _("— list sign-ins"),
                                          _("session list takes no arguments"), &json,
                                          &exit_code);
  if (manager == NULL)
    return exit_code;

  if (json)
    print_sessions_json (gh_session_manager_get_configs (manager));
  else
    print_sessions (gh_session_manager_get_configs (manager));
  return GH_EXIT_OK;
}

/* "a, b, c", the first few of a long list and how many more */
static char *
join_names (GStrv names)
{
  const guint shown = 10;
  guint n = g_strv_length (names);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < n && i < shown; i++)
    g_string_append_printf (out, i > 0 ? ", %s" : "%s", names[i]);
  if (n > shown)
    g_string_append_printf (out, ngettext (" and %u more", " and %u more", n - shown),
                            n - shown);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The short-term keys `credentials --write` left for the removed profiles would still work
 * for hours, under names nothing defines any more: they go too. */
static void
remove_credentials_sections (const char * const *profiles)
{
  g_autofree char *path = gh_credentials_file_default_path ();
  g_auto(GStrv) removed = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  if (!gh_credentials_file_remove_sections (path, profiles, &removed, &error))
    {
      g_printerr (_("Warning: %s\n"), error->message);
      return;
    }
  if ((n = g_strv_length (removed)) > 0)
    g_print (ngettext ("Removed the keys of %u profile from %s\n",
                       "Removed the keys of %u profiles from %s\n", n), n, path);
}

static int
cmd_session_remove (int    argc,
                    char **argv)
{
  g_autofree char *path = gh_aws_config_default_path ();
  g_auto(GStrv) removed = NULL;
  g_auto(GStrv) broken = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME — remove a sign-in"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 2)
    return gh_cli_usage_error (_("session remove needs exactly one NAME"));

  /* Sign out first, so no refresh token or cached credentials outlive the definition. */
  if ((session = gh_cli_open_session (argv[1], &error)) != NULL &&
      !gh_cli_sign_out (session, &error))
    return gh_cli_report_error (error);
  g_clear_error (&error);

  if (!gh_aws_config_remove_session (path, argv[1], &removed, &broken, &error))
    return gh_cli_report_error (error);

  g_print (_("Removed the sign-in “%s” from %s.\n"), argv[1], path);
  if (removed[0] != NULL)
    {
      g_autofree char *names = join_names (removed);
      guint n = g_strv_length (removed);

      g_print (ngettext ("Removed %u profile of the sign-in: %s\n",
                         "Removed %u profiles of the sign-in: %s\n", n), n, names);
      remove_credentials_sections ((const char * const *) removed);
    }
  if (broken[0] != NULL)
    {
      g_autofree char *names = join_names (broken);

      g_printerr (_("Warning: these profiles you wrote use the sign-in or its profiles, and no "
                    "longer work: %s. Change or remove them in %s.\n"), names, path);
    }
  return GH_EXIT_OK;
}

int
gh_cli_cmd_session (int    argc,
                    char **argv)
{
  if (argc < 2)
    return gh_cli_usage_error (_("session needs a command: add, list or remove"));
  if (g_str_equal (argv[1], "add"))
    return cmd_session_add (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list"))
    return cmd_session_list (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "remove"))
    return cmd_session_remove (argc - 1, argv + 1);
  return gh_cli_usage_error (_("session needs a command: add, list or remove"));
}
