/* test-profile-sync.c — profiles in the AWS config file (and gh_aws_config_find_profile) */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gh-aws-config.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-ini.h"
#include "gh-lock.h"
#include "gh-profile-marker.h"
#include "gh-profile-sync.h"
#include "gh-role.h"
#include "gh-sync-settings.h"
#include "gh-test-util.h"

#define MARKER(s) "# Managed by Gatehouse (sign-in \"" s "\"): changes here are overwritten " \
                  "by gatehouse sync"

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */

static char *
config_path (void)
{
  return g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
}

static char *
corpus_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "sync", name, NULL);
}

/* The corpus file as ~/.aws/config; returns the path */
static char *
config_from_corpus (const char *name)
{
  g_autofree char *source = corpus_path (name);
  gsize length = 0;
  g_autofree char *contents = gh_test_read_file (source, &length);
  char *path = config_path ();

  gh_test_write_file (path, contents, length);
  return path;
}

static GPtrArray *
roles_new (const char *session,
           ...)
{
  GPtrArray *roles = g_ptr_array_new_with_free_func (g_object_unref);
  va_list args;
  const char *account_id;

  va_start (args, session);
  while ((account_id = va_arg (args, const char *)) != NULL)
    {
      const char *account_name = va_arg (args, const char *);
      const char *role_name = va_arg (args, const char *);

      g_ptr_array_add (roles, gh_role_new (session, account_id, account_name, NULL, role_name));
    }
  va_end (args);

  return roles;
}

/* The roles the corpus is synced with */
static GPtrArray *
acme_roles (void)
{
  return roles_new ("acme",
                    "111111111111", "Prod", "ReadOnly",
                    "111111111111", "Prod", "Admin",
                    "222222222222", NULL, "ReadOnly",
                    NULL);
}

static GhSyncResult *
sync_ok (const char          *path,
         const char          *session,
         GPtrArray           *roles,
         const GhSyncOptions *options,
         gboolean             dry_run)
{
  g_autoptr(GError) error = NULL;
  GhSyncResult *result = gh_profile_sync (path, session, roles, options, dry_run, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static char *
join (GPtrArray *list)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, g_ptr_array_index (list, i));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_list(list, expected) \
  G_STMT_START { \
    g_autofree char *joined_ = join (list); \
    g_assert_cmpstr (joined_, ==, expected); \
  } G_STMT_END

static gint64
mtime_ns (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
}

/* Makes a later write visible in the mtime even on coarse-grained file systems */
static void
age_file (const char *path)
{
  struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Names                                                                                    */

static void
test_name_template (void)
{
  static const struct
  {
    const char *template_;
    const char *account_name;
    const char *role;
    const char *expected;
    int         error;    /* -1: none */
  } cases[] = {
    { NULL, "Prod", "ReadOnly", "ReadOnly-111111111111", -1 },
    { "{role}-{account_id}", "Prod", "ReadOnly", "ReadOnly-111111111111", -1 },
    { "{account_name}.{role}", "Prod", "ReadOnly", "Prod.ReadOnly", -1 },
    { "{account_name}.{role}", NULL, "ReadOnly", "111111111111.ReadOnly", -1 },
    { "{account_name}.{role}", "", "ReadOnly", "111111111111.ReadOnly", -1 },
    { "{session}/{role}", "Prod", "ReadOnly", "my-sso-ReadOnly", -1 },
    { "{account_name}-{role}", "Prod Account", "Read Only", "Prod-Account-Read-Only", -1 },
    { "{account_name}-{role}", "[prod]", "ReadOnly", "prod-ReadOnly", -1 },
    { "{account_name}", "\"quoted\" 'name'", "r", "quoted-name", -1 },
    { "{account_name}", "a\tb\nc\rd\x01" "e", "r", "a-b-c-d-e", -1 },
    { "{account_name}", "Données Prod", "r", "Donn-es-Prod", -1 },
    { "{account_name}", "本番", "r", NULL, GH_ERROR_INVALID_INPUT },
    { "{account_name}-{role}", "本番", "Admin", "Admin", -1 },
    { "{account_name}", "--a--b--", "r", "a-b", -1 },
    /* The AWS SDK for JavaScript ignores profiles whose names have ',' or '=' */
    { "{account_name}", "a@b+c=d,e_f.g", "r", "a@b+c-d-e_f.g", -1 },
    { "{role}", "Prod", "Data,Read=Only", "Data-Read-Only", -1 },
    { "{role}", "Prod", "=,a,=", "a", -1 },
    { "{account_name}", "x;y#z$w%v&u*t!s?r~q`p|o\\n<m>l", "r", "x-y-z-w-v-u-t-s-r-q-p-o-n-m-l", -1 },
    { "prefix {role}", "Prod", "ReadOnly", "prefix-ReadOnly", -1 },
    { "{role}-{oops}", "Prod", "ReadOnly", NULL, GH_ERROR_INVALID_INPUT },
    { "{role}-{account_id", "Prod", "ReadOnly", NULL, GH_ERROR_INVALID_INPUT },
    { "", "Prod", "ReadOnly", NULL, GH_ERROR_INVALID_INPUT },
    { "[ ]", "Prod", "ReadOnly", NULL, GH_ERROR_INVALID_INPUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;

      name = gh_profile_name_from_template (cases[i].template_, "my sso", "111111111111",
                                            cases[i].account_name, cases[i].role, &error);
      g_test_message ("case %u: %s", i, cases[i].template_);
      if (cases[i].error >= 0)
        {
          g_assert_error (error, GH_ERROR, cases[i].error);
          g_assert_null (name);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpstr (name, ==, cases[i].expected);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Corpus: expected outputs byte for byte, then a second sync changes nothing              */

typedef struct
{
  const char *input;
  const char *expected;
  const char *region;
  const char *output;
  const char *added;
  const char *updated;
  const char *removed;
  const char *skipped;
} CorpusCase;

static const CorpusCase corpus[] = {
  { "empty.ini", "empty.expected", NULL, NULL,
    "Admin-111111111111|ReadOnly-111111111111|ReadOnly-222222222222", "", "", "" },
  { "hand-written.ini", "hand-written.expected", NULL, NULL,
    "Admin-111111111111|ReadOnly-222222222222", "", "",
    "ReadOnly-111111111111: a profile you wrote has this name; not changed" },
  { "other-session.ini", "other-session.expected", NULL, NULL,
    "ReadOnly-111111111111", "Admin-111111111111", "Billing-111111111111",
    "ReadOnly-222222222222: Gatehouse manages this profile for the sign-in “other”; not "
    "changed" },
  { "crlf.ini", "crlf.expected", "eu-west-1", "json",
    "ReadOnly-111111111111|ReadOnly-222222222222", "Admin-111111111111", "", "" },
  { "no-final-newline.ini", "no-final-newline.expected", NULL, NULL,
    "Admin-111111111111|ReadOnly-111111111111|ReadOnly-222222222222", "", "", "" },
  { "tricky.ini", "tricky.expected", NULL, NULL,
    "Admin-111111111111|ReadOnly-111111111111", "", "", "" },
};

static void
test_corpus (gconstpointer data)
{
  const CorpusCase *c = data;
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus (c->input);
  g_autofree char *expected_path = corpus_path (c->expected);
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) again = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *second = NULL;
  GhSyncOptions options = { .region = c->region, .output = c->output };
  gsize actual_len = 0;
  gsize expected_len = 0;
  gsize second_len = 0;
  gint64 mtime;

  result = sync_ok (path, "acme", roles, &options, FALSE);
  actual = gh_test_read_file (path, &actual_len);

  if (g_getenv ("GH_UPDATE_EXPECTED") != NULL)
    gh_test_write_file (expected_path, actual, actual_len);

  expected = gh_test_read_file (expected_path, &expected_len);
  g_assert_cmpmem (actual, actual_len, expected, expected_len);

  g_assert_true (result->changed);
  assert_list (result->added, c->added);
  assert_list (result->updated, c->updated);
  assert_list (result->removed, c->removed);
  assert_list (result->skipped, c->skipped);
  assert_list (result->renamed, "");

  /* Idempotent: nothing to do, nothing written */
  age_file (path);
  mtime = mtime_ns (path);
  again = sync_ok (path, "acme", roles, &options, FALSE);
  g_assert_false (again->changed);
  g_assert_cmpstr (again->diff, ==, "");
  assert_list (again->added, "");
  assert_list (again->updated, "");
  assert_list (again->removed, "");
  assert_list (again->skipped, c->skipped);
  g_assert_cmpint (mtime_ns (path), ==, mtime);
  second = gh_test_read_file (path, &second_len);
  g_assert_cmpmem (second, second_len, expected, expected_len);
}

/* The appended sections are what GhIni's add_section/set_value would give */
static void
test_append_matches_ini (void)
{
  static const char * const inputs[] = { "empty.ini", "crlf.ini", "no-final-newline.ini",
                                         "hand-written.ini" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GPtrArray) roles = roles_new ("s", "555555555555", NULL, "Dev", NULL);
      g_autofree char *path = config_from_corpus (inputs[i]);
      g_autofree char *source = corpus_path (inputs[i]);
      g_autoptr(GhSyncResult) result = NULL;
      g_autoptr(GhIni) ini = gh_ini_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *original = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *actual = NULL;
      g_autofree char *marker = gh_profile_marker_for_session ("s");
      GhSyncOptions options = { .region = "us-east-2" };
      gsize original_len = 0;
      gsize expected_len = 0;
      gsize actual_len = 0;

      original = gh_test_read_file (source, &original_len);
      gh_ini_load_from_data (ini, original, original_len, &error);
      g_assert_no_error (error);
      gh_ini_add_section (ini, "profile Dev-555555555555", marker);
      gh_ini_set_value (ini, "profile Dev-555555555555", "sso_session", "s");
      gh_ini_set_value (ini, "profile Dev-555555555555", "sso_account_id", "555555555555");
      gh_ini_set_value (ini, "profile Dev-555555555555", "sso_role_name", "Dev");
      gh_ini_set_value (ini, "profile Dev-555555555555", "region", "us-east-2");
      expected = gh_ini_to_data (ini, &expected_len);

      result = sync_ok (path, "s", roles, &options, FALSE);
      actual = gh_test_read_file (path, &actual_len);
      g_assert_cmpmem (actual, actual_len, expected, expected_len);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Rules                                                                                    */

static void
test_remove_gone (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GPtrArray) fewer = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GPtrArray) other = roles_new ("other", "111111111111", "Prod", "Other", NULL);
  g_autofree char *path = config_path ();
  g_autofree char *text = NULL;
  g_autoptr(GhSyncResult) r1 = NULL;
  g_autoptr(GhSyncResult) r2 = NULL;
  g_autoptr(GhSyncResult) r3 = NULL;
  g_autoptr(GhSyncResult) r4 = NULL;
  const char *mine = "[profile mine]\nregion = eu-west-1\n";

  gh_test_write_file (path, mine, -1);
  r1 = sync_ok (path, "acme", roles, NULL, FALSE);
  r2 = sync_ok (path, "other", other, NULL, FALSE);

  r3 = sync_ok (path, "acme", fewer, NULL, FALSE);
  assert_list (r3->removed, "ReadOnly-111111111111|ReadOnly-222222222222");
  assert_list (r3->added, "");
  assert_list (r3->updated, "");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[profile mine]\nregion = eu-west-1\n"
                   "\n" MARKER ("acme") "\n"
                   "[profile Admin-111111111111]\n"
                   "sso_session = acme\nsso_account_id = 111111111111\nsso_role_name = Admin\n"
                   "\n" MARKER ("other") "\n"
                   "[profile Other-111111111111]\n"
                   "sso_session = other\nsso_account_id = 111111111111\nsso_role_name = Other\n");
  g_clear_pointer (&text, g_free);

  /* No roles left: every profile of this sign-in goes, the rest stays */
  r4 = sync_ok (path, "acme", none, NULL, FALSE);
  assert_list (r4->removed, "Admin-111111111111");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[profile mine]\nregion = eu-west-1\n"
                   "\n" MARKER ("other") "\n"
                   "[profile Other-111111111111]\n"
                   "sso_session = other\nsso_account_id = 111111111111\nsso_role_name = Other\n");
}

static void
test_only_keys (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) all = NULL;
  g_autoptr(GhSyncResult) favorites = NULL;
  const char *keys[] = { "111111111111/Admin", "999999999999/Nope", NULL };
  GhSyncOptions options = { .favorites_only = TRUE, .favorite_keys = (GStrv) keys };

  all = sync_ok (path, "acme", roles, NULL, FALSE);
  g_assert_cmpuint (all->added->len, ==, 3);

  favorites = sync_ok (path, "acme", roles, &options, FALSE);
  assert_list (favorites->added, "");
  assert_list (favorites->removed, "ReadOnly-111111111111|ReadOnly-222222222222");
}

static void
test_clash_hand_written (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) def = NULL;
  g_autoptr(GhSyncResult) result = NULL;
  g_autofree char *text = NULL;
  /* Every spelling of the header is the same profile for botocore; "default" too */
  const char *original =
    "[profile 'Admin-111111111111']\nregion = eu-west-1\n"
    "# Managed by Gatehouse (sign-in \"acme\"): this one is marked\n"
    "[default]\nregion = us-east-1\n";
  GhSyncOptions options = { .template_ = "default" };

  gh_test_write_file (path, original, -1);

  /* A marked [default] is ours: the template "default" updates it in place */
  def = sync_ok (path, "acme", roles, &options, FALSE);
  g_assert_true (def->changed);
  assert_list (def->updated, "default");
  assert_list (def->skipped, "");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[profile 'Admin-111111111111']\nregion = eu-west-1\n"
                   "# Managed by Gatehouse (sign-in \"acme\"): this one is marked\n"
                   "[default]\nsso_session = acme\nsso_account_id = 111111111111\n"
                   "sso_role_name = Admin\n");

  /* The default template clashes with the hand-written profile: skipped; our [default] is
   * no longer planned, so it goes */
  result = sync_ok (path, "acme", roles, NULL, FALSE);
  assert_list (result->skipped,
               "Admin-111111111111: a profile you wrote has this name; not changed");
  assert_list (result->added, "");
  assert_list (result->removed, "default");
  g_clear_pointer (&text, g_free);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, "[profile 'Admin-111111111111']\nregion = eu-west-1\n");
}

