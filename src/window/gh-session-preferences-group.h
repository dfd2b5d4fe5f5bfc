/* gh-session-preferences-group.h — one sign-in's settings in the preferences: how `gatehouse
 * sync` writes its profiles, and whether the AWS CLI's cache gets the refresh token */
#pragma once

#include <adwaita.h>

#include "gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_SESSION_PREFERENCES_GROUP (gh_session_preferences_group_get_type ())
G_DECLARE_FINAL_TYPE (GhSessionPreferencesGroup, gh_session_preferences_group,
                      GH, SESSION_PREFERENCES_GROUP, AdwPreferencesGroup)

/* Signals:
 *   failed (const char *message) — a change was refused or could not be stored; the message
 *                                  says why, for a toast. */

/* The settings of @session as stored in the config file at @config_path. */
GtkWidget  *gh_session_preferences_group_new              (GhSession  *session,
                                                          const char *config_path);
GhSession  *gh_session_preferences_group_get_session      (GhSessionPreferencesGroup *self);

G_END_DECLS
