/* test-tray.c — the tray service (`gatehouse --background`) end to end on the private bus:
 * registration, menu, clicks, sign-in, background refresh (fixture: gh-test-tray.c) */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "gh-test-tray.h"

static guint
row_index (GPtrArray  *rows,
           const char *label)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (((Row *) g_ptr_array_index (rows, i))->label, label) == 0)
      return i;
  g_error ("No menu row “%s”", label);
}

/* Asks the service to quit as a tray host would and waits for a clean exit; returns the
 * milliseconds it took. */
static gint64
quit_service (TrayFixture *fixture)
{
  g_autoptr(GVariant) reply = NULL;
  gint64 started = g_get_monotonic_time ();

  reply = call (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions", "Activate",
                g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL);
  for (gint64 deadline = started + 20 * G_USEC_PER_SEC;
       g_subprocess_get_identifier (fixture->service) != NULL;)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gh_test_sleep_ms (20);
    }
  g_subprocess_wait (fixture->service, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (fixture->service));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->service), ==, 0);
  g_clear_object (&fixture->service);
  return (g_get_monotonic_time () - started) / 1000;
}

/* Tests */

static void
test_register_menu_favourite (TrayFixture   *fixture,
                              gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("tray");
  g_autofree char *favourite = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GVariant) pixmaps = NULL;
  g_autoptr(GVariant) icon = NULL;
  g_autoptr(GVariant) title = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *state = NULL;
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;
  GPtrArray *logins;
  gint64 ms;
  int id;

  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "favorite", "add", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly", NULL), ==, 0);

  ms = start_service (fixture);
  g_test_message ("service start → item registered: %" G_GINT64_FORMAT " ms", ms);

  /* The item: themed icon name, a pixmap, the menu path. */
  icon = item_property (fixture, "IconName");
  g_assert_cmpstr (g_variant_get_string (icon, NULL), ==, "gatehouse-signed-in");
  pixmaps = item_property (fixture, "IconPixmap");
  g_assert_true (g_variant_is_of_type (pixmaps, G_VARIANT_TYPE ("a(iiay)")));
  g_assert_cmpuint (g_variant_n_children (pixmaps), >=, 1);

  /* What hosts show as its name. */
  title = item_property (fixture, "Title");
  g_assert_cmpstr (g_variant_get_string (title, NULL), ==, "Gatehouse");

  /* The menu: the session with its state (the end is an estimate), Sign out, the favourite
   * with its account name (from the role list the service fetched at start), Sync and Quit. */
  label = g_strdup_printf ("%s — signed in until ~", name);
  wait_for_row (fixture, label);
  id = wait_for_row (fixture, "ReadOnly @ Account 1");
  rows = menu_rows (fixture);
  text = menu_text (rows);
  g_test_message ("menu:\n%s", text);
  g_assert_false (find_row (rows, label)->enabled);
  g_assert_nonnull (find_row (rows, "Sign out"));
  g_assert_true (find_row (rows, "Sign out")->enabled);
  g_assert_nonnull (find_row (rows, "Favourites"));
  g_assert_nonnull (find_row (rows, "Sync AWS CLI profiles"));
  g_assert_nonnull (find_row (rows, "Quit"));

  /* The exported state. */
  state = session_state (fixture, name);
  g_assert_cmpstr (state, ==, "signed-in");

  /* A click on the favourite opens the console through the one-shot link. */
  reply = call (fixture, fixture->item_name, "/MenuBar", "com.canonical.dbusmenu", "Event",
                g_variant_new ("(isvu)", id, "clicked", g_variant_new_string (""), 0), NULL);
  wait_for_browser (fixture, "http://127.0.0.1:");
  logins = gh_simulator_get_console_logins (fixture->env.sim);
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       logins->len == 0 && g_get_monotonic_time () < deadline;)
    gh_test_sleep_ms (50);
  g_assert_cmpuint (logins->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logins, 0), ==, "100000000001/ReadOnly");

  /* …and the role becomes a recent one, listed under Recent once it is no longer a
   * favourite (not twice before). */
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "favorite", "remove", "--session",
                                    name, "--account", "100000000001", "--role", "ReadOnly",
                                    NULL), ==, 0);
  wait_for_row (fixture, "Recent");
  {
    g_autoptr(GPtrArray) now = menu_rows (fixture);
    guint count = 0;

    for (guint i = 0; i < now->len; i++)
      if (g_strcmp0 (((Row *) g_ptr_array_index (now, i))->label, "ReadOnly @ Account 1") == 0)
        count++;
    g_assert_cmpuint (count, ==, 1);
    g_assert_null (find_row (now, "Favourites"));
  }

  /* The watcher restarts: the item registers again. */
  stop_watcher (fixture);
  start_watcher (fixture);
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;;)
    {
      g_clear_pointer (&names, g_ptr_array_unref);
      names = registrations (fixture);
      if (names->len > 0 || g_get_monotonic_time () > deadline)
        break;
      gh_test_sleep_ms (50);
    }
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, fixture->item_name);

  gh_test_sleep_ms (1000);
  print_memory (fixture->service);
}

