/* gh-role-search.c — find roles among the cached roles of every sign-in
 *
 * A search reads the rows of every role list on each key press, so it reads the rows' strings in
 * place (gh_role_list_peek), stops once it has as many results as can be shown, and makes
 * GhRole objects only for those. What does not change from one key press to the next is kept
 * per role list until the list changes (items-changed): the profile names, expanded from the
 * sign-in's template (until the config file changes too), and which rows are favourites or
 * recent roles (until those change).
 */
#define G_LOG_DOMAIN "gh-role-search"

#include "config.h"

#include "gh-aws-config.h"
#include "gh-profile-sync.h"
#include "gh-role-search.h"
#include "gh-role-target.h"
#include "gh-sync-settings.h"

/* A favourite or recent row of a list: its ranks, counted from 1 (0: not one). */
typedef struct
{
  guint position;
  guint favorite;
  guint recent;
} Ranked;

/* What is kept of one sign-in's role list. */
typedef struct
{
  GhRoleList *list;
  gulong      changed_id;
  char       *template_;    /* NULL until read */
  GPtrArray  *profiles;     /* one name (or NULL) per row; NULL until needed */
  GArray     *ranked;       /* Ranked, by position, for these favourites and recents: */
  GStrv       favorites;
  GStrv       recents;
  guint       used;         /* the serial of the last search that read it */
} Entry;

struct _GhRoleSearch
{
  GObject     parent_instance;

  char       *config_path;
  GHashTable *entries;      /* session name → Entry */
  guint       serial;
};

G_DEFINE_FINAL_TYPE (GhRoleSearch, gh_role_search, G_TYPE_OBJECT)

/* A matching row, and where it ranks among the favourites or the recent roles. */
typedef struct
{
  guint list;
  guint position;
  guint rank;
} Hit;

static void
entry_forget_rows (Entry *entry)
{
  g_clear_pointer (&entry->profiles, g_ptr_array_unref);
  g_clear_pointer (&entry->ranked, g_array_unref);
  g_clear_pointer (&entry->favorites, g_strfreev);
  g_clear_pointer (&entry->recents, g_strfreev);
}

static void
entry_free (Entry *entry)
{
  g_clear_signal_handler (&entry->changed_id, entry->list);
  g_clear_object (&entry->list);
  g_clear_pointer (&entry->template_, g_free);
  entry_forget_rows (entry);
  g_free (entry);
}

static void
list_changed_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 Entry      *entry)
{
  entry_forget_rows (entry);
}

static Entry *
lookup_entry (GhRoleSearch *self,
              GhRoleList   *list)
{
  const char *session_name = gh_role_list_get_session_name (list);
  Entry *entry = g_hash_table_lookup (self->entries, session_name);

  if (entry != NULL && entry->list == list)
    return entry;

  /* New, or the sign-in's list was made again. */
  entry = g_new0 (Entry, 1);
  entry->list = g_object_ref (list);
  entry->changed_id = g_signal_connect (list, "items-changed", G_CALLBACK (list_changed_cb),
                                        entry);
  g_hash_table_replace (self->entries, g_strdup (session_name), entry);
  return entry;
}

static const char *
entry_get_template (GhRoleSearch *self,
                    Entry        *entry)
{
  if (entry->template_ == NULL)
    {
      const char *session_name = gh_role_list_get_session_name (entry->list);
      g_autoptr(GhSyncSettings) settings = gh_sync_settings_load (self->config_path,
                                                                  session_name, NULL);

      if (settings != NULL && settings->template_ != NULL)
        entry->template_ = g_steal_pointer (&settings->template_);
      else
        entry->template_ = g_strdup (GH_DEFAULT_PROFILE_TEMPLATE);
    }
  return entry->template_;
}

static char *
expand_profile_name (const char *template_,
                     const char *session_name,
                     const char *account_id,
                     const char *account_name,
                     const char *role_name)
{
  /* A template the sync refuses (an unknown placeholder) names no profiles: no name. */
  return gh_profile_name_from_template (template_, session_name, account_id, account_name,
                                        role_name, NULL);
}

static GPtrArray *
entry_get_profiles (GhRoleSearch *self,
                    Entry        *entry)
{
  const char *session_name = gh_role_list_get_session_name (entry->list);
  const char *template_;
  guint n;

  if (entry->profiles != NULL)
    return entry->profiles;

  template_ = entry_get_template (self, entry);
  n = g_list_model_get_n_items (G_LIST_MODEL (entry->list));
  entry->profiles = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      const char *account_id, *account_name, *role_name;

      gh_role_list_peek (entry->list, i, &account_id, &account_name, NULL, &role_name);
      g_ptr_array_add (entry->profiles, expand_profile_name (template_, session_name, account_id,
                                                             account_name, role_name));
    }
  return entry->profiles;
}

