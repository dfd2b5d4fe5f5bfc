/* gh-tray-service.c — `gatehouse` without a subcommand: the tray service
 *
 * Owns the sessions of the AWS config file (kept current through file monitors, so `gatehouse
 * login` in a terminal shows up at once), the StatusNotifierItem and its dbusmenu, the refresh
 * scheduler, the keeper of credentials-file sections and the notifications. Everything the menu, the notifications and other processes
 * do goes through the application's actions, exported on the session bus.
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "gh-aws-config.h"
#include "gh-console-history.h"
#include "gh-console-request.h"
#include "gh-credentials-file.h"
#include "gh-credentials-keeper.h"
#include "gh-dbus-menu.h"
#include "gh-discovery.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-notifier.h"
#include "gh-profile-sync.h"
#include "gh-refresh-scheduler.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-credentials.h"
#include "gh-role-target.h"
#include "gh-session-state.h"
#include "gh-settings.h"
#include "gh-status-notifier.h"
#include "gh-token-cache.h"
#include "gh-tray-icon.h"
#include "gh-tray-menu.h"
#include "gh-tray-service.h"

#define MENU_PATH "/MenuBar"
#define PIXMAP_SIZE 44
#define RELOAD_DELAY_MS 200

struct _GhTrayService
{
  GApplication        parent_instance;

  gboolean            background;        /* --background: start without presenting */
  gboolean            told_unavailable;

  char               *config_path;
  GPtrArray          *sessions;          /* GhSession, config file order */
  GHashTable         *account_names;     /* session name → (account id → account name) */
  GHashTable         *roles_running;     /* session names with a role listing in flight */
  GHashTable         *sync_after_roles;  /* session names to sync once their roles are listed */
  GHashTable         *keyring_told;      /* session names told about a keyring failure */
  GPtrArray          *consoles;          /* GhConsoleRecord, newest first */
  GStrv               recents;
  GSettings          *settings;          /* NULL without the installed schema */

  GMenu              *menu;
  GhDbusMenu         *dbus_menu;
  GhStatusNotifier   *item;
  GhNotifier         *notifier;
  GhRefreshScheduler *scheduler;
  GhCredentialsKeeper *keeper;
  GSimpleAction      *sessions_action;
  GPtrArray          *monitors;          /* GFileMonitor */
  GCancellable       *cancellable;

  guint               reload_config_id;
  guint               reload_state_id;
  guint               update_id;
  gboolean            error_state;
};

G_DEFINE_FINAL_TYPE (GhTrayService, gh_tray_service, G_TYPE_APPLICATION)

static void queue_update (GhTrayService *self);
static void start_role_refresh (GhTrayService *self, GhSession *session, gboolean sync_after);

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
notify_simple (GhTrayService *self,
               const char    *key,
               const char    *summary,
               const char    *body)
{
  gh_notifier_show (self->notifier, key, summary, body, "io.github.gatehouse.Gatehouse", NULL, 0);
}

/* Account names (from the role cache) for menu labels */

static void
remember_account_names (GhTrayService *self,
                        const char    *session_name,
                        GPtrArray     *roles)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (gh_role_get_account_name (role) != NULL)
        g_hash_table_replace (names, g_strdup (gh_role_get_account_id (role)),
                              g_strdup (gh_role_get_account_name (role)));
    }
  g_hash_table_replace (self->account_names, g_strdup (session_name), names);
}

