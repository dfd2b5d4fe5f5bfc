/* gh-window.h — the main window: the role picker and the sign-ins */
#pragma once

#include <adwaita.h>

#include "gh-role-picker.h"

G_BEGIN_DECLS

/* The pages `gatehouse-window --page` and the tray's show-window action name ("" or NULL: the
 * role picker as it was). */
#define GH_WINDOW_PAGE_MAIN ""
#define GH_WINDOW_PAGE_ROLES "roles"
#define GH_WINDOW_PAGE_SIGN_INS "sign-ins"
#define GH_WINDOW_PAGE_PREFERENCES "preferences"

#define GH_TYPE_WINDOW (gh_window_get_type ())
G_DECLARE_FINAL_TYPE (GhWindow, gh_window, GH, WINDOW, AdwApplicationWindow)

/* @application: any GtkApplication (tests use their own); its D-Bus connection reaches the
 * tray service, else the session bus does. */
GhWindow     *gh_window_new              (GtkApplication *application);
/* "roles" focuses the search (with @search, may be NULL, as its text); "preferences" opens
 * the preferences over the window. */
void          gh_window_show_page        (GhWindow       *self,
                                          const char     *page,
                                          const char     *search);
void          gh_window_show_preferences (GhWindow       *self);
GhRolePicker *gh_window_get_role_picker  (GhWindow       *self);

G_END_DECLS
