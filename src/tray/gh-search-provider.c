/* gh-search-provider.c — the desktop's search finds roles: GNOME Shell and KRunner
 *
 * Result ids are role targets (SESSION/ACCOUNT_ID/ROLE, gh-role-target.h), so activating one
 * needs nothing kept from the search. A search waits for the role lists that were never read
 * (the service was just started by the search, through D-Bus activation) to be read from the
 * role cache; it never waits for the network.
 *
 * KRunner's runner interface cannot ask KRunner to copy anything, so "Copy the profile name"
 * hands the name to wl-copy (Wayland) or xclip (X11) when one is installed, and otherwise shows
 * it in a notification to copy from there.
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-dbus-interfaces.h"
#include "gh-role-search.h"
#include "gh-role-target.h"
#include "gh-search-provider.h"
#include "gh-settings.h"
#include "gh-tray-service-private.h"

#define SHELL_INTERFACE "org.gnome.Shell.SearchProvider2"
#define KRUNNER_INTERFACE "org.kde.krunner1"

/* KRunner's action ids; the default action ("") opens the console too. */
#define ACTION_CONSOLE "console"
#define ACTION_CONTAINER "container"
#define ACTION_COPY_PROFILE "copy-profile"

/* Plasma::QueryMatch::PossibleMatch: KRunner sorts by type, then relevance. */
#define KRUNNER_POSSIBLE_MATCH 30

struct _GhSearchProvider
{
  GObject           parent_instance;

  GhTrayService    *service;
  GhRoleSearch     *search;
  GDBusConnection  *connection;
  GCancellable     *cancellable;
  guint             shell_id;
  guint             krunner_id;
  gboolean          follows_config;

  GHashTable       *asked;          /* GhRoleList this provider had read (held) */
  guint             loading;        /* of those, reads not done yet */
  GPtrArray        *waiting;        /* Query waiting for them */
  GHashTable       *after_sign_in;  /* session name → Activation */
};

G_DEFINE_FINAL_TYPE (GhSearchProvider, gh_search_provider, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------------ */
/* Searching */

typedef enum
{
  QUERY_SHELL,
  QUERY_KRUNNER,
} QueryKind;

typedef struct
{
  GDBusMethodInvocation *invocation;
  QueryKind              kind;
  char                  *text;
} Query;

static void
query_free (Query *query)
{
  g_clear_object (&query->invocation);
  g_free (query->text);
  g_free (query);
}

static gboolean
search_enabled (GhSearchProvider *self)
{
  GSettings *settings = self->service->settings;

  return settings == NULL || !gh_settings_has_key (settings, "search-provider-enabled") ||
         g_settings_get_boolean (settings, "search-provider-enabled");
}

/* The role lists of the sign-ins, in the order of the config file. */
static GPtrArray *
dup_role_lists (GhSearchProvider *self)
{
  GPtrArray *lists = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *sessions = G_LIST_MODEL (self->service->sessions);
  guint n = sessions != NULL ? g_list_model_get_n_items (sessions) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      GhRoleList *list = _gh_tray_service_get_role_list (self->service,
                                                         gh_session_get_name (session));

      g_ptr_array_add (lists, g_object_ref (list));
    }
  return lists;
}

/* Made on first use: the sync templates are in the sessions' config file, which the service
 * knows once it has started. */
static GhRoleSearch *
get_role_search (GhSearchProvider *self)
{
  if (self->search == NULL)
    self->search = gh_role_search_new (self->service->sessions != NULL
                                       ? gh_session_manager_get_config_path (self->service->sessions)
                                       : NULL);
  return self->search;
}

static GPtrArray *
find_roles (GhSearchProvider *self,
            const char       *text)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (text);
  g_autoptr(GPtrArray) lists = NULL;
  g_auto(GStrv) favorites = NULL;

  /* Neither shell asks for everything; a blank query finds nothing rather than all. */
  if (!search_enabled (self) || gh_role_matcher_is_empty (matcher))
    return g_ptr_array_new_with_free_func (g_object_unref);

  lists = dup_role_lists (self);
  favorites = _gh_tray_service_dup_favorite_roles (self->service);
  return gh_role_search_run (get_role_search (self), lists, matcher, (const char * const *) favorites,
                             (const char * const *) self->service->recents,
                             GH_ROLE_SEARCH_MAX_RESULTS);
}

