/* gh-cli-util.c — what the `gatehouse` commands share */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <sys/stat.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-cli.h"
#include "gh-cli-util.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-role-target.h"
#include "gh-service-client.h"

/* Waiting */

void
gh_cli_waiter_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GhCliWaiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

/* The signal that cancelled a wait (SIGINT, SIGTERM), for the exit code; 0 while none did. */
static int interrupted_by;

typedef struct
{
  GCancellable *cancellable;
  int           signum;
} Interrupt;

static gboolean
interrupted_cb (gpointer user_data)
{
  Interrupt *interrupt = user_data;

  if (interrupted_by == 0)
    interrupted_by = interrupt->signum;
  g_cancellable_cancel (interrupt->cancellable);
  return G_SOURCE_CONTINUE;
}

int
gh_cli_interrupted (void)
{
  return interrupted_by;
}

void
gh_cli_waiter_init (GhCliWaiter *waiter)
{
  waiter->loop = g_main_loop_new (NULL, FALSE);
  waiter->result = NULL;
  waiter->cancellable = g_cancellable_new ();
}

GAsyncResult *
gh_cli_waiter_wait (GhCliWaiter *waiter)
{
  Interrupt on_sigint = { waiter->cancellable, SIGINT };
  Interrupt on_sigterm = { waiter->cancellable, SIGTERM };
  guint sigint = g_unix_signal_add (SIGINT, interrupted_cb, &on_sigint);
  guint sigterm = g_unix_signal_add (SIGTERM, interrupted_cb, &on_sigterm);

  g_clear_object (&waiter->result);
  g_main_loop_run (waiter->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return waiter->result;
}

void
gh_cli_waiter_clear (GhCliWaiter *waiter)
{
  g_clear_pointer (&waiter->loop, g_main_loop_unref);
  g_clear_object (&waiter->result);
  g_clear_object (&waiter->cancellable);
}

/* Errors */

static int
exit_code_for_error (const GError *error)
{
  if (error->domain != GH_ERROR)
    return GH_EXIT_FAILURE;

  switch ((GhError) error->code)
    {
    case GH_ERROR_INVALID_INPUT:
    case GH_ERROR_NOT_FOUND_LOCAL:
      return GH_EXIT_USAGE;

    case GH_ERROR_NOT_SIGNED_IN:
    case GH_ERROR_EXPIRED:
    case GH_ERROR_ACCESS_DENIED:
    case GH_ERROR_INVALID_GRANT:
    case GH_ERROR_UNAUTHORIZED:
    case GH_ERROR_TIMEOUT:
    case GH_ERROR_STATE_MISMATCH:
    case GH_ERROR_REPLY_LOST:
      return GH_EXIT_NOT_SIGNED_IN;

    case GH_ERROR_KEYRING:
      return GH_EXIT_KEYRING;

    case GH_ERROR_PENDING:
    case GH_ERROR_SLOW_DOWN:
    case GH_ERROR_INVALID_CLIENT:
    case GH_ERROR_THROTTLED:
    case GH_ERROR_NOT_FOUND:
    case GH_ERROR_FORBIDDEN:
    case GH_ERROR_SERVER:
    case GH_ERROR_NETWORK:
    case GH_ERROR_NO_REPLY:
    case GH_ERROR_MALFORMED:
    case GH_ERROR_INVALID_REQUEST:
      return GH_EXIT_SERVICE;

    case GH_ERROR_FAILED:
    case GH_ERROR_CONFIG:
    case GH_ERROR_BROWSER:
    default:
      return GH_EXIT_FAILURE;
    }
}

int
gh_cli_report_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("%s\n", _("Cancelled."));
      /* As a shell reports a command a signal ended: Ctrl-C is 130. */
      return interrupted_by != 0 ? 128 + interrupted_by : GH_EXIT_FAILURE;
    }
  g_printerr ("gatehouse: %s\n", error->message);
  return exit_code_for_error (error);
}

int
gh_cli_usage_error (const char *message)
{
  g_printerr ("gatehouse: %s\n", message);
  g_printerr ("%s\n", _("Run “gatehouse --help” for usage."));
  return GH_EXIT_USAGE;
}

char *
gh_cli_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (unix_seconds <= 0)
    return g_strdup ("—");

  when = g_date_time_new_from_unix_local (unix_seconds);
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  return g_date_time_format (when, "%Y-%m-%d %H:%M");
}

/* Pretty-printed, as people read --json output as often as scripts do. */
void
gh_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, TRUE);

  g_print ("%s\n", text);
}

/* The AWS config file */

/* A command reads the file once however many of the helpers below it uses: with thousands of
 * profiles, reading it was most of a `credential_process` call's time. The copy is checked
 * against the file on every use (device, inode, size, change time), so a command that wrote
 * the file reads what it wrote. */
static struct
{
  GhIni       *ini;
  char        *path;
  struct stat  stat;
  gint64       read_at;   /* g_get_real_time() just before the stat() */
  gboolean     exists;
} config_copy;