/* A section is ours only when every one of its headers carries our marker */
static void
test_duplicate_sections (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autofree char *text = NULL;
  const char *original =
    MARKER ("acme") "\n[profile dup]\nsso_role_name = A\n"
    "[profile dup]\nregion = eu-west-1\n";

  gh_test_write_file (path, original, -1);
  result = sync_ok (path, "acme", none, NULL, FALSE);
  g_assert_false (result->changed);
  assert_list (result->removed, "");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, original);
}

/* A copied section of ours: botocore reads the last one, the earlier ones go */
static void
test_duplicate_managed (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autofree char *text = NULL;

  gh_test_write_file (path,
                      "[profile mine]\nregion = eu-west-1\n\n"
                      MARKER ("acme") "\n[profile Admin-111111111111]\nsso_role_name = A\n\n"
                      MARKER ("acme") "\n[profile 'Admin-111111111111']\nsso_session = acme\n"
                      "sso_account_id = 111111111111\nsso_role_name = Admin\n", -1);

  result = sync_ok (path, "acme", roles, NULL, FALSE);
  assert_list (result->updated, "Admin-111111111111");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[profile mine]\nregion = eu-west-1\n\n"
                   MARKER ("acme") "\n[profile 'Admin-111111111111']\nsso_session = acme\n"
                   "sso_account_id = 111111111111\nsso_role_name = Admin\n");
}

/* Two managed sections with the same header around a hand-written one: the earlier one goes,
 * the later one (the one botocore reads) stays */
static void
test_duplicate_managed_same_header (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autofree char *text = NULL;

  gh_test_write_file (path,
                      MARKER ("acme") "\n[profile Admin-111111111111]\nsso_role_name = A\n\n"
                      "[profile mine]\nregion = eu-west-1\n\n"
                      MARKER ("acme") "\n[profile Admin-111111111111]\nsso_session = acme\n"
                      "sso_account_id = 111111111111\nregion = us-east-1\n", -1);

  result = sync_ok (path, "acme", roles, NULL, FALSE);
  assert_list (result->updated, "Admin-111111111111");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   "[profile mine]\nregion = eu-west-1\n\n"
                   MARKER ("acme") "\n[profile Admin-111111111111]\nsso_session = acme\n"
                   "sso_account_id = 111111111111\nsso_role_name = Admin\n");
}

