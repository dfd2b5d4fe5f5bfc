/* gh-tray-icon.h — the tray icon for each overall state: a themed name (data/icons) and the
 * same drawn in code as an IconPixmap, for hosts that cannot look names up */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GH_TRAY_ICON_SIGNED_OUT,
  GH_TRAY_ICON_SIGNED_IN,
  GH_TRAY_ICON_EXPIRING,
  GH_TRAY_ICON_ERROR,
} GhTrayIconState;

const char *gh_tray_icon_name   (GhTrayIconState state);
/* size × size pixels of ARGB32 in network byte order (StatusNotifierItem IconPixmap): a disc
 * in the state's colour with the state's badge (cross, check, clock, exclamation mark) cut
 * out of it. */
GBytes     *gh_tray_icon_pixmap (GhTrayIconState state,
                                 int             size);

G_END_DECLS