static const char *
account_name_cb (const char *session_name,
                 const char *account_id,
                 gpointer    user_data)
{
  GhTrayService *self = user_data;
  GHashTable *names = g_hash_table_lookup (self->account_names, session_name);
  const char *name = names ? g_hash_table_lookup (names, account_id) : NULL;

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

/* The icon, tooltip, menu and the "sessions" state: all derived from the sessions */

static GVariant *
sessions_state (GhTrayService *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(sxx)}"));
  for (guint i = 0; self->sessions != NULL && i < self->sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (self->sessions, i);

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

static void
update_item (GhTrayService *self)
{
  g_autoptr(GString) tooltip = g_string_new (NULL);
  g_autoptr(GBytes) pixmap = NULL;
  GhTrayIconState state = GH_TRAY_ICON_SIGNED_OUT;
  gint64 now = now_seconds ();
  gint64 lead = first_lead_seconds (self);

  for (guint i = 0; self->sessions != NULL && i < self->sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (self->sessions, i);
      GhSessionStatus status = gh_session_get_status (session);
      gint64 end = gh_session_get_session_end (session);
      g_autofree char *line = NULL;

      if (gh_session_status_is_signed_in (gh_session_get_status (session)))
        {
          g_autofree char *until = gh_tray_format_time (end);

          line = end > 0 ? g_strdup_printf (_("%s: signed in until %s"),
                                            gh_session_get_name (session), until)
                         : g_strdup_printf (_("%s: signed in"), gh_session_get_name (session));
          if (end > 0 && end - now <= lead)
            state = MAX (state, GH_TRAY_ICON_EXPIRING);
          else
            state = MAX (state, GH_TRAY_ICON_SIGNED_IN);
        }
      else if (status == GH_SESSION_SIGNING_IN)
        line = g_strdup_printf (_("%s: signing in…"), gh_session_get_name (session));
      else if (status == GH_SESSION_EXPIRED)
        line = g_strdup_printf (_("%s: sign-in ended"), gh_session_get_name (session));
      else if (status == GH_SESSION_ERROR)
        {
          line = g_strdup_printf (_("%s: %s"), gh_session_get_name (session),
                                  gh_session_get_error_message (session)
                                  ? gh_session_get_error_message (session) : _("error"));
          state = GH_TRAY_ICON_ERROR;
        }
      else
        line = g_strdup_printf (_("%s: signed out"), gh_session_get_name (session));

      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      g_string_append (tooltip, line);
    }
  if (self->error_state)
    state = GH_TRAY_ICON_ERROR;
  if (tooltip->len == 0)
    g_string_append (tooltip, _("No sign-ins yet: gatehouse session add"));

  if (self->item == NULL)
    return;
  pixmap = gh_tray_icon_pixmap (state, PIXMAP_SIZE);
  gh_status_notifier_set_icon (self->item, gh_tray_icon_name (state), pixmap, PIXMAP_SIZE);
  gh_status_notifier_set_status (self->item,
                                 state == GH_TRAY_ICON_EXPIRING || state == GH_TRAY_ICON_ERROR
                                 ? GH_STATUS_NOTIFIER_NEEDS_ATTENTION
                                 : GH_STATUS_NOTIFIER_ACTIVE);
  gh_status_notifier_set_tooltip (self->item, "Gatehouse", tooltip->str);
}

static GStrv
favorite_roles (GhTrayService *self)
{
  if (self->settings == NULL)
    return NULL;
  return g_settings_get_strv (self->settings, "favorite-roles");
}

static gboolean
update_cb (gpointer user_data)
{
  GhTrayService *self = user_data;
  g_auto(GStrv) favorites = favorite_roles (self);
  g_autoptr(GVariant) state = sessions_state (self);
  g_autoptr(GVariant) old = g_action_get_state (G_ACTION (self->sessions_action));

  self->update_id = 0;

  if (!g_variant_equal (old, state))
    g_simple_action_set_state (self->sessions_action, g_steal_pointer (&state));
  gh_tray_menu_update (self->menu, self->sessions, (const char * const *) favorites,
                       (const char * const *) self->recents, account_name_cb, self);
  update_item (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (GhTrayService *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_cb, self);
}

/* Sign-in */

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

      notify_simple (self, "browser", _("Sign-in needs a browser"), body);
    }
}

static void
present_cb (GhSession  *session,
            const char *url,
            const char *user_code,
            gpointer    user_data)
{
  GhTrayService *self = user_data;

  if (user_code != NULL)
    {
      g_autofree char *body = g_strdup_printf (_("Confirm the code %s in the browser"), user_code);

      notify_simple (self, "device-code", _("Sign in to AWS"), body);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup_printf ("session/%s", gh_session_get_name (session));

  if (gh_session_login_finish (session, result, &error))
    {
      gh_notifier_withdraw (self->notifier, key);
      g_hash_table_remove (self->keyring_told, gh_session_get_name (session));
      /* A fresh sign-in: a good moment for the role list too, if there is none yet. */
      if (!g_hash_table_contains (self->account_names, gh_session_get_name (session)))
        start_role_refresh (self, session, FALSE);
      queue_update (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  {
    g_autofree char *summary = g_strdup_printf (_("Sign-in to “%s” failed"),
                                                gh_session_get_name (session));
    GhNotifierButton buttons[] = {
      { _("Try again"), "login", g_variant_new_string (gh_session_get_name (session)) },
    };

    gh_notifier_show (self->notifier, key, summary, error->message, "dialog-error",
                      buttons, G_N_ELEMENTS (buttons));
  }
}

static void
start_login (GhTrayService *self,
             GhSession     *session)
{
  if (gh_session_get_status (session) == GH_SESSION_SIGNING_IN)
    return;
  gh_session_login_async (session, GH_FLOW_AUTHORIZATION_CODE, self->cancellable, login_cb,
                          g_object_ref (self));
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
    notify_simple (self, "logout", _("Could not sign out"), error->message);
  queue_update (self);
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

static void
open_console (GhTrayService *self,
              const char    *target)
{
  g_autofree char *session_name = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *role = NULL;
  g_autoptr(GhConsoleRequest) request = NULL;
  GhSession *session;
  ConsoleData *data;

  if (!gh_role_target_parse (target, &session_name, &account_id, &role) ||
      (session = gh_session_find (self->sessions, session_name)) == NULL)
    {
      g_autofree char *body = g_strdup_printf (_("No sign-in for “%s” in %s"), target,
                                               self->config_path);

      notify_simple (self, "console", _("Could not open the AWS console"), body);
      return;
    }

  /* The console home of the sign-in's region; the preferences fill in the rest. */
  request = gh_console_request_new (session, account_id, role);
  gh_console_request_set_account_name (request, account_name_cb (session_name, account_id, self));
  data = g_new0 (ConsoleData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup (target);
  gh_console_request_open_async (request, self->cancellable, console_opened_cb, data);
}

/* Roles: daily and on demand, with one summary notification of what changed */

typedef struct
{
  GhTrayService *self;
  GhSession     *session;
  GPtrArray     *roles;         /* GhRole: the new listing */
  gint64         listed_at;
  gboolean       sync_after;
} RolesData;

static RolesData *
roles_data_new (GhTrayService *self,
                GhSession     *session)
{
  RolesData *data = g_new0 (RolesData, 1);

  data->self = g_object_ref (self);
  data->session = g_object_ref (session);
  return data;
}

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

  if (added->len > 0)
    {
      g_autofree char *first = describe_role (g_ptr_array_index (added, 0));

      summary = total == 1 ? g_strdup_printf (_("You now have %s"), first)
                           : g_strdup_printf (ngettext ("You now have %s (and %u more change)",
                                                        "You now have %s (and %u more changes)",
                                                        total - 1), first, total - 1);
    }
  else
    {
      g_autofree char *first = describe_role (g_ptr_array_index (removed, 0));

      summary = total == 1 ? g_strdup_printf (_("You no longer have %s"), first)
                           : g_strdup_printf (ngettext ("You no longer have %s (and %u more change)",
                                                        "You no longer have %s (and %u more changes)",
                                                        total - 1), first, total - 1);
    }

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

  notify_simple (self, key, summary, body->str);
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

static void sync_listed_roles (GhTrayService *self, GhSession *session, GPtrArray *roles);

static void
roles_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gh_role_cache_save_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("%s", error->message);
}

static void
tell_role_changes (GhTrayService *self,
                   GhSession     *session,
                   GPtrArray     *before,
                   GPtrArray     *after)
{
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  gh_role_diff (before, after, &added, &removed);
  notify_role_changes (self, session, added, removed);
  /* Their cached credentials would otherwise stay in the keyring for ever. */
  if (removed->len > 0)
    gh_role_credentials_forget_async (removed, self->cancellable,
                                      removed_roles_forgotten_cb, g_object_ref (self));
}

/* The cache still holds the previous listing: what changed is told, then the new one is saved */
static void
previous_roles_loaded_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  RolesData *data = user_data;
  GhTrayService *self = data->self;
  GhSession *session = data->session;
  const char *name = gh_session_get_name (session);
  g_autoptr(GPtrArray) before = gh_role_cache_load_finish (result, NULL, NULL);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      roles_data_free (data);
      return;
    }

  if (before != NULL)
    tell_role_changes (self, session, before, data->roles);
  gh_role_cache_save_async (name, data->roles, data->listed_at, self->cancellable,
                            roles_saved_cb, NULL);
  remember_account_names (self, name, data->roles);
  gh_refresh_scheduler_roles_done (self->scheduler, session, data->listed_at);

  /* Its own notification: the report of the sync that asked for it stays visible. */
  if (data->sync_after)
    sync_listed_roles (self, session, data->roles);
  queue_update (self);
  roles_data_free (data);
}

static void
roles_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RolesData *data = user_data;
  GhTrayService *self = data->self;
  GhSession *session = data->session;
  const char *name = gh_session_get_name (session);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = gh_discovery_run_finish (GH_DISCOVERY (object), result, &error);
  gboolean sync_after = g_hash_table_remove (self->sync_after_roles, name);
  gint64 now = now_seconds ();

  g_hash_table_remove (self->roles_running, name);
  if (roles == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Role refresh of %s failed: %s", name, error->message);
          /* Try again in an hour rather than tomorrow. */
          gh_refresh_scheduler_roles_done (self->scheduler, session,
                                           now - GH_ROLES_REFRESH_INTERVAL + 3600);
          if (sync_after)
            {
              g_autofree char *key = g_strdup_printf ("sync/%s", name);

              notify_simple (self, key, _("Could not sync AWS CLI profiles"), error->message);
            }
        }
    }
  else
    {
      data->roles = g_steal_pointer (&roles);
      data->listed_at = now;
      data->sync_after = sync_after;
      gh_role_cache_load_async (name, self->cancellable, previous_roles_loaded_cb, data);
      return;
    }

  roles_data_free (data);
}

static void
start_role_refresh (GhTrayService *self,
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

  data = roles_data_new (self, session);
  discovery = gh_discovery_new (session, NULL);
  gh_discovery_run_async (discovery, self->cancellable, roles_listed_cb, data);
}

static void
roles_due_cb (GhTrayService *self,
              GhSession     *session)
{
  start_role_refresh (self, session, FALSE);
}

/* Sync: the sessions of one request one after another, each on a worker thread (the config
 * lock may be held by a CLI), reported together in one notification */

typedef struct
{
  GhTrayService *self;
  char          *key;          /* the notification's */
  GPtrArray     *pending;      /* GhSession still to sync, in order */
  GhSession     *session;      /* the one being synced */
  GString       *report;
  GString       *problems;
} SyncRun;

static SyncRun *
sync_run_new (GhTrayService *self,
              const char    *key)
{
  SyncRun *run = g_new0 (SyncRun, 1);

  run->self = g_object_ref (self);
  run->key = g_strdup (key);
  run->pending = g_ptr_array_new_with_free_func (g_object_unref);
  run->report = g_string_new (NULL);
  run->problems = g_string_new (NULL);
  return run;
}

static void
sync_run_free (SyncRun *run)
{
  g_string_free (run->problems, TRUE);
  g_string_free (run->report, TRUE);
  g_clear_object (&run->session);
  g_ptr_array_unref (run->pending);
  g_free (run->key);
  g_object_unref (run->self);
  g_free (run);
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
  notify_simple (self, key, summary, body);
}

static void sync_run_next (SyncRun *run);

static void
session_synced_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SyncRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncResult) sync = gh_profile_sync_finish (result, &error);

  if (g_cancellable_is_cancelled (run->self->cancellable))
    {
      sync_run_free (run);
      return;
    }

  if (sync == NULL)
    g_string_append_printf (run->problems, "%s\n", error->message);
  else
    {
      g_string_append_printf (run->report, _("%s: %u added, %u updated, %u removed\n"),
                              gh_session_get_name (run->session), sync->added->len,
                              sync->updated->len, sync->removed->len);
      for (guint i = 0; i < sync->skipped->len; i++)
        g_string_append_printf (run->problems, "%s\n",
                                (char *) g_ptr_array_index (sync->skipped, i));
    }
  sync_run_next (run);
}

