/* gh-role-picker.c — every account and role of every sign-in, searchable, in one list
 *
 * The models, from the bottom: a GListStore of one GhRoleList per sign-in → GtkFlattenListModel
 * (all roles; each list is already in account-name order) after a short GListStore of the
 * pinned roles (favourites, then the most recent roles) → GtkFlattenListModel → GhRoleResults
 * (the search; a pinned role shows once, at the top) → GtkSingleSelection → GtkListView.
 * GhRoleResults rather than GtkFilterListModel: GTK 4.8's list view makes a hundred new rows
 * for every items-changed, and its slots keep the rows on screen (gh-role-slot.h). Nothing sorts thousands of roles: the role cache comes sorted, and the pinned
 * roles are picked out in one pass when the lists or the favourites change. A keystroke only
 * filters. The role lists read the role cache in a worker thread and are read again when the
 * tray service rewrites it (a file monitor per sign-in).
 *
 * A GhRoleList makes its GhRole items when asked, and a filter asks for every item on every
 * keystroke: the picker holds them all (`held`, made a chunk at a time while the interface
 * goes on), so a keystroke only looks them up. The results are filtered once they are all
 * held, then on every keystroke, at once, so the list is current before the next frame.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-console-history.h"
#include "gh-console-request.h"
#include "gh-error.h"
#include "gh-profile-sync.h"
#include "gh-role-cache.h"
#include "gh-role-credentials.h"
#include "gh-role-list.h"
#include "gh-role-match.h"
#include "gh-role-picker.h"
#include "gh-role-results.h"
#include "gh-role-row.h"
#include "gh-role-target.h"
#include "gh-settings.h"
#include "gh-shell-quote.h"
#include "gh-sync-settings.h"

/* How many recent roles come right after the favourites (the console history keeps more). */
#define RECENT_SHOWN 5

struct _GhRolePicker
{
  GtkWidget           parent_instance;

  GhSessionManager   *sessions;
  GSettings          *settings;
  GCancellable       *cancellable;

  GListStore         *role_lists;     /* GhRoleList, one per sign-in, in the manager's order */
  GPtrArray          *monitors;       /* GFileMonitor of each role list's cache file */
  GHashTable         *templates;      /* session name → profile name template */
  GHashTable         *ranks;          /* session name → (role key → rank) */
  GListModel         *all_roles;      /* flattened role_lists */
  GListStore         *pinned;         /* GhRole: favourites, then recent roles */
  GHashTable         *pinned_items;   /* the GhRoles of `pinned` (a set of pointers) */
  GhRoleResults      *results;
  GPtrArray          *held;           /* GhRole (or NULL until made) of each of all_roles */
  guint               hold_id;        /* makes the NULL ones, a chunk per idle */
  GhRoleMatcher      *matcher;
  char               *query;          /* the search text the filter has applied */
  GPtrArray          *rows;           /* the GhRoleRows bound now, to follow favourites */
  guint               loading;        /* role lists being read */

  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
};

G_DEFINE_FINAL_TYPE (GhRolePicker, gh_role_picker, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_LOADING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_TOAST, SIGNAL_ADD_PROFILE, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Ranks: favourites first, then the recent roles (most recent first), then the rest. */
#define RANK_FAVORITE 1
#define RANK_RECENT_BASE 2
#define RANK_OTHER G_MAXINT

static void
toast (GhRolePicker *self,
       const char   *title)
{
  AdwToast *toast = adw_toast_new (title);

  g_signal_emit (self, signals[SIGNAL_TOAST], 0, toast);
}

/* Ranks and sorting */

static int
role_rank (GhRolePicker *self,
           GhRole       *role)
{
  GHashTable *keys = g_hash_table_lookup (self->ranks, gh_role_get_session_name (role));

  if (keys == NULL)
    return RANK_OTHER;
  return GPOINTER_TO_INT (g_hash_table_lookup (keys, gh_role_get_key (role))) ?: RANK_OTHER;
}

static void
set_rank (GhRolePicker *self,
          const char   *target,
          int           rank)
{
  g_autofree char *session = NULL;
  g_autofree char *account = NULL;
  g_autofree char *role = NULL;
  g_autofree char *key = NULL;
  GHashTable *keys;

  if (!gh_role_target_parse (target, &session, &account, &role))
    return;
  keys = g_hash_table_lookup (self->ranks, session);
  if (keys == NULL)
    {
      keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->ranks, g_strdup (session), keys);
    }
  /* The favourites are set first: a favourite that is also recent stays a favourite. */
  key = g_strconcat (account, "/", role, NULL);
  if (!g_hash_table_contains (keys, key))
    g_hash_table_insert (keys, g_steal_pointer (&key), GINT_TO_POINTER (rank));
}

