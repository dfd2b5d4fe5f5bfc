/* gh-text-diff.c — a unified diff of two texts, as `diff -u` shows it
 *
 * Patience diff: lines that occur once in each text anchor the diff (in an AWS config file the
 * section headers do, so hunks follow the sections a person sees), and the blocks between
 * anchors are diffed the same way. A block without such lines gets a minimal diff by the
 * longest common subsequence, unless it is too large for that to be cheap: then it is shown
 * as removed and added. The result is an edit script, one op per line: ' ' (kept), '-'
 * (only in the old text) and '+' (only in the new one), from which the hunks are cut.
 */
#define G_LOG_DOMAIN "gh-text-diff"

#include "config.h"

#include <string.h>

#include "gh-text-diff.h"

#define CONTEXT 3
/* Line pairs above which a block without anchors is not diffed line by line */
#define MAX_LCS_CELLS (4 * 1000 * 1000)

typedef struct
{
  const char *text;
  gsize       len;
} Line;

typedef struct
{
  GArray  *a;       /* Line: the old text */
  GArray  *b;       /* Line: the new text */
  GString *ops;     /* the edit script */
} Diff;

#define A(i) (&g_array_index (diff->a, Line, (i)))
#define B(i) (&g_array_index (diff->b, Line, (i)))

static GArray *
split_lines (const char *text,
             gsize       length)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  const char *p = text;
  const char *stop = text + length;

  while (p < stop)
    {
      Line line = { p, 0 };
      const char *nl = p;

      while (nl < stop && *nl != '\n' && *nl != '\r')
        nl++;
      line.len = nl - p;
      g_array_append_val (lines, line);

      if (nl < stop && *nl == '\r' && nl + 1 < stop && nl[1] == '\n')
        nl++;
      p = nl < stop ? nl + 1 : nl;
    }

  return lines;
}

static inline gboolean
lines_equal (const Line *x,
             const Line *y)
{
  return x->len == y->len && memcmp (x->text, y->text, x->len) == 0;
}

static guint
line_hash (gconstpointer key)
{
  const Line *line = key;
  guint hash = 5381;

  for (gsize i = 0; i < line->len; i++)
    hash = hash * 33 + (guchar) line->text[i];
  return hash;
}

static gboolean
line_equal (gconstpointer a,
            gconstpointer b)
{
  return lines_equal (a, b);
}

static void
emit (Diff  *diff,
      char   op,
      guint  count)
{
  for (guint i = 0; i < count; i++)
    g_string_append_c (diff->ops, op);
}

/* Minimal diff of a small block by dynamic programming over the longest common subsequence */
static void
diff_lcs (Diff  *diff,
          guint  a0,
          guint  a1,
          guint  b0,
          guint  b1)
{
  guint na = a1 - a0;
  guint nb = b1 - b0;
  g_autofree guint32 *table = g_new0 (guint32, (gsize) (na + 1) * (nb + 1));
  guint i = 0;
  guint j = 0;

#define T(x, y) table[(gsize) (x) * (nb + 1) + (y)]
  for (guint x = na; x-- > 0;)
    for (guint y = nb; y-- > 0;)
      T (x, y) = lines_equal (A (a0 + x), B (b0 + y)) ? T (x + 1, y + 1) + 1
                 : MAX (T (x + 1, y), T (x, y + 1));

  while (i < na && j < nb)
    {
      if (lines_equal (A (a0 + i), B (b0 + j)))
        {
          emit (diff, ' ', 1);
          i++;
          j++;
        }
      else if (T (i + 1, j) >= T (i, j + 1))
        {
          emit (diff, '-', 1);
          i++;
        }
      else
        {
          emit (diff, '+', 1);
          j++;
        }
    }
#undef T

  emit (diff, '-', na - i);
  emit (diff, '+', nb - j);
}

typedef struct
{
  guint count_a;
  guint count_b;
  guint index_a;
  guint index_b;
} Occurrence;

static int
compare_by_index_a (gconstpointer a,
                    gconstpointer b)
{
  const Occurrence *x = a;
  const Occurrence *y = b;

  return x->index_a < y->index_a ? -1 : x->index_a > y->index_a;
}

