/* gh-console-opener.c — the federation console flow, asynchronously, for the tray
 *
 * `gatehouse console` puts the same core steps together with more options (containers, portal
 * mode, --print-url), which the tray does not offer yet.
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <string.h>

#include "gh-console-launch.h"
#include "gh-console-opener.h"
#include "gh-settings.h"

typedef struct
{
  GhSession         *session;
  char              *account_id;
  char              *role_name;
  char              *account_name;
  char              *region;
  GhRoleCredentials *credentials;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->session);
  g_free (data->account_id);
  g_free (data->role_name);
  g_free (data->account_name);
  g_free (data->region);
  g_clear_pointer (&data->credentials, gh_role_credentials_free);
  g_free (data);
}

static gboolean
logout_first_preference (void)
{
  g_autoptr(GSettings) settings = gh_settings_new (NULL);

  return settings != NULL && gh_settings_has_key (settings, "console-logout-first") &&
         g_settings_get_boolean (settings, "console-logout-first");
}

static void
visited_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(GError) remember_error = NULL;
  GError *error = NULL;

  if (!gh_console_open_once_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!gh_console_remember (data->session, data->account_id, data->account_name,
                            data->role_name, data->region, data->credentials->expiration,
                            &remember_error))
    g_warning ("Could not remember the console: %s", remember_error->message);
  g_task_return_int (task, data->credentials->expiration);
}

static void
signin_url_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  char *url;

  url = gh_console_signin_url_finish (result, &data->credentials, &error);
  if (url == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  gh_console_open_once_async (url, NULL, 0, NULL, NULL, cancellable, visited_cb,
                              g_steal_pointer (&task));
  explicit_bzero (url, strlen (url));
  g_free (url);
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
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  gh_console_signin_url_async (session, account_id, role_name, data->region, NULL, 0, FALSE,
                               logout_first_preference (), cancellable,
                               signin_url_cb, g_steal_pointer (&task));
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
