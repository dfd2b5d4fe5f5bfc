/* gh-test-util.h — small file helpers shared by the unit tests */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The whole file; fails the test if it cannot be read. `length` may be NULL. */
char *gh_test_read_file  (const char *path,
                          gsize      *length);
/* Writes `contents` (`length` bytes, or up to the NUL with -1), making the parent directories
 * first; fails the test on error. */
void  gh_test_write_file (const char *path,
                          const char *contents,
                          gssize      length);

G_END_DECLS
