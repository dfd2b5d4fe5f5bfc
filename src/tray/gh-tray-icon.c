/* gh-tray-icon.c — themed icon names and code-drawn pixmaps for the tray icon */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <math.h>

#include "gh-tray-icon.h"

typedef struct
{
  const char *name;
  guint8      r, g, b;
} IconInfo;

/* GNOME palette: grey, green, amber, red — the same colours as the SVGs in data/icons. */
static const IconInfo icons[] = {
  [GH_TRAY_ICON_SIGNED_OUT] = { "gatehouse-signed-out", 0x9a, 0x99, 0x96 },
  [GH_TRAY_ICON_SIGNED_IN]  = { "gatehouse-signed-in",  0x2e, 0xc2, 0x7e },
  [GH_TRAY_ICON_EXPIRING]   = { "gatehouse-expiring",   0xe5, 0xa5, 0x0a },
  [GH_TRAY_ICON_ERROR]      = { "gatehouse-error",      0xe0, 0x1b, 0x24 },
};

const char *
gh_tray_icon_name (GhTrayIconState state)
{
  g_return_val_if_fail (state <= GH_TRAY_ICON_ERROR, NULL);
  return icons[state].name;
}

GBytes *
gh_tray_icon_pixmap (GhTrayIconState state,
                     int             size)
{
  const IconInfo *info;
  guint8 *data;
  double centre = size / 2.0;
  double radius = size * 0.42;
  double ring = size * 0.12;

  g_return_val_if_fail (state <= GH_TRAY_ICON_ERROR, NULL);
  g_return_val_if_fail (size > 0 && size <= 512, NULL);

  info = &icons[state];
  data = g_malloc0 ((gsize) size * size * 4);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        double dx = x + 0.5 - centre;
        double dy = y + 0.5 - centre;
        double d = sqrt (dx * dx + dy * dy);
        /* One pixel of antialiasing at the rim; a darker ring keeps the disc visible on light
         * and dark panels alike. */
        double coverage = CLAMP (radius + 0.5 - d, 0.0, 1.0);
        double shade = d > radius - ring ? 0.75 : 1.0;
        guint8 *p = data + ((gsize) y * size + x) * 4;

        p[0] = (guint8) lround (coverage * 255);
        p[1] = (guint8) lround (info->r * shade);
        p[2] = (guint8) lround (info->g * shade);
        p[3] = (guint8) lround (info->b * shade);
      }
  return g_bytes_new_take (data, (gsize) size * size * 4);
}
