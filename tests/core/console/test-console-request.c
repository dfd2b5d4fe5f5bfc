/* test-console-request.c — GhConsoleRequest against the simulator: federation through the
 * one-shot link, print-url, portal mode, the preferences, refusals before any credentials, a
 * browser that cannot be opened, and a history that cannot be written
 *
 * The CLI signs in with the fixture's environment and the request must see the same one, so
 * every case runs in a subprocess of its own (gh_test_add_subprocess_cases()).
 */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "gh-console-history.h"
#include "gh-console-request.h"
#include "gh-enums.h"
#include "gh-error.h"
#include "gh-role-cache.h"
#include "gh-settings.h"
#include "gh-test-env.h"

#define ACCOUNT "100000000001"
#define ROLE "ReadOnly"

typedef struct
{
  gboolean  done;
  gboolean  opened;
  GError   *error;
  char     *url;              /* from ::url-ready or ::launch-failed */
  gboolean  handle_launch;    /* ::launch-failed returns this */
  guint     history_records;  /* records in the history when ::url-ready was emitted */
  gboolean  named_at_url;     /* whether the account name was looked up by ::url-ready */
  GError   *history_error;    /* from ::history-failed */
} Open;

static void
open_clear (Open *open)
{
  g_clear_error (&open->error);
  g_clear_error (&open->history_error);
  g_free (open->url);
}

static guint
history_length (void)
{
  g_autoptr(GPtrArray) records = gh_console_history_list ();

  return records->len;
}

static void
url_ready_cb (GhConsoleRequest *request,
              const char       *url,
              Open             *open)
{
  g_assert_null (open->url);
  open->url = g_strdup (url);
  open->history_records = history_length ();
  open->named_at_url = gh_console_request_get_account_name (request) != NULL;
}

static gboolean
launch_failed_cb (GhConsoleRequest *request,
                  const char       *url,
                  const GError     *error,
                  Open             *open)
{
  g_assert_nonnull (error);
  g_free (open->url);
  open->url = g_strdup (url);
  return open->handle_launch;
}

static gboolean
history_failed_cb (GhConsoleRequest *request,
                   const GError     *error,
                   Open             *open)
{
  open->history_error = g_error_copy (error);
  return TRUE;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Open *open = user_data;

  open->opened = gh_console_request_open_finish (GH_CONSOLE_REQUEST (object), result,
                                                 &open->error);
  open->done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((Open *) data)->done;
}

static gboolean
url_seen (gpointer data)
{
  return ((Open *) data)->url != NULL;
}

static void
start_open (GhConsoleRequest *request,
            Open             *open)
{
  g_signal_connect (request, "url-ready", G_CALLBACK (url_ready_cb), open);
  g_signal_connect (request, "launch-failed", G_CALLBACK (launch_failed_cb), open);
  gh_console_request_open_async (request, NULL, opened_cb, open);
}

static void
open_request (GhConsoleRequest *request,
              Open             *open)
{
  start_open (request, open);
  gh_test_wait_for (open_done, open, 60000, "the console request");
  g_assert_true (open->opened == (open->error == NULL));
  g_signal_handlers_disconnect_by_data (request, open);
}

static GhConsoleRequest *
request_for (const char *name)
{
  g_autoptr(GhSession) session = gh_test_load_session (name);

  return gh_console_request_new (session, ACCOUNT, ROLE);
}

/* A signed-in session whose roles are cached (so the account has a name). */
static GhConsoleRequest *
signed_in_request (GhTestFixture *fixture,
                   const char    *base)
{
  g_autofree char *name = gh_test_unique_name (base);

  gh_test_sign_in (fixture, name);
  g_assert_cmpint (gh_test_run_cli (fixture, NULL, NULL, "roles", name, NULL), ==, 0);
  return request_for (name);
}

static guint
console_logins (GhTestFixture *fixture)
{
  return gh_simulator_get_console_logins (fixture->sim)->len;
}

static gboolean
console_login_seen (gpointer data)
{
  return console_logins (data) > 0;
}

