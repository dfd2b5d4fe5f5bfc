/* gh-role-cache.c — the account/role list per sign-in in $XDG_CACHE_HOME/gatehouse/
 *
 * roles-<sha1(session name)>.json:
 *
 *   {"format": "gatehouse-roles", "version": 1, "session": "NAME", "fetchedAt": SECONDS,
 *    "accounts": [{"accountId": "…", "accountName": "…", "emailAddress": "…",
 *                  "roles": ["AdministratorAccess", "Read Only", …]}, …]}
 *
 * accountName and emailAddress are left out when the portal did not send them. Roles are
 * grouped by account, accounts in the order of the list that was saved (normally sorted with
 * gh_role_compare), so loading gives back that same order. The file is a cache: anything odd
 * about it — not JSON, another format or version, another session — is GH_ERROR_MALFORMED and
 * the caller lists again.
 */
#define G_LOG_DOMAIN "gh-role-cache"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-role.h"
#include "gh-role-cache.h"
#include "gh-role-cache-private.h"

#define FORMAT_MARKER "gatehouse-roles"
#define FORMAT_VERSION 1

char *
gh_role_cache_path (const char *session_name)
{
  g_autofree char *hash = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (session_name != NULL, NULL);

  hash = gh_sha1_hex (session_name);
  file = g_strconcat ("roles-", hash, ".json", NULL);
  return g_build_filename (g_get_user_cache_dir (), "gatehouse", file, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading
 *
 * A sync or a start reads the whole cache every time, thousands of roles: json-glib would
 * build a node per value first (two thirds of `gatehouse sync`'s time when nothing changes).
 * The format is ours, so it is read in one pass straight into roles. The reader takes JSON
 * (RFC 8259) with json-glib's one leniency, control characters inside strings (its generator
 * writes U+001F unescaped), and refuses what json-glib would read as something else than the
 * text says: a member of ours twice (json-glib keeps the last), "\u0000" (json-glib cuts the
 * string there), an escaped lone surrogate, an integer beyond 64 bits (json-glib wraps it).
 * So a file this reader takes, json-glib reads as the same roles, and one json-glib wrote,
 * this reader takes; the JSON fuzz target checks exactly that (tests/fuzz/fuzz-json-oracle.c). */

typedef struct
{
  const char *p;
  const char *end;
} Reader;

static void
skip_blank (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

/* After the blanks: whether the next character is @c, taken when it is */
static gboolean
take (Reader *r,
      char    c)
{
  skip_blank (r);
  if (r->p < r->end && *r->p == c)
    {
      r->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
peek (Reader *r,
      char    c)
{
  skip_blank (r);
  return r->p < r->end && *r->p == c;
}

static gboolean
read_hex4 (Reader   *r,
           gunichar *value)
{
  *value = 0;
  if (r->end - r->p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (*r->p++);

      if (digit < 0)
        return FALSE;
      *value = (*value << 4) | (guint) digit;
    }
  return TRUE;
}

/* One escape after the backslash, appended to @out (may be NULL) */
static gboolean
read_escape (Reader  *r,
             GString *out)
{
  static const char plain[] = "\"\\/bfnrt";
  static const char meant[] = "\"\\/\b\f\n\r\t";
  gunichar c, low;
  const char *found;

  if (r->p >= r->end)
    return FALSE;
  if (*r->p != 'u')
    {
      if ((found = strchr (plain, *r->p)) == NULL || *r->p == '\0')
        return FALSE;
      r->p++;
      if (out != NULL)
        g_string_append_c (out, meant[found - plain]);
      return TRUE;
    }

  r->p++;
  if (!read_hex4 (r, &c) || c == 0 || (c >= 0xdc00 && c <= 0xdfff))
    return FALSE;
  if (c >= 0xd800 && c <= 0xdbff)
    {
      if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
        return FALSE;
      r->p += 2;
      if (!read_hex4 (r, &low) || low < 0xdc00 || low > 0xdfff)
        return FALSE;
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
    }
  if (out != NULL)
    g_string_append_unichar (out, c);
  return TRUE;
}

/* A string (the input is UTF-8 already, without NULs), its text appended to @out (may be
 * NULL). Control characters are taken as they are, as json-glib takes them (and writes
 * U+001F so). */
static gboolean
read_string (Reader  *r,
             GString *out)
{
  if (!take (r, '"'))
    return FALSE;

  while (r->p < r->end)
    {
      const char *run = r->p;

      while (r->p < r->end && *r->p != '"' && *r->p != '\\')
        r->p++;
      if (out != NULL)
        g_string_append_len (out, run, r->p - run);
      if (r->p >= r->end)
        return FALSE;
      if (*r->p++ == '"')
        return TRUE;
      if (!read_escape (r, out))
        return FALSE;
    }
  return FALSE;
}

static gboolean
read_digits (Reader *r)
{
  const char *start = r->p;

  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;
  return r->p > start;
}

/* A number; @integer tells whether it is one (no fraction, no exponent) that fits @value.
 * Numbers are written by us as integers only: a larger one is refused. */
static gboolean
read_number (Reader   *r,
             gint64   *value,
             gboolean *integer)
{
  gboolean negative;
  guint64 magnitude = 0;
  const char *digits;

  skip_blank (r);
  negative = r->p < r->end && *r->p == '-';
  if (negative)
    r->p++;
  digits = r->p;
  if (!read_digits (r) || (*digits == '0' && r->p - digits > 1))
    return FALSE;
  for (const char *d = digits; d < r->p; d++)
    {
      if (magnitude > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      magnitude = magnitude * 10 + (guint64) (*d - '0');
    }
  if (magnitude > (guint64) G_MAXINT64 + (negative ? 1 : 0))
    return FALSE;

  *integer = TRUE;
  if (r->p < r->end && *r->p == '.')
    {
      r->p++;
      *integer = FALSE;
      if (!read_digits (r))
        return FALSE;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      r->p++;
      *integer = FALSE;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (!read_digits (r))
        return FALSE;
    }
  /* -2^63 has no positive twin: negated as unsigned, then converted */
  *value = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
  return TRUE;
}

static gboolean
read_word (Reader     *r,
           const char *word)
{
  gsize length = strlen (word);

  skip_blank (r);
  if ((gsize) (r->end - r->p) < length || memcmp (r->p, word, length) != 0)
    return FALSE;
  r->p += length;
  return TRUE;
}

/* A string, number, true, false or null */
static gboolean
skip_scalar (Reader *r)
{
  gint64 number;
  gboolean integer;

  skip_blank (r);
  if (r->p >= r->end)
    return FALSE;
  switch (*r->p)
    {
    case '"':
      return read_string (r, NULL);
    case 't':
      return read_word (r, "true");
    case 'f':
      return read_word (r, "false");
    case 'n':
      return read_word (r, "null");
    default:
      return read_number (r, &number, &integer);
    }
}

static gboolean
read_member_name (Reader *r)
{
  return read_string (r, NULL) && take (r, ':');
}

/* Any value, checked and passed over. The containers it is in are kept on a stack of its
 * own (their closing brackets), not the C stack: json-glib takes any depth, and so must
 * this, without running out of stack. */
static gboolean
skip_value (Reader *r)
{
  g_autoptr(GString) open = NULL;

  do
    {
      /* One value; a container's first member or element is the next one */
      if (peek (r, '{') || peek (r, '['))
        {
          char close = *r->p++ == '{' ? '}' : ']';

          if (!take (r, close))
            {
              if (open == NULL)
                open = g_string_new (NULL);
              g_string_append_c (open, close);
              if (close == '}' && !read_member_name (r))
                return FALSE;
              continue;
            }
        }
      else if (!skip_scalar (r))
        return FALSE;

      /* After a value: the containers that end here close; a comma, another value */
      while (open != NULL && open->len > 0 && !take (r, ','))
        {
          if (!take (r, open->str[open->len - 1]))
            return FALSE;
          g_string_truncate (open, open->len - 1);
        }
      if (open != NULL && open->len > 0 && open->str[open->len - 1] == '}' &&
          !read_member_name (r))
        return FALSE;
    }
  while (open != NULL && open->len > 0);

  return TRUE;
}

/* A string value into @out (emptied first), FALSE in @is_text for another value; FALSE
 * for bad JSON */
static gboolean
read_text (Reader   *r,
           GString  *out,
           gboolean *is_text)
{
  g_string_truncate (out, 0);
  *is_text = peek (r, '"');
  return *is_text ? read_string (r, out) : skip_value (r);
}

/* Like read_text(), null being no text too */
static gboolean
read_optional_text (Reader   *r,
                    GString  *out,
                    gboolean *present,
                    gboolean *valid)
{
  gboolean is_text;

  if (peek (r, 'n') && read_word (r, "null"))
    {
      *present = FALSE;
      *valid = TRUE;
      return TRUE;
    }
  if (!read_text (r, out, &is_text))
    return FALSE;
  *present = is_text;
  *valid = is_text;
  return TRUE;
}

/* The members of an object one by one: FALSE at its end (@done) or on bad JSON (!@done).
 * @seen: the members of ours met so far, so a second one is refused: json-glib would keep
 * only one of them. */
static gboolean
next_member (Reader              *r,
             const char * const  *names,
             guint               *seen,
             guint               *which,
             gboolean            *first,
             gboolean            *done,
             GString             *scratch)
{
  *done = FALSE;
  if (*first)
    {
      *first = FALSE;
      if (take (r, '}'))
        {
          *done = TRUE;
          return FALSE;
        }
    }
  else if (!take (r, ','))
    {
      *done = take (r, '}');
      return FALSE;
    }

  g_string_truncate (scratch, 0);
  if (!read_string (r, scratch) || !take (r, ':'))
    return FALSE;

  *which = G_MAXUINT;
  for (guint i = 0; names[i] != NULL; i++)
    if (strlen (names[i]) == scratch->len && memcmp (names[i], scratch->str, scratch->len) == 0)
      {
        if (*seen & (1u << i))
          return FALSE;
        *seen |= 1u << i;
        *which = i;
      }
  return TRUE;
}

/* What the reading found wrong, in the order it is reported */
typedef enum
{
  FAULT_NONE,
  FAULT_NOT_OBJECT,
  FAULT_ID,
  FAULT_NAME,
  FAULT_ROLES,
  FAULT_ROLE_NAME,
} Fault;

typedef struct
{
  const char *session_name;
  GPtrArray  *roles;
  Fault       fault;          /* the first account's that has one */
  GString    *scratch;
  GString    *id;
  GString    *name;
  GString    *email;
  GString    *role_names;     /* the account's role names, each ending in a NUL */
} Accounts;

enum { ACCOUNT_ID, ACCOUNT_NAME, ACCOUNT_EMAIL, ACCOUNT_ROLES };
static const char * const account_members[] = {
  "accountId", "accountName", "emailAddress", "roles", NULL
};

static gboolean
read_role_names (Reader  *r,
                 GString *names,
                 Fault   *fault)
{
  if (!take (r, '['))
    return skip_value (r);
  if (take (r, ']'))
    return TRUE;
  do
    {
      gsize start = names->len;

      if (!peek (r, '"'))
        {
          *fault = FAULT_ROLE_NAME;
          if (!skip_value (r))
            return FALSE;
          continue;
        }
      if (!read_string (r, names))
        return FALSE;
      if (names->len == start)
        *fault = FAULT_ROLE_NAME;
      g_string_append_c (names, '\0');
    }
  while (take (r, ','));
  return take (r, ']');
}

static gboolean
read_account (Reader   *r,
              Accounts *accounts)
{
  gboolean has_id = FALSE, has_name = FALSE, has_email = FALSE, has_roles = FALSE;
  gboolean name_valid = TRUE, email_valid = TRUE, first = TRUE, done = FALSE;
  Fault fault = FAULT_NONE;
  guint seen = 0, which;

  if (!peek (r, '{'))
    {
      accounts->fault = accounts->fault != FAULT_NONE ? accounts->fault : FAULT_NOT_OBJECT;
      return skip_value (r);
    }
  r->p++;

  g_string_truncate (accounts->role_names, 0);
  while (next_member (r, account_members, &seen, &which, &first, &done, accounts->scratch))
    {
      gboolean ok;

      switch (which)
        {
        case ACCOUNT_ID:
          ok = read_text (r, accounts->id, &has_id);
          break;
        case ACCOUNT_NAME:
          ok = read_optional_text (r, accounts->name, &has_name, &name_valid);
          break;
        case ACCOUNT_EMAIL:
          ok = read_optional_text (r, accounts->email, &has_email, &email_valid);
          break;
        case ACCOUNT_ROLES:
          has_roles = peek (r, '[');
          ok = read_role_names (r, accounts->role_names, &fault);
          break;
        default:
          ok = skip_value (r);
        }
      if (!ok)
        return FALSE;
    }
  if (!done)
    return FALSE;

  /* The checks in the order the messages are given */
  if (!has_id || accounts->id->len == 0)
    fault = FAULT_ID;
  else if (!name_valid || !email_valid)
    fault = FAULT_NAME;
  else if (!has_roles)
    fault = FAULT_ROLES;

  if (accounts->fault != FAULT_NONE)
    return TRUE;
  if (fault != FAULT_NONE)
    {
      accounts->fault = fault;
      return TRUE;
    }

  for (const char *role = accounts->role_names->str;
       role < accounts->role_names->str + accounts->role_names->len;
       role += strlen (role) + 1)
    g_ptr_array_add (accounts->roles,
                     gh_role_new (accounts->session_name, accounts->id->str,
                                  has_name ? accounts->name->str : NULL,
                                  has_email ? accounts->email->str : NULL, role));
  return TRUE;
}

static gboolean
read_accounts (Reader   *r,
               Accounts *accounts)
{
  if (!take (r, '['))
    return FALSE;
  if (take (r, ']'))
    return TRUE;
  do
    if (!read_account (r, accounts))
      return FALSE;
  while (take (r, ','));
  return take (r, ']');
}

enum { ROOT_FORMAT, ROOT_VERSION, ROOT_SESSION, ROOT_FETCHED_AT, ROOT_ACCOUNTS };
static const char * const root_members[] = {
  "format", "version", "session", "fetchedAt", "accounts", NULL
};

/* What the file says about itself */
typedef struct
{
  gboolean format_ok;
  gboolean version_ok;
  gboolean session_ok;
  gboolean has_fetched_at;
  gint64   fetched_at;
  gboolean has_accounts;
} Root;

/* A member that must be a string equal to @expected */
static gboolean
read_text_equal (Reader     *r,
                 GString    *scratch,
                 const char *expected,
                 gboolean   *equal)
{
  gboolean is_text;

  if (!read_text (r, scratch, &is_text))
    return FALSE;
  *equal = is_text && g_str_equal (scratch->str, expected) &&
           strlen (expected) == scratch->len;
  return TRUE;
}

static gboolean
read_integer (Reader   *r,
              gint64   *value,
              gboolean *is_integer)
{
  *is_integer = FALSE;
  skip_blank (r);
  if (r->p < r->end && (*r->p == '-' || g_ascii_isdigit (*r->p)))
    return read_number (r, value, is_integer);
  return skip_value (r);
}

/* FALSE for bad JSON or a root that is not an object */
static gboolean
read_root (Reader   *r,
           Root     *root,
           Accounts *accounts)
{
  gboolean first = TRUE, done = FALSE;
  guint seen = 0, which;
  gint64 version = 0;

  if (!take (r, '{'))
    return FALSE;
  while (next_member (r, root_members, &seen, &which, &first, &done, accounts->scratch))
    {
      gboolean ok;

      switch (which)
        {
        case ROOT_FORMAT:
          ok = read_text_equal (r, accounts->scratch, FORMAT_MARKER, &root->format_ok);
          break;
        case ROOT_VERSION:
          ok = read_integer (r, &version, &root->version_ok);
          root->version_ok = root->version_ok && version == FORMAT_VERSION;
          break;
        case ROOT_SESSION:
          ok = read_text_equal (r, accounts->scratch, accounts->session_name,
                                &root->session_ok);
          break;
        case ROOT_FETCHED_AT:
          ok = read_integer (r, &root->fetched_at, &root->has_fetched_at);
          break;
        case ROOT_ACCOUNTS:
          root->has_accounts = peek (r, '[');
          ok = root->has_accounts ? read_accounts (r, accounts) : skip_value (r);
          break;
        default:
          ok = skip_value (r);
        }
      if (!ok)
        return FALSE;
    }
  skip_blank (r);
  return done && r->p == r->end;
}

static const char *
fault_message (Fault fault)
{
  switch (fault)
    {
    case FAULT_NOT_OBJECT:
      return _("an account is not an object");
    case FAULT_ID:
      return _("an account has no id");
    case FAULT_NAME:
      return _("an account name or email is not text");
    case FAULT_ROLES:
      return _("an account has no role list");
    case FAULT_ROLE_NAME:
      return _("a role name is not text");
    case FAULT_NONE:
    default:
      break;
    }
  g_assert_not_reached ();
  return NULL;
}

static gboolean
malformed (GError     **error,
           const char  *path,
           const char  *why)
{
  g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
               _("The role cache %s is not usable (%s); it will be rebuilt"), path, why);
  return FALSE;
}

GPtrArray *
gh_role_cache_parse (const char  *session_name,
                     const char  *path,
                     const char  *data,
                     gsize        length,
                     gint64      *fetched_at,
                     GError     **error)
{
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GString) id = g_string_new (NULL);
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) email = g_string_new (NULL);
  g_autoptr(GString) role_names = g_string_new (NULL);
  Reader reader = { data, data + length };
  Root root = { 0, };
  Accounts accounts;
  const char *why = NULL;

  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate_len (data, length, NULL))
    {
      malformed (error, path, _("not UTF-8 text"));
      return NULL;
    }

  roles = g_ptr_array_new_with_free_func (g_object_unref);
  accounts = (Accounts) { session_name, roles, FAULT_NONE, scratch, id, name, email, role_names };

  if (!read_root (&reader, &root, &accounts))
    why = _("not a JSON object");
  else if (!root.format_ok)
    why = _("not a Gatehouse role cache");
  else if (!root.version_ok)
    why = _("written by another version of Gatehouse");
  else if (!root.session_ok)
    why = _("it belongs to another sign-in");
  else if (!root.has_fetched_at)
    why = _("no time of listing");
  else if (!root.has_accounts)
    why = _("no account list");
  else if (accounts.fault != FAULT_NONE)
    why = fault_message (accounts.fault);

  if (why != NULL)
    {
      malformed (error, path, why);
      return NULL;
    }

  if (fetched_at != NULL)
    *fetched_at = root.fetched_at;
  return g_steal_pointer (&roles);
}

GPtrArray *
gh_role_cache_load (const char  *session_name,
                    gint64      *fetched_at,
                    GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = gh_role_cache_path (session_name);
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                     _("No role cache for “%s” yet"), session_name);
      else
        g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                     _("The role cache %s cannot be read: %s"), path, local_error->message);
      return NULL;
    }

  return gh_role_cache_parse (session_name, path, contents, length, fetched_at, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving */

static void
end_account (JsonBuilder *builder)
{
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

char *
gh_role_cache_serialize (const char  *session_name,
                         GPtrArray   *roles,
                         gint64       fetched_at,
                         gsize       *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *current = NULL;

  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (roles != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT_MARKER);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FORMAT_VERSION);
  json_builder_set_member_name (builder, "session");
  json_builder_add_string_value (builder, session_name);
  json_builder_set_member_name (builder, "fetchedAt");
  json_builder_add_int_value (builder, fetched_at);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);

  /* Consecutive roles of one account share an entry; a sorted list has each account once. */
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);
      const char *id = gh_role_get_account_id (role);

      if (current == NULL || g_strcmp0 (current, id) != 0)
        {
          if (current != NULL)
            end_account (builder);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "accountId");
          json_builder_add_string_value (builder, id);
          if (gh_role_get_account_name (role) != NULL)
            {
              json_builder_set_member_name (builder, "accountName");
              json_builder_add_string_value (builder, gh_role_get_account_name (role));
            }
          if (gh_role_get_account_email (role) != NULL)
            {
              json_builder_set_member_name (builder, "emailAddress");
              json_builder_add_string_value (builder, gh_role_get_account_email (role));
            }
          json_builder_set_member_name (builder, "roles");
          json_builder_begin_array (builder);
          current = id;
        }

      json_builder_add_string_value (builder, gh_role_get_role_name (role));
    }
  if (current != NULL)
    end_account (builder);

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