static gboolean
is_favorite (GhRolePicker *self,
             GhRole       *role)
{
  return role_rank (self, role) == RANK_FAVORITE;
}

static gboolean
is_recent (GhRolePicker *self,
           GhRole       *role)
{
  int rank = role_rank (self, role);

  return rank >= RANK_RECENT_BASE && rank != RANK_OTHER;
}

static void
update_bound_rows (GhRolePicker *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GhRoleRow *row = g_ptr_array_index (self->rows, i);
      GhRole *role = gh_role_row_get_role (row);

      if (role != NULL)
        {
          gh_role_row_set_favorite (row, is_favorite (self, role));
          gh_role_row_set_recent (row, is_recent (self, role));
        }
    }
}

static int
compare_pinned (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  GhRolePicker *self = user_data;
  GhRole *role_a = *(GhRole **) a;
  GhRole *role_b = *(GhRole **) b;
  int rank_a = role_rank (self, role_a);
  int rank_b = role_rank (self, role_b);

  if (rank_a != rank_b)
    return rank_a < rank_b ? -1 : 1;
  return gh_role_compare (a, b);
}

/* The first row selected (what Enter in the search opens) and in view. */
static void
select_first (GhRolePicker *self)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0)
    return;
  gtk_single_selection_set_selected (selection, 0);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);
}

/* Filters again and selects the first row. The selection is cleared first: GTK 4.8's list
 * view crashes when a selection change spans a position the filter just removed. */
static void
refilter (GhRolePicker    *self,
          GtkFilterChange  change)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view));

  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gh_role_results_refilter (self->results, change);
  select_first (self);
}

/* Picks the favourites and recent roles out of all roles (one pass; their GhRoles are kept
 * by `pinned`), and filters again so they show once, at the top. */
static void
update_pinned (GhRolePicker *self)
{
  guint n = g_list_model_get_n_items (self->all_roles);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_hash_table_size (self->ranks) > 0)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GhRole) role = g_list_model_get_item (self->all_roles, i);

        /* A copy: the role list hands out the same GhRole again while it is held, and a
         * list view must not see one item twice. */
        if (role_rank (self, role) != RANK_OTHER)
          g_ptr_array_add (found, gh_role_new (gh_role_get_session_name (role),
                                               gh_role_get_account_id (role),
                                               gh_role_get_account_name (role),
                                               gh_role_get_account_email (role),
                                               gh_role_get_role_name (role)));
      }
  g_ptr_array_sort_with_data (found, compare_pinned, self);

  g_hash_table_remove_all (self->pinned_items);
  for (guint i = 0; i < found->len; i++)
    g_hash_table_add (self->pinned_items, g_ptr_array_index (found, i));
  g_list_store_splice (self->pinned, 0, g_list_model_get_n_items (G_LIST_MODEL (self->pinned)),
                       found->pdata, found->len);
  /* Someone moving through the list keeps their place. */
  if (!gtk_widget_has_focus (GTK_WIDGET (self->list_view)) &&
      gtk_widget_get_focus_child (GTK_WIDGET (self->list_view)) == NULL)
    refilter (self, GTK_FILTER_CHANGE_DIFFERENT);
  else
    gh_role_results_refilter (self->results, GTK_FILTER_CHANGE_DIFFERENT);
  update_bound_rows (self);
}

/* Reads the favourites and the recent roles again, and re-sorts. */
static void
reload_ranks (GhRolePicker *self)
{
  g_auto(GStrv) favorites = NULL;
  g_auto(GStrv) recents = gh_console_history_recent_roles ();

  g_hash_table_remove_all (self->ranks);
  if (self->settings != NULL)
    favorites = g_settings_get_strv (self->settings, "favorite-roles");
  for (guint i = 0; favorites != NULL && favorites[i] != NULL; i++)
    set_rank (self, favorites[i], RANK_FAVORITE);
  for (guint i = 0; recents != NULL && recents[i] != NULL && i < RECENT_SHOWN; i++)
    set_rank (self, recents[i], RANK_RECENT_BASE + i);

  update_pinned (self);
}

/* Filtering */

static char *
profile_name (GhRolePicker *self,
              GhRole       *role)
{
  const char *template_ = g_hash_table_lookup (self->templates, gh_role_get_session_name (role));

  return gh_profile_name_from_template (template_ != NULL ? template_
                                                          : GH_DEFAULT_PROFILE_TEMPLATE,
                                        gh_role_get_session_name (role),
                                        gh_role_get_account_id (role),
                                        gh_role_get_account_name (role),
                                        gh_role_get_role_name (role), NULL);
}

