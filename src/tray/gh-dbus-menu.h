/* gh-dbus-menu.h — a GMenuModel exported as com.canonical.dbusmenu
 *
 * Sections become separators, submenus children-display "submenu"; a "clicked" Event activates
 * the item's action (with its target) on the given GActionGroup. Model changes bump the
 * revision and emit LayoutUpdated.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_DBUS_MENU (gh_dbus_menu_get_type ())
G_DECLARE_FINAL_TYPE (GhDbusMenu, gh_dbus_menu, GH, DBUS_MENU, GObject)

/* Actions are looked up without the "app." prefix that menu items carry. */
GhDbusMenu *gh_dbus_menu_new        (GMenuModel       *model,
                                     GActionGroup     *actions);
gboolean    gh_dbus_menu_export     (GhDbusMenu       *self,
                                     GDBusConnection  *connection,
                                     const char       *object_path,
                                     GError          **error);
void        gh_dbus_menu_unexport   (GhDbusMenu       *self);
guint       gh_dbus_menu_get_revision (GhDbusMenu     *self);

G_END_DECLS
