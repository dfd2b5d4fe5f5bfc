/* gh-endpoints.c — AWS hosts per partition and region (docs/aws-protocols.md §1.1, §3.1, §5.1) */
#define G_LOG_DOMAIN "gh-endpoints"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-endpoints.h"
#include "gh-error.h"

/* Regions look like "us-east-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1",
 * "eu-isoe-west-1": lower-case words joined by '-' ending in a number; as a pattern,
 * ^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$. Read by hand rather than with GRegex: the tray checks the
 * region of every sign-in at start, and a GRegex brings in PCRE2's compiler and JIT, some
 * 500 KB of code pages no other part of the service touches. */
gboolean
gh_region_is_valid (const char *region)
{
  const char *p = region;
  guint words = 0;

  if (region == NULL || !g_ascii_islower (p[0]) || !g_ascii_islower (p[1]))
    return FALSE;
  p += 2;

  for (;;)
    {
      gsize letters = 0, digits = 0;

      if (*p++ != '-')
        return FALSE;
      while (g_ascii_islower (p[letters]))
        letters++;
      if (letters > 0)
        {
          p += letters;
          words++;
          continue;
        }
      while (g_ascii_isdigit (p[digits]))
        digits++;
      return words > 0 && digits >= 1 && digits <= 2 && p[digits] == '\0';
    }
}

/* The access portal's regional host forms (docs/aws-protocols.md §2.6):
 * {id}.portal.{region}.app.aws (and .app.amazonwebservices.com.cn) and
 * {id}.{region}.portal.amazonaws.com (.com.cn, .eu).
 * The classic https://{id}.awsapps.com/start carries no region. */
char *
gh_start_url_guess_region (const char *start_url)
{
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) labels = NULL;
  const char *host;

  if (start_url == NULL)
    return NULL;

  uri = g_uri_parse (start_url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL)
    return NULL;

  labels = g_strsplit (host, ".", -1);
  for (guint i = 1; labels[i] != NULL; i++)
    {
      g_autofree char *label = g_ascii_strdown (labels[i], -1);

      if (!g_str_equal (label, "portal"))
        continue;
      if (labels[i + 1] != NULL && labels[i + 2] != NULL &&
          g_ascii_strcasecmp (labels[i + 2], "app") == 0)
        {
          g_autofree char *region = g_ascii_strdown (labels[i + 1], -1);

          if (gh_region_is_valid (region))
            return g_steal_pointer (&region);
        }
      if (i >= 2 && labels[i + 1] != NULL &&
          g_ascii_strcasecmp (labels[i + 1], "amazonaws") == 0)
        {
          g_autofree char *region = g_ascii_strdown (labels[i - 1], -1);

          if (gh_region_is_valid (region))
            return g_steal_pointer (&region);
        }
    }

  return NULL;
}

const char *
gh_partition_for_region (const char *region)
{
  g_return_val_if_fail (region != NULL, "aws");

  if (g_str_has_prefix (region, "cn-"))
    return "aws-cn";
  if (g_str_has_prefix (region, "us-gov-"))
    return "aws-us-gov";
  return "aws";
}

const char *
gh_dns_suffix_for_region (const char *region)
{
  return g_str_equal (gh_partition_for_region (region), "aws-cn")
         ? "amazonaws.com.cn" : "amazonaws.com";
}

gboolean
gh_url_is_loopback_http (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;

  host = g_uri_get_host (uri);
  return g_strcmp0 (host, "127.0.0.1") == 0 ||
         g_strcmp0 (host, "localhost") == 0 ||
         g_strcmp0 (host, "::1") == 0;
}

static char *
check_override (const char  *variable,
                const char  *value,
                GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  g_autofree char *trimmed = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("%s is not a valid URL: “%s”"), variable, value);
      return NULL;
    }

  if (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && !gh_url_is_loopback_http (value))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("%s must use https (plain http is allowed only for 127.0.0.1, ::1 or "
                     "localhost): “%s”"), variable, value);
      return NULL;
    }

  trimmed = g_strdup (value);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  return g_steal_pointer (&trimmed);
}

static const char *
signin_host (const char *region)
{
  const char *partition = gh_partition_for_region (region);

  if (g_str_equal (partition, "aws-cn"))
    return "signin.amazonaws.cn";
  if (g_str_equal (partition, "aws-us-gov"))
    return g_str_equal (region, "us-gov-west-1") ? "signin.amazonaws-us-gov.com"
                                                 : NULL;
  return g_str_equal (region, "us-east-1") ? "signin.aws.amazon.com" : NULL;
}

char *
gh_endpoint_url (GhService    service,
                 const char  *region,
                 GError     **error)
{
  static const char *variables[] = {
    [GH_SERVICE_OIDC] = "AWS_ENDPOINT_URL_SSO_OIDC",
    [GH_SERVICE_PORTAL] = "AWS_ENDPOINT_URL_SSO",
    [GH_SERVICE_SIGNIN] = "AWS_ENDPOINT_URL_SIGNIN",
  };
  const char *value;
  const char *host;

  g_return_val_if_fail (service <= GH_SERVICE_SIGNIN, NULL);

  if ((value = g_getenv (variables[service])) != NULL && *value != '\0')
    return check_override (variables[service], value, error);
  if ((value = g_getenv ("AWS_ENDPOINT_URL")) != NULL && *value != '\0')
    return check_override ("AWS_ENDPOINT_URL", value, error);

  if (!gh_region_is_valid (region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not an AWS region (expected something like us-east-1)"),
                   region ? region : "");
      return NULL;
    }

  switch (service)
    {
    case GH_SERVICE_OIDC:
      return g_strdup_printf ("https://oidc.%s.%s", region, gh_dns_suffix_for_region (region));

    case GH_SERVICE_PORTAL:
      return g_strdup_printf ("https://portal.sso.%s.%s", region,
                              gh_dns_suffix_for_region (region));

    case GH_SERVICE_SIGNIN:
      if ((host = signin_host (region)) != NULL)
        return g_strdup_printf ("https://%s", host);
      if (g_str_equal (gh_partition_for_region (region), "aws-us-gov"))
        return g_strdup_printf ("https://%s.signin.amazonaws-us-gov.com", region);
      return g_strdup_printf ("https://%s.signin.aws.amazon.com", region);

    default:
      g_assert_not_reached ();
    }
}
