/* gh-ini.c — a format-preserving INI document (the AWS config and credentials files)
 *
 * The document is a list of lines, each kept as its raw text plus its original line ending, so
 * writing it back without edits gives the same bytes. The lines are classified with the rules
 * of Python's configparser.RawConfigParser, which is what the AWS CLI uses
 * (docs/aws-protocols.md §4.2):
 *
 *  - a line whose stripped text starts with '#' or ';' is a comment (no inline comments);
 *  - a blank line never ends a value (empty_lines_in_values), a comment line neither;
 *  - a line indented deeper than the last key or header line continues that key's value;
 *  - `[text]` (to the last ']' on the line) is a header;
 *  - otherwise the first '=' or ':' splits the key from the value.
 *
 * Documented differences: whitespace means ASCII whitespace; header text is stripped; a UTF-8
 * byte order mark on the first line is ignored; lines configparser would reject (key lines
 * before the first header, lines without a delimiter) are kept verbatim and ignored instead of
 * failing the whole file. Duplicate sections and keys are merged as configparser does with
 * strict=False: the last value of a key wins.
 *
 * Edits must stay cheap on files with thousands of sections, so nothing walks the whole
 * document per edit. The lines form a doubly linked list; each line keeps the parser state it
 * was classified in (configparser's cursect, optname and indent_level). An edit classifies the
 * lines from the edited one onwards only until a line is reached whose recorded state equals
 * the new one: from there on nothing can change (at the latest at the next header, which
 * resets the state). A hash table maps each header text to its header lines in file order, so
 * a section is found without a scan and its lines are the ones up to the next header.
 *
 * Memory grows with the file, not with its number of lines times a malloc: the file's text is
 * kept once (each line ending replaced by a NUL, so a line's text is a C string inside it);
 * lines come from blocks allocated a thousand at a time; header texts and lower-cased key
 * names are kept in one string chunk (key names interned: a file with thousands of profiles
 * has a handful of distinct keys). Only a line an edit wrote owns its text.
 */
#define G_LOG_DOMAIN "gh-ini"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-error.h"
#include "gh-ini.h"

typedef enum
{
  LINE_BLANK,
  LINE_COMMENT,
  LINE_SECTION,
  LINE_KEY,
  LINE_CONTINUATION,
  LINE_OTHER,
} LineKind;

typedef struct _Line Line;

/* The parser state in which a line is read */
typedef struct
{
  Line     *section;       /* the header line governing the line, NULL before the first */
  Line     *option;        /* the key line an indented line would continue, NULL for none */
  guint32   indent_level;  /* NO_INDENT_LEVEL for none */
  gboolean  at_start;      /* the first line: a byte order mark is not part of its text */
} State;

#define NO_INDENT_LEVEL G_MAXUINT32

struct _Line
{
  Line       *prev;
  Line       *next;
  char       *text;         /* without the line ending; in GhIni.text unless owns_text */
  const char *eol;          /* "", "\n", "\r\n" or "\r" (static strings) */

  /* Derived by classify_line () */
  State       before;
  const char *name;         /* LINE_SECTION: header text; LINE_KEY: lower-cased key (both in
                             * GhIni.names) */
  guint32     indent;
  guint32     value_start;  /* LINE_KEY: byte range of the stripped value in text */
  guint32     value_end;
  LineKind    kind : 8;
  guint       owns_text : 1;
};

/* gh_ini_get_keys() finds a repeated key in its list up to this many keys, in a hash table
 * beyond */
#define FEW_KEYS 16

/* Lines are allocated this many at a time; a removed line's memory is reused only by a new
 * document */
#define LINE_BLOCK_SIZE 1024

/* Every header line with one header text */
typedef struct
{
  const char *name;         /* interned */
  GPtrArray *headers;       /* Line, in file order unless unsorted */
  gboolean   unsorted;      /* a header appeared before others of its text: sort on use */
} Section;

struct _GhIni
{
  GObject       parent_instance;
  Line         *head;
  Line         *tail;
  GHashTable   *sections;   /* header text → Section */

  char         *text;       /* the loaded file, line endings turned into NULs */
  gsize         text_length;
  GPtrArray    *blocks;     /* Line[LINE_BLOCK_SIZE] */
  guint         block_used; /* lines used in the last block */
  GStringChunk *names;      /* interned header texts and key names */
  GString      *scratch;    /* where a key name is built before it is interned */
  const char   *recent_keys[16];
  guint         next_recent_key;
};

G_DEFINE_FINAL_TYPE (GhIni, gh_ini, G_TYPE_OBJECT)

#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\v' || (c) == '\f' || (c) == '\r' || \
                     (c) == '\n')

static const State initial_state = { NULL, NULL, NO_INDENT_LEVEL, TRUE };

static const char *
intern_eol (const char *eol)
{
  if (g_strcmp0 (eol, "\r\n") == 0)
    return "\r\n";
  if (g_strcmp0 (eol, "\r") == 0)
    return "\r";
  if (g_strcmp0 (eol, "\n") == 0)
    return "\n";
  return "";
}

static Line *
line_alloc (GhIni *self)
{
  Line *block;

  if (self->blocks->len == 0 || self->block_used == LINE_BLOCK_SIZE)
    {
      g_ptr_array_add (self->blocks, g_new0 (Line, LINE_BLOCK_SIZE));
      self->block_used = 0;
    }
  block = g_ptr_array_index (self->blocks, self->blocks->len - 1);
  return &block[self->block_used++];
}

