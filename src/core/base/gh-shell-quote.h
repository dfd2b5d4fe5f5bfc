/* gh-shell-quote.h — POSIX shell words as Python's shlex writes and reads them
 *
 * The AWS CLI quotes names in config-file headers with shlex.quote and botocore splits the
 * headers with shlex.split; Gatehouse does the same so the files mean the same to both.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* shlex.quote: the text unchanged when it holds only [A-Za-z0-9_@%+=:,./-], else in single
 * quotes (a ' inside written as '"'"'); "''" for the empty text. */
char  *gh_shell_quote  (const char *text);
/* shlex.split in POSIX mode without comments: the words of @text, quotes and backslashes
 * removed. NULL on an unclosed quote or a trailing backslash, where shlex raises ValueError. */
GStrv  gh_shell_split  (const char *text);

G_END_DECLS
