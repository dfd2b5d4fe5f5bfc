/* test-kernel-keyring.c — gh-kernel-keyring.c against the real kernel key retention service
 *
 * The user keyring outlives a test program, so every test uses a keyring name of its own and
 * drops it at the end. Where the kernel refuses keyctl (a seccomp filter), the tests skip and
 * say so; the not-found answers are checked either way.
 */
#include "config.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gh-kernel-keyring.h"
#include "gh-secret-store.h"
#include "gh-test-seccomp.h"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
unique_ring (void)
{
  return g_strdup_printf ("gatehouse-test:%d:%u:%s", (int) getpid (), g_random_int (),
                          g_test_get_path ());
}

/* Whether this process may use keyctl at all: probed by hand, not through the unit */
static gboolean
kernel_keyring_usable (void)
{
  if (syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0) < 0)
    {
      g_autofree char *why = g_strdup_printf ("no kernel keyring here: %s", g_strerror (errno));

      g_test_skip (why);
      return FALSE;
    }
  return TRUE;
}

/* The expiry /proc/keys shows for the key of that description ("perm" when none, "expd"
 * when past), or NULL when it is not listed. */
static char *
proc_keys_expiry (const char *description)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/keys", &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (lines[i], " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();
      g_autofree char *suffix = g_strconcat (" ", description, ": ", NULL);

      if (strstr (lines[i], suffix) == NULL)
        continue;
      for (guint j = 0; fields[j] != NULL; j++)
        if (fields[j][0] != '\0')
          g_ptr_array_add (words, fields[j]);
      /* serial flags usage expiry perm uid gid type description: summary */
      if (words->len > 3)
        return g_strdup (g_ptr_array_index (words, 3));
    }
  return NULL;
}

static void
test_round_trip (void)
{
  g_autofree char *ring = unique_ring ();
  char *secret;

  if (!kernel_keyring_usable ())
    return;

  g_assert_null (gh_kernel_keyring_lookup (ring, "111111111111/ReadOnly"));
  g_assert_true (gh_kernel_keyring_store (ring, "111111111111/ReadOnly", "first\nsecret",
                                          now_seconds () + 3600));
  secret = gh_kernel_keyring_lookup (ring, "111111111111/ReadOnly");
  g_assert_cmpstr (secret, ==, "first\nsecret");
  gh_secret_free (secret);

  /* Replaced in place */
  g_assert_true (gh_kernel_keyring_store (ring, "111111111111/ReadOnly", "second",
                                          now_seconds () + 3600));
  secret = gh_kernel_keyring_lookup (ring, "111111111111/ReadOnly");
  g_assert_cmpstr (secret, ==, "second");
  gh_secret_free (secret);

  /* Names are exact */
  g_assert_null (gh_kernel_keyring_lookup (ring, "111111111111/Read"));
  g_assert_null (gh_kernel_keyring_lookup (ring, "111111111111/ReadOnlyX"));

  gh_kernel_keyring_clear (ring);
  g_assert_null (gh_kernel_keyring_lookup (ring, "111111111111/ReadOnly"));
}

/* A key the size of real credentials, and one larger than the first read's buffer */
static void
test_large (void)
{
  g_autofree char *ring = unique_ring ();
  g_autofree char *token = NULL;
  char *secret;

  if (!kernel_keyring_usable ())
    return;

  token = g_strnfill (9000, 'T');
  g_assert_true (gh_kernel_keyring_store (ring, "big", token, now_seconds () + 60));
  secret = gh_kernel_keyring_lookup (ring, "big");
  g_assert_cmpstr (secret, ==, token);
  gh_secret_free (secret);

  gh_kernel_keyring_clear (ring);
}

