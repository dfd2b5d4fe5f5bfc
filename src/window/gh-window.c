/* gh-window.c — the main window: sign-ins and the role picker */
#define G_LOG_DOMAIN "gh-window"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-window.h"
#include "gh-window-application.h"

struct _GhWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (GhWindow, gh_window, ADW_TYPE_APPLICATION_WINDOW)

static void
gh_window_class_init (GhWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gatehouse/Gatehouse/Window/gh-window.ui");
}

static void
gh_window_init (GhWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GhWindow *
gh_window_new (GhWindowApplication *application)
{
  return g_object_new (GH_TYPE_WINDOW, "application", application, NULL);
}
