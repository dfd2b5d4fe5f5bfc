/* gh-tray-icon.c — themed icon names and code-drawn pixmaps for the tray icon */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <math.h>

#include "gh-tray-icon.h"

/* A stroke of a badge, in units of the disc's radius from its centre (y down). */
typedef struct
{
  double x1, y1, x2, y2;
} Stroke;

typedef struct
{
  const char *name;
  guint8      r, g, b;
  Stroke      strokes[2];
  double      half_width;
} IconInfo;

/* GNOME palette: grey, green, amber, red, and a badge cut out of the disc — cross, check,
 * clock, exclamation mark — so the states differ in shape too, for people who do not tell
 * the colours apart and for monochrome panels. The same as the SVGs in data/icons. */
static const IconInfo icons[] = {
  [GH_TRAY_ICON_SIGNED_OUT] = { "gatehouse-signed-out", 0x9a, 0x99, 0x96,
                                { { -0.4, -0.4, 0.4, 0.4 }, { 0.4, -0.4, -0.4, 0.4 } }, 0.13 },
  [GH_TRAY_ICON_SIGNED_IN]  = { "gatehouse-signed-in",  0x2e, 0xc2, 0x7e,
                                { { -0.45, 0.02, -0.12, 0.36 }, { -0.12, 0.36, 0.46, -0.32 } },
                                0.13 },
  [GH_TRAY_ICON_EXPIRING]   = { "gatehouse-expiring",   0xe5, 0xa5, 0x0a,
                                { { 0, 0, 0, -0.6 }, { 0, 0, 0.42, 0 } }, 0.12 },
  [GH_TRAY_ICON_ERROR]      = { "gatehouse-error",      0xe0, 0x1b, 0x24,
                                { { 0, -0.58, 0, 0.12 }, { 0, 0.45, 0, 0.45 } }, 0.14 },
};

const char *
gh_tray_icon_name (GhTrayIconState state)
{
  g_return_val_if_fail (state <= GH_TRAY_ICON_ERROR, NULL);
  return icons[state].name;
}

/* Distance from (x, y) to a stroke (a segment; a point for a dot). */
static double
stroke_distance (const Stroke *stroke,
                 double        x,
                 double        y)
{
  double dx = stroke->x2 - stroke->x1;
  double dy = stroke->y2 - stroke->y1;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? CLAMP (((x - stroke->x1) * dx + (y - stroke->y1) * dy) / length2,
                                  0.0, 1.0) : 0.0;
  double px = stroke->x1 + t * dx - x;
  double py = stroke->y1 + t * dy - y;

  return sqrt (px * px + py * py);
}

/* How much of the pixel at unit coordinates (x, y) the badge covers, with a pixel of
 * antialiasing (`pixel`: one pixel in units). */
static double
badge_coverage (const IconInfo *info,
                double          x,
                double          y,
                double          pixel)
{
  double coverage = 0.0;

  for (gsize i = 0; i < G_N_ELEMENTS (info->strokes); i++)
    {
      double d = stroke_distance (&info->strokes[i], x, y);

      coverage = MAX (coverage, CLAMP ((info->half_width - d) / pixel + 0.5, 0.0, 1.0));
    }
  return coverage;
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

        coverage *= 1.0 - badge_coverage (info, dx / radius, dy / radius, 1.0 / radius);
        p[0] = (guint8) lround (coverage * 255);
        p[1] = (guint8) lround (info->r * shade);
        p[2] = (guint8) lround (info->g * shade);
        p[3] = (guint8) lround (info->b * shade);
      }
  return g_bytes_new_take (data, (gsize) size * size * 4);
}
