/* gh-credentials-file.c — the AWS shared credentials file (~/.aws/credentials)
 *
 * Sections are named by the bare profile name (`[dev]`, no "profile " prefix) and botocore
 * reads their names as written (no shlex). A section Gatehouse writes has the comment line
 *   # Managed by Gatehouse: short-term keys from gatehouse credentials --write; changes here are overwritten
 * directly above its header; any comment starting "# Managed by Gatehouse" marks a section as
 * Gatehouse's. Gatehouse changes only such sections, writes only short-term keys (ASIA…), and
 * edits through GhIni so the rest of the file stays byte-identical. No expiry comment is
 * written: comment lines cannot be edited in place, and the tray knows the expiry from the
 * keyring cache.
 *
 * The file holds secrets: buffers with its text are wiped before they are freed (GhIni's own
 * copies are not: it does not wipe its lines).
 */
#define G_LOG_DOMAIN "gh-credentials-file"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-credentials-file.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-ini.h"
#include "gh-lock.h"

#define MARKER_PREFIX "Managed by Gatehouse"
#define MARKER MARKER_PREFIX ": short-term keys from gatehouse credentials --write; changes " \
               "here are overwritten"

/* An empty AWS_SHARED_CREDENTIALS_FILE counts as unset. */
char *
gh_credentials_file_default_path (void)
{
  return gh_aws_file_path ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

static void
wipe_free (char  *data,
           gsize  length)
{
  if (data == NULL)
    return;
  explicit_bzero (data, length);
  g_free (data);
}

/* The file's text (empty for a missing file when @missing_ok); wipe it with wipe_free(). */
static char *
read_text (const char  *path,
           const char  *display_path,
           gboolean     missing_ok,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (!gh_file_check_regular (path, display_path, error))
    return NULL;

  if (!g_file_get_contents (path, &contents, length, &local_error))
    {
      if (missing_ok && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          *length = 0;
          return g_strdup ("");
        }

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot read the AWS credentials file %s: %s"), display_path,
                   local_error->message);
      return NULL;
    }

  return contents;
}

static GhIni *
parse_text (const char  *contents,
            gsize        length,
            const char  *display_path,
            GError     **error)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) local_error = NULL;

  if (!gh_ini_load_from_data (ini, contents, length, &local_error))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot use the AWS credentials file %s: %s. Fix the file in a text "
                     "editor."),
                   display_path, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&ini);
}

/* A marker directly above every header of the section (the same line above each) */
static gboolean
is_managed (GhIni      *ini,
            const char *section)
{
  g_autofree char *comment = gh_ini_get_section_comment (ini, section);
  const char *p = comment;

  if (p == NULL || *p != '#')
    return FALSE;
  p++;
  while (*p == ' ' || *p == '\t')
    p++;
  return g_str_has_prefix (p, MARKER_PREFIX);
}

static gboolean
is_single_line (const char *text)
{
  return strpbrk (text, "\r\n") == NULL;
}

static gboolean
validate (const char               *profile,
          const GhRoleCredentials  *credentials,
          GError                  **error)
{
  gsize len = strlen (profile);

  if (len == 0 || !is_single_line (profile) ||
      g_ascii_isspace (profile[0]) || g_ascii_isspace (profile[len - 1]) ||
      !g_utf8_validate (profile, -1, NULL))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The profile name must be a single line without spaces at its "
                             "ends."));
      return FALSE;
    }

  if (credentials->access_key_id == NULL ||
      !g_str_has_prefix (credentials->access_key_id, "ASIA"))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("Gatehouse writes only short-term credentials (access key ids "
                             "starting with ASIA) to the credentials file."));
      return FALSE;
    }

  if (credentials->secret_access_key == NULL || credentials->secret_access_key[0] == '\0' ||
      credentials->session_token == NULL || credentials->session_token[0] == '\0' ||
      !is_single_line (credentials->access_key_id) ||
      !is_single_line (credentials->secret_access_key) ||
      !is_single_line (credentials->session_token))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The credentials are incomplete or malformed; nothing was "
                             "written."));
      return FALSE;
    }

  return TRUE;
}