/* A line whose text lives in the document's buffer */
static Line *
line_new_in_text (GhIni      *self,
                  char       *text,
                  const char *eol)
{
  Line *line = line_alloc (self);

  line->text = text;
  line->eol = eol;
  line->kind = LINE_OTHER;
  return line;
}

static Line *
line_new (GhIni      *self,
          const char *text,
          gsize       len,
          const char *eol)
{
  Line *line = line_new_in_text (self, g_strndup (text, len), intern_eol (eol));

  line->owns_text = TRUE;
  return line;
}

/* The struct itself stays in its block until the document goes */
static void
line_free (Line *line)
{
  if (line->owns_text)
    g_free (line->text);
  line->text = NULL;
  line->owns_text = FALSE;
}

static void
line_set_text (Line *line,
               char *text)
{
  line_free (line);
  line->text = text;
  line->owns_text = TRUE;
}

/* @text (@len bytes, not NUL-terminated) with ASCII whitespace around it removed, in the
 * document's string chunk; key names (@lower: lower-cased) are interned, and the last few are
 * kept at hand, as a file with thousands of profiles repeats a handful of keys. */
static const char *
intern_stripped (GhIni      *self,
                 const char *text,
                 gsize       len,
                 gboolean    lower)
{
  gsize start = 0;
  gboolean ascii = TRUE;
  char *out;
  const char *interned;

  while (start < len && IS_SPACE (text[start]))
    start++;
  while (len > start && IS_SPACE (text[len - 1]))
    len--;

  if (!lower)
    return g_string_chunk_insert_len (self->names, text + start, len - start);

  g_string_set_size (self->scratch, len - start);
  out = self->scratch->str;
  for (gsize i = start; i < len; i++)
    {
      guchar c = (guchar) text[i];

      ascii = ascii && c < 0x80;
      *out++ = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

  if (!ascii)
    {
      g_autofree char *down = g_utf8_strdown (text + start, len - start);

      return g_string_chunk_insert_const (self->names, down);
    }

  for (guint i = 0; i < G_N_ELEMENTS (self->recent_keys); i++)
    if (self->recent_keys[i] != NULL && self->recent_keys[i][0] == self->scratch->str[0] &&
        strcmp (self->recent_keys[i], self->scratch->str) == 0)
      return self->recent_keys[i];

  interned = g_string_chunk_insert_const (self->names, self->scratch->str);
  self->recent_keys[self->next_recent_key] = interned;
  self->next_recent_key = (self->next_recent_key + 1) % G_N_ELEMENTS (self->recent_keys);
  return interned;
}

static void
section_free (gpointer data)
{
  Section *section = data;

  g_ptr_array_unref (section->headers);
  g_free (section);
}

static char *
strip_dup (const char *text,
           gsize       len)
{
  gsize start = 0;

  while (start < len && IS_SPACE (text[start]))
    start++;
  while (len > start && IS_SPACE (text[len - 1]))
    len--;
  return g_strndup (text + start, len - start);
}

/* The text the parser sees: without a byte order mark on the first line */
static const char *
line_parsed_text (Line *line)
{
  if (line->before.at_start && g_str_has_prefix (line->text, "\xEF\xBB\xBF"))
    return line->text + 3;
  return line->text;
}

static State
state_after (Line *line)
{
  State state = line->before;

  state.at_start = FALSE;

  switch (line->kind)
    {
    case LINE_SECTION:
      state.section = line;
      state.option = NULL;
      state.indent_level = line->indent;
      break;

    case LINE_KEY:
      state.option = line;
      state.indent_level = line->indent;
      break;

    case LINE_OTHER:
      state.indent_level = line->indent;
      break;

    case LINE_BLANK:
    case LINE_COMMENT:
    case LINE_CONTINUATION:
    default:
      break;
    }

  return state;
}

static gboolean
state_equal (const State *a,
             const State *b)
{
  return a->section == b->section && a->option == b->option &&
         a->indent_level == b->indent_level && a->at_start == b->at_start;
}

static void
section_add_header (GhIni    *self,
                    Line     *header,
                    gboolean  in_order)
{
  Section *section = g_hash_table_lookup (self->sections, header->name);

  if (section == NULL)
    {
      section = g_new0 (Section, 1);
      section->name = header->name;
      section->headers = g_ptr_array_new ();
      g_hash_table_insert (self->sections, (gpointer) section->name, section);
    }
  else if (!in_order)
    section->unsorted = TRUE;

  g_ptr_array_add (section->headers, header);
}

static void
section_remove_header (GhIni      *self,
                       const char *name,
                       Line       *header)
{
  Section *section = g_hash_table_lookup (self->sections, name);

  g_assert (section != NULL);

  g_ptr_array_remove (section->headers, header);
  if (section->headers->len == 0)
    g_hash_table_remove (self->sections, name);
}

/* The section's header lines in file order, NULL when there is none. A header that appeared
 * in the middle of the document (an edit turned a continuation line into one) is rare: the
 * list is then rebuilt with one walk over the document. */
static GPtrArray *
lookup_headers (GhIni      *self,
                const char *name)
{
  Section *section = g_hash_table_lookup (self->sections, name);

  if (section == NULL)
    return NULL;

  if (section->unsorted)
    {
      g_ptr_array_set_size (section->headers, 0);
      for (Line *line = self->head; line != NULL; line = line->next)
        if (line->kind == LINE_SECTION && g_str_equal (line->name, name))
          g_ptr_array_add (section->headers, line);
      section->unsorted = FALSE;
    }

  g_assert (section->headers->len > 0);
  return section->headers;
}

/* The first '=' or ':' in the first @len bytes of @text, else @len. A loop rather than
 * strcspn (text, "=:"), whose set-up cost is most of its time on a key line of a few dozen
 * bytes. */
static inline gsize
find_delimiter (const char *text,
                gsize       len)
{
  gsize i = 0;

  while (i < len && text[i] != '=' && text[i] != ':')
    i++;
  return i;
}

/* One step of configparser's line loop (RawConfigParser._read): what @line is when read in
 * @state. Keeps the header index up to date. */
static void
classify_line (GhIni       *self,
               Line        *line,
               const State *state,
               gboolean     in_order)
{
  const char *old_name = g_steal_pointer (&line->name);
  LineKind old_kind = line->kind;
  const char *text;
  const char *stripped;
  gsize len;
  gsize indent = 0;
  gsize stripped_len;

  line->before = *state;
  line->value_start = line->value_end = 0;
  line->kind = LINE_OTHER;

  text = line_parsed_text (line);
  len = strlen (text);

  while (indent < len && IS_SPACE (text[indent]))
    indent++;
  stripped = text + indent;
  stripped_len = len - indent;
  while (stripped_len > 0 && IS_SPACE (stripped[stripped_len - 1]))
    stripped_len--;
  line->indent = indent;

  if (stripped_len > 0 && (stripped[0] == '#' || stripped[0] == ';'))
    line->kind = LINE_COMMENT;
  else if (stripped_len == 0)
    line->kind = LINE_BLANK;
  else if (state->option != NULL && indent > state->indent_level)
    line->kind = LINE_CONTINUATION;
  else
    {
      const char *close = NULL;

      /* SECTCRE is `\[(?P<header>.+)\]` matched from the start: greedy, so the header runs
       * to the last ']' and must not be empty. */
      if (stripped[0] == '[')
        for (gsize j = stripped_len; j > 1; j--)
          if (stripped[j - 1] == ']')
            {
              close = stripped + j - 1;
              break;
            }

      if (close != NULL && close > stripped + 1)
        {
          line->kind = LINE_SECTION;
          line->name = intern_stripped (self, stripped + 1, close - stripped - 1, FALSE);
        }
      else if (state->section != NULL)
        {
          gsize delim = find_delimiter (stripped, stripped_len);
          gsize key_len = delim;

          while (key_len > 0 && IS_SPACE (stripped[key_len - 1]))
            key_len--;

          if (delim < stripped_len && key_len > 0)
            {
              gsize value_start = (stripped - line->text) + delim + 1;
              gsize value_end = (stripped - line->text) + stripped_len;

              while (value_start < value_end && IS_SPACE (line->text[value_start]))
                value_start++;

              line->kind = LINE_KEY;
              line->name = intern_stripped (self, stripped, key_len, TRUE);
              line->value_start = value_start;
              line->value_end = value_end;
            }
        }
    }

  if (old_kind == LINE_SECTION &&
      (line->kind != LINE_SECTION || !g_str_equal (old_name, line->name)))
    section_remove_header (self, old_name, line);
  if (line->kind == LINE_SECTION &&
      (old_kind != LINE_SECTION || !g_str_equal (old_name, line->name)))
    section_add_header (self, line, in_order);
}

/* Classifies the lines from @from on, @from always (it is new or its text changed), the
 * others until one was read in the same state before: it and all after it stay as they are. */
static void
reclassify (GhIni    *self,
            Line     *from,
            gboolean  all)
{
  State state = from->prev != NULL ? state_after (from->prev) : initial_state;

  for (Line *line = from; line != NULL; line = line->next)
    {
      if (!all && line != from && state_equal (&line->before, &state))
        break;

      classify_line (self, line, &state, all);
      state = state_after (line);
    }
}

static void
clear_lines (GhIni *self)
{
  for (Line *line = self->head; line != NULL; line = line->next)
    line_free (line);

  self->head = self->tail = NULL;
  g_hash_table_remove_all (self->sections);
  g_ptr_array_set_size (self->blocks, 0);
  self->block_used = 0;
  g_clear_pointer (&self->text, g_free);
  self->text_length = 0;
  g_string_chunk_clear (self->names);
  memset (self->recent_keys, 0, sizeof self->recent_keys);
}

static void
gh_ini_finalize (GObject *object)
{
  GhIni *self = (GhIni *)object;

  clear_lines (self);
  g_clear_pointer (&self->sections, g_hash_table_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_string_chunk_free);
  g_string_free (g_steal_pointer (&self->scratch), TRUE);

  G_OBJECT_CLASS (gh_ini_parent_class)->finalize (object);
}

static void
gh_ini_class_init (GhIniClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gh_ini_finalize;
}

static void
gh_ini_init (GhIni *self)
{
  self->sections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, section_free);
  self->blocks = g_ptr_array_new_with_free_func (g_free);
  self->names = g_string_chunk_new (4096);
  self->scratch = g_string_new (NULL);
}

