/* test-tray-notify.c — the tray service's notifications and the actions they and the bus
 * offer: sign-in ended, console ending, role changes, failures the person must act on, sync
 * (fixture: gh-test-tray.c; notifications go to python3-dbusmock's notification daemon) */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "gh-test-keyring.h"
#include "gh-test-tray.h"

#define ACCOUNT_ID "100000000001"

/* Notifications */

/* How many Notify calls had a summary starting with `prefix`. */
static guint
count_notifications (TrayFixture *fixture,
                     const char  *prefix)
{
  g_autoptr(GPtrArray) list = notifications (fixture);
  guint count = 0;

  for (guint i = 0; i < list->len; i++)
    if (g_str_has_prefix (((Notification *) g_ptr_array_index (list, i))->summary, prefix))
      count++;
  return count;
}

typedef struct
{
  TrayFixture *fixture;
  guint        count;
} BarrierWait;

#define BARRIER_BODY "No such sign-in"

static guint
count_barriers (TrayFixture *fixture)
{
  g_autoptr(GPtrArray) list = notifications (fixture);
  guint count = 0;

  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((Notification *) g_ptr_array_index (list, i))->body, BARRIER_BODY) == 0)
      count++;
  return count;
}

static gboolean
barrier_passed_cb (gpointer data)
{
  BarrierWait *wait = data;

  return count_barriers (wait->fixture) >= wait->count;
}

/* The service hands notifications to the daemon in order, on a thread of their own: once a
 * notification asked for now has arrived, every one decided on before has arrived too. (A sync
 * of a sign-in that does not exist, which says so.) */
static void
notification_barrier (TrayFixture *fixture)
{
  BarrierWait wait = { fixture, count_barriers (fixture) + 1 };

  activate_action (fixture, "sync", "no-such-sign-in");
  gh_test_wait_for (barrier_passed_cb, &wait, 30000, "the notification of a sync of no sign-in");
}

/* Until `count` Notify calls with a summary starting with `prefix` arrived. */
static void
wait_for_notifications (TrayFixture *fixture,
                        const char  *prefix,
                        guint        count,
                        guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (count_notifications (fixture, prefix) < count)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autoptr(GPtrArray) list = notifications (fixture);
          g_autoptr(GString) text = g_string_new (NULL);

          for (guint i = 0; i < list->len; i++)
            {
              Notification *n = g_ptr_array_index (list, i);

              g_string_append_printf (text, "%u (replaces %u): %s — %s\n",
                                      notification_id (list, i), n->replaces, n->summary,
                                      n->body);
            }
          g_error ("Expected %u notifications “%s…” within %u ms; the daemon got:\n%s",
                   count, prefix, timeout_ms, text->str);
        }
      gh_test_sleep_ms (100);
    }
}

/* The last Notify call whose summary starts with `prefix` (owned by `list`), and the
 * daemon's id for it. */
static Notification *
last_notification (GPtrArray  *list,
                   const char *prefix,
                   guint32    *id)
{
  for (guint i = list->len; i > 0; i--)
    {
      Notification *n = g_ptr_array_index (list, i - 1);

      if (g_str_has_prefix (n->summary, prefix))
        {
          *id = notification_id (list, i - 1);
          return n;
        }
    }
  g_error ("No notification “%s…”", prefix);
}

/* The buttons, as the daemon got them: key, label pairs. */
static void
assert_buttons (Notification *n,
                const char   *first_label,
                ...)
{
  guint count = 0;
  va_list args;

  va_start (args, first_label);
  for (const char *label = first_label; label != NULL; label = va_arg (args, const char *))
    {
      g_autofree char *key = g_strdup_printf ("button-%u", count);

      g_assert_cmpuint (g_strv_length (n->actions), >, 2 * count + 1);
      g_assert_cmpstr (n->actions[2 * count], ==, key);
      g_assert_cmpstr (n->actions[2 * count + 1], ==, label);
      count++;
    }
  va_end (args);
  g_assert_cmpuint (g_strv_length (n->actions), ==, 2 * count);
}

/* What a click on a button does: the daemon emits ActionInvoked. */
static void
invoke_button (TrayFixture *fixture,
               guint32      id,
               const char  *key)
{
  g_autoptr(GVariant) reply = NULL;

  reply = call (fixture, NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, "EmitSignal",
                g_variant_new_parsed ("(%s, 'ActionInvoked', 'us', [<%u>, <%s>])",
                                      NOTIFY_NAME, id, key), NULL);
}

/* Files */

static char *
role_cache_path (TrayFixture *fixture,
                 const char  *name)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, name, -1);
  g_autofree char *relative = g_strdup_printf ("cache/gatehouse/roles-%s.json", hash);

  return gh_test_path (&fixture->env, relative);
}

/* Changes whenever the file is written (atomically replaced, or not). */
static char *
file_stamp (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return g_strdup ("");
  return g_strdup_printf ("%lu:%ld.%09ld", (unsigned long) st.st_ino, (long) st.st_mtim.tv_sec,
                          (long) st.st_mtim.tv_nsec);
}

typedef struct
{
  const char *path;
  const char *old;
} StampWait;

static gboolean
rewritten_cb (gpointer data)
{
  StampWait *wait = data;
  g_autofree char *stamp = file_stamp (wait->path);

  return *stamp != '\0' && g_strcmp0 (stamp, wait->old) != 0;
}

