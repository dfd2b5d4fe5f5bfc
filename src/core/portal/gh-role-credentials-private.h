/* gh-role-credentials-private.h — the JSON forms of role credentials, for gh-role-credentials.c
 * and its tests */
#pragma once

#include <json-glib/json-glib.h>

#include "gh-role-credentials.h"

G_BEGIN_DECLS

/* Reads a GetRoleCredentials `roleCredentials` object, or the keyring form below:
 * accessKeyId, secretAccessKey, sessionToken (printable ASCII without spaces, as AWS issues
 * them: gh_json_require_token ()) and expiration (epoch milliseconds). A missing, mistyped
 * or unusable member, or an expiration outside years 1970–9999, is GH_ERROR_MALFORMED naming
 * the member, never a value. account_id is copied into the result. */
GhRoleCredentials *gh_role_credentials_from_json (JsonNode                *node,
                                                  const char              *account_id,
                                                  GError                 **error);

/* The keyring form: the members above plus accountId and roleName, e.g.
 * {"accessKeyId":"ASIA…","secretAccessKey":"…","sessionToken":"…","expiration":1665736069000,
 *  "accountId":"123456789012","roleName":"ReadOnly"}. Free with gh_secret_free(). */
char              *gh_role_credentials_to_json   (const GhRoleCredentials *credentials,
                                                  const char              *role_name);

G_END_DECLS