/* With the sign-in's stored sync settings (what `gatehouse sync` last asked for); only the
 * favourites and the command to write are the tray's to give. */
static void
sync_run_session (SyncRun   *run,
                  GPtrArray *roles)
{
  const char *name = gh_session_get_name (run->session);
  g_auto(GStrv) favorites = favorite_roles (run->self);
  g_auto(GStrv) favorite_keys = NULL;
  g_autofree char *command = gh_profile_sync_default_command ();
  GhSyncOptions options = { 0, };

  if (favorites != NULL)
    favorite_keys = gh_role_target_keys_of_session ((const char * const *) favorites, name);
  options.gatehouse_command = command;
  options.favorite_keys = favorite_keys;
  gh_profile_sync_async (run->self->config_path, name, roles, &options, FALSE,
                         run->self->cancellable, session_synced_cb, run);
}

static void
sync_roles_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SyncRun *run = user_data;
  g_autoptr(GPtrArray) roles = gh_role_cache_load_finish (result, NULL, NULL);
  const char *name = gh_session_get_name (run->session);

  if (g_cancellable_is_cancelled (run->self->cancellable))
    sync_run_free (run);
  else if (roles != NULL)
    sync_run_session (run, roles);
  else
    {
      if (gh_session_status_is_signed_in (gh_session_get_status (run->session)))
        start_role_refresh (run->self, run->session, TRUE);   /* reported when listed */
      else
        g_string_append_printf (run->problems, _("%s: sign in first to list its roles\n"),
                                name);
      sync_run_next (run);
    }
}