/* The lines that occur exactly once in each side of the block, in the order of the old text */
static GArray *
unique_common_lines (Diff  *diff,
                     guint  a0,
                     guint  a1,
                     guint  b0,
                     guint  b1)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (line_hash, line_equal, NULL, g_free);
  GArray *unique = g_array_new (FALSE, FALSE, sizeof (Occurrence));
  GHashTableIter iter;
  gpointer value;

  for (guint i = a0; i < a1; i++)
    {
      Occurrence *occ = g_hash_table_lookup (seen, A (i));

      if (occ == NULL)
        {
          occ = g_new0 (Occurrence, 1);
          g_hash_table_insert (seen, A (i), occ);
        }
      occ->count_a++;
      occ->index_a = i;
    }
  for (guint j = b0; j < b1; j++)
    {
      Occurrence *occ = g_hash_table_lookup (seen, B (j));

      if (occ != NULL)
        {
          occ->count_b++;
          occ->index_b = j;
        }
    }

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Occurrence *occ = value;

      if (occ->count_a == 1 && occ->count_b == 1)
        g_array_append_val (unique, *occ);
    }

  g_array_sort (unique, compare_by_index_a);
  return unique;
}

/* The longest run of @unique (sorted by old line) that also increases in the new text,
 * found by patience sorting: the anchors, in order */
static GArray *
longest_increasing_run (GArray *unique)
{
  guint n = unique->len;
  g_autofree guint *tails = g_new (guint, n);      /* pile tops: index into unique */
  g_autofree guint *back = g_new (guint, n);       /* predecessor in the run */
  GArray *run;
  guint piles = 0;

  for (guint i = 0; i < n; i++)
    {
      guint b = g_array_index (unique, Occurrence, i).index_b;
      guint lo = 0;
      guint hi = piles;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (g_array_index (unique, Occurrence, tails[mid]).index_b < b)
            lo = mid + 1;
          else
            hi = mid;
        }
      back[i] = lo > 0 ? tails[lo - 1] : G_MAXUINT;
      tails[lo] = i;
      if (lo == piles)
        piles++;
    }

  run = g_array_sized_new (FALSE, FALSE, sizeof (Occurrence), piles);
  g_array_set_size (run, piles);
  for (guint k = tails[piles - 1], m = piles; m > 0; k = back[k])
    g_array_index (run, Occurrence, --m) = g_array_index (unique, Occurrence, k);

  return run;
}

static void diff_range (Diff *diff, guint a0, guint a1, guint b0, guint b1);

/* A block whose first and last lines differ on both sides */
static void
diff_block (Diff  *diff,
            guint  a0,
            guint  a1,
            guint  b0,
            guint  b1)
{
  g_autoptr(GArray) unique = unique_common_lines (diff, a0, a1, b0, b1);

  if (unique->len > 0)
    {
      g_autoptr(GArray) anchors = longest_increasing_run (unique);

      for (guint m = 0; m < anchors->len; m++)
        {
          Occurrence *anchor = &g_array_index (anchors, Occurrence, m);

          diff_range (diff, a0, anchor->index_a, b0, anchor->index_b);
          emit (diff, ' ', 1);
          a0 = anchor->index_a + 1;
          b0 = anchor->index_b + 1;
        }
      diff_range (diff, a0, a1, b0, b1);
    }
  else if ((guint64) (a1 - a0) * (b1 - b0) <= MAX_LCS_CELLS)
    diff_lcs (diff, a0, a1, b0, b1);
  else
    {
      emit (diff, '-', a1 - a0);
      emit (diff, '+', b1 - b0);
    }
}

