/* fuzz-target.c — the libFuzzer entry points, built once per oracle (GH_FUZZ_ORACLE names it:
 * fuzz-ini runs gh_fuzz_ini_check, fuzz-json gh_fuzz_json_check). See tests/README.md. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz-oracle.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* As under g_test_init (): a critical or a warning is a finding, not noise */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  /* Error messages are built with _(): keep them in the C locale, as the tests do */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GH_FUZZ_ORACLE (data, size);
  return 0;
}