static void
sync_run_next (SyncRun *run)
{
  g_clear_object (&run->session);
  if (run->pending->len == 0)
    {
      if (run->report->len > 0 || run->problems->len > 0)
        report_sync (run->self, run->key, run->report, run->problems);
      sync_run_free (run);
      return;
    }

  run->session = g_ptr_array_steal_index (run->pending, 0);
  gh_role_cache_load_async (gh_session_get_name (run->session), run->self->cancellable,
                            sync_roles_loaded_cb, run);
}

/* After a listing that a sync asked for */
static void
sync_listed_roles (GhTrayService *self,
                   GhSession     *session,
                   GPtrArray     *roles)
{
  g_autofree char *key = g_strdup_printf ("sync/%s", gh_session_get_name (session));
  SyncRun *run = sync_run_new (self, key);

  run->session = g_object_ref (session);
  sync_run_session (run, roles);
}

static void
sync_sessions (GhTrayService *self,
               const char    *only)
{
  SyncRun *run = sync_run_new (self, "sync");

  for (guint i = 0; i < self->sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (self->sessions, i);

      if (only == NULL || *only == '\0' || g_str_equal (only, gh_session_get_name (session)))
        g_ptr_array_add (run->pending, g_object_ref (session));
    }

  if (run->pending->len == 0)
    g_string_append (run->problems, _("No such sign-in"));
  sync_run_next (run);
}

