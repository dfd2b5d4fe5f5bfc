/* test-exec.c — `gatehouse exec` end to end: botocore resolves the role's credentials in the
 * command's environment; the command's exit status and signals pass through; nesting is
 * refused without --force; with --ecs-server, botocore and the AWS SDK for JavaScript read the
 * credential server and get renewed credentials from it */
#include "config.h"

#include <signal.h>

#include <json-glib/json-glib.h>

#include "gh-test-env.h"

#define PROFILE "ReadOnly-100000000001"
#define EXIT_USAGE 2
#define EXIT_NOT_SIGNED_IN 3

static const char *
python (void)
{
  const char *path = g_getenv ("GH_PYTHON");

  if (path == NULL)
    g_error ("GH_PYTHON is not set: run the tests through build-aux/dev test");
  return path;
}

/* Signed in, with profiles synced (so --profile works). */
static char *
sign_in_with_profiles (GhTestFixture *fixture,
                       const char    *base)
{
  char *name = gh_test_unique_name (base);
  g_autofree char *err = NULL;

  gh_test_sign_in (fixture, name);
  if (gh_test_run_cli (fixture, NULL, &err, "sync", name, NULL) != 0)
    g_error ("sync failed: %s", err);
  return name;
}

/* The access key `gatehouse credentials` hands out now: the keyring's, as exec's. */
static char *
current_access_key (GhTestFixture *fixture)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "credentials", "--profile", PROFILE,
                                    "--format", "json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (
                     json_parser_get_root (parser)), "AccessKeyId"));
}

static const char botocore_script[] =
  "import os, botocore.session\n"
  "s = botocore.session.Session()\n"
  "c = s.get_credentials()\n"
  "f = c.get_frozen_credentials()\n"
  "print(c.method, f.access_key, bool(f.token), s.get_config_variable('region'))\n"
  "for n in ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ROLE_ARN', 'GATEHOUSE_EXEC',\n"
  "          'AWS_REGION', 'AWS_CREDENTIAL_EXPIRATION'):\n"
  "    print(n, os.environ.get(n, '-'))\n";

/* The profile's keys reach botocore, whatever profile the caller's environment selected. */
static void
test_botocore (GhTestFixture *fixture,
               gconstpointer  data)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *key = NULL;
  g_autofree char *expected = NULL;

  g_ptr_array_add (fixture->extra_env, g_strdup ("AWS_PROFILE=someone-else"));
  g_ptr_array_add (fixture->extra_env, g_strdup ("AWS_DEFAULT_PROFILE=someone-else"));
  g_ptr_array_add (fixture->extra_env, g_strdup ("AWS_ROLE_ARN=arn:aws:iam::1:role/x"));
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "exec", "--profile", PROFILE,
                                    "--region", "eu-west-3", "--", python (), "-c",
                                    botocore_script, NULL), ==, 0);

  key = current_access_key (fixture);
  expected = g_strdup_printf ("env %s True eu-west-3\n", key);
  g_assert_true (g_str_has_prefix (out, expected));
  gh_test_assert_contains (out, "AWS_PROFILE -\n");
  gh_test_assert_contains (out, "AWS_DEFAULT_PROFILE -\n");
  gh_test_assert_contains (out, "AWS_ROLE_ARN -\n");
  gh_test_assert_contains (out, "GATEHOUSE_EXEC " PROFILE "\n");
  gh_test_assert_contains (out, "AWS_REGION eu-west-3\n");
  gh_test_assert_contains (out, "AWS_CREDENTIAL_EXPIRATION 20");
  g_assert_cmpstr (err, ==, "");
}

static void
test_exit_status (GhTestFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec-status");
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "exec", "--profile", PROFILE, "--",
                                    "sh", "-c", "exit 42", NULL), ==, 42);
  /* Killed by signal N: 128+N, as a shell says. */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "exec", "--profile", PROFILE, "--",
                                    "sh", "-c", "kill -KILL $$", NULL), ==, 128 + SIGKILL);
  /* Without "--", the command's own options are its own. */
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "exec", "--profile", PROFILE,
                                    "sh", "-c", "exit 3", NULL), ==, 3);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "exec", "--profile", PROFILE, "--",
                                    "no-such-command-anywhere", NULL), ==, 127);
  gh_test_assert_contains (err, "no-such-command-anywhere");
}

/* Lines of the command's stdout, read while it runs. */
typedef struct
{
  GDataInputStream *stream;
  GString          *text;
  gboolean          eof;
} LineReader;

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineReader *reader = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (reader->stream, result,
                                                                   NULL, NULL);

  if (line == NULL)
    {
      reader->eof = TRUE;
      return;
    }
  g_string_append_printf (reader->text, "%s\n", line);
  g_data_input_stream_read_line_async (reader->stream, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       reader);
}

typedef struct
{
  LineReader *reader;
  const char *line;
} Awaited;

static gboolean
has_line (gpointer data)
{
  Awaited *awaited = data;

  return strstr (awaited->reader->text->str, awaited->line) != NULL || awaited->reader->eof;
}