GhIni *
gh_ini_new (void)
{
  return g_object_new (GH_TYPE_INI, NULL);
}

/* Links @line in before @next (at the end when NULL) */
static void
link_line (GhIni *self,
           Line  *line,
           Line  *next)
{
  Line *prev = next != NULL ? next->prev : self->tail;

  line->prev = prev;
  line->next = next;
  if (prev != NULL)
    prev->next = line;
  else
    self->head = line;
  if (next != NULL)
    next->prev = line;
  else
    self->tail = line;
}

/* Where @data stops being UTF-8 without NUL bytes, or NULL when it all is. ASCII, most of a
 * config file, is checked a word at a time; the rest by GLib. */
static const char *
find_invalid_utf8 (const char *data,
                   gsize       length)
{
  const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
  const guint64 low = G_GUINT64_CONSTANT (0x0101010101010101);
  const char *p = data;
  const char *stop = data + length;

  while (p < stop)
    {
      const char *run = p;
      const char *end = NULL;

      while (stop - p >= 8)
        {
          guint64 word;

          memcpy (&word, p, sizeof word);
          /* a byte >= 0x80, or a NUL byte (the classic "has a zero byte" test) */
          if ((word & high) != 0 || ((word - low) & ~word & high) != 0)
            break;
          p += 8;
        }
      while (p < stop && *p != '\0' && (guchar) *p < 0x80)
        p++;
      if (p == stop)
        return NULL;
      if (p == run && *p != '\0')
        {
          /* Not ASCII: GLib validates up to the next ASCII byte */
          const char *next = p;

          while (next < stop && (guchar) *next >= 0x80)
            next++;
          if (!g_utf8_validate_len (p, next - p, &end))
            return end;
          p = next;
          continue;
        }
      if (*p == '\0')
        return p;
    }
  return NULL;
}

