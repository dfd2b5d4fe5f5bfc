/* gh-window.c — the main window: the role picker and the sign-ins
 *
 * The sign-ins' state comes from the tray service: its exported actions (login, logout) and
 * the state of its "sessions" action, a{s(sxx)} (gh-tray-service.h), followed live through a
 * GDBusActionGroup; a device-code sign-in's code and link from its "sign-in-prompts" state
 * (through GhServiceClient). The window never signs in or refreshes on its own; while the
 * service is not there it shows what the sign-ins' files say. A one-second tick keeps the
 * countdowns current while the window is mapped.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-add-profile-dialog.h"
#include "gh-add-session-dialog.h"
#include "gh-clock.h"
#include "gh-preferences-window.h"
#include "gh-role.h"
#include "gh-role-picker.h"
#include "gh-service-client.h"
#include "gh-session-manager.h"
#include "gh-sign-in-prompt.h"
#include "gh-window.h"
#include "gh-window-application.h"

#define SERVICE_NAME APPLICATION_ID

struct _GhWindow
{
  AdwApplicationWindow  parent_instance;

  GhSessionManager     *sessions;
  GhServiceClient      *client;
  GActionGroup         *service;      /* the service's actions (owned by client) */
  GHashTable           *states;       /* session name → GVariant (sxx) from the service */
  GPtrArray            *session_rows; /* AdwActionRow of each sign-in */
  guint                 tick_id;

  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  GhRolePicker         *role_picker;
  GtkStack             *sessions_stack;
  GtkBox               *prompts_box;
  GtkListBox           *sessions_list;
  AdwViewStackPage     *sign_ins_page;
};

G_DEFINE_FINAL_TYPE (GhWindow, gh_window, ADW_TYPE_APPLICATION_WINDOW)

static void
add_toast (GhWindow *self,
           AdwToast *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_message (GhWindow   *self,
              const char *message)
{
  add_toast (self, adw_toast_new (message));
}

/* Sign-in state */

/* "in 1 h 05 min", "in 4 min", "in 30 s": the countdowns of the sign-in rows. */
static char *
format_remaining (gint64 seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600),
                            (int) (seconds % 3600 / 60));
  if (seconds >= 60)
    return g_strdup_printf (_("%d min"), (int) (seconds / 60));
  return g_strdup_printf (_("%d s"), (int) MAX (seconds, 0));
}

static GhSessionStatus
status_from_string (const char *text)
{
  static const GhSessionStatus all[] = {
    GH_SESSION_SIGNED_OUT, GH_SESSION_SIGNING_IN, GH_SESSION_SIGNED_IN,
    GH_SESSION_REFRESHING, GH_SESSION_EXPIRED, GH_SESSION_ERROR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_strcmp0 (text, gh_session_status_to_string (all[i])) == 0)
      return all[i];
  return GH_SESSION_ERROR;
}

/* What the service says about the sign-in, else what its files say. */
static void
session_state (GhWindow        *self,
               GhSession       *session,
               GhSessionStatus *status,
               gint64          *expires_at,
               gint64          *session_end)
{
  GVariant *state = g_hash_table_lookup (self->states, gh_session_get_name (session));
  const char *text;

  if (state != NULL)
    {
      g_variant_get (state, "(&sxx)", &text, expires_at, session_end);
      *status = status_from_string (text);
      return;
    }
  *status = gh_session_get_status (session);
  *expires_at = gh_session_get_access_expires_at (session);
  *session_end = gh_session_get_session_end (session);
}

