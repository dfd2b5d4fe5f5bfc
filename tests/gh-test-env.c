/* gh-test-env.c — fixtures for integration tests */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-aws-config.h"
#include "gh-test-env.h"

void
gh_test_env_require (void)
{
  if (g_getenv ("GH_TEST_ENV") == NULL)
    g_error ("Integration tests need the environment of “build-aux/dev test” (a private session "
             "bus, an unlocked keyring and the stand-in browser). Run them through it.");
}

void
gh_test_env_init (int    *argc,
                  char ***argv)
{
  g_test_init (argc, argv, NULL);
  gh_test_env_require ();
}

void
gh_test_fixture_setup (GhTestFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;

  fixture->home = g_dir_make_tmp ("gh-test-XXXXXX", &error);
  g_assert_no_error (error);
  runtime = g_build_filename (fixture->home, "run", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  fixture->browser_log = g_build_filename (fixture->home, "browser.log", NULL);
  fixture->outputs = g_ptr_array_new_with_free_func (g_free);
  fixture->extra_env = g_ptr_array_new_with_free_func (g_free);

  fixture->sim = gh_simulator_new ();
  g_assert_true (gh_simulator_start (fixture->sim, 0, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
gh_test_fixture_teardown (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_clear_object (&fixture->sim);
  remove_tree (fixture->home);
  g_clear_pointer (&fixture->home, g_free);
  g_clear_pointer (&fixture->browser_log, g_free);
  g_clear_pointer (&fixture->outputs, g_ptr_array_unref);
  g_clear_pointer (&fixture->extra_env, g_ptr_array_unref);
}

char *
gh_test_path (GhTestFixture *fixture,
              const char    *relative)
{
  return g_build_filename (fixture->home, relative, NULL);
}

GSubprocessLauncher *
gh_test_launcher (GhTestFixture *fixture)
{
  GSubprocessLauncher *launcher;
  const char *url = gh_simulator_get_url (fixture->sim);
  g_autofree char *state = gh_test_path (fixture, "state");
  g_autofree char *cache = gh_test_path (fixture, "cache");
  g_autofree char *runtime = gh_test_path (fixture, "run");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", fixture->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_ENDPOINT_URL_SSO_OIDC", url, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_ENDPOINT_URL_SSO", url, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_ENDPOINT_URL_SIGNIN", url, TRUE);
  g_subprocess_launcher_setenv (launcher, "GH_TEST_BROWSER_LOG", fixture->browser_log, TRUE);
  g_subprocess_launcher_setenv (launcher, "GATEHOUSE_HTTP_TIMEOUT", "3", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "AWS_CONFIG_FILE");
  g_subprocess_launcher_unsetenv (launcher, "AWS_ENDPOINT_URL");

  for (guint i = 0; i < fixture->extra_env->len; i++)
    {
      const char *entry = g_ptr_array_index (fixture->extra_env, i);
      const char *eq = strchr (entry, '=');

      if (eq == NULL)
        g_subprocess_launcher_unsetenv (launcher, entry);
      else
        {
          g_autofree char *name = g_strndup (entry, eq - entry);

          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
    }
  return launcher;
}

static GSubprocess *
spawn_va (GhTestFixture *fixture,
          const char    *first_arg,
          va_list        args)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv ("GH_GATEHOUSE"));
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

GSubprocess *
gh_test_spawn_cli (GhTestFixture *fixture,
                   const char    *first_arg,
                   ...)
{
  GSubprocess *process;
  va_list args;

  va_start (args, first_arg);
  process = spawn_va (fixture, first_arg, args);
  va_end (args);
  return process;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  GError   *error;
} Communicate;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Communicate *c = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &c->out, &c->err,
                                        &c->error);
  c->done = TRUE;
}

static gboolean
communicate_done (gpointer data)
{
  return ((Communicate *) data)->done;
}

int
gh_test_wait_cli (GhTestFixture *fixture,
                  GSubprocess   *process,
                  char         **out,
                  char         **err)
{
  Communicate c = { 0, };

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &c);
  gh_test_wait_until (communicate_done, &c, 120000);
  g_assert_no_error (c.error);
  g_subprocess_wait (process, NULL, NULL);

  g_ptr_array_add (fixture->outputs, g_strdup (c.out ? c.out : ""));
  g_ptr_array_add (fixture->outputs, g_strdup (c.err ? c.err : ""));
  if (g_test_verbose ())
    g_printerr ("stdout: %s\nstderr: %s\n", c.out, c.err);

  if (out != NULL)
    *out = g_steal_pointer (&c.out);
  if (err != NULL)
    *err = g_steal_pointer (&c.err);
  g_free (c.out);
  g_free (c.err);

  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

int
gh_test_run_cli (GhTestFixture *fixture,
                 char         **out,
                 char         **err,
                 const char    *first_arg,
                 ...)
{
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  va_start (args, first_arg);
  process = spawn_va (fixture, first_arg, args);
  va_end (args);
  return gh_test_wait_cli (fixture, process, out, err);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
poll_again_cb (gpointer unused)
{
  return G_SOURCE_CONTINUE;
}

void
gh_test_wait_until (gboolean (*condition) (gpointer),
                    gpointer   data,
                    guint      timeout_ms)
{
  gh_test_wait_for (condition, data, timeout_ms, "a condition");
}

void
gh_test_wait_for (gboolean  (*condition) (gpointer),
                  gpointer    data,
                  guint       timeout_ms,
                  const char *what)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add (timeout_ms, timed_out_cb, &timed_out);
  /* Conditions on files or other processes change without waking this loop: look again
   * every 100 ms too. */
  guint poll = g_timeout_add (100, poll_again_cb, NULL);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (poll);
  if (timed_out)
    g_error ("Timed out after %u ms waiting for %s", timeout_ms, what);
  g_source_remove (source);
}

void
gh_test_sleep_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

GStrv
gh_test_browser_urls (GhTestFixture *fixture)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (fixture->browser_log, &contents, NULL, NULL))
    return g_new0 (char *, 1);
  g_strchomp (contents);
  if (*contents == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (contents, "\n", -1);
}

