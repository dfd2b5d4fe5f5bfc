/* fuzz-ini-oracle.c — what GhIni promises, checked on any input
 *
 * Input: DOCUMENT, optionally followed by a NUL byte and an edit SCRIPT. A document that is not
 * UTF-8 (or holds a NUL) must be refused with GH_ERROR_CONFIG; any other one must:
 *
 *  - write back byte for byte as it was read;
 *  - loaded partially (gh_ini_load_take_data_filtered()), read its kept sections as the reader
 *    reads them in the whole text;
 *  - read as an independent, deliberately naive reader (below) reads it: the same headers in
 *    the same order, the same keys and values per section (configparser's rules as gh-ini.c
 *    documents them, docs/aws-protocols.md §4.2), the same comment lines above the headers;
 *  - and after every edit of the script (or, without one, of edits drawn from a generator
 *    seeded by the document) still read as that reader reads the new text, with only what the
 *    edit promises changed: setting a key in S changes no other section (not a byte of their
 *    lines) and reads back the value; removing a key removes exactly that key; adding a section
 *    appends it; removing a section or one occurrence of it leaves the other sections as they
 *    were, and so on.
 *
 * SCRIPT bytes are read as a stream: per edit, one byte picks the kind, then bytes pick the
 * section (an existing header, or a name from a list of awkward ones, or raw bytes), the key,
 * the value, the comment or the occurrence. See read_edit().
 */
#include "config.h"

#include <string.h>

#include "gh-error.h"
#include "gh-ini.h"

#include "fuzz-oracle.h"

#define MAX_EDITS 12

#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\v' || (c) == '\f' || (c) == '\r' || \
                     (c) == '\n')

/* ---- a naive reader ------------------------------------------------------------------------ */

/* The lines from one header to the next (the first block holds the lines before any header) */
typedef struct
{
  char       *name;      /* NULL for the lines before the first header */
  gsize       start;     /* byte range in the document */
  gsize       end;
  char       *comment;   /* the comment line directly above the header, stripped */
  GPtrArray  *keys;      /* lower-cased, in order of first appearance */
  GHashTable *values;    /* key → value */
} Block;

/* Every occurrence of one header merged, as configparser merges them with strict=False */
typedef struct
{
  GPtrArray  *keys;
  GHashTable *values;
} Merged;

typedef struct
{
  char       *text;
  gsize       length;
  GPtrArray  *blocks;    /* Block */
  GPtrArray  *headers;   /* char *, owned by the blocks: every header in file order */
  GPtrArray  *sections;  /* char *, each header text once, in order of first appearance */
  GHashTable *merged;    /* header text → Merged */
} Doc;

static void
block_free (gpointer data)
{
  Block *block = data;

  g_free (block->name);
  g_free (block->comment);
  g_ptr_array_unref (block->keys);
  g_hash_table_unref (block->values);
  g_free (block);
}

static Block *
block_new (const char *name,
           gsize       start,
           const char *comment)
{
  Block *block = g_new0 (Block, 1);

  block->name = g_strdup (name);
  block->start = start;
  block->comment = g_strdup (comment);
  block->keys = g_ptr_array_new_with_free_func (g_free);
  block->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return block;
}

static void
merged_free (gpointer data)
{
  Merged *merged = data;

  g_ptr_array_unref (merged->keys);
  g_hash_table_unref (merged->values);
  g_free (merged);
}

static void
doc_free (Doc *doc)
{
  g_free (doc->text);
  g_ptr_array_unref (doc->headers);
  g_ptr_array_unref (doc->sections);
  g_hash_table_unref (doc->merged);
  g_ptr_array_unref (doc->blocks);
  g_free (doc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Doc, doc_free)

static char *
strip_dup (const char *text,
           gsize       length)
{
  gsize start = 0;

  while (start < length && IS_SPACE (text[start]))
    start++;
  while (length > start && IS_SPACE (text[length - 1]))
    length--;
  return g_strndup (text + start, length - start);
}

static gboolean
ptr_array_has_string (GPtrArray  *array,
                      const char *text)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), text))
      return TRUE;
  return FALSE;
}

