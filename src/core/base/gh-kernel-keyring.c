/* gh-kernel-keyring.c — short-lived secrets in the Linux kernel's key retention service
 *
 * keyrings(7): keys of type "user" hold up to 32 KB each in kernel memory, which is never
 * swapped out and goes with the user's last process (or the key's timeout). Raw system calls
 * rather than libkeyutils, which would be one more library for four calls.
 *
 * Possession: a key's possessor may read it, other processes of the user only see it. A
 * process possesses what it reaches from its own keyrings; the user keyring is reachable from
 * a desktop session's keyring (pam_keyinit), but not from a container's or from one made with
 * `keyctl new_session`. So every process first links the user keyring into its own process
 * keyring, which lives and dies with the process: everything below the user keyring is then
 * possessed, and the keys keep the kernel's default permissions (possessor: all; user: view).
 *
 * Every failure is quiet (a g_debug without the secret): the caller has a store of record.
 * What fails where: Flatpak's and Docker's seccomp filters refuse add_key and keyctl (EPERM,
 * ENOSYS); a user over the key quota (kernel.keys.maxbytes, 20000 bytes per user by default:
 * about fifteen role credentials) gets EDQUOT.
 */
#define G_LOG_DOMAIN "gh-kernel-keyring"

#include "config.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gh-kernel-keyring.h"

typedef gint32 KeySerial;

/* "user" keys hold at most this much */
#define MAX_PAYLOAD 32767

static KeySerial
add_key (const char *type,
         const char *description,
         const void *payload,
         gsize       length,
         KeySerial   keyring)
{
  return (KeySerial) syscall (SYS_add_key, type, description, payload, length, keyring);
}

static long
keyctl (int           operation,
        unsigned long arg2,
        unsigned long arg3,
        unsigned long arg4,
        unsigned long arg5)
{
  return syscall (SYS_keyctl, operation, arg2, arg3, arg4, arg5);
}

/* Whether the copy is wanted at all: GATEHOUSE_KERNEL_KEYRING=0 turns it off */
static gboolean
kernel_keyring_wanted (void)
{
  static gsize done = 0;
  static gboolean wanted = FALSE;

  if (g_once_init_enter (&done))
    {
      wanted = g_strcmp0 (g_getenv ("GATEHOUSE_KERNEL_KEYRING"), "0") != 0;
      if (!wanted)
        g_debug ("Not used: GATEHOUSE_KERNEL_KEYRING=0");
      g_once_init_leave (&done, 1);
    }

  return wanted;
}

/* Links the user keyring into this process's keyring (created on demand), once; FALSE when the
 * kernel keyring cannot be used here. */
static gboolean
possess_user_keyring (void)
{
  static gsize done = 0;
  static gboolean usable = FALSE;

  if (g_once_init_enter (&done))
    {
      if (!kernel_keyring_wanted ())
        ;
      else if (keyctl (KEYCTL_LINK, (unsigned long) KEY_SPEC_USER_KEYRING,
                       (unsigned long) KEY_SPEC_PROCESS_KEYRING, 0, 0) < 0)
        g_debug ("The kernel keyring cannot be used: %s", g_strerror (errno));
      else
        usable = TRUE;
      g_once_init_leave (&done, 1);
    }

  return usable;
}

static KeySerial
find_ring (const char *ring)
{
  if (!possess_user_keyring ())
    return -1;
  return (KeySerial) keyctl (KEYCTL_SEARCH, (unsigned long) KEY_SPEC_USER_KEYRING,
                             (unsigned long) "keyring", (unsigned long) ring, 0);
}

static KeySerial
find_key (KeySerial   ring_id,
          const char *name)
{
  return (KeySerial) keyctl (KEYCTL_SEARCH, (unsigned long) ring_id, (unsigned long) "user",
                             (unsigned long) name, 0);
}

