/* test-profile-add.c — one profile for one role (gatehouse profile add), and how sync treats it */
#include "config.h"

#include <sys/stat.h>

#include "gh-aws-config.h"
#include "gh-error.h"
#include "gh-profile-add.h"
#include "gh-profile-sync.h"
#include "gh-role.h"
#include "gh-test-util.h"

#define ADDED(s) "# Added by gatehouse profile add (sign-in \"" s "\"): gatehouse sync leaves " \
                 "it alone"
#define SYNCED(s) "# Managed by Gatehouse (sign-in \"" s "\"): changes here are overwritten " \
                  "by gatehouse sync"

/* What spec_for ("dev") writes */
#define DEV_PROFILE ADDED ("acme") "\n" \
                    "[profile dev]\n" \
                    "sso_session = acme\n" \
                    "sso_account_id = 111111111111\n" \
                    "sso_role_name = ReadOnly\n" \
                    "region = eu-west-1\n" \
                    "output = json\n"

static char *
config_path (void)
{
  return g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
}

static GhProfileSpec
spec_for (const char *name)
{
  GhProfileSpec spec = {
    .name = name,
    .session_name = "acme",
    .account_id = "111111111111",
    .role_name = "ReadOnly",
    .region = "eu-west-1",
    .output = "json",
  };

  return spec;
}

static void
add_ok (const char          *path,
        const GhProfileSpec *spec,
        gboolean             expect_replaced)
{
  g_autoptr(GError) error = NULL;
  gboolean replaced = !expect_replaced;

  g_assert_true (gh_profile_add (path, spec, &replaced, &error));
  g_assert_no_error (error);
  g_assert_cmpint (replaced, ==, expect_replaced);
}

static void
assert_file (const char *path,
             const char *expected)
{
  g_autofree char *text = gh_test_read_file (path, NULL);

  g_assert_cmpstr (text, ==, expected);
}

