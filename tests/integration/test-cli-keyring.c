/* test-cli-keyring.c — the real `gatehouse` CLI with a locked default keyring
 *
 * With the keyring locked, a command that needs it fails at once with exit code 4 and a message
 * saying so, and leaves every file as it was: no token cache, no state file, no browser tab.
 * Commands that do not need the keyring (status of a fresh sign-in) still work.
 */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "gh-file-util.h"
#include "gh-secret-store.h"
#include "gh-session.h"
#include "gh-test-env.h"
#include "gh-test-keyring.h"
#include "gh-token-cache.h"

#define EXIT_KEYRING 4
#define LOCKED_MESSAGE "The login keyring is locked. Unlock it and try again."

typedef struct
{
  GhTestFixture env;
  GhTestKeyring keyring;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  gh_test_fixture_setup (&fixture->env, data);
  gh_test_keyring_setup (&fixture->keyring, data);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gh_test_keyring_teardown (&fixture->keyring, data);
  gh_test_fixture_teardown (&fixture->env, data);
}

/* The throw-away keyring starts empty, but sign-out clears matching items in every collection:
 * unique names keep this program's items apart from other tests' in the login keyring. */
static char *
unique_name (const char *base)
{
  static guint counter;

  return g_strdup_printf ("%s-%d-%u", base, (int) getpid (), ++counter);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("Expected “%s” in:\n%s", needle, haystack ? haystack : "(null)");
}

static void
add_session (Fixture    *fixture,
             const char *name)
{
  g_autofree char *url = g_strdup_printf ("%s/start", gh_simulator_get_url (fixture->env.sim));
  g_autofree char *err = NULL;
  int status = gh_test_run_cli (&fixture->env, NULL, &err, "session", "add", name,
                                "--start-url", url, "--region", "us-east-1", NULL);

  if (status != 0)
    g_error ("session add failed (%d): %s", status, err);
}

static void
login (Fixture    *fixture,
       const char *name)
{
  g_autofree char *err = NULL;
  int status = gh_test_run_cli (&fixture->env, NULL, &err, "login", name, NULL);

  if (status != 0)
    g_error ("login failed (%d): %s", status, err);
}

/* The AWS CLI's token cache: ~/.aws/sso/cache/<sha1 of the name>.json */
static char *
cache_path (Fixture    *fixture,
            const char *name)
{
  g_autofree char *hash = gh_sha1_hex (name);
  g_autofree char *file = g_strconcat (hash, ".json", NULL);

  return g_build_filename (fixture->env.home, ".aws", "sso", "cache", file, NULL);
}

