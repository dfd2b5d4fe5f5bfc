/* gh-window.h — the main window: sign-ins and the role picker */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GH_TYPE_WINDOW (gh_window_get_type ())
G_DECLARE_FINAL_TYPE (GhWindow, gh_window, GH, WINDOW, AdwApplicationWindow)

typedef struct _GhWindowApplication GhWindowApplication;

GhWindow *gh_window_new (GhWindowApplication *application);

G_END_DECLS
