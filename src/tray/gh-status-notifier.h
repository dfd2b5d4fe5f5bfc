/* gh-status-notifier.h — a StatusNotifierItem (the tray icon) over GDBus
 *
 * Owns org.kde.StatusNotifierItem-<pid>-<n>, exports /StatusNotifierItem, registers with
 * org.kde.StatusNotifierWatcher, and registers again whenever a watcher (re)appears. The menu
 * is exported separately (GhDbusMenu) at the object path given here.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_STATUS_NOTIFIER (gh_status_notifier_get_type ())
G_DECLARE_FINAL_TYPE (GhStatusNotifier, gh_status_notifier, GH, STATUS_NOTIFIER, GObject)

typedef enum
{
  GH_STATUS_NOTIFIER_PASSIVE,
  GH_STATUS_NOTIFIER_ACTIVE,
  GH_STATUS_NOTIFIER_NEEDS_ATTENTION,
} GhStatusNotifierStatus;

/* Signals:
 *   activate (int x, int y)            — primary click (Activate)
 *   secondary-activate (int x, int y)  — middle click (SecondaryActivate)
 *   scroll (int delta, const char *orientation) — Scroll ("horizontal" or "vertical")
 *   registered ()                      — a watcher accepted the item
 *   unavailable ()                     — no watcher on the bus (once per disappearance)
 * Properties: "registered" (bool, read-only). */

GhStatusNotifier *gh_status_notifier_new            (GDBusConnection        *connection,
                                                     const char             *id,
                                                     const char             *menu_path);
/* Owns the bus name, exports the item and starts watching for a watcher. */
gboolean          gh_status_notifier_start          (GhStatusNotifier       *self,
                                                     GError                **error);
void              gh_status_notifier_set_icon       (GhStatusNotifier       *self,
                                                     const char             *icon_name,
                                                     GBytes                 *argb32_pixmap,
                                                     int                     pixmap_size);
void              gh_status_notifier_set_status     (GhStatusNotifier       *self,
                                                     GhStatusNotifierStatus  status);
/* Title and description of the ToolTip (e.g. "Gatehouse", "work: signed in until 18:30"). */
void              gh_status_notifier_set_tooltip    (GhStatusNotifier       *self,
                                                     const char             *title,
                                                     const char             *description);
/* IconThemePath, for uninstalled runs (data/icons). */
void              gh_status_notifier_set_icon_theme_path (GhStatusNotifier  *self,
                                                          const char        *path);
/* Shown by hosts while the status is NeedsAttention; same conventions as set_icon. */
void              gh_status_notifier_set_attention_icon (GhStatusNotifier   *self,
                                                         const char         *icon_name,
                                                         GBytes             *argb32_pixmap,
                                                         int                 pixmap_size);
/* Title defaults to the id. */
void              gh_status_notifier_set_title      (GhStatusNotifier       *self,
                                                     const char             *title);
GhStatusNotifierStatus gh_status_notifier_get_status (GhStatusNotifier      *self);
gboolean          gh_status_notifier_get_registered (GhStatusNotifier       *self);
const char       *gh_status_notifier_get_bus_name   (GhStatusNotifier       *self);

G_END_DECLS
