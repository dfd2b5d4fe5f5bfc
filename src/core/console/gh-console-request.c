/* gh-console-request.c — "open the AWS console for this role, with these options"
 *
 * The steps of a launch (the sign-in URL, the browser, the one-shot link, the history) are
 * private to this file on purpose: when they were a public API of their own, the tray and the
 * CLI each put them together in their own way, and a window would have been a third. They are
 * one GTask chain over one Launch, the state of an open in flight:
 *
 *   open_async [→ container_cache_loaded_cb] → fetch_url
 *   fetch_url ─ federation → credentials_cb → signin_token_cb ┐
 *             └ portal ──────────────────────────────────────────┴→ deliver_url
 *   deliver_url ─ print-url → finish_opened
 *               └ launch_browser → browser_launched_cb ─ portal → finish_opened
 *                                                     └ federation → visited_cb → finish_opened
 *   finish_opened → remember_job (worker) → remembered_cb
 *
 * The role cache and the history are files that can be large or locked, so they are read and
 * written on worker threads: the tray and the window call this on their main loops.
 *
 * Every string that holds the sign-in URL is wiped when freed and never logged.
 */
#define G_LOG_DOMAIN "gh-console-request"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-console-browser.h"
#include "gh-console-history.h"
#include "gh-console-request.h"
#include "gh-endpoints.h"
#include "gh-enums.h"
#include "gh-error.h"
#include "gh-federation.h"
#include "gh-file-util.h"
#include "gh-redirect-server.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-credentials.h"
#include "gh-role-target.h"
#include "gh-secret-store.h"
#include "gh-settings.h"

#define MIN_DURATION 900
#define MAX_DURATION 43200

struct _GhConsoleRequest
{
  GObject          parent_instance;

  GhSession       *session;
  char            *account_id;
  char            *role_name;
  char            *account_name;
  char            *region;
  char            *destination;
  char            *container_name;
  GhContainerKind  container_kind;
  GhConsoleBrowser browser;
  GhConsoleMode    mode;
  guint            duration;
  gint64           expires_at;

  guint            logout_first : 1;
  guint            logout_first_set : 1;
  guint            mode_set : 1;
  guint            print_url : 1;
  guint            refresh_credentials : 1;
};