static void
test_collisions (void)
{
  /* Three roles give "Admin" with the template {role}; "Admin-2" is another role's own name */
  g_autoptr(GPtrArray) roles = roles_new ("acme",
                                          "333333333333", "C", "Admin",
                                          "111111111111", "A", "Admin",
                                          "444444444444", "D", "Admin-2",
                                          "222222222222", NULL, "Admin",
                                          NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) again = NULL;
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *account = NULL;
  GhSyncOptions options = { .template_ = "{role}" };

  result = sync_ok (path, "acme", roles, &options, FALSE);
  assert_list (result->added, "Admin|Admin-2|Admin-3|Admin-4");
  assert_list (result->renamed,
               "Admin-3: Admin in 222222222222 (the name Admin belongs to Admin in A "
               "(111111111111))|"
               "Admin-4: Admin in C (333333333333) (the name Admin belongs to Admin in A "
               "(111111111111))");

  text = gh_test_read_file (path, NULL);
  gh_ini_load_from_data (ini, text, -1, &error);
  g_assert_no_error (error);
  account = gh_ini_get_value (ini, "profile Admin", "sso_account_id");
  g_assert_cmpstr (account, ==, "111111111111");
  g_clear_pointer (&account, g_free);
  account = gh_ini_get_value (ini, "profile Admin-2", "sso_account_id");
  g_assert_cmpstr (account, ==, "444444444444");
  g_clear_pointer (&account, g_free);
  account = gh_ini_get_value (ini, "profile Admin-4", "sso_account_id");
  g_assert_cmpstr (account, ==, "333333333333");

  /* Deterministic: the same roles in another order change nothing */
  g_ptr_array_add (roles, g_ptr_array_steal_index (roles, 0));
  again = sync_ok (path, "acme", roles, &options, FALSE);
  g_assert_false (again->changed);
  g_assert_cmpuint (again->renamed->len, ==, 2);
}

static void
test_credential_process (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) sso = NULL;
  g_autoptr(GhSyncResult) process = NULL;
  g_autoptr(GhSyncResult) back = NULL;
  g_autofree char *text = NULL;
  GhSyncOptions sso_options = { .region = "eu-west-1" };
  GhSyncOptions process_options = { .region = "eu-west-1", .output = "json",
                                    .credential_process = TRUE,
                                    .gatehouse_command = "/usr/bin/gatehouse" };
  GhSyncOptions default_command = { .credential_process = TRUE };

  sso = sync_ok (path, "acme", roles, &sso_options, FALSE);

  /* Switching modes updates in place: the SSO keys go (they would win over
   * credential_process), region stays where it was */
  process = sync_ok (path, "acme", roles, &process_options, FALSE);
  assert_list (process->updated, "Admin-111111111111");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   MARKER ("acme") "\n"
                   "[profile Admin-111111111111]\n"
                   "region = eu-west-1\n"
                   "credential_process = /usr/bin/gatehouse credentials --profile "
                   "Admin-111111111111 --format process\n"
                   "gatehouse_sso_session = acme\n"
                   "gatehouse_account_id = 111111111111\n"
                   "gatehouse_role_name = Admin\n"
                   "output = json\n");

  g_clear_pointer (&text, g_free);
  g_remove (path);
  back = sync_ok (path, "acme", roles, &default_command, FALSE);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   MARKER ("acme") "\n"
                   "[profile Admin-111111111111]\n"
                   "credential_process = gatehouse credentials --profile "
                   "Admin-111111111111 --format process\n"
                   "gatehouse_sso_session = acme\n"
                   "gatehouse_account_id = 111111111111\n"
                   "gatehouse_role_name = Admin\n");

  /* `gatehouse credentials --profile` finds the role of such a profile */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GhProfileConfig) profile = gh_aws_config_find_profile (path, "Admin-111111111111",
                                                                     &error);

    g_assert_no_error (error);
    g_assert_cmpstr (profile->sso_session, ==, "acme");
    g_assert_cmpstr (profile->sso_account_id, ==, "111111111111");
    g_assert_cmpstr (profile->sso_role_name, ==, "Admin");
  }
}

static void
test_update_changes_only_differing_keys (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autofree char *text = NULL;
  GhSyncOptions options = { .region = "eu-west-1" };

  gh_test_write_file (path,
                      MARKER ("acme") "\n"
                      "[profile Admin-111111111111]\n"
                      "sso_role_name=Admin\n"
                      "  # a person's note\n"
                      "cli_pager =\n"
                      "sso_session   :   acme\n"
                      "output = text\n"
                      "sso_account_id = 000000000000\n", -1);

  result = sync_ok (path, "acme", roles, &options, FALSE);
  assert_list (result->updated, "Admin-111111111111");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==,
                   MARKER ("acme") "\n"
                   "[profile Admin-111111111111]\n"
                   "sso_role_name=Admin\n"
                   "  # a person's note\n"
                   "cli_pager =\n"
                   "sso_session   :   acme\n"
                   "sso_account_id = 111111111111\n"
                   "region = eu-west-1\n");
}

static void
test_dry_run (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GPtrArray) fewer = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_from_corpus ("other-session.ini");
  g_autofree char *before = gh_test_read_file (path, NULL);
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GhSyncResult) dry = NULL;
  g_autoptr(GhSyncResult) real = NULL;
  g_autoptr(GhSyncResult) removal = NULL;
  g_autofree char *missing = g_build_filename (g_get_home_dir (), "nothing", "config", NULL);
  g_autoptr(GhSyncResult) dry_missing = NULL;
  gint64 mtime;

  age_file (path);
  mtime = mtime_ns (path);
  dry = sync_ok (path, "acme", roles, NULL, TRUE);
  g_assert_true (dry->changed);
  g_assert_cmpint (mtime_ns (path), ==, mtime);
  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);

  expected = g_strdup_printf (
    "--- %s\n"
    "+++ %s\n"
    "@@ -12,20 +12,14 @@\n"
    " sso_account_id = 222222222222\n"
    " sso_role_name = ReadOnly\n"
    " \n"
    "-# Managed by Gatehouse (sign-in \"acme\"): changes here are overwritten by gatehouse sync\n"
    "-[profile Billing-111111111111]\n"
    "-sso_session = acme\n"
    "-sso_account_id = 111111111111\n"
    "-sso_role_name = Billing\n"
    "-\n"
    " # A note I added above Gatehouse's marker\n"
    " # Managed by Gatehouse (sign-in \"acme\"): changes here are overwritten by gatehouse sync\n"
    " [profile Admin-111111111111]\n"
    " sso_session   =   acme\n"
    "-region = us-west-2\n"
    "+region = us-east-1\n"
    " cli_pager =\n"
    " sso_account_id = 111111111111\n"
    "-sso_role_name = OldName\n"
    "+sso_role_name = Admin\n"
    " \n"
    " # Managed by Gatehouse (sign-in \"other\"): changes here are overwritten by gatehouse sync\n"
    " [profile Admin-999999999999]\n"
    "@@ -36,3 +30,10 @@\n"
    " [profile mine]\n"
    " region = eu-west-1\n"
    " # trailing comment of my profile\n"
    "+\n"
    "+# Managed by Gatehouse (sign-in \"acme\"): changes here are overwritten by gatehouse sync\n"
    "+[profile ReadOnly-111111111111]\n"
    "+sso_session = acme\n"
    "+sso_account_id = 111111111111\n"
    "+sso_role_name = ReadOnly\n"
    "+region = us-east-1\n",
    path, path);
  g_assert_cmpstr (dry->diff, ==, expected);
  assert_list (dry->added, "ReadOnly-111111111111");
  assert_list (dry->removed, "Billing-111111111111");

  /* The real sync does what the dry run said */
  real = sync_ok (path, "acme", roles, NULL, FALSE);
  g_assert_cmpstr (real->diff, ==, dry->diff);

  /* Removing everything of ours but one profile: a readable diff */
  removal = sync_ok (path, "acme", fewer, NULL, TRUE);
  g_assert_true (g_str_has_prefix (removal->diff, "--- "));
  g_assert_nonnull (strstr (removal->diff, "\n-[profile ReadOnly-111111111111]\n"));
  g_assert_null (strstr (strstr (removal->diff, "\n@@ "), "\n+"));

  /* A dry run never creates the file or its folder */
  dry_missing = sync_ok (missing, "acme", roles, NULL, TRUE);
  g_assert_true (dry_missing->changed);
  g_assert_true (g_str_has_prefix (dry_missing->diff, "--- "));
  g_assert_nonnull (strstr (dry_missing->diff, "@@ -0,0 +1,17 @@\n"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* Another program edits the file between two syncs: its edit stays */
static void
test_external_edit (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GPtrArray) fewer = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = NULL;
  g_autoptr(GhSyncResult) second = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;

  first = sync_ok (path, "acme", roles, NULL, FALSE);
  text = gh_test_read_file (path, NULL);
  edited = g_strconcat ("# added by aws configure\n[profile dev]\nregion = us-east-1\n\n",
                        text, "\n[sso-session new]\nsso_region = us-east-1\n", NULL);
  gh_test_write_file (path, edited, -1);

  second = sync_ok (path, "acme", fewer, NULL, FALSE);
  g_clear_pointer (&text, g_free);
  text = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_prefix (text, "# added by aws configure\n[profile dev]\n"));
  g_assert_true (g_str_has_suffix (text, "\n[sso-session new]\nsso_region = us-east-1\n"));
  g_assert_nonnull (strstr (text, "[profile Admin-111111111111]\n"));
  g_assert_null (strstr (text, "ReadOnly"));
}

