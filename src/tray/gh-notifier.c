/* gh-notifier.c — libnotify notifications on a worker thread, buttons → actions
 *
 * What this relies on in libnotify (its source, and Debian 12's 0.8.1 build):
 * - notify_notification_show (), _close () and the first use of the library are synchronous
 *   D-Bus calls with the default timeout (25 s); the first one also builds a GDBusProxy with
 *   g_dbus_proxy_new_for_bus_sync () and asks for GetServerInformation.
 * - That proxy, a global of libnotify, delivers ActionInvoked and NotificationClosed (or the
 *   portal's ActionInvoked) to the thread-default main context of the thread that built it: the
 *   worker pushes its own context before touching libnotify, so clicks arrive on the worker.
 * - Disposing a NotifyNotification looks the proxy up (building it if there is none), so
 *   notifications are dropped on the worker too.
 * - The portal path adds a g_timeout_add () on the global default context for a positive
 *   timeout; nothing here sets one, so the worker's context is the only one libnotify uses.
 * - notify_uninit () closes the notifications it still knows that have buttons (synchronous
 *   calls). The worker finalizes its notifications first, so uninit only drops the proxy.
 */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <libnotify/notify.h>

#include "gh-notifier.h"

/* How long dispose waits for the worker to finish. A worker stuck in a call to a server that
 * does not answer (up to D-Bus's 25 s) is left behind after that: the notifier is disposed when
 * the service quits, and quitting must not wait for a broken desktop component. The thread
 * keeps its own reference to everything it uses, so nothing is freed under it. */
#define STOP_GRACE_USEC (2 * G_USEC_PER_SEC)

/* libnotify keeps its proxy and application name in globals: one worker at a time. */
static GMutex libnotify_lock;

typedef struct
{
  gatomicrefcount  ref_count;

  GMainContext    *main_context;       /* the creator's: clicks are activated there */
  GMainContext    *context;            /* the worker's */
  GMainLoop       *loop;

  /* Main context only */
  GActionGroup    *actions;            /* weak: the application owns the notifier */

  /* Worker only */
  GHashTable      *notifications;      /* key → NotifyNotification */
  gboolean         initialised;
  gboolean         stopping;

  GMutex           lock;
  GCond            cond;
  gboolean         finished;           /* under lock */
} Worker;

struct _GhNotifier
{
  GObject  parent_instance;
  Worker  *worker;
  GThread *thread;
};

G_DEFINE_FINAL_TYPE (GhNotifier, gh_notifier, G_TYPE_OBJECT)

static Worker *
worker_new (GActionGroup *actions)
{
  Worker *worker = g_new0 (Worker, 1);

  g_atomic_ref_count_init (&worker->ref_count);
  worker->main_context = g_main_context_ref_thread_default ();
  worker->context = g_main_context_new ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->actions = actions;
  g_object_add_weak_pointer (G_OBJECT (actions), (gpointer *) &worker->actions);
  worker->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 g_object_unref);
  g_mutex_init (&worker->lock);
  g_cond_init (&worker->cond);
  return worker;
}

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;

  /* The worker thread has dropped its notifications; the main context its weak pointer. */
  g_assert (worker->notifications == NULL);
  g_assert (worker->actions == NULL);
  g_main_loop_unref (worker->loop);
  g_main_context_unref (worker->context);
  g_main_context_unref (worker->main_context);
  g_mutex_clear (&worker->lock);
  g_cond_clear (&worker->cond);
  g_free (worker);
}

/* Button clicks: a button's action, activated on the main context */

typedef struct
{
  Worker   *worker;
  char     *action_name;
  GVariant *target;
} Activation;

static Activation *
activation_new (Worker     *worker,
                const char *action_name,
                GVariant   *target)
{
  Activation *activation = g_new0 (Activation, 1);

  activation->worker = worker_ref (worker);
  activation->action_name = g_strdup (action_name);
  activation->target = target ? g_variant_ref (target) : NULL;
  return activation;
}

static void
activation_free (gpointer data)
{
  Activation *activation = data;

  worker_unref (activation->worker);
  g_free (activation->action_name);
  g_clear_pointer (&activation->target, g_variant_unref);
  g_free (activation);
}

static gboolean
activate_cb (gpointer data)
{
  Activation *activation = data;

  if (activation->worker->actions != NULL)
    g_action_group_activate_action (activation->worker->actions, activation->action_name,
                                    activation->target);
  return G_SOURCE_REMOVE;
}

