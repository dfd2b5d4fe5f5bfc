/* test-tray-system.c — the background refresh and the system around it: resume from suspend
 * (logind PrepareForSleep), the network coming back (NetworkManager), waking up after the token
 * expired (libfaketime), no system bus at all
 *
 * A second dbus-daemon stands in for the system bus; python3-dbusmock's logind and
 * networkmanager templates run on it, and the service (`gatehouse --background`) is given its
 * address. The simulator fails the first refresh, so the scheduler backs off; the tests then
 * check that only the event under test — and not the backoff timer — brings the refresh.
 *
 * The service's debug log (G_MESSAGES_DEBUG, read from its output) tells when the
 * failure was handled and how long the backoff is: nothing on the bus says so, and a signal
 * sent while the refresh is still in flight would be absorbed by it.
 *
 * Not tested here: the wall clock being set (TFD_TIMER_CANCEL_ON_SET). Setting CLOCK_REALTIME
 * would set the host's clock, time namespaces only virtualise the monotonic and boot clocks,
 * and libfaketime changes what the process reads, not the kernel's clock that cancels timers.
 */
#include "config.h"

#include <signal.h>

#include "gh-test-tray.h"

#define LOGIN1_NAME "org.freedesktop.login1"
#define LOGIN1_PATH "/org/freedesktop/login1"
#define NM_NAME "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"

/* From NetworkManager's D-Bus API (NMState, NMConnectivityState). */
#define NM_STATE_DISCONNECTED 20
#define NM_STATE_CONNECTED_GLOBAL 70
#define NM_CONNECTIVITY_NONE 1
#define NM_CONNECTIVITY_PORTAL 2
#define NM_CONNECTIVITY_FULL 4

/* The service's clock a token's lifetime ahead makes the refresh due as soon as it starts; the
 * window makes the first backoff 30 s (CLAMP (window / 6, 5, 30)), far beyond RETRY_BOUND. */
#define REFRESH_WINDOW "180"
#define FIRST_LIFETIME 60
#define LATER_LIFETIME 600
/* How soon after the failure the event under test must have brought the new token. */
#define RETRY_BOUND 20
/* Long enough for a retry that should not happen to show up in the simulator. */
#define QUIET_MS 2000

/* What the service prints (GLib's default writer sends debug lines to stdout, warnings to
 * stderr), line by line, read while the main loop runs. Reference-counted: a pending read can
 * outlive the test that started it. */
typedef struct
{
  GCancellable *cancellable;
  GPtrArray    *lines;
} ServiceLog;

typedef struct
{
  ServiceLog       *log;
  GDataInputStream *stream;
} LogReader;

typedef struct
{
  TrayFixture      tray;
  GSubprocess     *system_daemon;   /* a dbus-daemon standing in for the system bus */
  char            *system_address;
  GDBusConnection *system_bus;
  GSubprocess     *logind;
  GSubprocess     *network_manager;
  ServiceLog      *log;
} SystemFixture;

/* The service's log */

static void
service_log_clear (ServiceLog *log)
{
  g_clear_object (&log->cancellable);
  g_clear_pointer (&log->lines, g_ptr_array_unref);
}

static void
service_log_release (ServiceLog *log)
{
  g_rc_box_release_full (log, (GDestroyNotify) service_log_clear);
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LogReader *reader = user_data;
  ServiceLog *log = reader->log;
  char *line = g_data_input_stream_read_line_finish_utf8 (reader->stream, result, NULL, NULL);

  if (line == NULL || g_cancellable_is_cancelled (log->cancellable))
    {
      g_free (line);
      g_object_unref (reader->stream);
      service_log_release (log);
      g_free (reader);
      return;
    }
  /* Anything but debug lines (warnings, sanitizer reports) is shown even in quiet runs. */
  if (g_test_verbose () || strstr (line, "-DEBUG: ") == NULL)
    g_printerr ("service: %s\n", line);
  g_ptr_array_add (log->lines, line);
  g_data_input_stream_read_line_async (reader->stream, G_PRIORITY_DEFAULT, log->cancellable,
                                       read_line_cb, reader);
}

