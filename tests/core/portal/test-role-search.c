/* test-role-search.c — tests for src/core/portal/gh-role-search.c */
#include "config.h"

#include "gh-role-cache.h"
#include "gh-role-search.h"
#include "gh-test-util.h"

#define FETCHED_AT G_GINT64_CONSTANT (1714586400)

typedef struct
{
  char      *config_path;
  GPtrArray *lists;         /* GhRoleList: "work", then "lab" */
} Fixture;

static void
save_roles (const char *session,
            GPtrArray  *roles)
{
  g_autoptr(GError) error = NULL;

  g_ptr_array_sort (roles, gh_role_compare);
  g_assert_true (gh_role_cache_save (session, roles, FETCHED_AT, &error));
  g_assert_no_error (error);
}

static void
load (GhRoleList *list)
{
  GAsyncResult *pending = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  gh_role_list_load_async (list, NULL, gh_test_keep_result, &pending);
  result = gh_test_wait_result (&pending);
  g_assert_true (gh_role_list_load_finish (list, result, &error));
  g_assert_no_error (error);
}

static void
add_role (GPtrArray  *roles,
          const char *session,
          const char *account_id,
          const char *account_name,
          const char *account_email,
          const char *role_name)
{
  g_ptr_array_add (roles, gh_role_new (session, account_id, account_name, account_email,
                                       role_name));
}

/* work: Production (two roles), Staging, a nameless account; lab: Sandbox. Profiles of "work"
 * are named {account_name}-{role}, of "lab" the default {role}-{account_id}. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) work = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) lab = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const sessions[] = { "work", "lab" };

  add_role (work, "work", "111111111111", "Production", "prod@example.com", "AdministratorAccess");
  add_role (work, "work", "111111111111", "Production", "prod@example.com", "ReadOnly");
  add_role (work, "work", "222222222222", "Staging", "staging@example.com", "ReadOnly");
  add_role (work, "work", "333333333333", NULL, NULL, "Billing");
  add_role (lab, "lab", "444444444444", "Sandbox", "sandbox@lab.example.org", "ReadOnly");
  save_roles ("work", work);
  save_roles ("lab", lab);

  fixture->config_path = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  gh_test_write_file (fixture->config_path,
                      "[sso-session work]\n"
                      "sso_start_url = https://work.awsapps.com/start\n"
                      "sso_region = eu-west-1\n"
                      "gatehouse_sync_template = {account_name}-{role}\n"
                      "\n"
                      "[sso-session lab]\n"
                      "sso_start_url = https://lab.awsapps.com/start\n"
                      "sso_region = eu-west-1\n", -1);

  fixture->lists = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      GhRoleList *list = gh_role_list_new (sessions[i]);

      load (list);
      g_ptr_array_add (fixture->lists, list);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->lists, g_ptr_array_unref);
  g_clear_pointer (&fixture->config_path, g_free);
}

/* The results as "SESSION/ACCOUNT_ID/ROLE" lines, in order. */
static char *
search (GhRoleSearch       *search,
        Fixture            *fixture,
        const char         *query,
        const char * const *favorites,
        const char * const *recents,
        guint               max_results)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (query);
  g_autoptr(GPtrArray) roles = gh_role_search_run (search, fixture->lists, matcher, favorites,
                                                   recents, max_results);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      g_string_append_printf (text, "%s/%s\n", gh_role_get_session_name (role),
                              gh_role_get_key (role));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_terms (Fixture       *fixture,
            gconstpointer  data)
{
  static const struct
  {
    const char *query;
    const char *expected;
  } cases[] = {
    { "readonly", "work/111111111111/ReadOnly\nwork/222222222222/ReadOnly\n"
                  "lab/444444444444/ReadOnly\n" },
    { "prod", "work/111111111111/AdministratorAccess\nwork/111111111111/ReadOnly\n" },
    { "prod read", "work/111111111111/ReadOnly\n" },
    { "2222", "work/222222222222/ReadOnly\n" },
    { "lab.example", "lab/444444444444/ReadOnly\n" },
    { "billing 3333", "work/333333333333/Billing\n" },
    { "nothing-like-it", "" },
    /* Profile names: "Production-ReadOnly" (work's template), "ReadOnly-444444444444" (lab's,
     * the default); neither is any other field. */
    { "production-readonly", "work/111111111111/ReadOnly\n" },
    { "readonly-4444", "lab/444444444444/ReadOnly\n" },
    { "readonly-1111", "" },
  };
  g_autoptr(GhRoleSearch) role_search = gh_role_search_new (fixture->config_path);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *found = search (role_search, fixture, cases[i].query, NULL, NULL,
                                       GH_ROLE_SEARCH_MAX_RESULTS);

      g_test_message ("query \"%s\"", cases[i].query);
      g_assert_cmpstr (found, ==, cases[i].expected);
    }
}