static void
diff_range (Diff  *diff,
            guint  a0,
            guint  a1,
            guint  b0,
            guint  b1)
{
  guint prefix = 0;
  guint suffix = 0;

  while (a0 + prefix < a1 && b0 + prefix < b1 && lines_equal (A (a0 + prefix), B (b0 + prefix)))
    prefix++;
  emit (diff, ' ', prefix);
  a0 += prefix;
  b0 += prefix;

  while (a1 - suffix > a0 && b1 - suffix > b0 &&
         lines_equal (A (a1 - suffix - 1), B (b1 - suffix - 1)))
    suffix++;
  a1 -= suffix;
  b1 -= suffix;

  if (a0 == a1 || b0 == b1)
    {
      emit (diff, '-', a1 - a0);
      emit (diff, '+', b1 - b0);
    }
  else
    diff_block (diff, a0, a1, b0, b1);

  emit (diff, ' ', suffix);
}

/* Ops [start, end) as one hunk; @a_pos and @b_pos give each op's line in the old and new text */
static void
append_hunk (GString     *out,
             Diff        *diff,
             guint        start,
             guint        end,
             const guint *a_pos,
             const guint *b_pos)
{
  guint a_count = a_pos[end] - a_pos[start];
  guint b_count = b_pos[end] - b_pos[start];

  /* Like diff -u: an empty side names the line before it */
  g_string_append_printf (out, "@@ -%u,%u +%u,%u @@\n",
                          a_pos[start] + (a_count > 0 ? 1 : 0), a_count,
                          b_pos[start] + (b_count > 0 ? 1 : 0), b_count);

  for (guint i = start; i < end; i++)
    {
      char op = diff->ops->str[i];
      const Line *line = op == '+' ? B (b_pos[i]) : A (a_pos[i]);

      g_string_append_c (out, op);
      g_string_append_len (out, line->text, line->len);
      g_string_append_c (out, '\n');
    }
}

/* The op after the last one of the hunk that holds the change at op @i: changes less than
 * two contexts apart share a hunk */
static guint
hunk_end (Diff  *diff,
          guint  i)
{
  guint n = diff->ops->len;
  guint last_change = i;

  for (guint k = i; k < n && k <= last_change + 2 * CONTEXT; k++)
    if (diff->ops->str[k] != ' ')
      last_change = k;

  return MIN (n, last_change + 1 + CONTEXT);
}

/* Cuts the edit script into hunks */
static void
append_hunks (GString    *out,
              Diff       *diff,
              const char *old_label,
              const char *new_label)
{
  guint n = diff->ops->len;
  g_autofree guint *a_pos = g_new (guint, n + 1);
  g_autofree guint *b_pos = g_new (guint, n + 1);
  guint i = 0;

  a_pos[0] = b_pos[0] = 0;
  for (guint k = 0; k < n; k++)
    {
      a_pos[k + 1] = a_pos[k] + (diff->ops->str[k] != '+' ? 1 : 0);
      b_pos[k + 1] = b_pos[k] + (diff->ops->str[k] != '-' ? 1 : 0);
    }

  while (i < n)
    {
      guint end;

      if (diff->ops->str[i] == ' ')
        {
          i++;
          continue;
        }

      if (out->len == 0)
        g_string_append_printf (out, "--- %s\n+++ %s\n", old_label, new_label);

      end = hunk_end (diff, i);
      append_hunk (out, diff, i > CONTEXT ? i - CONTEXT : 0, end, a_pos, b_pos);
      i = end;
    }
}

char *
gh_text_diff_unified (const char *old_label,
                      const char *old_text,
                      gsize       old_length,
                      const char *new_label,
                      const char *new_text,
                      gsize       new_length)
{
  Diff d = { 0 };
  Diff *diff = &d;
  GString *out;

  g_return_val_if_fail (old_label != NULL && new_label != NULL, NULL);
  g_return_val_if_fail (old_text != NULL || old_length == 0, NULL);
  g_return_val_if_fail (new_text != NULL || new_length == 0, NULL);

  out = g_string_new (NULL);
  diff->a = split_lines (old_text, old_length);
  diff->b = split_lines (new_text, new_length);
  diff->ops = g_string_new (NULL);
  diff_range (diff, 0, diff->a->len, 0, diff->b->len);

  append_hunks (out, diff, old_label, new_label);

  g_array_unref (diff->a);
  g_array_unref (diff->b);
  g_string_free (diff->ops, TRUE);

  return g_string_free (out, FALSE);
}