/* Notifications from the scheduler */

static void
session_ending_cb (GhTrayService *self,
                   GhSession     *session,
                   int            minutes,
                   GhRefreshScheduler *scheduler)
{
  const char *name = gh_session_get_name (session);
  g_autofree char *key = g_strdup_printf ("session/%s", name);
  g_autofree char *summary = g_strdup_printf (ngettext ("Your AWS sign-in “%s” ends in %d minute",
                                                        "Your AWS sign-in “%s” ends in %d minutes",
                                                        minutes), name, minutes);
  GhNotifierButton buttons[] = {
    { _("Sign in again"), "login", g_variant_new_string (name) },
    { _("Dismiss"), NULL, NULL },
  };

  gh_notifier_show (self->notifier, key, summary,
                    _("Sign in again to keep the AWS CLI and the console working."),
                    "io.github.gatehouse.Gatehouse", buttons, G_N_ELEMENTS (buttons));
  queue_update (self);
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
  queue_update (self);
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
      !g_hash_table_add (self->keyring_told, g_strdup (name)))
    return;

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
  self->error_state = TRUE;
  queue_update (self);
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
                   int                 minutes,
                   GhRefreshScheduler *scheduler)
{
  g_autofree char *key = g_strdup_printf ("console/%s", target);
  g_autofree char *summary = g_strdup_printf (ngettext ("Console for %s @ %s ends in %d minute",
                                                        "Console for %s @ %s ends in %d minutes",
                                                        minutes), role, account, minutes);
  GhNotifierButton buttons[] = {
    { _("Open again"), "open-console", g_variant_new_string (target) },
  };

  gh_notifier_show (self->notifier, key, summary, _("The AWS console session is about to end."),
                    "io.github.gatehouse.Gatehouse", buttons, G_N_ELEMENTS (buttons));
}

/* Keeping up with the files */

static void
session_changed_cb (GhTrayService *self,
                    GParamSpec    *pspec,
                    GhSession     *session)
{
  if (g_str_equal (pspec->name, "access-expires-at") &&
      gh_session_status_is_signed_in (gh_session_get_status (session)) &&
      g_hash_table_remove (self->keyring_told, gh_session_get_name (session)))
    {
      g_autofree char *key = g_strdup_printf ("keyring/%s", gh_session_get_name (session));

      gh_notifier_withdraw (self->notifier, key);
      self->error_state = g_hash_table_size (self->keyring_told) > 0;
    }
  gh_credentials_keeper_queue_evaluate (self->keeper);
  queue_update (self);
}

static gboolean
same_config (GhSession                *session,
             const GhSsoSessionConfig *config)
{
  return g_strcmp0 (gh_session_get_start_url (session), config->start_url) == 0 &&
         g_strcmp0 (gh_session_get_region (session), config->region) == 0;
}

static void
role_cache_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  RolesData *data = user_data;
  GhTrayService *self = data->self;
  gint64 fetched_at = 0;

  data->roles = gh_role_cache_load_finish (result, &fetched_at, NULL);
  if (!g_cancellable_is_cancelled (self->cancellable))
    {
      if (data->roles != NULL)
        remember_account_names (self, gh_session_get_name (data->session), data->roles);
      gh_refresh_scheduler_roles_done (self->scheduler, data->session,
                                       data->roles ? fetched_at : 0);
      queue_update (self);
    }
  roles_data_free (data);
}

