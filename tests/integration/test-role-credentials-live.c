/* test-role-credentials-live.c — gh_role_credentials_get_async() against the simulator and the
 * real keyring, after a sign-in with the real `gatehouse` CLI
 *
 * Every case runs in a subprocess of its own with the CLI's environment
 * (gh_test_add_subprocess_cases()).
 */
#include "config.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsecret/secret.h>

#include "gh-error.h"
#include "gh-kernel-keyring.h"
#include "gh-role.h"
#include "gh-role-credentials.h"
#include "gh-secret-store-private.h"
#include "gh-secret-store.h"
#include "gh-session.h"
#include "gh-test-env.h"
#include "gh-test-keyring.h"
#include "gh-test-seccomp.h"
#include "gh-token-cache.h"

#define ACCOUNT "100000000001"
#define OTHER_ACCOUNT "100000000002"
#define OP "GetRoleCredentials"

static GhRoleCredentials *
assert_get (GhSession  *session,
            const char *account_id,
            const char *role_name,
            gboolean    force_refresh)
{
  g_autoptr(GError) error = NULL;
  GhRoleCredentials *credentials;

  credentials = gh_test_get_role_credentials (session, account_id, role_name, force_refresh,
                                              &error);
  g_assert_no_error (error);
  g_assert_nonnull (credentials);
  g_assert_true (g_str_has_prefix (credentials->access_key_id, "ASIA"));
  g_assert_cmpuint (strlen (credentials->secret_access_key), ==, 40);
  g_assert_nonnull (credentials->session_token);
  g_assert_cmpstr (credentials->account_id, ==, account_id);
  return credentials;
}

static guint
count (GhTestFixture *fixture,
       const char    *operation)
{
  return gh_simulator_get_request_count (fixture->sim, operation);
}

/* Asks @session for @first's role again: the same credentials, and still the one
 * GetRoleCredentials call that got @first */
static GhRoleCredentials *
assert_reused (GhTestFixture           *fixture,
               GhSession               *session,
               const char              *role_name,
               const GhRoleCredentials *first)
{
  GhRoleCredentials *again = assert_get (session, first->account_id, role_name, FALSE);

  g_assert_cmpuint (count (fixture, OP), ==, 1);
  g_assert_cmpstr (again->access_key_id, ==, first->access_key_id);
  g_assert_cmpstr (again->secret_access_key, ==, first->secret_access_key);
  g_assert_cmpstr (again->session_token, ==, first->session_token);
  g_assert_cmpint (again->expiration, ==, first->expiration);
  return again;
}

static guint
browser_url_count (GhTestFixture *fixture)
{
  g_auto(GStrv) urls = gh_test_browser_urls (fixture);

  return g_strv_length (urls);
}

static char *
access_token (GhTestFixture *fixture,
              const char    *name)
{
  g_autofree char *path = gh_token_cache_path (name);
  g_autoptr(GhCachedToken) token = gh_token_cache_read (path, NULL);

  g_assert_nonnull (token);
  return g_strdup (token->access_token);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The role-credential items of one account and role, searched independently of
 * gh-secret-store.c (in every collection, locked or not). */
/* What Passwords and Keys shows: one item, with our label and attributes. */
static void
assert_keyring_item (const char *name,
                     const char *account_id,
                     const char *role_name)
{
  g_autoptr(GHashTable) item_attributes = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected_label = NULL;
  GList *items;

  items = gh_test_keyring_find_role_credentials (name, account_id, role_name);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  label = secret_item_get_label (items->data);
  expected_label = g_strdup_printf ("Gatehouse: AWS credentials for %s @ %s (“%s”)",
                                    role_name, account_id, name);
  g_assert_cmpstr (label, ==, expected_label);
  item_attributes = secret_item_get_attributes (items->data);
  g_assert_nonnull (g_hash_table_lookup (item_attributes, "start-url"));

  g_list_free_full (items, g_object_unref);
}

/* The fast copy of a role's credentials in the kernel keyring (gh-secret-store.c), read
 * with gh-kernel-keyring.c: "START_URL\nJSON", or NULL when there is none. */
static char *
fast_copy (const char *name,
           const char *account_id,
           const char *role_name)
{
  g_autofree char *ring = gh_secret_store_fast_ring_name (name);
  g_autofree char *key = g_strdup_printf ("%s/%s", account_id, role_name);

  g_assert_nonnull (ring);
  return gh_kernel_keyring_lookup (ring, key);
}

static void
assert_no_fast_copy (const char *name,
                     const char *account_id,
                     const char *role_name)
{
  g_autofree char *copy = fast_copy (name, account_id, role_name);

  g_assert_null (copy);
}

/* Whether the kernel lets this process use keyctl (not under a seccomp filter that refuses
 * it); probed by hand, not through the code under test. */
static gboolean
kernel_keyring_available (void)
{
  return syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0) >= 0;
}

