/* test-federation.c — console URLs: destinations per partition, the Session parameter, sign-in
 * and sign-out URLs and the access-portal shortcut (docs/aws-protocols.md §5, §7) */
#include "config.h"

#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-federation.h"

/* Base URLs */

static void
test_base_url (void)
{
  static const struct { const char *region; const char *expected; } cases[] = {
    { "us-east-1", "https://console.aws.amazon.com" },
    { "us-west-2", "https://us-west-2.console.aws.amazon.com" },
    { "eu-central-1", "https://eu-central-1.console.aws.amazon.com" },
    { "ap-southeast-2", "https://ap-southeast-2.console.aws.amazon.com" },
    { "us-gov-west-1", "https://console.amazonaws-us-gov.com" },
    { "us-gov-east-1", "https://console.amazonaws-us-gov.com" },
    { "cn-north-1", "https://console.amazonaws.cn" },
    { "cn-northwest-1", "https://console.amazonaws.cn" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = gh_console_base_url (cases[i].region);

      g_assert_cmpstr (url, ==, cases[i].expected);
    }
}

/* Destinations */

typedef struct
{
  const char *region;
  const char *destination;
  const char *expected;     /* NULL: refused with GH_ERROR_INVALID_INPUT */
  const char *message_part; /* for refusals: something the message must say */
} DestinationCase;

static const DestinationCase destination_cases[] = {
  /* Console home */
  { "us-east-1", NULL, "https://console.aws.amazon.com/console/home?region=us-east-1" },
  { "us-west-2", NULL, "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2" },
  { "us-west-2", "", "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2" },
  { "us-gov-west-1", NULL,
    "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1" },
  { "us-gov-east-1", NULL,
    "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1" },
  { "cn-north-1", NULL, "https://console.amazonaws.cn/console/home?region=cn-north-1" },
  { "cn-northwest-1", NULL, "https://console.amazonaws.cn/console/home?region=cn-northwest-1" },

  /* A service */
  { "us-east-1", "ec2", "https://console.aws.amazon.com/ec2/home?region=us-east-1" },
  { "eu-central-1", "s3", "https://eu-central-1.console.aws.amazon.com/s3/home?region=eu-central-1" },
  { "us-west-2", "cloudwatch",
    "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2" },
  { "us-gov-west-1", "ec2", "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1" },
  { "us-gov-east-1", "cloudwatch",
    "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-east-1" },
  { "cn-north-1", "s3", "https://console.amazonaws.cn/s3/home?region=cn-north-1" },
  { "cn-northwest-1", "ec2", "https://console.amazonaws.cn/ec2/home?region=cn-northwest-1" },
  { "us-east-1", "access-analyzer",
    "https://console.aws.amazon.com/access-analyzer/home?region=us-east-1" },

  /* A full URL, used as given */
  { "us-east-1", "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
    "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:" },
  { "us-west-2", "https://console.aws.amazon.com/", "https://console.aws.amazon.com/" },
  { "eu-west-1", "https://console.aws.amazon.com", "https://console.aws.amazon.com" },
  { "us-west-2", "HTTPS://Console.AWS.Amazon.com/iam/", "HTTPS://Console.AWS.Amazon.com/iam/" },
  { "us-west-2", "https://console.aws.amazon.com:443/s3/", "https://console.aws.amazon.com:443/s3/" },
  { "us-west-2", "https://s3.console.aws.amazon.com/s3/buckets?region=us-west-2",
    "https://s3.console.aws.amazon.com/s3/buckets?region=us-west-2" },
  { "us-gov-west-1", "https://console.amazonaws-us-gov.com/ec2/home",
    "https://console.amazonaws-us-gov.com/ec2/home" },
  { "us-gov-east-1", "https://us-gov-east-1.console.amazonaws-us-gov.com/",
    "https://us-gov-east-1.console.amazonaws-us-gov.com/" },
  { "cn-north-1", "https://console.amazonaws.cn/s3/", "https://console.amazonaws.cn/s3/" },
  { "cn-northwest-1", "https://cn-northwest-1.console.amazonaws.cn/ec2/home",
    "https://cn-northwest-1.console.amazonaws.cn/ec2/home" },

  /* Not https */
  { "us-east-1", "http://console.aws.amazon.com/", NULL, "https" },
  { "us-east-1", "ftp://console.aws.amazon.com/", NULL, "https" },
  /* Look-alikes */
  { "us-east-1", "https://console.aws.amazon.com.evil.com/", NULL, "not an AWS console URL" },
  { "us-east-1", "https://evilconsole.aws.amazon.com/", NULL, "not an AWS console URL" },
  { "us-east-1", "https://aws.amazon.com/", NULL, "not an AWS console URL" },
  { "us-east-1", "https://evil.com/console.aws.amazon.com", NULL, "not an AWS console URL" },
  { "us-east-1", "https://evil.com%2F.console.aws.amazon.com/", NULL, "not an AWS console URL" },
  { "us-east-1", "https://evil.com\\.console.aws.amazon.com/", NULL, "backslash" },
  { "us-east-1", "https://.console.aws.amazon.com/", NULL, NULL },
  { "us-east-1", "https://a..console.aws.amazon.com/", NULL, NULL },
  { "us-east-1", "https://console.aws.amazon.com./", NULL, NULL },
  { "us-east-1", "https://[::1]/", NULL, NULL },
  { "us-east-1", "https:///console/home", NULL, NULL },
  { "us-east-1", "https://console.aws.amazon.com /", NULL, NULL },
  /* Userinfo and ports */
  { "us-east-1", "https://user:pw@console.aws.amazon.com/", NULL, "user name" },
  { "us-east-1", "https://evil.com@console.aws.amazon.com/", NULL, "user name" },
  { "us-east-1", "https://console.aws.amazon.com:8443/", NULL, "port" },
  /* Another partition's console */
  { "us-east-1", "https://console.amazonaws-us-gov.com/", NULL, "aws-us-gov" },
  { "us-east-1", "https://console.amazonaws.cn/", NULL, "aws-cn" },
  { "us-gov-west-1", "https://console.aws.amazon.com/", NULL, "partition" },
  { "us-gov-east-1", "https://us-east-1.console.aws.amazon.com/", NULL, "partition" },
  { "cn-north-1", "https://us-east-1.console.aws.amazon.com/", NULL, "partition" },
  { "cn-northwest-1", "https://console.amazonaws-us-gov.com/", NULL, "partition" },
  /* Neither a service name nor a URL */
  { "us-east-1", "EC2", NULL, "service name" },
  { "us-east-1", "ec2/home", NULL, "service name" },
  { "us-east-1", "console.aws.amazon.com/ec2", NULL, "https://" },
  { "us-east-1", "javascript:alert(1)", NULL, NULL },
  { "us-east-1", "-ec2", NULL, NULL },
  /* Bad region */
  { "nowhere", NULL, NULL, "region" },
  { "", "ec2", NULL, "region" },
};

static void
test_destination (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (destination_cases); i++)
    {
      const DestinationCase *c = &destination_cases[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;

      g_test_message ("%s %s", c->region, c->destination ? c->destination : "(null)");
      url = gh_console_destination (c->region, c->destination, &error);

      if (c->expected != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (url, ==, c->expected);
        }
      else
        {
          g_assert_null (url);
          g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
          if (c->message_part != NULL)
            g_assert_nonnull (strstr (error->message, c->message_part));
        }
    }
}

/* Session parameter */

static void
test_session_json_vector (void)
{
  GhRoleCredentials credentials = {
    .access_key_id = (char *) "ASIAEXAMPLE",
    .secret_access_key = (char *) "SECRET/EXAMPLE+KEY",
    .session_token = (char *) "TOKEN==",
  };
  g_autofree char *json = gh_federation_session_json (&credentials);
  g_autofree char *escaped = NULL;
  g_autofree char *destination = NULL;
  g_autofree char *destination_escaped = NULL;

  /* docs/aws-protocols.md §7.7 */
  g_assert_cmpstr (json, ==,
                   "{\"sessionId\":\"ASIAEXAMPLE\",\"sessionKey\":\"SECRET/EXAMPLE+KEY\","
                   "\"sessionToken\":\"TOKEN==\"}");
  escaped = g_uri_escape_string (json, NULL, FALSE);
  g_assert_cmpstr (escaped, ==,
                   "%7B%22sessionId%22%3A%22ASIAEXAMPLE%22%2C%22sessionKey%22%3A%22SECRET%2F"
                   "EXAMPLE%2BKEY%22%2C%22sessionToken%22%3A%22TOKEN%3D%3D%22%7D");

  destination = gh_console_destination ("us-west-2", NULL, NULL);
  destination_escaped = g_uri_escape_string (destination, NULL, FALSE);
  g_assert_cmpstr (destination_escaped, ==,
                   "https%3A%2F%2Fus-west-2.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3D"
                   "us-west-2");
}

/* Whatever the credentials hold, the Session is one valid JSON object with those values. */
static void
test_session_json_escaping (void)
{
  GhRoleCredentials credentials = {
    .access_key_id = (char *) "ASIA\"QUOTE",
    .secret_access_key = (char *) "back\\slash\nnew\tline\x01",
    .session_token = (char *) "ünïcode/+=",
  };
  g_autofree char *json = gh_federation_session_json (&credentials);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_null (strchr (json, '\n'));
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "sessionId"), ==,
                   credentials.access_key_id);
  g_assert_cmpstr (json_object_get_string_member (object, "sessionKey"), ==,
                   credentials.secret_access_key);
  g_assert_cmpstr (json_object_get_string_member (object, "sessionToken"), ==,
                   credentials.session_token);
}

