/* gh-tray-service.c — `gatehouse` without a subcommand: the tray service
 *
 * Follows the sign-ins of the AWS config file through the session manager (kept current by
 * file monitors, so `gatehouse login` in a terminal shows up at once), keeps a role list per
 * sign-in, and owns the StatusNotifierItem and its dbusmenu, the refresh scheduler, the keeper
 * of credentials-file sections and the notifications. Everything the menu, the notifications
 * and other processes do goes through the application's actions (gh-tray-service-actions.c),
 * exported on the session bus.
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <malloc.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "gh-console-history.h"
#include "gh-credentials-file.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-http.h"
#include "gh-session-state.h"
#include "gh-settings.h"
#include "gh-tray-icon.h"
#include "gh-tray-menu.h"
#include "gh-tray-service-private.h"

#define MENU_PATH "/MenuBar"
#define PIXMAP_SIZE 44
#define RELOAD_DELAY_MS 200

G_DEFINE_FINAL_TYPE (GhTrayService, gh_tray_service, G_TYPE_APPLICATION)

void
_gh_tray_service_notify (GhTrayService *self,
                         const char    *key,
                         const char    *summary,
                         const char    *body)
{
  gh_notifier_show (self->notifier, key, summary, body, "io.github.gatehouse.Gatehouse", NULL, 0);
}

/* Memory */

static gboolean
trim_cb (gpointer user_data)
{
  GhTrayService *self = user_data;

  self->trim_id = 0;
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

/* Reading a role cache or a new listing of thousands of roles makes tens of thousands of
 * short-lived objects (JSON nodes, GhRole) on the main thread and in a worker's arena; what
 * stays is a few dozen bytes per role (GhRoleList). glibc keeps the freed pages for reuse, and
 * a process that lives all day in the tray would keep them for ever: hand them back, once for
 * a burst of loads. */
void
_gh_tray_service_release_memory (GhTrayService *self)
{
  if (self->trim_id == 0)
    self->trim_id = g_idle_add (trim_cb, self);
}

/* Account names for menu labels and notifications */

GhRoleList *
_gh_tray_service_get_role_list (GhTrayService *self,
                                const char    *session_name)
{
  GhRoleList *list = g_hash_table_lookup (self->role_lists, session_name);

  if (list == NULL)
    {
      list = gh_role_list_new (session_name);
      g_hash_table_insert (self->role_lists, g_strdup (session_name), list);
    }
  return list;
}

const char *
_gh_tray_service_get_account_name (GhTrayService *self,
                                   const char    *session_name,
                                   const char    *account_id)
{
  GhRoleList *list = g_hash_table_lookup (self->role_lists, session_name);
  const char *name = list ? gh_role_list_lookup_account_name (list, account_id) : NULL;

  if (name != NULL)
    return name;
  for (guint i = 0; self->consoles != NULL && i < self->consoles->len; i++)
    {
      GhConsoleRecord *record = g_ptr_array_index (self->consoles, i);

      if (record->account_name != NULL && g_str_equal (record->session_name, session_name) &&
          g_str_equal (record->account_id, account_id))
        return record->account_name;
    }
  return NULL;
}

static const char *
account_name_cb (const char *session_name,
                 const char *account_id,
                 gpointer    user_data)
{
  return _gh_tray_service_get_account_name (user_data, session_name, account_id);
}

/* The icon, tooltip, menu and the "sessions" state: all derived from the sessions */

static GVariant *
sessions_state (GhTrayService *self)
{
  GListModel *sessions = G_LIST_MODEL (self->sessions);
  guint n = g_list_model_get_n_items (sessions);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(sxx)}"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);

      g_variant_builder_add (&builder, "{s(sxx)}", gh_session_get_name (session),
                             gh_session_status_to_string (gh_session_get_status (session)),
                             gh_session_get_access_expires_at (session),
                             gh_session_get_session_end (session));
    }
  return g_variant_builder_end (&builder);
}

static gint64
first_lead_seconds (GhTrayService *self)
{
  g_autoptr(GVariant) leads = NULL;
  gint32 max = 15;

  if (self->settings != NULL && gh_settings_has_key (self->settings, "notify-lead-times"))
    {
      gsize n = 0;
      const gint32 *values;

      leads = g_settings_get_value (self->settings, "notify-lead-times");
      values = g_variant_get_fixed_array (leads, &n, sizeof (gint32));
      max = 0;
      for (gsize i = 0; i < n; i++)
        max = MAX (max, values[i]);
    }
  return (gint64) max * 60;
}

