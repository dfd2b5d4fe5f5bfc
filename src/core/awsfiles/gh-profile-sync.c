/* gh-profile-sync.c — one AWS CLI profile per role in the config file
 *
 * Ownership: a section is Gatehouse's when the comment line directly above its header is the
 * marker (gh-profile-marker.h), which also names the sign-in that owns it. A sync for a
 * sign-in creates, updates and removes only that sign-in's marked `[profile …]` sections;
 * unmarked sections (a person wrote them) and other sign-ins' sections are never touched. A
 * planned name that is taken by one of them is skipped and reported, unless it is a profile
 * `gatehouse profile add` wrote for that very role (gh-profile-add.h). A profile of the sign-in
 * that would go stays (and is reported) while a profile that stays names it as source_profile:
 * removing it would break that profile without a word.
 *
 * Settings: the sign-in's stored sync settings (gh-sync-settings.h) are read from the same
 * copy of the file, and changes to them are written in the same edit as the profiles.
 *
 * The whole plan runs under the config file's lock on a copy read under that lock, so another
 * program's edit is never lost. The whole file is one GhIni: sections are added, edited and
 * removed through it, so the rest of the file stays byte-identical and an update changes only
 * the keys that differ.
 *
 * Profile names: the template is expanded and then sanitised. Kept: ASCII letters, digits and
 * `_ . @ + -`; every other character (spaces, brackets, quotes, slashes, commas, equals signs,
 * control characters, and any non-ASCII character, including letters) becomes '-'; runs of '-'
 * collapse to one and '-' is trimmed from both ends. Such names are safe in a section header,
 * in a shell command line and as a file name, and every AWS client reads them: the AWS SDK for
 * JavaScript ignores a `[profile a,b]` or `[profile a=b]` section. Two roles that give the
 * same name are resolved in the order of their keys ("ACCOUNT/ROLE"): the first keeps the
 * name, the others get "-2", "-3", … (the first suffix that is not some other role's name) and
 * are reported.
 */
#define G_LOG_DOMAIN "gh-profile-sync"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-ini.h"
#include "gh-lock.h"
#include "gh-profile-add.h"
#include "gh-profile-marker.h"
#include "gh-profile-sync.h"
#include "gh-role.h"
#include "gh-shell-quote.h"
#include "gh-text-diff.h"

/* Keys a managed profile may hold that the sync decides about; a managed section's other
 * keys (a person added cli_pager, say) are left alone. */
static const char * const managed_keys[] = {
  "sso_session", "sso_account_id", "sso_role_name", "sso_start_url", "sso_region",
  "credential_process", "gatehouse_sso_session", "gatehouse_account_id", "gatehouse_role_name",
  "region", "output",
};

void
gh_sync_result_free (GhSyncResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->added, g_ptr_array_unref);
  g_clear_pointer (&result->updated, g_ptr_array_unref);
  g_clear_pointer (&result->removed, g_ptr_array_unref);
  g_clear_pointer (&result->skipped, g_ptr_array_unref);
  g_clear_pointer (&result->renamed, g_ptr_array_unref);
  g_clear_pointer (&result->kept, g_ptr_array_unref);
  g_clear_pointer (&result->settings, gh_sync_settings_free);
  g_free (result->session_region);
  g_free (result->diff);
  g_free (result);
}

static GhSyncResult *
sync_result_new (void)
{
  GhSyncResult *result = g_new0 (GhSyncResult, 1);

  result->added = g_ptr_array_new_with_free_func (g_free);
  result->updated = g_ptr_array_new_with_free_func (g_free);
  result->removed = g_ptr_array_new_with_free_func (g_free);
  result->skipped = g_ptr_array_new_with_free_func (g_free);
  result->renamed = g_ptr_array_new_with_free_func (g_free);
  result->kept = g_ptr_array_new_with_free_func (g_free);
  result->diff = g_strdup ("");
  return result;
}

/* ---------------------------------------------------------------------------------------- */
/* Names                                                                                    */

static gboolean
is_name_char (char c)
{
  return c != '\0' && (g_ascii_isalnum (c) || strchr ("_.@+-", c) != NULL);
}

/* See the comment at the top of the file. Invalid UTF-8 counts one '-' per bad byte (then
 * collapsed). Appended to @out, which a sync reuses for thousands of names. */
static void
sanitise_name_into (GString    *out,
                    const char *text)
{
  const char *p = text;
  gsize start = out->len;

  while (*p != '\0')
    {
      char ch;

      if ((guchar) *p < 0x80)
        ch = is_name_char (*p++) ? p[-1] : '-';
      else
        {
          gunichar c = g_utf8_get_char_validated (p, -1);

          ch = '-';
          p = (c == (gunichar) -1 || c == (gunichar) -2) ? p + 1 : g_utf8_next_char (p);
        }

      if (ch == '-' && (out->len == start || out->str[out->len - 1] == '-'))
        continue;
      g_string_append_c (out, ch);
    }

  while (out->len > start && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
}

/* The value of the placeholder between @name and @end; FALSE for an unknown one */
static gboolean
placeholder_value (const char  *name,
                   const char  *end,
                   const char  *session_name,
                   const char  *account_id,
                   const char  *account_name,
                   const char  *role_name,
                   const char **value)
{
  static const char * const names[] = { "role", "account_id", "account_name", "session" };
  gsize length = end - name;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (names[i]) == length && memcmp (names[i], name, length) == 0)
      break;

  switch (i)
    {
    case 0:
      *value = role_name;
      return TRUE;
    case 1:
      *value = account_id;
      return TRUE;
    case 2:
      *value = (account_name != NULL && account_name[0] != '\0') ? account_name : account_id;
      return TRUE;
    case 3:
      *value = session_name;
      return TRUE;
    default:
      return FALSE;
    }
}