static void
test_ending_notification (TrayFixture   *fixture,
                          gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("ending");
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GVariant) reply = NULL;
  Notification *ending = NULL;
  guint32 id = 0;

  /* A sign-in of 40 seconds: shorter than both lead times, so announced at once. */
  g_object_set (fixture->env.sim, "session-lifetime", (gint64) 40,
                "access-token-lifetime", (gint64) 40, NULL);
  gh_test_add_short_session (&fixture->env, name, "40s");
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "login", name, NULL), ==, 0);
  g_unlink (fixture->env.browser_log);
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=10"));

  start_service (fixture);
  expected = g_strdup_printf ("Your AWS sign-in “%s” ends in", name);
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       !has_notification (fixture, expected, &id);)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gh_test_sleep_ms (100);
    }

  list = notifications (fixture);
  for (guint i = 0; i < list->len; i++)
    if (strstr (((Notification *) g_ptr_array_index (list, i))->summary, expected) != NULL)
      ending = g_ptr_array_index (list, i);
  g_assert_nonnull (ending);
  /* actions: key, label pairs — "Sign in again" and "Dismiss" */
  g_assert_cmpuint (g_strv_length (ending->actions), ==, 4);
  g_assert_cmpstr (ending->actions[1], ==, "Sign in again");
  g_assert_cmpstr (ending->actions[3], ==, "Dismiss");

  /* Clicking "Sign in again" starts a browser sign-in. */
  reply = call (fixture, NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, "EmitSignal",
                g_variant_new_parsed ("(%s, 'ActionInvoked', 'us', [<%u>, <%s>])",
                                      NOTIFY_NAME, id, ending->actions[0]), NULL);
  wait_for_browser (fixture, "/authorize");
}

static void
test_activate_signs_in (TrayFixture   *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("activate");
  g_autofree char *state = NULL;
  g_autoptr(GVariant) icon = NULL;
  g_autoptr(GVariant) reply = NULL;
  StateWait wait = { fixture, name };
  g_autofree char *out = NULL;

  gh_test_add_session (&fixture->env, name);
  start_service (fixture);

  icon = item_property (fixture, "IconName");
  g_assert_cmpstr (g_variant_get_string (icon, NULL), ==, "gatehouse-signed-out");
  state = session_state (fixture, name);
  g_assert_cmpstr (state, ==, "signed-out");
  wait_for_row (fixture, "Sign in");

  /* Left click with the default session signed out: the PKCE sign-in, completed by the
   * stand-in browser against the simulator. */
  reply = call (fixture, fixture->item_name, "/StatusNotifierItem", "org.kde.StatusNotifierItem",
                "Activate", g_variant_new ("(ii)", 0, 0), NULL);
  wait_for_browser (fixture, "/authorize");
  g_assert_true (browser_visited (fixture, "code_challenge_method=S256"));
  gh_test_wait_until (signed_in_cb, &wait, 30000);
  wait_for_row (fixture, "Sign out");

  /* The CLI sees the sign-in the service made. */
  g_assert_cmpint (gh_test_run_cli (&fixture->env, &out, NULL, "status", NULL), ==, 0);
  gh_test_assert_contains (out, name);
  gh_test_assert_contains (out, "signed in");
}

