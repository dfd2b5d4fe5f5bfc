/* gh-sync-settings.h — how `gatehouse sync` writes one sign-in's profiles, kept with the sign-in
 *
 * A sign-in's sync settings are gatehouse_sync_* keys in the sign-in's own section of the AWS
 * config file (`[sso-session NAME]`, or the legacy `[profile NAME]`), next to
 * gatehouse_session_duration; the AWS CLI and the SDKs ignore keys they do not know. A missing
 * key is the setting's default, and a setting put back to its default loses its key.
 * docs/architecture.md says why they live there.
 */
#pragma once

#include "gh-ini.h"

G_BEGIN_DECLS

#define GH_DEFAULT_PROFILE_TEMPLATE "{role}-{account_id}"

typedef enum
{
  GH_SYNC_SETTING_TEMPLATE           = 1 << 0,
  GH_SYNC_SETTING_REGION             = 1 << 1,
  GH_SYNC_SETTING_OUTPUT             = 1 << 2,
  GH_SYNC_SETTING_CREDENTIAL_PROCESS = 1 << 3,
  GH_SYNC_SETTING_FAVORITES_ONLY     = 1 << 4,
} GhSyncSetting;

#define GH_SYNC_SETTINGS_ALL (GH_SYNC_SETTING_TEMPLATE | GH_SYNC_SETTING_REGION | \
                              GH_SYNC_SETTING_OUTPUT | GH_SYNC_SETTING_CREDENTIAL_PROCESS | \
                              GH_SYNC_SETTING_FAVORITES_ONLY)

typedef struct
{
  char     *template_;           /* gatehouse_sync_template; NULL: GH_DEFAULT_PROFILE_TEMPLATE */
  char     *region;              /* gatehouse_sync_region; NULL: the sign-in's sso_region */
  char     *output;              /* gatehouse_sync_output; NULL: profiles get no output key */
  gboolean  credential_process;  /* gatehouse_sync_credential_process */
  gboolean  favorites_only;      /* gatehouse_sync_favorites_only */
} GhSyncSettings;

/* Every setting at its default. */
GhSyncSettings *gh_sync_settings_new            (void);
GhSyncSettings *gh_sync_settings_copy           (const GhSyncSettings *settings);
void            gh_sync_settings_free           (GhSyncSettings       *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhSyncSettings, gh_sync_settings_free)

/* The settings among @which whose values differ. */
GhSyncSetting   gh_sync_settings_differ         (const GhSyncSettings *a,
                                                 const GhSyncSettings *b,
                                                 GhSyncSetting         which);
/* Copies the settings named in @which from @from into @settings. */
void            gh_sync_settings_assign         (GhSyncSettings       *settings,
                                                 const GhSyncSettings *from,
                                                 GhSyncSetting         which);

/* The settings stored in @section of @ini (a sign-in's section); keys that are missing, empty
 * or not understood give the default. */
GhSyncSettings *gh_sync_settings_load_from_ini  (GhIni                *ini,
                                                 const char           *section);
/* Writes the settings named in @which into @section: a value at its default removes its key,
 * other keys of the section stay as they are. Values must be single lines. */
void            gh_sync_settings_save_to_ini    (const GhSyncSettings *settings,
                                                 GhSyncSetting         which,
                                                 GhIni                *ini,
                                                 const char           *section);
/* The stored settings of the sign-in @session_name in the config file at @path (defaults for a
 * missing file); GH_ERROR_NOT_FOUND_LOCAL when the file defines no such sign-in, GH_ERROR_CONFIG
 * when it cannot be read. */
GhSyncSettings *gh_sync_settings_load           (const char           *path,
                                                 const char           *session_name,
                                                 GError              **error);

/* The names `gatehouse sync --reset` takes: "template", "region", "output",
 * "credential-process", "favorites-only". */
const char     *gh_sync_setting_get_name        (GhSyncSetting         setting);
gboolean        gh_sync_setting_from_name       (const char           *name,
                                                 GhSyncSetting        *setting);
/* What a setting is, for people: "profile name template", … (translated). */
const char     *gh_sync_setting_get_label       (GhSyncSetting         setting);
/* A setting's value, for people: the template, "the sign-in's region (us-east-1)", "on", …
 * @session_region is the sign-in's sso_region (NULL when unknown). */
char           *gh_sync_settings_describe       (const GhSyncSettings *settings,
                                                 GhSyncSetting         setting,
                                                 const char           *session_region);

G_END_DECLS