static GhTrayIconState
icon_state_of (GhTraySessionState state)
{
  switch (state)
    {
    case GH_TRAY_SESSION_ERROR:
      return GH_TRAY_ICON_ERROR;
    case GH_TRAY_SESSION_EXPIRING:
      return GH_TRAY_ICON_EXPIRING;
    case GH_TRAY_SESSION_SIGNED_IN:
      return GH_TRAY_ICON_SIGNED_IN;
    case GH_TRAY_SESSION_SIGNED_OUT:
    case GH_TRAY_SESSION_SIGNING_IN:
    case GH_TRAY_SESSION_ENDED:
    default:
      return GH_TRAY_ICON_SIGNED_OUT;
    }
}

static void
tick_cb (gpointer user_data)
{
  GhTrayService *self = user_data;

  self->tick_id = 0;
  _gh_tray_service_queue_update (self);
}

/* "ends in 12 minutes" counts down: read the sign-ins again a little later. */
static void
schedule_tick (GhTrayService *self)
{
  if (self->tick_id == 0)
    self->tick_id = gh_clock_add_timer (self->clock, gh_clock_get_now (self->clock) + 30,
                                        tick_cb, self, NULL);
}

/* The icon, its status and the tooltip: one line per sign-in, as in the menu. */
static void
update_item (GhTrayService    *self,
             const GhTrayView *view)
{
  GListModel *sessions = G_LIST_MODEL (self->sessions);
  guint n = g_list_model_get_n_items (sessions);
  g_autoptr(GString) tooltip = g_string_new (NULL);
  g_autoptr(GBytes) pixmap = NULL;
  GhTrayIconState icon = GH_TRAY_ICON_SIGNED_OUT;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      GhTraySessionState state = gh_tray_session_state (session, view);
      g_autofree char *text = gh_tray_session_describe (session, view);

      icon = MAX (icon, icon_state_of (state));
      if (state == GH_TRAY_SESSION_EXPIRING)
        schedule_tick (self);
      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      /* TRANSLATORS: a tooltip line: a sign-in's name and its state */
      g_string_append_printf (tooltip, _("%s: %s"), gh_session_get_name (session), text);
    }
  if (tooltip->len == 0)
    g_string_append (tooltip, _("No sign-ins yet: gatehouse session add"));

  if (self->item == NULL)
    return;
  pixmap = gh_tray_icon_pixmap (icon, PIXMAP_SIZE);
  gh_status_notifier_set_icon (self->item, gh_tray_icon_name (icon), pixmap, PIXMAP_SIZE);
  gh_status_notifier_set_status (self->item,
                                 icon == GH_TRAY_ICON_EXPIRING || icon == GH_TRAY_ICON_ERROR
                                 ? GH_STATUS_NOTIFIER_NEEDS_ATTENTION
                                 : GH_STATUS_NOTIFIER_ACTIVE);
  gh_status_notifier_set_tooltip (self->item, "Gatehouse", tooltip->str);
}

GStrv
_gh_tray_service_dup_favorite_roles (GhTrayService *self)
{
  if (self->settings == NULL)
    return NULL;
  return g_settings_get_strv (self->settings, "favorite-roles");
}

static gboolean
update_cb (gpointer user_data)
{
  GhTrayService *self = user_data;
  g_auto(GStrv) favorites = _gh_tray_service_dup_favorite_roles (self);
  g_autoptr(GVariant) state = sessions_state (self);
  g_autoptr(GVariant) old = g_action_get_state (G_ACTION (self->sessions_action));
  GhTrayView view = {
    .now = gh_clock_get_now (self->clock),
    .expiring_lead = first_lead_seconds (self),
    .problems = self->keyring_told,
    .favorites = (const char * const *) favorites,
    .recents = (const char * const *) self->recents,
    .account_name = account_name_cb,
    .user_data = self,
  };

  self->update_id = 0;

  if (!g_variant_equal (old, state))
    g_simple_action_set_state (self->sessions_action, g_steal_pointer (&state));
  gh_tray_menu_update (self->menu, G_LIST_MODEL (self->sessions), &view);
  update_item (self, &view);
  return G_SOURCE_REMOVE;
}