/* The service's "sign-in-prompts" entry for `name`: its URL and user code, or FALSE. */
static gboolean
sign_in_prompt (TrayFixture  *fixture,
                const char   *name,
                char        **url,
                char        **user_code)
{
  g_autoptr(GVariant) reply = call (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions",
                                    "Describe", g_variant_new ("(s)", "sign-in-prompts"),
                                    G_VARIANT_TYPE ("((bgav))"));
  g_autoptr(GVariant) states = NULL;
  g_autoptr(GVariant) state = NULL;

  states = g_variant_get_child_value (g_variant_get_child_value (reply, 0), 2);
  g_assert_cmpuint (g_variant_n_children (states), ==, 1);
  g_variant_get_child (states, 0, "v", &state);
  g_assert_true (g_variant_is_of_type (state, G_VARIANT_TYPE ("a{s(ss)}")));
  return g_variant_lookup (state, name, "(ss)", url, user_code);
}

typedef struct
{
  TrayFixture *fixture;
  const char  *name;
  gboolean     present;
} PromptWait;

static gboolean
prompt_is_cb (gpointer data)
{
  PromptWait *wait = data;
  g_autofree char *url = NULL;
  g_autofree char *user_code = NULL;

  return sign_in_prompt (wait->fixture, wait->name, &url, &user_code) == wait->present;
}

/* The browser-less sign-in: the service asks the simulator for a device code, publishes the
 * code and its link in "sign-in-prompts" (for the window), and once the person approves it,
 * is signed in and the prompt is gone. */
static void
test_login_device_code (TrayFixture   *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("device");
  g_autofree char *other = gh_test_unique_name ("browser");
  g_autofree char *url = NULL;
  g_autofree char *user_code = NULL;
  g_autofree char *state = NULL;
  StateWait signed_in = { fixture, name };
  PromptWait wait = { fixture, name, TRUE };

  g_object_set (fixture->env.sim, "auto-approve", FALSE, NULL);
  gh_test_add_session (&fixture->env, name);
  gh_test_add_session (&fixture->env, other);
  start_service (fixture);
  g_assert_false (sign_in_prompt (fixture, name, &url, &user_code));

  activate_action (fixture, "login-device-code", name);
  gh_test_wait_until (prompt_is_cb, &wait, 30000);
  g_assert_true (sign_in_prompt (fixture, name, &url, &user_code));
  g_assert_cmpstr (user_code, ==, gh_simulator_get_last_user_code (fixture->env.sim));
  g_assert_true (g_str_has_prefix (url, gh_simulator_get_url (fixture->env.sim)));
  gh_test_assert_contains (url, "/device");
  state = session_state (fixture, name);
  g_assert_cmpstr (state, ==, "signing-in");

  /* The browser flow of another sign-in puts nothing there: its URL stays in the browser. */
  activate_action (fixture, "login", other);
  wait_for_browser (fixture, "/authorize");
  g_assert_false (sign_in_prompt (fixture, other, NULL, NULL));

  g_assert_cmpuint (gh_simulator_approve (fixture->env.sim, user_code), ==, 1);
  gh_test_wait_until (signed_in_cb, &signed_in, 30000);
  wait.present = FALSE;
  gh_test_wait_until (prompt_is_cb, &wait, 10000);
  /* Let the browser's held request go. */
  gh_simulator_deny (fixture->env.sim, NULL);
}