static gboolean
browser_opened (gpointer data)
{
  g_auto(GStrv) urls = gh_test_browser_urls (data);

  return g_strv_length (urls) > 0;
}

/* Federation: the browser gets only the one-shot link, follows it to the console sign-in, and
 * the console is remembered with its end. */
static void
test_federation (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request");
  g_autoptr(GPtrArray) history = NULL;
  g_auto(GStrv) urls = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GhConsoleRecord *record;
  Open open = { 0, };

  gh_console_request_set_destination (request, "ec2");
  open_request (request, &open);
  g_assert_no_error (open.error);
  g_assert_null (open.url);

  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 1);
  g_assert_true (g_str_has_prefix (urls[0], "http://127.0.0.1:"));
  g_assert_null (strstr (urls[0], "SigninToken"));
  gh_test_wait_for (console_login_seen, fixture, 30000, "the console sign-in");
  g_assert_cmpstr (g_ptr_array_index (gh_simulator_get_console_logins (fixture->sim), 0), ==,
                   ACCOUNT "/" ROLE);
  gh_test_assert_contains (gh_simulator_get_last_console_destination (fixture->sim),
                           "/ec2/home?region=us-east-1");

  g_assert_cmpint (gh_console_request_get_expires_at (request), >, now);
  g_assert_cmpstr (gh_console_request_get_account_name (request), ==, "Account 1");
  history = gh_console_history_list ();
  g_assert_cmpuint (history->len, ==, 1);
  record = g_ptr_array_index (history, 0);
  g_assert_cmpstr (record->account_id, ==, ACCOUNT);
  g_assert_cmpstr (record->account_name, ==, "Account 1");
  g_assert_cmpstr (record->role_name, ==, ROLE);
  g_assert_cmpstr (record->region, ==, "us-east-1");
  g_assert_cmpint (record->expires_at, ==, gh_console_request_get_expires_at (request));
  open_clear (&open);
}

/* print-url: the URL goes to ::url-ready, no browser opens, and the bookkeeping (the account
 * name from the role cache, the history) comes only after the URL is out. */
static void
test_print_url (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request-print");
  g_autofree char *prefix = g_strdup_printf ("%s/federation?Action=login&",
                                             gh_simulator_get_url (fixture->sim));
  g_auto(GStrv) urls = NULL;
  Open open = { 0, };

  gh_console_request_set_print_url (request, TRUE);
  gh_console_request_set_region (request, "eu-west-1");
  open_request (request, &open);
  g_assert_no_error (open.error);

  g_assert_true (g_str_has_prefix (open.url, prefix));
  gh_test_assert_contains (open.url, "SigninToken=");
  gh_test_assert_contains (open.url, "eu-west-1.console.aws.amazon.com");
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
  g_assert_cmpuint (console_logins (fixture), ==, 0);
  g_assert_cmpuint (open.history_records, ==, 0);
  g_assert_cmpuint (history_length (), ==, 1);
  g_assert_false (open.named_at_url);
  g_assert_nonnull (gh_console_request_get_account_name (request));
  open_clear (&open);
}

/* Portal mode: the access portal's shortcut in the browser; no credentials, so no sign-in
 * needed. */
static void
test_portal (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("request-portal");
  g_autoptr(GhConsoleRequest) request = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) urls = NULL;
  Open open = { 0, };

  gh_test_add_session (fixture, name);
  request = request_for (name);
  gh_console_request_set_mode (request, GH_CONSOLE_MODE_PORTAL);
  open_request (request, &open);
  g_assert_no_error (open.error);

  /* Launched, nothing to wait for: the browser writes its log a moment later. */
  gh_test_wait_for (browser_opened, fixture, 30000, "the browser");
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 1);
  expected = g_strdup_printf ("%s/start/#/console?account_id=" ACCOUNT "&role_name=" ROLE
                              "&destination=", gh_simulator_get_url (fixture->sim));
  g_assert_true (g_str_has_prefix (urls[0], expected));
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);
  g_assert_cmpint (gh_console_request_get_expires_at (request), ==, 0);
  g_assert_cmpuint (history_length (), ==, 1);
  open_clear (&open);
}

