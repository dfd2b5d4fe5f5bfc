/* gh-pointer — a scripted pointer for a headless wlroots compositor (tests/real-host).
 *
 * sway's headless backend has no input devices, so its seat has no pointer and clients get no
 * wl_pointer: nothing can be clicked. This client creates a virtual pointer with the
 * wlr-virtual-pointer-unstable-v1 protocol, keeps it for as long as it runs (clients such as
 * GTK bind their wl_pointer when the seat gains the capability; a pointer that disappears
 * right after one event reaches nobody) and reads commands from stdin, one per line:
 *
 *   move X Y W H        absolute motion to (X, Y) in a W×H frame (the output's logical size)
 *   press BUTTON        a Linux input button code: 272 left, 273 right, 274 middle
 *   release BUTTON
 *   sleep MS
 *
 * It exits at end of input. Build: cc gh-pointer.c $(pkg-config --cflags --libs wayland-client)
 *
 * The two interfaces are declared by hand below (request order as in the protocol XML), so the
 * helper needs neither wayland-scanner nor a copy of the protocol file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wayland-client.h>

/* zwlr_virtual_pointer_v1 requests */
enum {
  VP_MOTION = 0,
  VP_MOTION_ABSOLUTE = 1,
  VP_BUTTON = 2,
  VP_AXIS = 3,
  VP_FRAME = 4,
  VP_AXIS_SOURCE = 5,
  VP_AXIS_STOP = 6,
  VP_AXIS_DISCRETE = 7,
  VP_DESTROY = 8,
};
/* zwlr_virtual_pointer_manager_v1 requests */
enum { VPM_CREATE_VIRTUAL_POINTER = 0 };

static const struct wl_message vp_requests[] = {
  { "motion", "uff", NULL },
  { "motion_absolute", "uuuuu", NULL },
  { "button", "uuu", NULL },
  { "axis", "uuf", NULL },
  { "frame", "", NULL },
  { "axis_source", "u", NULL },
  { "axis_stop", "uu", NULL },
  { "axis_discrete", "uufi", NULL },
  { "destroy", "", NULL },
};

static const struct wl_interface vp_interface = {
  "zwlr_virtual_pointer_v1", 1, 9, vp_requests, 0, NULL,
};

static const struct wl_interface *vpm_create_types[] = { &wl_seat_interface, &vp_interface };

static const struct wl_message vpm_requests[] = {
  { "create_virtual_pointer", "?on", vpm_create_types },
};

static const struct wl_interface vpm_interface = {
  "zwlr_virtual_pointer_manager_v1", 1, 1, vpm_requests, 0, NULL,
};

static struct wl_seat *seat;
static struct wl_proxy *manager;

static void
global_cb (void *data, struct wl_registry *registry, uint32_t name, const char *interface,
           uint32_t version)
{
  (void) data;
  (void) version;
  if (strcmp (interface, wl_seat_interface.name) == 0 && seat == NULL)
    seat = wl_registry_bind (registry, name, &wl_seat_interface, 1);
  else if (strcmp (interface, vpm_interface.name) == 0)
    manager = wl_registry_bind (registry, name, &vpm_interface, 1);
}

static void
global_remove_cb (void *data, struct wl_registry *registry, uint32_t name)
{
  (void) data;
  (void) registry;
  (void) name;
}

static const struct wl_registry_listener registry_listener = { global_cb, global_remove_cb };

static uint32_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint32_t) (ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
main (void)
{
  struct wl_display *display = wl_display_connect (NULL);
  struct wl_registry *registry;
  struct wl_proxy *pointer;
  char line[256];

  if (display == NULL)
    {
      fprintf (stderr, "gh-pointer: cannot connect to the Wayland display\n");
      return 1;
    }
  registry = wl_display_get_registry (display);
  wl_registry_add_listener (registry, &registry_listener, NULL);
  wl_display_roundtrip (display);
  if (manager == NULL)
    {
      fprintf (stderr, "gh-pointer: the compositor has no zwlr_virtual_pointer_manager_v1\n");
      return 1;
    }
  pointer = wl_proxy_marshal_constructor (manager, VPM_CREATE_VIRTUAL_POINTER, &vp_interface,
                                          seat, NULL);
  wl_display_roundtrip (display);

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      unsigned x, y, w, h, button, ms;

      if (sscanf (line, "move %u %u %u %u", &x, &y, &w, &h) == 4)
        {
          wl_proxy_marshal (pointer, VP_MOTION_ABSOLUTE, now_ms (), x, y, w, h);
          wl_proxy_marshal (pointer, VP_FRAME);
        }
      else if (sscanf (line, "press %u", &button) == 1)
        {
          wl_proxy_marshal (pointer, VP_BUTTON, now_ms (), button, 1u);
          wl_proxy_marshal (pointer, VP_FRAME);
        }
      else if (sscanf (line, "release %u", &button) == 1)
        {
          wl_proxy_marshal (pointer, VP_BUTTON, now_ms (), button, 0u);
          wl_proxy_marshal (pointer, VP_FRAME);
        }
      else if (sscanf (line, "sleep %u", &ms) == 1)
        {
          struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };
          wl_display_flush (display);
          nanosleep (&ts, NULL);
        }
      else if (line[0] != '\n' && line[0] != '#')
        {
          fprintf (stderr, "gh-pointer: unknown command: %s", line);
          return 2;
        }
      if (wl_display_roundtrip (display) < 0)
        {
          fprintf (stderr, "gh-pointer: lost the Wayland connection\n");
          return 1;
        }
    }

  wl_proxy_marshal (pointer, VP_DESTROY);
  wl_proxy_destroy (pointer);
  wl_display_roundtrip (display);
  wl_display_disconnect (display);
  return 0;
}