/* Puts the keys into [@profile], which must be Gatehouse's if it exists */
static gboolean
update_section (GhIni                    *ini,
                const char               *path,
                const char               *profile,
                const GhRoleCredentials  *credentials,
                GError                  **error)
{
  if (!gh_ini_has_section (ini, profile))
    gh_ini_add_section (ini, profile, MARKER);
  else if (!is_managed (ini, profile))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The credentials file %s already has a [%s] section you wrote; "
                     "Gatehouse does not change it. Choose another profile name or remove "
                     "that section."),
                   path, profile);
      return FALSE;
    }

  gh_ini_set_value (ini, profile, "aws_access_key_id", credentials->access_key_id);
  gh_ini_set_value (ini, profile, "aws_secret_access_key", credentials->secret_access_key);
  gh_ini_set_value (ini, profile, "aws_session_token", credentials->session_token);
  return TRUE;
}

/* An edit of the parsed file; FALSE with @error refuses it. */
typedef gboolean (*EditFunc) (GhIni       *ini,
                              const char  *path,
                              gpointer     data,
                              GError     **error);

/* Under the file's lock: re-read, edit, and write back only if the text changed. */
static gboolean
edit_file (const char    *path,
           EditFunc       edit,
           gpointer       edit_data,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *lock_name = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GhIni) ini = NULL;
  char *contents = NULL;
  char *data = NULL;
  gsize length = 0;
  gsize data_len = 0;
  gboolean ret = FALSE;

  absolute = g_canonicalize_filename (path, NULL);
  resolved = gh_file_resolve_symlinks (absolute);
  lock_name = gh_lock_name_for_file ("credentials", resolved);

  lock = gh_lock_acquire (lock_name, cancellable, error);
  if (lock == NULL)
    return FALSE;

  contents = read_text (resolved, path, TRUE, &length, error);
  if (contents == NULL)
    return FALSE;

  ini = parse_text (contents, length, path, error);
  if (ini != NULL && edit (ini, path, edit_data, error))
    {
      data = gh_ini_to_data (ini, &data_len);
      if (data_len == length && memcmp (data, contents, length) == 0)
        {
          /* Nothing to write, but what an interrupted write left behind still goes */
          gh_file_remove_stale_temp_files (resolved);
          ret = TRUE;
        }
      else
        ret = gh_file_write_private (resolved, data, data_len, error);
    }

  wipe_free (contents, length);
  wipe_free (data, data_len);
  return ret;
}

typedef struct
{
  const char              *profile;
  const GhRoleCredentials *credentials;
} SectionUpdate;

static gboolean
update_section_edit (GhIni       *ini,
                     const char  *path,
                     gpointer     data,
                     GError     **error)
{
  SectionUpdate *update = data;

  return update_section (ini, path, update->profile, update->credentials, error);
}

static gboolean
write_section (const char               *path,
               const char               *profile,
               const GhRoleCredentials  *credentials,
               GCancellable             *cancellable,
               GError                  **error)
{
  SectionUpdate update = { profile, credentials };

  if (!validate (profile, credentials, error))
    return FALSE;
  return edit_file (path, update_section_edit, &update, cancellable, error);
}

/**
 * gh_credentials_file_write_section:
 *
 * Under the lock "credentials-"+sha1(resolved path): re-read, add or update [@profile], write
 * atomically with mode 0600 (through a symlink to its target). Nothing is written when the
 * section already holds these keys.
 */
gboolean
gh_credentials_file_write_section (const char               *path,
                                   const char               *profile,
                                   const GhRoleCredentials  *credentials,
                                   GError                  **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);

  return write_section (path, profile, credentials, NULL, error);
}

/* Copies for the worker thread; the keys are wiped when the task goes */
typedef struct
{
  char              *path;
  char              *profile;
  GhRoleCredentials *credentials;
} WriteData;

