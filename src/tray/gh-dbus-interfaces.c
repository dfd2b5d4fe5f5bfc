/* gh-dbus-interfaces.c — the D-Bus interfaces the tray implements */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include "gh-dbus-interfaces.h"
#include "gh-tray-resources.h"

#define RESOURCE_PATH "/io/github/gatehouse/Gatehouse/dbus/"

GDBusInterfaceInfo *
gh_dbus_interface_lookup (const char *name)
{
  g_autofree char *path = g_strconcat (RESOURCE_PATH, name, ".xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) xml = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  GDBusInterfaceInfo *interface;

  /* Through the resource itself, not the global lookup: a static library only brings its
   * resource into the program when something refers to it. */
  xml = g_resource_lookup_data (gh_tray_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                &error);
  if (xml == NULL)
    g_error ("%s", error->message);
  /* Resource data ends with a NUL byte. */
  node = g_dbus_node_info_new_for_xml (g_bytes_get_data (xml, NULL), &error);
  if (node == NULL)
    g_error ("%s: %s", path, error->message);
  interface = g_dbus_node_info_lookup_interface (node, name);
  if (interface == NULL)
    g_error ("%s does not describe %s", path, name);

  g_dbus_interface_info_cache_build (interface);
  return g_dbus_interface_info_ref (interface);
}