/* Ends the value being read: its lines joined with '\n', trailing whitespace removed */
static void
finish_value (Block     *block,
              char     **key,
              GString  **value)
{
  if (*key == NULL)
    return;

  while ((*value)->len > 0 && IS_SPACE ((*value)->str[(*value)->len - 1]))
    g_string_truncate (*value, (*value)->len - 1);
  g_hash_table_insert (block->values, g_steal_pointer (key),
                       g_string_free (g_steal_pointer (value), FALSE));
}

static void
merge_block (Doc   *doc,
             Block *block)
{
  Merged *merged = g_hash_table_lookup (doc->merged, block->name);

  g_ptr_array_add (doc->headers, block->name);
  if (merged == NULL)
    {
      merged = g_new0 (Merged, 1);
      merged->keys = g_ptr_array_new_with_free_func (g_free);
      merged->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (doc->merged, block->name, merged);
      g_ptr_array_add (doc->sections, block->name);
    }

  for (guint i = 0; i < block->keys->len; i++)
    {
      const char *key = g_ptr_array_index (block->keys, i);

      if (!ptr_array_has_string (merged->keys, key))
        g_ptr_array_add (merged->keys, g_strdup (key));
      g_hash_table_insert (merged->values, g_strdup (key),
                           g_strdup (g_hash_table_lookup (block->values, key)));
    }
}

/* configparser's line loop, written as plainly as possible: no incremental state, no index */
static Doc *
doc_read (const char *text,
          gsize       length)
{
  g_autoptr(Doc) doc = g_new0 (Doc, 1);
  g_autofree char *comment_above = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GString) value = NULL;
  Block *block;
  gsize indent_level = G_MAXSIZE;
  gsize pos = 0;

  doc->text = g_strndup (text, length);
  doc->length = length;
  doc->blocks = g_ptr_array_new_with_free_func (block_free);
  doc->headers = g_ptr_array_new ();
  doc->sections = g_ptr_array_new ();
  doc->merged = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, merged_free);

  block = block_new (NULL, 0, NULL);
  g_ptr_array_add (doc->blocks, block);

  while (pos < length)
    {
      gsize line_start = pos;
      gsize line_end = pos;
      const char *line;
      gsize line_length;
      gsize indent = 0;
      g_autofree char *stripped = NULL;

      while (line_end < length && text[line_end] != '\n' && text[line_end] != '\r')
        line_end++;
      pos = line_end;
      if (pos < length && text[pos] == '\r' && pos + 1 < length && text[pos + 1] == '\n')
        pos += 2;
      else if (pos < length)
        pos++;

      line = text + line_start;
      line_length = line_end - line_start;
      if (line_start == 0 && line_length >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
        {
          line += 3;
          line_length -= 3;
        }

      while (indent < line_length && IS_SPACE (line[indent]))
        indent++;
      stripped = strip_dup (line, line_length);

      if (stripped[0] == '#' || stripped[0] == ';')
        {
          g_free (comment_above);
          comment_above = g_steal_pointer (&stripped);
          continue;
        }

      if (stripped[0] == '\0')
        {
          if (key != NULL)
            g_string_append_c (value, '\n');
        }
      else if (key != NULL && indent > indent_level)
        {
          g_string_append_c (value, '\n');
          g_string_append (value, stripped);
        }
      else
        {
          const char *close = strrchr (stripped, ']');

          indent_level = indent;
          if (stripped[0] == '[' && close != NULL && close > stripped + 1)
            {
              g_autofree char *name = strip_dup (stripped + 1, close - stripped - 1);

              finish_value (block, &key, &value);
              block->end = line_start;
              block = block_new (name, line_start, comment_above);
              g_ptr_array_add (doc->blocks, block);
            }
          else if (block->name != NULL)
            {
              gsize delim = strcspn (stripped, "=:");
              g_autofree char *raw_key = strip_dup (stripped, delim);

              if (stripped[delim] != '\0' && raw_key[0] != '\0')
                {
                  finish_value (block, &key, &value);
                  g_autofree char *first = strip_dup (stripped + delim + 1,
                                                      strlen (stripped + delim + 1));

                  key = g_utf8_strdown (raw_key, -1);
                  value = g_string_new (first);
                  if (!ptr_array_has_string (block->keys, key))
                    g_ptr_array_add (block->keys, g_strdup (key));
                }
            }
        }

      g_clear_pointer (&comment_above, g_free);
    }

  finish_value (block, &key, &value);
  block->end = length;

  for (guint i = 1; i < doc->blocks->len; i++)
    merge_block (doc, g_ptr_array_index (doc->blocks, i));

  return g_steal_pointer (&doc);
}