static void
set_preferences (GSettings  *settings,
                 const char *key,
                 const char *container)
{
  GVariantBuilder containers;

  g_variant_builder_init (&containers, G_VARIANT_TYPE ("a{ss}"));
  if (key != NULL)
    g_variant_builder_add (&containers, "{ss}", key, container);
  g_settings_set_value (settings, "role-containers", g_variant_builder_end (&containers));
  g_settings_set_boolean (settings, "console-logout-first", key != NULL);
  g_settings_sync ();
}

static char *
print_url (GhConsoleRequest *request)
{
  Open open = { 0, };
  char *url;

  gh_console_request_set_print_url (request, TRUE);
  open_request (request, &open);
  g_assert_no_error (open.error);
  url = g_steal_pointer (&open.url);
  open_clear (&open);
  return url;
}

/* What the caller leaves unset comes from the preferences; what it sets wins. */
static void
test_preferences (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request-prefs");
  g_autoptr(GSettings) settings = gh_settings_new (NULL);
  g_autofree char *key = NULL;
  g_autofree char *preferred = NULL;
  g_autofree char *overridden = NULL;
  g_autofree char *default_name = NULL;
  GhSession *session = gh_console_request_get_session (request);

  g_assert_nonnull (settings);
  key = g_strdup_printf ("%s/" ACCOUNT "/" ROLE, gh_session_get_name (session));
  set_preferences (settings, key, "prod");

  preferred = print_url (request);
  g_assert_true (g_str_has_prefix (preferred, "ext+granted-containers:name=prod&url="));
  gh_test_assert_contains (preferred, "oauth%3FAction%3Dlogout");

  gh_console_request_set_logout_first (request, FALSE);
  gh_console_request_set_container_kind (request, GH_CONTAINER_OPEN_URL);
  gh_console_request_set_container_name (request, "dev");
  overridden = print_url (request);
  g_assert_true (g_str_has_prefix (overridden, "ext+container:name=dev&url="));
  g_assert_null (strstr (overridden, "logout"));

  /* "" names the container after the account and role. */
  gh_console_request_set_container_name (request, "");
  default_name = print_url (request);
  g_assert_true (g_str_has_prefix (default_name,
                                   "ext+container:name=Account%201%2FReadOnly&url="));

  set_preferences (settings, NULL, NULL);
}

/* Unless the caller chose, `console-mode` decides, and the request says which mode it used;
 * a mode the caller sets, even federation, wins. */
static void
test_mode_preference (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request-mode");
  g_autoptr(GSettings) settings = gh_settings_new (NULL);
  g_autofree char *portal = NULL;
  g_autofree char *federation = NULL;
  g_autofree char *prefix = NULL;

  g_assert_nonnull (settings);
  g_settings_set_string (settings, "console-mode", "portal");
  g_settings_sync ();

  g_assert_cmpint (gh_console_request_get_mode (request), ==, GH_CONSOLE_MODE_FEDERATION);
  portal = print_url (request);
  prefix = g_strdup_printf ("%s/start/#/console?account_id=" ACCOUNT "&role_name=" ROLE,
                            gh_simulator_get_url (fixture->sim));
  g_assert_true (g_str_has_prefix (portal, prefix));
  g_assert_cmpint (gh_console_request_get_mode (request), ==, GH_CONSOLE_MODE_PORTAL);
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);

  gh_console_request_set_mode (request, GH_CONSOLE_MODE_FEDERATION);
  federation = print_url (request);
  g_assert_false (g_str_has_prefix (federation, prefix));
  gh_test_assert_contains (federation, "Action=login");

  g_settings_reset (settings, "console-mode");
  g_settings_sync ();
}