G_DEFINE_FINAL_TYPE (GhConsoleRequest, gh_console_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ACCOUNT_ID,
  PROP_ROLE_NAME,
  PROP_ACCOUNT_NAME,
  PROP_REGION,
  PROP_DESTINATION,
  PROP_CONTAINER_NAME,
  PROP_CONTAINER_KIND,
  PROP_BROWSER,
  PROP_DURATION,
  PROP_LOGOUT_FIRST,
  PROP_MODE,
  PROP_PRINT_URL,
  PROP_REFRESH_CREDENTIALS,
  PROP_EXPIRES_AT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { URL_READY, LAUNCH_FAILED, HISTORY_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One open in flight */

typedef struct
{
  char              *region;
  char              *destination;   /* the console page to land on */
  char              *signin_url;    /* the sign-in endpoint (federation) */
  char              *container;     /* the Firefox container, or NULL */
  GhConsoleBrowser   browser;       /* never AUTO once the preferences are applied */
  gboolean           logout_first;
  GhRoleCredentials *credentials;   /* federation, once fetched */
  GhRedirectServer  *server;        /* federation, once the sign-in URL is known */
  char              *open_url;      /* what the browser is handed */
} Launch;

static void
launch_free (Launch *launch)
{
  g_free (launch->region);
  g_free (launch->destination);
  g_free (launch->signin_url);
  g_free (launch->container);
  g_clear_pointer (&launch->credentials, gh_role_credentials_free);
  g_clear_object (&launch->server);
  g_free (launch->open_url);
  g_free (launch);
}

/* Preferences */

/* A role's entry in an a{ss} preference keyed by SESSION/ACCOUNT_ID/ROLE, or NULL. */
static char *
lookup_role_preference (GhConsoleRequest *self,
                        GSettings        *settings,
                        const char       *key)
{
  g_autoptr(GVariant) map = NULL;
  g_autofree char *target = NULL;
  char *value = NULL;

  if (!gh_settings_has_key (settings, key))
    return NULL;
  map = g_settings_get_value (settings, key);
  target = gh_role_target_build (gh_session_get_name (self->session), self->account_id,
                                 self->role_name);
  g_variant_lookup (map, target, "s", &value);
  return value;
}

static GhConsoleBrowser
parse_browser_preference (const char *name)
{
  GhConsoleBrowser browser = GH_CONSOLE_BROWSER_AUTO;

  /* A value from another version, or typed by hand, that we do not know: no choice. */
  if (name != NULL && !gh_console_browser_parse (name, &browser))
    g_debug ("Unknown browser “%s” in the preferences", name);
  return browser;
}

/* What the caller left unset, from the preferences; without the installed schema (or with one
 * that lacks a key) there are none. The browser: the request's, else the role's
 * (`role-browsers`, or a container in `role-containers`, which means Firefox), else
 * `console-browser`, else the default browser. Firefox always puts the role in a container:
 * the role's, else one named after it. */
static void
apply_preferences (GhConsoleRequest *self,
                   GSettings        *settings,
                   Launch           *launch)
{
  launch->logout_first = self->logout_first;
  launch->container = g_strdup (self->container_name);
  launch->browser = self->browser;

  if (settings != NULL)
    {
      if (!self->logout_first_set && gh_settings_has_key (settings, "console-logout-first"))
        launch->logout_first = g_settings_get_boolean (settings, "console-logout-first");

      if (launch->browser == GH_CONSOLE_BROWSER_AUTO && launch->container == NULL)
        {
          g_autofree char *name = lookup_role_preference (self, settings, "role-browsers");

          launch->browser = parse_browser_preference (name);
        }
      if (launch->container == NULL && (launch->browser == GH_CONSOLE_BROWSER_AUTO ||
                                        launch->browser == GH_CONSOLE_BROWSER_FIREFOX))
        launch->container = lookup_role_preference (self, settings, "role-containers");
      if (launch->browser == GH_CONSOLE_BROWSER_AUTO && launch->container == NULL &&
          gh_settings_has_key (settings, "console-browser"))
        {
          g_autofree char *name = g_settings_get_string (settings, "console-browser");

          launch->browser = parse_browser_preference (name);
        }
    }

  if (launch->browser == GH_CONSOLE_BROWSER_AUTO)
    launch->browser = launch->container != NULL ? GH_CONSOLE_BROWSER_FIREFOX
                                                : GH_CONSOLE_BROWSER_DEFAULT;
  if (launch->browser == GH_CONSOLE_BROWSER_FIREFOX && launch->container == NULL)
    launch->container = g_strdup ("");
}

/* The account's name from the role cache, for the container's default name, the history and
 * messages, when the caller did not know it. Reading thousands of cached roles costs
 * milliseconds, so callers do it on a worker thread. NULL if the cache has none. */
static char *
find_account_name (GPtrArray  *roles,
                   const char *account_id)
{
  for (guint i = 0; roles != NULL && i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (g_str_equal (gh_role_get_account_id (role), account_id) &&
          gh_role_get_account_name (role) != NULL)
        return g_strdup (gh_role_get_account_name (role));
    }
  return NULL;
}

/* "" asks for a container named after the role: ACCOUNT/ROLE. */
static void
name_default_container (GhConsoleRequest *self,
                        Launch           *launch)
{
  if (launch->container == NULL || *launch->container != '\0')
    return;

  g_free (launch->container);
  launch->container = g_strdup_printf ("%s/%s",
                                       self->account_name ? self->account_name
                                                          : self->account_id,
                                       self->role_name);
}

static char *
wrap_for_container (Launch          *launch,
                    GhContainerKind  kind,
                    const char      *url)
{
  if (launch->container == NULL)
    return g_strdup (url);
  return gh_container_url (kind, launch->container, url);
}

/* The end: the history, written on a worker thread: it is a locked file, and the account's
 * name may have to come from the role cache first. */

static gboolean
remember_job (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  GhConsoleRecord *record = data;

  if (record->account_name == NULL)
    {
      g_autoptr(GPtrArray) roles = gh_role_cache_load (record->session_name, NULL, NULL);

      record->account_name = find_account_name (roles, record->account_id);
    }
  return gh_console_history_add (record, error);
}

static void
remembered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GhConsoleRequest *self = g_task_get_source_object (task);
  GhConsoleRecord *record = gh_file_job_get_data (result);
  g_autoptr(GError) error = NULL;
  gboolean handled = FALSE;

  if (self->account_name == NULL && record->account_name != NULL)
    gh_console_request_set_account_name (self, record->account_name);
  if (!gh_file_job_finish (result, remember_job, &error))
    {
      g_signal_emit (self, signals[HISTORY_FAILED], 0, error, &handled);
      if (!handled)
        g_warning ("Could not remember the console: %s", error->message);
    }
  /* The console is open either way: a history that could not be written is only reported. */
  g_task_return_boolean (task, TRUE);
}

static void
finish_opened (GTask *task)
{
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);
  gint64 expires_at = launch->credentials != NULL ? launch->credentials->expiration : 0;
  GhConsoleRecord *record;

  if (self->expires_at != expires_at)
    {
      self->expires_at = expires_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRES_AT]);
    }

  record = g_new0 (GhConsoleRecord, 1);
  record->session_name = g_strdup (gh_session_get_name (self->session));
  record->account_id = g_strdup (self->account_id);
  record->account_name = g_strdup (self->account_name);
  record->role_name = g_strdup (self->role_name);
  record->region = g_strdup (launch->region);
  record->opened_at = g_get_real_time () / G_USEC_PER_SEC;
  record->expires_at = self->expires_at;

  gh_file_job_run_async (remember_job, remember_job, record,
                         (GDestroyNotify) gh_console_record_free, NULL, remembered_cb,
                         g_object_ref (task));
}