/* The copy is there before a test checks that something drops it */
static void
assert_fast_copy_if_available (const char *name,
                               const char *account_id,
                               const char *role_name)
{
  g_autofree char *copy = NULL;

  if (!kernel_keyring_available ())
    return;
  copy = fast_copy (name, account_id, role_name);
  g_assert_nonnull (copy);
}

/* Skips the test when the kernel keyring cannot be used here */
static gboolean
kernel_keyring_usable (void)
{
  if (!kernel_keyring_available ())
    {
      g_autofree char *why = g_strdup_printf ("no kernel keyring here: %s", g_strerror (errno));

      g_test_skip (why);
      return FALSE;
    }
  return TRUE;
}

/* Cases */

static void
test_cached (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-cached");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhSession) other = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) second = NULL;
  g_autoptr(GhRoleCredentials) third = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 1);
  /* Milliseconds from the portal, seconds here. */
  g_assert_cmpint (first->expiration, >=, now_seconds () + 3600 - 60);
  g_assert_cmpint (first->expiration, <=, now_seconds () + 3600 + 1);
  assert_keyring_item (name, ACCOUNT, "ReadOnly");

  second = assert_reused (fixture, session, "ReadOnly", first);

  /* Another GhSession (another process, in real life) finds them too. */
  other = gh_test_load_session (name);
  third = assert_reused (fixture, other, "ReadOnly", first);
}

/* What the keyring took is copied into the kernel keyring, and a lookup finds the copy first:
 * with the keyring locked (every Secret Service call would fail) the credentials are still
 * handed out, without a new GetRoleCredentials call. */
static void
test_fast_copy (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-fast");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) second = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *prefix = NULL;
  GhTestKeyring keyring = { 0, };

  if (!kernel_keyring_usable ())
    return;

  gh_test_keyring_setup (&keyring, NULL);
  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  assert_no_fast_copy (name, ACCOUNT, "ReadOnly");

  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  assert_keyring_item (name, ACCOUNT, "ReadOnly");
  copy = fast_copy (name, ACCOUNT, "ReadOnly");
  g_assert_nonnull (copy);
  prefix = g_strconcat (gh_session_get_start_url (session), "\n", NULL);
  g_assert_true (g_str_has_prefix (copy, prefix));
  gh_test_assert_contains (copy, first->access_key_id);
  assert_no_fast_copy (name, ACCOUNT, "AdministratorAccess");

  gh_test_keyring_lock (&keyring);
  second = assert_reused (fixture, session, "ReadOnly", first);

  gh_test_keyring_unlock (&keyring);
  gh_test_keyring_teardown (&keyring, NULL);
}

/* A copy made through another start URL (the sign-in was redefined) is not used. */
static void
test_fast_copy_other_start_url (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-fast-url");
  g_autofree char *ring = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) second = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *moved = NULL;

  if (!kernel_keyring_usable ())
    return;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  copy = fast_copy (name, ACCOUNT, "ReadOnly");
  g_assert_nonnull (copy);

  /* The same copy, filed under another start URL */
  ring = gh_secret_store_fast_ring_name (name);
  moved = g_strconcat ("https://elsewhere.awsapps.com/start", strchr (copy, '\n'), NULL);
  g_assert_true (gh_kernel_keyring_store (ring, ACCOUNT "/ReadOnly", moved,
                                          first->expiration));

  /* The keyring's own item (for this start URL) is used instead */
  second = assert_reused (fixture, session, "ReadOnly", first);
}

