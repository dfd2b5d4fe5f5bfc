/* gh-discovery.c — list every account and role of a sign-in, fast and throttle-proof
 *
 * One run is a small scheduler: a queue of page requests (ListAccounts pages, then one
 * ListAccountRoles chain per account). The GhRateLimiter decides when the next one may go
 * (how many are in flight, how fast they leave); one request at a time waits for it, the rest
 * stay in the queue, so the order below holds at the moment each request leaves. Role listing
 * starts as soon as the first page of accounts is in; further account pages, further role
 * pages of an account and retries go to the front of the queue, so the total is known early
 * and accounts finish one by one.
 *
 * Retries are done here, not in GhHttp, because they need different rules:
 *   - 429 TooManyRequestsException: the limiter slows down (once per round trip, not once per
 *     throttled reply) and the page is retried, without limit — a listing never fails because
 *     of throttling, it only slows down;
 *   - 5xx, network failures, malformed replies: up to MAX_ATTEMPTS per page with jittered
 *     exponential backoff, then the whole run fails with that error;
 *   - 401 UnauthorizedException: the refused token is replaced once per run, shared by every
 *     request that saw the 401 (single flight), then those requests retry; a 401 with the new
 *     token fails the run with gh_session_token_refused_error() (the sign-in has not ended:
 *     one that has fails the replacement with GH_ERROR_NOT_SIGNED_IN).
 * So the GhHttp used must not retry by itself: with http = NULL, gh_discovery_new makes a
 * dedicated one with max_attempts 1 (recommended). A caller that passes its own GhHttp should
 * give it max_attempts 1 (gh_http_set_retry_policy); otherwise GhHttp's own retries of 429
 * happen underneath the rate limiter and only the final 429 slows it down.
 */
#define G_LOG_DOMAIN "gh-discovery"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-discovery.h"
#include "gh-discovery-private.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-rate-limiter.h"
#include "gh-role.h"
#include "gh-secret-store.h"

#define PAGE_SIZE "100"
/* Attempts per page for 5xx, network failures and malformed replies (not for throttling). */
#define MAX_ATTEMPTS 4
#define BACKOFF_BASE_MS 200
#define BACKOFF_CAP_MS 5000

struct _GhDiscovery
{
  GObject     parent_instance;
  GhSession  *session;
  GhHttp     *http;
  guint       concurrency;
  double      initial_rate;   /* 0: unknown, found by the limiter */
};

G_DEFINE_FINAL_TYPE (GhDiscovery, gh_discovery, G_TYPE_OBJECT)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  REQUEST_ACCOUNTS,
  REQUEST_ROLES,
} RequestKind;

typedef struct _Run Run;

typedef struct
{
  Run             *run;          /* owned reference */
  RequestKind      kind;
  GhPortalAccount *account;      /* REQUEST_ROLES; owned by run->accounts */
  char            *next_token;   /* NULL for the first page */
  guint            failures;     /* transient failures of the current page */
  guint            generation;   /* token generation the last attempt was sent with */
  guint64          ticket;       /* from the limiter while in flight, else 0 */
} Request;

struct _Run
{
  grefcount      ref_count;
  GhDiscovery   *self;
  GTask         *task;              /* NULL once the run has returned */
  GCancellable  *cancellable;       /* ours: cancelled when the run returns */
  GCancellable  *user_cancellable;
  gulong         user_cancelled_id;
  GMainContext  *context;
  GhRateLimiter *limiter;
  char          *base_url;
  char          *token;
  guint          generation;
  gboolean       refreshing;
  gboolean       refreshed;
  GQueue         queue;             /* Request, waiting for their turn */
  Request       *waiting;           /* the one waiting for the limiter */
  GPtrArray     *parked;            /* Request, waiting for the token refresh */
  guint          active;            /* Requests out of the queue and not finished */
  gboolean       accounts_listed;
  GPtrArray     *accounts;          /* GhPortalAccount */
  GHashTable    *account_ids;       /* id → GhPortalAccount */
  GHashTable    *role_keys;         /* key (owned by the role) */
  GPtrArray     *roles;             /* GhRole */
  guint          accounts_done;
};

static void acquired_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data);