/* A sign-in written to the config file a moment before "login" is asked for (the window adds
 * one, then asks the service to sign in) is found, not ignored until the file monitor's
 * coalesced reload. */
static void
test_login_just_added (TrayFixture   *fixture,
                       gconstpointer  data)
{
  g_autofree char *first = gh_test_unique_name ("present");
  g_autofree char *added = gh_test_unique_name ("just-added");
  g_autofree char *path = gh_test_path (&fixture->env, ".aws/config");
  g_autofree char *url = gh_test_start_url (&fixture->env);
  g_autofree char *contents = NULL;
  g_autofree char *with_added = NULL;
  StateWait wait = { fixture, added };

  gh_test_add_session (&fixture->env, first);
  start_service (fixture);
  wait_for_row (fixture, "Sign in");

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  with_added = g_strdup_printf ("%s[sso-session %s]\nsso_start_url = %s\nsso_region = us-east-1\n",
                                contents, added, url);
  g_assert_true (g_file_set_contents (path, with_added, -1, NULL));
  activate_action (fixture, "login", added);
  wait_for_browser (fixture, "/authorize");
  gh_test_wait_until (signed_in_cb, &wait, 30000);
}

/* Tokens of 20 s with a window of 15 s: refreshed when a quarter of their life (5 s) is left,
 * which is also the window after they were issued (the floor, MIN (60 s, window)), so every
 * 15 s — not every 5 s, as a window wider than a token's life would have it. */
#define REFRESH_LIFETIME 20
#define REFRESH_WINDOW 15

static void
test_background_refresh (TrayFixture   *fixture,
                         gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("refresh");
  g_autofree char *config = gh_test_path (&fixture->env, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *updated = NULL;
  guint before;
  guint refreshes;

  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) REFRESH_LIFETIME, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  updated = g_strdup_printf ("%s\n[profile boto]\nsso_session = %s\nsso_account_id = 100000000001\n"
                             "sso_role_name = ReadOnly\nregion = eu-west-1\n", contents, name);
  g_assert_true (g_file_set_contents (config, updated, -1, NULL));

  g_ptr_array_add (fixture->env.extra_env,
                   g_strdup_printf ("GATEHOUSE_REFRESH_WINDOW=%d", REFRESH_WINDOW));
  start_service (fixture);
  before = gh_simulator_get_request_count (fixture->env.sim, "CreateToken");

  /* Two token lifetimes, looked at every quarter of one: the file always holds a live token,
   * and botocore (which cannot refresh: no refresh token in the file) resolves credentials
   * every time. */
  for (int step = 0; step < 8; step++)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      gint64 expiry = cached_expiry (fixture, name);

      g_test_message ("step %d: token valid for %" G_GINT64_FORMAT " s", step, expiry - now);
      /* The refresh comes with a quarter of the life (5 s) left; a second of rounding of
       * each clock and the refresh's own round trip may eat into that. */
      g_assert_cmpint (expiry, >, now + 2);
      botocore_resolves (fixture);
      gh_test_sleep_ms (REFRESH_LIFETIME * 1000 / 4);
    }

  /* 40 s: at 15 s and 30 s after the sign-in (and the service starts a moment after it). */
  refreshes = gh_simulator_get_request_count (fixture->env.sim, "CreateToken") - before;
  g_test_message ("%u refreshes", refreshes);
  g_assert_cmpuint (refreshes, >=, 2);
  g_assert_cmpuint (refreshes, <=, 3);
  print_memory (fixture->service);
}

/* Role credentials of 30 s renewed 15 s before they expire. */
#define KEPT_LIFETIME 30
#define KEPT_WINDOW 15
#define KEPT_DUE (KEPT_LIFETIME - KEPT_WINDOW)

