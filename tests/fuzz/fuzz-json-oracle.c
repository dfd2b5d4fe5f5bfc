/* fuzz-json-oracle.c — what Gatehouse's JSON decoders promise, checked on any input
 *
 * Every input goes to every decoder, as what the network or a file could hand it:
 *
 *  - as a reply body through gh_http_parse_reply (), then to the OIDC decoders
 *    (RegisterClient, StartDeviceAuthorization, CreateToken), the portal's (ListAccounts and
 *    ListAccountRoles pages, GetRoleCredentials) and the federation's (getSigninToken);
 *  - as an error reply (with and without an x-amzn-ErrorType header) to gh_error_from_aws_response ();
 *  - as a file: the SSO token cache, the role cache, the session state, and the keyring's forms
 *    of a client registration and of role credentials.
 *
 * Each decoder must return a result or an error, never both and never neither; what it returns
 * must keep the decoder's documented promises (a token has a non-empty access token and a
 * positive lifetime, and so on), be usable by the code that consumes it (an expiry that can be
 * written back, credentials that print as exactly themselves in every output format), and,
 * for what Gatehouse writes back, survive a write and a read unchanged. No input may crash,
 * leak, trip a sanitizer or make GLib or json-glib complain.
 */
#include "config.h"

#include <string.h>

#include "gh-discovery-private.h"
#include "gh-error.h"
#include "gh-federation-private.h"
#include "gh-http-private.h"
#include "gh-ini.h"
#include "gh-oidc-private.h"
#include "gh-role-cache-private.h"
#include "gh-role-credentials-private.h"
#include "gh-role.h"
#include "gh-secret-store.h"
#include "gh-session-state-private.h"
#include "gh-test-util.h"
#include "gh-token-cache-private.h"

#include "fuzz-oracle.h"

/* A fixed "now" (2024-05-01T10:00:00Z): decoding must not depend on the clock */
#define NOW G_GINT64_CONSTANT (1714557600)

/* Exactly one of a result and an error, and a Gatehouse error at that */
#define assert_result_or_error(result, error, code)                                             \
  G_STMT_START {                                                                               \
    g_assert_true (((result) != NULL) != ((error) != NULL));                                   \
    if ((error) != NULL)                                                                       \
      {                                                                                        \
        g_assert_error ((error), GH_ERROR, (code));                                            \
        assert_readable ((error)->message);                                                    \
      }                                                                                        \
  } G_STMT_END

/* A message a person reads: UTF-8, one line, no control characters */
static void
assert_readable (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

static void
assert_non_empty (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpstr (text, !=, "");
}

/* Tokens, keys and codes go into HTTP headers, URLs, JSON and INI files: printable ASCII
 * without spaces, as AWS issues them */
static void
assert_token_text (const char *text)
{
  assert_non_empty (text);
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true (*p > ' ' && *p < 0x7f);
}

/* An expiry Gatehouse can write back (token cache, credential_process) */
static void
assert_writable_time (gint64 unix_seconds)
{
  g_autofree char *text = gh_format_expires_at (unix_seconds);
  gint64 back = 0;

  g_assert_nonnull (text);
  g_assert_true (gh_parse_expires_at (text, &back));
  g_assert_cmpint (back, ==, unix_seconds);
}

/* ---- OIDC ------------------------------------------------------------------------------- */

static void
assert_same_registration (const GhRegistration *a,
                          const GhRegistration *b)
{
  g_assert_cmpstr (a->client_id, ==, b->client_id);
  g_assert_cmpstr (a->client_secret, ==, b->client_secret);
  g_assert_cmpint (a->expires_at, ==, b->expires_at);
  g_assert_cmpint (a->flow, ==, b->flow);
}

/* A registration as it is used: checked for reuse, stored in the keyring and read back */
static void
check_registration_use (const GhRegistration *registration)
{
  g_autofree char *stored = NULL;
  g_autoptr(GhRegistration) back = NULL;
  g_autoptr(GError) error = NULL;

  assert_token_text (registration->client_id);
  assert_token_text (registration->client_secret);
  g_assert_cmpint (registration->expires_at, >=, 0);

  gh_registration_is_usable (registration, GH_FLOW_DEVICE_CODE, NOW);
  gh_registration_is_usable (registration, GH_FLOW_AUTHORIZATION_CODE, NOW);

  stored = gh_registration_to_json (registration);
  back = gh_registration_from_json (stored, &error);
  g_assert_no_error (error);
  assert_same_registration (registration, back);
}

static void
check_register_client (JsonNode *root)
{
  for (GhFlow flow = GH_FLOW_AUTHORIZATION_CODE; flow <= GH_FLOW_DEVICE_CODE; flow++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhRegistration) registration = gh_oidc_decode_registration (root, flow, &error);

      assert_result_or_error (registration, error, GH_ERROR_MALFORMED);
      if (registration != NULL)
        {
          g_assert_cmpint (registration->flow, ==, flow);
          check_registration_use (registration);
        }
    }
}

