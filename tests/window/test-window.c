/* test-window.c — the window (src/window/) on a display of its own (Xvfb), against the
 * simulator: the roles of a real sign-in, the search, opening the console from a row and from
 * the search entry, the favourite star and what it leaves in GSettings, the sign-ins page
 *
 * The window is built in the test process and driven through its widgets (template children,
 * actions, signals). The CLI signs in with the fixture's environment and the window must see
 * the same one: the process takes it on before GLib reads it, and the cases run one after
 * another in it (gh_test_display_run_cases), each with the fixture as new and its windows
 * destroyed after it.
 */
#include "config.h"

#include <signal.h>

#include "gh-role-picker.h"
#include "gh-role-row.h"
#include "gh-role-slot.h"
#include "gh-role-target.h"
#include "gh-sign-in-prompt.h"
#include "gh-test-display.h"
#include "gh-test-env.h"
#include "gh-window.h"

/* The simulator's accounts (gh-simulator.h): 3 accounts of 2 roles. */
#define N_ROLES 6

typedef struct
{
  GhTestFixture *fixture;
  char          *session;
  GhWindow      *window;
  GhRolePicker  *picker;
  GListModel    *model;
} WindowTest;

static gboolean
model_has_roles_cb (gpointer data)
{
  WindowTest *test = data;

  return g_list_model_get_n_items (test->model) == N_ROLES &&
         !gh_role_picker_get_loading (test->picker);
}

static void
open_window (WindowTest *test)
{
  test->window = gh_window_new (NULL);
  test->picker = gh_window_get_role_picker (test->window);
  test->model = gh_role_picker_get_model (test->picker);
  gtk_window_present (GTK_WINDOW (test->window));
  gh_test_wait_for (model_has_roles_cb, test, 20000, "the window to list the roles");
}

/* A signed-in sign-in whose roles are in the role cache, and the window open on it. */
static void
window_test_init (WindowTest    *test,
                  GhTestFixture *fixture,
                  const char    *base)
{
  test->fixture = fixture;
  test->session = gh_test_unique_name (base);
  gh_test_sign_in (fixture, test->session);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "roles", test->session, NULL), ==, 0);
  gh_test_gtk_init ();
  open_window (test);
}

static void
close_window (WindowTest *test)
{
  gtk_window_destroy (GTK_WINDOW (test->window));
  test->window = NULL;
  test->picker = NULL;
  test->model = NULL;
}

static void
window_test_clear (WindowTest *test)
{
  if (test->window != NULL)
    close_window (test);
  g_free (test->session);
}

static char *
row_text (GListModel *model,
          guint       position)
{
  g_autoptr(GhRoleSlot) slot = g_list_model_get_item (model, position);
  GhRole *role = gh_role_slot_get_role (slot);

  return g_strdup_printf ("%s/%s", gh_role_get_account_name (role), gh_role_get_role_name (role));
}

static char *
model_text (GListModel *model)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autofree char *row = row_text (model, i);

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", row);
    }
  return g_string_free (text, FALSE);
}

typedef struct
{
  GListModel *model;
  guint       n_items;
} CountWait;

static gboolean
count_is_cb (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->n_items;
}

/* Types `text` into the search entry (as the key capture does) and waits for `n_items` rows. */
static void
search (WindowTest *test,
        const char *text,
        guint       n_items)
{
  GtkWidget *entry = gh_test_template_child (test->picker, GH_TYPE_ROLE_PICKER, "search_entry");
  CountWait wait = { test->model, n_items };
  g_autofree char *what = g_strdup_printf ("“%s” to leave %u rows", text, n_items);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gh_test_wait_for (count_is_cb, &wait, 5000, what);
}

