/* gh-tray-menu.c — the tray menu's GMenuModel */
#define G_LOG_DOMAIN "gh-tray"

#include "config.h"

#include <string.h>

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
gh_tray_format_time_left (gint64 seconds)
{
  gint64 minutes = (seconds + 30) / 60;

  if (minutes < 1)
    return g_strdup (_("less than a minute"));
  return g_strdup_printf (ngettext ("%d minute", "%d minutes", minutes), (int) minutes);
}

char *
gh_tray_short_reason (const char *message)
{
  const gsize max = 60;
  g_autoptr(GString) reason = NULL;
  const char *stop;

  if (message == NULL || *message == '\0')
    return g_strdup (_("unknown error"));

  stop = strstr (message, ". ");
  reason = g_string_new_len (message, stop ? stop - message : -1);
  if (reason->len > 0 && reason->str[reason->len - 1] == '.')
    g_string_truncate (reason, reason->len - 1);
  /* A capital that only starts the sentence; "AWS" and names stay as they are. */
  if (g_ascii_isupper (reason->str[0]) && g_ascii_islower (reason->str[1]))
    reason->str[0] = g_ascii_tolower (reason->str[0]);
  if (g_utf8_strlen (reason->str, -1) > (glong) max)
    {
      char *cut = g_utf8_offset_to_pointer (reason->str, max - 1);

      g_string_truncate (reason, cut - reason->str);
      g_string_append (reason, "…");
    }
  return g_string_free (g_steal_pointer (&reason), FALSE);
}

static const char *
problem_of (GhSession        *session,
            const GhTrayView *view)
{
  if (view->problems == NULL)
    return NULL;
  return g_hash_table_lookup (view->problems, gh_session_get_name (session));
}

GhTraySessionState
gh_tray_session_state (GhSession        *session,
                       const GhTrayView *view)
{
  gint64 end = gh_session_get_session_end (session);

  switch (gh_session_get_status (session))
    {
    case GH_SESSION_SIGNED_IN:
    case GH_SESSION_REFRESHING:
      if (problem_of (session, view) != NULL)
        return GH_TRAY_SESSION_ERROR;
      if (end > 0 && end - view->now <= view->expiring_lead)
        return GH_TRAY_SESSION_EXPIRING;
      return GH_TRAY_SESSION_SIGNED_IN;
    case GH_SESSION_SIGNING_IN:
      return GH_TRAY_SESSION_SIGNING_IN;
    case GH_SESSION_EXPIRED:
      return GH_TRAY_SESSION_ENDED;
    case GH_SESSION_ERROR:
      return GH_TRAY_SESSION_ERROR;
    case GH_SESSION_SIGNED_OUT:
    default:
      return GH_TRAY_SESSION_SIGNED_OUT;
    }
}

