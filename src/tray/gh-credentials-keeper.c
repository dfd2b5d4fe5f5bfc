/* gh-credentials-keeper.c — keeps the credentials-file sections Gatehouse wrote fresh
 *
 * Each marked section is an entry with the target its profile names in the config file and the
 * expiry of its keys (0 until known). An entry is due at expiry - window (at once while the
 * expiry is unknown); then gh_role_credentials_get_async either answers from the keyring (keys
 * not due yet: nothing changes but the known expiry) or fetches new keys, and the section is
 * written (a no-op when it already holds them).
 */
#define G_LOG_DOMAIN "gh-credentials-keeper"

#include "config.h"

#include "gh-aws-config.h"
#include "gh-credentials-file.h"
#include "gh-credentials-keeper.h"
#include "gh-error.h"
#include "gh-role-credentials.h"

#define FIRST_BACKOFF 30
#define MAX_BACKOFF (30 * 60)
/* Keys that live less than the window are renewed at half their life, at most this often. */
#define MIN_INTERVAL 10

typedef struct
{
  char     *profile;
  char     *session_name;       /* NULL: the profile is not an SSO profile (any more) */
  char     *account_id;
  char     *role_name;
  gint64    expiration;         /* 0: not known yet */
  gint64    retry_at;
  gint64    backoff;
  gboolean  running;
} Entry;

struct _GhCredentialsKeeper
{
  GObject           parent_instance;

  GhClock          *clock;
  GhSessionManager *sessions;
  char             *path;
  gint64            window;
  GPtrArray        *entries;        /* Entry */
  GCancellable     *cancellable;
  guint             timer_id;       /* on the clock */
  guint             evaluate_id;
};

G_DEFINE_FINAL_TYPE (GhCredentialsKeeper, gh_credentials_keeper, G_TYPE_OBJECT)

enum { WRITE_FAILED, WRITTEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void evaluate (GhCredentialsKeeper *self);

static void
entry_free (Entry *entry)
{
  g_free (entry->profile);
  g_free (entry->session_name);
  g_free (entry->account_id);
  g_free (entry->role_name);
  g_free (entry);
}

static Entry *
find_entry (GhCredentialsKeeper *self,
            const char          *profile)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_str_equal (entry->profile, profile))
        return entry;
    }
  return NULL;
}

/* No reference on the keeper: disposing it cancels the fetch. */
typedef struct
{
  GhCredentialsKeeper *self;
  GCancellable        *cancellable;
  GhSession           *session;
  char                *profile;
  char                *account_id;
  char                *role_name;
  gint64               expiration;  /* of the keys being written */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->cancellable);
  g_object_unref (fetch->session);
  g_free (fetch->profile);
  g_free (fetch->account_id);
  g_free (fetch->role_name);
  g_free (fetch);
}

static void
failed (GhCredentialsKeeper *self,
        Entry               *entry,
        GhSession           *session,
        const GError        *error)
{
  gint64 now = gh_clock_get_now (self->clock);

  entry->backoff = entry->backoff == 0 ? FIRST_BACKOFF : MIN (entry->backoff * 2, MAX_BACKOFF);

  /* A section that is no longer Gatehouse's stays as it is until the file changes. */
  if (g_error_matches (error, GH_ERROR, GH_ERROR_INVALID_INPUT))
    entry->retry_at = G_MAXINT64;
  else
    entry->retry_at = now + entry->backoff;

  g_debug ("Cannot renew the keys of [%s]: %s", entry->profile, error->message);

  /* The end of the sign-in is reported by the refresh scheduler already. */
  if (!g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN) &&
      !g_error_matches (error, GH_ERROR, GH_ERROR_EXPIRED))
    g_signal_emit (self, signals[WRITE_FAILED], 0, session, error);
}

/* The entry the fetch is for, NULL when the section has gone or names another role since the
 * fetch started (then the keeper looks again) */
static Entry *
fetch_entry (Fetch *fetch)
{
  GhCredentialsKeeper *self = fetch->self;
  Entry *entry = find_entry (self, fetch->profile);

  if (entry == NULL)
    return NULL;
  if (g_strcmp0 (entry->session_name, gh_session_get_name (fetch->session)) != 0 ||
      g_strcmp0 (entry->account_id, fetch->account_id) != 0 ||
      g_strcmp0 (entry->role_name, fetch->role_name) != 0)
    {
      entry->running = FALSE;
      evaluate (self);
      return NULL;
    }
  return entry;
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  GhCredentialsKeeper *self = fetch->self;
  g_autoptr(GError) error = NULL;
  gboolean written;
  Entry *entry;
  gint64 now;

  written = gh_credentials_file_write_section_finish (result, &error);
  if (g_cancellable_is_cancelled (fetch->cancellable) || (entry = fetch_entry (fetch)) == NULL)
    goto out;

  entry->running = FALSE;
  if (!written)
    {
      failed (self, entry, fetch->session, error);
      evaluate (self);
      goto out;
    }

  now = gh_clock_get_now (self->clock);
  entry->expiration = fetch->expiration;
  entry->backoff = 0;
  entry->retry_at = 0;
  if (entry->expiration - self->window <= now)
    entry->retry_at = now + MAX ((entry->expiration - now) / 2, MIN_INTERVAL);
  g_debug ("[%s] holds keys until %" G_GINT64_FORMAT, entry->profile, entry->expiration);
  g_signal_emit (self, signals[WRITTEN], 0, fetch->session);
  evaluate (self);

out:
  fetch_free (fetch);
}