static gboolean
entry_unused (gpointer key,
              gpointer value,
              gpointer user_data)
{
  Entry *entry = value;

  return entry->used != GPOINTER_TO_UINT (user_data);
}

/* "ACCOUNT_ID/ROLE" of the targets of `session_name` → the target's place among all the
 * targets, counted from 1, so ranks compare across sign-ins; the first of repeated ones counts. */
static GHashTable *
rank_keys (const char * const *targets,
           const char         *session_name)
{
  GHashTable *ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; targets != NULL && targets[i] != NULL; i++)
    {
      g_autofree char *session = NULL;
      g_autofree char *account_id = NULL;
      g_autofree char *role_name = NULL;
      char *key;

      if (!gh_role_target_parse (targets[i], &session, &account_id, &role_name) ||
          !g_str_equal (session, session_name))
        continue;
      key = g_strconcat (account_id, "/", role_name, NULL);
      if (g_hash_table_contains (ranks, key))
        g_free (key);
      else
        g_hash_table_insert (ranks, key, GUINT_TO_POINTER (i + 1));
    }
  return ranks;
}

static gboolean
same_targets (const char * const *a,
              const char * const *b)
{
  static const char * const none[] = { NULL };

  return g_strv_equal (a != NULL ? a : none, b != NULL ? b : none);
}

/* The list's favourite and recent rows, found once for these favourites and recents (the
 * keys of every row are built only then), in the order of the list. */
static GArray *
entry_get_ranked (Entry              *entry,
                  const char * const *favorites,
                  const char * const *recents)
{
  const char *session_name = gh_role_list_get_session_name (entry->list);
  g_autoptr(GHashTable) favorite_ranks = NULL;
  g_autoptr(GHashTable) recent_ranks = NULL;
  g_autoptr(GString) key = NULL;
  guint n;

  if (entry->ranked != NULL && same_targets ((const char * const *) entry->favorites, favorites) &&
      same_targets ((const char * const *) entry->recents, recents))
    return entry->ranked;

  g_clear_pointer (&entry->ranked, g_array_unref);
  g_strfreev (entry->favorites);
  entry->favorites = g_strdupv ((char **) favorites);
  g_strfreev (entry->recents);
  entry->recents = g_strdupv ((char **) recents);
  entry->ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));

  favorite_ranks = rank_keys (favorites, session_name);
  recent_ranks = rank_keys (recents, session_name);
  if (g_hash_table_size (favorite_ranks) + g_hash_table_size (recent_ranks) == 0)
    return entry->ranked;

  key = g_string_new (NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (entry->list));
  for (guint i = 0; i < n; i++)
    {
      const char *account_id, *role_name;
      Ranked ranked = { i, 0, 0 };

      gh_role_list_peek (entry->list, i, &account_id, NULL, NULL, &role_name);
      g_string_assign (key, account_id);
      g_string_append_c (key, '/');
      g_string_append (key, role_name);
      ranked.favorite = GPOINTER_TO_UINT (g_hash_table_lookup (favorite_ranks, key->str));
      ranked.recent = GPOINTER_TO_UINT (g_hash_table_lookup (recent_ranks, key->str));
      if (ranked.favorite != 0 || ranked.recent != 0)
        g_array_append_val (entry->ranked, ranked);
    }
  return entry->ranked;
}

static gboolean
row_matches (GhRoleList    *list,
             GPtrArray     *profiles,
             guint          position,
             GhRoleMatcher *matcher)
{
  const char *account_id, *account_name, *account_email, *role_name;

  gh_role_list_peek (list, position, &account_id, &account_name, &account_email, &role_name);
  return gh_role_matcher_match (matcher, account_name, account_id, account_email, role_name,
                                g_ptr_array_index (profiles, position));
}

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *hit_a = a;
  const Hit *hit_b = b;

  return (hit_a->rank > hit_b->rank) - (hit_a->rank < hit_b->rank);
}

static void
add_roles (GPtrArray *roles,
           GPtrArray *lists,
           GArray    *hits,
           guint      max_results)
{
  for (guint i = 0; i < hits->len && roles->len < max_results; i++)
    {
      const Hit *hit = &g_array_index (hits, Hit, i);

      g_ptr_array_add (roles, g_list_model_get_item (g_ptr_array_index (lists, hit->list),
                                                     hit->position));
    }
}