static void
check_stored_registration (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhRegistration) registration = gh_registration_from_json (text, &error);

  assert_result_or_error (registration, error, GH_ERROR_MALFORMED);
  if (registration != NULL)
    check_registration_use (registration);
}

static void
check_device_authorization (JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhDeviceAuthorization) device = gh_oidc_decode_device_authorization (root, &error);

  assert_result_or_error (device, error, GH_ERROR_MALFORMED);
  if (device == NULL)
    return;

  assert_token_text (device->device_code);
  assert_token_text (device->user_code);
  assert_non_empty (device->verification_uri);
  /* The login flow waits expires_in + 30 s and polls every interval seconds */
  g_assert_cmpint (device->expires_in, >, 0);
  g_assert_cmpint (device->expires_in + 30, <=, G_MAXUINT);
  g_assert_cmpint (device->interval, >, 0);
  g_assert_cmpint (device->interval, <=, MAX (device->expires_in, 5));
}

static void
check_create_token (JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhTokenResponse) response = gh_oidc_decode_token (root, &error);
  GhSessionState state = { 0 };

  assert_result_or_error (response, error, GH_ERROR_MALFORMED);
  if (response == NULL)
    return;

  assert_token_text (response->access_token);
  if (response->refresh_token != NULL)
    assert_token_text (response->refresh_token);
  g_assert_cmpint (response->expires_in, >, 0);

  /* What gh-session.c does with it: an expiry for the token cache and the session state */
  assert_writable_time (NOW + response->expires_in);
  gh_session_state_update_for_token (&state, NOW, response->expires_in, TRUE, TRUE, 28800);
  gh_session_state_update_for_token (&state, NOW, response->expires_in, FALSE, FALSE, 28800);
}

/* ---- the portal ------------------------------------------------------------------------- */

static void
check_list_accounts (JsonNode *root)
{
  static const char * const sent_tokens[] = { NULL, "page-2" };

  for (guint t = 0; t < G_N_ELEMENTS (sent_tokens); t++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next_token = NULL;
      g_autoptr(GPtrArray) accounts = gh_discovery_decode_accounts (root, sent_tokens[t],
                                                                    &next_token, &error);

      assert_result_or_error (accounts, error, GH_ERROR_MALFORMED);
      if (accounts == NULL)
        {
          g_assert_null (next_token);
          continue;
        }

      g_assert_true (next_token == NULL || (*next_token != '\0' &&
                                            g_strcmp0 (next_token, sent_tokens[t]) != 0));
      for (guint i = 0; i < accounts->len; i++)
        {
          GhPortalAccount *account = g_ptr_array_index (accounts, i);

          assert_non_empty (account->id);
          g_assert_true (g_utf8_validate (account->id, -1, NULL));
        }
    }
}

static void
check_list_roles (JsonNode *root)
{
  static const char * const sent_tokens[] = { NULL, "page-2" };

  for (guint t = 0; t < G_N_ELEMENTS (sent_tokens); t++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *next_token = NULL;
      g_auto(GStrv) names = gh_discovery_decode_roles (root, sent_tokens[t], &next_token, &error);

      assert_result_or_error (names, error, GH_ERROR_MALFORMED);
      if (names == NULL)
        {
          g_assert_null (next_token);
          continue;
        }

      g_assert_true (next_token == NULL || (*next_token != '\0' &&
                                            g_strcmp0 (next_token, sent_tokens[t]) != 0));
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autoptr(GhRole) role = gh_role_new ("fuzz", "123456789012", NULL, NULL, names[i]);

          assert_non_empty (names[i]);
          g_assert_cmpstr (gh_role_get_role_name (role), ==, names[i]);
        }
    }
}