static void
test_credentials_kept_fresh (TrayFixture   *fixture,
                             gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("kept");
  g_autofree char *config = gh_test_path (&fixture->env, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *out = NULL;
  g_autofree char *written = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *current = NULL;
  gint64 first_at;
  gint64 second_at;

  g_object_set (fixture->env.sim, "role-credential-lifetime", (gint64) KEPT_LIFETIME, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  updated = g_strdup_printf ("%s\n[profile kept]\nsso_session = %s\n"
                             "sso_account_id = 100000000001\nsso_role_name = ReadOnly\n",
                             contents, name);
  g_assert_true (g_file_set_contents (config, updated, -1, NULL));

  g_ptr_array_add (fixture->env.extra_env,
                   g_strdup_printf ("GATEHOUSE_CREDENTIALS_WINDOW=%d", KEPT_WINDOW));
  start_service (fixture);

  g_assert_cmpint (gh_test_run_cli (&fixture->env, &out, NULL, "credentials", "--profile",
                                    "kept", "--write", NULL), ==, 0);
  written = section_key (fixture, "kept");
  g_assert_nonnull (written);

  /* The service does not know when the keys it finds expire: it asks, and half-minute keys are
   * inside the reuse window, so it fetches new ones at once and learns their expiry. */
  first = wait_for_new_key (fixture, "kept", written, 15);
  first_at = g_get_real_time () / G_USEC_PER_SEC;

  /* Then it renews them KEPT_WINDOW s before they expire, not earlier and not too late. */
  second = wait_for_new_key (fixture, "kept", first, KEPT_DUE + 20);
  second_at = g_get_real_time () / G_USEC_PER_SEC;
  g_test_message ("renewed after %" G_GINT64_FORMAT " s", second_at - first_at);
  g_assert_cmpint (second_at - first_at, >=, KEPT_DUE - 5);
  g_assert_cmpint (second_at - first_at, <, KEPT_DUE + 25);

  /* botocore reads the profile from the credentials file alone. */
  g_assert_true (g_file_set_contents (config, contents, -1, NULL));
  resolved = botocore_key (fixture, "kept");
  current = section_key (fixture, "kept");
  g_assert_cmpstr (resolved, ==, current);
  g_assert_cmpstr (current, ==, second);
}

static void
test_window_items (TrayFixture   *fixture,
                   gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("window");
  g_autofree char *text = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *preferences = NULL;
  g_autofree char *activated = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GVariant) reply = NULL;

  gh_test_add_session (&fixture->env, name);
  use_window_stand_in (fixture);
  start_service (fixture);
  wait_for_row (fixture, "Preferences…");

  /* Both window items, enabled, in the order of the issue. */
  rows = menu_rows (fixture);
  text = menu_text (rows);
  g_test_message ("menu:\n%s", text);
  g_assert_true (find_row (rows, "Open console for…")->enabled);
  g_assert_true (find_row (rows, "Preferences…")->enabled);
  g_assert_cmpuint (row_index (rows, "Sign in"), <, row_index (rows, "Open console for…"));
  g_assert_cmpuint (row_index (rows, "Open console for…"), <,
                    row_index (rows, "Sync AWS CLI profiles"));
  g_assert_cmpuint (row_index (rows, "Sync AWS CLI profiles"), <,
                    row_index (rows, "Preferences…"));
  g_assert_cmpuint (row_index (rows, "Preferences…"), <, row_index (rows, "Quit"));

  /* Each starts the window process on its page; nothing is notified instead. */
  click_row (fixture, find_row (rows, "Open console for…")->id);
  roles = wait_for_window_run (fixture, 1);
  g_assert_cmpstr (roles, ==, "--page roles");

  click_row (fixture, find_row (rows, "Preferences…")->id);
  preferences = wait_for_window_run (fixture, 2);
  g_assert_cmpstr (preferences, ==, "--page preferences");

  /* A second `gatehouse` (GApplication activation, the app grid's launch) opens the main
   * page. */
  reply = call (fixture, SERVICE_NAME, SERVICE_PATH, "org.freedesktop.Application", "Activate",
                g_variant_new ("(a{sv})", NULL), NULL);
  activated = wait_for_window_run (fixture, 3);
  g_assert_cmpstr (activated, ==, "");
  g_assert_false (has_notification (fixture, "terminal", NULL));
  g_assert_false (has_notification (fixture, "runs in the tray", NULL));
}

/* MethodCalled of the mock daemon: emitted when a call arrives, before its code runs. */
typedef struct
{
  gint64 notify_at;
} MockCalls;

static void
method_called_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *iface,
                  const char      *signal,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  MockCalls *calls = user_data;
  const char *method = NULL;

  g_variant_get_child (parameters, 0, "&s", &method);
  if (g_str_equal (method, "Notify") && calls->notify_at == 0)
    calls->notify_at = g_get_monotonic_time ();
}

