/* gh-tray-service-actions.c — the tray service's actions and what they do
 *
 * GApplication exports them on the session bus (org.gtk.Actions): the menu, the notifications'
 * buttons, the window and the CLI all go through them. Their names, parameter types and the
 * "sessions" state are an interface (see gh-tray-service.h).
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-console-request.h"
#include "gh-discovery.h"
#include "gh-error.h"
#include "gh-profile-sync.h"
#include "gh-role-credentials.h"
#include "gh-role-target.h"
#include "gh-tray-menu.h"
#include "gh-tray-service-private.h"

/* Sign-in */

/* Holds a reference on the service until the browser was asked. */
static void
browser_launched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GhTrayService) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *body = g_strdup_printf (_("Could not open a browser (%s). Run “gatehouse "
                                                 "login” in a terminal instead."),
                                               error->message);

      _gh_tray_service_notify (self, "browser", _("Sign-in needs a browser"), body);
    }
}

/* What a device-code sign-in waits for: the "sign-in-prompts" state, a{s(ss)}. */

static void
publish_prompts (GhTrayService *self)
{
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer name, prompt;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(ss)}"));
  g_hash_table_iter_init (&iter, self->prompts);
  while (g_hash_table_iter_next (&iter, &name, &prompt))
    g_variant_builder_add (&builder, "{s@(ss)}", name, prompt);
  g_simple_action_set_state (self->prompts_action, g_variant_builder_end (&builder));
}

/* Its notification goes with it. */
static void
clear_prompt (GhTrayService *self,
              const char    *session_name)
{
  g_autofree char *key = NULL;

  if (!g_hash_table_remove (self->prompts, session_name))
    return;
  publish_prompts (self);
  key = g_strdup_printf ("device-code/%s", session_name);
  gh_notifier_withdraw (self->notifier, key);
}

/* Only the device flow's prompt goes on the bus: the browser flow's authorize URL carries the
 * PKCE challenge and state, and the browser it opened is where the person already is. */
void
_gh_tray_service_present_sign_in (GhSession     *session,
                                  const char    *url,
                                  const char    *user_code,
                                  GhTrayService *self)
{
  if (user_code != NULL)
    {
      /* TRANSLATORS: the device-code sign-in: the verification link, then the code */
      g_autofree char *body = g_strdup_printf (_("Open %s on any device and confirm the code %s"),
                                               url, user_code);
      g_autofree char *key = g_strdup_printf ("device-code/%s", gh_session_get_name (session));

      g_hash_table_replace (self->prompts, g_strdup (gh_session_get_name (session)),
                            g_variant_ref_sink (g_variant_new ("(ss)", url, user_code)));
      publish_prompts (self);
      _gh_tray_service_notify (self, key, _("Sign in to AWS"), body);
      return;
    }
  g_app_info_launch_default_for_uri_async (url, NULL, self->cancellable, browser_launched_cb,
                                           g_object_ref (self));
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GhTrayService) self = user_data;
  GhSession *session = GH_SESSION (object);
  const char *name = gh_session_get_name (session);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup_printf ("session/%s", name);
  gboolean signed_in = gh_session_login_finish (session, result, &error);

  /* Signed in, failed or cancelled: nothing is left for the person to do. */
  clear_prompt (self, name);
  if (signed_in)
    {
      gh_notifier_withdraw (self->notifier, key);
      /* The sign-in stored its secrets: the keyring works. */
      _gh_tray_service_clear_keyring_problem (self, session);
      /* A fresh sign-in: a good moment for the role list too, if there is none yet. */
      if (gh_role_list_get_fetched_at (_gh_tray_service_get_role_list (self, name)) == 0)
        _gh_tray_service_refresh_roles (self, session, FALSE);
      _gh_tray_service_queue_update (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  {
    g_autofree char *summary = g_strdup_printf (_("Sign-in to “%s” failed"), name);
    GhNotifierButton buttons[] = {
      { _("Try again"), "login", g_variant_new_string (name) },
    };

    gh_notifier_show (self->notifier, key, summary, error->message, "dialog-error",
                      buttons, G_N_ELEMENTS (buttons));
  }
}

void
_gh_tray_service_start_login (GhTrayService *self,
                              GhSession     *session,
                              GhFlow         flow)
{
  if (gh_session_get_status (session) == GH_SESSION_SIGNING_IN)
    return;
  gh_session_login_async (session, flow, self->cancellable, login_cb, g_object_ref (self));
}

static void
logout_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GhTrayService) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gh_session_logout_finish (GH_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _gh_tray_service_notify (self, "logout", _("Could not sign out"), error->message);
  _gh_tray_service_queue_update (self);
}

