/* gh-tray-menu.c — the tray menu's GMenuModel */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-role-target.h"
#include "gh-tray-menu.h"

/* Menu labels use underscores as mnemonics: double those that are text. */
static char *
escape_label (const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_')
        g_string_append_c (out, '_');
      g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
gh_tray_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_seconds);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  return g_date_time_format (when, "%a %H:%M");
}

char *
gh_tray_menu_session_label (GhSession *session)
{
  const char *name = gh_session_get_name (session);
  g_autofree char *until = NULL;

  switch (gh_session_get_status (session))
    {
    case GH_SESSION_SIGNED_IN:
    case GH_SESSION_REFRESHING:
      if (gh_session_get_session_end (session) <= 0)
        return g_strdup_printf (_("%s — signed in"), name);
      until = gh_tray_format_time (gh_session_get_session_end (session));
      return g_strdup_printf (_("%s — signed in until %s"), name, until);
    case GH_SESSION_SIGNING_IN:
      return g_strdup_printf (_("%s — signing in…"), name);
    case GH_SESSION_EXPIRED:
      return g_strdup_printf (_("%s — ended"), name);
    case GH_SESSION_ERROR:
      return g_strdup_printf (_("%s — error"), name);
    case GH_SESSION_SIGNED_OUT:
    default:
      return g_strdup_printf (_("%s — signed out"), name);
    }
}

char *
gh_tray_menu_role_label (const char        *target,
                         GhAccountNameFunc  account_name,
                         gpointer           user_data)
{
  g_autofree char *session = NULL;
  g_autofree char *account = NULL;
  g_autofree char *role = NULL;
  const char *name = NULL;

  if (!gh_role_target_parse (target, &session, &account, &role))
    return NULL;
  if (account_name != NULL)
    name = account_name (session, account, user_data);
  return g_strdup_printf ("%s @ %s", role, name ? name : account);
}

static void
append (GMenu      *section,
        GString    *signature,
        const char *label,
        const char *action,
        GVariant   *target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);
  g_autoptr(GVariant) owned = target ? g_variant_ref_sink (target) : NULL;

  if (action != NULL)
    g_menu_item_set_action_and_target_value (item, action, owned);
  g_menu_append_item (section, item);

  g_string_append_printf (signature, "%s\x1f%s\x1f", label, action ? action : "");
  if (owned != NULL)
    g_variant_print_string (owned, signature, FALSE);
  g_string_append_c (signature, '\x1e');
}

static void
append_roles (GMenu              *menu,
              GString            *signature,
              const char         *title,
              const char * const *targets,
              guint               max,
              GhAccountNameFunc   account_name,
              gpointer            user_data)
{
  g_autoptr(GMenu) section = g_menu_new ();
  guint count = 0;

  for (guint i = 0; targets != NULL && targets[i] != NULL && count < max; i++)
    {
      g_autofree char *label = gh_tray_menu_role_label (targets[i], account_name, user_data);
      g_autofree char *escaped = NULL;

      if (label == NULL)
        continue;
      escaped = escape_label (label);
      append (section, signature, escaped, "app.open-console", g_variant_new_string (targets[i]));
      count++;
    }

  if (count > 0)
    {
      g_menu_append_section (menu, title, G_MENU_MODEL (section));
      g_string_append_printf (signature, "[%s]", title);
    }
}

void
gh_tray_menu_update (GMenu              *menu,
                     GListModel         *sessions,
                     const char * const *favorites,
                     const char * const *recents,
                     GhAccountNameFunc   account_name,
                     gpointer            user_data)
{
  g_autoptr(GMenu) built = g_menu_new ();
  g_autoptr(GMenu) session_section = g_menu_new ();
  g_autoptr(GMenu) tools = g_menu_new ();
  g_autoptr(GString) signature = g_string_new (NULL);
  guint n_sessions = sessions != NULL ? g_list_model_get_n_items (sessions) : 0;
  const char *old;

  g_return_if_fail (G_IS_MENU (menu));

  for (guint i = 0; i < n_sessions; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      GhSessionStatus status = gh_session_get_status (session);
      g_autofree char *label = gh_tray_menu_session_label (session);
      g_autofree char *escaped = escape_label (label);
      gboolean signed_in = status == GH_SESSION_SIGNED_IN || status == GH_SESSION_REFRESHING;

      /* No action: a label, shown disabled. */
      append (session_section, signature, escaped, NULL, NULL);
      append (session_section, signature, signed_in ? _("Sign out") : _("Sign in"),
              signed_in ? "app.logout" : "app.login",
              g_variant_new_string (gh_session_get_name (session)));
    }
  if (n_sessions == 0)
    append (session_section, signature,
            _("No sign-ins: add one with “gatehouse session add”"), NULL, NULL);
  g_menu_append_section (built, NULL, G_MENU_MODEL (session_section));

  append_roles (built, signature, _("Favourites"), favorites, GH_TRAY_MENU_MAX_FAVORITES,
                account_name, user_data);
  append_roles (built, signature, _("Recent"), recents, GH_TRAY_MENU_MAX_RECENTS,
                account_name, user_data);

  append (tools, signature, _("Open console for…"), "app.show-window",
          g_variant_new_string (GH_TRAY_MENU_PAGE_ROLES));
  append (tools, signature, _("Sync AWS CLI profiles"), "app.sync", g_variant_new_string (""));
  append (tools, signature, _("Preferences…"), "app.show-window",
          g_variant_new_string (GH_TRAY_MENU_PAGE_PREFERENCES));
  append (tools, signature, _("Quit"), "app.quit", NULL);
  g_menu_append_section (built, NULL, G_MENU_MODEL (tools));

  old = g_object_get_data (G_OBJECT (menu), "gh-signature");
  if (g_strcmp0 (old, signature->str) == 0)
    return;
  g_object_set_data_full (G_OBJECT (menu), "gh-signature", g_strdup (signature->str), g_free);

  g_menu_remove_all (menu);
  for (int i = 0; i < g_menu_model_get_n_items (G_MENU_MODEL (built)); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new_from_model (G_MENU_MODEL (built), i);

      g_menu_append_item (menu, item);
    }
}
