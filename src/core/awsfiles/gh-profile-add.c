/* gh-profile-add.c — one profile for one role, as `aws configure sso` writes it
 *
 * The keys are the ones `aws configure sso` writes, in its order: sso_session, sso_account_id,
 * sso_role_name, region, output (a legacy sign-in: sso_start_url and sso_region instead of
 * sso_session). The section goes at the end of the file with the "added" marker above it; the
 * rest of the file stays byte-identical (GhIni).
 */
#define G_LOG_DOMAIN "gh-profile-add"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-lock.h"
#include "gh-profile-add.h"
#include "gh-profile-marker.h"

static const char * const output_formats[] = {
  "json", "yaml", "yaml-stream", "text", "table", NULL
};

const char * const *
gh_profile_output_formats (void)
{
  return output_formats;
}

gboolean
gh_profile_validate_name (const char  *name,
                          GError     **error)
{
  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The profile name is empty."));
      return FALSE;
    }

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("The profile name is not valid text."));
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Brackets would end the header early; a control character cannot be read back. */
      if (g_unichar_iscntrl (c) || c == '[' || c == ']')
        {
          g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                       _("The profile name “%s” has a bracket or a control character; use "
                         "letters, digits and - _ . @ +"), name);
          return FALSE;
        }
    }

  if (g_ascii_isspace (name[0]) || g_ascii_isspace (name[strlen (name) - 1]))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The profile name “%s” starts or ends with a blank."), name);
      return FALSE;
    }

  return TRUE;
}

gboolean
gh_profile_validate_output (const char  *output,
                            GError     **error)
{
  g_autofree char *formats = NULL;

  if (output != NULL && g_strv_contains (output_formats, output))
    return TRUE;

  formats = g_strjoinv (", ", (char **) output_formats);
  g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
               _("“%s” is not an output format of the AWS CLI; use one of %s"),
               output != NULL ? output : "", formats);
  return FALSE;
}

static gboolean
empty (const char *text)
{
  return text == NULL || text[0] == '\0';
}

static gboolean
check_spec (const GhProfileSpec  *spec,
            GError              **error)
{
  const char *values[] = {
    spec->session_name, spec->account_id, spec->role_name, spec->start_url, spec->sso_region,
  };

  if (!gh_profile_validate_name (spec->name, error) ||
      !gh_validate_session_name (spec->session_name, error))
    return FALSE;

  if (empty (spec->account_id) || empty (spec->role_name) ||
      (spec->legacy && (empty (spec->start_url) || empty (spec->sso_region))))
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("A profile needs an account and a role."));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i] != NULL && strpbrk (values[i], "\r\n") != NULL)
      {
        g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                             _("The account, role and sign-in must each be a single line."));
        return FALSE;
      }

  if (!empty (spec->region) && !gh_region_is_valid (spec->region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not an AWS region such as us-east-1"), spec->region);
      return FALSE;
    }

  return empty (spec->output) || gh_profile_validate_output (spec->output, error);
}

/* The role a section names: the SSO keys, or the ones a credential_process profile of sync
 * uses. */
static gboolean
section_names_role (GhIni      *ini,
                    const char *header,
                    const char *account_id,
                    const char *role_name)
{
  g_autofree char *account = gh_ini_get_value (ini, header, "sso_account_id");
  g_autofree char *role = gh_ini_get_value (ini, header, "sso_role_name");

  if (account == NULL && role == NULL)
    {
      account = gh_ini_get_value (ini, header, "gatehouse_account_id");
      role = gh_ini_get_value (ini, header, "gatehouse_role_name");
    }

  return g_strcmp0 (account, account_id) == 0 && g_strcmp0 (role, role_name) == 0;
}

gboolean
gh_profile_is_added_for_role (GhIni      *ini,
                              const char *header,
                              guint       occurrence,
                              const char *session_name,
                              const char *account_id,
                              const char *role_name)
{
  g_autofree char *comment = NULL;
  g_autofree char *owner = NULL;

  g_return_val_if_fail (GH_IS_INI (ini), FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  comment = gh_ini_get_header_comment (ini, header, occurrence);
  owner = gh_profile_marker_parse_added (comment);
  return owner != NULL && g_strcmp0 (owner, session_name) == 0 &&
         section_names_role (ini, header, account_id, role_name);
}

/* Whether Gatehouse wrote the @occurrence-th @header such that profile add may replace it;
 * else why not. */
static gboolean
may_replace (GhIni                *ini,
             const char           *header,
             guint                 occurrence,
             const GhProfileSpec  *spec,
             const char           *path,
             GError              **error)
{
  g_autofree char *comment = gh_ini_get_header_comment (ini, header, occurrence);
  g_autofree char *added = gh_profile_marker_parse_added (comment);
  g_autofree char *synced = gh_profile_marker_parse (comment);

  if (added != NULL)
    return TRUE;
  if (synced != NULL && g_str_equal (synced, spec->session_name) &&
      section_names_role (ini, header, spec->account_id, spec->role_name))
    return TRUE;

  if (synced != NULL)
    g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                 _("gatehouse sync writes the profile “%s” in %s for another role; choose "
                   "another name"), spec->name, path);
  else
    g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                 _("A profile named “%s” already exists in %s; choose another name"),
                 spec->name, path);
  return FALSE;
}

/* Removes the sections of the profile name that Gatehouse wrote; fails, changing nothing,
 * when one of them is someone else's. */