/* Activates refresh-roles for `name` and waits until the service saved the new list (it
 * notifies before it saves). */
static void
refresh_roles (TrayFixture *fixture,
               const char  *name)
{
  g_autofree char *path = role_cache_path (fixture, name);
  g_autofree char *before = file_stamp (path);
  StampWait wait = { path, before };

  activate_action (fixture, "refresh-roles", name);
  gh_test_wait_for (rewritten_cb, &wait, 30000, "refresh-roles to save the role list");
}

/* Rewrites the config file as it is: the service reloads it and re-evaluates every deadline. */
static void
touch_config (TrayFixture *fixture)
{
  g_autofree char *config = gh_test_path (&fixture->env, ".aws/config");
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (config, contents, -1, NULL));
}

static guint
browser_visits (TrayFixture *fixture)
{
  g_auto(GStrv) urls = gh_test_browser_urls (&fixture->env);

  return g_strv_length (urls);
}

typedef struct
{
  TrayFixture *fixture;
  guint        count;
} CountWait;

static gboolean
visits_cb (gpointer data)
{
  CountWait *wait = data;

  return browser_visits (wait->fixture) >= wait->count;
}

static gboolean
console_logins_cb (gpointer data)
{
  CountWait *wait = data;

  return gh_simulator_get_console_logins (wait->fixture->env.sim)->len >= wait->count;
}

static gboolean
authorize_visited_cb (gpointer data)
{
  return browser_visited (data, "/authorize");
}

static gboolean
session_known_cb (gpointer data)
{
  StateWait *wait = data;
  g_autofree char *state = session_state (wait->fixture, wait->name);

  return state != NULL;
}

static gboolean
ended_cb (gpointer data)
{
  StateWait *wait = data;
  g_autofree char *state = session_state (wait->fixture, wait->name);

  return g_strcmp0 (state, "ended") == 0;
}

typedef struct
{
  TrayFixture *fixture;
  const char  *method;
  guint32      id;
} MockCallWait;

/* Did the daemon get `method` with the notification id as first argument? */
static gboolean
mock_called_cb (gpointer data)
{
  MockCallWait *wait = data;
  g_autoptr(GVariant) reply = call (wait->fixture, NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE,
                                    "GetMethodCalls", g_variant_new ("(s)", wait->method),
                                    G_VARIANT_TYPE ("(a(tav))"));
  g_autoptr(GVariantIter) iter = NULL;
  GVariant *args;
  guint64 when;
  gboolean found = FALSE;

  g_variant_get (reply, "(a(tav))", &iter);
  while (g_variant_iter_next (iter, "(t@av)", &when, &args))
    {
      g_autoptr(GVariant) first = NULL;

      g_variant_get_child (args, 0, "v", &first);
      if ((g_variant_is_of_type (first, G_VARIANT_TYPE_UINT32) &&
           g_variant_get_uint32 (first) == wait->id) ||
          (g_variant_is_of_type (first, G_VARIANT_TYPE_INT32) &&
           (guint32) g_variant_get_int32 (first) == wait->id))
        found = TRUE;
      g_variant_unref (args);
    }
  return found;
}

/* Tests */

/* The rows of the sign-in's section after its state row: the actions offered, in order. */
static void
assert_session_rows (TrayFixture *fixture,
                     const char  *name,
                     const char  *first_action,
                     ...)
{
  g_autoptr(GPtrArray) rows = menu_rows (fixture);
  g_autofree char *prefix = g_strdup_printf ("%s — ", name);
  g_autofree char *text = menu_text (rows);
  const char *expected = first_action;
  guint i;
  va_list args;

  for (i = 0; i < rows->len; i++)
    if (g_str_has_prefix (((Row *) g_ptr_array_index (rows, i))->label ?: "", prefix))
      break;
  g_assert_cmpuint (i, <, rows->len);
  g_assert_false (((Row *) g_ptr_array_index (rows, i))->enabled);

  va_start (args, first_action);
  for (i++; expected != NULL; i++, expected = va_arg (args, const char *))
    {
      Row *row;

      if (i >= rows->len)
        g_error ("No “%s” after “%s” in:\n%s", expected, prefix, text);
      row = g_ptr_array_index (rows, i);
      if (g_strcmp0 (row->label, expected) != 0)
        g_error ("“%s”, not “%s”, after “%s” in:\n%s", row->label, expected, prefix, text);
      g_assert_true (row->enabled);
    }
  va_end (args);
  /* Then the section ends. */
  g_assert_true (i >= rows->len || ((Row *) g_ptr_array_index (rows, i))->label == NULL);
}