/* Expands the template without sanitising, appending to @out; checks the placeholders. */
static gboolean
expand_template_into (GString     *out,
                      const char  *template_,
                      const char  *session_name,
                      const char  *account_id,
                      const char  *account_name,
                      const char  *role_name,
                      GError     **error)
{
  const char *p = template_;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close;
      const char *value;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);

      close = strchr (open, '}');
      if (close == NULL)
        {
          g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                       _("The profile name template “%s” has a “{” without a closing “}”."),
                       template_);
          return FALSE;
        }

      if (!placeholder_value (open + 1, close, session_name, account_id, account_name,
                              role_name, &value))
        {
          g_autofree char *placeholder = g_strndup (open + 1, close - open - 1);

          g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                       _("The profile name template has an unknown placeholder “{%s}”; use "
                         "{role}, {account_id}, {account_name} or {session}."),
                       placeholder);
          return FALSE;
        }

      g_string_append (out, value != NULL ? value : "");
      p = close + 1;
    }

  return TRUE;
}

/* Makes profile names with two buffers, for a sync's thousands of names */
typedef struct
{
  GString *expanded;
  GString *name;
} NameMaker;

static void
name_maker_clear (NameMaker *maker)
{
  g_string_free (maker->expanded, TRUE);
  g_string_free (maker->name, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NameMaker, name_maker_clear)

static char *
name_maker_make (NameMaker   *maker,
                 const char  *template_,
                 const char  *session_name,
                 const char  *account_id,
                 const char  *account_name,
                 const char  *role_name,
                 GError     **error)
{
  if (template_ == NULL)
    template_ = GH_DEFAULT_PROFILE_TEMPLATE;

  g_string_truncate (maker->expanded, 0);
  g_string_truncate (maker->name, 0);
  if (!expand_template_into (maker->expanded, template_, session_name, account_id,
                             account_name, role_name, error))
    return NULL;

  sanitise_name_into (maker->name, maker->expanded->str);
  if (maker->name->len == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profile name template “%s” gives an empty name for the role %s in "
                     "account %s."),
                   template_, role_name != NULL ? role_name : "",
                   account_id != NULL ? account_id : "");
      return NULL;
    }

  return g_strndup (maker->name->str, maker->name->len);
}

char *
gh_profile_name_from_template (const char  *template_,
                               const char  *session_name,
                               const char  *account_id,
                               const char  *account_name,
                               const char  *role_name,
                               GError     **error)
{
  g_auto(NameMaker) maker = { g_string_new (NULL), g_string_new (NULL) };

  return name_maker_make (&maker, template_, session_name, account_id, account_name, role_name,
                          error);
}

/* ---------------------------------------------------------------------------------------- */
/* Planning                                                                                 */

/* The most keys a profile gets: three of the sign-in's, or credential_process and three of
 * Gatehouse's; region; output */
#define MAX_PLANNED_KEYS 6

typedef struct
{
  char        *name;
  GhRole      *role;                       /* borrowed */
  const char  *keys[MAX_PLANNED_KEYS + 1]; /* in the order they are written, NULL-terminated */
  const char  *values[MAX_PLANNED_KEYS];   /* borrowed from the role and the recipe, or… */
  char        *command;                    /* …the credential_process line, owned */
} PlannedProfile;

static void
planned_profile_free (gpointer data)
{
  PlannedProfile *planned = data;

  g_free (planned->name);
  g_free (planned->command);
  g_free (planned);
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static int
compare_by_role_key (gconstpointer a,
                     gconstpointer b)
{
  const PlannedProfile *pa = *(PlannedProfile * const *) a;
  const PlannedProfile *pb = *(PlannedProfile * const *) b;

  return strcmp (gh_role_get_key (pa->role), gh_role_get_key (pb->role));
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  const PlannedProfile *pa = *(PlannedProfile * const *) a;
  const PlannedProfile *pb = *(PlannedProfile * const *) b;

  return strcmp (pa->name, pb->name);
}

static char *
describe_role (GhRole *role)
{
  const char *account_name = gh_role_get_account_name (role);

  if (account_name != NULL && account_name[0] != '\0')
    return g_strdup_printf (_("%s in %s (%s)"), gh_role_get_role_name (role), account_name,
                            gh_role_get_account_id (role));

  return g_strdup_printf (_("%s in %s"), gh_role_get_role_name (role),
                          gh_role_get_account_id (role));
}

/* What the profiles are made of: the settings in effect, resolved */
typedef struct
{
  const char *session_name;
  const char *template_;           /* never NULL */
  const char *region;              /* NULL: no region key */
  const char *output;              /* NULL: no output key */
  gboolean    credential_process;
  const char *command;             /* never NULL */
  GHashTable *only;                /* "ACCOUNT/ROLE" of the roles to write; NULL: all */
} Recipe;

static void
add_planned_key (PlannedProfile *planned,
                 guint          *n,
                 const char     *key,
                 const char     *value)
{
  g_assert (*n < MAX_PLANNED_KEYS);
  planned->keys[*n] = key;
  planned->values[*n] = value;
  planned->keys[++*n] = NULL;
}

static void
plan_keys (PlannedProfile *planned,
           const Recipe   *recipe)
{
  guint n = 0;

  if (recipe->credential_process)
    {
      g_autofree char *quoted = gh_shell_quote (planned->name);

      planned->command = g_strdup_printf ("%s credentials --profile %s --format process",
                                          recipe->command, quoted);
      add_planned_key (planned, &n, "credential_process", planned->command);
      /* What `gatehouse credentials --profile` needs; the AWS CLI ignores these keys, and
       * sso_* keys would make it bypass credential_process. */
      add_planned_key (planned, &n, "gatehouse_sso_session", recipe->session_name);
      add_planned_key (planned, &n, "gatehouse_account_id",
                       gh_role_get_account_id (planned->role));
      add_planned_key (planned, &n, "gatehouse_role_name",
                       gh_role_get_role_name (planned->role));
    }
  else
    {
      add_planned_key (planned, &n, "sso_session", recipe->session_name);
      add_planned_key (planned, &n, "sso_account_id", gh_role_get_account_id (planned->role));
      add_planned_key (planned, &n, "sso_role_name", gh_role_get_role_name (planned->role));
    }

  if (recipe->region != NULL)
    add_planned_key (planned, &n, "region", recipe->region);
  if (recipe->output != NULL)
    add_planned_key (planned, &n, "output", recipe->output);
}

static gboolean
is_single_line (const char *text)
{
  return text == NULL || strpbrk (text, "\r\n") == NULL;
}

/* Template mistakes are reported once, not once per role */
static gboolean
check_template (const char  *template_,
                GError     **error)
{
  g_autoptr(GString) check = NULL;

  if (template_ == NULL)
    return TRUE;

  if (!is_single_line (template_))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The profile name template must be a single line."));
      return FALSE;
    }

  check = g_string_new (NULL);
  return expand_template_into (check, template_, "s", "a", "n", "r", error);
}

