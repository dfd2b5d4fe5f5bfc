/* test-terminal.c — the CLI as people use it from a terminal: `profile add` (with options, and
 * answering its questions on a terminal), --profile picking the sign-in, login that is already
 * signed in, logout --all, several sign-ins of which some fail, progress only on a terminal,
 * and exit codes (unknown options, Ctrl-C, --version, a subcommand's --help) */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-test-env.h"
#include "gh-test-pty.h"

#define EXIT_USAGE 2
#define EXIT_NOT_SIGNED_IN 3
#define EXIT_INTERRUPTED (128 + SIGINT)
#define EXIT_TERMINATED (128 + SIGTERM)

#define ADDED_MARKER "# Added by gatehouse profile add (sign-in \"%s\"): gatehouse sync leaves " \
                     "it alone\n"

/* Helpers */

static char *
read_config (GhTestFixture *fixture)
{
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static void
append_config (GhTestFixture *fixture,
               const char    *text)
{
  g_autofree char *path = gh_test_path (fixture, ".aws/config");
  g_autofree char *before = read_config (fixture);
  g_autofree char *after = g_strconcat (before, text, NULL);

  g_assert_true (g_file_set_contents (path, after, -1, NULL));
}

/* `gatehouse ARGS…` with standard input that is not a terminal (/dev/null), as in a script. */
static int
run_without_terminal (GhTestFixture *fixture,
                      char         **out,
                      char         **err,
                      const char    *first_arg,
                      ...)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (fixture);
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  g_subprocess_launcher_take_stdin_fd (launcher, open ("/dev/null", O_RDONLY | O_CLOEXEC));
  va_start (args, first_arg);
  process = gh_test_spawn_cli_valist (launcher, first_arg, args);
  va_end (args);
  return gh_test_wait_cli (fixture, process, out, err);
}

/* The pages the browser opened: here only ever sign-ins */
static guint
browser_visits (GhTestFixture *fixture)
{
  g_auto(GStrv) urls = gh_test_browser_urls (fixture);

  return g_strv_length (urls);
}

/* The state `status --json` gives the sign-in `name`. */
static char *
state_of (GhTestFixture *fixture,
          const char    *name)
{
  g_autofree char *out = NULL;
  g_autofree char *needle = g_strdup_printf ("\"name\" : \"%s\"", name);
  const char *at;
  const char *state;

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", "--json", NULL), ==, 0);
  at = strstr (out, needle);
  g_assert_nonnull (at);
  state = strstr (at, "\"state\" : \"");
  g_assert_nonnull (state);
  state += strlen ("\"state\" : \"");
  return g_strndup (state, strchr (state, '"') - state);
}

static void
assert_state (GhTestFixture *fixture,
              const char    *name,
              const char    *expected)
{
  g_autofree char *state = state_of (fixture, name);

  g_assert_cmpstr (state, ==, expected);
}

/* profile add, with options */