/* The end of a sign-in replaces the warning before it, and its button signs in again. */
static void
test_session_ended (TrayFixture   *fixture,
                    gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("ended");
  g_autofree char *ending_summary = NULL;
  g_autofree char *ended_summary = NULL;
  g_autofree char *ended_prefix = NULL;
  g_autofree char *ending_row = NULL;
  g_autofree char *ending_line = NULL;
  g_autofree char *ended_row = NULL;
  g_autofree char *ended_line = NULL;
  g_autoptr(GPtrArray) list = NULL;
  StateWait wait = { fixture, name };
  Notification *ending;
  Notification *ended;
  guint32 ending_id = 0;
  guint32 ended_id = 0;

  /* 20 seconds: inside both lead times at once, and over before long. */
  g_object_set (fixture->env.sim, "session-lifetime", (gint64) 20,
                "access-token-lifetime", (gint64) 20, NULL);
  gh_test_add_short_session (&fixture->env, name, "20s");
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "login", name, NULL), ==, 0);
  g_unlink (fixture->env.browser_log);
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=10"));

  start_service (fixture);
  /* Under 30 s left: not "1 minute". */
  ending_summary = g_strdup_printf ("Your AWS sign-in “%s” ends in less than a minute", name);
  wait_for_notifications (fixture, ending_summary, 1, 20000);

  /* The menu and the tooltip say so too, and the menu offers to sign in again (for
   * notification daemons that show no buttons). */
  ending_row = g_strdup_printf ("%s — ends in less than a minute", name);
  ending_line = g_strdup_printf ("%s: ends in less than a minute", name);
  wait_for_row (fixture, ending_row);
  wait_for_tooltip_line (fixture, ending_line);
  assert_session_rows (fixture, name, "Sign in again", "Sign out", NULL);

  /* The service's clock a minute ahead: the sign-in is over there by the time the service
   * checks (at a refresh or at the end), whatever a second of rounding between the two
   * clocks would have made of it. */
  g_object_set (fixture->env.sim, "clock-offset", (gint64) 60, NULL);

  ended_prefix = g_strdup_printf ("Signed out of “%s”", name);
  wait_for_notifications (fixture, ended_prefix, 1, 60000);
  gh_test_wait_for (ended_cb, &wait, 20000, "the sign-in to end");
  notification_barrier (fixture);
  ended_row = g_strdup_printf ("%s — ended", name);
  ended_line = g_strdup_printf ("%s: ended", name);
  wait_for_row (fixture, ended_row);
  wait_for_tooltip_line (fixture, ended_line);
  assert_session_rows (fixture, name, "Sign in again", "Sign in with a code…", NULL);

  list = notifications (fixture);
  ending = last_notification (list, ending_summary, &ending_id);
  g_assert_cmpstr (ending->summary, ==, ending_summary);
  assert_buttons (ending, "Sign in again", "Dismiss", NULL);

  ended = last_notification (list, ended_prefix, &ended_id);
  ended_summary = g_strdup_printf ("Signed out of “%s”", name);
  g_assert_cmpstr (ended->summary, ==, ended_summary);
  g_assert_cmpstr (ended->body, ==, "The AWS sign-in session has ended.");
  assert_buttons (ended, "Sign in", NULL);
  /* One notification per sign-in: the end replaces the warning instead of stacking. */
  g_assert_cmpuint (ended->replaces, ==, ending_id);
  g_assert_cmpuint (ended_id, ==, ending_id);
  /* …and each was said once: the warning and the end, nothing else. */
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpuint (count_notifications (fixture, ending_summary), ==, 1);
  g_assert_cmpuint (count_notifications (fixture, ended_prefix), ==, 1);

  /* "Sign in" starts a browser sign-in, which (auto-approved) signs in again. */
  invoke_button (fixture, ended_id, "button-0");
  gh_test_wait_for (authorize_visited_cb, fixture, 30000, "the sign-in page");
  gh_test_wait_for (signed_in_cb, &wait, 30000, "the sign-in");
}

/* The check at the estimated end fails for a passing reason (a 500): it is tried again, and the
 * sign-in is seen to have ended, instead of looking signed in for ever. */
static void
test_end_check_retried (TrayFixture   *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("recheck");
  g_autofree char *ending_summary = NULL;
  g_autofree char *ended_summary = NULL;
  g_autofree char *cache = role_cache_path (fixture, name);
  StampWait roles = { NULL, "" };
  StateWait wait = { fixture, name };
  guint before;

  /* The access token lasts to the end: only the end check refreshes. 20 seconds: inside both
   * lead times at once, long enough for what the test does before the end (under sanitizers
   * and a full parallel run too), and over before long. */
  g_object_set (fixture->env.sim, "session-lifetime", (gint64) 20,
                "access-token-lifetime", (gint64) 20, NULL);
  gh_test_add_short_session (&fixture->env, name, "20s");
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "login", name, NULL), ==, 0);
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=10"));
  /* The failed check is tried again after 1 s rather than the window's 5 s. */
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_BACKOFF=1"));

  start_service (fixture);
  /* Under 30 s left: not "1 minute". */
  ending_summary = g_strdup_printf ("Your AWS sign-in “%s” ends in less than a minute", name);
  wait_for_notifications (fixture, ending_summary, 1, 20000);

  /* The role list fetched at start refreshes the token too: let it be done first. */
  roles.path = cache;
  gh_test_wait_for (rewritten_cb, &roles, 20000, "the role list");

  /* Every attempt of the first check fails; the service's next one finds the sign-in over. */
  before = gh_simulator_get_request_count (fixture->env.sim, "CreateToken");
  gh_simulator_inject_fault (fixture->env.sim, "CreateToken", GH_SIM_FAULT_500, 4);
  g_object_set (fixture->env.sim, "clock-offset", (gint64) 60, NULL);

  ended_summary = g_strdup_printf ("Signed out of “%s”", name);
  wait_for_notifications (fixture, ended_summary, 1, 60000);
  gh_test_wait_for (ended_cb, &wait, 20000, "the sign-in to end");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "CreateToken") - before,
                    >=, 5);
}