/* Thousands of roles take a while to parse: on a worker thread */
static void
load_role_cache (GhTrayService *self,
                 GhSession     *session)
{
  gh_role_cache_load_async (gh_session_get_name (session), self->cancellable,
                            role_cache_loaded_cb, roles_data_new (self, session));
}

static void
reload_config (GhTrayService *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) configs = gh_aws_config_list_sessions (self->config_path, &error);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

  /* The credentials file usually lives next to the config file: this runs for both. */
  gh_credentials_keeper_reload (self->keeper);
  if (configs == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);
      GhSession *session = gh_session_find (self->sessions, config->name);

      if (config->start_url == NULL || config->region == NULL ||
          !gh_region_is_valid (config->region))
        continue;
      if (session != NULL && same_config (session, config))
        {
          g_ptr_array_add (sessions, g_object_ref (session));
          continue;
        }

      session = gh_session_new (config);
      g_signal_connect_object (session, "present", G_CALLBACK (present_cb), self, 0);
      g_signal_connect_object (session, "notify", G_CALLBACK (session_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_ptr_array_add (sessions, session);
      g_ptr_array_add (fresh, session);
    }

  for (guint i = 0; self->sessions != NULL && i < self->sessions->len; i++)
    {
      GhSession *old = g_ptr_array_index (self->sessions, i);

      if (!g_ptr_array_find (sessions, old, NULL))
        g_signal_handlers_disconnect_by_data (old, self);
    }

  g_clear_pointer (&self->sessions, g_ptr_array_unref);
  self->sessions = g_steal_pointer (&sessions);
  gh_refresh_scheduler_set_sessions (self->scheduler, self->sessions);
  gh_credentials_keeper_set_sessions (self->keeper, self->sessions);
  for (guint i = 0; i < fresh->len; i++)
    load_role_cache (self, g_ptr_array_index (fresh, i));
  queue_update (self);
}

static void
reload_consoles (GhTrayService *self)
{
  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  self->consoles = gh_console_history_list ();
  g_clear_pointer (&self->recents, g_strfreev);
  self->recents = gh_console_history_recent_roles ();
  gh_refresh_scheduler_set_consoles (self->scheduler, self->consoles);
  queue_update (self);
}

static gboolean
reload_config_cb (gpointer user_data)
{
  GhTrayService *self = user_data;

  self->reload_config_id = 0;
  reload_config (self);
  return G_SOURCE_REMOVE;
}

static gboolean
reload_state_cb (gpointer user_data)
{
  GhTrayService *self = user_data;

  self->reload_state_id = 0;
  for (guint i = 0; i < self->sessions->len; i++)
    gh_session_reload (g_ptr_array_index (self->sessions, i));
  reload_consoles (self);
  return G_SOURCE_REMOVE;
}

static void
config_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  GhTrayService *self = user_data;

  if (self->reload_config_id == 0)
    self->reload_config_id = g_timeout_add (RELOAD_DELAY_MS, reload_config_cb, self);
}

static void
state_changed_cb (GFileMonitor      *monitor,
                  GFile             *file,
                  GFile             *other,
                  GFileMonitorEvent  event,
                  gpointer           user_data)
{
  GhTrayService *self = user_data;

  /* Lock files come and go with every operation; they change nothing. */
  if (g_str_has_suffix (g_file_peek_path (file), ".lock"))
    return;
  if (self->reload_state_id == 0)
    self->reload_state_id = g_timeout_add (RELOAD_DELAY_MS, reload_state_cb, self);
}

static void
watch_directory (GhTrayService *self,
                 const char    *path,
                 GCallback      callback)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;

  /* A missing directory would be polled by GLib: create it (these are ours, or the AWS
   * CLI's, which creates them the same way). */
  if (g_mkdir_with_parents (path, 0700) != 0)
    return;
  dir = g_file_new_for_path (path);
  monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      g_debug ("Cannot watch %s: %s", path, error->message);
      return;
    }
  g_signal_connect (monitor, "changed", callback, self);
  g_ptr_array_add (self->monitors, monitor);
}

static void
watch_files (GhTrayService *self)
{
  g_autofree char *config_dir = g_path_get_dirname (self->config_path);
  g_autofree char *credentials_dir =
    g_path_get_dirname (gh_credentials_keeper_get_path (self->keeper));
  g_autofree char *state_file = gh_session_state_path ("x");
  g_autofree char *sessions_dir = g_path_get_dirname (state_file);
  g_autofree char *gatehouse_state = g_path_get_dirname (sessions_dir);
  g_autofree char *cache_file = gh_token_cache_path ("x");
  g_autofree char *cache_dir = g_path_get_dirname (cache_file);

  watch_directory (self, config_dir, G_CALLBACK (config_changed_cb));
  if (!g_str_equal (credentials_dir, config_dir))
    watch_directory (self, credentials_dir, G_CALLBACK (config_changed_cb));
  watch_directory (self, sessions_dir, G_CALLBACK (state_changed_cb));
  watch_directory (self, gatehouse_state, G_CALLBACK (state_changed_cb));
  watch_directory (self, cache_dir, G_CALLBACK (state_changed_cb));
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
  queue_update (self);
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

/* Actions */

static void
login_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GhTrayService *self = user_data;
  GhSession *session = gh_session_find (self->sessions, g_variant_get_string (parameter, NULL));

  if (session != NULL)
    start_login (self, session);
}

