/* test-role-target.c — "SESSION/ACCOUNT_ID/ROLE" and account ids */
#include "config.h"

#include "gh-role-target.h"

static void
test_roundtrip (void)
{
  static const char * const sessions[] = { "work", "a/b", "my sso", "x" };

  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      g_autofree char *target = gh_role_target_build (sessions[i], "111111111111", "Admin");
      g_autofree char *session = NULL;
      g_autofree char *account = NULL;
      g_autofree char *role = NULL;

      g_assert_true (gh_role_target_parse (target, &session, &account, &role));
      g_assert_cmpstr (session, ==, sessions[i]);
      g_assert_cmpstr (account, ==, "111111111111");
      g_assert_cmpstr (role, ==, "Admin");
    }
}

/* What `sync --favorites-only` (CLI and tray) writes for one sign-in */
static void
test_keys_of_session (void)
{
  const char * const favorites[] = {
    "work/111111111111/Admin", "work/b/222222222222/ReadOnly", "work/333333333333/Dev",
    "other/111111111111/Admin", "not a target", NULL,
  };
  const char * const work[] = { "111111111111/Admin", "333333333333/Dev", NULL };
  const char * const work_b[] = { "222222222222/ReadOnly", NULL };
  g_auto(GStrv) keys = gh_role_target_keys_of_session (favorites, "work");
  g_auto(GStrv) keys_b = gh_role_target_keys_of_session (favorites, "work/b");
  g_auto(GStrv) none = gh_role_target_keys_of_session (favorites, "nobody");
  g_auto(GStrv) empty = gh_role_target_keys_of_session (NULL, "work");

  g_assert_true (g_strv_equal ((const char * const *) keys, work));
  g_assert_true (g_strv_equal ((const char * const *) keys_b, work_b));
  g_assert_nonnull (none);
  g_assert_null (none[0]);
  g_assert_nonnull (empty);
  g_assert_null (empty[0]);
}

static void
test_account_id (void)
{
  static const struct { const char *id; gboolean valid; } cases[] = {
    { "123456789012", TRUE },
    { "000000000000", TRUE },
    { "abc", FALSE },
    { "12345678901", FALSE },
    { "1234567890123", FALSE },
    { "12345678901a", FALSE },
    { " 23456789012", FALSE },
    { "１２３４５６７８９０１２", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (gh_account_id_is_valid (cases[i].id), ==, cases[i].valid);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/role-target/roundtrip", test_roundtrip);
  g_test_add_func ("/role-target/keys-of-session", test_keys_of_session);
  g_test_add_func ("/role-target/account-id", test_account_id);

  return g_test_run ();
}