static void
test_profile_add_options (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("add");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sync_out = NULL;
  g_autofree char *sync_err = NULL;
  g_autofree char *key = NULL;
  g_autofree char *config = NULL;
  g_autofree char *after_sync = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *marker = g_strdup_printf (ADDED_MARKER, name);

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);

  g_assert_cmpint (run_without_terminal (fixture, &out, &err, "profile", "add",
                                         "--account", "100000000002", "--role", "ReadOnly",
                                         "--region", "eu-west-1", "--output", "text",
                                         "--name", "dev", NULL), ==, 0);
  gh_test_assert_contains (out, "Added the profile dev to ");
  gh_test_assert_contains (out, "--profile dev");
  g_assert_cmpstr (err, ==, "");
  config = read_config (fixture);
  expected = g_strdup_printf ("%s[profile dev]\nsso_session = %s\nsso_account_id = 100000000002\n"
                              "sso_role_name = ReadOnly\nregion = eu-west-1\noutput = text\n",
                              marker, name);
  g_assert_true (g_str_has_suffix (config, expected));

  /* botocore resolves it with the token Gatehouse keeps */
  key = gh_test_botocore_access_key (fixture, "dev");

  /* Without --name and --region: the name sync gives the role, the sign-in's region */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_without_terminal (fixture, &out, NULL, "profile", "add",
                                         "--session", name, "--account", "100000000001",
                                         "--role", "AdministratorAccess", NULL), ==, 0);
  gh_test_assert_contains (out, "Added the profile AdministratorAccess-100000000001 to ");
  g_clear_pointer (&config, g_free);
  config = read_config (fixture);
  gh_test_assert_contains (config, "[profile AdministratorAccess-100000000001]\nsso_session = ");
  gh_test_assert_contains (config, "sso_role_name = AdministratorAccess\nregion = us-east-1\n"
                                   "output = json\n");

  /* sync leaves both alone: the one with sync's own name is no clash, and no profile it
   * writes replaces or removes them */
  g_assert_cmpint (gh_test_run_cli (fixture, &sync_out, &sync_err, "sync", name, NULL), ==, 0);
  gh_test_assert_contains (sync_out, "added 3, updated 0 and removed 0");
  g_assert_null (strstr (sync_err, "Skipped"));
  after_sync = read_config (fixture);
  g_assert_true (g_str_has_prefix (after_sync, config));
  g_assert_null (strstr (after_sync + strlen (config), "AdministratorAccess-100000000001]"));

  /* A role taken away: sync removes its own profiles of it, never the added ones */
  g_object_set (fixture->sim, "roles-per-account", 1, NULL);
  g_clear_pointer (&sync_out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &sync_out, NULL, "sync", name, "--refresh", NULL),
                   ==, 0);
  gh_test_assert_contains (sync_out, "removed 2");
  g_clear_pointer (&after_sync, g_free);
  after_sync = read_config (fixture);
  g_assert_true (g_str_has_prefix (after_sync, config));
  g_assert_null (strstr (after_sync, "[profile ReadOnly-"));

  /* The default name follows the sign-in's sync template; sync's own profile of the same role
   * is taken over, and sync leaves it be from then on */
  g_clear_pointer (&sync_out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &sync_out, NULL, "sync", name, "--template",
                                    "{role}-{account_id}-x", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_without_terminal (fixture, &out, NULL, "profile", "add", "--account",
                                         "100000000002", "--role", "AdministratorAccess", NULL),
                   ==, 0);
  gh_test_assert_contains (out, "Replaced the profile AdministratorAccess-100000000002-x in ");
  g_clear_pointer (&config, g_free);
  config = read_config (fixture);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s[profile AdministratorAccess-100000000002-x]\n", marker);
  gh_test_assert_contains (config, expected);
  g_clear_pointer (&sync_err, g_free);
  g_clear_pointer (&after_sync, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &sync_err, "sync", name, NULL), ==, 0);
  g_assert_cmpstr (sync_err, ==, "");
  after_sync = read_config (fixture);
  g_assert_cmpstr (after_sync, ==, config);
}

static void
test_profile_add_refused (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("refused");
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_object_set (fixture->sim, "accounts", 1, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, name);
  append_config (fixture, "[profile mine]\nregion = us-east-1\n");
  before = read_config (fixture);

  /* No terminal and no role named: it asks nothing and writes nothing */
  g_assert_cmpint (run_without_terminal (fixture, NULL, &err, "profile", "add", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "gatehouse: profile add needs --account and --role");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_without_terminal (fixture, NULL, &err, "profile", "add", "--account",
                                         "100000000001", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "both --account and --role");

  /* A role the sign-in does not have, after listing again */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_without_terminal (fixture, NULL, &err, "profile", "add", "--account",
                                         "100000000001", "--role", "NotMine", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "has no role NotMine in the account 100000000001");

  /* A profile a person wrote, a bad output format, a bad name */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_without_terminal (fixture, NULL, &err, "profile", "add", "--account",
                                         "100000000001", "--role", "ReadOnly", "--name", "mine",
                                         NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "A profile named “mine” already exists");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_without_terminal (fixture, NULL, &err, "profile", "add", "--account",
                                         "100000000001", "--role", "ReadOnly", "--output", "xml",
                                         NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "“xml” is not an output format");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_without_terminal (fixture, NULL, &err, "profile", "add", "--account",
                                         "100000000001", "--role", "ReadOnly", "--name", "a]b",
                                         NULL), ==, EXIT_USAGE);

  after = read_config (fixture);
  g_assert_cmpstr (after, ==, before);
}

/* profile add on a terminal: the sign-in (then signing in), the role from a list that typing
 * narrows, the region (a wrong one asked again), the output format and the name (a taken one
 * asked again), each with its default */
