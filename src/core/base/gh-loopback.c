/* gh-loopback.c — HTTP servers on 127.0.0.1 for the browser and for local programs */
#define G_LOG_DOMAIN "gh-loopback"

#include "config.h"

#include <string.h>

#include "gh-loopback.h"

SoupServer *
gh_loopback_server_new (SoupServerCallback   callback,
                        gpointer             user_data,
                        int                 *port,
                        GError             **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", PACKAGE_NAME " ", NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoslist(GUri) uris = NULL;

  g_return_val_if_fail (callback != NULL && port != NULL, NULL);

  soup_server_add_handler (server, NULL, callback, user_data, NULL);
  if (!soup_server_listen (server, address, 0, error))
    return NULL;

  uris = soup_server_get_uris (server);
  g_assert (uris != NULL);
  *port = g_uri_get_port (uris->data);
  return g_steal_pointer (&server);
}

gboolean
gh_loopback_secret_equal (const char *secret,
                          const char *value)
{
  gsize length;
  guchar difference = 0;

  g_return_val_if_fail (secret != NULL, FALSE);

  length = strlen (secret);
  if (value == NULL || strlen (value) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    difference |= (guchar) value[i] ^ (guchar) secret[i];
  return difference == 0;
}

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
