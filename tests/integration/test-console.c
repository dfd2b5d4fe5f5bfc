/* test-console.c — `gatehouse console` end to end: role credentials → getSigninToken → a one-shot
 * loopback URL that the stand-in browser follows to the simulator's console login */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "gh-error.h"
#include "gh-test-env.h"

#define EXIT_USAGE 2
#define EXIT_NOT_SIGNED_IN 3
#define EXIT_SERVICE 5

static guint
console_login_count (GhTestFixture *fixture)
{
  return gh_simulator_get_console_logins (fixture->sim)->len;
}

typedef struct
{
  GhTestFixture *fixture;
  guint          count;
} LoginsWait;

static gboolean
logins_reached (gpointer data)
{
  LoginsWait *wait = data;

  return console_login_count (wait->fixture) >= wait->count;
}

/* The CLI is done once the browser took its one-shot URL; the browser's next hop, to the
 * simulator's console login, may still be on its way. */
static guint
wait_for_console_logins (GhTestFixture *fixture,
                         guint          count)
{
  LoginsWait wait = { fixture, count };

  gh_test_wait_until (logins_reached, &wait, 10000);
  return console_login_count (fixture);
}

static void
assert_console_login (GhTestFixture *fixture,
                      const char    *expected)
{
  GPtrArray *logins = gh_simulator_get_console_logins (fixture->sim);

  g_assert_cmpuint (wait_for_console_logins (fixture, 1), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logins, 0), ==, expected);
}

/* Every URL the browser was handed is a loopback one-shot URL, never the sign-in URL. */
static void
assert_browser_saw_no_secret (GhTestFixture *fixture)
{
  g_auto(GStrv) urls = gh_test_browser_urls (fixture);

  g_assert_cmpuint (g_strv_length (urls), ==, 1);
  g_assert_true (g_str_has_prefix (urls[0], "http://127.0.0.1:"));
  g_assert_null (strstr (urls[0], "SigninToken"));
  g_assert_null (strstr (urls[0], "federation"));
}

/* Scans every process's command line for the sign-in token while the command runs. */
typedef struct
{
  GSubprocess *process;
  gboolean     done;
  guint        scans;
  char        *leak;
} PsWatch;

static void
scan_processes (PsWatch *watch)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (entry[0]))
        continue;
      path = g_build_filename ("/proc", entry, "cmdline", NULL);
      if (!g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, "SigninToken") != NULL || strstr (cmdline, "sessionToken") != NULL ||
          strstr (cmdline, "getSigninToken") != NULL)
        {
          g_free (watch->leak);
          watch->leak = g_strdup (cmdline);
        }
    }
  watch->scans++;
}

static gboolean
scan_cb (gpointer data)
{
  PsWatch *watch = data;

  scan_processes (watch);
  return watch->done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
test_federation_end_to_end (GhTestFixture *fixture,
                            gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("console");
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *history = gh_test_path (fixture, "state/gatehouse/consoles.json");
  g_autofree char *history_text = NULL;
  PsWatch watch = { 0, };
  guint source;

  gh_test_sign_in (fixture, name);
  /* Slow replies keep the launch going long enough to watch the process table. */
  g_object_set (fixture->sim, "latency-ms", 150, NULL);

  process = gh_test_spawn_cli (fixture, "console", "--session", name, "--account",
                               "100000000001", "--role", "ReadOnly", "--destination", "ec2",
                               NULL);
  source = g_timeout_add (5, scan_cb, &watch);
  g_assert_cmpint (gh_test_wait_cli (fixture, process, &out, NULL), ==, 0);
  watch.done = TRUE;
  g_source_remove (source);

  if (watch.leak != NULL)
    g_error ("A command line held the sign-in token: %s", watch.leak);
  g_assert_cmpuint (watch.scans, >, 10);

  gh_test_assert_contains (out, "Opened the AWS console for ReadOnly");
  assert_console_login (fixture, "100000000001/ReadOnly");
  gh_test_assert_contains (gh_simulator_get_last_console_destination (fixture->sim),
                           "/ec2/home?region=us-east-1");
  assert_browser_saw_no_secret (fixture);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetSigninToken"), ==, 1);

  /* Remembered for the tray: the console session and its end. */
  g_assert_true (g_file_get_contents (history, &history_text, NULL, NULL));
  gh_test_assert_contains (history_text, "100000000001");
  gh_test_assert_contains (history_text, "ReadOnly");
  g_free (watch.leak);
}

static void
test_cached_credentials_reused (GhTestFixture *fixture,
                                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("cached");

  gh_test_sign_in (fixture, name);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                      "--account", "100000000001", "--role", "ReadOnly",
                                      "--print-url", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetSigninToken"), ==, 2);
}

static void
test_print_url (GhTestFixture *fixture,
                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("print");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) urls = NULL;

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "console", "--session", name,
                                    "--account", "100000000002", "--role",
                                    "AdministratorAccess", "--print-url", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, gh_simulator_get_url (fixture->sim)));
  gh_test_assert_contains (out, "/federation?Action=login&");
  gh_test_assert_contains (out, "SigninToken=");
  g_assert_null (strstr (err, "SigninToken"));
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
  g_assert_cmpuint (console_login_count (fixture), ==, 0);
}