/* A console about to end says so, and "Open again" opens it again. */
static void
test_console_ending (TrayFixture   *fixture,
                     gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("console");
  g_autofree char *target = g_strdup_printf ("%s/%s/ReadOnly", name, ACCOUNT_ID);
  const char *summary = "Console for ReadOnly @ Account 1 ends in 5 minutes";
  g_autoptr(GPtrArray) list = NULL;
  GPtrArray *logins = gh_simulator_get_console_logins (fixture->env.sim);
  CountWait logins_wait = { fixture, 1 };
  CountWait visits_wait = { fixture, 0 };
  MockCallWait closed = { fixture, "CloseNotification", 0 };
  Notification *ending;
  Notification *again;
  guint32 id = 0;
  guint32 again_id = 0;

  /* Five-minute role credentials: the console is inside the ten-minute warning at once. The
   * role list (in the cache before the service starts) names the account. */
  g_object_set (fixture->env.sim, "role-credential-lifetime", (gint64) 300, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "roles", name, NULL), ==, 0);
  g_unlink (fixture->env.browser_log);

  start_service (fixture);
  activate_action (fixture, "open-console", target);
  gh_test_wait_for (console_logins_cb, &logins_wait, 30000, "a console sign-in");
  g_assert_cmpuint (logins->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (logins, 0), ==, ACCOUNT_ID "/ReadOnly");
  g_assert_cmpuint (browser_visits (fixture), >=, 1);

  wait_for_notifications (fixture, "Console for ", 1, 20000);
  list = notifications (fixture);
  ending = last_notification (list, "Console for ", &id);
  g_assert_cmpstr (ending->summary, ==, summary);
  g_assert_cmpstr (ending->body, ==, "The AWS console session is about to end.");
  assert_buttons (ending, "Open again", NULL);

  /* "Open again": another one-shot link in the browser, another console sign-in. A second
   * later, so that the new console's credentials (and so its end) differ from the first's. */
  gh_test_sleep_ms (1100);
  visits_wait.count = browser_visits (fixture) + 1;
  logins_wait.count = 2;
  invoke_button (fixture, id, "button-0");
  gh_test_wait_for (visits_cb, &visits_wait, 30000, "the browser");
  gh_test_wait_for (console_logins_cb, &logins_wait, 30000, "a console sign-in");
  g_assert_cmpuint (logins->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (logins, 1), ==, ACCOUNT_ID "/ReadOnly");

  /* The new console ends in five minutes too, and that is said again (once per console
   * end): in place of the first notification, which the click closed — never two of them on
   * screen. */
  wait_for_notifications (fixture, "Console for ", 2, 30000);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  again = last_notification (list, "Console for ", &again_id);
  g_assert_cmpstr (again->summary, ==, summary);
  assert_buttons (again, "Open again", NULL);
  closed.id = id;
  g_assert_true (again_id == id || mock_called_cb (&closed));
  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, "Console for "), ==, 2);
}

static gboolean
role5_forgotten_cb (gpointer name)
{
  return gh_test_keyring_count_role_credentials (name, ACCOUNT_ID, "Role5") == 0;
}

/* Changes to the roles a sign-in has: one notification per change, replacing the last. */
static void
test_role_changes (TrayFixture   *fixture,
                   gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("roles");
  g_autofree char *body = NULL;
  const char *renamed[] = { "AdministratorAccess", "ReadOnly", "Billing", "Role4", NULL };
  g_autoptr(GPtrArray) list = NULL;
  Notification *n;
  guint32 first_id = 0;
  guint32 id = 0;

  /* One account, two roles, in the role cache before the service starts. */
  g_object_set (fixture->env.sim, "accounts", 1u, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "roles", name, NULL), ==, 0);
  start_service (fixture);

  /* Nothing changed: nothing to say. */
  refresh_roles (fixture, name);
  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, "You "), ==, 0);

  /* One role more. */
  g_object_set (fixture->env.sim, "roles-per-account", 3u, NULL);
  refresh_roles (fixture, name);
  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, "You "), ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  n = last_notification (list, "You ", &first_id);
  g_assert_cmpstr (n->summary, ==, "You now have Role3 in Account 1");
  body = g_strdup_printf ("+ Role3 in Account 1\nSign-in “%s”", name);
  g_assert_cmpstr (n->body, ==, body);
  assert_buttons (n, NULL);

  /* Two more: still one notification, which replaces the last one. */
  g_object_set (fixture->env.sim, "roles-per-account", 5u, NULL);
  refresh_roles (fixture, name);
  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, "You "), ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  n = last_notification (list, "You ", &id);
  g_assert_cmpstr (n->summary, ==, "You now have Role4 in Account 1 (and 1 more change)");
  g_free (body);
  body = g_strdup_printf ("+ Role4 in Account 1\n+ Role5 in Account 1\nSign-in “%s”", name);
  g_assert_cmpstr (n->body, ==, body);
  g_assert_cmpuint (id, ==, first_id);

  /* One role fewer; its cached credentials leave the keyring with it. */
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "credentials", "--session", name,
                                    "--account", ACCOUNT_ID, "--role", "Role5", NULL), ==, 0);
  g_assert_cmpuint (gh_test_keyring_count_role_credentials (name, ACCOUNT_ID, "Role5"), ==, 1);
  g_object_set (fixture->env.sim, "roles-per-account", 4u, NULL);
  refresh_roles (fixture, name);
  gh_test_wait_for (role5_forgotten_cb, (gpointer) name, 10000, "Role5's credentials to go");
  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, "You "), ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  n = last_notification (list, "You ", &id);
  g_assert_cmpstr (n->summary, ==, "You no longer have Role5 in Account 1");
  g_free (body);
  body = g_strdup_printf ("− Role5 in Account 1\nSign-in “%s”", name);
  g_assert_cmpstr (n->body, ==, body);
  g_assert_cmpuint (id, ==, first_id);

  /* A role replaced by another: one gained, one lost, one notification. */
  g_object_set (fixture->env.sim, "role-names", renamed, NULL);
  refresh_roles (fixture, name);
  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, "You "), ==, 4);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  n = last_notification (list, "You ", &id);
  g_assert_cmpstr (n->summary, ==, "You now have Billing in Account 1 (and 1 more change)");
  g_free (body);
  body = g_strdup_printf ("+ Billing in Account 1\n− Role3 in Account 1\nSign-in “%s”", name);
  g_assert_cmpstr (n->body, ==, body);
  g_assert_cmpuint (id, ==, first_id);

  /* Nothing else was said. */
  g_assert_cmpuint (list->len, ==, 4 + count_barriers (fixture));
}

