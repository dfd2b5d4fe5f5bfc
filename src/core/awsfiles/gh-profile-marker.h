/* gh-profile-marker.h — the comment that marks a config-file profile as Gatehouse's
 *
 * Directly above the header of every profile it manages for a sign-in, Gatehouse writes
 *   # Managed by Gatehouse (sign-in "SESSION"): changes here are overwritten by gatehouse sync
 * A section without it is a person's and is never touched. The text is not translated: it is
 * how Gatehouse recognises its sections in files it wrote before.
 *
 * A profile that `gatehouse profile add` wrote carries another marker:
 *   # Added by gatehouse profile add (sign-in "SESSION"): gatehouse sync leaves it alone
 * To sync it is a person's profile (never changed or removed), but one that names its role
 * (gh-profile-sync.h): a sync that would give the same role the same name is not a clash.
 */
#pragma once

#include "gh-ini.h"

G_BEGIN_DECLS

/* The marker for @session_name, without the leading "# " (as gh_ini_add_section() takes a
 * comment). */
char *gh_profile_marker_for_session       (const char *session_name);
/* The sign-in named by a marker comment line (as written in the file, with its '#'), or NULL
 * when the line is not a Gatehouse marker. */
char *gh_profile_marker_parse             (const char *comment_line);
/* The marker of a profile that `gatehouse profile add` wrote for @session_name, without the
 * leading "# ". */
char *gh_profile_marker_for_added         (const char *session_name);
/* The sign-in named by such a marker line, or NULL when the line is not one. */
char *gh_profile_marker_parse_added       (const char *comment_line);
/* The sign-in whose marker is directly above the @occurrence-th header of @section (from 0,
 * in file order); NULL when there is none. */
char *gh_profile_marker_get_owner         (GhIni      *ini,
                                           const char *section,
                                           guint       occurrence);
/* The sign-in whose marker is directly above every header of @section, the same line above
 * each; NULL for a section a person wrote (or copied, or changed the marker of). */
char *gh_profile_marker_get_section_owner (GhIni      *ini,
                                           const char *section);

G_END_DECLS