static void
assert_same_credentials (const GhRoleCredentials *a,
                         const GhRoleCredentials *b)
{
  g_assert_cmpstr (a->access_key_id, ==, b->access_key_id);
  g_assert_cmpstr (a->secret_access_key, ==, b->secret_access_key);
  g_assert_cmpstr (a->session_token, ==, b->session_token);
  g_assert_cmpint (a->expiration, ==, b->expiration);
  g_assert_cmpstr (a->account_id, ==, b->account_id);
}

/* The credentials in every format AWS tools read, each reading back as exactly them */
static void
check_credentials_formats (const GhRoleCredentials *credentials)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) sections = NULL;
  char *text;

  for (GhCredentialsFormat format = GH_CREDENTIALS_FORMAT_PROCESS;
       format <= GH_CREDENTIALS_FORMAT_POWERSHELL; format++)
    {
      text = gh_role_credentials_format (credentials, format, "fuzz", "Role", "eu-west-1");
      g_assert_nonnull (text);
      g_assert_true (g_utf8_validate (text, -1, NULL));

      if (format == GH_CREDENTIALS_FORMAT_PROCESS || format == GH_CREDENTIALS_FORMAT_JSON)
        {
          JsonObject *object;

          g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
          g_assert_no_error (error);
          object = json_node_get_object (json_parser_get_root (parser));
          g_assert_cmpstr (json_object_get_string_member (object, "AccessKeyId"), ==,
                           credentials->access_key_id);
          g_assert_cmpstr (json_object_get_string_member (object, "SecretAccessKey"), ==,
                           credentials->secret_access_key);
          g_assert_cmpstr (json_object_get_string_member (object, "SessionToken"), ==,
                           credentials->session_token);
        }
      else if (format == GH_CREDENTIALS_FORMAT_INI)
        {
          g_autofree char *id = NULL;
          g_autofree char *secret = NULL;
          g_autofree char *token = NULL;

          g_assert_true (gh_ini_load_from_data (ini, text, -1, &error));
          g_assert_no_error (error);
          sections = gh_ini_get_sections (ini);
          g_assert_cmpuint (g_strv_length (sections), ==, 1);
          keys = gh_ini_get_keys (ini, "fuzz");
          g_assert_cmpuint (g_strv_length (keys), ==, 3);
          id = gh_ini_get_value (ini, "fuzz", "aws_access_key_id");
          secret = gh_ini_get_value (ini, "fuzz", "aws_secret_access_key");
          token = gh_ini_get_value (ini, "fuzz", "aws_session_token");
          g_assert_cmpstr (id, ==, credentials->access_key_id);
          g_assert_cmpstr (secret, ==, credentials->secret_access_key);
          g_assert_cmpstr (token, ==, credentials->session_token);
        }
      else
        {
          /* Shell lines (env, fish, PowerShell): one per value (the keys, the expiry and the
           * region twice), the values quoted whole */
          static const char * const first[] = {
            [GH_CREDENTIALS_FORMAT_ENV] = "export AWS_ACCESS_KEY_ID='",
            [GH_CREDENTIALS_FORMAT_FISH] = "set -gx AWS_ACCESS_KEY_ID '",
            [GH_CREDENTIALS_FORMAT_POWERSHELL] = "$Env:AWS_ACCESS_KEY_ID = '",
          };
          g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

          g_assert_cmpuint (g_strv_length (lines), ==, 7);
          g_assert_true (g_str_has_prefix (lines[0], first[format]));
        }

      gh_secret_free (text);
    }
}

static void
check_role_credentials_use (const GhRoleCredentials *credentials)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GhRoleCredentials) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;
  char *stored;

  assert_token_text (credentials->access_key_id);
  assert_token_text (credentials->secret_access_key);
  assert_token_text (credentials->session_token);
  g_assert_cmpint (credentials->expiration, >, 0);
  assert_writable_time (credentials->expiration);
  check_credentials_formats (credentials);

  /* The keyring form reads back as the same credentials */
  stored = gh_role_credentials_to_json (credentials, "Role");
  g_assert_true (json_parser_load_from_data (parser, stored, -1, &error));
  g_assert_no_error (error);
  back = gh_role_credentials_from_json (json_parser_get_root (parser), credentials->account_id,
                                        &error);
  g_assert_no_error (error);
  assert_same_credentials (credentials, back);
  gh_secret_free (stored);

  /* The console's Session parameter */
  session = gh_federation_session_json (credentials);
  g_assert_true (json_parser_load_from_data (parser, session, -1, &error));
  g_assert_no_error (error);
}