static gboolean
at_end (gpointer data)
{
  return ((LineReader *) data)->eof;
}

static void
await_line (LineReader *reader,
            const char *line)
{
  Awaited awaited = { reader, line };

  gh_test_wait_for (has_line, &awaited, 60000, line);
  if (strstr (reader->text->str, line) == NULL)
    g_error ("The command ended before printing “%s”: %s", line, reader->text->str);
}

static const char signal_script[] =
  "import signal, sys, time\n"
  "def got(n, frame):\n"
  "    print('got', n, flush=True)\n"
  "    if n == signal.SIGTERM:\n"
  "        sys.exit(7)\n"
  "for s in (signal.SIGTERM, signal.SIGUSR1, signal.SIGHUP, signal.SIGWINCH):\n"
  "    signal.signal(s, got)\n"
  "print('ready', flush=True)\n"
  "while True:\n"
  "    time.sleep(0.1)\n";

/* kill(2) now, from this thread: g_subprocess_send_signal() defers it to GLib's worker thread
 * at idle priority, which a busy test process may not reach for a long while. The command is
 * alive (its output is still awaited), so its pid is still its own. */
static void
send_signal_now (GSubprocess *process,
                 int          signo)
{
  const char *pid = g_subprocess_get_identifier (process);

  g_assert_nonnull (pid);
  g_assert_cmpint (kill ((pid_t) g_ascii_strtoll (pid, NULL, 10), signo), ==, 0);
}

/* Signals sent to Gatehouse reach the command, which decides what they mean. */
static void
test_signals (GhTestFixture *fixture,
              gconstpointer  data)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec-signals");
  g_autoptr(GSubprocess) process = NULL;
  LineReader reader = { .text = g_string_new (NULL) };
  const int relayed[] = { SIGUSR1, SIGHUP, SIGWINCH };

  process = gh_test_spawn_cli (fixture, "exec", "--profile", PROFILE, "--", python (), "-c",
                               signal_script, NULL);
  reader.stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reader.stream), FALSE);
  g_data_input_stream_read_line_async (reader.stream, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       &reader);
  await_line (&reader, "ready\n");

  for (guint i = 0; i < G_N_ELEMENTS (relayed); i++)
    {
      g_autofree char *line = g_strdup_printf ("got %d\n", relayed[i]);

      send_signal_now (process, relayed[i]);
      await_line (&reader, line);
    }
  send_signal_now (process, SIGTERM);
  await_line (&reader, "got 15\n");
  gh_test_wait_for (at_end, &reader, 60000, "the end of the output");

  g_assert_cmpint (gh_test_wait_cli (fixture, process, NULL, NULL), ==, 7);
  g_object_unref (reader.stream);
  g_string_free (reader.text, TRUE);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A command with no handler of its own dies of the signal, and Gatehouse says so. */
static void
test_signal_default (GhTestFixture *fixture,
                     gconstpointer  data)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec-sigdefault");
  g_autofree char *marker = gh_test_path (fixture, "started");
  g_autofree char *script = g_strdup_printf ("touch '%s'; exec sleep 60", marker);
  g_autoptr(GSubprocess) process = NULL;

  process = gh_test_spawn_cli (fixture, "exec", "--profile", PROFILE, "--", "sh", "-c", script,
                               NULL);
  gh_test_wait_for (file_exists, marker, 60000, "the command to start");
  send_signal_now (process, SIGTERM);
  g_assert_cmpint (gh_test_wait_cli (fixture, process, NULL, NULL), ==, 128 + SIGTERM);
}

static void
test_nested (GhTestFixture *fixture,
             gconstpointer  data)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec-nested");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  g_ptr_array_add (fixture->extra_env, g_strdup ("GATEHOUSE_EXEC=Outer-111111111111"));
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "exec", "--profile", PROFILE, "--",
                                    "sh", "-c", "echo ran", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "already inside “gatehouse exec” for Outer-111111111111");
  gh_test_assert_contains (err, "--force");
  g_assert_null (strstr (out, "ran"));
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);
  g_clear_pointer (&out, g_free);

  /* With --force, and the marker names the inner role (--account/--role: its target). */
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "exec", "--force", "--session", name,
                                    "--account", "100000000002", "--role", "AdministratorAccess",
                                    "--", "sh", "-c", "echo \"$GATEHOUSE_EXEC\"", NULL), ==, 0);
  expected = g_strdup_printf ("%s/100000000002/AdministratorAccess\n", name);
  g_assert_cmpstr (out, ==, expected);
}

/* Not interactive: a sign-in that is not signed in is exit 3 with the message of `gatehouse
 * credentials`. */
static void
test_signed_out (GhTestFixture *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("exec-out");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) urls = NULL;

  gh_test_add_session (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, &err, "exec", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly", "--",
                                    "sh", "-c", "echo ran", NULL), ==, EXIT_NOT_SIGNED_IN);
  expected = g_strdup_printf ("“%s” is not signed in. Sign in: gatehouse login %s", name, name);
  gh_test_assert_contains (err, expected);
  g_assert_null (strstr (out, "ran"));
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
}