/* Console */

typedef struct
{
  GhTrayService *self;
  char          *target;
} ConsoleData;

static void
console_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GhConsoleRequest *request = GH_CONSOLE_REQUEST (object);
  ConsoleData *data = user_data;
  GhTrayService *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!gh_console_request_open_finish (request, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
        {
          GhSession *session = gh_console_request_get_session (request);
          GhNotifierButton buttons[] = {
            { _("Sign in"), "login", g_variant_new_string (gh_session_get_name (session)) },
          };

          gh_notifier_show (self->notifier, "console", _("Could not open the AWS console"),
                            error->message, "dialog-error", buttons, G_N_ELEMENTS (buttons));
        }
      else
        {
          GhNotifierButton buttons[] = {
            { _("Try again"), "open-console", g_variant_new_string (data->target) },
          };

          gh_notifier_show (self->notifier, "console", _("Could not open the AWS console"),
                            error->message, "dialog-error", buttons, G_N_ELEMENTS (buttons));
        }
    }

  g_free (data->target);
  g_object_unref (data->self);
  g_free (data);
}

/* container_name: NULL for the preferences' choice, "" for one named ACCOUNT_NAME/ROLE. */
static void
open_console (GhTrayService *self,
              const char    *target,
              const char    *container_name)
{
  g_autofree char *session_name = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *role = NULL;
  g_autoptr(GhConsoleRequest) request = NULL;
  GhSession *session;
  ConsoleData *data;

  if (!gh_role_target_parse (target, &session_name, &account_id, &role) ||
      (session = gh_session_manager_lookup (self->sessions, session_name)) == NULL)
    {
      const char *config_path = gh_session_manager_get_config_path (self->sessions);
      g_autofree char *body = g_strdup_printf (_("No sign-in for “%s” in %s"), target,
                                               config_path);

      _gh_tray_service_notify (self, "console", _("Could not open the AWS console"), body);
      return;
    }

  /* The console home of the sign-in's region; the preferences fill in the rest. */
  request = gh_console_request_new (session, account_id, role);
  gh_console_request_set_account_name (request,
                                       _gh_tray_service_get_account_name (self, session_name,
                                                                          account_id));
  if (container_name != NULL)
    gh_console_request_set_container_name (request, container_name);
  data = g_new0 (ConsoleData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup (target);
  gh_console_request_open_async (request, self->cancellable, console_opened_cb, data);
}

void
_gh_tray_service_open_console (GhTrayService *self,
                               const char    *target)
{
  open_console (self, target, NULL);
}

void
_gh_tray_service_open_console_in_container (GhTrayService *self,
                                            const char    *target)
{
  open_console (self, target, "");
}

/* Sync: one report for the sign-ins asked for, in the order of the config file, once their role
 * lists are read again (the CLI may have listed or removed them since). A sign-in whose listing
 * is needed first is reported on its own once listed. Each sync writes on a worker thread: a CLI
 * may hold the config file's lock. */

typedef struct
{
  GhTrayService *self;
  char          *key;         /* the notification's */
  GPtrArray     *steps;       /* SyncStep, config file order */
  guint          pending;
  gboolean       cancelled;   /* the service is shutting down */
} SyncRun;

typedef struct
{
  SyncRun   *run;
  GhSession *session;
  GString   *report;
  GString   *problems;
} SyncStep;

static void
sync_step_free (SyncStep *step)
{
  g_object_unref (step->session);
  g_string_free (step->report, TRUE);
  g_string_free (step->problems, TRUE);
  g_free (step);
}

static SyncRun *
sync_run_new (GhTrayService *self,
              const char    *key)
{
  SyncRun *run = g_new0 (SyncRun, 1);

  run->self = g_object_ref (self);
  run->key = g_strdup (key);
  run->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) sync_step_free);
  return run;
}

static SyncStep *
sync_run_add (SyncRun   *run,
              GhSession *session)
{
  SyncStep *step = g_new0 (SyncStep, 1);

  step->run = run;
  step->session = g_object_ref (session);
  step->report = g_string_new (NULL);
  step->problems = g_string_new (NULL);
  g_ptr_array_add (run->steps, step);
  run->pending++;
  return step;
}