/* A bad destination or region is refused before any credentials are fetched. */
static void
test_refused_early (GhTestFixture *fixture)
{
  static const struct { const char *region; const char *destination; } cases[] = {
    { NULL, "https://console.aws.amazon.com.evil.example/" },
    { NULL, "https://console.amazonaws.cn/ec2/" },
    { NULL, "not a service" },
    { "nowhere", NULL },
  };
  g_autofree char *name = gh_test_unique_name ("request-refused");

  gh_test_sign_in (fixture, name);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GhConsoleRequest) request = request_for (name);
      Open open = { 0, };

      gh_console_request_set_region (request, cases[i].region);
      gh_console_request_set_destination (request, cases[i].destination);
      open_request (request, &open);
      g_assert_error (open.error, GH_ERROR, GH_ERROR_INVALID_INPUT);
      open_clear (&open);
    }
  g_assert_cmpuint (gh_simulator_get_request_count (fixture->sim, "GetRoleCredentials"), ==, 0);
  g_assert_cmpuint (history_length (), ==, 0);
}

static void
test_signed_out (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("request-out");
  g_autoptr(GhConsoleRequest) request = NULL;
  g_auto(GStrv) urls = NULL;
  Open open = { 0, };

  gh_test_add_session (fixture, name);
  request = request_for (name);
  open_request (request, &open);
  g_assert_error (open.error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN);
  urls = gh_test_browser_urls (fixture);
  g_assert_cmpuint (g_strv_length (urls), ==, 0);
  g_assert_cmpuint (history_length (), ==, 0);
  open_clear (&open);
}

/* No desktop files, so no default browser: before GIO first looks for one, which is why every
 * case runs in a process of its own. */
static void
hide_browser (GhTestFixture *fixture)
{
  static const char *variables[] = {
    "XDG_DATA_HOME", "XDG_DATA_DIRS", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS",
  };
  g_autofree char *empty = gh_test_path (fixture, "nothing");

  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    g_setenv (variables[i], empty, TRUE);
}

/* Unhandled, a browser that cannot be opened fails the request. */
static void
test_no_browser (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request-nobrowser");
  Open open = { 0, };

  hide_browser (fixture);
  gh_console_request_open_async (request, NULL, opened_cb, &open);
  gh_test_wait_for (open_done, &open, 60000, "the console request");
  g_assert_false (open.opened);
  g_assert_nonnull (open.error);
  g_assert_true (g_str_has_prefix (open.error->message, "Could not open a browser: "));
  g_assert_null (strstr (open.error->message, "SigninToken"));
  g_assert_cmpuint (history_length (), ==, 0);
  open_clear (&open);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
} Visit;

static void
visited_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Visit *visit = user_data;

  visit->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  visit->done = TRUE;
}

static gboolean
visit_done (gpointer data)
{
  return ((Visit *) data)->done;
}

