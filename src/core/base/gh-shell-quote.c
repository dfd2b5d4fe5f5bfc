/* gh-shell-quote.c — POSIX shell words as Python's shlex writes and reads them
 *
 * shlex.split here is shlex.shlex (posix=True, whitespace_split=True, commenters=''): words
 * are split at ' ', '\t', '\r' and '\n'; a backslash outside quotes keeps the next character;
 * single quotes keep everything up to the next one; inside double quotes a backslash escapes
 * only '"' and '\'. Quoted and unquoted parts next to each other make one word.
 */
#define G_LOG_DOMAIN "gh-shell-quote"

#include "config.h"

#include <string.h>

#include "gh-shell-quote.h"

#define SAFE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-"

char *
gh_shell_quote (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (text[0] == '\0')
    return g_strdup ("''");

  if (text[strspn (text, SAFE_CHARS)] == '\0')
    return g_strdup (text);

  out = g_string_new ("'");
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (out, "'\"'\"'");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');

  return g_string_free (out, FALSE);
}

static gboolean
is_word_break (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads the part of a word that starts at @p into @word; returns where the word goes on,
 * or NULL where shlex raises ValueError (an unclosed quote, a trailing backslash). */
static const char *
read_part (const char *p,
           GString    *word)
{
  const char *close;

  switch (*p)
    {
    case '\\':
      if (p[1] == '\0')
        return NULL;
      g_string_append_c (word, p[1]);
      return p + 2;

    case '\'':
      if ((close = strchr (p + 1, '\'')) == NULL)
        return NULL;
      g_string_append_len (word, p + 1, close - p - 1);
      return close + 1;

    case '"':
      for (p++; *p != '"'; p++)
        {
          if (*p == '\0')
            return NULL;
          if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
            p++;
          g_string_append_c (word, *p);
        }
      return p + 1;

    default:
      g_string_append_c (word, *p);
      return p + 1;
    }
}

GStrv
gh_shell_split (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) word = g_string_new (NULL);
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  while (*p != '\0')
    {
      if (is_word_break (*p))
        {
          p++;
          continue;
        }

      g_string_truncate (word, 0);
      while (*p != '\0' && !is_word_break (*p))
        if ((p = read_part (p, word)) == NULL)
          return NULL;
      g_strv_builder_add (builder, word->str);
    }

  return g_strv_builder_end (builder);
}