/* Takes @text: @length bytes and a NUL after them. */
static gboolean
load_text (GhIni       *self,
           char        *text,
           gsize        length,
           GError     **error)
{
  const char *invalid;
  char *p;
  char *stop;

  /* Offsets in a line are 32-bit */
  if (length >= G_MAXUINT32)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("The file is too large (4 GB or more)"));
      g_free (text);
      return FALSE;
    }

  if ((invalid = find_invalid_utf8 (text, length)) != NULL)
    {
      guint lineno = 1;

      for (const char *q = text; q < invalid; q++)
        if (*q == '\n')
          lineno++;

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("The file is not valid UTF-8 text (line %u)"), lineno);
      g_free (text);
      return FALSE;
    }

  clear_lines (self);
  self->text = text;
  self->text_length = length;

  /* Each line ending becomes a NUL (the ending is kept as a static string), so every line
   * is a C string in the one buffer */
  p = text;
  stop = text + length;
  while (p < stop)
    {
      char *nl = p + strcspn (p, "\r\n");
      const char *eol;

      if (nl == stop)
        eol = "";
      else if (*nl == '\r' && nl + 1 < stop && nl[1] == '\n')
        eol = "\r\n";
      else
        eol = *nl == '\r' ? "\r" : "\n";

      link_line (self, line_new_in_text (self, p, eol), NULL);
      if (nl == stop)
        break;
      *nl = '\0';
      p = nl + strlen (eol);
    }

  if (self->head != NULL)
    reclassify (self, self->head, TRUE);

  return TRUE;
}

/**
 * gh_ini_load_from_data:
 *
 * Replaces the document with @data. Fails only when @data is not UTF-8 or contains a NUL
 * byte (GH_ERROR_CONFIG, with the line number); everything else is accepted and kept.
 * Lines end at "\n", "\r\n" or a lone "\r", like Python's universal newlines.
 */
gboolean
gh_ini_load_from_data (GhIni       *self,
                       const char  *data,
                       gssize       length,
                       GError     **error)
{
  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length < 0)
    length = strlen (data);

  return load_text (self, g_strndup (data != NULL ? data : "", length), length, error);
}

/**
 * gh_ini_load_take_data:
 *
 * gh_ini_load_from_data() without a copy: the document keeps @data (@length bytes followed by
 * a NUL, as g_file_get_contents() gives) and frees it, also on failure.
 */
gboolean
gh_ini_load_take_data (GhIni       *self,
                       char        *data,
                       gsize        length,
                       GError     **error)
{
  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (data[length] == '\0', FALSE);

  return load_text (self, data, length, error);
}

char *
gh_ini_to_data (GhIni *self,
                gsize *length)
{
  GString *out;

  g_return_val_if_fail (GH_IS_INI (self), NULL);

  out = g_string_sized_new (self->text_length + 64);
  for (Line *line = self->head; line != NULL; line = line->next)
    {
      g_string_append (out, line->text);
      g_string_append (out, line->eol);
    }

  if (length != NULL)
    *length = out->len;

  return g_string_free (out, FALSE);
}

GStrv
gh_ini_get_sections (GhIni *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (GH_IS_INI (self), NULL);

  for (Line *line = self->head; line != NULL; line = line->next)
    if (line->kind == LINE_SECTION && g_hash_table_add (seen, (gpointer) line->name))
      g_strv_builder_add (builder, line->name);

  return g_strv_builder_end (builder);
}

/**
 * gh_ini_get_headers:
 *
 * Every header text in file order, a header that appears several times listed each time:
 * the n-th appearance of a text is its @occurrence n (from 0) for
 * gh_ini_get_header_comment() and gh_ini_remove_section_occurrence().
 */
GStrv
gh_ini_get_headers (GhIni *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (GH_IS_INI (self), NULL);

  for (Line *line = self->head; line != NULL; line = line->next)
    if (line->kind == LINE_SECTION)
      g_strv_builder_add (builder, line->name);

  return g_strv_builder_end (builder);
}

