/* gh-preferences-window.h — Gatehouse's preferences: notifications, start at login, the
 * console, and each sign-in's profiles */
#pragma once

#include <adwaita.h>

#include "gh-session-manager.h"

G_BEGIN_DECLS

#define GH_TYPE_PREFERENCES_WINDOW (gh_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (GhPreferencesWindow, gh_preferences_window, GH, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Properties:
 *   session-manager (GhSessionManager, construct-only): the sign-ins to show; without one the
 *     window reads and watches the AWS config file itself. */

/* Modal over @parent (may be NULL), with the sign-ins of a session manager of its own. */
GtkWidget *gh_preferences_window_new (GtkWindow *parent);

G_END_DECLS
