/* gh-sync-settings.c — how `gatehouse sync` writes one sign-in's profiles, kept with the sign-in
 *
 * Stored values are read back as they were written: a key Gatehouse does not understand (an
 * empty template, a boolean that is not one of configparser's words) counts as the default
 * rather than failing every sync; profile sync checks the values it uses.
 */
#define G_LOG_DOMAIN "gh-sync-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-error.h"
#include "gh-sync-settings.h"

#define KEY_TEMPLATE           "gatehouse_sync_template"
#define KEY_REGION             "gatehouse_sync_region"
#define KEY_OUTPUT             "gatehouse_sync_output"
#define KEY_CREDENTIAL_PROCESS "gatehouse_sync_credential_process"
#define KEY_FAVORITES_ONLY     "gatehouse_sync_favorites_only"

GhSyncSettings *
gh_sync_settings_new (void)
{
  return g_new0 (GhSyncSettings, 1);
}

GhSyncSettings *
gh_sync_settings_copy (const GhSyncSettings *settings)
{
  GhSyncSettings *copy;

  g_return_val_if_fail (settings != NULL, NULL);

  copy = gh_sync_settings_new ();
  gh_sync_settings_assign (copy, settings, GH_SYNC_SETTINGS_ALL);
  return copy;
}

void
gh_sync_settings_free (GhSyncSettings *settings)
{
  if (settings == NULL)
    return;

  g_free (settings->template_);
  g_free (settings->region);
  g_free (settings->output);
  g_free (settings);
}

GhSyncSetting
gh_sync_settings_differ (const GhSyncSettings *a,
                         const GhSyncSettings *b,
                         GhSyncSetting         which)
{
  GhSyncSetting differ = 0;

  g_return_val_if_fail (a != NULL && b != NULL, 0);

  if (g_strcmp0 (a->template_, b->template_) != 0)
    differ |= GH_SYNC_SETTING_TEMPLATE;
  if (g_strcmp0 (a->region, b->region) != 0)
    differ |= GH_SYNC_SETTING_REGION;
  if (g_strcmp0 (a->output, b->output) != 0)
    differ |= GH_SYNC_SETTING_OUTPUT;
  if (!a->credential_process != !b->credential_process)
    differ |= GH_SYNC_SETTING_CREDENTIAL_PROCESS;
  if (!a->favorites_only != !b->favorites_only)
    differ |= GH_SYNC_SETTING_FAVORITES_ONLY;

  return differ & which;
}

