/* gh-add-profile-dialog.c — "Add AWS CLI profile…"
 *
 * The defaults are the command line's: the name the sign-in's template gives the role (the
 * name `gatehouse sync` would give it), the sign-in's region, json. The profile is written by
 * the core's gh_profile_add() on a worker thread, so it is the same section `gatehouse profile
 * add` writes, marked as added by hand: sync leaves it alone, and a profile a person wrote is
 * never replaced (the dialog says so instead).
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-add-profile-dialog.h"
#include "gh-aws-config.h"
#include "gh-profile-add.h"
#include "gh-profile-sync.h"
#include "gh-sync-settings.h"

struct _GhAddProfileDialog
{
  AdwWindow     parent_instance;

  GhSession    *session;
  GhRole       *role;
  char         *config_path;
  GCancellable *cancellable;

  GtkButton    *add_button;
  GtkLabel     *role_label;
  GtkLabel     *failure_label;
  AdwEntryRow  *name_row;
  GtkLabel     *name_message;
  AdwEntryRow  *region_row;
  AdwComboRow  *output_row;
  GtkLabel     *region_message;
};

G_DEFINE_FINAL_TYPE (GhAddProfileDialog, gh_add_profile_dialog, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_SESSION, PROP_ROLE, PROP_CONFIG_PATH, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { PROFILE_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define DEFAULT_OUTPUT "json"

static const char *
field_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static const char *
selected_output (GhAddProfileDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->output_row);

  return gh_profile_output_formats ()[selected];
}

static gboolean
show_check (AdwEntryRow  *row,
            GtkLabel     *message,
            const GError *error)
{
  gtk_label_set_text (message, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (message), error != NULL);
  if (error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_add_css_class (GTK_WIDGET (message), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (message), "error");
    }
  return error == NULL;
}

static gboolean
check_fields (GhAddProfileDialog *self)
{
  g_autoptr(GError) name_error = NULL;
  g_autoptr(GError) region_error = NULL;
  gboolean ok = TRUE;

  gh_profile_validate_name (field_text (self->name_row), &name_error);
  ok &= show_check (self->name_row, self->name_message, name_error);
  /* Empty: no region key, as `aws configure sso` leaves it when none is given */
  if (field_text (self->region_row)[0] != '\0')
    gh_validate_region (field_text (self->region_row), &region_error);
  ok &= show_check (self->region_row, self->region_message, region_error);

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), ok);
  return ok;
}

static void
field_changed_cb (GhAddProfileDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), FALSE);
  check_fields (self);
}

/* Adding */

static void
set_busy (GhAddProfileDialog *self,
          gboolean            busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->region_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->output_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), !busy);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GhAddProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (!gh_profile_add_finish (result, NULL, &error))
    {
      /* A name taken by a profile someone wrote, say: they pick another one */
      gtk_label_set_text (self->failure_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->failure_label), TRUE);
      set_busy (self, FALSE);
      return;
    }

  g_signal_emit (self, signals[PROFILE_ADDED], 0, field_text (self->name_row));
  gtk_window_close (GTK_WINDOW (self));
}

static void
add_clicked_cb (GhAddProfileDialog *self)
{
  const GhSsoSessionConfig *config = gh_session_get_config (self->session);
  GhProfileSpec spec = {
    .name = field_text (self->name_row),
    .session_name = gh_session_get_name (self->session),
    .legacy = config->legacy,
    .start_url = config->start_url,
    .sso_region = config->region,
    .account_id = gh_role_get_account_id (self->role),
    .role_name = gh_role_get_role_name (self->role),
    .region = field_text (self->region_row),
    .output = selected_output (self),
  };

  if (!check_fields (self))
    return;

  set_busy (self, TRUE);
  gh_profile_add_async (self->config_path, &spec, self->cancellable, added_cb,
                        g_object_ref (self));
}

/* Defaults */

/* The name sync would give the role, so that the profile is the one people expect. */
static char *
default_name (GhAddProfileDialog *self)
{
  const char *session_name = gh_session_get_name (self->session);
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_load (self->config_path, session_name,
                                                              NULL);
  g_autoptr(GError) error = NULL;
  char *name;

  name = gh_profile_name_from_template (settings != NULL ? settings->template_ : NULL,
                                        session_name, gh_role_get_account_id (self->role),
                                        gh_role_get_account_name (self->role),
                                        gh_role_get_role_name (self->role), &error);
  if (name != NULL)
    return name;

  /* A stored template sync would refuse too: the default template's name, and why */
  g_debug ("The sign-in's profile name template does not work: %s", error->message);
  return gh_profile_name_from_template (NULL, session_name, gh_role_get_account_id (self->role),
                                        gh_role_get_account_name (self->role),
                                        gh_role_get_role_name (self->role), NULL);
}