static gboolean
notify_called (gpointer data)
{
  return ((MockCalls *) data)->notify_at != 0;
}

/* A notification daemon that takes every Notify call and answers none for 20 s. */
static void
start_hanging_daemon (TrayFixture *fixture)
{
  g_autoptr(GVariant) reply = NULL;

  replace_notification_daemon (fixture, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_NAME);
  reply = call (fixture, NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, "AddMethods",
                g_variant_new_parsed ("(%s, [('GetCapabilities', '', 'as', 'ret = []'),"
                                      "      ('GetServerInformation', '', 'ssss',"
                                      "       'ret = (\"mock\", \"test\", \"1.0\", \"1.2\")'),"
                                      "      ('CloseNotification', 'u', '', ''),"
                                      "      ('Notify', 'susssasa{sv}i', 'u',"
                                      "       'time.sleep(20); ret = dbus.UInt32(1)')])",
                                      NOTIFY_NAME), NULL);
}

/* Time for one call, in milliseconds. */
static gint64
timed_call (TrayFixture        *fixture,
            const char         *name,
            const char         *path,
            const char         *iface,
            const char         *method,
            GVariant           *parameters,
            const GVariantType *reply_type)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(GVariant) reply = call (fixture, name, path, iface, method, parameters, reply_type);

  return (g_get_monotonic_time () - started) / 1000;
}

static void
test_hanging_notification_daemon (TrayFixture   *fixture,
                                  gconstpointer  data)
{
  const char *names[] = { NULL };
  MockCalls calls = { 0, };
  gint64 layout_ms;
  gint64 describe_ms;
  gint64 click_ms;
  gint64 quit_ms;
  guint subscription;
  int id;

  start_hanging_daemon (fixture);
  subscription = g_dbus_connection_signal_subscribe (fixture->bus, NULL, MOCK_IFACE,
                                                     "MethodCalled", NOTIFY_PATH, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE, method_called_cb,
                                                     &calls, NULL);
  start_service (fixture);
  id = wait_for_row (fixture, "Preferences…");

  click_ms = timed_call (fixture, fixture->item_name, "/MenuBar", "com.canonical.dbusmenu",
                         "Event", g_variant_new ("(isvu)", id, "clicked",
                                                 g_variant_new_string (""), 0), NULL);
  gh_test_wait_until (notify_called, &calls, 20000);

  /* The daemon now sits on the service's Notify call; the service answers at once anyway. */
  layout_ms = timed_call (fixture, fixture->item_name, "/MenuBar", "com.canonical.dbusmenu",
                          "GetLayout", g_variant_new ("(ii^as)", 0, -1, names),
                          G_VARIANT_TYPE ("(u(ia{sv}av))"));
  describe_ms = timed_call (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions", "Describe",
                            g_variant_new ("(s)", "sessions"), G_VARIANT_TYPE ("((bgav))"));
  g_test_message ("while the daemon hangs: Event %" G_GINT64_FORMAT " ms, GetLayout %"
                  G_GINT64_FORMAT " ms, Describe %" G_GINT64_FORMAT " ms",
                  click_ms, layout_ms, describe_ms);
  g_assert_cmpint (click_ms, <, 2000);
  g_assert_cmpint (layout_ms, <, 2000);
  g_assert_cmpint (describe_ms, <, 2000);
  /* …and all of that happened before the daemon would have answered. */
  g_assert_cmpint (g_get_monotonic_time () - calls.notify_at, <, 18 * G_USEC_PER_SEC);

  /* Quitting does not wait for the daemon either, and ends cleanly. */
  quit_ms = quit_service (fixture);
  g_test_message ("quit with the daemon hanging: %" G_GINT64_FORMAT " ms", quit_ms);
  g_assert_cmpint (quit_ms, <, 10000);
  g_assert_cmpint (g_get_monotonic_time () - calls.notify_at, <, 20 * G_USEC_PER_SEC);

  g_dbus_connection_signal_unsubscribe (fixture->bus, subscription);
}

