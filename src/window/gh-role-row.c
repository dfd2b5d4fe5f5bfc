/* gh-role-row.c — one row of the role picker
 *
 * The row's star and menu activate its own "row.*" actions, which pass them on to the
 * "picker.*" action of the same name with the row's role target ("SESSION/ACCOUNT_ID/ROLE"):
 * one set of actions (GhRolePicker) serves every row, the menu model is the same for all, and a
 * recycled row only changes its target.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-role-row.h"
#include "gh-role-target.h"

struct _GhRoleRow
{
  GtkWidget       parent_instance;

  GhRole         *role;
  char           *target;
  char           *profile_name;
  gboolean        favorite;

  GtkToggleButton *star;
  GtkLabel       *title;
  GtkLabel       *subtitle;
  GtkImage       *recent;
  GtkLabel       *session;
  GtkMenuButton  *menu_button;
};

G_DEFINE_FINAL_TYPE (GhRoleRow, gh_role_row, GTK_TYPE_WIDGET)

static void
update_star (GhRoleRow *self)
{
  const char *label = self->favorite ? _("Remove from favourites") : _("Add to favourites");

  gtk_button_set_icon_name (GTK_BUTTON (self->star),
                            self->favorite ? "starred-symbolic" : "non-starred-symbolic");
  if (self->favorite)
    gtk_widget_add_css_class (GTK_WIDGET (self->star), "starred");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->star), "starred");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->star), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* "row.NAME" → "picker.NAME" (target). The star asks the picker rather than flipping itself:
 * the setting decides, and the row follows it (gh_role_row_set_favorite). */
static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GhRoleRow *self = GH_ROLE_ROW (widget);
  g_autofree char *picker_action = NULL;

  if (self->target == NULL)
    return;
  picker_action = g_strconcat ("picker.", action_name + strlen ("row."), NULL);
  gtk_widget_activate_action (widget, picker_action, "s", self->target);
}

static void
gh_role_row_dispose (GObject *object)
{
  GhRoleRow *self = GH_ROLE_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_ROLE_ROW);
  /* The template's unnamed children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->role);
  G_OBJECT_CLASS (gh_role_row_parent_class)->dispose (object);
}

static void
gh_role_row_finalize (GObject *object)
{
  GhRoleRow *self = GH_ROLE_ROW (object);

  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->profile_name, g_free);
  G_OBJECT_CLASS (gh_role_row_parent_class)->finalize (object);
}

static const char * const row_actions[] = {
  "row.toggle-favorite",
  "row.open-console",
  "row.open-container",
  "row.console-options",
  "row.copy-profile-name",
  "row.copy-credentials",
  "row.add-profile",
};

static void
gh_role_row_class_init (GhRoleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_role_row_dispose;
  object_class->finalize = gh_role_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gatehouse/Gatehouse/Window/gh-role-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GhRoleRow, star);
  gtk_widget_class_bind_template_child (widget_class, GhRoleRow, title);
  gtk_widget_class_bind_template_child (widget_class, GhRoleRow, subtitle);
  gtk_widget_class_bind_template_child (widget_class, GhRoleRow, recent);
  gtk_widget_class_bind_template_child (widget_class, GhRoleRow, session);
  gtk_widget_class_bind_template_child (widget_class, GhRoleRow, menu_button);
  for (guint i = 0; i < G_N_ELEMENTS (row_actions); i++)
    gtk_widget_class_install_action (widget_class, row_actions[i], NULL, forward_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gh-role-row");
}

static void
gh_role_row_init (GhRoleRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              12);
  update_star (self);
}

GtkWidget *
gh_role_row_new (void)
{
  return g_object_new (GH_TYPE_ROLE_ROW, NULL);
}

GhRole *
gh_role_row_get_role (GhRoleRow *self)
{
  g_return_val_if_fail (GH_IS_ROLE_ROW (self), NULL);

  return self->role;
}

const char *
gh_role_row_get_profile_name (GhRoleRow *self)
{
  g_return_val_if_fail (GH_IS_ROLE_ROW (self), NULL);

  return self->profile_name;
}

static char *
describe_account (GhRole *role)
{
  const char *name = gh_role_get_account_name (role);
  const char *email = gh_role_get_account_email (role);
  GString *text = g_string_new (NULL);

  if (name != NULL && *name != '\0')
    g_string_append_printf (text, "%s · ", name);
  g_string_append (text, gh_role_get_account_id (role));
  if (email != NULL && *email != '\0')
    g_string_append_printf (text, " · %s", email);
  return g_string_free (text, FALSE);
}

void
gh_role_row_set_role (GhRoleRow  *self,
                      GhRole     *role,
                      const char *profile_name,
                      gboolean    show_session)
{
  g_autofree char *account = NULL;

  g_return_if_fail (GH_IS_ROLE_ROW (self));
  g_return_if_fail (role == NULL || GH_IS_ROLE (role));

  g_set_object (&self->role, role);
  g_clear_pointer (&self->target, g_free);
  g_free (self->profile_name);
  self->profile_name = g_strdup (profile_name);
  if (role == NULL)
    return;

  self->target = gh_role_target_build (gh_role_get_session_name (role),
                                       gh_role_get_account_id (role),
                                       gh_role_get_role_name (role));
  account = describe_account (role);
  gtk_label_set_text (self->title, gh_role_get_role_name (role));
  gtk_label_set_text (self->subtitle, account);
  gtk_label_set_text (self->session, gh_role_get_session_name (role));
  gtk_widget_set_visible (GTK_WIDGET (self->session), show_session);
}

void
gh_role_row_set_favorite (GhRoleRow *self,
                          gboolean   favorite)
{
  g_return_if_fail (GH_IS_ROLE_ROW (self));

  if (self->favorite == !!favorite)
    return;
  self->favorite = !!favorite;
  update_star (self);
}

void
gh_role_row_set_recent (GhRoleRow *self,
                        gboolean   recent)
{
  g_return_if_fail (GH_IS_ROLE_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->recent), recent);
}