static void
assign_string (char       **field,
               const char  *value)
{
  if (*field != value)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

void
gh_sync_settings_assign (GhSyncSettings       *settings,
                         const GhSyncSettings *from,
                         GhSyncSetting         which)
{
  g_return_if_fail (settings != NULL && from != NULL);

  if (which & GH_SYNC_SETTING_TEMPLATE)
    assign_string (&settings->template_, from->template_);
  if (which & GH_SYNC_SETTING_REGION)
    assign_string (&settings->region, from->region);
  if (which & GH_SYNC_SETTING_OUTPUT)
    assign_string (&settings->output, from->output);
  if (which & GH_SYNC_SETTING_CREDENTIAL_PROCESS)
    settings->credential_process = !!from->credential_process;
  if (which & GH_SYNC_SETTING_FAVORITES_ONLY)
    settings->favorites_only = !!from->favorites_only;
}

/* An empty value is no value */
static char *
get_string (GhIni      *ini,
            const char *section,
            const char *key)
{
  g_autofree char *value = gh_ini_get_value (ini, section, key);

  if (value == NULL || value[0] == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
get_boolean (GhIni      *ini,
             const char *section,
             const char *key)
{
  g_autofree char *value = gh_ini_get_value (ini, section, key);

  return gh_aws_config_value_is_true (value);
}

GhSyncSettings *
gh_sync_settings_load_from_ini (GhIni      *ini,
                                const char *section)
{
  GhSyncSettings *settings;

  g_return_val_if_fail (GH_IS_INI (ini), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  settings = gh_sync_settings_new ();
  settings->template_ = get_string (ini, section, KEY_TEMPLATE);
  settings->region = get_string (ini, section, KEY_REGION);
  settings->output = get_string (ini, section, KEY_OUTPUT);
  settings->credential_process = get_boolean (ini, section, KEY_CREDENTIAL_PROCESS);
  settings->favorites_only = get_boolean (ini, section, KEY_FAVORITES_ONLY);
  return settings;
}

static void
save_string (GhIni      *ini,
             const char *section,
             const char *key,
             const char *value)
{
  if (value != NULL && value[0] != '\0')
    gh_ini_set_value (ini, section, key, value);
  else
    gh_ini_remove_key (ini, section, key);
}

void
gh_sync_settings_save_to_ini (const GhSyncSettings *settings,
                              GhSyncSetting         which,
                              GhIni                *ini,
                              const char           *section)
{
  g_return_if_fail (settings != NULL);
  g_return_if_fail (GH_IS_INI (ini));
  g_return_if_fail (section != NULL);

  if (which & GH_SYNC_SETTING_TEMPLATE)
    save_string (ini, section, KEY_TEMPLATE, settings->template_);
  if (which & GH_SYNC_SETTING_REGION)
    save_string (ini, section, KEY_REGION, settings->region);
  if (which & GH_SYNC_SETTING_OUTPUT)
    save_string (ini, section, KEY_OUTPUT, settings->output);
  if (which & GH_SYNC_SETTING_CREDENTIAL_PROCESS)
    save_string (ini, section, KEY_CREDENTIAL_PROCESS,
                 settings->credential_process ? "true" : NULL);
  if (which & GH_SYNC_SETTING_FAVORITES_ONLY)
    save_string (ini, section, KEY_FAVORITES_ONLY, settings->favorites_only ? "true" : NULL);
}

GhSyncSettings *
gh_sync_settings_load (const char  *path,
                       const char  *session_name,
                       GError     **error)
{
  g_autoptr(GhIni) ini = NULL;
  g_autofree char *section = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (session_name != NULL, NULL);

  ini = gh_aws_config_load (path, error);
  if (ini == NULL)
    return NULL;

  section = gh_aws_config_find_session_section (ini, session_name);
  if (section == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("There is no sign-in named “%s” in %s"), session_name, path);
      return NULL;
    }

  return gh_sync_settings_load_from_ini (ini, section);
}

static const struct
{
  GhSyncSetting  setting;
  const char    *name;
  const char    *label;
} setting_names[] = {
  { GH_SYNC_SETTING_TEMPLATE, "template", N_("profile name template") },
  { GH_SYNC_SETTING_REGION, "region", N_("profile region") },
  { GH_SYNC_SETTING_OUTPUT, "output", N_("profile output format") },
  { GH_SYNC_SETTING_CREDENTIAL_PROCESS, "credential-process", N_("credential_process profiles") },
  { GH_SYNC_SETTING_FAVORITES_ONLY, "favorites-only", N_("favourite roles only") },
};

const char *
gh_sync_setting_get_name (GhSyncSetting setting)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_names); i++)
    if (setting_names[i].setting == setting)
      return setting_names[i].name;

  g_return_val_if_reached (NULL);
}

gboolean
gh_sync_setting_from_name (const char    *name,
                           GhSyncSetting *setting)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (setting != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (setting_names); i++)
    {
      if (g_str_equal (name, setting_names[i].name))
        {
          *setting = setting_names[i].setting;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
gh_sync_setting_get_label (GhSyncSetting setting)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_names); i++)
    if (setting_names[i].setting == setting)
      return _(setting_names[i].label);

  g_return_val_if_reached (NULL);
}

char *
gh_sync_settings_describe (const GhSyncSettings *settings,
                           GhSyncSetting         setting,
                           const char           *session_region)
{
  g_return_val_if_fail (settings != NULL, NULL);

  switch (setting)
    {
    case GH_SYNC_SETTING_TEMPLATE:
      if (settings->template_ != NULL)
        return g_strdup_printf ("“%s”", settings->template_);
      return g_strdup_printf (_("“%s” (the default)"), GH_DEFAULT_PROFILE_TEMPLATE);

    case GH_SYNC_SETTING_REGION:
      if (settings->region != NULL)
        return g_strdup (settings->region);
      if (session_region != NULL)
        return g_strdup_printf (_("the sign-in's region, %s (the default)"), session_region);
      return g_strdup (_("the sign-in's region (the default)"));

    case GH_SYNC_SETTING_OUTPUT:
      if (settings->output != NULL)
        return g_strdup (settings->output);
      return g_strdup (_("none (the default)"));

    case GH_SYNC_SETTING_CREDENTIAL_PROCESS:
      return g_strdup (settings->credential_process ? _("on") : _("off (the default)"));

    case GH_SYNC_SETTING_FAVORITES_ONLY:
      return g_strdup (settings->favorites_only ? _("on") : _("off (the default)"));

    default:
      g_return_val_if_reached (NULL);
    }
}