/* The browser */

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
  finish_opened (task);
}

/* @error: why no browser opened, or NULL. */
static void
browser_launched (GTask  *task,
                  GError *error)
{
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gboolean handled = FALSE;

  if (error != NULL)
    {
      /* The link still works for a while: a person can open it by hand. */
      g_signal_emit (self, signals[LAUNCH_FAILED], 0, launch->open_url, error, &handled);
      if (!handled)
        {
          g_prefix_error (&error, _("Could not open a browser: "));
          g_task_return_error (task, error);
          return;
        }
      g_error_free (error);
    }

  if (launch->server == NULL)
    finish_opened (task);
  else
    gh_redirect_server_wait_async (launch->server, cancellable, visited_cb,
                                   g_object_ref (task));
}

static void
browser_launched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (G_IS_APP_INFO (object))
    g_app_info_launch_uris_finish (G_APP_INFO (object), result, &error);
  else
    g_app_info_launch_default_for_uri_finish (result, &error);
  browser_launched (task, error);
}

/* A Chromium-family browser, with the role's own profile. */
static void
launch_with_profile (GhConsoleRequest *self,
                     GTask            *task)
{
  Launch *launch = g_task_get_task_data (task);
  g_autofree char *profile_dir = NULL;
  GError *error = NULL;

  profile_dir = gh_console_browser_profile_dir (launch->browser,
                                                gh_session_get_name (self->session),
                                                self->account_id, self->role_name);
  gh_console_browser_launch (launch->browser, profile_dir, launch->open_url, &error);
  browser_launched (task, error);
}

/* The desktop's default browser (which honours the Flatpak portal), Firefox for a container
 * (container URLs are for Firefox extensions, other browsers cannot open them), or a browser
 * with a profile per role. */
static void
launch_browser (GTask *task)
{
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GAppInfo) firefox = NULL;
  GList uris = { launch->open_url, NULL, NULL };
  GError *error = NULL;

  if (gh_console_browser_has_profiles (launch->browser))
    {
      launch_with_profile (self, task);
      return;
    }
  if (launch->container == NULL)
    {
      g_app_info_launch_default_for_uri_async (launch->open_url, NULL, cancellable,
                                               browser_launched_cb, g_object_ref (task));
      return;
    }

  firefox = g_app_info_create_from_commandline ("firefox --new-tab", "Firefox",
                                                G_APP_INFO_CREATE_SUPPORTS_URIS, &error);
  if (firefox == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_app_info_launch_uris_async (firefox, &uris, NULL, cancellable, browser_launched_cb,
                                g_object_ref (task));
}

