/* gh-cli-exec.c — `gatehouse exec`: a command with a role's credentials in its environment
 *
 * The environment is the caller's, less what would choose other credentials for AWS tools,
 * plus the role's: its keys (AWS_ACCESS_KEY_ID…) or, with --ecs-server, the URL and token of a
 * GhCredentialServer that renews them for as long as the command runs. Gatehouse stays the
 * command's parent: it passes signals on, and exits with the command's status (128+N when
 * signal N ended it, as shells report it).
 *
 * Signals: a terminal sends Ctrl-C, Ctrl-\, a resize or a hang-up to its whole foreground
 * process group, the command included, so those (sent by the kernel) are not passed on a
 * second time — a second Ctrl-C makes some programs (Terraform) abandon their clean-up.
 * Signals another process sent to Gatehouse alone (kill PID) are passed on.
 */
#define G_LOG_DOMAIN "gh-cli"

#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-credential-server.h"
#include "gh-error.h"
#include "gh-role-credentials.h"
#include "gh-role-target.h"

/* Marks the environment of a command run by `gatehouse exec`, with what it runs as. */
#define EXEC_MARKER "GATEHOUSE_EXEC"

/* What a shell answers for a command it cannot find or run. */
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

/* Variables that would make AWS tools pick other credentials than the ones given, or that
 * belong to an outer `gatehouse exec`. Botocore's chain reads environment keys first, then
 * AWS_PROFILE's profile, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), … and the
 * container endpoint last (the relative URI before the full one). AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE stay: they hold other settings, and with no profile selected
 * the role's keys come first. The list is aws-vault's plus the container and web-identity
 * variables. */
static const char * const overriding_variables[] = {
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_SDK_LOAD_CONFIG",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_CREDENTIAL_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
};

/* The signals passed on to the command. */
static const int relayed_signals[] = {
  SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

/* One caught signal, as the handler writes it to the pipe. */
typedef struct
{
  int      signo;
  gboolean from_kernel;
} CaughtSignal;

static int relay_pipe_write = -1;

typedef struct
{
  GMainLoop   *loop;
  GSubprocess *child;
  int          relay_pipe[2];
  guint        relay_source;
  int          exit_code;
  char        *last_renewal_error;
} Running;

/* The environment */

static void
wipe_environment (char **envp)
{
  for (char **e = envp; e != NULL && *e != NULL; e++)
    explicit_bzero (*e, strlen (*e));
  g_strfreev (envp);
}

static void
set_variable (const char *name,
              const char *value,
              gpointer    user_data)
{
  char ***envp = user_data;

  *envp = g_environ_setenv (*envp, name, value, TRUE);
}

/* @credentials, or @server's URL and token (then @credentials is NULL). */
static char **
command_environment (const GhRoleCredentials *credentials,
                     GhCredentialServer      *server,
                     const char              *region,
                     const char              *marker)
{
  char **envp = g_get_environ ();

  for (guint i = 0; i < G_N_ELEMENTS (overriding_variables); i++)
    envp = g_environ_unsetenv (envp, overriding_variables[i]);

  if (credentials != NULL)
    gh_role_credentials_foreach_variable (credentials, region, set_variable, &envp);
  else
    {
      envp = g_environ_setenv (envp, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                               gh_credential_server_get_url (server), TRUE);
      envp = g_environ_setenv (envp, "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                               gh_credential_server_get_token (server), TRUE);
      envp = g_environ_setenv (envp, "AWS_REGION", region, TRUE);
      envp = g_environ_setenv (envp, "AWS_DEFAULT_REGION", region, TRUE);
    }

  return g_environ_setenv (envp, EXEC_MARKER, marker, TRUE);
}

/* Signals */

static void
relay_handler (int        signo,
               siginfo_t *info,
               void      *context)
{
  int saved_errno = errno;
  CaughtSignal caught = { signo, info != NULL && info->si_code == SI_KERNEL };

  /* Atomic: far below PIPE_BUF. A full pipe drops the signal rather than block. */
  if (write (relay_pipe_write, &caught, sizeof caught) < 0)
    { /* nothing to do in a signal handler */ }
  errno = saved_errno;
}

static gboolean
relay_cb (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  Running *running = user_data;
  CaughtSignal caught;

  while (read (fd, &caught, sizeof caught) == sizeof caught)
    if (running->child != NULL && !caught.from_kernel)
      g_subprocess_send_signal (running->child, caught.signo);
  return G_SOURCE_CONTINUE;
}

/* Catches the relayed signals, except those that were ignored when Gatehouse started: the
 * command inherits an ignored signal (nohup, a background job), and a caught one would not be. */
static gboolean
start_relaying (Running  *running,
                GError  **error)
{
  struct sigaction action = { 0, };

  if (pipe2 (running->relay_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "pipe2: %s", g_strerror (saved_errno));
      return FALSE;
    }
  relay_pipe_write = running->relay_pipe[1];
  running->relay_source = g_unix_fd_add (running->relay_pipe[0], G_IO_IN, relay_cb, running);

  action.sa_sigaction = relay_handler;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (relayed_signals); i++)
    {
      struct sigaction previous;

      if (sigaction (relayed_signals[i], NULL, &previous) == 0 &&
          previous.sa_handler != SIG_IGN)
        sigaction (relayed_signals[i], &action, NULL);
    }
  return TRUE;
}

/* The command */

static void
child_exited_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Running *running = user_data;
  GSubprocess *child = G_SUBPROCESS (object);

  g_subprocess_wait_finish (child, result, NULL);
  if (g_subprocess_get_if_signaled (child))
    running->exit_code = 128 + g_subprocess_get_term_sig (child);
  else
    running->exit_code = g_subprocess_get_exit_status (child);
  g_main_loop_quit (running->loop);
}

