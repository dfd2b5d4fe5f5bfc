/* gh-console-history.h — consoles opened from Gatehouse, and the recent roles
 *
 * $XDG_STATE_HOME/gatehouse/consoles.json: each console opened (session, account, role,
 * region, opened-at, credential expiry), bounded, so the tray can warn before a console session
 * ends and offer to open it again. Recent roles: most recent first, without duplicates,
 * bounded (GH_RECENT_ROLES_MAX). No secrets.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GH_RECENT_ROLES_MAX 20
#define GH_CONSOLE_RECORDS_MAX 50

typedef struct
{
  char   *session_name;
  char   *account_id;
  char   *account_name;   /* may be NULL */
  char   *role_name;
  char   *region;
  gint64  opened_at;      /* unix seconds */
  gint64  expires_at;     /* the credentials' expiry = end of that console session */
} GhConsoleRecord;

void       gh_console_record_free        (GhConsoleRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhConsoleRecord, gh_console_record_free)

/* Adds the record (newest first; the oldest beyond the bound are dropped) and moves its role
 * to the front of the recent roles. Atomic write, 0600, under a lock. */
gboolean   gh_console_history_add        (const GhConsoleRecord  *record,
                                          GError                **error);
/* GhConsoleRecord*, newest first. A missing or corrupt file yields an empty array. */
GPtrArray *gh_console_history_list       (void);
/* Recent roles as "SESSION/ACCOUNT_ID/ROLE", most recent first. */
GStrv      gh_console_history_recent_roles (void);

G_END_DECLS