static Merged *
doc_lookup (Doc        *doc,
            const char *section)
{
  return g_hash_table_lookup (doc->merged, section);
}

static guint
doc_count_headers (Doc        *doc,
                   const char *section)
{
  guint n = 0;

  for (guint i = 0; i < doc->headers->len; i++)
    n += g_str_equal (g_ptr_array_index (doc->headers, i), section);
  return n;
}

/* ---- GhIni against the reader ---------------------------------------------------------- */

static void
assert_strv_is_array (char      **strv,
                      GPtrArray  *array)
{
  g_assert_cmpuint (g_strv_length (strv), ==, array->len);
  for (guint i = 0; i < array->len; i++)
    g_assert_cmpstr (strv[i], ==, g_ptr_array_index (array, i));
}

static void
assert_reads_as (GhIni *ini,
                 Doc   *doc)
{
  g_auto(GStrv) headers = gh_ini_get_headers (ini);
  g_auto(GStrv) sections = gh_ini_get_sections (ini);
  g_autoptr(GHashTable) occurrences = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) absent_keys = gh_ini_get_keys (ini, "\x01 absent");
  g_autofree char *absent_value = gh_ini_get_value (ini, "\x01 absent", "k");

  assert_strv_is_array (headers, doc->headers);
  assert_strv_is_array (sections, doc->sections);
  g_assert_false (gh_ini_has_section (ini, "\x01 absent"));
  g_assert_cmpuint (g_strv_length (absent_keys), ==, 0);
  g_assert_null (absent_value);

  for (guint i = 0; i < doc->sections->len; i++)
    {
      const char *section = g_ptr_array_index (doc->sections, i);
      Merged *merged = doc_lookup (doc, section);
      g_auto(GStrv) keys = gh_ini_get_keys (ini, section);

      g_assert_true (gh_ini_has_section (ini, section));
      assert_strv_is_array (keys, merged->keys);
      for (guint k = 0; k < merged->keys->len; k++)
        {
          const char *key = g_ptr_array_index (merged->keys, k);
          g_autofree char *value = gh_ini_get_value (ini, section, key);

          g_assert_cmpstr (value, ==, g_hash_table_lookup (merged->values, key));
        }
    }

  /* The comment above each header, and the one shared by all headers of a section */
  for (guint i = 1; i < doc->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (doc->blocks, i);
      guint occurrence = GPOINTER_TO_UINT (g_hash_table_lookup (occurrences, block->name));
      g_autofree char *comment = gh_ini_get_header_comment (ini, block->name, occurrence);
      g_autofree char *shared = gh_ini_get_section_comment (ini, block->name);
      const char *expected_shared = block->comment;

      g_hash_table_insert (occurrences, block->name, GUINT_TO_POINTER (occurrence + 1));
      g_assert_cmpstr (comment, ==, block->comment);

      for (guint j = 1; j < doc->blocks->len && expected_shared != NULL; j++)
        {
          Block *other = g_ptr_array_index (doc->blocks, j);

          if (g_str_equal (other->name, block->name) &&
              g_strcmp0 (other->comment, block->comment) != 0)
            expected_shared = NULL;
        }
      g_assert_cmpstr (shared, ==, expected_shared);
    }
}

/* ---- the partial load ------------------------------------------------------------------- */

/* About one header text in three, chosen by the document */
static gboolean
keep_some (const char *header,
           gpointer    user_data)
{
  return (g_str_hash (header) + GPOINTER_TO_UINT (user_data)) % 3 == 0;
}

/* A key of the document to keep sections by, so that keeping by key is exercised; "k" when
 * there is none */