/* The URL is known: out it goes. @url is not kept; the caller wipes it. The steps borrow
 * @task and take a reference of their own when they go on asynchronously. */
static void
deliver_url (GTask      *task,
             const char *url)
{
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);
  GError *error = NULL;

  if (self->print_url)
    {
      char *shown = wrap_for_container (launch, self->container_kind, url);

      g_signal_emit (self, signals[URL_READY], 0, shown);
      gh_secret_free (shown);
      finish_opened (task);
      return;
    }

  if (self->mode == GH_CONSOLE_MODE_PORTAL)
    {
      /* The portal's link holds no secret: no one-shot link, nothing to wait for. */
      launch->open_url = wrap_for_container (launch, self->container_kind, url);
      launch_browser (task);
      return;
    }

  launch->server = gh_redirect_server_new (url, GH_CONSOLE_ONE_SHOT_LIFETIME, &error);
  if (launch->server == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  launch->open_url = wrap_for_container (launch, self->container_kind,
                                         gh_redirect_server_get_url (launch->server));
  launch_browser (task);
}

/* The sign-in URL */

static void
signin_token_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);
  GError *error = NULL;
  char *login_url;
  char *token;

  token = gh_federation_get_signin_token_finish (result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  login_url = gh_federation_login_url (launch->signin_url,
                                       gh_session_get_start_url (self->session),
                                       launch->destination, token);
  gh_secret_free (token);

  if (launch->logout_first)
    {
      char *logout_url = gh_federation_logout_url (launch->signin_url, login_url);

      deliver_url (task, logout_url);
      gh_secret_free (logout_url);
    }
  else
    deliver_url (task, login_url);
  gh_secret_free (login_url);
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  launch->credentials = gh_role_credentials_get_finish (result, &error);
  if (launch->credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  gh_federation_get_signin_token_async (gh_http_get_default (), launch->signin_url,
                                        launch->credentials, self->duration, cancellable,
                                        signin_token_cb, g_steal_pointer (&task));
}

/* Unless the caller chose, `console-mode` does; the request then says which it used. */
static void
apply_mode_preference (GhConsoleRequest *self,
                       GSettings        *settings)
{
  g_autofree char *name = NULL;
  GhConsoleMode mode;

  if (self->mode_set || settings == NULL || !gh_settings_has_key (settings, "console-mode"))
    return;

  name = g_settings_get_string (settings, "console-mode");
  mode = g_strcmp0 (name, "portal") == 0 ? GH_CONSOLE_MODE_PORTAL : GH_CONSOLE_MODE_FEDERATION;
  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/* Everything that can be refused without the network, so that nothing is fetched for a
 * request that cannot be opened. */
static gboolean
prepare_launch (GhConsoleRequest  *self,
                Launch            *launch,
                GError           **error)
{
  g_autoptr(GSettings) settings = gh_settings_new (NULL);

  apply_mode_preference (self, settings);
  launch->region = g_strdup (self->region ? self->region : gh_session_get_region (self->session));
  launch->destination = gh_console_destination (launch->region, self->destination, error);
  if (launch->destination == NULL)
    return FALSE;

  if (self->mode == GH_CONSOLE_MODE_FEDERATION &&
      (launch->signin_url = gh_endpoint_url (GH_SERVICE_SIGNIN, launch->region, error)) == NULL)
    return FALSE;

  if (self->container_name != NULL && self->browser != GH_CONSOLE_BROWSER_AUTO &&
      self->browser != GH_CONSOLE_BROWSER_FIREFOX)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("A Firefox container needs Firefox, not %s"),
                   gh_console_browser_to_string (self->browser));
      return FALSE;
    }

  apply_preferences (self, settings, launch);
  return TRUE;
}