/* Sign-in and sign-out URLs */

static void
test_login_url (void)
{
  g_autofree char *url = NULL;
  g_autofree char *empty_issuer = NULL;
  g_autofree char *trailing = NULL;

  url = gh_federation_login_url ("https://signin.aws.amazon.com",
                                 "https://d-1234567890.awsapps.com/start",
                                 "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2",
                                 "tok+en/with=special&chars");
  g_assert_cmpstr (url, ==,
                   "https://signin.aws.amazon.com/federation?Action=login"
                   "&Issuer=https%3A%2F%2Fd-1234567890.awsapps.com%2Fstart"
                   "&Destination=https%3A%2F%2Fus-west-2.console.aws.amazon.com%2Fconsole%2Fhome"
                   "%3Fregion%3Dus-west-2"
                   "&SigninToken=tok%2Ben%2Fwith%3Dspecial%26chars");

  empty_issuer = gh_federation_login_url ("https://us-gov-east-1.signin.amazonaws-us-gov.com",
                                          NULL, "https://console.amazonaws-us-gov.com/", "abc");
  g_assert_cmpstr (empty_issuer, ==,
                   "https://us-gov-east-1.signin.amazonaws-us-gov.com/federation?Action=login"
                   "&Issuer=&Destination=https%3A%2F%2Fconsole.amazonaws-us-gov.com%2F"
                   "&SigninToken=abc");

  trailing = gh_federation_login_url ("http://127.0.0.1:8080/", "", "https://console.aws.amazon.com/",
                                      "abc");
  g_assert_true (g_str_has_prefix (trailing, "http://127.0.0.1:8080/federation?Action=login&"));
}