static void
service_log_read (ServiceLog   *log,
                  GInputStream *stream)
{
  LogReader *reader = g_new0 (LogReader, 1);

  reader->log = g_rc_box_acquire (log);
  reader->stream = g_data_input_stream_new (stream);
  g_data_input_stream_read_line_async (reader->stream, G_PRIORITY_DEFAULT, log->cancellable,
                                       read_line_cb, reader);
}

static ServiceLog *
service_log_new (GSubprocess *process)
{
  ServiceLog *log = g_rc_box_new0 (ServiceLog);

  log->cancellable = g_cancellable_new ();
  log->lines = g_ptr_array_new_with_free_func (g_free);
  service_log_read (log, g_subprocess_get_stdout_pipe (process));
  service_log_read (log, g_subprocess_get_stderr_pipe (process));
  return log;
}

static const char *
find_line (SystemFixture *fixture,
           const char    *fragment)
{
  for (guint i = 0; i < fixture->log->lines->len; i++)
    {
      const char *line = g_ptr_array_index (fixture->log->lines, i);

      if (strstr (line, fragment) != NULL)
        return line;
    }
  return NULL;
}

static const char *
wait_for_line (SystemFixture *fixture,
               const char    *fragment,
               int            seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  const char *line;

  while ((line = find_line (fixture, fragment)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The service did not log “%s” within %d s", fragment, seconds);
      gh_test_sleep_ms (50);
    }
  return line;
}

/* Nothing but debug lines (no message, warning or sanitizer report): the service copes with
 * these situations on its own. */
static void
assert_quiet (SystemFixture *fixture)
{
  for (guint i = 0; i < fixture->log->lines->len; i++)
    {
      const char *line = g_ptr_array_index (fixture->log->lines, i);

      if (*line != '\0' && strstr (line, "-DEBUG: ") == NULL)
        g_error ("The service complained: %s", line);
    }
}

static void
assert_no_notifications (SystemFixture *fixture)
{
  g_autoptr(GPtrArray) list = notifications (&fixture->tray);

  for (guint i = 0; i < list->len; i++)
    g_test_message ("notification: %s", ((Notification *) g_ptr_array_index (list, i))->summary);
  g_assert_cmpuint (list->len, ==, 0);
}

/* `gatehouse --background` with its output read into fixture->log (start_service() drops
 * it). */
static void
start_logged_service (SystemFixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = gh_test_launcher (&fixture->tray.env);

  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* The scheduler (gh-tray) and the clock that watches the system for it (gh-clock). */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "gh-tray gh-clock", TRUE);
  spawn_service (&fixture->tray, launcher);
  fixture->log = service_log_new (fixture->tray.service);
  wait_for_registration (&fixture->tray, g_get_monotonic_time ());
}

/* The private system bus and its mocks */

static void
start_system_bus (SystemFixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               (g_test_verbose () ? 0 : G_SUBPROCESS_FLAGS_STDERR_SILENCE));
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  /* The session configuration: anyone may own any name, and nothing is activated. */
  gh_test_die_with_test (launcher);
  fixture->system_daemon = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon",
                                                        "--session", "--nofork",
                                                        "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->system_daemon));
  fixture->system_address = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->system_address);

  fixture->system_bus = g_dbus_connection_new_for_address_sync (
    fixture->system_address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);
}

/* A call on the system bus. */
static GVariant *
system_call (SystemFixture      *fixture,
             const char         *name,
             const char         *path,
             const char         *iface,
             const char         *method,
             GVariant           *parameters,
             const GVariantType *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = bus_call (fixture->system_bus, name, path, iface, method, parameters,
                              reply_type, &error);

  g_assert_no_error (error);
  return reply;
}

