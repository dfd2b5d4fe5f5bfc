/* gh-add-session-dialog.c — "Add sign-in…"
 *
 * Every field is checked as it is typed with the core checks `gatehouse session add` uses, and
 * the message shows right under the field; a field that was never typed in is not scolded
 * until "Add" is tried. The region is taken from the URL when its host names one (the newer
 * portal hosts do; https://ID.awsapps.com/start does not), and the name from the portal's
 * subdomain, until a person types their own. Profiles that sign in on their own (legacy
 * `[profile]` sections with sso_start_url) are offered as sign-ins to add. "Add" writes the
 * section through the core on a worker thread.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-add-session-dialog.h"
#include "gh-aws-config.h"
#include "gh-endpoints.h"
#include "gh-error.h"

struct _GhAddSessionDialog
{
  AdwWindow          parent_instance;

  GhSessionManager  *sessions;
  GCancellable      *cancellable;
  gboolean           filling;        /* fields are being set by the dialog, not typed */
  gboolean           region_typed;
  gboolean           name_typed;
  gboolean           tried;          /* "Add" was tried: empty fields are errors now */

  GtkButton         *add_button;
  GtkLabel          *failure_label;
  AdwEntryRow       *url_row;
  GtkLabel          *url_message;
  AdwEntryRow       *region_row;
  GtkLabel          *region_message;
  AdwEntryRow       *name_row;
  GtkLabel          *name_message;
  AdwPreferencesGroup *import_group;
};

G_DEFINE_FINAL_TYPE (GhAddSessionDialog, gh_add_session_dialog, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_SESSION_MANAGER, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SESSION_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
field_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_field_text (GhAddSessionDialog *self,
                AdwEntryRow        *row,
                const char         *text)
{
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  self->filling = FALSE;
}

/* Checking */

static gboolean
name_is_taken (GhAddSessionDialog *self,
               const char         *name)
{
  GPtrArray *configs = gh_session_manager_get_configs (self->sessions);

  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

      if (!config->legacy && g_strcmp0 (config->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_name (GhAddSessionDialog  *self,
            const char          *name,
            GError             **error)
{
  if (!gh_validate_new_session_name (name, error))
    return FALSE;
  if (name_is_taken (self, name))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("A sign-in named “%s” already exists. Choose another name."), name);
      return FALSE;
    }
  return TRUE;
}

/* The message under a field: the error, else @hint (dimmed), else nothing. An empty field
 * that was never tried shows the hint only. */
static gboolean
show_check (GhAddSessionDialog *self,
            AdwEntryRow        *row,
            GtkLabel           *message,
            const GError       *error,
            const char         *hint)
{
  gboolean quiet = error != NULL && !self->tried && field_text (row)[0] == '\0';
  const char *text = error != NULL && !quiet ? error->message : hint;

  gtk_label_set_text (message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (message), text != NULL);
  if (error != NULL && !quiet)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_add_css_class (GTK_WIDGET (message), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (message), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (message), "error");
      gtk_widget_add_css_class (GTK_WIDGET (message), "dim-label");
    }
  return error == NULL;
}

/* Checks every field, shows what is wrong, and lets "Add" go only when nothing is. */
static gboolean
check_fields (GhAddSessionDialog *self)
{
  g_autoptr(GError) url_error = NULL;
  g_autoptr(GError) region_error = NULL;
  g_autoptr(GError) name_error = NULL;
  gboolean ok = TRUE;

  gh_validate_start_url (field_text (self->url_row), &url_error);
  ok &= show_check (self, self->url_row, self->url_message, url_error, NULL);
  gh_validate_region (field_text (self->region_row), &region_error);
  ok &= show_check (self, self->region_row, self->region_message, region_error,
                    _("The region of your IAM Identity Center, such as us-east-1; the "
                      "administrator's IAM Identity Center settings show it."));
  check_name (self, field_text (self->name_row), &name_error);
  ok &= show_check (self, self->name_row, self->name_message, name_error,
                    _("How Gatehouse and the AWS CLI call this sign-in "
                      "(aws sso login --sso-session NAME)."));

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), ok);
  return ok;
}

/* The portal's name, or with "-2", "-3", … when a sign-in has it already (a second
 * instance of the same organisation, say). */
static char *
free_name (GhAddSessionDialog *self,
           const char         *url)
{
  g_autofree char *base = gh_start_url_suggest_session_name (url);
  char *name = g_strdup (base);

  for (guint i = 2; name_is_taken (self, name) && i < 100; i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, i);
    }
  return name;
}

/* Typing */

static void
url_changed_cb (GhAddSessionDialog *self)
{
  const char *url = field_text (self->url_row);

  if (self->filling)
    return;

  if (!self->region_typed)
    {
      g_autofree char *region = gh_start_url_guess_region (url);

      set_field_text (self, self->region_row, region);
    }
  if (!self->name_typed)
    {
      g_autofree char *name = url[0] != '\0' ? free_name (self, url) : NULL;

      set_field_text (self, self->name_row, name);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), FALSE);
  check_fields (self);
}

/* A field a person typed in is theirs: the URL no longer fills it (until they empty it). */
static void
region_changed_cb (GhAddSessionDialog *self)
{
  if (self->filling)
    return;
  self->region_typed = field_text (self->region_row)[0] != '\0';
  check_fields (self);
}

