/* gh-cli-roles.c — `gatehouse roles` and `gatehouse sync` */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
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
#include "gh-shell-quote.h"
#include "gh-sync-settings.h"

/* A cached listing younger than this is shown as is; the tray refreshes in the background. */
#define ROLE_CACHE_MAX_AGE (24 * 60 * 60)

/* On a terminal only, one line rewritten in place ("\r", then the line cleared to its end). */
static void
progress_cb (GhDiscovery *discovery,
             guint        done,
             guint        total,
             gpointer     user_data)
{
  const char *name = user_data;

  if (total == 0)
    g_printerr ("\r\033[K%s: %s", name, _("listing accounts…"));
  else
    g_printerr ("\r\033[K%s: %s %u/%u", name, _("listing roles of account"), done, total);
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
forget_removed_roles (GPtrArray   *removed,
                      GhCliWaiter *waiter)
{
  g_autoptr(GError) error = NULL;

  if (removed == NULL || removed->len == 0)
    return;

  gh_role_credentials_forget_async (removed, waiter->cancellable, gh_cli_waiter_cb, waiter);
  if (!gh_role_credentials_forget_finish (gh_cli_waiter_wait (waiter), &error))
    g_debug ("Could not forget the credentials of roles no longer granted: %s",
             error->message);
}

/* A new listing goes through the role list, which compares it with the cache and writes it as
 * the tray does (not cancelled: a listing is always cached). */
GPtrArray *
gh_cli_obtain_roles (GhSession    *session,
                     gboolean      refresh,
                     gboolean      any_age,
                     GhCliWaiter  *waiter,
                     GError      **error)
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
      if (cached != NULL &&
          (any_age || (now - fetched_at < ROLE_CACHE_MAX_AGE && fetched_at <= now)))
        return g_steal_pointer (&cached);
      if (cache_error != NULL &&
          !g_error_matches (cache_error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL))
        g_debug ("Rebuilding the role cache of %s: %s", name, cache_error->message);
      g_clear_error (&cache_error);
    }

  discovery = gh_discovery_new (session, NULL);
  if (show_progress)
    g_signal_connect (discovery, "progress", G_CALLBACK (progress_cb), (gpointer) name);

  gh_discovery_run_async (discovery, waiter->cancellable, gh_cli_waiter_cb, waiter);
  roles = gh_discovery_run_finish (discovery, gh_cli_waiter_wait (waiter), error);
  if (show_progress)
    g_printerr ("\r\033[K");
  if (roles == NULL)
    return NULL;

  list = gh_role_list_new (name);
  gh_role_list_compare_async (list, roles, NULL, gh_cli_waiter_cb, waiter);
  gh_role_list_compare_finish (list, gh_cli_waiter_wait (waiter), &added, &removed, NULL);
  if (added != NULL)
    {
      print_role_changes (name, added, removed);
      forget_removed_roles (removed, waiter);
    }
  gh_role_list_replace_async (list, roles, now, NULL, gh_cli_waiter_cb, waiter);
  if (!gh_role_list_replace_finish (list, gh_cli_waiter_wait (waiter), &cache_error))
    g_printerr (_("Warning: %s\n"), cache_error->message);

  return g_steal_pointer (&roles);
}

/* The sign-ins a command works for: the one named (by NAME or --profile), or every one, in
 * the file's order; a definition that cannot be used is kept with why, and reported in its
 * turn. */
typedef struct
{
  char      *name;
  GhSession *session;      /* NULL when the definition cannot be used */
  GError    *problem;      /* why, then */
} Entry;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
  g_clear_object (&entry->session);
  g_clear_error (&entry->problem);
  g_free (entry);
}

typedef struct
{
  GPtrArray *entries;      /* Entry */
  guint      next;
  gboolean   several;      /* every sign-in, not one named */
  int        exit_code;    /* the first failure's, GH_EXIT_OK while none failed */
} Selection;

static void
selection_clear (Selection *selection)
{
  g_clear_pointer (&selection->entries, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Selection, selection_clear)

static void
selection_add (Selection  *selection,
               const char *name,
               GhSession  *session,
               GError     *problem)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->name = g_strdup (name);
  entry->session = session;
  entry->problem = problem;
  g_ptr_array_add (selection->entries, entry);
}

/* A failure for one sign-in: with several, the others go on, and the message names it. The
 * exit code is the first failure's, or the interruption's. */