static void
test_portal_mode (GhTestFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("portal");
  g_autofree char *expected = NULL;
  g_auto(GStrv) urls = NULL;

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--mode", "portal", NULL), ==, 0);
  urls = gh_test_browser_urls (fixture);
  if (g_strv_length (urls) != 1)
    g_error ("browser got: %s", g_strjoinv (" | ", urls));
  expected = g_strdup_printf ("%s/start/#/console?account_id=100000000001&role_name=ReadOnly&",
                              gh_simulator_get_url (fixture->sim));
  g_assert_true (g_str_has_prefix (urls[0], expected));
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);
}

static void
test_logout_first (GhTestFixture *fixture,
                   gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("logout-first");

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--logout-first", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "ConsoleLogout"), ==, 1);
  assert_console_login (fixture, "100000000001/ReadOnly");
}

static void
test_container_url (GhTestFixture *fixture,
                    gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("container");
  g_autofree char *out = NULL;

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--print-url", "--container", "prod admin", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "ext+granted-containers:name=prod%20admin&url=http"));
  gh_test_assert_contains (out, "SigninToken%3D");
}

/* The preferences the CLI reads: the schema of the build directory, the test's backend. */
static GSettings *
open_settings (void)
{
  g_autofree char *schema_dir = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  source = g_settings_schema_source_new_from_directory (schema_dir, NULL, FALSE, NULL);
  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, "io.github.gatehouse.Gatehouse", FALSE);
  return g_settings_new_full (schema, NULL, NULL);
}

/* Preferences: a role's container, and logout-first. */
static void
test_preferences (GhTestFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("prefs");
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *key = NULL;
  g_autofree char *out = NULL;
  GVariantBuilder containers;

  gh_test_sign_in (fixture, name);
  settings = open_settings ();

  key = g_strdup_printf ("%s/100000000001/ReadOnly", name);
  g_variant_builder_init (&containers, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&containers, "{ss}", key, "prod");
  g_settings_set_value (settings, "role-containers", g_variant_builder_end (&containers));
  g_settings_set_boolean (settings, "console-logout-first", TRUE);
  g_settings_sync ();

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--print-url", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "ext+granted-containers:name=prod&url="));
  gh_test_assert_contains (out, "oauth%3FAction%3Dlogout");

  g_settings_reset (settings, "role-containers");
  g_settings_reset (settings, "console-logout-first");
  g_settings_sync ();
}

/* Chromium-family browsers: a profile per role (--user-data-dir), stable across launches,
 * chosen by --browser or the preferences; the one-shot link on their command line. */

/* Puts the stand-in browser on a PATH of the test's own as each of @names (NULL-terminated),
 * with the fixture's own XDG_DATA_HOME ("data") and its arguments logged to "browser-args". */
static void
install_stand_ins (GhTestFixture *fixture,
                   const char    *first_name,
                   ...)
{
  g_autofree char *bin = gh_test_path (fixture, "bin");
  g_autofree char *data_home = gh_test_path (fixture, "data");
  g_autofree char *args_log = gh_test_path (fixture, "browser-args");
  g_autofree char *stand_in = g_test_build_filename (G_TEST_DIST, "fixtures", "browser",
                                                     "gh-test-chromium", NULL);
  va_list names;

  g_assert_cmpint (g_mkdir_with_parents (bin, 0700), ==, 0);
  va_start (names, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (names, const char *))
    {
      g_autofree char *link = g_build_filename (bin, name, NULL);

      g_assert_cmpint (symlink (stand_in, link), ==, 0);
    }
  va_end (names);

  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("PATH=%s:%s", bin, g_getenv ("PATH")));
  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("XDG_DATA_HOME=%s", data_home));
  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("GH_TEST_BROWSER_ARGS=%s", args_log));
}