/* Access tokens of 4 s with a 1 s window: the scheduler refreshes a token when a quarter of its
 * life is left and not sooner than the window after it was issued (gh_refresh_due_at()), so the
 * first refresh is due 3 s after the sign-in — the earliest a token's own lifetime allows.
 * Failed refreshes are retried after SHORT_BACKOFF: 1 s, then 2 s (GATEHOUSE_REFRESH_BACKOFF;
 * the product's shortest is 5 s, then 10 s, 20 s), and SHORT_BACKOFF_FAR after that: a retry
 * that tests must not mistake for one they caused. */
#define SHORT_LIFETIME 4
#define SHORT_WINDOW "1"
#define SHORT_BACKOFF "GATEHOUSE_REFRESH_BACKOFF=1,2"
#define SHORT_BACKOFF_FAR "GATEHOUSE_REFRESH_BACKOFF=1,2,60"

/* The service refuses the refresh token: after quiet retries of the outage before it, one
 * notification, whose button signs in again; no storm of notifications or requests. */
static void
test_refresh_rejected (TrayFixture   *fixture,
                       gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("rejected");
  g_autofree char *summary = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GPtrArray) list = NULL;
  StateWait wait = { fixture, name };
  Notification *ended;
  guint requests;
  guint32 id = 0;

  /* Refreshes are due early: SHORT_LIFETIME. The role list is cached first, so the scheduler
   * is the only one refreshing. */
  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) SHORT_LIFETIME, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "roles", name, NULL), ==, 0);

  /* Two refreshes fail as an outage would (each after the HTTP layer's four attempts), then
   * the refresh token is refused. */
  gh_simulator_inject_fault (fixture->env.sim, "CreateToken", GH_SIM_FAULT_500, 8);
  gh_simulator_revoke_refresh_tokens (fixture->env.sim);
  requests = gh_simulator_get_request_count (fixture->env.sim, "CreateToken");
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=" SHORT_WINDOW));
  g_ptr_array_add (fixture->env.extra_env, g_strdup (SHORT_BACKOFF));
  start_service (fixture);

  summary = g_strdup_printf ("Signed out of “%s”", name);
  wait_for_notifications (fixture, summary, 1, 90000);
  gh_test_wait_for (ended_cb, &wait, 20000, "the sign-in to end");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "CreateToken") - requests,
                    ==, 9);

  notification_barrier (fixture);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 1 + count_barriers (fixture));
  ended = last_notification (list, summary, &id);
  g_assert_cmpstr (ended->summary, ==, summary);
  g_assert_cmpstr (ended->body, ==, "The AWS sign-in session has ended.");
  assert_buttons (ended, "Sign in", NULL);

  /* Re-evaluations (config reloads) and the time of more backoff steps (the pauses together
   * are longer than the longest step of SHORT_BACKOFF): nothing more is said, and the refused
   * token is not tried again. */
  for (int i = 0; i < 3; i++)
    {
      touch_config (fixture);
      gh_test_sleep_ms (1200);
    }
  notification_barrier (fixture);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 1 + count_barriers (fixture));
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "CreateToken") - requests,
                    ==, 9);
  state = session_state (fixture, name);
  g_assert_cmpstr (state, ==, "ended");

  /* The button is the fix: a new sign-in (with a token that does not keep the scheduler
   * refreshing every few seconds). */
  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) 3600, NULL);
  invoke_button (fixture, id, "button-0");
  gh_test_wait_for (authorize_visited_cb, fixture, 30000, "the sign-in page");
  gh_test_wait_for (signed_in_cb, &wait, 30000, "the sign-in");
}

/* AWS carried out a refresh and its answer was lost on the way, so the refresh token it
 * replaced is refused: the notification says that, not that the person signed out. */