static void
report_sync (GhTrayService *self,
             const char    *key,
             GString       *report,
             GString       *problems)
{
  g_autofree char *body = g_strconcat (report->str, problems->str, NULL);
  const char *summary;

  /* Nothing written at all is a failure, not a sync with problems. */
  if (report->len == 0)
    summary = _("Could not sync AWS CLI profiles");
  else if (problems->len > 0)
    summary = _("AWS CLI profiles synced, with problems");
  else
    summary = _("AWS CLI profiles synced");
  g_strchomp (body);
  _gh_tray_service_notify (self, key, summary, body);
}

static void
sync_run_finish (SyncRun *run)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GString) problems = g_string_new (NULL);

  for (guint i = 0; i < run->steps->len; i++)
    {
      SyncStep *step = g_ptr_array_index (run->steps, i);

      g_string_append (report, step->report->str);
      g_string_append (problems, step->problems->str);
    }
  if (run->steps->len == 0)
    g_string_append (problems, _("No such sign-in"));
  if (!run->cancelled && (report->len > 0 || problems->len > 0))
    report_sync (run->self, run->key, report, problems);

  g_ptr_array_unref (run->steps);
  g_free (run->key);
  g_object_unref (run->self);
  g_free (run);
}

static void
sync_step_done (SyncStep *step)
{
  SyncRun *run = step->run;

  if (--run->pending == 0)
    sync_run_finish (run);
}

static void
step_synced_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SyncStep *step = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncResult) sync = gh_profile_sync_finish (result, &error);

  if (sync != NULL)
    {
      g_string_append_printf (step->report, _("%s: %u added, %u updated, %u removed\n"),
                              gh_session_get_name (step->session), sync->added->len,
                              sync->updated->len, sync->removed->len);
      for (guint i = 0; i < sync->skipped->len; i++)
        g_string_append_printf (step->problems, "%s\n",
                                (char *) g_ptr_array_index (sync->skipped, i));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    step->run->cancelled = TRUE;
  else
    g_string_append_printf (step->problems, "%s\n", error->message);
  sync_step_done (step);
}

/* With the sign-in's stored sync settings (what `gatehouse sync` last asked for); only the
 * favourites and the command to write are the tray's to give. */
static void
sync_step_start (SyncStep  *step,
                 GPtrArray *roles)
{
  GhTrayService *self = step->run->self;
  const char *name = gh_session_get_name (step->session);
  g_auto(GStrv) favorites = _gh_tray_service_dup_favorite_roles (self);
  g_auto(GStrv) favorite_keys = NULL;
  g_autofree char *command = gh_profile_sync_default_command ();
  GhSyncOptions options = { 0, };

  if (favorites != NULL)
    favorite_keys = gh_role_target_keys_of_session ((const char * const *) favorites, name);
  options.gatehouse_command = command;
  options.favorite_keys = favorite_keys;
  gh_profile_sync_async (gh_session_manager_get_config_path (self->sessions), name, roles,
                         &options, FALSE, self->cancellable, step_synced_cb, step);
}

static void
sync_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SyncStep *step = user_data;
  GhRoleList *list = GH_ROLE_LIST (object);
  g_autoptr(GError) error = NULL;

  if (gh_role_list_load_finish (list, result, &error))
    {
      g_autoptr(GPtrArray) roles = gh_role_list_dup_roles (list);

      sync_step_start (step, roles);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    step->run->cancelled = TRUE;
  else if (gh_session_status_is_signed_in (gh_session_get_status (step->session)))
    _gh_tray_service_refresh_roles (step->run->self, step->session, TRUE);   /* reported when listed */
  else
    g_string_append_printf (step->problems, _("%s: sign in first to list its roles\n"),
                            gh_session_get_name (step->session));
  sync_step_done (step);
}

static void
sync_sessions (GhTrayService *self,
               const char    *only)
{
  GListModel *sessions = G_LIST_MODEL (self->sessions);
  guint n = g_list_model_get_n_items (sessions);
  SyncRun *run = sync_run_new (self, "sync");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);

      if (only == NULL || *only == '\0' || g_str_equal (only, gh_session_get_name (session)))
        sync_run_add (run, session);
    }

  if (run->pending == 0)
    {
      sync_run_finish (run);
      return;
    }
  for (guint i = 0; i < run->steps->len; i++)
    {
      SyncStep *step = g_ptr_array_index (run->steps, i);
      const char *name = gh_session_get_name (step->session);

      gh_role_list_load_async (_gh_tray_service_get_role_list (self, name), self->cancellable,
                               sync_loaded_cb, step);
    }
}