static void
wait_for_system_name (SystemFixture *fixture,
                      const char    *name)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GVariant) reply = system_call (fixture, "org.freedesktop.DBus",
                                               "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                               "NameHasOwner", g_variant_new ("(s)", name),
                                               G_VARIANT_TYPE ("(b)"));
      gboolean owned;

      g_variant_get (reply, "(b)", &owned);
      if (owned)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not appear on the system bus", name);
      gh_test_sleep_ms (50);
    }
}

static GSubprocess *
spawn_system_mock (SystemFixture *fixture,
                   const char    *template,
                   const char    *name)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               (g_test_verbose () ? 0 : G_SUBPROCESS_FLAGS_STDERR_SILENCE));
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", fixture->system_address,
                                TRUE);
  gh_test_die_with_test (launcher);
  /* The PATH python may lack dbusmock (pyenv); Debian's has it. */
  process = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", "-m", "dbusmock",
                                         "--system", "--template", template, NULL);
  g_assert_no_error (error);
  wait_for_system_name (fixture, name);
  return process;
}

static void
emit_prepare_for_sleep (SystemFixture *fixture,
                        gboolean       sleeping)
{
  g_autoptr(GVariant) reply =
    system_call (fixture, LOGIN1_NAME, LOGIN1_PATH, MOCK_IFACE, "EmitSignal",
                 g_variant_new_parsed ("('org.freedesktop.login1.Manager', 'PrepareForSleep', "
                                       "'b', [<%b>])", sleeping), NULL);
}

/* Connectivity first when going up, the state first when going down: GLib's monitor derives
 * network-available from the state alone, so each change is a single transition. */
static void
set_network (SystemFixture *fixture,
             gboolean       up)
{
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariant) second = NULL;

  if (up)
    {
      first = system_call (fixture, NM_NAME, NM_PATH, MOCK_IFACE, "SetConnectivity",
                           g_variant_new ("(u)", NM_CONNECTIVITY_FULL), NULL);
      second = system_call (fixture, NM_NAME, NM_PATH, MOCK_IFACE, "SetGlobalConnectionState",
                            g_variant_new ("(u)", NM_STATE_CONNECTED_GLOBAL), NULL);
    }
  else
    {
      first = system_call (fixture, NM_NAME, NM_PATH, MOCK_IFACE, "SetGlobalConnectionState",
                           g_variant_new ("(u)", NM_STATE_DISCONNECTED), NULL);
      second = system_call (fixture, NM_NAME, NM_PATH, MOCK_IFACE, "SetConnectivity",
                            g_variant_new ("(u)", NM_CONNECTIVITY_NONE), NULL);
    }
}

/* Fixture */

static void
system_setup (SystemFixture *fixture,
              gconstpointer  data)
{
  g_autofree char *address = NULL;

  tray_setup (&fixture->tray, data);
  start_system_bus (fixture);
  fixture->logind = spawn_system_mock (fixture, "logind", LOGIN1_NAME);
  fixture->network_manager = spawn_system_mock (fixture, "networkmanager", NM_NAME);

  address = g_strdup_printf ("DBUS_SYSTEM_BUS_ADDRESS=%s", fixture->system_address);
  g_ptr_array_add (fixture->tray.env.extra_env, g_steal_pointer (&address));
  /* The NetworkManager mock, not whatever the host's netlink routes say. */
  g_ptr_array_add (fixture->tray.env.extra_env,
                   g_strdup ("GIO_USE_NETWORK_MONITOR=networkmanager"));
}

static void
no_system_bus_setup (SystemFixture *fixture,
                     gconstpointer  data)
{
  g_autofree char *socket = NULL;

  tray_setup (&fixture->tray, data);
  socket = gh_test_path (&fixture->tray.env, "no-system-bus");
  g_ptr_array_add (fixture->tray.env.extra_env,
                   g_strdup_printf ("DBUS_SYSTEM_BUS_ADDRESS=unix:path=%s", socket));
}

