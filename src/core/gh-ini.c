/* gh-ini.c — a format-preserving INI document (the AWS config and credentials files)
 *
 * The document is a list of lines, each kept as its raw text plus its original line ending, so
 * writing it back without edits gives the same bytes. After every load or edit the lines are
 * classified again with the rules of Python's configparser.RawConfigParser, which is what the
 * AWS CLI uses (protocol.md §4.2):
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

typedef struct
{
  char       *text;         /* without the line ending */
  const char *eol;          /* "", "\n", "\r\n" or "\r" (static strings) */

  /* Derived by classify () */
  LineKind    kind;
  char       *name;         /* LINE_SECTION: header text; LINE_KEY: lower-cased key */
  const char *section;      /* the header text governing this line, NULL before the first */
  guint       owner;        /* LINE_CONTINUATION: index of the key line */
  gsize       value_start;  /* LINE_KEY: byte range of the stripped value in text */
  gsize       value_end;
} Line;

struct _GhIni
{
  GObject    parent_instance;
  GPtrArray *lines;
};

G_DEFINE_FINAL_TYPE (GhIni, gh_ini, G_TYPE_OBJECT)

#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\v' || (c) == '\f' || (c) == '\r' || \
                     (c) == '\n')

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
line_new (const char *text,
          gsize       len,
          const char *eol)
{
  Line *line = g_new0 (Line, 1);

  line->text = g_strndup (text, len);
  line->eol = intern_eol (eol);
  return line;
}

static void
line_free (gpointer data)
{
  Line *line = data;

  g_free (line->text);
  g_free (line->name);
  g_free (line);
}

static inline Line *
get_line (GhIni *self,
          guint  i)
{
  return g_ptr_array_index (self->lines, i);
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

/* Runs configparser's line loop (RawConfigParser._read) over the lines and records what each
 * line is. Cheap enough to redo after every edit: config files are small. */
static void
classify (GhIni *self)
{
  const char *section = NULL;
  gboolean have_option = FALSE;
  guint option_line = 0;
  gsize indent_level = G_MAXSIZE;

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);
      const char *text = line->text;
      gsize len = strlen (text);
      gsize indent = 0;
      const char *stripped;
      gsize stripped_len;

      g_clear_pointer (&line->name, g_free);
      line->owner = 0;
      line->value_start = line->value_end = 0;

      /* A byte order mark is not part of the first line's text */
      if (i == 0 && g_str_has_prefix (text, "\xEF\xBB\xBF"))
        {
          text += 3;
          len -= 3;
        }

      while (indent < len && IS_SPACE (text[indent]))
        indent++;
      stripped = text + indent;
      stripped_len = len - indent;
      while (stripped_len > 0 && IS_SPACE (stripped[stripped_len - 1]))
        stripped_len--;

      line->section = section;

      if (stripped_len > 0 && (stripped[0] == '#' || stripped[0] == ';'))
        {
          line->kind = LINE_COMMENT;
          continue;
        }

      if (stripped_len == 0)
        {
          line->kind = LINE_BLANK;
          continue;
        }

      if (section != NULL && have_option && indent > indent_level)
        {
          line->kind = LINE_CONTINUATION;
          line->owner = option_line;
          continue;
        }

      indent_level = indent;

      if (stripped[0] == '[')
        {
          const char *close = NULL;

          /* SECTCRE is `\[(?P<header>.+)\]` matched from the start: greedy, so the header
           * runs to the last ']' and must not be empty. */
          for (gsize j = stripped_len; j > 1; j--)
            if (stripped[j - 1] == ']')
              {
                close = stripped + j - 1;
                break;
              }

          if (close != NULL && close > stripped + 1)
            {
              line->kind = LINE_SECTION;
              line->name = strip_dup (stripped + 1, close - stripped - 1);
              line->section = section = line->name;
              have_option = FALSE;
              continue;
            }
        }

      if (section == NULL)
        {
          line->kind = LINE_OTHER;
          continue;
        }

      {
        gsize delim = strcspn (stripped, "=:");
        gsize key_len = delim;
        gsize value_start;
        gsize value_end = (stripped - line->text) + stripped_len;
        g_autofree char *key = NULL;

        if (delim >= stripped_len)
          {
            line->kind = LINE_OTHER;
            continue;
          }

        while (key_len > 0 && IS_SPACE (stripped[key_len - 1]))
          key_len--;

        if (key_len == 0)
          {
            line->kind = LINE_OTHER;
            continue;
          }

        value_start = (stripped - line->text) + delim + 1;
        while (value_start < value_end && IS_SPACE (line->text[value_start]))
          value_start++;

        key = g_strndup (stripped, key_len);
        line->kind = LINE_KEY;
        line->name = g_utf8_strdown (key, -1);
        line->value_start = value_start;
        line->value_end = value_end;
        have_option = TRUE;
        option_line = i;
      }
    }
}

