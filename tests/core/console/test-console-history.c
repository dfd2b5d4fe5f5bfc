/* test-console-history.c — consoles opened and the recent roles */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-console-history.h"
#include "gh-file-util.h"

static char *
history_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "gatehouse", "consoles.json", NULL);
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
add (const char *session,
     const char *account_id,
     const char *account_name,
     const char *role,
     gint64      expires_at)
{
  g_autoptr(GError) error = NULL;
  GhConsoleRecord record = {
    .session_name = (char *) session,
    .account_id = (char *) account_id,
    .account_name = (char *) account_name,
    .role_name = (char *) role,
    .region = (char *) "eu-west-1",
    .opened_at = now (),
    .expires_at = expires_at,
  };

  g_assert_true (gh_console_history_add (&record, &error));
  g_assert_no_error (error);
}

static void
write_file (const char *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = history_path ();

  g_assert_true (gh_file_write_private (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
assert_empty (void)
{
  g_autoptr(GPtrArray) records = gh_console_history_list ();
  g_auto(GStrv) recent = gh_console_history_recent_roles ();

  g_assert_nonnull (records);
  g_assert_cmpuint (records->len, ==, 0);
  g_assert_nonnull (recent);
  g_assert_cmpuint (g_strv_length (recent), ==, 0);
}

static void
test_empty (void)
{
  assert_empty ();
}

static void
test_add_list (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_auto(GStrv) recent = NULL;
  const GhConsoleRecord *record;
  gint64 expires = now () + 3600;

  add ("work", "111111111111", "Production", "Admin", expires);
  add ("work", "222222222222", NULL, "ReadOnly", expires + 1);
  add ("home", "333333333333", "Sandbox", "Dev", expires + 2);

  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, 3);

  record = g_ptr_array_index (records, 0);
  g_assert_cmpstr (record->session_name, ==, "home");
  g_assert_cmpstr (record->account_id, ==, "333333333333");
  g_assert_cmpstr (record->account_name, ==, "Sandbox");
  g_assert_cmpstr (record->role_name, ==, "Dev");
  g_assert_cmpstr (record->region, ==, "eu-west-1");
  g_assert_cmpint (record->expires_at, ==, expires + 2);
  g_assert_cmpint (record->opened_at, >, 0);

  record = g_ptr_array_index (records, 1);
  g_assert_cmpstr (record->account_id, ==, "222222222222");
  g_assert_null (record->account_name);
  g_assert_cmpstr (record->role_name, ==, "ReadOnly");

  record = g_ptr_array_index (records, 2);
  g_assert_cmpstr (record->account_id, ==, "111111111111");
  g_assert_cmpstr (record->account_name, ==, "Production");

  recent = gh_console_history_recent_roles ();
  g_assert_cmpuint (g_strv_length (recent), ==, 3);
  g_assert_cmpstr (recent[0], ==, "home/333333333333/Dev");
  g_assert_cmpstr (recent[1], ==, "work/222222222222/ReadOnly");
  g_assert_cmpstr (recent[2], ==, "work/111111111111/Admin");
}

static void
test_file_format (void)
{
  g_autofree char *path = history_path ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *console;
  JsonArray *consoles, *recent;
  struct stat st;

  add ("work", "111111111111", NULL, "Admin", 1700000000);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  consoles = json_object_get_array_member (root, "consoles");
  g_assert_cmpuint (json_array_get_length (consoles), ==, 1);
  console = json_array_get_object_element (consoles, 0);
  g_assert_cmpstr (json_object_get_string_member (console, "session"), ==, "work");
  g_assert_cmpstr (json_object_get_string_member (console, "accountId"), ==, "111111111111");
  g_assert_false (json_object_has_member (console, "accountName"));
  g_assert_cmpstr (json_object_get_string_member (console, "role"), ==, "Admin");
  g_assert_cmpstr (json_object_get_string_member (console, "region"), ==, "eu-west-1");
  g_assert_cmpint (json_object_get_int_member (console, "expiresAt"), ==, 1700000000);
  g_assert_true (json_object_has_member (console, "openedAt"));
  recent = json_object_get_array_member (root, "recent");
  g_assert_cmpuint (json_array_get_length (recent), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (recent, 0), ==, "work/111111111111/Admin");
}

static void
test_bound (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_auto(GStrv) recent = NULL;
  const guint total = GH_CONSOLE_RECORDS_MAX + 10;

  for (guint i = 0; i < total; i++)
    {
      g_autofree char *account = g_strdup_printf ("%012u", i);

      add ("work", account, NULL, "Admin", now () + 3600);
    }

  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, GH_CONSOLE_RECORDS_MAX);
  for (guint i = 0; i < records->len; i++)
    {
      const GhConsoleRecord *record = g_ptr_array_index (records, i);
      g_autofree char *expected = g_strdup_printf ("%012u", total - 1 - i);

      g_assert_cmpstr (record->account_id, ==, expected);
    }

  recent = gh_console_history_recent_roles ();
  g_assert_cmpuint (g_strv_length (recent), ==, GH_RECENT_ROLES_MAX);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *expected = g_strdup_printf ("work/%012u/Admin", total - 1 - i);

      g_assert_cmpstr (recent[i], ==, expected);
    }
}