/* The URL: a portal shortcut, or a federated sign-in with the role's credentials. */
static void
fetch_url (GTask *task)
{
  GhConsoleRequest *self = g_task_get_source_object (task);
  Launch *launch = g_task_get_task_data (task);

  if (self->mode == GH_CONSOLE_MODE_PORTAL)
    {
      g_autofree char *url = gh_portal_shortcut_url (gh_session_get_start_url (self->session),
                                                     self->account_id, self->role_name,
                                                     launch->destination);

      deliver_url (task, url);
      g_object_unref (task);
      return;
    }

  gh_role_credentials_get_async (self->session, self->account_id, self->role_name,
                                 self->refresh_credentials, g_task_get_cancellable (task),
                                 credentials_cb, task);
}

static void
container_cache_loaded_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GTask *task = user_data;
  GhConsoleRequest *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) roles = gh_role_cache_load_finish (result, NULL, NULL);
  g_autofree char *name = find_account_name (roles, self->account_id);

  if (name != NULL)
    gh_console_request_set_account_name (self, name);
  name_default_container (self, g_task_get_task_data (task));
  fetch_url (task);
}

void
gh_console_request_open_async (GhConsoleRequest    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Launch *launch;
  GError *error = NULL;

  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_console_request_open_async);
  launch = g_new0 (Launch, 1);
  g_task_set_task_data (task, launch, (GDestroyNotify) launch_free);

  if (!prepare_launch (self, launch, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* "" asks for a container named after the account, whose name may be in the role cache. */
  if (launch->container != NULL && *launch->container == '\0' && self->account_name == NULL)
    {
      gh_role_cache_load_async (gh_session_get_name (self->session), cancellable,
                                container_cache_loaded_cb, g_steal_pointer (&task));
      return;
    }
  name_default_container (self, launch);
  fetch_url (g_steal_pointer (&task));
}

gboolean
gh_console_request_open_finish (GhConsoleRequest  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (GH_IS_CONSOLE_REQUEST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_console_request_open_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Options */

GhSession *
gh_console_request_get_session (GhConsoleRequest *self)
{
  g_return_val_if_fail (GH_IS_CONSOLE_REQUEST (self), NULL);

  return self->session;
}

const char *
gh_console_request_get_account_name (GhConsoleRequest *self)
{
  g_return_val_if_fail (GH_IS_CONSOLE_REQUEST (self), NULL);

  return self->account_name;
}

gint64
gh_console_request_get_expires_at (GhConsoleRequest *self)
{
  g_return_val_if_fail (GH_IS_CONSOLE_REQUEST (self), 0);

  return self->expires_at;
}

static void
set_string (GhConsoleRequest  *self,
            char             **field,
            const char        *value,
            guint              prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
gh_console_request_set_account_name (GhConsoleRequest *self,
                                     const char       *account_name)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  set_string (self, &self->account_name, account_name, PROP_ACCOUNT_NAME);
}

void
gh_console_request_set_region (GhConsoleRequest *self,
                               const char       *region)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  set_string (self, &self->region, region, PROP_REGION);
}

void
gh_console_request_set_destination (GhConsoleRequest *self,
                                    const char       *destination)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  set_string (self, &self->destination, destination, PROP_DESTINATION);
}

void
gh_console_request_set_container_name (GhConsoleRequest *self,
                                       const char       *container_name)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  set_string (self, &self->container_name, container_name, PROP_CONTAINER_NAME);
}

void
gh_console_request_set_container_kind (GhConsoleRequest *self,
                                       GhContainerKind   container_kind)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));
  g_return_if_fail (container_kind == GH_CONTAINER_GRANTED ||
                    container_kind == GH_CONTAINER_OPEN_URL);

  if (self->container_kind == container_kind)
    return;
  self->container_kind = container_kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTAINER_KIND]);
}

void
gh_console_request_set_browser (GhConsoleRequest *self,
                                GhConsoleBrowser  browser)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));
  g_return_if_fail (browser >= GH_CONSOLE_BROWSER_AUTO && browser <= GH_CONSOLE_BROWSER_BRAVE);

  if (self->browser == browser)
    return;
  self->browser = browser;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BROWSER]);
}

void
gh_console_request_set_duration (GhConsoleRequest *self,
                                 guint             duration)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));
  g_return_if_fail (duration == 0 || (duration >= MIN_DURATION && duration <= MAX_DURATION));

  if (self->duration == duration)
    return;
  self->duration = duration;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

