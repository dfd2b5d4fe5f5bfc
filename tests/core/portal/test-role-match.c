/* test-role-match.c — what a search query matches */
#include "config.h"

#include "gh-role-match.h"

typedef struct
{
  const char *query;
  gboolean    matches;
} Case;

/* One role: "Production" 123456789012 ops@example.com, AdministratorAccess, profile
 * "prod-admin". */
static gboolean
matches_role (const char *query)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (query);

  return gh_role_matcher_match (matcher, "Production", "123456789012", "ops@example.com",
                                "AdministratorAccess", "prod-admin");
}

static void
test_terms (void)
{
  static const Case cases[] = {
    { "prod", TRUE },
    { "PROD", TRUE },
    { "admin", TRUE },
    { "5678", TRUE },
    { "ops@EXAMPLE", TRUE },
    { "prod-admin", TRUE },
    { "access production", TRUE },          /* terms in any order, from different fields */
    { "  prod \t admin\n", TRUE },          /* any white space between terms */
    { "prod staging", FALSE },              /* every term must match */
    { "readonly", FALSE },
    { "123456789013", FALSE },
    { "productionadministrator", FALSE },   /* a term does not span two fields */
    { "production-admin", FALSE },
    { "Production ", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("query \"%s\"", cases[i].query);
      g_assert_cmpint (matches_role (cases[i].query), ==, cases[i].matches);
    }
}

static void
test_empty (void)
{
  static const char * const blanks[] = { "", " ", "\t \n", "\u00a0" };
  g_autoptr(GhRoleMatcher) null_matcher = gh_role_matcher_new (NULL);
  g_autoptr(GhRoleMatcher) one = gh_role_matcher_new ("x");

  g_assert_true (gh_role_matcher_is_empty (null_matcher));
  g_assert_true (gh_role_matcher_match (null_matcher, NULL, NULL, NULL, NULL, NULL));
  g_assert_true (gh_role_matcher_match (null_matcher, "a", "1", NULL, "r", NULL));

  for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
    {
      g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (blanks[i]);

      g_assert_true (gh_role_matcher_is_empty (matcher));
      g_assert_true (gh_role_matcher_match (matcher, "a", "1", NULL, "r", NULL));
    }

  g_assert_false (gh_role_matcher_is_empty (one));
}

/* Missing fields (no e-mail, no profile name yet) are no match, and no crash. */
static void
test_null_fields (void)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new ("dev");

  g_assert_false (gh_role_matcher_match (matcher, NULL, NULL, NULL, NULL, NULL));
  g_assert_true (gh_role_matcher_match (matcher, NULL, NULL, NULL, NULL, "dev-ro"));
  g_assert_true (gh_role_matcher_match (matcher, NULL, NULL, "dev@x.org", NULL, NULL));
  g_assert_false (gh_role_matcher_match (matcher, "", "", "", "", ""));
}

/* Case folding and normalization beyond ASCII, in the terms, the fields or both. */
static void
test_unicode (void)
{
  static const struct
  {
    const char *query;
    const char *account_name;
    gboolean    matches;
  } cases[] = {
    { "müller", "Team MÜLLER", TRUE },
    { "MÜLLER", "team müller", TRUE },
    { "strasse", "Hauptstraße", TRUE },       /* full case folding: ß ~ ss */
    { "STRAßE", "hauptstrasse", TRUE },
    { "admin", "\uff21\uff44\uff4d\uff49\uff4e", TRUE },  /* full-width "Ａｄｍｉｎ" */
    { "\uff41dmin", "Admin", TRUE },           /* a full-width letter in the term */
    { "office", "Back O\ufb03ce", TRUE },      /* the "ﬃ" ligature */
    { "cafe\u0301", "Café", TRUE },            /* decomposed é in the term, composed in the field */
    { "café", "Cafe\u0301", TRUE },
    { "café", "Cafe", FALSE },                 /* no accent stripping */
    { "cafe", "Cafe\u0301 team", FALSE },       /* an ASCII match that a combining accent ends */
    { "cafe", "Cafe team", TRUE },
    { "team", "Café team", TRUE },             /* after a character beyond ASCII */
    { "team", "\u00c9quipe team", TRUE },
    { "quipe", "\u00c9quipe", TRUE },
    { "müller", "Muller", FALSE },
    { "ü", "Mueller", FALSE },
    { "δοκιμή", "ΔΟΚΙΜΉ", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (cases[i].query);

      g_test_message ("query \"%s\" in \"%s\"", cases[i].query, cases[i].account_name);
      g_assert_cmpint (gh_role_matcher_match (matcher, cases[i].account_name, "111111111111",
                                              NULL, "Dev", NULL), ==, cases[i].matches);
    }
}

/* A non-ASCII term and ASCII fields in the same search: each term is tried on every field. */
static void
test_mixed (void)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new ("Zürich 4321 viewer");

  g_assert_true (gh_role_matcher_match (matcher, "Bank Zürich", "000000004321", NULL,
                                        "ViewOnly", "zurich-viewer"));
  g_assert_false (gh_role_matcher_match (matcher, "Bank Zurich", "000000004321", NULL,
                                         "ViewOnly", "zurich-viewer"));
}