static void
test_usage (GhTestFixture *fixture,
            gconstpointer  data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "exec", "--", "true", NULL), ==,
                   EXIT_USAGE);
  gh_test_assert_contains (err, "--profile P, or --account ID and --role R");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "exec", "--profile", "p", "stray",
                                    "--", "true", NULL), ==, EXIT_USAGE);
  gh_test_assert_contains (err, "“stray”");
}

/* --ecs-server: a program whose credentials expire while it runs keeps working. */

#define SHORT_LIFETIME 6

static guint
distinct_keys (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (char **line = lines; *line != NULL; line++)
    if (g_str_has_prefix (*line, "key ASIA"))
      g_hash_table_add (keys, *line);
  return g_hash_table_size (keys);
}

static void
run_renewal_client (GhTestFixture *fixture,
                    const char    *program,
                    const char    *script)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec-ecs");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *deadline = g_strdup_printf ("%d", 4 * SHORT_LIFETIME);
  guint fetched;
  int status;

  g_object_set (fixture->sim, "role-credential-lifetime", (gint64) SHORT_LIFETIME, NULL);
  status = gh_test_run_cli (fixture, &out, &err, "exec", "--profile", PROFILE, "--ecs-server",
                            "--", program, script, deadline, NULL);
  if (status != 0)
    g_error ("the client failed (%d):\n%s\n%s", status, out, err);

  g_assert_cmpuint (distinct_keys (out), >=, 2);
  /* One set at the start, one per renewal: not one per request. */
  fetched = gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials");
  g_assert_cmpuint (fetched, >=, 2);
  g_assert_cmpuint (fetched, <=, 5);
  /* The token and keys stay out of Gatehouse's own output. */
  g_assert_null (strstr (err, "ASIA"));
}

static void
test_ecs_server_botocore (GhTestFixture *fixture,
                          gconstpointer  data)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                   "container-credentials.py", NULL);

  run_renewal_client (fixture, python (), script);
}

static void
test_ecs_server_js (GhTestFixture *fixture,
                    gconstpointer  data)
{
  const char *dir = g_getenv ("GH_JS_SDK_DIR");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fixtures", "js-sdk",
                                                   "container-credentials.mjs", NULL);
  g_autofree char *sdk = g_build_filename (dir != NULL ? dir : "", "node_modules", "@aws-sdk",
                                           "credential-providers", NULL);

  if (node == NULL)
    {
      g_test_skip ("Node.js is not installed: the AWS SDK for JavaScript cannot be tried");
      return;
    }
  if (dir == NULL || !g_file_test (sdk, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the AWS SDK for JavaScript is not installed in GH_JS_SDK_DIR "
                   "(build-aux/dev installs it there with npm)");
      return;
    }

  run_renewal_client (fixture, node, script);
}

/* A renewal that fails is said once, however often it is tried again, and the command goes on
 * with the credentials it has. */
static void
test_ecs_server_renewal_failure (GhTestFixture *fixture,
                                 gconstpointer  data)
{
  g_autofree char *name = sign_in_with_profiles (fixture, "exec-ecs-fail");
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  LineReader reader = { .text = g_string_new (NULL) };
  const char *message = "could not renew the credentials";
  const char *first;

  g_object_set (fixture->sim, "role-credential-lifetime", (gint64) 6, NULL);
  process = gh_test_spawn_cli (fixture, "exec", "--profile", PROFILE, "--ecs-server", "--", "sh",
                               "-c", "echo started; sleep 7", NULL);
  reader.stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reader.stream), FALSE);
  g_data_input_stream_read_line_async (reader.stream, G_PRIORITY_DEFAULT, NULL, read_line_cb,
                                       &reader);
  await_line (&reader, "started\n");
  gh_simulator_inject_fault (fixture->sim, "GetRoleCredentials", GH_SIM_FAULT_MALFORMED, 100);
  gh_test_wait_for (at_end, &reader, 60000, "the end of the output");

  g_assert_cmpint (gh_test_wait_cli (fixture, process, NULL, &err), ==, 0);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), >=, 3);
  first = strstr (err, message);
  if (first == NULL || strstr (first + 1, message) != NULL)
    g_error ("Expected “%s” once in: %s", message, err);
  g_assert_null (strstr (err, "ASIA"));
  g_object_unref (reader.stream);
  g_string_free (reader.text, TRUE);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

#define ADD(path, func) gh_test_add ("/exec/" path, func)

  ADD ("botocore", test_botocore);
  ADD ("exit-status", test_exit_status);
  ADD ("signals", test_signals);
  ADD ("signal-default", test_signal_default);
  ADD ("nested", test_nested);
  ADD ("signed-out", test_signed_out);
  ADD ("usage", test_usage);
  ADD ("ecs-server/botocore", test_ecs_server_botocore);
  ADD ("ecs-server/js-sdk", test_ecs_server_js);
  ADD ("ecs-server/renewal-failure", test_ecs_server_renewal_failure);

  return gh_test_env_run ();
}