static void
test_profile_add_interactive (GhTestFixture *fixture,
                              gconstpointer  data)
{
  g_autofree char *first = gh_test_unique_name ("first");
  g_autofree char *second = gh_test_unique_name ("second");
  g_autofree char *output = NULL;
  g_autofree char *config = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *marker = g_strdup_printf (ADDED_MARKER, second);
  g_autofree char *key = NULL;
  g_autoptr(GhTestPty) pty = NULL;

  g_object_set (fixture->sim, "accounts", 3, "roles-per-account", 2, NULL);
  gh_test_add_session (fixture, first);
  gh_test_add_session (fixture, second);
  append_config (fixture, "[profile ReadOnly-100000000002]\nregion = us-east-1\n");

  pty = gh_test_pty_spawn_cli (fixture, "profile", "add", NULL);
  gh_test_pty_expect (pty, "Sign-in (1–2 or a name): ");
  gh_test_pty_send (pty, "2\n");

  /* Not signed in: it signs in (the stand-in browser approves), then lists */
  gh_test_pty_expect (pty, "/authorize?");
  gh_test_pty_expect (pty, "6 roles in ");
  gh_test_pty_expect (pty, "Role: ");
  gh_test_pty_send (pty, "readonly\n");
  gh_test_pty_expect (pty, "   3  Account 3  100000000003  ReadOnly");
  gh_test_pty_expect (pty, "Role: ");
  gh_test_pty_send (pty, "nothing-like-it\n");
  gh_test_pty_expect (pty, "No account or role matches “nothing-like-it”.");
  gh_test_pty_expect (pty, "Role: ");
  gh_test_pty_send (pty, "2\n");
  gh_test_pty_expect (pty, "Role: ReadOnly in Account 2 (100000000002)");

  gh_test_pty_expect (pty, "Region [us-east-1]: ");
  gh_test_pty_send (pty, "moon-1\n");
  gh_test_pty_expect (pty, "“moon-1” is not an AWS region");
  gh_test_pty_expect (pty, "Region [us-east-1]: ");
  gh_test_pty_send (pty, "eu-west-1\n");
  gh_test_pty_expect (pty, "Output format [json]: ");
  gh_test_pty_send (pty, "\n");

  /* The default name is taken by a profile a person wrote: asked again */
  gh_test_pty_expect (pty, "Profile name [ReadOnly-100000000002]: ");
  gh_test_pty_send (pty, "\n");
  gh_test_pty_expect (pty, "already exists");
  gh_test_pty_expect (pty, "Profile name [ReadOnly-100000000002]: ");
  gh_test_pty_send (pty, "picked\n");

  g_assert_cmpint (gh_test_pty_wait (pty, &output), ==, 0);
  gh_test_assert_contains (output, "Added the profile picked to ");
  config = read_config (fixture);
  expected = g_strdup_printf ("%s[profile picked]\nsso_session = %s\n"
                              "sso_account_id = 100000000002\nsso_role_name = ReadOnly\n"
                              "region = eu-west-1\noutput = json\n", marker, second);
  g_assert_true (g_str_has_suffix (config, expected));
  assert_state (fixture, second, "signed-in");
  assert_state (fixture, first, "signed-out");
  key = gh_test_botocore_access_key (fixture, "picked");
}

/* --profile picks the sign-in */

static void
test_profile_picks_sign_in (GhTestFixture *fixture,
                            gconstpointer  data)
{
  g_autofree char *a = gh_test_unique_name ("a");
  g_autofree char *b = gh_test_unique_name ("b");
  g_autofree char *profiles = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  gh_test_add_session (fixture, a);
  gh_test_add_session (fixture, b);
  profiles = g_strdup_printf ("[profile pa]\nsso_session = %s\nsso_account_id = 100000000001\n"
                              "sso_role_name = ReadOnly\n"
                              "[profile pb]\nsso_session = %s\nsso_account_id = 100000000001\n"
                              "sso_role_name = ReadOnly\n", a, b);
  append_config (fixture, profiles);

  /* Without a name, two sign-ins are one too many */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "login", NULL), ==, EXIT_USAGE);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "login", "--profile", "pb", NULL),
                   ==, 0);
  gh_test_assert_contains (out, "Signed in to ");
  gh_test_assert_contains (out, b);
  assert_state (fixture, b, "signed-in");
  assert_state (fixture, a, "signed-out");

  /* status --profile shows that sign-in only */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", "--profile", "pb", NULL),
                   ==, 0);
  gh_test_assert_contains (out, b);
  gh_test_assert_contains (out, "signed in");
  g_assert_null (strstr (out, a));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "status", "--profile", "pa", "--json",
                                    NULL), ==, 0);
  gh_test_assert_contains (out, a);
  gh_test_assert_contains (out, "\"state\" : \"signed-out\"");
  g_assert_null (strstr (out, b));

  /* roles --profile lists the roles of that sign-in */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "roles", "--profile", "pb", "--json",
                                    NULL), ==, 0);
  gh_test_assert_contains (out, b);

  /* Both a name and a profile; a profile that is not there */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", a, "--profile", "pb", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "not both");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "status", "--profile", "nosuch", NULL),
                   ==, EXIT_USAGE);
  gh_test_assert_contains (err, "nosuch");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "logout", "--profile", "pb", NULL),
                   ==, 0);
  gh_test_assert_contains (out, "Signed out of ");
  assert_state (fixture, b, "signed-out");
}

