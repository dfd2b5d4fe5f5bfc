/* gh-status-notifier.c — a StatusNotifierItem (the tray icon) over GDBus */
#define G_LOG_DOMAIN "gh-status-notifier"

#include "config.h"

#include <unistd.h>

#include "gh-dbus-interfaces.h"
#include "gh-status-notifier.h"

#define ITEM_PATH       "/StatusNotifierItem"
#define ITEM_INTERFACE  "org.kde.StatusNotifierItem"
#define WATCHER_NAME    "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH    "/StatusNotifierWatcher"

struct _GhStatusNotifier
{
  GObject                 parent_instance;

  GDBusConnection        *connection;
  char                   *id;
  char                   *title;
  char                   *menu_path;
  char                   *bus_name;

  GhStatusNotifierStatus  status;
  char                   *icon_name;
  GBytes                 *icon_pixmap;
  int                     icon_size;
  char                   *attention_icon_name;
  GBytes                 *attention_pixmap;
  int                     attention_size;
  char                   *tooltip_title;
  char                   *tooltip_description;
  char                   *icon_theme_path;

  guint                   object_id;
  guint                   own_id;
  guint                   watch_id;
  GCancellable           *register_cancellable;

  guint                   name_acquired : 1;
  guint                   watcher_present : 1;
  guint                   registered : 1;
  guint                   unavailable_emitted : 1;
};

G_DEFINE_FINAL_TYPE (GhStatusNotifier, gh_status_notifier, G_TYPE_OBJECT)

enum { PROP_0, PROP_REGISTERED, N_PROPS };
static GParamSpec *properties [N_PROPS];

enum { ACTIVATE, SECONDARY_ACTIVATE, SCROLL, REGISTERED, UNAVAILABLE, N_SIGNALS };
static guint signals [N_SIGNALS];

/* org.kde.StatusNotifierItem, from src/tray/org.kde.StatusNotifierItem.xml. */
static GDBusInterfaceInfo *item_interface;

static const char *
status_to_string (GhStatusNotifierStatus status)
{
  switch (status)
    {
    case GH_STATUS_NOTIFIER_PASSIVE:
      return "Passive";
    case GH_STATUS_NOTIFIER_NEEDS_ATTENTION:
      return "NeedsAttention";
    case GH_STATUS_NOTIFIER_ACTIVE:
    default:
      return "Active";
    }
}

/* a(iiay): one entry per size, or an empty array. */
static GVariant *
pixmap_variant (GBytes *pixmap,
                int     size)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(iiay)"));
  if (pixmap != NULL)
    g_variant_builder_add (&builder, "(ii@ay)", size, size,
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, pixmap, TRUE));
  return g_variant_builder_end (&builder);
}

static GVariant *
tooltip_variant (GhStatusNotifier *self)
{
  return g_variant_new ("(s@a(iiay)ss)", "", pixmap_variant (NULL, 0),
                        self->tooltip_title ? self->tooltip_title : "",
                        self->tooltip_description ? self->tooltip_description : "");
}

static GVariant *
item_get_property (GDBusConnection  *connection,
                   const char       *sender,
                   const char       *object_path,
                   const char       *interface_name,
                   const char       *property_name,
                   GError          **error,
                   gpointer          user_data)
{
  GhStatusNotifier *self = user_data;

  g_assert (GH_IS_STATUS_NOTIFIER (self));

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (self->id);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (self->title);
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string (status_to_string (self->status));
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (self->icon_name ? self->icon_name : "");
  if (g_str_equal (property_name, "IconPixmap"))
    return pixmap_variant (self->icon_pixmap, self->icon_size);
  if (g_str_equal (property_name, "OverlayIconName") ||
      g_str_equal (property_name, "AttentionMovieName"))
    return g_variant_new_string ("");
  if (g_str_equal (property_name, "OverlayIconPixmap"))
    return pixmap_variant (NULL, 0);
  if (g_str_equal (property_name, "AttentionIconName"))
    return g_variant_new_string (self->attention_icon_name ? self->attention_icon_name : "");
  if (g_str_equal (property_name, "AttentionIconPixmap"))
    return pixmap_variant (self->attention_pixmap, self->attention_size);
  if (g_str_equal (property_name, "ToolTip"))
    return tooltip_variant (self);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (self->menu_path);
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_string (self->icon_theme_path ? self->icon_theme_path : "");

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "No such property “%s”", property_name);
  return NULL;
}