static char *
role_target (GhRole *role)
{
  return gh_role_target_build (gh_role_get_session_name (role), gh_role_get_account_id (role),
                               gh_role_get_role_name (role));
}

static char *
describe_title (const char *account_name,
                const char *account_id,
                const char *role_name)
{
  /* As the tray menu names a role: "ReadOnly @ Production". */
  return g_strdup_printf (_("%s @ %s"), role_name, account_name ? account_name : account_id);
}

static char *
describe_role (GhSearchProvider *self,
               const char       *session_name,
               const char       *account_id)
{
  GhSession *session = self->service->sessions != NULL
                       ? gh_session_manager_lookup (self->service->sessions, session_name)
                       : NULL;
  GhSessionStatus status = session != NULL ? gh_session_get_status (session)
                                           : GH_SESSION_SIGNED_OUT;

  if (gh_session_status_is_signed_in (status) || status == GH_SESSION_SIGNING_IN)
    return g_strdup_printf (_("Account %s, sign-in “%s”"), account_id, session_name);
  /* Activating it signs in first: say so before. */
  return g_strdup_printf (_("Account %s, sign-in “%s” (signed out)"), account_id, session_name);
}

static GVariant *
shell_results (GPtrArray *roles)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("as"));
  for (guint i = 0; i < roles->len; i++)
    {
      g_autofree char *target = role_target (g_ptr_array_index (roles, i));

      g_variant_builder_add (&builder, "s", target);
    }
  return g_variant_new ("(as)", &builder);
}

static GVariant *
krunner_matches (GhSearchProvider *self,
                 GPtrArray        *roles)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssida{sv})"));
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);
      g_autofree char *target = role_target (role);
      g_autofree char *title = describe_title (gh_role_get_account_name (role),
                                               gh_role_get_account_id (role),
                                               gh_role_get_role_name (role));
      g_autofree char *subtext = describe_role (self, gh_role_get_session_name (role),
                                                gh_role_get_account_id (role));
      GVariantBuilder properties;

      g_variant_builder_init (&properties, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&properties, "{sv}", "subtext", g_variant_new_string (subtext));
      g_variant_builder_add (&properties, "{sv}", "category",
                             g_variant_new_string (_("AWS roles")));
      /* In the order found: favourites, recent roles, the rest. */
      g_variant_builder_add (&builder, "(sssida{sv})", target, title, APPLICATION_ID,
                             KRUNNER_POSSIBLE_MATCH, 1.0 - 0.01 * i, &properties);
    }
  return g_variant_new ("(a(sssida{sv}))", &builder);
}

static void
query_answer (GhSearchProvider *self,
              Query            *query)
{
  g_autoptr(GPtrArray) roles = find_roles (self, query->text);

  g_dbus_method_invocation_return_value (query->invocation,
                                         query->kind == QUERY_SHELL
                                         ? shell_results (roles)
                                         : krunner_matches (self, roles));
  g_clear_object (&query->invocation);
}

static void
list_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GhSearchProvider) self = user_data;
  g_autoptr(GPtrArray) waiting = NULL;

  /* Without a usable cache the list stays empty: nothing to find there, nothing to report. */
  gh_role_list_load_finish (GH_ROLE_LIST (object), result, NULL);
  g_assert (self->loading > 0);
  if (--self->loading > 0 || self->waiting == NULL)
    return;

  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) query_free);
  for (guint i = 0; i < waiting->len; i++)
    query_answer (self, g_ptr_array_index (waiting, i));
}

/* The lists nobody has read yet (fetched-at 0) are read once from the role cache. */
static void
read_unread_lists (GhSearchProvider *self)
{
  g_autoptr(GPtrArray) lists = dup_role_lists (self);

  for (guint i = 0; i < lists->len; i++)
    {
      GhRoleList *list = g_ptr_array_index (lists, i);

      if (gh_role_list_get_fetched_at (list) != 0 || g_hash_table_contains (self->asked, list))
        continue;
      g_hash_table_add (self->asked, g_object_ref (list));
      self->loading++;
      gh_role_list_load_async (list, self->cancellable, list_read_cb, g_object_ref (self));
    }
}

