/* gh-test-keyring.h — a throw-away default keyring that tests can lock and unlock
 *
 * The collection is made with gnome-keyring's master-password interface, so the tests can
 * unlock it again without a prompt and without knowing the password of the environment's login
 * keyring. While it exists it is the "default" alias: everything Gatehouse stores goes there,
 * in the test process and in any `gatehouse` it runs on the same bus.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

typedef struct
{
  SecretService    *service;           /* the process's shared service, as gh-secret-store's */
  GDBusConnection  *bus;
  SecretCollection *original_default;  /* restored by teardown */
  SecretCollection *collection;        /* the throw-away one, now the default */
} GhTestKeyring;

/* Fixture functions, usable directly with g_test_add(). */
void           gh_test_keyring_setup           (GhTestKeyring *keyring,
                                                gconstpointer  data);
void           gh_test_keyring_teardown        (GhTestKeyring *keyring,
                                                gconstpointer  data);

/* Locks through libsecret and waits until the collection's cached Locked property agrees. */
void           gh_test_keyring_lock            (GhTestKeyring *keyring);
/* Unlocks with the master password, without a prompt, and waits likewise. */
void           gh_test_keyring_unlock          (GhTestKeyring *keyring);
/* Until the collection's cached Locked property catches up (PropertiesChanged); fails the
 * test after 5 s. */
void           gh_test_keyring_wait_for_locked (GhTestKeyring *keyring,
                                                gboolean       locked);

/* The keyring items (SecretItem, in any collection) holding role credentials of this sign-in,
 * account and role. */
GList         *gh_test_keyring_find_role_credentials  (const char *name,
                                                       const char *account_id,
                                                       const char *role_name);
guint          gh_test_keyring_count_role_credentials (const char *name,
                                                       const char *account_id,
                                                       const char *role_name);

G_END_DECLS
