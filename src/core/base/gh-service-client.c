/* gh-service-client.c — the tray service's actions, from another process
 *
 * A command goes to the service's current owner — its unique bus name — rather than to the
 * well-known name: a message to the well-known name would make the bus start the service when
 * it does not run (it is D-Bus activatable), and `gatehouse credentials` must not start a tray
 * from a credential_process. GDBusActionGroup sends Activate without waiting for a reply, so
 * the connection is flushed before the activation completes: a CLI that exits at once must not
 * take the message with it.
 */
#define G_LOG_DOMAIN "gh-service-client"

#include "config.h"

#include "gh-service-client.h"

/* A bus that does not answer this quickly is treated as one without the service. */
#define OWNER_TIMEOUT_MS 1000

struct _GhServiceClient
{
  GObject           parent_instance;

  GDBusConnection  *connection;
  char             *object_path;
  GDBusActionGroup *actions;
  GVariant         *prompts;          /* a{s(ss)}, never NULL */
  guint             watch_id;         /* of the service's name, with the actions */
  gboolean          service_absent;   /* seen away since the group was made */
  GPtrArray        *retired;          /* GDBusActionGroup replaced by a newer one */
};

G_DEFINE_FINAL_TYPE (GhServiceClient, gh_service_client, G_TYPE_OBJECT)

enum { PROP_0, PROP_ACTIONS, PROP_SIGN_IN_PROMPTS, N_PROPS };
static GParamSpec *properties[N_PROPS];

#define PROMPTS_ACTION "sign-in-prompts"
#define PROMPTS_TYPE G_VARIANT_TYPE ("a{s(ss)}")

/* Where GApplication exports its actions: the application ID as a path. */
static char *
object_path_for (const char *application_id)
{
  g_autofree char *path = g_strconcat ("/", application_id, NULL);

  g_strdelimit (path, ".", '/');
  g_strdelimit (path, "-", '_');
  return g_steal_pointer (&path);
}

/* The service's state, followed */

static GVariant *
no_prompts (void)
{
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{s(ss)}"), NULL, 0));
}

/* Takes `prompts`. */
static void
set_prompts (GhServiceClient *self,
             GVariant        *prompts)
{
  if (g_variant_equal (prompts, self->prompts))
    {
      g_variant_unref (prompts);
      return;
    }
  g_clear_pointer (&self->prompts, g_variant_unref);
  self->prompts = prompts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_PROMPTS]);
}

static void
read_prompts (GhServiceClient *self)
{
  GActionGroup *actions = G_ACTION_GROUP (self->actions);
  g_autoptr(GVariant) state = NULL;

  if (g_action_group_has_action (actions, PROMPTS_ACTION))
    state = g_action_group_get_action_state (actions, PROMPTS_ACTION);
  if (state != NULL && g_variant_is_of_type (state, PROMPTS_TYPE))
    set_prompts (self, g_steal_pointer (&state));
  else
    set_prompts (self, no_prompts ());
}

static void
action_changed_cb (GhServiceClient *self,
                   const char      *action_name)
{
  if (g_str_equal (action_name, PROMPTS_ACTION))
    read_prompts (self);
}

/* Emitted while the action is still in the group. */
static void
action_removed_cb (GhServiceClient *self,
                   const char      *action_name)
{
  if (g_str_equal (action_name, PROMPTS_ACTION))
    set_prompts (self, no_prompts ());
}

/* A service that exits says nothing to the action group: its sign-ins stopped waiting. */
static void
service_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  GhServiceClient *self = GH_SERVICE_CLIENT (user_data);

  self->service_absent = TRUE;
  set_prompts (self, no_prompts ());
}

static void
make_actions (GhServiceClient *self)
{
  self->actions = g_dbus_action_group_get (self->connection, APPLICATION_ID, self->object_path);
  g_signal_connect_object (self->actions, "action-added", G_CALLBACK (action_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->actions, "action-removed", G_CALLBACK (action_removed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->actions, "action-state-changed",
                           G_CALLBACK (action_changed_cb), self, G_CONNECT_SWAPPED);
  /* The first query starts filling the group in; the rest comes through its signals. */
  read_prompts (self);
}

/* A GDBusActionGroup whose first query found no service stays empty for good, and one whose
 * service was replaced knows the old one's actions: a new group after the service was away,
 * or when it appears to a group still empty (its query may have gone out just before). The
 * old one is kept, so that what get_actions returned stays valid. */
static void
service_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
  GhServiceClient *self = GH_SERVICE_CLIENT (user_data);
  g_auto(GStrv) known = g_action_group_list_actions (G_ACTION_GROUP (self->actions));

  if (!self->service_absent && known[0] != NULL)
    return;
  self->service_absent = FALSE;
  g_signal_handlers_disconnect_by_data (self->actions, self);
  g_ptr_array_add (self->retired, g_steal_pointer (&self->actions));
  make_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIONS]);
}