/* In a sandbox that refuses the kernel keyring (Flatpak's, Docker's), the keyring alone
 * serves: cached credentials are still reused, and nothing fails. */
static void
test_no_kernel_keyring (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-no-kernel-keyring");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) second = NULL;
  g_autoptr(GError) error = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  gh_test_refuse_kernel_keyring ();
  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  assert_keyring_item (name, ACCOUNT, "ReadOnly");
  second = assert_reused (fixture, session, "ReadOnly", first);

  /* Dropping it still works */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "logout", name, NULL), ==, 0);
  g_assert_cmpuint (gh_test_keyring_count_role_credentials (name, ACCOUNT, "ReadOnly"), ==, 0);
}

/* One cache entry per account and role. */
static void
test_per_role (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-per-role");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) a = NULL;
  g_autoptr(GhRoleCredentials) b = NULL;
  g_autoptr(GhRoleCredentials) c = NULL;
  g_autoptr(GhRoleCredentials) a2 = NULL;
  g_autoptr(GhRoleCredentials) b2 = NULL;
  g_autoptr(GhRoleCredentials) c2 = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  a = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  b = assert_get (session, ACCOUNT, "AdministratorAccess", FALSE);
  c = assert_get (session, OTHER_ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 3);
  g_assert_cmpstr (a->access_key_id, !=, b->access_key_id);
  g_assert_cmpstr (a->access_key_id, !=, c->access_key_id);

  a2 = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  b2 = assert_get (session, ACCOUNT, "AdministratorAccess", FALSE);
  c2 = assert_get (session, OTHER_ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 3);
  g_assert_cmpstr (a2->access_key_id, ==, a->access_key_id);
  g_assert_cmpstr (b2->access_key_id, ==, b->access_key_id);
  g_assert_cmpstr (c2->access_key_id, ==, c->access_key_id);
}

/* Credentials with less than 15 minutes left are not handed out again. */
static void
test_short_lifetime (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-short");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) second = NULL;

  g_object_set (fixture->sim, "role-credential-lifetime", (gint64) 600, NULL);
  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpint (first->expiration, <=, now_seconds () + 600 + 1);
  second = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);
  g_assert_cmpstr (second->access_key_id, !=, first->access_key_id);
}

static void
test_force_refresh (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-force");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) forced = NULL;
  g_autoptr(GhRoleCredentials) cached = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  forced = assert_get (session, ACCOUNT, "ReadOnly", TRUE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);
  g_assert_cmpstr (forced->access_key_id, !=, first->access_key_id);

  /* The forced fetch replaced the cached item. */
  cached = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);
  g_assert_cmpstr (cached->access_key_id, ==, forced->access_key_id);
}

static void
assert_forbidden (GhTestFixture *fixture,
                  GhSession     *session,
                  const char    *token,
                  const char    *account_id,
                  const char    *role_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;

  credentials = gh_test_get_role_credentials (session, account_id, role_name, FALSE, &error);
  g_assert_null (credentials);
  g_assert_error (error, GH_ERROR, GH_ERROR_FORBIDDEN);
  gh_test_assert_contains (error->message, account_id);
  gh_test_assert_contains (error->message, role_name);
  gh_test_assert_contains (error->message, "ForbiddenException");
  g_assert_null (strstr (error->message, token));
}

/* A role that is not assigned (or a typo) is a 403 naming account and role. */
static void
test_forbidden (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-forbidden");
  g_autoptr(GhSession) session = NULL;
  g_autofree char *token = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  token = access_token (fixture, name);

  assert_forbidden (fixture, session, token, ACCOUNT, "Role7");
  assert_forbidden (fixture, session, token, "999999999999", "ReadOnly");
  assert_forbidden (fixture, session, token, ACCOUNT, "Read Only ünïcode & more");
  /* Not retried: a 403 will not change. */
  g_assert_cmpuint (count (fixture, OP), ==, 3);
}