/* ------------------------------------------------------------------------------------------ */
/* Run and request bookkeeping */

static Run *
run_ref (Run *run)
{
  g_ref_count_inc (&run->ref_count);
  return run;
}

static void request_free (Request *request);

static void
run_unref (Run *run)
{
  if (!g_ref_count_dec (&run->ref_count))
    return;

  g_assert (run->task == NULL);
  g_assert (g_queue_is_empty (&run->queue));
  g_clear_object (&run->self);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->user_cancellable);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_object (&run->limiter);
  g_clear_pointer (&run->base_url, g_free);
  g_clear_pointer (&run->token, gh_secret_free);
  g_clear_pointer (&run->parked, g_ptr_array_unref);
  g_clear_pointer (&run->accounts, g_ptr_array_unref);
  g_clear_pointer (&run->account_ids, g_hash_table_unref);
  g_clear_pointer (&run->role_keys, g_hash_table_unref);
  g_clear_pointer (&run->roles, g_ptr_array_unref);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

static Request *
request_new (Run             *run,
             RequestKind      kind,
             GhPortalAccount *account)
{
  Request *request = g_new0 (Request, 1);

  request->run = run_ref (run);
  request->kind = kind;
  request->account = account;
  return request;
}

static void
request_free (Request *request)
{
  /* Dropped while in flight (the run ended): its slot goes back, and tells nothing. */
  if (request->ticket != 0)
    gh_rate_limiter_released (request->run->limiter, request->ticket);
  g_clear_pointer (&request->next_token, g_free);
  g_clear_pointer (&request->run, run_unref);
  g_free (request);
}

static gboolean
run_finished (Run *run)
{
  return run->task == NULL;
}

/* Returns the task exactly once, stops everything still going and drops queued work. */
static void
run_return (Run       *run,
            GPtrArray *roles,
            GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&run->task);
  Request *request;

  g_assert (task != NULL);
  g_assert ((roles == NULL) != (error == NULL));

  if (run->user_cancelled_id != 0)
    {
      g_cancellable_disconnect (run->user_cancellable, run->user_cancelled_id);
      run->user_cancelled_id = 0;
    }

  /* Callbacks still on their way find run_finished() and only clean up. */
  g_cancellable_cancel (run->cancellable);
  while ((request = g_queue_pop_head (&run->queue)) != NULL)
    request_free (request);
  g_ptr_array_set_size (run->parked, 0);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, roles, (GDestroyNotify) g_ptr_array_unref);
}

static void
run_fail (Run    *run,
          GError *error)
{
  if (run_finished (run))
    {
      g_error_free (error);
      return;
    }

  g_debug ("Discovery failed: %s", error->message);
  run_return (run, NULL, error);
}

static void
emit_progress (Run *run)
{
  g_signal_emit (run->self, signals[PROGRESS], 0,
                 run->accounts_done, run->accounts_listed ? run->accounts->len : 0u);
}

/* The first queued request waits for the limiter (when none does), and the run completes when
 * all is done. */
static void
pump (Run *run)
{
  if (!run_finished (run) && run->waiting == NULL && !g_queue_is_empty (&run->queue))
    {
      run->waiting = g_queue_pop_head (&run->queue);
      run->active++;
      gh_rate_limiter_acquire_async (run->limiter, run->cancellable, acquired_cb, run->waiting);
    }

  if (!run_finished (run) && run->active == 0 && g_queue_is_empty (&run->queue) &&
      run->accounts_listed)
    {
      g_autoptr(GPtrArray) roles = g_steal_pointer (&run->roles);

      g_assert (run->parked->len == 0 && !run->refreshing);
      g_ptr_array_sort (roles, gh_role_compare);
      g_debug ("Discovery done: %u accounts, %u roles", run->accounts->len, roles->len);
      run_return (run, g_steal_pointer (&roles), NULL);
    }
}

/* The request is finished (its last page is in): give its slot to the next one. */
static void
request_done (Request *request)
{
  g_autoptr(Run) run = run_ref (request->run);

  g_assert (run->active > 0);
  run->active--;
  request_free (request);
  pump (run);
}