G_DEFINE_QUARK (gh-role-picker-profile, profile)

/* The role's profile name, made once per role and kept on it (the roles are held) until the
 * templates change (forget_profiles). */
static const char *
cached_profile_name (GhRolePicker *self,
                     GhRole       *role)
{
  char *profile = g_object_get_qdata (G_OBJECT (role), profile_quark ());

  if (profile == NULL && (profile = profile_name (self, role)) != NULL)
    g_object_set_qdata_full (G_OBJECT (role), profile_quark (), profile, g_free);
  return profile;
}

static void
forget_profiles (GhRolePicker *self)
{
  for (guint i = 0; i < self->held->len; i++)
    if (g_ptr_array_index (self->held, i) != NULL)
      g_object_set_qdata (g_ptr_array_index (self->held, i), profile_quark (), NULL);
}

static gboolean
filter_role (GhRole   *role,
             gpointer  user_data)
{
  GhRolePicker *self = user_data;

  /* A pinned role shows in the pinned part only. */
  if (!g_hash_table_contains (self->pinned_items, role) && role_rank (self, role) != RANK_OTHER)
    return FALSE;
  if (self->matcher == NULL)
    return TRUE;
  if (gh_role_matcher_match (self->matcher, gh_role_get_account_name (role),
                             gh_role_get_account_id (role), gh_role_get_account_email (role),
                             gh_role_get_role_name (role), NULL))
    return TRUE;
  /* The profile name is made from the other fields; only a term spanning two of them (the
   * default "{role}-{account_id}") needs it, so it is built for the rows that failed alone. */
  return gh_role_matcher_match (self->matcher, gh_role_get_account_name (role),
                                gh_role_get_account_id (role), gh_role_get_account_email (role),
                                gh_role_get_role_name (role), cached_profile_name (self, role));
}

static void
update_page (GhRolePicker *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  guint all = g_list_model_get_n_items (self->all_roles);

  if (shown > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else if (all > 0)
    gtk_stack_set_visible_child_name (self->stack, "no-results");
  else if (self->loading > 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

/* Typing on only narrows the search (every term must still be found, and a term that grew
 * is found in fewer places), so GTK re-checks the rows shown, not all of them; deleting only
 * widens it. Not for non-ASCII text: a combining mark typed after a letter changes the
 * letter. */
static GtkFilterChange
filter_change (const char *before,
               const char *after)
{
  if (before == NULL || !is_ascii (before) || !is_ascii (after))
    return GTK_FILTER_CHANGE_DIFFERENT;
  if (g_str_has_prefix (after, before))
    return GTK_FILTER_CHANGE_MORE_STRICT;
  if (g_str_has_prefix (before, after))
    return GTK_FILTER_CHANGE_LESS_STRICT;
  return GTK_FILTER_CHANGE_DIFFERENT;
}

static void
search_changed_cb (GhRolePicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (text);
  GtkFilterChange change = filter_change (self->query, text);

  if (gh_role_matcher_is_empty (matcher))
    g_clear_pointer (&matcher, gh_role_matcher_free);
  g_clear_pointer (&self->matcher, gh_role_matcher_free);
  self->matcher = g_steal_pointer (&matcher);
  g_free (self->query);
  self->query = g_strdup (text);
  refilter (self, change);
  update_page (self);
}

/* The role lists */

static void
set_loading (GhRolePicker *self,
             int           delta)
{
  gboolean was_loading = self->loading > 0;

  self->loading += delta;
  if (was_loading != (self->loading > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  update_page (self);
}

/* How many items one idle run makes: about 5 ms of work, well inside a frame. */
#define HOLD_CHUNK 1000

static gboolean
hold_items_cb (gpointer user_data)
{
  GhRolePicker *self = user_data;
  guint made = 0;

  for (guint i = 0; i < self->held->len && made < HOLD_CHUNK; i++)
    if (g_ptr_array_index (self->held, i) == NULL)
      {
        g_ptr_array_index (self->held, i) = g_list_model_get_item (self->all_roles, i);
        made++;
      }
  if (made == HOLD_CHUNK)
    return G_SOURCE_CONTINUE;

  self->hold_id = 0;
  update_pinned (self);
  set_loading (self, -1);
  return G_SOURCE_REMOVE;
}

static void
unref_role (gpointer role)
{
  if (role != NULL)
    g_object_unref (role);
}

/* Keeps `held` in step with all_roles: the items that went are dropped, the new ones made
 * later, a chunk at a time. */
static void
all_roles_changed_cb (GhRolePicker *self,
                      guint         position,
                      guint         removed,
                      guint         added)
{
  guint tail;

  g_ptr_array_remove_range (self->held, position, removed);
  tail = self->held->len - position;
  g_ptr_array_set_size (self->held, self->held->len + added);
  memmove (self->held->pdata + position + added, self->held->pdata + position,
           tail * sizeof (gpointer));
  memset (self->held->pdata + position, 0, added * sizeof (gpointer));
  if (added > 0 && self->hold_id == 0)
    {
      set_loading (self, +1);
      self->hold_id = g_idle_add (hold_items_cb, self);
    }
  else if (self->hold_id == 0)
    update_pinned (self);
}

static void
role_list_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GhRolePicker) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gh_role_list_load_finish (GH_ROLE_LIST (object), result, &error) &&
      !g_error_matches (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not read the roles of %s: %s",
             gh_role_list_get_session_name (GH_ROLE_LIST (object)), error->message);
  set_loading (self, -1);
}

static void
load_role_list (GhRolePicker *self,
                GhRoleList   *list)
{
  set_loading (self, +1);
  gh_role_list_load_async (list, self->cancellable, role_list_loaded_cb, g_object_ref (self));
}

/* The tray service rewrote a role cache (a new listing): read it again. */
static void
role_cache_changed_cb (GFileMonitor      *monitor,
                       GFile             *file,
                       GFile             *other_file,
                       GFileMonitorEvent  event,
                       gpointer           user_data)
{
  GhRolePicker *self = user_data;
  GhRoleList *list = g_object_get_data (G_OBJECT (monitor), "gh-role-list");

  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT || event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_RENAMED || event == G_FILE_MONITOR_EVENT_MOVED_IN)
    load_role_list (self, list);
}

static void
watch_role_cache (GhRolePicker *self,
                  GhRoleList   *list)
{
  g_autofree char *path = gh_role_cache_path (gh_role_list_get_session_name (list));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileMonitor) monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL,
                                                         NULL);

  if (monitor == NULL)
    return;
  g_object_set_data_full (G_OBJECT (monitor), "gh-role-list", g_object_ref (list),
                          g_object_unref);
  g_signal_connect_object (monitor, "changed", G_CALLBACK (role_cache_changed_cb), self, 0);
  g_ptr_array_add (self->monitors, g_steal_pointer (&monitor));
}