/* Each launch of a stand-in: its name and arguments. */
static GPtrArray *
stand_in_launches (GhTestFixture *fixture)
{
  g_autofree char *log = gh_test_path (fixture, "browser-args");
  g_autofree char *contents = NULL;
  g_auto(GStrv) blocks = NULL;
  GPtrArray *launches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  if (!g_file_get_contents (log, &contents, NULL, NULL))
    return launches;
  blocks = g_strsplit (contents, "\n\n", -1);
  for (char **block = blocks; *block != NULL; block++)
    if (**block != '\0')
      g_ptr_array_add (launches, g_strsplit (*block, "\n", -1));
  return launches;
}

/* A launch of @name with the profile of @role_path (SESSION/ACCOUNT/ROLE) and a one-shot
 * link; returns the profile directory. */
static const char *
assert_profile_launch (GhTestFixture *fixture,
                       GStrv          argv,
                       const char    *name,
                       const char    *browser,
                       const char    *role_path)
{
  g_autofree char *expected_dir = NULL;
  g_autofree char *expected = NULL;

  expected_dir = g_build_filename (fixture->home, "data", "gatehouse", "browser-profiles",
                                   browser, role_path, NULL);
  expected = g_strconcat ("--user-data-dir=", expected_dir, NULL);
  g_assert_cmpuint (g_strv_length (argv), ==, 5);
  g_assert_cmpstr (argv[0], ==, name);
  g_assert_cmpstr (argv[1], ==, expected);
  g_assert_cmpstr (argv[2], ==, "--no-first-run");
  g_assert_cmpstr (argv[3], ==, "--no-default-browser-check");
  g_assert_true (g_str_has_prefix (argv[4], "http://127.0.0.1:"));
  g_assert_null (strstr (argv[4], "SigninToken"));
  g_assert_true (g_file_test (expected_dir, G_FILE_TEST_IS_DIR));
  return argv[1];
}

static void
test_chromium_profiles (GhTestFixture *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("chromium");
  g_autofree char *read_only = NULL;
  g_autofree char *admin = NULL;
  g_autoptr(GPtrArray) launches = NULL;
  g_autofree char *err = NULL;
  struct stat st;

  gh_test_sign_in (fixture, name);
  install_stand_ins (fixture, "chromium", NULL);

  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                      "--account", "100000000001", "--role", "ReadOnly",
                                      "--browser", "chromium", NULL), ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                    "--account", "100000000002", "--role",
                                    "AdministratorAccess", "--browser", "chromium", NULL), ==, 0);

  launches = stand_in_launches (fixture);
  g_assert_cmpuint (launches->len, ==, 3);
  read_only = g_strdup_printf ("%s/100000000001/ReadOnly", name);
  admin = g_strdup_printf ("%s/100000000002/AdministratorAccess", name);
  /* The same profile for the same role every time, another for another role. */
  g_assert_cmpstr (assert_profile_launch (fixture, g_ptr_array_index (launches, 0), "chromium",
                                          "chromium", read_only), ==,
                   assert_profile_launch (fixture, g_ptr_array_index (launches, 1), "chromium",
                                          "chromium", read_only));
  assert_profile_launch (fixture, g_ptr_array_index (launches, 2), "chromium", "chromium", admin);
  g_assert_cmpint (g_stat (strstr (((GStrv) g_ptr_array_index (launches, 0))[1], "=") + 1, &st),
                   ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  /* The stand-in followed each link: three consoles, nothing for the default browser. */
  g_assert_cmpuint (wait_for_console_logins (fixture, 3), ==, 3);
  {
    g_auto(GStrv) urls = gh_test_browser_urls (fixture);

    g_assert_cmpuint (g_strv_length (urls), ==, 3);
  }

  /* A Firefox container cannot open in Chromium. */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--browser", "chromium", "--container", "x", NULL), ==,
                   EXIT_USAGE);
  gh_test_assert_contains (err, "--container needs Firefox");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--browser", "netscape", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "--browser must be");
}

