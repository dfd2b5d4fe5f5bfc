/* gh-cli-private.h — helpers shared by the `gatehouse` commands */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gh-aws-config.h"
#include "gh-session-manager.h"

G_BEGIN_DECLS

/* Runs the core's async API on a main loop of its own; Ctrl-C cancels. */
typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  GCancellable *cancellable;
} Waiter;

void                waiter_init          (Waiter        *waiter);
void                waiter_cb            (GObject       *object,
                                          GAsyncResult  *result,
                                          gpointer       user_data);
GAsyncResult       *waiter_wait          (Waiter        *waiter);
void                waiter_clear         (Waiter        *waiter);

int                 report_error         (const GError  *error);
int                 usage_error          (const char    *message);
char               *format_time          (gint64         unix_seconds);

GPtrArray          *load_sessions        (GError       **error);
void                print_json           (JsonBuilder   *builder);
GhSession          *open_session         (const char    *name,
                                          GError       **error);

/* A role named on the command line: --profile P, or --account/--role [--session]. */
typedef struct
{
  char *session;          /* NULL: the only sign-in */
  char *account_id;
  char *role;
  char *section;          /* the profile name, when given */
} Target;

void                target_clear         (Target        *target);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)
gboolean            resolve_target       (const char    *profile,
                                          const char    *account,
                                          const char    *role,
                                          const char    *session,
                                          Target        *target,
                                          GError       **error);

int                 cmd_console          (int            argc,
                                          char         **argv);
int                 cmd_favorite         (int            argc,
                                          char         **argv);
int                 cmd_roles            (int            argc,
                                          char         **argv);
int                 cmd_sync             (int            argc,
                                          char         **argv);
int                 cmd_credentials      (int            argc,
                                          char         **argv);

G_END_DECLS
