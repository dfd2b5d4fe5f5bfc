/* test-i18n.c — the German translation reaches what people read: the CLI's help and messages,
 * the tray menu and a notification, under LANGUAGE=de (fixture: gh-test-tray.c; the fixtures
 * point GATEHOUSE_LOCALEDIR at the catalogues in the build tree)
 *
 * The locale stays C.UTF-8, as in every test: glibc ignores LANGUAGE only in the "C" and
 * "POSIX" locales, so no German locale needs to be generated on the machine. */
#include "config.h"

#include "gh-test-tray.h"

/* The tests' locale (gh_test_launcher()) with German messages. */
static void
use_german (GhTestFixture *fixture)
{
  g_ptr_array_add (fixture->extra_env, g_strdup ("LANGUAGE=de"));
}

/* `gatehouse --help`: the usage, the commands' summary and the exit codes in German. */
static void
test_cli_help (GhTestFixture *fixture,
               gconstpointer  data)
{
  g_autofree char *out = NULL;

  use_german (fixture);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "--help", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Aufruf: gatehouse BEFEHL [OPTIONEN]\n"));
  gh_test_assert_contains (out, "Hält Sie bei AWS IAM Identity Center angemeldet");
  gh_test_assert_contains (out, "  4  Schlüsselbund nicht verfügbar oder gesperrt\n");
  /* What is not to be translated stays as it is. */
  gh_test_assert_contains (out, "  login [NAME | --profile P] [--device-code] [--no-browser]");
  g_assert_null (strstr (out, "Usage:"));
}

/* A command's options (GOptionContext translates them in Gatehouse's domain) and an error
 * from the core, in German. */
static void
test_cli_messages (GhTestFixture *fixture,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  use_german (fixture);
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "login", "--help", NULL), ==, 0);
  gh_test_assert_contains (out, "[NAME] — anmelden");
  gh_test_assert_contains (out, "Mit einem Gerätecode anmelden");

  g_assert_cmpint (gh_test_run_cli (fixture, NULL, &err, "login", "no-such-sign-in", NULL),
                   ==, 2);
  gh_test_assert_contains (err, "Keine Anmeldung namens „no-such-sign-in“");
}

/* Without LANGUAGE the same build speaks English: the German comes from the catalogue the
 * environment asks for, not from the program. */
static void
test_cli_english (GhTestFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "--help", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Usage: gatehouse COMMAND [OPTIONS]\n"));
}

static gboolean
has_sync_failure_cb (gpointer data)
{
  TrayFixture *fixture = data;
  g_autoptr(GPtrArray) list = notifications (fixture);

  return list->len > 0;
}

/* The tray service under LANGUAGE=de: its menu and a notification (a sync of a sign-in that
 * does not exist) in German. */
static void
test_tray (TrayFixture  *fixture,
           gconstpointer data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) list = NULL;
  Notification *n;

  use_german (&fixture->env);
  start_service (fixture);

  wait_for_row (fixture, "Noch keine Anmeldungen");
  rows = menu_rows (fixture);
  g_assert_nonnull (find_row (rows, "Anmeldung hinzufügen …"));
  g_assert_nonnull (find_row (rows, "AWS-CLI-Profile abgleichen"));
  g_assert_nonnull (find_row (rows, "Beenden"));
  g_assert_null (find_row (rows, "Quit"));

  activate_action (fixture, "sync", "no-such-sign-in");
  gh_test_wait_for (has_sync_failure_cb, fixture, 30000, "the notification of the sync");

  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 1);
  n = g_ptr_array_index (list, 0);
  g_assert_cmpstr (n->summary, ==, "AWS-CLI-Profile konnten nicht abgeglichen werden");
  g_assert_cmpstr (n->body, ==, "Diese Anmeldung gibt es nicht");
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  gh_test_add ("/i18n/cli/help", test_cli_help);
  gh_test_add ("/i18n/cli/messages", test_cli_messages);
  gh_test_add ("/i18n/cli/english", test_cli_english);
  g_test_add ("/i18n/tray", TrayFixture, NULL, tray_setup, test_tray, tray_teardown);
  return gh_test_env_run ();
}