void
_gh_tray_service_queue_update (GhTrayService *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_cb, self);
}

/* Notifications from the scheduler */

static void
session_ending_cb (GhTrayService      *self,
                   GhSession          *session,
                   int                 seconds,
                   GhRefreshScheduler *scheduler)
{
  const char *name = gh_session_get_name (session);
  g_autofree char *key = g_strdup_printf ("session/%s", name);
  g_autofree char *left = gh_tray_format_time_left (seconds);
  /* TRANSLATORS: the second %s is a time left: "12 minutes", "less than a minute" */
  g_autofree char *summary = g_strdup_printf (_("Your AWS sign-in “%s” ends in %s"), name, left);
  GhNotifierButton buttons[] = {
    { _("Sign in again"), "login", g_variant_new_string (name) },
    { _("Dismiss"), NULL, NULL },
  };

  gh_notifier_show (self->notifier, key, summary,
                    _("Sign in again to keep the AWS CLI and the console working."),
                    "io.github.gatehouse.Gatehouse", buttons, G_N_ELEMENTS (buttons));
  _gh_tray_service_queue_update (self);
}

static void
session_ended_cb (GhTrayService      *self,
                  GhSession          *session,
                  GhRefreshScheduler *scheduler)
{
  const char *name = gh_session_get_name (session);
  gboolean reply_lost = gh_session_get_end_reason (session) == GH_SESSION_END_REPLY_LOST;
  g_autofree char *key = g_strdup_printf ("session/%s", name);
  g_autofree char *summary = NULL;
  GhNotifierButton buttons[] = {
    { _("Sign in"), "login", g_variant_new_string (name) },
  };

  /* Not "signed out" when AWS renewed the sign-in and its answer was lost on the way. */
  if (reply_lost)
    summary = g_strdup_printf (_("Sign in to “%s” again"), name);
  else
    summary = g_strdup_printf (_("Signed out of “%s”"), name);
  gh_notifier_show (self->notifier, key, summary,
                    reply_lost ? _("AWS answered a refresh too late, or the answer was lost, "
                                   "and the sign-in cannot be renewed without it.")
                               : _("The AWS sign-in session has ended."),
                    "io.github.gatehouse.Gatehouse", buttons, G_N_ELEMENTS (buttons));
  _gh_tray_service_queue_update (self);
}

static void
refresh_failed_cb (GhTrayService      *self,
                   GhSession          *session,
                   const GError       *error,
                   GhRefreshScheduler *scheduler)
{
  const char *name = gh_session_get_name (session);
  g_autofree char *key = NULL;
  g_autofree char *summary = NULL;

  /* Network and service errors are retried quietly; the keyring needs the person. */
  if (!g_error_matches (error, GH_ERROR, GH_ERROR_KEYRING) ||
      g_hash_table_contains (self->keyring_told, name))
    return;
  g_hash_table_insert (self->keyring_told, g_strdup (name), g_strdup (error->message));

  key = g_strdup_printf ("keyring/%s", name);
  summary = g_strdup_printf (_("Gatehouse cannot keep “%s” signed in"), name);
  {
    /* The keyring errors say what to do (unlock it, start a Secret Service, make a default
     * keyring): one clear sentence, not a second one that repeats or contradicts it. */
    GhNotifierButton buttons[] = {
      { _("Try again"), "retry", g_variant_new_string (name) },
    };

    gh_notifier_show (self->notifier, key, summary, error->message, "dialog-password",
                      buttons, G_N_ELEMENTS (buttons));
  }
  _gh_tray_service_queue_update (self);
}

/* Failures of the credentials keeper: the keyring needs the person, as above. */
static void
keeper_failed_cb (GhTrayService       *self,
                  GhSession           *session,
                  const GError        *error,
                  GhCredentialsKeeper *keeper)
{
  refresh_failed_cb (self, session, error, self->scheduler);
}

static void
console_ending_cb (GhTrayService      *self,
                   const char         *target,
                   const char         *role,
                   const char         *account,
                   int                 seconds,
                   GhRefreshScheduler *scheduler)
{
  g_autofree char *key = g_strdup_printf ("console/%s", target);
  g_autofree char *left = gh_tray_format_time_left (seconds);
  /* TRANSLATORS: the last %s is a time left: "12 minutes", "less than a minute" */
  g_autofree char *summary = g_strdup_printf (_("Console for %s @ %s ends in %s"), role, account,
                                              left);
  GhNotifierButton buttons[] = {
    { _("Open again"), "open-console", g_variant_new_string (target) },
  };

  gh_notifier_show (self->notifier, key, summary, _("The AWS console session is about to end."),
                    "io.github.gatehouse.Gatehouse", buttons, G_N_ELEMENTS (buttons));
}