static void
read_template (GhRolePicker *self,
               const char   *session_name)
{
  g_autoptr(GhSyncSettings) sync = NULL;

  sync = gh_sync_settings_load (gh_session_manager_get_config_path (self->sessions),
                                session_name, NULL);
  if (sync != NULL && sync->template_ != NULL)
    g_hash_table_insert (self->templates, g_strdup (session_name),
                         g_steal_pointer (&sync->template_));
}

/* One role list per sign-in; lists of sign-ins that stay are kept (and not read again). */
static void
sessions_changed_cb (GhRolePicker *self)
{
  GListModel *sessions = G_LIST_MODEL (self->sessions);
  guint n = g_list_model_get_n_items (sessions);
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

  g_hash_table_remove_all (self->templates);
  forget_profiles (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      const char *name = gh_session_get_name (session);
      GhRoleList *list = NULL;

      read_template (self, name);
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (self->role_lists)); j++)
        {
          g_autoptr(GhRoleList) old = g_list_model_get_item (G_LIST_MODEL (self->role_lists), j);

          if (g_str_equal (gh_role_list_get_session_name (old), name))
            list = g_steal_pointer (&old);
        }
      if (list == NULL)
        {
          list = gh_role_list_new (name);
          g_ptr_array_add (fresh, list);
        }
      g_ptr_array_add (lists, list);
    }

  g_ptr_array_set_size (self->monitors, 0);
  g_list_store_splice (self->role_lists, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->role_lists)),
                       lists->pdata, lists->len);
  for (guint i = 0; i < lists->len; i++)
    watch_role_cache (self, g_ptr_array_index (lists, i));
  for (guint i = 0; i < fresh->len; i++)
    load_role_list (self, g_ptr_array_index (fresh, i));
  update_page (self);
}

/* Looking up what an action names */

static GhSession *
lookup_target (GhRolePicker  *self,
               GVariant      *parameter,
               char         **account_id,
               char         **role_name)
{
  g_autofree char *session_name = NULL;
  GhSession *session;

  if (self->sessions == NULL ||
      !gh_role_target_parse (g_variant_get_string (parameter, NULL), &session_name, account_id,
                             role_name))
    return NULL;
  session = gh_session_manager_lookup (self->sessions, session_name);
  if (session == NULL)
    {
      g_clear_pointer (account_id, g_free);
      g_clear_pointer (role_name, g_free);
    }
  return session;
}

