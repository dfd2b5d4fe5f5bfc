/* test-completion.c — `gatehouse __complete` and the bash, zsh and fish completions that use it
 * (data/completions/), each driven through its shell's own completion mechanism */
#include "config.h"

#include <sys/wait.h>

#include <glib/gstdio.h>

#include "gh-test-util.h"

static const char config_text[] =
  "[sso-session work]\n"
  "sso_start_url = https://work.awsapps.com/start\n"
  "sso_region = us-east-1\n"
  "[sso-session play]\n"
  "sso_start_url = https://play.awsapps.com/start\n"
  "sso_region = eu-west-1\n"
  "[profile dev]\n"
  "sso_session = work\n"
  "sso_account_id = 111111111111\n"
  "sso_role_name = ReadOnly\n"
  "[default]\n"
  "region = us-east-1\n"
  "[profile default]\n"
  "output = json\n";

typedef struct
{
  char  *config;
  GStrv  env;
} Fixture;

static const char *
gatehouse_path (void)
{
  const char *path = g_getenv ("GH_GATEHOUSE");

  return path != NULL ? path : GH_TEST_GATEHOUSE;
}

/* The AWS config file above, and PATH leading to the gatehouse under test. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *bindir = g_path_get_dirname (gatehouse_path ());
  g_autofree char *path = g_strconcat (bindir, ":", g_getenv ("PATH"), NULL);

  fixture->config = g_build_filename (g_get_home_dir (), "aws-config", NULL);
  gh_test_write_file (fixture->config, config_text, -1);
  fixture->env = g_get_environ ();
  fixture->env = g_environ_setenv (fixture->env, "AWS_CONFIG_FILE", fixture->config, TRUE);
  fixture->env = g_environ_setenv (fixture->env, "PATH", path, TRUE);
  fixture->env = g_environ_setenv (fixture->env, "LC_ALL", "C.UTF-8", TRUE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->config);
  g_strfreev (fixture->env);
}

static char *
script_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "completions", name, NULL);
}

/* Runs argv; returns its standard output, or NULL (and the test is skipped) when the program
 * is not installed. */