/* The portal rejects an access token that still looks valid here: one forced refresh. */
static void
test_access_token_expired (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-expired");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autofree char *old_token = NULL;
  g_autofree char *new_token = NULL;
  guint create_token;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  old_token = access_token (fixture, name);
  create_token = count (fixture, "CreateToken");

  gh_simulator_expire_access_tokens (fixture->sim);
  credentials = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);
  g_assert_cmpuint (count (fixture, "CreateToken"), ==, create_token + 1);

  new_token = access_token (fixture, name);
  g_assert_cmpstr (new_token, !=, old_token);
  g_assert_true (gh_simulator_access_token_is_valid (fixture->sim, new_token));
}

/* The sign-in has ended (no refresh possible): NOT_SIGNED_IN, and no browser. */
static void
test_sign_in_ended (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-ended");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  guint urls;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  token = access_token (fixture, name);
  urls = browser_url_count (fixture);

  gh_simulator_expire_access_tokens (fixture->sim);
  gh_simulator_revoke_refresh_tokens (fixture->sim);
  credentials = gh_test_get_role_credentials (session, ACCOUNT, "ReadOnly", FALSE, &error);
  g_assert_null (credentials);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN);
  gh_test_assert_contains (error->message, name);
  g_assert_null (strstr (error->message, token));
  g_assert_cmpuint (browser_url_count (fixture), ==, urls);
}

static void
assert_not_signed_in (GhTestFixture *fixture,
                      GhSession     *session)
{
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = gh_test_get_role_credentials (session, ACCOUNT, "ReadOnly", FALSE, &error);
  g_assert_null (credentials);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN);
  gh_test_assert_contains (error->message, gh_session_get_name (session));
  gh_test_assert_contains (error->message, "gatehouse login");
}

/* Never signed in: no network, no browser. */
static void
test_signed_out (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-signed-out");
  g_autoptr(GhSession) session = NULL;
  g_auto(GStrv) urls = NULL;

  gh_test_add_session (fixture, name);
  session = gh_test_load_session (name);

  assert_not_signed_in (fixture, session);
  g_assert_cmpuint (count (fixture, OP), ==, 0);
  g_assert_cmpuint (count (fixture, "CreateToken"), ==, 0);
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
}

/* After `gatehouse logout` even credentials cached before it are not handed out. */
static void
test_logout (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-logout");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  guint urls;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  credentials = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  assert_fast_copy_if_available (name, ACCOUNT, "ReadOnly");

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "logout", name, NULL), ==, 0);
  assert_no_fast_copy (name, ACCOUNT, "ReadOnly");
  urls = browser_url_count (fixture);
  assert_not_signed_in (fixture, session);
  g_assert_cmpuint (count (fixture, OP), ==, 1);
  g_assert_cmpuint (browser_url_count (fixture), ==, urls);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} KeyringCall;

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KeyringCall *call = user_data;

  call->ok = gh_secret_store_clear_finish (result, &call->error);
  call->done = TRUE;
}

static gboolean
keyring_call_done (gpointer data)
{
  return ((KeyringCall *) data)->done;
}

