/* test-container-url.c — Firefox container URLs (docs/aws-protocols.md §6, §7.8) */
#include "config.h"

#include <string.h>

#include "gh-container-url.h"

static void
test_container_vectors (void)
{
  g_autofree char *granted = NULL;
  g_autofree char *open_url = NULL;

  /* docs/aws-protocols.md §7.8 */
  granted = gh_container_url_full (GH_CONTAINER_GRANTED, "prod-admin",
                                   "https://signin.aws.amazon.com/federation?Action=login&Issuer="
                                   "&SigninToken=abc&Destination=https%3A%2F%2Fconsole.aws."
                                   "amazon.com%2F",
                                   "blue", "fingerprint");
  g_assert_cmpstr (granted, ==,
                   "ext+granted-containers:name=prod-admin&url=https%3A%2F%2Fsignin.aws.amazon.com"
                   "%2Ffederation%3FAction%3Dlogin%26Issuer%3D%26SigninToken%3Dabc%26Destination"
                   "%3Dhttps%253A%252F%252Fconsole.aws.amazon.com%252F&color=blue&icon=fingerprint");

  open_url = gh_container_url_full (GH_CONTAINER_OPEN_URL, "Test", "https://synfin.net",
                                    "blue", "fingerprint");
  g_assert_cmpstr (open_url, ==,
                   "ext+container:name=Test&url=https%3A%2F%2Fsynfin.net&color=blue&icon=fingerprint");
}

static void
test_container_name_escaped (void)
{
  g_autofree char *url = gh_container_url_full (GH_CONTAINER_GRANTED, "Prod Account/Admin&x=1",
                                                "https://e.com", "red", "tree");

  g_assert_cmpstr (url, ==,
                   "ext+granted-containers:name=Prod%20Account%2FAdmin%26x%3D1"
                   "&url=https%3A%2F%2Fe.com&color=red&icon=tree");
}

static char *
param (const char *url,
       const char *name)
{
  g_autofree char *key = g_strconcat ("&", name, "=", NULL);
  const char *start = strstr (url, key);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (key);
  end = strchr (start, '&');
  return end ? g_strndup (start, end - start) : g_strdup (start);
}

static void
test_container_hashed (void)
{
  static const char *names[] = {
    "prod-admin", "Test", "Account 1/ReadOnly", "Account 2/AdministratorAccess", "dev",
    "staging/PowerUser", "ünïcode", "",
  };
  g_autoptr(GHashTable) looks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *a = gh_container_url (GH_CONTAINER_GRANTED, names[i], "https://e.com");
      g_autofree char *b = gh_container_url (GH_CONTAINER_GRANTED, names[i], "https://e.com");
      g_autofree char *c = gh_container_url (GH_CONTAINER_OPEN_URL, names[i], "https://f.com");
      g_autofree char *color = param (a, "color");
      g_autofree char *icon = param (a, "icon");
      g_autofree char *c_color = param (c, "color");
      g_autofree char *c_icon = param (c, "icon");
      g_autofree char *fallback = NULL;

      /* Same name, same look — whatever the kind and URL. */
      g_assert_cmpstr (a, ==, b);
      g_assert_cmpstr (color, ==, c_color);
      g_assert_cmpstr (icon, ==, c_icon);
      g_assert_true (gh_container_color_is_valid (color));
      g_assert_true (gh_container_icon_is_valid (icon));
      g_assert_cmpstr (color, ==, gh_container_color_for_name (names[i]));
      g_assert_cmpstr (icon, ==, gh_container_icon_for_name (names[i]));

      /* Invalid choices fall back to the picks. */
      fallback = gh_container_url_full (GH_CONTAINER_GRANTED, names[i], "https://e.com",
                                        "magenta", "skull");
      g_assert_cmpstr (fallback, ==, a);

      g_hash_table_add (looks, g_strconcat (color, "/", icon, NULL));
    }

  /* The hash spreads names over the choices. */
  g_assert_cmpuint (g_hash_table_size (looks), >, 1);

  /* Fixed by definition (FNV-1a), so stable across versions and machines. */
  g_assert_cmpstr (gh_container_color_for_name (""), ==, "red");       /* 0x811c9dc5 % 8 = 5 */
  g_assert_cmpstr (gh_container_icon_for_name (""), ==, "circle");     /* (h / 8) % 12 = 4 */
}

static void
test_container_lists (void)
{
  static const char *colors[] = {
    "blue", "turquoise", "green", "yellow", "orange", "red", "pink", "purple",
  };
  static const char *icons[] = {
    "fingerprint", "briefcase", "dollar", "cart", "circle", "gift", "vacation", "food", "fruit",
    "pet", "tree", "chill",
  };

  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    g_assert_true (gh_container_color_is_valid (colors[i]));
  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    g_assert_true (gh_container_icon_is_valid (icons[i]));
  g_assert_false (gh_container_color_is_valid ("Blue"));
  g_assert_false (gh_container_color_is_valid (NULL));
  g_assert_false (gh_container_icon_is_valid ("fingerprint "));
  g_assert_false (gh_container_icon_is_valid (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/container-url/vectors", test_container_vectors);
  g_test_add_func ("/container-url/name-escaped", test_container_name_escaped);
  g_test_add_func ("/container-url/hashed", test_container_hashed);
  g_test_add_func ("/container-url/lists", test_container_lists);

  return g_test_run ();
}
