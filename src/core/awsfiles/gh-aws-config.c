/* gh-aws-config.c — sign-in definitions in the AWS config file (docs/aws-protocols.md §4.1–§4.4)
 *
 * Listing reads the file as botocore does: `[sso-session NAME]` and `[profile NAME]` headers
 * are split like shlex.split and need exactly two tokens. Listing does not validate the
 * values: an entry without a start URL or region is still listed, and the caller decides what
 * to do with it (show it as broken, refuse to sign in).
 *
 * Edits take the per-file lock, read the file again under it, change it through GhIni (so the
 * rest of the file stays byte-identical) and replace it atomically with mode 0600. A symlinked
 * config file is edited through the link.
 */
#define G_LOG_DOMAIN "gh-aws-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-ini.h"
#include "gh-lock.h"
#include "gh-profile-marker.h"
#include "gh-shell-quote.h"

#define MAX_SESSION_NAME_LENGTH 128

void
gh_sso_session_config_free (GhSsoSessionConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->name);
  g_free (config->start_url);
  g_free (config->region);
  g_strfreev (config->scopes);
  g_free (config);
}

/* An empty AWS_CONFIG_FILE counts as unset. */
char *
gh_aws_config_default_path (void)
{
  return gh_aws_file_path ("AWS_CONFIG_FILE", "config");
}

gboolean
gh_validate_session_name (const char  *name,
                          GError     **error)
{
  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The sign-in name is empty. Enter a name such as “my-sso”."));
      return FALSE;
    }

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The sign-in name is not valid text."));
      return FALSE;
    }

  if (strpbrk (name, "\r\n") != NULL)
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The sign-in name must be a single line."));
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > MAX_SESSION_NAME_LENGTH)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The sign-in name is too long; use at most %d characters."),
                   MAX_SESSION_NAME_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/* What the AWS SDK for JavaScript's INI parser takes as a section name (prefixKeyRegex in
 * @smithy/shared-ini-file-loader): it ignores a section whose name has anything else. */
static const char portable_name_chars[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.@+%:/";

/* @name with every run of other characters turned into one '-' */
static char *
portable_session_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p++)
    {
      if (strchr (portable_name_chars, *p) != NULL)
        g_string_append_c (out, *p);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }

  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "my-sso");

  return g_string_free (out, FALSE);
}

/* Sign-ins that `aws configure sso` made with other names keep working: only new names are
 * held to this. */
gboolean
gh_validate_new_session_name (const char  *name,
                              GError     **error)
{
  g_autofree char *suggestion = NULL;

  if (!gh_validate_session_name (name, error))
    return FALSE;

  if (name[strspn (name, portable_name_chars)] == '\0')
    return TRUE;

  suggestion = portable_session_name (name);
  g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
               _("The sign-in name “%s” has characters that some AWS tools cannot read (the AWS "
                 "SDK for JavaScript reads only ASCII letters, digits and _ - . @ + %% : / in a "
                 "sign-in name). Use a name such as “%s”."),
               name, suggestion);
  return FALSE;
}

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 ||
         g_strcmp0 (host, "::1") == 0 ||
         g_strcmp0 (host, "[::1]") == 0 ||
         g_ascii_strcasecmp (host, "localhost") == 0;
}

/* The URL itself never goes into the message: it could carry user:password. */
gboolean
gh_validate_start_url (const char  *url,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || url[0] == '\0')
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The start URL is empty. Enter the AWS access portal URL, such as "
                             "https://my-company.awsapps.com/start."));
      return FALSE;
    }

  for (const char *p = url; *p != '\0'; p++)
    {
      if ((guchar) *p <= 0x20 || *p == 0x7f)
        {
          g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                               _("The start URL contains spaces or control characters."));
          return FALSE;
        }
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || host[0] == '\0')
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The start URL is not a complete web address. Enter it as shown "
                             "in the AWS access portal, such as "
                             "https://my-company.awsapps.com/start."));
      return FALSE;
    }

  /* A password would be written into the config file in plain text, for every tool to read */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The start URL must not contain a user name or password "
                             "(user:password@). Enter the AWS access portal URL without them, "
                             "such as https://my-company.awsapps.com/start."));
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (host))
    return TRUE;

  g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                       _("The start URL must begin with https://."));
  return FALSE;
}

gboolean
gh_validate_region (const char  *region,
                    GError     **error)
{
  if (region == NULL || region[0] == '\0')
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The region is empty. Enter the region of IAM Identity Center, "
                             "such as us-east-1."));
      return FALSE;
    }

  if (!gh_region_is_valid (region))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The region is not a valid AWS region name. Enter a region such "
                             "as us-east-1 or eu-west-1."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_scopes (const char * const  *scopes,
                 GError             **error)
{
  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (scopes[i]));

      if (item[0] == '\0' || strpbrk (item, ",\r\n") != NULL)
        {
          g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                               _("Each registration scope must be a single non-empty value "
                                 "without commas, such as sso:account:access."));
          return FALSE;
        }
    }

  return TRUE;
}