/* The section is written on a worker thread: a CLI may hold the file's lock. The entry stays
 * running until then, so no second fetch starts meanwhile. */
static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  GhCredentialsKeeper *self = fetch->self;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  Entry *entry;

  credentials = gh_role_credentials_get_finish (result, &error);
  if (g_cancellable_is_cancelled (fetch->cancellable) || (entry = fetch_entry (fetch)) == NULL)
    {
      fetch_free (fetch);
      return;
    }

  if (credentials == NULL)
    {
      entry->running = FALSE;
      failed (self, entry, fetch->session, error);
      evaluate (self);
      fetch_free (fetch);
      return;
    }

  fetch->expiration = credentials->expiration;
  gh_credentials_file_write_section_async (self->path, fetch->profile, credentials,
                                           fetch->cancellable, written_cb, fetch);
}

static void
start_fetch (GhCredentialsKeeper *self,
             Entry               *entry,
             GhSession           *session)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->self = self;
  fetch->cancellable = g_object_ref (self->cancellable);
  fetch->session = g_object_ref (session);
  fetch->profile = g_strdup (entry->profile);
  fetch->account_id = g_strdup (entry->account_id);
  fetch->role_name = g_strdup (entry->role_name);
  entry->running = TRUE;
  gh_role_credentials_get_async (session, entry->account_id, entry->role_name, FALSE,
                                 self->cancellable, fetched_cb, fetch);
}

static void
timer_cb (gpointer user_data)
{
  GhCredentialsKeeper *self = user_data;

  self->timer_id = 0;
  evaluate (self);
}

static void
disarm_timer (GhCredentialsKeeper *self)
{
  if (self->timer_id != 0)
    gh_clock_remove_timer (self->clock, self->timer_id);
  self->timer_id = 0;
}

static void
evaluate (GhCredentialsKeeper *self)
{
  gint64 now = gh_clock_get_now (self->clock);
  gint64 next = G_MAXINT64;

  disarm_timer (self);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      GhSession *session = gh_session_manager_lookup (self->sessions, entry->session_name);
      gint64 due;

      /* A sign-in that is not current waits for the person; its session changing brings us
       * back here. */
      if (entry->running || session == NULL ||
          !gh_session_status_is_signed_in (gh_session_get_status (session)))
        continue;

      due = entry->expiration > 0 ? entry->expiration - self->window : 0;
      due = MAX (due, entry->retry_at);
      if (due <= now)
        start_fetch (self, entry, session);
      else
        next = MIN (next, due);
    }

  /* A wall-clock timer: the clock re-checks it after a suspend or a clock change. */
  if (next != G_MAXINT64)
    self->timer_id = gh_clock_add_timer (self->clock, next, timer_cb, self, NULL);
}

static gboolean
evaluate_cb (gpointer user_data)
{
  GhCredentialsKeeper *self = user_data;

  self->evaluate_id = 0;
  evaluate (self);
  return G_SOURCE_REMOVE;
}

void
gh_credentials_keeper_queue_evaluate (GhCredentialsKeeper *self)
{
  g_return_if_fail (GH_IS_CREDENTIALS_KEEPER (self));

  if (self->evaluate_id == 0)
    self->evaluate_id = g_idle_add (evaluate_cb, self);
}

static gboolean
same_target (Entry           *entry,
             GhProfileConfig *config,
             const char      *session_name)
{
  return g_strcmp0 (entry->session_name, session_name) == 0 &&
         g_strcmp0 (entry->account_id, config ? config->sso_account_id : NULL) == 0 &&
         g_strcmp0 (entry->role_name, config ? config->sso_role_name : NULL) == 0;
}