static const char *
visible_page (WindowTest *test)
{
  GtkWidget *stack = gh_test_template_child (test->picker, GH_TYPE_ROLE_PICKER, "stack");

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* The window lists every account and role of the sign-in, sorted by account name. */
static void
test_roles (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autofree char *text = NULL;

  window_test_init (&test, fixture, "window-roles");
  text = model_text (test.model);
  g_assert_cmpstr (text, ==,
                   "Account 1/AdministratorAccess, Account 1/ReadOnly, "
                   "Account 2/AdministratorAccess, Account 2/ReadOnly, "
                   "Account 3/AdministratorAccess, Account 3/ReadOnly");
  g_assert_cmpstr (visible_page (&test), ==, "list");
  window_test_clear (&test);
}

/* The search matches account names, ids, e-mail addresses and roles; every term must match. */
static void
test_search (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autofree char *one = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *by_mail = NULL;

  window_test_init (&test, fixture, "window-search");

  search (&test, "account 2 read", 1);
  one = model_text (test.model);
  g_assert_cmpstr (one, ==, "Account 2/ReadOnly");

  search (&test, "100000000003", 2);
  by_id = model_text (test.model);
  g_assert_cmpstr (by_id, ==, "Account 3/AdministratorAccess, Account 3/ReadOnly");

  search (&test, "account1@example.com admin", 1);
  by_mail = model_text (test.model);
  g_assert_cmpstr (by_mail, ==, "Account 1/AdministratorAccess");

  /* The default profile name "{role}-{account_id}" spans two fields. */
  search (&test, "ReadOnly-100000000001", 1);

  search (&test, "no such role", 0);
  g_assert_cmpstr (visible_page (&test), ==, "no-results");

  search (&test, "", N_ROLES);
  g_assert_cmpstr (visible_page (&test), ==, "list");
  window_test_clear (&test);
}

static gboolean
console_login_seen_cb (gpointer data)
{
  GhTestFixture *fixture = data;

  return gh_simulator_get_console_logins (fixture->sim)->len > 0;
}

static void
assert_console_opened (GhTestFixture *fixture,
                       const char    *account_and_role)
{
  g_auto(GStrv) urls = NULL;
  GPtrArray *logins;

  gh_test_wait_for (console_login_seen_cb, fixture, 30000, "the console sign-in");
  logins = gh_simulator_get_console_logins (fixture->sim);
  g_assert_cmpuint (logins->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logins, 0), ==, account_and_role);
  /* The browser only saw the one-shot link, never the sign-in token. */
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 1);
  g_assert_true (g_str_has_prefix (urls[0], "http://127.0.0.1:"));
  g_assert_null (strstr (urls[0], "SigninToken"));
}

/* Activating a row (Enter or a double click on it) opens that role's console. */
static void
test_activate_row (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  GtkWidget *list_view;

  window_test_init (&test, fixture, "window-activate");
  list_view = gh_test_template_child (test.picker, GH_TYPE_ROLE_PICKER, "list_view");
  /* Account 2/AdministratorAccess */
  g_signal_emit_by_name (list_view, "activate", 2);
  assert_console_opened (fixture, "100000000002/AdministratorAccess");
  window_test_clear (&test);
}

/* Keyboard first: type, then Enter opens the first match. */
static void
test_search_enter (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  GtkWidget *entry;

  window_test_init (&test, fixture, "window-enter");
  search (&test, "account 3 readonly", 1);
  entry = gh_test_template_child (test.picker, GH_TYPE_ROLE_PICKER, "search_entry");
  g_signal_emit_by_name (entry, "activate");
  assert_console_opened (fixture, "100000000003/ReadOnly");
  window_test_clear (&test);
}

typedef struct
{
  const char *account_name;
  const char *role_name;
} RowWanted;

static gboolean
is_row_of (GtkWidget     *widget,
           gconstpointer  data)
{
  const RowWanted *wanted = data;
  GhRole *role;

  if (!GH_IS_ROLE_ROW (widget) || (role = gh_role_row_get_role (GH_ROLE_ROW (widget))) == NULL)
    return FALSE;
  return g_strcmp0 (gh_role_get_account_name (role), wanted->account_name) == 0 &&
         g_strcmp0 (gh_role_get_role_name (role), wanted->role_name) == 0;
}

/* The row showing `role_name` of `account_name`, among the rows the list view made. */
static GhRoleRow *
find_row (GtkWidget  *widget,
          const char *account_name,
          const char *role_name)
{
  RowWanted wanted = { account_name, role_name };

  return GH_ROLE_ROW (gh_test_find_widget (widget, is_row_of, &wanted));
}

typedef struct
{
  WindowTest *test;
  const char *first;
} FirstWait;

