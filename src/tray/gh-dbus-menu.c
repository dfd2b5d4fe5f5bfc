/* gh-dbus-menu.c — a GMenuModel exported as com.canonical.dbusmenu
 *
 * The model is flattened into a tree of items whenever it (or the actions behind it) change.
 * Ids are kept per position in the model (the path of indexes through sections and submenus),
 * so an item keeps its id across rebuilds as long as it stays where it is. A structural change
 * bumps the revision and emits LayoutUpdated; a change of enabled/toggle state only emits
 * ItemsPropertiesUpdated for the items concerned.
 */
#define G_LOG_DOMAIN "gh-dbus-menu"

#include "config.h"

#include "gh-dbus-interfaces.h"
#include "gh-dbus-menu.h"

#define MENU_INTERFACE "com.canonical.dbusmenu"

typedef struct _MenuItem MenuItem;

struct _MenuItem
{
  int        id;
  GVariant  *props;     /* a{sv}, only non-default values, in a fixed key order */
  char      *action;    /* without "app."/"win.", or NULL */
  GVariant  *target;    /* or NULL */
  GPtrArray *children;  /* MenuItem, owned; NULL for leaves */
};

struct _GhDbusMenu
{
  GObject          parent_instance;

  GMenuModel      *model;
  GActionGroup    *actions;

  GDBusConnection *connection;
  char            *object_path;
  guint            object_id;

  MenuItem        *root;
  GHashTable      *items;        /* id → MenuItem (borrowed from the tree) */
  GHashTable      *ids;          /* position key → id, kept across rebuilds */
  int              next_id;
  guint            revision;

  GPtrArray       *watched;      /* GMenuModel we listen to for items-changed */
  guint            rebuild_source;
  guint            layout_dirty : 1;
};

G_DEFINE_FINAL_TYPE (GhDbusMenu, gh_dbus_menu, G_TYPE_OBJECT)

enum { PROP_0, PROP_REVISION, N_PROPS };
static GParamSpec *properties [N_PROPS];

/* com.canonical.dbusmenu, from src/tray/com.canonical.dbusmenu.xml. */
static GDBusInterfaceInfo *menu_interface;

/* Every property an item can carry, in the order they are written. */
static const char * const item_property_names[] = {
  "type", "label", "enabled", "visible", "icon-name", "toggle-type", "toggle-state",
  "children-display",
};

static void
menu_item_free (MenuItem *item)
{
  g_clear_pointer (&item->props, g_variant_unref);
  g_clear_pointer (&item->action, g_free);
  g_clear_pointer (&item->target, g_variant_unref);
  g_clear_pointer (&item->children, g_ptr_array_unref);
  g_free (item);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MenuItem, menu_item_free)

static MenuItem *
menu_item_new (int id)
{
  MenuItem *item = g_new0 (MenuItem, 1);

  item->id = id;
  return item;
}

static int
lookup_id (GhDbusMenu *self,
           const char *key)
{
  gpointer value;

  if (g_hash_table_lookup_extended (self->ids, key, NULL, &value))
    return GPOINTER_TO_INT (value);

  g_hash_table_insert (self->ids, g_strdup (key), GINT_TO_POINTER (self->next_id));
  return self->next_id++;
}

static const char *
strip_action_prefix (const char *action)
{
  if (g_str_has_prefix (action, "app.") || g_str_has_prefix (action, "win."))
    return action + 4;
  return action;
}