static void
check_get_role_credentials (JsonNode *root)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;

  /* As gh-role-credentials.c hands the reply over */
  credentials = gh_role_credentials_from_json (object != NULL
                                               ? json_object_get_member (object,
                                                                         "roleCredentials")
                                               : NULL,
                                               "123456789012", &error);
  assert_result_or_error (credentials, error, GH_ERROR_MALFORMED);
  if (credentials != NULL)
    check_role_credentials_use (credentials);
}

/* The keyring's form, parsed as gh-role-credentials.c parses it */
static void
check_stored_role_credentials (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return;

  credentials = gh_role_credentials_from_json (json_parser_get_root (parser), "123456789012",
                                               &error);
  assert_result_or_error (credentials, error, GH_ERROR_MALFORMED);
  if (credentials != NULL)
    check_role_credentials_use (credentials);
}

/* ---- federation ------------------------------------------------------------------------- */

static void
check_signin_token (JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  char *token = gh_federation_decode_signin_token (root, &error);
  g_autofree char *url = NULL;

  assert_result_or_error (token, error, GH_ERROR_MALFORMED);
  if (token == NULL)
    return;

  assert_token_text (token);
  url = gh_federation_login_url ("https://signin.aws.amazon.com", "",
                                 "https://console.aws.amazon.com/", token);
  g_assert_nonnull (url);
  gh_secret_free (token);
}

/* ---- errors ----------------------------------------------------------------------------- */

static void
check_error_reply (GBytes     *body,
                   const char *header)
{
  static const guint statuses[] = { 400, 401, 403, 404, 429, 500, 503 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = gh_error_from_aws_response ("Fuzzing", statuses[i], header, body);

      g_assert_nonnull (error);
      g_assert_true (error->domain == GH_ERROR);
      g_assert_cmpint (error->code, >=, GH_ERROR_FAILED);
      g_assert_cmpint (error->code, <=, GH_ERROR_BROWSER);
      assert_readable (error->message);
    }
}

/* ---- files -------------------------------------------------------------------------------- */

static void
assert_same_token (const GhCachedToken *a,
                   const GhCachedToken *b,
                   gboolean             with_refresh)
{
  g_assert_cmpstr (a->start_url, ==, b->start_url);
  g_assert_cmpstr (a->region, ==, b->region);
  g_assert_cmpstr (a->access_token, ==, b->access_token);
  g_assert_cmpint (a->expires_at, ==, b->expires_at);
  if (with_refresh)
    {
      g_assert_cmpstr (a->client_id, ==, b->client_id);
      g_assert_cmpstr (a->client_secret, ==, b->client_secret);
      g_assert_cmpint (a->registration_expires_at, ==, b->registration_expires_at);
      g_assert_cmpstr (a->refresh_token, ==, b->refresh_token);
    }
  else
    {
      g_assert_null (b->client_id);
      g_assert_null (b->client_secret);
      g_assert_cmpint (b->registration_expires_at, ==, 0);
      g_assert_null (b->refresh_token);
    }
}

static JsonObject *
parse_object (const char *text,
              gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static gboolean
is_utf8_member (JsonObject *object,
                const char *member)
{
  g_autofree char *text = json_to_string (json_object_get_member (object, member), FALSE);

  return g_utf8_validate (member, -1, NULL) && g_utf8_validate (text, -1, NULL);
}

/* The members Gatehouse does not write survive a rewrite, unchanged */
static void
assert_foreign_members_kept (const char *before,
                             gsize       before_length,
                             const char *after,
                             gsize       after_length)
{
  static const char * const ours[] = {
    "startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
    "registrationExpiresAt", "refreshToken",
  };
  g_autoptr(JsonObject) old = parse_object (before, before_length);
  g_autoptr(JsonObject) now = parse_object (after, after_length);
  g_autoptr(GList) members = json_object_get_members (old);

  g_assert_nonnull (now);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean is_ours = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
        is_ours |= g_str_equal (l->data, ours[i]);
      /* json-glib reads lone surrogate escapes ("\ud800") lossily, into bytes that are not
       * UTF-8: members with one in their name or value cannot be compared, only kept as well
       * as json-glib read them */
      if (!is_ours && is_utf8_member (old, l->data))
        g_assert_true (json_node_equal (json_object_get_member (old, l->data),
                                        json_object_get_member (now, l->data)));
    }
}