GActionGroup *
gh_service_client_get_actions (GhServiceClient *self)
{
  g_return_val_if_fail (GH_IS_SERVICE_CLIENT (self), NULL);

  if (self->actions == NULL)
    {
      make_actions (self);
      /* The watch's first answer comes after the group's first query: a service found
       * missing then is one that query missed too. */
      self->watch_id = g_bus_watch_name_on_connection (self->connection, APPLICATION_ID,
                                                       G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                       service_appeared_cb, service_vanished_cb,
                                                       self, NULL);
    }
  return G_ACTION_GROUP (self->actions);
}

GVariant *
gh_service_client_get_sign_in_prompts (GhServiceClient *self)
{
  g_return_val_if_fail (GH_IS_SERVICE_CLIENT (self), NULL);

  gh_service_client_get_actions (self);
  return self->prompts;
}

/* Activation */

typedef struct
{
  char     *action_name;
  GVariant *parameter;
} Activation;

static void
activation_free (Activation *activation)
{
  g_free (activation->action_name);
  g_clear_pointer (&activation->parameter, g_variant_unref);
  g_free (activation);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_dbus_connection_flush_finish (G_DBUS_CONNECTION (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
owner_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GhServiceClient *self = g_task_get_source_object (task);
  Activation *activation = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GDBusActionGroup) owner_actions = NULL;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;
  const char *owner;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_variant_get (reply, "(&s)", &owner);
  owner_actions = g_dbus_action_group_get (self->connection, owner, self->object_path);
  g_action_group_activate_action (G_ACTION_GROUP (owner_actions), activation->action_name,
                                  activation->parameter);
  g_dbus_connection_flush (self->connection, cancellable, flushed_cb, g_steal_pointer (&task));
}

void
gh_service_client_activate_async (GhServiceClient     *self,
                                  const char          *action_name,
                                  GVariant            *parameter,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  Activation *activation;

  g_return_if_fail (GH_IS_SERVICE_CLIENT (self));
  g_return_if_fail (action_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_service_client_activate_async);
  activation = g_new0 (Activation, 1);
  activation->action_name = g_strdup (action_name);
  activation->parameter = parameter ? g_variant_ref_sink (parameter) : NULL;
  g_task_set_task_data (task, activation, (GDestroyNotify) activation_free);

  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetNameOwner",
                          g_variant_new ("(s)", APPLICATION_ID), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, OWNER_TIMEOUT_MS, cancellable, owner_cb, task);
}

gboolean
gh_service_client_activate_finish (GhServiceClient  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (GH_IS_SERVICE_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject */

static void
gh_service_client_dispose (GObject *object)
{
  GhServiceClient *self = GH_SERVICE_CLIENT (object);

  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_object (&self->actions);
  g_ptr_array_set_size (self->retired, 0);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (gh_service_client_parent_class)->dispose (object);
}

static void
gh_service_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GhServiceClient *self = GH_SERVICE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;
    case PROP_SIGN_IN_PROMPTS:
      g_value_set_variant (value, self->prompts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_service_client_finalize (GObject *object)
{
  GhServiceClient *self = GH_SERVICE_CLIENT (object);

  g_free (self->object_path);
  g_clear_pointer (&self->prompts, g_variant_unref);
  g_clear_pointer (&self->retired, g_ptr_array_unref);

  G_OBJECT_CLASS (gh_service_client_parent_class)->finalize (object);
}

static void
gh_service_client_class_init (GhServiceClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_service_client_dispose;
  object_class->get_property = gh_service_client_get_property;
  object_class->finalize = gh_service_client_finalize;

  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGN_IN_PROMPTS] =
    g_param_spec_variant ("sign-in-prompts", NULL, NULL, PROMPTS_TYPE, NULL,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_service_client_init (GhServiceClient *self)
{
  self->object_path = object_path_for (APPLICATION_ID);
  self->prompts = no_prompts ();
  self->retired = g_ptr_array_new_with_free_func (g_object_unref);
}

GhServiceClient *
gh_service_client_new (GDBusConnection *connection)
{
  GhServiceClient *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  self = g_object_new (GH_TYPE_SERVICE_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  return self;
}