/* The request goes (again) before anything else queued. */
static void
request_requeue (Request *request)
{
  g_autoptr(Run) run = run_ref (request->run);

  g_assert (run->active > 0);
  run->active--;
  g_queue_push_head (&run->queue, request);
  pump (run);
}

/* The request has another page: it goes first, so accounts complete one after another. */
static void
request_next_page (Request    *request,
                   const char *next_token)
{
  g_free (request->next_token);
  request->next_token = g_strdup (next_token);
  request->failures = 0;
  request_requeue (request);
}

/* Takes the limiter's ticket from a request whose reply is in. */
static guint64
request_take_ticket (Request *request)
{
  guint64 ticket = request->ticket;

  request->ticket = 0;
  return ticket;
}

/* ------------------------------------------------------------------------------------------ */
/* Replies */

void
gh_portal_account_free (GhPortalAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->id);
  g_free (account->name);
  g_free (account->email);
  g_free (account);
}

/* One page of a list reply: the list in @member, and in @next_token the token for the next
 * page (NULL on the last page: absent, null or empty). */
static JsonArray *
read_page (JsonNode    *root,
           const char  *member,
           const char  *operation,
           const char  *sent_token,
           char       **next_token,
           GError     **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  const char *token;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has no list “%s”"), operation, member);
      return NULL;
    }

  token = gh_json_get_string (object, "nextToken");
  if (token != NULL && *token == '\0')
    token = NULL;

  /* A service that hands back the token it was given would keep us paging forever. */
  if (token != NULL && g_strcmp0 (token, sent_token) == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the service returned the same page token again"), operation);
      return NULL;
    }

  *next_token = g_strdup (token);
  return json_node_get_array (node);
}

/* The @i-th entry of a list, NULL when it is not an object */
static JsonObject *
entry_object (JsonArray *list,
              guint      i)
{
  JsonNode *node = json_array_get_element (list, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

GPtrArray *
gh_discovery_decode_accounts (JsonNode    *root,
                              const char  *sent_token,
                              char       **next_token,
                              GError     **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  JsonArray *list = read_page (root, "accountList", "ListAccounts", sent_token, next_token,
                               error);
  guint n;

  if (list == NULL)
    return NULL;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_portal_account_free);
  n = json_array_get_length (list);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = entry_object (list, i);
      const char *id = gh_json_get_string (object, "accountId");
      GhPortalAccount *account;

      if (id == NULL || *id == '\0')
        {
          g_debug ("ListAccounts: skipping an entry without accountId");
          continue;
        }

      account = g_new0 (GhPortalAccount, 1);
      account->id = g_strdup (id);
      account->name = g_strdup (gh_json_get_string (object, "accountName"));
      account->email = g_strdup (gh_json_get_string (object, "emailAddress"));
      g_ptr_array_add (accounts, account);
    }

  return g_steal_pointer (&accounts);
}

GStrv
gh_discovery_decode_roles (JsonNode    *root,
                           const char  *sent_token,
                           char       **next_token,
                           GError     **error)
{
  g_autoptr(GStrvBuilder) names = NULL;
  JsonArray *list = read_page (root, "roleList", "ListAccountRoles", sent_token, next_token,
                               error);
  guint n;

  if (list == NULL)
    return NULL;

  names = g_strv_builder_new ();
  n = json_array_get_length (list);
  for (guint i = 0; i < n; i++)
    {
      const char *role_name = gh_json_get_string (entry_object (list, i), "roleName");

      /* Names are kept exactly as sent: spaces and any Unicode are part of the name. */
      if (role_name == NULL || *role_name == '\0')
        {
          g_debug ("ListAccountRoles: skipping an entry without roleName");
          continue;
        }
      g_strv_builder_add (names, role_name);
    }

  return g_strv_builder_end (names);
}

static gboolean
handle_accounts (Request   *request,
                 JsonNode  *root,
                 GError   **error)
{
  Run *run = request->run;
  g_autofree char *next_token = NULL;
  g_autoptr(GPtrArray) accounts = gh_discovery_decode_accounts (root, request->next_token,
                                                                &next_token, error);

  if (accounts == NULL)
    return FALSE;

  for (guint i = 0; i < accounts->len; i++)
    {
      GhPortalAccount *account = g_ptr_array_index (accounts, i);

      if (g_hash_table_contains (run->account_ids, account->id))
        continue;

      account = g_ptr_array_steal_index (accounts, i--);
      g_ptr_array_add (run->accounts, account);
      g_hash_table_insert (run->account_ids, account->id, account);
      g_queue_push_tail (&run->queue, request_new (run, REQUEST_ROLES, account));
    }

  if (next_token != NULL)
    {
      request_next_page (request, next_token);
      return TRUE;
    }

  run->accounts_listed = TRUE;
  emit_progress (run);
  request_done (request);
  return TRUE;
}

