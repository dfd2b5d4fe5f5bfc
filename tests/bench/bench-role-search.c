/* bench-role-search.c — how long the desktop's search takes over 15000 cached roles
 *
 * What GNOME Shell and KRunner wait for on each key press (gh-role-search.h): 5000 accounts × 3
 * roles in one sign-in's role list, favourites and recent roles set, a query's matcher made
 * and run to at most GH_ROLE_SEARCH_MAX_RESULTS results. Prints the median and the slowest of
 * many runs per query; the first search of a list (which expands the profile names once) is
 * printed on its own. Run by tests/bench/bench.sh in a throw-away HOME (it writes a role
 * cache there). The target: within 5 ms.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "gh-role-cache.h"
#include "gh-role-search.h"

#define SESSION "bench-search"
#define N_ACCOUNTS 5000
#define RUNS 200

static GPtrArray *
make_roles (void)
{
  static const char * const roles[] = { "AdministratorAccess", "ReadOnly", "PowerUserAccess" };
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             G_GUINT64_CONSTANT (100000000000) + i);
      /* Some names beyond ASCII, as real organisations have. */
      g_autofree char *name = i % 10 == 0 ? g_strdup_printf ("Zürich team %u", i)
                                          : g_strdup_printf ("Account %u", i);
      g_autofree char *email = g_strdup_printf ("account%u@example.com", i);

      for (guint j = 0; j < G_N_ELEMENTS (roles); j++)
        g_ptr_array_add (list, gh_role_new (SESSION, id, name, email, roles[j]));
    }
  g_ptr_array_sort (list, gh_role_compare);
  return list;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gh_role_list_load_finish (GH_ROLE_LIST (object), result, &error))
    g_error ("%s", error->message);
  *(gboolean *) user_data = TRUE;
}

static GhRoleList *
load_list (void)
{
  g_autoptr(GPtrArray) roles = make_roles ();
  g_autoptr(GError) error = NULL;
  GhRoleList *list = gh_role_list_new (SESSION);
  gboolean done = FALSE;

  if (!gh_role_cache_save (SESSION, roles, g_get_real_time () / G_USEC_PER_SEC, &error))
    g_error ("%s", error->message);
  gh_role_list_load_async (list, NULL, loaded_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return list;
}

static double
search_ms (GhRoleSearch       *search,
           GPtrArray          *lists,
           const char         *query,
           const char * const *favorites,
           const char * const *recents,
           guint              *n_results)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (query);
  g_autoptr(GPtrArray) found = gh_role_search_run (search, lists, matcher, favorites, recents,
                                                   GH_ROLE_SEARCH_MAX_RESULTS);
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  *n_results = found->len;
  return ms;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  static const char * const queries[] = {
    "a",                      /* everything matches: the cap stops early */
    "read",
    "readonly 4321",
    "account4999@example.com",
    "zürich admin",           /* a term beyond ASCII */
    "poweruseraccess-1000000049", /* only the profile name has it */
    "no-such-role",           /* nothing matches: every row is read */
  };
  const char * const favorites[] = {
    SESSION "/100000004999/ReadOnly", SESSION "/100000000007/AdministratorAccess", NULL,
  };
  const char * const recents[] = {
    SESSION "/100000002500/PowerUserAccess", SESSION "/100000000042/ReadOnly", NULL,
  };
  g_autofree char *config = g_build_filename (g_get_home_dir (), ".aws", "config", NULL);
  g_autoptr(GhRoleSearch) search = gh_role_search_new (config);
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func (g_object_unref);
  double worst_median = 0;
  guint n = 0;
  double first;

  g_ptr_array_add (lists, load_list ());
  first = search_ms (search, lists, "read", favorites, recents, &n);
  g_print ("  first search of the list (profile names expanded once): %.2f ms\n", first);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      double times[RUNS];

      for (guint r = 0; r < RUNS; r++)
        times[r] = search_ms (search, lists, queries[q], favorites, recents, &n);
      qsort (times, RUNS, sizeof (double), compare_doubles);
      worst_median = MAX (worst_median, times[RUNS / 2]);
      /* printf, not g_print: the queries are UTF-8 whatever the locale. */
      printf ("  %-28s %2u results: median %.2f ms, slowest %.2f ms\n", queries[q], n,
              times[RUNS / 2], times[RUNS - 1]);
    }
  g_print ("  search over %u roles: slowest median %.2f ms (target: within 5 ms)\n",
           g_list_model_get_n_items (g_ptr_array_index (lists, 0)), worst_median);
  return 0;
}