static gboolean
first_row_is_cb (gpointer data)
{
  FirstWait *wait = data;
  g_autofree char *first = NULL;

  if (g_list_model_get_n_items (wait->test->model) == 0)
    return FALSE;
  first = row_text (wait->test->model, 0);
  return g_str_equal (first, wait->first);
}

/* The row's star: the button that activates row.toggle-favorite. */
static GtkWidget *
star_of (GhRoleRow *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (row)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child) &&
        g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)),
                   "row.toggle-favorite") == 0)
      return child;
  g_error ("The row has no star");
}

static const char *
star_icon (WindowTest *test)
{
  GhRoleRow *row = find_row (GTK_WIDGET (test->window), "Account 3", "ReadOnly");
  GtkWidget *star;

  g_assert_nonnull (row);
  star = star_of (row);
  return gtk_button_get_icon_name (GTK_BUTTON (star));
}

/* The star makes a role a favourite: it moves to the top, is kept in GSettings
 * (favorite-roles, which the CLI and the tray read too), and is still one in a new window. */
static void
test_favorite (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autoptr(GSettings) settings = NULL;
  g_auto(GStrv) favorites = NULL;
  g_autofree char *target = NULL;
  g_autofree char *out = NULL;
  FirstWait wait = { &test, "Account 3/ReadOnly" };
  GhRoleRow *row;

  window_test_init (&test, fixture, "window-favorite");
  target = gh_role_target_build (test.session, "100000000003", "ReadOnly");
  g_assert_cmpstr (star_icon (&test), ==, "non-starred-symbolic");

  row = find_row (GTK_WIDGET (test.window), "Account 3", "ReadOnly");
  gtk_widget_activate (star_of (row));
  gh_test_wait_for (first_row_is_cb, &wait, 5000, "the favourite to come first");
  g_assert_cmpstr (star_icon (&test), ==, "starred-symbolic");
  /* Once, at the top: not a second time in its account's place. */
  g_assert_cmpuint (g_list_model_get_n_items (test.model), ==, N_ROLES);
  search (&test, "account 3", 2);
  search (&test, "", N_ROLES);

  settings = g_settings_new (APPLICATION_ID);
  favorites = g_settings_get_strv (settings, "favorite-roles");
  g_assert_true (g_strv_contains ((const char * const *) favorites, target));
  g_settings_sync ();
  g_assert_cmpint (gh_test_run_cli (fixture, &out, NULL, "favorite", "list", NULL), ==, 0);
  gh_test_assert_contains (out, "100000000003");

  /* A new window (a new process would read the same keyfile) starts with it first. */
  close_window (&test);
  open_window (&test);
  gh_test_wait_for (first_row_is_cb, &wait, 5000, "the favourite to come first again");
  g_assert_cmpstr (star_icon (&test), ==, "starred-symbolic");

  /* And the star takes it back. */
  row = find_row (GTK_WIDGET (test.window), "Account 3", "ReadOnly");
  gtk_widget_activate (star_of (row));
  wait.first = "Account 1/AdministratorAccess";
  gh_test_wait_for (first_row_is_cb, &wait, 5000, "the former favourite to leave the top");
  g_strfreev (favorites);
  favorites = g_settings_get_strv (settings, "favorite-roles");
  g_assert_false (g_strv_contains ((const char * const *) favorites, target));
  window_test_clear (&test);
}

/* The sign-ins page shows the sign-in, signed in, with its token's countdown. */
static void
test_sign_ins (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  GtkWidget *list;
  GtkWidget *row;
  const char *subtitle;

  window_test_init (&test, fixture, "window-signins");
  gh_window_show_page (test.window, GH_WINDOW_PAGE_SIGN_INS, NULL);
  list = gh_test_template_child (test.window, GH_TYPE_WINDOW, "sessions_list");
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, test.session);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_test_message ("subtitle: %s", subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "Signed in · token renews in "));
  window_test_clear (&test);
}

typedef struct
{
  gboolean  done;
  char     *text;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
clipboard_read_done_cb (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static char *
clipboard_text (WindowTest *test)
{
  ClipboardRead read = { FALSE, NULL };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (test->window)), NULL,
                                 clipboard_read_cb, &read);
  gh_test_wait_for (clipboard_read_done_cb, &read, 5000, "the clipboard");
  return read.text;
}