/* The settings given as options; checked before the file is locked */
static gboolean
check_options (const GhSyncOptions  *options,
               GError              **error)
{
  if (!is_single_line (options->region) || !is_single_line (options->output) ||
      !is_single_line (options->gatehouse_command))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The region, output format and command must each be a single "
                             "line."));
      return FALSE;
    }

  if (options->region != NULL && !gh_region_is_valid (options->region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not an AWS region (expected something like us-east-1)."),
                   options->region);
      return FALSE;
    }

  return check_template (options->template_, error);
}

/* The stored settings may have been edited by hand (and the sign-in's region too): a value
 * that cannot be written is an error that says where it comes from. */
static gboolean
check_recipe (const Recipe  *recipe,
              const char    *region_source,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!is_single_line (recipe->output))
    g_set_error_literal (&local_error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                         _("The output format must be a single line."));
  else
    check_template (recipe->template_, &local_error);

  if (local_error != NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("%s (a sync setting of the sign-in “%s”; gatehouse sync --reset puts it "
                     "back to its default)"),
                   local_error->message, recipe->session_name);
      return FALSE;
    }

  if (recipe->region != NULL && !gh_region_is_valid (recipe->region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profiles of the sign-in “%s” would get the region “%s” (%s), which is "
                     "not an AWS region."),
                   recipe->session_name, recipe->region, region_source);
      return FALSE;
    }

  return TRUE;
}

/* Collisions: the first role in key order keeps the name, the others get the first free
 * "-N". @planned is sorted by key; names are looked up in "natural" (which points at the
 * planned names, alive until the end). */
static void
resolve_collisions (GPtrArray    *planned,
                    GhSyncResult *result)
{
  g_autoptr(GHashTable) natural = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) assigned = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) first_owner = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) new_names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < planned->len; i++)
    g_hash_table_add (natural, ((PlannedProfile *) g_ptr_array_index (planned, i))->name);

  for (guint i = 0; i < planned->len; i++)
    {
      PlannedProfile *profile = g_ptr_array_index (planned, i);
      GhRole *owner = g_hash_table_lookup (first_owner, profile->name);
      g_autofree char *candidate = NULL;
      g_autofree char *this_role = NULL;
      g_autofree char *other_role = NULL;

      if (owner == NULL)
        {
          g_hash_table_insert (first_owner, profile->name, profile->role);
          g_hash_table_add (assigned, profile->name);
          continue;
        }

      for (guint n = 2; ; n++)
        {
          g_free (candidate);
          candidate = g_strdup_printf ("%s-%u", profile->name, n);
          if (!g_hash_table_contains (natural, candidate) &&
              !g_hash_table_contains (assigned, candidate))
            break;
        }

      this_role = describe_role (profile->role);
      other_role = describe_role (owner);
      g_ptr_array_add (result->renamed,
                       g_strdup_printf (_("%s: %s (the name %s belongs to %s)"),
                                        candidate, this_role, profile->name, other_role));

      /* The old name stays alive in new_names: "natural" and "first_owner" point at it */
      g_ptr_array_add (new_names, profile->name);
      profile->name = g_steal_pointer (&candidate);
      g_hash_table_add (assigned, profile->name);
    }
}

static gboolean
has_repeated_name (GPtrArray *sorted)
{
  for (guint i = 1; i < sorted->len; i++)
    if (g_str_equal (((PlannedProfile *) g_ptr_array_index (sorted, i - 1))->name,
                     ((PlannedProfile *) g_ptr_array_index (sorted, i))->name))
      return TRUE;
  return FALSE;
}

/* The profiles to write, sorted by name, with name collisions resolved. Roles whose name
 * comes out empty are reported in @result->skipped. */
static GPtrArray *
plan_profiles (GPtrArray     *roles,
               const Recipe  *recipe,
               GhSyncResult  *result)
{
  g_autoptr(GPtrArray) planned = g_ptr_array_new_with_free_func (planned_profile_free);
  g_auto(NameMaker) maker = { g_string_new (NULL), g_string_new (NULL) };

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);
      g_autoptr(GError) local_error = NULL;
      PlannedProfile *profile;
      char *name;

      if (recipe->only != NULL && !g_hash_table_contains (recipe->only, gh_role_get_key (role)))
        continue;

      if (!is_single_line (gh_role_get_role_name (role)) ||
          !is_single_line (gh_role_get_account_id (role)))
        {
          g_ptr_array_add (result->skipped,
                           g_strdup_printf (_("%s: the role or account has a line break in its "
                                              "name; not written"),
                                            gh_role_get_key (role)));
          continue;
        }

      name = name_maker_make (&maker, recipe->template_, recipe->session_name,
                              gh_role_get_account_id (role), gh_role_get_account_name (role),
                              gh_role_get_role_name (role), &local_error);
      if (name == NULL)
        {
          g_ptr_array_add (result->skipped, g_strdup_printf ("%s: %s", gh_role_get_key (role),
                                                             local_error->message));
          continue;
        }

      profile = g_new0 (PlannedProfile, 1);
      profile->name = name;
      profile->role = role;
      g_ptr_array_add (planned, profile);
    }

  /* Names are nearly always distinct: one sort shows it, and the collision rules (in key
   * order) run only when they are not */
  g_ptr_array_sort (planned, compare_by_name);
  if (has_repeated_name (planned))
    {
      g_ptr_array_sort (planned, compare_by_role_key);
      resolve_collisions (planned, result);
      g_ptr_array_sort (planned, compare_by_name);
    }

  for (guint i = 0; i < planned->len; i++)
    plan_keys (g_ptr_array_index (planned, i), recipe);

  return g_steal_pointer (&planned);
}

/* ---------------------------------------------------------------------------------------- */
/* Applying the plan                                                                        */

static gboolean
is_managed_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (managed_keys); i++)
    if (g_str_equal (key, managed_keys[i]))
      return TRUE;
  return FALSE;
}