gboolean
gh_kernel_keyring_store (const char *ring,
                         const char *name,
                         const char *secret,
                         gint64      expires_at)
{
  gint64 lifetime = expires_at - g_get_real_time () / G_USEC_PER_SEC;
  gsize length;
  KeySerial ring_id;
  KeySerial key_id;

  g_return_val_if_fail (ring != NULL && name != NULL && secret != NULL, FALSE);

  length = strlen (secret);
  if (lifetime <= 0 || lifetime > G_MAXUINT32 || length == 0 || length > MAX_PAYLOAD)
    return FALSE;

  if ((ring_id = find_ring (ring)) < 0)
    {
      if (!possess_user_keyring ())
        return FALSE;
      /* Only when missing: add_key() would replace a keyring of the same name, dropping the
       * keys another process just put in it */
      ring_id = add_key ("keyring", ring, NULL, 0, KEY_SPEC_USER_KEYRING);
      if (ring_id < 0)
        {
          g_debug ("Cannot create keyring %s: %s", ring, g_strerror (errno));
          return FALSE;
        }
    }

  /* Replaces the payload of a key of that name in place */
  key_id = add_key ("user", name, secret, length, ring_id);
  if (key_id < 0)
    {
      g_debug ("Cannot store %s in %s: %s", name, ring, g_strerror (errno));
      return FALSE;
    }

  if (keyctl (KEYCTL_SET_TIMEOUT, (unsigned long) key_id, (unsigned long) lifetime, 0, 0) < 0)
    {
      /* A copy that would outlive the secret's validity is not kept */
      g_debug ("Cannot set the timeout of %s: %s", name, g_strerror (errno));
      keyctl (KEYCTL_INVALIDATE, (unsigned long) key_id, 0, 0, 0);
      return FALSE;
    }

  return TRUE;
}

/* The key's payload, NULL when it cannot be read (errno says why) */
static char *
read_key (const char *ring,
          const char *name)
{
  KeySerial ring_id;
  KeySerial key_id;
  gsize size = 4096;

  ring_id = (KeySerial) keyctl (KEYCTL_SEARCH, (unsigned long) KEY_SPEC_USER_KEYRING,
                                (unsigned long) "keyring", (unsigned long) ring, 0);
  if (ring_id < 0 || (key_id = find_key (ring_id, name)) < 0)
    return NULL;

  for (;;)
    {
      char *buffer = g_malloc (size + 1);
      long length = keyctl (KEYCTL_READ, (unsigned long) key_id, (unsigned long) buffer, size,
                            0);
      int saved_errno = errno;

      if (length >= 0 && (gsize) length <= size)
        {
          buffer[length] = '\0';
          /* A payload with a NUL in it is none of ours */
          if (strlen (buffer) == (gsize) length)
            return buffer;
        }

      explicit_bzero (buffer, size + 1);
      g_free (buffer);
      if (length < 0 || (gsize) length <= size || length > MAX_PAYLOAD)
        {
          if (length < 0)
            g_debug ("Cannot read %s: %s", name, g_strerror (saved_errno));
          errno = length < 0 ? saved_errno : EINVAL;
          return NULL;
        }
      /* It grew between the two calls: read again with the size it has now */
      size = length;
    }
}

/* A desktop session's keyring (pam_keyinit) reaches the user keyring, so its processes possess
 * what is below it already: the lookup tries that first, as the link into the process keyring
 * is the costliest call here (the kernel checks the whole user keyring for a cycle), and links
 * only when refused. */
char *
gh_kernel_keyring_lookup (const char *ring,
                          const char *name)
{
  char *secret;

  g_return_val_if_fail (ring != NULL && name != NULL, NULL);

  if (!kernel_keyring_wanted ())
    return NULL;
  if ((secret = read_key (ring, name)) != NULL)
    return secret;
  if (errno != EACCES || !possess_user_keyring ())
    return NULL;
  return read_key (ring, name);
}

void
gh_kernel_keyring_remove (const char *ring,
                          const char *name)
{
  KeySerial ring_id;
  KeySerial key_id;

  g_return_if_fail (ring != NULL && name != NULL);

  if ((ring_id = find_ring (ring)) < 0 || (key_id = find_key (ring_id, name)) < 0)
    return;

  /* Invalidated keys are gone for every search at once; unlinking is the fallback */
  if (keyctl (KEYCTL_INVALIDATE, (unsigned long) key_id, 0, 0, 0) < 0)
    keyctl (KEYCTL_UNLINK, (unsigned long) key_id, (unsigned long) ring_id, 0, 0);
}

void
gh_kernel_keyring_clear (const char *ring)
{
  KeySerial ring_id;

  g_return_if_fail (ring != NULL);

  if ((ring_id = find_ring (ring)) < 0)
    return;

  /* Unlinked at once, then the ring itself goes */
  keyctl (KEYCTL_CLEAR, (unsigned long) ring_id, 0, 0, 0);
  if (keyctl (KEYCTL_INVALIDATE, (unsigned long) ring_id, 0, 0, 0) < 0)
    keyctl (KEYCTL_UNLINK, (unsigned long) ring_id, (unsigned long) KEY_SPEC_USER_KEYRING, 0, 0);
}