/* On the worker: the button's data is copied, as the notification may go first. */
static void
button_cb (NotifyNotification *notification,
           char               *action,
           gpointer            user_data)
{
  Activation *button = user_data;
  Worker *worker = button->worker;

  if (button->action_name != NULL)
    g_main_context_invoke_full (worker->main_context, G_PRIORITY_DEFAULT, activate_cb,
                                activation_new (worker, button->action_name, button->target),
                                activation_free);
  if (!worker->stopping)
    notify_notification_close (notification, NULL);
}

/* Requests: from the main context to the worker */

typedef struct
{
  char     *label;
  char     *action_name;
  GVariant *target;
} Button;

typedef struct
{
  Worker   *worker;                    /* only the worker, which holds a reference, runs these */
  char     *key;
  char     *summary;
  char     *body;
  char     *icon_name;
  Button   *buttons;
  guint     n_buttons;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  for (guint i = 0; i < request->n_buttons; i++)
    {
      g_free (request->buttons[i].label);
      g_free (request->buttons[i].action_name);
      g_clear_pointer (&request->buttons[i].target, g_variant_unref);
    }
  g_free (request->buttons);
  g_free (request->key);
  g_free (request->summary);
  g_free (request->body);
  g_free (request->icon_name);
  g_free (request);
}

static void
post (GhNotifier  *self,
      GSourceFunc  function,
      Request     *request)
{
  if (self->worker == NULL)
    {
      request_free (request);
      return;
    }
  request->worker = self->worker;
  g_main_context_invoke_full (self->worker->context, G_PRIORITY_DEFAULT, function, request,
                              request_free);
}

static NotifyNotification *
lookup_or_create (Worker  *worker,
                  Request *request)
{
  NotifyNotification *notification = g_hash_table_lookup (worker->notifications, request->key);

  if (notification != NULL)
    {
      notify_notification_update (notification, request->summary, request->body,
                                  request->icon_name);
      return notification;
    }

  notification = notify_notification_new (request->summary, request->body, request->icon_name);
  notify_notification_set_app_name (notification, "Gatehouse");
  notify_notification_set_hint (notification, "desktop-entry",
                                g_variant_new_string (APPLICATION_ID));
  g_hash_table_insert (worker->notifications, g_strdup (request->key), notification);
  return notification;
}

static gboolean
show_cb (gpointer data)
{
  Request *request = data;
  Worker *worker = request->worker;
  NotifyNotification *notification;
  g_autoptr(GError) error = NULL;

  if (!worker->initialised || worker->stopping)
    return G_SOURCE_REMOVE;

  notification = lookup_or_create (worker, request);
  notify_notification_clear_actions (notification);
  for (guint i = 0; i < request->n_buttons; i++)
    {
      g_autofree char *id = g_strdup_printf ("button-%u", i);

      notify_notification_add_action (notification, id, request->buttons[i].label, button_cb,
                                      activation_new (worker, request->buttons[i].action_name,
                                                      request->buttons[i].target),
                                      activation_free);
    }

  if (!notify_notification_show (notification, &error))
    g_debug ("Could not show a notification: %s", error->message);
  return G_SOURCE_REMOVE;
}

static gboolean
withdraw_cb (gpointer data)
{
  Request *request = data;
  Worker *worker = request->worker;
  NotifyNotification *notification;

  if (!worker->initialised || worker->stopping)
    return G_SOURCE_REMOVE;

  if (request->key == NULL)
    {
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, worker->notifications);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &notification))
        notify_notification_close (notification, NULL);
      return G_SOURCE_REMOVE;
    }

  notification = g_hash_table_lookup (worker->notifications, request->key);
  if (notification != NULL)
    notify_notification_close (notification, NULL);
  return G_SOURCE_REMOVE;
}

/* The worker thread */