static const char *
lookup_entry (const char * const *keys,
              const char * const *values,
              const char         *key)
{
  for (guint i = 0; keys[i] != NULL; i++)
    if (g_str_equal (keys[i], key))
      return values[i];
  return NULL;
}

/* Brings the section to the planned keys: managed keys that are not planned go, planned keys
 * that differ are set (in place, or appended). TRUE when something changed. */
static gboolean
update_section (GhIni          *ini,
                const char     *header,
                PlannedProfile *planned)
{
  g_auto(GStrv) values = NULL;
  g_auto(GStrv) keys = gh_ini_get_entries (ini, header, &values);
  gboolean changed = FALSE;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      if (is_managed_key (keys[i]) &&
          !g_strv_contains ((const char * const *) planned->keys, keys[i]))
        {
          gh_ini_remove_key (ini, header, keys[i]);
          changed = TRUE;
        }
    }

  for (guint i = 0; planned->keys[i] != NULL; i++)
    {
      /* Removing other keys left the planned ones as they were */
      const char *current = lookup_entry ((const char * const *) keys,
                                          (const char * const *) values, planned->keys[i]);

      if (g_strcmp0 (current, planned->values[i]) != 0)
        {
          gh_ini_set_value (ini, header, planned->keys[i], planned->values[i]);
          changed = TRUE;
        }
    }

  return changed;
}

static void
add_section (GhIni          *ini,
             PlannedProfile *planned,
             const char     *marker)
{
  g_autofree char *header = gh_aws_config_profile_header (planned->name);

  gh_ini_add_section (ini, header, marker);
  for (guint k = 0; planned->keys[k] != NULL; k++)
    gh_ini_set_value (ini, header, planned->keys[k], planned->values[k]);
}

typedef enum
{
  OWNER_HAND_WRITTEN,
  OWNER_OTHER_SESSION,
  OWNER_THIS_SESSION,
} Owner;

/* The document's headers as they were read, each with its occurrence (see
 * gh_ini_header_occurrences()) */
typedef struct
{
  GhIni      *ini;
  GStrv       headers;
  guint      *occurrences;
  const char *session_name;
  char       *marker_line;  /* this sign-in's marker as Gatehouse writes it, with its "# " */
} Headers;

/* The sign-in whose marker is above header @h; NULL for none. Nearly every header a sync
 * looks at carries the very marker it writes: that one is known without parsing. */
static char *
header_owner (Headers *doc,
              guint    h)
{
  g_autofree char *comment = gh_ini_get_header_comment (doc->ini, doc->headers[h],
                                                        doc->occurrences[h]);

  if (g_strcmp0 (comment, doc->marker_line) == 0)
    return g_strdup (doc->session_name);
  return gh_profile_marker_parse (comment);
}

typedef struct
{
  char     *name;
  GArray   *headers;       /* indices into Headers, in file order */
  gboolean  planned;       /* a planned profile has its name */
} ExistingProfile;

static void
existing_profile_free (gpointer data)
{
  ExistingProfile *existing = data;

  g_free (existing->name);
  g_array_unref (existing->headers);
  g_free (existing);
}

/* A profile is this sign-in's only when the marker above every one of its headers names it */
static Owner
owner_of (Headers         *doc,
          ExistingProfile *existing,
          const char      *session_name,
          char           **other_session)
{
  g_autofree char *first = NULL;

  for (guint i = 0; i < existing->headers->len; i++)
    {
      guint h = g_array_index (existing->headers, guint, i);
      g_autofree char *owner = header_owner (doc, h);

      if (owner == NULL)
        return OWNER_HAND_WRITTEN;
      if (first == NULL)
        first = g_steal_pointer (&owner);
      else if (!g_str_equal (first, owner))
        return OWNER_HAND_WRITTEN;
    }

  g_assert (first != NULL);

  if (g_str_equal (first, session_name))
    return OWNER_THIS_SESSION;

  if (other_session != NULL)
    *other_session = g_steal_pointer (&first);
  return OWNER_OTHER_SESSION;
}

/* Whether every header of the profile is one `gatehouse profile add` wrote for @role */
static gboolean
added_for_role (Headers         *doc,
                ExistingProfile *existing,
                const char      *session_name,
                GhRole          *role)
{
  for (guint i = 0; i < existing->headers->len; i++)
    {
      guint h = g_array_index (existing->headers, guint, i);

      if (!gh_profile_is_added_for_role (doc->ini, doc->headers[h], doc->occurrences[h],
                                         session_name, gh_role_get_account_id (role),
                                         gh_role_get_role_name (role)))
        return FALSE;
    }
  return TRUE;
}

/* Removes the given headers (indices into @doc, sorted) with their sections. In file order,
 * as gh_ini_remove_section() removes occurrences; each removal moves the later occurrences
 * of the same header text down by one. */
static void
remove_headers (Headers *doc,
                GArray  *to_remove)
{
  g_autoptr(GHashTable) removed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < to_remove->len; i++)
    {
      guint h = g_array_index (to_remove, guint, i);
      const char *header = doc->headers[h];
      guint before = GPOINTER_TO_UINT (g_hash_table_lookup (removed, header));

      if (!gh_ini_remove_section_occurrence (doc->ini, header, doc->occurrences[h] - before))
        g_assert_not_reached ();
      g_hash_table_insert (removed, (gpointer) header, GUINT_TO_POINTER (before + 1));
    }
}

/* A profile that stays names a profile that would go as its source_profile: that one stays
 * too (it may itself name another). @going: ExistingProfile of this sign-in that would go,
 * filtered to those that may. */
