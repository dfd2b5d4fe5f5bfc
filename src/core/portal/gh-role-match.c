/* gh-role-match.c — does a role match what someone typed in a search field
 *
 * A search runs over every cached role of every sign-in on each key press (15,000 roles within a
 * few milliseconds), so the common case must not allocate: account ids, role names and most
 * account names are ASCII, and an ASCII text normalized and case-folded is its lower-case form,
 * made on the stack a word at a time and searched in place. Only a field with other
 * characters is normalized and case-folded on the heap.
 */
#define G_LOG_DOMAIN "gh-role-match"

#include "config.h"

#include <string.h>

#include "gh-role-match.h"

typedef struct
{
  char     *text;       /* normalized (NFKC) and case-folded */
  gsize     len;
  gboolean  is_ascii;
} Term;

struct _GhRoleMatcher
{
  Term  *terms;
  guint  n_terms;
};

enum { N_FIELDS = 5 };

/* The form both the terms and the non-ASCII fields are compared in: compatibility forms
 * ("ﬁ", full-width letters, no-break spaces) unfolded, then case-folded ("ß" ~ "ss"). */
static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);

  /* Not UTF-8: compare it as it is rather than not at all. */
  if (normalized == NULL)
    return g_ascii_strdown (text, -1);

  return g_utf8_casefold (normalized, -1);
}

static gboolean
is_ascii (const char *text,
          gsize      *len)
{
  const char *p;

  for (p = text; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        return FALSE;
    }

  *len = p - text;
  return TRUE;
}

GhRoleMatcher *
gh_role_matcher_new (const char *query)
{
  GhRoleMatcher *matcher = g_new0 (GhRoleMatcher, 1);
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  guint n = 0;

  if (query == NULL)
    return matcher;

  /* Folded first, so Unicode spaces (NFKC makes them ASCII ones) separate terms too. */
  folded = fold (query);
  words = g_strsplit_set (folded, " \t\n\r\f\v", -1);
  matcher->terms = g_new0 (Term, g_strv_length (words));

  for (guint i = 0; words[i] != NULL; i++)
    {
      Term *term;

      if (words[i][0] == '\0')
        continue;

      term = &matcher->terms[n++];
      term->text = g_strdup (words[i]);
      term->len = strlen (term->text);
      term->is_ascii = is_ascii (term->text, &term->len);
    }

  matcher->n_terms = n;
  return matcher;
}

void
gh_role_matcher_free (GhRoleMatcher *matcher)
{
  if (matcher == NULL)
    return;

  for (guint i = 0; i < matcher->n_terms; i++)
    g_free (matcher->terms[i].text);
  g_free (matcher->terms);
  g_free (matcher);
}

gboolean
gh_role_matcher_is_empty (GhRoleMatcher *matcher)
{
  g_return_val_if_fail (matcher != NULL, TRUE);

  return matcher->n_terms == 0;
}

/* Fields this long or longer (rare: names are short) are folded on the heap. */
#define FIELD_BUFFER_SIZE 128

#define HIGH_BITS G_GUINT64_CONSTANT (0x8080808080808080)

/* The lower-case copy of an ASCII text, eight bytes at a time: FALSE (and `buffer` undefined)
 * when it has other bytes. `len` < sizeof buffer. */
static gboolean
fold_ascii (const char *text,
            gsize       len,
            char       *buffer)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 word, from_a, past_z;

      memcpy (&word, text + i, 8);
      if (word & HIGH_BITS)
        return FALSE;
      /* Per byte (all below 0x80, so no carries): high bit set from 'A' on, and past 'Z'. */
      from_a = word + G_GUINT64_CONSTANT (0x3f3f3f3f3f3f3f3f);
      past_z = word + G_GUINT64_CONSTANT (0x2525252525252525);
      word |= ((from_a & ~past_z) & HIGH_BITS) >> 2;
      memcpy (buffer + i, &word, 8);
    }
  for (; i < len; i++)
    {
      guchar c = text[i];

      if (c >= 0x80)
        return FALSE;
      buffer[i] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
  buffer[len] = '\0';
  return TRUE;
}

/* One field, in the form its terms are compared with (made when a term first needs it: most
 * searches decide on the first fields): a lower-case copy on the stack when it is ASCII, else
 * normalized and case-folded on the heap. */
typedef struct
{
  const char *text;
  const char *folded;      /* NULL until needed */
  gsize       len;         /* of folded */
  char       *heap;
  gboolean    is_ascii;
  char        buffer[FIELD_BUFFER_SIZE];
} Field;

static void
field_prepare (Field *field)
{
  gsize len = strlen (field->text);

  if (len < FIELD_BUFFER_SIZE && fold_ascii (field->text, len, field->buffer))
    {
      field->is_ascii = TRUE;
      field->folded = field->buffer;
      field->len = len;
      return;
    }
  field->heap = fold (field->text);
  field->folded = field->heap;
  field->len = strlen (field->heap);
}

/* strstr() for short texts: its setup costs more than the search of a name. */
static gboolean
contains (const char *haystack,
          gsize       haystack_len,
          const char *needle,
          gsize       needle_len)
{
  const char *p = haystack;
  const char *last;

  if (needle_len > haystack_len)
    return FALSE;
  last = haystack + haystack_len - needle_len;
  while (p <= last && (p = memchr (p, needle[0], last - p + 1)) != NULL)
    {
      if (memcmp (p + 1, needle + 1, needle_len - 1) == 0)
        return TRUE;
      p++;
    }
  return FALSE;
}

static gboolean
field_contains (Field      *field,
                const Term *term)
{
  if (field->folded == NULL)
    field_prepare (field);

  /* A folded ASCII field is ASCII: it cannot hold a term that is not. */
  if (field->is_ascii && !term->is_ascii)
    return FALSE;
  return contains (field->folded, field->len, term->text, term->len);
}

gboolean
gh_role_matcher_match (GhRoleMatcher *matcher,
                       const char    *account_name,
                       const char    *account_id,
                       const char    *account_email,
                       const char    *role_name,
                       const char    *profile_name)
{
  const char *texts[N_FIELDS] = { account_name, account_id, account_email, role_name,
                                  profile_name };
  Field fields[N_FIELDS];
  guint n_fields = 0;
  gboolean matches = TRUE;

  g_return_val_if_fail (matcher != NULL, FALSE);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (texts[i] != NULL && texts[i][0] != '\0')
        {
          Field *field = &fields[n_fields++];

          /* Not the buffer: it is written only when used. */
          field->text = texts[i];
          field->folded = NULL;
          field->heap = NULL;
          field->is_ascii = FALSE;
        }
    }

  for (guint t = 0; t < matcher->n_terms && matches; t++)
    {
      gboolean found = FALSE;

      for (guint f = 0; f < n_fields && !found; f++)
        found = field_contains (&fields[f], &matcher->terms[t]);

      matches = found;
    }

  for (guint f = 0; f < n_fields; f++)
    g_free (fields[f].heap);

  return matches;
}