/* A missing file is created (mode 0600) with the section `aws configure sso` writes */
static void
test_new_file (void)
{
  g_autofree char *path = config_path ();
  GhProfileSpec spec = spec_for ("dev");
  g_autoptr(GhProfileConfig) found = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  add_ok (path, &spec, FALSE);
  assert_file (path, DEV_PROFILE);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The CLI's own reader: an SSO profile, and not sync's */
  found = gh_aws_config_find_profile (path, "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->sso_session, ==, "acme");
  g_assert_cmpstr (found->region, ==, "eu-west-1");
  g_assert_false (found->managed);
}

/* What is there stays byte for byte; names are quoted as the AWS CLI quotes them */
static void
test_appended (void)
{
  g_autofree char *path = config_path ();
  GhProfileSpec spec = spec_for ("my dev");
  GhProfileSpec def = spec_for ("default");
  GhProfileSpec legacy = spec_for ("old");

  gh_test_write_file (path, "# mine\r\n[sso-session acme]\r\nsso_region = us-east-1", -1);
  spec.region = NULL;
  spec.output = "";
  add_ok (path, &spec, FALSE);
  def.output = NULL;
  add_ok (path, &def, FALSE);
  legacy.legacy = TRUE;
  legacy.session_name = "old";
  legacy.start_url = "https://d-1234567890.awsapps.com/start";
  legacy.sso_region = "us-east-1";
  legacy.region = NULL;
  legacy.output = "text";
  add_ok (path, &legacy, FALSE);

  assert_file (path,
               "# mine\r\n[sso-session acme]\r\nsso_region = us-east-1\r\n"
               "\r\n"
               ADDED ("acme") "\r\n"
               "[profile 'my dev']\r\n"
               "sso_session = acme\r\n"
               "sso_account_id = 111111111111\r\n"
               "sso_role_name = ReadOnly\r\n"
               "\r\n"
               ADDED ("acme") "\r\n"
               "[default]\r\n"
               "sso_session = acme\r\n"
               "sso_account_id = 111111111111\r\n"
               "sso_role_name = ReadOnly\r\n"
               "region = eu-west-1\r\n"
               "\r\n"
               ADDED ("old") "\r\n"
               "[profile old]\r\n"
               "sso_start_url = https://d-1234567890.awsapps.com/start\r\n"
               "sso_region = us-east-1\r\n"
               "sso_account_id = 111111111111\r\n"
               "sso_role_name = ReadOnly\r\n"
               "output = text\r\n");
}

/* A profile a person wrote, or that sync writes for another role, is never overwritten */
static void
test_refuses_others (void)
{
  g_autofree char *path = config_path ();
  GhProfileSpec spec = spec_for ("dev");
  const char *original =
    "[profile dev]\nregion = us-east-1\n"
    SYNCED ("acme") "\n"
    "[profile synced]\nsso_session = acme\nsso_account_id = 111111111111\n"
    "sso_role_name = Admin\n"
    SYNCED ("other") "\n"
    "[profile theirs]\nsso_session = other\nsso_account_id = 111111111111\n"
    "sso_role_name = ReadOnly\n";
  const char *names[] = { "dev", "synced", "theirs" };
  const char *messages[] = { "already exists", "another role", "another role" };

  gh_test_write_file (path, original, -1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean replaced = FALSE;

      spec.name = names[i];
      g_assert_false (gh_profile_add (path, &spec, &replaced, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, messages[i]));
      assert_file (path, original);
    }
}

/* Gatehouse's own: a profile added before, or sync's for the same role, is replaced */
static void
test_replaces_own (void)
{
  g_autofree char *path = config_path ();
  GhProfileSpec spec = spec_for ("ReadOnly-111111111111");
  GhProfileSpec again = spec_for ("dev");

  gh_test_write_file (path,
                      SYNCED ("acme") "\n"
                      "[profile ReadOnly-111111111111]\nsso_session = acme\n"
                      "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
                      "\n"
                      ADDED ("old") "\n"
                      "[profile dev]\nsso_session = old\nsso_account_id = 222222222222\n"
                      "sso_role_name = Admin\ncli_pager =\n"
                      "\n"
                      "[profile kept]\nregion = us-east-1\n", -1);
  add_ok (path, &spec, TRUE);
  again.output = NULL;
  add_ok (path, &again, TRUE);

  assert_file (path,
               "[profile kept]\nregion = us-east-1\n"
               "\n"
               ADDED ("acme") "\n"
               "[profile ReadOnly-111111111111]\nsso_session = acme\n"
               "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
               "region = eu-west-1\noutput = json\n"
               "\n"
               ADDED ("acme") "\n"
               "[profile dev]\nsso_session = acme\n"
               "sso_account_id = 111111111111\nsso_role_name = ReadOnly\n"
               "region = eu-west-1\n");
}

static void
test_bad_input (void)
{
  g_autofree char *path = config_path ();
  const char *bad_names[] = { "", " dev", "dev ", "a]b", "a[b", "a\nb", "tab\there", "\xff" };
  GhProfileSpec spec;

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(GError) error = NULL;

      spec = spec_for (bad_names[i]);
      g_assert_false (gh_profile_add (path, &spec, NULL, &error));
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
    }

  {
    g_autoptr(GError) error = NULL;

    spec = spec_for ("dev");
    spec.region = "moon-1";
    g_assert_false (gh_profile_add (path, &spec, NULL, &error));
    g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(GError) error = NULL;

    spec = spec_for ("dev");
    spec.output = "xml";
    g_assert_false (gh_profile_add (path, &spec, NULL, &error));
    g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "yaml-stream"));
  }
  {
    g_autoptr(GError) error = NULL;

    spec = spec_for ("dev");
    spec.role_name = NULL;
    g_assert_false (gh_profile_add (path, &spec, NULL, &error));
    g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  }

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (gh_profile_validate_name ("Admin@prod,x=y+1", NULL));
  g_assert_true (gh_profile_validate_name ("my dev", NULL));
}

