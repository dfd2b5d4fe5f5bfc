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
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

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

/* @needle is lower case already (folded ASCII). */
static gboolean
ascii_contains (const char *haystack,
                gsize       haystack_len,
                const char *needle,
                gsize       needle_len)
{
  guchar first = needle[0];

  if (needle_len > haystack_len)
    return FALSE;

  for (gsize i = 0; i <= haystack_len - needle_len; i++)
    {
      gsize j;

      if ((guchar) g_ascii_tolower (haystack[i]) != first)
        continue;

      for (j = 1; j < needle_len; j++)
        {
          if (g_ascii_tolower (haystack[i + j]) != needle[j])
            break;
        }
      if (j == needle_len)
        return TRUE;
    }

  return FALSE;
}

/* One field, in the form its terms are compared with: the text itself when it is ASCII, else a
 * folded copy (made on first use: most searches decide on the ASCII fields). */
typedef struct
{
  const char *text;
  gsize       len;
  char       *folded;
  gboolean    is_ascii;
  gboolean    prepared;
} Field;

static void
field_prepare (Field *field)
{
  if (field->prepared)
    return;

  field->prepared = TRUE;
  field->is_ascii = is_ascii (field->text, &field->len);
  if (!field->is_ascii)
    {
      field->folded = fold (field->text);
      field->len = strlen (field->folded);
    }
}

static gboolean
field_contains (Field      *field,
                const Term *term)
{
  field_prepare (field);

  if (field->is_ascii)
    {
      /* A folded ASCII field is ASCII: it cannot hold a term that is not. */
      return term->is_ascii &&
             ascii_contains (field->text, field->len, term->text, term->len);
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
