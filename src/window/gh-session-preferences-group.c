/* gh-session-preferences-group.c — one sign-in's settings in the preferences
 *
 * The sync settings live with the sign-in in the AWS config file (gh-sync-settings.h), where
 * `gatehouse sync` reads and stores them; each change is stored on its own, through the core's
 * locked edit of the file on a worker thread, and the next sync uses it. Entries are stored when
 * applied (Enter or the apply button), so a half-typed template is never written; what a sync
 * would refuse is marked on the row and not stored.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-profile-sync.h"
#include "gh-session-preferences-group.h"
#include "gh-sync-settings.h"

struct _GhSessionPreferencesGroup
{
  AdwPreferencesGroup  parent_instance;

  GhSession           *session;
  char                *config_path;
  GhSyncSettings      *settings;   /* as stored, with the changes made here */
  gboolean             loading;    /* the widgets are being set from @settings */

  AdwEntryRow         *template_row;
  AdwEntryRow         *region_row;
  AdwComboRow         *output_row;
  AdwComboRow         *roles_row;
  GtkSwitch           *credential_process_switch;
  GtkSwitch           *refresh_token_switch;
};

G_DEFINE_FINAL_TYPE (GhSessionPreferencesGroup, gh_session_preferences_group,
                     ADW_TYPE_PREFERENCES_GROUP)

enum { PROP_0, PROP_SESSION, PROP_CONFIG_PATH, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The output formats in the order of the combo row's items; NULL: no output key. */
static const char * const output_choices[] = { NULL, "json", "yaml", "yaml-stream", "text",
                                               "table" };

static void
report (GhSessionPreferencesGroup *self,
        const GError              *error)
{
  g_signal_emit (self, signals[FAILED], 0, error->message);
}

/* Storing */

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GhSessionPreferencesGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gh_profile_sync_store_settings_finish (result, &error))
    report (self, error);
}

/* The write holds a reference, so a change made just before the window closes is kept. */
static void
store (GhSessionPreferencesGroup *self,
       GhSyncSetting              which)
{
  gh_profile_sync_store_settings_async (self->config_path, gh_session_get_name (self->session),
                                        self->settings, which, NULL, stored_cb,
                                        g_object_ref (self));
}

static void
mark_row (GtkWidget    *row,
          const GError *error)
{
  if (error != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, error->message);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_widget_set_tooltip_text (row, NULL);
    }
}

/* What the entry stands for: NULL for empty or the default, which store no key. */
static char *
entry_value (AdwEntryRow *row,
             const char  *default_value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (text[0] == '\0' || g_strcmp0 (text, default_value) == 0)
    return NULL;
  return g_steal_pointer (&text);
}

/* The settings the rows show, checked as a sync would check them. */
static gboolean
check_entry (GhSessionPreferencesGroup  *self,
             AdwEntryRow                *row,
             GError                    **error)
{
  g_autoptr(GhSyncSettings) check = gh_sync_settings_new ();

  if (row == self->template_row)
    check->template_ = entry_value (row, GH_DEFAULT_PROFILE_TEMPLATE);
  else
    check->region = entry_value (row, NULL);
  return gh_profile_sync_check_settings (check, error);
}

static void
entry_changed_cb (GhSessionPreferencesGroup *self,
                  GtkEditable               *editable)
{
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;
  check_entry (self, ADW_ENTRY_ROW (editable), &error);
  mark_row (GTK_WIDGET (editable), error);
}

static void
apply_entry (GhSessionPreferencesGroup  *self,
             AdwEntryRow                *row,
             char                      **setting,
             const char                 *default_value,
             GhSyncSetting               which)
{
  g_autoptr(GError) error = NULL;

  if (!check_entry (self, row, &error))
    {
      mark_row (GTK_WIDGET (row), error);
      report (self, error);
      return;
    }

  g_free (*setting);
  *setting = entry_value (row, default_value);
  store (self, which);
}