static void
selection_fail (Selection    *selection,
                const char   *session_name,
                const GError *error)
{
  g_autoptr(GError) named = NULL;
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  int exit_code;

  if (selection->several && !cancelled)
    {
      named = g_error_new (error->domain, error->code, "%s: %s", session_name, error->message);
      error = named;
    }
  exit_code = gh_cli_report_error (error);
  if (selection->exit_code == GH_EXIT_OK || cancelled)
    selection->exit_code = exit_code;
}

/* The next sign-in to work for (transfer none), reporting those that cannot be used on the way;
 * NULL at the end, or once Ctrl-C stopped the work. */
static GhSession *
selection_next (Selection *selection)
{
  while (selection->next < selection->entries->len && !gh_cli_interrupted ())
    {
      Entry *entry = g_ptr_array_index (selection->entries, selection->next++);

      if (entry->session != NULL)
        return entry->session;
      selection_fail (selection, entry->name, entry->problem);
    }
  return NULL;
}

static gboolean
select_sessions (const char  *name,
                 const char  *profile,
                 Selection   *selection,
                 GError     **error)
{
  g_autoptr(GhSessionManager) manager = gh_cli_load_sessions (error);
  g_autofree char *session_name = NULL;
  GPtrArray *configs;
  guint position = 0;

  if (manager == NULL || !gh_cli_session_name_for (name, profile, &session_name, error))
    return FALSE;

  selection->entries = g_ptr_array_new_with_free_func (entry_free);
  if (session_name != NULL)
    {
      GhSession *session = gh_session_manager_find (manager, session_name, error);

      if (session == NULL)
        return FALSE;
      selection_add (selection, session_name, session, NULL);
      return TRUE;
    }

  selection->several = TRUE;
  configs = gh_session_manager_get_configs (manager);
  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);
      GError *problem = NULL;
      GhSession *session = gh_cli_session_for_definition (manager, config, &position, &problem);

      selection_add (selection, config->name, session, problem);
    }

  if (configs->len == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("No sign-in is defined. Add one: gatehouse session add NAME "
                     "--start-url URL --region REGION"));
      return FALSE;
    }

  return TRUE;
}

gboolean
gh_cli_role_matches (GhRole        *role,
                     const char    *profile,
                     GhRoleMatcher *matcher)
{
  return gh_role_matcher_match (matcher, gh_role_get_account_name (role),
                                gh_role_get_account_id (role), gh_role_get_account_email (role),
                                gh_role_get_role_name (role), profile);
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

char *
gh_cli_sync_template (const char *session_name)
{
  g_autofree char *path = gh_aws_config_default_path ();
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_load (path, session_name, NULL);

  return settings != NULL ? g_steal_pointer (&settings->template_) : NULL;
}

int
gh_cli_cmd_roles (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  gboolean refresh = FALSE;
  g_autofree char *filter = NULL;
  g_autofree char *template_ = NULL;
  g_autoptr(GhRoleMatcher) matcher = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[SESSION] — list accounts and roles"));
  g_autoptr(GError) error = NULL;
  g_auto(Selection) selection = { 0, };
  GhSession *session;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (RoleRow));
  int widths[3] = { 12, 12, 4 };
  GhCliWaiter waiter;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("The sign-in of this profile"), N_("P") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array"), NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      N_("List from AWS now instead of the cached list"), NULL },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter,
      N_("Only roles whose account, role or profile hold every word of TEXT"), N_("TEXT") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_,
      N_("Profile name template (default: the one sync uses)"), N_("T") },
    { NULL }
  };

  g_array_set_clear_func (rows, (GDestroyNotify) role_row_clear);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("roles takes at most one SESSION"));

  if (!select_sessions (argc == 2 ? argv[1] : NULL, profile, &selection, &error))
    return gh_cli_report_error (error);
  matcher = gh_role_matcher_new (filter);

  gh_cli_waiter_init (&waiter);
  while ((session = selection_next (&selection)) != NULL)
    {
      g_autoptr(GPtrArray) roles = gh_cli_obtain_roles (session, refresh, FALSE, &waiter,
                                                        &error);
      g_autofree char *session_template = NULL;

      if (roles == NULL)
        {
          selection_fail (&selection, gh_session_get_name (session), error);
          g_clear_error (&error);
          continue;
        }

      session_template = template_ != NULL ? g_strdup (template_)
                                           : gh_cli_sync_template (gh_session_get_name (session));
      for (guint j = 0; j < roles->len; j++)
        {
          GhRole *role = g_ptr_array_index (roles, j);
          g_autofree char *profile = NULL;
          RoleRow row;

          profile = gh_profile_name_from_template (session_template,
                                                   gh_session_get_name (session),
                                                   gh_role_get_account_id (role),
                                                   gh_role_get_account_name (role),
                                                   gh_role_get_role_name (role), &error);
          if (profile == NULL)
            {
              gh_cli_waiter_clear (&waiter);
              return gh_cli_report_error (error);
            }
          if (!gh_cli_role_matches (role, profile, matcher))
            continue;

          row.role = g_object_ref (role);
          row.profile = g_steal_pointer (&profile);
          g_array_append_val (rows, row);
        }
    }
  gh_cli_waiter_clear (&waiter);

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
      gh_cli_print_json (builder);
      return selection.exit_code;
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

  return selection.exit_code;
}