static void
gh_ini_finalize (GObject *object)
{
  GhIni *self = (GhIni *)object;

  g_clear_pointer (&self->lines, g_ptr_array_unref);

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
  self->lines = g_ptr_array_new_with_free_func (line_free);
}

GhIni *
gh_ini_new (void)
{
  return g_object_new (GH_TYPE_INI, NULL);
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
  const char *end = NULL;
  const char *p;
  const char *stop;

  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length < 0)
    length = strlen (data);

  if (!g_utf8_validate_len (data, length, &end))
    {
      guint lineno = 1;

      for (p = data; p < end; p++)
        if (*p == '\n')
          lineno++;

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("The file is not valid UTF-8 text (line %u)"), lineno);
      return FALSE;
    }

  g_ptr_array_set_size (self->lines, 0);

  p = data;
  stop = data + length;
  while (p < stop)
    {
      const char *nl = p;

      while (nl < stop && *nl != '\n' && *nl != '\r')
        nl++;

      if (nl == stop)
        g_ptr_array_add (self->lines, line_new (p, nl - p, ""));
      else if (*nl == '\r' && nl + 1 < stop && nl[1] == '\n')
        g_ptr_array_add (self->lines, line_new (p, nl - p, "\r\n"));
      else
        g_ptr_array_add (self->lines, line_new (p, nl - p, *nl == '\r' ? "\r" : "\n"));

      if (nl == stop)
        break;
      p = nl + ((*nl == '\r' && nl + 1 < stop && nl[1] == '\n') ? 2 : 1);
    }

  classify (self);

  return TRUE;
}