static gboolean
remove_existing (GhIni                *ini,
                 const GhProfileSpec  *spec,
                 const char           *path,
                 gboolean             *found,
                 GError              **error)
{
  g_auto(GStrv) headers = gh_ini_get_headers (ini);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) to_remove = g_ptr_array_new ();

  *found = FALSE;
  for (guint i = 0; headers[i] != NULL; i++)
    {
      g_autofree char *name = gh_aws_config_profile_name (headers[i]);
      guint occurrence = GPOINTER_TO_UINT (g_hash_table_lookup (seen, headers[i]));

      g_hash_table_insert (seen, headers[i], GUINT_TO_POINTER (occurrence + 1));
      if (name == NULL || !g_str_equal (name, spec->name))
        continue;

      if (!may_replace (ini, headers[i], occurrence, spec, path, error))
        return FALSE;
      if (occurrence == 0)
        g_ptr_array_add (to_remove, headers[i]);
      *found = TRUE;
    }

  /* Every occurrence of a header text goes at once, with the comment lines above it. */
  for (guint i = 0; i < to_remove->len; i++)
    gh_ini_remove_section (ini, g_ptr_array_index (to_remove, i));
  return TRUE;
}

static void
add_section (GhIni               *ini,
             const GhProfileSpec *spec)
{
  g_autofree char *header = gh_aws_config_profile_header (spec->name);
  g_autofree char *marker = gh_profile_marker_for_added (spec->session_name);

  gh_ini_add_section (ini, header, marker);
  if (spec->legacy)
    {
      gh_ini_set_value (ini, header, "sso_start_url", spec->start_url);
      gh_ini_set_value (ini, header, "sso_region", spec->sso_region);
    }
  else
    {
      gh_ini_set_value (ini, header, "sso_session", spec->session_name);
    }
  gh_ini_set_value (ini, header, "sso_account_id", spec->account_id);
  gh_ini_set_value (ini, header, "sso_role_name", spec->role_name);
  if (!empty (spec->region))
    gh_ini_set_value (ini, header, "region", spec->region);
  if (!empty (spec->output))
    gh_ini_set_value (ini, header, "output", spec->output);
}

static GhIni *
load_config (const char  *resolved,
             const char  *path,
             GError     **error)
{
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (resolved, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&ini);
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot read the AWS config file %s: %s"), path, local_error->message);
      return NULL;
    }

  if (!gh_ini_load_from_data (ini, contents, length, &local_error))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG,
                   _("Cannot use the AWS config file %s: %s. Fix the file in a text editor."),
                   path, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&ini);
}

gboolean
gh_profile_add (const char           *config_path,
                const GhProfileSpec  *spec,
                gboolean             *replaced,
                GError              **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *lock_name = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GhLock) lock = NULL;
  g_autoptr(GhIni) ini = NULL;
  gboolean found = FALSE;
  gsize length = 0;

  g_return_val_if_fail (config_path != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!check_spec (spec, error))
    return FALSE;

  absolute = g_canonicalize_filename (config_path, NULL);
  resolved = gh_file_resolve_symlinks (absolute);
  lock_name = gh_lock_name_for_file ("config", resolved);
  if ((lock = gh_lock_acquire (lock_name, NULL, error)) == NULL)
    return FALSE;

  if ((ini = load_config (resolved, config_path, error)) == NULL ||
      !remove_existing (ini, spec, config_path, &found, error))
    return FALSE;
  add_section (ini, spec);

  data = gh_ini_to_data (ini, &length);
  if (!gh_file_write_private (resolved, data, length, error))
    return FALSE;

  if (replaced != NULL)
    *replaced = found;
  return TRUE;
}

typedef struct
{
  char          *config_path;
  GhProfileSpec  spec;       /* its strings owned by the job */
  gboolean       replaced;
} AddJob;

static void
add_job_free (AddJob *job)
{
  g_free (job->config_path);
  g_free ((char *) job->spec.name);
  g_free ((char *) job->spec.session_name);
  g_free ((char *) job->spec.start_url);
  g_free ((char *) job->spec.sso_region);
  g_free ((char *) job->spec.account_id);
  g_free ((char *) job->spec.role_name);
  g_free ((char *) job->spec.region);
  g_free ((char *) job->spec.output);
  g_free (job);
}

static gboolean
add_job (gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  AddJob *job = data;

  return gh_profile_add (job->config_path, &job->spec, &job->replaced, error);
}

/**
 * gh_profile_add_async:
 *
 * gh_profile_add() on a worker thread, for code on a main loop: the wait for the config file's
 * lock and the file work never block it. @spec is copied.
 */
void
gh_profile_add_async (const char           *config_path,
                      const GhProfileSpec  *spec,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  AddJob *job;

  g_return_if_fail (config_path != NULL);
  g_return_if_fail (spec != NULL);

  job = g_new0 (AddJob, 1);
  job->config_path = g_strdup (config_path);
  job->spec.name = g_strdup (spec->name);
  job->spec.session_name = g_strdup (spec->session_name);
  job->spec.legacy = spec->legacy;
  job->spec.start_url = g_strdup (spec->start_url);
  job->spec.sso_region = g_strdup (spec->sso_region);
  job->spec.account_id = g_strdup (spec->account_id);
  job->spec.role_name = g_strdup (spec->role_name);
  job->spec.region = g_strdup (spec->region);
  job->spec.output = g_strdup (spec->output);
  gh_file_job_run_async (gh_profile_add_async, add_job, job, (GDestroyNotify) add_job_free,
                         cancellable, callback, user_data);
}

/* @replaced: as gh_profile_add() sets it. */
gboolean
gh_profile_add_finish (GAsyncResult  *result,
                       gboolean      *replaced,
                       GError       **error)
{
  AddJob *job;

  if (!gh_file_job_finish (result, gh_profile_add_async, error))
    return FALSE;

  job = gh_file_job_get_data (result);
  if (replaced != NULL)
    *replaced = job->replaced;
  return TRUE;
}