/* Builds an item's properties from its menu attributes and the state of its action. */
static void
fill_item (GhDbusMenu *self,
           MenuItem   *item,
           GMenuModel *model,
           int         index,
           gboolean    has_submenu)
{
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;
  g_autofree char *hidden_when = NULL;
  g_autoptr(GVariant) icon_value = NULL;
  g_autoptr(GVariant) state = NULL;
  const char *icon_name = NULL;
  g_autoptr(GIcon) icon = NULL;
  const char *toggle_type = NULL;
  gboolean enabled = TRUE;
  gboolean visible = TRUE;
  gboolean has_action = FALSE;
  int toggle_state = 0;
  GVariantBuilder props;

  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_ACTION, "s", &action);
  g_menu_model_get_item_attribute (model, index, "hidden-when", "s", &hidden_when);
  item->target = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_TARGET,
                                                        NULL);

  icon_value = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_ICON, NULL);
  if (icon_value != NULL)
    icon = g_icon_deserialize (icon_value);
  if (G_IS_THEMED_ICON (icon))
    icon_name = g_themed_icon_get_names (G_THEMED_ICON (icon))[0];

  if (action != NULL)
    {
      item->action = g_strdup (strip_action_prefix (action));
      has_action = self->actions != NULL &&
                   g_action_group_query_action (self->actions, item->action, &enabled, NULL,
                                                NULL, NULL, &state);
      if (!has_action)
        enabled = FALSE;
      if (g_strcmp0 (hidden_when, "action-missing") == 0 && !has_action)
        visible = FALSE;
      if (g_strcmp0 (hidden_when, "action-disabled") == 0 && !enabled)
        visible = FALSE;
    }
  else if (!has_submenu)
    {
      /* A label without an action is information (a session's state), not a command. */
      enabled = FALSE;
    }

  if (state != NULL)
    {
      if (item->target != NULL &&
          g_variant_is_of_type (state, g_variant_get_type (item->target)))
        {
          toggle_type = "radio";
          toggle_state = g_variant_equal (state, item->target) ? 1 : 0;
        }
      else if (item->target == NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
        {
          toggle_type = "checkmark";
          toggle_state = g_variant_get_boolean (state) ? 1 : 0;
        }
    }

  g_variant_builder_init (&props, G_VARIANT_TYPE_VARDICT);
  if (label != NULL)
    g_variant_builder_add (&props, "{sv}", "label", g_variant_new_string (label));
  if (!enabled)
    g_variant_builder_add (&props, "{sv}", "enabled", g_variant_new_boolean (FALSE));
  if (!visible)
    g_variant_builder_add (&props, "{sv}", "visible", g_variant_new_boolean (FALSE));
  if (icon_name != NULL)
    g_variant_builder_add (&props, "{sv}", "icon-name", g_variant_new_string (icon_name));
  if (toggle_type != NULL)
    {
      g_variant_builder_add (&props, "{sv}", "toggle-type", g_variant_new_string (toggle_type));
      g_variant_builder_add (&props, "{sv}", "toggle-state", g_variant_new_int32 (toggle_state));
    }
  if (has_submenu)
    g_variant_builder_add (&props, "{sv}", "children-display", g_variant_new_string ("submenu"));
  item->props = g_variant_ref_sink (g_variant_builder_end (&props));
}

static void model_items_changed_cb (GhDbusMenu *self,
                                    int         position,
                                    int         removed,
                                    int         added,
                                    GMenuModel *model);