static int
report_spawn_error (const char   *command,
                    const GError *error)
{
  g_printerr ("gatehouse: %s: %s\n", command, error->message);
  if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
    return EXIT_NOT_FOUND;
  return EXIT_NOT_EXECUTABLE;
}

/* Renewal failures (--ecs-server) are said once each: the command's output shares the
 * terminal. The credentials being served still work until they expire. */
static void
renewal_failed_cb (GhCredentialServer *server,
                   const GError       *error,
                   Running            *running)
{
  g_autofree char *until = gh_cli_format_time (gh_credential_server_get_expiration (server));

  if (g_strcmp0 (running->last_renewal_error, error->message) == 0)
    return;
  g_free (running->last_renewal_error);
  running->last_renewal_error = g_strdup (error->message);
  g_printerr (_("gatehouse: could not renew the credentials (%s); the current ones work until "
                "%s\n"), error->message, until);
}

static void
renewed_cb (GhCredentialServer *server,
            Running            *running)
{
  g_clear_pointer (&running->last_renewal_error, g_free);
}

static int
run_command (char               **command,
             char               **envp,
             GhCredentialServer  *server)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  Running running = { .relay_pipe = { -1, -1 }, .exit_code = GH_EXIT_FAILURE };

  running.loop = g_main_loop_new (NULL, FALSE);
  if (!start_relaying (&running, &error))
    {
      g_main_loop_unref (running.loop);
      return gh_cli_report_error (error);
    }
  if (server != NULL)
    {
      g_signal_connect (server, "renewal-failed", G_CALLBACK (renewal_failed_cb), &running);
      g_signal_connect (server, "renewed", G_CALLBACK (renewed_cb), &running);
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_environ (launcher, envp);
  running.child = g_subprocess_launcher_spawnv (launcher, (const char * const *) command, &error);
  if (running.child != NULL)
    {
      g_subprocess_wait_async (running.child, NULL, child_exited_cb, &running);
      g_main_loop_run (running.loop);
    }
  else
    running.exit_code = report_spawn_error (command[0], error);

  if (server != NULL)
    g_signal_handlers_disconnect_by_data (server, &running);
  /* Signals from now on meet their default action, as they would without Gatehouse. */
  for (guint i = 0; i < G_N_ELEMENTS (relayed_signals); i++)
    {
      struct sigaction previous;

      if (sigaction (relayed_signals[i], NULL, &previous) == 0 &&
          previous.sa_sigaction == relay_handler)
        signal (relayed_signals[i], SIG_DFL);
    }
  g_source_remove (running.relay_source);
  relay_pipe_write = -1;
  close (running.relay_pipe[0]);
  close (running.relay_pipe[1]);
  g_clear_object (&running.child);
  g_main_loop_unref (running.loop);
  g_free (running.last_renewal_error);
  return running.exit_code;
}

/* Options */

typedef struct
{
  char      *profile;
  char      *account;
  char      *role;
  char      *session;
  char      *region;
  gboolean   ecs_server;
  gboolean   force;
} ExecOptions;

static void
exec_options_clear (ExecOptions *options)
{
  g_free (options->profile);
  g_free (options->account);
  g_free (options->role);
  g_free (options->session);
  g_free (options->region);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ExecOptions, exec_options_clear)

/* Splits ARGS at the first "--": the options before it, the command after it. Without "--",
 * options end at the first argument that is not one. NULL command: none was given. */