static void
check_token_cache (const char *data,
                   gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhCachedToken) token = gh_token_cache_parse ("fuzz.json", data, size, &error);

  assert_result_or_error (token, error, GH_ERROR_MALFORMED);
  if (token == NULL)
    return;

  assert_non_empty (token->access_token);
  assert_writable_time (token->expires_at);
  if (token->registration_expires_at != 0)
    assert_writable_time (token->registration_expires_at);

  /* Written over the file it came from (as a refresh does), it reads back the same, keeps
   * the other writers' members, and a second write changes nothing */
  for (guint with_refresh = 0; with_refresh < 2; with_refresh++)
    {
      gsize length = 0;
      gsize again_length = 0;
      g_autofree char *text = gh_token_cache_serialize (token, with_refresh, data, size, &length);
      g_autofree char *again = NULL;
      g_autoptr(GhCachedToken) back = gh_token_cache_parse ("fuzz.json", text, length, &error);

      g_assert_no_error (error);
      assert_same_token (token, back, with_refresh);
      assert_foreign_members_kept (data, size, text, length);

      again = gh_token_cache_serialize (back, with_refresh, text, length, &again_length);
      g_assert_cmpmem (again, again_length, text, length);
    }
}

/* The role cache as json-glib reads it: the reference for the one-pass reader of
 * gh-role-cache.c (the way Gatehouse read the file before it). NULL for anything it does not
 * take as a role cache of @session_name. */
static const char *
reference_text (JsonNode *node)
{
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (node);
  return g_utf8_validate (text, -1, NULL) ? text : NULL;
}

static gboolean
reference_optional_text (JsonObject  *object,
                         const char  *member,
                         const char **value)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  return (*value = reference_text (node)) != NULL;
}

static gboolean
reference_int (JsonObject *object,
               const char *member,
               gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonArray *
reference_array (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
reference_account (JsonNode   *node,
                   const char *session_name,
                   GPtrArray  *roles)
{
  JsonObject *account = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id, *name, *email;
  JsonArray *list;

  if (account == NULL ||
      (id = reference_text (json_object_get_member (account, "accountId"))) == NULL ||
      *id == '\0' || !reference_optional_text (account, "accountName", &name) ||
      !reference_optional_text (account, "emailAddress", &email) ||
      (list = reference_array (account, "roles")) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      const char *role_name = reference_text (json_array_get_element (list, i));

      if (role_name == NULL || *role_name == '\0')
        return FALSE;
      g_ptr_array_add (roles, gh_role_new (session_name, id, name, email, role_name));
    }
  return TRUE;
}

static GPtrArray *
reference_role_cache_parse (JsonNode   *root_node,
                            const char *session_name,
                            gint64     *fetched_at)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *root;
  JsonArray *accounts;
  gint64 version = 0;

  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    return NULL;
  root = json_node_get_object (root_node);
  if (g_strcmp0 (gh_json_get_string (root, "format"), "gatehouse-roles") != 0 ||
      !reference_int (root, "version", &version) || version != 1 ||
      g_strcmp0 (gh_json_get_string (root, "session"), session_name) != 0 ||
      !reference_int (root, "fetchedAt", fetched_at) ||
      (accounts = reference_array (root, "accounts")) == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (accounts); i++)
    if (!reference_account (json_array_get_element (accounts, i), session_name, roles))
      return NULL;
  return g_steal_pointer (&roles);
}

/* gh_role_cache_parse () against the reference on @data (@root: json-glib's reading of it,
 * NULL when json-glib refuses it). What the reader takes, json-glib reads as the same roles
 * and time; with @agree (text json-glib wrote itself: strict JSON, no member twice), it also
 * takes all that json-glib takes. */
static void
compare_role_cache_reader (const char *data,
                           gsize       size,
                           JsonNode   *root,
                           const char *session,
                           gboolean    agree)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  gint64 fetched_at = 0;
  gint64 expected_at = 0;

  roles = gh_role_cache_parse (session, "roles.json", data, size, &fetched_at, &error);
  if (g_utf8_validate_len (data, size, NULL))
    expected = reference_role_cache_parse (root, session, &expected_at);

  if (roles != NULL)
    {
      g_assert_nonnull (expected);
      gh_test_assert_same_roles (expected, roles);
      g_assert_cmpint (fetched_at, ==, expected_at);
    }
  else if (agree)
    g_assert_null (expected);
}