static void
watch_model (GhDbusMenu *self,
             GMenuModel *model)
{
  if (g_ptr_array_find (self->watched, model, NULL))
    return;

  g_ptr_array_add (self->watched, g_object_ref (model));
  g_signal_connect_object (model, "items-changed", G_CALLBACK (model_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
unwatch_models (GhDbusMenu *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

/* Entries of a flattened menu level: items, and NULL where a section starts or ends (where a
 * separator may go). */
static void flatten_model (GhDbusMenu *self,
                           GMenuModel *model,
                           const char *key,
                           GPtrArray  *entries);

static MenuItem *
build_item (GhDbusMenu *self,
            GMenuModel *model,
            int         index,
            const char *key)
{
  g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, index, G_MENU_LINK_SUBMENU);
  MenuItem *item = menu_item_new (lookup_id (self, key));

  fill_item (self, item, model, index, submenu != NULL);
  if (submenu != NULL)
    {
      g_autofree char *sub_key = g_strconcat (key, ">", NULL);
      g_autoptr(GPtrArray) entries = g_ptr_array_new ();
      gboolean pending = FALSE;

      item->children = g_ptr_array_new_with_free_func ((GDestroyNotify) menu_item_free);
      flatten_model (self, submenu, sub_key, entries);

      /* Turn section boundaries into separators: only between two items, never doubled. */
      for (guint i = 0; i < entries->len; i++)
        {
          MenuItem *entry = g_ptr_array_index (entries, i);

          if (entry == NULL)
            {
              pending = item->children->len > 0;
              continue;
            }

          if (pending)
            {
              g_autofree char *sep_key = g_strdup_printf ("%s|sep%d", sub_key, entry->id);
              MenuItem *separator = menu_item_new (lookup_id (self, sep_key));
              GVariantBuilder props;

              g_variant_builder_init (&props, G_VARIANT_TYPE_VARDICT);
              g_variant_builder_add (&props, "{sv}", "type", g_variant_new_string ("separator"));
              separator->props = g_variant_ref_sink (g_variant_builder_end (&props));
              g_hash_table_insert (self->items, GINT_TO_POINTER (separator->id), separator);
              g_ptr_array_add (item->children, separator);
              pending = FALSE;
            }
          g_ptr_array_add (item->children, entry);
        }
    }
  g_hash_table_insert (self->items, GINT_TO_POINTER (item->id), item);
  return item;
}

static void
flatten_model (GhDbusMenu *self,
               GMenuModel *model,
               const char *key,
               GPtrArray  *entries)
{
  int n_items = g_menu_model_get_n_items (model);

  watch_model (self, model);

  for (int i = 0; i < n_items; i++)
    {
      g_autofree char *item_key = g_strdup_printf ("%s/%d", key, i);
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i,
                                                                  G_MENU_LINK_SECTION);

      if (section != NULL)
        {
          g_autofree char *label = NULL;

          g_ptr_array_add (entries, NULL);
          /* A section's label is a heading, as GTK shows it. */
          if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
            {
              g_autofree char *heading_key = g_strconcat (item_key, "#", NULL);
              MenuItem *heading = menu_item_new (lookup_id (self, heading_key));

              heading->props = g_variant_ref_sink (
                g_variant_new_parsed ("{'label': <%s>, 'enabled': <false>}", label));
              g_hash_table_insert (self->items, GINT_TO_POINTER (heading->id), heading);
              g_ptr_array_add (entries, heading);
            }
          flatten_model (self, section, item_key, entries);
          g_ptr_array_add (entries, NULL);
        }
      else
        {
          g_ptr_array_add (entries, build_item (self, model, i, item_key));
        }
    }
}

static MenuItem *
build_tree (GhDbusMenu *self)
{
  g_autoptr(GMenuModel) root_model = NULL;
  g_autoptr(GMenu) wrapper = NULL;
  MenuItem *root;

  unwatch_models (self);
  g_hash_table_remove_all (self->items);

  /* The root is a submenu item whose submenu is the model. */
  wrapper = g_menu_new ();
  g_menu_append_submenu (wrapper, NULL, self->model);
  root = build_item (self, G_MENU_MODEL (wrapper), 0, "");
  g_assert (root->id == 0);
  g_clear_pointer (&root->props, g_variant_unref);
  root->props = g_variant_ref_sink (g_variant_new_parsed ("{'children-display': <'submenu'>}"));
  return root;
}

static gboolean
same_structure (MenuItem *a,
                MenuItem *b)
{
  guint n_a = a->children ? a->children->len : 0;
  guint n_b = b->children ? b->children->len : 0;

  if (a->id != b->id || n_a != n_b || (a->children == NULL) != (b->children == NULL))
    return FALSE;

  for (guint i = 0; i < n_a; i++)
    if (!same_structure (g_ptr_array_index (a->children, i), g_ptr_array_index (b->children, i)))
      return FALSE;
  return TRUE;
}

/* Collects property changes between two trees of the same structure. */
static void
diff_properties (MenuItem        *old_item,
                 MenuItem        *new_item,
                 GVariantBuilder *updated,
                 GVariantBuilder *removed,
                 gboolean        *any)
{
  if (!g_variant_equal (old_item->props, new_item->props))
    {
      GVariantBuilder changed;
      GVariantBuilder gone;
      gboolean has_changed = FALSE, has_gone = FALSE;

      g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_init (&gone, G_VARIANT_TYPE_STRING_ARRAY);
      for (guint i = 0; i < G_N_ELEMENTS (item_property_names); i++)
        {
          const char *name = item_property_names[i];
          g_autoptr(GVariant) before = g_variant_lookup_value (old_item->props, name, NULL);
          g_autoptr(GVariant) after = g_variant_lookup_value (new_item->props, name, NULL);

          if (after != NULL && (before == NULL || !g_variant_equal (before, after)))
            {
              g_variant_builder_add (&changed, "{sv}", name, after);
              has_changed = TRUE;
            }
          else if (after == NULL && before != NULL)
            {
              g_variant_builder_add (&gone, "s", name);
              has_gone = TRUE;
            }
        }
      if (has_changed)
        g_variant_builder_add (updated, "(i@a{sv})", new_item->id,
                               g_variant_builder_end (&changed));
      else
        g_variant_builder_clear (&changed);
      if (has_gone)
        g_variant_builder_add (removed, "(i@as)", new_item->id, g_variant_builder_end (&gone));
      else
        g_variant_builder_clear (&gone);
      *any = TRUE;
    }

  for (guint i = 0; new_item->children != NULL && i < new_item->children->len; i++)
    diff_properties (g_ptr_array_index (old_item->children, i),
                     g_ptr_array_index (new_item->children, i), updated, removed, any);
}

static void
emit_menu_signal (GhDbusMenu *self,
                  const char *name,
                  GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) owned = g_variant_ref_sink (parameters);

  if (self->object_id == 0)
    return;

  if (!g_dbus_connection_emit_signal (self->connection, NULL, self->object_path, MENU_INTERFACE,
                                      name, owned, &error))
    g_debug ("Could not emit %s: %s", name, error->message);
}

static void
rebuild (GhDbusMenu *self)
{
  g_autoptr(MenuItem) old_root = g_steal_pointer (&self->root);
  gboolean layout_dirty = self->layout_dirty;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  self->layout_dirty = FALSE;
  self->root = build_tree (self);

  if (layout_dirty || old_root == NULL || !same_structure (old_root, self->root))
    {
      self->revision++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
      emit_menu_signal (self, "LayoutUpdated", g_variant_new ("(ui)", self->revision, 0));
    }
  else
    {
      GVariantBuilder updated, removed;
      gboolean any = FALSE;

      g_variant_builder_init (&updated, G_VARIANT_TYPE ("a(ia{sv})"));
      g_variant_builder_init (&removed, G_VARIANT_TYPE ("a(ias)"));
      diff_properties (old_root, self->root, &updated, &removed, &any);
      if (any)
        emit_menu_signal (self, "ItemsPropertiesUpdated",
                          g_variant_new ("(a(ia{sv})a(ias))", &updated, &removed));
      else
        {
          g_variant_builder_clear (&updated);
          g_variant_builder_clear (&removed);
        }
    }
}

/* Makes sure callers see the current model, even before the coalescing idle ran. */
static void
flush (GhDbusMenu *self)
{
  if (self->rebuild_source != 0)
    rebuild (self);
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  GhDbusMenu *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (GhDbusMenu *self,
               gboolean    layout)
{
  if (layout)
    self->layout_dirty = TRUE;
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add (rebuild_idle_cb, self);
}

static void
model_items_changed_cb (GhDbusMenu *self,
                        int         position,
                        int         removed,
                        int         added,
                        GMenuModel *model)
{
  g_assert (GH_IS_DBUS_MENU (self));

  queue_rebuild (self, TRUE);
}

static void
action_changed_cb (GhDbusMenu *self)
{
  g_assert (GH_IS_DBUS_MENU (self));

  queue_rebuild (self, FALSE);
}

static GVariant *
filter_properties (MenuItem           *item,
                   const char * const *names)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (names == NULL || names[0] == NULL)
    return item->props;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, item->props);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (g_strv_contains (names, key))
        g_variant_builder_add (&builder, "{sv}", key, value);
      g_variant_unref (value);
    }
  return g_variant_builder_end (&builder);
}