/* `prompted`: the sign-in waits for its code (a device-code sign-in). */
static char *
describe_session (GhSessionStatus status,
                  gboolean        prompted,
                  gint64          expires_at,
                  gint64          session_end,
                  gint64          now)
{
  g_autofree char *token = NULL;
  g_autofree char *end = NULL;

  switch (status)
    {
    case GH_SESSION_SIGNED_OUT:
      return g_strdup (_("Signed out"));
    case GH_SESSION_SIGNING_IN:
      if (prompted)
        return g_strdup (_("Signing in — enter the code shown above"));
      return g_strdup (_("Signing in — continue in the browser"));
    case GH_SESSION_EXPIRED:
      return g_strdup (_("Session ended — sign in again"));
    case GH_SESSION_ERROR:
      return g_strdup (_("Could not refresh — see the notification"));
    case GH_SESSION_SIGNED_IN:
    case GH_SESSION_REFRESHING:
    default:
      break;
    }

  if (expires_at > 0)
    token = format_remaining (expires_at - now);
  if (session_end > 0)
    end = format_remaining (session_end - now);
  if (token != NULL && end != NULL)
    /* Translators: the access token's lifetime, then the sign-in session's estimated end
     * ("~" for an estimate), both as "1 h 05 min". */
    return g_strdup_printf (_("Signed in · token renews in %s · session ends in ~%s"), token,
                            end);
  if (token != NULL)
    return g_strdup_printf (_("Signed in · token renews in %s"), token);
  return g_strdup (_("Signed in"));
}

static void
update_session_row (GhWindow     *self,
                    AdwActionRow *row,
                    gint64        now)
{
  GhSession *session = g_object_get_data (G_OBJECT (row), "gh-session");
  GtkButton *button = g_object_get_data (G_OBJECT (row), "gh-button");
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "gh-icon");
  GhSessionStatus status;
  gint64 expires_at, session_end;
  g_autofree char *text = NULL;
  gboolean signed_in, prompted;

  session_state (self, session, &status, &expires_at, &session_end);
  signed_in = gh_session_status_is_signed_in (status);
  prompted = g_variant_lookup (gh_service_client_get_sign_in_prompts (self->client),
                               gh_session_get_name (session), "(&s&s)", NULL, NULL);
  text = describe_session (status, prompted, expires_at, session_end, now);
  adw_action_row_set_subtitle (row, text);
  gtk_image_set_from_icon_name (icon, signed_in ? "emblem-ok-symbolic"
                                      : status == GH_SESSION_SIGNING_IN ? "content-loading-symbolic"
                                      : "dialog-warning-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (icon), signed_in ? _("Signed in") : _("Not signed in"));
  if (signed_in)
    {
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (icon), "warning");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (icon), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
    }
  gtk_button_set_label (button, signed_in ? _("Sign Out") : _("Sign In"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), signed_in ? "win.logout"
                                                                     : "win.login");
  if (signed_in)
    gtk_widget_remove_css_class (GTK_WIDGET (button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (button), "suggested-action");
  gtk_widget_set_sensitive (GTK_WIDGET (button), status != GH_SESSION_SIGNING_IN);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "gh-menu-button"),
                            status != GH_SESSION_SIGNING_IN);
}

static void
update_session_rows (GhWindow *self)
{
  gint64 now = gh_clock_get_now (gh_clock_get_default ());

  for (guint i = 0; i < self->session_rows->len; i++)
    update_session_row (self, g_ptr_array_index (self->session_rows, i), now);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_session_rows (user_data);
  return G_SOURCE_CONTINUE;
}

static void
read_service_state (GhWindow *self)
{
  g_autoptr(GVariant) state = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_hash_table_remove_all (self->states);
  if (g_action_group_has_action (self->service, "sessions"))
    state = g_action_group_get_action_state (self->service, "sessions");
  if (state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE ("a{s(sxx)}")))
    {
      g_variant_iter_init (&iter, state);
      while (g_variant_iter_next (&iter, "{&s@(sxx)}", &name, &value))
        g_hash_table_insert (self->states, g_strdup (name), value);
    }
  update_session_rows (self);
}

static void
service_state_changed_cb (GhWindow   *self,
                          const char *action_name)
{
  if (g_strcmp0 (action_name, "sessions") == 0)
    read_service_state (self);
}