static void
roles_due_cb (GhTrayService *self,
              GhSession     *session)
{
  _gh_tray_service_refresh_roles (self, session, FALSE);
}

/* The sign-ins */

/* What stopped the sign-in's background work works again (a refresh or a renewal of keys
 * succeeded): the notification's "Try again" has nothing left to do, and the icon nothing to
 * warn about. */
void
_gh_tray_service_clear_keyring_problem (GhTrayService *self,
                                        GhSession     *session)
{
  g_autofree char *key = NULL;

  if (!g_hash_table_remove (self->keyring_told, gh_session_get_name (session)))
    return;
  key = g_strdup_printf ("keyring/%s", gh_session_get_name (session));
  gh_notifier_withdraw (self->notifier, key);
  _gh_tray_service_queue_update (self);
}

static void
refreshed_cb (GhTrayService      *self,
              GhSession          *session,
              GhRefreshScheduler *scheduler)
{
  _gh_tray_service_clear_keyring_problem (self, session);
}

static void
keeper_written_cb (GhTrayService       *self,
                   GhSession           *session,
                   GhCredentialsKeeper *keeper)
{
  _gh_tray_service_clear_keyring_problem (self, session);
}

static void
session_changed_cb (GhTrayService *self,
                    GParamSpec    *pspec,
                    GhSession     *session)
{
  /* A new token (from a refresh here or in a terminal) needed the keyring too. */
  if (g_str_equal (pspec->name, "access-expires-at") &&
      gh_session_status_is_signed_in (gh_session_get_status (session)))
    _gh_tray_service_clear_keyring_problem (self, session);
  gh_credentials_keeper_queue_evaluate (self->keeper);
  _gh_tray_service_queue_update (self);
}

typedef struct
{
  GhTrayService *self;
  GhSession     *session;
} RoleListLoad;

/* The cache says when the roles were listed, which is when the next daily refresh is due. */
static void
role_list_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  RoleListLoad *load = user_data;
  GhRoleList *list = GH_ROLE_LIST (object);
  g_autoptr(GError) error = NULL;
  gboolean loaded = gh_role_list_load_finish (list, result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gh_refresh_scheduler_roles_done (load->self->scheduler, load->session,
                                       loaded ? gh_role_list_get_fetched_at (list) : 0);
      _gh_tray_service_queue_update (load->self);
      _gh_tray_service_release_memory (load->self);
    }
  g_object_unref (load->session);
  g_object_unref (load->self);
  g_free (load);
}

static void
load_role_list (GhTrayService *self,
                GhSession     *session)
{
  GhRoleList *list = _gh_tray_service_get_role_list (self, gh_session_get_name (session));
  RoleListLoad *load = g_new0 (RoleListLoad, 1);

  load->self = g_object_ref (self);
  load->session = g_object_ref (session);
  gh_role_list_load_async (list, self->cancellable, role_list_loaded_cb, load);
}

static void
follow_session (GhTrayService *self,
                GhSession     *session)
{
  g_signal_connect_object (session, "present", G_CALLBACK (_gh_tray_service_present_sign_in),
                           self, 0);
  g_signal_connect_object (session, "notify", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  load_role_list (self, session);
}

/* The manager replaces its list on every reload, keeping the session of every definition that
 * did not change: only the sessions new to us get handlers and a role list load. */
static void
sessions_changed_cb (GhTrayService *self,
                     guint          position,
                     guint          removed,
                     guint          added,
                     GListModel    *sessions)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->known);
  guint n = g_list_model_get_n_items (sessions);

  self->known = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      guint index;

      if (g_ptr_array_find (old, session, &index))
        g_ptr_array_add (self->known, g_ptr_array_steal_index (old, index));
      else
        {
          follow_session (self, session);
          g_ptr_array_add (self->known, g_steal_pointer (&session));
        }
    }
  for (guint i = 0; i < old->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (old, i), self);
  _gh_tray_service_queue_update (self);
}

