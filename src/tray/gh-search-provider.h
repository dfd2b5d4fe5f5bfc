/* gh-search-provider.h — the desktop's search finds roles: GNOME Shell and KRunner
 *
 * One object on the tray service's bus name at GH_SEARCH_PROVIDER_PATH implements both
 * org.gnome.Shell.SearchProvider2 (the overview's search) and org.kde.krunner1 (KRunner).
 * Both answer from the roles the service already has (GhRoleList, via GhRoleSearch): a search
 * never lists roles or signs in. Activating a role of an ended sign-in signs in first, then
 * opens the console. The `search-provider-enabled` setting turns both off (no results).
 */
#pragma once

#include <gio/gio.h>

#include "gh-tray-service.h"

G_BEGIN_DECLS

#define GH_SEARCH_PROVIDER_PATH "/io/github/gatehouse/Gatehouse/SearchProvider"

#define GH_TYPE_SEARCH_PROVIDER (gh_search_provider_get_type ())
G_DECLARE_FINAL_TYPE (GhSearchProvider, gh_search_provider, GH, SEARCH_PROVIDER, GObject)

/* `service` is not referenced: it owns the provider and unexports it before it goes. */
GhSearchProvider *gh_search_provider_new      (GhTrayService     *service);
gboolean          gh_search_provider_export   (GhSearchProvider  *self,
                                               GDBusConnection   *connection,
                                               GError           **error);
void              gh_search_provider_unexport (GhSearchProvider  *self);

G_END_DECLS