typedef struct
{
  GdkClipboard *clipboard;
  guint         changes;
} ClipboardWait;

static void
clipboard_changed_cb (GdkClipboard  *clipboard,
                      ClipboardWait *wait)
{
  wait->changes++;
}

static gboolean
clipboard_changed (gpointer data)
{
  return ((ClipboardWait *) data)->changes > 0;
}

/* Activates picker.ACTION for the role as its row's menu does, and waits for the clipboard. */
static char *
copy_with (WindowTest *test,
           const char *action,
           const char *target)
{
  ClipboardWait wait = { gtk_widget_get_clipboard (GTK_WIDGET (test->window)), 0 };
  gulong id = g_signal_connect (wait.clipboard, "changed", G_CALLBACK (clipboard_changed_cb),
                                &wait);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (test->picker), action, "s", target));
  gh_test_wait_for (clipboard_changed, &wait, 30000, action);
  g_signal_handler_disconnect (wait.clipboard, id);
  return clipboard_text (test);
}

/* "Copy profile name" copies the name sync gives the role; "Copy credentials as environment
 * variables" copies export lines with the role's keys and their expiry. */
static void
test_copy (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autofree char *target = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *exports = NULL;

  window_test_init (&test, fixture, "window-copy");
  target = gh_role_target_build (test.session, "100000000002", "ReadOnly");

  profile = copy_with (&test, "picker.copy-profile-name", target);
  g_assert_cmpstr (profile, ==, "ReadOnly-100000000002");

  exports = copy_with (&test, "picker.copy-credentials", target);
  g_assert_true (g_str_has_prefix (exports, "export AWS_ACCESS_KEY_ID="));
  gh_test_assert_contains (exports, "\nexport AWS_SECRET_ACCESS_KEY=");
  gh_test_assert_contains (exports, "\nexport AWS_SESSION_TOKEN=");
  gh_test_assert_contains (exports, "\nexport AWS_CREDENTIAL_EXPIRATION=");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 1);
  window_test_clear (&test);
}

static gboolean
is_message_dialog (GtkWidget     *widget,
                   gconstpointer  data)
{
  return ADW_IS_MESSAGE_DIALOG (widget);
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (is_message_dialog (window, NULL))
        return ADW_MESSAGE_DIALOG (window);
    }
  g_error ("No dialog");
}

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  prefix)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), prefix);
}

/* The region and destination asked for a role are remembered (role-regions,
 * role-destinations) and used for its console, then and later. */
static void
test_console_options (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GVariant) regions = NULL;
  g_autoptr(GVariant) destinations = NULL;
  g_autofree char *target = NULL;
  g_autofree char *region = NULL;
  g_autofree char *destination = NULL;
  AdwMessageDialog *dialog;

  window_test_init (&test, fixture, "window-options");
  target = gh_role_target_build (test.session, "100000000001", "ReadOnly");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (test.picker), "picker.console-options",
                                             "s", target));
  dialog = find_dialog ();
  gtk_editable_set_text (GTK_EDITABLE (gh_test_find_widget (GTK_WIDGET (dialog),
                                                            is_entry_row_titled, "Region")),
                         "eu-west-1");
  gtk_editable_set_text (GTK_EDITABLE (gh_test_find_widget (GTK_WIDGET (dialog),
                                                            is_entry_row_titled, "Destination")),
                         "s3");
  adw_message_dialog_response (dialog, "open");

  assert_console_opened (fixture, "100000000001/ReadOnly");
  gh_test_assert_contains (gh_simulator_get_last_console_destination (fixture->sim),
                           "/s3/home?region=eu-west-1");
  regions = g_settings_get_value (settings, "role-regions");
  destinations = g_settings_get_value (settings, "role-destinations");
  g_assert_true (g_variant_lookup (regions, target, "s", &region));
  g_assert_true (g_variant_lookup (destinations, target, "s", &destination));
  g_assert_cmpstr (region, ==, "eu-west-1");
  g_assert_cmpstr (destination, ==, "s3");
  window_test_clear (&test);
}

static GtkWidget *
session_row (WindowTest *test)
{
  GtkWidget *list = gh_test_template_child (test->window, GH_TYPE_WINDOW, "sessions_list");
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0);

  g_assert_nonnull (row);
  return GTK_WIDGET (row);
}

