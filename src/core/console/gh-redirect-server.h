/* gh-redirect-server.h — a one-shot loopback URL that redirects to a secret URL
 *
 * The federation sign-in URL carries live credentials for 15 minutes: it must not appear on a
 * command line other processes can read. The browser gets http://127.0.0.1:PORT/RANDOM instead,
 * valid for one visit and at most `lifetime` seconds, answered with 303 See Other to the real
 * URL; any other path, a second visit or a late one gets an error page.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_REDIRECT_SERVER (gh_redirect_server_get_type ())
G_DECLARE_FINAL_TYPE (GhRedirectServer, gh_redirect_server, GH, REDIRECT_SERVER, GObject)

/* Signals:
 *   visited ()  — the one visit happened (the redirect was sent)
 *   expired ()  — the lifetime ended without a visit */

/* Listens on 127.0.0.1 at an ephemeral port; the path is 32 random bytes, base64url. */
GhRedirectServer *gh_redirect_server_new      (const char        *target_url,
                                               guint              lifetime_seconds,
                                               GError           **error);
const char       *gh_redirect_server_get_url  (GhRedirectServer  *self);
gboolean          gh_redirect_server_get_visited (GhRedirectServer *self);

/* Completes when visited (TRUE) or expired (FALSE, no error). */
void              gh_redirect_server_wait_async  (GhRedirectServer    *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean          gh_redirect_server_wait_finish (GhRedirectServer    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