/* No StatusNotifierWatcher (GNOME without the AppIndicator extension): the service runs
 * anyway, says so once, and shows its icon when a watcher appears. */
static void
test_no_watcher (TrayFixture   *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("nowatcher");
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->env);
  g_autoptr(GPtrArray) list = NULL;
  StateWait wait = { fixture, name };
  const char *summary = "Gatehouse has no tray icon";
  guint count = 0;

  gh_test_sign_in (&fixture->env, name);
  stop_watcher (fixture);
  g_subprocess_launcher_set_flags (launcher, g_test_verbose () ? G_SUBPROCESS_FLAGS_NONE
                                   : G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  spawn_service (fixture, launcher);

  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       !has_notification (fixture, summary, NULL);)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gh_test_sleep_ms (100);
    }
  gh_test_wait_until (signed_in_cb, &wait, 15000);

  /* A watcher appears: the icon registers. */
  start_watcher (fixture);
  wait_for_registration (fixture, g_get_monotonic_time ());

  /* It goes away again: no second notification. */
  stop_watcher (fixture);
  gh_test_sleep_ms (1000);
  list = notifications (fixture);
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((Notification *) g_ptr_array_index (list, i))->summary, summary))
      count++;
  g_assert_cmpuint (count, ==, 1);
}

/* Proxies. As in CI, the service runs on a desktop whose proxy settings GIO cannot read
 * (no GNOME, no KDE, no Flatpak): it follows its environment's proxy variables, as the CLI
 * does, and never maps libproxy, nor the libstdc++ that libproxy brings. */

/* Fails the test when the service maps libproxy or libstdc++ */
static void
assert_no_libproxy (TrayFixture *fixture)
{
  const char *pid = g_subprocess_get_identifier (fixture->service);
  g_autofree char *path = g_strdup_printf ("/proc/%s/maps", pid);
  g_autofree char *maps = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (pid);
  g_file_get_contents (path, &maps, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (maps, "libgio-2.0.so"));
  g_assert_null (strstr (maps, "libproxy"));
#if !defined(__SANITIZE_ADDRESS__)
  /* (The sanitizers' runtime, UBSan's, is C++ and links libstdc++ itself.) */
  g_assert_null (strstr (maps, "libstdc++"));
#endif
}

/* No proxy variables: the service lists the roles (an account's name in the menu comes from
 * that listing) without a proxy lookup module. */
static void
test_proxy_none (TrayFixture   *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("noproxy");

  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "favorite", "add", "--session", name,
                                    "--account", "100000000001", "--role", "ReadOnly", NULL), ==, 0);
  start_service (fixture);
  wait_for_row (fixture, "ReadOnly @ Account 1");
  assert_no_libproxy (fixture);
}