static void
print_names (const char *label,
             GPtrArray  *names)
{
  for (guint i = 0; names != NULL && i < names->len; i++)
    g_printerr ("%s%s\n", label, (const char *) g_ptr_array_index (names, i));
}

/* What a sync changed in the sign-in's stored settings */
static void
print_stored_settings (const char   *name,
                       GhSyncResult *result,
                       gboolean      dry_run)
{
  g_autoptr(GhSyncSettings) defaults = gh_sync_settings_new ();
  g_autofree char *quoted = gh_shell_quote (name);

  for (GhSyncSetting setting = 1; setting & GH_SYNC_SETTINGS_ALL; setting <<= 1)
    {
      g_autofree char *value = NULL;
      const char *label = gh_sync_setting_get_label (setting);

      if (!(result->stored & setting))
        continue;

      value = gh_sync_settings_describe (result->settings, setting, result->session_region);
      if (dry_run)
        g_print (_("%s: would keep %s as the %s for later syncs\n"), name, value, label);
      else if (gh_sync_settings_differ (result->settings, defaults, setting) == 0)
        g_print (_("%s: the %s is back to %s\n"), name, label, value);
      else
        g_print (_("%s: the %s is now %s, for this and later syncs (gatehouse sync %s --reset "
                   "%s goes back to the default)\n"),
                 name, label, value, quoted, gh_sync_setting_get_name (setting));
    }
}

/* --reset SETTING,… (or "all") as flags; FALSE for a name that is not a setting */
static gboolean
parse_reset (GStrv          names,
             GhSyncSetting *reset)
{
  *reset = 0;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (names[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          GhSyncSetting setting;

          g_strstrip (parts[j]);
          if (g_str_equal (parts[j], "all"))
            *reset |= GH_SYNC_SETTINGS_ALL;
          else if (gh_sync_setting_from_name (parts[j], &setting))
            *reset |= setting;
          else
            return FALSE;
        }
    }
  return TRUE;
}

/* The favourite roles, when favourites only may be in effect: stored with a sign-in, or asked
 * for now. Only when asked for now is a failure to read them an error. */