static GVariant *
layout_variant (MenuItem           *item,
                int                 depth,
                const char * const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  if (depth != 0 && item->children != NULL)
    for (guint i = 0; i < item->children->len; i++)
      g_variant_builder_add (&children, "v",
                             layout_variant (g_ptr_array_index (item->children, i),
                                             depth < 0 ? -1 : depth - 1, names));

  return g_variant_new ("(i@a{sv}av)", item->id, filter_properties (item, names), &children);
}

static MenuItem *
lookup_item (GhDbusMenu *self,
             int         id)
{
  return g_hash_table_lookup (self->items, GINT_TO_POINTER (id));
}

static void
return_unknown_id (GDBusMethodInvocation *invocation,
                   int                    id)
{
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "No menu item with id %d", id);
}

/* Returns FALSE for an unknown id. The action runs after the caller replied. */
static gboolean
handle_event (GhDbusMenu *self,
              int         id,
              const char *event_id,
              GPtrArray  *to_activate)
{
  MenuItem *item = lookup_item (self, id);

  if (item == NULL)
    return FALSE;

  if (g_str_equal (event_id, "clicked") && item->action != NULL && self->actions != NULL &&
      g_action_group_get_action_enabled (self->actions, item->action))
    g_ptr_array_add (to_activate, item);
  return TRUE;
}

