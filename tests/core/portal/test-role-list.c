/* test-role-list.c — tests for src/core/portal/gh-role-list.c */
#include "config.h"

#include <malloc.h>

#include <glib/gstdio.h>

#include "gh-error.h"
#include "gh-role-cache.h"
#include "gh-role-list.h"
#include "gh-test-util.h"

#define SESSION "work"
#define FETCHED_AT G_GINT64_CONSTANT (1714586400)

static GPtrArray *
sample_roles (void)
{
  GPtrArray *roles = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (roles, gh_role_new (SESSION, "222222222222", NULL, NULL, "Developer"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "111111111111", "Production", "prod@example.com",
                                       "AdministratorAccess"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "111111111111", "Production", "prod@example.com",
                                       "Read Only"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "333333333333", "Staging", NULL,
                                       "AdministratorAccess"));
  return roles;
}

/* An organisation of `accounts` accounts with three roles each, as the portal names them. */
static GPtrArray *
many_roles (guint accounts)
{
  static const char * const names[] = { "AdministratorAccess", "ReadOnly", "PowerUserAccess" };
  GPtrArray *roles = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < accounts; i++)
    {
      g_autofree char *id = g_strdup_printf ("%012u", 100000000 + i);
      g_autofree char *name = g_strdup_printf ("Account %u", i);
      g_autofree char *email = g_strdup_printf ("account%u@example.com", i);

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        g_ptr_array_add (roles, gh_role_new (SESSION, id, name, email, names[j]));
    }
  g_ptr_array_sort (roles, gh_role_compare);
  return roles;
}

static void
save_cache (GPtrArray *roles,
            gint64     fetched_at)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_role_cache_save (SESSION, roles, fetched_at, &error));
  g_assert_no_error (error);
}

static void
assert_shows (GhRoleList *list,
              GPtrArray  *roles)
{
  GListModel *model = G_LIST_MODEL (list);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, roles->len);
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *expected = g_ptr_array_index (roles, i);
      g_autoptr(GhRole) role = g_list_model_get_item (model, i);

      g_assert_cmpstr (gh_role_get_session_name (role), ==, SESSION);
      g_assert_cmpstr (gh_role_get_key (role), ==, gh_role_get_key (expected));
      g_assert_cmpstr (gh_role_get_account_name (role), ==, gh_role_get_account_name (expected));
      g_assert_cmpstr (gh_role_get_account_email (role), ==,
                       gh_role_get_account_email (expected));
      g_assert_cmpstr (gh_role_get_role_name (role), ==, gh_role_get_role_name (expected));
    }
  g_assert_null (g_list_model_get_item (model, roles->len));
}

/* Runs an async call of the list to completion. */
typedef struct
{
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

static gboolean
load (GhRoleList  *list,
      GError     **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;

  gh_role_list_load_async (list, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  return gh_role_list_load_finish (list, result, error);
}

static void
compare (GhRoleList  *list,
         GPtrArray   *roles,
         GPtrArray  **added,
         GPtrArray  **removed)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  gh_role_list_compare_async (list, roles, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  g_assert_true (gh_role_list_compare_finish (list, result, added, removed, &error));
  g_assert_no_error (error);
}

static gboolean
replace (GhRoleList  *list,
         GPtrArray   *roles,
         gint64       fetched_at,
         GError     **error)
{
  Wait wait = { NULL };
  g_autoptr(GAsyncResult) result = NULL;

  gh_role_list_replace_async (list, roles, fetched_at, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  return gh_role_list_replace_finish (list, result, error);
}

typedef struct
{
  guint changes;
  guint removed;
  guint added;
  guint n_items_notified;
  guint fetched_at_notified;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  g_assert_cmpuint (position, ==, 0);
  changes->changes++;
  changes->removed = removed;
  changes->added = added;
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Changes    *changes)
{
  if (g_str_equal (pspec->name, "n-items"))
    changes->n_items_notified++;
  else if (g_str_equal (pspec->name, "fetched-at"))
    changes->fetched_at_notified++;
}

static void
watch_changes (GhRoleList *list,
               Changes    *changes)
{
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), changes);
  g_signal_connect (list, "notify", G_CALLBACK (notify_cb), changes);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_empty (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = gh_role_list_dup_roles (list);
  guint n_items = 1;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == GH_TYPE_ROLE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 0));
  g_assert_cmpstr (gh_role_list_get_session_name (list), ==, SESSION);
  g_assert_cmpint (gh_role_list_get_fetched_at (list), ==, 0);
  g_assert_null (gh_role_list_lookup_account_name (list, "111111111111"));
  g_assert_cmpuint (roles->len, ==, 0);
  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 0);
}

/* The cache's roles, names and e-mails, in its order; one change for the lot. */
static void
test_load (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  save_cache (roles, FETCHED_AT);
  watch_changes (list, &changes);
  g_assert_true (load (list, &error));
  g_assert_no_error (error);

  assert_shows (list, roles);
  g_assert_cmpuint (changes.changes, ==, 1);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, roles->len);
  g_assert_cmpuint (changes.n_items_notified, ==, 1);
  g_assert_cmpuint (changes.fetched_at_notified, ==, 1);
  g_assert_cmpint (gh_role_list_get_fetched_at (list), ==, FETCHED_AT);

  g_assert_cmpstr (gh_role_list_lookup_account_name (list, "111111111111"), ==, "Production");
  g_assert_cmpstr (gh_role_list_lookup_account_name (list, "333333333333"), ==, "Staging");
  g_assert_null (gh_role_list_lookup_account_name (list, "222222222222"));
  g_assert_null (gh_role_list_lookup_account_name (list, "999999999999"));

  copies = gh_role_list_dup_roles (list);
  g_assert_cmpuint (copies->len, ==, roles->len);
  for (guint i = 0; i < roles->len; i++)
    g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (copies, i)), ==,
                     gh_role_get_key (g_ptr_array_index (roles, i)));
}

/* The model changes on the main loop once the worker is done, never within the call. */
static void
test_load_is_async (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = many_roles (1000);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { NULL };

  save_cache (roles, FETCHED_AT);
  gh_role_list_load_async (list, NULL, wait_cb, &wait);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  result = wait_for (&wait);
  g_assert_true (gh_role_list_load_finish (list, result, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3000);
}

/* Without a usable cache the list keeps what it shows. */
static void
test_load_fails (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autofree char *path = gh_role_cache_path (SESSION);
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  g_assert_false (load (list, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_clear_error (&error);

  save_cache (roles, FETCHED_AT);
  g_assert_true (load (list, NULL));
  watch_changes (list, &changes);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (load (list, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_clear_error (&error);

  gh_test_write_file (path, "{ not json", -1);
  g_assert_false (load (list, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);

  assert_shows (list, roles);
  g_assert_cmpint (gh_role_list_get_fetched_at (list), ==, FETCHED_AT);
  g_assert_cmpuint (changes.changes, ==, 0);
}

/* A new listing: compared with the cache (which the comparison leaves alone), written to it,
 * shown. */
static void
test_replace (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) before = sample_roles ();
  g_autoptr(GPtrArray) after = sample_roles ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) cached = NULL;
  g_autoptr(GError) error = NULL;
  gint64 fetched_at = 0;
  Changes changes = { 0, };

  save_cache (before, FETCHED_AT);
  g_assert_true (load (list, NULL));
  watch_changes (list, &changes);

  g_ptr_array_remove_index (after, 3);
  g_ptr_array_add (after, gh_role_new (SESSION, "444444444444", "Sandbox", NULL, "Admin"));
  compare (list, after, &added, &removed);
  assert_shows (list, before);
  g_assert_cmpuint (changes.changes, ==, 0);
  g_assert_true (replace (list, after, FETCHED_AT + 60, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (added, 0)), ==, "444444444444/Admin");
  g_assert_cmpuint (removed->len, ==, 1);
  g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (removed, 0)), ==,
                   "333333333333/AdministratorAccess");

  assert_shows (list, after);
  g_assert_cmpint (gh_role_list_get_fetched_at (list), ==, FETCHED_AT + 60);
  g_assert_cmpuint (changes.changes, ==, 1);
  g_assert_cmpuint (changes.removed, ==, before->len);
  g_assert_cmpuint (changes.added, ==, after->len);
  g_assert_cmpuint (changes.n_items_notified, ==, 0);
  g_assert_cmpuint (changes.fetched_at_notified, ==, 1);
  g_assert_cmpstr (gh_role_list_lookup_account_name (list, "444444444444"), ==, "Sandbox");
  g_assert_null (gh_role_list_lookup_account_name (list, "333333333333"));

  cached = gh_role_cache_load (SESSION, &fetched_at, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cached->len, ==, after->len);
  g_assert_cmpint (fetched_at, ==, FETCHED_AT + 60);
}

/* The first listing has nothing to be compared with. */
static void
test_replace_first (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = sample_roles ();
  GPtrArray *added = NULL;
  GPtrArray *removed = NULL;

  compare (list, roles, &added, &removed);
  g_assert_null (added);
  g_assert_null (removed);
  g_assert_true (replace (list, roles, FETCHED_AT, NULL));
  assert_shows (list, roles);
}

/* A cache that cannot be written: the listing is shown all the same. */
static void
test_replace_unwritable (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autofree char *path = gh_role_cache_path (SESSION);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  /* A file where the cache's folder should be. */
  gh_test_write_file (dir, "", 0);
  g_assert_false (replace (list, roles, FETCHED_AT, &error));
  g_assert_nonnull (error);
  assert_shows (list, roles);
}

/* Of overlapping operations, the one started last is what the list shows, whichever finishes
 * first. */
static void
test_last_wins (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) old = many_roles (2000);
  g_autoptr(GPtrArray) fresh = sample_roles ();
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) replaced = NULL;
  Wait load_wait = { NULL };
  Wait replace_wait = { NULL };

  save_cache (old, FETCHED_AT);
  gh_role_list_load_async (list, NULL, wait_cb, &load_wait);
  gh_role_list_replace_async (list, fresh, FETCHED_AT + 60, NULL, wait_cb, &replace_wait);
  loaded = wait_for (&load_wait);
  replaced = wait_for (&replace_wait);
  g_assert_true (gh_role_list_load_finish (list, loaded, NULL));
  g_assert_true (gh_role_list_replace_finish (list, replaced, NULL));
  assert_shows (list, fresh);
}

/* An item still held is handed out again; a new table makes new items. */
static void
test_items (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GhRole) first = NULL;
  g_autoptr(GhRole) again = NULL;
  g_autoptr(GhRole) other = NULL;
  g_autoptr(GhRole) reloaded = NULL;

  save_cache (roles, FETCHED_AT);
  g_assert_true (load (list, NULL));
  first = g_list_model_get_item (G_LIST_MODEL (list), 1);
  again = g_list_model_get_item (G_LIST_MODEL (list), 1);
  other = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_true (first == again);
  g_assert_true (first != other);

  g_assert_true (load (list, NULL));
  reloaded = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (reloaded != first);
  g_assert_cmpstr (gh_role_get_key (reloaded), ==, gh_role_get_key (first));

  /* Items may outlive their list. */
  g_clear_object (&list);
  g_assert_cmpstr (gh_role_get_key (reloaded), ==, gh_role_get_key (first));
}

/* The row's strings as its GhRole has them, without making one; nothing past the end. */
static void
test_peek (void)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  g_autoptr(GPtrArray) roles = sample_roles ();
  const char *id = NULL, *name = NULL, *email = NULL, *role_name = NULL;
  guint n;

  g_assert_false (gh_role_list_peek (list, 0, &id, &name, &email, &role_name));
  g_assert_null (id);

  save_cache (roles, FETCHED_AT);
  g_assert_true (load (list, NULL));
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, roles->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhRole) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (gh_role_list_peek (list, i, &id, &name, &email, &role_name));
      g_assert_cmpstr (id, ==, gh_role_get_account_id (item));
      g_assert_cmpstr (name, ==, gh_role_get_account_name (item));
      g_assert_cmpstr (email, ==, gh_role_get_account_email (item));
      g_assert_cmpstr (role_name, ==, gh_role_get_role_name (item));
    }
  /* Any out argument may be NULL; a nameless account reads as NULL, as GhRole has it. */
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (gh_role_list_peek (list, i, &id, NULL, NULL, NULL));
      if (g_str_equal (id, "222222222222"))
        {
          g_assert_true (gh_role_list_peek (list, i, NULL, &name, &email, NULL));
          g_assert_null (name);
          g_assert_null (email);
        }
    }
  g_assert_false (gh_role_list_peek (list, n, &id, NULL, NULL, NULL));
}

/* What a role costs in memory: heap in use (mallinfo2, every thread in one arena) after
 * loading 5000 accounts × 3 roles, against the GhRole objects the cache loads into. */
static gsize
heap_in_use (void)
{
  return mallinfo2 ().uordblks;
}

static gsize
heap_of_role_objects (guint n_roles)
{
  gsize before = heap_in_use ();
  g_autoptr(GPtrArray) roles = gh_role_cache_load (SESSION, NULL, NULL);
  gsize after;

  g_assert_cmpuint (roles->len, ==, n_roles);
  /* What gh_role_compare adds the first time a list is sorted. */
  g_ptr_array_sort (roles, gh_role_compare);
  after = heap_in_use ();
  return after > before ? after - before : 0;
}

/* Measured as what dropping the list gives back, on this thread: the worker that loaded it
 * may still be freeing its temporaries after the load has returned. */
static gsize
heap_of_role_list (guint n_roles)
{
  g_autoptr(GhRoleList) list = gh_role_list_new (SESSION);
  gsize before, after;

  g_assert_true (load (list, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_roles);
  /* The worker drops its reference to the task (and so to the list) on its own thread. */
  for (guint i = 0; i < 5000 && G_OBJECT (list)->ref_count > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpint (G_OBJECT (list)->ref_count, ==, 1);
  before = heap_in_use ();
  g_clear_object (&list);
  after = heap_in_use ();
  g_assert_cmpuint (before, >, after);
  return before - after;
}

/* Sanitizers bring allocators of their own, which mallinfo2 knows nothing about. */
static gboolean
heap_is_measurable (void)
{
  gsize before = heap_in_use ();
  g_autofree char *block = g_malloc0 (32 * 1024);

  return heap_in_use () >= before + 32 * 1024;
}

static void
test_memory (void)
{
  g_autoptr(GPtrArray) roles = NULL;
  guint n_roles;
  double list_bytes, object_bytes;

  if (!heap_is_measurable ())
    {
      g_test_skip ("mallinfo2 does not see this allocator (a sanitizer build?)");
      return;
    }

  roles = many_roles (5000);
  n_roles = roles->len;
  save_cache (roles, FETCHED_AT);
  g_clear_pointer (&roles, g_ptr_array_unref);

  object_bytes = (double) heap_of_role_objects (n_roles) / n_roles;
  list_bytes = (double) heap_of_role_list (n_roles) / n_roles;
  g_test_message ("5000 accounts x 3 roles: GhRoleList %.1f bytes per role, "
                  "GhRole objects %.1f bytes per role", list_bytes, object_bytes);
  g_assert_cmpfloat (list_bytes, <, 64);
  g_assert_cmpfloat (list_bytes * 5, <, object_bytes);
}

int
main (int    argc,
      char **argv)
{
  /* The worker threads allocate from the main arena, which mallinfo2 reports on. */
  mallopt (M_ARENA_MAX, 1);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/role-list/empty", test_empty);
  g_test_add_func ("/role-list/load", test_load);
  g_test_add_func ("/role-list/load-is-async", test_load_is_async);
  g_test_add_func ("/role-list/load-fails", test_load_fails);
  g_test_add_func ("/role-list/replace", test_replace);
  g_test_add_func ("/role-list/replace-first", test_replace_first);
  g_test_add_func ("/role-list/replace-unwritable", test_replace_unwritable);
  g_test_add_func ("/role-list/last-wins", test_last_wins);
  g_test_add_func ("/role-list/items", test_items);
  g_test_add_func ("/role-list/peek", test_peek);
  g_test_add_func ("/role-list/memory", test_memory);
  return g_test_run ();
}