/* The copy of the file a caller read before (the CLI, to find the sign-ins) */
static GhIni *
read_copy (const char  *path,
           struct stat *read_as)
{
  g_autoptr(GhIni) copy = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *text = gh_test_read_file (path, &length);

  g_assert_cmpint (stat (path, read_as), ==, 0);
  g_assert_true (gh_ini_load_from_data (copy, text, (gssize) length, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&copy);
}

/* @read_at: when the copy was read; the file changed just before these tests read it, so
 * a copy read "later" (SETTLED) is one the sync can trust */
#define SETTLED (3 * G_USEC_PER_SEC)

static GhSyncResult *
sync_copy_ok (const char        *path,
              GPtrArray         *roles,
              GhIni             *copy,
              const struct stat *read_as,
              gint64             read_at)
{
  g_autoptr(GError) error = NULL;
  GhSyncResult *result = gh_profile_sync_copy (path, "acme", roles, NULL, FALSE, copy, read_as,
                                               read_at, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* A copy that is still the file is synced instead of a new reading: what it holds (here a
 * section only the copy has) is what gets written */
static void
test_copy_current (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GPtrArray) more = roles_new ("acme", "111111111111", "Prod", "ReadOnly",
                                         "111111111111", "Prod", "Admin",
                                         "222222222222", NULL, "ReadOnly",
                                         "333333333333", NULL, "Dev", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = sync_ok (path, "acme", roles, NULL, FALSE);
  g_autoptr(GhSyncResult) same = NULL;
  g_autoptr(GhSyncResult) added = NULL;
  g_autoptr(GhIni) copy = NULL;
  g_autofree char *text = NULL;
  struct stat before, after;

  /* Nothing to do: nothing written */
  copy = read_copy (path, &before);
  same = sync_copy_ok (path, roles, copy, &before, g_get_real_time () + SETTLED);
  g_assert_false (same->changed);
  g_assert_cmpuint (same->added->len + same->updated->len + same->removed->len, ==, 0);
  g_assert_cmpint (stat (path, &after), ==, 0);
  g_assert_true (gh_file_same_version (&before, &after));
  g_clear_object (&copy);

  copy = read_copy (path, &before);
  gh_ini_set_value (copy, "profile only-in-the-copy", "region", "eu-west-1");
  added = sync_copy_ok (path, more, copy, &before, g_get_real_time () + SETTLED);
  g_assert_true (added->changed);
  assert_list (added->added, "Dev-333333333333");
  text = gh_test_read_file (path, NULL);
  g_assert_nonnull (strstr (text, "[profile only-in-the-copy]\n"));
  g_assert_nonnull (strstr (text, "[profile Dev-333333333333]\n"));
}

/* A copy of a file that had just changed when it was read is not used: an edit in place in
 * the same clock tick would have the same stat() */
static void
test_copy_unsettled (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = sync_ok (path, "acme", roles, NULL, FALSE);
  g_autoptr(GhSyncResult) second = NULL;
  g_autoptr(GhIni) copy = NULL;
  g_autofree char *text = NULL;
  struct stat read_as;
  gint64 read_at = g_get_real_time ();

  copy = read_copy (path, &read_as);
  gh_ini_set_value (copy, "profile only-in-the-copy", "region", "eu-west-1");
  second = sync_copy_ok (path, roles, copy, &read_as, read_at);
  g_assert_false (second->changed);
  text = gh_test_read_file (path, NULL);
  g_assert_null (strstr (text, "only-in-the-copy"));
}

/* A copy read before another program changed the file is not used: that edit stays */
static void
test_copy_stale (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GPtrArray) fewer = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = sync_ok (path, "acme", roles, NULL, FALSE);
  g_autoptr(GhSyncResult) second = NULL;
  g_autoptr(GhIni) copy = NULL;
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  struct stat read_as;

  copy = read_copy (path, &read_as);
  text = gh_test_read_file (path, NULL);
  edited = g_strconcat ("[profile dev]\nregion = us-east-1\n\n", text, NULL);
  gh_test_write_file (path, edited, -1);

  second = sync_copy_ok (path, fewer, copy, &read_as, g_get_real_time () + SETTLED);
  g_clear_pointer (&text, g_free);
  text = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_prefix (text, "[profile dev]\nregion = us-east-1\n"));
  g_assert_nonnull (strstr (text, "[profile Admin-111111111111]\n"));
  g_assert_null (strstr (text, "ReadOnly"));
}

/* A managed profile edited by hand is put back from the copy as from the file */
static void
test_copy_hand_edited (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = sync_ok (path, "acme", roles, NULL, FALSE);
  g_autoptr(GhSyncResult) second = NULL;
  g_autoptr(GhIni) copy = NULL;
  g_autofree char *synced = gh_test_read_file (path, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = g_string_new (synced);
  struct stat read_as;

  g_assert_cmpuint (g_string_replace (edited, "sso_role_name = Admin\n",
                                      "sso_role_name = Tampered\ncli_pager =\n", 1), ==, 1);
  gh_test_write_file (path, edited->str, -1);

  copy = read_copy (path, &read_as);
  second = sync_copy_ok (path, roles, copy, &read_as, g_get_real_time () + SETTLED);
  g_assert_true (second->changed);
  assert_list (second->updated, "Admin-111111111111");
  text = gh_test_read_file (path, NULL);
  g_assert_null (strstr (text, "Tampered"));
  g_assert_nonnull (strstr (text, "sso_role_name = Admin\ncli_pager =\n"));
}

typedef struct
{
  char              *path;
  GPtrArray         *roles;
  GhSyncResult      *result;
  GError            *error;
} SyncThreadData;

static gpointer
sync_thread (gpointer user_data)
{
  SyncThreadData *data = user_data;

  data->result = gh_profile_sync (data->path, "acme", data->roles, NULL, FALSE, &data->error);
  return NULL;
}

static char *
config_lock_name (const char *path)
{
  g_autofree char *resolved = gh_file_resolve_symlinks (path);

  return gh_lock_name_for_file ("config", resolved);
}

/* The file changes while the sync waits for the lock: the sync reads it under the lock, so the
 * other program's change is kept */
static void
test_edit_while_waiting_for_lock (void)
{
  g_autofree char *path = config_path ();
  g_autofree char *lock_name = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SyncThreadData data = { 0 };
  GThread *thread;

  gh_test_write_file (path, "[profile old]\nregion = us-east-1\n", -1);
  lock_name = config_lock_name (path);

  lock = gh_lock_acquire (lock_name, NULL, &error);
  g_assert_no_error (error);

  data.path = path;
  data.roles = roles;
  thread = g_thread_new ("sync", sync_thread, &data);
  g_usleep (200 * 1000);
  g_assert_null (data.result);

  gh_test_write_file (path,
                      "[profile old]\nregion = us-east-1\n[profile new]\nregion = eu-west-1\n", -1);
  g_clear_object (&lock);
  g_thread_join (thread);

  g_assert_no_error (data.error);
  g_assert_nonnull (data.result);
  g_assert_cmpuint (data.result->added->len, ==, 3);
  gh_sync_result_free (data.result);

  text = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_prefix (text, "[profile old]\nregion = us-east-1\n[profile new]\n"
                                         "region = eu-west-1\n\n" MARKER ("acme") "\n"));
}

/* The tray's sync: while another process (here a thread) holds the config lock, the sync
 * waits on its worker and the main loop keeps running; then it writes what the blocking sync
 * writes */
static void
test_async_main_loop_runs_while_locked (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus ("hand-written.ini");
  g_autofree char *lock_name = config_lock_name (path);
  g_autofree char *before = gh_test_read_file (path, NULL);
  g_autofree char *blocking_path = g_build_filename (g_get_home_dir (), "blocking-config", NULL);
  g_autofree char *region = g_strdup ("eu-west-1");
  GhSyncOptions options = { .region = region };
  g_autoptr(GhSyncResult) expected = NULL;
  g_autoptr(GhSyncResult) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *expected_added = NULL;
  g_autofree char *expected_skipped = NULL;
  GhTestLockHolder *holder;

  gh_test_write_file (blocking_path, before, -1);
  expected = sync_ok (blocking_path, "acme", roles, &options, FALSE);
  expected_text = gh_test_read_file (blocking_path, NULL);

  holder = gh_test_lock_holder_new (lock_name);
  gh_profile_sync_async (path, "acme", roles, &options, FALSE, NULL, gh_test_keep_result,
                         &result);
  /* The worker has its own copies */
  g_clear_pointer (&roles, g_ptr_array_unref);
  g_clear_pointer (&region, g_free);

  g_assert_true (gh_test_lock_holder_holds (holder));
  g_assert_cmpuint (gh_test_count_ticks (300), >, 5);
  g_assert_null (result);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, before);