typedef struct
{
  char     *action;
  GVariant *target;
} Activation;

static void
activation_clear (Activation *activation)
{
  g_clear_pointer (&activation->action, g_free);
  g_clear_pointer (&activation->target, g_variant_unref);
}

static void
activate_items (GhDbusMenu *self,
                GPtrArray  *to_activate)
{
  g_autoptr(GArray) pending = g_array_sized_new (FALSE, TRUE, sizeof (Activation),
                                                 to_activate->len);

  g_array_set_clear_func (pending, (GDestroyNotify) activation_clear);

  /* An activation may change the menu (and so the tree): copy what we need first. */
  for (guint i = 0; i < to_activate->len; i++)
    {
      MenuItem *item = g_ptr_array_index (to_activate, i);
      Activation activation = {
        g_strdup (item->action), item->target ? g_variant_ref (item->target) : NULL
      };

      g_array_append_val (pending, activation);
    }

  for (guint i = 0; i < pending->len; i++)
    {
      Activation *activation = &g_array_index (pending, Activation, i);

      g_debug ("Activating %s", activation->action);
      g_action_group_activate_action (self->actions, activation->action, activation->target);
    }
}

/* Methods: each answers the invocation; the menu tree is current (flushed) when they run. */

static void
get_layout (GhDbusMenu            *self,
            GVariant              *parameters,
            GDBusMethodInvocation *invocation)
{
  g_autofree const char **names = NULL;
  MenuItem *item;
  int parent, depth;

  g_variant_get (parameters, "(ii^a&s)", &parent, &depth, &names);
  if ((item = lookup_item (self, parent)) == NULL)
    {
      return_unknown_id (invocation, parent);
      return;
    }

  g_dbus_method_invocation_return_value (
    invocation, g_variant_new ("(u@(ia{sv}av))", self->revision,
                               layout_variant (item, depth, names)));
}

static void
add_item_properties (GVariantBuilder    *builder,
                     MenuItem           *item,
                     const char * const *names)
{
  g_variant_builder_add (builder, "(i@a{sv})", item->id, filter_properties (item, names));
}

static void
get_group_properties (GhDbusMenu            *self,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) ids = NULL;
  g_autofree const char **names = NULL;
  GVariantBuilder builder;

  g_variant_get (parameters, "(@ai^a&s)", &ids, &names);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ia{sv})"));
  if (g_variant_n_children (ids) == 0)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->items);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        add_item_properties (&builder, value, names);
    }
  else
    {
      gsize n_ids;
      const gint32 *id_array = g_variant_get_fixed_array (ids, &n_ids, sizeof (gint32));

      /* Unknown ids are left out, as libdbusmenu does. */
      for (gsize i = 0; i < n_ids; i++)
        {
          MenuItem *item = lookup_item (self, id_array[i]);

          if (item != NULL)
            add_item_properties (&builder, item, names);
        }
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &builder));
}

