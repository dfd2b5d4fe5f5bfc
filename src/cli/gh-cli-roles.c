/* gh-cli-roles.c — `gatehouse roles` and `gatehouse sync` */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-discovery.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-profile-sync.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-credentials.h"
#include "gh-role-list.h"
#include "gh-role-target.h"
#include "gh-settings.h"

/* A cached listing younger than this is shown as is; the tray refreshes in the background. */
#define ROLE_CACHE_MAX_AGE (24 * 60 * 60)

static void
progress_cb (GhDiscovery *discovery,
             guint        done,
             guint        total,
             gpointer     user_data)
{
  const char *name = user_data;

  if (total == 0)
    g_printerr ("\r%s: %s", name, _("listing accounts…"));
  else
    g_printerr ("\r%s: %s %u/%u", name, _("listing roles of account"), done, total);
}

static void
print_role_change (const char *session_name,
                   GhRole     *role,
                   gboolean    granted)
{
  const char *id = gh_role_get_account_id (role);
  const char *account = gh_role_get_account_name (role) ? gh_role_get_account_name (role) : id;

  if (granted)
    g_printerr (_("%s: you now have %s in %s (%s)\n"), session_name,
                gh_role_get_role_name (role), account, id);
  else
    g_printerr (_("%s: you no longer have %s in %s (%s)\n"), session_name,
                gh_role_get_role_name (role), account, id);
}

static void
print_role_changes (const char *session_name,
                    GPtrArray  *added,
                    GPtrArray  *removed)
{
  for (guint i = 0; added != NULL && i < added->len; i++)
    print_role_change (session_name, g_ptr_array_index (added, i), TRUE);
  for (guint i = 0; removed != NULL && i < removed->len; i++)
    print_role_change (session_name, g_ptr_array_index (removed, i), FALSE);
}

/* Credentials of a role taken away would sit in the keyring for ever. Only cache hygiene: a
 * failure does not fail the command (a locked keyring is reported where a sign-in needs
 * it). */
static void
forget_removed_roles (GPtrArray *removed,
                      Waiter    *waiter)
{
  g_autoptr(GError) error = NULL;

  if (removed == NULL || removed->len == 0)
    return;

  gh_role_credentials_forget_async (removed, waiter->cancellable, waiter_cb, waiter);
  if (!gh_role_credentials_forget_finish (waiter_wait (waiter), &error))
    g_debug ("Could not forget the credentials of roles no longer granted: %s",
             error->message);
}

/* The roles of one sign-in: from the cache when fresh, else listed (and cached); a new listing
 * reports roles granted or taken away since the previous one. A new listing goes through the
 * role list, which compares it with the cache and writes it as the tray does (not cancelled:
 * a listing is always cached). */
static GPtrArray *
obtain_roles (GhSession  *session,
              gboolean    refresh,
              Waiter     *waiter,
              GError    **error)
{
  const char *name = gh_session_get_name (session);
  g_autoptr(GhRoleList) list = NULL;
  g_autoptr(GhDiscovery) discovery = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) cache_error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean show_progress = isatty (STDERR_FILENO);

  if (!refresh)
    {
      g_autoptr(GPtrArray) cached = NULL;
      gint64 fetched_at = 0;

      cached = gh_role_cache_load (name, &fetched_at, &cache_error);
      if (cached != NULL && now - fetched_at < ROLE_CACHE_MAX_AGE && fetched_at <= now)
        return g_steal_pointer (&cached);
      if (cache_error != NULL &&
          !g_error_matches (cache_error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL))
        g_debug ("Rebuilding the role cache of %s: %s", name, cache_error->message);
      g_clear_error (&cache_error);
    }

  discovery = gh_discovery_new (session, NULL);
  if (show_progress)
    g_signal_connect (discovery, "progress", G_CALLBACK (progress_cb), (gpointer) name);

  gh_discovery_run_async (discovery, waiter->cancellable, waiter_cb, waiter);
  roles = gh_discovery_run_finish (discovery, waiter_wait (waiter), error);
  if (show_progress)
    g_printerr ("\r\033[K");
  if (roles == NULL)
    return NULL;

  list = gh_role_list_new (name);
  gh_role_list_compare_async (list, roles, NULL, waiter_cb, waiter);
  gh_role_list_compare_finish (list, waiter_wait (waiter), &added, &removed, NULL);
  if (added != NULL)
    {
      print_role_changes (name, added, removed);
      forget_removed_roles (removed, waiter);
    }
  gh_role_list_replace_async (list, roles, now, NULL, waiter_cb, waiter);
  if (!gh_role_list_replace_finish (list, waiter_wait (waiter), &cache_error))
    g_printerr (_("Warning: %s\n"), cache_error->message);

  return g_steal_pointer (&roles);
}

