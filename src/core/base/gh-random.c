/* gh-random.c — unguessable tokens from the kernel's CSPRNG */
#define G_LOG_DOMAIN "gh-random"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n.h>

#include "gh-error.h"
#include "gh-random.h"

static gboolean
fill_random (guchar  *bytes,
             gsize    n_bytes,
             GError **error)
{
  gsize filled = 0;

  while (filled < n_bytes)
    {
      ssize_t n = getrandom (bytes + filled, n_bytes - filled, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, GH_ERROR, GH_ERROR_FAILED, _("Cannot get random numbers: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      filled += n;
    }
  return TRUE;
}

char *
gh_random_token (gsize    n_bytes,
                 GError **error)
{
  g_autofree guchar *bytes = NULL;
  char *token;
  char *out;

  g_return_val_if_fail (n_bytes > 0 && n_bytes <= 1024, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_malloc (n_bytes);
  if (!fill_random (bytes, n_bytes, error))
    {
      explicit_bzero (bytes, n_bytes);
      return NULL;
    }

  token = g_base64_encode (bytes, n_bytes);
  explicit_bzero (bytes, n_bytes);

  /* base64 → base64url in place, without the padding. */
  out = token;
  for (const char *c = token; *c != '\0' && *c != '='; c++)
    *out++ = *c == '+' ? '-' : *c == '/' ? '_' : *c;
  explicit_bzero (out, strlen (out));
  return token;
}