/* Keeping up with the files the manager does not watch */

static void
reload_consoles (GhTrayService *self)
{
  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  self->consoles = gh_console_history_list ();
  g_clear_pointer (&self->recents, g_strfreev);
  self->recents = gh_console_history_recent_roles ();
  gh_refresh_scheduler_set_consoles (self->scheduler, self->consoles);
  _gh_tray_service_queue_update (self);
}

static gboolean
reload_consoles_cb (gpointer user_data)
{
  GhTrayService *self = user_data;

  self->reload_consoles_id = 0;
  reload_consoles (self);
  return G_SOURCE_REMOVE;
}

static gboolean
reload_keeper_cb (gpointer user_data)
{
  GhTrayService *self = user_data;

  self->reload_keeper_id = 0;
  gh_credentials_keeper_reload (self->keeper);
  return G_SOURCE_REMOVE;
}

/* Editors and the AWS CLI write a file in several steps: one reload for the lot. */
static void
queue_reload (guint       *source_id,
              GSourceFunc  callback,
              gpointer     user_data)
{
  if (*source_id == 0)
    *source_id = g_timeout_add (RELOAD_DELAY_MS, callback, user_data);
}

static void
credentials_dir_changed_cb (GhTrayService *self)
{
  queue_reload (&self->reload_keeper_id, reload_keeper_cb, self);
}

static void
state_dir_changed_cb (GhTrayService *self,
                      GFile         *file)
{
  /* Lock files come and go with every operation; they change nothing. */
  if (!g_str_has_suffix (g_file_peek_path (file), ".lock"))
    queue_reload (&self->reload_consoles_id, reload_consoles_cb, self);
}

/* The credentials file usually lives next to the config file: the manager's config-changed
 * covers it then. */
static void
config_changed_cb (GhTrayService    *self,
                   GhSessionManager *sessions)
{
  gh_credentials_keeper_reload (self->keeper);
  _gh_tray_service_queue_update (self);
}

static void
watch_directory (GhTrayService *self,
                 const char    *path,
                 GCallback      callback)
{
  GFileMonitor *monitor = gh_file_monitor_directory (path);

  if (monitor == NULL)
    return;
  g_signal_connect_object (monitor, "changed", callback, self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->monitors, monitor);
}

/* The manager watches the config file's folder, the sign-in states and the token cache; the
 * tray also needs the credentials file (when it lives elsewhere) and the console history. */
static void
watch_files (GhTrayService *self)
{
  g_autofree char *config_dir =
    g_path_get_dirname (gh_session_manager_get_config_path (self->sessions));
  g_autofree char *credentials_dir =
    g_path_get_dirname (gh_credentials_keeper_get_path (self->keeper));
  g_autofree char *state_file = gh_session_state_path ("x");
  g_autofree char *sessions_dir = g_path_get_dirname (state_file);
  g_autofree char *gatehouse_state = g_path_get_dirname (sessions_dir);

  g_signal_connect_object (self->sessions, "config-changed", G_CALLBACK (config_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sessions, "state-changed", G_CALLBACK (reload_consoles),
                           self, G_CONNECT_SWAPPED);
  gh_session_manager_watch (self->sessions);
  if (!g_str_equal (credentials_dir, config_dir))
    watch_directory (self, credentials_dir, G_CALLBACK (credentials_dir_changed_cb));
  watch_directory (self, gatehouse_state, G_CALLBACK (state_dir_changed_cb));
}

/* Settings */

static void
apply_lead_times (GhTrayService *self)
{
  g_autoptr(GVariant) value = NULL;
  const gint32 *leads;
  gsize n = 0;

  if (self->settings == NULL || !gh_settings_has_key (self->settings, "notify-lead-times"))
    return;
  value = g_settings_get_value (self->settings, "notify-lead-times");
  leads = g_variant_get_fixed_array (value, &n, sizeof (gint32));
  gh_refresh_scheduler_set_lead_times (self->scheduler, leads, n);
}

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     gpointer    user_data)
{
  GhTrayService *self = user_data;

  if (g_strcmp0 (key, "notify-lead-times") == 0)
    apply_lead_times (self);
  _gh_tray_service_queue_update (self);
}

