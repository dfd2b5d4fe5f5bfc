/* gh-role-results.c — the roles of a source model that pass a filter, as stable row slots
 *
 * A list view makes a row for each new item near what it shows (GTK 4.8: about two hundred,
 * a millisecond or so each), all in the items-changed that brings them. So when the results
 * grow by many (the first listing, a cleared search) the first GROW_BATCH slots come at once
 * and the next ones a batch per idle, until the list view has its rows; the rest then come at
 * once, as they make no rows. No frame waits for two hundred rows. */
#include "config.h"

#include "gh-role-results.h"

struct _GhRoleResults
{
  GObject           parent_instance;

  GListModel       *source;
  GhRoleFilterFunc  func;
  gpointer          user_data;
  GPtrArray        *slots;      /* GhRoleSlot, one per match */
  GPtrArray        *matches;    /* GhRole that pass, in order; the slots show the first ones */
  guint             grow_id;    /* adds the next batch of slots */
};

/* Slots added per main-loop turn while the list view makes rows for them, and how many slots
 * cover the rows it makes. */
#define GROW_BATCH 40
#define GROW_ROWS 240

static void gh_role_results_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GhRoleResults, gh_role_results, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      gh_role_results_list_model_init))

static GType
gh_role_results_get_item_type (GListModel *model)
{
  return GH_TYPE_ROLE_SLOT;
}

static guint
gh_role_results_get_n_items (GListModel *model)
{
  return GH_ROLE_RESULTS (model)->slots->len;
}

static gpointer
gh_role_results_get_item (GListModel *model,
                          guint       position)
{
  GhRoleResults *self = GH_ROLE_RESULTS (model);

  if (position >= self->slots->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->slots, position));
}

static void
gh_role_results_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = gh_role_results_get_item_type;
  iface->get_n_items = gh_role_results_get_n_items;
  iface->get_item = gh_role_results_get_item;
}

static void
gh_role_results_dispose (GObject *object)
{
  GhRoleResults *self = GH_ROLE_RESULTS (object);

  g_clear_handle_id (&self->grow_id, g_source_remove);
  g_clear_object (&self->source);
  g_ptr_array_set_size (self->slots, 0);
  g_ptr_array_set_size (self->matches, 0);
  G_OBJECT_CLASS (gh_role_results_parent_class)->dispose (object);
}

static void
gh_role_results_finalize (GObject *object)
{
  GhRoleResults *self = GH_ROLE_RESULTS (object);

  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  G_OBJECT_CLASS (gh_role_results_parent_class)->finalize (object);
}

static void
gh_role_results_class_init (GhRoleResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_role_results_dispose;
  object_class->finalize = gh_role_results_finalize;
}

static void
gh_role_results_init (GhRoleResults *self)
{
  self->slots = g_ptr_array_new_with_free_func (g_object_unref);
  self->matches = g_ptr_array_new_with_free_func (g_object_unref);
}

GhRoleResults *
gh_role_results_new (GListModel       *source,
                     GhRoleFilterFunc  func,
                     gpointer          user_data)
{
  GhRoleResults *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (GH_TYPE_ROLE_RESULTS, NULL);
  self->source = g_object_ref (source);
  self->func = func;
  self->user_data = user_data;
  return self;
}

static GPtrArray *
match_source (GhRoleResults *self)
{
  GPtrArray *matches = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (self->source);

  for (guint i = 0; i < n; i++)
    {
      GhRole *role = g_list_model_get_item (self->source, i);

      if (self->func (role, self->user_data))
        g_ptr_array_add (matches, role);
      else
        g_object_unref (role);
    }
  return matches;
}

/* Narrowing: only the roles shown can still match. */
static GPtrArray *
match_shown (GhRoleResults *self)
{
  GPtrArray *matches = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->matches->len; i++)
    {
      GhRole *role = g_ptr_array_index (self->matches, i);

      if (self->func (role, self->user_data))
        g_ptr_array_add (matches, g_object_ref (role));
    }
  return matches;
}

/* Adds slots for the matches not shown yet: a batch while the list view makes rows for
 * them, then all the rest. */
static void
grow (GhRoleResults *self)
{
  guint before = self->slots->len;
  guint after = self->matches->len;

  if (before < GROW_ROWS && after - before > GROW_BATCH)
    after = before + GROW_BATCH;
  for (guint i = before; i < after; i++)
    g_ptr_array_add (self->slots, gh_role_slot_new (g_ptr_array_index (self->matches, i)));
  if (after > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, after - before);
}

static gboolean
grow_cb (gpointer user_data)
{
  GhRoleResults *self = user_data;

  grow (self);
  if (self->slots->len < self->matches->len)
    return G_SOURCE_CONTINUE;
  self->grow_id = 0;
  return G_SOURCE_REMOVE;
}

void
gh_role_results_refilter (GhRoleResults   *self,
                          GtkFilterChange  change)
{
  g_autoptr(GPtrArray) matches = NULL;
  guint before, kept;

  g_return_if_fail (GH_IS_ROLE_RESULTS (self));

  matches = change == GTK_FILTER_CHANGE_MORE_STRICT ? match_shown (self) : match_source (self);
  g_ptr_array_unref (self->matches);
  self->matches = g_steal_pointer (&matches);

  before = self->slots->len;
  kept = MIN (before, self->matches->len);
  for (guint i = 0; i < kept; i++)
    gh_role_slot_set_role (g_ptr_array_index (self->slots, i),
                           g_ptr_array_index (self->matches, i));
  if (kept < before)
    {
      g_ptr_array_remove_range (self->slots, kept, before - kept);
      g_list_model_items_changed (G_LIST_MODEL (self), kept, before - kept, 0);
    }

  grow (self);
  if (self->slots->len < self->matches->len && self->grow_id == 0)
    self->grow_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, grow_cb, self, NULL);
  else if (self->slots->len == self->matches->len)
    g_clear_handle_id (&self->grow_id, g_source_remove);
}