static gboolean
handle_roles (Request   *request,
              JsonNode  *root,
              GError   **error)
{
  Run *run = request->run;
  GhPortalAccount *account = request->account;
  g_autofree char *next_token = NULL;
  g_auto(GStrv) role_names = gh_discovery_decode_roles (root, request->next_token, &next_token,
                                                        error);

  if (role_names == NULL)
    return FALSE;

  for (guint i = 0; role_names[i] != NULL; i++)
    {
      GhRole *role = gh_role_new (gh_session_get_name (run->self->session), account->id,
                                  account->name, account->email, role_names[i]);

      if (!g_hash_table_add (run->role_keys, (gpointer) gh_role_get_key (role)))
        {
          g_object_unref (role);
          continue;
        }
      g_ptr_array_add (run->roles, role);
    }

  if (next_token != NULL)
    {
      request_next_page (request, next_token);
      return TRUE;
    }

  run->accounts_done++;
  emit_progress (run);
  request_done (request);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Failures */

static void
token_refreshed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parked = NULL;
  char *token;

  token = gh_session_get_access_token_finish (GH_SESSION (object), result, &error);
  run->refreshing = FALSE;

  if (run_finished (run))
    {
      g_clear_pointer (&token, gh_secret_free);
      return;
    }

  if (token == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&run->token, gh_secret_free);
  run->token = token;
  run->generation++;
  run->refreshed = TRUE;

  parked = g_steal_pointer (&run->parked);
  run->parked = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_ptr_array_set_free_func (parked, NULL);
  /* Requeued requests stay active until they leave the queue again, so the run cannot end
   * inside this loop. */
  for (guint i = 0; i < parked->len; i++)
    request_requeue (g_ptr_array_index (parked, i));
}

static void
handle_unauthorized (Request *request)
{
  Run *run = request->run;

  if (request->generation < run->generation)
    {
      /* Someone refreshed the token while this request was on its way. */
      request_requeue (request);
      return;
    }

  if (run->refreshing)
    {
      g_ptr_array_add (run->parked, request);
      return;
    }

  if (run->refreshed)
    {
      run_fail (run, gh_session_token_refused_error (run->self->session));
      request_free (request);
      return;
    }

  g_debug ("Access token rejected mid-listing; replacing it");
  run->refreshing = TRUE;
  g_ptr_array_add (run->parked, request);
  gh_session_get_access_token_async (run->self->session, run->token, run->cancellable,
                                     token_refreshed_cb, run_ref (run));
}

static gboolean
backoff_done_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  Request *request = user_data;

  if (run_finished (request->run))
    request_free (request);
  else
    request_requeue (request);
  return G_SOURCE_REMOVE;
}

static void
retry_after_backoff (Request *request)
{
  guint64 ceiling = (guint64) BACKOFF_BASE_MS << MIN (request->failures - 1, 16u);
  guint delay_ms = (guint) (g_random_double () * MIN (ceiling, BACKOFF_CAP_MS));
  g_autoptr(GSource) source = g_cancellable_source_new (request->run->cancellable);

  g_debug ("Retrying in %u ms", delay_ms);
  g_source_set_ready_time (source, g_get_monotonic_time () + (gint64) delay_ms * 1000);
  g_source_set_callback (source, G_SOURCE_FUNC (backoff_done_cb), request, NULL);
  g_source_attach (source, request->run->context);
}