char *
gh_ini_to_data (GhIni *self,
                gsize *length)
{
  GString *out;

  g_return_val_if_fail (GH_IS_INI (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

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

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

      if (line->kind == LINE_SECTION && g_hash_table_add (seen, line->name))
        g_strv_builder_add (builder, line->name);
    }

  return g_strv_builder_end (builder);
}

static gboolean
find_section (GhIni      *self,
              const char *section,
              guint       from,
              guint      *index)
{
  for (guint i = from; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

      if (line->kind == LINE_SECTION && g_strcmp0 (line->name, section) == 0)
        {
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
gh_ini_has_section (GhIni      *self,
                    const char *section)
{
  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  return find_section (self, section, 0, NULL);
}

static gboolean
line_is_key_of (Line       *line,
                const char *section,
                const char *lower_key)
{
  return line->kind == LINE_KEY &&
         g_strcmp0 (line->section, section) == 0 &&
         (lower_key == NULL || g_strcmp0 (line->name, lower_key) == 0);
}

/* Keys of a section in file order, lower-cased, each once. Empty (not NULL) when the section
 * is absent or has no keys. */
GStrv
gh_ini_get_keys (GhIni      *self,
                 const char *section)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

      if (line_is_key_of (line, section, NULL) && g_hash_table_add (seen, line->name))
        g_strv_builder_add (builder, line->name);
    }

  return g_strv_builder_end (builder);
}

/* The line that holds the effective value: duplicates resolve to the last one. */
static gboolean
find_key (GhIni      *self,
          const char *section,
          const char *key,
          guint      *index)
{
  g_autofree char *lower = g_utf8_strdown (key, -1);
  gboolean found = FALSE;

  for (guint i = 0; i < self->lines->len; i++)
    {
      if (line_is_key_of (get_line (self, i), section, lower))
        {
          *index = i;
          found = TRUE;
        }
    }

  return found;
}

/* The last line belonging to the key on line @key_index: the key line or its last
 * continuation line. */
static guint
key_extent_end (GhIni *self,
                guint  key_index)
{
  guint last = key_index;

  for (guint i = key_index + 1; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

      if (line->kind == LINE_SECTION || line->kind == LINE_KEY)
        break;
      if (line->kind == LINE_CONTINUATION && line->owner == key_index)
        last = i;
    }

  return last;
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
  GString *value;
  Line *key_line;
  guint index;
  guint end;

  g_return_val_if_fail (GH_IS_INI (self), NULL);
  g_return_val_if_fail (section != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!find_key (self, section, key, &index))
    return NULL;

  key_line = get_line (self, index);
  value = g_string_new_len (key_line->text + key_line->value_start,
                            key_line->value_end - key_line->value_start);

  end = key_extent_end (self, index);
  for (guint i = index + 1; i <= end; i++)
    {
      Line *line = get_line (self, i);

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

static const char *
document_eol (GhIni *self)
{
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

      if (*line->eol != '\0')
        return line->eol;
    }

  return "\n";
}

/* Inserts a line before @position. New lines always end with a line ending; a line without
 * one before them (the last line of a file without a final newline) gets one. The ending is
 * the one of the line before, else the document's. */
static void
insert_line (GhIni      *self,
             guint       position,
             const char *text)
{
  const char *eol = document_eol (self);
  Line *line;

  g_assert (position <= self->lines->len);

  if (position > 0)
    {
      Line *prev = get_line (self, position - 1);

      if (*prev->eol == '\0')
        prev->eol = eol;
      else
        eol = prev->eol;
    }

  line = line_new (text, strlen (text), eol);
  line->kind = LINE_OTHER;
  g_ptr_array_insert (self->lines, position, line);
}

/* Removes lines [start, end). When the last line goes and it had no line ending, the new last
 * line loses its ending, so a file without a final newline stays that way. */
static void
remove_lines (GhIni *self,
              guint  start,
              guint  end)
{
  gboolean no_final_eol;

  g_assert (start <= end && end <= self->lines->len);

  if (start == end)
    return;

  no_final_eol = end == self->lines->len && *get_line (self, end - 1)->eol == '\0';
  g_ptr_array_remove_range (self->lines, start, end - start);

  if (no_final_eol && start > 0 && start == self->lines->len)
    get_line (self, start - 1)->eol = "";
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
  guint n = self->lines->len;

  /* One blank line between the existing text and the new section; none at the start of an
   * empty document, and no second one when the document already ends with a blank line. */
  if (n > 0 && get_line (self, n - 1)->kind != LINE_BLANK)
    insert_line (self, self->lines->len, "");

  if (comment != NULL)
    {
      g_auto(GStrv) comment_lines = g_strsplit (comment, "\n", -1);

      for (guint i = 0; comment_lines[i] != NULL; i++)
        {
          g_autofree char *text = NULL;

          g_strchomp (comment_lines[i]);
          text = comment_lines[i][0] != '\0' ? g_strconcat ("# ", comment_lines[i], NULL)
                                             : g_strdup ("#");
          insert_line (self, self->lines->len, text);
        }
    }

  header = g_strdup_printf ("[%s]", section);
  insert_line (self, self->lines->len, header);
}

/* A new key line goes after the last key (and its continuation lines) of the last occurrence
 * of the section, or right after the header; it copies that line's indentation so the lines
 * after it keep their meaning. */
static void
append_key (GhIni      *self,
            const char *section,
            const char *key,
            const char *value)
{
  g_autofree char *text = NULL;
  g_autofree char *indent = NULL;
  guint header = 0;
  guint last;
  guint last_key;
  guint from = 0;
  Line *ref;

  while (find_section (self, section, from, &header))
    from = header + 1;
  g_assert (from > 0);

  last = last_key = header;
  for (guint i = header + 1; i < self->lines->len; i++)
    {
      Line *line = get_line (self, i);

      if (line->kind == LINE_SECTION)
        break;
      if (line->kind == LINE_KEY)
        last = last_key = i;
      else if (line->kind == LINE_CONTINUATION)
        last = i;
    }

  ref = get_line (self, last_key);
  indent = g_strndup (ref->text, strspn (ref->text, " \t"));
  text = value[0] != '\0' ? g_strdup_printf ("%s%s = %s", indent, key, value)
                          : g_strdup_printf ("%s%s =", indent, key);
  insert_line (self, last + 1, text);
}

void
gh_ini_set_value (GhIni      *self,
                  const char *section,
                  const char *key,
                  const char *value)
{
  guint index;

  g_return_if_fail (GH_IS_INI (self));
  g_return_if_fail (is_valid_section (section));
  g_return_if_fail (is_valid_key (key));
  g_return_if_fail (is_valid_text (value));

  if (find_key (self, section, key, &index))
    {
      Line *line = get_line (self, index);
      guint end = key_extent_end (self, index);
      GString *text = g_string_new_len (line->text, line->value_start);

      /* `key =` has no space to keep; give it the one `key = value` would have */
      if (line->value_start == line->value_end && value[0] != '\0' &&
          line->value_start > 0 && !IS_SPACE (line->text[line->value_start - 1]) &&
          line->value_start > 1 && IS_SPACE (line->text[line->value_start - 2]))
        g_string_append_c (text, ' ');

      g_string_append (text, value);
      g_string_append (text, line->text + line->value_end);
      g_free (line->text);
      line->text = g_string_free (text, FALSE);

      /* The new value is one line: the old continuation lines go */
      remove_lines (self, index + 1, end + 1);
    }
  else
    {
      if (!find_section (self, section, 0, NULL))
        append_section (self, section, NULL);
      classify (self);
      append_key (self, section, key, value);
    }

  classify (self);
}

/* Removes every line of the key (all duplicates) in every occurrence of the section. */
gboolean
gh_ini_remove_key (GhIni      *self,
                   const char *section,
                   const char *key)
{
  gboolean removed = FALSE;
  guint index;

  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  while (find_key (self, section, key, &index))
    {
      remove_lines (self, index, key_extent_end (self, index) + 1);
      classify (self);
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

  if (find_section (self, section, 0, NULL))
    return;

  append_section (self, section, comment);
  classify (self);
}

static gboolean
is_blank (GhIni *self,
          guint  i)
{
  return get_line (self, i)->kind == LINE_BLANK;
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
  guint header;

  g_return_val_if_fail (GH_IS_INI (self), FALSE);
  g_return_val_if_fail (section != NULL, FALSE);

  while (find_section (self, section, 0, &header))
    {
      guint start = header;
      guint end = header + 1;

      while (start > 0 && get_line (self, start - 1)->kind == LINE_COMMENT)
        start--;

      while (end < self->lines->len && get_line (self, end)->kind != LINE_SECTION)
        end++;

      if (end < self->lines->len)
        while (end - 1 > header && get_line (self, end - 1)->kind == LINE_COMMENT)
          end--;

      remove_lines (self, start, end);

      if (start > 0 && start < self->lines->len &&
          is_blank (self, start - 1) && is_blank (self, start))
        remove_lines (self, start, start + 1);
      else if (start == 0 && self->lines->len > 0 && is_blank (self, 0))
        remove_lines (self, 0, 1);
      else if (start > 0 && start == self->lines->len && is_blank (self, start - 1))
        remove_lines (self, start - 1, start);

      classify (self);
      removed = TRUE;
    }

  return removed;
}