static void
template_apply_cb (GhSessionPreferencesGroup *self)
{
  apply_entry (self, self->template_row, &self->settings->template_,
               GH_DEFAULT_PROFILE_TEMPLATE, GH_SYNC_SETTING_TEMPLATE);
}

static void
region_apply_cb (GhSessionPreferencesGroup *self)
{
  apply_entry (self, self->region_row, &self->settings->region, NULL, GH_SYNC_SETTING_REGION);
}

static void
output_selected_cb (GhSessionPreferencesGroup *self)
{
  guint selected = adw_combo_row_get_selected (self->output_row);

  if (self->loading || selected >= G_N_ELEMENTS (output_choices))
    return;
  g_free (self->settings->output);
  self->settings->output = g_strdup (output_choices[selected]);
  store (self, GH_SYNC_SETTING_OUTPUT);
}

static void
roles_selected_cb (GhSessionPreferencesGroup *self)
{
  if (self->loading)
    return;
  self->settings->favorites_only = adw_combo_row_get_selected (self->roles_row) == 1;
  store (self, GH_SYNC_SETTING_FAVORITES_ONLY);
}

static void
credential_process_toggled_cb (GhSessionPreferencesGroup *self)
{
  if (self->loading)
    return;
  self->settings->credential_process =
    gtk_switch_get_active (self->credential_process_switch);
  store (self, GH_SYNC_SETTING_CREDENTIAL_PROCESS);
}

static void
refresh_token_stored_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GhSessionPreferencesGroup) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gh_aws_config_set_cache_refresh_token_finish (result, &error))
    report (self, error);
}

static void
refresh_token_toggled_cb (GhSessionPreferencesGroup *self)
{
  if (self->loading)
    return;
  gh_aws_config_set_cache_refresh_token_async (self->config_path,
                                               gh_session_get_name (self->session),
                                               gtk_switch_get_active (self->refresh_token_switch),
                                               NULL, refresh_token_stored_cb,
                                               g_object_ref (self));
}

/* Loading */

static guint
output_index (const char *output)
{
  for (guint i = 1; i < G_N_ELEMENTS (output_choices); i++)
    if (g_strcmp0 (output, output_choices[i]) == 0)
      return i;
  return 0;
}

static void
show_settings (GhSessionPreferencesGroup *self)
{
  const GhSsoSessionConfig *config = gh_session_get_config (self->session);
  g_autofree char *region_title = NULL;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->template_row),
                         self->settings->template_ ? self->settings->template_
                                                   : GH_DEFAULT_PROFILE_TEMPLATE);
  /* Empty is the sign-in's region, which the title names. */
  region_title = g_strdup_printf (_("Profile Region (empty: the sign-in's, %s)"),
                                  gh_session_get_region (self->session));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->region_row), region_title);
  gtk_editable_set_text (GTK_EDITABLE (self->region_row),
                         self->settings->region ? self->settings->region : "");
  adw_combo_row_set_selected (self->output_row, output_index (self->settings->output));
  adw_combo_row_set_selected (self->roles_row, self->settings->favorites_only ? 1 : 0);
  gtk_switch_set_active (self->credential_process_switch, self->settings->credential_process);
  gtk_switch_set_active (self->refresh_token_switch, config->cache_refresh_token);
  self->loading = FALSE;
}

/* The file was read when the sign-in list was: a small local file, read once per sign-in. */
static void
load_settings (GhSessionPreferencesGroup *self)
{
  g_autoptr(GError) error = NULL;

  self->settings = gh_sync_settings_load (self->config_path,
                                          gh_session_get_name (self->session), &error);
  if (self->settings == NULL)
    {
      /* Shown, and nothing stored over a file that could not be read */
      GtkWidget *rows[] = { GTK_WIDGET (self->template_row), GTK_WIDGET (self->region_row),
                            GTK_WIDGET (self->output_row), GTK_WIDGET (self->roles_row),
                            GTK_WIDGET (self->credential_process_switch),
                            GTK_WIDGET (self->refresh_token_switch) };

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), error->message);
      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        gtk_widget_set_sensitive (rows[i], FALSE);
      self->settings = gh_sync_settings_new ();
    }
}