static void
item_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr(GhStatusNotifier) self = g_object_ref (user_data);

  g_assert (GH_IS_STATUS_NOTIFIER (self));

  /* Reply first: a handler may take a while (opening a browser) and hosts wait for us. */
  g_dbus_method_invocation_return_value (invocation, NULL);

  if (g_str_equal (method_name, "Activate") || g_str_equal (method_name, "SecondaryActivate"))
    {
      int x, y;

      g_variant_get (parameters, "(ii)", &x, &y);
      g_signal_emit (self, g_str_equal (method_name, "Activate") ? signals[ACTIVATE]
                                                                 : signals[SECONDARY_ACTIVATE],
                     0, x, y);
    }
  else if (g_str_equal (method_name, "Scroll"))
    {
      const char *orientation;
      int delta;

      g_variant_get (parameters, "(i&s)", &delta, &orientation);
      g_signal_emit (self, signals[SCROLL], 0, delta, orientation);
    }
  /* ContextMenu: hosts show the exported dbusmenu themselves. */
}

static const GDBusInterfaceVTable item_vtable = {
  .method_call = item_method_call,
  .get_property = item_get_property,
};

static void
emit_item_signal (GhStatusNotifier *self,
                  const char       *name,
                  GVariant         *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) owned = parameters ? g_variant_ref_sink (parameters) : NULL;

  if (self->object_id == 0)
    return;

  if (!g_dbus_connection_emit_signal (self->connection, NULL, ITEM_PATH, ITEM_INTERFACE, name,
                                      owned, &error))
    g_debug ("Could not emit %s: %s", name, error->message);
}

static void
set_registered (GhStatusNotifier *self,
                gboolean          registered)
{
  registered = !!registered;
  if (self->registered == registered)
    return;

  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GhStatusNotifier) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (reply == NULL)
    {
      g_warning ("The tray (%s) refused the status item: %s", WATCHER_NAME, error->message);
      return;
    }

  g_debug ("Registered %s with %s", self->bus_name, WATCHER_NAME);
  set_registered (self, TRUE);
  g_signal_emit (self, signals[REGISTERED], 0);
}

static void
register_item (GhStatusNotifier *self)
{
  if (!self->name_acquired || !self->watcher_present)
    return;

  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  self->register_cancellable = g_cancellable_new ();

  g_dbus_connection_call (self->connection, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem", g_variant_new ("(s)", self->bus_name),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->register_cancellable, register_cb, g_object_ref (self));
}

static void
watcher_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *name_owner,
                     gpointer         user_data)
{
  GhStatusNotifier *self = user_data;

  g_assert (GH_IS_STATUS_NOTIFIER (self));

  g_debug ("%s appeared (%s)", name, name_owner);
  self->watcher_present = TRUE;
  self->unavailable_emitted = FALSE;
  /* A restarted watcher has forgotten us. */
  set_registered (self, FALSE);
  register_item (self);
}

static void
watcher_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  GhStatusNotifier *self = user_data;

  g_assert (GH_IS_STATUS_NOTIFIER (self));

  self->watcher_present = FALSE;
  g_cancellable_cancel (self->register_cancellable);
  set_registered (self, FALSE);

  if (!self->unavailable_emitted)
    {
      self->unavailable_emitted = TRUE;
      g_debug ("No %s on the bus", name);
      g_signal_emit (self, signals[UNAVAILABLE], 0);
    }
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  GhStatusNotifier *self = user_data;

  g_assert (GH_IS_STATUS_NOTIFIER (self));

  self->name_acquired = TRUE;
  register_item (self);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  GhStatusNotifier *self = user_data;

  g_assert (GH_IS_STATUS_NOTIFIER (self));

  if (self->name_acquired)
    {
      g_warning ("Lost the bus name %s", name);
      self->name_acquired = FALSE;
      set_registered (self, FALSE);
      return;
    }

  /* A sandbox (Flatpak allows no org.kde.StatusNotifierItem-* names) or a bus policy refused
   * the well-known name: hosts also accept an item registered by its unique name, at the
   * default object path. */
  g_debug ("Could not own the bus name %s; registering by unique name", name);
  g_free (self->bus_name);
  self->bus_name = g_strdup (g_dbus_connection_get_unique_name (connection));
  self->name_acquired = TRUE;
  register_item (self);
}