static GSettings *
open_settings (void)
{
  g_autoptr(GSettings) settings = gh_settings_new (NULL);

  if (settings == NULL || !gh_settings_has_key (settings, "favorite-roles"))
    {
      g_message ("The settings schema %s is not installed: no favourites in the menu",
                 APPLICATION_ID);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

/* The tray icon */

static void
item_activate_cb (GhTrayService    *self,
                  int               x,
                  int               y,
                  GhStatusNotifier *item)
{
  g_autoptr(GhSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), 0);

  if (session != NULL && (gh_session_get_status (session) == GH_SESSION_SIGNED_OUT ||
                          gh_session_get_status (session) == GH_SESSION_EXPIRED))
    _gh_tray_service_start_login (self, session, GH_FLOW_AUTHORIZATION_CODE);
  else
    _gh_tray_service_present_window (self, GH_TRAY_MENU_PAGE_MAIN, NULL);
}

static void
item_secondary_activate_cb (GhTrayService    *self,
                            int               x,
                            int               y,
                            GhStatusNotifier *item)
{
  if (self->recents != NULL && self->recents[0] != NULL)
    _gh_tray_service_open_console (self, self->recents[0]);
}

static void
item_unavailable_cb (GhTrayService    *self,
                     GhStatusNotifier *item)
{
  if (self->told_unavailable)
    return;
  self->told_unavailable = TRUE;
  _gh_tray_service_notify (self, "tray",
                           _("Gatehouse has no tray icon"),
                           _("The desktop shows no StatusNotifierItem icons (on GNOME, install "
                             "the AppIndicator extension). Gatehouse keeps you signed in and "
                             "notifies you anyway; use the gatehouse command for the rest."));
}

static char *
icon_theme_path (void)
{
  const char *env = g_getenv ("GATEHOUSE_ICON_THEME_PATH");
  g_autofree char *installed = g_build_filename (GH_INSTALLED_ICON_DIR, "hicolor", "scalable",
                                                 "status", "gatehouse-signed-in.svg", NULL);
  g_autofree char *source = g_build_filename (GH_SOURCE_ICON_DIR, "hicolor", "scalable",
                                              "status", "gatehouse-signed-in.svg", NULL);

  if (env != NULL)
    return g_strdup (env);
  /* An uninstalled build: point hosts at the source tree's icons. */
  if (!g_file_test (installed, G_FILE_TEST_EXISTS) && g_file_test (source, G_FILE_TEST_EXISTS))
    return g_strdup (GH_SOURCE_ICON_DIR);
  return NULL;
}

static void
start_tray_icon (GhTrayService *self)
{
  GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (self));
  g_autoptr(GError) error = NULL;
  g_autofree char *theme_path = icon_theme_path ();

  if (connection == NULL)
    {
      g_message ("No session bus: no tray icon");
      return;
    }

  self->dbus_menu = gh_dbus_menu_new (G_MENU_MODEL (self->menu), G_ACTION_GROUP (self));
  if (!gh_dbus_menu_export (self->dbus_menu, connection, MENU_PATH, &error))
    {
      g_warning ("Could not export the tray menu: %s", error->message);
      g_clear_object (&self->dbus_menu);
      return;
    }

  self->item = gh_status_notifier_new (connection, APPLICATION_ID, MENU_PATH);
  /* What hosts show as the item's name (waybar's tooltip, KDE's list of items). */
  gh_status_notifier_set_title (self->item, "Gatehouse");
  if (theme_path != NULL)
    gh_status_notifier_set_icon_theme_path (self->item, theme_path);
  g_signal_connect_object (self->item, "activate", G_CALLBACK (item_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item, "secondary-activate",
                           G_CALLBACK (item_secondary_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item, "unavailable", G_CALLBACK (item_unavailable_cb), self,
                           G_CONNECT_SWAPPED);
  /* The first icon, tooltip and menu before any host sees the item. */
  g_clear_handle_id (&self->update_id, g_source_remove);
  update_cb (self);
  if (!gh_status_notifier_start (self->item, &error))
    {
      g_warning ("Could not show the tray icon: %s", error->message);
      g_clear_object (&self->item);
    }
}

/* GApplication */

/* `gatehouse` typed in a terminal runs the tray service, which prints nothing and never
 * returns: say what is going on, lest it look like a hang. */
static void
tell_terminal (GApplication *application)
{
  if (!isatty (STDOUT_FILENO))
    return;
  if (g_application_get_is_remote (application))
    g_printerr ("%s\n", _("Gatehouse is already running in the tray; it was asked to show "
                          "itself."));
  else
    g_printerr ("%s\n", _("Gatehouse is running in the tray. Stop it with its Quit menu item "
                          "or Ctrl+C."));
  g_printerr ("%s\n", _("For the commands, see: gatehouse --help"));
}

static int
gh_tray_service_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_contains (options, "background"))
    {
      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("gatehouse: %s\n", error->message);
          return 1;
        }
      tell_terminal (application);
      return -1;
    }

  /* Autostart: never present anything, and leave a running instance alone. */
  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("gatehouse: %s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (application))
    return 0;
  self->background = TRUE;
  return -1;
}