GhIni *
gh_cli_read_config (const char **path,
                    GError     **error)
{
  g_autofree char *current = gh_aws_config_default_path ();
  gint64 read_at = g_get_real_time ();
  struct stat now;
  gboolean exists = stat (current, &now) == 0;
  GhIni *ini;

  if (config_copy.ini != NULL && g_str_equal (config_copy.path, current) &&
      config_copy.exists == exists &&
      (!exists || gh_file_same_version (&config_copy.stat, &now)))
    goto done;

  if ((ini = gh_aws_config_load (current, error)) == NULL)
    return NULL;
  g_clear_object (&config_copy.ini);
  g_free (config_copy.path);
  config_copy.ini = ini;
  config_copy.path = g_steal_pointer (&current);
  config_copy.stat = now;
  config_copy.read_at = read_at;
  config_copy.exists = exists;

done:
  if (path != NULL)
    *path = config_copy.path;
  return config_copy.ini;
}

static void
forget_config (void)
{
  g_clear_object (&config_copy.ini);
  g_clear_pointer (&config_copy.path, g_free);
  config_copy.exists = FALSE;
}

GhIni *
gh_cli_take_config (const char  *path,
                    struct stat *read_as,
                    gint64      *read_at)
{
  GhIni *ini = NULL;

  if (config_copy.ini != NULL && config_copy.exists && g_strcmp0 (config_copy.path, path) == 0)
    {
      ini = g_steal_pointer (&config_copy.ini);
      *read_as = config_copy.stat;
      *read_at = config_copy.read_at;
    }
  forget_config ();
  return ini;
}

/* Sign-ins */

GhSessionManager *
gh_cli_load_sessions (GError **error)
{
  g_autoptr(GhSessionManager) manager = NULL;
  const char *path;
  GhIni *ini;

  if ((ini = gh_cli_read_config (&path, error)) == NULL)
    return NULL;
  manager = gh_session_manager_new (path);
  gh_session_manager_reload_from (manager, ini);
  return g_steal_pointer (&manager);
}

GhSession *
gh_cli_open_session (const char  *name,
                     GError     **error)
{
  g_autoptr(GhSessionManager) manager = gh_cli_load_sessions (error);

  if (manager == NULL)
    return NULL;
  return gh_session_manager_find (manager, name, error);
}

gboolean
gh_cli_session_name_for (const char  *name,
                         const char  *profile,
                         char       **session_name,
                         GError     **error)
{
  g_auto(GhCliTarget) target = { 0, };

  *session_name = NULL;
  if (profile == NULL)
    {
      *session_name = g_strdup (name);
      return TRUE;
    }
  if (name != NULL)
    {
      g_set_error_literal (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                           _("Name a sign-in or a profile (--profile), not both"));
      return FALSE;
    }

  if (!gh_cli_resolve_target (profile, NULL, NULL, NULL, &target, error))
    return FALSE;
  *session_name = g_steal_pointer (&target.session);
  return TRUE;
}

/* The usable definitions are the manager's sessions, in the same order; a name with both an
 * [sso-session] and a legacy [profile] is two definitions, told apart by kind. */
GhSession *
gh_cli_session_for_definition (GhSessionManager          *manager,
                               const GhSsoSessionConfig  *config,
                               guint                     *position,
                               GError                   **error)
{
  g_autoptr(GhSession) session = g_list_model_get_item (G_LIST_MODEL (manager), *position);
  const GhSsoSessionConfig *own = session ? gh_session_get_config (session) : NULL;
  gboolean usable;

  if (own != NULL && own->legacy == config->legacy && g_str_equal (own->name, config->name))
    {
      (*position)++;
      return g_steal_pointer (&session);
    }

  /* Not among them, so the manager's check refuses it, and says why. */
  usable = gh_sso_session_config_check (config, error);
  g_assert (!usable);
  return NULL;
}

/* Listing commands */

GhSessionManager *
gh_cli_parse_listing_command (int          argc,
                              char       **argv,
                              const char  *summary,
                              const char  *no_arguments_message,
                              gboolean    *json,
                              int         *exit_code)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;
  GhSessionManager *manager;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      *exit_code = gh_cli_usage_error (error->message);
      return NULL;
    }
  if (argc != 1)
    {
      *exit_code = gh_cli_usage_error (no_arguments_message);
      return NULL;
    }

  if ((manager = gh_cli_load_sessions (&error)) == NULL)
    *exit_code = gh_cli_report_error (error);
  return manager;
}

/* The role a command names */

void
gh_cli_profile_from_environment (char       **profile,
                                 const char  *account,
                                 const char  *role)
{
  const char *env = g_getenv ("AWS_PROFILE");

  if (*profile == NULL && account == NULL && role == NULL && env != NULL && env[0] != '\0')
    *profile = g_strdup (env);
}