char *
gh_aws_config_session_header (const char *name)
{
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  quoted = gh_shell_quote (name);
  return g_strconcat ("sso-session ", quoted, NULL);
}

char *
gh_aws_config_profile_header (const char *name)
{
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_str_equal (name, "default"))
    return g_strdup ("default");

  quoted = gh_shell_quote (name);
  return g_strconcat ("profile ", quoted, NULL);
}

/* shlex's word breaks */
static gboolean
is_word_break (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Without quotes or backslashes, shlex words are the text split at its word breaks: the
 * header of nearly every section, read without building a word list. */
static gboolean
parse_plain_header (const char  *header,
                    char       **kind,
                    char       **name)
{
  const char *kind_end;
  const char *name_start;
  const char *name_end;

  while (is_word_break (*header))
    header++;
  for (kind_end = header; *kind_end != '\0' && !is_word_break (*kind_end); kind_end++)
    ;
  for (name_start = kind_end; is_word_break (*name_start); name_start++)
    ;
  for (name_end = name_start; *name_end != '\0' && !is_word_break (*name_end); name_end++)
    ;
  if (kind_end == header || name_end == name_start)
    return FALSE;
  for (const char *p = name_end; *p != '\0'; p++)
    if (!is_word_break (*p))
      return FALSE;

  if (kind != NULL)
    *kind = g_strndup (header, kind_end - header);
  if (name != NULL)
    *name = g_strndup (name_start, name_end - name_start);
  return TRUE;
}

gboolean
gh_aws_config_parse_header (const char  *header,
                            char       **kind,
                            char       **name)
{
  g_auto(GStrv) tokens = NULL;

  g_return_val_if_fail (header != NULL, FALSE);

  if (strpbrk (header, "'\"\\") == NULL)
    return parse_plain_header (header, kind, name);

  tokens = gh_shell_split (header);
  if (tokens == NULL || g_strv_length (tokens) != 2)
    return FALSE;

  if (kind != NULL)
    *kind = g_strdup (tokens[0]);
  if (name != NULL)
    *name = g_strdup (tokens[1]);

  return TRUE;
}

char *
gh_aws_config_profile_name (const char *header)
{
  g_autofree char *kind = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (header != NULL, NULL);

  if (g_str_equal (header, "default"))
    return g_strdup ("default");

  if (!gh_aws_config_parse_header (header, &kind, &name) || !g_str_equal (kind, "profile"))
    return NULL;

  return g_steal_pointer (&name);
}

static GStrv
parse_scopes (const char *value)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) items = NULL;

  if (value == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (items[i][0] != '\0')
        g_strv_builder_add (builder, items[i]);
    }

  return g_strv_builder_end (builder);
}

/* "28800", "8h", "90m", "2d" (and "30s"); 0 for anything else. */
gint64
gh_parse_duration (const char *value)
{
  g_autofree char *text = NULL;
  gint64 unit = 1;
  guint64 number;
  gsize len;

  if (value == NULL)
    return 0;

  text = g_strstrip (g_ascii_strdown (value, -1));
  len = strlen (text);
  if (len > 1 && strchr ("dhms", text[len - 1]) != NULL)
    {
      switch (text[len - 1])
        {
        case 'd': unit = 24 * 3600; break;
        case 'h': unit = 3600; break;
        case 'm': unit = 60; break;
        default: unit = 1; break;
        }
      text[--len] = '\0';
      g_strchomp (text);
    }

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64 / (24 * 3600), &number, NULL))
    return 0;

  return (gint64) number * unit;
}

static gboolean
session_duration_in_range (gint64 seconds)
{
  return seconds >= GH_MIN_SESSION_DURATION && seconds <= GH_MAX_SESSION_DURATION;
}

/* Unreadable values, and values longer than any Identity Center allows (they would overflow
 * the times computed from them), give the default. A shorter one than Identity Center allows
 * is honoured here, as someone wrote it by hand for a reason (a simulator's short sessions);
 * only `session add` holds new values to Identity Center's range. */
static gint64
parse_duration (const char *value)
{
  gint64 duration = gh_parse_duration (value);

  if (duration <= 0 || duration > GH_MAX_SESSION_DURATION)
    {
      if (value != NULL)
        g_debug ("Ignoring gatehouse_session_duration “%s”", value);
      return GH_DEFAULT_SESSION_DURATION;
    }
  return duration;
}

