/* fuzz-oracle.h — what the fuzz targets check, shared by the libFuzzer targets (fuzz-ini.c,
 * fuzz-json.c) and the regression test that replays their findings in every build
 * (test-fuzz-regressions.c).
 *
 * Each oracle takes one input as libFuzzer hands it over and aborts (a GLib assertion) when
 * the code under test breaks one of its promises; it returns normally otherwise. Criticals and
 * warnings must be fatal in the caller (g_test_init does that; the fuzz targets set it).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An INI document, optionally followed by a NUL byte and an edit script (see fuzz-ini-oracle.c
 * for its encoding; without one, edits are drawn from a generator seeded by the document). */
void gh_fuzz_ini_check  (const guint8 *data,
                         gsize         size);

/* Any bytes, given to every decoder of AWS replies and of the JSON files Gatehouse reads. */
void gh_fuzz_json_check (const guint8 *data,
                         gsize         size);

G_END_DECLS