void
gh_cli_target_clear (GhCliTarget *target)
{
  g_free (target->session);
  g_free (target->account_id);
  g_free (target->role);
  g_free (target->section);
}

gboolean
gh_cli_resolve_target (const char   *profile,
                       const char   *account,
                       const char   *role,
                       const char   *session,
                       GhCliTarget  *target,
                       GError      **error)
{
  g_autoptr(GhProfileConfig) config = NULL;
  const char *path;
  GhIni *ini;

  if (profile == NULL)
    {
      /* Asking the portal about "abc" only earns a confusing answer from AWS */
      if (account != NULL && !gh_account_id_is_valid (account))
        {
          g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                       _("--account needs a 12-digit AWS account id, such as 123456789012; "
                         "“%s” is not one"), account);
          return FALSE;
        }
      target->session = g_strdup (session);
      target->account_id = g_strdup (account);
      target->role = g_strdup (role);
      return TRUE;
    }

  if ((ini = gh_cli_read_config (&path, error)) == NULL ||
      (config = gh_aws_config_find_profile_in (ini, path, profile, error)) == NULL)
    return FALSE;

  /* Legacy profiles are their own sign-in, named after the profile. */
  target->session = g_strdup (config->sso_session ? config->sso_session : config->name);
  target->account_id = g_strdup (config->sso_account_id);
  target->role = g_strdup (config->sso_role_name);
  target->section = g_strdup (profile);
  return TRUE;
}

/* The region */

static char *
profile_region (const char *profile)
{
  g_autoptr(GhProfileConfig) config = NULL;
  const char *path;
  GhIni *ini;

  if (profile == NULL || (ini = gh_cli_read_config (&path, NULL)) == NULL)
    return NULL;
  config = gh_aws_config_find_profile_in (ini, path, profile, NULL);
  return config != NULL ? g_strdup (config->region) : NULL;
}

char *
gh_cli_resolve_region (const char  *option,
                       gboolean     from_environment,
                       const char  *profile,
                       GhSession   *session,
                       GError     **error)
{
  const char *names[] = { "AWS_REGION", "AWS_DEFAULT_REGION" };
  g_autofree char *region = NULL;
  const char *source = "--region";

  region = g_strdup (option);
  for (guint i = 0; region == NULL && from_environment && i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_getenv (names[i]);

      if (value != NULL && *value != '\0')
        {
          region = g_strdup (value);
          source = names[i];
        }
    }
  if (region == NULL && (region = profile_region (profile)) != NULL)
    source = profile;
  if (region == NULL)
    {
      region = g_strdup (gh_session_get_region (session));
      source = gh_session_get_name (session);
    }

  if (!gh_region_is_valid (region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” (from %s) is not an AWS region such as us-east-1"), region, source);
      return NULL;
    }
  return g_steal_pointer (&region);
}

/* Role credentials */

/* Best effort: the tray service, when it runs, shows a single sign-in prompt however many
 * processes ask; when it does not, nothing is started. */
static void
ask_tray_to_sign_in (const char *session_name)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GhServiceClient) client = NULL;
  GhCliWaiter waiter;

  gh_cli_waiter_init (&waiter);
  g_bus_get (G_BUS_TYPE_SESSION, waiter.cancellable, gh_cli_waiter_cb, &waiter);
  bus = g_bus_get_finish (gh_cli_waiter_wait (&waiter), NULL);
  if (bus != NULL)
    {
      client = gh_service_client_new (bus);
      gh_service_client_activate_async (client, "login", g_variant_new_string (session_name),
                                        waiter.cancellable, gh_cli_waiter_cb, &waiter);
      gh_service_client_activate_finish (client, gh_cli_waiter_wait (&waiter), NULL);
    }
  gh_cli_waiter_clear (&waiter);
}

GhRoleCredentials *
gh_cli_get_role_credentials (GhSession         *session,
                             const GhCliTarget *target,
                             gboolean           refresh,
                             int               *exit_code)
{
  g_autoptr(GError) error = NULL;
  GhRoleCredentials *credentials;
  GhCliWaiter waiter;

  gh_cli_waiter_init (&waiter);
  gh_role_credentials_get_async (session, target->account_id, target->role, refresh,
                                 waiter.cancellable, gh_cli_waiter_cb, &waiter);
  credentials = gh_role_credentials_get_finish (gh_cli_waiter_wait (&waiter), &error);
  gh_cli_waiter_clear (&waiter);
  if (credentials != NULL)
    return credentials;

  if (g_error_matches (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
    {
      /* The message says why (never signed in, ended, or a refresh's reply was lost). */
      g_printerr (_("Gatehouse: %s (or click the tray icon)\n"), error->message);
      ask_tray_to_sign_in (gh_session_get_name (session));
      *exit_code = GH_EXIT_NOT_SIGNED_IN;
      return NULL;
    }
  *exit_code = gh_cli_report_error (error);
  return NULL;
}