  gh_test_lock_holder_release (holder);
  done = gh_test_wait_result (&result);
  sync = gh_profile_sync_finish (done, &error);
  g_assert_no_error (error);
  g_assert_true (sync->changed);
  expected_added = join (expected->added);
  expected_skipped = join (expected->skipped);
  assert_list (sync->added, expected_added);
  assert_list (sync->skipped, expected_skipped);
  g_clear_pointer (&text, g_free);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, expected_text);
}

/* A cancelled wait for the lock leaves the file as it was; a dry run does not wait at all */
static void
test_async_cancelled_and_dry_run (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus ("hand-written.ini");
  g_autofree char *lock_name = config_lock_name (path);
  g_autofree char *before = gh_test_read_file (path, NULL);
  g_autofree char *after = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GhSyncResult) dry = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  GhTestLockHolder *holder = gh_test_lock_holder_new (lock_name);

  gh_profile_sync_async (path, "acme", roles, NULL, FALSE, cancellable, gh_test_keep_result,
                         &result);
  gh_test_count_ticks (100);
  g_cancellable_cancel (cancellable);
  done = gh_test_wait_result (&result);
  g_assert_null (gh_profile_sync_finish (done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&done);

  gh_profile_sync_async (path, "acme", roles, NULL, TRUE, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  dry = gh_profile_sync_finish (done, &error);
  g_assert_no_error (error);
  g_assert_true (dry->changed);
  g_assert_true (g_str_has_prefix (dry->diff, "--- "));

  g_assert_true (gh_test_lock_holder_holds (holder));
  gh_test_lock_holder_release (holder);
  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
}

/* Full disk (RLIMIT_FSIZE makes writes fail with EFBIG, even for root): a clear error and the
 * original file intact */
static void
test_write_fails_full_disk (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus ("hand-written.ini");
  g_autofree char *before = gh_test_read_file (path, NULL);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncResult) result = NULL;
  struct rlimit saved;
  struct rlimit limited;
  void (*old_handler) (int);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 64;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);

  result = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_null (result);
  g_test_message ("%s", error->message);
  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
}

static void
test_write_fails_read_only (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus ("hand-written.ini");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *before = gh_test_read_file (path, NULL);
  g_autofree char *after = NULL;
  g_autofree char *blocked = NULL;
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) blocked_error = NULL;
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) blocked_result = NULL;
  gboolean writable_anyway;

  /* A path below a regular file fails for everyone, root included */
  blocked = g_build_filename (path, "config", NULL);
  blocked_result = gh_profile_sync (blocked, "acme", roles, NULL, FALSE, &blocked_error);
  g_assert_error (blocked_error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_null (blocked_result);

  g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
  writable_anyway = g_file_set_contents (probe, "", 0, NULL);
  result = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);

  if (writable_anyway)
    {
      g_remove (probe);
      g_test_skip ("the folder stays writable (running as root?); the full-disk test covers "
                   "a failing write");
      return;
    }

  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_null (result);
  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
}

static void
test_symlink (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *target = g_build_filename (g_get_home_dir (), "dotfiles", "aws-config", NULL);
  g_autofree char *path = config_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *link = NULL;
  g_autoptr(GhSyncResult) result = NULL;
  g_autofree char *text = NULL;

  gh_test_write_file (target, "[profile mine]\nregion = eu-west-1\n", -1);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (symlink (target, path), ==, 0);

  result = sync_ok (path, "acme", roles, NULL, FALSE);
  link = g_file_read_link (path, NULL);
  g_assert_cmpstr (link, ==, target);
  text = gh_test_read_file (target, NULL);
  g_assert_nonnull (strstr (text, "[profile Admin-111111111111]"));
}

