/* gh-console-launch.c — the steps of opening the AWS console for a role */
#define G_LOG_DOMAIN "gh-console-launch"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-console-history.h"
#include "gh-console-launch.h"
#include "gh-container-url.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-redirect-server.h"
#include "gh-secret-store.h"

/* The sign-in URL */

typedef struct
{
  GhSession         *session;
  char              *signin_url;
  char              *destination;
  GhRoleCredentials *credentials;
  guint              duration;
  gboolean           logout_first;
} SigninData;

static void
signin_data_free (SigninData *data)
{
  g_clear_object (&data->session);
  g_free (data->signin_url);
  g_free (data->destination);
  g_clear_pointer (&data->credentials, gh_role_credentials_free);
  g_free (data);
}

static void
signin_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SigninData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *login_url = NULL;
  char *token;

  token = gh_federation_get_signin_token_finish (result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  login_url = gh_federation_login_url (data->signin_url, gh_session_get_start_url (data->session),
                                       data->destination, token);
  gh_secret_free (token);

  if (data->logout_first)
    {
      char *url = gh_federation_logout_url (data->signin_url, login_url);

      explicit_bzero (login_url, strlen (login_url));
      g_task_return_pointer (task, url, (GDestroyNotify) gh_secret_free);
    }
  else
    g_task_return_pointer (task, g_steal_pointer (&login_url), (GDestroyNotify) gh_secret_free);
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SigninData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  data->credentials = gh_role_credentials_get_finish (result, &error);
  if (data->credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  gh_federation_get_signin_token_async (gh_http_get_default (), data->signin_url,
                                        data->credentials, data->duration, cancellable,
                                        signin_token_cb, g_steal_pointer (&task));
}

void
gh_console_signin_url_async (GhSession           *session,
                             const char          *account_id,
                             const char          *role_name,
                             const char          *region,
                             const char          *destination,
                             guint                duration,
                             gboolean             refresh,
                             gboolean             logout_first,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SigninData *data;
  GError *error = NULL;

  g_return_if_fail (GH_IS_SESSION (session));
  g_return_if_fail (account_id != NULL && role_name != NULL && region != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_console_signin_url_async);
  data = g_new0 (SigninData, 1);
  data->session = g_object_ref (session);
  data->duration = duration;
  data->logout_first = logout_first;
  g_task_set_task_data (task, data, (GDestroyNotify) signin_data_free);

  /* Both are checked before any credentials are fetched. */
  if ((data->signin_url = gh_endpoint_url (GH_SERVICE_SIGNIN, region, &error)) == NULL ||
      (data->destination = destination != NULL
                           ? g_strdup (destination)
                           : gh_console_destination (region, NULL, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  gh_role_credentials_get_async (session, account_id, role_name, refresh, cancellable,
                                 credentials_cb, g_steal_pointer (&task));
}

char *
gh_console_signin_url_finish (GAsyncResult       *result,
                              GhRoleCredentials **credentials,
                              GError            **error)
{
  SigninData *data;
  char *url;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_console_signin_url_async,
                        NULL);

  url = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (url != NULL && credentials != NULL)
    *credentials = g_steal_pointer (&data->credentials);
  return url;
}

/* The browser */

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GAppInfo *firefox = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean launched;

  if (firefox == NULL)
    launched = g_app_info_launch_default_for_uri_finish (result, &error);
  else
    launched = g_app_info_launch_uris_finish (firefox, result, &error);

  if (!launched)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
gh_console_launch_async (const char          *uri,
                         gboolean             in_firefox,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GAppInfo) firefox = NULL;
  GList uris = { (gpointer) uri, NULL, NULL };
  GError *error = NULL;

  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_console_launch_async);

  if (!in_firefox)
    {
      g_app_info_launch_default_for_uri_async (uri, NULL, cancellable, launched_cb,
                                               g_steal_pointer (&task));
      return;
    }

  /* Container URLs are for Firefox extensions; other browsers cannot open them. */
  firefox = g_app_info_create_from_commandline ("firefox --new-tab", "Firefox",
                                                G_APP_INFO_CREATE_SUPPORTS_URIS, &error);
  if (firefox == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, g_object_ref (firefox), g_object_unref);
  g_app_info_launch_uris_async (firefox, &uris, NULL, cancellable, launched_cb,
                                g_steal_pointer (&task));
}

gboolean
gh_console_launch_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The one-shot link */

typedef struct
{
  GhRedirectServer          *server;
  char                      *open_url;
  GhConsoleLaunchFailedFunc  launch_failed;
  gpointer                   launch_failed_data;
} OnceData;

static void
once_data_free (OnceData *data)
{
  g_clear_object (&data->server);
  g_free (data->open_url);
  g_free (data);
}

static void
visited_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!gh_redirect_server_wait_finish (GH_REDIRECT_SERVER (object), result, &error))
    {
      if (error == NULL)
        error = g_error_new (GH_ERROR, GH_ERROR_TIMEOUT,
                             _("The browser did not open the console link within %d seconds"),
                             GH_CONSOLE_ONE_SHOT_LIFETIME);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
once_launched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OnceData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (!gh_console_launch_finish (result, &error))
    {
      if (data->launch_failed == NULL)
        {
          g_prefix_error (&error, _("Could not open a browser: "));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->launch_failed (data->open_url, error, data->launch_failed_data);
    }

  gh_redirect_server_wait_async (data->server, cancellable, visited_cb, g_steal_pointer (&task));
}

void
gh_console_open_once_async (const char                *secret_url,
                            const char                *container_name,
                            GhContainerKind            container_kind,
                            GhConsoleLaunchFailedFunc  launch_failed,
                            gpointer                   launch_failed_data,
                            GCancellable              *cancellable,
                            GAsyncReadyCallback        callback,
                            gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  OnceData *data;
  GError *error = NULL;

  g_return_if_fail (secret_url != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_console_open_once_async);
  data = g_new0 (OnceData, 1);
  data->launch_failed = launch_failed;
  data->launch_failed_data = launch_failed_data;
  g_task_set_task_data (task, data, (GDestroyNotify) once_data_free);

  data->server = gh_redirect_server_new (secret_url, GH_CONSOLE_ONE_SHOT_LIFETIME, &error);
  if (data->server == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (container_name != NULL)
    data->open_url = gh_container_url (container_kind, container_name,
                                       gh_redirect_server_get_url (data->server));
  else
    data->open_url = g_strdup (gh_redirect_server_get_url (data->server));

  gh_console_launch_async (data->open_url, container_name != NULL, cancellable,
                           once_launched_cb, g_steal_pointer (&task));
}

gboolean
gh_console_open_once_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The history */

gboolean
gh_console_remember (GhSession   *session,
                     const char  *account_id,
                     const char  *account_name,
                     const char  *role_name,
                     const char  *region,
                     gint64       expires_at,
                     GError     **error)
{
  GhConsoleRecord record = {
    .session_name = (char *) gh_session_get_name (session),
    .account_id = (char *) account_id,
    .account_name = (char *) account_name,
    .role_name = (char *) role_name,
    .region = (char *) region,
    .opened_at = g_get_real_time () / G_USEC_PER_SEC,
    .expires_at = expires_at,
  };

  g_return_val_if_fail (GH_IS_SESSION (session), FALSE);
  g_return_val_if_fail (account_id != NULL && role_name != NULL, FALSE);

  return gh_console_history_add (&record, error);
}
