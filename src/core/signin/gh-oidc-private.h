/* gh-oidc-private.h — how gh-oidc.c reads the OIDC service's replies, for the fuzz targets
 * (tests/fuzz/) that feed them without a network
 *
 * Each takes the reply's JSON root as gh_http_call_finish () gives it (an object, or a null
 * node for an empty body) and returns either the result or NULL with a GH_ERROR_MALFORMED
 * error naming the member, never both and never neither. Ids, secrets, codes, tokens and
 * URIs are printable ASCII without spaces (gh_json_require_token ()). */
#pragma once

#include "gh-oidc.h"

G_BEGIN_DECLS

/* RegisterClient: a client id and secret, expiring between 1970 and GH_MAX_EXPIRES_AT */
GhRegistration        *gh_oidc_decode_registration         (JsonNode  *root,
                                                            GhFlow     flow,
                                                            GError   **error);
/* StartDeviceAuthorization: a device code, user code and verification URI (an unusable
 * verificationUriComplete is left out), living a positive time of at most 100 years; an
 * interval that is missing, not positive or longer than that life is 5 s */
GhDeviceAuthorization *gh_oidc_decode_device_authorization (JsonNode  *root,
                                                            GError   **error);
/* CreateToken: an access token with a positive lifetime of at most 100 years; an empty
 * refresh token is none */
GhTokenResponse       *gh_oidc_decode_token                (JsonNode  *root,
                                                            GError   **error);

G_END_DECLS