static void
start_scheduler (GhTrayService *self)
{
  self->scheduler = gh_refresh_scheduler_new (self->clock, G_LIST_MODEL (self->sessions));
  g_signal_connect_object (self->scheduler, "session-ending", G_CALLBACK (session_ending_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "session-ended", G_CALLBACK (session_ended_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "refreshed", G_CALLBACK (refreshed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "refresh-failed", G_CALLBACK (refresh_failed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "console-ending", G_CALLBACK (console_ending_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "roles-due", G_CALLBACK (roles_due_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
start_keeper (GhTrayService *self)
{
  g_autofree char *credentials_path = gh_credentials_file_default_path ();

  self->keeper = gh_credentials_keeper_new (self->clock, self->sessions, credentials_path);
  g_signal_connect_object (self->keeper, "write-failed", G_CALLBACK (keeper_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keeper, "written", G_CALLBACK (keeper_written_cb), self,
                           G_CONNECT_SWAPPED);
  gh_credentials_keeper_reload (self->keeper);
}

static void
gh_tray_service_startup (GApplication *application)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (gh_tray_service_parent_class)->startup (application);

  /* It lives in the tray until asked to quit. */
  g_application_hold (application);

  self->notifier = gh_notifier_new (G_ACTION_GROUP (self));
  self->clock = g_object_ref (gh_clock_get_default ());
  self->sessions = gh_session_manager_new (NULL);
  g_signal_connect_object (self->sessions, "items-changed", G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);
  start_scheduler (self);

  self->settings = open_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                             0);
  apply_lead_times (self);

  start_keeper (self);
  watch_files (self);
  if (!gh_session_manager_reload (self->sessions, &error))
    g_warning ("%s", error->message);
  reload_consoles (self);
  update_cb (self);
  start_tray_icon (self);
}

static void
gh_tray_service_activate (GApplication *application)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);

  /* The activation that comes with starting in the background presents nothing. */
  if (self->background)
    {
      self->background = FALSE;
      return;
    }
  _gh_tray_service_present_window (self, GH_TRAY_MENU_PAGE_MAIN, NULL);
}

static void
gh_tray_service_shutdown (GApplication *application)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_keeper_id, g_source_remove);
  g_clear_handle_id (&self->reload_consoles_id, g_source_remove);
  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_handle_id (&self->trim_id, g_source_remove);
  if (self->tick_id != 0)
    gh_clock_remove_timer (self->clock, self->tick_id);
  self->tick_id = 0;
  g_ptr_array_set_size (self->monitors, 0);
  if (self->dbus_menu != NULL)
    gh_dbus_menu_unexport (self->dbus_menu);
  g_clear_object (&self->dbus_menu);
  g_clear_object (&self->item);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->keeper);
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  for (guint i = 0; i < self->known->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->known, i), self);
  g_ptr_array_set_size (self->known, 0);
  g_clear_object (&self->sessions);
  g_clear_object (&self->clock);
  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);

  G_APPLICATION_CLASS (gh_tray_service_parent_class)->shutdown (application);
}

/* The search provider is on the bus before the name is: a search that starts the service
 * (D-Bus activation) finds it there. */
static gboolean
gh_tray_service_dbus_register (GApplication     *application,
                               GDBusConnection  *connection,
                               const char       *object_path,
                               GError          **error)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);

  if (!G_APPLICATION_CLASS (gh_tray_service_parent_class)->dbus_register (application, connection,
                                                                          object_path, error))
    return FALSE;
  self->search_provider = gh_search_provider_new (self);
  return gh_search_provider_export (self->search_provider, connection, error);
}

