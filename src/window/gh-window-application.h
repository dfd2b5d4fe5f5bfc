/* gh-window-application.h — the gatehouse-window process
 *
 * An AdwApplication with an id of its own (io.github.gatehouse.Gatehouse.Window), so a second
 * launch hands its command line (--page, --search) to the first, which presents its window.
 * It exits when its window closes.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GH_WINDOW_APPLICATION_ID APPLICATION_ID ".Window"

#define GH_TYPE_WINDOW_APPLICATION (gh_window_application_get_type ())
G_DECLARE_FINAL_TYPE (GhWindowApplication, gh_window_application, GH, WINDOW_APPLICATION,
                      AdwApplication)

GhWindowApplication *gh_window_application_new (void);

G_END_DECLS
