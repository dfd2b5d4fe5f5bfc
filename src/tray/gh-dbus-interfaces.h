/* gh-dbus-interfaces.h — the D-Bus interfaces the tray implements
 *
 * Their introspection XML lives in src/tray/<interface name>.xml, compiled into the tray's
 * resources, so the files document the protocol and the code reads exactly them.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The interface `name` (e.g. "com.canonical.dbusmenu"), with its cache built for
 * g_dbus_connection_register_object. Transfer full; aborts if the resource is missing, which
 * is a build error. */
GDBusInterfaceInfo *gh_dbus_interface_lookup (const char *name);

G_END_DECLS