typedef struct
{
  WindowTest *test;
  const char *prefix;
} SubtitleWait;

static gboolean
subtitle_is_cb (gpointer data)
{
  SubtitleWait *wait = data;
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (session_row (wait->test)));

  return g_str_has_prefix (subtitle, wait->prefix);
}

/* The row's button (its one suffix). */
static GtkButton *
session_button (WindowTest *test)
{
  GtkWidget *row = session_row (test);

  return g_object_get_data (G_OBJECT (row), "gh-button");
}

static gboolean
service_has_state_cb (gpointer data)
{
  WindowTest *test = data;
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APPLICATION_ID),
                                       G_VARIANT_TYPE ("(b)"), 0, -1, NULL, NULL);
  g_object_unref (bus);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned && test->window != NULL;
}

/* The tray service started (the window's sign-ins follow it) and the sign-ins page shown, its
 * row signed in. */
static GSubprocess *
start_service_on_sign_ins (WindowTest *test)
{
  GSubprocess *service = gh_test_spawn_cli (test->fixture, "--background", NULL);
  SubtitleWait wait = { test, "Signed in · token renews in " };

  gh_test_wait_for (service_has_state_cb, test, 20000, "the tray service");
  gh_window_show_page (test->window, GH_WINDOW_PAGE_SIGN_INS, NULL);
  gh_test_wait_for (subtitle_is_cb, &wait, 10000, "the row to say signed in");
  return service;
}

/* Sign out and in again from the window: it asks the running service (the tray service's
 * logout and login actions), and its row follows the service's "sessions" state. */
static void
test_sign_out_in (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autoptr(GSubprocess) service = NULL;
  SubtitleWait wait = { &test, NULL };

  window_test_init (&test, fixture, "window-service");
  service = start_service_on_sign_ins (&test);
  g_assert_cmpstr (gtk_button_get_label (session_button (&test)), ==, "Sign Out");

  gtk_widget_activate (GTK_WIDGET (session_button (&test)));
  wait.prefix = "Signed out";
  gh_test_wait_for (subtitle_is_cb, &wait, 20000, "the service to sign out");
  g_assert_cmpstr (gtk_button_get_label (session_button (&test)), ==, "Sign In");
  g_assert_null (gh_test_keyring_lookup (fixture, test.session, GH_SECRET_REFRESH_TOKEN));

  /* Sign In: the service opens the stand-in browser, the simulator approves at once. */
  gtk_widget_activate (GTK_WIDGET (session_button (&test)));
  wait.prefix = "Signed in · token renews in ";
  gh_test_wait_for (subtitle_is_cb, &wait, 30000, "the service to sign in again");

  g_subprocess_send_signal (service, SIGTERM);
  g_subprocess_wait (service, NULL, NULL);
  window_test_clear (&test);
}

/* The card of the first sign-in waiting for its code, or NULL. */
static GhSignInPrompt *
shown_prompt (WindowTest *test)
{
  GtkWidget *box = gh_test_template_child (test->window, GH_TYPE_WINDOW, "prompts_box");
  GtkWidget *child = gtk_widget_get_first_child (box);

  if (child == NULL || !gtk_widget_get_visible (box))
    return NULL;
  return GH_SIGN_IN_PROMPT (child);
}

static gboolean
prompt_shown_cb (gpointer data)
{
  return shown_prompt (data) != NULL;
}

static gboolean
prompt_gone_cb (gpointer data)
{
  WindowTest *test = data;
  GtkWidget *box = gh_test_template_child (test->window, GH_TYPE_WINDOW, "prompts_box");

  return gtk_widget_get_first_child (box) == NULL && !gtk_widget_get_visible (box);
}

/* The row's menu offers the device-code sign-in of this sign-in: its one item's action. */
static void
assert_row_menu_offers_code (WindowTest *test)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (session_row (test)), "gh-menu-button");
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_autoptr(GVariant) target = NULL;
  g_autofree char *action = NULL;

  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s",
                                                  &action));
  g_assert_cmpstr (action, ==, "win.login-device-code");
  target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET,
                                                  G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, test->session);
  g_assert_true (gtk_widget_get_sensitive (button));
}

