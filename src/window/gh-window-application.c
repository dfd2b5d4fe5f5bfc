/* gh-window-application.c — the gatehouse-window process */
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
    window = GTK_WINDOW (gh_window_new (self));
  return GH_WINDOW (window);
}

static void
gh_window_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (GH_WINDOW_APPLICATION (application))));
}

static int
gh_window_application_command_line (GApplication            *application,
                                    GApplicationCommandLine *command_line)
{
  g_application_activate (application);
  return 0;
}

static void
gh_window_application_class_init (GhWindowApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = gh_window_application_activate;
  app_class->command_line = gh_window_application_command_line;
}

static void
gh_window_application_init (GhWindowApplication *self)
{
}

GhWindowApplication *
gh_window_application_new (void)
{
  return g_object_new (GH_TYPE_WINDOW_APPLICATION,
                       "application-id", GH_WINDOW_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}
