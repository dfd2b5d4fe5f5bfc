/* gh-loopback.c — what the one-shot HTTP servers on 127.0.0.1 check before anything else */
#define G_LOG_DOMAIN "gh-loopback"

#include "config.h"

#include "gh-loopback.h"

gboolean
gh_loopback_host_is_ours (const char *host,
                          guint       port)
{
  g_autofree char *ip = NULL;
  g_autofree char *name = NULL;

  if (host == NULL)
    return FALSE;

  /* The port is ephemeral, never 80, so a browser always sends it. */
  ip = g_strdup_printf ("127.0.0.1:%u", port);
  name = g_strdup_printf ("localhost:%u", port);
  return g_str_equal (host, ip) || g_ascii_strcasecmp (host, name) == 0;
}

gboolean
gh_loopback_request_is_ours (SoupServerMessage *msg,
                             guint              port)
{
  SoupMessageHeaders *headers;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  headers = soup_server_message_get_request_headers (msg);
  return gh_loopback_host_is_ours (soup_message_headers_get_one (headers, "Host"), port);
}