static void
show_defaults (GhAddProfileDialog *self)
{
  const char *account_name = gh_role_get_account_name (self->role);
  GtkStringList *formats = GTK_STRING_LIST (adw_combo_row_get_model (self->output_row));
  const char * const *outputs = gh_profile_output_formats ();
  g_autofree char *description = NULL;
  g_autofree char *name = default_name (self);

  description = g_strdup_printf (_("A profile of the AWS CLI and SDKs for the role %s in the "
                                   "account %s (%s), as “aws configure sso” writes one."),
                                 gh_role_get_role_name (self->role),
                                 account_name != NULL ? account_name
                                                      : gh_role_get_account_id (self->role),
                                 gh_role_get_account_id (self->role));
  gtk_label_set_text (self->role_label, description);

  for (guint i = 0; outputs[i] != NULL; i++)
    {
      gtk_string_list_append (formats, outputs[i]);
      if (g_str_equal (outputs[i], DEFAULT_OUTPUT))
        adw_combo_row_set_selected (self->output_row, i);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->region_row), gh_session_get_region (self->session));
  check_fields (self);
}

/* GObject */

static void
gh_add_profile_dialog_constructed (GObject *object)
{
  GhAddProfileDialog *self = GH_ADD_PROFILE_DIALOG (object);

  G_OBJECT_CLASS (gh_add_profile_dialog_parent_class)->constructed (object);

  g_assert (GH_IS_SESSION (self->session));
  g_assert (GH_IS_ROLE (self->role));

  if (self->config_path == NULL)
    self->config_path = gh_aws_config_default_path ();
  show_defaults (self);
}

static void
gh_add_profile_dialog_dispose (GObject *object)
{
  GhAddProfileDialog *self = GH_ADD_PROFILE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_ADD_PROFILE_DIALOG);
  g_clear_object (&self->session);
  g_clear_object (&self->role);

  G_OBJECT_CLASS (gh_add_profile_dialog_parent_class)->dispose (object);
}

static void
gh_add_profile_dialog_finalize (GObject *object)
{
  GhAddProfileDialog *self = GH_ADD_PROFILE_DIALOG (object);

  g_clear_pointer (&self->config_path, g_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gh_add_profile_dialog_parent_class)->finalize (object);
}

static void
gh_add_profile_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GhAddProfileDialog *self = GH_ADD_PROFILE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_ROLE: g_value_set_object (value, self->role); break;
    case PROP_CONFIG_PATH: g_value_set_string (value, self->config_path); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_add_profile_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GhAddProfileDialog *self = GH_ADD_PROFILE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_ROLE: self->role = g_value_dup_object (value); break;
    case PROP_CONFIG_PATH: self->config_path = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_add_profile_dialog_class_init (GhAddProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_add_profile_dialog_constructed;
  object_class->dispose = gh_add_profile_dialog_dispose;
  object_class->finalize = gh_add_profile_dialog_finalize;
  object_class->get_property = gh_add_profile_dialog_get_property;
  object_class->set_property = gh_add_profile_dialog_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, GH_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_object ("role", NULL, NULL, GH_TYPE_ROLE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFIG_PATH] =
    g_param_spec_string ("config-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROFILE_ADDED] = g_signal_new ("profile-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/gatehouse/Gatehouse/Window/gh-add-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, role_label);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, failure_label);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, name_message);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, region_row);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, output_row);
  gtk_widget_class_bind_template_child (widget_class, GhAddProfileDialog, region_message);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
}

static void
gh_add_profile_dialog_init (GhAddProfileDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_add_profile_dialog_new (GtkWindow *parent,
                           GhSession *session,
                           GhRole    *role)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  g_return_val_if_fail (GH_IS_ROLE (role), NULL);

  return g_object_new (GH_TYPE_ADD_PROFILE_DIALOG,
                       "transient-for", parent,
                       "session", session,
                       "role", role,
                       NULL);
}