static void
test_mode_0600 (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  struct stat st;

  result = sync_ok (path, "acme", roles, NULL, FALSE);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_bad_input (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GError) error = NULL;
  GhSyncOptions bad_template = { .template_ = "{nope}" };
  GhSyncOptions bad_region = { .region = "eu-west-1\n[profile x]" };
  GhSyncResult *result;

  result = gh_profile_sync (path, "acme", roles, &bad_template, FALSE, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_null (result);
  g_clear_error (&error);

  result = gh_profile_sync (path, "acme", roles, &bad_region, FALSE, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_null (result);
  g_clear_error (&error);

  /* Not UTF-8: the file is left alone */
  gh_test_write_file (path, "[profile x]\nregion = \xff\n", -1);
  result = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_null (result);
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
}

/* Names that come out empty are reported, the other roles are written */
static void
test_empty_name_skipped (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme",
                                          "111111111111", "本番", "Admin",
                                          "222222222222", "Prod", "Admin",
                                          NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  GhSyncOptions options = { .template_ = "{account_name}" };

  result = sync_ok (path, "acme", roles, &options, FALSE);
  assert_list (result->added, "Prod");
  g_assert_cmpuint (result->skipped->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (result->skipped, 0),
                                   "111111111111/Admin: "));
}

static void
test_many_roles (void)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) fewer = g_ptr_array_new ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = NULL;
  g_autoptr(GhSyncResult) again = NULL;
  g_autoptr(GhSyncResult) region = NULL;
  g_autoptr(GhSyncResult) removal = NULL;
  g_autoptr(GhSyncResult) dry = NULL;
  GhSyncOptions with_region = { .region = "eu-west-1" };
  gint64 start;

  gh_test_write_file (path, "[profile mine]\nregion = eu-west-1\n", -1);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *account = g_strdup_printf ("%012u", 100000 + i);
      g_autofree char *name = g_strdup_printf ("Account %u", i);

      g_ptr_array_add (roles, gh_role_new ("acme", account, name, NULL, "ReadOnly"));
      g_ptr_array_add (roles, gh_role_new ("acme", account, name, NULL, "Admin"));
      g_ptr_array_add (roles, gh_role_new ("acme", account, name, NULL, "Billing Admin"));
    }
  for (guint i = 0; i < roles->len; i += 2)
    g_ptr_array_add (fewer, g_ptr_array_index (roles, i));

  start = g_get_monotonic_time ();
  first = sync_ok (path, "acme", roles, NULL, FALSE);
  g_test_message ("first sync of 3000 roles: %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (first->added->len, ==, 3000);

  start = g_get_monotonic_time ();
  again = sync_ok (path, "acme", roles, NULL, FALSE);
  g_test_message ("no-op sync of 3000 roles: %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_false (again->changed);

  start = g_get_monotonic_time ();
  dry = sync_ok (path, "acme", roles, &with_region, TRUE);
  g_test_message ("dry run adding a region to 3000 profiles: %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (dry->updated->len, ==, 3000);

  start = g_get_monotonic_time ();
  region = sync_ok (path, "acme", roles, &with_region, FALSE);
  g_test_message ("adding a region to 3000 profiles: %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (region->updated->len, ==, 3000);

  start = g_get_monotonic_time ();
  removal = sync_ok (path, "acme", fewer, &with_region, FALSE);
  g_test_message ("removing 1500 of 3000 profiles: %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (removal->removed->len, ==, 1500);
}

/* ---------------------------------------------------------------------------------------- */
/* gh_aws_config_find_profile                                                               */

static void
test_find_profile (void)
{
  g_autofree char *path = config_path ();
  g_autoptr(GError) error = NULL;
  GhProfileConfig *profile;

  gh_test_write_file (path,
                      "[default]\nsso_session = acme\nsso_account_id = 1\nsso_role_name = Def\n"
                      "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"
                      "sso_region = us-east-1\n"
                      MARKER ("acme") "\n"
                      "[profile Admin-111111111111]\nsso_session = acme\n"
                      "sso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1\n"
                      "[profile 'my legacy']\nsso_start_url = https://old.awsapps.com/start\n"
                      "sso_region = us-west-2\nsso_account_id = 2\nsso_role_name = Old\n"
                      "[profile plain]\nregion = us-east-1\n"
                      "[profile half]\nsso_account_id = 3\nsso_session = acme\n"
                      "[profile nosession]\nsso_account_id = 3\nsso_role_name = R\n"
                      "[profile dangling]\nsso_session = gone\nsso_account_id = 4\n"
                      "sso_role_name = R\n", -1);

  profile = gh_aws_config_find_profile (path, "Admin-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->name, ==, "Admin-111111111111");
  g_assert_cmpstr (profile->sso_session, ==, "acme");
  g_assert_cmpstr (profile->sso_account_id, ==, "111111111111");
  g_assert_cmpstr (profile->sso_role_name, ==, "Admin");
  g_assert_cmpstr (profile->region, ==, "eu-west-1");
  g_assert_null (profile->sso_start_url);
  g_assert_true (profile->managed);
  gh_profile_config_free (profile);

  profile = gh_aws_config_find_profile (path, "default", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->sso_role_name, ==, "Def");
  g_assert_false (profile->managed);
  gh_profile_config_free (profile);

  profile = gh_aws_config_find_profile (path, "my legacy", &error);
  g_assert_no_error (error);
  g_assert_null (profile->sso_session);
  g_assert_cmpstr (profile->sso_start_url, ==, "https://old.awsapps.com/start");
  g_assert_cmpstr (profile->sso_region, ==, "us-west-2");
  g_assert_false (profile->managed);
  gh_profile_config_free (profile);

  profile = gh_aws_config_find_profile (path, "dangling", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->sso_session, ==, "gone");
  gh_profile_config_free (profile);

  profile = gh_aws_config_find_profile (path, "missing", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_nonnull (strstr (error->message, "“missing”"));
  g_assert_null (profile);
  g_clear_error (&error);

  profile = gh_aws_config_find_profile (path, "plain", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "not an IAM Identity Center profile"));
  g_clear_error (&error);

  profile = gh_aws_config_find_profile (path, "half", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "sso_role_name"));
  g_clear_error (&error);

  profile = gh_aws_config_find_profile (path, "nosession", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "sso_session"));
  g_clear_error (&error);

  g_remove (path);
  profile = gh_aws_config_find_profile (path, "Admin-111111111111", &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_null (profile);
}

/* What the sync writes is found again */
static void
test_find_synced_profile (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus ("hand-written.ini");
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhProfileConfig) synced = NULL;
  g_autoptr(GhProfileConfig) hand = NULL;
  g_autoptr(GError) error = NULL;

  result = sync_ok (path, "acme", roles, NULL, FALSE);
  synced = gh_aws_config_find_profile (path, "ReadOnly-222222222222", &error);
  g_assert_no_error (error);
  g_assert_true (synced->managed);
  g_assert_cmpstr (synced->sso_session, ==, "acme");

  hand = gh_aws_config_find_profile (path, "ReadOnly-111111111111", &error);
  g_assert_no_error (error);
  g_assert_false (hand->managed);
  g_assert_cmpstr (hand->sso_account_id, ==, "111111111111");
}


/* ---------------------------------------------------------------------------------------- */
/* Settings kept with the sign-in                                                           */

#define SESSION_ACME "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n" \
                     "sso_region = ap-southeast-2\n"

/* Without a region, a profile still has one: the sign-in's (an `aws` command needs one) */
static void
test_region_default (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autoptr(GPtrArray) legacy_roles = roles_new ("old", "222222222222", NULL, "Dev", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) legacy = NULL;
  g_autoptr(GhProfileConfig) profile = NULL;
  g_autoptr(GError) error = NULL;

  gh_test_write_file (path, SESSION_ACME
                      "[profile old]\nsso_start_url = https://old.awsapps.com/start\n"
                      "sso_region = us-west-2\n", -1);
  result = sync_ok (path, "acme", roles, NULL, FALSE);
  g_assert_cmpstr (result->session_region, ==, "ap-southeast-2");
  g_assert_null (result->settings->region);
  profile = gh_aws_config_find_profile (path, "Admin-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->region, ==, "ap-southeast-2");
  g_clear_pointer (&profile, gh_profile_config_free);

  /* A legacy sign-in's region is its profile's sso_region */
  legacy = sync_ok (path, "old", legacy_roles, NULL, FALSE);
  profile = gh_aws_config_find_profile (path, "Dev-222222222222", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->region, ==, "us-west-2");
}

/* What is given with store is kept in the sign-in's section, in the same write as the
 * profiles; a later sync without options (the tray's) uses it and changes nothing */
static void
test_settings_stored (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = NULL;
  g_autoptr(GhSyncResult) plain = NULL;
  g_autoptr(GhSyncResult) once = NULL;
  g_autoptr(GhSyncResult) same = NULL;
  g_autoptr(GhSyncSettings) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  GhSyncOptions keep = { .template_ = "{account_name}-{role}", .region = "eu-west-1",
                         .store = TRUE };
  GhSyncOptions one_off = { .template_ = "{role}" };

  gh_test_write_file (path, SESSION_ACME, -1);
  first = sync_ok (path, "acme", roles, &keep, FALSE);
  g_assert_cmpint (first->stored, ==, GH_SYNC_SETTING_TEMPLATE | GH_SYNC_SETTING_REGION);
  assert_list (first->added, "222222222222-ReadOnly|Prod-Admin|Prod-ReadOnly");
  text = gh_test_read_file (path, NULL);
  g_assert_true (g_str_has_prefix (text, SESSION_ACME
                                   "gatehouse_sync_template = {account_name}-{role}\n"
                                   "gatehouse_sync_region = eu-west-1\n"));
  stored = gh_sync_settings_load (path, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->template_, ==, "{account_name}-{role}");
  g_assert_cmpstr (stored->region, ==, "eu-west-1");

  plain = sync_ok (path, "acme", roles, NULL, FALSE);
  g_assert_false (plain->changed);
  g_assert_cmpint (plain->stored, ==, 0);
  g_assert_cmpstr (plain->settings->template_, ==, "{account_name}-{role}");

  /* Given again: nothing to store, nothing changes */
  same = sync_ok (path, "acme", roles, &keep, FALSE);
  g_assert_false (same->changed);
  g_assert_cmpint (same->stored, ==, 0);

  /* Without store an option is used once (a preview, say) and the stored setting stays */
  once = sync_ok (path, "acme", roles, &one_off, TRUE);
  g_assert_true (once->changed);
  g_assert_cmpint (once->stored, ==, 0);
  g_assert_nonnull (strstr (once->diff, "+[profile Admin]\n"));
  g_assert_null (strstr (once->diff, "\n+gatehouse_sync"));
  g_assert_null (strstr (once->diff, "\n-gatehouse_sync"));
  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, text);
}

static void
test_settings_reset (void)
{
  g_autoptr(GPtrArray) roles = roles_new ("acme", "111111111111", "Prod", "Admin", NULL);
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) all = NULL;
  g_autofree char *text = NULL;
  GhSyncOptions reset_region = { .reset = GH_SYNC_SETTING_REGION, .store = TRUE };
  GhSyncOptions reset_all = { .reset = GH_SYNC_SETTINGS_ALL, .store = TRUE };

  gh_test_write_file (path, SESSION_ACME "gatehouse_sync_region = eu-west-1\n"
                      "gatehouse_sync_template = {role}\n"
                      "gatehouse_sync_output = json\n", -1);
  result = sync_ok (path, "acme", roles, &reset_region, FALSE);
  g_assert_cmpint (result->stored, ==, GH_SYNC_SETTING_REGION);
  g_assert_null (result->settings->region);
  g_assert_cmpstr (result->settings->template_, ==, "{role}");
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, SESSION_ACME "gatehouse_sync_template = {role}\n"
                             "gatehouse_sync_output = json\n"
                             "\n" MARKER ("acme") "\n"
                             "[profile Admin]\nsso_session = acme\nsso_account_id = 111111111111\n"
                             "sso_role_name = Admin\nregion = ap-southeast-2\noutput = json\n");

  /* Settings already at their default are not reported as changed */
  all = sync_ok (path, "acme", roles, &reset_all, FALSE);
  g_assert_cmpint (all->stored, ==, GH_SYNC_SETTING_TEMPLATE | GH_SYNC_SETTING_OUTPUT);
  assert_list (all->added, "Admin-111111111111");
  assert_list (all->removed, "Admin");
  g_clear_pointer (&text, g_free);
  text = gh_test_read_file (path, NULL);
  g_assert_null (strstr (text, "gatehouse_sync"));
  g_assert_null (strstr (text, "output"));
}

/* A dry run says what it would store and stores nothing */
static void
test_settings_dry_run (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) dry = NULL;
  g_autofree char *text = NULL;
  GhSyncOptions keep = { .output = "json", .credential_process = TRUE, .store = TRUE };

  gh_test_write_file (path, SESSION_ACME, -1);
  dry = sync_ok (path, "acme", roles, &keep, TRUE);
  g_assert_cmpint (dry->stored, ==, GH_SYNC_SETTING_OUTPUT | GH_SYNC_SETTING_CREDENTIAL_PROCESS);
  g_assert_nonnull (strstr (dry->diff, "+gatehouse_sync_output = json\n"
                                       "+gatehouse_sync_credential_process = true\n"));
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, SESSION_ACME);
}