/* The client's action group: a new one once the service (re)appeared. */
static void
follow_service_actions (GhWindow *self)
{
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  self->service = gh_service_client_get_actions (self->client);
  g_signal_connect_object (self->service, "action-state-changed",
                           G_CALLBACK (service_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->service, "action-added", G_CALLBACK (service_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->service, "action-removed",
                           G_CALLBACK (service_state_changed_cb), self, G_CONNECT_SWAPPED);
  if (self->session_rows != NULL && self->sessions != NULL)
    read_service_state (self);
}

/* A card per sign-in that waits for its code to be entered; the page asks for attention
 * meanwhile. A handful at most, made anew when the service's prompts change. */
static void
update_prompts (GhWindow *self)
{
  GVariant *prompts = gh_service_client_get_sign_in_prompts (self->client);
  GtkWidget *child;
  GVariantIter iter;
  const char *name, *url, *user_code;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->prompts_box))) != NULL)
    gtk_box_remove (self->prompts_box, child);
  g_variant_iter_init (&iter, prompts);
  while (g_variant_iter_next (&iter, "{&s(&s&s)}", &name, &url, &user_code))
    gtk_box_append (self->prompts_box, gh_sign_in_prompt_new (name, url, user_code));
  gtk_widget_set_visible (GTK_WIDGET (self->prompts_box), g_variant_n_children (prompts) > 0);
  adw_view_stack_page_set_needs_attention (self->sign_ins_page,
                                           g_variant_n_children (prompts) > 0);
  update_session_rows (self);
}

/* The list box makes and drops the rows as the sign-ins change; forget the dropped ones. */
static void
session_row_destroyed (gpointer  data,
                       GObject  *where_the_object_was)
{
  GhWindow *self = data;

  g_ptr_array_remove_fast (self->session_rows, where_the_object_was);
}

/* The row's other ways to sign in: with a code, for a browser on another device (or none). */
static GtkWidget *
create_session_menu_button (GhSession *session)
{
  const char *name = gh_session_get_name (session);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) item = g_menu_item_new (_("Sign In with a _Code"), NULL);
  /* TRANSLATORS: the accessible name of a sign-in row's menu button; %s is the sign-in */
  g_autofree char *label = g_strdup_printf (_("More Ways to Sign In to “%s”"), name);
  GtkWidget *button = gtk_menu_button_new ();

  g_menu_item_set_action_and_target_value (item, "win.login-device-code",
                                           g_variant_new_string (name));
  g_menu_append_item (menu, item);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("More Ways to Sign In"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static GtkWidget *
create_session_row (gpointer item,
                    gpointer user_data)
{
  GhWindow *self = user_data;
  GhSession *session = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new ();
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *menu_button = create_session_menu_button (session);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), gh_session_get_name (session));
  gtk_widget_set_tooltip_text (row, gh_session_get_start_url (session));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", gh_session_get_name (session));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);
  g_object_set_data (G_OBJECT (row), "gh-icon", icon);
  g_object_set_data (G_OBJECT (row), "gh-menu-button", menu_button);
  g_object_set_data_full (G_OBJECT (row), "gh-session", g_object_ref (session), g_object_unref);
  g_object_set_data (G_OBJECT (row), "gh-button", button);
  g_ptr_array_add (self->session_rows, row);
  g_object_weak_ref (G_OBJECT (row), session_row_destroyed, self);
  update_session_row (self, ADW_ACTION_ROW (row), gh_clock_get_now (gh_clock_get_default ()));
  return row;
}

static void
sessions_changed_cb (GhWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));

  gtk_stack_set_visible_child_name (self->sessions_stack, n > 0 ? "list" : "empty");
}

/* The service's actions */

static void
service_activated_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GhWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (gh_service_client_activate_finish (GH_SERVICE_CLIENT (object), result, &error))
    return;
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN))
    show_message (self, _("The Gatehouse service is not running. Start Gatehouse and try again."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("The Gatehouse service did not answer: %s"),
                                                  error->message);
      show_message (self, message);
    }
}

static void
activate_service_action (GhWindow   *self,
                         const char *action_name,
                         GVariant   *parameter)
{
  gh_service_client_activate_async (self->client, action_name, parameter, NULL,
                                    service_activated_cb, g_object_ref (self));
}

static void
login_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  activate_service_action (GH_WINDOW (widget), "login", parameter);
}

static void
login_device_code_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  activate_service_action (GH_WINDOW (widget), "login-device-code", parameter);
}

static void
logout_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  activate_service_action (GH_WINDOW (widget), "logout", parameter);
}