/* login that is signed in already, the link always on the terminal, logout --all */

static void
test_login_already_signed_in (GhTestFixture *fixture,
                              gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("again");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint create_token;

  /* "Already" after a refresh: the second login finds the ten-minute token due. */
  g_object_set (fixture->sim, "access-token-lifetime", (gint64) 600, NULL);
  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "login", name, NULL), ==, 0);
  gh_test_assert_contains (out, "Signed in to ");
  /* The browser opened, and the link is on the terminal all the same */
  gh_test_assert_contains (err, "Opening the sign-in page in your browser");
  gh_test_assert_contains (err, "/authorize?");
  g_assert_null (strstr (out, "/authorize?"));
  g_assert_cmpuint (browser_visits (fixture), ==, 1);

  g_assert_true (gh_test_fake_clock (fixture, 600 - 600 / 4 + 10));
  create_token = gh_simulator_get_request_count (fixture->sim, "CreateToken");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "login", name, NULL), ==, 0);
  gh_test_assert_contains (out, "Already signed in to ");
  gh_test_assert_contains (out, "--force");
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpuint (browser_visits (fixture), ==, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "Authorize"), ==, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "CreateToken"), ==,
                    create_token + 1);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "login", name, "--force", NULL), ==, 0);
  gh_test_assert_contains (out, "Signed in to ");
  g_assert_cmpuint (browser_visits (fixture), ==, 2);

  /* A sign-in that ended is no sign-in: the browser opens (once the new token is due, and
   * with it a word with the service) */
  g_assert_true (gh_test_fake_clock (fixture, 2 * (600 - 600 / 4 + 10)));
  gh_simulator_revoke_refresh_tokens (fixture->sim);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "login", name, NULL), ==, 0);
  gh_test_assert_contains (out, "Signed in to ");
  g_assert_cmpuint (browser_visits (fixture), ==, 3);
}

static void
test_logout_all (GhTestFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *a = gh_test_unique_name ("all-a");
  g_autofree char *b = gh_test_unique_name ("all-b");
  g_autofree char *c = gh_test_unique_name ("all-c");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  gh_test_sign_in (fixture, a);
  gh_test_sign_in (fixture, b);
  gh_test_add_session (fixture, c);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "logout", "--all", a, NULL),
                   ==, EXIT_USAGE);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "logout", "--all", NULL), ==, 0);
  gh_test_assert_contains (out, a);
  gh_test_assert_contains (out, b);
  assert_state (fixture, a, "signed-out");
  assert_state (fixture, b, "signed-out");
  assert_state (fixture, c, "signed-out");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "Logout"), >=, 2);
}

/* Several sign-ins: the work is done for those that can, the others are reported */

