/* gh-session-manager.c — every sign-in defined in the AWS config file */
#define G_LOG_DOMAIN "gh-session-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-session-manager.h"
#include "gh-session-state.h"
#include "gh-token-cache.h"

/* Editors and the AWS CLI write a file in several steps (temporary file, rename, chmod): one
 * reload for the lot. */
#define RELOAD_DELAY_MS 200

struct _GhSessionManager
{
  GObject    parent_instance;

  char      *config_path;
  GPtrArray *configs;            /* GhSsoSessionConfig, file order */
  GPtrArray *sessions;           /* GhSession, the usable configs in file order */
  GPtrArray *monitors;           /* GFileMonitor */
  guint      reload_config_id;
  guint      reload_state_id;
};

static void gh_session_manager_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GhSessionManager, gh_session_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      gh_session_manager_list_model_init))

enum { CONFIG_CHANGED, STATE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* GListModel */

static GType
gh_session_manager_get_item_type (GListModel *model)
{
  return GH_TYPE_SESSION;
}

static guint
gh_session_manager_get_n_items (GListModel *model)
{
  return GH_SESSION_MANAGER (model)->sessions->len;
}

static gpointer
gh_session_manager_get_item (GListModel *model,
                             guint       position)
{
  GhSessionManager *self = GH_SESSION_MANAGER (model);

  if (position >= self->sessions->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->sessions, position));
}

static void
gh_session_manager_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = gh_session_manager_get_item_type;
  iface->get_n_items = gh_session_manager_get_n_items;
  iface->get_item = gh_session_manager_get_item;
}

/* Definitions */

gboolean
gh_sso_session_config_check (const GhSsoSessionConfig  *config,
                             GError                   **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (config->start_url == NULL || config->region == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("The sign-in “%s” needs both sso_start_url and sso_region in the AWS "
                     "config file"), config->name);
      return FALSE;
    }
  if (!gh_region_is_valid (config->region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("The sign-in “%s” has an invalid sso_region “%s”"),
                   config->name, config->region);
      return FALSE;
    }
  return gh_validate_start_url (config->start_url, error);
}

static gboolean
same_definition (GhSession                *session,
                 const GhSsoSessionConfig *config)
{
  const GhSsoSessionConfig *current = gh_session_get_config (session);

  return g_strcmp0 (current->start_url, config->start_url) == 0 &&
         g_strcmp0 (current->region, config->region) == 0 &&
         current->legacy == config->legacy &&
         current->session_duration == config->session_duration &&
         current->cache_refresh_token == config->cache_refresh_token &&
         ((current->scopes == NULL && config->scopes == NULL) ||
          (current->scopes != NULL && config->scopes != NULL &&
           g_strv_equal ((const char * const *) current->scopes,
                         (const char * const *) config->scopes)));
}

static gboolean
same_sessions (GPtrArray *a,
               GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_ptr_array_index (a, i) != g_ptr_array_index (b, i))
      return FALSE;
  return TRUE;
}

gboolean
gh_session_manager_reload (GhSessionManager  *self,
                           GError           **error)
{
  g_autoptr(GhIni) ini = NULL;

  g_return_val_if_fail (GH_IS_SESSION_MANAGER (self), FALSE);

  if ((ini = gh_aws_config_load (self->config_path, error)) == NULL)
    return FALSE;
  gh_session_manager_reload_from (self, ini);
  return TRUE;
}

void
gh_session_manager_reload_from (GhSessionManager *self,
                                GhIni            *ini)
{
  g_autoptr(GPtrArray) configs = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  guint removed;

  g_return_if_fail (GH_IS_SESSION_MANAGER (self));
  g_return_if_fail (GH_IS_INI (ini));

  configs = gh_aws_config_list_sessions_in (ini);
  sessions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);
      GhSession *session = gh_session_manager_lookup (self, config->name);

      if (!gh_sso_session_config_check (config, NULL))
        continue;
      if (session != NULL && same_definition (session, config))
        g_ptr_array_add (sessions, g_object_ref (session));
      else
        g_ptr_array_add (sessions, gh_session_new (config));
    }

  g_ptr_array_unref (self->configs);
  self->configs = g_steal_pointer (&configs);
  if (!same_sessions (self->sessions, sessions))
    {
      removed = self->sessions->len;
      g_ptr_array_unref (self->sessions);
      self->sessions = g_steal_pointer (&sessions);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->sessions->len);
    }
}

GPtrArray *
gh_session_manager_get_configs (GhSessionManager *self)
{
  g_return_val_if_fail (GH_IS_SESSION_MANAGER (self), NULL);

  return self->configs;
}

const char *
gh_session_manager_get_config_path (GhSessionManager *self)
{
  g_return_val_if_fail (GH_IS_SESSION_MANAGER (self), NULL);

  return self->config_path;
}

GhSession *
gh_session_manager_lookup (GhSessionManager *self,
                           const char       *name)
{
  g_return_val_if_fail (GH_IS_SESSION_MANAGER (self), NULL);

  for (guint i = 0; name != NULL && i < self->sessions->len; i++)
    {
      GhSession *session = g_ptr_array_index (self->sessions, i);

      if (g_str_equal (gh_session_get_name (session), name))
        return session;
    }
  return NULL;
}

