/* gh-token-cache.h — the AWS CLI's SSO token cache, ~/.aws/sso/cache/<sha1>.json
 * (docs/aws-protocols.md §4.5) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *start_url;
  char   *region;
  char   *access_token;
  gint64  expires_at;              /* unix seconds */
  char   *client_id;               /* optional */
  char   *client_secret;           /* optional */
  gint64  registration_expires_at; /* unix seconds, 0 when absent */
  char   *refresh_token;           /* optional */
} GhCachedToken;

void           gh_cached_token_free         (GhCachedToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhCachedToken, gh_cached_token_free)

/* ~/.aws/sso/cache (fixed; AWS_CONFIG_FILE does not move it) */
char          *gh_token_cache_dir           (void);
/* <dir>/<sha1(key)>.json; key is the sso-session name, or the start URL of a legacy profile */
char          *gh_token_cache_path          (const char     *key);

/* Accepts 2024-05-01T18:00:00Z, ...00.000Z, ...00UTC, and RFC 3339 offsets. */
gboolean       gh_parse_expires_at          (const char     *text,
                                             gint64         *unix_seconds);
/* YYYY-MM-DDTHH:MM:SSZ in UTC, for 0001-01-01T00:00:00Z up to GH_MAX_EXPIRES_AT */
char          *gh_format_expires_at         (gint64          unix_seconds);
/* 9999-12-31T23:59:59Z: as far as GDateTime (and every AWS tool's date format) goes */
#define GH_MAX_EXPIRES_AT G_GINT64_CONSTANT (253402300799)

/* NULL with GH_ERROR_NOT_SIGNED_IN when missing; GH_ERROR_MALFORMED when unreadable. */
GhCachedToken *gh_token_cache_read          (const char     *path,
                                             GError        **error);
/* Keeps unknown keys of an existing file; omits refresh token and registration unless
 * include_refresh is set. A refresh token and registration of another client (a clientId
 * other than token->client_id, registration not expired: `aws sso login` wrote them) are kept
 * as they are, in place of ours. Atomic, 0600. */
gboolean       gh_token_cache_write         (const char           *path,
                                             const GhCachedToken  *token,
                                             gboolean              include_refresh,
                                             GError              **error);
gboolean       gh_token_cache_delete        (const char     *path,
                                             GError        **error);

G_END_DECLS
