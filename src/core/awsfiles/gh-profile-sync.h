/* gh-profile-sync.h — one AWS CLI profile per role in the config file
 *
 * Gatehouse owns only the sections it created, marked by a comment line above the header that a
 * person can read; it never changes or removes any other section, apart from the sync settings
 * it keeps in the sign-in's own section. A sync is idempotent (a second run leaves the file
 * byte-identical and its mtime untouched).
 */
#pragma once

#include <sys/stat.h>

#include <gio/gio.h>

#include "gh-ini.h"
#include "gh-sync-settings.h"

G_BEGIN_DECLS

/* A sync writes profiles with the sign-in's stored settings (gh-sync-settings.h). A setting
 * given here is used instead, and with @store it is stored, as is @reset. */
typedef struct
{
  const char    *template_;           /* NULL: the stored template */
  const char    *region;              /* NULL: the stored region (default: the sign-in's) */
  const char    *output;              /* NULL: the stored output format */
  gboolean       credential_process;  /* FALSE: as stored */
  gboolean       favorites_only;      /* FALSE: as stored */
  GhSyncSetting  reset;               /* stored settings to drop, unless given above */
  gboolean       store;               /* keep what is given above, and @reset, with the sign-in */
  const char    *gatehouse_command;   /* for credential_process; NULL → "gatehouse" */
  GStrv          favorite_keys;       /* the sign-in's favourite roles ("ACCOUNT/ROLE"), for
                                       * favourites only; NULL when they are not known */
} GhSyncOptions;

typedef struct
{
  GPtrArray      *added;       /* profile names */
  GPtrArray      *updated;
  GPtrArray      *removed;
  GPtrArray      *skipped;     /* human-readable lines: "NAME: reason" (clash with a hand-written profile) */
  GPtrArray      *renamed;     /* human-readable lines for resolved name collisions */
  GPtrArray      *kept;        /* human-readable lines: "NAME: reason" for this sign-in's profiles
                                * that would go but that another profile names as source_profile */
  GhSyncSettings *settings;    /* the settings this sync used */
  char           *session_region; /* the sign-in's sso_region; NULL when the file does not say */
  GhSyncSetting   stored;      /* stored settings that changed (in a dry run: would change) */
  char           *diff;        /* unified-style diff of the file (for --dry-run); "" when unchanged */
  gboolean        changed;
} GhSyncResult;

void          gh_sync_result_free            (GhSyncResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhSyncResult, gh_sync_result_free)

/* Expands {role}, {account_id}, {account_name}, {session} and sanitises the result (no spaces,
 * brackets, quotes, control characters, commas or equals signs). GH_ERROR_INVALID_INPUT for an unknown placeholder
 * or an empty result. */
char         *gh_profile_name_from_template  (const char   *template_,
                                              const char   *session_name,
                                              const char   *account_id,
                                              const char   *account_name,
                                              const char   *role_name,
                                              GError      **error);

/* The command a credential_process profile runs: "gatehouse" when that is what PATH finds,
 * else this executable's absolute path (an uninstalled build, say). */
char         *gh_profile_sync_default_command (void);

/* roles: GhRole objects of session_name. Under the config file lock ("config-" + sha1 of the
 * resolved path, the lock gh-aws-config.c takes): read, plan, write (unless nothing changed).
 * The settings (and, with options->store, their changes) are read from and written to the
 * same file in the same edit, so what is stored always matches what was written.
 * A dry run takes no lock and writes nothing. New profiles are appended in name order; names
 * in added/updated/removed are in that order too (removed: file order). Two roles giving one
 * name: the first by key keeps it, the others get "-2", "-3", … (result->renamed). A name whose
 * section someone else owns is skipped (result->skipped), as is a role whose name comes out
 * empty. Several sections of one managed name: the last is updated, the others removed.
 * A profile of this sign-in that would go stays when a profile that stays names it as
 * source_profile (result->kept). options->gatehouse_command is written as given (quote it
 * yourself if it has spaces). GH_ERROR_INVALID_INPUT for a bad template/option/session name
 * (given or stored), GH_ERROR_NOT_FOUND_LOCAL when settings are to be stored for a sign-in the
 * file does not define, GH_ERROR_CONFIG when the file cannot be read, parsed or written, or
 * favourites only is in effect and options->favorite_keys is NULL (the file is then as it
 * was). */
GhSyncResult *gh_profile_sync                (const char          *config_path,
                                              const char          *session_name,
                                              GPtrArray           *roles,
                                              const GhSyncOptions *options,
                                              gboolean             dry_run,
                                              GError             **error);
/* gh_profile_sync() starting from @copy, the document the caller read from the file at
 * @read_at (g_get_real_time()), whose stat() was then @read_as: under the lock it is used
 * instead of reading the file again when the file is still that version
 * (gh_file_version_is_settled(), gh_file_same_version()). The sync edits @copy: the caller
 * drops it afterwards. */
GhSyncResult *gh_profile_sync_copy           (const char          *config_path,
                                              const char          *session_name,
                                              GPtrArray           *roles,
                                              const GhSyncOptions *options,
                                              gboolean             dry_run,
                                              GhIni               *copy,
                                              const struct stat   *read_as,
                                              gint64               read_at,
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

/* What a sync would refuse in @settings (GH_ERROR_INVALID_INPUT): a template with an unknown
 * placeholder, a region that is not one, an output format the AWS CLI lacks. */
gboolean      gh_profile_sync_check_settings (const GhSyncSettings *settings,
                                              GError             **error);
/* Stores the settings among @which for the sign-in, as `gatehouse sync` stores them, without
 * syncing (the next sync uses them): under the config file's lock, the rest of the file as it
 * was. GH_ERROR_INVALID_INPUT for values gh_profile_sync_check_settings() refuses,
 * GH_ERROR_NOT_FOUND_LOCAL for a sign-in the file does not define, GH_ERROR_CONFIG when the
 * file cannot be read, parsed or written. Blocks: main-loop code uses the _async form. */
gboolean      gh_profile_sync_store_settings (const char          *config_path,
                                              const char          *session_name,
                                              const GhSyncSettings *settings,
                                              GhSyncSetting        which,
                                              GCancellable        *cancellable,
                                              GError             **error);
/* On a worker thread; @settings is copied. */
void          gh_profile_sync_store_settings_async  (const char          *config_path,
                                                     const char          *session_name,
                                                     const GhSyncSettings *settings,
                                                     GhSyncSetting        which,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean      gh_profile_sync_store_settings_finish (GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