/* Handled, the one-shot link is shown to a person, who opens it: the request goes on. */
static void
test_no_browser_handled (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request-byhand");
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autoptr(SoupMessage) visit = NULL;
  Visit visited = { 0, };
  Open open = { .handle_launch = TRUE };

  hide_browser (fixture);
  start_open (request, &open);
  gh_test_wait_for (url_seen, &open, 60000, "the one-shot link");
  g_assert_false (open.done);
  g_assert_true (g_str_has_prefix (open.url, "http://127.0.0.1:"));

  /* The person opens it; the link is served by this process, so not a blocking call. */
  visit = soup_message_new ("GET", open.url);
  soup_message_add_flags (visit, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (soup, visit, G_PRIORITY_DEFAULT, NULL, visited_cb, &visited);
  gh_test_wait_for (visit_done, &visited, 30000, "the visit");
  g_assert_cmpuint (soup_message_get_status (visit), ==, 303);
  g_clear_pointer (&visited.body, g_bytes_unref);

  gh_test_wait_for (open_done, &open, 60000, "the console request");
  g_assert_no_error (open.error);
  g_assert_cmpuint (history_length (), ==, 1);
  open_clear (&open);
}

/* A history that cannot be written does not fail the open: ::history-failed says so, or a
 * warning when nobody handles it. */
static void
test_history_failed (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("request-history");
  g_autofree char *history = gh_test_path (fixture, "state/gatehouse/consoles.json");
  g_autoptr(GhConsoleRequest) request = NULL;
  Open handled = { 0, };
  Open unhandled = { 0, };

  gh_test_add_session (fixture, name);
  /* A folder where the file should be: the write cannot replace it. */
  g_assert_cmpint (g_mkdir_with_parents (history, 0700), ==, 0);
  request = request_for (name);
  gh_console_request_set_mode (request, GH_CONSOLE_MODE_PORTAL);
  gh_console_request_set_print_url (request, TRUE);

  /* open_request() disconnects it again. */
  g_signal_connect (request, "history-failed", G_CALLBACK (history_failed_cb), &handled);
  open_request (request, &handled);
  g_assert_no_error (handled.error);
  g_assert_nonnull (handled.history_error);

  g_test_expect_message ("gh-console-request", G_LOG_LEVEL_WARNING,
                         "Could not remember the console: *");
  open_request (request, &unhandled);
  g_test_assert_expected_messages ();
  g_assert_no_error (unhandled.error);

  open_clear (&handled);
  open_clear (&unhandled);
}

/* Enums a window can bind, and notifications only on real change. */
static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_properties (GhTestFixture *fixture)
{
  g_autofree char *name = gh_test_unique_name ("request-props");
  g_autoptr(GhConsoleRequest) request = NULL;
  GhConsoleMode mode = GH_CONSOLE_MODE_FEDERATION;
  GhContainerKind kind = GH_CONTAINER_GRANTED;
  guint notified = 0;

  gh_test_add_session (fixture, name);
  request = request_for (name);
  g_signal_connect (request, "notify", G_CALLBACK (count_notify), &notified);

  g_object_set (request, "mode", GH_CONSOLE_MODE_PORTAL, "container-kind",
                GH_CONTAINER_OPEN_URL, "duration", 3600, NULL);
  g_assert_cmpuint (notified, ==, 3);
  g_object_get (request, "mode", &mode, "container-kind", &kind, NULL);
  g_assert_cmpint (mode, ==, GH_CONSOLE_MODE_PORTAL);
  g_assert_cmpint (kind, ==, GH_CONTAINER_OPEN_URL);

  gh_console_request_set_mode (request, GH_CONSOLE_MODE_PORTAL);
  gh_console_request_set_duration (request, 3600);
  gh_console_request_set_destination (request, NULL);
  g_assert_cmpuint (notified, ==, 3);

  g_assert_true (G_TYPE_IS_ENUM (GH_TYPE_CONSOLE_MODE));
  g_assert_true (G_TYPE_IS_ENUM (GH_TYPE_CONTAINER_KIND));
}

/* The role cache as a FIFO: a read of it blocks until the feeder writes. The feeder waits for
 * the main loop to run after the point where the request needs the cache (the start of the
 * open for a container's name, else the URL); a request that read the cache on the caller's
 * main loop would block it there, and the feeder would give up waiting. */
typedef struct
{
  char     *path;
  char     *contents;
  gint      main_loop_ran;   /* atomic */
  gboolean  fed_after_main_loop;
} Fifo;

static gpointer
feed_fifo_thread (gpointer data)
{
  Fifo *fifo = data;
  int fd;

  for (guint i = 0; i < 500 && !g_atomic_int_get (&fifo->main_loop_ran); i++)
    g_usleep (10 * 1000);
  fifo->fed_after_main_loop = g_atomic_int_get (&fifo->main_loop_ran);

  fd = open (fifo->path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, fifo->contents, strlen (fifo->contents)), ==,
                   strlen (fifo->contents));
  close (fd);
  return NULL;
}

static gboolean
main_loop_ran_cb (gpointer data)
{
  g_atomic_int_set (&((Fifo *) data)->main_loop_ran, TRUE);
  return G_SOURCE_REMOVE;
}