static void
check_role_cache_reader (const char *data,
                         gsize       size,
                         const char *session)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *rewritten = NULL;
  JsonNode *root = NULL;
  gsize rewritten_length = 0;

  if (json_parser_load_from_data (parser, data, size, NULL))
    root = json_parser_get_root (parser);
  compare_role_cache_reader (data, size, root, session, FALSE);
  if (root == NULL)
    return;

  /* The same document as json-glib writes it */
  json_generator_set_root (generator, root);
  rewritten = json_generator_to_data (generator, &rewritten_length);
  if (!json_parser_load_from_data (parser, rewritten, rewritten_length, NULL))
    return;
  compare_role_cache_reader (rewritten, rewritten_length, json_parser_get_root (parser), session,
                             TRUE);
}

static void
check_role_cache (const char *data,
                  gsize       size)
{
  g_autoptr(JsonObject) object = parse_object (data, size);
  const char *named = gh_json_get_string (object, "session");
  g_autofree char *session = g_strdup (named != NULL ? named : "corp");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  gsize length = 0;
  gsize again_length = 0;
  gint64 fetched_at = 0;
  gint64 fetched_back = 0;

  check_role_cache_reader (data, size, session);

  roles = gh_role_cache_parse (session, "roles.json", data, size, &fetched_at, &error);
  assert_result_or_error (roles, error, GH_ERROR_MALFORMED);
  if (roles == NULL)
    return;

  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      g_assert_cmpstr (gh_role_get_session_name (role), ==, session);
      assert_non_empty (gh_role_get_account_id (role));
      assert_non_empty (gh_role_get_role_name (role));
    }

  /* Saved and loaded again: the same roles in the same order, and the same text */
  text = gh_role_cache_serialize (session, roles, fetched_at, &length);
  back = gh_role_cache_parse (session, "roles.json", text, length, &fetched_back, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fetched_back, ==, fetched_at);
  gh_test_assert_same_roles (roles, back);
  again = gh_role_cache_serialize (session, back, fetched_back, &again_length);
  g_assert_cmpmem (again, again_length, text, length);
}

static void
check_session_state (const char *data,
                     gsize       size)
{
  GhSessionState state;
  GhSessionState back;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;

  gh_session_state_parse (data, size, &state);
  text = gh_session_state_serialize (&state);
  gh_session_state_parse (text, strlen (text), &back);
  g_assert_cmpmem (&back, sizeof back, &state, sizeof state);
  again = gh_session_state_serialize (&back);
  g_assert_cmpstr (again, ==, text);

  /* A state from the file takes a new token without arithmetic going wrong */
  gh_session_state_update_for_token (&state, NOW, 3600, TRUE, FALSE, 28800);
  gh_session_state_update_for_token (&back, NOW, 3600, FALSE, FALSE, 28800);
}

void
gh_fuzz_json_check (const guint8 *data,
                    gsize         size)
{
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *header = g_strndup (text, strcspn (text, "\r\n"));

  /* A successful reply: an object or nothing, else malformed */
  root = gh_http_parse_reply ("Fuzzing", body, &error);
  assert_result_or_error (root, error, GH_ERROR_MALFORMED);
  if (root != NULL)
    {
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root) || JSON_NODE_HOLDS_NULL (root));
      check_register_client (root);
      check_device_authorization (root);
      check_create_token (root);
      check_list_accounts (root);
      check_list_roles (root);
      check_get_role_credentials (root);
      check_signin_token (root);
    }

  /* A failed one */
  check_error_reply (body, NULL);
  check_error_reply (body, header);

  /* Files (the keyring's items are text: up to the first NUL) */
  check_token_cache ((const char *) data, size);
  check_role_cache ((const char *) data, size);
  check_session_state ((const char *) data, size);
  check_stored_registration (text);
  check_stored_role_credentials (text);
}
