/* test-tray-icon.c — tests for src/tray/gh-tray-icon.c: the states differ in shape */
#include "config.h"

#include "gh-tray-icon.h"

#define SIZE 44
#define N_STATES (GH_TRAY_ICON_ERROR + 1)

/* Pixels that are clearly covered in one pixmap and clearly not in the other: what is left of
 * a state on a panel that shows only the shape (monochrome, or to a person who does not tell
 * the colours apart). */
static guint
mask_difference (GBytes *a,
                 GBytes *b)
{
  const guint8 *pa = g_bytes_get_data (a, NULL);
  const guint8 *pb = g_bytes_get_data (b, NULL);
  guint count = 0;

  for (gsize i = 0; i < (gsize) SIZE * SIZE; i++)
    if ((pa[4 * i] >= 192) != (pb[4 * i] >= 192))
      count++;
  return count;
}

static void
test_shapes_differ (void)
{
  GBytes *pixmaps[N_STATES];

  for (int i = 0; i < N_STATES; i++)
    {
      pixmaps[i] = gh_tray_icon_pixmap (i, SIZE);
      g_assert_cmpuint (g_bytes_get_size (pixmaps[i]), ==, SIZE * SIZE * 4);
    }

  for (int i = 0; i < N_STATES; i++)
    for (int j = i + 1; j < N_STATES; j++)
      {
        g_test_message ("%s / %s", gh_tray_icon_name (i), gh_tray_icon_name (j));
        /* Dozens of the 44 × 44 pixels: a badge, not antialiasing noise. */
        g_assert_cmpuint (mask_difference (pixmaps[i], pixmaps[j]), >=, 40);
      }

  for (int i = 0; i < N_STATES; i++)
    g_bytes_unref (pixmaps[i]);
}

/* Each badge is cut out of the disc, not painted over it: the centre area has holes. */
static void
test_badges_are_holes (void)
{
  for (int i = 0; i < N_STATES; i++)
    {
      g_autoptr(GBytes) pixmap = gh_tray_icon_pixmap (i, SIZE);
      const guint8 *p = g_bytes_get_data (pixmap, NULL);
      guint transparent = 0;

      for (int y = SIZE / 4; y < 3 * SIZE / 4; y++)
        for (int x = SIZE / 4; x < 3 * SIZE / 4; x++)
          if (p[4 * (y * SIZE + x)] < 64)
            transparent++;
      g_test_message ("%s: %u transparent pixels in the middle", gh_tray_icon_name (i),
                      transparent);
      g_assert_cmpuint (transparent, >=, 20);
    }
}

static void
test_names_distinct (void)
{
  for (int i = 0; i < N_STATES; i++)
    for (int j = i + 1; j < N_STATES; j++)
      g_assert_cmpstr (gh_tray_icon_name (i), !=, gh_tray_icon_name (j));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/tray-icon/shapes-differ", test_shapes_differ);
  g_test_add_func ("/tray-icon/badges-are-holes", test_badges_are_holes);
  g_test_add_func ("/tray-icon/names-distinct", test_names_distinct);
  return g_test_run ();
}