/* After a listing that a sync asked for: its own notification, so the report of the sync that
 * asked for it stays visible. */
static void
sync_listed_roles (GhTrayService *self,
                   GhSession     *session,
                   GPtrArray     *roles)
{
  g_autofree char *key = g_strdup_printf ("sync/%s", gh_session_get_name (session));
  SyncRun *run = sync_run_new (self, key);

  sync_step_start (sync_run_add (run, session), roles);
}

/* Roles: daily and on demand, with one summary notification of what changed */

typedef struct
{
  GhTrayService *self;
  GhSession     *session;
  GPtrArray     *roles;
  gint64         fetched_at;
  gboolean       sync_after;
} RolesData;

static void
roles_data_free (RolesData *data)
{
  g_clear_pointer (&data->roles, g_ptr_array_unref);
  g_object_unref (data->session);
  g_object_unref (data->self);
  g_free (data);
}

static char *
describe_role (GhRole *role)
{
  return g_strdup_printf (_("%s in %s"), gh_role_get_role_name (role),
                          gh_role_get_account_name (role) ? gh_role_get_account_name (role)
                                                          : gh_role_get_account_id (role));
}

static char *
role_changes_summary (GPtrArray *added,
                      GPtrArray *removed)
{
  guint total = added->len + removed->len;
  g_autofree char *first = NULL;

  if (added->len > 0)
    {
      first = describe_role (g_ptr_array_index (added, 0));
      return total == 1 ? g_strdup_printf (_("You now have %s"), first)
                        : g_strdup_printf (ngettext ("You now have %s (and %u more change)",
                                                     "You now have %s (and %u more changes)",
                                                     total - 1), first, total - 1);
    }
  first = describe_role (g_ptr_array_index (removed, 0));
  return total == 1 ? g_strdup_printf (_("You no longer have %s"), first)
                    : g_strdup_printf (ngettext ("You no longer have %s (and %u more change)",
                                                 "You no longer have %s (and %u more changes)",
                                                 total - 1), first, total - 1);
}

static void
notify_role_changes (GhTrayService *self,
                     GhSession     *session,
                     GPtrArray     *added,
                     GPtrArray     *removed)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *summary = NULL;
  g_autofree char *key = g_strdup_printf ("roles/%s", gh_session_get_name (session));
  guint total = added->len + removed->len;
  guint shown = 0;

  if (total == 0)
    return;

  summary = role_changes_summary (added, removed);
  for (guint i = 0; i < added->len && shown < 8; i++, shown++)
    {
      g_autofree char *text = describe_role (g_ptr_array_index (added, i));

      g_string_append_printf (body, _("+ %s\n"), text);
    }
  for (guint i = 0; i < removed->len && shown < 8; i++, shown++)
    {
      g_autofree char *text = describe_role (g_ptr_array_index (removed, i));

      g_string_append_printf (body, _("− %s\n"), text);
    }
  if (total > shown)
    g_string_append_printf (body, _("… and %u more\n"), total - shown);
  g_string_append_printf (body, _("Sign-in “%s”"), gh_session_get_name (session));

  _gh_tray_service_notify (self, key, summary, body->str);
}

/* Holds a reference on the service, so it is not finalized under the keyring calls. */
static void
removed_roles_forgotten_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GhTrayService) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Only cache hygiene: a locked keyring is reported where a sign-in needs it. */
  if (!gh_role_credentials_forget_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not forget the credentials of roles no longer granted: %s",
             error->message);
}

/* The new listing is in the role list and its cache. */
static void
roles_replaced_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RolesData *data = user_data;
  GhTrayService *self = data->self;
  g_autoptr(GError) error = NULL;

  if (!gh_role_list_replace_finish (GH_ROLE_LIST (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          roles_data_free (data);
          return;
        }
      g_warning ("%s", error->message);
    }
  gh_refresh_scheduler_roles_done (self->scheduler, data->session, data->fetched_at);

  if (data->sync_after)
    sync_listed_roles (self, data->session, data->roles);
  _gh_tray_service_queue_update (self);
  _gh_tray_service_release_memory (self);
  roles_data_free (data);
}