static GhRole *
find_role (GhRolePicker *self,
           const char   *target)
{
  GListModel *model = self->all_roles;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GhRole) role = g_list_model_get_item (model, i);
      g_autofree char *role_target = gh_role_target_build (gh_role_get_session_name (role),
                                                           gh_role_get_account_id (role),
                                                           gh_role_get_role_name (role));

      if (g_str_equal (role_target, target))
        return g_steal_pointer (&role);
    }
  return NULL;
}

static char *
lookup_role_setting (GhRolePicker *self,
                     const char   *key,
                     const char   *target)
{
  g_autoptr(GVariant) map = NULL;
  char *value = NULL;

  if (self->settings == NULL || !gh_settings_has_key (self->settings, key))
    return NULL;
  map = g_settings_get_value (self->settings, key);
  if (!g_variant_lookup (map, target, "s", &value) || *value == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static void
store_role_setting (GhRolePicker *self,
                    const char   *key,
                    const char   *target,
                    const char   *value)
{
  g_autoptr(GVariant) map = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  GVariantIter iter;
  const char *k, *v;

  if (self->settings == NULL || !gh_settings_has_key (self->settings, key))
    return;
  map = g_settings_get_value (self->settings, key);
  g_variant_iter_init (&iter, map);
  while (g_variant_iter_next (&iter, "{&s&s}", &k, &v))
    if (!g_str_equal (k, target))
      g_variant_builder_add (&builder, "{ss}", k, v);
  if (value != NULL && *value != '\0')
    g_variant_builder_add (&builder, "{ss}", target, value);
  g_settings_set_value (self->settings, key, g_variant_builder_end (&builder));
}

/* Opening the console */

static void
console_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GhRolePicker) self = user_data;
  GhConsoleRequest *request = GH_CONSOLE_REQUEST (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (!gh_console_request_open_finish (request, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
        {
          GhSession *session = gh_console_request_get_session (request);
          AdwToast *toast = adw_toast_new (error->message);

          adw_toast_set_button_label (toast, _("Sign In"));
          adw_toast_set_action_name (toast, "win.login");
          adw_toast_set_action_target_value (toast,
                                             g_variant_new_string (gh_session_get_name (session)));
          g_signal_emit (self, signals[SIGNAL_TOAST], 0, toast);
          return;
        }
      title = g_strdup_printf (_("Could not open the AWS console: %s"), error->message);
      toast (self, title);
      return;
    }

  /* Now a recent role. */
  reload_ranks (self);
  title = g_strdup_printf (_("Opened the AWS console for %s"),
                           gh_console_request_get_account_name (request) ?: _("the account"));
  toast (self, title);
}

static void
open_console (GhRolePicker *self,
              GVariant     *parameter,
              gboolean      in_container)
{
  const char *target = g_variant_get_string (parameter, NULL);
  g_autofree char *account_id = NULL;
  g_autofree char *role_name = NULL;
  g_autofree char *region = NULL;
  g_autofree char *destination = NULL;
  g_autoptr(GhConsoleRequest) request = NULL;
  g_autoptr(GhRole) role = NULL;
  GhSession *session = lookup_target (self, parameter, &account_id, &role_name);

  if (session == NULL)
    {
      toast (self, _("That sign-in no longer exists"));
      return;
    }
  request = gh_console_request_new (session, account_id, role_name);
  role = find_role (self, target);
  if (role != NULL)
    gh_console_request_set_account_name (request, gh_role_get_account_name (role));
  region = lookup_role_setting (self, "role-regions", target);
  if (region != NULL)
    gh_console_request_set_region (request, region);
  destination = lookup_role_setting (self, "role-destinations", target);
  if (destination != NULL)
    gh_console_request_set_destination (request, destination);
  /* "" names the container after the account and role (gh-console-request.h). */
  if (in_container)
    gh_console_request_set_container_name (request, "");

  gh_console_request_open_async (request, self->cancellable, console_opened_cb,
                                 g_object_ref (self));
}

static void
open_console_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  open_console (GH_ROLE_PICKER (widget), parameter, FALSE);
}

static void
open_container_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  open_console (GH_ROLE_PICKER (widget), parameter, TRUE);
}

/* Favourites */