static void
name_changed_cb (GhAddSessionDialog *self)
{
  if (self->filling)
    return;
  self->name_typed = field_text (self->name_row)[0] != '\0';
  check_fields (self);
}

/* Adding */

static void
set_busy (GhAddSessionDialog *self,
          gboolean            busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->region_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_group), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), !busy);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GhAddSessionDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Closed meanwhile: nobody to tell */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (!gh_aws_config_add_session_finish (result, &error))
    {
      /* Someone else may have added one of that name meanwhile: say so where it shows. */
      gtk_label_set_text (self->failure_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->failure_label), TRUE);
      set_busy (self, FALSE);
      return;
    }

  g_signal_emit (self, signals[SESSION_ADDED], 0, field_text (self->name_row));
  gtk_window_close (GTK_WINDOW (self));
}

static void
add_clicked_cb (GhAddSessionDialog *self)
{
  GhSsoSessionConfig config = { 0, };
  g_autofree char *url = NULL;

  self->tried = TRUE;
  if (!check_fields (self))
    return;

  url = g_strstrip (g_strdup (field_text (self->url_row)));
  config.name = (char *) field_text (self->name_row);
  config.start_url = url;
  config.region = (char *) field_text (self->region_row);

  set_busy (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), FALSE);
  gh_aws_config_add_session_async (gh_session_manager_get_config_path (self->sessions),
                                   &config, self->cancellable, added_cb, g_object_ref (self));
}

/* Importing */

/* Legacy profiles whose portal has no sign-in section yet, one row each. */
static gboolean
portal_has_session (GPtrArray  *configs,
                    const char *start_url)
{
  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

      if (!config->legacy && g_strcmp0 (config->start_url, start_url) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
import_activated_cb (AdwActionRow       *row,
                     GhAddSessionDialog *self)
{
  const char *url = g_object_get_data (G_OBJECT (row), "start-url");
  const char *region = g_object_get_data (G_OBJECT (row), "region");

  self->region_typed = FALSE;
  self->name_typed = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  /* The profile says the region even where the URL does not */
  set_field_text (self, self->region_row, region);
  check_fields (self);
}

static void
add_import_rows (GhAddSessionDialog *self)
{
  GPtrArray *configs = gh_session_manager_get_configs (self->sessions);
  g_autoptr(GHashTable) offered = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (!config->legacy || config->start_url == NULL ||
          portal_has_session (configs, config->start_url) ||
          g_hash_table_contains (offered, config->start_url))
        continue;
      g_hash_table_add (offered, config->start_url);

      row = adw_action_row_new ();
      subtitle = g_strdup_printf (_("%s in %s"), config->start_url,
                                  config->region ? config->region : _("an unknown region"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), config->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "start-url", g_strdup (config->start_url),
                              g_free);
      g_object_set_data_full (G_OBJECT (row), "region", g_strdup (config->region), g_free);
      g_signal_connect_object (row, "activated", G_CALLBACK (import_activated_cb), self, 0);
      adw_preferences_group_add (self->import_group, row);
      gtk_widget_set_visible (GTK_WIDGET (self->import_group), TRUE);
    }
}

/* GObject */

static void
gh_add_session_dialog_constructed (GObject *object)
{
  GhAddSessionDialog *self = GH_ADD_SESSION_DIALOG (object);

  G_OBJECT_CLASS (gh_add_session_dialog_parent_class)->constructed (object);

  if (self->sessions == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Without the list, the core's own check under the lock still refuses a taken name. */
      self->sessions = gh_session_manager_new (NULL);
      if (!gh_session_manager_reload (self->sessions, &error))
        g_debug ("Cannot read the sign-ins: %s", error->message);
    }

  add_import_rows (self);
  check_fields (self);
}

static void
gh_add_session_dialog_dispose (GObject *object)
{
  GhAddSessionDialog *self = GH_ADD_SESSION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_ADD_SESSION_DIALOG);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (gh_add_session_dialog_parent_class)->dispose (object);
}

static void
gh_add_session_dialog_finalize (GObject *object)
{
  GhAddSessionDialog *self = GH_ADD_SESSION_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gh_add_session_dialog_parent_class)->finalize (object);
}

static void
gh_add_session_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GhAddSessionDialog *self = GH_ADD_SESSION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION_MANAGER: g_value_set_object (value, self->sessions); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_add_session_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GhAddSessionDialog *self = GH_ADD_SESSION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION_MANAGER: self->sessions = g_value_dup_object (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_add_session_dialog_class_init (GhAddSessionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gh_add_session_dialog_constructed;
  object_class->dispose = gh_add_session_dialog_dispose;
  object_class->finalize = gh_add_session_dialog_finalize;
  object_class->get_property = gh_add_session_dialog_get_property;
  object_class->set_property = gh_add_session_dialog_set_property;

  properties[PROP_SESSION_MANAGER] =
    g_param_spec_object ("session-manager", NULL, NULL, GH_TYPE_SESSION_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SESSION_ADDED] = g_signal_new ("session-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/gatehouse/Gatehouse/Window/gh-add-session-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, failure_label);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, url_message);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, region_row);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, region_message);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, name_message);
  gtk_widget_class_bind_template_child (widget_class, GhAddSessionDialog, import_group);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, region_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
}

static void
gh_add_session_dialog_init (GhAddSessionDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_add_session_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (GH_TYPE_ADD_SESSION_DIALOG,
                       "transient-for", parent,
                       NULL);
}
