/* gh-endpoints.h — AWS hosts per partition and region, with the AWS_ENDPOINT_URL_* overrides */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GH_SERVICE_OIDC,     /* oidc.{region}.{suffix}, AWS_ENDPOINT_URL_SSO_OIDC */
  GH_SERVICE_PORTAL,   /* portal.sso.{region}.{suffix}, AWS_ENDPOINT_URL_SSO */
  GH_SERVICE_SIGNIN,   /* partition sign-in host, AWS_ENDPOINT_URL_SIGNIN */
} GhService;

gboolean     gh_region_is_valid         (const char  *region);
/* The Identity Center region an access portal URL names in its host
 * (https://ID.portal.REGION.app.aws/, https://ID.REGION.portal.amazonaws.com/), or NULL:
 * https://ID.awsapps.com/start names none. */
char        *gh_start_url_guess_region  (const char  *start_url);
/* "aws", "aws-us-gov" or "aws-cn" */
const char  *gh_partition_for_region    (const char  *region);
const char  *gh_dns_suffix_for_region   (const char  *region);

/* Base URL without a trailing slash, e.g. "https://oidc.us-east-1.amazonaws.com". An override
 * must be https, or http on a loopback host. */
char        *gh_endpoint_url            (GhService    service,
                                         const char  *region,
                                         GError     **error);
gboolean     gh_url_is_loopback_http    (const char  *url);

G_END_DECLS
