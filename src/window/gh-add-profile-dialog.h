/* gh-add-profile-dialog.h — "Add AWS CLI profile…": the `aws configure sso` step for one role,
 * written as `gatehouse profile add` writes it */
#pragma once

#include <adwaita.h>

#include "gh-role.h"
#include "gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_ADD_PROFILE_DIALOG (gh_add_profile_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GhAddProfileDialog, gh_add_profile_dialog, GH, ADD_PROFILE_DIALOG,
                      AdwWindow)

/* Properties:
 *   session, role (construct-only)
 *   config-path (string, construct-only; NULL: AWS_CONFIG_FILE, else ~/.aws/config)
 *
 * Signals:
 *   profile-added (const char *name) — the profile is in the config file; the dialog closes
 *                                      after the handlers ran. */

/* Modal over @parent (may be NULL), for @role of the sign-in @session. */
GtkWidget *gh_add_profile_dialog_new (GtkWindow *parent,
                                      GhSession *session,
                                      GhRole    *role);

G_END_DECLS