static const GhSsoSessionConfig *
find_config (GhSessionManager  *self,
             const char        *name,
             GError           **error)
{
  g_autoptr(GString) names = NULL;

  for (guint i = 0; name != NULL && i < self->configs->len; i++)
    {
      const GhSsoSessionConfig *config = g_ptr_array_index (self->configs, i);

      if (g_str_equal (config->name, name))
        return config;
    }

  if (name != NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("No sign-in named “%s” in %s (see gatehouse session list)"),
                   name, self->config_path);
      return NULL;
    }
  if (self->configs->len == 1)
    return g_ptr_array_index (self->configs, 0);
  if (self->configs->len == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("No sign-in is defined in %s. Add one: gatehouse session add NAME "
                     "--start-url URL --region REGION"), self->config_path);
      return NULL;
    }

  names = g_string_new (NULL);
  for (guint i = 0; i < self->configs->len; i++)
    {
      const GhSsoSessionConfig *config = g_ptr_array_index (self->configs, i);

      g_string_append_printf (names, "%s%s", i ? ", " : "", config->name);
    }
  g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
               _("Several sign-ins are defined (%s); name one"), names->str);
  return NULL;
}

GhSession *
gh_session_manager_find (GhSessionManager  *self,
                         const char        *name,
                         GError           **error)
{
  const GhSsoSessionConfig *config;
  GhSession *session;

  g_return_val_if_fail (GH_IS_SESSION_MANAGER (self), NULL);

  if ((config = find_config (self, name, error)) == NULL)
    return NULL;
  if (!gh_sso_session_config_check (config, error))
    return NULL;
  session = gh_session_manager_lookup (self, config->name);
  g_assert (session != NULL);
  return g_object_ref (session);
}

/* Keeping up with the files */

static gboolean
reload_config_cb (gpointer user_data)
{
  GhSessionManager *self = user_data;
  g_autoptr(GError) error = NULL;

  self->reload_config_id = 0;
  if (!gh_session_manager_reload (self, &error))
    g_warning ("%s", error->message);
  g_signal_emit (self, signals[CONFIG_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static gboolean
reload_state_cb (gpointer user_data)
{
  GhSessionManager *self = user_data;

  self->reload_state_id = 0;
  for (guint i = 0; i < self->sessions->len; i++)
    gh_session_reload (g_ptr_array_index (self->sessions, i));
  g_signal_emit (self, signals[STATE_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
config_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  GhSessionManager *self = user_data;

  if (self->reload_config_id == 0)
    self->reload_config_id = g_timeout_add (RELOAD_DELAY_MS, reload_config_cb, self);
}

static void
state_changed_cb (GFileMonitor      *monitor,
                  GFile             *file,
                  GFile             *other,
                  GFileMonitorEvent  event,
                  gpointer           user_data)
{
  GhSessionManager *self = user_data;

  /* Lock files come and go with every operation; they change nothing. */
  if (g_str_has_suffix (g_file_peek_path (file), ".lock"))
    return;
  if (self->reload_state_id == 0)
    self->reload_state_id = g_timeout_add (RELOAD_DELAY_MS, reload_state_cb, self);
}

static void
watch_directory (GhSessionManager *self,
                 const char       *path,
                 GCallback         callback)
{
  GFileMonitor *monitor = gh_file_monitor_directory (path);

  if (monitor == NULL)
    return;
  g_signal_connect_object (monitor, "changed", callback, self, 0);
  g_ptr_array_add (self->monitors, monitor);
}

void
gh_session_manager_watch (GhSessionManager *self)
{
  g_autofree char *config_dir = NULL;
  g_autofree char *state_file = gh_session_state_path ("x");
  g_autofree char *state_dir = g_path_get_dirname (state_file);
  g_autofree char *cache_file = gh_token_cache_path ("x");
  g_autofree char *cache_dir = g_path_get_dirname (cache_file);

  g_return_if_fail (GH_IS_SESSION_MANAGER (self));

  if (self->monitors->len > 0)
    return;
  config_dir = g_path_get_dirname (self->config_path);
  watch_directory (self, config_dir, G_CALLBACK (config_changed_cb));
  watch_directory (self, state_dir, G_CALLBACK (state_changed_cb));
  watch_directory (self, cache_dir, G_CALLBACK (state_changed_cb));
}

/* GObject */

static void
gh_session_manager_dispose (GObject *object)
{
  GhSessionManager *self = GH_SESSION_MANAGER (object);

  for (guint i = 0; i < self->monitors->len; i++)
    g_file_monitor_cancel (g_ptr_array_index (self->monitors, i));
  g_ptr_array_set_size (self->monitors, 0);
  g_clear_handle_id (&self->reload_config_id, g_source_remove);
  g_clear_handle_id (&self->reload_state_id, g_source_remove);

  G_OBJECT_CLASS (gh_session_manager_parent_class)->dispose (object);
}

static void
gh_session_manager_finalize (GObject *object)
{
  GhSessionManager *self = GH_SESSION_MANAGER (object);

  g_free (self->config_path);
  g_ptr_array_unref (self->configs);
  g_ptr_array_unref (self->sessions);
  g_ptr_array_unref (self->monitors);

  G_OBJECT_CLASS (gh_session_manager_parent_class)->finalize (object);
}

static void
gh_session_manager_class_init (GhSessionManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_session_manager_dispose;
  object_class->finalize = gh_session_manager_finalize;

  signals[CONFIG_CHANGED] = g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
gh_session_manager_init (GhSessionManager *self)
{
  self->configs = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_sso_session_config_free);
  self->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
}

GhSessionManager *
gh_session_manager_new (const char *config_path)
{
  GhSessionManager *self = g_object_new (GH_TYPE_SESSION_MANAGER, NULL);

  self->config_path = config_path ? g_strdup (config_path) : gh_aws_config_default_path ();
  return self;
}