void
gh_test_assert_not_printed (GhTestFixture *fixture,
                            const char    *secret)
{
  g_assert_nonnull (secret);
  g_assert_cmpuint (strlen (secret), >, 8);

  for (guint i = 0; i < fixture->outputs->len; i++)
    if (strstr (g_ptr_array_index (fixture->outputs, i), secret) != NULL)
      g_error ("A secret appeared in the CLI's output: %s",
               (char *) g_ptr_array_index (fixture->outputs, i));
}

char *
gh_test_unique_name (const char *base)
{
  static guint counter;

  return g_strdup_printf ("%s-%d-%u", base, (int) getpid (), ++counter);
}

char *
gh_test_start_url (GhTestFixture *fixture)
{
  return g_strdup_printf ("%s/start", gh_simulator_get_url (fixture->sim));
}

void
gh_test_add_session (GhTestFixture *fixture,
                     const char    *name)
{
  g_autofree char *url = gh_test_start_url (fixture);
  g_autofree char *err = NULL;
  int status = gh_test_run_cli (fixture, NULL, &err, "session", "add", name,
                                "--start-url", url, "--region", "us-east-1", NULL);

  if (status != 0)
    g_error ("session add failed (%d): %s", status, err);
}

void
gh_test_sign_in (GhTestFixture *fixture,
                 const char    *name)
{
  g_autofree char *err = NULL;
  int status;

  gh_test_add_session (fixture, name);
  status = gh_test_run_cli (fixture, NULL, &err, "login", name, NULL);
  if (status != 0)
    g_error ("login failed (%d): %s", status, err);

  /* Tests look at what the browser was given after the sign-in. */
  g_unlink (fixture->browser_log);
}

void
gh_test_assert_contains (const char *haystack,
                         const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("Expected “%s” in:\n%s", needle, haystack ? haystack : "(null)");
}

typedef struct
{
  gboolean  done;
  char     *secret;
  GError   *error;
} Lookup;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->secret = gh_secret_store_lookup_finish (result, &lookup->error);
  lookup->done = TRUE;
}