static char *
format_duration (gint64 seconds)
{
  if (seconds % 3600 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h", seconds / 3600);
  if (seconds % 60 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "m", seconds / 60);
  return g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
}

/* configparser's getboolean words */
gboolean
gh_aws_config_value_is_true (const char *value)
{
  static const char * const truthy[] = { "1", "yes", "true", "on" };
  g_autofree char *text = NULL;

  if (value == NULL)
    return FALSE;

  text = g_strstrip (g_ascii_strdown (value, -1));
  for (guint i = 0; i < G_N_ELEMENTS (truthy); i++)
    if (g_str_equal (text, truthy[i]))
      return TRUE;

  return FALSE;
}

static GhSsoSessionConfig *
config_from_section (GhIni      *ini,
                     const char *section,
                     const char *name,
                     gboolean    legacy)
{
  GhSsoSessionConfig *config = g_new0 (GhSsoSessionConfig, 1);
  g_autofree char *scopes = gh_ini_get_value (ini, section, "sso_registration_scopes");
  g_autofree char *duration = gh_ini_get_value (ini, section, "gatehouse_session_duration");
  g_autofree char *cache = gh_ini_get_value (ini, section, "gatehouse_cache_refresh_token");

  config->name = g_strdup (name);
  config->start_url = gh_ini_get_value (ini, section, "sso_start_url");
  config->region = gh_ini_get_value (ini, section, "sso_region");
  config->scopes = parse_scopes (scopes);
  config->legacy = legacy;
  config->session_duration = parse_duration (duration);
  config->cache_refresh_token = gh_aws_config_value_is_true (cache);

  return config;
}

/* Whether @header's first shlex word is @word, unquoted: a quick test that is never wrong when
 * it says yes */
static gboolean
starts_with_word (const char *header,
                  const char *word)
{
  gsize length = strlen (word);

  while (is_word_break (*header))
    header++;
  return strncmp (header, word, length) == 0 && is_word_break (header[length]);
}

/* gh_aws_config_profile_name (@header) is @name; without an allocation for the plain headers
 * of nearly every profile */
static gboolean
header_names_profile (const char *header,
                      const char *name)
{
  g_autofree char *profile = NULL;
  gsize length = strlen (name);
  gsize header_length = strlen (header);
  const char *p = header;

  /* The header's last byte is the name's unless it is a quote or a backslash: most headers
   * differ from the name there */
  if (length > 0 && header_length > 0 && header[header_length - 1] != name[length - 1] &&
      strchr ("'\"\\", header[header_length - 1]) == NULL)
    return FALSE;

  if (strpbrk (header, "'\"\\") == NULL && starts_with_word (header, "profile"))
    {
      while (is_word_break (*p))
        p++;
      p += strlen ("profile");
      while (is_word_break (*p))
        p++;
      if (strncmp (p, name, length) != 0)
        return FALSE;
      for (p += length; *p != '\0'; p++)
        if (!is_word_break (*p))
          return FALSE;
      /* A name with a word break in it is never one word */
      return length > 0 && strpbrk (name, " \t\r\n") == NULL;
    }

  profile = gh_aws_config_profile_name (header);
  return g_strcmp0 (profile, name) == 0;
}

/* What listing the sign-ins and finding one profile read (gh_aws_config_load_for_profile()):
 * every section that is not a profile (the sign-ins' and a few others), and the profile's
 * own; profiles that define a sign-in come by their sso_start_url key. Keeping a section for
 * nothing costs only its lines. */
static gboolean
keep_for_profile (const char *header,
                  gpointer    user_data)
{
  const char *profile = user_data;

  if (g_str_equal (header, "default"))
    return g_strcmp0 (profile, "default") == 0;
  if (!starts_with_word (header, "profile"))
    return TRUE;
  return profile != NULL && header_names_profile (header, profile);
}

/* Reads and parses the file; a missing file is an empty document when @missing_ok. Messages
 * name @display_path, the path as the person gave it (not the symlink target). With @partial,
 * only what gh_aws_config_load_for_profile() keeps for @profile. */
static GhIni *
load_ini_as (const char  *path,
             const char  *display_path,
             gboolean     missing_ok,
             gboolean     partial,
             const char  *profile,
             GError     **error)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean loaded;

  if (!gh_file_check_regular (path, display_path, error))
    return NULL;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (missing_ok && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&ini);

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot read the AWS config file %s: %s"), display_path,
                   local_error->message);
      return NULL;
    }

  if (partial)
    loaded = gh_ini_load_take_data_filtered (ini, g_steal_pointer (&contents), length,
                                             keep_for_profile, (gpointer) profile,
                                             "sso_start_url", &local_error);
  else
    loaded = gh_ini_load_take_data (ini, g_steal_pointer (&contents), length, &local_error);
  if (!loaded)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot use the AWS config file %s: %s. Fix the file in a text editor."),
                   display_path, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&ini);
}

static GhIni *
load_ini (const char  *path,
          const char  *display_path,
          gboolean     missing_ok,
          GError     **error)
{
  return load_ini_as (path, display_path, missing_ok, FALSE, NULL, error);
}

GhIni *
gh_aws_config_load (const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return load_ini (path, path, TRUE, error);
}

/**
 * gh_aws_config_load_for_profile:
 *
 * gh_aws_config_load() reading only what gh_aws_config_list_sessions_in() and
 * gh_aws_config_find_profile_in() for @profile (NULL: none) need: the sign-in definitions and
 * the sections of that profile. With thousands of profiles, that is a scan of the file
 * instead of a document of it. The document is read-only (gh_ini_is_partial()).
 */
GhIni *
gh_aws_config_load_for_profile (const char  *path,
                                const char  *profile,
                                GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return load_ini_as (path, path, TRUE, TRUE, profile, error);
}