static void
gh_tray_service_dbus_unregister (GApplication    *application,
                                 GDBusConnection *connection,
                                 const char      *object_path)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);

  if (self->search_provider != NULL)
    gh_search_provider_unexport (self->search_provider);
  g_clear_object (&self->search_provider);
  G_APPLICATION_CLASS (gh_tray_service_parent_class)->dbus_unregister (application, connection,
                                                                       object_path);
}

static void
gh_tray_service_finalize (GObject *object)
{
  GhTrayService *self = GH_TRAY_SERVICE (object);

  g_clear_pointer (&self->known, g_ptr_array_unref);
  g_clear_pointer (&self->role_lists, g_hash_table_unref);
  g_clear_pointer (&self->roles_running, g_hash_table_unref);
  g_clear_pointer (&self->sync_after_roles, g_hash_table_unref);
  g_clear_pointer (&self->keyring_told, g_hash_table_unref);
  g_clear_pointer (&self->prompts, g_hash_table_unref);
  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  g_clear_pointer (&self->recents, g_strfreev);
  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_object (&self->menu);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (gh_tray_service_parent_class)->finalize (object);
}

static void
gh_tray_service_class_init (GhTrayServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = gh_tray_service_finalize;
  app_class->handle_local_options = gh_tray_service_handle_local_options;
  app_class->startup = gh_tray_service_startup;
  app_class->activate = gh_tray_service_activate;
  app_class->shutdown = gh_tray_service_shutdown;
  app_class->dbus_register = gh_tray_service_dbus_register;
  app_class->dbus_unregister = gh_tray_service_dbus_unregister;
}

static void
gh_tray_service_init (GhTrayService *self)
{
  const GOptionEntry options[] = {
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start in the tray without presenting anything (autostart)"), NULL },
    { NULL }
  };

  self->known = g_ptr_array_new_with_free_func (g_object_unref);
  self->role_lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->roles_running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sync_after_roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->keyring_told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->prompts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->menu = g_menu_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  _gh_tray_service_actions_init (self);
}

GhTrayService *
gh_tray_service_new (void)
{
  return g_object_new (GH_TYPE_TRAY_SERVICE,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/* GSlice before GLib 2.76 keeps every block it ever handed out (GObjects, JSON nodes, list
 * links) in caches of its own, which it does not give back while the process is idle: reading
 * a role cache of 15000 roles left some ten megabytes behind for the rest of the day. GLib 2.76
 * made GSlice plain malloc. On older GLib the choice is made before main() (G_SLICE in the
 * environment), so the tray starts itself again, as the same process, with G_SLICE set; the
 * variable is dropped again so that what the tray starts (a browser) does not inherit it. */
#define SLICES_MARKER "GATEHOUSE_SLICES_FROM_MALLOC"

/* Not under AddressSanitizer: it measures no memory, and with every slice a malloc block of
 * its own LeakSanitizer reports the one-time allocations libsecret and GIO keep for the process's
 * life (in static functions, so no suppression can name them), burying leaks of ours. */
#if defined(__SANITIZE_ADDRESS__)
#define GH_SLICES_FROM_MALLOC 0
#else
#define GH_SLICES_FROM_MALLOC !GLIB_CHECK_VERSION (2, 76, 0)
#endif

static void
use_malloc_for_slices (char **argv)
{
#if GH_SLICES_FROM_MALLOC
  if (g_getenv (SLICES_MARKER) != NULL)
    {
      g_unsetenv (SLICES_MARKER);
      g_unsetenv ("G_SLICE");
      return;
    }
  if (g_getenv ("G_SLICE") != NULL)
    return;
  g_setenv (SLICES_MARKER, "1", TRUE);
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  execv ("/proc/self/exe", argv);
  /* No /proc: run as we are. */
  g_unsetenv (SLICES_MARKER);
  g_unsetenv ("G_SLICE");
#endif
}

int
gh_tray_service_run (int    argc,
                     char **argv)
{
  g_autoptr(GhTrayService) service = NULL;

  use_malloc_for_slices (argv);
  /* The desktop's proxy settings where GIO knows them, else the environment's, as the CLI */
  gh_http_use_environment_proxies (!gh_http_desktop_has_proxy_settings ());
  service = gh_tray_service_new ();
  g_set_application_name ("Gatehouse");
  return g_application_run (G_APPLICATION (service), argc, argv);
}