static gboolean
load_favorites (gboolean   required,
                GStrv     *favorites,
                GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSettings) settings = gh_settings_new (&local_error);

  if (settings == NULL)
    {
      if (!required)
        {
          g_debug ("No favourites: %s", local_error->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  *favorites = g_settings_get_strv (settings, "favorite-roles");
  return TRUE;
}

int
gh_cli_cmd_sync (int    argc,
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
  g_auto(GStrv) reset_names = NULL;
  g_auto(GStrv) favorites = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[SESSION] — write one AWS CLI profile per role"));
  g_autoptr(GError) error = NULL;
  g_auto(Selection) selection = { 0, };
  GhSession *session;
  GhSyncSetting reset = 0;
  GhCliWaiter waiter;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("The sign-in of this profile"), N_("P") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_,
      N_("Profile name template: {role}, {account_id}, {account_name}, {session} "
         "(default {role}-{account_id}); kept for later syncs"), N_("T") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region,
      N_("Default region of the profiles (default: the sign-in's region); kept for later syncs"),
      N_("R") },
    { "output", 0, 0, G_OPTION_ARG_STRING, &output,
      N_("Default output format of the profiles; kept for later syncs"), N_("FORMAT") },
    { "credential-process", 0, 0, G_OPTION_ARG_NONE, &credential_process,
      N_("Profiles call “gatehouse credentials” (for tools that cannot read SSO profiles); "
         "kept for later syncs"), NULL },
    { "favorites-only", 0, 0, G_OPTION_ARG_NONE, &favorites_only,
      N_("Only the favourite roles (see gatehouse favorite); other Gatehouse profiles of the "
         "sign-in are removed; kept for later syncs"), NULL },
    { "reset", 0, 0, G_OPTION_ARG_STRING_ARRAY, &reset_names,
      N_("Put a kept setting back to its default: template, region, output, "
         "credential-process, favorites-only or all"), N_("SETTING") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Print the changes without writing"), NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      N_("List roles from AWS now instead of the cached list"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("sync takes at most one SESSION"));
  if (region != NULL && !gh_region_is_valid (region))
    return gh_cli_usage_error (_("--region needs an AWS region such as us-east-1"));
  if (!parse_reset (reset_names, &reset))
    return gh_cli_usage_error (_("--reset takes template, region, output, credential-process, "
                                 "favorites-only or all"));
  if (((reset & GH_SYNC_SETTING_TEMPLATE) && template_ != NULL) ||
      ((reset & GH_SYNC_SETTING_REGION) && region != NULL) ||
      ((reset & GH_SYNC_SETTING_OUTPUT) && output != NULL) ||
      ((reset & GH_SYNC_SETTING_CREDENTIAL_PROCESS) && credential_process) ||
      ((reset & GH_SYNC_SETTING_FAVORITES_ONLY) && favorites_only))
    return gh_cli_usage_error (_("--reset and a value for the same setting contradict each "
                                 "other"));

  if (!select_sessions (argc == 2 ? argv[1] : NULL, profile, &selection, &error))
    return gh_cli_report_error (error);
  if (!load_favorites (favorites_only, &favorites, &error))
    return gh_cli_report_error (error);

  command = gh_profile_sync_default_command ();
  gh_cli_waiter_init (&waiter);
  while ((session = selection_next (&selection)) != NULL)
    {
      const char *name = gh_session_get_name (session);
      g_autoptr(GPtrArray) roles = gh_cli_obtain_roles (session, refresh, FALSE, &waiter,
                                                        &error);
      g_autoptr(GhSyncResult) result = NULL;
      g_autoptr(GhIni) copy = NULL;
      g_auto(GStrv) favorite_keys = NULL;
      GhSyncOptions options = { 0, };
      struct stat read_as;
      gint64 read_at = 0;

      if (roles == NULL)
        {
          selection_fail (&selection, name, error);
          g_clear_error (&error);
          continue;
        }

      if (favorites != NULL)
        favorite_keys = gh_role_target_keys_of_session ((const char * const *) favorites, name);

      /* What the person gives here is what later syncs (and the tray's) use */
      options.template_ = template_;
      options.region = region;
      options.output = output;
      options.credential_process = credential_process;
      options.favorites_only = favorites_only;
      options.reset = reset;
      options.store = TRUE;
      options.gatehouse_command = command;
      options.favorite_keys = favorite_keys;

      /* The sync takes the copy this command read (it edits it) unless the file changed
       * since; the next sign-in's sync reads the file again, as this one may have written
       * it. */
      if (gh_cli_read_config (NULL, NULL) != NULL)
        copy = gh_cli_take_config (path, &read_as, &read_at);
      result = copy != NULL
               ? gh_profile_sync_copy (path, name, roles, &options, dry_run, copy, &read_as,
                                       read_at, &error)
               : gh_profile_sync (path, name, roles, &options, dry_run, &error);
      if (result == NULL)
        {
          selection_fail (&selection, name, error);
          g_clear_error (&error);
          continue;
        }

      print_names (_("Renamed: "), result->renamed);
      print_names (_("Skipped: "), result->skipped);
      print_names (_("Kept: "), result->kept);
      if (dry_run)
        g_print ("%s", result->diff);
      print_stored_settings (name, result, dry_run);

      g_print (dry_run ? _("%s: would add %u, update %u and remove %u profiles in %s\n")
                       : _("%s: added %u, updated %u and removed %u profiles in %s\n"),
               name, result->added->len, result->updated->len, result->removed->len, path);
    }
  gh_cli_waiter_clear (&waiter);

  return selection.exit_code;
}
