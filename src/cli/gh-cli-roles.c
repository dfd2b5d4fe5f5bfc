/* gh-cli-roles.c — `gatehouse roles` and `gatehouse sync` */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdlib.h>
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
#include "gh-role-target.h"
#include "gh-settings.h"

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

GPtrArray *
gh_cli_obtain_roles (GhSession    *session,
                     gboolean      refresh,
                     gboolean      any_age,
                     GhCliWaiter  *waiter,
                     GError      **error)
{
  const char *name = gh_session_get_name (session);
  g_autoptr(GhDiscovery) discovery = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) previous = NULL;
  g_autoptr(GError) cache_error = NULL;
  gint64 fetched_at = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean show_progress = isatty (STDERR_FILENO);

  previous = gh_role_cache_load (name, &fetched_at, &cache_error);
  if (previous != NULL && !refresh &&
      (any_age || (now - fetched_at < ROLE_CACHE_MAX_AGE && fetched_at <= now)))
    return g_steal_pointer (&previous);
  if (cache_error != NULL && !g_error_matches (cache_error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL))
    g_debug ("Rebuilding the role cache of %s: %s", name, cache_error->message);
  g_clear_error (&cache_error);

  discovery = gh_discovery_new (session, NULL);
  if (show_progress)
    g_signal_connect (discovery, "progress", G_CALLBACK (progress_cb), (gpointer) name);

  gh_discovery_run_async (discovery, waiter->cancellable, gh_cli_waiter_cb, waiter);
  roles = gh_discovery_run_finish (discovery, gh_cli_waiter_wait (waiter), error);
  if (show_progress)
    g_printerr ("\r\033[K");
  if (roles == NULL)
    return NULL;

  if (previous != NULL)
    {
      g_autoptr(GPtrArray) added = NULL;
      g_autoptr(GPtrArray) removed = NULL;

      gh_role_diff (previous, roles, &added, &removed);
      print_role_changes (name, added, removed);
      forget_removed_roles (removed, waiter);
    }
  if (!gh_role_cache_save (name, roles, now, &cache_error))
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
gh_cli_role_matches (GhRole     *role,
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
gh_cli_cmd_roles (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  gboolean refresh = FALSE;
  g_autofree char *filter = NULL;
  g_autofree char *template_ = NULL;
  g_autofree char *folded_filter = NULL;
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
      N_("Only roles whose account, role or profile contains TEXT"), N_("TEXT") },
    { "template", 0, 0, G_OPTION_ARG_STRING, &template_,
      N_("Profile name template (default {role}-{account_id})"), N_("T") },
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
  if (filter != NULL)
    folded_filter = g_utf8_casefold (filter, -1);

  gh_cli_waiter_init (&waiter);
  while ((session = selection_next (&selection)) != NULL)
    {
      g_autoptr(GPtrArray) roles = gh_cli_obtain_roles (session, refresh, FALSE, &waiter,
                                                        &error);

      if (roles == NULL)
        {
          selection_fail (&selection, gh_session_get_name (session), error);
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
              gh_cli_waiter_clear (&waiter);
              return gh_cli_report_error (error);
            }
          if (!gh_cli_role_matches (role, profile, folded_filter))
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
  g_auto(GStrv) favorites = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (_("[SESSION] — write one AWS CLI profile per role"));
  g_autoptr(GError) error = NULL;
  g_auto(Selection) selection = { 0, };
  GhSession *session;
  GhCliWaiter waiter;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("The sign-in of this profile"), N_("P") },
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
    return gh_cli_usage_error (error->message);
  if (argc > 2)
    return gh_cli_usage_error (_("sync takes at most one SESSION"));
  if (region != NULL && !gh_region_is_valid (region))
    return gh_cli_usage_error (_("--region needs an AWS region such as us-east-1"));

  if (!select_sessions (argc == 2 ? argv[1] : NULL, profile, &selection, &error))
    return gh_cli_report_error (error);

  if (favorites_only)
    {
      g_autoptr(GSettings) settings = gh_settings_new (&error);

      if (settings == NULL)
        return gh_cli_report_error (error);
      favorites = g_settings_get_strv (settings, "favorite-roles");
    }

  command = gatehouse_command ();
  gh_cli_waiter_init (&waiter);
  while ((session = selection_next (&selection)) != NULL)
    {
      const char *name = gh_session_get_name (session);
      g_autoptr(GPtrArray) roles = gh_cli_obtain_roles (session, refresh, FALSE, &waiter,
                                                        &error);
      g_autoptr(GhSyncResult) result = NULL;
      g_auto(GStrv) only_keys = favorites ? favorite_keys_of (favorites, name) : NULL;
      GhSyncOptions options = { 0, };

      if (roles == NULL)
        {
          selection_fail (&selection, name, error);
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
          selection_fail (&selection, name, error);
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
  gh_cli_waiter_clear (&waiter);

  return selection.exit_code;
}
