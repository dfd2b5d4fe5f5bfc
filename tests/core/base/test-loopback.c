/* test-loopback.c — the Host check of the one-shot loopback servers */
#include "config.h"

#include <glib.h>

#include "gh-loopback.h"

/* The listener is at port 43210. */
static const struct
{
  const char *host;
  gboolean    ours;
} host_cases[] = {
  { "127.0.0.1:43210", TRUE },
  { "localhost:43210", TRUE },
  { "LOCALHOST:43210", TRUE },
  { NULL, FALSE },
  { "", FALSE },
  { "127.0.0.1", FALSE },
  { "localhost", FALSE },
  { "127.0.0.1:4321", FALSE },
  { "127.0.0.1:432100", FALSE },
  { "127.0.0.1:43210 ", FALSE },
  { "127.0.0.2:43210", FALSE },
  { "[::1]:43210", FALSE },
  { "attacker.example:43210", FALSE },
  { "localhost.attacker.example:43210", FALSE },
  { "127.0.0.1.nip.io:43210", FALSE },
  { "127.0.0.1:43210@attacker.example", FALSE },
};

static void
test_host (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (host_cases); i++)
    {
      g_test_message ("Host: %s", host_cases[i].host ? host_cases[i].host : "(none)");
      g_assert_cmpint (gh_loopback_host_is_ours (host_cases[i].host, 43210), ==,
                       host_cases[i].ours);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/loopback/host", test_host);

  return g_test_run ();
}