GPtrArray *
gh_role_search_run (GhRoleSearch       *self,
                    GPtrArray          *lists,
                    GhRoleMatcher      *matcher,
                    const char * const *favorites,
                    const char * const *recents,
                    guint               max_results)
{
  g_autoptr(GArray) favorite_hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  g_autoptr(GArray) recent_hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  g_autoptr(GArray) other_hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  GPtrArray *roles;

  g_return_val_if_fail (GH_IS_ROLE_SEARCH (self), NULL);
  g_return_val_if_fail (lists != NULL, NULL);
  g_return_val_if_fail (matcher != NULL, NULL);

  self->serial++;
  for (guint l = 0; l < lists->len; l++)
    {
      GhRoleList *list = g_ptr_array_index (lists, l);
      Entry *entry = lookup_entry (self, list);
      GPtrArray *profiles = entry_get_profiles (self, entry);
      GArray *ranked = entry_get_ranked (entry, favorites, recents);
      guint next_ranked = 0;

      entry->used = self->serial;

      /* The favourites and recent roles: few, and ranked above the rest whatever the rest. */
      for (guint r = 0; r < ranked->len; r++)
        {
          const Ranked *row = &g_array_index (ranked, Ranked, r);
          Hit hit = { l, row->position, row->favorite ? row->favorite : row->recent };

          if (row_matches (list, profiles, row->position, matcher))
            g_array_append_val (row->favorite ? favorite_hits : recent_hits, hit);
        }

      /* The others in list order, only as many as can be shown. */
      for (guint i = 0; i < profiles->len && other_hits->len < max_results; i++)
        {
          Hit hit = { l, i, 0 };

          if (next_ranked < ranked->len &&
              g_array_index (ranked, Ranked, next_ranked).position == i)
            {
              next_ranked++;
              continue;
            }
          if (row_matches (list, profiles, i, matcher))
            g_array_append_val (other_hits, hit);
        }
    }
  /* Role lists of sign-ins no longer searched (removed from the config file). */
  g_hash_table_foreach_remove (self->entries, entry_unused, GUINT_TO_POINTER (self->serial));

  g_array_sort (favorite_hits, compare_hits);
  g_array_sort (recent_hits, compare_hits);
  roles = g_ptr_array_new_with_free_func (g_object_unref);
  add_roles (roles, lists, favorite_hits, max_results);
  add_roles (roles, lists, recent_hits, max_results);
  add_roles (roles, lists, other_hits, max_results);
  return roles;
}

char *
gh_role_search_dup_profile_name (GhRoleSearch *self,
                                 GhRole       *role)
{
  const char *session_name;
  Entry *entry;
  g_autoptr(GhSyncSettings) settings = NULL;

  g_return_val_if_fail (GH_IS_ROLE_SEARCH (self), NULL);
  g_return_val_if_fail (GH_IS_ROLE (role), NULL);

  session_name = gh_role_get_session_name (role);
  entry = g_hash_table_lookup (self->entries, session_name);
  if (entry != NULL)
    return expand_profile_name (entry_get_template (self, entry), session_name,
                                gh_role_get_account_id (role), gh_role_get_account_name (role),
                                gh_role_get_role_name (role));

  settings = gh_sync_settings_load (self->config_path, session_name, NULL);
  return expand_profile_name (settings != NULL && settings->template_ != NULL
                              ? settings->template_ : GH_DEFAULT_PROFILE_TEMPLATE,
                              session_name, gh_role_get_account_id (role),
                              gh_role_get_account_name (role), gh_role_get_role_name (role));
}

static void
forget_template (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  Entry *entry = value;

  g_clear_pointer (&entry->template_, g_free);
  entry_forget_rows (entry);
}

void
gh_role_search_reload_templates (GhRoleSearch *self)
{
  g_return_if_fail (GH_IS_ROLE_SEARCH (self));

  g_hash_table_foreach (self->entries, forget_template, NULL);
}

static void
gh_role_search_finalize (GObject *object)
{
  GhRoleSearch *self = GH_ROLE_SEARCH (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->config_path, g_free);

  G_OBJECT_CLASS (gh_role_search_parent_class)->finalize (object);
}

static void
gh_role_search_class_init (GhRoleSearchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_role_search_finalize;
}

static void
gh_role_search_init (GhRoleSearch *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) entry_free);
}

GhRoleSearch *
gh_role_search_new (const char *config_path)
{
  GhRoleSearch *self = g_object_new (GH_TYPE_ROLE_SEARCH, NULL);

  self->config_path = config_path != NULL ? g_strdup (config_path) : gh_aws_config_default_path ();
  return self;
}
