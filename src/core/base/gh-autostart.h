/* gh-autostart.h — whether the tray service starts with the desktop session
 *
 * The package installs an XDG autostart entry for everyone
 * (sysconfdir/xdg/autostart/io.github.gatehouse.Gatehouse-autostart.desktop). A person turns it
 * off or on for themselves with an entry of the same name in $XDG_CONFIG_HOME/autostart, which
 * shadows the system's (XDG Autostart specification): Hidden=true turns it off; a full entry
 * turns it on where no system entry exists (an install in a prefix whose sysconfdir the desktop
 * does not read).
 *
 * Inside Flatpak the host's autostart folder is out of reach, and the sandbox has no system
 * entry: the Background portal (org.freedesktop.portal.Background) writes the host's entry.
 * The portal cannot be asked what it did before, so its last answer is kept in the sandbox's
 * own config folder.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_AUTOSTART_FILE_NAME "io.github.gatehouse.Gatehouse-autostart.desktop"

/* What the desktop will do at the next login: the user's entry, else the first system one
 * ($XDG_CONFIG_DIRS/autostart), else off. An entry is on unless it says Hidden=true or
 * X-GNOME-Autostart-enabled=false. In Flatpak: what the portal last granted (off before). */
gboolean gh_autostart_get_enabled        (void);
/* Makes gh_autostart_get_enabled() return @enabled, changing only the user's entry: removed
 * when the system's entry gives the wanted state, else written (atomically). GH_ERROR_CONFIG
 * when it cannot be written or removed. Outside Flatpak only (it blocks on nothing else). */
gboolean gh_autostart_set_enabled        (gboolean              enabled,
                                          GError              **error);
/* The same for any front end: the files, or in Flatpak the Background portal, which may ask
 * the person. GH_ERROR_ACCESS_DENIED when the portal (or the person) refused, GH_ERROR_CONFIG
 * when there is no portal to ask. */
void     gh_autostart_set_enabled_async  (gboolean              enabled,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean gh_autostart_set_enabled_finish (GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS
