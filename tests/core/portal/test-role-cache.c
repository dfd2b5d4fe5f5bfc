/* test-role-cache.c — tests for src/core/portal/gh-role-cache.c and src/core/portal/gh-role.c */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-test-util.h"

#define SESSION "my-sso"
#define FETCHED_AT G_GINT64_CONSTANT (1714586400)

static GPtrArray *
sample_roles (void)
{
  GPtrArray *roles = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (roles, gh_role_new (SESSION, "111111111111", "Production", "prod@example.com",
                                       "AdministratorAccess"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "111111111111", "Production", "prod@example.com",
                                       "Read Only"));
  /* An account the portal sent without name and email. */
  g_ptr_array_add (roles, gh_role_new (SESSION, "222222222222", NULL, NULL, "Développeur ☃"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "333333333333", "Ünïcode “quoted”\nname",
                                       NULL, "Role\twith\"odd\\chars"));
  return roles;
}

static void
write_cache (const char *session,
             const char *contents,
             gssize      length)
{
  g_autofree char *path = gh_role_cache_path (session);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_role_basics (void)
{
  g_autoptr(GhRole) role = gh_role_new (SESSION, "123456789012", "Prod", "p@example.com",
                                        "Read Only ✓");
  g_autoptr(GhRole) nameless = gh_role_new (SESSION, "123456789012", "", NULL, "X");
  g_autofree char *key = NULL;

  g_assert_cmpstr (gh_role_get_session_name (role), ==, SESSION);
  g_assert_cmpstr (gh_role_get_account_id (role), ==, "123456789012");
  g_assert_cmpstr (gh_role_get_account_name (role), ==, "Prod");
  g_assert_cmpstr (gh_role_get_account_email (role), ==, "p@example.com");
  g_assert_cmpstr (gh_role_get_role_name (role), ==, "Read Only ✓");
  g_assert_cmpstr (gh_role_get_key (role), ==, "123456789012/Read Only ✓");
  /* Computed once: the same pointer every time. */
  g_assert_true (gh_role_get_key (role) == gh_role_get_key (role));

  g_object_get (role, "key", &key, NULL);
  g_assert_cmpstr (key, ==, "123456789012/Read Only ✓");

  g_assert_null (gh_role_get_account_name (nameless));
  g_assert_null (gh_role_get_account_email (nameless));
}

static void
test_role_compare (void)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  /* Digits sort before letters, so the nameless account (labelled by its id) comes first;
   * "alpha" and "Alpha" are the same label and go by account id; roles within an account
   * by name, case-insensitively. */
  const char *expected[] = {
    "333333333333/B",
    "111111111111/Admin",
    "111111111111/readonly",
    "999999999999/Admin",
  };

  g_ptr_array_add (roles, gh_role_new (SESSION, "333333333333", NULL, NULL, "B"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "999999999999", "Alpha", NULL, "Admin"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "111111111111", "alpha", NULL, "readonly"));
  g_ptr_array_add (roles, gh_role_new (SESSION, "111111111111", "alpha", NULL, "Admin"));
  g_ptr_array_sort (roles, gh_role_compare);

  for (guint i = 0; i < roles->len; i++)
    g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (roles, i)), ==, expected[i]);

  /* A total order: equal only to itself. */
  for (guint i = 0; i < roles->len; i++)
    for (guint j = 0; j < roles->len; j++)
      {
        int cmp = gh_role_compare (&roles->pdata[i], &roles->pdata[j]);

        if (i == j)
          g_assert_cmpint (cmp, ==, 0);
        else
          g_assert_cmpint (cmp < 0 ? -1 : 1, ==, i < j ? -1 : 1);
      }
}

static void
test_roundtrip (void)
{
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_role_cache_path (SESSION);
  g_autofree char *hash = gh_sha1_hex (SESSION);
  g_autofree char *expected_path = NULL;
  g_autofree char *base = NULL;
  gint64 fetched_at = 0;
  GStatBuf st;

  expected_path = g_strdup_printf ("%s/gatehouse/roles-%s.json", g_get_user_cache_dir (), hash);
  g_assert_cmpstr (path, ==, expected_path);

  g_assert_true (gh_role_cache_save (SESSION, roles, FETCHED_AT, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = gh_role_cache_load (SESSION, &fetched_at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpint (fetched_at, ==, FETCHED_AT);
  gh_test_assert_same_roles (roles, loaded);

  /* Saving again replaces the file. */
  g_ptr_array_remove_index (roles, 0);
  g_assert_true (gh_role_cache_save (SESSION, roles, FETCHED_AT + 60, &error));
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = gh_role_cache_load (SESSION, &fetched_at, &error);
  g_assert_no_error (error);
  gh_test_assert_same_roles (roles, loaded);
  g_assert_cmpint (fetched_at, ==, FETCHED_AT + 60);

  /* An empty list is a valid cache. */
  g_ptr_array_set_size (roles, 0);
  g_assert_true (gh_role_cache_save (SESSION, roles, FETCHED_AT, &error));
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = gh_role_cache_load (SESSION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 0);

  base = g_path_get_basename (path);
  g_assert_true (g_str_has_prefix (base, "roles-"));
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  gint64 fetched_at = 42;
  GPtrArray *roles = gh_role_cache_load ("never-saved", &fetched_at, &error);

  g_assert_null (roles);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_cmpint (fetched_at, ==, 42);
}

static const char *bad_files[] = {
  "",
  "garbage",
  "\xff\xfe\x00\x01 not text",
  "[]",
  "null",
  "42",
  "{",
  "{}",
  /* foreign: an AWS CLI token cache file */
  "{\"startUrl\":\"https://x.awsapps.com/start\",\"accessToken\":\"aoa\"}",
  /* wrong marker */
  "{\"format\":\"something-else\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[]}",
  /* other versions */
  "{\"format\":\"gatehouse-roles\",\"version\":2,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[]}",
  "{\"format\":\"gatehouse-roles\",\"version\":\"1\",\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[]}",
  "{\"format\":\"gatehouse-roles\",\"session\":\"my-sso\",\"fetchedAt\":1,\"accounts\":[]}",
  /* another session's file under this name */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"other\",\"fetchedAt\":1,"
  "\"accounts\":[]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"fetchedAt\":1,\"accounts\":[]}",
  /* wrong types */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":\"x\","
  "\"accounts\":[]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":{}}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[42]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"roles\":[\"A\"]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":123,\"roles\":[\"A\"]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\"}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"roles\":[\"A\",null]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"roles\":[\"A\",[\"B\"]]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"roles\":[\"\"]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"accountName\":{},\"roles\":[\"A\"]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"emailAddress\":7,\"roles\":[\"A\"]}]}",
  /* truncated */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"roles\":[\"A\"",
  /* a member of ours twice (json-glib would keep one of them), and a NUL (json-glib would
   * cut the string there): the one-pass reader refuses what json-glib reads otherwise */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"accountId\":\"2\",\"roles\":[\"A\"]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"fetchedAt\":2,\"accounts\":[]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"roles\":[\"A\\u0000B\"]}]}",
  /* not JSON: a trailing comma, a number with a leading zero, text after the object */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[],}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":01,"
  "\"accounts\":[]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[]} x",
  /* a fetchedAt that is not an integer */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1.5,"
  "\"accounts\":[]}",
  /* a lone surrogate, which json-glib reads into bytes that are not UTF-8 (found by
   * fuzzing) */
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"roles\":[\"A\\ud800BB\"]}]}",
  "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\",\"fetchedAt\":1,"
  "\"accounts\":[{\"accountId\":\"1\",\"accountName\":\"\\udc00xx\",\"roles\":[\"A\"]}]}",
};

static void
test_malformed (gconstpointer data)
{
  const char *contents = bad_files[GPOINTER_TO_UINT (data)];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  gsize length = strlen (contents);

  /* The third entry has a NUL inside; write all of its bytes. */
  if (GPOINTER_TO_UINT (data) == 2)
    length = 13;

  write_cache (SESSION, contents, (gssize) length);
  roles = gh_role_cache_load (SESSION, NULL, &error);
  g_assert_null (roles);
  g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
  g_test_message ("%s", error->message);

  /* ... and a save over it makes a good cache again. */
  g_clear_error (&error);
  g_clear_pointer (&roles, g_ptr_array_unref);
  {
    g_autoptr(GPtrArray) sample = sample_roles ();

    g_assert_true (gh_role_cache_save (SESSION, sample, FETCHED_AT, &error));
    g_assert_no_error (error);
    roles = gh_role_cache_load (SESSION, NULL, &error);
    g_assert_no_error (error);
    gh_test_assert_same_roles (sample, roles);
  }
}

/* Null name/email are the same as absent. */
static void
test_nulls_accepted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  write_cache (SESSION,
               "{\"format\":\"gatehouse-roles\",\"version\":1,\"session\":\"my-sso\","
               "\"fetchedAt\":5,\"accounts\":[{\"accountId\":\"1\",\"accountName\":null,"
               "\"emailAddress\":null,\"roles\":[\"A\"]}],\"future\":[1,2]}", -1);
  roles = gh_role_cache_load (SESSION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 1);
  g_assert_null (gh_role_get_account_name (g_ptr_array_index (roles, 0)));
  g_assert_null (gh_role_get_account_email (g_ptr_array_index (roles, 0)));
}

/* Members in any order, members we do not know (of any kind) passed over, every escape */
static void
test_any_order_and_escapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  gint64 fetched_at = 0;
  GhRole *role;

  write_cache (SESSION,
               " {\"accounts\" : [ {\"roles\":[\"R\\u00e9le\\t\\\"1\\\"\",\"\\ud83d\\ude00\"],"
               "\"later\":{\"a\":[1,-2.5e3,true,false,null,{}],\"b\":\"\\/\"},"
               "\"emailAddress\":\"e\\\\x@example.com\",\"accountId\":\"123\","
               "\"accountName\":\"Caf\xc3\xa9\"} ],\n\"fetchedAt\":-7,\"session\":\"my-sso\","
               "\"version\":1,\"format\":\"gatehouse-roles\"}\r\n", -1);
  roles = gh_role_cache_load (SESSION, &fetched_at, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fetched_at, ==, -7);
  g_assert_cmpuint (roles->len, ==, 2);
  role = g_ptr_array_index (roles, 0);
  g_assert_cmpstr (gh_role_get_account_id (role), ==, "123");
  g_assert_cmpstr (gh_role_get_account_name (role), ==, "Café");
  g_assert_cmpstr (gh_role_get_account_email (role), ==, "e\\x@example.com");
  g_assert_cmpstr (gh_role_get_role_name (role), ==, "Réle\t\"1\"");
  g_assert_cmpstr (gh_role_get_role_name (g_ptr_array_index (roles, 1)), ==, "😀");
}

/* A member we do not know may nest as deep as it likes (json-glib takes any depth), but it
 * must be JSON */
static void
test_deep_unknown_member (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"format\":\"gatehouse-roles\",\"version\":1,"
                                          "\"session\":\"my-sso\",\"fetchedAt\":1,"
                                          "\"accounts\":[{\"accountId\":\"1\","
                                          "\"roles\":[\"A\"]}],\"deep\":");
  g_autoptr(GString) broken = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, i % 2 ? "[" : "{\"k\":");
  g_string_append (deep, "null");
  broken = g_string_new (deep->str);
  for (guint i = 100000; i-- > 0;)
    g_string_append_c (deep, i % 2 ? ']' : '}');
  g_string_append_c (deep, '}');
  for (guint i = 100000; i-- > 1;)
    g_string_append_c (broken, i % 2 ? ']' : '}');
  g_string_append (broken, "]}");

  write_cache (SESSION, deep->str, (gssize) deep->len);
  roles = gh_role_cache_load (SESSION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 1);

  g_clear_pointer (&roles, g_ptr_array_unref);
  write_cache (SESSION, broken->str, (gssize) broken->len);
  roles = gh_role_cache_load (SESSION, NULL, &error);
  g_assert_null (roles);
  g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
}

/* The whole range of fetchedAt, as json-glib reads and writes it */
static void
test_extreme_times (void)
{
  static const gint64 times[] = { G_MININT64, -1, 0, G_MAXINT64 };

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sample = sample_roles ();
      g_autoptr(GPtrArray) roles = NULL;
      gint64 fetched_at = 42;

      g_assert_true (gh_role_cache_save (SESSION, sample, times[i], &error));
      g_assert_no_error (error);
      roles = gh_role_cache_load (SESSION, &fetched_at, &error);
      g_assert_no_error (error);
      g_assert_cmpint (fetched_at, ==, times[i]);
      gh_test_assert_same_roles (sample, roles);
    }
}

static void
test_per_session (void)
{
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autofree char *a = gh_role_cache_path ("a");
  g_autofree char *b = gh_role_cache_path ("b");

  g_assert_cmpstr (a, !=, b);
  g_assert_true (gh_role_cache_save ("a", roles, FETCHED_AT, &error));
  g_assert_no_error (error);
  other = gh_role_cache_load ("b", NULL, &error);
  g_assert_null (other);
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
}

static void
test_diff (void)
{
  g_autoptr(GPtrArray) before = sample_roles ();
  g_autoptr(GPtrArray) after = sample_roles ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  gh_role_diff (before, after, &added, &removed);
  g_assert_cmpuint (added->len, ==, 0);
  g_assert_cmpuint (removed->len, ==, 0);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&removed, g_ptr_array_unref);

  /* "You were granted ReadOnly in prod", and one role went away. A renamed account is the
   * same role (same key). */
  g_ptr_array_remove_index (after, 1);
  g_ptr_array_add (after, gh_role_new (SESSION, "111111111111", "Prod (renamed)", NULL,
                                       "ReadOnly"));
  g_ptr_array_remove_index (after, 0);
  g_ptr_array_add (after, gh_role_new (SESSION, "111111111111", "Prod (renamed)", NULL,
                                       "AdministratorAccess"));

  gh_role_diff (before, after, &added, &removed);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (added, 0)), ==, "111111111111/ReadOnly");
  g_assert_cmpuint (removed->len, ==, 1);
  g_assert_cmpstr (gh_role_get_key (g_ptr_array_index (removed, 0)), ==,
                   "111111111111/Read Only");
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&removed, g_ptr_array_unref);

  /* From nothing (first listing): everything is added. */
  gh_role_diff (NULL, after, &added, NULL);
  g_assert_cmpuint (added->len, ==, after->len);
  g_clear_pointer (&added, g_ptr_array_unref);
  gh_role_diff (before, NULL, NULL, &removed);
  g_assert_cmpuint (removed->len, ==, before->len);
}

static void
test_large (void)
{
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double save_s, load_s, sort_s;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("%012u", 100000000 + i);
      g_autofree char *name = g_strdup_printf ("Account %u", i);
      g_autofree char *email = g_strdup_printf ("account%u@example.com", i);

      g_ptr_array_add (roles, gh_role_new (SESSION, id, name, email, "AdministratorAccess"));
      g_ptr_array_add (roles, gh_role_new (SESSION, id, name, email, "ReadOnly"));
      g_ptr_array_add (roles, gh_role_new (SESSION, id, name, email, "Power User"));
    }

  start = g_get_monotonic_time ();
  g_ptr_array_sort (roles, gh_role_compare);
  sort_s = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  start = g_get_monotonic_time ();
  g_assert_true (gh_role_cache_save (SESSION, roles, FETCHED_AT, &error));
  g_assert_no_error (error);
  save_s = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

  start = g_get_monotonic_time ();
  loaded = gh_role_cache_load (SESSION, NULL, &error);
  load_s = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 3000);
  gh_test_assert_same_roles (roles, loaded);

  g_test_message ("3000 roles: sort %.1f ms, save %.1f ms, load %.1f ms",
                  sort_s * 1000, save_s * 1000, load_s * 1000);
  /* Generous bounds (sanitizer builds, busy machines); normally a few ms each. */
  g_assert_cmpfloat (load_s, <, 3.0);
  g_assert_cmpfloat (sort_s, <, 3.0);
}

/* The copy holds its own references to the same roles */
static void
test_role_array_copy (void)
{
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GPtrArray) copy = gh_role_array_copy (roles);
  GhRole *first = g_ptr_array_index (roles, 0);

  g_assert_null (gh_role_array_copy (NULL));
  g_assert_true (copy != roles);
  g_assert_cmpuint (copy->len, ==, roles->len);
  for (guint i = 0; i < roles->len; i++)
    g_assert_true (g_ptr_array_index (copy, i) == g_ptr_array_index (roles, i));

  g_object_add_weak_pointer (G_OBJECT (first), (gpointer *) &first);
  g_clear_pointer (&roles, g_ptr_array_unref);
  g_assert_nonnull (first);
  g_clear_pointer (&copy, g_ptr_array_unref);
  g_assert_null (first);
}

/* ------------------------------------------------------------------------------------------ */
/* On a worker thread */

static void
test_async_roundtrip (void)
{
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;
  gint64 fetched_at = 0;

  gh_role_cache_save_async (SESSION, roles, FETCHED_AT, NULL, gh_test_keep_result, &result);
  /* The worker holds its own references: the caller's roles may go at once (ASan would see a
   * role freed under the worker) */
  g_clear_pointer (&roles, g_ptr_array_unref);
  saved = gh_test_wait_result (&result);
  g_assert_true (gh_role_cache_save_finish (saved, &error));
  g_assert_no_error (error);

  gh_role_cache_load_async (SESSION, NULL, gh_test_keep_result, &result);
  g_clear_object (&saved);
  saved = gh_test_wait_result (&result);
  loaded = gh_role_cache_load_finish (saved, &fetched_at, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fetched_at, ==, FETCHED_AT);

  roles = sample_roles ();
  gh_test_assert_same_roles (roles, loaded);
}

/* The same errors as the blocking load */
static void
test_async_errors (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  gint64 fetched_at = -1;

  gh_role_cache_load_async ("nobody", NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_null (gh_role_cache_load_finish (done, &fetched_at, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL);
  g_assert_cmpint (fetched_at, ==, -1);
  g_clear_error (&error);
  g_clear_object (&done);

  write_cache (SESSION, "not json", -1);
  gh_role_cache_load_async (SESSION, NULL, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_null (gh_role_cache_load_finish (done, NULL, &error));
  g_assert_error (error, GH_ERROR, GH_ERROR_MALFORMED);
}

/* Cancelled before it ran: nothing is written, nothing is read */
static void
test_async_cancelled (void)
{
  g_autoptr(GPtrArray) roles = sample_roles ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gh_role_cache_path (SESSION);

  g_cancellable_cancel (cancellable);
  gh_role_cache_save_async (SESSION, roles, FETCHED_AT, cancellable, gh_test_keep_result,
                            &result);
  done = gh_test_wait_result (&result);
  g_assert_false (gh_role_cache_save_finish (done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_clear_object (&done);

  g_assert_true (gh_role_cache_save (SESSION, roles, FETCHED_AT, NULL));
  gh_role_cache_load_async (SESSION, cancellable, gh_test_keep_result, &result);
  done = gh_test_wait_result (&result);
  g_assert_null (gh_role_cache_load_finish (done, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* gh_role_new() sets the fields itself, for speed: exactly what the construct properties give */
static void
test_role_new_as_properties (void)
{
  static const struct
  {
    const char *session, *account_id, *account_name, *account_email, *role_name;
  } cases[] = {
    { "s", "111111111111", "Production", "prod@example.com", "Admin" },
    { "s", "222222222222", "", "", "ReadOnly" },
    { NULL, "333333333333", NULL, NULL, "Développeur ☃" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhRole) made = gh_role_new (cases[i].session, cases[i].account_id,
                                            cases[i].account_name, cases[i].account_email,
                                            cases[i].role_name);
      g_autoptr(GhRole) built = g_object_new (GH_TYPE_ROLE,
                                              "session-name", cases[i].session,
                                              "account-id", cases[i].account_id,
                                              "account-name", cases[i].account_name,
                                              "account-email", cases[i].account_email,
                                              "role-name", cases[i].role_name,
                                              NULL);

      g_assert_cmpstr (gh_role_get_session_name (made), ==, gh_role_get_session_name (built));
      g_assert_cmpstr (gh_role_get_account_id (made), ==, gh_role_get_account_id (built));
      g_assert_cmpstr (gh_role_get_account_name (made), ==, gh_role_get_account_name (built));
      g_assert_cmpstr (gh_role_get_account_email (made), ==, gh_role_get_account_email (built));
      g_assert_cmpstr (gh_role_get_role_name (made), ==, gh_role_get_role_name (built));
      g_assert_cmpstr (gh_role_get_key (made), ==, gh_role_get_key (built));
      g_assert_cmpint (gh_role_compare (&made, &built), ==, 0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/role/basics", test_role_basics);
  g_test_add_func ("/role/new-as-properties", test_role_new_as_properties);
  g_test_add_func ("/role/compare", test_role_compare);
  g_test_add_func ("/role/array-copy", test_role_array_copy);
  g_test_add_func ("/role-cache/roundtrip", test_roundtrip);
  g_test_add_func ("/role-cache/missing", test_missing);
  g_test_add_func ("/role-cache/nulls-accepted", test_nulls_accepted);
  g_test_add_func ("/role-cache/per-session", test_per_session);
  g_test_add_func ("/role-cache/any-order-and-escapes", test_any_order_and_escapes);
  g_test_add_func ("/role-cache/extreme-times", test_extreme_times);
  g_test_add_func ("/role-cache/deep-unknown-member", test_deep_unknown_member);
  g_test_add_func ("/role-cache/diff", test_diff);
  g_test_add_func ("/role-cache/large", test_large);
  g_test_add_func ("/role-cache/async/roundtrip", test_async_roundtrip);
  g_test_add_func ("/role-cache/async/errors", test_async_errors);
  g_test_add_func ("/role-cache/async/cancelled", test_async_cancelled);

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/role-cache/malformed/%u", i);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_malformed);
    }

  return g_test_run ();
}