static void
toggle_favorite_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GhRolePicker *self = GH_ROLE_PICKER (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) favorites = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) changed = NULL;
  gboolean found = FALSE;

  if (self->settings == NULL)
    {
      toast (self, _("Favourites need the application's settings schema, which is not installed"));
      return;
    }
  favorites = g_settings_get_strv (self->settings, "favorite-roles");
  for (guint i = 0; favorites[i] != NULL; i++)
    {
      if (g_str_equal (favorites[i], target))
        found = TRUE;
      else
        g_strv_builder_add (builder, favorites[i]);
    }
  if (!found)
    g_strv_builder_add (builder, target);
  changed = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "favorite-roles", (const char * const *) changed);
}

static void
settings_changed_cb (GhRolePicker *self,
                     const char   *key)
{
  if (g_strcmp0 (key, "favorite-roles") == 0)
    reload_ranks (self);
}

/* Copying */

static void
copy_text (GhRolePicker *self,
           const char   *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_profile_name_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  GhRolePicker *self = GH_ROLE_PICKER (widget);
  g_autoptr(GhRole) role = find_role (self, g_variant_get_string (parameter, NULL));
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (role == NULL || (name = profile_name (self, role)) == NULL)
    {
      toast (self, _("This role has no profile name"));
      return;
    }
  copy_text (self, name);
  title = g_strdup_printf (_("Copied the profile name “%s”"), name);
  toast (self, title);
}

static void
append_variable (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  GString *text = user_data;
  g_autofree char *quoted = gh_shell_quote (value);

  g_string_append_printf (text, "export %s=%s\n", name, quoted);
  memset (quoted, 0, strlen (quoted));
}

static void
credentials_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GhRolePicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhRoleCredentials) credentials = gh_role_credentials_get_finish (result, &error);
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *time = NULL;
  g_autofree char *title = NULL;
  GString *text;

  if (credentials == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          title = g_strdup_printf (_("Could not get credentials: %s"), error->message);
          toast (self, title);
        }
      return;
    }

  text = g_string_new (NULL);
  gh_role_credentials_foreach_variable (credentials, NULL, append_variable, text);
  copy_text (self, text->str);
  memset (text->str, 0, text->len);
  g_string_free (text, TRUE);

  expires = g_date_time_new_from_unix_local (credentials->expiration);
  time = expires != NULL ? g_date_time_format (expires, "%H:%M") : g_strdup ("?");
  /* Translators: %s is a time of day, such as 14:30. */
  title = g_strdup_printf (_("Copied credentials as environment variables; they expire at %s"),
                           time);
  toast (self, title);
}

static void
copy_credentials_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  GhRolePicker *self = GH_ROLE_PICKER (widget);
  g_autofree char *account_id = NULL;
  g_autofree char *role_name = NULL;
  GhSession *session = lookup_target (self, parameter, &account_id, &role_name);

  if (session == NULL)
    return;
  gh_role_credentials_get_async (session, account_id, role_name, FALSE, self->cancellable,
                                 credentials_cb, g_object_ref (self));
}

static void
add_profile_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GhRolePicker *self = GH_ROLE_PICKER (widget);
  g_autoptr(GhRole) role = find_role (self, g_variant_get_string (parameter, NULL));

  if (role != NULL)
    g_signal_emit (self, signals[SIGNAL_ADD_PROFILE], 0, role);
}

/* Region and destination, remembered per role */

static void
options_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  GhRolePicker *self = GH_ROLE_PICKER (user_data);
  const char *target = g_object_get_data (G_OBJECT (dialog), "gh-target");
  GtkEditable *region = g_object_get_data (G_OBJECT (dialog), "gh-region");
  GtkEditable *destination = g_object_get_data (G_OBJECT (dialog), "gh-destination");
  g_autofree char *region_text = NULL;
  g_autofree char *destination_text = NULL;

  if (!g_str_equal (response, "save") && !g_str_equal (response, "open"))
    return;
  region_text = g_strstrip (g_strdup (gtk_editable_get_text (region)));
  destination_text = g_strstrip (g_strdup (gtk_editable_get_text (destination)));
  store_role_setting (self, "role-regions", target, region_text);
  store_role_setting (self, "role-destinations", target, destination_text);
  if (g_str_equal (response, "open"))
    open_console (self, g_variant_new_string (target), FALSE);
}

static GtkWidget *
options_entry (GtkWidget  *box,
               const char *title,
               const char *value)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  gtk_list_box_append (GTK_LIST_BOX (box), GTK_WIDGET (row));
  return GTK_WIDGET (row);
}

