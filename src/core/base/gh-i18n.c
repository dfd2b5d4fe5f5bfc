/* gh-i18n.c — the translations every Gatehouse executable uses */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "gh-i18n.h"

void
gh_i18n_init (void)
{
  const char *localedir = g_getenv ("GATEHOUSE_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* gettext reads only the catalogues from there; an empty value is no directory at all. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir
                                                                              : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