gboolean
gh_ini_has_section (GhIni      *self,
                    const char *section)
{
  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return g_hash_table_contains (self->sections, section);
}

/* The last line of each key of @section (all its occurrences), the keys in the order they
 * first appear. Key names are interned, so a repeated key is the same pointer. A section has
 * a handful of keys: looked for in the list itself, without a hash table per section, until
 * there are many. */
static GPtrArray *
collect_key_lines (GhIni      *self,
                   const char *section)
{
  GPtrArray *lines = g_ptr_array_sized_new (8);
  g_autoptr(GHashTable) index = NULL;    /* key name → its position + 1 */
  GPtrArray *headers = lookup_headers (self, section);

  for (guint i = 0; headers != NULL && i < headers->len; i++)
    {
      Line *header = g_ptr_array_index (headers, i);

      for (Line *line = header->next; line != NULL && line->kind != LINE_SECTION;
           line = line->next)
        {
          guint position = 0;

          if (line->kind != LINE_KEY)
            continue;
          if (index == NULL && lines->len >= FEW_KEYS)
            {
              index = g_hash_table_new (NULL, NULL);
              for (guint k = 0; k < lines->len; k++)
                g_hash_table_insert (index, (gpointer) ((Line *) lines->pdata[k])->name,
                                     GUINT_TO_POINTER (k + 1));
            }
          if (index != NULL)
            position = GPOINTER_TO_UINT (g_hash_table_lookup (index, line->name));
          else
            for (guint k = 0; k < lines->len && position == 0; k++)
              if (((Line *) lines->pdata[k])->name == line->name)
                position = k + 1;

          if (position > 0)
            lines->pdata[position - 1] = line;
          else
            {
              g_ptr_array_add (lines, line);
              if (index != NULL)
                g_hash_table_insert (index, (gpointer) line->name,
                                     GUINT_TO_POINTER (lines->len));
            }
        }
    }

  return lines;
}

/* Keys of a section in file order, lower-cased, each once. Empty (not NULL) when the section
 * is absent or has no keys. */
GStrv
gh_ini_get_keys (GhIni      *self,
                 const char *section)
{
  g_autoptr(GPtrArray) lines = NULL;
  GStrv keys;

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  lines = collect_key_lines (self, section);
  keys = g_new (char *, lines->len + 1);
  for (guint k = 0; k < lines->len; k++)
    keys[k] = g_strdup (((Line *) lines->pdata[k])->name);
  keys[lines->len] = NULL;
  return keys;
}

/* The line that holds the effective value: duplicates resolve to the last one. */
/* As classify_line() lower-cases key names */
static gboolean
is_lower_ascii (const char *key)
{
  for (const char *p = key; *p != '\0'; p++)
    if ((guchar) *p >= 0x80 || (*p >= 'A' && *p <= 'Z'))
      return FALSE;
  return TRUE;
}