static char *
run (Fixture            *fixture,
     const char * const *argv,
     int                *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path (argv[0]);
  char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (program == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s is not installed", argv[0]);

      g_test_skip (message);
      return NULL;
    }

  g_spawn_sync (NULL, (char **) argv, fixture->env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("%s: %s%s", argv[0], out, err);
  if (exit_status != NULL)
    *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  else
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static char *
complete_words (Fixture    *fixture,
                const char *first,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (argv, (char *) gatehouse_path ());
  g_ptr_array_add (argv, (char *) "__complete");
  g_ptr_array_add (argv, (char *) "--");
  va_start (args, first);
  for (const char *word = first; word != NULL; word = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) word);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return run (fixture, (const char * const *) argv->pdata, NULL);
}

/* What the helper offers: commands, subcommands, a command's own options, sign-ins where a
 * sign-in goes, profiles after --profile, the values of options with few of them */
static void
test_helper (Fixture       *fixture,
             gconstpointer  data)
{
  static const struct
  {
    const char *words[6];
    const char *expected;
  } cases[] = {
    { { "lo", NULL }, "login\tSign in\nlogout\tSign out\n" },
    { { "login", "", NULL }, "work\thttps://work.awsapps.com/start\n"
                             "play\thttps://play.awsapps.com/start\n" },
    { { "login", "w", NULL }, "work\thttps://work.awsapps.com/start\n" },
    { { "login", "work", "", NULL }, "" },
    { { "login", "--pro", NULL }, "--profile\tThe sign-in of this profile\n" },
    { { "status", "--profile", "", NULL }, "dev\ndefault\n" },
    { { "status", "--profile=d", NULL }, "--profile=dev\n--profile=default\n" },
    { { "login", "--profile", "dev", "p", NULL }, "play\thttps://play.awsapps.com/start\n" },
    { { "credentials", "--format", "p", NULL }, "process\npowershell\n" },
    { { "console", "--browser=ch", NULL }, "--browser=chromium\n--browser=chrome\n" },
    { { "profile", "add", "--output", "y", NULL }, "yaml\nyaml-stream\n" },
    { { "profile", "", NULL }, "add\n" },
    { { "session", "r", NULL }, "remove\n" },
    { { "session", "remove", "p", NULL }, "play\thttps://play.awsapps.com/start\n" },
    { { "session", "add", "--st", NULL },
      "--start-url\tAccess portal URL, e.g. https://d-1234567890.awsapps.com/start\n" },
    { { "favorite", "l", NULL }, "list\n" },
    { { "exec", "--profile", "dev", "--", "l", NULL }, "" },
    { { "nosuch", "", NULL }, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const *w = cases[i].words;
      g_autofree char *out = complete_words (fixture, w[0], w[1], w[2], w[3], w[4], w[5], NULL);
      g_autofree char *line = g_strjoinv (" ", (char **) w);

      g_test_message ("gatehouse %s", line);
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

/* bash: the completion function with COMP_WORDS and COMP_CWORD, as bash calls it */
static char *
bash_complete (Fixture    *fixture,
               const char *words,
               guint       cword)
{
  g_autofree char *script = script_path ("gatehouse.bash");
  g_autofree char *code = g_strdup_printf ("source '%s' && COMP_WORDS=(%s) && COMP_CWORD=%u && "
                                           "_gatehouse && printf '%%s\\n' \"${COMPREPLY[@]}\"",
                                           script, words, cword);
  const char *argv[] = { "bash", "--norc", "--noprofile", "-c", code, NULL };

  return run (fixture, argv, NULL);
}

static void
test_bash (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *session = bash_complete (fixture, "gatehouse login w", 2);
  g_autofree char *both = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *value = NULL;
  g_autofree char *after_equals = NULL;

  if (session == NULL)
    return;
  g_assert_cmpstr (session, ==, "work\n");
  both = bash_complete (fixture, "gatehouse logout ''", 2);
  g_assert_cmpstr (both, ==, "work\nplay\n");
  profile = bash_complete (fixture, "gatehouse status --profile def", 3);
  g_assert_cmpstr (profile, ==, "default\n");
  /* bash cuts "--format=e" at "=" (COMP_WORDBREAKS); the word to replace is after it. */
  value = bash_complete (fixture, "gatehouse credentials --format = e", 4);
  g_assert_cmpstr (value, ==, "env\n");
  after_equals = bash_complete (fixture, "gatehouse console --mode =", 3);
  g_assert_cmpstr (after_equals, ==, "federation\nportal\n");
}

/* zsh: an interactive zsh on a terminal (zpty), with compinit finding _gatehouse in fpath; the
 * line is completed in place */
static void
test_zsh (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *driver = g_test_build_filename (G_TEST_DIST, "fixtures", "zsh-complete.zsh",
                                                   NULL);
  g_autofree char *dir = script_path ("");
  const char *session[] = { "zsh", "-f", driver, dir, "gatehouse login w",
                            "*gatehouse login work*", NULL };
  const char *profile[] = { "zsh", "-f", driver, dir, "gatehouse status --profile def",
                            "*--profile default*", NULL };
  g_autofree char *out = NULL;
  g_autofree char *out_profile = NULL;
  int status = -1;

  if ((out = run (fixture, session, &status)) == NULL)
    return;
  if (status == 77)
    {
      g_test_skip ("zsh has no zsh/zpty module");
      return;
    }
  g_assert_cmpint (status, ==, 0);
  out_profile = run (fixture, profile, &status);
  g_assert_cmpint (status, ==, 0);
}

/* fish: `complete -C`, which prints what fish would offer, with the descriptions */
static void
test_fish (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *script = script_path ("gatehouse.fish");
  g_autofree char *code = g_strdup_printf ("source '%s'; complete -C 'gatehouse login w'; "
                                           "complete -C 'gatehouse status --profile '", script);
  const char *argv[] = { "fish", "--no-config", "-c", code, NULL };
  g_autofree char *out = run (fixture, argv, NULL);

  if (out == NULL)
    return;
  g_assert_cmpstr (out, ==, "work\thttps://work.awsapps.com/start\n"
                            "default\n"
                            "dev\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/completion/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("helper", test_helper);
  ADD ("bash", test_bash);
  ADD ("zsh", test_zsh);
  ADD ("fish", test_fish);

  return g_test_run ();
}