/* $XDG_STATE_HOME/gatehouse/sessions/<sha1 of the name>.json, as the CLI sees it */
static char *
state_path (Fixture    *fixture,
            const char *name)
{
  g_autofree char *hash = gh_sha1_hex (name);
  g_autofree char *file = g_strconcat (hash, ".json", NULL);

  return g_build_filename (fixture->env.home, "state", "gatehouse", "sessions", file, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* One line per entry under root/relative, recursively, sorted; `skip` is left out at the top. */
static void
snapshot_dir (GString    *out,
              const char *root,
              const char *relative,
              const char *skip)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_strcmp0 (name, skip) != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (relative, g_ptr_array_index (names, i), NULL);
      g_autofree char *full = g_build_filename (root, child, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *checksum = NULL;
      gsize length = 0;
      struct stat st;

      g_assert_cmpint (g_lstat (full, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        {
          g_string_append_printf (out, "%s/ %o\n", child, st.st_mode);
          snapshot_dir (out, root, child, NULL);
          continue;
        }

      if (S_ISREG (st.st_mode))
        g_assert_true (g_file_get_contents (full, &contents, &length, NULL));
      checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents,
                                              length);
      /* The inode and mtime catch a rewrite with the same contents. */
      g_string_append_printf (out, "%s %o %lu %ld.%09ld %s\n", child, st.st_mode,
                              (gulong) st.st_ino, (long) st.st_mtim.tv_sec,
                              (long) st.st_mtim.tv_nsec, checksum);
    }
}

/* Every file under the test's HOME (which holds ~/.aws and the XDG state and cache dirs), except
 * the runtime dir, where the per-session lock files live. */
static char *
snapshot (Fixture *fixture)
{
  GString *out = g_string_new (NULL);

  snapshot_dir (out, fixture->env.home, "", "run");
  return g_string_free (out, FALSE);
}

static void
assert_no_browser (Fixture *fixture)
{
  g_auto(GStrv) urls = gh_test_browser_urls (&fixture->env);

  g_assert_cmpstrv (urls, ((const char * const[]) { NULL }));
}

static void
assert_no_state_files (Fixture *fixture)
{
  g_autofree char *dir = g_build_filename (fixture->env.home, "state", "gatehouse", NULL);
  g_autoptr(GString) files = g_string_new (NULL);

  snapshot_dir (files, dir, "", NULL);
  g_assert_cmpstr (files->str, ==, "");
}

/* Whether the (unlocked) keyring holds a secret of this kind for the session. */
static gboolean
keyring_has (Fixture      *fixture,
             const char   *name,
             GhSecretKind  kind)
{
  g_autofree char *secret = gh_test_keyring_lookup (&fixture->env, name, kind);

  return secret != NULL;
}

static guint
simulator_requests (Fixture *fixture)
{
  static const char * const operations[] = {
    "RegisterClient", "StartDeviceAuthorization", "CreateToken", "Authorize", "ListAccounts",
    "ListAccountRoles", "GetRoleCredentials", "Logout", "GetSigninToken", "Login",
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    n += gh_simulator_get_request_count (fixture->env.sim, operations[i]);
  return n;
}

/* login: fails before anything else happens, in either flow */

static void
test_locked_login (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *name = unique_name ("login");
  g_autofree char *cache = cache_path (fixture, name);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *device_after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *device_out = NULL;
  g_autofree char *device_err = NULL;

  add_session (fixture, name);
  gh_test_keyring_lock (&fixture->keyring);
  before = snapshot (fixture);

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &out, &err, "login", name, NULL),
                   ==, EXIT_KEYRING);
  assert_contains (err, LOCKED_MESSAGE);
  g_assert_null (strstr (out, "Signed in"));

  after = snapshot (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  assert_no_state_files (fixture);
  assert_no_browser (fixture);
  /* The keyring is read before the first request: not even a client registration. */
  g_assert_cmpuint (simulator_requests (fixture), ==, 0);

  /* The device flow prints no code it could not complete. */
  g_assert_cmpint (gh_test_run_cli (&fixture->env, &device_out, &device_err, "login", name,
                                    "--device-code", "--no-browser", NULL), ==, EXIT_KEYRING);
  assert_contains (device_err, LOCKED_MESSAGE);
  g_assert_cmpstr (device_out, ==, "");

  device_after = snapshot (fixture);
  g_assert_cmpstr (device_after, ==, before);
  assert_no_browser (fixture);
  g_assert_cmpuint (simulator_requests (fixture), ==, 0);

  /* The lock was the only problem. */
  gh_test_keyring_unlock (&fixture->keyring);
  login (fixture, name);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  g_assert_true (keyring_has (fixture, name, GH_SECRET_REFRESH_TOKEN));
}

/* logout: nothing is deleted while the refresh token cannot be */

static void
test_locked_logout (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *name = unique_name ("logout");
  g_autofree char *cache = cache_path (fixture, name);
  g_autofree char *state = state_path (fixture, name);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *logout_out = NULL;
  g_autoptr(GhCachedToken) token = NULL;
  g_autoptr(GError) error = NULL;

  add_session (fixture, name);
  login (fixture, name);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (state, G_FILE_TEST_IS_REGULAR));

  gh_test_keyring_lock (&fixture->keyring);
  before = snapshot (fixture);

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &out, &err, "logout", name, NULL),
                   ==, EXIT_KEYRING);
  assert_contains (err, LOCKED_MESSAGE);
  g_assert_null (strstr (out, "Signed out"));

  after = snapshot (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (state, G_FILE_TEST_IS_REGULAR));

  /* Nor at the service: the token the AWS CLI reads from the cache still works. */
  token = gh_token_cache_read (cache, &error);
  g_assert_no_error (error);
  g_assert_true (gh_simulator_access_token_is_valid (fixture->env.sim, token->access_token));
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "Logout"), ==, 0);

  gh_test_keyring_unlock (&fixture->keyring);
  g_assert_true (keyring_has (fixture, name, GH_SECRET_REFRESH_TOKEN));
  g_assert_true (keyring_has (fixture, name, GH_SECRET_REGISTRATION));

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &logout_out, NULL, "logout", name, NULL),
                   ==, 0);
  assert_contains (logout_out, "Signed out of");
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
  g_assert_false (keyring_has (fixture, name, GH_SECRET_REFRESH_TOKEN));
  g_assert_false (keyring_has (fixture, name, GH_SECRET_REGISTRATION));
}