/* What changed is said before the cache is rewritten, as the CLI does. */
static void
roles_compared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RolesData *data = user_data;
  GhTrayService *self = data->self;
  GhRoleList *list = GH_ROLE_LIST (object);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  if (!gh_role_list_compare_finish (list, result, &added, &removed, NULL))
    {
      roles_data_free (data);
      return;
    }

  if (added != NULL)
    {
      notify_role_changes (self, data->session, added, removed);
      /* Their cached credentials would otherwise stay in the keyring for ever. */
      if (removed->len > 0)
        gh_role_credentials_forget_async (removed, self->cancellable,
                                          removed_roles_forgotten_cb, g_object_ref (self));
    }
  gh_role_list_replace_async (list, data->roles, data->fetched_at, self->cancellable,
                              roles_replaced_cb, data);
}

static void
roles_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RolesData *data = user_data;
  GhTrayService *self = data->self;
  const char *name = gh_session_get_name (data->session);
  g_autoptr(GError) error = NULL;

  data->roles = gh_discovery_run_finish (GH_DISCOVERY (object), result, &error);
  data->sync_after = g_hash_table_remove (self->sync_after_roles, name);
  data->fetched_at = gh_clock_get_now (self->clock);
  g_hash_table_remove (self->roles_running, name);

  if (data->roles != NULL)
    {
      gh_role_list_compare_async (_gh_tray_service_get_role_list (self, name), data->roles,
                                  self->cancellable, roles_compared_cb, data);
      return;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Role refresh of %s failed: %s", name, error->message);
      /* Try again in an hour rather than tomorrow. */
      gh_refresh_scheduler_roles_done (self->scheduler, data->session,
                                       data->fetched_at - GH_ROLES_REFRESH_INTERVAL + 3600);
      if (data->sync_after)
        {
          g_autofree char *key = g_strdup_printf ("sync/%s", name);

          _gh_tray_service_notify (self, key, _("Could not sync AWS CLI profiles"),
                                   error->message);
        }
    }
  roles_data_free (data);
}

void
_gh_tray_service_refresh_roles (GhTrayService *self,
                                GhSession     *session,
                                gboolean       sync_after)
{
  const char *name = gh_session_get_name (session);
  g_autoptr(GhDiscovery) discovery = NULL;
  RolesData *data;

  if (sync_after)
    g_hash_table_add (self->sync_after_roles, g_strdup (name));
  if (!g_hash_table_add (self->roles_running, g_strdup (name)))
    return;

  data = g_new0 (RolesData, 1);
  data->self = g_object_ref (self);
  data->session = g_object_ref (session);
  discovery = gh_discovery_new (session, NULL);
  gh_discovery_run_async (discovery, self->cancellable, roles_listed_cb, data);
}

/* The window */

static void
window_exited_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error))
    g_debug ("The window process ended: %s", error->message);
}

/* The window process: GATEHOUSE_WINDOW names another one (tests, uninstalled runs). */
static const char *
window_program (void)
{
  const char *program = g_getenv ("GATEHOUSE_WINDOW");

  return program != NULL && *program != '\0' ? program : LIBEXECDIR "/gatehouse-window";
}

/* The window's pages ("" main, "roles", "preferences"), and search terms for the role picker
 * (may be NULL). gatehouse-window is a unique application of its own: started again, it hands
 * the page to the running one and exits, so this always spawns, and the tray never links GTK.
 * The window exits when it is closed. */
void
_gh_tray_service_present_window (GhTrayService *self,
                                 const char    *page,
                                 const char    *terms)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) window_program ());
  if (page != NULL && *page != '\0')
    {
      g_ptr_array_add (argv, "--page");
      g_ptr_array_add (argv, (char *) page);
    }
  if (terms != NULL)
    {
      g_ptr_array_add (argv, "--search");
      g_ptr_array_add (argv, (char *) terms);
    }
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE,
                               &error);
  if (process == NULL)
    {
      g_autofree char *body = g_strdup_printf (_("Could not start %s: %s. Use the tray menu, or "
                                                 "the gatehouse command in a terminal."),
                                               window_program (), error->message);

      _gh_tray_service_notify (self, "window", _("Could not open the Gatehouse window"), body);
      return;
    }
  g_subprocess_wait_check_async (process, NULL, window_exited_cb, NULL);
}

/* The window's roles page with `terms` in the search field. */
void
_gh_tray_service_present_roles_search (GhTrayService *self,
                                       const char    *terms)
{
  _gh_tray_service_present_window (self, GH_TRAY_MENU_PAGE_ROLES, terms);
}