static gboolean
parse_options (int            argc,
               char         **argv,
               ExecOptions   *options,
               char        ***command,
               GError       **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char **option_argv = g_new0 (char *, argc + 1);
  int option_argc = 0;
  int i;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &options->profile,
      N_("An SSO profile of the AWS config file"), N_("P") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &options->account, N_("Account id"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &options->role, N_("Role (permission set) name"),
      N_("R") },
    { "session", 0, 0, G_OPTION_ARG_STRING, &options->session,
      N_("Sign-in to use with --account/--role (optional with one sign-in)"), N_("S") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &options->region,
      N_("AWS_REGION and AWS_DEFAULT_REGION (default: AWS_REGION, AWS_DEFAULT_REGION, the "
         "profile's region, else the sign-in's)"), N_("REGION") },
    { "ecs-server", 0, 0, G_OPTION_ARG_NONE, &options->ecs_server,
      N_("Serve renewed credentials on a loopback URL (AWS_CONTAINER_CREDENTIALS_FULL_URI) "
         "instead of putting keys in the environment"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &options->force,
      N_("Run even inside another “gatehouse exec”"), NULL },
    { NULL }
  };

  for (i = 0; i < argc && !g_str_equal (argv[i], "--"); i++)
    option_argv[option_argc++] = argv[i];

  context = g_option_context_new (_("[--] [COMMAND [ARGUMENT…]] — run a command with a role's "
                                    "credentials"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Without "--", COMMAND's own options must not be taken for ours. */
  g_option_context_set_strict_posix (context, i == argc);
  {
    char **parsed = option_argv;

    if (!g_option_context_parse (context, &option_argc, &parsed, error))
      return FALSE;

    if (i < argc)
      {
        if (option_argc != 1)
          {
            g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                         _("Unexpected argument “%s” before “--”"), parsed[1]);
            return FALSE;
          }
        *command = i + 1 < argc ? g_strdupv (argv + i + 1) : NULL;
      }
    else
      *command = option_argc > 1 ? g_strdupv (parsed + 1) : NULL;
  }
  return TRUE;
}

static const char *
options_problem (const ExecOptions *options)
{
  if ((options->profile != NULL) == (options->account != NULL || options->role != NULL) ||
      (options->profile == NULL && (options->account == NULL || options->role == NULL)))
    return _("exec needs either --profile P, or --account ID and --role R");
  return NULL;
}

/* No command: a shell, as aws-vault does. */
static char **
default_command (void)
{
  const char *shell = g_getenv ("SHELL");
  const char *argv[] = { shell != NULL && *shell != '\0' ? shell : "/bin/sh", NULL };

  return g_strdupv ((char **) argv);
}

int
gh_cli_cmd_exec (int    argc,
                 char **argv)
{
  g_auto(ExecOptions) options = { 0, };
  g_auto(GStrv) command = NULL;
  g_auto(GhCliTarget) target = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRoleCredentials) credentials = NULL;
  g_autoptr(GhCredentialServer) server = NULL;
  g_autofree char *region = NULL;
  g_autofree char *marker = NULL;
  const char *outer = g_getenv (EXEC_MARKER);
  const char *problem;
  char **envp;
  int status;

  if (!parse_options (argc, argv, &options, &command, &error))
    return gh_cli_usage_error (error->message);
  if ((problem = options_problem (&options)) != NULL)
    return gh_cli_usage_error (problem);
  if (outer != NULL && *outer != '\0' && !options.force)
    {
      g_printerr (_("gatehouse: already inside “gatehouse exec” for %s; the new credentials "
                    "would hide those. Leave it first (exit), or pass --force.\n"), outer);
      return GH_EXIT_USAGE;
    }
  if (command == NULL)
    command = default_command ();

  if (!gh_cli_resolve_target (options.profile, options.account, options.role, options.session,
                              &target, &error) ||
      (session = gh_cli_open_session (target.session, &error)) == NULL)
    return gh_cli_report_error (error);
  if ((region = gh_cli_resolve_region (options.region, TRUE, target.section, session,
                                       &error)) == NULL)
    return gh_cli_usage_error (error->message);

  if ((credentials = gh_cli_get_role_credentials (session, &target, FALSE, &status)) == NULL)
    return status;

  marker = target.section != NULL
           ? g_strdup (target.section)
           : gh_role_target_build (gh_session_get_name (session), target.account_id, target.role);

  if (options.ecs_server)
    {
      server = gh_credential_server_new (session, target.account_id, target.role, credentials,
                                         &error);
      if (server == NULL)
        return gh_cli_report_error (error);
      g_clear_pointer (&credentials, gh_role_credentials_free);
    }

  envp = command_environment (credentials, server, region, marker);
  g_clear_pointer (&credentials, gh_role_credentials_free);
  status = run_command (command, envp, server);
  wipe_environment (envp);
  return status;
}