void
gh_console_request_set_logout_first (GhConsoleRequest *self,
                                     gboolean          logout_first)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  /* Once set, even to FALSE, it overrides the preference. */
  self->logout_first_set = TRUE;
  if (self->logout_first == !!logout_first)
    return;
  self->logout_first = !!logout_first;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGOUT_FIRST]);
}

void
gh_console_request_set_mode (GhConsoleRequest *self,
                             GhConsoleMode     mode)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));
  g_return_if_fail (mode == GH_CONSOLE_MODE_FEDERATION || mode == GH_CONSOLE_MODE_PORTAL);

  /* Once set, even to federation, it overrides the preference. */
  self->mode_set = TRUE;
  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

GhConsoleMode
gh_console_request_get_mode (GhConsoleRequest *self)
{
  g_return_val_if_fail (GH_IS_CONSOLE_REQUEST (self), GH_CONSOLE_MODE_FEDERATION);

  return self->mode;
}

void
gh_console_request_set_print_url (GhConsoleRequest *self,
                                  gboolean          print_url)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  if (self->print_url == !!print_url)
    return;
  self->print_url = !!print_url;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRINT_URL]);
}

void
gh_console_request_set_refresh_credentials (GhConsoleRequest *self,
                                            gboolean          refresh)
{
  g_return_if_fail (GH_IS_CONSOLE_REQUEST (self));

  if (self->refresh_credentials == !!refresh)
    return;
  self->refresh_credentials = !!refresh;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_CREDENTIALS]);
}

/* GObject */