static void
watch_main_loop_after_url_cb (GhConsoleRequest *request,
                              const char       *url,
                              Fifo             *fifo)
{
  g_idle_add (main_loop_ran_cb, fifo);
}

/* Opens @request (print-url) with its role cache behind a FIFO; returns the URL.
 * @needed_at_start: whether the cache is needed before the URL. */
static char *
open_with_cache_fifo (GhConsoleRequest *request,
                      gboolean          needed_at_start)
{
  GhSession *session = gh_console_request_get_session (request);
  g_autoptr(GThread) feeder = NULL;
  Fifo fifo = { 0, };
  Open open = { 0, };
  char *url;

  fifo.path = gh_role_cache_path (gh_session_get_name (session));
  g_assert_true (g_file_get_contents (fifo.path, &fifo.contents, NULL, NULL));
  g_assert_cmpint (g_unlink (fifo.path), ==, 0);
  g_assert_cmpint (mkfifo (fifo.path, 0600), ==, 0);

  gh_console_request_set_print_url (request, TRUE);
  feeder = g_thread_new ("feed-fifo", feed_fifo_thread, &fifo);
  if (needed_at_start)
    g_idle_add (main_loop_ran_cb, &fifo);
  else
    g_signal_connect (request, "url-ready", G_CALLBACK (watch_main_loop_after_url_cb), &fifo);
  open_request (request, &open);
  g_signal_handlers_disconnect_by_data (request, &fifo);
  g_thread_join (g_steal_pointer (&feeder));

  g_assert_no_error (open.error);
  g_assert_true (fifo.fed_after_main_loop);
  g_assert_cmpint (g_unlink (fifo.path), ==, 0);
  g_assert_true (g_file_set_contents (fifo.path, fifo.contents, -1, NULL));
  g_free (fifo.path);
  g_free (fifo.contents);
  url = g_steal_pointer (&open.url);
  open_clear (&open);
  return url;
}

/* The tray and the window call this on their main loop: an account name they do not know
 * comes from the role cache on a worker thread, both for the history (after the URL) and for
 * a container named after the account (before it). */
static void
test_role_cache_off_main_loop (GhTestFixture *fixture)
{
  g_autoptr(GhConsoleRequest) request = signed_in_request (fixture, "request-fifo");
  g_autoptr(GhConsoleRequest) contained = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *url = NULL;
  g_autofree char *contained_url = NULL;

  url = open_with_cache_fifo (request, FALSE);
  g_assert_true (g_str_has_prefix (url, gh_simulator_get_url (fixture->sim)));
  g_assert_cmpstr (gh_console_request_get_account_name (request), ==, "Account 1");
  history = gh_console_history_list ();
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpstr (((GhConsoleRecord *) g_ptr_array_index (history, 0))->account_name, ==,
                   "Account 1");

  contained = request_for (gh_session_get_name (gh_console_request_get_session (request)));
  gh_console_request_set_container_name (contained, "");
  contained_url = open_with_cache_fifo (contained, TRUE);
  g_assert_true (g_str_has_prefix (contained_url,
                                   "ext+granted-containers:name=Account%201%2FReadOnly&"));
}

static const GhTestCase cases[] = {
  { "/console-request/federation", test_federation },
  { "/console-request/print-url", test_print_url },
  { "/console-request/portal", test_portal },
  { "/console-request/preferences", test_preferences },
  { "/console-request/mode-preference", test_mode_preference },
  { "/console-request/refused-early", test_refused_early },
  { "/console-request/signed-out", test_signed_out },
  { "/console-request/no-browser", test_no_browser },
  { "/console-request/no-browser-handled", test_no_browser_handled },
  { "/console-request/history-failed", test_history_failed },
  { "/console-request/role-cache-off-main-loop", test_role_cache_off_main_loop },
  { "/console-request/properties", test_properties },
};

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);
  gh_test_add_subprocess_cases (cases, G_N_ELEMENTS (cases));

  return gh_test_env_run ();
}