/**
 * gh_aws_config_list_sessions_in:
 *
 * gh_aws_config_list_sessions() for a document already read.
 */
GPtrArray *
gh_aws_config_list_sessions_in (GhIni *ini)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (
    (GDestroyNotify) gh_sso_session_config_free);
  g_auto(GStrv) sections = gh_ini_get_sections (ini);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *name = NULL;
      gboolean legacy;

      /* Most sections are profiles without sso_start_url: skipped before their header is
       * split into words */
      if (starts_with_word (sections[i], "profile"))
        {
          g_autofree char *start_url = gh_ini_get_value (ini, sections[i], "sso_start_url");

          if (start_url == NULL)
            continue;
        }

      if (g_str_equal (sections[i], "default"))
        {
          kind = g_strdup ("profile");
          name = g_strdup ("default");
        }
      else if (!gh_aws_config_parse_header (sections[i], &kind, &name))
        continue;

      if (g_str_equal (kind, "sso-session"))
        legacy = FALSE;
      else if (g_str_equal (kind, "profile"))
        {
          g_autofree char *start_url = gh_ini_get_value (ini, sections[i], "sso_start_url");
          g_autofree char *sso_session = NULL;

          /* Most profiles have no sso_start_url: one lookup, not two */
          if (start_url == NULL ||
              (sso_session = gh_ini_get_value (ini, sections[i], "sso_session")) != NULL)
            continue;
          legacy = TRUE;
        }
      else
        continue;

      /* Two headers for one name (`sso-session a` and `sso-session 'a'`): botocore keeps the
       * later one. */
      for (guint j = 0; j < sessions->len; j++)
        {
          GhSsoSessionConfig *other = g_ptr_array_index (sessions, j);

          if (other->legacy == legacy && g_str_equal (other->name, name))
            {
              g_ptr_array_remove_index (sessions, j);
              break;
            }
        }

      g_ptr_array_add (sessions, config_from_section (ini, sections[i], name, legacy));
    }

  return g_steal_pointer (&sessions);
}

/**
 * gh_aws_config_list_sessions:
 *
 * The `[sso-session]` sections and the legacy `[profile]`/`[default]` sections (with
 * sso_start_url and no sso_session), in file order. Values are not validated.
 */
GPtrArray *
gh_aws_config_list_sessions (const char  *path,
                             GError     **error)
{
  g_autoptr(GhIni) ini = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  ini = load_ini (path, path, TRUE, error);
  if (ini == NULL)
    return NULL;

  return gh_aws_config_list_sessions_in (ini);
}

/* An sso-session wins over a legacy profile of the same name. */
GhSsoSessionConfig *
gh_aws_config_find_session (const char  *path,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(GPtrArray) sessions = NULL;
  GhSsoSessionConfig *legacy = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  sessions = gh_aws_config_list_sessions (path, error);
  if (sessions == NULL)
    return NULL;

  for (guint i = 0; i < sessions->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (sessions, i);

      if (!g_str_equal (config->name, name))
        continue;

      if (!config->legacy)
        return g_ptr_array_steal_index (sessions, i);
      if (legacy == NULL)
        legacy = config;
    }

  if (legacy != NULL)
    {
      guint index;

      g_ptr_array_find (sessions, legacy, &index);
      return g_ptr_array_steal_index (sessions, index);
    }

  g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
               _("There is no sign-in named “%s” in %s"), name, path);
  return NULL;
}

/* As gh_aws_config_list_sessions_in() reads the file: the last `[sso-session NAME]` (botocore keeps the later
 * of `[sso-session a]` and `[sso-session 'a']`), which wins over a legacy profile. */
char *
gh_aws_config_find_session_section (GhIni      *ini,
                                    const char *name)
{
  g_auto(GStrv) sections = NULL;
  g_autofree char *session = NULL;
  g_autofree char *legacy = NULL;

  g_return_val_if_fail (GH_IS_INI (ini), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  sections = gh_ini_get_sections (ini);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *section_name = NULL;
      g_autofree char *profile = gh_aws_config_profile_name (sections[i]);

      if (g_strcmp0 (profile, name) == 0)
        {
          g_autofree char *start_url = gh_ini_get_value (ini, sections[i], "sso_start_url");
          g_autofree char *sso_session = gh_ini_get_value (ini, sections[i], "sso_session");

          if (start_url != NULL && sso_session == NULL)
            {
              g_free (legacy);
              legacy = g_strdup (sections[i]);
            }
        }
      else if (profile == NULL &&
               gh_aws_config_parse_header (sections[i], &kind, &section_name) &&
               g_str_equal (kind, "sso-session") && g_str_equal (section_name, name))
        {
          g_free (session);
          session = g_strdup (sections[i]);
        }
    }

  return session != NULL ? g_steal_pointer (&session) : g_steal_pointer (&legacy);
}

/* The headers of every `[sso-session NAME]` section, however NAME is quoted. */
static GPtrArray *
find_session_headers (GhIni      *ini,
                      const char *name)
{
  GPtrArray *headers = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) sections = gh_ini_get_sections (ini);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *kind = NULL;
      g_autofree char *section_name = NULL;

      if (gh_aws_config_parse_header (sections[i], &kind, &section_name) &&
          g_str_equal (kind, "sso-session") &&
          g_str_equal (section_name, name))
        g_ptr_array_add (headers, g_strdup (sections[i]));
    }

  return headers;
}