/* "Sign In with a Code": the service's device-code sign-in waits for the person, and the page
 * shows the code the simulator handed out and the link to enter it; approving it signs in and
 * takes them away. */
static void
test_device_code (GhTestFixture *fixture)
{
  WindowTest test = { 0, };
  g_autoptr(GSubprocess) service = NULL;
  SubtitleWait wait = { &test, NULL };
  ClipboardWait copied = { NULL, 0 };
  g_autofree char *copied_text = NULL;
  AdwViewStackPage *page;
  GhSignInPrompt *prompt;
  GtkWidget *code_label;
  GtkWidget *link;
  const char *user_code;

  window_test_init (&test, fixture, "window-device");
  service = start_service_on_sign_ins (&test);
  g_assert_null (shown_prompt (&test));
  assert_row_menu_offers_code (&test);

  g_object_set (fixture->sim, "auto-approve", FALSE, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (test.window), "win.login-device-code",
                                             "s", test.session));
  gh_test_wait_for (prompt_shown_cb, &test, 30000, "the device code");
  prompt = shown_prompt (&test);
  user_code = gh_simulator_get_last_user_code (fixture->sim);
  g_assert_nonnull (user_code);
  g_assert_cmpstr (gh_sign_in_prompt_get_session_name (prompt), ==, test.session);
  g_assert_cmpstr (gh_sign_in_prompt_get_user_code (prompt), ==, user_code);
  code_label = gh_test_template_child (prompt, GH_TYPE_SIGN_IN_PROMPT, "code_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (code_label)), ==, user_code);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (code_label)));
  link = gh_test_template_child (prompt, GH_TYPE_SIGN_IN_PROMPT, "link_button");
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), ==,
                   gh_sign_in_prompt_get_url (prompt));
  g_assert_true (g_str_has_prefix (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)),
                                   gh_simulator_get_url (fixture->sim)));
  /* The link's text is the page to type in, without the code in its query. */
  g_assert_null (strchr (gtk_button_get_label (GTK_BUTTON (link)), '?'));
  gh_test_assert_contains (gtk_button_get_label (GTK_BUTTON (link)), "/device");
  page = ADW_VIEW_STACK_PAGE (gtk_widget_get_template_child (GTK_WIDGET (test.window),
                                                             GH_TYPE_WINDOW, "sign_ins_page"));
  g_assert_true (adw_view_stack_page_get_needs_attention (page));
  wait.prefix = "Signing in — enter the code";
  gh_test_wait_for (subtitle_is_cb, &wait, 10000, "the row to ask for the code");

  /* The copy button copies the code. */
  copied.clipboard = gtk_widget_get_clipboard (GTK_WIDGET (test.window));
  g_signal_connect (copied.clipboard, "changed", G_CALLBACK (clipboard_changed_cb), &copied);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prompt), "prompt.copy-code", NULL));
  gh_test_wait_for (clipboard_changed, &copied, 5000, "the code in the clipboard");
  g_signal_handlers_disconnect_by_data (copied.clipboard, &copied);
  copied_text = clipboard_text (&test);
  g_assert_cmpstr (copied_text, ==, user_code);

  g_assert_cmpuint (gh_simulator_approve (fixture->sim, user_code), ==, 1);
  gh_test_wait_for (prompt_gone_cb, &test, 30000, "the code to go once approved");
  g_assert_false (adw_view_stack_page_get_needs_attention (page));
  wait.prefix = "Signed in · token renews in ";
  gh_test_wait_for (subtitle_is_cb, &wait, 30000, "the service to sign in with the code");

  g_subprocess_send_signal (service, SIGTERM);
  g_subprocess_wait (service, NULL, NULL);
  window_test_clear (&test);
}

static const GhTestCase cases[] = {
  { "/window/roles", test_roles },
  { "/window/search", test_search },
  { "/window/activate-row", test_activate_row },
  { "/window/search-enter", test_search_enter },
  { "/window/favorite", test_favorite },
  { "/window/sign-ins", test_sign_ins },
  { "/window/sign-out-in", test_sign_out_in },
  { "/window/device-code", test_device_code },
  { "/window/copy", test_copy },
  { "/window/console-options", test_console_options },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  return gh_test_display_run_cases (cases, G_N_ELEMENTS (cases));
}
