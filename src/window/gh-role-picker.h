/* gh-role-picker.h — every account and role of every sign-in, searchable, in one list
 *
 * One GtkListView over the sign-ins' GhRoleLists (flattened, sorted favourites first, then the
 * recent roles, then by account name; filtered by GhRoleMatcher as the search text changes).
 * Its "picker.*" actions (parameter: "SESSION/ACCOUNT_ID/ROLE") open consoles and copy
 * profile names and credentials; results and errors go out as toasts (::toast).
 */
#pragma once

#include <adwaita.h>

#include "gh-session-manager.h"

G_BEGIN_DECLS

#define GH_TYPE_ROLE_PICKER (gh_role_picker_get_type ())
G_DECLARE_FINAL_TYPE (GhRolePicker, gh_role_picker, GH, ROLE_PICKER, GtkWidget)

/* Signals:
 *   toast (AdwToast *toast) — something to tell; the window shows it.
 *   add-profile (GhRole *role) — "Add AWS CLI profile…" for that role. */

GtkWidget  *gh_role_picker_new                 (void);
/* The sign-ins whose roles are shown; their role lists load in the background. */
void        gh_role_picker_set_session_manager (GhRolePicker     *self,
                                                GhSessionManager *sessions);
/* Puts the search text (NULL: none) in the search entry and focuses it. */
void        gh_role_picker_search              (GhRolePicker     *self,
                                                const char       *text);
/* Typing in @widget (the window) goes to the search entry. */
void        gh_role_picker_set_key_capture_widget (GhRolePicker *self,
                                                   GtkWidget    *widget);
/* The rows shown, after the search: GhRoleSlot, each showing one GhRole (gh-role-slot.h). */
GListModel *gh_role_picker_get_model           (GhRolePicker     *self);
/* TRUE while some sign-in's role list is still loading. */
gboolean    gh_role_picker_get_loading         (GhRolePicker     *self);

G_END_DECLS