/* GObject */

static void
gh_session_preferences_group_constructed (GObject *object)
{
  GhSessionPreferencesGroup *self = GH_SESSION_PREFERENCES_GROUP (object);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (object);

  G_OBJECT_CLASS (gh_session_preferences_group_parent_class)->constructed (object);

  g_assert (GH_IS_SESSION (self->session));
  g_assert (self->config_path != NULL);

  adw_preferences_group_set_title (group, gh_session_get_name (self->session));
  adw_preferences_group_set_description (group,
    _("The AWS CLI profiles “gatehouse sync” writes for this sign-in. The template may use "
      "{role}, {account_id}, {account_name} and {session}."));
  /* After the description: a file that cannot be read replaces it with the reason. */
  load_settings (self);
  show_settings (self);
}

static void
gh_session_preferences_group_dispose (GObject *object)
{
  GhSessionPreferencesGroup *self = GH_SESSION_PREFERENCES_GROUP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_SESSION_PREFERENCES_GROUP);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (gh_session_preferences_group_parent_class)->dispose (object);
}

static void
gh_session_preferences_group_finalize (GObject *object)
{
  GhSessionPreferencesGroup *self = GH_SESSION_PREFERENCES_GROUP (object);

  g_clear_pointer (&self->config_path, g_free);
  g_clear_pointer (&self->settings, gh_sync_settings_free);

  G_OBJECT_CLASS (gh_session_preferences_group_parent_class)->finalize (object);
}

static void
gh_session_preferences_group_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  GhSessionPreferencesGroup *self = GH_SESSION_PREFERENCES_GROUP (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_CONFIG_PATH: g_value_set_string (value, self->config_path); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_session_preferences_group_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  GhSessionPreferencesGroup *self = GH_SESSION_PREFERENCES_GROUP (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_CONFIG_PATH: self->config_path = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_session_preferences_group_class_init (GhSessionPreferencesGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_session_preferences_group_constructed;
  object_class->dispose = gh_session_preferences_group_dispose;
  object_class->finalize = gh_session_preferences_group_finalize;
  object_class->get_property = gh_session_preferences_group_get_property;
  object_class->set_property = gh_session_preferences_group_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, GH_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFIG_PATH] =
    g_param_spec_string ("config-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/gatehouse/Gatehouse/Window/gh-session-preferences-group.ui");
  gtk_widget_class_bind_template_child (widget_class, GhSessionPreferencesGroup, template_row);
  gtk_widget_class_bind_template_child (widget_class, GhSessionPreferencesGroup, region_row);
  gtk_widget_class_bind_template_child (widget_class, GhSessionPreferencesGroup, output_row);
  gtk_widget_class_bind_template_child (widget_class, GhSessionPreferencesGroup, roles_row);
  gtk_widget_class_bind_template_child (widget_class, GhSessionPreferencesGroup,
                                        credential_process_switch);
  gtk_widget_class_bind_template_child (widget_class, GhSessionPreferencesGroup,
                                        refresh_token_switch);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, template_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, region_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, output_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, roles_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, credential_process_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_token_toggled_cb);
}

static void
gh_session_preferences_group_init (GhSessionPreferencesGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_session_preferences_group_new (GhSession  *session,
                                  const char *config_path)
{
  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  g_return_val_if_fail (config_path != NULL, NULL);

  return g_object_new (GH_TYPE_SESSION_PREFERENCES_GROUP,
                       "session", session,
                       "config-path", config_path,
                       NULL);
}

GhSession *
gh_session_preferences_group_get_session (GhSessionPreferencesGroup *self)
{
  g_return_val_if_fail (GH_IS_SESSION_PREFERENCES_GROUP (self), NULL);

  return self->session;
}
