/* gh-i18n.h — the translations every Gatehouse executable uses */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale from the environment and binds Gatehouse's text domain, as the first thing
 * main() does: to LOCALEDIR, or to $GATEHOUSE_LOCALEDIR when set (an uninstalled build's
 * BUILDDIR/po, as the tests use it). */
void gh_i18n_init (void);

G_END_DECLS