static void
gh_console_request_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GhConsoleRequest *self = GH_CONSOLE_REQUEST (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_ACCOUNT_ID: g_value_set_string (value, self->account_id); break;
    case PROP_ROLE_NAME: g_value_set_string (value, self->role_name); break;
    case PROP_ACCOUNT_NAME: g_value_set_string (value, self->account_name); break;
    case PROP_REGION: g_value_set_string (value, self->region); break;
    case PROP_DESTINATION: g_value_set_string (value, self->destination); break;
    case PROP_CONTAINER_NAME: g_value_set_string (value, self->container_name); break;
    case PROP_CONTAINER_KIND: g_value_set_enum (value, self->container_kind); break;
    case PROP_BROWSER: g_value_set_enum (value, self->browser); break;
    case PROP_DURATION: g_value_set_uint (value, self->duration); break;
    case PROP_LOGOUT_FIRST: g_value_set_boolean (value, self->logout_first); break;
    case PROP_MODE: g_value_set_enum (value, self->mode); break;
    case PROP_PRINT_URL: g_value_set_boolean (value, self->print_url); break;
    case PROP_REFRESH_CREDENTIALS: g_value_set_boolean (value, self->refresh_credentials); break;
    case PROP_EXPIRES_AT: g_value_set_int64 (value, self->expires_at); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_console_request_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  GhConsoleRequest *self = GH_CONSOLE_REQUEST (object);

  switch (prop_id)
    {
    case PROP_SESSION: self->session = g_value_dup_object (value); break;
    case PROP_ACCOUNT_ID: self->account_id = g_value_dup_string (value); break;
    case PROP_ROLE_NAME: self->role_name = g_value_dup_string (value); break;
    case PROP_ACCOUNT_NAME:
      gh_console_request_set_account_name (self, g_value_get_string (value));
      break;
    case PROP_REGION: gh_console_request_set_region (self, g_value_get_string (value)); break;
    case PROP_DESTINATION:
      gh_console_request_set_destination (self, g_value_get_string (value));
      break;
    case PROP_CONTAINER_NAME:
      gh_console_request_set_container_name (self, g_value_get_string (value));
      break;
    case PROP_CONTAINER_KIND:
      gh_console_request_set_container_kind (self, g_value_get_enum (value));
      break;
    case PROP_BROWSER: gh_console_request_set_browser (self, g_value_get_enum (value)); break;
    case PROP_DURATION: gh_console_request_set_duration (self, g_value_get_uint (value)); break;
    case PROP_LOGOUT_FIRST:
      gh_console_request_set_logout_first (self, g_value_get_boolean (value));
      break;
    case PROP_MODE: gh_console_request_set_mode (self, g_value_get_enum (value)); break;
    case PROP_PRINT_URL:
      gh_console_request_set_print_url (self, g_value_get_boolean (value));
      break;
    case PROP_REFRESH_CREDENTIALS:
      gh_console_request_set_refresh_credentials (self, g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_console_request_constructed (GObject *object)
{
  GhConsoleRequest *self = GH_CONSOLE_REQUEST (object);

  G_OBJECT_CLASS (gh_console_request_parent_class)->constructed (object);

  g_assert (GH_IS_SESSION (self->session));
  g_assert (self->account_id != NULL && self->role_name != NULL);
}

static void
gh_console_request_dispose (GObject *object)
{
  GhConsoleRequest *self = GH_CONSOLE_REQUEST (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (gh_console_request_parent_class)->dispose (object);
}

static void
gh_console_request_finalize (GObject *object)
{
  GhConsoleRequest *self = GH_CONSOLE_REQUEST (object);

  g_free (self->account_id);
  g_free (self->role_name);
  g_free (self->account_name);
  g_free (self->region);
  g_free (self->destination);
  g_free (self->container_name);

  G_OBJECT_CLASS (gh_console_request_parent_class)->finalize (object);
}

static GParamSpec *
string_property (const char  *name,
                 GParamFlags  flags)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              flags | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                               G_PARAM_STATIC_STRINGS);
}

static void
gh_console_request_class_init (GhConsoleRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY;

  object_class->get_property = gh_console_request_get_property;
  object_class->set_property = gh_console_request_set_property;
  object_class->constructed = gh_console_request_constructed;
  object_class->dispose = gh_console_request_dispose;
  object_class->finalize = gh_console_request_finalize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, GH_TYPE_SESSION,
                         construct | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT_ID] = string_property ("account-id", construct);
  properties[PROP_ROLE_NAME] = string_property ("role-name", construct);
  properties[PROP_ACCOUNT_NAME] = string_property ("account-name", G_PARAM_READWRITE);
  properties[PROP_REGION] = string_property ("region", G_PARAM_READWRITE);
  properties[PROP_DESTINATION] = string_property ("destination", G_PARAM_READWRITE);
  properties[PROP_CONTAINER_NAME] = string_property ("container-name", G_PARAM_READWRITE);
  properties[PROP_CONTAINER_KIND] =
    g_param_spec_enum ("container-kind", NULL, NULL, GH_TYPE_CONTAINER_KIND,
                       GH_CONTAINER_GRANTED,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BROWSER] =
    g_param_spec_enum ("browser", NULL, NULL, GH_TYPE_CONSOLE_BROWSER, GH_CONSOLE_BROWSER_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* 0 (the credentials' lifetime) or what getSigninToken accepts; the setter refuses 1–899. */
  properties[PROP_DURATION] =
    g_param_spec_uint ("duration", NULL, NULL, 0, MAX_DURATION, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGOUT_FIRST] = boolean_property ("logout-first");
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, GH_TYPE_CONSOLE_MODE, GH_CONSOLE_MODE_FEDERATION,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRINT_URL] = boolean_property ("print-url");
  properties[PROP_REFRESH_CREDENTIALS] = boolean_property ("refresh-credentials");
  properties[PROP_EXPIRES_AT] =
    g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Static scope: the URLs hold secrets, and a copy in a GValue would be freed unwiped. */
  signals[URL_READY] =
    g_signal_new ("url-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[LAUNCH_FAILED] =
    g_signal_new ("launch-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[HISTORY_FAILED] =
    g_signal_new ("history-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
gh_console_request_init (GhConsoleRequest *self)
{
  self->container_kind = GH_CONTAINER_GRANTED;
  self->mode = GH_CONSOLE_MODE_FEDERATION;
}

GhConsoleRequest *
gh_console_request_new (GhSession  *session,
                        const char *account_id,
                        const char *role_name)
{
  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  g_return_val_if_fail (account_id != NULL && role_name != NULL, NULL);

  return g_object_new (GH_TYPE_CONSOLE_REQUEST,
                       "session", session,
                       "account-id", account_id,
                       "role-name", role_name,
                       NULL);
}
