/* gh-role-list.c — the roles of one sign-in, as a compact GListModel of GhRole
 *
 * The rows live in a Table: every string once in one block (account ids, names, e-mails and
 * role names, which repeat across thousands of accounts), one Account record per account and
 * one 8-byte Row per role. A GhRole costs some 300 bytes with its strings, its GObject and its
 * collation keys; a row costs 8, plus its share of its account (a few dozen bytes, three roles
 * to an account in a typical organisation). Tables are built in a worker thread and never
 * change once built; the main thread swaps them in.
 */
#define G_LOG_DOMAIN "gh-role-list"

#include "config.h"

#include <string.h>

#include "gh-error.h"
#include "gh-role-cache.h"
#include "gh-role-list.h"

typedef struct
{
  guint32 id;          /* offsets into Table.strings; 0 is "" (none) */
  guint32 name;
  guint32 email;
} Account;

typedef struct
{
  guint32 account;     /* index into Table.accounts */
  guint32 role_name;   /* offset into Table.strings */
} Row;

typedef struct
{
  char    *strings;
  Account *accounts;
  Row     *rows;
  guint32 *by_id;      /* account indices in the order of their ids, for lookups */
  guint    n_accounts;
  guint    n_rows;
  gint64   fetched_at;
} Table;

struct _GhRoleList
{
  GObject     parent_instance;

  char       *session_name;
  Table      *table;
  GHashTable *items;          /* position → GhRole handed out and still alive (weak) */
  GHashTable *positions;      /* the same the other way round, for forgetting one at once */
  guint       started;        /* serial of the last operation started */
  guint       applied;        /* serial of the operation whose table is shown */
};

static void gh_role_list_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GhRoleList, gh_role_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      gh_role_list_list_model_init))