static void
logout_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GhTrayService *self = user_data;
  GhSession *session = gh_session_find (self->sessions, g_variant_get_string (parameter, NULL));

  if (session != NULL)
    gh_session_logout_async (session, self->cancellable, logout_cb, g_object_ref (self));
}

static void
open_console_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  open_console (user_data, g_variant_get_string (parameter, NULL));
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
  const char *only = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < self->sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (self->sessions, i);

      if ((*only == '\0' || g_str_equal (only, gh_session_get_name (session))) &&
          gh_session_status_is_signed_in (gh_session_get_status (session)))
        start_role_refresh (self, session, FALSE);
    }
}

/* "Try again" after the user fixed what stopped the background refresh (unlocked the
 * keyring): retry now, not after the backoff, and fetch the role list. */
static void
retry_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GhTrayService *self = user_data;

  gh_refresh_scheduler_retry_now (self->scheduler);
  refresh_roles_activated (action, parameter, user_data);
}

/* The window's pages ("" main, "roles", "preferences"). The one hook for the window process:
 * until it exists, a notification says what to use instead, one per page, replaced rather than
 * stacked when asked again. */
static void
present_window (GhTrayService *self,
                const char    *page)
{
  if (g_strcmp0 (page, GH_TRAY_MENU_PAGE_ROLES) == 0)
    notify_simple (self, "window/roles", _("Open the AWS console from a terminal"),
                   _("List your roles with “gatehouse roles”, then open one with “gatehouse "
                     "console --profile P” or “gatehouse console --account ID --role R”. "
                     "Favourite and recent roles are in the tray menu."));
  else if (g_strcmp0 (page, GH_TRAY_MENU_PAGE_PREFERENCES) == 0)
    notify_simple (self, "window/preferences", _("Change preferences from a terminal"),
                   _("Pin roles to the tray menu with “gatehouse favorite add --account ID "
                     "--role R” (or --profile P). Other settings: “gsettings list-recursively "
                     "io.github.gatehouse.Gatehouse” shows them, “gsettings set "
                     "io.github.gatehouse.Gatehouse notify-lead-times '[15, 5]'” changes one."));
  else
    notify_simple (self, "window", _("Gatehouse runs in the tray"),
                   _("Use the tray menu, or the gatehouse command in a terminal."));
}

static void
show_window_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  present_window (user_data, g_variant_get_string (parameter, NULL));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* Only the service changes the sessions' state. */
static void
sessions_change_state (GSimpleAction *action,
                       GVariant      *value,
                       gpointer       user_data)
{
}

static const GActionEntry action_entries[] = {
  { "login", login_activated, "s" },
  { "logout", logout_activated, "s" },
  { "open-console", open_console_activated, "s" },
  { "sync", sync_activated, "s" },
  { "refresh-roles", refresh_roles_activated, "s" },
  { "retry", retry_activated, "s" },
  { "show-window", show_window_activated, "s" },
  { "quit", quit_activated },
  { "sessions", NULL, NULL, "@a{s(sxx)} {}", sessions_change_state },
};

/* The tray icon */

static void
item_activate_cb (GhTrayService    *self,
                  int               x,
                  int               y,
                  GhStatusNotifier *item)
{
  GhSession *session = self->sessions->len > 0 ? g_ptr_array_index (self->sessions, 0) : NULL;

  if (session != NULL && (gh_session_get_status (session) == GH_SESSION_SIGNED_OUT ||
                          gh_session_get_status (session) == GH_SESSION_EXPIRED))
    start_login (self, session);
  else
    present_window (self, GH_TRAY_MENU_PAGE_MAIN);
}

static void
item_secondary_activate_cb (GhTrayService    *self,
                            int               x,
                            int               y,
                            GhStatusNotifier *item)
{
  if (self->recents != NULL && self->recents[0] != NULL)
    open_console (self, self->recents[0]);
}

