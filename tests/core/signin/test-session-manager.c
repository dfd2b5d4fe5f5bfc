/* test-session-manager.c — tests for src/core/signin/gh-session-manager.c */
#include "config.h"

#include "gh-error.h"
#include "gh-session-manager.h"
#include "gh-test-util.h"

#include <string.h>
#include <glib/gstdio.h>

#define WORK_URL "https://work.awsapps.com/start"
#define LAB_URL "https://lab.awsapps.com/start"

static const char two_sessions[] =
  "# hand-written\n"
  "[sso-session work]\n"
  "sso_start_url = " WORK_URL "\n"
  "sso_region = eu-west-1\n"
  "\n"
  "[sso-session lab]\n"
  "sso_start_url = " LAB_URL "\n"
  "sso_region = us-east-1\n";

static char *
config_path (void)
{
  return g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
}

static GhSessionManager *
manager_for (const char *contents)
{
  g_autofree char *path = config_path ();
  g_autoptr(GhSessionManager) manager = NULL;
  g_autoptr(GError) error = NULL;

  gh_test_write_file (path, contents, -1);
  manager = gh_session_manager_new (path);
  g_assert_true (gh_session_manager_reload (manager, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&manager);
}

static const char *
name_at (GhSessionManager *manager,
         guint             position)
{
  g_autoptr(GhSession) session = g_list_model_get_item (G_LIST_MODEL (manager), position);

  g_assert_nonnull (session);
  /* The manager holds a reference of its own, so the name outlives this one. */
  return gh_session_get_name (session);
}

static void
test_model (void)
{
  g_autoptr(GhSessionManager) manager = manager_for (two_sessions);
  GListModel *model = G_LIST_MODEL (manager);

  g_assert_true (g_list_model_get_item_type (model) == GH_TYPE_SESSION);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpstr (name_at (manager, 0), ==, "work");
  g_assert_cmpstr (name_at (manager, 1), ==, "lab");
  g_assert_null (g_list_model_get_item (model, 2));
  g_assert_cmpstr (gh_session_get_region (gh_session_manager_lookup (manager, "work")), ==,
                   "eu-west-1");
  g_assert_null (gh_session_manager_lookup (manager, "nope"));
  g_assert_null (gh_session_manager_lookup (manager, NULL));
}

/* A definition without a region or with a made-up one is listed as a config, kept out of the
 * model, and named in the error of a lookup. */
static void
test_unusable (void)
{
  g_autoptr(GhSessionManager) manager = manager_for (
    "[sso-session work]\n"
    "sso_start_url = " WORK_URL "\n"
    "sso_region = eu-west-1\n"
    "[sso-session half]\n"
    "sso_start_url = " LAB_URL "\n"
    "[sso-session odd]\n"
    "sso_start_url = " LAB_URL "\n"
    "sso_region = mars-north-1x\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);
  g_assert_cmpuint (gh_session_manager_get_configs (manager)->len, ==, 3);

  session = gh_session_manager_find (manager, "half", &error);
  g_assert_null (session);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "sso_region"));
  g_clear_error (&error);

  session = gh_session_manager_find (manager, "odd", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "mars-north-1x"));
}

static void
test_find (void)
{
  g_autoptr(GhSessionManager) manager = manager_for (two_sessions);
  g_autoptr(GhSessionManager) single = NULL;
  g_autoptr(GhSessionManager) none = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = gh_session_manager_find (manager, "lab", &error);
  g_assert_no_error (error);
  g_assert_true (session == gh_session_manager_lookup (manager, "lab"));
  g_clear_object (&session);

  session = gh_session_manager_find (manager, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "work, lab"));
  g_clear_error (&error);

  session = gh_session_manager_find (manager, "nope", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_nonnull (strstr (error->message, "“nope”"));
  g_clear_error (&error);

  single = manager_for ("[sso-session only]\nsso_start_url = " WORK_URL "\n"
                        "sso_region = eu-west-1\n");
  session = gh_session_manager_find (single, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gh_session_get_name (session), ==, "only");
  g_clear_object (&session);

  none = manager_for ("[profile plain]\nregion = eu-west-1\n");
  session = gh_session_manager_find (none, NULL, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_nonnull (strstr (error->message, "gatehouse session add"));
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *count)
{
  (*count)++;
}

/* An unrelated edit keeps the same GhSession objects and says nothing; a changed definition
 * gets a new object; a broken file leaves the list as it was. */
static void
test_reload_keeps_sessions (void)
{
  g_autoptr(GhSessionManager) manager = manager_for (two_sessions);
  g_autofree char *path = config_path ();
  g_autofree char *edited = g_strconcat (two_sessions, "[profile other]\nregion = x\n", NULL);
  GhSession *work = gh_session_manager_lookup (manager, "work");
  GhSession *lab = gh_session_manager_lookup (manager, "lab");
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_signal_connect (manager, "items-changed", G_CALLBACK (count_changes), &changes);

  gh_test_write_file (path, edited, -1);
  g_assert_true (gh_session_manager_reload (manager, &error));
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (gh_session_manager_lookup (manager, "work") == work);

  gh_test_write_file (path,
                      "[sso-session work]\n"
                      "sso_start_url = " WORK_URL "\n"
                      "sso_region = eu-west-1\n"
                      "[sso-session lab]\n"
                      "sso_start_url = " LAB_URL "\n"
                      "sso_region = eu-central-1\n", -1);
  g_assert_true (gh_session_manager_reload (manager, &error));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (gh_session_manager_lookup (manager, "work") == work);
  g_assert_true (gh_session_manager_lookup (manager, "lab") != lab);
  g_assert_cmpstr (gh_session_get_region (gh_session_manager_lookup (manager, "lab")), ==,
                   "eu-central-1");

  /* A directory where the file should be cannot be read. */
  g_assert_no_errno (g_remove (path));
  g_assert_no_errno (g_mkdir (path, 0700));
  g_assert_false (gh_session_manager_reload (manager, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  g_assert_no_errno (g_rmdir (path));
}

static void
quit_loop (GMainLoop *loop)
{
  g_main_loop_quit (loop);
}

static gboolean
timed_out (gpointer user_data)
{
  g_error ("the manager did not see the change within 10 s");
  return G_SOURCE_REMOVE;
}

/* Another program (the AWS CLI, an editor) adds a sign-in: the model follows. */
static void
test_watch (void)
{
  g_autoptr(GhSessionManager) manager = manager_for (two_sessions);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *path = config_path ();
  g_autofree char *more = g_strconcat (two_sessions,
                                       "[sso-session new]\n"
                                       "sso_start_url = " WORK_URL "\n"
                                       "sso_region = ap-south-1\n", NULL);
  guint timeout_id;

  gh_session_manager_watch (manager);
  g_signal_connect_swapped (manager, "config-changed", G_CALLBACK (quit_loop), loop);
  gh_test_write_file (path, more, -1);
  timeout_id = g_timeout_add_seconds (10, timed_out, NULL);
  g_main_loop_run (loop);
  g_source_remove (timeout_id);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 3);
  g_assert_cmpstr (name_at (manager, 2), ==, "new");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/session-manager/model", test_model);
  g_test_add_func ("/session-manager/unusable", test_unusable);
  g_test_add_func ("/session-manager/find", test_find);
  g_test_add_func ("/session-manager/reload-keeps-sessions", test_reload_keeps_sessions);
  g_test_add_func ("/session-manager/watch", test_watch);

  return g_test_run ();
}