gboolean
gh_role_cache_save (const char  *session_name,
                    GPtrArray   *roles,
                    gint64       fetched_at,
                    GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_val_if_fail (session_name != NULL, FALSE);
  g_return_val_if_fail (roles != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = gh_role_cache_serialize (session_name, roles, fetched_at, &length);
  path = gh_role_cache_path (session_name);

  return gh_file_write_private (path, text, (gssize) length, error);
}

/* ------------------------------------------------------------------------------------------ */
/* On a worker thread: a cache of thousands of roles takes a while to parse or write */

typedef struct
{
  char      *session_name;
  GPtrArray *roles;             /* GhRole: loaded, or to save */
  gint64     fetched_at;
} CacheData;

static void
cache_data_free (gpointer user_data)
{
  CacheData *data = user_data;

  g_free (data->session_name);
  g_clear_pointer (&data->roles, g_ptr_array_unref);
  g_free (data);
}

static GTask *
cache_task_new (const char          *session_name,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CacheData *data = g_new0 (CacheData, 1);

  data->session_name = g_strdup (session_name);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, cache_data_free);
  return task;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CacheData *data = task_data;
  GError *error = NULL;

  data->roles = gh_role_cache_load (data->session_name, &data->fetched_at, &error);
  if (data->roles == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
gh_role_cache_load_async (const char          *session_name,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (session_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = cache_task_new (session_name, cancellable, callback, user_data,
                         gh_role_cache_load_async);
  g_task_run_in_thread (task, load_thread);
}

GPtrArray *
gh_role_cache_load_finish (GAsyncResult  *result,
                           gint64        *fetched_at,
                           GError       **error)
{
  CacheData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_cache_load_async,
                        NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (fetched_at != NULL)
    *fetched_at = data->fetched_at;
  return g_steal_pointer (&data->roles);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CacheData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (gh_role_cache_save (data->session_name, data->roles, data->fetched_at, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* @roles is copied (by reference: GhRole objects do not change). Cancelling before the worker
 * starts leaves the cache as it was. */
void
gh_role_cache_save_async (const char          *session_name,
                          GPtrArray           *roles,
                          gint64               fetched_at,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CacheData *data;

  g_return_if_fail (session_name != NULL);
  g_return_if_fail (roles != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = cache_task_new (session_name, cancellable, callback, user_data,
                         gh_role_cache_save_async);
  data = g_task_get_task_data (task);
  data->roles = gh_role_array_copy (roles);
  data->fetched_at = fetched_at;
  g_task_run_in_thread (task, save_thread);
}

gboolean
gh_role_cache_save_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_cache_save_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Differences */

static GHashTable *
key_set (GPtrArray *roles)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    g_hash_table_add (set, (gpointer) gh_role_get_key (g_ptr_array_index (roles, i)));
  return set;
}

static GPtrArray *
missing_from (GPtrArray  *roles,
              GHashTable *keys)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (!g_hash_table_contains (keys, gh_role_get_key (role)))
        g_ptr_array_add (result, g_object_ref (role));
    }
  return result;
}

/* Either list may be NULL (empty). The results are new arrays holding references, in the
 * order of `after` (added) and `before` (removed). */
void
gh_role_diff (GPtrArray  *before,
              GPtrArray  *after,
              GPtrArray **added,
              GPtrArray **removed)
{
  if (added != NULL)
    {
      g_autoptr(GHashTable) before_keys = key_set (before);

      *added = missing_from (after, before_keys);
    }
  if (removed != NULL)
    {
      g_autoptr(GHashTable) after_keys = key_set (after);

      *removed = missing_from (before, after_keys);
    }
}