static void
keep_sources (Headers      *doc,
              GPtrArray    *existing_order,
              GPtrArray    *going,
              GhSyncResult *result)
{
  g_autoptr(GHashTable) leaving = NULL;
  gboolean kept_one = TRUE;

  if (going->len == 0)
    return;

  leaving = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < going->len; i++)
    g_hash_table_add (leaving, ((ExistingProfile *) g_ptr_array_index (going, i))->name);

  while (kept_one)
    {
      kept_one = FALSE;
      for (guint i = 0; i < existing_order->len; i++)
        {
          ExistingProfile *profile = g_ptr_array_index (existing_order, i);

          if (g_hash_table_contains (leaving, profile->name))
            continue;

          for (guint j = 0; j < profile->headers->len; j++)
            {
              guint h = g_array_index (profile->headers, guint, j);
              g_autofree char *source = gh_ini_get_value (doc->ini, doc->headers[h],
                                                          "source_profile");

              if (source == NULL || !g_hash_table_remove (leaving, source))
                continue;
              g_ptr_array_add (result->kept,
                               g_strdup_printf (_("%s: kept, because the profile “%s” names it "
                                                  "as source_profile; change that profile, and "
                                                  "the next sync removes it"),
                                                source, profile->name));
              kept_one = TRUE;
            }
        }
    }

  for (guint i = going->len; i-- > 0;)
    if (!g_hash_table_contains (leaving, ((ExistingProfile *) g_ptr_array_index (going, i))->name))
      g_ptr_array_remove_index (going, i);
}

/* Applies the plan to @ini; TRUE when that edited it */
static gboolean
apply_plan (GhIni         *ini,
            const char    *session_name,
            GPtrArray     *planned,
            GhSyncResult  *result)
{
  g_auto(GStrv) headers = NULL;
  g_autofree guint *occurrences = NULL;
  g_autoptr(GHashTable) existing = NULL;
  g_autoptr(GPtrArray) existing_order = NULL;
  g_autoptr(GPtrArray) currents = NULL;
  g_autoptr(GPtrArray) additions = g_ptr_array_new ();
  g_autoptr(GArray) to_remove = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) to_update = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) going = g_ptr_array_new ();
  g_autofree char *marker = gh_profile_marker_for_session (session_name);
  g_autofree char *marker_line = g_strconcat ("# ", marker, NULL);
  gboolean edited = FALSE;
  Headers doc;

  headers = gh_ini_get_headers (ini);
  occurrences = gh_ini_header_occurrences ((const char * const *) headers);
  doc = (Headers) { ini, headers, occurrences, session_name, marker_line };

  /* Profile name → its headers (`[profile a]` and `[profile 'a']` are one profile) */
  existing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, existing_profile_free);
  existing_order = g_ptr_array_new ();
  for (guint h = 0; headers[h] != NULL; h++)
    {
      g_autofree char *name = gh_aws_config_profile_name (headers[h]);
      ExistingProfile *profile;

      if (name == NULL)
        continue;

      profile = g_hash_table_lookup (existing, name);
      if (profile == NULL)
        {
          profile = g_new0 (ExistingProfile, 1);
          profile->name = g_steal_pointer (&name);
          profile->headers = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (existing, profile->name, profile);
          g_ptr_array_add (existing_order, profile);
        }
      g_array_append_val (profile->headers, h);
    }

  /* The section of each planned name, if there is one */
  currents = g_ptr_array_sized_new (planned->len);
  for (guint i = 0; i < planned->len; i++)
    {
      PlannedProfile *profile = g_ptr_array_index (planned, i);
      ExistingProfile *current = g_hash_table_lookup (existing, profile->name);

      if (current != NULL)
        current->planned = TRUE;
      g_ptr_array_add (currents, current);
    }

  /* This sign-in's profiles for roles that are gone (or no longer selected, or named
   * otherwise now) */
  for (guint i = 0; i < existing_order->len; i++)
    {
      ExistingProfile *profile = g_ptr_array_index (existing_order, i);

      if (!profile->planned &&
          owner_of (&doc, profile, session_name, NULL) == OWNER_THIS_SESSION)
        g_ptr_array_add (going, profile);
    }

  keep_sources (&doc, existing_order, going, result);
  for (guint i = 0; i < going->len; i++)
    {
      ExistingProfile *profile = g_ptr_array_index (going, i);

      g_array_append_vals (to_remove, profile->headers->data, profile->headers->len);
      g_ptr_array_add (result->removed, g_strdup (profile->name));
    }

  for (guint i = 0; i < planned->len; i++)
    {
      PlannedProfile *profile = g_ptr_array_index (planned, i);
      ExistingProfile *current = g_ptr_array_index (currents, i);
      g_autofree char *other = NULL;

      if (current == NULL)
        {
          g_ptr_array_add (additions, profile);
          g_ptr_array_add (result->added, g_strdup (profile->name));
          continue;
        }

      switch (owner_of (&doc, current, session_name, &other))
        {
        case OWNER_HAND_WRITTEN:
          /* `gatehouse profile add` wrote this very profile: no clash to report. */
          if (!added_for_role (&doc, current, session_name, profile->role))
            g_ptr_array_add (result->skipped,
                             g_strdup_printf (_("%s: a profile you wrote has this name; not "
                                                "changed"), profile->name));
          continue;

        case OWNER_OTHER_SESSION:
          g_ptr_array_add (result->skipped,
                           g_strdup_printf (_("%s: Gatehouse manages this profile for the "
                                              "sign-in “%s”; not changed"),
                                            profile->name, other));
          continue;

        case OWNER_THIS_SESSION:
        default:
          break;
        }

      /* Several sections of one name (a copied section, or `[profile a]` and
       * `[profile 'a']`): botocore uses the last one, so the earlier ones of ours go */
      g_array_append_vals (to_remove, current->headers->data, current->headers->len - 1);
      g_array_append_val (to_update, i);
    }

  g_array_sort (to_remove, (GCompareFunc) compare_guint);
  remove_headers (&doc, to_remove);

  /* With the earlier ones gone, the last header of a profile is the only one of its text, so
   * editing the section by its header text edits just that one */
  for (guint i = 0; i < to_update->len; i++)
    {
      guint p = g_array_index (to_update, guint, i);
      PlannedProfile *profile = g_ptr_array_index (planned, p);
      ExistingProfile *current = g_ptr_array_index (currents, p);
      guint last = g_array_index (current->headers, guint, current->headers->len - 1);

      if (update_section (ini, headers[last], profile) || current->headers->len > 1)
        {
          g_ptr_array_add (result->updated, g_strdup (profile->name));
          edited = TRUE;
        }
    }

  for (guint i = 0; i < additions->len; i++)
    add_section (ini, g_ptr_array_index (additions, i), marker);

  return edited || to_remove->len > 0 || additions->len > 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Syncing                                                                                  */