char *
gh_tray_session_describe (GhSession        *session,
                          const GhTrayView *view)
{
  gint64 end = gh_session_get_session_end (session);
  g_autofree char *text = NULL;
  const char *problem;

  switch (gh_tray_session_state (session, view))
    {
    case GH_TRAY_SESSION_SIGNED_IN:
      if (end <= 0)
        return g_strdup (_("signed in"));
      /* The end is an estimate, as in `gatehouse status`. */
      text = gh_tray_format_time (end);
      return g_strdup_printf (_("signed in until ~%s"), text);
    case GH_TRAY_SESSION_EXPIRING:
      text = gh_tray_format_time_left (end - view->now);
      return g_strdup_printf (_("ends in %s"), text);
    case GH_TRAY_SESSION_SIGNING_IN:
      return g_strdup (_("signing in…"));
    case GH_TRAY_SESSION_ENDED:
      return g_strdup (_("ended"));
    case GH_TRAY_SESSION_ERROR:
      problem = problem_of (session, view);
      text = gh_tray_short_reason (problem ? problem : gh_session_get_error_message (session));
      return g_strdup_printf (_("error: %s"), text);
    case GH_TRAY_SESSION_SIGNED_OUT:
    default:
      return g_strdup (_("signed out"));
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
              const char * const *exclude,
              guint               max,
              const GhTrayView   *view)
{
  g_autoptr(GMenu) section = g_menu_new ();
  guint count = 0;

  for (guint i = 0; targets != NULL && targets[i] != NULL && count < max; i++)
    {
      g_autofree char *label = NULL;
      g_autofree char *escaped = NULL;

      if (exclude != NULL && g_strv_contains (exclude, targets[i]))
        continue;
      label = gh_tray_menu_role_label (targets[i], view->account_name, view->user_data);
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

/* For a browser on another machine, or none: the code is shown and typed in elsewhere. */
static void
append_device_code (GMenu      *section,
                    GString    *signature,
                    const char *name)
{
  append (section, signature, _("Sign in with a code…"), "app.login-device-code",
          g_variant_new_string (name));
}

/* One section per sign-in: its name and state, then what can be done about it. */
static GMenu *
session_section (GhSession        *session,
                 const GhTrayView *view,
                 GString          *signature)
{
  GMenu *section = g_menu_new ();
  const char *name = gh_session_get_name (session);
  g_autofree char *state = gh_tray_session_describe (session, view);
  /* TRANSLATORS: a sign-in's name and its state, e.g. "work — ends in 12 minutes" */
  g_autofree char *label = g_strdup_printf (_("%s — %s"), name, state);
  g_autofree char *escaped = escape_label (label);

  /* No action: a label, shown disabled. */
  append (section, signature, escaped, NULL, NULL);
  switch (gh_tray_session_state (session, view))
    {
    case GH_TRAY_SESSION_SIGNED_IN:
      append (section, signature, _("Sign out"), "app.logout", g_variant_new_string (name));
      break;
    case GH_TRAY_SESSION_EXPIRING:
      append (section, signature, _("Sign in again"), "app.login", g_variant_new_string (name));
      append (section, signature, _("Sign out"), "app.logout", g_variant_new_string (name));
      break;
    case GH_TRAY_SESSION_ENDED:
      append (section, signature, _("Sign in again"), "app.login", g_variant_new_string (name));
      append_device_code (section, signature, name);
      break;
    case GH_TRAY_SESSION_ERROR:
      append (section, signature, _("Try again"),
              gh_session_status_is_signed_in (gh_session_get_status (session))
              ? "app.retry" : "app.login", g_variant_new_string (name));
      break;
    case GH_TRAY_SESSION_SIGNING_IN:
      break;
    case GH_TRAY_SESSION_SIGNED_OUT:
    default:
      append (section, signature, _("Sign in"), "app.login", g_variant_new_string (name));
      append_device_code (section, signature, name);
      break;
    }
  return section;
}

void
gh_tray_menu_update (GMenu            *menu,
                     GListModel       *sessions,
                     const GhTrayView *view)
{
  g_autoptr(GMenu) built = g_menu_new ();
  g_autoptr(GMenu) tools = g_menu_new ();
  g_autoptr(GString) signature = g_string_new (NULL);
  guint n_sessions = sessions != NULL ? g_list_model_get_n_items (sessions) : 0;
  const char *old;

  g_return_if_fail (G_IS_MENU (menu));

  for (guint i = 0; i < n_sessions; i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);
      g_autoptr(GMenu) section = session_section (session, view, signature);

      g_menu_append_section (built, NULL, G_MENU_MODEL (section));
      g_string_append_c (signature, '\x1d');
    }
  if (n_sessions == 0)
    {
      g_autoptr(GMenu) none = g_menu_new ();

      append (none, signature, _("No sign-ins yet"), NULL, NULL);
      append (none, signature, _("Add a sign-in…"), "app.show-window",
              g_variant_new_string (GH_TRAY_MENU_PAGE_SIGN_INS));
      g_menu_append_section (built, NULL, G_MENU_MODEL (none));
    }

  append_roles (built, signature, _("Favourites"), view->favorites, NULL,
                GH_TRAY_MENU_MAX_FAVORITES, view);
  append_roles (built, signature, _("Recent"), view->recents, view->favorites,
                GH_TRAY_MENU_MAX_RECENTS, view);

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
