/* gh-notifier.h — desktop notifications (libnotify) whose buttons activate actions
 *
 * One notification per event key ("session-ending/work", "roles", …): showing a key again
 * replaces the notification on screen (same id) instead of stacking a new one. Buttons name an
 * action of the given GActionGroup and its target.
 *
 * libnotify only makes synchronous D-Bus calls, so a notification server that hangs would stall
 * whoever calls it. All of libnotify therefore lives on one worker thread of the notifier's own:
 * gh_notifier_show () and gh_notifier_withdraw () copy their arguments, hand them to that thread
 * and return at once. A button click comes back to the main context that created the notifier
 * and activates its action there; the action group is never touched from the worker. Inside
 * Flatpak (or with NOTIFY_FORCE_PORTAL=1) libnotify talks to the notification portal instead.
 * Without a notification server everything here is a no-op (logged at debug level).
 *
 * Disposing the notifier stops its thread; a thread stuck in a call to a server that does not
 * answer is waited for briefly and then left behind (see gh-notifier.c). One notifier per
 * process at a time: a second one waits for the first to finish with libnotify.
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

/* Call on the thread whose thread-default main context runs `actions`. */
GhNotifier *gh_notifier_new       (GActionGroup           *actions);
/* buttons: n_buttons entries. icon_name may be NULL. Floating targets are consumed. */
void        gh_notifier_show      (GhNotifier             *self,
                                   const char             *key,
                                   const char             *summary,
                                   const char             *body,
                                   const char             *icon_name,
                                   const GhNotifierButton *buttons,
                                   guint                   n_buttons);
void        gh_notifier_withdraw  (GhNotifier             *self,
                                   const char             *key);
/* Closes every notification shown (before quitting: their buttons would do nothing). */
void        gh_notifier_withdraw_all (GhNotifier          *self);

G_END_DECLS
