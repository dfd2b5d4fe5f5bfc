/* gh-settings.c — Gatehouse's GSettings, for the command line and the tray alike
 *
 * Looked up by hand rather than with g_settings_new(), which aborts when the schema is not
 * installed (an uninstalled build, or a schema dir that was never compiled).
 */
#define G_LOG_DOMAIN "gh-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-error.h"
#include "gh-settings.h"

GSettings *
gh_settings_new (GError **error)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Gatehouse's settings schema (%s) is not installed: install Gatehouse, or "
                     "point GSETTINGS_SCHEMA_DIR at the build's data folder"), APPLICATION_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

gboolean
gh_settings_has_key (GSettings  *settings,
                     const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  g_object_get (settings, "settings-schema", &schema, NULL);
  return g_settings_schema_has_key (schema, key);
}
