/* test-fuzz-regressions.c — every input a fuzzer ever failed on (tests/fuzz/regressions/), and
 * the seed corpora, through the fuzzers' own oracles: what the fuzzers found stays fixed in
 * every build, sanitized or not, with or without clang. */
#include "config.h"

#include "fuzz-oracle.h"

typedef void (*Oracle) (const guint8 *data,
                        gsize         size);

typedef struct
{
  const char *name;      /* in the test path */
  const char *dir;       /* under tests/ */
  Oracle      oracle;
} InputSet;

static const InputSet input_sets[] = {
  { "ini/regressions", "fuzz/regressions/ini", gh_fuzz_ini_check },
  { "ini/corpus", "data/ini", gh_fuzz_ini_check },
  { "json/regressions", "fuzz/regressions/json", gh_fuzz_json_check },
  { "json/corpus", "fuzz/corpus/json", gh_fuzz_json_check },
};

typedef struct
{
  char   *path;
  Oracle  oracle;
} Input;

static void
input_free (gpointer data)
{
  Input *input = data;

  g_free (input->path);
  g_free (input);
}

static void
test_input (gconstpointer data)
{
  const Input *input = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (input->path, &contents, &length, &error);
  g_assert_no_error (error);
  input->oracle ((const guint8 *) contents, length);
}

/* The files of @set, sorted, each as a test of its own */
static guint
add_input_set (const InputSet *set,
               GPtrArray      *inputs)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, set->dir, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/fuzz/%s/%s", set->name, file);
      Input *input = g_new0 (Input, 1);

      input->path = g_build_filename (dir_path, file, NULL);
      input->oracle = set->oracle;
      g_ptr_array_add (inputs, input);
      g_test_add_data_func (test_path, input, test_input);
    }

  return names->len;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (input_free);
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* An empty set means a wrong path, not a clean record */
  for (guint i = 0; i < G_N_ELEMENTS (input_sets); i++)
    g_assert_cmpuint (add_input_set (&input_sets[i], inputs), >, 0);

  ret = g_test_run ();
  return ret;
}
