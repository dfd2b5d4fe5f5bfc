/* test-profile-marker.c — the comment that marks a profile as Gatehouse's, and who owns a
 * section */
#include "config.h"

#include <string.h>

#include "gh-ini.h"
#include "gh-profile-marker.h"

#define MARKER(s) "# Managed by Gatehouse (sign-in \"" s "\"): changes here are overwritten " \
                  "by gatehouse sync"

static void
test_marker (void)
{
  static const char * const sessions[] = { "acme", "my sso", "a \"quoted\" one", "back\\slash",
                                           "Données" };

  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      g_autofree char *marker = gh_profile_marker_for_session (sessions[i]);
      g_autofree char *line = g_strconcat ("# ", marker, NULL);
      g_autofree char *parsed = gh_profile_marker_parse (line);

      g_assert_cmpstr (parsed, ==, sessions[i]);
    }

  {
    g_autofree char *marker = gh_profile_marker_for_session ("acme");
    g_autofree char *parsed =
      gh_profile_marker_parse ("#Managed by Gatehouse (sign-in \"acme\"): reworded");

    g_assert_cmpstr (marker, ==, MARKER ("acme") + 2);
    g_assert_cmpstr (parsed, ==, "acme");
  }

  g_assert_null (gh_profile_marker_parse (NULL));
  g_assert_null (gh_profile_marker_parse (""));
  g_assert_null (gh_profile_marker_parse ("# a comment"));
  g_assert_null (gh_profile_marker_parse ("Managed by Gatehouse (sign-in \"acme\")"));
  g_assert_null (gh_profile_marker_parse ("# Managed by Gatehouse (sign-in \"acme)"));
  g_assert_null (gh_profile_marker_parse ("# Managed by Gatehouse (sign-in \"\")"));
  g_assert_null (gh_profile_marker_parse ("# Managed by Gatehouse (sign-in \"acme\""));
}

/* The exact text of files written before this unit existed must still be recognised */
static void
test_marker_text_is_stable (void)
{
  g_autofree char *marker = gh_profile_marker_for_session ("say \"hi\" \\o/");

  g_assert_cmpstr (marker, ==, "Managed by Gatehouse (sign-in \"say \\\"hi\\\" \\\\o/\"): "
                               "changes here are overwritten by gatehouse sync");
}

/* The marker of `gatehouse profile add`: its own text, never taken for the sync's */
static void
test_added_marker (void)
{
  static const char * const sessions[] = { "acme", "my sso", "a \"quoted\" one", "back\\slash" };
  g_autofree char *marker = gh_profile_marker_for_added ("acme");

  g_assert_cmpstr (marker, ==, "Added by gatehouse profile add (sign-in \"acme\"): "
                               "gatehouse sync leaves it alone");

  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      g_autofree char *added = gh_profile_marker_for_added (sessions[i]);
      g_autofree char *line = g_strconcat ("# ", added, NULL);
      g_autofree char *parsed = gh_profile_marker_parse_added (line);
      g_autofree char *as_synced = gh_profile_marker_parse (line);
      g_autofree char *synced = gh_profile_marker_for_session (sessions[i]);
      g_autofree char *synced_line = g_strconcat ("# ", synced, NULL);
      g_autofree char *synced_as_added = gh_profile_marker_parse_added (synced_line);

      g_assert_cmpstr (parsed, ==, sessions[i]);
      g_assert_null (as_synced);
      g_assert_null (synced_as_added);
    }

  g_assert_null (gh_profile_marker_parse_added (NULL));
  g_assert_null (gh_profile_marker_parse_added ("# Added by gatehouse profile add"));
  g_assert_null (gh_profile_marker_parse_added ("# Added by gatehouse profile add (sign-in \"\")"));
}

static GhIni *
ini_from_string (const char *text)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;

  gh_ini_load_from_data (ini, text, strlen (text), &error);
  g_assert_no_error (error);
  return g_steal_pointer (&ini);
}

static const char owners_document[] =
  MARKER ("acme") "\n"
  "[profile a]\n"
  "\n"
  "[profile mine]\n"
  "# A note of mine\n"
  MARKER ("acme") "\n"
  "[profile b]\n"
  "  # Managed by Gatehouse (sign-in \"other\"): reworded  \n"
  "[profile c]\n"
  MARKER ("acme") "\n"
  "[profile twice]\n"
  MARKER ("acme") "\n"
  "[profile twice]\n"
  MARKER ("acme") "\n"
  "[profile copied]\n"
  "[profile copied]\n"
  MARKER ("acme") "\n"
  "[profile two-owners]\n"
  MARKER ("other") "\n"
  "[profile two-owners]\n"
  MARKER ("acme") "\n"
  "\n"
  "[profile not-directly-above]\n";

static void
test_owner (void)
{
  static const struct
  {
    const char *section;
    guint       occurrence;
    const char *owner;
  } cases[] = {
    { "profile a", 0, "acme" },
    { "profile mine", 0, NULL },
    { "profile b", 0, "acme" },
    { "profile c", 0, "other" },
    { "profile twice", 0, "acme" },
    { "profile twice", 1, "acme" },
    { "profile copied", 0, "acme" },
    { "profile copied", 1, NULL },
    { "profile two-owners", 0, "acme" },
    { "profile two-owners", 1, "other" },
    { "profile two-owners", 2, NULL },
    { "profile not-directly-above", 0, NULL },
    { "profile absent", 0, NULL },
  };
  g_autoptr(GhIni) ini = ini_from_string (owners_document);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *owner = gh_profile_marker_get_owner (ini, cases[i].section,
                                                            cases[i].occurrence);

      g_test_message ("%s #%u", cases[i].section, cases[i].occurrence);
      g_assert_cmpstr (owner, ==, cases[i].owner);
    }
}

/* A section is owned only when the same marker is above every one of its headers */
static void
test_section_owner (void)
{
  static const struct
  {
    const char *section;
    const char *owner;
  } cases[] = {
    { "profile a", "acme" },
    { "profile mine", NULL },
    { "profile b", "acme" },
    { "profile c", "other" },
    { "profile twice", "acme" },
    { "profile copied", NULL },
    { "profile two-owners", NULL },
    { "profile not-directly-above", NULL },
    { "profile absent", NULL },
  };
  g_autoptr(GhIni) ini = ini_from_string (owners_document);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *owner = gh_profile_marker_get_section_owner (ini, cases[i].section);

      g_test_message ("%s", cases[i].section);
      g_assert_cmpstr (owner, ==, cases[i].owner);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile-marker/marker", test_marker);
  g_test_add_func ("/profile-marker/marker-text-is-stable", test_marker_text_is_stable);
  g_test_add_func ("/profile-marker/added", test_added_marker);
  g_test_add_func ("/profile-marker/owner", test_owner);
  g_test_add_func ("/profile-marker/section-owner", test_section_owner);

  return g_test_run ();
}
