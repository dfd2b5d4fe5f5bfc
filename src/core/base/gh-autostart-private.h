/* gh-autostart-private.h — for tests: the Flatpak path outside Flatpak */
#pragma once

#include "gh-autostart.h"

G_BEGIN_DECLS

/* Whether the Background portal is used (default: when /.flatpak-info exists). */
void _gh_autostart_set_sandboxed (gboolean sandboxed);

G_END_DECLS
