/* gh-preferences-window.c — Gatehouse's preferences
 *
 * Where each setting lives (docs/architecture.md): the desktop-wide ones in GSettings, bound to
 * their widgets; start at login in the user's autostart entry (gh-autostart.h); each sign-in's
 * profile settings and refresh-token option with the sign-in in the AWS config file
 * (GhSessionPreferencesGroup), where the command line reads them too.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-autostart.h"
#include "gh-preferences-window.h"
#include "gh-session-preferences-group.h"
#include "gh-settings.h"

struct _GhPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GhSessionManager     *sessions;
  GSettings            *settings;      /* NULL without the installed schema */
  GPtrArray            *session_groups;
  gboolean              loading;

  GtkSwitch            *autostart_switch;
  AdwActionRow         *search_provider_row;
  GtkSwitch            *search_provider_switch;
  AdwPreferencesGroup  *lead_times_group;
  AdwComboRow          *console_mode_row;
  AdwComboRow          *browser_row;
  GtkSwitch            *logout_first_switch;
  AdwPreferencesPage   *sessions_page;
  AdwPreferencesGroup  *no_sessions_group;
};

G_DEFINE_FINAL_TYPE (GhPreferencesWindow, gh_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum { PROP_0, PROP_SESSION_MANAGER, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The values of the string settings, in the order of their combo rows' items. */
static const char * const console_modes[] = { "federation", "portal", NULL };
static const char * const browsers[] = { "default", "firefox", "chromium", "chrome", "brave",
                                         NULL };

/* The warnings offered, in minutes before the sign-in ends. */
static const guint lead_time_choices[] = { 60, 30, 15, 10, 5, 1 };

static void
show_toast (GhPreferencesWindow *self,
            const char          *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
}

/* Combo rows over string settings */

static gboolean
choice_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *current = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], current))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
choice_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[index]);
}

static void
bind_choice (GhPreferencesWindow *self,
             const char          *key,
             AdwComboRow         *row,
             const char * const  *choices)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) choices,
                                NULL);
}

/* Lead times: one check per choice over the `ai` setting */

typedef struct
{
  GSettings *settings;
  gint32     minutes;
} LeadTime;

static void
lead_time_free (gpointer data)
{
  LeadTime *lead = data;

  g_object_unref (lead->settings);
  g_free (lead);
}

static gboolean
array_has (GVariant *array,
           gint32    minutes)
{
  gsize n = 0;
  const gint32 *values = g_variant_get_fixed_array (array, &n, sizeof (gint32));

  for (gsize i = 0; i < n; i++)
    if (values[i] == minutes)
      return TRUE;
  return FALSE;
}

static gboolean
lead_time_get_mapping (GValue   *value,
                       GVariant *variant,
                       gpointer  user_data)
{
  LeadTime *lead = user_data;

  g_value_set_boolean (value, array_has (variant, lead->minutes));
  return TRUE;
}

static int
compare_descending (gconstpointer a,
                    gconstpointer b)
{
  gint32 x = *(const gint32 *) a;
  gint32 y = *(const gint32 *) b;

  return (x < y) - (x > y);
}

/* The other checks' minutes, and lead times set by other means, stay as they are. */
static GVariant *
lead_time_set_mapping (const GValue       *value,
                       const GVariantType *expected_type,
                       gpointer            user_data)
{
  LeadTime *lead = user_data;
  g_autoptr(GVariant) current = g_settings_get_value (lead->settings, "notify-lead-times");
  g_autoptr(GArray) minutes = g_array_new (FALSE, FALSE, sizeof (gint32));
  gsize n = 0;
  const gint32 *values = g_variant_get_fixed_array (current, &n, sizeof (gint32));

  for (gsize i = 0; i < n; i++)
    if (values[i] != lead->minutes)
      g_array_append_val (minutes, values[i]);
  if (g_value_get_boolean (value))
    g_array_append_val (minutes, lead->minutes);
  g_array_sort (minutes, compare_descending);

  return g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, minutes->data, minutes->len,
                                    sizeof (gint32));
}

static char *
lead_time_title (guint minutes)
{
  if (minutes % 60 == 0)
    return g_strdup_printf (ngettext ("%u hour before", "%u hours before", minutes / 60),
                            minutes / 60);
  return g_strdup_printf (ngettext ("%u minute before", "%u minutes before", minutes), minutes);
}

static void
add_lead_time_rows (GhPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (lead_time_choices); i++)
    {
      g_autofree char *title = lead_time_title (lead_time_choices[i]);
      g_autofree char *name = g_strdup_printf ("lead-time-%u", lead_time_choices[i]);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      LeadTime *lead = g_new0 (LeadTime, 1);

      lead->settings = g_object_ref (self->settings);
      lead->minutes = (gint32) lead_time_choices[i];
      /* Named for tests and the inspector */
      gtk_widget_set_name (check, name);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->lead_times_group, row);
      g_settings_bind_with_mapping (self->settings, "notify-lead-times", check, "active",
                                    G_SETTINGS_BIND_DEFAULT, lead_time_get_mapping,
                                    lead_time_set_mapping, lead, lead_time_free);
    }
}

/* Settings */

