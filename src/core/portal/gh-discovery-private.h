/* gh-discovery-private.h — how gh-discovery.c reads the portal's list pages, for the fuzz
 * targets (tests/fuzz/) that feed them without a network
 *
 * Each takes the reply's JSON root as gh_http_call_finish () gives it and the page token the
 * request sent (NULL for the first page), and returns either the page with @next_token set
 * (NULL on the last page: absent, null or empty), or NULL with a GH_ERROR_MALFORMED error:
 * never both, never neither. A reply that hands back the token it was sent is malformed. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *id;       /* never empty */
  char *name;     /* NULL when the portal sent none */
  char *email;    /* NULL when the portal sent none */
} GhPortalAccount;

void       gh_portal_account_free         (GhPortalAccount  *account);

/* ListAccounts: GhPortalAccount in reply order; entries without an accountId are skipped */
GPtrArray *gh_discovery_decode_accounts   (JsonNode         *root,
                                           const char       *sent_token,
                                           char            **next_token,
                                           GError          **error);
/* ListAccountRoles: role names in reply order, exactly as sent; entries without one are
 * skipped */
GStrv      gh_discovery_decode_roles      (JsonNode         *root,
                                           const char       *sent_token,
                                           char            **next_token,
                                           GError          **error);

G_END_DECLS