static void
refresh_roles_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  activate_service_action (GH_WINDOW (widget), "refresh-roles", g_variant_new_string (""));
}

/* Started from the app grid without a tray (the service not running): ask the bus to start
 * it, as its D-Bus activation file says; a bus without that file (a build tree) says so and
 * the window goes on with what the files say. */
static void
service_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_debug ("Could not start %s: %s", SERVICE_NAME, error->message);
}

static void
start_service (GDBusConnection *connection)
{
  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "StartServiceByName",
                          g_variant_new ("(su)", SERVICE_NAME, 0), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, service_started_cb, NULL);
}

/* Other windows */

static void
about_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  const char *developers[] = { _("The Gatehouse contributors"), NULL };

  adw_show_about_window (GTK_WINDOW (widget),
                         "application-name", _("Gatehouse"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Stay signed in to AWS IAM Identity Center"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gh_window_show_preferences (GH_WINDOW (widget));
}

/* A new sign-in: sign in to it at once, as `gatehouse session add` suggests next. */
static void
session_added_cb (GhWindow   *self,
                  const char *name)
{
  g_autoptr(GError) error = NULL;

  if (!gh_session_manager_reload (self->sessions, &error))
    g_debug ("Could not read the AWS config again: %s", error->message);
  adw_view_stack_set_visible_child_name (self->view_stack, "sign-ins");
  activate_service_action (self, "login", g_variant_new_string (name));
}

static void
add_session_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GhWindow *self = GH_WINDOW (widget);
  GtkWidget *dialog = g_object_new (GH_TYPE_ADD_SESSION_DIALOG,
                                    "transient-for", self,
                                    "session-manager", self->sessions,
                                    NULL);

  g_signal_connect_object (dialog, "session-added", G_CALLBACK (session_added_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
profile_added_cb (GhWindow   *self,
                  const char *name)
{
  g_autofree char *title = g_strdup_printf (_("Added the AWS CLI profile “%s”"), name);

  show_message (self, title);
}

static void
add_profile_cb (GhWindow *self,
                GhRole   *role)
{
  GhSession *session = gh_session_manager_lookup (self->sessions,
                                                  gh_role_get_session_name (role));
  GtkWidget *dialog;

  if (session == NULL)
    return;
  dialog = g_object_new (GH_TYPE_ADD_PROFILE_DIALOG,
                         "transient-for", self,
                         "session", session,
                         "role", role,
                         "config-path", gh_session_manager_get_config_path (self->sessions),
                         NULL);
  g_signal_connect_object (dialog, "profile-added", G_CALLBACK (profile_added_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
gh_window_constructed (GObject *object)
{
  GhWindow *self = GH_WINDOW (object);
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (gh_window_parent_class)->constructed (object);

  if (application != NULL && g_application_get_dbus_connection (application) != NULL)
    connection = g_object_ref (g_application_get_dbus_connection (application));
  else
    connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (connection == NULL)
    g_error ("No session bus: %s", error->message);

  self->client = gh_service_client_new (connection);
  follow_service_actions (self);
  g_signal_connect_object (self->client, "notify::actions", G_CALLBACK (follow_service_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::sign-in-prompts", G_CALLBACK (update_prompts),
                           self, G_CONNECT_SWAPPED);
  start_service (connection);

  self->sessions = gh_session_manager_new (NULL);
  g_signal_connect_object (self->sessions, "items-changed", G_CALLBACK (sessions_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sessions, "state-changed", G_CALLBACK (update_session_rows),
                           self, G_CONNECT_SWAPPED);
  if (!gh_session_manager_reload (self->sessions, &error))
    show_message (self, error->message);
  gh_session_manager_watch (self->sessions);

  gtk_list_box_bind_model (self->sessions_list, G_LIST_MODEL (self->sessions),
                           create_session_row, self, NULL);
  sessions_changed_cb (self);
  read_service_state (self);
  update_prompts (self);

  gh_role_picker_set_session_manager (self->role_picker, self->sessions);
  gh_role_picker_set_key_capture_widget (self->role_picker, GTK_WIDGET (self));
}

static void
gh_window_map (GtkWidget *widget)
{
  GhWindow *self = GH_WINDOW (widget);

  GTK_WIDGET_CLASS (gh_window_parent_class)->map (widget);
  update_session_rows (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
gh_window_unmap (GtkWidget *widget)
{
  GhWindow *self = GH_WINDOW (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (gh_window_parent_class)->unmap (widget);
}

static void
gh_window_dispose (GObject *object)
{
  GhWindow *self = GH_WINDOW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  for (guint i = 0; i < self->session_rows->len; i++)
    g_object_weak_unref (g_ptr_array_index (self->session_rows, i), session_row_destroyed, self);
  g_ptr_array_set_size (self->session_rows, 0);
  if (self->sessions_list != NULL)
    gtk_list_box_bind_model (self->sessions_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_WINDOW);
  g_clear_object (&self->sessions);
  g_clear_object (&self->client);
  self->service = NULL;
  G_OBJECT_CLASS (gh_window_parent_class)->dispose (object);
}

static void
gh_window_finalize (GObject *object)
{
  GhWindow *self = GH_WINDOW (object);

  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->session_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (gh_window_parent_class)->finalize (object);
}

static void
gh_window_class_init (GhWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_window_constructed;
  object_class->dispose = gh_window_dispose;
  object_class->finalize = gh_window_finalize;
  widget_class->map = gh_window_map;
  widget_class->unmap = gh_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gatehouse/Gatehouse/Window/gh-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GhWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, role_picker);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, sessions_stack);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, prompts_box);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, GhWindow, sign_ins_page);
  gtk_widget_class_bind_template_callback (widget_class, add_toast);
  gtk_widget_class_bind_template_callback (widget_class, add_profile_cb);

  gtk_widget_class_install_action (widget_class, "win.login", "s", login_activated);
  gtk_widget_class_install_action (widget_class, "win.login-device-code", "s",
                                   login_device_code_activated);
  gtk_widget_class_install_action (widget_class, "win.logout", "s", logout_activated);
  gtk_widget_class_install_action (widget_class, "win.refresh-roles", NULL,
                                   refresh_roles_activated);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_activated);
  gtk_widget_class_install_action (widget_class, "win.add-session", NULL, add_session_activated);
  gtk_widget_class_install_action (widget_class, "win.about", NULL, about_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK,
                                       "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.refresh-roles", NULL);

  g_type_ensure (GH_TYPE_ROLE_PICKER);
}

/* The window's CSS, loaded by the window rather than by AdwApplication's style.css, so a
 * window built without the application (the tests, the screenshots) looks the same. */
static void
load_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider,
                                       "/io/github/gatehouse/Gatehouse/Window/gh-window.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
gh_window_init (GhWindow *self)
{
  load_css ();
  self->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_variant_unref);
  self->session_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GhWindow *
gh_window_new (GtkApplication *application)
{
  return g_object_new (GH_TYPE_WINDOW, "application", application, NULL);
}

void
gh_window_show_page (GhWindow   *self,
                     const char *page,
                     const char *search)
{
  g_return_if_fail (GH_IS_WINDOW (self));

  if (g_strcmp0 (page, GH_WINDOW_PAGE_SIGN_INS) == 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "sign-ins");
  else
    adw_view_stack_set_visible_child_name (self->view_stack, "roles");

  if (g_strcmp0 (page, GH_WINDOW_PAGE_ROLES) == 0 || search != NULL)
    gh_role_picker_search (self->role_picker, search);
  if (g_strcmp0 (page, GH_WINDOW_PAGE_PREFERENCES) == 0)
    gh_window_show_preferences (self);
}

void
gh_window_show_preferences (GhWindow *self)
{
  g_return_if_fail (GH_IS_WINDOW (self));

  gtk_window_present (GTK_WINDOW (g_object_new (GH_TYPE_PREFERENCES_WINDOW,
                                                "transient-for", self,
                                                "session-manager", self->sessions,
                                                NULL)));
}

GhRolePicker *
gh_window_get_role_picker (GhWindow *self)
{
  g_return_val_if_fail (GH_IS_WINDOW (self), NULL);

  return self->role_picker;
}