static char *
lower_key (const char *key)
{
  for (const char *p = key; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return g_utf8_strdown (key, -1);
  return g_ascii_strdown (key, -1);
}

static Line *
find_key (GhIni      *self,
          const char *section,
          const char *key)
{
  GPtrArray *headers = lookup_headers (self, section);
  g_autofree char *lowered = NULL;
  const char *lower = key;

  /* Callers nearly always name keys in lower-case ASCII already: no copy for those, as sync
   * looks up thousands */
  if (headers != NULL && !is_lower_ascii (key))
    lower = lowered = lower_key (key);

  for (guint i = headers != NULL ? headers->len : 0; i > 0; i--)
    {
      Line *header = g_ptr_array_index (headers, i - 1);
      Line *found = NULL;

      for (Line *line = header->next; line != NULL && line->kind != LINE_SECTION;
           line = line->next)
        if (line->kind == LINE_KEY && g_str_equal (line->name, lower))
          found = line;

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The last line belonging to the key line @key: the key line or its last continuation line. */
static Line *
key_extent_end (Line *key)
{
  Line *last = key;

  for (Line *line = key->next; line != NULL; line = line->next)
    {
      if (line->kind == LINE_SECTION || line->kind == LINE_KEY)
        break;
      if (line->kind == LINE_CONTINUATION && line->before.option == key)
        last = line;
    }

  return last;
}

/* The value of @key_line as gh_ini_get_value() gives it */
static char *
key_value (Line *key_line)
{
  GString *value;
  Line *end = key_extent_end (key_line);

  /* Nearly every value is one line, its range stripped already */
  if (end == key_line)
    return g_strndup (key_line->text + key_line->value_start,
                      key_line->value_end - key_line->value_start);

  value = g_string_new_len (key_line->text + key_line->value_start,
                            key_line->value_end - key_line->value_start);

  for (Line *line = key_line; line != end;)
    {
      line = line->next;

      if (line->kind == LINE_CONTINUATION)
        {
          g_autofree char *part = strip_dup (line->text, strlen (line->text));

          g_string_append_c (value, '\n');
          g_string_append (value, part);
        }
      else if (line->kind == LINE_BLANK)
        g_string_append_c (value, '\n');
    }

  while (value->len > 0 && IS_SPACE (value->str[value->len - 1]))
    g_string_truncate (value, value->len - 1);

  return g_string_free (value, FALSE);
}

/**
 * gh_ini_get_value:
 *
 * As configparser reads it: the key line's value and each continuation line stripped, joined
 * with '\n' (blank lines inside the value kept as empty lines), trailing whitespace removed.
 * A nested value such as `s3 =\n    a = 1` therefore starts with '\n', which is how botocore
 * recognises nested sections.
 */
char *
gh_ini_get_value (GhIni      *self,
                  const char *section,
                  const char *key)
{
  Line *key_line;

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  key_line = find_key (self, section, key);
  if (key_line == NULL)
    return NULL;

  return key_value (key_line);
}

/* One look-up of the section for all its keys, where a key per gh_ini_get_value() call would
 * look it up again each time */
GStrv
gh_ini_get_entries (GhIni       *self,
                    const char  *section,
                    GStrv       *values)
{
  g_autoptr(GPtrArray) lines = NULL;
  GStrv keys;

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (values != NULL, NULL);

  lines = collect_key_lines (self, section);
  keys = g_new (char *, lines->len + 1);
  *values = g_new (char *, lines->len + 1);
  for (guint k = 0; k < lines->len; k++)
    {
      keys[k] = g_strdup (((Line *) lines->pdata[k])->name);
      (*values)[k] = key_value (lines->pdata[k]);
    }
  keys[lines->len] = NULL;
  (*values)[lines->len] = NULL;
  return keys;
}

static const char *
document_eol (GhIni *self)
{
  /* Only the last line can lack a line ending: this stops at the first or second line */
  for (Line *line = self->head; line != NULL; line = line->next)
    if (*line->eol != '\0')
      return line->eol;

  return "\n";
}

/* Inserts a line before @next (at the end when NULL). New lines always end with a line
 * ending; a line without one before them (the last line of a file without a final newline)
 * gets one. The ending is the one of the line before, else the document's. */
static Line *
insert_line (GhIni      *self,
             Line       *next,
             const char *text)
{
  const char *eol = document_eol (self);
  Line *prev = next != NULL ? next->prev : self->tail;
  Line *line;

  if (prev != NULL)
    {
      if (*prev->eol == '\0')
        prev->eol = eol;
      else
        eol = prev->eol;
    }

  line = line_new (self, text, strlen (text), eol);
  link_line (self, line, next);
  reclassify (self, line, FALSE);
  return line;
}

/* Removes the lines from @first up to @stop (excluded; NULL: to the end) and returns the line
 * now before @stop (NULL: none). When the last line goes and it had no line ending, the new
 * last line loses its ending, so a file without a final newline stays that way; empty lines
 * at the new end go too, as without their endings they would be lines of no bytes, which a
 * reader of the text would not see.
 *
 * Lines that become neighbours must still read as the lines they are: a line ending in a lone
 * "\r" followed by an empty line ending in "\n" would read as one line ending in "\r\n", so
 * that empty line takes the "\r" of the line above. */
static Line *
remove_lines (GhIni *self,
              Line  *first,
              Line  *stop)
{
  Line *last;
  Line *before;
  gboolean no_final_eol;

  if (first == stop)
    return stop != NULL ? stop->prev : self->tail;

  last = stop != NULL ? stop->prev : self->tail;
  no_final_eol = stop == NULL && *last->eol == '\0';
  if (no_final_eol)
    while (first->prev != NULL && first->prev->text[0] == '\0')
      first = first->prev;
  before = first->prev;

  if (before != NULL)
    before->next = stop;
  else
    self->head = stop;
  if (stop != NULL)
    stop->prev = before;
  else
    self->tail = before;

  for (Line *line = first; line != stop; line = line->next)
    if (line->kind == LINE_SECTION)
      section_remove_header (self, line->name, line);

  if (no_final_eol && before != NULL)
    before->eol = "";

  if (before != NULL && stop != NULL && g_str_equal (before->eol, "\r") &&
      stop->text[0] == '\0' && g_str_equal (stop->eol, "\n"))
    stop->eol = before->eol;

  /* The removed lines are freed only afterwards: lines after them may still name them in
   * their recorded state, and a new line must not be mistaken for one of them */
  if (stop != NULL)
    reclassify (self, stop, FALSE);

  for (Line *line = first; line != stop;)
    {
      Line *next = line->next;

      line_free (line);
      line = next;
    }

  return before;
}

static gboolean
is_valid_text (const char *text)
{
  return text != NULL && strchr (text, '\n') == NULL && strchr (text, '\r') == NULL;
}

/* Written as "[section]", it must read back as the same text */
static gboolean
is_valid_section (const char *section)
{
  return is_valid_text (section) &&
         section[0] != '\0' &&
         !IS_SPACE (section[0]) && !IS_SPACE (section[strlen (section) - 1]);
}

static gboolean
is_valid_key (const char *key)
{
  return is_valid_text (key) &&
         key[0] != '\0' &&
         !IS_SPACE (key[0]) && !IS_SPACE (key[strlen (key) - 1]) &&
         key[0] != '[' && key[0] != '#' && key[0] != ';' &&
         strpbrk (key, "=:") == NULL;
}

static void
append_section (GhIni      *self,
                const char *section,
                const char *comment)
{
  g_autofree char *header = NULL;

  /* One blank line between the existing text and the new section; none at the start of an
   * empty document, and no second one when the document already ends with a blank line. */
  if (self->tail != NULL && self->tail->kind != LINE_BLANK)
    insert_line (self, NULL, "");

  if (comment != NULL)
    {
      g_autoptr(GString) lines = g_string_new (comment);
      g_auto(GStrv) comment_lines = NULL;

      /* A reader ends a line at "\r" too: a lone one must start a comment line of its own,
       * or the rest of that line would be read as a key */
      g_string_replace (lines, "\r\n", "\n", 0);
      g_string_replace (lines, "\r", "\n", 0);
      comment_lines = g_strsplit (lines->str, "\n", -1);

      for (guint i = 0; comment_lines[i] != NULL; i++)
        {
          g_autofree char *text = NULL;

          g_strchomp (comment_lines[i]);
          text = comment_lines[i][0] != '\0' ? g_strconcat ("# ", comment_lines[i], NULL)
                                             : g_strdup ("#");
          insert_line (self, NULL, text);
        }
    }

  header = g_strdup_printf ("[%s]", section);
  insert_line (self, NULL, header);
}

/* The leading whitespace of @line as the parser sees it */
static char *
indent_of (Line *line)
{
  return g_strndup (line_parsed_text (line), line->indent);
}

/* A new key line goes after the last line of the section's last occurrence that is neither
 * blank nor a comment, so blank lines and the comments above the next header stay below it.
 * Its indentation decides what it and the lines after it mean (configparser, docs/aws-protocols.md
 * §4.2), and it must change nothing but add the key:
 *
 *  - when the section already has a key, the new line must not be indented deeper than the
 *    line that set configparser's indent level (the last key, or a junk line after it), or
 *    it would continue that key's value;
 *  - it must be indented at least as deep as the next header, or that header (and its whole
 *    section) would continue the new value.
 *
 * The next header is no deeper than the line that set the indent level (else it would
 * already continue the last key), so both always hold for one indentation. Within them the
 * new line copies the last key's (else the header's). */
static void
append_key (GhIni      *self,
            const char *section,
            const char *key,
            const char *value)
{
  g_autofree char *text = NULL;
  g_autofree char *indent = NULL;
  GPtrArray *headers = lookup_headers (self, section);
  Line *header;
  Line *last;
  Line *last_key = NULL;
  Line *level = NULL;
  Line *next_header = NULL;
  Line *model;

  g_assert (headers != NULL);

  header = last = level = g_ptr_array_index (headers, headers->len - 1);
  for (Line *line = header->next; line != NULL; line = line->next)
    {
      if (line->kind == LINE_SECTION)
        {
          next_header = line;
          break;
        }
      if (line->kind == LINE_BLANK || line->kind == LINE_COMMENT)
        continue;

      last = line;
      if (line->kind == LINE_KEY)
        last_key = level = line;
      else if (line->kind == LINE_OTHER)
        level = line;
    }

  model = last_key != NULL ? last_key : header;
  if (next_header != NULL && model->indent < next_header->indent)
    model = next_header;
  else if (last_key != NULL && model->indent > level->indent)
    model = level;

  indent = indent_of (model);
  text = value[0] != '\0' ? g_strdup_printf ("%s%s = %s", indent, key, value)
                          : g_strdup_printf ("%s%s =", indent, key);
  insert_line (self, last->next, text);
}

void
gh_ini_set_value (GhIni      *self,
                  const char *section,
                  const char *key,
                  const char *value)
{
  Line *line;

  g_return_if_fail (GH_IS_INI (self));
  g_return_if_fail (is_valid_section (section));
  g_return_if_fail (is_valid_key (key));
  g_return_if_fail (is_valid_text (value));

  line = find_key (self, section, key);
  if (line != NULL)
    {
      Line *end = key_extent_end (line);
      GString *text = g_string_new_len (line->text, line->value_start);

      /* `key =` has no space to keep; give it the one `key = value` would have */
      if (line->value_start == line->value_end && value[0] != '\0' &&
          line->value_start > 0 && !IS_SPACE (line->text[line->value_start - 1]) &&
          line->value_start > 1 && IS_SPACE (line->text[line->value_start - 2]))
        g_string_append_c (text, ' ');

      g_string_append (text, value);
      g_string_append (text, line->text + line->value_end);
      line_set_text (line, g_string_free (text, FALSE));
      reclassify (self, line, FALSE);

      /* The new value is one line: the old continuation lines go */
      remove_lines (self, line->next, end->next);
    }
  else
    {
      if (!gh_ini_has_section (self, section))
        append_section (self, section, NULL);
      append_key (self, section, key, value);
    }
}

/* Removes every line of the key (all duplicates) in every occurrence of the section. */
gboolean
gh_ini_remove_key (GhIni      *self,
                   const char *section,
                   const char *key)
{
  gboolean removed = FALSE;
  Line *line;

  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  while ((line = find_key (self, section, key)) != NULL)
    {
      remove_lines (self, line, key_extent_end (line)->next);
      removed = TRUE;
    }

  return removed;
}

/**
 * gh_ini_add_section:
 *
 * Appends `[section]` at the end of the document. The last line gets a line ending if it has
 * none; one blank line separates the new section from what is above it unless the document
 * is empty or already ends with a blank line. @comment may hold several lines.
 */
void
gh_ini_add_section (GhIni      *self,
                    const char *section,
                    const char *comment)
{
  g_return_if_fail (GH_IS_INI (self));
  g_return_if_fail (is_valid_section (section));

  if (gh_ini_has_section (self, section))
    return;

  append_section (self, section, comment);
}

static gboolean
is_blank (Line *line)
{
  return line != NULL && line->kind == LINE_BLANK;
}

/* @header was a header until the lines above it went, and now continues the value of a key
 * above (it is indented deeper than that key): it stays a header, with the indentation beyond
 * configparser's indent level taken away. Only the header's own classification depends on
 * its indentation, so nothing else changes. */
static void
keep_header (GhIni *self,
             Line  *header)
{
  gsize keep = header->before.indent_level;

  g_assert (header->kind == LINE_CONTINUATION);
  g_assert (keep < header->indent && header->prev != NULL);

  memmove (header->text + keep, header->text + header->indent,
           strlen (header->text + header->indent) + 1);
  reclassify (self, header, FALSE);
  g_assert (header->kind == LINE_SECTION);
}

/* Removes one occurrence of a section: the comment lines directly above its header, the
 * header and the lines up to the next header, except the comment lines directly above that
 * next header (they belong to it). Then one blank line goes if two would meet, or if one
 * would be left at the start or end of the document. The next header stays a header. */
static void
remove_header_block (GhIni *self,
                     Line  *header)
{
  Line *start = header;
  Line *end = header->next;
  Line *next_header;
  Line *before;
  Line *after;

  while (start->prev != NULL && start->prev->kind == LINE_COMMENT)
    start = start->prev;

  while (end != NULL && end->kind != LINE_SECTION)
    end = end->next;
  next_header = end;

  if (end != NULL)
    while (end->prev != header && end->prev->kind == LINE_COMMENT)
      end = end->prev;

  before = remove_lines (self, start, end);
  after = before != NULL ? before->next : self->head;

  if (next_header != NULL && next_header->kind != LINE_SECTION)
    keep_header (self, next_header);

  if (before != NULL && after != NULL && is_blank (before) && is_blank (after))
    remove_lines (self, after, after->next);
  else if (before == NULL && is_blank (after))
    remove_lines (self, after, after->next);
  else if (before != NULL && after == NULL && is_blank (before))
    remove_lines (self, before, NULL);
}

/**
 * gh_ini_remove_section:
 *
 * Removes every occurrence of the section: the comment lines directly above its header, the
 * header and the lines up to the next header, except the comment lines directly above that
 * next header (they belong to it). Then one blank line goes if two would meet, or if one would
 * be left at the start or end of the document.
 */
gboolean
gh_ini_remove_section (GhIni      *self,
                       const char *section)
{
  gboolean removed = FALSE;
  GPtrArray *headers;

  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  while ((headers = lookup_headers (self, section)) != NULL)
    {
      remove_header_block (self, g_ptr_array_index (headers, 0));
      removed = TRUE;
    }

  return removed;
}

/**
 * gh_ini_remove_section_occurrence:
 *
 * Removes the @occurrence-th header of @section (from 0, in file order) with its lines, as
 * gh_ini_remove_section() removes each of them. FALSE when there is no such occurrence.
 */
gboolean
gh_ini_remove_section_occurrence (GhIni      *self,
                                  const char *section,
                                  guint       occurrence)
{
  GPtrArray *headers;

  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  headers = lookup_headers (self, section);
  if (headers == NULL || occurrence >= headers->len)
    return FALSE;

  remove_header_block (self, g_ptr_array_index (headers, occurrence));
  return TRUE;
}

/* The comment line directly above @header, stripped; NULL when the line above is no comment */
static char *
comment_above (Line *header)
{
  Line *above = header->prev;
  const char *text;

  if (above == NULL || above->kind != LINE_COMMENT)
    return NULL;

  text = line_parsed_text (above);
  return strip_dup (text, strlen (text));
}

/**
 * gh_ini_get_header_comment:
 *
 * The comment line directly above the @occurrence-th header of @section (from 0, in file
 * order), with surrounding whitespace removed and its '#' or ';' kept; NULL when the line
 * above is not a comment, the header is the first line or there is no such occurrence.
 */
char *
gh_ini_get_header_comment (GhIni      *self,
                           const char *section,
                           guint       occurrence)
{
  GPtrArray *headers;

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  headers = lookup_headers (self, section);
  if (headers == NULL || occurrence >= headers->len)
    return NULL;

  return comment_above (g_ptr_array_index (headers, occurrence));
}

/**
 * gh_ini_get_section_comment:
 *
 * The comment line directly above every header of @section, when it is the same line above
 * each, as gh_ini_get_header_comment() gives it; NULL when the section is absent or one of its
 * headers has no comment line, or another one than the others, directly above it.
 */
char *
gh_ini_get_section_comment (GhIni      *self,
                            const char *section)
{
  g_autofree char *comment = NULL;
  GPtrArray *headers;

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  headers = lookup_headers (self, section);
  for (guint i = 0; headers != NULL && i < headers->len; i++)
    {
      g_autofree char *above = comment_above (g_ptr_array_index (headers, i));

      if (above == NULL || (comment != NULL && !g_str_equal (comment, above)))
        return NULL;
      if (comment == NULL)
        comment = g_steal_pointer (&above);
    }

  return g_steal_pointer (&comment);
}

guint *
gh_ini_header_occurrences (const char * const *headers)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;
  guint *occurrences;

  g_return_val_if_fail (headers != NULL, NULL);

  n = g_strv_length ((char **) headers);
  occurrences = g_new (guint, n + 1);
  for (guint i = 0; i < n; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, headers[i]));

      occurrences[i] = count;
      g_hash_table_insert (counts, (gpointer) headers[i], GUINT_TO_POINTER (count + 1));
    }

  return occurrences;
}
