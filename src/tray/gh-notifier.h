/* gh-notifier.h — desktop notifications (libnotify) whose buttons activate actions
 *
 * One notification per event key ("session-ending/work", "roles", …): showing a key again
 * replaces the notification on screen (same id) instead of stacking a new one. Buttons name an
 * action of the given GActionGroup and its target; libnotify delivers the click on the main
 * loop. Without a notification server everything here is a no-op (logged once at debug level).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_NOTIFIER (gh_notifier_get_type ())
G_DECLARE_FINAL_TYPE (GhNotifier, gh_notifier, GH, NOTIFIER, GObject)

typedef struct
{
  const char *label;
  const char *action_name;     /* NULL: the button only closes the notification */
  GVariant   *target;          /* floating or not; may be NULL */
} GhNotifierButton;

GhNotifier *gh_notifier_new       (GActionGroup           *actions);
/* buttons: n_buttons entries. icon_name may be NULL. */
void        gh_notifier_show      (GhNotifier             *self,
                                   const char             *key,
                                   const char             *summary,
                                   const char             *body,
                                   const char             *icon_name,
                                   const GhNotifierButton *buttons,
                                   guint                   n_buttons);
void        gh_notifier_withdraw  (GhNotifier             *self,
                                   const char             *key);

G_END_DECLS