/* Clearing a session's role credentials leaves its sign-in alone. */
static void
test_clear (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-clear");
  g_autoptr(GhSession) session = NULL;
  g_autofree char *refresh = NULL;
  g_autoptr(GhRoleCredentials) a = NULL;
  g_autoptr(GhRoleCredentials) b = NULL;
  g_autoptr(GhRoleCredentials) a2 = NULL;
  KeyringCall clear = { 0, };

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  a = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  b = assert_get (session, OTHER_ACCOUNT, "AdministratorAccess", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);
  assert_fast_copy_if_available (name, ACCOUNT, "ReadOnly");
  assert_fast_copy_if_available (name, OTHER_ACCOUNT, "AdministratorAccess");

  gh_secret_store_clear_async (name, GH_SECRET_ROLE_CREDENTIALS, NULL, clear_cb, &clear);
  gh_test_wait_until (keyring_call_done, &clear, 10000);
  g_assert_no_error (clear.error);
  g_assert_true (clear.ok);
  assert_no_fast_copy (name, ACCOUNT, "ReadOnly");
  assert_no_fast_copy (name, OTHER_ACCOUNT, "AdministratorAccess");

  a2 = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 3);
  g_assert_cmpstr (a2->access_key_id, !=, a->access_key_id);

  refresh = gh_test_keyring_lookup (fixture, name, GH_SECRET_REFRESH_TOKEN);
  g_assert_nonnull (refresh);
}

static void
forget_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KeyringCall *call = user_data;

  call->ok = gh_role_credentials_forget_finish (result, &call->error);
  call->done = TRUE;
}

static void
assert_forget (GPtrArray *roles)
{
  KeyringCall forget = { 0, };

  gh_role_credentials_forget_async (roles, NULL, forget_cb, &forget);
  gh_test_wait_until (keyring_call_done, &forget, 10000);
  g_assert_no_error (forget.error);
  g_assert_true (forget.ok);
}

/* Forgetting a role drops its cached credentials and nothing else: not the other roles of the
 * same account and session, not the same role of another account. */
static void
test_forget (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-forget");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GhRoleCredentials) gone = NULL;
  g_autoptr(GhRoleCredentials) kept = NULL;
  g_autoptr(GhRoleCredentials) other = NULL;
  g_autoptr(GhRoleCredentials) gone2 = NULL;
  g_autoptr(GhRoleCredentials) kept2 = NULL;
  g_autoptr(GhRoleCredentials) other2 = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);
  gone = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  kept = assert_get (session, ACCOUNT, "AdministratorAccess", FALSE);
  other = assert_get (session, OTHER_ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 3);
  g_assert_cmpuint (gh_test_keyring_count_role_credentials (name, ACCOUNT, "ReadOnly"), ==, 1);

  /* Nothing to forget completes too, and forgets nothing. */
  assert_forget (none);
  g_assert_cmpuint (gh_test_keyring_count_role_credentials (name, ACCOUNT, "ReadOnly"), ==, 1);

  g_ptr_array_add (roles, gh_role_new (name, ACCOUNT, "Account 1", NULL, "ReadOnly"));
  assert_fast_copy_if_available (name, ACCOUNT, "ReadOnly");
  assert_forget (roles);
  g_assert_cmpuint (gh_test_keyring_count_role_credentials (name, ACCOUNT, "ReadOnly"), ==, 0);
  assert_no_fast_copy (name, ACCOUNT, "ReadOnly");
  assert_keyring_item (name, ACCOUNT, "AdministratorAccess");
  assert_keyring_item (name, OTHER_ACCOUNT, "ReadOnly");
  assert_fast_copy_if_available (name, ACCOUNT, "AdministratorAccess");
  assert_fast_copy_if_available (name, OTHER_ACCOUNT, "ReadOnly");

  /* Forgetting it again: no item is not an error. */
  assert_forget (roles);

  gone2 = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 4);
  g_assert_cmpstr (gone2->access_key_id, !=, gone->access_key_id);
  kept2 = assert_get (session, ACCOUNT, "AdministratorAccess", FALSE);
  other2 = assert_get (session, OTHER_ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 4);
  g_assert_cmpstr (kept2->access_key_id, ==, kept->access_key_id);
  g_assert_cmpstr (other2->access_key_id, ==, other->access_key_id);
}

/* End to end: a role taken away shows up in `gatehouse roles --refresh`, which also drops its
 * cached credentials from the keyring. */