static void
bind_settings (GhPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  self->settings = gh_settings_new (&error);
  if (self->settings == NULL)
    {
      /* Nothing to bind: say why instead of showing switches that do nothing */
      gtk_widget_set_sensitive (GTK_WIDGET (self->lead_times_group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->console_mode_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->browser_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->logout_first_switch), FALSE);
      show_toast (self, error->message);
      return;
    }

  add_lead_time_rows (self);
  bind_choice (self, "console-mode", self->console_mode_row, console_modes);
  bind_choice (self, "console-browser", self->browser_row, browsers);
  g_settings_bind (self->settings, "console-logout-first", self->logout_first_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  /* The desktop search provider's switch, where the schema has it */
  if (gh_settings_has_key (self->settings, "search-provider-enabled"))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->search_provider_row), TRUE);
      g_settings_bind (self->settings, "search-provider-enabled", self->search_provider_switch,
                       "active", G_SETTINGS_BIND_DEFAULT);
    }
}

/* Start at login */

static void
show_autostart (GhPreferencesWindow *self,
                gboolean             enabled)
{
  self->loading = TRUE;
  gtk_switch_set_active (self->autostart_switch, enabled);
  self->loading = FALSE;
}

static void
autostart_set_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GhPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done = gh_autostart_set_enabled_finish (result, &error);

  /* Closed meanwhile */
  if (self->autostart_switch == NULL)
    return;

  if (!done)
    show_toast (self, error->message);
  /* What the desktop will really do, which a refusal left as it was */
  show_autostart (self, gh_autostart_get_enabled ());
  gtk_widget_set_sensitive (GTK_WIDGET (self->autostart_switch), TRUE);
}

/* In Flatpak the portal may ask the person first: the switch waits for the answer. */
static void
autostart_toggled_cb (GhPreferencesWindow *self)
{
  if (self->loading)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->autostart_switch), FALSE);
  gh_autostart_set_enabled_async (gtk_switch_get_active (self->autostart_switch), NULL,
                                  autostart_set_cb, g_object_ref (self));
}

/* Sign-ins */

static void
session_failed_cb (GhPreferencesWindow *self,
                   const char          *message)
{
  show_toast (self, message);
}

static void
remove_session_groups (GhPreferencesWindow *self)
{
  for (guint i = 0; i < self->session_groups->len; i++)
    adw_preferences_page_remove (self->sessions_page,
                                 g_ptr_array_index (self->session_groups, i));
  g_ptr_array_set_size (self->session_groups, 0);
}

/* A few groups, one per sign-in: built again when the list changes. */
static void
show_sessions (GhPreferencesWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->sessions);
  const char *config_path = gh_session_manager_get_config_path (self->sessions);
  guint n = g_list_model_get_n_items (model);

  remove_session_groups (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (model, i);
      GtkWidget *group = gh_session_preferences_group_new (session, config_path);

      g_signal_connect_object (group, "failed", G_CALLBACK (session_failed_cb), self,
                               G_CONNECT_SWAPPED);
      adw_preferences_page_add (self->sessions_page, ADW_PREFERENCES_GROUP (group));
      g_ptr_array_add (self->session_groups, group);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->no_sessions_group), n == 0);
}

static void
ensure_session_manager (GhPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->sessions != NULL)
    return;

  self->sessions = gh_session_manager_new (NULL);
  if (!gh_session_manager_reload (self->sessions, &error))
    show_toast (self, error->message);
  gh_session_manager_watch (self->sessions);
}

/* GObject */

static void
gh_preferences_window_constructed (GObject *object)
{
  GhPreferencesWindow *self = GH_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (gh_preferences_window_parent_class)->constructed (object);

  bind_settings (self);

  show_autostart (self, gh_autostart_get_enabled ());

  ensure_session_manager (self);
  g_signal_connect_object (self->sessions, "items-changed", G_CALLBACK (show_sessions), self,
                           G_CONNECT_SWAPPED);
  show_sessions (self);
}

static void
gh_preferences_window_dispose (GObject *object)
{
  GhPreferencesWindow *self = GH_PREFERENCES_WINDOW (object);

  /* A shared session manager outlives the window */
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_pointer (&self->session_groups, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->sessions);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gh_preferences_window_parent_class)->dispose (object);
}

static void
gh_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GhPreferencesWindow *self = GH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION_MANAGER: g_value_set_object (value, self->sessions); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GhPreferencesWindow *self = GH_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION_MANAGER: self->sessions = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_preferences_window_class_init (GhPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_preferences_window_constructed;
  object_class->dispose = gh_preferences_window_dispose;
  object_class->get_property = gh_preferences_window_get_property;
  object_class->set_property = gh_preferences_window_set_property;

  properties[PROP_SESSION_MANAGER] =
    g_param_spec_object ("session-manager", NULL, NULL, GH_TYPE_SESSION_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/gatehouse/Gatehouse/Window/gh-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, search_provider_row);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow,
                                        search_provider_switch);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, lead_times_group);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, console_mode_row);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, browser_row);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, logout_first_switch);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, sessions_page);
  gtk_widget_class_bind_template_child (widget_class, GhPreferencesWindow, no_sessions_group);
  gtk_widget_class_bind_template_callback (widget_class, autostart_toggled_cb);
}

static void
gh_preferences_window_init (GhPreferencesWindow *self)
{
  self->session_groups = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (GH_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