/* Without --browser: the role's browser, else the console-browser preference. */
static void
test_browser_preferences (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("browserprefs");
  g_autofree char *key = NULL;
  g_autofree char *role_path = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GPtrArray) launches = NULL;
  GVariantBuilder browsers;

  gh_test_sign_in (fixture, name);
  install_stand_ins (fixture, "google-chrome", "brave-browser", NULL);

  settings = open_settings ();
  key = g_strdup_printf ("%s/100000000002/ReadOnly", name);
  g_variant_builder_init (&browsers, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&browsers, "{ss}", key, "brave");
  g_settings_set_value (settings, "role-browsers", g_variant_builder_end (&browsers));
  g_settings_set_string (settings, "console-browser", "chrome");
  g_settings_sync ();

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly", NULL),
                   ==, 0);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                    "--account", "100000000002", "--role", "ReadOnly", NULL),
                   ==, 0);

  launches = stand_in_launches (fixture);
  g_assert_cmpuint (launches->len, ==, 2);
  role_path = g_strdup_printf ("%s/100000000001/ReadOnly", name);
  assert_profile_launch (fixture, g_ptr_array_index (launches, 0), "google-chrome", "chrome",
                         role_path);
  assert_profile_launch (fixture, g_ptr_array_index (launches, 1), "brave-browser", "brave",
                         key);
  g_assert_cmpuint (wait_for_console_logins (fixture, 2), ==, 2);

  g_settings_reset (settings, "role-browsers");
  g_settings_reset (settings, "console-browser");
  g_settings_sync ();
}

static void
test_bad_input (GhTestFixture *fixture,
                gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("badconsole");
  g_autofree char *err = NULL;

  gh_test_sign_in (fixture, name);

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--profile", "nope", NULL),
                   ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);

  /* Another partition's console, and a look-alike host: refused before any credentials. */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--destination", "https://console.amazonaws.cn/ec2/", NULL),
                   ==, EXIT_USAGE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--destination", "https://console.aws.amazon.com.evil.example/",
                                    NULL), ==, EXIT_USAGE);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);
  g_clear_pointer (&err, g_free);

  /* A role that is not assigned */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "NotMine", NULL),
                   ==, EXIT_SERVICE);
  gh_test_assert_contains (err, "No access to NotMine in account 100000000001");
  g_assert_cmpuint (console_login_count (fixture), ==, 0);
}

typedef struct
{
  const char *name;
  GhSimFault  fault;
  const char *message;
} SigninFault;

static const SigninFault signin_faults[] = {
  { "500", GH_SIM_FAULT_500, "HTTP 500" },
  { "malformed", GH_SIM_FAULT_MALFORMED, "not valid JSON" },
};

static void
test_signin_token_failure (GhTestFixture *fixture,
                           gconstpointer  data)
{
  const SigninFault *fault = data;
  g_autofree char *name = gh_test_unique_name ("signinfault");
  g_autofree char *err = NULL;
  g_auto(GStrv) urls = NULL;

  gh_test_sign_in (fixture, name);
  gh_simulator_inject_fault (fixture->sim, "GetSigninToken", fault->fault, 100);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly", NULL),
                   ==, EXIT_SERVICE);
  gh_test_assert_contains (err, fault->message);
  g_assert_null (strstr (err, "sessionKey"));
  g_assert_null (strstr (err, "Session="));
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
}

/* A console duration the endpoint refuses (400): retried without it, as docs/aws-protocols.md
 * §5.2 advises. */
static void
test_duration_refused (GhTestFixture *fixture,
                       gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("duration");

  gh_test_sign_in (fixture, name);
  g_object_set (fixture->sim, "reject-session-duration", TRUE, NULL);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly",
                                    "--duration", "3600", NULL), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetSigninToken"), ==, 2);
  assert_console_login (fixture, "100000000001/ReadOnly");
}

static void
test_signed_out (GhTestFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("consoleout");
  g_autofree char *err = NULL;

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "console", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly", NULL),
                   ==, EXIT_NOT_SIGNED_IN);
  gh_test_assert_contains (err, "gatehouse login");
}

