/* gh-role-row.h — one row of the role picker: a role, its account, a favourite star and its
 * actions menu. Rows are recycled by the GtkListView: gh_role_row_set_role() rebinds one. */
#pragma once

#include <gtk/gtk.h>

#include "gh-role.h"

G_BEGIN_DECLS

#define GH_TYPE_ROLE_ROW (gh_role_row_get_type ())
G_DECLARE_FINAL_TYPE (GhRoleRow, gh_role_row, GH, ROLE_ROW, GtkWidget)

GtkWidget *gh_role_row_new          (void);
GhRole    *gh_role_row_get_role     (GhRoleRow  *self);
/* @profile_name: what "Copy profile name" copies (may be NULL). */
void       gh_role_row_set_role     (GhRoleRow  *self,
                                     GhRole     *role,
                                     const char *profile_name,
                                     gboolean    show_session);
void       gh_role_row_set_favorite (GhRoleRow  *self,
                                     gboolean    favorite);
void       gh_role_row_set_recent   (GhRoleRow  *self,
                                     gboolean    recent);
const char *gh_role_row_get_profile_name (GhRoleRow *self);

G_END_DECLS