static void
test_refresh_reply_lost (TrayFixture   *fixture,
                         gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("lost");
  g_autofree char *summary = NULL;
  g_autoptr(GPtrArray) list = NULL;
  StateWait wait = { fixture, name };
  Notification *ended;
  guint32 id = 0;

  /* The first refresh is due early, as above. */
  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) SHORT_LIFETIME, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "roles", name, NULL), ==, 0);

  gh_simulator_inject_fault (fixture->env.sim, "CreateToken", GH_SIM_FAULT_LOST_REPLY, 1);
  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=" SHORT_WINDOW));
  start_service (fixture);

  summary = g_strdup_printf ("Sign in to “%s” again", name);
  wait_for_notifications (fixture, summary, 1, 60000);
  gh_test_wait_for (ended_cb, &wait, 20000, "the sign-in to end");

  notification_barrier (fixture);
  list = notifications (fixture);
  ended = last_notification (list, summary, &id);
  g_assert_cmpstr (ended->body, ==, "AWS answered a refresh too late, or the answer was lost, "
                                    "and the sign-in cannot be renewed without it.");
  assert_buttons (ended, "Sign in", NULL);
  g_assert_cmpuint (count_notifications (fixture, "Signed out of"), ==, 0);
}

/* The refresh fails on a locked keyring */

typedef struct
{
  const char *path;
  const char *needle;
  guint       count;
} LogWait;

static guint
count_lines (const char *path,
             const char *needle)
{
  g_autofree char *contents = NULL;
  guint count = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *p = contents; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    count++;
  return count;
}

static gboolean
logged_cb (gpointer data)
{
  LogWait *wait = data;

  return count_lines (wait->path, wait->needle) >= wait->count;
}

/* start_service() with the service's debug messages in the file `log`. */
static void
start_logged_service (TrayFixture *fixture,
                      const char  *log)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  g_ptr_array_add (fixture->env.extra_env, g_strdup ("G_MESSAGES_DEBUG=gh-tray"));
  launcher = gh_test_launcher (&fixture->env);
  /* GLib writes debug messages to stdout; warnings stay on stderr, with the test's. */
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  spawn_service (fixture, launcher);
  wait_for_registration (fixture, g_get_monotonic_time ());
}

typedef struct
{
  TrayFixture   tray;
  GhTestKeyring keyring;
} KeyringFixture;

/* The keyring outlives the service: it is restored after the service quit. */
static void
keyring_setup (KeyringFixture *fixture,
               gconstpointer   data)
{
  tray_setup (&fixture->tray, data);
  gh_test_keyring_setup (&fixture->keyring, data);
}

static void
keyring_teardown (KeyringFixture *fixture,
                  gconstpointer   data)
{
  tray_teardown (&fixture->tray, data);
  gh_test_keyring_teardown (&fixture->keyring, data);
}

static gboolean
roles_listed_cb (gpointer data)
{
  CountWait *wait = data;

  return gh_simulator_get_request_count (wait->fixture->env.sim, "ListAccountRoles") >=
         wait->count;
}

static char *
icon_name (TrayFixture *fixture)
{
  g_autoptr(GVariant) icon = item_property (fixture, "IconName");

  return g_variant_dup_string (icon, NULL);
}

static gboolean
icon_signed_in_cb (gpointer data)
{
  g_autofree char *icon = icon_name (data);

  return g_strcmp0 (icon, "gatehouse-signed-in") == 0;
}

static void
assert_status (TrayFixture *fixture,
               const char  *expected)
{
  g_autoptr(GVariant) status = item_property (fixture, "Status");

  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, expected);
}

/* The refresh needs the keyring, which is locked: one notification over many retries, and its
 * button retries at once once the keyring is unlocked, which clears the error. */