/* Keys expire with what they hold; nothing expired or empty is stored */
static void
test_expiry (void)
{
  g_autofree char *ring = unique_ring ();
  g_autofree char *expiry = NULL;

  if (!kernel_keyring_usable ())
    return;

  g_assert_false (gh_kernel_keyring_store (ring, "past", "x", now_seconds () - 1));
  g_assert_false (gh_kernel_keyring_store (ring, "now", "x", now_seconds ()));
  g_assert_false (gh_kernel_keyring_store (ring, "empty", "", now_seconds () + 60));
  g_assert_null (gh_kernel_keyring_lookup (ring, "past"));
  g_assert_null (gh_kernel_keyring_lookup (ring, "empty"));

  g_assert_true (gh_kernel_keyring_store (ring, "hour", "x", now_seconds () + 3600));
  if (g_file_test ("/proc/keys", G_FILE_TEST_EXISTS))
    {
      /* "1h" from 3600 s left, "59m" from a moment less */
      expiry = proc_keys_expiry ("hour");
      g_assert_nonnull (expiry);
      g_assert_true (g_str_equal (expiry, "1h") || g_str_equal (expiry, "59m"));
    }
  else
    g_test_message ("No /proc/keys (CONFIG_KEYS_DEBUG_PROC_KEYS): the timeout is not checked");

  gh_kernel_keyring_clear (ring);
}

/* Removing one key leaves the others; removing or clearing what is not there is fine */
static void
test_remove (void)
{
  g_autofree char *ring = unique_ring ();
  g_autofree char *other_ring = unique_ring ();
  char *secret;

  if (!kernel_keyring_usable ())
    return;

  gh_kernel_keyring_remove (ring, "a");
  gh_kernel_keyring_clear (ring);

  g_assert_true (gh_kernel_keyring_store (ring, "a", "A", now_seconds () + 60));
  g_assert_true (gh_kernel_keyring_store (ring, "b", "B", now_seconds () + 60));
  g_assert_true (gh_kernel_keyring_store (other_ring, "a", "other A", now_seconds () + 60));

  gh_kernel_keyring_remove (ring, "a");
  g_assert_null (gh_kernel_keyring_lookup (ring, "a"));
  secret = gh_kernel_keyring_lookup (ring, "b");
  g_assert_cmpstr (secret, ==, "B");
  gh_secret_free (secret);

  /* Clearing one ring leaves another's keys of the same name */
  gh_kernel_keyring_clear (ring);
  g_assert_null (gh_kernel_keyring_lookup (ring, "b"));
  secret = gh_kernel_keyring_lookup (other_ring, "a");
  g_assert_cmpstr (secret, ==, "other A");
  gh_secret_free (secret);

  /* A new ring of the old name starts empty */
  g_assert_true (gh_kernel_keyring_store (ring, "c", "C", now_seconds () + 60));
  g_assert_null (gh_kernel_keyring_lookup (ring, "b"));

  gh_kernel_keyring_clear (ring);
  gh_kernel_keyring_clear (other_ring);
}