/* No default browser: the one-shot URL is printed, and works once. */
typedef struct
{
  GDataInputStream *stderr_lines;
  char             *one_shot;
  gboolean          done;
} StderrReader;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  StderrReader *reader = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                                   result, NULL, NULL);

  if (line == NULL)
    {
      reader->done = TRUE;
      return;
    }
  g_strstrip (line);
  if (g_str_has_prefix (line, "http://127.0.0.1:"))
    {
      reader->one_shot = g_steal_pointer (&line);
      reader->done = TRUE;
      return;
    }
  g_data_input_stream_read_line_async (reader->stderr_lines, G_PRIORITY_DEFAULT, NULL,
                                       line_read_cb, reader);
}

static gboolean
reader_done (gpointer data)
{
  return ((StderrReader *) data)->done;
}

static void
test_no_browser (GhTestFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("consolenobrowser");
  g_autofree char *empty = gh_test_path (fixture, "empty");
  g_autofree char *system = gh_test_path (fixture, "system");
  g_autofree char *schemas = gh_test_path (fixture, "system/glib-2.0");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) first = NULL;
  g_autoptr(SoupMessage) second = NULL;
  g_autoptr(GBytes) body = NULL;
  StderrReader reader = { 0, };

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (g_mkdir_with_parents (system, 0700), ==, 0);
  g_assert_cmpint (symlink ("/usr/share/glib-2.0", schemas), ==, 0);
  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("XDG_DATA_HOME=%s", empty));
  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("XDG_CONFIG_HOME=%s", empty));
  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("XDG_DATA_DIRS=%s", system));
  g_ptr_array_add (fixture->extra_env, g_strdup_printf ("XDG_CONFIG_DIRS=%s", empty));

  process = gh_test_spawn_cli (fixture, "console", "--session", name, "--account",
                               "100000000001", "--role", "ReadOnly", NULL);
  reader.stderr_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  /* gh_test_wait_cli reads the rest of stderr. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reader.stderr_lines), FALSE);
  g_data_input_stream_read_line_async (reader.stderr_lines, G_PRIORITY_DEFAULT, NULL,
                                       line_read_cb, &reader);
  gh_test_wait_until (reader_done, &reader, 30000);
  g_assert_nonnull (reader.one_shot);

  /* The person opens it: a redirect to the sign-in URL, once. */
  soup_session_set_timeout (session, 10);
  first = soup_message_new ("GET", reader.one_shot);
  soup_message_add_flags (first, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, first, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (first), ==, 303);
  gh_test_assert_contains (soup_message_headers_get_one (soup_message_get_response_headers (first),
                                                         "Location"), "SigninToken=");
  g_clear_pointer (&body, g_bytes_unref);

  second = soup_message_new ("GET", reader.one_shot);
  soup_message_add_flags (second, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, second, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (second), !=, 303);

  g_object_unref (reader.stderr_lines);
  g_assert_cmpint (gh_test_wait_cli (fixture, process, NULL, NULL), ==, 0);
  g_free (reader.one_shot);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

#define ADD(path, func) gh_test_add ("/console/" path, func)

  ADD ("federation/end-to-end", test_federation_end_to_end);
  ADD ("federation/cached-credentials", test_cached_credentials_reused);
  ADD ("federation/print-url", test_print_url);
  ADD ("federation/logout-first", test_logout_first);
  ADD ("federation/duration-refused", test_duration_refused);
  ADD ("portal", test_portal_mode);
  ADD ("container", test_container_url);
  ADD ("preferences", test_preferences);
  ADD ("chromium-profiles", test_chromium_profiles);
  ADD ("browser-preferences", test_browser_preferences);
  ADD ("bad-input", test_bad_input);
  ADD ("signed-out", test_signed_out);
  ADD ("no-browser", test_no_browser);

  for (guint i = 0; i < G_N_ELEMENTS (signin_faults); i++)
    {
      g_autofree char *path = g_strdup_printf ("/console/signin-token-fault/%s",
                                               signin_faults[i].name);

      g_test_add (path, GhTestFixture, &signin_faults[i], gh_test_fixture_setup,
                  test_signin_token_failure, gh_test_fixture_teardown);
    }

  return gh_test_env_run ();
}