/* Favourites first in their order, then recent roles in theirs, then the rest; each once. */
static void
test_ranking (Fixture       *fixture,
              gconstpointer  data)
{
  const char * const favorites[] = {
    "lab/444444444444/ReadOnly", "work/222222222222/ReadOnly", "gone/999999999999/Admin", NULL,
  };
  const char * const recents[] = {
    "work/222222222222/ReadOnly", "work/333333333333/Billing", "work/111111111111/ReadOnly", NULL,
  };
  g_autoptr(GhRoleSearch) role_search = gh_role_search_new (fixture->config_path);
  g_autofree char *all = search (role_search, fixture, "", favorites, recents, 20);
  g_autofree char *readonly = search (role_search, fixture, "readonly", favorites, recents, 20);
  g_autofree char *capped = search (role_search, fixture, "", favorites, recents, 3);
  g_autofree char *one = search (role_search, fixture, "o", NULL, NULL, 1);

  g_assert_cmpstr (all, ==,
                   "lab/444444444444/ReadOnly\nwork/222222222222/ReadOnly\n"
                   "work/333333333333/Billing\nwork/111111111111/ReadOnly\n"
                   "work/111111111111/AdministratorAccess\n");
  g_assert_cmpstr (readonly, ==,
                   "lab/444444444444/ReadOnly\nwork/222222222222/ReadOnly\n"
                   "work/111111111111/ReadOnly\n");
  g_assert_cmpstr (capped, ==,
                   "lab/444444444444/ReadOnly\nwork/222222222222/ReadOnly\n"
                   "work/333333333333/Billing\n");
  g_assert_cmpstr (one, ==, "work/111111111111/AdministratorAccess\n");
}

/* The same search object follows changes to the favourites and recent roles between searches. */
static void
test_ranking_changes (Fixture       *fixture,
                      gconstpointer  data)
{
  const char * const first[] = { "work/222222222222/ReadOnly", NULL };
  const char * const second[] = { "lab/444444444444/ReadOnly", NULL };
  g_autoptr(GhRoleSearch) role_search = gh_role_search_new (fixture->config_path);
  g_autofree char *with_first = search (role_search, fixture, "readonly", first, NULL, 20);
  g_autofree char *with_second = search (role_search, fixture, "readonly", second, NULL, 20);
  g_autofree char *as_recent = search (role_search, fixture, "readonly", NULL, first, 20);
  g_autofree char *without = search (role_search, fixture, "readonly", NULL, NULL, 20);

  g_assert_cmpstr (with_first, ==, "work/222222222222/ReadOnly\nwork/111111111111/ReadOnly\n"
                                   "lab/444444444444/ReadOnly\n");
  g_assert_cmpstr (with_second, ==, "lab/444444444444/ReadOnly\nwork/111111111111/ReadOnly\n"
                                    "work/222222222222/ReadOnly\n");
  g_assert_cmpstr (as_recent, ==, with_first);
  g_assert_cmpstr (without, ==, "work/111111111111/ReadOnly\nwork/222222222222/ReadOnly\n"
                                "lab/444444444444/ReadOnly\n");
}