static gboolean
lookup_done (gpointer data)
{
  return ((Lookup *) data)->done;
}

char *
gh_test_keyring_lookup (GhTestFixture *fixture,
                        const char    *name,
                        GhSecretKind   kind)
{
  g_autofree char *url = gh_test_start_url (fixture);
  Lookup lookup = { 0, };
  char *copy;

  gh_secret_store_lookup_async (name, url, kind, NULL, lookup_cb, &lookup);
  gh_test_wait_until (lookup_done, &lookup, 10000);
  g_assert_no_error (lookup.error);
  /* libsecret hands out secure memory: copy it for plain g_free in the tests. */
  copy = g_strdup (lookup.secret);
  gh_secret_free (lookup.secret);
  return copy;
}

void
gh_test_use_simulator (GhTestFixture *fixture)
{
  const char *url = gh_simulator_get_url (fixture->sim);

  g_setenv ("AWS_ENDPOINT_URL_SSO_OIDC", url, TRUE);
  g_setenv ("AWS_ENDPOINT_URL_SSO", url, TRUE);
  g_setenv ("AWS_ENDPOINT_URL_SIGNIN", url, TRUE);
  g_setenv ("GATEHOUSE_HTTP_TIMEOUT", "3", TRUE);
  g_unsetenv ("AWS_CONFIG_FILE");
  g_unsetenv ("AWS_ENDPOINT_URL");
}

void
gh_test_use_cli_environment (GhTestFixture *fixture)
{
  g_autofree char *state = gh_test_path (fixture, "state");
  g_autofree char *cache = gh_test_path (fixture, "cache");
  g_autofree char *runtime = gh_test_path (fixture, "run");

  g_setenv ("HOME", fixture->home, TRUE);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("GH_TEST_BROWSER_LOG", fixture->browser_log, TRUE);
  gh_test_use_simulator (fixture);

  /* Nothing may have asked before: GLib would keep the old answers. */
  g_assert_cmpstr (g_get_home_dir (), ==, fixture->home);
  g_assert_cmpstr (g_get_user_state_dir (), ==, state);
  g_assert_cmpstr (g_get_user_cache_dir (), ==, cache);
  g_assert_cmpstr (g_get_user_runtime_dir (), ==, runtime);
}

static void
run_subprocess_case (gconstpointer data)
{
  const GhTestCase *test_case = data;
  GhTestFixture fixture = { 0, };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 240 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  gh_test_fixture_setup (&fixture, NULL);
  gh_test_use_cli_environment (&fixture);
  test_case->func (&fixture);
  gh_test_fixture_teardown (&fixture, NULL);
}

void
gh_test_add_subprocess_cases (const GhTestCase *cases,
                              guint             n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_subprocess_case);
}

GhSession *
gh_test_load_session (const char *name)
{
  g_autofree char *path = gh_aws_config_default_path ();
  g_autoptr(GhSsoSessionConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = gh_aws_config_find_session (path, name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return gh_session_new (config);
}

typedef struct
{
  gboolean           done;
  GhRoleCredentials *credentials;
  GError            *error;
} GetCredentials;

static void
get_credentials_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GetCredentials *get = user_data;

  get->credentials = gh_role_credentials_get_finish (result, &get->error);
  get->done = TRUE;
}

static gboolean
get_credentials_done (gpointer data)
{
  return ((GetCredentials *) data)->done;
}

GhRoleCredentials *
gh_test_get_role_credentials (GhSession   *session,
                              const char  *account_id,
                              const char  *role_name,
                              gboolean     force_refresh,
                              GError     **error)
{
  GetCredentials get = { 0, };

  gh_role_credentials_get_async (session, account_id, role_name, force_refresh, NULL,
                                 get_credentials_cb, &get);
  gh_test_wait_until (get_credentials_done, &get, 60000);
  g_assert_true ((get.credentials == NULL) != (get.error == NULL));
  if (get.error != NULL)
    g_propagate_error (error, get.error);
  return get.credentials;
}
