/* gh-add-session-dialog.h — "Add sign-in…": a start URL, region and name, checked as they are
 * typed, written as `gatehouse session add` writes them */
#pragma once

#include <adwaita.h>

#include "gh-session-manager.h"

G_BEGIN_DECLS

#define GH_TYPE_ADD_SESSION_DIALOG (gh_add_session_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GhAddSessionDialog, gh_add_session_dialog, GH, ADD_SESSION_DIALOG,
                      AdwWindow)

/* Properties:
 *   session-manager (GhSessionManager, construct-only): the sign-ins there are, for names that
 *     are taken and sign-ins to import; without one the dialog reads the AWS config file.
 *
 * Signals:
 *   session-added (const char *name) — the `[sso-session NAME]` section is in the config file;
 *                                       the dialog closes after the handlers ran, so a caller
 *                                       can start the sign-in. */

/* Modal over @parent (may be NULL). */
GtkWidget *gh_add_session_dialog_new (GtkWindow *parent);

G_END_DECLS