static const char *
pick_key (Doc   *doc,
          guint  seed)
{
  for (guint i = 0; i < doc->sections->len; i++)
    {
      const char *section = g_ptr_array_index (doc->sections, (i + seed) % doc->sections->len);
      Merged *merged = doc_lookup (doc, section);

      if (merged->keys->len > 0)
        return g_ptr_array_index (merged->keys, seed % merged->keys->len);
    }
  return "k";
}

/* gh_ini_load_take_data_filtered() reads the kept sections exactly as the naive reader reads
 * the whole text: every header of a kept text in order, its keys and values, and the comment
 * line above each of its headers (not one of a section left out). */
static void
check_partial (Doc *doc)
{
  guint seed = g_str_hash (doc->text);
  const char *key = pick_key (doc, seed);
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GHashTable) occurrences = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) headers = NULL;

  g_assert_true (gh_ini_load_take_data_filtered (ini, g_strndup (doc->text, doc->length),
                                                 doc->length, keep_some,
                                                 GUINT_TO_POINTER (seed), key, &error));
  g_assert_no_error (error);
  g_assert_true (gh_ini_is_partial (ini));

  for (guint i = 1; i < doc->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (doc->blocks, i);
      Merged *merged = doc_lookup (doc, block->name);

      if (keep_some (block->name, GUINT_TO_POINTER (seed)) ||
          ptr_array_has_string (merged->keys, key))
        g_ptr_array_add (expected, block);
    }

  headers = gh_ini_get_headers (ini);
  g_assert_cmpuint (g_strv_length (headers), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      Block *block = g_ptr_array_index (expected, i);
      Merged *merged = doc_lookup (doc, block->name);
      guint occurrence = GPOINTER_TO_UINT (g_hash_table_lookup (occurrences, block->name));
      g_autofree char *comment = gh_ini_get_header_comment (ini, block->name, occurrence);
      g_auto(GStrv) keys = gh_ini_get_keys (ini, block->name);

      g_hash_table_insert (occurrences, block->name, GUINT_TO_POINTER (occurrence + 1));
      g_assert_cmpstr (headers[i], ==, block->name);
      g_assert_cmpstr (comment, ==, block->comment);
      assert_strv_is_array (keys, merged->keys);
      for (guint k = 0; k < merged->keys->len; k++)
        {
          const char *name = g_ptr_array_index (merged->keys, k);
          g_autofree char *value = gh_ini_get_value (ini, block->name, name);

          g_assert_cmpstr (value, ==, g_hash_table_lookup (merged->values, name));
        }
    }
}

/* GH_FUZZ_TRACE=1 prints every document an input goes through, to see what a finding did */
static void
trace_document (const char *text)
{
  static int trace = -1;
  g_autofree char *escaped = NULL;

  if (trace < 0)
    trace = g_getenv ("GH_FUZZ_TRACE") != NULL;
  if (!trace)
    return;

  escaped = g_strescape (text, NULL);
  g_printerr ("document: \"%s\"\n", escaped);
}

/* The document now in @ini, checked against the reader and against a fresh parse */
static Doc *
read_back (GhIni *ini)
{
  gsize length = 0;
  g_autofree char *text = gh_ini_to_data (ini, &length);
  g_autoptr(GhIni) fresh = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;
  gsize again_length = 0;
  Doc *doc;

  g_assert_cmpuint (strlen (text), ==, length);
  g_assert_true (g_utf8_validate_len (text, length, NULL));
  g_assert_true (gh_ini_load_from_data (fresh, text, length, &error));
  g_assert_no_error (error);
  again = gh_ini_to_data (fresh, &again_length);
  g_assert_cmpmem (again, again_length, text, length);

  doc = doc_read (text, length);
  trace_document (text);
  assert_reads_as (ini, doc);
  return doc;
}

/* ---- edits --------------------------------------------------------------------------------- */

typedef enum
{
  EDIT_SET,
  EDIT_REMOVE_KEY,
  EDIT_ADD_SECTION,
  EDIT_REMOVE_SECTION,
  EDIT_REMOVE_OCCURRENCE,
  N_EDIT_KINDS
} EditKind;

typedef struct
{
  EditKind  kind;
  char     *section;
  char     *key;
  char     *value;
  char     *comment;
  guint     occurrence;
} Edit;