static void
test_keyring_locked (KeyringFixture *keyring_fixture,
                     gconstpointer   data)
{
  TrayFixture *fixture = &keyring_fixture->tray;
  g_autofree char *name = gh_test_unique_name ("locked");
  g_autofree char *log = gh_test_path (&fixture->env, "service.log");
  g_autofree char *needle = g_strdup_printf ("Refresh of %s failed", name);
  g_autofree char *summary = NULL;
  g_autofree char *icon = NULL;
  g_autoptr(GPtrArray) list = NULL;
  StateWait signed_in = { fixture, name };
  MockCallWait closed = { fixture, "CloseNotification", 0 };
  g_autofree char *error_row = NULL;
  g_autofree char *error_line = NULL;
  g_autofree char *signed_in_row = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  LogWait failures = { log, needle, 3 };
  CountWait listed = { fixture, 0 };
  Notification *n;
  guint tokens_before;
  gint64 expiry_before;
  guint32 id = 0;

  /* The sign-in's secrets go to the keyring the test locks. The first refresh is due early
   * (SHORT_LIFETIME) and retried after 1, 2, 60 s (SHORT_BACKOFF_FAR). The role list is cached
   * first: no role refresh is due. */
  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) SHORT_LIFETIME, NULL);
  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "roles", name, NULL), ==, 0);
  gh_test_keyring_lock (&keyring_fixture->keyring);

  g_ptr_array_add (fixture->env.extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=" SHORT_WINDOW));
  g_ptr_array_add (fixture->env.extra_env, g_strdup (SHORT_BACKOFF_FAR));
  start_logged_service (fixture, log);

  /* Three failed refreshes, one notification; the icon says something is wrong. */
  gh_test_wait_for (logged_cb, &failures, 90000, "three failed refreshes");
  notification_barrier (fixture);
  summary = g_strdup_printf ("Gatehouse cannot keep “%s” signed in", name);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 1 + count_barriers (fixture));
  n = last_notification (list, summary, &id);
  g_assert_cmpstr (n->summary, ==, summary);
  g_assert_cmpstr (n->body, ==, "The login keyring is locked. Unlock it and try again.");
  assert_buttons (n, "Try again", NULL);
  icon = icon_name (fixture);
  g_assert_cmpstr (icon, ==, "gatehouse-error");
  assert_status (fixture, "NeedsAttention");
  /* The menu and the tooltip say what is wrong; the menu offers "Try again" itself. */
  error_row = g_strdup_printf ("%s — error: the login keyring is locked", name);
  error_line = g_strdup_printf ("%s: error: the login keyring is locked", name);
  wait_for_row (fixture, error_row);
  wait_for_tooltip_line (fixture, error_line);
  assert_session_rows (fixture, name, "Try again", NULL);

  /* Unlocked, "Try again" (the menu's) gets a new token at once (the next scheduled retry is
   * 60 s away) and lists the roles with it; the error goes away. The new token lasts: no
   * refresh every few seconds from now on. */
  gh_test_keyring_unlock (&keyring_fixture->keyring);
  g_object_set (fixture->env.sim, "access-token-lifetime", (gint64) 3600, NULL);
  listed.count = gh_simulator_get_request_count (fixture->env.sim, "ListAccountRoles") + 1;
  tokens_before = gh_simulator_get_request_count (fixture->env.sim, "CreateToken");
  expiry_before = cached_expiry (fixture, name);
  rows = menu_rows (fixture);
  click_row (fixture, find_row (rows, "Try again")->id);
  gh_test_wait_for (roles_listed_cb, &listed, 15000, "the role list");
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->env.sim, "CreateToken"), >,
                    tokens_before);
  g_assert_cmpint (cached_expiry (fixture, name), >, expiry_before);
  gh_test_wait_for (icon_signed_in_cb, fixture, 15000, "the signed-in icon");
  /* "refreshing" in between: the retry and the role listing may both refresh. */
  gh_test_wait_for (signed_in_cb, &signed_in, 15000, "the signed-in state");
  /* The notification is withdrawn (its button would do nothing now), and the menu and tooltip
   * no longer say something is wrong. */
  closed.id = id;
  gh_test_wait_for (mock_called_cb, &closed, 15000, "the keyring notification withdrawn");
  assert_status (fixture, "Active");
  signed_in_row = g_strdup_printf ("%s — signed in until ~", name);
  wait_for_row (fixture, signed_in_row);
  assert_session_rows (fixture, name, "Sign out", NULL);

  notification_barrier (fixture);
  g_assert_cmpuint (count_notifications (fixture, summary), ==, 1);
}

/* Quit withdraws the notifications: their buttons would activate actions of a service that is
 * gone. */
static void
test_quit_withdraws (TrayFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GPtrArray) list = NULL;
  MockCallWait closed = { fixture, "CloseNotification", 0 };

  start_service (fixture);
  notification_barrier (fixture);
  list = notifications (fixture);
  last_notification (list, "Could not sync", &closed.id);
  g_assert_false (mock_called_cb (&closed));

  reply = call (fixture, SERVICE_NAME, SERVICE_PATH, "org.gtk.Actions", "Activate",
                g_variant_new ("(sava{sv})", "quit", NULL, NULL), NULL);
  gh_test_wait_for (mock_called_cb, &closed, 15000, "the notification withdrawn");
  wait_for_name (fixture, SERVICE_NAME, FALSE);
}