/* sync leaves an added profile alone: unchanged, never removed, and the role it stands for is
 * no clash; a role whose name it takes is */
static void
test_sync_leaves_it (void)
{
  g_autofree char *path = config_path ();
  GhProfileSpec spec = spec_for ("ReadOnly-111111111111");
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GhSyncResult) first = NULL;
  g_autoptr(GhSyncResult) gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;
  g_autofree char *after = NULL;
  GhSyncOptions options = { .template_ = "{role}-{account_id}" };
  GhSyncOptions clash = { .template_ = "ReadOnly-111111111111" };

  add_ok (path, &spec, FALSE);
  added = gh_test_read_file (path, NULL);

  g_ptr_array_add (roles, gh_role_new ("acme", "111111111111", "Prod", NULL, "ReadOnly"));
  g_ptr_array_add (roles, gh_role_new ("acme", "111111111111", "Prod", NULL, "Admin"));
  first = gh_profile_sync (path, "acme", roles, &options, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->added->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (first->added, 0), ==, "Admin-111111111111");
  g_assert_cmpuint (first->skipped->len, ==, 0);
  after = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_prefix (after, added));

  /* Both roles gone: only sync's own profile goes */
  g_ptr_array_set_size (roles, 0);
  gone = gh_profile_sync (path, "acme", roles, &options, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gone->removed->len, ==, 1);
  assert_file (path, added);

  /* Another role that would take the name: a clash, reported */
  {
    g_autoptr(GhSyncResult) result = NULL;

    g_ptr_array_add (roles, gh_role_new ("acme", "111111111111", "Prod", NULL, "Admin"));
    result = gh_profile_sync (path, "acme", roles, &clash, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->skipped->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (result->skipped, 0), "a profile you wrote"));
    assert_file (path, added);
  }

  /* Another sign-in's sync of the same account and role: a clash too */
  {
    g_autoptr(GhSyncResult) result = NULL;

    g_ptr_array_set_size (roles, 0);
    g_ptr_array_add (roles, gh_role_new ("other", "111111111111", "Prod", NULL, "ReadOnly"));
    result = gh_profile_sync (path, "other", roles, &options, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->skipped->len, ==, 1);
    assert_file (path, added);
  }
}

/* Off the main loop: the same section, and @replaced as the blocking call gives it. */
static void
test_async (void)
{
  g_autofree char *path = config_path ();
  g_autofree char *dev = g_strdup ("dev");
  GhProfileSpec spec = spec_for (dev);
  GAsyncResult *result = NULL;
  GAsyncResult *done = NULL;
  g_autoptr(GError) error = NULL;
  gboolean replaced = TRUE;

  gh_profile_add_async (path, &spec, NULL, gh_test_keep_result, &result);
  /* The spec is copied: the caller's strings may go at once. */
  g_clear_pointer (&dev, g_free);
  done = gh_test_wait_result (&result);
  g_assert_true (gh_profile_add_finish (done, &replaced, &error));
  g_assert_no_error (error);
  g_assert_false (replaced);
  g_clear_object (&done);
  assert_file (path, DEV_PROFILE);

  spec.name = "dev";
  gh_profile_add_async (path, &spec, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_true (gh_profile_add_finish (done, &replaced, &error));
  g_assert_no_error (error);
  g_assert_true (replaced);
  g_clear_object (&done);

  spec.output = "xml";
  gh_profile_add_async (path, &spec, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_false (gh_profile_add_finish (done, &replaced, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_object (&done);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/profile-add/new-file", test_new_file);
  g_test_add_func ("/profile-add/appended", test_appended);
  g_test_add_func ("/profile-add/refuses-others", test_refuses_others);
  g_test_add_func ("/profile-add/replaces-own", test_replaces_own);
  g_test_add_func ("/profile-add/bad-input", test_bad_input);
  g_test_add_func ("/profile-add/sync-leaves-it", test_sync_leaves_it);
  g_test_add_func ("/profile-add/async", test_async);

  return g_test_run ();
}