static void
query_start (GhSearchProvider      *self,
             GDBusMethodInvocation *invocation,
             QueryKind              kind,
             char                  *text)
{
  Query *query = g_new0 (Query, 1);

  query->invocation = g_object_ref (invocation);
  query->kind = kind;
  query->text = text;

  /* Templates come from the config file: follow its changes once the service has sessions. */
  if (!self->follows_config && self->service->sessions != NULL)
    {
      g_signal_connect_object (self->service->sessions, "config-changed",
                               G_CALLBACK (gh_role_search_reload_templates),
                               get_role_search (self), G_CONNECT_SWAPPED);
      self->follows_config = TRUE;
    }

  if (search_enabled (self))
    read_unread_lists (self);
  if (self->loading == 0)
    {
      query_answer (self, query);
      query_free (query);
    }
  else
    g_ptr_array_add (self->waiting, query);
}

/* GNOME Shell sends the words typed; matching splits on white space anyway. */
static char *
join_terms (GVariant *terms)
{
  g_autofree const char **strv = g_variant_get_strv (terms, NULL);

  return g_strjoinv (" ", (char **) strv);
}

/* ------------------------------------------------------------------------------------------ */
/* Activating */

typedef enum
{
  OPEN_CONSOLE,
  OPEN_CONTAINER,
} OpenKind;

/* A role to open once its sign-in is done. */
typedef struct
{
  GhSearchProvider *self;
  GhSession        *session;
  gulong            status_id;
  char             *target;
  OpenKind          kind;
  gboolean          signing_in;
} Activation;

static void
activation_free (Activation *activation)
{
  g_clear_signal_handler (&activation->status_id, activation->session);
  g_clear_object (&activation->session);
  g_free (activation->target);
  g_free (activation);
}

static void
open_now (GhSearchProvider *self,
          const char       *target,
          OpenKind          kind)
{
  if (kind == OPEN_CONTAINER)
    _gh_tray_service_open_console_in_container (self->service, target);
  else
    _gh_tray_service_open_console (self->service, target);
}

static void
activation_status_cb (GhSession  *session,
                      GParamSpec *pspec,
                      Activation *activation)
{
  GhSearchProvider *self = activation->self;
  GhSessionStatus status = gh_session_get_status (session);
  g_autofree char *target = NULL;
  OpenKind kind = activation->kind;

  if (status == GH_SESSION_SIGNING_IN)
    {
      activation->signing_in = TRUE;
      return;
    }
  if (!gh_session_status_is_signed_in (status) && !activation->signing_in)
    return;

  /* Signed in: open. Not signed in after trying: the sign-in said why; forget the role. */
  target = g_strdup (activation->target);
  g_hash_table_remove (self->after_sign_in, gh_session_get_name (session));
  if (gh_session_status_is_signed_in (status))
    open_now (self, target, kind);
}

static void
open_role (GhSearchProvider *self,
           const char       *target,
           OpenKind          kind)
{
  g_autofree char *session_name = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *role_name = NULL;
  GhSession *session = NULL;
  Activation *activation;

  if (gh_role_target_parse (target, &session_name, &account_id, &role_name) &&
      self->service->sessions != NULL)
    session = gh_session_manager_lookup (self->service->sessions, session_name);

  /* Signed in, or no such sign-in (the service says so as it does for the menu). */
  if (session == NULL || gh_session_status_is_signed_in (gh_session_get_status (session)))
    {
      open_now (self, target, kind);
      return;
    }

  activation = g_new0 (Activation, 1);
  activation->self = self;
  activation->session = g_object_ref (session);
  activation->target = g_strdup (target);
  activation->kind = kind;
  activation->status_id = g_signal_connect (session, "notify::status",
                                            G_CALLBACK (activation_status_cb), activation);
  /* The last role asked for is the one opened. */
  g_hash_table_replace (self->after_sign_in, g_strdup (session_name), activation);

  _gh_tray_service_start_login (self->service, session, GH_FLOW_AUTHORIZATION_CODE);
  activation->signing_in = gh_session_get_status (session) == GH_SESSION_SIGNING_IN;
}

