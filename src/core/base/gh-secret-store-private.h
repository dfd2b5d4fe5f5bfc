/* gh-secret-store-private.h — what gh-secret-store.c's tests look at */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The kernel keyring that holds the fast copies of a sign-in's role credentials (keys named
 * "ACCOUNT/ROLE", payload "START_URL\nSECRET"); NULL without a session bus address. */
char *gh_secret_store_fast_ring_name (const char *session_name);

G_END_DECLS