static void
system_teardown (SystemFixture *fixture,
                 gconstpointer  data)
{
  /* The service first: it quits while its system bus is still there. */
  tray_teardown (&fixture->tray, data);
  if (fixture->log != NULL)
    {
      g_cancellable_cancel (fixture->log->cancellable);
      g_clear_pointer (&fixture->log, service_log_release);
    }
  stop_process (&fixture->logind);
  stop_process (&fixture->network_manager);
  if (fixture->system_bus != NULL)
    g_dbus_connection_close_sync (fixture->system_bus, NULL, NULL);
  g_clear_object (&fixture->system_bus);
  stop_process (&fixture->system_daemon);
  g_clear_pointer (&fixture->system_address, g_free);
}

/* The scenario */

static guint
create_token_count (SystemFixture *fixture)
{
  return gh_simulator_get_request_count (fixture->tray.env.sim, "CreateToken");
}

/* A sign-in whose token the service will want to refresh as soon as it starts. */
static void
sign_in_short (SystemFixture *fixture,
               const char    *name)
{
  GhTestFixture *env = &fixture->tray.env;

  g_object_set (env->sim, "access-token-lifetime", (gint64) FIRST_LIFETIME, NULL);
  gh_test_sign_in (env, name);
  /* A fresh role list: no role refresh at start competes for the token. */
  g_assert_cmpint (gh_test_run_cli (env, NULL, NULL, "roles", name, "--refresh", NULL), ==, 0);
  /* Tokens from now on outlast the window: one refresh, not a refresh loop. */
  g_object_set (env->sim, "access-token-lifetime", (gint64) LATER_LIFETIME, NULL);
  g_ptr_array_add (env->extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=" REFRESH_WINDOW));
  /* The service starts as the first token ends: its refresh is due at once (not sooner than a
   * minute after the token was issued, the rule's floor). */
  g_assert_true (gh_test_fake_clock (env, FIRST_LIFETIME));
}

/* Does the AWS CLI cache file hold a token issued after sign_in_short()? */
static gboolean
holds_later_token (SystemFixture *fixture,
                   const char    *name)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return cached_expiry (&fixture->tray, name) > now + LATER_LIFETIME - 120;
}

/* Starts the service with every refresh failing and waits until the scheduler has given up on
 * the first one; then the simulator works again. */
static void
start_with_failed_refresh (SystemFixture *fixture,
                           const char    *name,
                           gint64        *failed_at)
{
  g_autofree char *fragment = g_strdup_printf ("Refresh of %s failed", name);
  const char *line;
  const char *retrying;
  gint64 backoff;

  gh_simulator_inject_fault (fixture->tray.env.sim, "CreateToken", GH_SIM_FAULT_503, 1000);
  start_logged_service (fixture);
  line = wait_for_line (fixture, fragment, 30);
  *failed_at = g_get_monotonic_time ();
  gh_simulator_inject_fault (fixture->tray.env.sim, "CreateToken", GH_SIM_FAULT_NONE, 0);

  retrying = strstr (line, "retrying in ");
  g_assert_nonnull (retrying);
  backoff = g_ascii_strtoll (retrying + strlen ("retrying in "), NULL, 10);
  g_test_message ("first refresh failed; retry in %" G_GINT64_FORMAT " s", backoff);
  /* Otherwise the backoff timer could explain a refresh within RETRY_BOUND. */
  g_assert_cmpint (backoff, >, RETRY_BOUND + 5);
  g_assert_false (holds_later_token (fixture, name));
}

/* The backoff holds: no retry on its own within QUIET_MS. */
static void
assert_no_retry (SystemFixture *fixture)
{
  guint before = create_token_count (fixture);

  gh_test_sleep_ms (QUIET_MS);
  g_assert_cmpuint (create_token_count (fixture), ==, before);
}

