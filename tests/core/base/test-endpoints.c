/* test-endpoints.c — hosts per partition and region, and the AWS_ENDPOINT_URL_* overrides */
#include "config.h"

#include "gh-endpoints.h"
#include "gh-error.h"

typedef struct
{
  GhService   service;
  const char *region;
  const char *expected;
} EndpointCase;

static void
test_default_hosts (void)
{
  static const EndpointCase cases[] = {
    { GH_SERVICE_OIDC, "us-east-1", "https://oidc.us-east-1.amazonaws.com" },
    { GH_SERVICE_OIDC, "eu-west-1", "https://oidc.eu-west-1.amazonaws.com" },
    { GH_SERVICE_OIDC, "cn-north-1", "https://oidc.cn-north-1.amazonaws.com.cn" },
    { GH_SERVICE_OIDC, "us-gov-west-1", "https://oidc.us-gov-west-1.amazonaws.com" },
    { GH_SERVICE_PORTAL, "us-east-1", "https://portal.sso.us-east-1.amazonaws.com" },
    { GH_SERVICE_PORTAL, "cn-northwest-1", "https://portal.sso.cn-northwest-1.amazonaws.com.cn" },
    { GH_SERVICE_PORTAL, "us-gov-east-1", "https://portal.sso.us-gov-east-1.amazonaws.com" },
    { GH_SERVICE_SIGNIN, "us-east-1", "https://signin.aws.amazon.com" },
    { GH_SERVICE_SIGNIN, "eu-central-1", "https://eu-central-1.signin.aws.amazon.com" },
    { GH_SERVICE_SIGNIN, "us-gov-west-1", "https://signin.amazonaws-us-gov.com" },
    { GH_SERVICE_SIGNIN, "us-gov-east-1", "https://us-gov-east-1.signin.amazonaws-us-gov.com" },
    { GH_SERVICE_SIGNIN, "cn-north-1", "https://signin.amazonaws.cn" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = gh_endpoint_url (cases[i].service, cases[i].region, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, cases[i].expected);
    }
}

static void
test_partitions (void)
{
  g_assert_cmpstr (gh_partition_for_region ("us-east-1"), ==, "aws");
  g_assert_cmpstr (gh_partition_for_region ("ap-southeast-2"), ==, "aws");
  g_assert_cmpstr (gh_partition_for_region ("cn-north-1"), ==, "aws-cn");
  g_assert_cmpstr (gh_partition_for_region ("us-gov-west-1"), ==, "aws-us-gov");
}

static void
test_region_validation (void)
{
  const char *valid[] = { "us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1",
                          "ap-southeast-4", "il-central-1", "eu-isoe-west-1", "us-east-10",
                          "us-east-01" };
  const char *invalid[] = { "", "us-east", "US-EAST-1", "us_east_1", "us-east-1 ", "east-1",
                            "us-east-1a", "us-east-1/../x", "us-east-123", "u-east-1",
                            "use-east-1", "us--east-1", "us-east--1", "us-1", "us-east-",
                            "us-east-1-", "us-east1", "us-ea1st-1", "us-east-01x" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (gh_region_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (gh_region_is_valid (invalid[i]));
  g_assert_false (gh_region_is_valid (NULL));
}

static void
test_bad_region_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = gh_endpoint_url (GH_SERVICE_OIDC, "moon-base-x", &error);

  g_assert_null (url);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
}

static void
test_overrides (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *oidc = NULL;
  g_autofree char *portal = NULL;
  g_autofree char *signin = NULL;

  g_setenv ("AWS_ENDPOINT_URL", "https://generic.example.com/", TRUE);
  g_setenv ("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:4567", TRUE);

  oidc = gh_endpoint_url (GH_SERVICE_OIDC, "us-east-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (oidc, ==, "http://127.0.0.1:4567");

  /* The generic variable applies where no specific one is set; trailing '/' removed. */
  portal = gh_endpoint_url (GH_SERVICE_PORTAL, "us-east-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (portal, ==, "https://generic.example.com");

  g_setenv ("AWS_ENDPOINT_URL_SIGNIN", "http://localhost:99/", TRUE);
  signin = gh_endpoint_url (GH_SERVICE_SIGNIN, "us-east-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (signin, ==, "http://localhost:99");

  g_unsetenv ("AWS_ENDPOINT_URL");
  g_unsetenv ("AWS_ENDPOINT_URL_SSO_OIDC");
  g_unsetenv ("AWS_ENDPOINT_URL_SIGNIN");
}

static void
test_override_plain_http_refused (void)
{
  const char *refused[] = { "http://oidc.example.com", "ftp://127.0.0.1/", "not a url",
                            "http://127.0.0.2.example.com" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;

      g_setenv ("AWS_ENDPOINT_URL_SSO", refused[i], TRUE);
      url = gh_endpoint_url (GH_SERVICE_PORTAL, "us-east-1", &error);
      g_assert_null (url);
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "AWS_ENDPOINT_URL_SSO"));
    }
  g_unsetenv ("AWS_ENDPOINT_URL_SSO");
}

static void
test_loopback_detection (void)
{
  g_assert_true (gh_url_is_loopback_http ("http://127.0.0.1:8080/start"));
  g_assert_true (gh_url_is_loopback_http ("http://localhost/start"));
  g_assert_true (gh_url_is_loopback_http ("http://[::1]:8080/"));
  g_assert_false (gh_url_is_loopback_http ("https://127.0.0.1/"));
  g_assert_false (gh_url_is_loopback_http ("http://10.0.0.1/"));
  g_assert_false (gh_url_is_loopback_http ("http://localhost.evil.com/"));
}

/* The region an access portal URL carries in its host (docs/aws-protocols.md §2.6), and none for
 * the forms that do not. */
static void
test_guess_region (void)
{
  static const struct { const char *url; const char *region; } cases[] = {
    { "https://ssoins-1234.portal.eu-west-1.app.aws/", "eu-west-1" },
    { "https://ssoins-1234.portal.us-gov-west-1.app.aws/start", "us-gov-west-1" },
    { "https://d-1234567890.ap-southeast-2.portal.amazonaws.com/start", "ap-southeast-2" },
    { "https://d-1234567890.cn-north-1.portal.amazonaws.com.cn/", "cn-north-1" },
    { "https://d-1234567890.awsapps.com/start", NULL },
    { "https://my-company.awsapps.com/start/#/?region=us-east-1", NULL },
    { "https://portal.example.com/", NULL },
    { "https://x.portal.notaregion.app.aws/", NULL },
    { "no url", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *region = gh_start_url_guess_region (cases[i].url);

      g_assert_cmpstr (region, ==, cases[i].region);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_unsetenv ("AWS_ENDPOINT_URL");
  g_unsetenv ("AWS_ENDPOINT_URL_SSO_OIDC");
  g_unsetenv ("AWS_ENDPOINT_URL_SSO");
  g_unsetenv ("AWS_ENDPOINT_URL_SIGNIN");

  g_test_add_func ("/endpoints/default-hosts", test_default_hosts);
  g_test_add_func ("/endpoints/guess-region", test_guess_region);
  g_test_add_func ("/endpoints/partitions", test_partitions);
  g_test_add_func ("/endpoints/region-validation", test_region_validation);
  g_test_add_func ("/endpoints/bad-region", test_bad_region_refused);
  g_test_add_func ("/endpoints/overrides", test_overrides);
  g_test_add_func ("/endpoints/override-plain-http-refused", test_override_plain_http_refused);
  g_test_add_func ("/endpoints/loopback", test_loopback_detection);

  return g_test_run ();
}