/* A favourite that comes after max_results other matches in list order still comes first. */
static void
test_favorite_after_cap (Fixture       *fixture,
                         gconstpointer  data)
{
  const char * const favorites[] = { "lab/444444444444/ReadOnly", NULL };
  const char * const recents[] = { "work/333333333333/Billing", NULL };
  g_autoptr(GhRoleSearch) role_search = gh_role_search_new (fixture->config_path);
  g_autofree char *found = search (role_search, fixture, "", favorites, recents, 2);

  g_assert_cmpstr (found, ==, "lab/444444444444/ReadOnly\nwork/333333333333/Billing\n");
}

/* New roles in a list, or a new template in the config file, are what the next search sees. */
static void
test_changes (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GhRoleSearch) role_search = gh_role_search_new (fixture->config_path);
  g_autoptr(GPtrArray) lab = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *before = search (role_search, fixture, "poweruser", NULL, NULL, 20);
  g_autofree char *after = NULL;
  g_autofree char *old_template = NULL;
  g_autofree char *new_template = NULL;
  g_autofree char *reloaded = NULL;

  g_assert_cmpstr (before, ==, "");
  add_role (lab, "lab", "444444444444", "Sandbox", NULL, "ReadOnly");
  add_role (lab, "lab", "555555555555", "Research", NULL, "PowerUser");
  save_roles ("lab", lab);
  load (g_ptr_array_index (fixture->lists, 1));
  after = search (role_search, fixture, "poweruser", NULL, NULL, 20);
  g_assert_cmpstr (after, ==, "lab/555555555555/PowerUser\n");

  gh_test_write_file (fixture->config_path,
                      "[sso-session work]\n"
                      "sso_start_url = https://work.awsapps.com/start\n"
                      "sso_region = eu-west-1\n"
                      "gatehouse_sync_template = acct-{account_id}\n"
                      "\n"
                      "[sso-session lab]\n"
                      "sso_start_url = https://lab.awsapps.com/start\n"
                      "sso_region = eu-west-1\n", -1);
  old_template = search (role_search, fixture, "acct-2222", NULL, NULL, 20);
  g_assert_cmpstr (old_template, ==, "");   /* kept until told */
  gh_role_search_reload_templates (role_search);
  new_template = search (role_search, fixture, "acct-2222", NULL, NULL, 20);
  g_assert_cmpstr (new_template, ==, "work/222222222222/ReadOnly\n");

  /* A list made again for the sign-in (the service reloaded its sessions) replaces the old. */
  g_ptr_array_remove_index (fixture->lists, 1);
  g_ptr_array_add (fixture->lists, gh_role_list_new ("lab"));
  reloaded = search (role_search, fixture, "poweruser", NULL, NULL, 20);
  g_assert_cmpstr (reloaded, ==, "");
}

static void
test_profile_name (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GhRoleSearch) role_search = gh_role_search_new (fixture->config_path);
  g_autoptr(GhRole) work = gh_role_new ("work", "111111111111", "Production", NULL, "ReadOnly");
  g_autoptr(GhRole) lab = gh_role_new ("lab", "444444444444", "Sandbox", NULL, "ReadOnly");
  g_autofree char *work_name = gh_role_search_dup_profile_name (role_search, work);
  g_autofree char *lab_name = NULL;
  g_autofree char *searched = search (role_search, fixture, "zzz", NULL, NULL, 20);

  g_assert_cmpstr (work_name, ==, "Production-ReadOnly");
  /* Once searched, from the kept template; the same name either way. */
  g_assert_cmpstr (searched, ==, "");
  lab_name = gh_role_search_dup_profile_name (role_search, lab);
  g_assert_cmpstr (lab_name, ==, "ReadOnly-444444444444");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/role-search/terms", test_terms);
  ADD ("/role-search/ranking", test_ranking);
  ADD ("/role-search/ranking-changes", test_ranking_changes);
  ADD ("/role-search/favorite-after-cap", test_favorite_after_cap);
  ADD ("/role-search/changes", test_changes);
  ADD ("/role-search/profile-name", test_profile_name);
#undef ADD

  return g_test_run ();
}