static void
item_unavailable_cb (GhTrayService    *self,
                     GhStatusNotifier *item)
{
  if (self->told_unavailable)
    return;
  self->told_unavailable = TRUE;
  notify_simple (self, "tray",
                 _("Gatehouse has no tray icon"),
                 _("The desktop shows no StatusNotifierItem icons (on GNOME, install the "
                   "AppIndicator extension). Gatehouse keeps you signed in and notifies you "
                   "anyway; use the gatehouse command for the rest."));
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
  if (theme_path != NULL)
    gh_status_notifier_set_icon_theme_path (self->item, theme_path);
  g_signal_connect_object (self->item, "activate", G_CALLBACK (item_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item, "secondary-activate",
                           G_CALLBACK (item_secondary_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item, "unavailable", G_CALLBACK (item_unavailable_cb), self,
                           G_CONNECT_SWAPPED);
  update_item (self);
  if (!gh_status_notifier_start (self->item, &error))
    {
      g_warning ("Could not show the tray icon: %s", error->message);
      g_clear_object (&self->item);
    }
}

/* GApplication */

static int
gh_tray_service_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_contains (options, "background"))
    return -1;

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
gh_tray_service_startup (GApplication *application)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);

  G_APPLICATION_CLASS (gh_tray_service_parent_class)->startup (application);

  /* It lives in the tray until asked to quit. */
  g_application_hold (application);

  self->notifier = gh_notifier_new (G_ACTION_GROUP (self));
  self->scheduler = gh_refresh_scheduler_new ();
  g_signal_connect_object (self->scheduler, "session-ending", G_CALLBACK (session_ending_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "session-ended", G_CALLBACK (session_ended_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "refresh-failed", G_CALLBACK (refresh_failed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "console-ending", G_CALLBACK (console_ending_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "roles-due", G_CALLBACK (roles_due_cb), self,
                           G_CONNECT_SWAPPED);

  self->settings = open_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                             0);
  apply_lead_times (self);

  self->config_path = gh_aws_config_default_path ();
  {
    g_autofree char *credentials_path = gh_credentials_file_default_path ();

    self->keeper = gh_credentials_keeper_new (self->config_path, credentials_path);
    g_signal_connect_object (self->keeper, "write-failed", G_CALLBACK (keeper_failed_cb), self,
                             G_CONNECT_SWAPPED);
  }
  watch_files (self);
  reload_config (self);
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
  present_window (self, GH_TRAY_MENU_PAGE_MAIN);
}

static void
gh_tray_service_shutdown (GApplication *application)
{
  GhTrayService *self = GH_TRAY_SERVICE (application);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_config_id, g_source_remove);
  g_clear_handle_id (&self->reload_state_id, g_source_remove);
  g_clear_handle_id (&self->update_id, g_source_remove);
  g_ptr_array_set_size (self->monitors, 0);
  if (self->dbus_menu != NULL)
    gh_dbus_menu_unexport (self->dbus_menu);
  g_clear_object (&self->dbus_menu);
  g_clear_object (&self->item);
  g_clear_object (&self->scheduler);
  for (guint i = 0; self->sessions != NULL && i < self->sessions->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->sessions, i), self);
  g_clear_object (&self->keeper);
  g_clear_pointer (&self->sessions, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);

  G_APPLICATION_CLASS (gh_tray_service_parent_class)->shutdown (application);
}

static void
gh_tray_service_finalize (GObject *object)
{
  GhTrayService *self = GH_TRAY_SERVICE (object);

  g_clear_pointer (&self->sessions, g_ptr_array_unref);
  g_clear_pointer (&self->account_names, g_hash_table_unref);
  g_clear_pointer (&self->roles_running, g_hash_table_unref);
  g_clear_pointer (&self->sync_after_roles, g_hash_table_unref);
  g_clear_pointer (&self->keyring_told, g_hash_table_unref);
  g_clear_pointer (&self->consoles, g_ptr_array_unref);
  g_clear_pointer (&self->recents, g_strfreev);
  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_pointer (&self->config_path, g_free);
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
}

static void
gh_tray_service_init (GhTrayService *self)
{
  const GOptionEntry options[] = {
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start in the tray without presenting anything (autostart)"), NULL },
    { NULL }
  };

  self->account_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_hash_table_unref);
  self->roles_running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sync_after_roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->keyring_told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->menu = g_menu_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  self->sessions_action = G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                       "sessions"));
}

GhTrayService *
gh_tray_service_new (void)
{
  return g_object_new (GH_TYPE_TRAY_SERVICE,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

int
gh_tray_service_run (int    argc,
                     char **argv)
{
  g_autoptr(GhTrayService) service = gh_tray_service_new ();

  g_set_application_name ("Gatehouse");
  return g_application_run (G_APPLICATION (service), argc, argv);
}