/* Nowhere to keep the settings: an error, and the file as it was */
static void
test_settings_no_definition (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) plain = NULL;
  g_autofree char *text = NULL;
  GhSyncOptions keep = { .template_ = "{role}", .store = TRUE };

  gh_test_write_file (path, "[profile mine]\nregion = eu-west-1\n", -1);
  result = gh_profile_sync (path, "acme", roles, &keep, FALSE, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_null (result);
  text = gh_test_read_file (path, NULL);
  g_assert_cmpstr (text, ==, "[profile mine]\nregion = eu-west-1\n");

  /* Nothing to store: the profiles are written, without a region */
  plain = sync_ok (path, "acme", roles, NULL, FALSE);
  g_assert_null (plain->session_region);
  g_assert_cmpuint (plain->added->len, ==, 3);
}

/* Stored values are checked like given ones, and say where they come from */
static void
test_settings_bad_stored (void)
{
  static const struct { const char *keys; const char *message; } cases[] = {
    { "gatehouse_sync_template = {nope}\n", "a sync setting of the sign-in “acme”" },
    { "gatehouse_sync_region = mars-north-1a\n", "(a sync setting of the sign-in)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) roles = acme_roles ();
      g_autofree char *path = config_path ();
      g_autofree char *original = g_strconcat (SESSION_ACME, cases[i].keys, NULL);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GhSyncResult) result = NULL;
      g_autoptr(GhSyncResult) reset = NULL;
      GhSyncOptions reset_all = { .reset = GH_SYNC_SETTINGS_ALL, .store = TRUE };

      gh_test_write_file (path, original, -1);
      result = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);
      g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_null (result);
      text = gh_test_read_file (path, NULL);
      g_assert_cmpstr (text, ==, original);

      /* --reset gets out of it */
      reset = sync_ok (path, "acme", roles, &reset_all, FALSE);
      g_assert_cmpuint (reset->added->len, ==, 3);
    }
}

/* Stored modes apply to a sync that does not mention them (the tray's) */
static void
test_settings_modes (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = NULL;
  g_autoptr(GhSyncResult) later = NULL;
  g_autoptr(GhSyncResult) favorites = NULL;
  g_autoptr(GhProfileConfig) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncResult) unknown = NULL;
  const char *keys[] = { "111111111111/Admin", NULL };
  GhSyncOptions process = { .credential_process = TRUE, .gatehouse_command = "/opt/gh",
                            .store = TRUE };
  GhSyncOptions only = { .favorites_only = TRUE, .favorite_keys = (GStrv) keys, .store = TRUE };
  GhSyncOptions tray = { .gatehouse_command = "/opt/gh", .favorite_keys = (GStrv) keys };

  gh_test_write_file (path, SESSION_ACME, -1);
  first = sync_ok (path, "acme", roles, &process, FALSE);
  later = sync_ok (path, "acme", roles, &tray, FALSE);
  g_assert_false (later->changed);
  profile = gh_aws_config_find_profile (path, "Admin-111111111111", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->sso_session, ==, "acme");
  g_assert_true (profile->managed);

  favorites = sync_ok (path, "acme", roles, &only, FALSE);
  assert_list (favorites->removed, "ReadOnly-111111111111|ReadOnly-222222222222");
  g_assert_true (favorites->settings->credential_process);

  /* Favourites only, and no favourites to go by: an error, not an empty config */
  unknown = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "--reset favorites-only"));
  g_assert_null (unknown);
}

/* ---------------------------------------------------------------------------------------- */
/* Profiles other profiles name as source_profile                                           */

static void
test_keeps_source_profiles (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *path = config_path ();
  g_autoptr(GhSyncResult) first = NULL;
  g_autoptr(GhSyncResult) renamed = NULL;
  g_autoptr(GhSyncResult) freed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *chained = NULL;
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  GhSyncOptions other_names = { .template_ = "x-{role}-{account_id}" };

  first = sync_ok (path, "acme", roles, NULL, FALSE);
  text = gh_test_read_file (path, NULL);

  /* A person's chain: deploy → Admin-111111111111, and someone added a source_profile to that
   * managed profile too, naming ReadOnly-222222222222 */
  gh_ini_load_from_data (ini, text, -1, &error);
  g_assert_no_error (error);
  gh_ini_set_value (ini, "profile Admin-111111111111", "source_profile", "ReadOnly-222222222222");
  gh_ini_add_section (ini, "profile deploy", NULL);
  gh_ini_set_value (ini, "profile deploy", "source_profile", "Admin-111111111111");
  gh_ini_set_value (ini, "profile deploy", "role_arn", "arn:aws:iam::333333333333:role/Deploy");
  chained = gh_ini_to_data (ini, NULL);
  gh_test_write_file (path, chained, -1);

  renamed = sync_ok (path, "acme", roles, &other_names, FALSE);
  assert_list (renamed->removed, "ReadOnly-111111111111");
  assert_list (renamed->kept,
               "Admin-111111111111: kept, because the profile “deploy” names it as "
               "source_profile; change that profile, and the next sync removes it|"
               "ReadOnly-222222222222: kept, because the profile “Admin-111111111111” names it "
               "as source_profile; change that profile, and the next sync removes it");
  assert_list (renamed->added, "x-Admin-111111111111|x-ReadOnly-111111111111|"
                               "x-ReadOnly-222222222222");
  g_clear_pointer (&text, g_free);
  text = gh_test_read_file (path, NULL);
  g_assert_nonnull (strstr (text, "[profile Admin-111111111111]\n"));
  g_assert_nonnull (strstr (text, "[profile ReadOnly-222222222222]\n"));
  g_assert_null (strstr (text, "[profile ReadOnly-111111111111]\n"));

  /* Without the person's profile, the next sync removes them */
  g_clear_object (&ini);
  ini = gh_ini_new ();
  gh_ini_load_from_data (ini, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (gh_ini_remove_section (ini, "profile deploy"));
  g_clear_pointer (&chained, g_free);
  chained = gh_ini_to_data (ini, NULL);
  gh_test_write_file (path, chained, -1);
  freed = sync_ok (path, "acme", roles, &other_names, FALSE);
  assert_list (freed->removed, "Admin-111111111111|ReadOnly-222222222222");
  assert_list (freed->kept, "");
}

/* ---------------------------------------------------------------------------------------- */
/* Files that are not to be written                                                         */

static void
test_read_only_file (void)
{
  g_autoptr(GPtrArray) roles = acme_roles ();
  g_autofree char *path = config_from_corpus ("hand-written.ini");
  g_autofree char *before = gh_test_read_file (path, NULL);
  g_autofree char *after = NULL;
  g_autofree char *mode = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhSyncResult) dry = NULL;
  struct stat st;

  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  result = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);
  g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
  g_assert_null (result);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "read-only (mode 0444)"));

  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0444);

  /* Reading it is fine */
  dry = sync_ok (path, "acme", roles, NULL, TRUE);
  g_assert_true (dry->changed);
}

