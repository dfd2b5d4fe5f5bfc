/* gh-role-slot.h — one row position of the role picker's results, showing one GhRole
 *
 * GTK 4.8's list view makes new row widgets for the items an items-changed brings and drops
 * the old ones; it does not recycle them. The picker's results are therefore slots that stay
 * put (slot N is always the Nth row) and change the role they show (notify::role): a keystroke
 * rebinds the rows on screen instead of making a hundred new ones.
 */
#pragma once

#include <glib-object.h>

#include "gh-role.h"

G_BEGIN_DECLS

#define GH_TYPE_ROLE_SLOT (gh_role_slot_get_type ())
G_DECLARE_FINAL_TYPE (GhRoleSlot, gh_role_slot, GH, ROLE_SLOT, GObject)

GhRoleSlot *gh_role_slot_new      (GhRole     *role);
GhRole     *gh_role_slot_get_role (GhRoleSlot *self);
void        gh_role_slot_set_role (GhRoleSlot *self,
                                   GhRole     *role);

G_END_DECLS
