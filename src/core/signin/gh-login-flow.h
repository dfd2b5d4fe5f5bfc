/* gh-login-flow.h — one interactive sign-in: authorization code + PKCE, or device code */
#pragma once

#include "gh-oidc.h"

G_BEGIN_DECLS

#define GH_TYPE_LOGIN_FLOW (gh_login_flow_get_type ())
G_DECLARE_FINAL_TYPE (GhLoginFlow, gh_login_flow, GH, LOGIN_FLOW, GObject)

/* Signals:
 *   present (const char *url, const char *user_code): the person must visit `url` (the
 *   authorize URL, or the device verification URL with `user_code` set). The handler opens a
 *   browser or shows the URL; the flow waits for the callback or polls meanwhile. */

GhLoginFlow     *gh_login_flow_new          (GhHttp               *http,
                                             GhFlow                flow,
                                             const char           *oidc_url,
                                             const char           *start_url,
                                             const GhRegistration *registration,
                                             const char * const   *scopes);
/* How long to wait for the browser callback (default 600 s, as the AWS CLI). */
void             gh_login_flow_set_timeout  (GhLoginFlow          *self,
                                             guint                 seconds);
void             gh_login_flow_run_async    (GhLoginFlow          *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GhTokenResponse *gh_login_flow_run_finish   (GhLoginFlow          *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