typedef gboolean (*EditFunc) (GhIni       *ini,
                              const char  *path,
                              gpointer     user_data,
                              GError     **error);

/* Lock, re-read, edit, write atomically, unlock. */
static gboolean
edit_config (const char    *path,
             EditFunc       edit,
             gpointer       user_data,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *resolved = gh_file_resolve_symlinks (absolute);
  g_autofree char *lock_name = gh_lock_name_for_file ("config", resolved);
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GhIni) ini = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  lock = gh_lock_acquire (lock_name, cancellable, error);
  if (lock == NULL)
    return FALSE;

  /* A missing file is an empty document: adding creates it, removing finds nothing */
  ini = load_ini (resolved, path, TRUE, error);
  if (ini == NULL || !edit (ini, path, user_data, error))
    return FALSE;

  data = gh_ini_to_data (ini, &length);
  return gh_file_write_private (resolved, data, length, error);
}

static gboolean
add_session_edit (GhIni       *ini,
                  const char  *path,
                  gpointer     user_data,
                  GError     **error)
{
  const GhSsoSessionConfig *config = user_data;
  g_autoptr(GPtrArray) existing = find_session_headers (ini, config->name);
  g_autofree char *header = NULL;

  if (existing->len > 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("A sign-in named “%s” already exists in %s"), config->name, path);
      return FALSE;
    }

  header = gh_aws_config_session_header (config->name);
  gh_ini_add_section (ini, header, NULL);
  gh_ini_set_value (ini, header, "sso_start_url", config->start_url);
  gh_ini_set_value (ini, header, "sso_region", config->region);

  if (config->scopes != NULL && config->scopes[0] != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) items = NULL;
      g_autofree char *joined = NULL;

      for (guint i = 0; config->scopes[i] != NULL; i++)
        {
          g_autofree char *item = g_strstrip (g_strdup (config->scopes[i]));

          g_strv_builder_add (builder, item);
        }
      items = g_strv_builder_end (builder);
      joined = g_strjoinv (",", items);
      gh_ini_set_value (ini, header, "sso_registration_scopes", joined);
    }

  if (config->session_duration > 0 &&
      config->session_duration != GH_DEFAULT_SESSION_DURATION)
    {
      g_autofree char *duration = format_duration (config->session_duration);

      gh_ini_set_value (ini, header, "gatehouse_session_duration", duration);
    }

  if (config->cache_refresh_token)
    gh_ini_set_value (ini, header, "gatehouse_cache_refresh_token", "true");

  return TRUE;
}

/**
 * gh_aws_config_add_session:
 *
 * Appends a plain `[sso-session NAME]` section (usable by `aws`). @config->legacy is ignored;
 * a session_duration of 0 means the default. Fails with GH_ERROR_INVALID_INPUT on bad values
 * (a name not every AWS client reads, a start URL with a password, a session duration outside
 * 15 minutes to 90 days) or when a sign-in of that name exists, GH_ERROR_CONFIG when the file cannot be read, parsed
 * or written (then nothing is written).
 */
gboolean
gh_aws_config_add_session (const char                *path,
                           const GhSsoSessionConfig  *config,
                           GError                   **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (!gh_validate_new_session_name (config->name, error) ||
      !gh_validate_start_url (config->start_url, error) ||
      !gh_validate_region (config->region, error) ||
      !validate_scopes ((const char * const *) config->scopes, error))
    return FALSE;

  if (config->session_duration != 0 && !session_duration_in_range (config->session_duration))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The session duration must be between 15 minutes (15m) and 90 days "
                             "(90d), the range IAM Identity Center allows."));
      return FALSE;
    }

  return edit_config (path, add_session_edit, (gpointer) config, NULL, error);
}

GhSsoSessionConfig *
gh_sso_session_config_copy (const GhSsoSessionConfig *config)
{
  GhSsoSessionConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_new0 (GhSsoSessionConfig, 1);
  copy->name = g_strdup (config->name);
  copy->start_url = g_strdup (config->start_url);
  copy->region = g_strdup (config->region);
  copy->scopes = g_strdupv (config->scopes);
  copy->legacy = config->legacy;
  copy->session_duration = config->session_duration;
  copy->cache_refresh_token = config->cache_refresh_token;
  return copy;
}

typedef struct
{
  char               *path;
  GhSsoSessionConfig *config;
} AddSessionJob;

static void
add_session_job_free (AddSessionJob *job)
{
  g_free (job->path);
  gh_sso_session_config_free (job->config);
  g_free (job);
}

static gboolean
add_session_job (gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  AddSessionJob *job = data;

  return gh_aws_config_add_session (job->path, job->config, error);
}

/**
 * gh_aws_config_add_session_async:
 *
 * gh_aws_config_add_session() on a worker thread, for code on a main loop: the wait for the
 * config file's lock and the file work never block it. @config is copied.
 */