static void
test_recent_move_to_front (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_auto(GStrv) recent = NULL;
  gint64 expires = now () + 3600;

  add ("work", "111111111111", NULL, "Admin", expires);
  add ("work", "222222222222", NULL, "Admin", expires);
  add ("home", "111111111111", NULL, "Admin", expires);   /* other session: another role */
  add ("work", "111111111111", NULL, "Admin", expires);   /* again: to the front, once */
  add ("work", "111111111111", NULL, "ReadOnly", expires);

  recent = gh_console_history_recent_roles ();
  g_assert_cmpuint (g_strv_length (recent), ==, 4);
  g_assert_cmpstr (recent[0], ==, "work/111111111111/ReadOnly");
  g_assert_cmpstr (recent[1], ==, "work/111111111111/Admin");
  g_assert_cmpstr (recent[2], ==, "home/111111111111/Admin");
  g_assert_cmpstr (recent[3], ==, "work/222222222222/Admin");

  /* Each console opened is its own record, repeats included. */
  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, 5);
}

static void
test_prune_expired (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_auto(GStrv) recent = NULL;
  gint64 t = now ();

  add ("work", "000000000001", NULL, "LongGone", t - 2 * 24 * 3600);
  add ("work", "000000000002", NULL, "RecentlyEnded", t - 3600);
  add ("work", "000000000003", NULL, "UnknownExpiry", 0);
  add ("work", "000000000004", NULL, "Live", t + 3600);

  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (((GhConsoleRecord *) g_ptr_array_index (records, 0))->role_name, ==, "Live");
  g_assert_cmpstr (((GhConsoleRecord *) g_ptr_array_index (records, 1))->role_name, ==,
                   "UnknownExpiry");
  g_assert_cmpstr (((GhConsoleRecord *) g_ptr_array_index (records, 2))->role_name, ==,
                   "RecentlyEnded");

  /* The recent roles are about roles, not sessions: an old console does not drop its role. */
  recent = gh_console_history_recent_roles ();
  g_assert_cmpuint (g_strv_length (recent), ==, 4);
}