/* GATEHOUSE_KERNEL_KEYRING=0 turns it off: read once per process, so in a child */
static void
test_turned_off (void)
{
  if (!kernel_keyring_usable ())
    return;

  if (g_test_subprocess ())
    {
      g_autofree char *ring = unique_ring ();

      g_setenv ("GATEHOUSE_KERNEL_KEYRING", "0", TRUE);
      g_assert_false (gh_kernel_keyring_store (ring, "a", "A", now_seconds () + 60));
      g_assert_null (gh_kernel_keyring_lookup (ring, "a"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Whether this process reads the key @name of @ring by hand, without linking anything: it
 * possesses the user keyring through its session keyring */
static gboolean
readable_by_hand (const char *ring,
                  const char *name)
{
  long ring_id = syscall (SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "keyring", ring, 0);
  long key_id = ring_id < 0 ? -1 : syscall (SYS_keyctl, KEYCTL_SEARCH, ring_id, "user", name, 0);
  char buffer[64];

  return key_id >= 0 && syscall (SYS_keyctl, KEYCTL_READ, key_id, buffer, sizeof buffer) >= 0;
}

static gboolean
has_process_keyring (void)
{
  return syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 0) >= 0;
}

/* Whether this process's session keyring (a desktop session's, or the user's default one)
 * reaches the user keyring, as its processes then possess it */
static gboolean
session_reaches_user_keyring (void)
{
  g_autofree char *user_keyring = g_strdup_printf ("_uid.%u", (guint) getuid ());

  return syscall (SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "keyring",
                  user_keyring, 0) >= 0;
}

/* Stores "a" in a ring of its own and runs the test's subprocess with the ring's name */
static void
run_with_stored_key (const char *test_path)
{
  g_autofree char *ring = unique_ring ();

  g_assert_true (gh_kernel_keyring_store (ring, "a", "A", now_seconds () + 60));
  g_setenv ("GH_TEST_RING", ring, TRUE);
  g_test_trap_subprocess (test_path, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("GH_TEST_RING");
  gh_kernel_keyring_clear (ring);
  g_test_trap_assert_passed ();
}

/* A process whose session keyring reaches the user keyring (a desktop session's, made by
 * pam_keyinit) reads a copy without linking the user keyring into a process keyring: that
 * link is the costliest call of a lookup. */
static void
test_lookup_without_link (void)
{
  if (!kernel_keyring_usable ())
    return;

  if (g_test_subprocess ())
    {
      const char *ring = g_getenv ("GH_TEST_RING");
      char *secret;

      g_assert_false (has_process_keyring ());
      g_assert_true (readable_by_hand (ring, "a"));
      secret = gh_kernel_keyring_lookup (ring, "a");
      g_assert_cmpstr (secret, ==, "A");
      gh_secret_free (secret);
      g_assert_false (has_process_keyring ());
      return;
    }

  if (!session_reaches_user_keyring ())
    {
      g_test_skip ("this session's keyring does not reach the user keyring");
      return;
    }
  run_with_stored_key ("/kernel-keyring/lookup-without-link");
}

/* A session keyring that does not reach the user keyring (`keyctl new_session`, containers):
 * the lookup links it and reads the copy all the same */
static void
test_lookup_in_new_session (void)
{
  if (!kernel_keyring_usable ())
    return;

  if (g_test_subprocess ())
    {
      const char *ring = g_getenv ("GH_TEST_RING");
      char *secret;

      g_assert_cmpint (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL), >=, 0);
      g_assert_false (readable_by_hand (ring, "a"));
      secret = gh_kernel_keyring_lookup (ring, "a");
      g_assert_cmpstr (secret, ==, "A");
      gh_secret_free (secret);
      g_assert_true (has_process_keyring ());
      return;
    }

  run_with_stored_key ("/kernel-keyring/lookup-in-new-session");
}

/* Where the kernel refuses keyctl (Flatpak, Docker): every call fails quietly */
static void
test_refused (void)
{
  if (!kernel_keyring_usable ())
    return;

  if (g_test_subprocess ())
    {
      g_autofree char *ring = unique_ring ();

      gh_test_refuse_kernel_keyring ();
      g_assert_false (gh_kernel_keyring_store (ring, "a", "A", now_seconds () + 60));
      g_assert_null (gh_kernel_keyring_lookup (ring, "a"));
      gh_kernel_keyring_remove (ring, "a");
      gh_kernel_keyring_clear (ring);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kernel-keyring/round-trip", test_round_trip);
  g_test_add_func ("/kernel-keyring/large", test_large);
  g_test_add_func ("/kernel-keyring/expiry", test_expiry);
  g_test_add_func ("/kernel-keyring/remove", test_remove);
  g_test_add_func ("/kernel-keyring/turned-off", test_turned_off);
  g_test_add_func ("/kernel-keyring/lookup-without-link", test_lookup_without_link);
  g_test_add_func ("/kernel-keyring/lookup-in-new-session", test_lookup_in_new_session);
  g_test_add_func ("/kernel-keyring/refused", test_refused);

  return g_test_run ();
}