static void
test_several_sign_ins (GhTestFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *in = gh_test_unique_name ("in");
  g_autofree char *out_name = gh_test_unique_name ("out");
  g_autofree char *broken = gh_test_unique_name ("broken");
  g_autofree char *definition = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *config = NULL;
  g_autofree char *path = gh_test_path (fixture, ".aws/config");

  g_object_set (fixture->sim, "accounts", 2, "roles-per-account", 2, NULL);
  gh_test_sign_in (fixture, in);
  gh_test_add_session (fixture, out_name);
  definition = g_strdup_printf ("[sso-session %s]\nsso_start_url = https://example.com/start\n",
                                broken);
  append_config (fixture, definition);
  hint = g_strdup_printf ("gatehouse login %s", out_name);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "roles", NULL), ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (out, "ReadOnly-100000000002");
  gh_test_assert_contains (err, hint);
  gh_test_assert_contains (err, broken);
  /* In the file's order, each named */
  g_assert_true (strstr (err, out_name) < strstr (err, broken));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "sync", NULL), ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (out, "added 4,");
  gh_test_assert_contains (err, hint);
  config = read_config (fixture);
  gh_test_assert_contains (config, "[profile AdministratorAccess-100000000001]");

  /* All of them usable and signed in: 0 (names of their own, so that they do not clash) */
  g_assert_true (g_file_set_contents (path, "", -1, NULL));
  gh_test_add_session (fixture, in);
  gh_test_sign_in (fixture, out_name);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "sync", "--template",
                                    "{session}-{role}-{account_id}", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

/* Progress: on a terminal only */

static void
test_progress_only_on_terminal (GhTestFixture *fixture,
                                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("progress");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GhTestPty) pty = NULL;

  g_object_set (fixture->sim, "accounts", 30, "roles-per-account", 1, NULL);
  gh_test_sign_in (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "roles", name, "--refresh", NULL), ==, 0);
  gh_test_assert_contains (out, "Account 30");
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "sync", name, "--refresh", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");

  pty = gh_test_pty_spawn_cli (fixture, "roles", name, "--refresh", NULL);
  g_assert_cmpint (gh_test_pty_wait (pty, &shown), ==, 0);
  gh_test_assert_contains (shown, "listing roles of account 30/30");
  /* One line rewritten in place, cleared before the list */
  gh_test_assert_contains (shown, "\r\033[K");
  gh_test_assert_contains (shown, "Account 30");
}

/* Exit codes */

static void
test_usage_errors (GhTestFixture *fixture,
                   gconstpointer  data)
{
  const char *cases[][3] = {
    { "login", "--bogus", NULL },
    { "--bogus", NULL, NULL },
    { "--background", "--bogus", NULL },
    { "bogus", NULL, NULL },
    { "profile", "bogus", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("%s %s", cases[i][0], cases[i][1] ? cases[i][1] : "");
      g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, cases[i][0], cases[i][1], NULL),
                       ==, EXIT_USAGE);
      g_assert_true (g_str_has_prefix (err, "gatehouse: "));
      g_assert_cmpstr (out, ==, "");
    }
}

static void
test_version (GhTestFixture *fixture,
              gconstpointer  data)
{
  const char *spellings[] = { "--version", "-V", "version" };
  g_autofree char *expected = g_strdup_printf ("gatehouse %s\n", PACKAGE_VERSION);

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, spellings[i], NULL), ==, 0);
      g_assert_cmpstr (out, ==, expected);
    }
}

/* A subcommand's --help names it, as "Usage: gatehouse COMMAND [OPTION…]" */
static void
test_subcommand_help (GhTestFixture *fixture,
                      gconstpointer  data)
{
  const char *cases[][3] = {
    { "login", NULL, "gatehouse login [OPTION…] [NAME]" },
    { "sync", NULL, "gatehouse sync [OPTION…] [SESSION]" },
    { "session", "add", "gatehouse session add [OPTION…] NAME" },
    { "profile", "add", "gatehouse profile add [OPTION…]" },
    { "favorite", NULL, "gatehouse favorite [OPTION…] add|remove|list" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;

      if (cases[i][1] != NULL)
        g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, cases[i][0], cases[i][1],
                                          "--help", NULL), ==, 0);
      else
        g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, cases[i][0], "--help", NULL),
                         ==, 0);
      gh_test_assert_contains (out, cases[i][2]);
    }
}

typedef struct
{
  GhTestFixture *fixture;
  guint          polls_before;
} DeviceWait;

/* The CLI polls for the token of a new device code: it waits on its main loop. */
static gboolean
device_code_polled (gpointer data)
{
  DeviceWait *wait = data;

  return gh_simulator_get_pending_count (wait->fixture->sim) > 0 &&
         gh_simulator_get_request_count (wait->fixture->sim, "CreateToken") > wait->polls_before;
}

static void
wait_for_device_code_poll (GhTestFixture *fixture,
                           guint          polls_before)
{
  DeviceWait wait = { fixture, polls_before };

  gh_test_wait_for (device_code_polled, &wait, 20000, "the CLI to poll for a device code");
}