void
gh_aws_config_add_session_async (const char                *path,
                                 const GhSsoSessionConfig  *config,
                                 GCancellable              *cancellable,
                                 GAsyncReadyCallback        callback,
                                 gpointer                   user_data)
{
  AddSessionJob *job;

  g_return_if_fail (path != NULL);
  g_return_if_fail (config != NULL);

  job = g_new0 (AddSessionJob, 1);
  job->path = g_strdup (path);
  job->config = gh_sso_session_config_copy (config);
  gh_file_job_run_async (gh_aws_config_add_session_async, add_session_job, job,
                         (GDestroyNotify) add_session_job_free, cancellable, callback,
                         user_data);
}

gboolean
gh_aws_config_add_session_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return gh_file_job_finish (result, gh_aws_config_add_session_async, error);
}

typedef struct
{
  const char        *name;
  GhSessionEditFunc  edit;
  gpointer           user_data;
} SessionEdit;

static gboolean
session_edit (GhIni       *ini,
              const char  *path,
              gpointer     user_data,
              GError     **error)
{
  SessionEdit *data = user_data;
  g_autofree char *section = gh_aws_config_find_session_section (ini, data->name);

  if (section == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("There is no sign-in named “%s” in %s"), data->name, path);
      return FALSE;
    }

  return data->edit (ini, section, data->user_data, error);
}

/**
 * gh_aws_config_edit_session:
 *
 * Under the config file's lock, reads the file again and calls @edit on the section that
 * defines the sign-in @name (as gh_aws_config_find_session_section() finds it), then writes
 * the file atomically; the rest of the file stays byte-identical. Blocks: on a main loop, run
 * it on a worker thread (gh_file_job_run_async()). GH_ERROR_NOT_FOUND_LOCAL when the file
 * defines no such sign-in, GH_ERROR_CONFIG when it cannot be read, parsed or written, and
 * whatever @edit sets (then nothing is written).
 */
gboolean
gh_aws_config_edit_session (const char         *path,
                            const char         *name,
                            GhSessionEditFunc   edit,
                            gpointer            user_data,
                            GCancellable       *cancellable,
                            GError            **error)
{
  SessionEdit data = { name, edit, user_data };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (edit != NULL, FALSE);

  return edit_config (path, session_edit, &data, cancellable, error);
}

static gboolean
cache_refresh_token_edit (GhIni       *ini,
                          const char  *section,
                          gpointer     user_data,
                          GError     **error)
{
  /* As add_session_edit() writes it: the default (off) has no key. */
  if (GPOINTER_TO_INT (user_data))
    gh_ini_set_value (ini, section, "gatehouse_cache_refresh_token", "true");
  else
    gh_ini_remove_key (ini, section, "gatehouse_cache_refresh_token");
  return TRUE;
}

gboolean
gh_aws_config_set_cache_refresh_token (const char    *path,
                                       const char    *name,
                                       gboolean       enabled,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  return gh_aws_config_edit_session (path, name, cache_refresh_token_edit,
                                     GINT_TO_POINTER (!!enabled), cancellable, error);
}

typedef struct
{
  char     *path;
  char     *name;
  gboolean  enabled;
} RefreshTokenJob;

static void
refresh_token_job_free (RefreshTokenJob *job)
{
  g_free (job->path);
  g_free (job->name);
  g_free (job);
}

static gboolean
cache_refresh_token_job (gpointer       data,
                         GCancellable  *cancellable,
                         GError       **error)
{
  RefreshTokenJob *job = data;

  return gh_aws_config_set_cache_refresh_token (job->path, job->name, job->enabled,
                                                cancellable, error);
}

void
gh_aws_config_set_cache_refresh_token_async (const char           *path,
                                             const char           *name,
                                             gboolean              enabled,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  RefreshTokenJob *job;

  g_return_if_fail (path != NULL);
  g_return_if_fail (name != NULL);

  job = g_new0 (RefreshTokenJob, 1);
  job->path = g_strdup (path);
  job->name = g_strdup (name);
  job->enabled = enabled;
  gh_file_job_run_async (gh_aws_config_set_cache_refresh_token_async, cache_refresh_token_job,
                         job, (GDestroyNotify) refresh_token_job_free, cancellable, callback,
                         user_data);
}

gboolean
gh_aws_config_set_cache_refresh_token_finish (GAsyncResult  *result,
                                              GError       **error)
{
  return gh_file_job_finish (result, gh_aws_config_set_cache_refresh_token_async, error);
}

/* Hosts that name a portal, not an organisation: their first label says nothing. */
static gboolean
host_names_organisation (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  return address == NULL && !is_loopback_host (host) &&
         !g_str_has_prefix (host, "identitycenter.") && strchr (host, '.') != NULL;
}

/* The access portal's subdomain is what people call their sign-in: "my-company" for
 * https://my-company.awsapps.com/start. */
char *
gh_start_url_suggest_session_name (const char *start_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *label = NULL;
  const char *host;

  if (start_url == NULL)
    return g_strdup ("my-sso");

  uri = g_uri_parse (start_url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || !host_names_organisation (host))
    return g_strdup ("my-sso");

  label = g_ascii_strdown (host, strcspn (host, "."));
  return portable_session_name (label);
}

