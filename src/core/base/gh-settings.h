/* gh-settings.h — Gatehouse's GSettings, for the command line and the tray alike */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The application's settings, or NULL and GH_ERROR_CONFIG when the schema is not installed. */
GSettings *gh_settings_new     (GError    **error);
/* An installed schema from another version may lack a key; reading it would abort. */
gboolean   gh_settings_has_key (GSettings  *settings,
                                const char *key);

G_END_DECLS
