/* test-oidc.c — PKCE, the authorize URL and stored registrations
 * (docs/aws-protocols.md §2, §7.4, §7.5) */
#include "config.h"

#include "gh-error.h"
#include "gh-oidc.h"
#include "gh-oidc-private.h"

static void
test_pkce_vectors (void)
{
  g_autofree char *rfc = gh_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_autofree char *cli = gh_pkce_challenge ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.");

  g_assert_cmpstr (rfc, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  g_assert_cmpstr (cli, ==, "aIvau3ndcAe9_iM1ADlIcVlcudWGuhxW51yx26LjINM");
}

static void
test_pkce_verifier (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char *verifier = gh_pkce_new_verifier ();

      g_assert_cmpuint (strlen (verifier), ==, 64);
      for (const char *p = verifier; *p; p++)
        g_assert_true (g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL);
      g_assert_false (g_hash_table_contains (seen, verifier));
      g_hash_table_add (seen, verifier);
    }
}

static void
test_authorize_url (void)
{
  const char *two_scopes[] = { "sso:foo", "sso:bar", NULL };
  g_autofree char *url = gh_oidc_authorize_url ("https://oidc.us-east-1.amazonaws.com/authorize",
                                                "EXAMPLECLIENTID",
                                                "http://127.0.0.1:55555/oauth/callback",
                                                "00000000-0000-0000-0000-000000000000",
                                                NULL,
                                                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  g_autofree char *url2 = gh_oidc_authorize_url ("https://x/authorize", "c", "r", "s",
                                                 two_scopes, "ch");

  g_assert_cmpstr (url, ==,
                   "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code"
                   "&client_id=EXAMPLECLIENTID"
                   "&redirect_uri=http%3A%2F%2F127.0.0.1%3A55555%2Foauth%2Fcallback"
                   "&state=00000000-0000-0000-0000-000000000000&code_challenge_method=S256"
                   "&scopes=sso%3Aaccount%3Aaccess"
                   "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  g_assert_nonnull (strstr (url2, "&scopes=sso%3Afoo%20sso%3Abar&"));
}

static void
test_registration_json (void)
{
  GhRegistration in = { .client_id = (char *) "id", .client_secret = (char *) "se\"cret",
                        .expires_at = 1700000000, .flow = GH_FLOW_AUTHORIZATION_CODE };
  g_autofree char *json = gh_registration_to_json (&in);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhRegistration) out = gh_registration_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (out->client_id, ==, "id");
  g_assert_cmpstr (out->client_secret, ==, "se\"cret");
  g_assert_cmpint (out->expires_at, ==, 1700000000);
  g_assert_cmpint (out->flow, ==, GH_FLOW_AUTHORIZATION_CODE);
  g_assert_nonnull (strstr (json, "\"authorization_code\""));
  g_assert_nonnull (strstr (json, "\"refresh_token\""));
}

static void
test_registration_damaged (void)
{
  const char *damaged[] = { "", "not json", "[]", "{\"clientId\":\"x\"}",
                            "{\"clientId\":\"x\",\"clientSecret\":\"y\",\"expiresAt\":\"soon\"}",
                            /* Found by fuzzing: an expiry no date has, a secret with a
                             * line break, an empty id (one error, not one over another) */
                            "{\"clientId\":\"x\",\"clientSecret\":\"y\",\"expiresAt\":-1}",
                            "{\"clientId\":\"x\",\"clientSecret\":\"y\\n\",\"expiresAt\":1}",
                            "{\"clientId\":\"\",\"expiresAt\":1}" };

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhRegistration) registration = gh_registration_from_json (damaged[i], &error);

      g_assert_null (registration);
      g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
    }
}

/* grantTypes as another version (or a damaged keyring item) may have it */
static void
test_registration_grant_types (void)
{
  static const struct { const char *grant_types; GhFlow flow; } cases[] = {
    { "\"authorization_code\"", GH_FLOW_DEVICE_CODE },
    { "{\"authorization_code\":1}", GH_FLOW_DEVICE_CODE },
    { "[{}, 1, null, [\"authorization_code\"]]", GH_FLOW_DEVICE_CODE },
    { "[{}, \"refresh_token\", \"authorization_code\"]", GH_FLOW_AUTHORIZATION_CODE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"clientId\":\"x\",\"clientSecret\":\"y\","
                                               "\"expiresAt\":1,\"grantTypes\":%s}",
                                               cases[i].grant_types);
      g_autoptr(GError) error = NULL;
      g_autoptr(GhRegistration) registration = gh_registration_from_json (json, &error);

      g_assert_no_error (error);
      g_assert_cmpint (registration->flow, ==, cases[i].flow);
    }
}

static void
test_registration_usable (void)
{
  GhRegistration r = { .client_id = (char *) "id", .client_secret = (char *) "s",
                       .expires_at = 10000, .flow = GH_FLOW_DEVICE_CODE };

  g_assert_true (gh_registration_is_usable (&r, GH_FLOW_DEVICE_CODE, 10000 - 15 * 60 - 1));
  g_assert_false (gh_registration_is_usable (&r, GH_FLOW_DEVICE_CODE, 10000 - 15 * 60));
  g_assert_false (gh_registration_is_usable (&r, GH_FLOW_AUTHORIZATION_CODE, 0));
  g_assert_false (gh_registration_is_usable (NULL, GH_FLOW_DEVICE_CODE, 0));
}