static void
edit_clear (Edit *edit)
{
  g_free (edit->section);
  g_free (edit->key);
  g_free (edit->value);
  g_free (edit->comment);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Edit, edit_clear)

/* Where the bytes of the edits come from: the script, or a generator seeded by the document */
typedef struct
{
  const guint8 *script;
  gsize         length;
  gsize         pos;
  guint32       state;
} Source;

static gboolean
source_has_more (Source *source)
{
  return source->script == NULL || source->pos < source->length;
}

static guint8
source_byte (Source *source)
{
  if (source->script != NULL)
    return source->pos < source->length ? source->script[source->pos++] : 0;

  /* xorshift32 */
  source->state ^= source->state << 13;
  source->state ^= source->state >> 17;
  source->state ^= source->state << 5;
  return source->state >> 24;
}

/* Names people (and tools) really write, and some that are only legal */
static const char * const section_names[] = {
  "default", "profile dev", "sso-session corp", "sso-session 'my sso'", "services s3",
  "a]b", "]", "#not a comment", ";x", "x y", "ünïcödé", "\uFEFFbom", "a\vb",
  "profile DEV", "[nested]",
};
static const char * const keys[] = {
  "region", "REGION", "s3", "Key", "sso_session", "\xC4\xB0", "\u1E9Ex", "k\tv",
  "a b", "x", "[k", "#k", "k=", "output",
};
static const char * const values[] = {
  "", " ", "x", "  padded  ", "\t", "a = b", "[c]", "# not a comment", "\v", "ü",
  "https://corp.awsapps.com/start", "  [profile dev]", "x\ty", ";", "\xC2\xA0",
};
static const char * const comments[] = {
  "Managed by Gatehouse", "", "two\nlines", "trailing  ", "a\rb = 1", "\n", "x\r\n[y]",
  "  indented", "[z]",
};

/* A string from @list, or from raw bytes of the source made valid UTF-8; NUL bytes become
 * U+FFFD, line breaks stay unless @one_line */
static char *
source_text (Source             *source,
             const char * const *list,
             guint               n,
             gboolean            one_line)
{
  guint8 b = source_byte (source);
  g_autoptr(GByteArray) bytes = NULL;
  char *text;

  if (b < 192)
    return g_strdup (list[b % n]);

  bytes = g_byte_array_new ();
  for (guint i = b % 16; i > 0; i--)
    {
      guint8 c = source_byte (source);

      g_byte_array_append (bytes, &c, 1);
    }
  text = bytes->len > 0 ? g_utf8_make_valid ((const char *) bytes->data, bytes->len)
                        : g_strdup ("");
  if (one_line)
    g_strdelimit (text, "\r\n", ' ');
  return text;
}

static void
read_edit (Source *source,
           Doc    *doc,
           Edit   *edit)
{
  guint8 b;

  edit->kind = source_byte (source) % N_EDIT_KINDS;

  b = source_byte (source);
  if (doc->headers->len > 0 && b < 160)
    edit->section = g_strdup (g_ptr_array_index (doc->headers, b % doc->headers->len));
  else
    edit->section = source_text (source, section_names, G_N_ELEMENTS (section_names), TRUE);

  b = source_byte (source);
  if (doc_lookup (doc, edit->section) != NULL && doc_lookup (doc, edit->section)->keys->len > 0 &&
      b < 128)
    {
      GPtrArray *section_keys = doc_lookup (doc, edit->section)->keys;

      edit->key = g_strdup (g_ptr_array_index (section_keys, b % section_keys->len));
    }
  else
    edit->key = source_text (source, keys, G_N_ELEMENTS (keys), TRUE);

  edit->value = source_text (source, values, G_N_ELEMENTS (values), TRUE);
  if (source_byte (source) % 3 != 0)
    edit->comment = source_text (source, comments, G_N_ELEMENTS (comments), FALSE);
  edit->occurrence = source_byte (source) % 4;
}

/* gh-ini.h's preconditions, so the oracle never makes a call the API forbids */
static gboolean
is_one_line (const char *text)
{
  return strpbrk (text, "\r\n") == NULL;
}

static gboolean
is_valid_section (const char *section)
{
  gsize n = strlen (section);

  return n > 0 && is_one_line (section) && !IS_SPACE (section[0]) && !IS_SPACE (section[n - 1]);
}