static void
gh_status_notifier_dispose (GObject *object)
{
  GhStatusNotifier *self = GH_STATUS_NOTIFIER (object);

  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->own_id, g_bus_unown_name);
  if (self->object_id != 0)
    {
      g_dbus_connection_unregister_object (self->connection, self->object_id);
      self->object_id = 0;
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (gh_status_notifier_parent_class)->dispose (object);
}

static void
gh_status_notifier_finalize (GObject *object)
{
  GhStatusNotifier *self = GH_STATUS_NOTIFIER (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->menu_path, g_free);
  g_clear_pointer (&self->bus_name, g_free);
  g_clear_pointer (&self->icon_name, g_free);
  g_clear_pointer (&self->icon_pixmap, g_bytes_unref);
  g_clear_pointer (&self->attention_icon_name, g_free);
  g_clear_pointer (&self->attention_pixmap, g_bytes_unref);
  g_clear_pointer (&self->tooltip_title, g_free);
  g_clear_pointer (&self->tooltip_description, g_free);
  g_clear_pointer (&self->icon_theme_path, g_free);

  G_OBJECT_CLASS (gh_status_notifier_parent_class)->finalize (object);
}

static void
gh_status_notifier_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GhStatusNotifier *self = GH_STATUS_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_status_notifier_class_init (GhStatusNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_status_notifier_dispose;
  object_class->finalize = gh_status_notifier_finalize;
  object_class->get_property = gh_status_notifier_get_property;

  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SECONDARY_ACTIVATE] =
    g_signal_new ("secondary-activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  signals[SCROLL] =
    g_signal_new ("scroll", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  signals[REGISTERED] =
    g_signal_new ("registered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[UNAVAILABLE] =
    g_signal_new ("unavailable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  item_interface = gh_dbus_interface_lookup (ITEM_INTERFACE);
}

static void
gh_status_notifier_init (GhStatusNotifier *self)
{
  self->status = GH_STATUS_NOTIFIER_ACTIVE;
}

GhStatusNotifier *
gh_status_notifier_new (GDBusConnection *connection,
                        const char      *id,
                        const char      *menu_path)
{
  static guint counter;
  GhStatusNotifier *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (menu_path == NULL || g_variant_is_object_path (menu_path), NULL);

  self = g_object_new (GH_TYPE_STATUS_NOTIFIER, NULL);
  self->connection = g_object_ref (connection);
  self->id = g_strdup (id);
  self->title = g_strdup (id);
  /* "/" is what hosts take for "no menu". */
  self->menu_path = g_strdup (menu_path ? menu_path : "/");
  self->bus_name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-%u", (int) getpid (),
                                    ++counter);
  return self;
}

gboolean
gh_status_notifier_start (GhStatusNotifier  *self,
                          GError           **error)
{
  g_return_val_if_fail (GH_IS_STATUS_NOTIFIER (self), FALSE);
  g_return_val_if_fail (self->object_id == 0, FALSE);

  self->object_id = g_dbus_connection_register_object (self->connection, ITEM_PATH,
                                                       item_interface, &item_vtable,
                                                       self, NULL, error);
  if (self->object_id == 0)
    return FALSE;

  self->own_id = g_bus_own_name_on_connection (self->connection, self->bus_name,
                                               G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                               name_acquired_cb, name_lost_cb, self, NULL);
  self->watch_id = g_bus_watch_name_on_connection (self->connection, WATCHER_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   watcher_appeared_cb, watcher_vanished_cb,
                                                   self, NULL);
  return TRUE;
}

static gboolean
set_pixmap_icon (char      **name_field,
                 GBytes    **pixmap_field,
                 int        *size_field,
                 const char *icon_name,
                 GBytes     *pixmap,
                 int         size)
{
  gboolean same_pixmap;

  if (pixmap == NULL)
    size = 0;

  same_pixmap = (*pixmap_field == NULL && pixmap == NULL) ||
                (*pixmap_field != NULL && pixmap != NULL && *size_field == size &&
                 g_bytes_equal (*pixmap_field, pixmap));
  if (g_strcmp0 (*name_field, icon_name) == 0 && same_pixmap)
    return FALSE;

  g_free (*name_field);
  *name_field = g_strdup (icon_name);
  if (!same_pixmap)
    {
      g_clear_pointer (pixmap_field, g_bytes_unref);
      *pixmap_field = pixmap ? g_bytes_ref (pixmap) : NULL;
      *size_field = size;
    }
  return TRUE;
}

/**
 * gh_status_notifier_set_icon:
 * @icon_name: a themed icon name (looked up in IconThemePath first), or %NULL
 * @argb32_pixmap: (nullable): @pixmap_size² pixels, ARGB32 in network byte order
 */
void
gh_status_notifier_set_icon (GhStatusNotifier *self,
                             const char       *icon_name,
                             GBytes           *argb32_pixmap,
                             int               pixmap_size)
{
  g_return_if_fail (GH_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (argb32_pixmap == NULL ||
                    (pixmap_size > 0 &&
                     g_bytes_get_size (argb32_pixmap) == (gsize) pixmap_size * pixmap_size * 4));

  if (set_pixmap_icon (&self->icon_name, &self->icon_pixmap, &self->icon_size,
                       icon_name, argb32_pixmap, pixmap_size))
    emit_item_signal (self, "NewIcon", NULL);
}

/* The icon hosts show while the status is NeedsAttention (same conventions as set_icon). */
void
gh_status_notifier_set_attention_icon (GhStatusNotifier *self,
                                       const char       *icon_name,
                                       GBytes           *argb32_pixmap,
                                       int               pixmap_size)
{
  g_return_if_fail (GH_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (argb32_pixmap == NULL ||
                    (pixmap_size > 0 &&
                     g_bytes_get_size (argb32_pixmap) == (gsize) pixmap_size * pixmap_size * 4));

  if (set_pixmap_icon (&self->attention_icon_name, &self->attention_pixmap,
                       &self->attention_size, icon_name, argb32_pixmap, pixmap_size))
    emit_item_signal (self, "NewAttentionIcon", NULL);
}

void
gh_status_notifier_set_status (GhStatusNotifier       *self,
                               GhStatusNotifierStatus  status)
{
  g_return_if_fail (GH_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (status <= GH_STATUS_NOTIFIER_NEEDS_ATTENTION);

  if (self->status == status)
    return;

  self->status = status;
  emit_item_signal (self, "NewStatus", g_variant_new ("(s)", status_to_string (status)));
}

GhStatusNotifierStatus
gh_status_notifier_get_status (GhStatusNotifier *self)
{
  g_return_val_if_fail (GH_IS_STATUS_NOTIFIER (self), GH_STATUS_NOTIFIER_ACTIVE);

  return self->status;
}

void
gh_status_notifier_set_title (GhStatusNotifier *self,
                              const char       *title)
{
  g_return_if_fail (GH_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (title != NULL);

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  emit_item_signal (self, "NewTitle", NULL);
}

void
gh_status_notifier_set_tooltip (GhStatusNotifier *self,
                                const char       *title,
                                const char       *description)
{
  g_return_if_fail (GH_IS_STATUS_NOTIFIER (self));

  if (g_strcmp0 (self->tooltip_title, title) == 0 &&
      g_strcmp0 (self->tooltip_description, description) == 0)
    return;

  g_free (self->tooltip_title);
  self->tooltip_title = g_strdup (title);
  g_free (self->tooltip_description);
  self->tooltip_description = g_strdup (description);
  emit_item_signal (self, "NewToolTip", NULL);
}

void
gh_status_notifier_set_icon_theme_path (GhStatusNotifier *self,
                                        const char       *path)
{
  g_return_if_fail (GH_IS_STATUS_NOTIFIER (self));

  if (g_strcmp0 (self->icon_theme_path, path) == 0)
    return;

  g_free (self->icon_theme_path);
  self->icon_theme_path = g_strdup (path);
  /* The spec has no signal of its own for this; hosts re-read it with the icon. */
  emit_item_signal (self, "NewIcon", NULL);
}

gboolean
gh_status_notifier_get_registered (GhStatusNotifier *self)
{
  g_return_val_if_fail (GH_IS_STATUS_NOTIFIER (self), FALSE);

  return self->registered;
}

const char *
gh_status_notifier_get_bus_name (GhStatusNotifier *self)
{
  g_return_val_if_fail (GH_IS_STATUS_NOTIFIER (self), NULL);

  return self->bus_name;
}