/* The sessions a command applies to: the named one, or all of them. */
static GPtrArray *
select_sessions (const char  *name,
                 GError     **error)
{
  g_autoptr(GPtrArray) configs = load_sessions (error);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);

  if (configs == NULL)
    return NULL;

  if (name != NULL)
    {
      GhSession *session = open_session (name, error);

      if (session == NULL)
        return NULL;
      g_ptr_array_add (sessions, session);
      return g_steal_pointer (&sessions);
    }

  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

      if (!gh_sso_session_config_check (config, error))
        return NULL;
      g_ptr_array_add (sessions, gh_session_new (config));
    }

  if (sessions->len == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("No sign-in is defined. Add one: gatehouse session add NAME "
                     "--start-url URL --region REGION"));
      return NULL;
    }

  return g_steal_pointer (&sessions);
}

static gboolean
role_matches (GhRole     *role,
              const char *profile,
              const char *folded_filter)
{
  const char *fields[] = {
    gh_role_get_account_name (role), gh_role_get_account_id (role),
    gh_role_get_role_name (role), profile, gh_role_get_account_email (role),
  };

  if (folded_filter == NULL)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = fields[i] ? g_utf8_casefold (fields[i], -1) : NULL;

      if (folded != NULL && strstr (folded, folded_filter) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

typedef struct
{
  GhRole *role;
  char   *profile;
} RoleRow;

static void
role_row_clear (RoleRow *row)
{
  g_clear_object (&row->role);
  g_free (row->profile);
}

int
cmd_roles (int    argc,
           char **argv)
{
  gboolean json = FALSE;
  gboolean refresh = FALSE;
  g_autofree char *filter = NULL;
  g_autofree char *template_ = NULL;
  g_autofree char *folded_filter = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[SESSION] — list accounts and roles"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (RoleRow));
  int widths[3] = { 12, 12, 4 };
  int exit_code = GH_EXIT_OK;
  Waiter waiter;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array"), NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      N_("List from AWS now instead of the cached list"), NULL },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter,
      N_("Only roles whose account, role or profile contains TEXT"), N_("TEXT") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_,
      N_("Profile name template (default {role}-{account_id})"), N_("T") },
    { NULL }
  };

  g_array_set_clear_func (rows, (GDestroyNotify) role_row_clear);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 2)
    return usage_error (_("roles takes at most one SESSION"));

  if ((sessions = select_sessions (argc == 2 ? argv[1] : NULL, &error)) == NULL)
    return report_error (error);
  if (filter != NULL)
    folded_filter = g_utf8_casefold (filter, -1);

  waiter_init (&waiter);
  for (guint i = 0; i < sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (sessions, i);
      g_autoptr(GPtrArray) roles = obtain_roles (session, refresh, &waiter, &error);

      if (roles == NULL)
        {
          exit_code = report_error (error);
          g_clear_error (&error);
          continue;
        }

      for (guint j = 0; j < roles->len; j++)
        {
          GhRole *role = g_ptr_array_index (roles, j);
          g_autofree char *profile = NULL;
          RoleRow row;

          profile = gh_profile_name_from_template (template_, gh_session_get_name (session),
                                                   gh_role_get_account_id (role),
                                                   gh_role_get_account_name (role),
                                                   gh_role_get_role_name (role), &error);
          if (profile == NULL)
            {
              waiter_clear (&waiter);
              return report_error (error);
            }
          if (!role_matches (role, profile, folded_filter))
            continue;

          row.role = g_object_ref (role);
          row.profile = g_steal_pointer (&profile);
          g_array_append_val (rows, row);
        }
    }
  waiter_clear (&waiter);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < rows->len; i++)
        {
          RoleRow *row = &g_array_index (rows, RoleRow, i);

          json_builder_begin_object (builder);
          add_nullable_string (builder, "session", gh_role_get_session_name (row->role));
          add_nullable_string (builder, "account_id", gh_role_get_account_id (row->role));
          add_nullable_string (builder, "account_name", gh_role_get_account_name (row->role));
          add_nullable_string (builder, "account_email", gh_role_get_account_email (row->role));
          add_nullable_string (builder, "role", gh_role_get_role_name (row->role));
          add_nullable_string (builder, "profile", row->profile);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return exit_code;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      RoleRow *row = &g_array_index (rows, RoleRow, i);
      const char *account = gh_role_get_account_name (row->role);

      widths[0] = MAX (widths[0], (int) g_utf8_strlen (account ? account : "—", -1));
      widths[2] = MAX (widths[2], (int) g_utf8_strlen (gh_role_get_role_name (row->role), -1));
    }

  for (guint i = 0; i < rows->len; i++)
    {
      RoleRow *row = &g_array_index (rows, RoleRow, i);
      const char *account = gh_role_get_account_name (row->role);
      const char *role_name = gh_role_get_role_name (row->role);

      account = account ? account : "—";
      /* Pad by characters, not bytes, so non-ASCII names line up. */
      g_print ("%s%*s  %s  %s%*s  %s\n",
               account, widths[0] - (int) g_utf8_strlen (account, -1), "",
               gh_role_get_account_id (row->role),
               role_name, widths[2] - (int) g_utf8_strlen (role_name, -1), "",
               row->profile);
    }

  return exit_code;
}

