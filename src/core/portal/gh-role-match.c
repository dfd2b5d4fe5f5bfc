/* gh-role-match.c — does a role match what someone typed in a search field
 *
 * A search runs over every cached role of every sign-in on each key press (15,000 roles within a
 * few milliseconds), so the common case must not allocate: account ids, role names and most
 * account names are ASCII, and for an ASCII field and an ASCII term "case-folded substring" is
 * the same as an ASCII case-insensitive substring. Only a field with other characters is
 * normalized and case-folded (into a copy) before it is searched.
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
      term->text = g_steal_pointer (&words[i]);
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

/* ASCII case folding without a call per byte; other bytes stay as they are. */
static const guchar ascii_fold[256] = {
#define ROW(n) n, n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7
  ROW (0x00), ROW (0x08), ROW (0x10), ROW (0x18), ROW (0x20), ROW (0x28), ROW (0x30), ROW (0x38),
  0x40, ROW (0x61), ROW (0x69), ROW (0x71), 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
  ROW (0x60), ROW (0x68), ROW (0x70), ROW (0x78),
  ROW (0x80), ROW (0x88), ROW (0x90), ROW (0x98), ROW (0xa0), ROW (0xa8), ROW (0xb0), ROW (0xb8),
  ROW (0xc0), ROW (0xc8), ROW (0xd0), ROW (0xd8), ROW (0xe0), ROW (0xe8), ROW (0xf0), ROW (0xf8),
#undef ROW
};

typedef enum
{
  SCAN_NOT_FOUND,
  SCAN_FOUND,
  SCAN_NOT_ASCII,     /* the field has other characters: compare folded texts instead */
} Scan;

/* An ASCII term in a field, read once, in place. A match in the ASCII bytes is a match of the
 * folded texts too, unless a combining character follows it (NFKC would join the two), so
 * such a match, and any field with bytes beyond ASCII that did not match before them, is left
 * to the folded comparison. */
static Scan
ascii_scan (const char *field,
            const Term *term)
{
  const guchar *needle = (const guchar *) term->text;
  guchar first = needle[0];

  for (const guchar *p = (const guchar *) field; *p != '\0'; p++)
    {
      gsize j;

      if (*p >= 0x80)
        return SCAN_NOT_ASCII;
      if (ascii_fold[*p] != first)
        continue;

      for (j = 1; j < term->len; j++)
        {
          if (p[j] == '\0')
            return SCAN_NOT_FOUND;
          if (p[j] >= 0x80)
            return SCAN_NOT_ASCII;
          if (ascii_fold[p[j]] != needle[j])
            break;
        }
      if (j == term->len)
        return p[j] >= 0x80 ? SCAN_NOT_ASCII : SCAN_FOUND;
    }

  return SCAN_NOT_FOUND;
}

/* One field, in the form its terms are compared with: the text itself while it is known only
 * to be ASCII, a folded copy once it is known not to be (made on first use: most searches
 * decide on the ASCII fields). */
typedef struct
{
  const char *text;
  char       *folded;
  gboolean    not_ascii;
} Field;

static gboolean
field_contains (Field      *field,
                const Term *term)
{
  if (!field->not_ascii)
    {
      gsize len;

      if (term->is_ascii)
        {
          Scan scan = ascii_scan (field->text, term);

          if (scan != SCAN_NOT_ASCII)
            return scan == SCAN_FOUND;
        }
      /* A folded ASCII field is ASCII: it cannot hold a term that is not. */
      else if (is_ascii (field->text, &len))
        return FALSE;

      field->not_ascii = TRUE;
      field->folded = fold (field->text);
    }

  return strstr (field->folded, term->text) != NULL;
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
  Field fields[N_FIELDS] = { { 0 } };
  guint n_fields = 0;
  gboolean matches = TRUE;

  g_return_val_if_fail (matcher != NULL, FALSE);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (texts[i] != NULL && texts[i][0] != '\0')
        fields[n_fields++].text = texts[i];
    }

  for (guint t = 0; t < matcher->n_terms && matches; t++)
    {
      gboolean found = FALSE;

      for (guint f = 0; f < n_fields && !found; f++)
        found = field_contains (&fields[f], &matcher->terms[t]);

      matches = found;
    }

  for (guint f = 0; f < n_fields; f++)
    g_free (fields[f].folded);

  return matches;
}