static void
console_options_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GhRolePicker *self = GH_ROLE_PICKER (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_autofree char *region = lookup_role_setting (self, "role-regions", target);
  g_autofree char *destination = lookup_role_setting (self, "role-destinations", target);
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *region_row, *destination_row;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Console Region and Destination"),
                                   _("Remembered for this role. Leave them empty for the "
                                     "sign-in's region and the console home."));
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  region_row = options_entry (list, _("Region (for example eu-west-1)"), region);
  destination_row = options_entry (list, _("Destination (a service such as ec2, or a URL)"),
                                   destination);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    "open", _("Save and _Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "gh-target", g_strdup (target), g_free);
  g_object_set_data (G_OBJECT (dialog), "gh-region", region_row);
  g_object_set_data (G_OBJECT (dialog), "gh-destination", destination_row);
  g_signal_connect_object (dialog, "response", G_CALLBACK (options_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The list */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (item, gh_role_row_new ());
}

/* Shows the role of the row's slot; again whenever the slot shows another role. */
static void
show_slot (GhRolePicker *self,
           GhRoleRow    *row,
           GhRoleSlot   *slot)
{
  GhRole *role = gh_role_slot_get_role (slot);
  gboolean several = g_list_model_get_n_items (G_LIST_MODEL (self->role_lists)) > 1;

  gh_role_row_set_role (row, role, NULL, several);
  gh_role_row_set_favorite (row, is_favorite (self, role));
  gh_role_row_set_recent (row, is_recent (self, role));
}

static void
slot_changed_cb (GhRoleSlot *slot,
                 GParamSpec *pspec,
                 GhRoleRow  *row)
{
  show_slot (g_object_get_data (G_OBJECT (row), "gh-picker"), row, slot);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  GhRolePicker *self = user_data;
  GhRoleRow *row = GH_ROLE_ROW (gtk_list_item_get_child (item));
  GhRoleSlot *slot = gtk_list_item_get_item (item);

  g_object_set_data (G_OBJECT (row), "gh-picker", self);
  g_signal_connect (slot, "notify::role", G_CALLBACK (slot_changed_cb), row);
  show_slot (self, row, slot);
  g_ptr_array_add (self->rows, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GhRolePicker *self = user_data;
  GhRoleRow *row = GH_ROLE_ROW (gtk_list_item_get_child (item));

  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), slot_changed_cb, row);
  g_ptr_array_remove_fast (self->rows, row);
  gh_role_row_set_role (row, NULL, NULL, FALSE);
}

static void
activate_position (GhRolePicker *self,
                   guint         position)
{
  g_autoptr(GhRoleSlot) slot = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  g_autofree char *target = NULL;
  GhRole *role;

  if (slot == NULL)
    return;
  role = gh_role_slot_get_role (slot);
  target = gh_role_target_build (gh_role_get_session_name (role), gh_role_get_account_id (role),
                                 gh_role_get_role_name (role));
  open_console (self, g_variant_new_string (target), FALSE);
}

static void
list_activate_cb (GhRolePicker *self,
                  guint         position)
{
  activate_position (self, position);
}

/* Enter in the search entry opens the selected row (the first match, unless the arrow keys
 * moved the selection). */
static void
search_activate_cb (GhRolePicker *self)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view));
  guint position = gtk_single_selection_get_selected (selection);

  if (position != GTK_INVALID_LIST_POSITION)
    activate_position (self, position);
}

/* The arrow keys move from the search entry into the list. */
static gboolean
search_key_pressed_cb (GhRolePicker          *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0)
    return FALSE;
  gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
  return TRUE;
}