static void
test_logout_url (void)
{
  g_autofree char *next = gh_federation_login_url ("https://signin.aws.amazon.com", "",
                                                   "https://console.aws.amazon.com/", "a+b");
  g_autofree char *url = gh_federation_logout_url ("https://signin.aws.amazon.com/", next);
  g_autofree char *regional = gh_federation_logout_url ("https://eu-west-1.signin.aws.amazon.com",
                                                        "https://aws.amazon.com/");

  g_assert_cmpstr (url, ==,
                   "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri="
                   "https%3A%2F%2Fsignin.aws.amazon.com%2Ffederation%3FAction%3Dlogin%26Issuer%3D"
                   "%26Destination%3Dhttps%253A%252F%252Fconsole.aws.amazon.com%252F"
                   "%26SigninToken%3Da%252Bb");
  g_assert_cmpstr (regional, ==,
                   "https://eu-west-1.signin.aws.amazon.com/oauth?Action=logout&redirect_uri="
                   "https%3A%2F%2Faws.amazon.com%2F");
}

/* Access-portal shortcut */

static void
test_portal_shortcut (void)
{
  g_autofree char *vector = NULL;
  g_autofree char *trailing = NULL;
  g_autofree char *minimal = NULL;
  g_autofree char *escaped_role = NULL;

  /* docs/aws-protocols.md §7.8 */
  vector = gh_portal_shortcut_url ("https://d-1234567890.awsapps.com/start", "123456789012",
                                   "ReadOnly",
                                   "https://us-east-1.console.aws.amazon.com/ec2/home?region="
                                   "us-east-1#Instances:");
  g_assert_cmpstr (vector, ==,
                   "https://d-1234567890.awsapps.com/start/#/console?account_id=123456789012"
                   "&role_name=ReadOnly&destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com"
                   "%2Fec2%2Fhome%3Fregion%3Dus-east-1%23Instances%3A");

  trailing = gh_portal_shortcut_url ("https://d-1234567890.awsapps.com/start/", "123456789012",
                                     "ReadOnly", NULL);
  g_assert_cmpstr (trailing, ==,
                   "https://d-1234567890.awsapps.com/start/#/console?account_id=123456789012"
                   "&role_name=ReadOnly");

  minimal = gh_portal_shortcut_url ("https://d-1234567890.awsapps.com/start", "123456789012",
                                    NULL, NULL);
  g_assert_cmpstr (minimal, ==,
                   "https://d-1234567890.awsapps.com/start/#/console?account_id=123456789012");

  /* Permission-set names may hold + = , . @ - */
  escaped_role = gh_portal_shortcut_url ("https://x.awsapps.com/start", "123456789012",
                                         "Admin+Ops=1,a.b@c", "https://console.aws.amazon.com");
  g_assert_cmpstr (escaped_role, ==,
                   "https://x.awsapps.com/start/#/console?account_id=123456789012"
                   "&role_name=Admin%2BOps%3D1%2Ca.b%40c"
                   "&destination=https%3A%2F%2Fconsole.aws.amazon.com");
}