void
gh_credentials_keeper_reload (GhCredentialsKeeper *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_auto(GStrv) profiles = NULL;

  g_return_if_fail (GH_IS_CREDENTIALS_KEEPER (self));

  profiles = gh_credentials_file_managed_profiles (self->path, &error);
  if (profiles == NULL)
    {
      /* Keep what is known; the next change of the file brings us back. */
      g_debug ("%s", error->message);
      return;
    }

  for (guint i = 0; profiles[i] != NULL; i++)
    {
      g_autoptr(GhProfileConfig) config = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *session_name = NULL;
      Entry *old = find_entry (self, profiles[i]);
      Entry *entry;

      config = gh_aws_config_find_profile (gh_session_manager_get_config_path (self->sessions),
                                           profiles[i], &local_error);
      if (config != NULL)
        session_name = config->sso_session ? config->sso_session : config->name;
      else
        g_debug ("Not keeping [%s] fresh: %s", profiles[i], local_error->message);

      if (old != NULL && same_target (old, config, session_name))
        {
          guint index = 0;

          g_ptr_array_find (self->entries, old, &index);
          g_ptr_array_add (entries, g_ptr_array_steal_index (self->entries, index));
          /* A changed file may hold other keys; a section we gave up on gets another try. */
          if (old->retry_at == G_MAXINT64)
            old->retry_at = 0;
          continue;
        }

      entry = g_new0 (Entry, 1);
      entry->profile = g_strdup (profiles[i]);
      entry->session_name = g_strdup (session_name);
      entry->account_id = g_strdup (config ? config->sso_account_id : NULL);
      entry->role_name = g_strdup (config ? config->sso_role_name : NULL);
      entry->running = old != NULL && old->running;
      g_ptr_array_add (entries, entry);
    }

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->entries = g_steal_pointer (&entries);
  gh_credentials_keeper_queue_evaluate (self);
}

const char *
gh_credentials_keeper_get_path (GhCredentialsKeeper *self)
{
  g_return_val_if_fail (GH_IS_CREDENTIALS_KEEPER (self), NULL);

  return self->path;
}

void
gh_credentials_keeper_retry_now (GhCredentialsKeeper *self)
{
  gint64 now;

  g_return_if_fail (GH_IS_CREDENTIALS_KEEPER (self));

  now = gh_clock_get_now (self->clock);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      /* Sections that are no longer Gatehouse's (G_MAXINT64) wait for the file to change. */
      if (entry->backoff > 0 && entry->retry_at != G_MAXINT64)
        entry->retry_at = now;
    }
  gh_credentials_keeper_queue_evaluate (self);
}

static void
gh_credentials_keeper_dispose (GObject *object)
{
  GhCredentialsKeeper *self = GH_CREDENTIALS_KEEPER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->clock != NULL)
    disarm_timer (self);
  g_clear_object (&self->clock);
  g_clear_handle_id (&self->evaluate_id, g_source_remove);
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_object (&self->sessions);

  G_OBJECT_CLASS (gh_credentials_keeper_parent_class)->dispose (object);
}

static void
gh_credentials_keeper_finalize (GObject *object)
{
  GhCredentialsKeeper *self = GH_CREDENTIALS_KEEPER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (gh_credentials_keeper_parent_class)->finalize (object);
}

static void
gh_credentials_keeper_class_init (GhCredentialsKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gh_credentials_keeper_dispose;
  object_class->finalize = gh_credentials_keeper_finalize;

  signals[WRITE_FAILED] = g_signal_new ("write-failed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, GH_TYPE_SESSION, G_TYPE_ERROR);
  signals[WRITTEN] = g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, GH_TYPE_SESSION);
}

static void
gh_credentials_keeper_init (GhCredentialsKeeper *self)
{
  const char *window = g_getenv ("GATEHOUSE_CREDENTIALS_WINDOW");
  gint64 value = window ? g_ascii_strtoll (window, NULL, 10) : 0;

  self->window = value > 0 ? value : GH_ROLE_CREDENTIALS_REUSE_WINDOW;
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->cancellable = g_cancellable_new ();
}

GhCredentialsKeeper *
gh_credentials_keeper_new (GhClock          *clock,
                           GhSessionManager *sessions,
                           const char       *credentials_path)
{
  GhCredentialsKeeper *self;

  g_return_val_if_fail (GH_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (GH_IS_SESSION_MANAGER (sessions), NULL);
  g_return_val_if_fail (credentials_path != NULL, NULL);

  self = g_object_new (GH_TYPE_CREDENTIALS_KEEPER, NULL);
  self->clock = g_object_ref (clock);
  self->sessions = g_object_ref (sessions);
  self->path = g_strdup (credentials_path);
  /* A sign-in that appears (or comes back with a changed definition) may be one a section
   * waits for. */
  g_signal_connect_object (sessions, "items-changed",
                           G_CALLBACK (gh_credentials_keeper_queue_evaluate), self,
                           G_CONNECT_SWAPPED);
  return self;
}
