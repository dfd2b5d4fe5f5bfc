/* gh-service-client.h — the tray service's actions, from another process
 *
 * The tray service is a GApplication: its actions (sign in, sign out, sync, open a console…)
 * are exported on the session bus under the application ID. The CLI and the window reach them
 * through this one client, built on g_dbus_action_group_get().
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_SERVICE_CLIENT (gh_service_client_get_type ())
G_DECLARE_FINAL_TYPE (GhServiceClient, gh_service_client, GH, SERVICE_CLIENT, GObject)

/* @connection: the session bus (the window: its GApplication's connection). No I/O. */
GhServiceClient *gh_service_client_new             (GDBusConnection     *connection);

/* The service's actions under its well-known name, to watch and bind (a GDBusActionGroup:
 * filled in after the first query, kept current by the service's signals; asking for it starts
 * following the service). When the service (re)appears after being away, the client makes a
 * new group and notifies the property "actions": watchers move to it. Transfer none; valid as
 * long as the client. */
GActionGroup    *gh_service_client_get_actions     (GhServiceClient     *self);

/* The service's "sign-in-prompts" state, a{s(ss)}: for each sign-in waiting for the person in a
 * device-code sign-in, the verification URL and the user code; empty while none waits or the
 * service is not there. Kept current from the bus (the property "sign-in-prompts" is notified
 * when it changes). Transfer none. */
GVariant        *gh_service_client_get_sign_in_prompts (GhServiceClient *self);

/* Activates @action_name (with @parameter, may be NULL; a floating one is sunk) in the
 * running service, and completes once the request has left this process, so the caller may
 * exit. Never starts the service: when it does not run, fails with
 * G_DBUS_ERROR_NAME_HAS_NO_OWNER. */
void             gh_service_client_activate_async  (GhServiceClient     *self,
                                                    const char          *action_name,
                                                    GVariant            *parameter,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         gh_service_client_activate_finish (GhServiceClient     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