/* A proxy that keeps the first line of every connection and closes it */
static gboolean
recording_proxy_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           user_data)
{
  GAsyncQueue *lines = user_data;
  g_autoptr(GDataInputStream) input = NULL;
  char *line;

  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  line = g_data_input_stream_read_line (input, NULL, NULL, NULL);
  if (line != NULL)
    g_async_queue_push (lines, line);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

typedef struct
{
  GAsyncQueue *lines;
  const char  *target;
  char        *seen;
} ProxyWait;

static gboolean
proxied_cb (gpointer user_data)
{
  ProxyWait *wait = user_data;
  char *line;

  while (wait->seen == NULL && (line = g_async_queue_try_pop (wait->lines)) != NULL)
    {
      if (strstr (line, wait->target) != NULL)
        wait->seen = line;
      else
        g_free (line);
    }
  return wait->seen != NULL;
}

/* http_proxy in the service's environment: its requests to the portal go to that proxy.
 * (libproxy is mapped then all the same: GIO's proxy address enumerator loads GIO's default
 * resolver when it is made, before it is handed the one to use.) */
static void
test_proxy_environment (TrayFixture   *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("envproxy");
  g_autoptr(GSocketService) proxy = g_threaded_socket_service_new (4);
  g_autoptr(GAsyncQueue) lines = g_async_queue_new_full (g_free);
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->env);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) start = NULL;
  g_autofree char *start_url = gh_test_start_url (&fixture->env);
  g_autofree char *proxy_url = NULL;
  g_autofree char *target = NULL;
  ProxyWait wait = { lines, NULL, NULL };
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (proxy), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (proxy, "run", G_CALLBACK (recording_proxy_cb), lines);
  g_socket_service_start (proxy);
  proxy_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  /* A request through an HTTP proxy names the whole URL: the simulator's, here. */
  start = g_uri_parse (start_url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  target = g_strdup_printf (" http://%s:%d/", g_uri_get_host (start), g_uri_get_port (start));
  wait.target = target;

  gh_test_sign_in (&fixture->env, name);
  g_subprocess_launcher_setenv (launcher, "http_proxy", proxy_url, TRUE);
  g_subprocess_launcher_set_flags (launcher, g_test_verbose () ? G_SUBPROCESS_FLAGS_NONE
                                   : G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  spawn_service (fixture, launcher);
  wait_for_registration (fixture, g_get_monotonic_time ());
  activate_action (fixture, "refresh-roles", name);
  gh_test_wait_for (proxied_cb, &wait, 30000, "a request through the proxy");
  g_test_message ("through the proxy: %s", wait.seen);
  g_free (wait.seen);
  g_socket_service_stop (proxy);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  g_test_add ("/tray/register-menu-favourite", TrayFixture, NULL, tray_setup,
              test_register_menu_favourite, tray_teardown);
  g_test_add ("/tray/login-just-added", TrayFixture, NULL, tray_setup,
              test_login_just_added, tray_teardown);
  g_test_add ("/tray/login-device-code", TrayFixture, NULL, tray_setup,
              test_login_device_code, tray_teardown);
  g_test_add ("/tray/activate-signs-in", TrayFixture, NULL, tray_setup,
              test_activate_signs_in, tray_teardown);
  g_test_add ("/tray/ending-notification", TrayFixture, NULL, tray_setup,
              test_ending_notification, tray_teardown);
  g_test_add ("/tray/background-refresh", TrayFixture, NULL, tray_setup,
              test_background_refresh, tray_teardown);
  g_test_add ("/tray/credentials-kept-fresh", TrayFixture, NULL, tray_setup,
              test_credentials_kept_fresh, tray_teardown);
  g_test_add ("/tray/proxy/none", TrayFixture, NULL, tray_setup,
              test_proxy_none, tray_teardown);
  g_test_add ("/tray/proxy/environment", TrayFixture, NULL, tray_setup,
              test_proxy_environment, tray_teardown);
  g_test_add ("/tray/no-watcher", TrayFixture, NULL, tray_setup,
              test_no_watcher, tray_teardown);
  g_test_add ("/tray/window-items", TrayFixture, NULL, tray_setup,
              test_window_items, tray_teardown);
  g_test_add ("/tray/hanging-notification-daemon", TrayFixture, NULL, tray_setup,
              test_hanging_notification_daemon, tray_teardown);
  return gh_test_env_run ();
}