static void
stop_search_cb (GhRolePicker *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* GObject */

static void
gh_role_picker_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  GhRolePicker *self = GH_ROLE_PICKER (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, gh_role_picker_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_role_picker_dispose (GObject *object)
{
  GhRolePicker *self = GH_ROLE_PICKER (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->hold_id, g_source_remove);
  if (self->held != NULL)
    g_ptr_array_set_size (self->held, 0);
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_object (&self->sessions);
  g_ptr_array_set_size (self->monitors, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), GH_TYPE_ROLE_PICKER);
  /* The template's unnamed children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (gh_role_picker_parent_class)->dispose (object);
}

static void
gh_role_picker_finalize (GObject *object)
{
  GhRolePicker *self = GH_ROLE_PICKER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->role_lists);
  g_clear_object (&self->all_roles);
  g_clear_object (&self->pinned);
  g_clear_pointer (&self->pinned_items, g_hash_table_unref);
  g_clear_object (&self->results);
  g_clear_pointer (&self->matcher, gh_role_matcher_free);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->monitors, g_ptr_array_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->templates, g_hash_table_unref);
  g_clear_pointer (&self->ranks, g_hash_table_unref);
  G_OBJECT_CLASS (gh_role_picker_parent_class)->finalize (object);
}

static const struct
{
  const char                  *name;
  GtkWidgetActionActivateFunc  activate;
} picker_actions[] = {
  { "picker.open-console", open_console_activated },
  { "picker.open-container", open_container_activated },
  { "picker.console-options", console_options_activated },
  { "picker.toggle-favorite", toggle_favorite_activated },
  { "picker.copy-profile-name", copy_profile_name_activated },
  { "picker.copy-credentials", copy_credentials_activated },
  { "picker.add-profile", add_profile_activated },
};

static void
gh_role_picker_class_init (GhRolePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = gh_role_picker_get_property;
  object_class->dispose = gh_role_picker_dispose;
  object_class->finalize = gh_role_picker_finalize;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ADW_TYPE_TOAST);
  signals[SIGNAL_ADD_PROFILE] =
    g_signal_new ("add-profile", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, GH_TYPE_ROLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gatehouse/Gatehouse/Window/gh-role-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, GhRolePicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GhRolePicker, stack);
  gtk_widget_class_bind_template_child (widget_class, GhRolePicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, GhRolePicker, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_key_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);

  /* Each takes the role's target, "SESSION/ACCOUNT_ID/ROLE" (the rows' row.* pass it on). */
  for (guint i = 0; i < G_N_ELEMENTS (picker_actions); i++)
    gtk_widget_class_install_action (widget_class, picker_actions[i].name, "s",
                                     picker_actions[i].activate);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (GH_TYPE_ROLE_ROW);
}

static void
gh_role_picker_init (GhRolePicker *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GListStore *parts;
  GtkFlattenListModel *shown;
  GtkSingleSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  self->rows = g_ptr_array_new ();
  self->templates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
  self->settings = gh_settings_new (NULL);
  if (self->settings != NULL && !gh_settings_has_key (self->settings, "favorite-roles"))
    g_clear_object (&self->settings);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                             G_CONNECT_SWAPPED);

  self->role_lists = g_list_store_new (GH_TYPE_ROLE_LIST);
  self->all_roles = G_LIST_MODEL (gtk_flatten_list_model_new (
    G_LIST_MODEL (g_object_ref (self->role_lists))));
  self->pinned = g_list_store_new (GH_TYPE_ROLE);
  self->pinned_items = g_hash_table_new (NULL, NULL);
  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (parts, self->pinned);
  g_list_store_append (parts, self->all_roles);
  shown = gtk_flatten_list_model_new (G_LIST_MODEL (parts));
  self->results = gh_role_results_new (G_LIST_MODEL (shown), filter_role, self);
  g_object_unref (shown);
  self->held = g_ptr_array_new_with_free_func (unref_role);
  g_signal_connect_object (self->all_roles, "items-changed", G_CALLBACK (all_roles_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results, "items-changed", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->results)));
  /* The picker selects the first row itself, after each change (refilter). */
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  reload_ranks (self);
  update_page (self);
}

GtkWidget *
gh_role_picker_new (void)
{
  return g_object_new (GH_TYPE_ROLE_PICKER, NULL);
}

void
gh_role_picker_set_session_manager (GhRolePicker     *self,
                                    GhSessionManager *sessions)
{
  g_return_if_fail (GH_IS_ROLE_PICKER (self));
  g_return_if_fail (GH_IS_SESSION_MANAGER (sessions));

  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_set_object (&self->sessions, sessions);
  g_signal_connect_object (sessions, "items-changed", G_CALLBACK (sessions_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* Sync templates live in the config file, which may change without changing the list. */
  g_signal_connect_object (sessions, "config-changed", G_CALLBACK (sessions_changed_cb), self,
                           G_CONNECT_SWAPPED);
  sessions_changed_cb (self);
}

void
gh_role_picker_search (GhRolePicker *self,
                       const char   *text)
{
  g_return_if_fail (GH_IS_ROLE_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->search_entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
gh_role_picker_set_key_capture_widget (GhRolePicker *self,
                                       GtkWidget    *widget)
{
  g_return_if_fail (GH_IS_ROLE_PICKER (self));

  gtk_search_entry_set_key_capture_widget (self->search_entry, widget);
}

GListModel *
gh_role_picker_get_model (GhRolePicker *self)
{
  g_return_val_if_fail (GH_IS_ROLE_PICKER (self), NULL);

  return G_LIST_MODEL (self->results);
}

gboolean
gh_role_picker_get_loading (GhRolePicker *self)
{
  g_return_val_if_fail (GH_IS_ROLE_PICKER (self), FALSE);

  return self->loading > 0;
}
