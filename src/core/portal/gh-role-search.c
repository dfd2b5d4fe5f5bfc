/* gh-role-search.c — find roles among the cached roles of every sign-in
 *
 * A search reads every row of every role list on each key press, so it reads the rows' strings
 * in place (gh_role_list_peek) and makes GhRole objects only for the few results. The profile
 * names are expanded from the sign-in's template once per role list and kept, one string per
 * row, until the list changes (items-changed) or the config file does.
 */
#define G_LOG_DOMAIN "gh-role-search"

#include "config.h"

#include "gh-aws-config.h"
#include "gh-profile-sync.h"
#include "gh-role-search.h"
#include "gh-role-target.h"
#include "gh-sync-settings.h"

/* What is kept of one sign-in's role list. */
typedef struct
{
  GhRoleList *list;
  gulong      changed_id;
  char       *template_;    /* NULL until read */
  GPtrArray  *profiles;     /* one name (or NULL) per row; NULL until needed */
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
entry_forget_profiles (Entry *entry)
{
  g_clear_pointer (&entry->profiles, g_ptr_array_unref);
}

static void
entry_free (Entry *entry)
{
  g_clear_signal_handler (&entry->changed_id, entry->list);
  g_clear_object (&entry->list);
  g_clear_pointer (&entry->template_, g_free);
  entry_forget_profiles (entry);
  g_free (entry);
}

static void
list_changed_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 Entry      *entry)
{
  entry_forget_profiles (entry);
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

/* target → its place in `targets`, counted from 1; the first of repeated ones counts. */
static GHashTable *
rank_targets (const char * const *targets)
{
  GHashTable *ranks = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; targets != NULL && targets[i] != NULL; i++)
    {
      if (!g_hash_table_contains (ranks, targets[i]))
        g_hash_table_insert (ranks, (gpointer) targets[i], GUINT_TO_POINTER (i + 1));
    }
  return ranks;
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
  g_autoptr(GHashTable) favorite_ranks = rank_targets (favorites);
  g_autoptr(GHashTable) recent_ranks = rank_targets (recents);
  gboolean any_ranked = g_hash_table_size (favorite_ranks) + g_hash_table_size (recent_ranks) > 0;
  g_autoptr(GArray) favorite_hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  g_autoptr(GArray) recent_hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  g_autoptr(GArray) other_hits = g_array_new (FALSE, FALSE, sizeof (Hit));
  g_autoptr(GString) target = g_string_new (NULL);
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
      gsize prefix;

      entry->used = self->serial;
      g_string_assign (target, gh_role_list_get_session_name (list));
      g_string_append_c (target, '/');
      prefix = target->len;

      for (guint i = 0; i < profiles->len; i++)
        {
          const char *account_id, *account_name, *account_email, *role_name;
          guint favorite = 0, recent = 0;
          Hit hit = { l, i, 0 };

          gh_role_list_peek (list, i, &account_id, &account_name, &account_email, &role_name);
          if (any_ranked)
            {
              g_string_truncate (target, prefix);
              g_string_append (target, account_id);
              g_string_append_c (target, '/');
              g_string_append (target, role_name);
              favorite = GPOINTER_TO_UINT (g_hash_table_lookup (favorite_ranks, target->str));
              if (favorite == 0)
                recent = GPOINTER_TO_UINT (g_hash_table_lookup (recent_ranks, target->str));
            }

          /* Enough in list order already: only a favourite or a recent role can rank above. */
          if (favorite == 0 && recent == 0 && other_hits->len >= max_results)
            continue;
          if (!gh_role_matcher_match (matcher, account_name, account_id, account_email, role_name,
                                      g_ptr_array_index (profiles, i)))
            continue;

          hit.rank = favorite ? favorite : recent;
          g_array_append_val (favorite ? favorite_hits : recent ? recent_hits : other_hits, hit);
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
  entry_forget_profiles (entry);
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
