/* test-role-results.c — GhRoleResults: the roles that pass a filter, as slots that stay put */
#include "config.h"

#include "gh-role-results.h"

typedef struct
{
  GListStore    *source;
  GhRoleResults *results;
  const char    *needle;     /* a role passes when its name contains it (NULL: all) */
  guint          checked;    /* roles the filter was asked about */
  GString       *changes;    /* "position,removed,added;" of each items-changed */
} Fixture;

static gboolean
filter_cb (GhRole   *role,
           gpointer  user_data)
{
  Fixture *fixture = user_data;

  fixture->checked++;
  return fixture->needle == NULL || strstr (gh_role_get_role_name (role), fixture->needle) != NULL;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  g_string_append_printf (fixture->changes, "%u,%u,%u;", position, removed, added);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static const char *names[] = { "Admin", "ReadOnly", "Billing", "ReadWrite", "Audit" };

  fixture->source = g_list_store_new (GH_TYPE_ROLE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GhRole) role = gh_role_new ("s", "100000000001", "Account 1", NULL, names[i]);

      g_list_store_append (fixture->source, role);
    }
  fixture->results = gh_role_results_new (G_LIST_MODEL (fixture->source), filter_cb, fixture);
  fixture->changes = g_string_new (NULL);
  g_signal_connect (fixture->results, "items-changed", G_CALLBACK (items_changed_cb), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->results);
  g_clear_object (&fixture->source);
  g_string_free (fixture->changes, TRUE);
}

static char *
shown (Fixture *fixture)
{
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->results));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhRoleSlot) slot = g_list_model_get_item (G_LIST_MODEL (fixture->results), i);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "",
                              gh_role_get_role_name (gh_role_slot_get_role (slot)));
    }
  return g_string_free (text, FALSE);
}

static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *all = NULL;
  g_autofree char *read = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->results)) ==
                 GH_TYPE_ROLE_SLOT);

  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  all = shown (fixture);
  g_assert_cmpstr (all, ==, "Admin ReadOnly Billing ReadWrite Audit");

  fixture->needle = "Read";
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  read = shown (fixture);
  g_assert_cmpstr (read, ==, "ReadOnly ReadWrite");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (fixture->results), 2));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* The slots stay the same objects; only the end of the list changes. */
static void
test_slots_stay (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GhRoleSlot) first = NULL;
  g_autoptr(GhRoleSlot) again = NULL;
  guint notified = 0;

  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  g_assert_cmpstr (fixture->changes->str, ==, "0,0,5;");
  first = g_list_model_get_item (G_LIST_MODEL (fixture->results), 0);
  g_signal_connect_swapped (first, "notify::role", G_CALLBACK (count_cb), &notified);

  fixture->needle = "Audit";
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  g_assert_cmpstr (fixture->changes->str, ==, "0,0,5;1,4,0;");
  again = g_list_model_get_item (G_LIST_MODEL (fixture->results), 0);
  g_assert_true (again == first);
  g_assert_cmpstr (gh_role_get_role_name (gh_role_slot_get_role (first)), ==, "Audit");
  g_assert_cmpuint (notified, ==, 1);

  /* The same role again: no notification. */
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (fixture->changes->str, ==, "0,0,5;1,4,0;");
}

/* Narrowing asks only about the roles shown. */
static void
test_more_strict (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *text = NULL;

  fixture->needle = "Read";
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  g_assert_cmpuint (fixture->checked, ==, 5);

  fixture->needle = "ReadW";
  fixture->checked = 0;
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_MORE_STRICT);
  g_assert_cmpuint (fixture->checked, ==, 2);
  text = shown (fixture);
  g_assert_cmpstr (text, ==, "ReadWrite");

  /* Widening asks about every role again. */
  fixture->needle = NULL;
  fixture->checked = 0;
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_LESS_STRICT);
  g_assert_cmpuint (fixture->checked, ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 5);
}

static gboolean
all_shown_cb (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (fixture->results)) == 300;
}

/* Many new results: a first batch at once, then a batch per idle while a list view would make
 * rows for them, then the rest at once. */
static void
test_grow_in_batches (Fixture       *fixture,
                      gconstpointer  data)
{
  gint64 deadline;

  for (guint i = 0; i < 295; i++)
    {
      g_autofree char *name = g_strdup_printf ("Role%u", i);
      g_autoptr(GhRole) role = gh_role_new ("s", "100000000001", "Account 1", NULL, name);

      g_list_store_append (fixture->source, role);
    }
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_DIFFERENT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 40);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!all_shown_cb (fixture) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 300);
  g_assert_cmpstr (fixture->changes->str, ==,
                   "0,0,40;40,0,40;80,0,40;120,0,40;160,0,40;200,0,40;240,0,60;");

  /* Narrowed again while growing: no batch comes after. */
  fixture->needle = "Role29";
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_MORE_STRICT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 6);
  g_string_truncate (fixture->changes, 0);
  fixture->needle = NULL;
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_LESS_STRICT);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 46);
  fixture->needle = "Role29";
  gh_role_results_refilter (fixture->results, GTK_FILTER_CHANGE_MORE_STRICT);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->results)), ==, 6);
  g_assert_cmpstr (fixture->changes->str, ==, "6,0,40;6,40,0;");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/role-results/filter", Fixture, NULL, fixture_setup, test_filter,
              fixture_teardown);
  g_test_add ("/role-results/slots-stay", Fixture, NULL, fixture_setup, test_slots_stay,
              fixture_teardown);
  g_test_add ("/role-results/more-strict", Fixture, NULL, fixture_setup, test_more_strict,
              fixture_teardown);
  g_test_add ("/role-results/grow-in-batches", Fixture, NULL, fixture_setup,
              test_grow_in_batches, fixture_teardown);
  return g_test_run ();
}