/* The event under test must bring the new token well before the backoff would have. */
static void
wait_for_prompt_refresh (SystemFixture *fixture,
                         const char    *name,
                         gint64         failed_at)
{
  gint64 deadline = failed_at + RETRY_BOUND * G_USEC_PER_SEC;
  guint before = create_token_count (fixture);

  while (!holds_later_token (fixture, name))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No refresh within %d s of the failure", RETRY_BOUND);
      gh_test_sleep_ms (100);
    }
  g_test_message ("refreshed %" G_GINT64_FORMAT " ms after the failure",
                  (g_get_monotonic_time () - failed_at) / 1000);
  g_assert_cmpuint (create_token_count (fixture), >, before);
}

/* Tests */

static void
test_resume_retries (SystemFixture *fixture,
                     gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("resume");
  gint64 failed_at;

  sign_in_short (fixture, name);
  start_with_failed_refresh (fixture, name, &failed_at);

  /* Going to sleep is no reason to retry. */
  emit_prepare_for_sleep (fixture, TRUE);
  assert_no_retry (fixture);

  /* Waking up is: the network may be back, and the monotonic timer of the backoff stood still
   * while the machine slept. */
  emit_prepare_for_sleep (fixture, FALSE);
  wait_for_prompt_refresh (fixture, name, failed_at);
  wait_for_line (fixture, "Resumed", 5);

  /* Retried failures are nobody's business. */
  assert_no_notifications (fixture);
  assert_quiet (fixture);
}

static void
test_network_back_retries (SystemFixture *fixture,
                           gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("network");
  gint64 failed_at;

  sign_in_short (fixture, name);
  /* Offline when the service starts; the simulator's 503s stand for the unreachable service
   * (the loopback simulator stays reachable whatever NetworkManager says). */
  set_network (fixture, FALSE);
  start_with_failed_refresh (fixture, name, &failed_at);
  assert_no_retry (fixture);

  set_network (fixture, TRUE);
  wait_for_prompt_refresh (fixture, name, failed_at);
  wait_for_line (fixture, "The network is back", 5);

  assert_no_notifications (fixture);
  assert_quiet (fixture);
}

/* Connected, but behind a captive portal (a hotel's sign-in page): signing in there is the
 * network coming back. */
static void
test_portal_signed_in_retries (SystemFixture *fixture,
                               gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("portal");
  g_autoptr(GVariant) reply = NULL;
  gint64 failed_at;

  sign_in_short (fixture, name);
  set_network (fixture, TRUE);
  reply = system_call (fixture, NM_NAME, NM_PATH, MOCK_IFACE, "SetConnectivity",
                       g_variant_new ("(u)", NM_CONNECTIVITY_PORTAL), NULL);
  start_with_failed_refresh (fixture, name, &failed_at);
  assert_no_retry (fixture);

  g_clear_pointer (&reply, g_variant_unref);
  reply = system_call (fixture, NM_NAME, NM_PATH, MOCK_IFACE, "SetConnectivity",
                       g_variant_new ("(u)", NM_CONNECTIVITY_FULL), NULL);
  wait_for_prompt_refresh (fixture, name, failed_at);
  wait_for_line (fixture, "The network is back", 5);

  assert_no_notifications (fixture);
  assert_quiet (fixture);
}

/* The service shows the sign-in as current (it may still be finishing the refresh). */
static void
assert_signed_in (SystemFixture *fixture,
                  const char    *name)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *state = session_state (&fixture->tray, name);

      if (g_strcmp0 (state, "signed-in") == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” is %s, not signed in", name, state);
      gh_test_sleep_ms (100);
    }
}

/* The laptop slept through the end of the token: on waking, the service's clock is two hours
 * on, its GLib timer (monotonic, stopped during sleep) still minutes away. */