enum { PROP_0, PROP_SESSION_NAME, PROP_FETCHED_AT, PROP_N_ITEMS, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------------ */
/* Tables */

static void
table_free (Table *table)
{
  g_free (table->strings);
  g_free (table->accounts);
  g_free (table->rows);
  g_free (table->by_id);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static const char *
table_string (const Table *table,
              guint32      offset)
{
  return table->strings + offset;
}

/* NULL for the empty string: what GhRole and its callers use for "none". */
static const char *
table_optional_string (const Table *table,
                       guint32      offset)
{
  return offset == 0 ? NULL : table_string (table, offset);
}

/* What is needed while a table is built from roles, and dropped after. The hash tables'
 * keys are the roles' own strings: the roles outlive the builder. */
typedef struct
{
  GByteArray *strings;
  GHashTable *offsets;        /* string → offset + 1 */
  GArray     *accounts;       /* Account */
  GArray     *rows;           /* Row */
  GHashTable *account_ids;    /* account id → index + 1 */
} Builder;

static void
builder_init (Builder *builder)
{
  builder->strings = g_byte_array_new ();
  g_byte_array_append (builder->strings, (const guint8 *) "", 1);
  builder->offsets = g_hash_table_new (g_str_hash, g_str_equal);
  builder->accounts = g_array_new (FALSE, FALSE, sizeof (Account));
  builder->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  builder->account_ids = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
builder_clear (Builder *builder)
{
  g_byte_array_unref (builder->strings);
  g_hash_table_unref (builder->offsets);
  g_array_unref (builder->accounts);
  g_array_unref (builder->rows);
  g_hash_table_unref (builder->account_ids);
}

/* Every distinct string once. */
static guint32
builder_intern (Builder    *builder,
                const char *text)
{
  gpointer found;
  guint32 offset;

  if (text == NULL || *text == '\0')
    return 0;
  if ((found = g_hash_table_lookup (builder->offsets, text)) != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  offset = builder->strings->len;
  g_byte_array_append (builder->strings, (const guint8 *) text, strlen (text) + 1);
  g_hash_table_insert (builder->offsets, (gpointer) text, GUINT_TO_POINTER (offset + 1));
  return offset;
}

/* The account a role belongs to; the first role of an account names it. */
static guint32
builder_account (Builder *builder,
                 GhRole  *role)
{
  const char *id = gh_role_get_account_id (role);
  gpointer found = g_hash_table_lookup (builder->account_ids, id);
  Account account;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  account.id = builder_intern (builder, id);
  account.name = builder_intern (builder, gh_role_get_account_name (role));
  account.email = builder_intern (builder, gh_role_get_account_email (role));
  g_array_append_val (builder->accounts, account);
  g_hash_table_insert (builder->account_ids, (gpointer) id,
                       GUINT_TO_POINTER (builder->accounts->len));
  return builder->accounts->len - 1;
}

static int
compare_account_ids (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const Table *table = user_data;
  const Account *x = &table->accounts[*(const guint32 *) a];
  const Account *y = &table->accounts[*(const guint32 *) b];

  return strcmp (table_string (table, x->id), table_string (table, y->id));
}

/* Exactly as much memory as the rows take: the builder's arrays grow by doubling. */
static Table *
builder_end (Builder *builder,
             gint64   fetched_at)
{
  Table *table = g_new0 (Table, 1);

  table->strings = g_memdup2 (builder->strings->data, builder->strings->len);
  table->n_accounts = builder->accounts->len;
  table->accounts = g_memdup2 (builder->accounts->data, table->n_accounts * sizeof (Account));
  table->n_rows = builder->rows->len;
  table->rows = g_memdup2 (builder->rows->data, table->n_rows * sizeof (Row));
  table->fetched_at = fetched_at;

  table->by_id = g_new (guint32, MAX (table->n_accounts, 1));
  for (guint i = 0; i < table->n_accounts; i++)
    table->by_id[i] = i;
  g_qsort_with_data (table->by_id, table->n_accounts, sizeof (guint32), compare_account_ids,
                     table);
  return table;
}

static Table *
table_new (GPtrArray *roles,
           gint64     fetched_at)
{
  Builder builder;
  Table *table;

  builder_init (&builder);
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);
      Row row;

      row.account = builder_account (&builder, role);
      row.role_name = builder_intern (&builder, gh_role_get_role_name (role));
      g_array_append_val (builder.rows, row);
    }
  table = builder_end (&builder, fetched_at);
  builder_clear (&builder);
  return table;
}

static const Account *
table_lookup_account (const Table *table,
                      const char  *account_id)
{
  guint low = 0;
  guint high = table->n_accounts;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      const Account *account = &table->accounts[table->by_id[middle]];
      int cmp = strcmp (account_id, table_string (table, account->id));

      if (cmp == 0)
        return account;
      if (cmp < 0)
        high = middle;
      else
        low = middle + 1;
    }
  return NULL;
}

static GhRole *
table_make_role (const Table *table,
                 const char  *session_name,
                 guint        position)
{
  const Row *row = &table->rows[position];
  const Account *account = &table->accounts[row->account];

  return gh_role_new (session_name, table_string (table, account->id),
                      table_optional_string (table, account->name),
                      table_optional_string (table, account->email),
                      table_string (table, row->role_name));
}

/* ------------------------------------------------------------------------------------------ */
/* GListModel */

static GType
gh_role_list_get_item_type (GListModel *model)
{
  return GH_TYPE_ROLE;
}

static guint
gh_role_list_get_n_items (GListModel *model)
{
  GhRoleList *self = GH_ROLE_LIST (model);

  return self->table != NULL ? self->table->n_rows : 0;
}

/* A view holding thousands of items drops them all at once (a new listing, a closed window):
 * each is forgotten in constant time. */
static void
item_finalized_cb (gpointer  user_data,
                   GObject  *where_the_object_was)
{
  GhRoleList *self = user_data;
  gpointer position;

  if (g_hash_table_steal_extended (self->positions, where_the_object_was, NULL, &position))
    g_hash_table_remove (self->items, position);
}

/* Items are made on demand; one already handed out and still alive is handed out again, so a
 * view sees the same object for the same row. */
static gpointer
gh_role_list_get_item (GListModel *model,
                       guint       position)
{
  GhRoleList *self = GH_ROLE_LIST (model);
  GhRole *role;

  if (position >= gh_role_list_get_n_items (model))
    return NULL;
  if ((role = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position))) != NULL)
    return g_object_ref (role);

  role = table_make_role (self->table, self->session_name, position);
  g_object_weak_ref (G_OBJECT (role), item_finalized_cb, self);
  g_hash_table_insert (self->items, GUINT_TO_POINTER (position), role);
  g_hash_table_insert (self->positions, role, GUINT_TO_POINTER (position));
  return role;
}

static void
gh_role_list_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = gh_role_list_get_item_type;
  iface->get_n_items = gh_role_list_get_n_items;
  iface->get_item = gh_role_list_get_item;
}

static void
forget_items (GhRoleList *self)
{
  GHashTableIter iter;
  gpointer role;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &role))
    g_object_weak_unref (role, item_finalized_cb, self);
  g_hash_table_remove_all (self->items);
  g_hash_table_remove_all (self->positions);
}