/* ------------------------------------------------------------------------------------------ */
/* Copying a profile name */

typedef struct
{
  GhSearchProvider *self;
  char             *profile;
} Copy;

static void
copy_free (Copy *copy)
{
  g_object_unref (copy->self);
  g_free (copy->profile);
  g_free (copy);
}

static void
show_profile_name (GhSearchProvider *self,
                   const char       *profile)
{
  g_autofree char *summary = g_strdup_printf (_("AWS CLI profile “%s”"), profile);

  _gh_tray_service_notify (self->service, "copy-profile", summary,
                           _("No clipboard tool (wl-copy or xclip) was found: copy the name from "
                             "here."));
}

static void
clipboard_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  Copy *copy = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_finish (process, result, NULL, NULL, &error) ||
      !g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_debug ("The clipboard tool failed: %s", error ? error->message : "exit status");
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_profile_name (copy->self, copy->profile);
    }
  copy_free (copy);
}

/* wl-copy on Wayland, xclip on X11: the clipboard's owner must outlive the call, which both
 * do by staying in the background with the text. */
static GSubprocess *
spawn_clipboard_tool (GError **error)
{
  g_autofree char *wl_copy = g_find_program_in_path ("wl-copy");
  g_autofree char *xclip = g_find_program_in_path ("xclip");

  if (g_getenv ("WAYLAND_DISPLAY") != NULL && wl_copy != NULL)
    return g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, error, wl_copy, NULL);
  if (g_getenv ("DISPLAY") != NULL && xclip != NULL)
    return g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, error, xclip, "-selection",
                             "clipboard", NULL);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no clipboard tool");
  return NULL;
}

static void
copy_profile_name (GhSearchProvider *self,
                   const char       *target)
{
  g_autofree char *session_name = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *role_name = NULL;
  g_autoptr(GhRole) role = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autoptr(GError) error = NULL;
  Copy *copy;

  if (!gh_role_target_parse (target, &session_name, &account_id, &role_name))
    return;
  role = gh_role_new (session_name, account_id,
                      _gh_tray_service_get_account_name (self->service, session_name, account_id),
                      NULL, role_name);
  copy = g_new0 (Copy, 1);
  copy->self = g_object_ref (self);
  copy->profile = gh_role_search_dup_profile_name (get_role_search (self), role);
  if (copy->profile == NULL)
    {
      copy_free (copy);
      return;
    }

  if ((process = spawn_clipboard_tool (&error)) == NULL)
    {
      g_debug ("Cannot copy to the clipboard: %s", error->message);
      show_profile_name (self, copy->profile);
      copy_free (copy);
      return;
    }
  text = g_bytes_new (copy->profile, strlen (copy->profile));
  g_subprocess_communicate_async (process, text, self->cancellable, clipboard_done_cb, copy);
}

/* ------------------------------------------------------------------------------------------ */
/* GNOME Shell: org.gnome.Shell.SearchProvider2 */

static GVariant *
result_meta (GhSearchProvider *self,
             const char       *target)
{
  g_autofree char *session_name = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *role_name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GIcon) icon = g_themed_icon_new (APPLICATION_ID);
  g_autofree char *icon_name = g_icon_to_string (icon);
  g_autoptr(GVariant) serialized = g_icon_serialize (icon);   /* not floating */
  GVariantBuilder meta;

  if (!gh_role_target_parse (target, &session_name, &account_id, &role_name))
    return NULL;

  title = describe_title (_gh_tray_service_get_account_name (self->service, session_name,
                                                             account_id),
                          account_id, role_name);
  description = describe_role (self, session_name, account_id);
  g_variant_builder_init (&meta, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&meta, "{sv}", "id", g_variant_new_string (target));
  g_variant_builder_add (&meta, "{sv}", "name", g_variant_new_string (title));
  g_variant_builder_add (&meta, "{sv}", "description", g_variant_new_string (description));
  /* Both forms GNOME Shell reads: a GIcon string, and a serialized GIcon. */
  g_variant_builder_add (&meta, "{sv}", "gicon", g_variant_new_string (icon_name));
  g_variant_builder_add (&meta, "{sv}", "icon", serialized);
  return g_variant_builder_end (&meta);
}