static gboolean
is_valid_key (const char *key)
{
  gsize n = strlen (key);

  return n > 0 && is_one_line (key) && !IS_SPACE (key[0]) && !IS_SPACE (key[n - 1]) &&
         strchr ("[#;", key[0]) == NULL && strpbrk (key, "=:") == NULL;
}

/* ---- what an edit may change --------------------------------------------------------------- */

static void
assert_same_merged (Merged *a,
                    Merged *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->keys->len, ==, b->keys->len);
  for (guint i = 0; i < a->keys->len; i++)
    {
      const char *key = g_ptr_array_index (a->keys, i);

      g_assert_cmpstr (key, ==, g_ptr_array_index (b->keys, i));
      g_assert_cmpstr (g_hash_table_lookup (a->values, key), ==,
                       g_hash_table_lookup (b->values, key));
    }
}

/* Every section but @except reads the same */
static void
assert_others_unchanged (Doc        *before,
                         Doc        *after,
                         const char *except)
{
  for (guint i = 0; i < before->sections->len; i++)
    {
      const char *section = g_ptr_array_index (before->sections, i);

      if (g_strcmp0 (section, except) != 0)
        assert_same_merged (doc_lookup (before, section), doc_lookup (after, section));
    }
}

/* The lines of every block but those of @except are byte-identical, in the same order; with
 * @grown_last the last block of @before may have gained lines at its end */
static void
assert_other_lines_unchanged (Doc        *before,
                              Doc        *after,
                              const char *except,
                              gboolean    grown_last)
{
  guint j = 0;

  for (guint i = 0; i < before->blocks->len; i++)
    {
      Block *a = g_ptr_array_index (before->blocks, i);
      Block *b;

      if (a->name != NULL && g_str_equal (a->name, except))
        continue;
      while (j < after->blocks->len &&
             ((Block *) g_ptr_array_index (after->blocks, j))->name != NULL &&
             g_str_equal (((Block *) g_ptr_array_index (after->blocks, j))->name, except))
        j++;
      g_assert_cmpuint (j, <, after->blocks->len);
      b = g_ptr_array_index (after->blocks, j++);

      g_assert_cmpstr (a->name, ==, b->name);
      if (grown_last && i == before->blocks->len - 1)
        {
          g_assert_cmpuint (b->end - b->start, >=, a->end - a->start);
          g_assert_cmpmem (before->text + a->start, a->end - a->start,
                           after->text + b->start, a->end - a->start);
        }
      else
        g_assert_cmpmem (before->text + a->start, a->end - a->start,
                         after->text + b->start, b->end - b->start);
    }
}

/* @before's headers with @appended added, or the @occurrence-th @removed taken out (or all of
 * them when @occurrence is G_MAXUINT) */
static void
assert_headers (Doc        *before,
                Doc        *after,
                const char *appended,
                const char *removed,
                guint       occurrence)
{
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  guint seen = 0;

  for (guint i = 0; i < before->headers->len; i++)
    {
      const char *header = g_ptr_array_index (before->headers, i);

      if (removed != NULL && g_str_equal (header, removed) &&
          (occurrence == G_MAXUINT || seen++ == occurrence))
        continue;
      g_ptr_array_add (expected, (gpointer) header);
    }
  if (appended != NULL)
    g_ptr_array_add (expected, (gpointer) appended);

  g_assert_cmpuint (after->headers->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (after->headers, i), ==, g_ptr_array_index (expected, i));
}

