/* gh-profile-sync.h — one AWS CLI profile per role in the config file
 *
 * Gatehouse owns only the sections it created, marked by a comment line above the header that a
 * person can read; it never changes or removes any other section. A sync is idempotent (a second
 * run leaves the file byte-identical and its mtime untouched).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_DEFAULT_PROFILE_TEMPLATE "{role}-{account_id}"

typedef struct
{
  const char *template_;           /* NULL → GH_DEFAULT_PROFILE_TEMPLATE */
  const char *region;              /* written as `region` when set */
  const char *output;              /* written as `output` when set */
  gboolean    credential_process;  /* profiles use credential_process instead of SSO keys */
  const char *gatehouse_command;   /* for credential_process; NULL → "gatehouse" */
  GStrv       only_keys;           /* when set, sync only roles whose key ("ACCOUNT/ROLE") is listed */
} GhSyncOptions;

typedef struct
{
  GPtrArray *added;       /* profile names */
  GPtrArray *updated;
  GPtrArray *removed;
  GPtrArray *skipped;     /* human-readable lines: "NAME: reason" (clash with a hand-written profile) */
  GPtrArray *renamed;     /* human-readable lines for resolved name collisions */
  char      *diff;        /* unified-style diff of the file (for --dry-run); "" when unchanged */
  gboolean   changed;
} GhSyncResult;

void          gh_sync_result_free            (GhSyncResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhSyncResult, gh_sync_result_free)

/* Expands {role}, {account_id}, {account_name}, {session} and sanitises the result (no spaces,
 * brackets, quotes or control characters). GH_ERROR_INVALID_INPUT for an unknown placeholder
 * or an empty result. */
char         *gh_profile_name_from_template  (const char   *template_,
                                              const char   *session_name,
                                              const char   *account_id,
                                              const char   *account_name,
                                              const char   *role_name,
                                              GError      **error);

/* roles: GhRole objects of session_name. Under the config file lock ("config-" + sha1 of the
 * resolved path, the lock gh-aws-config.c takes): read, plan, write (unless nothing changed).
 * A dry run takes no lock and writes nothing. New profiles are appended in name order; names
 * in added/updated/removed are in that order too (removed: file order). Two roles giving one
 * name: the first by key keeps it, the others get "-2", "-3", … (result->renamed). A name whose
 * section someone else owns is skipped (result->skipped), as is a role whose name comes out
 * empty. Several sections of one managed name: the last is updated, the others removed.
 * options->gatehouse_command is written as given (quote it yourself if it has spaces).
 * GH_ERROR_INVALID_INPUT for a bad template/option/session name, GH_ERROR_CONFIG when the file
 * cannot be read, parsed or written (the file is then as it was). */
GhSyncResult *gh_profile_sync                (const char          *config_path,
                                              const char          *session_name,
                                              GPtrArray           *roles,
                                              const GhSyncOptions *options,
                                              gboolean             dry_run,
                                              GError             **error);
/* gh_profile_sync() on a worker thread, for code on a main loop: the wait for the lock and the
 * file work never block it. @roles and @options are copied; cancelling ends the wait for the
 * lock (G_IO_ERROR_CANCELLED, the file as it was). */
void          gh_profile_sync_async          (const char          *config_path,
                                              const char          *session_name,
                                              GPtrArray           *roles,
                                              const GhSyncOptions *options,
                                              gboolean             dry_run,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GhSyncResult *gh_profile_sync_finish         (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
