/* gh-role-results.h — the roles of a source model that pass a filter, as stable row slots
 *
 * A GListModel of GhRoleSlot: slot N shows the Nth role of @source that @func accepts. A
 * refilter changes the roles the slots show (notify::role) and adds or removes slots at the
 * end only, so a list view keeps its rows (gh-role-slot.h says why). Refiltering is
 * synchronous (GTK_FILTER_CHANGE_MORE_STRICT checks only the roles that passed before), but
 * when the results grow by many, the slots past the first batch come a batch per idle
 * (gh-role-results.c says why).
 */
#pragma once

#include <gtk/gtk.h>

#include "gh-role-slot.h"

G_BEGIN_DECLS

#define GH_TYPE_ROLE_RESULTS (gh_role_results_get_type ())
G_DECLARE_FINAL_TYPE (GhRoleResults, gh_role_results, GH, ROLE_RESULTS, GObject)

typedef gboolean (*GhRoleFilterFunc) (GhRole   *role,
                                      gpointer  user_data);

/* @source: a GListModel of GhRole. The results stay empty until the first refilter. */
GhRoleResults *gh_role_results_new      (GListModel       *source,
                                         GhRoleFilterFunc  func,
                                         gpointer          user_data);
void           gh_role_results_refilter (GhRoleResults    *self,
                                         GtkFilterChange   change);

G_END_DECLS