static void
check_set (GhIni *ini,
           Doc   *before,
           Edit  *edit)
{
  g_autofree char *key = g_utf8_strdown (edit->key, -1);
  g_autofree char *expected_value = strip_dup (edit->value, strlen (edit->value));
  Merged *old = doc_lookup (before, edit->section);
  g_autoptr(Doc) after = NULL;
  Merged *now;

  gh_ini_set_value (ini, edit->section, edit->key, edit->value);
  after = read_back (ini);
  now = doc_lookup (after, edit->section);

  g_assert_nonnull (now);
  g_assert_cmpstr (g_hash_table_lookup (now->values, key), ==, expected_value);
  assert_others_unchanged (before, after, edit->section);
  assert_headers (before, after, old == NULL ? edit->section : NULL, NULL, 0);
  assert_other_lines_unchanged (before, after, edit->section, old == NULL);

  /* The section's other keys keep their values and order; a new key comes last */
  g_assert_cmpuint (now->keys->len, ==,
                    (old != NULL ? old->keys->len : 0) +
                    (old == NULL || !ptr_array_has_string (old->keys, key)));
  for (guint i = 0; old != NULL && i < old->keys->len; i++)
    {
      const char *other = g_ptr_array_index (old->keys, i);

      g_assert_cmpstr (g_ptr_array_index (now->keys, i), ==, other);
      if (!g_str_equal (other, key))
        g_assert_cmpstr (g_hash_table_lookup (now->values, other), ==,
                         g_hash_table_lookup (old->values, other));
    }
  if (old == NULL || !ptr_array_has_string (old->keys, key))
    g_assert_cmpstr (g_ptr_array_index (now->keys, now->keys->len - 1), ==, key);
}

static void
check_remove_key (GhIni *ini,
                  Doc   *before,
                  Edit  *edit)
{
  g_autofree char *key = g_utf8_strdown (edit->key, -1);
  Merged *old = doc_lookup (before, edit->section);
  gboolean present = old != NULL && ptr_array_has_string (old->keys, key);
  g_autoptr(Doc) after = NULL;
  Merged *now;

  g_assert_cmpint (gh_ini_remove_key (ini, edit->section, edit->key), ==, present);
  after = read_back (ini);
  now = doc_lookup (after, edit->section);

  assert_others_unchanged (before, after, edit->section);
  assert_headers (before, after, NULL, NULL, 0);
  if (!present)
    {
      g_assert_cmpmem (after->text, after->length, before->text, before->length);
      return;
    }

  assert_other_lines_unchanged (before, after, edit->section, FALSE);
  g_assert_cmpuint (now->keys->len + 1, ==, old->keys->len);
  g_assert_false (ptr_array_has_string (now->keys, key));
  for (guint i = 0, j = 0; i < old->keys->len; i++)
    {
      const char *other = g_ptr_array_index (old->keys, i);

      if (g_str_equal (other, key))
        continue;
      g_assert_cmpstr (g_ptr_array_index (now->keys, j++), ==, other);
      g_assert_cmpstr (g_hash_table_lookup (now->values, other), ==,
                       g_hash_table_lookup (old->values, other));
    }
}

static void
check_add_section (GhIni *ini,
                   Doc   *before,
                   Edit  *edit)
{
  gboolean existed = doc_lookup (before, edit->section) != NULL;
  g_autoptr(Doc) after = NULL;

  gh_ini_add_section (ini, edit->section, edit->comment);
  after = read_back (ini);

  if (existed)
    {
      g_assert_cmpmem (after->text, after->length, before->text, before->length);
      return;
    }

  assert_others_unchanged (before, after, edit->section);
  assert_headers (before, after, edit->section, NULL, 0);
  assert_other_lines_unchanged (before, after, edit->section, TRUE);
  g_assert_cmpuint (doc_lookup (after, edit->section)->keys->len, ==, 0);

  /* The new header's comment is the last line of the comment given (an empty one gives no
   * line at all) */
  if (edit->comment != NULL && edit->comment[0] != '\0')
    {
      Block *last = g_ptr_array_index (after->blocks, after->blocks->len - 1);
      const char *line = edit->comment + strlen (edit->comment);
      g_autofree char *chomped = NULL;
      g_autofree char *written = NULL;
      g_autofree char *expected = NULL;

      while (line > edit->comment && line[-1] != '\n' && line[-1] != '\r')
        line--;
      chomped = g_strchomp (g_strdup (line));
      written = chomped[0] != '\0' ? g_strconcat ("# ", chomped, NULL) : g_strdup ("#");
      expected = strip_dup (written, strlen (written));

      g_assert_cmpstr (last->comment, ==, expected);
    }
}