/* Ctrl-C typed on the terminal while login waits: 130, as a shell reports it; SIGTERM: 143 */
static void
test_interrupted (GhTestFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("ctrl-c");
  g_autofree char *shown = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GhTestPty) pty = NULL;
  g_autoptr(GSubprocess) process = NULL;
  guint polls;

  g_object_set (fixture->sim, "auto-approve", FALSE, NULL);
  gh_test_add_session (fixture, name);

  pty = gh_test_pty_spawn_cli (fixture, "login", name, "--device-code", "--no-browser", NULL);
  gh_test_pty_expect (pty, "and confirm the code:");
  wait_for_device_code_poll (fixture, 0);
  gh_test_pty_send (pty, "\x03");
  g_assert_cmpint (gh_test_pty_wait (pty, &shown), ==, EXIT_INTERRUPTED);
  gh_test_assert_contains (shown, "Cancelled.");

  polls = gh_simulator_get_request_count (fixture->sim, "CreateToken");
  process = gh_test_spawn_cli (fixture, "login", name, "--device-code", "--no-browser", NULL);
  wait_for_device_code_poll (fixture, polls);
  g_subprocess_send_signal (process, SIGTERM);
  g_assert_cmpint (gh_test_wait_cli (fixture, process, NULL, &err), ==, EXIT_TERMINATED);
  gh_test_assert_contains (err, "Cancelled.");
  assert_state (fixture, name, "signed-out");
}

/* Ctrl-C at a question, after the roles were listed on the main loop: 130, nothing written */
static void
test_interrupted_question (GhTestFixture *fixture,
                           gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("ctrl-c-question");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GhTestPty) pty = NULL;

  gh_test_sign_in (fixture, name);
  before = read_config (fixture);

  pty = gh_test_pty_spawn_cli (fixture, "profile", "add", NULL);
  gh_test_pty_expect (pty, "Role: ");
  gh_test_pty_send (pty, "\x03");
  g_assert_cmpint (gh_test_pty_wait (pty, NULL), ==, EXIT_INTERRUPTED);
  after = read_config (fixture);
  g_assert_cmpstr (after, ==, before);
}

/* `gatehouse` alone on a terminal runs the tray service, which never returns: it says so, and
 * where the commands are; a second one hands over to it and says that. On a pipe (autostart,
 * scripts) nothing is said. */
static void
test_tray_on_terminal (GhTestFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(GhTestPty) service = NULL;
  g_autoptr(GhTestPty) again = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *err = NULL;

  service = gh_test_pty_spawn_cli (fixture, NULL, NULL);
  gh_test_pty_expect (service, "Gatehouse is running in the tray.");
  gh_test_pty_expect (service, "gatehouse --help");

  again = gh_test_pty_spawn_cli (fixture, NULL, NULL);
  gh_test_pty_expect (again, "Gatehouse is already running in the tray; it was asked to show "
                             "itself.");
  gh_test_pty_expect (again, "gatehouse --help");
  g_assert_cmpint (gh_test_pty_wait (again, NULL), ==, 0);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, NULL, NULL), ==, 0);
  g_assert_null (strstr (err, "Gatehouse is"));

  gh_test_pty_send (service, "\x03");
  g_assert_cmpint (gh_test_pty_wait (service, &shown), ==, EXIT_INTERRUPTED);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

#define ADD(path, func) gh_test_add ("/terminal/" path, func)

  ADD ("profile-add/options", test_profile_add_options);
  ADD ("profile-add/refused", test_profile_add_refused);
  ADD ("profile-add/interactive", test_profile_add_interactive);
  ADD ("profile-picks-sign-in", test_profile_picks_sign_in);
  ADD ("login/already-signed-in", test_login_already_signed_in);
  ADD ("logout/all", test_logout_all);
  ADD ("several-sign-ins", test_several_sign_ins);
  ADD ("progress-only-on-terminal", test_progress_only_on_terminal);
  ADD ("exit/usage-errors", test_usage_errors);
  ADD ("exit/version", test_version);
  ADD ("exit/subcommand-help", test_subcommand_help);
  ADD ("exit/interrupted", test_interrupted);
  ADD ("exit/interrupted-question", test_interrupted_question);
  ADD ("tray-on-terminal", test_tray_on_terminal);

  return gh_test_env_run ();
}