/* Shows `table` (taking it) unless a later operation's table is shown already. */
static void
apply_table (GhRoleList *self,
             guint       serial,
             Table      *table)
{
  guint removed = gh_role_list_get_n_items (G_LIST_MODEL (self));
  gint64 fetched_at = self->table != NULL ? self->table->fetched_at : 0;

  if (serial < self->applied)
    {
      table_free (table);
      return;
    }
  self->applied = serial;
  forget_items (self);
  g_clear_pointer (&self->table, table_free);
  self->table = table;

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, table->n_rows);
  if (removed != table->n_rows)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (fetched_at != table->fetched_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHED_AT]);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading and replacing, in a worker thread */

typedef struct
{
  char      *session_name;
  guint      serial;
  GPtrArray *roles;        /* compare, replace: the new listing */
  gint64     fetched_at;   /* replace */
  Table     *table;        /* what to show, or NULL */
  GPtrArray *added;
  GPtrArray *removed;
  GError    *error;        /* load: why nothing was read; replace: why nothing was written */
} Work;

static void
work_free (Work *work)
{
  g_free (work->session_name);
  g_clear_pointer (&work->roles, g_ptr_array_unref);
  g_clear_pointer (&work->table, table_free);
  g_clear_pointer (&work->added, g_ptr_array_unref);
  g_clear_pointer (&work->removed, g_ptr_array_unref);
  g_clear_error (&work->error);
  g_free (work);
}

static void
load_thread (GTask        *worker,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Work *work = task_data;
  g_autoptr(GPtrArray) roles = NULL;
  gint64 fetched_at = 0;

  roles = gh_role_cache_load (work->session_name, &fetched_at, &work->error);
  if (roles != NULL)
    work->table = table_new (roles, fetched_at);
  g_task_return_boolean (worker, TRUE);
}

static void
compare_thread (GTask        *worker,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Work *work = task_data;
  g_autoptr(GPtrArray) before = gh_role_cache_load (work->session_name, NULL, NULL);

  if (before != NULL)
    gh_role_diff (before, work->roles, &work->added, &work->removed);
  g_task_return_boolean (worker, TRUE);
}

static void
replace_thread (GTask        *worker,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Work *work = task_data;

  /* The table, which stays, before the JSON of the cache, which goes: the heap can shrink. */
  work->table = table_new (work->roles, work->fetched_at);
  gh_role_cache_save (work->session_name, work->roles, work->fetched_at, &work->error);
  g_task_return_boolean (worker, TRUE);
}

