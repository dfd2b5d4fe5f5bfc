/* gh-kernel-keyring.h — short-lived secrets in the Linux kernel's key retention service
 *
 * A memory-only copy, per user, that a process reads with two system calls instead of a Secret
 * Service round trip over D-Bus. Keys are grouped in keyrings (one per Gatehouse sign-in) in
 * the user keyring, expire by themselves, and are never written to disk. Where the kernel
 * refuses (a seccomp filter, as in Flatpak and Docker, or the user's key quota is full), every
 * call fails quietly and the caller falls back to its store of record.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stores @secret as @name in the keyring @ring (created when missing), replacing any key of
 * that name, until @expires_at (unix seconds). FALSE when the kernel refused; nothing else to
 * do then. */
gboolean  gh_kernel_keyring_store  (const char *ring,
                                    const char *name,
                                    const char *secret,
                                    gint64      expires_at);
/* The secret, or NULL when there is none (or no kernel keyring). Free with gh_secret_free(). */
char     *gh_kernel_keyring_lookup (const char *ring,
                                    const char *name);
/* Drops one key; no key is not an error. */
void      gh_kernel_keyring_remove (const char *ring,
                                    const char *name);
/* Drops the keyring and every key in it. */
void      gh_kernel_keyring_clear  (const char *ring);

G_END_DECLS