/* getSigninToken input checks (the network cases are in test-federation-sim.c) */

typedef struct
{
  gboolean  done;
  char     *token;
  GError   *error;
} TokenResult;

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  TokenResult *r = user_data;

  r->token = gh_federation_get_signin_token_finish (result, &r->error);
  r->done = TRUE;
}

static void
test_signin_token_incomplete (void)
{
  GhRoleCredentials credentials = {
    .access_key_id = (char *) "AKIAEXAMPLE",
    .secret_access_key = (char *) "secret",
    .session_token = NULL,
  };
  TokenResult r = { 0, };

  gh_federation_get_signin_token_async (NULL, "https://signin.aws.amazon.com", &credentials, 0,
                                        NULL, token_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (r.token);
  g_assert_error (r.error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_null (strstr (r.error->message, "secret"));
  g_clear_error (&r.error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/federation/console/base-url", test_base_url);
  g_test_add_func ("/federation/console/destination", test_destination);
  g_test_add_func ("/federation/session-json/vector", test_session_json_vector);
  g_test_add_func ("/federation/session-json/escaping", test_session_json_escaping);
  g_test_add_func ("/federation/login-url", test_login_url);
  g_test_add_func ("/federation/logout-url", test_logout_url);
  g_test_add_func ("/federation/portal-shortcut", test_portal_shortcut);
  g_test_add_func ("/federation/signin-token/incomplete", test_signin_token_incomplete);

  return g_test_run ();
}