/* The sync action: the config file gains the profiles, and one notification says so. */
static void
test_sync (TrayFixture   *fixture,
           gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("sync");
  g_autofree char *other = gh_test_unique_name ("other");
  g_autofree char *config = gh_test_path (&fixture->env, ".aws/config");
  g_autofree char *contents = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *body = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *cache = role_cache_path (fixture, name);
  StampWait roles = { cache, "" };
  StateWait other_wait = { fixture, other };
  Notification *n;
  guint32 first_id = 0;
  guint32 id = 0;

  gh_test_sign_in (&fixture->env, name);
  start_service (fixture);
  /* The role list the service fetches at start. */
  gh_test_wait_for (rewritten_cb, &roles, 20000, "the role list");

  /* All sign-ins. */
  activate_action (fixture, "sync", "");
  wait_for_notifications (fixture, "AWS CLI profiles", 1, 30000);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 1);
  n = last_notification (list, "AWS CLI profiles", &first_id);
  g_assert_cmpstr (n->summary, ==, "AWS CLI profiles synced");
  body = g_strdup_printf ("%s: 6 added, 0 updated, 0 removed", name);
  g_assert_cmpstr (n->body, ==, body);
  assert_buttons (n, NULL);

  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  marker = g_strdup_printf ("# Managed by Gatehouse (sign-in \"%s\")", name);
  gh_test_assert_contains (contents, marker);
  gh_test_assert_contains (contents, "[profile ReadOnly-" ACCOUNT_ID "]");
  gh_test_assert_contains (contents, "[profile AdministratorAccess-100000000003]");
  /* A real client uses a synced profile. */
  key = botocore_key (fixture, "ReadOnly-" ACCOUNT_ID);

  /* Another sign-in, not signed in: the result says what it could not do, in the same
   * notification. */
  gh_test_add_session (&fixture->env, other);
  gh_test_wait_for (session_known_cb, &other_wait, 20000, "the service to load the new sign-in");
  activate_action (fixture, "sync", "");
  wait_for_notifications (fixture, "AWS CLI profiles", 2, 30000);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 2);
  n = last_notification (list, "AWS CLI profiles", &id);
  g_assert_cmpstr (n->summary, ==, "AWS CLI profiles synced, with problems");
  g_free (body);
  body = g_strdup_printf ("%s: 0 added, 0 updated, 0 removed\n"
                          "%s: sign in first to list its roles", name, other);
  g_assert_cmpstr (n->body, ==, body);
  g_assert_cmpuint (id, ==, first_id);

  /* Nothing synced at all is not "synced". */
  activate_action (fixture, "sync", "no-such-sign-in");
  wait_for_notifications (fixture, "", 3, 30000);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 3);
  n = last_notification (list, "", &id);
  g_assert_cmpstr (n->summary, ==, "Could not sync AWS CLI profiles");
  g_assert_cmpstr (n->body, ==, "No such sign-in");
  g_assert_cmpuint (id, ==, first_id);

  /* A sign-in whose role list must be fetched first (slowly): the immediate report, about the
   * other sign-in, stays on screen; the later one comes in a notification of its own. */
  g_object_set (fixture->env.sim, "latency-ms", 500u, NULL);
  g_assert_cmpint (g_unlink (cache), ==, 0);
  activate_action (fixture, "sync", "");
  wait_for_notifications (fixture, "", 4, 30000);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  n = g_ptr_array_index (list, 3);
  g_assert_cmpstr (n->summary, ==, "Could not sync AWS CLI profiles");
  g_free (body);
  body = g_strdup_printf ("%s: sign in first to list its roles", other);
  g_assert_cmpstr (n->body, ==, body);
  g_assert_cmpuint (notification_id (list, 3), ==, first_id);

  wait_for_notifications (fixture, "", 5, 30000);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = notifications (fixture);
  g_assert_cmpuint (list->len, ==, 5);
  n = g_ptr_array_index (list, 4);
  g_assert_cmpstr (n->summary, ==, "AWS CLI profiles synced");
  g_free (body);
  body = g_strdup_printf ("%s: 0 added, 0 updated, 0 removed", name);
  g_assert_cmpstr (n->body, ==, body);
  g_assert_cmpuint (n->replaces, ==, 0);
  g_assert_cmpuint (notification_id (list, 4), !=, first_id);
}

/* The sync action uses the settings `gatehouse sync` was last given for the sign-in: it
 * renames nothing and takes no region away. */
static void
test_sync_stored_settings (TrayFixture   *fixture,
                           gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("kept");
  g_autofree char *config = gh_test_path (&fixture->env, ".aws/config");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *cache = role_cache_path (fixture, name);
  StampWait roles = { cache, "" };
  Notification *n;
  guint32 id = 0;

  gh_test_sign_in (&fixture->env, name);
  g_assert_cmpint (gh_test_run_cli (&fixture->env, NULL, NULL, "sync", name, "--template",
                                    "{account_name}-{role}", "--region", "eu-west-1", NULL), ==, 0);
  g_assert_true (g_file_get_contents (config, &before, NULL, NULL));
  gh_test_assert_contains (before, "[profile Account-1-ReadOnly]");

  start_service (fixture);
  gh_test_wait_for (rewritten_cb, &roles, 20000, "the role list");
  activate_action (fixture, "sync", name);
  wait_for_notifications (fixture, "AWS CLI profiles", 1, 30000);
  list = notifications (fixture);
  n = last_notification (list, "AWS CLI profiles", &id);
  g_assert_cmpstr (n->summary, ==, "AWS CLI profiles synced");
  body = g_strdup_printf ("%s: 0 added, 0 updated, 0 removed", name);
  g_assert_cmpstr (n->body, ==, body);

  g_assert_true (g_file_get_contents (config, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  g_test_add ("/tray-notify/session-ended", TrayFixture, NULL, tray_setup,
              test_session_ended, tray_teardown);
  g_test_add ("/tray-notify/end-check-retried", TrayFixture, NULL, tray_setup,
              test_end_check_retried, tray_teardown);
  g_test_add ("/tray-notify/console-ending", TrayFixture, NULL, tray_setup,
              test_console_ending, tray_teardown);
  g_test_add ("/tray-notify/role-changes", TrayFixture, NULL, tray_setup,
              test_role_changes, tray_teardown);
  g_test_add ("/tray-notify/refresh-reply-lost", TrayFixture, NULL, tray_setup,
              test_refresh_reply_lost, tray_teardown);
  g_test_add ("/tray-notify/refresh-rejected", TrayFixture, NULL, tray_setup,
              test_refresh_rejected, tray_teardown);
  g_test_add ("/tray-notify/keyring-locked", KeyringFixture, NULL, keyring_setup,
              test_keyring_locked, keyring_teardown);
  g_test_add ("/tray-notify/sync", TrayFixture, NULL, tray_setup, test_sync, tray_teardown);
  g_test_add ("/tray-notify/quit-withdraws", TrayFixture, NULL, tray_setup, test_quit_withdraws,
              tray_teardown);
  g_test_add ("/tray-notify/sync-stored-settings", TrayFixture, NULL, tray_setup,
              test_sync_stored_settings, tray_teardown);
  return gh_test_env_run ();
}