static void
request_failed (Request *request,
                GError  *error)
{
  /* Freeing the request may drop the last other reference to the run. */
  g_autoptr(Run) run = run_ref (request->run);
  gboolean throttled = g_error_matches (error, GH_ERROR, GH_ERROR_THROTTLED);
  guint64 ticket = request_take_ticket (request);

  /* Only a throttling reply tells the limiter something; other failures just free the slot. */
  if (ticket != 0 && throttled)
    gh_rate_limiter_throttled (run->limiter, ticket);
  else if (ticket != 0)
    gh_rate_limiter_released (run->limiter, ticket);

  if (run_finished (run))
    {
      g_error_free (error);
      request_free (request);
      return;
    }

  if (throttled)
    {
      g_debug ("%s throttled", request->kind == REQUEST_ACCOUNTS ? "ListAccounts"
                                                                 : "ListAccountRoles");
      g_error_free (error);
      request_requeue (request);
      return;
    }

  if (g_error_matches (error, GH_ERROR, GH_ERROR_UNAUTHORIZED))
    {
      g_error_free (error);
      handle_unauthorized (request);
      return;
    }

  if (g_error_matches (error, GH_ERROR, GH_ERROR_NOT_FOUND) && request->kind == REQUEST_ROLES)
    {
      /* The account went away between ListAccounts and now: it simply has no roles. */
      g_debug ("Account %s disappeared during the listing", request->account->id);
      g_error_free (error);
      run->accounts_done++;
      emit_progress (run);
      request_done (request);
      return;
    }

  if (gh_error_is_transient (error) && ++request->failures < MAX_ATTEMPTS)
    {
      g_debug ("Attempt %u failed: %s", request->failures, error->message);
      g_error_free (error);
      retry_after_backoff (request);
      return;
    }

  request_free (request);
  run_fail (run, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Sending */

static char *
request_url (Request *request)
{
  Run *run = request->run;
  GString *url = g_string_new (run->base_url);

  if (request->kind == REQUEST_ACCOUNTS)
    g_string_append (url, "/assignment/accounts?max_result=" PAGE_SIZE);
  else
    {
      g_autofree char *id = g_uri_escape_string (request->account->id, NULL, FALSE);

      g_string_append_printf (url, "/assignment/roles?account_id=%s&max_result=" PAGE_SIZE, id);
    }

  if (request->next_token != NULL)
    {
      g_autofree char *token = g_uri_escape_string (request->next_token, NULL, FALSE);

      g_string_append_printf (url, "&next_token=%s", token);
    }

  return g_string_free (url, FALSE);
}

static void
reply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Request *request = user_data;
  Run *run = request->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = gh_http_call_finish (GH_HTTP (object), result, &error);
  gboolean handled;

  if (run_finished (run))
    {
      request_free (request);
      return;
    }

  if (root == NULL)
    {
      request_failed (request, g_steal_pointer (&error));
      return;
    }

  gh_rate_limiter_succeeded (run->limiter, request_take_ticket (request));

  if (request->kind == REQUEST_ACCOUNTS)
    handled = handle_accounts (request, root, &error);
  else
    handled = handle_roles (request, root, &error);

  if (!handled)
    request_failed (request, g_steal_pointer (&error));
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(Run) run = run_ref (request->run);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert (run->waiting == request);
  run->waiting = NULL;

  if (!gh_rate_limiter_acquire_finish (GH_RATE_LIMITER (object), result, &request->ticket,
                                       &error))
    {
      request_failed (request, g_steal_pointer (&error));
      return;
    }

  if (run_finished (run))
    {
      request_free (request);
      return;
    }

  url = request_url (request);
  request->generation = run->generation;
  gh_http_call_async (run->self->http,
                      request->kind == REQUEST_ACCOUNTS ? "ListAccounts" : "ListAccountRoles",
                      "GET", url, NULL, run->token, run->cancellable, reply_cb, request);
  /* The next one waits for its turn. */
  pump (run);
}

/* ------------------------------------------------------------------------------------------ */
/* Starting */

static void
first_token_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  char *token = gh_session_get_access_token_finish (GH_SESSION (object), result, &error);

  if (run_finished (run))
    {
      g_clear_pointer (&token, gh_secret_free);
      return;
    }

  if (token == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  run->token = token;
  run->generation = 1;
  g_queue_push_tail (&run->queue, request_new (run, REQUEST_ACCOUNTS, NULL));
  emit_progress (run);
  pump (run);
}

static gboolean
user_cancelled_idle_cb (gpointer user_data)
{
  Run *run = user_data;

  if (!run_finished (run))
    run_fail (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                        _("Operation was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
user_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Return promptly, whatever is in flight — but not from inside this handler, where
   * disconnecting it would deadlock. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, user_cancelled_idle_cb, run_ref (run),
                         (GDestroyNotify) run_unref);
  g_source_attach (source, run->context);
}

void
gh_discovery_run_async (GhDiscovery         *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GH_IS_DISCOVERY (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_discovery_run_async);

  run = g_new0 (Run, 1);
  g_ref_count_init (&run->ref_count);
  run->self = g_object_ref (self);
  run->cancellable = g_cancellable_new ();
  run->context = g_main_context_ref_thread_default ();
  run->limiter = gh_rate_limiter_new (self->concurrency, self->initial_rate);
  g_queue_init (&run->queue);
  run->parked = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  run->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_portal_account_free);
  run->account_ids = g_hash_table_new (g_str_hash, g_str_equal);
  run->role_keys = g_hash_table_new (g_str_hash, g_str_equal);
  run->roles = g_ptr_array_new_with_free_func (g_object_unref);

  run->base_url = gh_endpoint_url (GH_SERVICE_PORTAL, gh_session_get_region (self->session),
                                   &error);
  if (run->base_url == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The task keeps the run alive until the caller has the result; run_return breaks the
   * cycle by dropping run->task. */
  g_task_set_task_data (task, run_ref (run), (GDestroyNotify) run_unref);
  run->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      run->user_cancellable = g_object_ref (cancellable);
      run->user_cancelled_id = g_cancellable_connect (cancellable,
                                                      G_CALLBACK (user_cancelled_cb),
                                                      run, NULL);
    }

  gh_session_get_access_token_async (self->session, NULL, run->cancellable,
                                     first_token_cb, run_ref (run));
}

GPtrArray *
gh_discovery_run_finish (GhDiscovery   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (GH_IS_DISCOVERY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
gh_discovery_dispose (GObject *object)
{
  GhDiscovery *self = GH_DISCOVERY (object);

  g_clear_object (&self->session);
  g_clear_object (&self->http);

  G_OBJECT_CLASS (gh_discovery_parent_class)->dispose (object);
}

static void
gh_discovery_class_init (GhDiscoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gh_discovery_dispose;

  /**
   * GhDiscovery::progress:
   * @accounts_done: accounts whose roles are all listed
   * @accounts_total: accounts in all, 0 until ListAccounts has finished paging
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
gh_discovery_init (GhDiscovery *self)
{
  /* As many in flight as GhHttp opens connections to one host. */
  self->concurrency = GH_HTTP_MAX_CONNS_PER_HOST;
}

/**
 * gh_discovery_new:
 * @session: the signed-in session to list
 * @http: (nullable): NULL (recommended) for a dedicated GhHttp that does not retry by itself;
 *   a GhHttp given here should have max_attempts 1, since the discovery does its own retries
 */
GhDiscovery *
gh_discovery_new (GhSession *session,
                  GhHttp    *http)
{
  GhDiscovery *self;

  g_return_val_if_fail (GH_IS_SESSION (session), NULL);
  g_return_val_if_fail (http == NULL || GH_IS_HTTP (http), NULL);

  self = g_object_new (GH_TYPE_DISCOVERY, NULL);
  self->session = g_object_ref (session);
  if (http != NULL)
    self->http = g_object_ref (http);
  else
    {
      self->http = gh_http_new ();
      gh_http_set_retry_policy (self->http, 1, BACKOFF_BASE_MS, BACKOFF_CAP_MS);
    }
  return self;
}

void
gh_discovery_set_concurrency (GhDiscovery *self,
                              guint        max_in_flight)
{
  g_return_if_fail (GH_IS_DISCOVERY (self));
  g_return_if_fail (max_in_flight > 0);

  self->concurrency = max_in_flight;
}

void
gh_discovery_set_initial_rate (GhDiscovery *self,
                               double       requests_per_second)
{
  g_return_if_fail (GH_IS_DISCOVERY (self));
  g_return_if_fail (requests_per_second > 0);

  self->initial_rate = requests_per_second;
}
