/* gh-sign-in-prompt.h — what a device-code sign-in waits for: the code and where to enter it
 *
 * One card per sign-in in the tray service's "sign-in-prompts" state (gh-tray-service.h): the
 * user code, large and selectable with a copy button, and the verification link.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GH_TYPE_SIGN_IN_PROMPT (gh_sign_in_prompt_get_type ())
G_DECLARE_FINAL_TYPE (GhSignInPrompt, gh_sign_in_prompt, GH, SIGN_IN_PROMPT, AdwBin)

/* Properties: session-name, url (the verification URL, which may carry the code), user-code;
 * all construct-only. */
GtkWidget  *gh_sign_in_prompt_new           (const char     *session_name,
                                             const char     *url,
                                             const char     *user_code);
const char *gh_sign_in_prompt_get_session_name (GhSignInPrompt *self);
const char *gh_sign_in_prompt_get_url       (GhSignInPrompt *self);
const char *gh_sign_in_prompt_get_user_code (GhSignInPrompt *self);

G_END_DECLS
