/* gh-federation-private.h — how gh-federation.c reads the getSigninToken reply, for the fuzz
 * targets (tests/fuzz/) that feed it without a network */
#pragma once

#include "gh-federation.h"

G_BEGIN_DECLS

/* The reply's JSON root as gh_http_call_finish () gives it → the SigninToken (printable ASCII
 * without spaces; free it with gh_secret_free ()), or NULL with GH_ERROR_MALFORMED: never
 * both, never neither. */
char *gh_federation_decode_signin_token (JsonNode  *root,
                                         GError   **error);

G_END_DECLS
