/* gh-random.h — unguessable tokens from the kernel's CSPRNG (getrandom) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @n_bytes random bytes as unpadded base64url ([A-Za-z0-9_-], ⌈4n/3⌉ characters), for URLs
 * and HTTP headers. The bytes are wiped; free the result with gh_secret_free() when it guards
 * something. NULL and GH_ERROR_FAILED only if the kernel cannot give random numbers. */
char *gh_random_token (gsize    n_bytes,
                       GError **error);

G_END_DECLS