/* Actions */

static GhSession *
lookup_session (GhTrayService *self,
                GVariant      *parameter)
{
  const char *name = g_variant_get_string (parameter, NULL);
  GhSession *session = gh_session_manager_lookup (self->sessions, name);
  g_autoptr(GError) error = NULL;

  /* A sign-in added a moment ago (the window's "Add sign-in…", which then asks to sign in)
   * is in the file before the file monitor's coalesced reload has read it. */
  if (session == NULL)
    {
      if (!gh_session_manager_reload (self->sessions, &error))
        g_debug ("Cannot read the sign-ins again: %s", error->message);
      session = gh_session_manager_lookup (self->sessions, name);
    }
  return session;
}

static void
sign_in_with (GhTrayService *self,
              GVariant      *parameter,
              GhFlow         flow)
{
  GhSession *session = lookup_session (self, parameter);

  if (session != NULL)
    _gh_tray_service_start_login (self, session, flow);
}

static void
login_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  sign_in_with (user_data, parameter, GH_FLOW_AUTHORIZATION_CODE);
}

/* The browser-less sign-in: the code and link go to "sign-in-prompts" and a notification. */
static void
login_device_code_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  sign_in_with (user_data, parameter, GH_FLOW_DEVICE_CODE);
}

static void
logout_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GhTrayService *self = user_data;
  GhSession *session = lookup_session (self, parameter);

  if (session != NULL)
    gh_session_logout_async (session, self->cancellable, logout_cb, g_object_ref (self));
}

static void
open_console_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  _gh_tray_service_open_console (user_data, g_variant_get_string (parameter, NULL));
}

static void
sync_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  sync_sessions (user_data, g_variant_get_string (parameter, NULL));
}

static void
refresh_roles_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  GhTrayService *self = user_data;
  GListModel *sessions = G_LIST_MODEL (self->sessions);
  const char *only = g_variant_get_string (parameter, NULL);
  guint n = g_list_model_get_n_items (sessions);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);

      if ((*only == '\0' || g_str_equal (only, gh_session_get_name (session))) &&
          gh_session_status_is_signed_in (gh_session_get_status (session)))
        _gh_tray_service_refresh_roles (self, session, FALSE);
    }
}

/* "Try again" after the user fixed what stopped the background refresh or the renewal of keys
 * (unlocked the keyring): retry both now, not after the backoff, and fetch the role list. Their
 * success withdraws the notification and clears the icon (gh-tray-service.c). */
static void
retry_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GhTrayService *self = user_data;

  gh_refresh_scheduler_retry_now (self->scheduler);
  gh_credentials_keeper_retry_now (self->keeper);
  refresh_roles_activated (action, parameter, user_data);
}

static void
show_window_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  _gh_tray_service_present_window (user_data, g_variant_get_string (parameter, NULL), NULL);
}

static void
show_roles_search_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  _gh_tray_service_present_roles_search (user_data, g_variant_get_string (parameter, NULL));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GhTrayService *self = user_data;

  /* Their buttons would activate actions of a service that is gone. (When the session ends
   * instead, the notification daemon goes with it.) */
  gh_notifier_withdraw_all (self->notifier);
  g_application_quit (G_APPLICATION (self));
}

/* Only the service changes the sessions' and the prompts' state. */
static void
read_only_change_state (GSimpleAction *action,
                       GVariant      *value,
                       gpointer       user_data)
{
}

static const GActionEntry action_entries[] = {
  { "login", login_activated, "s" },
  { "login-device-code", login_device_code_activated, "s" },
  { "logout", logout_activated, "s" },
  { "open-console", open_console_activated, "s" },
  { "sync", sync_activated, "s" },
  { "refresh-roles", refresh_roles_activated, "s" },
  { "retry", retry_activated, "s" },
  { "show-window", show_window_activated, "s" },
  { "show-roles-search", show_roles_search_activated, "s" },
  { "quit", quit_activated },
  { "sessions", NULL, NULL, "@a{s(sxx)} {}", read_only_change_state },
  { "sign-in-prompts", NULL, NULL, "@a{s(ss)} {}", read_only_change_state },
};

void
_gh_tray_service_actions_init (GhTrayService *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  self->sessions_action = G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                       "sessions"));
  self->prompts_action = G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                      "sign-in-prompts"));
}
