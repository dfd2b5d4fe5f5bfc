/* gh-role-row.c — one row of the role picker
 *
 * The row's star and menu activate its own "row.*" actions, which pass them on to the
 * "picker.*" action of the same name with the row's role target ("SESSION/ACCOUNT_ID/ROLE"):
 * one set of actions (GhRolePicker) serves every row, the menu model is the same for all, and a
 * recycled row only changes its target.
 *
 * GTK 4.8's list view keeps about a hundred rows, makes new ones as results grow and drops them
 * as they shrink, so a row must be cheap: it is built in code (a template costs a GtkBuilder
 * run per row, about a millisecond), its texts are GtkInscriptions (their size does not depend
 * on the text, so only rows on screen lay text out), and its tooltips and menu are made when
 * first needed.
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

  GtkButton      *star;
  GtkInscription *title;
  GtkInscription *subtitle;
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

/* Tooltips are asked for when shown: setting one on a widget asks the display where the
 * pointer is, and a list view makes rows on every keystroke. */
static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  GhRoleRow  *self)
{
  const char *text;

  if (widget == GTK_WIDGET (self->star))
    text = self->favorite ? _("Remove from favourites") : _("Add to favourites");
  else if (widget == GTK_WIDGET (self->recent))
    text = _("Opened recently");
  else
    text = _("Role Actions");
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The menu is made when first opened: a list view makes rows as they scroll into view and
 * as the search changes, and a popover menu per row would cost more than the row. */
static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/gatehouse/Gatehouse/Window/gh-role-row-menu.ui");

  gtk_menu_button_set_menu_model (button,
                                  G_MENU_MODEL (gtk_builder_get_object (builder, "role_menu")));
}

static void
gh_role_row_dispose (GObject *object)
{
  GhRoleRow *self = GH_ROLE_ROW (object);
  GtkWidget *child;

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

  for (guint i = 0; i < G_N_ELEMENTS (row_actions); i++)
    gtk_widget_class_install_action (widget_class, row_actions[i], NULL, forward_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gh-role-row");
}

static void
with_tooltip (GhRoleRow *self,
              GtkWidget *widget)
{
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
}

static GtkInscription *
add_inscription (GtkWidget  *box,
                 const char *first_class,
                 const char *second_class)
{
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_inscription_new (NULL));

  gtk_inscription_set_xalign (inscription, 0);
  gtk_inscription_set_text_overflow (inscription, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (inscription, 40);
  gtk_widget_add_css_class (GTK_WIDGET (inscription), first_class);
  if (second_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (inscription), second_class);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (inscription));
  return inscription;
}

static void
gh_role_row_init (GhRoleRow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 12);
  g_object_set (widget, "margin-start", 6, "margin-end", 6, "margin-top", 6, "margin-bottom", 6,
                NULL);

  self->star = GTK_BUTTON (gtk_button_new ());
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->star), "row.toggle-favorite");
  gtk_widget_set_valign (GTK_WIDGET (self->star), GTK_ALIGN_CENTER);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self->star), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->star), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->star), "circular");
  gtk_widget_add_css_class (GTK_WIDGET (self->star), "star");
  with_tooltip (self, GTK_WIDGET (self->star));
  gtk_widget_set_parent (GTK_WIDGET (self->star), widget);

  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (texts, TRUE);
  self->title = add_inscription (texts, "heading", NULL);
  self->subtitle = add_inscription (texts, "dim-label", "caption");
  gtk_widget_set_parent (texts, widget);

  self->recent = GTK_IMAGE (gtk_image_new_from_icon_name ("document-open-recent-symbolic"));
  gtk_widget_set_visible (GTK_WIDGET (self->recent), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->recent), "dim-label");
  with_tooltip (self, GTK_WIDGET (self->recent));
  gtk_widget_set_parent (GTK_WIDGET (self->recent), widget);

  self->session = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->session), FALSE);
  gtk_widget_set_valign (GTK_WIDGET (self->session), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->session), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->session), "caption");
  gtk_widget_set_parent (GTK_WIDGET (self->session), widget);

  self->menu_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->menu_button, "view-more-symbolic");
  gtk_menu_button_set_create_popup_func (self->menu_button, create_popup_cb, NULL, NULL);
  gtk_widget_set_valign (GTK_WIDGET (self->menu_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->menu_button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->menu_button), "circular");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Role Actions"), -1);
  with_tooltip (self, GTK_WIDGET (self->menu_button));
  gtk_widget_set_parent (GTK_WIDGET (self->menu_button), widget);

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
  gtk_inscription_set_text (self->title, gh_role_get_role_name (role));
  gtk_inscription_set_text (self->subtitle, account);
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