/* Back on the main context: show the table, then tell the caller. */
static void
worker_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GhRoleList *self = g_task_get_source_object (task);
  Work *work = g_task_get_task_data (task);

  if (work->table != NULL)
    apply_table (self, work->serial, g_steal_pointer (&work->table));
  if (work->error != NULL)
    g_task_return_error (task, g_steal_pointer (&work->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_work (GhRoleList          *self,
          GTask               *task,
          Work                *work,
          GTaskThreadFunc      thread_func)
{
  g_autoptr(GTask) worker = NULL;

  work->session_name = g_strdup (self->session_name);
  work->serial = ++self->started;
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);

  /* The worker has no cancellable: what it read or wrote is shown all the same. */
  worker = g_task_new (self, NULL, worker_done_cb, g_object_ref (task));
  g_task_set_task_data (worker, work, NULL);
  g_task_run_in_thread (worker, thread_func);
}

void
gh_role_list_load_async (GhRoleList          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GH_IS_ROLE_LIST (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_role_list_load_async);
  run_work (self, task, g_new0 (Work, 1), load_thread);
}

gboolean
gh_role_list_load_finish (GhRoleList    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (GH_IS_ROLE_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_list_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
run_with_roles (GhRoleList          *self,
                GPtrArray           *roles,
                gint64               fetched_at,
                gpointer             source_tag,
                GTaskThreadFunc      thread_func,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Work *work = g_new0 (Work, 1);

  g_task_set_source_tag (task, source_tag);
  work->roles = g_ptr_array_ref (roles);
  work->fetched_at = fetched_at;
  run_work (self, task, work, thread_func);
}

void
gh_role_list_compare_async (GhRoleList          *self,
                            GPtrArray           *roles,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (GH_IS_ROLE_LIST (self));
  g_return_if_fail (roles != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run_with_roles (self, roles, 0, gh_role_list_compare_async, compare_thread, cancellable,
                  callback, user_data);
}

gboolean
gh_role_list_compare_finish (GhRoleList    *self,
                             GAsyncResult  *result,
                             GPtrArray    **added,
                             GPtrArray    **removed,
                             GError       **error)
{
  Work *work;

  g_return_val_if_fail (GH_IS_ROLE_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_list_compare_async,
                        FALSE);

  work = g_task_get_task_data (G_TASK (result));
  if (added != NULL)
    *added = g_steal_pointer (&work->added);
  if (removed != NULL)
    *removed = g_steal_pointer (&work->removed);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
gh_role_list_replace_async (GhRoleList          *self,
                            GPtrArray           *roles,
                            gint64               fetched_at,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (GH_IS_ROLE_LIST (self));
  g_return_if_fail (roles != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run_with_roles (self, roles, fetched_at, gh_role_list_replace_async, replace_thread,
                  cancellable, callback, user_data);
}

gboolean
gh_role_list_replace_finish (GhRoleList    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (GH_IS_ROLE_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_list_replace_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading */

const char *
gh_role_list_get_session_name (GhRoleList *self)
{
  g_return_val_if_fail (GH_IS_ROLE_LIST (self), NULL);

  return self->session_name;
}

gint64
gh_role_list_get_fetched_at (GhRoleList *self)
{
  g_return_val_if_fail (GH_IS_ROLE_LIST (self), 0);

  return self->table != NULL ? self->table->fetched_at : 0;
}

const char *
gh_role_list_lookup_account_name (GhRoleList *self,
                                  const char *account_id)
{
  const Account *account;

  g_return_val_if_fail (GH_IS_ROLE_LIST (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  if (self->table == NULL || (account = table_lookup_account (self->table, account_id)) == NULL)
    return NULL;
  return table_optional_string (self->table, account->name);
}

gboolean
gh_role_list_peek (GhRoleList  *self,
                   guint        position,
                   const char **account_id,
                   const char **account_name,
                   const char **account_email,
                   const char **role_name)
{
  const Row *row;
  const Account *account;

  g_return_val_if_fail (GH_IS_ROLE_LIST (self), FALSE);

  if (self->table == NULL || position >= self->table->n_rows)
    return FALSE;

  row = &self->table->rows[position];
  account = &self->table->accounts[row->account];
  if (account_id != NULL)
    *account_id = table_string (self->table, account->id);
  if (account_name != NULL)
    *account_name = table_optional_string (self->table, account->name);
  if (account_email != NULL)
    *account_email = table_optional_string (self->table, account->email);
  if (role_name != NULL)
    *role_name = table_string (self->table, row->role_name);
  return TRUE;
}

GPtrArray *
gh_role_list_dup_roles (GhRoleList *self)
{
  guint n;
  GPtrArray *roles;

  g_return_val_if_fail (GH_IS_ROLE_LIST (self), NULL);

  n = gh_role_list_get_n_items (G_LIST_MODEL (self));
  roles = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (roles, table_make_role (self->table, self->session_name, i));
  return roles;
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
gh_role_list_dispose (GObject *object)
{
  GhRoleList *self = GH_ROLE_LIST (object);

  forget_items (self);

  G_OBJECT_CLASS (gh_role_list_parent_class)->dispose (object);
}

static void
gh_role_list_finalize (GObject *object)
{
  GhRoleList *self = GH_ROLE_LIST (object);

  g_clear_pointer (&self->session_name, g_free);
  g_clear_pointer (&self->table, table_free);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->positions, g_hash_table_unref);

  G_OBJECT_CLASS (gh_role_list_parent_class)->finalize (object);
}

static void
gh_role_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  GhRoleList *self = GH_ROLE_LIST (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      g_value_set_string (value, self->session_name);
      break;
    case PROP_FETCHED_AT:
      g_value_set_int64 (value, gh_role_list_get_fetched_at (self));
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, gh_role_list_get_n_items (G_LIST_MODEL (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_role_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  GhRoleList *self = GH_ROLE_LIST (object);

  switch (prop_id)
    {
    case PROP_SESSION_NAME:
      self->session_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_role_list_class_init (GhRoleListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_role_list_dispose;
  object_class->finalize = gh_role_list_finalize;
  object_class->get_property = gh_role_list_get_property;
  object_class->set_property = gh_role_list_set_property;

  properties[PROP_SESSION_NAME] =
    g_param_spec_string ("session-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FETCHED_AT] =
    g_param_spec_int64 ("fetched-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_role_list_init (GhRoleList *self)
{
  self->items = g_hash_table_new (NULL, NULL);
  self->positions = g_hash_table_new (NULL, NULL);
}

GhRoleList *
gh_role_list_new (const char *session_name)
{
  g_return_val_if_fail (session_name != NULL, NULL);

  return g_object_new (GH_TYPE_ROLE_LIST, "session-name", session_name, NULL);
}
