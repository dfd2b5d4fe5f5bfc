/* gh-test-tray.h — the tray service under test: mocks, watcher, menu and notification readers */
#pragma once

#include "gh-test-env.h"

#define MOCK_IFACE "org.freedesktop.DBus.Mock"
#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"
#define NOTIFY_NAME "org.freedesktop.Notifications"
#define NOTIFY_PATH "/org/freedesktop/Notifications"
#define SERVICE_NAME "io.github.gatehouse.Gatehouse"
#define SERVICE_PATH "/io/github/gatehouse/Gatehouse"

typedef struct
{
  GhTestFixture    env;
  GDBusConnection *bus;
  GDBusConnection *watcher_bus;
  guint            watcher_object;
  guint            watcher_name;
  GPtrArray       *registered;
  GSubprocess     *notifyd;
  GSubprocess     *service;
  char            *item_name;
} TrayFixture;

typedef struct
{
  char    *summary;
  char    *body;
  guint32  replaces;
  GStrv    actions;
} Notification;

typedef struct
{
  int      id;
  char    *label;
  gboolean enabled;
} Row;

typedef struct
{
  TrayFixture *fixture;
  const char  *name;
} StateWait;

/* A call that keeps the main loop (and so the simulator) running meanwhile. */
GVariant    *bus_call             (GDBusConnection *bus,
                                   const char *name,
                                   const char *path,
                                   const char *iface,
                                   const char *method,
                                   GVariant *parameters,
                                   const GVariantType *reply_type,
                                   GError **error);
GVariant    *call_full            (TrayFixture *fixture,
                                   const char *name,
                                   const char *path,
                                   const char *iface,
                                   const char *method,
                                   GVariant *parameters,
                                   const GVariantType *reply_type,
                                   GError **error);
GVariant    *call                 (TrayFixture *fixture,
                                   const char *name,
                                   const char *path,
                                   const char *iface,
                                   const char *method,
                                   GVariant *parameters,
                                   const GVariantType *reply_type);
gboolean    name_has_owner        (TrayFixture *fixture,
                                   const char *name);
void        wait_for_name         (TrayFixture *fixture,
                                   const char *name,
                                   gboolean owned);
void        die_with_test         (gpointer user_data);
GSubprocess *spawn_mock           (const char *first_arg,
                                   ...);
void        replace_notification_daemon (TrayFixture *fixture,
                                         const char *name,
                                         const char *path,
                                         const char *iface);
void        start_watcher         (TrayFixture *fixture);
void        stop_watcher          (TrayFixture *fixture);
void        stop_process          (GSubprocess **process);
GPtrArray   *registrations        (TrayFixture *fixture);
GPtrArray   *notifications        (TrayFixture *fixture);
guint32     notification_id       (GPtrArray *list,
                                   guint index);
void        tray_setup            (TrayFixture *fixture,
                                   gconstpointer data);
void        tray_teardown         (TrayFixture *fixture,
                                   gconstpointer data);
void        spawn_service         (TrayFixture *fixture,
                                   GSubprocessLauncher *launcher);
gint64      wait_for_registration (TrayFixture *fixture,
                                   gint64 started);
gint64      start_service         (TrayFixture *fixture);
GVariant    *item_property        (TrayFixture *fixture,
                                   const char *name);
void        row_free              (Row *row);
GPtrArray   *menu_rows            (TrayFixture *fixture);
Row         *find_row             (GPtrArray *rows,
                                   const char *prefix);
char        *menu_text            (GPtrArray *rows);
int         wait_for_row          (TrayFixture *fixture,
                                   const char *prefix);
gboolean    browser_visited       (TrayFixture *fixture,
                                   const char *fragment);
void        wait_for_browser      (TrayFixture *fixture,
                                   const char *fragment);
char        *session_state        (TrayFixture *fixture,
                                   const char *name);
void        print_memory          (GSubprocess *process);
gboolean    has_notification      (TrayFixture *fixture,
                                   const char *fragment,
                                   guint32 *id);
gboolean    signed_in_cb          (gpointer data);
gint64      cached_expiry         (TrayFixture *fixture,
                                   const char *name);
char        *botocore_key         (TrayFixture *fixture,
                                   const char *profile);
void        botocore_resolves     (TrayFixture *fixture);
char        *section_key          (TrayFixture *fixture,
                                   const char *section);
char        *wait_for_new_key     (TrayFixture *fixture,
                                   const char *section,
                                   const char *old,
                                   int seconds);
void        notification_free     (Notification *n);
