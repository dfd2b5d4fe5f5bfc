/* gh-window-application.c — the gatehouse-window process
 *
 * The tray service starts `gatehouse-window --page PAGE [--search TERMS]` whenever the window
 * is asked for; when one runs already, GApplication hands it the command line and this process
 * exits, so every request ends in the one window. The process lives as long as its window:
 * GtkApplication holds it while the window exists.
 */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-window-application.h"
#include "gh-window.h"

struct _GhWindowApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (GhWindowApplication, gh_window_application, ADW_TYPE_APPLICATION)

static GhWindow *
get_window (GhWindowApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (gh_window_new (GTK_APPLICATION (self)));
  return GH_WINDOW (window);
}

static void
present (GhWindowApplication *self,
         const char          *page,
         const char          *search)
{
  GhWindow *window = get_window (self);

  gh_window_show_page (window, page, search);
  gtk_window_present (GTK_WINDOW (window));
}

static void
gh_window_application_activate (GApplication *application)
{
  present (GH_WINDOW_APPLICATION (application), GH_WINDOW_PAGE_MAIN, NULL);
}

static int
gh_window_application_command_line (GApplication            *application,
                                    GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *page = GH_WINDOW_PAGE_MAIN;
  const char *search = NULL;

  g_variant_dict_lookup (options, "page", "&s", &page);
  g_variant_dict_lookup (options, "search", "&s", &search);
  if (g_strcmp0 (page, GH_WINDOW_PAGE_MAIN) != 0 && g_strcmp0 (page, GH_WINDOW_PAGE_ROLES) != 0 &&
      g_strcmp0 (page, GH_WINDOW_PAGE_SIGN_INS) != 0 &&
      g_strcmp0 (page, GH_WINDOW_PAGE_PREFERENCES) != 0)
    {
      g_application_command_line_printerr (command_line,
                                           _("Unknown page “%s”: use roles, sign-ins or "
                                             "preferences\n"), page);
      return 2;
    }
  present (GH_WINDOW_APPLICATION (application), page, search);
  return 0;
}

static void
gh_window_application_class_init (GhWindowApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = gh_window_application_activate;
  app_class->command_line = gh_window_application_command_line;
}

static const GOptionEntry option_entries[] = {
  { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The page to show: roles, sign-ins or preferences"), N_("PAGE") },
  { "search", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Search the roles for TERMS"), N_("TERMS") },
  { NULL }
};

static void
gh_window_application_init (GhWindowApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("The Gatehouse window: your AWS roles and "
                                              "sign-ins. The tray service starts it."));
}

GhWindowApplication *
gh_window_application_new (void)
{
  return g_object_new (GH_TYPE_WINDOW_APPLICATION,
                       "application-id", GH_WINDOW_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}