static void
test_wake_after_expiry (SystemFixture *fixture,
                        gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("wake");
  GhTestFixture *env = &fixture->tray.env;
  gint64 slept = 2 * 60 * 60;
  const char *line;
  gint64 next;
  gint64 woke_at;
  gint64 deadline;
  guint before;

  g_object_set (env->sim, "access-token-lifetime", (gint64) LATER_LIFETIME, NULL);
  gh_test_sign_in (env, name);
  g_assert_cmpint (gh_test_run_cli (env, NULL, NULL, "roles", name, "--refresh", NULL), ==, 0);
  g_ptr_array_add (env->extra_env, g_strdup ("GATEHOUSE_REFRESH_WINDOW=" REFRESH_WINDOW));
  if (!gh_test_fake_clock (env, 0))
    return;
  start_logged_service (fixture);
  /* Its first evaluation: nothing due for minutes. */
  line = wait_for_line (fixture, "Next deadline in ", 10);
  next = g_ascii_strtoll (strstr (line, "Next deadline in ") + strlen ("Next deadline in "),
                          NULL, 10);
  g_test_message ("first evaluation: next deadline in %" G_GINT64_FORMAT " s", next);
  g_assert_cmpint (next, >, 60);
  before = create_token_count (fixture);

  /* Two hours pass for the service, and for the simulator (which issues the next token). */
  g_object_set (env->sim, "clock-offset", slept, NULL);
  gh_test_fake_clock (env, slept);
  emit_prepare_for_sleep (fixture, TRUE);
  gh_test_sleep_ms (QUIET_MS);
  g_assert_cmpuint (create_token_count (fixture), ==, before);

  emit_prepare_for_sleep (fixture, FALSE);
  woke_at = g_get_monotonic_time ();
  deadline = woke_at + RETRY_BOUND * G_USEC_PER_SEC;
  for (;;)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      if (cached_expiry (&fixture->tray, name) > now + slept + LATER_LIFETIME - 120)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("No refresh within %d s of waking up", RETRY_BOUND);
      g_assert_nonnull (g_subprocess_get_identifier (fixture->tray.service));
      gh_test_sleep_ms (100);
    }
  g_test_message ("refreshed %" G_GINT64_FORMAT " ms after waking up",
                  (g_get_monotonic_time () - woke_at) / 1000);
  g_assert_cmpuint (create_token_count (fixture), >, before);
  assert_signed_in (fixture, name);
  assert_quiet (fixture);
}

static void
test_no_system_bus (SystemFixture *fixture,
                    gconstpointer  data)
{
  g_autofree char *name = gh_test_unique_name ("nobus");
  gint64 deadline;

  sign_in_short (fixture, name);
  start_logged_service (fixture);

  /* The refresh due at start still happens… */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!holds_later_token (fixture, name))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No refresh without a system bus");
      gh_test_sleep_ms (100);
    }
  /* …and the missing bus is noted at debug level only. */
  wait_for_line (fixture, "No system bus", 10);
  assert_signed_in (fixture, name);
  assert_quiet (fixture);
}

int
main (int    argc,
      char **argv)
{
  gh_test_env_init (&argc, &argv, GH_TEST_ENV_DEFAULT);

  g_test_add ("/tray-system/resume-retries", SystemFixture, NULL, system_setup,
              test_resume_retries, system_teardown);
  g_test_add ("/tray-system/network-back-retries", SystemFixture, NULL, system_setup,
              test_network_back_retries, system_teardown);
  g_test_add ("/tray-system/portal-signed-in-retries", SystemFixture, NULL, system_setup,
              test_portal_signed_in_retries, system_teardown);
  g_test_add ("/tray-system/wake-after-expiry", SystemFixture, NULL, system_setup,
              test_wake_after_expiry, system_teardown);
  g_test_add ("/tray-system/no-system-bus", SystemFixture, NULL, no_system_bus_setup,
              test_no_system_bus, system_teardown);
  return gh_test_env_run ();
}
