/* gh-text-diff.h — a unified diff of two texts, as `diff -u` shows it */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The changes from @old_text to @new_text as a unified diff with three lines of context:
 * "--- @old_label" and "+++ @new_label", then the hunks, every line ending in "\n". "" when
 * both texts have the same lines. Lines end at "\n", "\r\n" or "\r"; the endings themselves
 * are not compared, so texts that differ only in them give "". */
char *gh_text_diff_unified (const char *old_label,
                            const char *old_text,
                            gsize       old_length,
                            const char *new_label,
                            const char *new_text,
                            gsize       new_length);

G_END_DECLS