/* Omitted properties have their default value. */
static GVariant *
item_property (MenuItem   *item,
               const char *name)
{
  GVariant *value = g_variant_lookup_value (item->props, name, NULL);

  if (value != NULL)
    return value;
  if (g_str_equal (name, "type"))
    return g_variant_ref_sink (g_variant_new_string ("standard"));
  if (g_str_equal (name, "enabled") || g_str_equal (name, "visible"))
    return g_variant_ref_sink (g_variant_new_boolean (TRUE));
  return NULL;
}

static void
get_property (GhDbusMenu            *self,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) value = NULL;
  const char *name;
  MenuItem *item;
  int id;

  g_variant_get (parameters, "(i&s)", &id, &name);
  if ((item = lookup_item (self, id)) == NULL)
    {
      return_unknown_id (invocation, id);
      return;
    }

  if ((value = item_property (item, name)) == NULL)
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                           "Menu item %d has no property “%s”", id, name);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
}

static void
event (GhDbusMenu            *self,
       GVariant              *parameters,
       GDBusMethodInvocation *invocation)
{
  g_autoptr(GPtrArray) to_activate = g_ptr_array_new ();
  const char *event_id;
  int id;

  g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
  if (!handle_event (self, id, event_id, to_activate))
    {
      return_unknown_id (invocation, id);
      return;
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
  activate_items (self, to_activate);
}

static void
event_group (GhDbusMenu            *self,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation)
{
  g_autoptr(GPtrArray) to_activate = g_ptr_array_new ();
  g_autoptr(GVariantIter) events = NULL;
  GVariantBuilder errors;
  const char *event_id;
  int id;

  g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
  g_variant_get (parameters, "(a(isvu))", &events);
  while (g_variant_iter_loop (events, "(i&svu)", &id, &event_id, NULL, NULL))
    if (!handle_event (self, id, event_id, to_activate))
      g_variant_builder_add (&errors, "i", id);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
  activate_items (self, to_activate);
}

static void
about_to_show (GhDbusMenu            *self,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation)
{
  int id;

  g_variant_get (parameters, "(i)", &id);
  if (lookup_item (self, id) == NULL)
    {
      return_unknown_id (invocation, id);
      return;
    }

  /* The layout is always current: LayoutUpdated went out with every change. */
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
}

static void
about_to_show_group (GhDbusMenu            *self,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariantIter) ids = NULL;
  GVariantBuilder errors;
  int id;

  g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
  g_variant_get (parameters, "(ai)", &ids);
  while (g_variant_iter_next (ids, "i", &id))
    if (lookup_item (self, id) == NULL)
      g_variant_builder_add (&errors, "i", id);

  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(@aiai)",
                                                        g_variant_new_array (G_VARIANT_TYPE_INT32,
                                                                             NULL, 0),
                                                        &errors));
}

typedef void (*MethodHandler) (GhDbusMenu            *self,
                               GVariant              *parameters,
                               GDBusMethodInvocation *invocation);

static const struct
{
  const char    *name;
  MethodHandler  handler;
} menu_methods[] = {
  { "GetLayout", get_layout },
  { "GetGroupProperties", get_group_properties },
  { "GetProperty", get_property },
  { "Event", event },
  { "EventGroup", event_group },
  { "AboutToShow", about_to_show },
  { "AboutToShowGroup", about_to_show_group },
};

static void
menu_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr(GhDbusMenu) self = g_object_ref (user_data);

  g_assert (GH_IS_DBUS_MENU (self));

  flush (self);
  for (guint i = 0; i < G_N_ELEMENTS (menu_methods); i++)
    if (g_str_equal (method_name, menu_methods[i].name))
      {
        menu_methods[i].handler (self, parameters, invocation);
        return;
      }

  /* GDBus checks calls against the interface: only a method added there without a handler
   * here ends up in this place. */
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                         "Unknown method %s", method_name);
}