/* The replies' decoders: a result or an error, never both, never neither; values that go
 * into headers, files and timeouts unchanged. Most cases were found by fuzzing
 * (tests/fuzz/fuzz-json). */
typedef enum { REGISTER, DEVICE, TOKEN } Operation;

typedef struct
{
  Operation   operation;
  const char *reply;
  gboolean    valid;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { REGISTER, "{\"clientId\":\"id\",\"clientSecret\":\"s\",\"clientSecretExpiresAt\":1722333600}",
    TRUE },
  { REGISTER, "{\"clientId\":\"id\",\"clientSecret\":\"s\",\"clientSecretExpiresAt\":-5}", FALSE },
  { REGISTER, "{\"clientId\":\"id\",\"clientSecret\":\"s\","
              "\"clientSecretExpiresAt\":9223372036854775807}", FALSE },
  { REGISTER, "{\"clientId\":\"\",\"clientSecretExpiresAt\":1}", FALSE },
  { REGISTER, "{\"clientId\":\"i d\",\"clientSecret\":\"s\",\"clientSecretExpiresAt\":1}", FALSE },
  { DEVICE, "{\"deviceCode\":\"d\",\"userCode\":\"U\",\"verificationUri\":\"https://x/\","
            "\"expiresIn\":600,\"interval\":1}", TRUE },
  { DEVICE, "{\"deviceCode\":\"d\",\"userCode\":\"U\",\"verificationUri\":\"https://x/\","
            "\"expiresIn\":9223372036854775807}", FALSE },
  { DEVICE, "{\"deviceCode\":\"d\",\"userCode\":\"U\",\"verificationUri\":\"https://x/\","
            "\"expiresIn\":0}", FALSE },
  { DEVICE, "{\"deviceCode\":\"d\",\"userCode\":\"U\\u001b[2J\",\"verificationUri\":\"https://x/\","
            "\"expiresIn\":600}", FALSE },
  { TOKEN, "{\"accessToken\":\"aoa\",\"expiresIn\":3600.0,\"refreshToken\":\"\"}", TRUE },
  { TOKEN, "{\"accessToken\":\"aoa\",\"expiresIn\":1e300}", FALSE },
  { TOKEN, "{\"accessToken\":\"aoa\",\"expiresIn\":9223372036854775807}", FALSE },
  { TOKEN, "{\"accessToken\":\"aoa\",\"expiresIn\":-1}", FALSE },
  { TOKEN, "{\"accessToken\":\"aoa\\r\\nX: y\",\"expiresIn\":3600}", FALSE },
  { TOKEN, "{\"accessToken\":\"aoa\",\"expiresIn\":3600,\"refreshToken\":\"a b\"}", FALSE },
  { TOKEN, "{\"accessToken\":\"\",\"expiresIn\":3600}", FALSE },
};

static void
test_decode (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (decode_cases); i++)
    {
      const DecodeCase *c = &decode_cases[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GhRegistration) registration = NULL;
      g_autoptr(GhDeviceAuthorization) device = NULL;
      g_autoptr(GhTokenResponse) token = NULL;
      JsonNode *root;
      gboolean decoded = FALSE;

      g_test_message ("case %u: %s", i, c->reply);
      g_assert_true (json_parser_load_from_data (parser, c->reply, -1, NULL));
      root = json_parser_get_root (parser);

      switch (c->operation)
        {
        case REGISTER:
          registration = gh_oidc_decode_registration (root, GH_FLOW_DEVICE_CODE, &error);
          decoded = registration != NULL;
          break;
        case DEVICE:
          device = gh_oidc_decode_device_authorization (root, &error);
          decoded = device != NULL;
          if (device != NULL)
            g_assert_cmpint (device->interval, ==, 1);
          break;
        case TOKEN:
          token = gh_oidc_decode_token (root, &error);
          decoded = token != NULL;
          if (token != NULL)
            {
              g_assert_cmpint (token->expires_in, ==, 3600);
              g_assert_null (token->refresh_token);
            }
          break;
        default:
          g_assert_not_reached ();
        }

      g_assert_cmpint (decoded, ==, c->valid);
      if (c->valid)
        g_assert_no_error (error);
      else
        g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oidc/pkce/vectors", test_pkce_vectors);
  g_test_add_func ("/oidc/pkce/verifier", test_pkce_verifier);
  g_test_add_func ("/oidc/authorize-url", test_authorize_url);
  g_test_add_func ("/oidc/registration/json", test_registration_json);
  g_test_add_func ("/oidc/registration/damaged", test_registration_damaged);
  g_test_add_func ("/oidc/registration/grant-types", test_registration_grant_types);
  g_test_add_func ("/oidc/registration/usable", test_registration_usable);
  g_test_add_func ("/oidc/decode", test_decode);

  return g_test_run ();
}
