/* test-text-diff.c — unified diffs, as `diff -u` shows them */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "gh-text-diff.h"

static char *
diff (const char *old_text,
      const char *new_text)
{
  return gh_text_diff_unified ("old", old_text, strlen (old_text),
                               "new", new_text, strlen (new_text));
}

/* The expected texts are what GNU `diff -u --label old --label new` prints, but where said */
static const struct
{
  const char *name;
  const char *old_text;
  const char *new_text;
  const char *expected;
} cases[] = {
  { "same", "a\nb\n", "a\nb\n", "" },
  { "both-empty", "", "", "" },
  { "only-line-endings", "a\r\nb\rc\n", "a\nb\nc", "" },
  { "from-empty", "", "a\nb\n",
    "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n" },
  { "to-empty", "a\nb\n", "",
    "--- old\n+++ new\n@@ -1,2 +0,0 @@\n-a\n-b\n" },
  { "change-in-the-middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
    "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n" },
  { "insert-at-start", "1\n2\n3\n4\n5\n", "0\n1\n2\n3\n4\n5\n",
    "--- old\n+++ new\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n" },
  { "append-at-end", "1\n2\n3\n4\n5\n", "1\n2\n3\n4\n5\n6\n",
    "--- old\n+++ new\n@@ -3,3 +3,4 @@\n 3\n 4\n 5\n+6\n" },
  { "remove-after-line", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\n5\n6\n7\n",
    "--- old\n+++ new\n@@ -5,4 +5,3 @@\n 5\n 6\n 7\n-8\n" },
  /* Five unchanged lines between two changes keep one hunk; six make two (GNU diff keeps
   * up to six in one, the only place where the two differ; `gatehouse sync --dry-run` has
   * always cut hunks this way) */
  { "close-changes-share-a-hunk", "a\n1\n2\n3\n4\n5\nb\n", "A\n1\n2\n3\n4\n5\nB\n",
    "--- old\n+++ new\n@@ -1,7 +1,7 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n-b\n+B\n" },
  { "far-changes-make-two-hunks", "a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n",
    "--- old\n+++ new\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n"
    "@@ -5,4 +5,4 @@\n 4\n 5\n 6\n-b\n+B\n" },
  /* The unique lines (headers) anchor the diff, not the blank and repeated lines */
  { "sections", "[a]\nk = 1\n\n[b]\nk = 1\n\n[c]\nk = 1\n", "[a]\nk = 1\n\n[c]\nk = 2\n",
    "--- old\n+++ new\n@@ -1,8 +1,5 @@\n [a]\n k = 1\n \n-[b]\n-k = 1\n-\n [c]\n-k = 1\n+k = 2\n" },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = diff (cases[i].old_text, cases[i].new_text);

      g_test_message ("%s", cases[i].name);
      g_assert_cmpstr (result, ==, cases[i].expected);
    }
}

/* Two labels, and only the given lengths are read */
static void
test_labels_and_lengths (void)
{
  g_autofree char *result = gh_text_diff_unified ("a/config", "x\ny\nIGNORED", 4,
                                                  "b/config", "x\nz\nIGNORED", 4);

  g_assert_cmpstr (result, ==, "--- a/config\n+++ b/config\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n");
}

static guint
count_lines_starting (const char *text,
                      char        op)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == op && !g_str_has_prefix (lines[i], "---") &&
        !g_str_has_prefix (lines[i], "+++"))
      count++;
  return count;
}

/* A block without unique lines still gets a minimal diff when it is small */
static void
test_no_anchors_small (void)
{
  g_autofree char *result = diff ("x\ny\nx\ny\n", "y\nx\ny\nx\n");

  g_assert_cmpuint (count_lines_starting (result, '-'), ==, 1);
  g_assert_cmpuint (count_lines_starting (result, '+'), ==, 1);
  g_assert_cmpuint (count_lines_starting (result, ' '), ==, 3);
}

/* ... and is shown as removed and added when it is too large for that */
static void
test_no_anchors_large (void)
{
  g_autoptr(GString) old_text = g_string_new (NULL);
  g_autoptr(GString) new_text = g_string_new (NULL);
  g_autofree char *result = NULL;
  const char *first_plus;
  const char *last_minus;

  for (guint i = 0; i < 1500; i++)
    {
      g_string_append (old_text, "x\ny\n");
      g_string_append (new_text, "y\nx\n");
    }

  result = diff (old_text->str, new_text->str);
  g_assert_true (g_str_has_prefix (result, "--- old\n+++ new\n@@ -1,3000 +1,3000 @@\n"));
  g_assert_cmpuint (count_lines_starting (result, '-'), ==, 3000);
  g_assert_cmpuint (count_lines_starting (result, '+'), ==, 3000);
  first_plus = strstr (result, "\n+x\n");
  last_minus = g_strrstr (result, "\n-y\n");
  g_assert_nonnull (first_plus);
  g_assert_true (last_minus < first_plus);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text-diff/cases", test_cases);
  g_test_add_func ("/text-diff/labels-and-lengths", test_labels_and_lengths);
  g_test_add_func ("/text-diff/no-anchors/small", test_no_anchors_small);
  g_test_add_func ("/text-diff/no-anchors/large", test_no_anchors_large);

  return g_test_run ();
}
