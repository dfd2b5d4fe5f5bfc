/* gh-session-state-private.h — the text of a session state file, both ways, for the fuzz
 * targets (tests/fuzz/) that feed it without files */
#pragma once

#include "gh-session-state.h"

G_BEGIN_DECLS

/* What gh_session_state_load () makes of a file holding @data: members that are missing or of
 * another type read as 0 / FALSE, and anything that is not a JSON object as a zeroed state. */
void  gh_session_state_parse      (const char           *data,
                                   gsize                 length,
                                   GhSessionState       *state);
/* The text gh_session_state_save () writes; gh_session_state_parse () gives the state back. */
char *gh_session_state_serialize  (const GhSessionState *state);

G_END_DECLS
