/* gh-notifier.c — libnotify notifications, one per event key, buttons → actions */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <libnotify/notify.h>

#include "gh-notifier.h"

struct _GhNotifier
{
  GObject       parent_instance;
  GActionGroup *actions;              /* weak: the application owns us */
  GHashTable   *notifications;        /* key → NotifyNotification */
  gboolean      initialised;
};

G_DEFINE_FINAL_TYPE (GhNotifier, gh_notifier, G_TYPE_OBJECT)

typedef struct
{
  GhNotifier *self;
  char       *action_name;
  GVariant   *target;
} ButtonData;

static void
button_data_free (gpointer data)
{
  ButtonData *button = data;

  g_free (button->action_name);
  g_clear_pointer (&button->target, g_variant_unref);
  g_free (button);
}

static void
button_cb (NotifyNotification *notification,
           char               *action,
           gpointer            user_data)
{
  ButtonData *button = user_data;

  notify_notification_close (notification, NULL);
  if (button->action_name != NULL && button->self->actions != NULL)
    g_action_group_activate_action (button->self->actions, button->action_name, button->target);
}

static void
gh_notifier_dispose (GObject *object)
{
  GhNotifier *self = GH_NOTIFIER (object);

  g_clear_pointer (&self->notifications, g_hash_table_unref);
  if (self->actions != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->actions), (gpointer *) &self->actions);
  self->actions = NULL;
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
  self->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

GhNotifier *
gh_notifier_new (GActionGroup *actions)
{
  GhNotifier *self;

  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  self = g_object_new (GH_TYPE_NOTIFIER, NULL);
  self->actions = actions;
  g_object_add_weak_pointer (G_OBJECT (actions), (gpointer *) &self->actions);
  /* libnotify 0.8 talks to the portal inside Flatpak by itself. */
  self->initialised = notify_is_initted () || notify_init (APPLICATION_ID);
  return self;
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
  NotifyNotification *notification;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (GH_IS_NOTIFIER (self));
  g_return_if_fail (key != NULL && summary != NULL);

  /* Sink floating targets even when nothing is shown. */
  for (guint i = 0; i < n_buttons; i++)
    if (buttons[i].target != NULL)
      g_variant_ref_sink (buttons[i].target);

  if (self->initialised)
    {
      notification = g_hash_table_lookup (self->notifications, key);
      if (notification == NULL)
        {
          notification = notify_notification_new (summary, body, icon_name);
          notify_notification_set_app_name (notification, "Gatehouse");
          notify_notification_set_hint (notification, "desktop-entry",
                                        g_variant_new_string (APPLICATION_ID));
          g_hash_table_insert (self->notifications, g_strdup (key), notification);
        }
      else
        notify_notification_update (notification, summary, body, icon_name);

      notify_notification_clear_actions (notification);
      for (guint i = 0; i < n_buttons; i++)
        {
          ButtonData *button = g_new0 (ButtonData, 1);
          g_autofree char *id = g_strdup_printf ("button-%u", i);

          button->self = self;
          button->action_name = g_strdup (buttons[i].action_name);
          button->target = buttons[i].target ? g_variant_ref (buttons[i].target) : NULL;
          notify_notification_add_action (notification, id, buttons[i].label, button_cb,
                                          button, button_data_free);
        }

      if (!notify_notification_show (notification, &error))
        g_debug ("Could not show a notification: %s", error->message);
    }

  for (guint i = 0; i < n_buttons; i++)
    if (buttons[i].target != NULL)
      g_variant_unref (buttons[i].target);
}

void
gh_notifier_withdraw (GhNotifier *self,
                      const char *key)
{
  NotifyNotification *notification;

  g_return_if_fail (GH_IS_NOTIFIER (self));

  notification = g_hash_table_lookup (self->notifications, key);
  if (notification != NULL)
    notify_notification_close (notification, NULL);
}