/* A FIFO (or any file that is not a regular file) is refused at once: reading one would wait
 * for a writer for ever. In a subprocess, so a hang fails the test instead of stopping it. */
static void
test_fifo (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GPtrArray) roles = acme_roles ();
      g_autofree char *path = config_path ();
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(GhSyncResult) result = NULL;
      g_autoptr(GhSyncResult) dry = NULL;
      struct stat st;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);

      dry = gh_profile_sync (path, "acme", roles, NULL, TRUE, &error);
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "named pipe"));
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);

      result = gh_profile_sync (path, "acme", roles, NULL, FALSE, &error);
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_null (result);
      g_assert_cmpint (stat (path, &st), ==, 0);
      g_assert_true (S_ISFIFO (st.st_mode));
      return;
    }

  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Settings stored without a sync (the window's preferences): the keys `sync --store` writes,
 * in the sign-in's section, defaults without keys, nothing else touched, and what a sync
 * would refuse refused before the file is read. */
static void
test_store_settings (void)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  g_autoptr(GhSyncSettings) settings = gh_sync_settings_new ();
  g_autoptr(GhSyncSettings) loaded = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *reset = NULL;
  g_autofree char *after = NULL;
  GAsyncResult *result = NULL;
  GAsyncResult *done = NULL;
  g_autoptr(GError) error = NULL;
  const char *original = "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"
                         "sso_region = us-east-1\n# keep me\n[profile hand]\nregion = eu-west-1\n";

  gh_test_write_file (path, original, -1);
  settings->template_ = g_strdup ("{account_name}-{role}");
  settings->region = g_strdup ("eu-central-1");
  settings->output = g_strdup ("table");
  settings->favorites_only = TRUE;
  settings->credential_process = TRUE;
  gh_profile_sync_store_settings_async (path, "acme", settings, GH_SYNC_SETTINGS_ALL, NULL,
                                        gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_true (gh_profile_sync_store_settings_finish (done, &error));
  g_assert_no_error (error);
  g_clear_object (&done);

  stored = gh_test_read_file (path, NULL);
  g_assert_cmpstr (stored, ==,
                   "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"
                   "sso_region = us-east-1\n"
                   "gatehouse_sync_template = {account_name}-{role}\n"
                   "gatehouse_sync_region = eu-central-1\n"
                   "gatehouse_sync_output = table\n"
                   "gatehouse_sync_credential_process = true\n"
                   "gatehouse_sync_favorites_only = true\n"
                   "# keep me\n[profile hand]\nregion = eu-west-1\n");
  loaded = gh_sync_settings_load (path, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpint (gh_sync_settings_differ (loaded, settings, GH_SYNC_SETTINGS_ALL), ==, 0);

  /* Only what @which names changes; defaults lose their keys */
  g_clear_pointer (&settings, gh_sync_settings_free);
  settings = gh_sync_settings_new ();
  g_assert_true (gh_profile_sync_store_settings (path, "acme", settings,
                                                 GH_SYNC_SETTINGS_ALL &
                                                 ~GH_SYNC_SETTING_OUTPUT, NULL, &error));
  g_assert_no_error (error);
  reset = gh_test_read_file (path, NULL);
  g_assert_cmpstr (reset, ==,
                   "[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\n"
                   "sso_region = us-east-1\n"
                   "gatehouse_sync_output = table\n"
                   "# keep me\n[profile hand]\nregion = eu-west-1\n");

  settings->template_ = g_strdup ("{nope}");
  g_assert_false (gh_profile_sync_store_settings (path, "acme", settings, GH_SYNC_SETTINGS_ALL,
                                                  NULL, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&settings->template_, g_free);
  settings->region = g_strdup ("Mars");
  g_assert_false (gh_profile_sync_check_settings (settings, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&settings->region, g_free);
  settings->output = g_strdup ("xml");
  g_assert_false (gh_profile_sync_check_settings (settings, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&settings->output, g_free);

  g_assert_false (gh_profile_sync_store_settings (path, "other", settings, GH_SYNC_SETTINGS_ALL,
                                                  NULL, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_clear_error (&error);
  after = gh_test_read_file (path, NULL);
  g_assert_cmpstr (after, ==, reset);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/profile-sync/name/template", test_name_template);

  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autofree char *name = g_strdup_printf ("/profile-sync/corpus/%s", corpus[i].input);

      g_test_add_data_func (name, &corpus[i], test_corpus);
    }

  g_test_add_func ("/profile-sync/append-matches-ini", test_append_matches_ini);
  g_test_add_func ("/profile-sync/remove-gone", test_remove_gone);
  g_test_add_func ("/profile-sync/only-keys", test_only_keys);
  g_test_add_func ("/profile-sync/clash-hand-written", test_clash_hand_written);
  g_test_add_func ("/profile-sync/duplicate-sections", test_duplicate_sections);
  g_test_add_func ("/profile-sync/duplicate-managed", test_duplicate_managed);
  g_test_add_func ("/profile-sync/duplicate-managed-same-header",
                   test_duplicate_managed_same_header);
  g_test_add_func ("/profile-sync/collisions", test_collisions);
  g_test_add_func ("/profile-sync/credential-process", test_credential_process);
  g_test_add_func ("/profile-sync/update-only-differing-keys",
                   test_update_changes_only_differing_keys);
  g_test_add_func ("/profile-sync/dry-run", test_dry_run);
  g_test_add_func ("/profile-sync/external-edit", test_external_edit);
  g_test_add_func ("/profile-sync/copy/current", test_copy_current);
  g_test_add_func ("/profile-sync/copy/stale", test_copy_stale);
  g_test_add_func ("/profile-sync/copy/unsettled", test_copy_unsettled);
  g_test_add_func ("/profile-sync/copy/hand-edited", test_copy_hand_edited);
  g_test_add_func ("/profile-sync/edit-while-waiting-for-lock", test_edit_while_waiting_for_lock);
  g_test_add_func ("/profile-sync/async/main-loop-runs-while-locked",
                   test_async_main_loop_runs_while_locked);
  g_test_add_func ("/profile-sync/async/cancelled-and-dry-run", test_async_cancelled_and_dry_run);
  g_test_add_func ("/profile-sync/fail/full-disk", test_write_fails_full_disk);
  g_test_add_func ("/profile-sync/fail/read-only", test_write_fails_read_only);
  g_test_add_func ("/profile-sync/symlink", test_symlink);
  g_test_add_func ("/profile-sync/mode-0600", test_mode_0600);
  g_test_add_func ("/profile-sync/bad-input", test_bad_input);
  g_test_add_func ("/profile-sync/empty-name-skipped", test_empty_name_skipped);
  g_test_add_func ("/profile-sync/region-default", test_region_default);
  g_test_add_func ("/profile-sync/settings/stored", test_settings_stored);
  g_test_add_func ("/profile-sync/settings/reset", test_settings_reset);
  g_test_add_func ("/profile-sync/settings/dry-run", test_settings_dry_run);
  g_test_add_func ("/profile-sync/settings/no-definition", test_settings_no_definition);
  g_test_add_func ("/profile-sync/settings/bad-stored", test_settings_bad_stored);
  g_test_add_func ("/profile-sync/settings/modes", test_settings_modes);
  g_test_add_func ("/profile-sync/keeps-source-profiles", test_keeps_source_profiles);
  g_test_add_func ("/profile-sync/fail/read-only-file", test_read_only_file);
  g_test_add_func ("/profile-sync/fail/fifo", test_fifo);
  g_test_add_func ("/profile-sync/many-roles", test_many_roles);
  g_test_add_func ("/profile-sync/find-profile", test_find_profile);
  g_test_add_func ("/profile-sync/find-synced-profile", test_find_synced_profile);
  g_test_add_func ("/profile-sync/store-settings", test_store_settings);

  return g_test_run ();
}