static gboolean
stop_cb (gpointer data)
{
  Worker *worker = data;

  worker->stopping = TRUE;
  g_main_loop_quit (worker->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;

  g_mutex_lock (&libnotify_lock);
  g_main_context_push_thread_default (worker->context);
  worker->initialised = notify_init (APPLICATION_ID);

  /* No timeouts of its own: it sleeps in poll () until a request or a D-Bus signal comes. */
  g_main_loop_run (worker->loop);

  /* Requests that came in before the stop: freed without a call (stopping is set). */
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  /* Notifications stay on screen, as they always did when the service quit. Dropping ours
   * first keeps notify_uninit () from closing them; it then only drops the proxy, so the next
   * notifier in this process builds one on its own thread. */
  g_clear_pointer (&worker->notifications, g_hash_table_unref);
  if (worker->initialised)
    notify_uninit ();
  /* The proxy's signal subscriptions free their data in idles on this context. */
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_main_context_pop_thread_default (worker->context);
  g_mutex_unlock (&libnotify_lock);

  g_mutex_lock (&worker->lock);
  worker->finished = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->lock);

  worker_unref (worker);
  return NULL;
}

static gboolean
wait_finished (Worker *worker,
               gint64  deadline)
{
  gboolean finished;

  g_mutex_lock (&worker->lock);
  while (!worker->finished && g_cond_wait_until (&worker->cond, &worker->lock, deadline))
    ;
  finished = worker->finished;
  g_mutex_unlock (&worker->lock);
  return finished;
}

static void
stop_worker (GhNotifier *self)
{
  Worker *worker = self->worker;

  /* High priority: ahead of requests still queued, which are then dropped. */
  g_main_context_invoke_full (worker->context, G_PRIORITY_HIGH, stop_cb, worker, NULL);
  if (wait_finished (worker, g_get_monotonic_time () + STOP_GRACE_USEC))
    g_thread_join (g_steal_pointer (&self->thread));
  else
    {
      g_message ("The notification server does not answer; not waiting for it");
      g_clear_pointer (&self->thread, g_thread_unref);
    }
}

static void
gh_notifier_dispose (GObject *object)
{
  GhNotifier *self = GH_NOTIFIER (object);

  if (self->worker != NULL)
    {
      if (self->worker->actions != NULL)
        g_object_remove_weak_pointer (G_OBJECT (self->worker->actions),
                                      (gpointer *) &self->worker->actions);
      self->worker->actions = NULL;
      stop_worker (self);
      g_clear_pointer (&self->worker, worker_unref);
    }
  G_OBJECT_CLASS (gh_notifier_parent_class)->dispose (object);
}

static void
gh_notifier_class_init (GhNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gh_notifier_dispose;
}

static void
gh_notifier_init (GhNotifier *self)
{
}

GhNotifier *
gh_notifier_new (GActionGroup *actions)
{
  GhNotifier *self;

  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  self = g_object_new (GH_TYPE_NOTIFIER, NULL);
  self->worker = worker_new (actions);
  self->thread = g_thread_new ("gh-notifier", worker_thread, worker_ref (self->worker));
  return self;
}

static Request *
request_new (const char *key)
{
  Request *request = g_new0 (Request, 1);

  request->key = g_strdup (key);
  return request;
}

void
gh_notifier_show (GhNotifier             *self,
                  const char             *key,
                  const char             *summary,
                  const char             *body,
                  const char             *icon_name,
                  const GhNotifierButton *buttons,
                  guint                   n_buttons)
{
  Request *request;

  g_return_if_fail (GH_IS_NOTIFIER (self));
  g_return_if_fail (key != NULL && summary != NULL);
  g_return_if_fail (buttons != NULL || n_buttons == 0);

  request = request_new (key);
  request->summary = g_strdup (summary);
  request->body = g_strdup (body);
  request->icon_name = g_strdup (icon_name);
  request->buttons = g_new0 (Button, n_buttons);
  request->n_buttons = n_buttons;
  for (guint i = 0; i < n_buttons; i++)
    {
      request->buttons[i].label = g_strdup (buttons[i].label);
      request->buttons[i].action_name = g_strdup (buttons[i].action_name);
      /* Takes floating targets even when nothing is shown. */
      if (buttons[i].target != NULL)
        request->buttons[i].target = g_variant_ref_sink (buttons[i].target);
    }
  post (self, show_cb, request);
}

void
gh_notifier_withdraw (GhNotifier *self,
                      const char *key)
{
  g_return_if_fail (GH_IS_NOTIFIER (self));
  g_return_if_fail (key != NULL);

  post (self, withdraw_cb, request_new (key));
}

void
gh_notifier_withdraw_all (GhNotifier *self)
{
  g_return_if_fail (GH_IS_NOTIFIER (self));

  post (self, withdraw_cb, request_new (NULL));
}