static void
write_data_free (gpointer user_data)
{
  WriteData *data = user_data;

  g_free (data->path);
  g_free (data->profile);
  gh_role_credentials_free (data->credentials);
  g_free (data);
}

static gboolean
write_job (gpointer       user_data,
           GCancellable  *cancellable,
           GError       **error)
{
  WriteData *data = user_data;

  return write_section (data->path, data->profile, data->credentials, cancellable, error);
}

/**
 * gh_credentials_file_write_section_async:
 *
 * gh_credentials_file_write_section() on a worker thread, which also waits for the file's
 * lock. @credentials are copied. Cancelling ends the wait for the lock.
 */
void
gh_credentials_file_write_section_async (const char               *path,
                                         const char               *profile,
                                         const GhRoleCredentials  *credentials,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  WriteData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (profile != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (WriteData, 1);
  data->path = g_strdup (path);
  data->profile = g_strdup (profile);
  data->credentials = gh_role_credentials_copy (credentials);

  gh_file_job_run_async (gh_credentials_file_write_section_async, write_job, data,
                         write_data_free, cancellable, callback, user_data);
}

gboolean
gh_credentials_file_write_section_finish (GAsyncResult  *result,
                                          GError       **error)
{
  return gh_file_job_finish (result, gh_credentials_file_write_section_async, error);
}

static GStrv
list_profiles (const char  *path,
               gboolean     long_term,
               GError     **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GhIni) ini = NULL;
  g_auto(GStrv) sections = NULL;
  char *contents;
  gsize length = 0;

  contents = read_text (path, path, TRUE, &length, error);
  if (contents == NULL)
    return NULL;

  ini = parse_text (contents, length, path, error);
  if (ini == NULL)
    {
      wipe_free (contents, length);
      return NULL;
    }

  wipe_free (contents, length);

  builder = g_strv_builder_new ();
  sections = gh_ini_get_sections (ini);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      if (long_term)
        {
          g_autofree char *key_id = gh_ini_get_value (ini, sections[i], "aws_access_key_id");

          if (key_id != NULL && g_str_has_prefix (key_id, "AKIA"))
            g_strv_builder_add (builder, sections[i]);
        }
      else if (is_managed (ini, sections[i]))
        g_strv_builder_add (builder, sections[i]);
    }

  return g_strv_builder_end (builder);
}

/* A missing file has none. */
GStrv
gh_credentials_file_managed_profiles (const char  *path,
                                      GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return list_profiles (path, FALSE, error);
}

/* A missing file has none. Only the key id is looked at; it is not secret. */
GStrv
gh_credentials_file_long_term_profiles (const char  *path,
                                        GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return list_profiles (path, TRUE, error);
}

typedef struct
{
  const char * const *profiles;
  GStrvBuilder       *removed;
} SectionRemoval;

static gboolean
remove_sections_edit (GhIni       *ini,
                      const char  *path,
                      gpointer     data,
                      GError     **error)
{
  SectionRemoval *removal = data;

  for (guint i = 0; removal->profiles[i] != NULL; i++)
    {
      const char *profile = removal->profiles[i];

      if (gh_ini_has_section (ini, profile) && is_managed (ini, profile))
        {
          gh_ini_remove_section (ini, profile);
          g_strv_builder_add (removal->removed, profile);
        }
    }
  return TRUE;
}

/**
 * gh_credentials_file_remove_sections:
 * @removed: (out) (optional): the sections removed
 *
 * Removes the sections of @profiles that Gatehouse wrote (those with its marker); sections
 * someone else wrote stay. A missing file has none. Atomic, 0600, under the file's lock.
 */
gboolean
gh_credentials_file_remove_sections (const char          *path,
                                     const char * const  *profiles,
                                     GStrv               *removed,
                                     GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  SectionRemoval removal = { profiles, builder };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (profiles != NULL, FALSE);

  if (!edit_file (path, remove_sections_edit, &removal, NULL, error))
    return FALSE;
  if (removed != NULL)
    *removed = g_strv_builder_end (builder);
  return TRUE;
}
