/* test-shell-quote.c — shlex.quote and shlex.split, as Python writes and reads them */
#include "config.h"

#include <glib.h>

#include "gh-shell-quote.h"

/* Each quoted form is what Python's shlex.quote gives */
static const struct
{
  const char *text;
  const char *quoted;
} quote_cases[] = {
  { "my-sso", "my-sso" },
  { "a.b_c@d%e+f=g:h,i/j", "a.b_c@d%e+f=g:h,i/j" },
  { "", "''" },
  { "my sso", "'my sso'" },
  { "[brackets]", "'[brackets]'" },
  { "it's", "'it'\"'\"'s'" },
  { "'", "''\"'\"''" },
  { "say \"hi\"", "'say \"hi\"'" },
  { "tab\there", "'tab\there'" },
  { "équipe", "'équipe'" },
  { "$HOME", "'$HOME'" },
  { "back\\slash", "'back\\slash'" },
  { "# not a comment", "'# not a comment'" },
  { "semi;colon", "'semi;colon'" },
};

static void
test_quote (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      g_autofree char *quoted = gh_shell_quote (quote_cases[i].text);

      g_assert_cmpstr (quoted, ==, quote_cases[i].quoted);
    }
}

/* What is quoted splits back into the one word it was */
static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      g_autofree char *quoted = gh_shell_quote (quote_cases[i].text);
      g_autofree char *line = g_strconcat ("word ", quoted, NULL);
      g_auto(GStrv) words = gh_shell_split (line);

      g_assert_nonnull (words);
      g_assert_cmpuint (g_strv_length (words), ==, 2);
      g_assert_cmpstr (words[0], ==, "word");
      g_assert_cmpstr (words[1], ==, quote_cases[i].text);
    }
}

/* ok FALSE: shlex.split raises ValueError */
static const struct
{
  const char *text;
  gboolean    ok;
  const char *words[4];
} split_cases[] = {
  { "", TRUE, { NULL } },
  { " \t\r\n ", TRUE, { NULL } },
  { "sso-session my-sso", TRUE, { "sso-session", "my-sso", NULL } },
  { "  sso-session   'my sso'  ", TRUE, { "sso-session", "my sso", NULL } },
  { "sso-session \"my sso\"", TRUE, { "sso-session", "my sso", NULL } },
  { "\"a \\\"q\\\" \\\\ \\n\"", TRUE, { "a \"q\" \\ \\n", NULL } },
  { "'a \\ b'", TRUE, { "a \\ b", NULL } },
  { "a\\ b", TRUE, { "a b", NULL } },
  { "x'y z'\"w\"", TRUE, { "xy zw", NULL } },
  { "''", TRUE, { "", NULL } },
  { "one\ttwo\nthree", TRUE, { "one", "two", "three", NULL } },
  { "'unclosed", FALSE, { NULL } },
  { "\"unclosed", FALSE, { NULL } },
  { "\"unclosed \\\"", FALSE, { NULL } },
  { "trailing\\", FALSE, { NULL } },
};

static void
test_split (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (split_cases); i++)
    {
      g_auto(GStrv) words = gh_shell_split (split_cases[i].text);

      g_test_message ("%s", split_cases[i].text);
      if (!split_cases[i].ok)
        {
          g_assert_null (words);
          continue;
        }

      g_assert_nonnull (words);
      g_assert_cmpstrv (words, split_cases[i].words);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shell-quote/quote", test_quote);
  g_test_add_func ("/shell-quote/round-trip", test_round_trip);
  g_test_add_func ("/shell-quote/split", test_split);

  return g_test_run ();
}