static GVariant *
result_metas (GhSearchProvider *self,
              GVariant         *identifiers)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *target;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_iter_init (&iter, identifiers);
  while (g_variant_iter_next (&iter, "&s", &target))
    {
      GVariant *meta = result_meta (self, target);

      if (meta != NULL)
        g_variant_builder_add_value (&builder, meta);
    }
  return g_variant_new ("(aa{sv})", &builder);
}

static void
shell_method_call (GhSearchProvider      *self,
                   const char            *method_name,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation)
{
  if (g_str_equal (method_name, "GetInitialResultSet"))
    {
      g_autoptr(GVariant) terms = g_variant_get_child_value (parameters, 0);

      query_start (self, invocation, QUERY_SHELL, join_terms (terms));
    }
  else if (g_str_equal (method_name, "GetSubsearchResultSet"))
    {
      /* Searching again is as quick as narrowing the previous results, and ranks the same. */
      g_autoptr(GVariant) terms = g_variant_get_child_value (parameters, 1);

      query_start (self, invocation, QUERY_SHELL, join_terms (terms));
    }
  else if (g_str_equal (method_name, "GetResultMetas"))
    {
      g_autoptr(GVariant) identifiers = g_variant_get_child_value (parameters, 0);

      g_dbus_method_invocation_return_value (invocation, result_metas (self, identifiers));
    }
  else if (g_str_equal (method_name, "ActivateResult"))
    {
      const char *target;

      g_variant_get (parameters, "(&s@asu)", &target, NULL, NULL);
      open_role (self, target, OPEN_CONSOLE);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "LaunchSearch"))
    {
      g_autoptr(GVariant) terms = g_variant_get_child_value (parameters, 0);
      g_autofree char *text = join_terms (terms);

      _gh_tray_service_present_roles_search (self->service, text);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                           G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

/* ------------------------------------------------------------------------------------------ */
/* KRunner: org.kde.krunner1 */

static GVariant *
krunner_actions (void)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sss)"));
  g_variant_builder_add (&builder, "(sss)", ACTION_CONSOLE, _("Open the AWS console"),
                         "web-browser");
  g_variant_builder_add (&builder, "(sss)", ACTION_CONTAINER,
                         _("Open the AWS console in a container"), "tab-new");
  g_variant_builder_add (&builder, "(sss)", ACTION_COPY_PROFILE, _("Copy the profile name"),
                         "edit-copy");
  return g_variant_new ("(a(sss))", &builder);
}

static void
krunner_method_call (GhSearchProvider      *self,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation)
{
  if (g_str_equal (method_name, "Match"))
    {
      const char *text;

      g_variant_get (parameters, "(&s)", &text);
      query_start (self, invocation, QUERY_KRUNNER, g_strdup (text));
    }
  else if (g_str_equal (method_name, "Actions"))
    g_dbus_method_invocation_return_value (invocation, krunner_actions ());
  else if (g_str_equal (method_name, "Run"))
    {
      const char *target, *action;

      g_variant_get (parameters, "(&s&s)", &target, &action);
      if (*action == '\0' || g_str_equal (action, ACTION_CONSOLE))
        open_role (self, target, OPEN_CONSOLE);
      else if (g_str_equal (action, ACTION_CONTAINER))
        open_role (self, target, OPEN_CONTAINER);
      else if (g_str_equal (action, ACTION_COPY_PROFILE))
        copy_profile_name (self, target);
      else
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_INVALID_ARGS,
                                                 "No action %s", action);
          return;
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                           G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

/* ------------------------------------------------------------------------------------------ */
/* Exporting */

/* Both interfaces at one path: GDBus has checked the arguments against their XML. */
static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  if (g_str_equal (interface_name, SHELL_INTERFACE))
    shell_method_call (user_data, method_name, parameters, invocation);
  else
    krunner_method_call (user_data, method_name, parameters, invocation);
}