/* The section read from @before's blocks of it, all but the @skip-th */
static Merged *
merge_occurrences (Doc        *before,
                   const char *section,
                   guint       skip,
                   Doc        *scratch)
{
  guint seen = 0;

  for (guint i = 1; i < before->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (before->blocks, i);

      if (g_str_equal (block->name, section) && seen++ != skip)
        merge_block (scratch, block);
    }
  return doc_lookup (scratch, section);
}

static void
check_remove_section (GhIni    *ini,
                      Doc      *before,
                      Edit     *edit,
                      gboolean  one_occurrence)
{
  guint count = doc_count_headers (before, edit->section);
  gboolean expected = one_occurrence ? edit->occurrence < count : count > 0;
  g_autoptr(Doc) after = NULL;
  g_autoptr(Doc) scratch = doc_read ("", 0);
  Merged *rest;
  gboolean removed;

  removed = one_occurrence
            ? gh_ini_remove_section_occurrence (ini, edit->section, edit->occurrence)
            : gh_ini_remove_section (ini, edit->section);
  g_assert_cmpint (removed, ==, expected);
  after = read_back (ini);

  if (!removed)
    {
      g_assert_cmpmem (after->text, after->length, before->text, before->length);
      return;
    }

  assert_others_unchanged (before, after, edit->section);
  assert_headers (before, after, NULL, edit->section,
                  one_occurrence ? edit->occurrence : G_MAXUINT);

  /* What is left of the section reads as its remaining occurrences read */
  rest = merge_occurrences (before, edit->section, one_occurrence ? edit->occurrence : 0,
                            scratch);
  if (!one_occurrence || rest == NULL)
    g_assert_null (doc_lookup (after, edit->section));
  else
    assert_same_merged (rest, doc_lookup (after, edit->section));
}

/* One edit, if its arguments are legal; then what it promised. @before is the document as
 * @ini holds it now. */
static void
apply_edit (GhIni *ini,
            Doc   *before,
            Edit  *edit)
{
  switch (edit->kind)
    {
    case EDIT_SET:
      if (is_valid_section (edit->section) && is_valid_key (edit->key))
        check_set (ini, before, edit);
      break;
    case EDIT_REMOVE_KEY:
      check_remove_key (ini, before, edit);
      break;
    case EDIT_ADD_SECTION:
      if (is_valid_section (edit->section))
        check_add_section (ini, before, edit);
      break;
    case EDIT_REMOVE_SECTION:
      check_remove_section (ini, before, edit, FALSE);
      break;
    case EDIT_REMOVE_OCCURRENCE:
      check_remove_section (ini, before, edit, TRUE);
      break;
    case N_EDIT_KINDS:
    default:
      g_assert_not_reached ();
    }
}

void
gh_fuzz_ini_check (const guint8 *data,
                   gsize         size)
{
  const guint8 *nul = memchr (data, '\0', size);
  gsize length = nul != NULL ? (gsize) (nul - data) : size;
  const char *text = (const char *) data;
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Doc) doc = NULL;
  g_autofree char *out = NULL;
  gsize out_length = 0;
  Source source = { 0 };

  /* The whole input as one document: refused exactly when it is not UTF-8 or holds a NUL */
  if (!gh_ini_load_from_data (ini, text, size, &error))
    {
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_false (g_utf8_validate_len (text, size, NULL));
      g_clear_error (&error);
    }
  else
    g_assert_true (g_utf8_validate_len (text, size, NULL));

  if (!gh_ini_load_from_data (ini, text, length, &error))
    {
      g_assert_error (error, GH_ERROR, GH_ERROR_CONFIG);
      g_assert_false (g_utf8_validate_len (text, length, NULL));
      return;
    }
  g_assert_no_error (error);

  out = gh_ini_to_data (ini, &out_length);
  g_assert_cmpmem (out, out_length, text, length);

  doc = read_back (ini);
  check_partial (doc);

  if (nul != NULL)
    {
      source.script = nul + 1;
      source.length = size - length - 1;
    }
  else
    source.state = g_str_hash (doc->text) | 1;

  for (guint i = 0; i < MAX_EDITS && source_has_more (&source); i++)
    {
      g_auto(Edit) edit = { 0 };

      read_edit (&source, doc, &edit);
      apply_edit (ini, doc, &edit);
      g_clear_pointer (&doc, doc_free);
      doc = read_back (ini);
    }
}