static void
test_corrupt (void)
{
  static const char * const corrupt[] = {
    "",
    "{",
    "not json at all",
    "[1, 2, 3]",
    "{\"version\": 2, \"consoles\": [], \"recent\": [\"a/b/c\"]}",
    "{\"version\": \"1\"}",
    "\x01\x02\xff\xfe",
    NULL
  };
  g_autofree char *path = history_path ();

  for (guint i = 0; corrupt[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      write_file (corrupt[i]);
      assert_empty ();

      /* Replaced by the next add. */
      add ("work", "111111111111", NULL, "Admin", now () + 3600);
      records = gh_console_history_list ();
      g_assert_cmpuint (records->len, ==, 1);
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
    }
}

static void
test_partly_bad (void)
{
  g_autoptr(GPtrArray) records = NULL;
  g_auto(GStrv) recent = NULL;

  /* Bad entries are skipped, good ones kept. */
  write_file ("{\"version\": 1,"
              " \"consoles\": [42, {\"session\": \"work\"},"
              "   {\"session\": \"work\", \"accountId\": \"111111111111\", \"role\": \"Admin\","
              "    \"region\": 7, \"openedAt\": \"soon\", \"expiresAt\": 0}],"
              " \"recent\": [null, 3, \"work/111111111111/Admin\"],"
              " \"future\": true}");

  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (((GhConsoleRecord *) g_ptr_array_index (records, 0))->role_name, ==, "Admin");
  g_assert_null (((GhConsoleRecord *) g_ptr_array_index (records, 0))->region);
  g_assert_cmpint (((GhConsoleRecord *) g_ptr_array_index (records, 0))->opened_at, ==, 0);

  recent = gh_console_history_recent_roles ();
  g_assert_cmpuint (g_strv_length (recent), ==, 1);
  g_assert_cmpstr (recent[0], ==, "work/111111111111/Admin");

  /* "consoles" of the wrong type */
  write_file ("{\"version\": 1, \"consoles\": {}, \"recent\": \"x\"}");
  assert_empty ();
}

static void
test_mode_replaces_wider (void)
{
  g_autofree char *path = history_path ();
  struct stat st;

  write_file ("{}");
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  add ("work", "111111111111", NULL, "Admin", now () + 3600);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

#define ADDS_PER_THREAD 20

static gpointer
adder_thread (gpointer data)
{
  const char *session = data;

  for (guint i = 0; i < ADDS_PER_THREAD; i++)
    {
      g_autofree char *account = g_strdup_printf ("%012u", i);
      g_autoptr(GError) error = NULL;
      GhConsoleRecord record = {
        .session_name = (char *) session,
        .account_id = account,
        .role_name = (char *) "Admin",
        .region = (char *) "us-east-1",
        .opened_at = now (),
        .expires_at = now () + 3600,
      };

      if (!gh_console_history_add (&record, &error))
        return g_steal_pointer (&error);
    }

  return NULL;
}

/* Two writers at once (the CLI and the tray, say) must not lose each other's records. */
static void
test_concurrent (void)
{
  GThread *a, *b;
  GError *error_a, *error_b;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  G_STATIC_ASSERT (2 * ADDS_PER_THREAD <= GH_CONSOLE_RECORDS_MAX);

  a = g_thread_new ("adder-a", adder_thread, (gpointer) "alpha");
  b = g_thread_new ("adder-b", adder_thread, (gpointer) "beta");
  error_a = g_thread_join (a);
  error_b = g_thread_join (b);
  g_assert_no_error (error_a);
  g_assert_no_error (error_b);

  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, 2 * ADDS_PER_THREAD);
  for (guint i = 0; i < records->len; i++)
    {
      const GhConsoleRecord *record = g_ptr_array_index (records, i);

      g_hash_table_add (seen, g_strdup_printf ("%s/%s", record->session_name,
                                               record->account_id));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 2 * ADDS_PER_THREAD);
}

static char *self_path;

/* The same across processes: the lock is a file lock, not a mutex. g_test_trap_subprocess()
 * runs one child at a time, so the children are spawned directly and overlap. */
static void
test_concurrent_processes (void)
{
  g_autofree char *state = g_strdup (g_get_user_state_dir ());
  g_autofree char *runtime = g_strdup (g_get_user_runtime_dir ());
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_object_unref);
  const char *argv[] = { self_path, NULL };

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_autoptr(GError) error = NULL;
      GSubprocess *child;

      g_subprocess_launcher_setenv (launcher, "GH_TEST_CHILD_SESSION", i == 0 ? "alpha" : "beta",
                                    TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
      child = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      g_ptr_array_add (children, child);
    }

  for (guint i = 0; i < children->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_subprocess_wait_check (g_ptr_array_index (children, i), NULL, &error);
      g_assert_no_error (error);
    }

  records = gh_console_history_list ();
  g_assert_cmpuint (records->len, ==, 2 * ADDS_PER_THREAD);
}

int
main (int   argc,
      char *argv[])
{
  const char *child_session = g_getenv ("GH_TEST_CHILD_SESSION");
  g_autofree char *path = g_canonicalize_filename (argv[0], NULL);

  /* A child of test_concurrent_processes: add, in the dirs its parent gave it. */
  if (child_session != NULL)
    {
      GError *error = adder_thread ((gpointer) child_session);

      if (error != NULL)
        g_error ("%s", error->message);
      return 0;
    }

  self_path = path;
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/console-history/empty", test_empty);
  g_test_add_func ("/console-history/add-list", test_add_list);
  g_test_add_func ("/console-history/file-format", test_file_format);
  g_test_add_func ("/console-history/bound", test_bound);
  g_test_add_func ("/console-history/recent-move-to-front", test_recent_move_to_front);
  g_test_add_func ("/console-history/prune-expired", test_prune_expired);
  g_test_add_func ("/console-history/corrupt", test_corrupt);
  g_test_add_func ("/console-history/partly-bad", test_partly_bad);
  g_test_add_func ("/console-history/mode", test_mode_replaces_wider);
  g_test_add_func ("/console-history/concurrent-threads", test_concurrent);
  g_test_add_func ("/console-history/concurrent-processes", test_concurrent_processes);

  return g_test_run ();
}