typedef struct
{
  const char *name;
  GPtrArray  *removed;   /* profile names, file order */
  GPtrArray  *broken;
} RemoveSession;

static void
add_unique (GPtrArray  *names,
            const char *name)
{
  if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
    g_ptr_array_add (names, g_strdup (name));
}

/* The sections Gatehouse's marker gives to the sign-in; from the last to the first, so that
 * removing one leaves the occurrence numbers of the ones before it as they are. */
static void
remove_managed_profiles (GhIni         *ini,
                         RemoveSession *data)
{
  g_auto(GStrv) headers = gh_ini_get_headers (ini);
  g_autofree guint *occurrences = gh_ini_header_occurrences ((const char * const *) headers);

  for (guint i = g_strv_length (headers); i-- > 0;)
    {
      g_autofree char *profile = gh_aws_config_profile_name (headers[i]);
      g_autofree char *owner = NULL;

      if (profile == NULL)
        continue;
      owner = gh_profile_marker_get_owner (ini, headers[i], occurrences[i]);
      if (g_strcmp0 (owner, data->name) != 0)
        continue;

      gh_ini_remove_section_occurrence (ini, headers[i], occurrences[i]);
      if (!g_ptr_array_find_with_equal_func (data->removed, profile, g_str_equal, NULL))
        g_ptr_array_insert (data->removed, 0, g_steal_pointer (&profile));
    }
}

/* The profiles left that name the removed sign-in or a removed profile */
static void
find_broken_profiles (GhIni         *ini,
                      RemoveSession *data)
{
  g_auto(GStrv) sections = gh_ini_get_sections (ini);

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *profile = gh_aws_config_profile_name (sections[i]);
      g_autofree char *sso_session = NULL;
      g_autofree char *source = NULL;

      if (profile == NULL)
        continue;

      sso_session = gh_ini_get_value (ini, sections[i], "sso_session");
      source = gh_ini_get_value (ini, sections[i], "source_profile");
      if (g_strcmp0 (sso_session, data->name) == 0 ||
          (source != NULL &&
           g_ptr_array_find_with_equal_func (data->removed, source, g_str_equal, NULL)))
        add_unique (data->broken, profile);
    }
}

static gboolean
remove_session_edit (GhIni       *ini,
                     const char  *path,
                     gpointer     user_data,
                     GError     **error)
{
  RemoveSession *data = user_data;
  g_autoptr(GPtrArray) headers = find_session_headers (ini, data->name);

  remove_managed_profiles (ini, data);
  if (headers->len == 0 && data->removed->len == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("There is no sign-in named “%s” in %s"), data->name, path);
      return FALSE;
    }

  for (guint i = 0; i < headers->len; i++)
    gh_ini_remove_section (ini, g_ptr_array_index (headers, i));

  find_broken_profiles (ini, data);
  return TRUE;
}

static GStrv
steal_strv (GPtrArray *names)
{
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

/**
 * gh_aws_config_remove_session:
 *
 * Gatehouse's profiles go with the sign-in: botocore refuses a profile whose sso_session
 * names no `[sso-session]` section. Profiles a person wrote are never removed; those that
 * used the sign-in are reported in @broken_profiles. A sign-in whose section was removed by
 * hand, but whose profiles are still there, has them removed.
 */
gboolean
gh_aws_config_remove_session (const char  *path,
                              const char  *name,
                              GStrv       *removed_profiles,
                              GStrv       *broken_profiles,
                              GError     **error)
{
  RemoveSession data = { name, NULL, NULL };
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  data.removed = g_ptr_array_new_with_free_func (g_free);
  data.broken = g_ptr_array_new_with_free_func (g_free);
  ok = edit_config (path, remove_session_edit, &data, NULL, error);

  if (ok && removed_profiles != NULL)
    *removed_profiles = steal_strv (g_steal_pointer (&data.removed));
  if (ok && broken_profiles != NULL)
    *broken_profiles = steal_strv (g_steal_pointer (&data.broken));
  g_clear_pointer (&data.removed, g_ptr_array_unref);
  g_clear_pointer (&data.broken, g_ptr_array_unref);
  return ok;
}

void
gh_profile_config_free (GhProfileConfig *profile)
{
  if (profile == NULL)
    return;

  g_free (profile->name);
  g_free (profile->sso_session);
  g_free (profile->sso_start_url);
  g_free (profile->sso_region);
  g_free (profile->sso_account_id);
  g_free (profile->sso_role_name);
  g_free (profile->region);
  g_free (profile);
}

/* botocore's build_profile_map: `[default]` and `[profile default]` are both "default"; when
 * a name has several sections, the last one in the file wins. */
static char *
find_profile_header (GhIni      *ini,
                     const char *name)
{
  g_auto(GStrv) sections = gh_ini_get_sections (ini);
  char *found = NULL;

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *profile = gh_aws_config_profile_name (sections[i]);

      if (g_strcmp0 (profile, name) == 0)
        {
          g_free (found);
          found = g_strdup (sections[i]);
        }
    }

  return found;
}

