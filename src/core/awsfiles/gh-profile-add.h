/* gh-profile-add.h — one profile for one role in the config file, as `aws configure sso` writes
 * it (`gatehouse profile add`)
 *
 * The profile is the person's: it carries the "added" marker (gh-profile-marker.h), so
 * `gatehouse sync` never changes or removes it, and a sync that would write a profile of the
 * same name for the same role leaves it be without calling it a clash.
 */
#pragma once

#include <gio/gio.h>

#include "gh-ini.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;           /* the profile name ("default" is written [default]) */
  const char *session_name;   /* the sign-in */
  gboolean    legacy;         /* a legacy sign-in: sso_start_url and sso_region, no sso_session */
  const char *start_url;      /* legacy only */
  const char *sso_region;     /* legacy only */
  const char *account_id;
  const char *role_name;
  const char *region;         /* the profile's default region; NULL or "" for none */
  const char *output;         /* the profile's output format; NULL or "" for none */
} GhProfileSpec;

/* A name a profile header can hold: not empty, one line of text without control characters,
 * brackets or surrounding blanks. GH_ERROR_INVALID_INPUT. */
gboolean  gh_profile_validate_name    (const char           *name,
                                       GError              **error);
/* One of the AWS CLI's output formats: json, yaml, yaml-stream, text, table. */
gboolean  gh_profile_validate_output  (const char           *output,
                                       GError              **error);
/* The AWS CLI's output formats, for prompts and completion. */
const char * const *gh_profile_output_formats (void);

/* Writes the profile under the config file's lock (the lock gh-aws-config.c takes), at the end
 * of the file. A profile of that name is replaced when Gatehouse wrote it: with profile add,
 * or with sync for the same sign-in and role (@replaced says so); any other one is left alone
 * and GH_ERROR_INVALID_INPUT says so, as do bad values. GH_ERROR_CONFIG when the file cannot
 * be read, parsed or written (then it is as it was). */
gboolean  gh_profile_add              (const char           *config_path,
                                       const GhProfileSpec  *spec,
                                       gboolean             *replaced,
                                       GError              **error);
/* gh_profile_add() on a worker thread, for code on a main loop; @spec is copied. */
void      gh_profile_add_async        (const char           *config_path,
                                       const GhProfileSpec  *spec,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  gh_profile_add_finish       (GAsyncResult         *result,
                                       gboolean             *replaced,
                                       GError              **error);

/* Whether the section under the @occurrence-th @header of @ini is a profile `gatehouse
 * profile add` wrote for that role of that sign-in. */
gboolean  gh_profile_is_added_for_role (GhIni               *ini,
                                        const char          *header,
                                        guint                occurrence,
                                        const char          *session_name,
                                        const char          *account_id,
                                        const char          *role_name);

G_END_DECLS