static const GDBusInterfaceVTable vtable = {
  .method_call = method_call,
};

gboolean
gh_search_provider_export (GhSearchProvider  *self,
                           GDBusConnection   *connection,
                           GError           **error)
{
  GDBusInterfaceInfo *shell, *krunner;

  g_return_val_if_fail (GH_IS_SEARCH_PROVIDER (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (self->connection == NULL, FALSE);

  /* Registering takes references of its own. */
  shell = gh_dbus_interface_lookup (SHELL_INTERFACE);
  self->shell_id = g_dbus_connection_register_object (connection, GH_SEARCH_PROVIDER_PATH,
                                                      shell, &vtable, self, NULL, error);
  g_dbus_interface_info_unref (shell);
  if (self->shell_id == 0)
    return FALSE;
  krunner = gh_dbus_interface_lookup (KRUNNER_INTERFACE);
  self->krunner_id = g_dbus_connection_register_object (connection, GH_SEARCH_PROVIDER_PATH,
                                                        krunner, &vtable, self, NULL, error);
  g_dbus_interface_info_unref (krunner);
  if (self->krunner_id == 0)
    {
      g_dbus_connection_unregister_object (connection, self->shell_id);
      self->shell_id = 0;
      return FALSE;
    }
  self->connection = g_object_ref (connection);
  return TRUE;
}

/* Searches still waiting are answered with an error: the service is going. */
static void
fail_waiting (GhSearchProvider *self)
{
  for (guint i = 0; i < self->waiting->len; i++)
    {
      Query *query = g_ptr_array_index (self->waiting, i);

      g_dbus_method_invocation_return_error_literal (query->invocation, G_IO_ERROR,
                                                     G_IO_ERROR_CANCELLED,
                                                     "The service is quitting");
      g_clear_object (&query->invocation);
    }
  g_ptr_array_set_size (self->waiting, 0);
}

void
gh_search_provider_unexport (GhSearchProvider *self)
{
  g_return_if_fail (GH_IS_SEARCH_PROVIDER (self));

  g_cancellable_cancel (self->cancellable);
  fail_waiting (self);
  g_hash_table_remove_all (self->after_sign_in);
  if (self->connection == NULL)
    return;
  g_dbus_connection_unregister_object (self->connection, self->shell_id);
  g_dbus_connection_unregister_object (self->connection, self->krunner_id);
  self->shell_id = self->krunner_id = 0;
  g_clear_object (&self->connection);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
gh_search_provider_dispose (GObject *object)
{
  GhSearchProvider *self = GH_SEARCH_PROVIDER (object);

  /* The config-changed handler goes with the role search (g_signal_connect_object). */
  if (self->connection != NULL)
    gh_search_provider_unexport (self);
  g_clear_pointer (&self->after_sign_in, g_hash_table_unref);

  G_OBJECT_CLASS (gh_search_provider_parent_class)->dispose (object);
}

static void
gh_search_provider_finalize (GObject *object)
{
  GhSearchProvider *self = GH_SEARCH_PROVIDER (object);

  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->asked, g_hash_table_unref);
  g_clear_object (&self->search);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gh_search_provider_parent_class)->finalize (object);
}

static void
gh_search_provider_class_init (GhSearchProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_search_provider_dispose;
  object_class->finalize = gh_search_provider_finalize;
}

static void
gh_search_provider_init (GhSearchProvider *self)
{
  self->cancellable = g_cancellable_new ();
  self->asked = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) query_free);
  self->after_sign_in = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) activation_free);
}

GhSearchProvider *
gh_search_provider_new (GhTrayService *service)
{
  GhSearchProvider *self = g_object_new (GH_TYPE_SEARCH_PROVIDER, NULL);

  g_return_val_if_fail (GH_IS_TRAY_SERVICE (service), NULL);

  self->service = service;
  return self;
}