static GhProfileConfig *
profile_from_section (GhIni      *ini,
                      const char *header,
                      const char *name)
{
  g_autoptr(GhProfileConfig) profile = g_new0 (GhProfileConfig, 1);
  g_autofree char *owner = NULL;

  profile->name = g_strdup (name);
  profile->sso_session = gh_ini_get_value (ini, header, "sso_session");
  profile->sso_start_url = gh_ini_get_value (ini, header, "sso_start_url");
  profile->sso_region = gh_ini_get_value (ini, header, "sso_region");
  profile->sso_account_id = gh_ini_get_value (ini, header, "sso_account_id");
  profile->sso_role_name = gh_ini_get_value (ini, header, "sso_role_name");
  profile->region = gh_ini_get_value (ini, header, "region");

  /* A credential_process profile from `gatehouse sync --credential-process` names its role
   * with gatehouse_* keys, since sso_* keys would take precedence in the AWS CLI. */
  if (profile->sso_session == NULL && profile->sso_account_id == NULL &&
      profile->sso_role_name == NULL && profile->sso_start_url == NULL)
    {
      profile->sso_session = gh_ini_get_value (ini, header, "gatehouse_sso_session");
      profile->sso_account_id = gh_ini_get_value (ini, header, "gatehouse_account_id");
      profile->sso_role_name = gh_ini_get_value (ini, header, "gatehouse_role_name");
    }

  owner = gh_profile_marker_get_section_owner (ini, header);
  profile->managed = owner != NULL;

  return g_steal_pointer (&profile);
}

/* What the AWS CLI needs to use the profile for IAM Identity Center */
static gboolean
check_sso_profile (const GhProfileConfig  *profile,
                   const char             *path,
                   GError                **error)
{
  const char *name = profile->name;

  if (profile->sso_account_id == NULL && profile->sso_role_name == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profile “%s” is not an IAM Identity Center profile (it has no "
                     "sso_account_id/sso_role_name)"), name);
      return FALSE;
    }

  if (profile->sso_account_id == NULL || profile->sso_role_name == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profile “%s” has no %s; add it to the profile in %s"), name,
                   profile->sso_account_id == NULL ? "sso_account_id" : "sso_role_name", path);
      return FALSE;
    }

  if (profile->sso_session == NULL && profile->sso_start_url == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profile “%s” has neither sso_session nor sso_start_url; add "
                     "sso_session to the profile in %s"), name, path);
      return FALSE;
    }

  if (profile->sso_session == NULL && profile->sso_region == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profile “%s” has sso_start_url but no sso_region; add it to the "
                     "profile in %s"), name, path);
      return FALSE;
    }

  return TRUE;
}

/**
 * gh_aws_config_find_profile:
 *
 * The SSO settings of a profile, Gatehouse's or hand-written. A sso_session that names no
 * `[sso-session]` section is returned as it is: the caller reports that. A missing file has
 * no profiles.
 */
GhProfileConfig *
gh_aws_config_find_profile (const char  *path,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(GhIni) ini = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  ini = load_ini (path, path, TRUE, error);
  if (ini == NULL)
    return NULL;

  return gh_aws_config_find_profile_in (ini, path, name, error);
}

/* gh_aws_config_find_profile() in a document already read from @path */
GhProfileConfig *
gh_aws_config_find_profile_in (GhIni       *ini,
                               const char  *path,
                               const char  *name,
                               GError     **error)
{
  g_autoptr(GhProfileConfig) profile = NULL;
  g_autofree char *header = NULL;

  g_return_val_if_fail (GH_IS_INI (ini), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  header = find_profile_header (ini, name);
  if (header == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("No profile named “%s” in %s"), name, path);
      return NULL;
    }

  profile = profile_from_section (ini, header, name);
  if (!check_sso_profile (profile, path, error))
    return NULL;

  return g_steal_pointer (&profile);
}

/* Only the key id is looked at; it is not secret. */
GStrv
gh_aws_config_long_term_profiles (const char  *path,
                                  GError     **error)
{
  g_autoptr(GhIni) ini = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  ini = load_ini (path, path, TRUE, error);
  if (ini == NULL)
    return NULL;

  return gh_aws_config_long_term_profiles_in (ini);
}

GStrv
gh_aws_config_long_term_profiles_in (GhIni *ini)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_auto(GStrv) sections = NULL;

  g_return_val_if_fail (GH_IS_INI (ini), NULL);

  profiles = g_ptr_array_new_with_free_func (g_free);
  sections = gh_ini_get_sections (ini);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *profile = gh_aws_config_profile_name (sections[i]);
      g_autofree char *key_id = NULL;

      if (profile == NULL)
        continue;
      key_id = gh_ini_get_value (ini, sections[i], "aws_access_key_id");
      if (key_id != NULL && g_str_has_prefix (key_id, "AKIA"))
        add_unique (profiles, profile);
    }

  return steal_strv (g_steal_pointer (&profiles));
}