/* The file's text; "" for a missing file */
static char *
read_config (const char  *resolved,
             const char  *config_path,
             gsize       *length,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (!gh_file_check_regular (resolved, config_path, error))
    return NULL;

  if (g_file_get_contents (resolved, &contents, length, &local_error))
    return contents;

  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      *length = 0;
      return g_strdup ("");
    }

  g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
               _("Cannot read the AWS config file %s: %s"), config_path, local_error->message);
  return NULL;
}

static gboolean
empty (const char *text)
{
  return text == NULL || text[0] == '\0';
}

/* The settings given as options, and which ones they are; an empty string asks for the
 * default, as a missing key in the file does */
static GhSyncSetting
given_settings (const GhSyncOptions *options,
                GhSyncSettings      *given)
{
  GhSyncSetting which = 0;

  if (options->template_ != NULL)
    which |= GH_SYNC_SETTING_TEMPLATE;
  if (options->region != NULL)
    which |= GH_SYNC_SETTING_REGION;
  if (options->output != NULL)
    which |= GH_SYNC_SETTING_OUTPUT;
  if (options->credential_process)
    which |= GH_SYNC_SETTING_CREDENTIAL_PROCESS;
  if (options->favorites_only)
    which |= GH_SYNC_SETTING_FAVORITES_ONLY;

  given->template_ = empty (options->template_) ? NULL : g_strdup (options->template_);
  given->region = empty (options->region) ? NULL : g_strdup (options->region);
  given->output = empty (options->output) ? NULL : g_strdup (options->output);
  given->credential_process = options->credential_process;
  given->favorites_only = options->favorites_only;
  return which;
}

/* The settings this sync uses: the stored ones, with the options' resets and values applied;
 * with options->store, the changes go into the sign-in's section of @ini. An empty string is
 * no value. */
static gboolean
resolve_settings (GhIni                *ini,
                  const char           *config_path,
                  const char           *session_name,
                  const GhSyncOptions  *options,
                  GhSyncResult         *result,
                  gboolean             *edited,
                  GError              **error)
{
  g_autofree char *section = gh_aws_config_find_session_section (ini, session_name);
  g_autoptr(GhSyncSettings) stored = NULL;
  g_autoptr(GhSyncSettings) defaults = gh_sync_settings_new ();
  g_autoptr(GhSyncSettings) given = gh_sync_settings_new ();
  GhSyncSetting given_mask = given_settings (options, given);
  GhSyncSetting reset = options->reset & GH_SYNC_SETTINGS_ALL & ~given_mask;

  stored = section != NULL ? gh_sync_settings_load_from_ini (ini, section)
                           : gh_sync_settings_new ();
  result->settings = gh_sync_settings_copy (stored);
  gh_sync_settings_assign (result->settings, defaults, reset);
  gh_sync_settings_assign (result->settings, given, given_mask);
  if (section != NULL)
    result->session_region = gh_ini_get_value (ini, section, "sso_region");

  if (!options->store)
    return TRUE;

  result->stored = gh_sync_settings_differ (stored, result->settings, given_mask | reset);
  if (result->stored == 0)
    return TRUE;

  if (section == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("There is no sign-in named “%s” in %s to keep the sync settings with"),
                   session_name, config_path);
      return FALSE;
    }

  gh_sync_settings_save_to_ini (result->settings, result->stored, ini, section);
  *edited = TRUE;
  return TRUE;
}

static GHashTable *
favorites_table (GStrv keys)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; keys[i] != NULL; i++)
    g_hash_table_add (table, keys[i]);
  return table;
}

/* Plans the profiles with the settings in @result and applies the plan to @ini; @edited
 * is set when that edited it */
static gboolean
plan_and_apply (GhIni                *ini,
                const char           *session_name,
                GPtrArray            *roles,
                const GhSyncOptions  *options,
                GhSyncResult         *result,
                gboolean             *edited,
                GError              **error)
{
  const GhSyncSettings *settings = result->settings;
  g_autoptr(GHashTable) only = NULL;
  g_autoptr(GPtrArray) planned = NULL;
  Recipe recipe = { 0, };

  /* Settings hold no empty strings: gh-sync-settings reads them as the default */
  recipe.session_name = session_name;
  recipe.template_ = settings->template_ != NULL ? settings->template_
                                                 : GH_DEFAULT_PROFILE_TEMPLATE;
  recipe.region = settings->region != NULL ? settings->region
                                           : !empty (result->session_region)
                                           ? result->session_region : NULL;
  recipe.output = settings->output;
  recipe.credential_process = settings->credential_process;
  recipe.command = !empty (options->gatehouse_command) ? options->gatehouse_command
                                                       : "gatehouse";

  if (!check_recipe (&recipe, settings->region != NULL
                              ? _("a sync setting of the sign-in")
                              : _("the sign-in's sso_region"), error))
    return FALSE;

  if (settings->favorites_only)
    {
      if (options->favorite_keys == NULL)
        {
          g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                       _("The sign-in “%s” syncs only favourite roles, but the favourites could "
                         "not be read; gatehouse sync %s --reset favorites-only syncs all its "
                         "roles"),
                       session_name, session_name);
          return FALSE;
        }
      recipe.only = only = favorites_table (options->favorite_keys);
    }

  planned = plan_profiles (roles, &recipe, result);
  if (apply_plan (ini, session_name, planned, result))
    *edited = TRUE;
  return TRUE;
}

/* The document to edit: @copy when it is still the file (@read_as, read at @read_at), else
 * the file read now */
static GhIni *
load_document (const char         *config_path,
               const char         *resolved,
               GhIni              *copy,
               const struct stat  *read_as,
               gint64              read_at,
               char              **contents,
               gsize              *length,
               GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GhIni) ini = NULL;
  struct stat now;

  if (copy != NULL && gh_file_version_is_settled (read_as, read_at) &&
      stat (resolved, &now) == 0 && S_ISREG (now.st_mode) && gh_file_same_version (read_as, &now))
    return g_object_ref (copy);

  *contents = read_config (resolved, config_path, length, error);
  if (*contents == NULL)
    return NULL;

  ini = gh_ini_new ();
  if (!gh_ini_load_from_data (ini, *contents, *length, &local_error))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot use the AWS config file %s: %s. Fix the file in a text editor."),
                   config_path, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&ini);
}