/* The command a credential_process profile runs: plain "gatehouse" when that is what PATH finds,
 * else this executable's absolute path (e.g. an uninstalled build). */
static char *
gatehouse_command (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *found = g_find_program_in_path ("gatehouse");
  g_autofree char *found_real = found ? realpath (found, NULL) : NULL;

  if (self == NULL || g_strcmp0 (found_real, self) == 0)
    return g_strdup ("gatehouse");
  return g_steal_pointer (&self);
}

/* "SESSION/ACCOUNT/ROLE" favourites of one session → "ACCOUNT/ROLE" keys (always a list, so
 * that no favourites means no profiles rather than all of them). */
static GStrv
favorite_keys_of (GStrv       favorites,
                  const char *session_name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; favorites[i] != NULL; i++)
    {
      g_autofree char *session = NULL;
      g_autofree char *account_id = NULL;
      g_autofree char *role = NULL;
      g_autofree char *key = NULL;

      /* A session named "a" must not take the favourites of one named "a/b". */
      if (!gh_role_target_parse (favorites[i], &session, &account_id, &role) ||
          !g_str_equal (session, session_name))
        continue;
      key = g_strconcat (account_id, "/", role, NULL);
      g_strv_builder_add (builder, key);
    }
  return g_strv_builder_end (builder);
}

static void
print_names (const char *label,
             GPtrArray  *names)
{
  for (guint i = 0; names != NULL && i < names->len; i++)
    g_printerr ("%s%s\n", label, (const char *) g_ptr_array_index (names, i));
}

int
cmd_sync (int    argc,
          char **argv)
{
  g_autofree char *template_ = NULL;
  g_autofree char *region = NULL;
  g_autofree char *output = NULL;
  g_autofree char *command = NULL;
  g_autofree char *path = gh_aws_config_default_path ();
  gboolean dry_run = FALSE;
  gboolean credential_process = FALSE;
  gboolean refresh = FALSE;
  gboolean favorites_only = FALSE;
  g_auto(GStrv) favorites = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[SESSION] — write one AWS CLI profile per role"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  int exit_code = GH_EXIT_OK;
  Waiter waiter;
  const GOptionEntry entries[] = {
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_,
      N_("Profile name template: {role}, {account_id}, {account_name}, {session} "
         "(default {role}-{account_id})"), N_("T") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region, N_("Default region of the profiles"), N_("R") },
    { "output", 0, 0, G_OPTION_ARG_STRING, &output, N_("Default output format of the profiles"),
      N_("FORMAT") },
    { "credential-process", 0, 0, G_OPTION_ARG_NONE, &credential_process,
      N_("Profiles call “gatehouse credentials” (for tools that cannot read SSO profiles)"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the changes without writing"), NULL },
    { "favorites-only", 0, 0, G_OPTION_ARG_NONE, &favorites_only,
      N_("Only the favourite roles (see gatehouse favorite); other Gatehouse profiles of the "
         "sign-in are removed"), NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      N_("List roles from AWS now instead of the cached list"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 2)
    return usage_error (_("sync takes at most one SESSION"));
  if (region != NULL && !gh_region_is_valid (region))
    return usage_error (_("--region needs an AWS region such as us-east-1"));

  if ((sessions = select_sessions (argc == 2 ? argv[1] : NULL, &error)) == NULL)
    return report_error (error);

  if (favorites_only)
    {
      g_autoptr(GSettings) settings = gh_settings_new (&error);

      if (settings == NULL)
        return report_error (error);
      favorites = g_settings_get_strv (settings, "favorite-roles");
    }

  command = gatehouse_command ();
  waiter_init (&waiter);
  for (guint i = 0; i < sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (sessions, i);
      const char *name = gh_session_get_name (session);
      g_autoptr(GPtrArray) roles = obtain_roles (session, refresh, &waiter, &error);
      g_autoptr(GhSyncResult) result = NULL;
      g_auto(GStrv) only_keys = favorites ? favorite_keys_of (favorites, name) : NULL;
      GhSyncOptions options = { 0, };

      if (roles == NULL)
        {
          exit_code = report_error (error);
          g_clear_error (&error);
          continue;
        }

      options.template_ = template_;
      options.region = region;
      options.output = output;
      options.credential_process = credential_process;
      options.gatehouse_command = command;
      options.only_keys = only_keys;

      result = gh_profile_sync (path, name, roles, &options, dry_run, &error);
      if (result == NULL)
        {
          exit_code = report_error (error);
          g_clear_error (&error);
          continue;
        }

      print_names (_("Renamed: "), result->renamed);
      print_names (_("Skipped: "), result->skipped);
      if (dry_run)
        g_print ("%s", result->diff);

      g_print (dry_run ? _("%s: would add %u, update %u and remove %u profiles in %s\n")
                       : _("%s: added %u, updated %u and removed %u profiles in %s\n"),
               name, result->added->len, result->updated->len, result->removed->len, path);
    }
  waiter_clear (&waiter);

  return exit_code;
}