/* Fields of any length and case, around the eight-byte steps of the ASCII folding. */
static void
test_lengths (void)
{
  for (guint len = 1; len < 300; len += len < 20 ? 1 : 37)
    {
      g_autoptr(GString) field = g_string_new (NULL);
      g_autoptr(GhRoleMatcher) end = gh_role_matcher_new ("zq");
      g_autoptr(GhRoleMatcher) start = gh_role_matcher_new ("qz");
      g_autoptr(GhRoleMatcher) missing = gh_role_matcher_new ("zz");

      for (guint i = 0; i < len; i++)
        g_string_append_c (field, "AbCdEfGhIjKlM@[`{"[i % 17]);
      g_string_prepend (field, "QZ");
      g_string_append (field, "ZQ");

      g_test_message ("length %u", len + 4);
      g_assert_true (gh_role_matcher_match (end, field->str, NULL, NULL, NULL, NULL));
      g_assert_true (gh_role_matcher_match (start, NULL, NULL, NULL, NULL, field->str));
      g_assert_false (gh_role_matcher_match (missing, field->str, NULL, NULL, NULL, NULL));
    }

  /* Only letters change case: '@' and '[' border 'A'–'Z', '`' and '{' border 'a'–'z'. */
  {
    g_autoptr(GhRoleMatcher) same = gh_role_matcher_new ("@[@[");
    g_autoptr(GhRoleMatcher) lowered = gh_role_matcher_new ("`{");
    g_autoptr(GhRoleMatcher) raised = gh_role_matcher_new ("@[");
    const char *upper_side = "@[@[@[@[@[@[@[@[@[";
    const char *lower_side = "`{`{`{`{`{`{`{`{`{";

    g_assert_true (gh_role_matcher_match (same, upper_side, NULL, NULL, NULL, NULL));
    g_assert_false (gh_role_matcher_match (lowered, upper_side, NULL, NULL, NULL, NULL));
    g_assert_false (gh_role_matcher_match (raised, lower_side, NULL, NULL, NULL, NULL));
  }
}

/* Bytes that are not UTF-8 (a hand-edited cache) are compared as they are, not dropped. */
static void
test_invalid_utf8 (void)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new ("ops");
  g_autoptr(GhRoleMatcher) bad_query = gh_role_matcher_new ("o\xff");

  g_assert_true (gh_role_matcher_match (matcher, "OPS \xff", NULL, NULL, NULL, NULL));
  g_assert_false (gh_role_matcher_match (matcher, "dev \xff", NULL, NULL, NULL, NULL));
  g_assert_true (gh_role_matcher_match (bad_query, "Xo\xff", NULL, NULL, NULL, NULL));
  g_assert_false (gh_role_matcher_match (bad_query, "ops", NULL, NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/role-match/terms", test_terms);
  g_test_add_func ("/role-match/empty", test_empty);
  g_test_add_func ("/role-match/null-fields", test_null_fields);
  g_test_add_func ("/role-match/unicode", test_unicode);
  g_test_add_func ("/role-match/mixed", test_mixed);
  g_test_add_func ("/role-match/lengths", test_lengths);
  g_test_add_func ("/role-match/invalid-utf8", test_invalid_utf8);

  return g_test_run ();
}