/* Reads the file (or takes @copy), applies the settings and the plan to it and writes it
 * back unless @dry_run or nothing changed; the caller holds the lock when it is not a dry
 * run. */
static gboolean
sync_file (const char           *config_path,
           const char           *resolved,
           const char           *session_name,
           GPtrArray            *roles,
           const GhSyncOptions  *options,
           gboolean              dry_run,
           GhIni                *copy,
           const struct stat    *read_as,
           gint64                read_at,
           GhSyncResult         *result,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(GhIni) ini = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *new_contents = NULL;
  gsize length = 0;
  gsize new_length = 0;
  gboolean edited = FALSE;

  ini = load_document (config_path, resolved, copy, read_as, read_at, &contents, &length,
                       error);
  if (ini == NULL)
    return FALSE;

  if (!resolve_settings (ini, config_path, session_name, options, result, &edited, error) ||
      !plan_and_apply (ini, session_name, roles, options, result, &edited, error))
    return FALSE;

  /* No edit leaves the document byte-identical to the file (gh-ini.h): the common case of a
   * sync that finds everything in place, which thus never writes the text out. An edit may
   * still give the same text, so the texts are compared then. */
  if (edited)
    {
      new_contents = gh_ini_to_data (ini, &new_length);
      /* Under the lock, a copy still the file has the file's text */
      if (contents == NULL &&
          (contents = read_config (resolved, config_path, &length, error)) == NULL)
        return FALSE;
      result->changed = new_length != length || memcmp (new_contents, contents, length) != 0;
    }
  if (!result->changed)
    {
      /* Nothing to write, but what an interrupted sync left behind still goes */
      if (!dry_run)
        gh_file_remove_stale_temp_files (resolved);
      return TRUE;
    }

  g_free (result->diff);
  result->diff = gh_text_diff_unified (config_path, contents, length,
                                       config_path, new_contents, new_length);

  if (dry_run)
    return TRUE;

  /* The last moment a cancelled sync can still leave the file as it was */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return gh_file_write_private (resolved, new_contents, new_length, error);
}

static GhSyncResult *
profile_sync (const char           *config_path,
              const char           *session_name,
              GPtrArray            *roles,
              const GhSyncOptions  *options,
              gboolean              dry_run,
              GhIni                *copy,
              const struct stat    *read_as,
              gint64                read_at,
              GCancellable         *cancellable,
              GError              **error)
{
  static const GhSyncOptions default_options = { 0 };
  g_autoptr(GhSyncResult) result = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *resolved = NULL;

  if (options == NULL)
    options = &default_options;

  if (!gh_validate_session_name (session_name, error) || !check_options (options, error))
    return NULL;

  for (guint i = 0; roles != NULL && i < roles->len; i++)
    g_return_val_if_fail (GH_IS_ROLE (g_ptr_array_index (roles, i)), NULL);

  absolute = g_canonicalize_filename (config_path, NULL);
  resolved = gh_file_resolve_symlinks (absolute);

  if (!dry_run)
    {
      g_autofree char *lock_name = gh_lock_name_for_file ("config", resolved);

      lock = gh_lock_acquire (lock_name, cancellable, error);
      if (lock == NULL)
        return NULL;
    }

  result = sync_result_new ();
  if (!sync_file (config_path, resolved, session_name, roles, options, dry_run, copy, read_as,
                  read_at, result, cancellable, error))
    return NULL;

  return g_steal_pointer (&result);
}

/**
 * gh_profile_sync:
 *
 * Without @dry_run, the file is read, planned and written under the config file's lock (the
 * lock gh_aws_config_add_session() takes), so an edit another program made before the lock was
 * taken is kept. Nothing is written when the planned text equals the file. Fails with
 * GH_ERROR_INVALID_INPUT for a bad template or option (given or stored),
 * GH_ERROR_NOT_FOUND_LOCAL for settings to store for a sign-in the file does not define,
 * GH_ERROR_CONFIG when the file cannot be read, parsed or written (then the file is as it
 * was).
 */
GhSyncResult *
gh_profile_sync (const char           *config_path,
                 const char           *session_name,
                 GPtrArray            *roles,
                 const GhSyncOptions  *options,
                 gboolean              dry_run,
                 GError              **error)
{
  g_return_val_if_fail (config_path != NULL, NULL);
  g_return_val_if_fail (session_name != NULL, NULL);

  return profile_sync (config_path, session_name, roles, options, dry_run, NULL, NULL, 0, NULL,
                       error);
}

/**
 * gh_profile_sync_copy:
 *
 * gh_profile_sync() for a caller that has read and parsed the file already, as the CLI has to
 * find the sign-ins: with thousands of profiles, parsing is a good part of a sync. Under the
 * lock the file is read again when it is no longer the version @read_as describes, or when
 * that version was too fresh at @read_at to tell it from a later edit by its stat().
 */
GhSyncResult *
gh_profile_sync_copy (const char           *config_path,
                      const char           *session_name,
                      GPtrArray            *roles,
                      const GhSyncOptions  *options,
                      gboolean              dry_run,
                      GhIni                *copy,
                      const struct stat    *read_as,
                      gint64                read_at,
                      GError              **error)
{
  g_return_val_if_fail (config_path != NULL, NULL);
  g_return_val_if_fail (session_name != NULL, NULL);
  g_return_val_if_fail (GH_IS_INI (copy), NULL);
  g_return_val_if_fail (read_as != NULL, NULL);

  return profile_sync (config_path, session_name, roles, options, dry_run, copy, read_as,
                       read_at, NULL, error);
}

/* The command PATH finds is written when it is this executable, so the profiles survive an
 * upgrade that moves the binary; anything else (an uninstalled build) needs the full path. */
char *
gh_profile_sync_default_command (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *found = g_find_program_in_path ("gatehouse");
  g_autofree char *found_real = found != NULL ? realpath (found, NULL) : NULL;

  if (self == NULL || g_strcmp0 (found_real, self) == 0)
    return g_strdup ("gatehouse");
  return g_steal_pointer (&self);
}