static void
test_roles_refresh_forgets (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-revoked");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) kept = NULL;
  g_autoptr(GhRoleCredentials) kept2 = NULL;

  gh_test_sign_in (fixture, name);
  /* The first listing, for the next one to compare with. */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "roles", name, NULL), ==, 0);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "credentials", "--session", name,
                                    "--account", ACCOUNT, "--role", "ReadOnly", NULL), ==, 0);
  gh_test_assert_contains (out, "AccessKeyId");
  session = gh_test_load_session (name);
  kept = assert_get (session, ACCOUNT, "AdministratorAccess", FALSE);
  assert_keyring_item (name, ACCOUNT, "ReadOnly");
  /* The CLI's copy, in the same kernel keyring as this process's */
  assert_fast_copy_if_available (name, ACCOUNT, "ReadOnly");
  g_assert_cmpuint (count (fixture, OP), ==, 2);

  /* Roles are AdministratorAccess, ReadOnly, …: one per account leaves ReadOnly out. */
  g_object_set (fixture->sim, "roles-per-account", 1, NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "roles", name, "--refresh", NULL),
                   ==, 0);
  gh_test_assert_contains (err, "you no longer have ReadOnly");
  assert_no_fast_copy (name, ACCOUNT, "ReadOnly");

  g_assert_cmpuint (gh_test_keyring_count_role_credentials (name, ACCOUNT, "ReadOnly"), ==, 0);
  assert_keyring_item (name, ACCOUNT, "AdministratorAccess");
  kept2 = assert_get (session, ACCOUNT, "AdministratorAccess", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);
  g_assert_cmpstr (kept2->access_key_id, ==, kept->access_key_id);
}

/* The keyring is only a cache: locked, it costs a GetRoleCredentials call, not a failure. */
static void
test_keyring_locked (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-locked");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) first = NULL;
  g_autoptr(GhRoleCredentials) second = NULL;
  GhTestKeyring keyring = { 0, };

  gh_test_keyring_setup (&keyring, NULL);
  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  gh_test_keyring_lock (&keyring);
  first = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  /* What the keyring did not take gets no fast copy either */
  assert_no_fast_copy (name, ACCOUNT, "ReadOnly");
  second = assert_get (session, ACCOUNT, "ReadOnly", FALSE);
  g_assert_cmpuint (count (fixture, OP), ==, 2);

  gh_test_keyring_unlock (&keyring);
  gh_test_keyring_teardown (&keyring, NULL);
}

static void
test_empty_input (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("rc-empty");
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GError) error = NULL;

  gh_test_sign_in (fixture, name);
  session = gh_test_load_session (name);

  g_assert_null (gh_test_get_role_credentials (session, "", "ReadOnly", FALSE, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (gh_test_get_role_credentials (session, ACCOUNT, "", FALSE, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_cmpuint (count (fixture, OP), ==, 0);
}

/* Each case in a fresh process (see the top of the file) */

static const GhTestCase cases[] = {
  { "/role-credentials-live/cached", test_cached },
  { "/role-credentials-live/fast-copy", test_fast_copy },
  { "/role-credentials-live/fast-copy-other-start-url", test_fast_copy_other_start_url },
  { "/role-credentials-live/no-kernel-keyring", test_no_kernel_keyring },
  { "/role-credentials-live/per-role", test_per_role },
  { "/role-credentials-live/short-lifetime", test_short_lifetime },
  { "/role-credentials-live/force-refresh", test_force_refresh },
  { "/role-credentials-live/forbidden", test_forbidden },
  { "/role-credentials-live/access-token-expired", test_access_token_expired },
  { "/role-credentials-live/sign-in-ended", test_sign_in_ended },
  { "/role-credentials-live/signed-out", test_signed_out },
  { "/role-credentials-live/logout", test_logout },
  { "/role-credentials-live/clear", test_clear },
  { "/role-credentials-live/forget", test_forget },
  { "/role-credentials-live/roles-refresh-forgets", test_roles_refresh_forgets },
  { "/role-credentials-live/keyring-locked", test_keyring_locked },
  { "/role-credentials-live/empty-input", test_empty_input },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));

  return gh_test_env_run ();
}