/* status: reads files only, so a fresh sign-in needs no keyring */

static void
test_locked_status (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *fresh = unique_name ("fresh");
  g_autofree char *idle = unique_name ("idle");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autofree char *fresh_line = NULL;
  g_autofree char *idle_line = NULL;
  guint requests;

  add_session (fixture, fresh);
  add_session (fixture, idle);
  login (fixture, fresh);

  gh_test_keyring_lock (&fixture->keyring);
  before = snapshot (fixture);
  requests = simulator_requests (fixture);

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &out, &err, "status", NULL), ==, 0);
  fresh_line = g_strdup_printf ("%s\tsigned in\taccess token until ", fresh);
  idle_line = g_strdup_printf ("%s\tsigned out\n", idle);
  assert_contains (out, fresh_line);
  assert_contains (out, idle_line);
  g_assert_null (strstr (out, "keyring"));
  g_assert_cmpstr (err, ==, "");

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &json, NULL, "status", "--json", NULL),
                   ==, 0);
  assert_contains (json, "\"state\" : \"signed-in\"");
  assert_contains (json, "\"state\" : \"signed-out\"");
  g_assert_null (strstr (json, "keyring"));

  after = snapshot (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (simulator_requests (fixture), ==, requests);
}

/* status: a sign-in due for a refresh needs the keyring; the others are still listed */

static void
test_locked_status_refresh_due (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *fresh = unique_name ("fresh");
  g_autofree char *due = unique_name ("due");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autofree char *unlocked_out = NULL;
  g_autofree char *fresh_line = NULL;
  g_autofree char *due_line = NULL;
  guint refreshes;

  add_session (fixture, fresh);
  add_session (fixture, due);
  login (fixture, fresh);
  /* Seven-and-a-half-minute access tokens, with the commands' clock moved to where they are
   * due (a quarter of their life left): status refreshes them. The other sign-in's hour-long
   * token is not due then. */
  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) GH_REFRESH_WINDOW / 2, NULL);
  login (fixture, due);
  g_assert_true (gh_test_fake_clock (&fixture->env, GH_REFRESH_WINDOW / 2 * 3 / 4 + 10));

  gh_test_keyring_lock (&fixture->keyring);
  before = snapshot (fixture);
  refreshes = gh_simulator_get_request_count (fixture->env.sim, "CreateToken");

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &out, &err, "status", NULL), ==, EXIT_KEYRING);
  fresh_line = g_strdup_printf ("%s\tsigned in\taccess token until ", fresh);
  due_line = g_strdup_printf ("%s\tsigned in\taccess token until ", due);
  assert_contains (out, fresh_line);
  assert_contains (out, due_line);
  /* The problem is reported under the sign-in it concerns. */
  assert_contains (strstr (out, due_line), "\n\t" LOCKED_MESSAGE "\n");
  {
    g_auto(GStrv) parts = g_strsplit (out, LOCKED_MESSAGE, -1);

    g_assert_cmpuint (g_strv_length (parts), ==, 2);
  }

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &json, NULL, "status", "--json", NULL),
                   ==, EXIT_KEYRING);
  assert_contains (json, "\"error\" : \"" LOCKED_MESSAGE "\"");
  assert_contains (json, "\"error\" : null");

  after = snapshot (fixture);
  g_assert_cmpstr (after, ==, before);
  /* No refresh was attempted. */
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "CreateToken"),
                    ==, refreshes);

  gh_test_keyring_unlock (&fixture->keyring);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, &unlocked_out, NULL, "status", NULL), ==, 0);
  g_assert_null (strstr (unlocked_out, "keyring"));
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "CreateToken"),
                    ==, refreshes + 1);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

#define ADD(path, func) \
  g_test_add ("/cli-keyring/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("locked/login", test_locked_login);
  ADD ("locked/logout", test_locked_logout);
  ADD ("locked/status", test_locked_status);
  ADD ("locked/status/refresh-due", test_locked_status_refresh_due);

  return gh_test_env_run ();
}