static GVariant *
menu_get_property (GDBusConnection  *connection,
                   const char       *sender,
                   const char       *object_path,
                   const char       *interface_name,
                   const char       *property_name,
                   GError          **error,
                   gpointer          user_data)
{
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "TextDirection"))
    return g_variant_new_string ("ltr");
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "No such property “%s”", property_name);
  return NULL;
}

static const GDBusInterfaceVTable menu_vtable = {
  .method_call = menu_method_call,
  .get_property = menu_get_property,
};

static void
gh_dbus_menu_dispose (GObject *object)
{
  GhDbusMenu *self = GH_DBUS_MENU (object);

  gh_dbus_menu_unexport (self);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  if (self->watched != NULL)
    unwatch_models (self);
  if (self->actions != NULL)
    g_signal_handlers_disconnect_by_data (self->actions, self);
  g_clear_object (&self->actions);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (gh_dbus_menu_parent_class)->dispose (object);
}

static void
gh_dbus_menu_finalize (GObject *object)
{
  GhDbusMenu *self = GH_DBUS_MENU (object);

  g_clear_pointer (&self->root, menu_item_free);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (gh_dbus_menu_parent_class)->finalize (object);
}

static void
gh_dbus_menu_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GhDbusMenu *self = GH_DBUS_MENU (object);

  switch (prop_id)
    {
    case PROP_REVISION:
      g_value_set_uint (value, self->revision);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_dbus_menu_class_init (GhDbusMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_dbus_menu_dispose;
  object_class->finalize = gh_dbus_menu_finalize;
  object_class->get_property = gh_dbus_menu_get_property;

  properties[PROP_REVISION] =
    g_param_spec_uint ("revision", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  menu_interface = gh_dbus_interface_lookup (MENU_INTERFACE);
}

static void
gh_dbus_menu_init (GhDbusMenu *self)
{
  self->items = g_hash_table_new (NULL, NULL);
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
}

GhDbusMenu *
gh_dbus_menu_new (GMenuModel   *model,
                  GActionGroup *actions)
{
  GhDbusMenu *self;

  g_return_val_if_fail (G_IS_MENU_MODEL (model), NULL);
  g_return_val_if_fail (actions == NULL || G_IS_ACTION_GROUP (actions), NULL);

  self = g_object_new (GH_TYPE_DBUS_MENU, NULL);
  self->model = g_object_ref (model);
  if (actions != NULL)
    {
      self->actions = g_object_ref (actions);
      g_signal_connect_object (actions, "action-added", G_CALLBACK (action_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (actions, "action-removed", G_CALLBACK (action_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (actions, "action-enabled-changed", G_CALLBACK (action_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (actions, "action-state-changed", G_CALLBACK (action_changed_cb),
                               self, G_CONNECT_SWAPPED);
    }

  self->revision = 0;
  rebuild (self);
  return self;
}

gboolean
gh_dbus_menu_export (GhDbusMenu       *self,
                     GDBusConnection  *connection,
                     const char       *object_path,
                     GError          **error)
{
  g_return_val_if_fail (GH_IS_DBUS_MENU (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (g_variant_is_object_path (object_path), FALSE);
  g_return_val_if_fail (self->object_id == 0, FALSE);

  self->object_id = g_dbus_connection_register_object (connection, object_path,
                                                       menu_interface, &menu_vtable,
                                                       self, NULL, error);
  if (self->object_id == 0)
    return FALSE;

  self->connection = g_object_ref (connection);
  self->object_path = g_strdup (object_path);
  return TRUE;
}

void
gh_dbus_menu_unexport (GhDbusMenu *self)
{
  g_return_if_fail (GH_IS_DBUS_MENU (self));

  if (self->object_id != 0)
    {
      g_dbus_connection_unregister_object (self->connection, self->object_id);
      self->object_id = 0;
    }
  g_clear_object (&self->connection);
  g_clear_pointer (&self->object_path, g_free);
}

guint
gh_dbus_menu_get_revision (GhDbusMenu *self)
{
  g_return_val_if_fail (GH_IS_DBUS_MENU (self), 0);

  flush (self);
  return self->revision;
}