/* What a sync on a worker thread needs: copies, so the caller may free its own at once */
typedef struct
{
  char          *config_path;
  char          *session_name;
  GPtrArray     *roles;
  GhSyncOptions  options;       /* its strings are the ones below */
  char          *template_;
  char          *region;
  char          *output;
  char          *gatehouse_command;
  GStrv          favorite_keys;
  gboolean       dry_run;
} SyncData;

static void
sync_data_free (gpointer user_data)
{
  SyncData *data = user_data;

  g_free (data->config_path);
  g_free (data->session_name);
  g_clear_pointer (&data->roles, g_ptr_array_unref);
  g_free (data->template_);
  g_free (data->region);
  g_free (data->output);
  g_free (data->gatehouse_command);
  g_strfreev (data->favorite_keys);
  g_free (data);
}

static SyncData *
sync_data_new (const char          *config_path,
               const char          *session_name,
               GPtrArray           *roles,
               const GhSyncOptions *options,
               gboolean             dry_run)
{
  SyncData *data = g_new0 (SyncData, 1);

  data->config_path = g_strdup (config_path);
  data->session_name = g_strdup (session_name);
  data->roles = gh_role_array_copy (roles);
  data->dry_run = dry_run;
  if (options == NULL)
    return data;

  data->options = *options;
  data->options.template_ = data->template_ = g_strdup (options->template_);
  data->options.region = data->region = g_strdup (options->region);
  data->options.output = data->output = g_strdup (options->output);
  data->options.gatehouse_command = data->gatehouse_command =
    g_strdup (options->gatehouse_command);
  data->options.favorite_keys = data->favorite_keys = g_strdupv (options->favorite_keys);
  return data;
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SyncData *data = task_data;
  GError *error = NULL;
  GhSyncResult *result;

  result = profile_sync (data->config_path, data->session_name, data->roles, &data->options,
                         data->dry_run, NULL, NULL, 0, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) gh_sync_result_free);
}

/**
 * gh_profile_sync_async:
 *
 * gh_profile_sync() on a worker thread, which also waits for the config file's lock, so a CLI
 * that holds it never stalls the caller's main loop. @roles and @options are copied (the
 * roles by reference: GhRole objects do not change). Cancelling ends the wait for the lock
 * and leaves the file as it was, unless the new file was being written already.
 */
void
gh_profile_sync_async (const char           *config_path,
                       const char           *session_name,
                       GPtrArray            *roles,
                       const GhSyncOptions  *options,
                       gboolean              dry_run,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (config_path != NULL);
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_profile_sync_async);
  g_task_set_task_data (task, sync_data_new (config_path, session_name, roles, options, dry_run),
                        sync_data_free);
  g_task_run_in_thread (task, sync_thread);
}

GhSyncResult *
gh_profile_sync_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_profile_sync_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Settings */

/**
 * gh_profile_sync_check_settings:
 *
 * What a sync would refuse in @settings, before anything is stored: a template with an unknown
 * placeholder, a region that is not one, an output format the AWS CLI does not have.
 */
gboolean
gh_profile_sync_check_settings (const GhSyncSettings  *settings,
                                GError               **error)
{
  GhSyncOptions options = { 0, };

  g_return_val_if_fail (settings != NULL, FALSE);

  options.template_ = settings->template_;
  options.region = settings->region;
  options.output = settings->output;
  if (!check_options (&options, error))
    return FALSE;
  return settings->output == NULL || gh_profile_validate_output (settings->output, error);
}

typedef struct
{
  const GhSyncSettings *settings;
  GhSyncSetting         which;
} StoreSettings;

static gboolean
store_settings_edit (GhIni       *ini,
                     const char  *section,
                     gpointer     user_data,
                     GError     **error)
{
  StoreSettings *store = user_data;

  gh_sync_settings_save_to_ini (store->settings, store->which, ini, section);
  return TRUE;
}

/**
 * gh_profile_sync_store_settings:
 *
 * Stores the settings named in @which for the sign-in @session_name, where `gatehouse sync
 * --store` keeps them, without syncing: the next sync writes the profiles with them. Under the
 * config file's lock; the rest of the file stays as it was. GH_ERROR_INVALID_INPUT for a value
 * gh_profile_sync_check_settings() refuses, GH_ERROR_NOT_FOUND_LOCAL for a sign-in the file
 * does not define, GH_ERROR_CONFIG when the file cannot be read, parsed or written.
 */
gboolean
gh_profile_sync_store_settings (const char            *config_path,
                                const char            *session_name,
                                const GhSyncSettings  *settings,
                                GhSyncSetting          which,
                                GCancellable          *cancellable,
                                GError               **error)
{
  StoreSettings store = { settings, which };

  g_return_val_if_fail (config_path != NULL, FALSE);
  g_return_val_if_fail (session_name != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (!gh_profile_sync_check_settings (settings, error))
    return FALSE;

  return gh_aws_config_edit_session (config_path, session_name, store_settings_edit, &store,
                                     cancellable, error);
}

typedef struct
{
  char           *config_path;
  char           *session_name;
  GhSyncSettings *settings;
  GhSyncSetting   which;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  g_free (job->config_path);
  g_free (job->session_name);
  gh_sync_settings_free (job->settings);
  g_free (job);
}

static gboolean
store_job (gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  StoreJob *job = data;

  return gh_profile_sync_store_settings (job->config_path, job->session_name, job->settings,
                                         job->which, cancellable, error);
}

void
gh_profile_sync_store_settings_async (const char            *config_path,
                                      const char            *session_name,
                                      const GhSyncSettings  *settings,
                                      GhSyncSetting          which,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  StoreJob *job;

  g_return_if_fail (config_path != NULL);
  g_return_if_fail (session_name != NULL);
  g_return_if_fail (settings != NULL);

  job = g_new0 (StoreJob, 1);
  job->config_path = g_strdup (config_path);
  job->session_name = g_strdup (session_name);
  job->settings = gh_sync_settings_copy (settings);
  job->which = which;
  gh_file_job_run_async (gh_profile_sync_store_settings_async, store_job, job,
                         (GDestroyNotify) store_job_free, cancellable, callback, user_data);
}

gboolean
gh_profile_sync_store_settings_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return gh_file_job_finish (result, gh_profile_sync_store_settings_async, error);
}
