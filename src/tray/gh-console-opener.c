/* gh-console-opener.c — the federation console flow, asynchronously, for the tray
 *
 * Mirrors the federation path of src/cli/gh-cli-console.c (without containers, portal mode or
 * --print-url, which the tray does not offer yet).
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-console-history.h"
#include "gh-console-opener.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-federation.h"
#include "gh-http.h"
#include "gh-redirect-server.h"
#include "gh-role-credentials.h"
#include "gh-secret-store.h"

#define ONE_SHOT_LIFETIME 60

typedef struct
{
  GhSession         *session;
  char              *account_id;
  char              *role_name;
  char              *account_name;
  char              *region;
  char              *signin_url;
  char              *destination;
  GhRoleCredentials *credentials;
  GhRedirectServer  *server;
  gboolean           logout_first;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->session);
  g_free (data->account_id);
  g_free (data->role_name);
  g_free (data->account_name);
  g_free (data->region);
  g_free (data->signin_url);
  g_free (data->destination);
  g_clear_pointer (&data->credentials, gh_role_credentials_free);
  g_clear_object (&data->server);
  g_free (data);
}

gboolean
gh_role_target_parse (const char  *target,
                      char       **session_name,
                      char       **account_id,
                      char       **role_name)
{
  const char *role;
  const char *account;

  g_return_val_if_fail (target != NULL, FALSE);

  role = strrchr (target, '/');
  if (role == NULL || role == target || role[1] == '\0')
    return FALSE;
  for (account = role - 1; account > target && *account != '/'; account--)
    ;
  if (account == target || account + 1 == role)
    return FALSE;

  *session_name = g_strndup (target, account - target);
  *account_id = g_strndup (account + 1, role - account - 1);
  *role_name = g_strdup (role + 1);
  return TRUE;
}

static gboolean
logout_first_preference (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "console-logout-first"))
    return FALSE;
  settings = g_settings_new_full (schema, NULL, NULL);
  return g_settings_get_boolean (settings, "console-logout-first");
}

static void
remember (OpenData *data)
{
  g_autoptr(GError) error = NULL;
  GhConsoleRecord record = {
    .session_name = (char *) gh_session_get_name (data->session),
    .account_id = data->account_id,
    .account_name = data->account_name,
    .role_name = data->role_name,
    .region = data->region,
    .opened_at = g_get_real_time () / G_USEC_PER_SEC,
    .expires_at = data->credentials->expiration,
  };

  if (!gh_console_history_add (&record, &error))
    g_warning ("Could not remember the console: %s", error->message);
}

static void
visited_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!gh_redirect_server_wait_finish (GH_REDIRECT_SERVER (object), result, &error))
    {
      if (error == NULL)
        error = g_error_new (GH_ERROR, GH_ERROR_BROWSER,
                             _("The browser did not open the console link within %d seconds"),
                             ONE_SHOT_LIFETIME);
      g_task_return_error (task, error);
      return;
    }

  remember (data);
  g_task_return_int (task, data->credentials->expiration);
}

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_prefix_error (&error, _("Could not open a browser: "));
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  gh_redirect_server_wait_async (data->server, cancellable, visited_cb, g_steal_pointer (&task));
}

static void
signin_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;
  g_autofree char *login_url = NULL;
  char *url;
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
    url = gh_federation_logout_url (data->signin_url, login_url);
  else
    url = g_strdup (login_url);
  explicit_bzero (login_url, strlen (login_url));

  data->server = gh_redirect_server_new (url, ONE_SHOT_LIFETIME, &error);
  explicit_bzero (url, strlen (url));
  g_free (url);
  if (data->server == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* GIO's default handler honours the desktop's and the Flatpak portal's choice. */
  cancellable = g_task_get_cancellable (task);
  g_app_info_launch_default_for_uri_async (gh_redirect_server_get_url (data->server), NULL,
                                           cancellable, launched_cb, g_steal_pointer (&task));
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  data->credentials = gh_role_credentials_get_finish (result, &error);
  if (data->credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  gh_federation_get_signin_token_async (gh_http_get_default (), data->signin_url,
                                        data->credentials, 0, cancellable,
                                        signin_token_cb, g_steal_pointer (&task));
}

void
gh_console_open_async (GhSession           *session,
                       const char          *account_id,
                       const char          *role_name,
                       const char          *account_name,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;
  GError *error = NULL;

  g_return_if_fail (GH_IS_SESSION (session));
  g_return_if_fail (account_id != NULL && role_name != NULL);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_console_open_async);
  data = g_new0 (OpenData, 1);
  data->session = g_object_ref (session);
  data->account_id = g_strdup (account_id);
  data->role_name = g_strdup (role_name);
  data->account_name = g_strdup (account_name);
  data->region = g_strdup (gh_session_get_region (session));
  data->logout_first = logout_first_preference ();
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  if ((data->signin_url = gh_endpoint_url (GH_SERVICE_SIGNIN, data->region, &error)) == NULL ||
      (data->destination = gh_console_destination (data->region, NULL, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  gh_role_credentials_get_async (session, account_id, role_name, FALSE, cancellable,
                                 credentials_cb, g_steal_pointer (&task));
}

gint64
gh_console_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  gssize value;

  g_return_val_if_fail (G_IS_TASK (result), 0);

  value = g_task_propagate_int (G_TASK (result), error);
  return value < 0 ? 0 : value;
}
