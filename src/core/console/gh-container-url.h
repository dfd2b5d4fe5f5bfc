/* gh-container-url.h — Firefox container URLs (docs/aws-protocols.md §6)
 *
 * Two Firefox extensions open a URL in a named container when handed a URL of their own
 * scheme; wrapping the console link in one keeps several accounts side by side in one browser.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GH_CONTAINER_GRANTED,        /* ext+granted-containers: (Granted Containers extension) */
  GH_CONTAINER_OPEN_URL,       /* ext+container: ("Open URL in Container" extension) */
} GhContainerKind;

/* ext+granted-containers:name=…&url=…&color=…&icon=… or ext+container:name=…&url=…&color=…&icon=…
 * with name and url query-escaped; color and icon picked deterministically from the name. */
char       *gh_container_url                (GhContainerKind  kind,
                                             const char      *name,
                                             const char      *url);
/* The same with a chosen color and icon (from the lists in docs/aws-protocols.md §6); NULL or a
 * value not in the list → the one picked from the name. */
char       *gh_container_url_full           (GhContainerKind  kind,
                                             const char      *name,
                                             const char      *url,
                                             const char      *color,
                                             const char      *icon);
gboolean    gh_container_color_is_valid     (const char      *color);
gboolean    gh_container_icon_is_valid      (const char      *icon);
/* The deterministic picks gh_container_url() uses: FNV-1a of the name, colour = h mod 8,
 * icon = (h / 8) mod 12 — the same name always gets the same container look. */
const char *gh_container_color_for_name     (const char      *name);
const char *gh_container_icon_for_name      (const char      *name);

G_END_DECLS
