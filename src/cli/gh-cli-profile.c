/* gh-cli-profile.c — `gatehouse profile add`: the `aws configure sso` step for one role
 *
 * On a terminal it asks, line by line, for what the options do not say: the sign-in (signing in
 * when needed), the role from a list that typing narrows, the region, the output format and
 * the profile name, each with its default. With --account and --role, or when standard input
 * is not a terminal, it asks nothing. Prompts go to standard error, the result to standard
 * output.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-cli-util.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-profile-add.h"
#include "gh-profile-sync.h"
#include "gh-shell-quote.h"

/* How many roles the list shows at once; typing narrows it. */
#define PICKER_ROWS 20

typedef struct
{
  char     *session;
  char     *account;
  char     *role;
  char     *region;
  char     *output;
  char     *name;
  gboolean  interactive;
} AddRequest;

static void
add_request_clear (AddRequest *request)
{
  g_free (request->session);
  g_free (request->account);
  g_free (request->role);
  g_free (request->region);
  g_free (request->output);
  g_free (request->name);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddRequest, add_request_clear)

/* Asking */

/* One line from standard input, without its line end and surrounding blanks; NULL at the end
 * of the input. */
static char *
ask (const char *prompt)
{
  char *line = NULL;
  size_t size = 0;
  g_autofree char *answer = NULL;

  g_printerr ("%s", prompt);
  if (getline (&line, &size, stdin) < 0)
    {
      free (line);
      g_printerr ("\n");
      return NULL;
    }
  answer = g_strstrip (g_strdup (line));
  free (line);
  return g_steal_pointer (&answer);
}

/* "LABEL [DEFAULT]: "; an empty answer is the default. */
static char *
ask_with_default (const char *label,
                  const char *default_value)
{
  g_autofree char *prompt = g_strdup_printf ("%s [%s]: ", label, default_value);
  g_autofree char *answer = ask (prompt);

  if (answer == NULL)
    return NULL;
  if (answer[0] == '\0')
    return g_strdup (default_value);
  return g_steal_pointer (&answer);
}

static gboolean
is_number (const char *text,
           guint       max,
           guint      *number)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, max, &value, NULL))
    return FALSE;
  *number = (guint) value;
  return TRUE;
}

static void
no_answer (GError **error)
{
  g_set_error_literal (error, GH_ERROR, GH_ERROR_FAILED,
                       _("No answer: no profile was added."));
}

/* The sign-in */

static void
print_session_choices (GListModel *sessions)
{
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(GhSession) session = g_list_model_get_item (sessions, i);

      g_printerr ("%4u  %s  %s\n", i + 1, gh_session_get_name (session),
                  gh_session_get_start_url (session));
    }
}

static GhSession *
choose_session (const char  *name,
                gboolean     interactive,
                GError     **error)
{
  g_autoptr(GhSessionManager) manager = gh_cli_load_sessions (error);
  GListModel *sessions = G_LIST_MODEL (manager);
  guint n;

  if (manager == NULL)
    return NULL;
  n = g_list_model_get_n_items (sessions);
  if (name != NULL || !interactive || n < 2)
    {
      GhSession *session = gh_session_manager_find (manager, name, error);

      if (session != NULL && name == NULL && interactive)
        g_printerr (_("Sign-in: %s (%s)\n"), gh_session_get_name (session),
                    gh_session_get_start_url (session));
      return session;
    }

  g_printerr ("%s\n", _("Sign-ins:"));
  print_session_choices (sessions);
  for (;;)
    {
      g_autofree char *prompt = g_strdup_printf (_("Sign-in (1–%u or a name): "), n);
      g_autofree char *answer = ask (prompt);
      GhSession *session;
      guint number;

      if (answer == NULL)
        {
          no_answer (error);
          return NULL;
        }
      if (is_number (answer, n, &number))
        return g_list_model_get_item (sessions, number - 1);
      if ((session = gh_session_manager_lookup (manager, answer)) != NULL)
        return g_object_ref (session);
      g_printerr (_("There is no sign-in “%s”.\n"), answer);
    }
}

/* The role */

/* The roles of the sign-in; on a terminal, signing in first when needed, as `aws configure
 * sso` does. @any_age takes a cached list however old. */
static GPtrArray *
list_roles (GhSession  *session,
            gboolean    interactive,
            gboolean    refresh,
            gboolean    any_age,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  GPtrArray *roles;
  GhCliWaiter waiter;

  gh_cli_waiter_init (&waiter);
  roles = gh_cli_obtain_roles (session, refresh, any_age, &waiter, &local_error);
  if (roles == NULL && interactive &&
      g_error_matches (local_error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN))
    {
      g_printerr ("%s\n", local_error->message);
      g_clear_error (&local_error);
      if (gh_cli_sign_in (session, GH_FLOW_AUTHORIZATION_CODE, FALSE, &local_error))
        roles = gh_cli_obtain_roles (session, refresh, any_age, &waiter, &local_error);
    }
  gh_cli_waiter_clear (&waiter);

  if (roles == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return roles;
}

static GhRole *
find_role (GPtrArray  *roles,
           const char *account_id,
           const char *role_name)
{
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (g_str_equal (gh_role_get_account_id (role), account_id) &&
          g_str_equal (gh_role_get_role_name (role), role_name))
        return g_object_ref (role);
    }
  return NULL;
}

/* The role the options name: from the cached list if it has it, else from a new listing
 * (roles granted since the cache was written). */
static GhRole *
role_from_options (GhSession   *session,
                   const char  *account_id,
                   const char  *role_name,
                   GError     **error)
{
  g_autoptr(GPtrArray) roles = NULL;
  GhRole *role;

  roles = list_roles (session, FALSE, FALSE, TRUE, error);
  if (roles == NULL)
    return NULL;
  if ((role = find_role (roles, account_id, role_name)) != NULL)
    return role;

  g_clear_pointer (&roles, g_ptr_array_unref);
  if ((roles = list_roles (session, FALSE, TRUE, FALSE, error)) == NULL)
    return NULL;
  if ((role = find_role (roles, account_id, role_name)) != NULL)
    return role;

  g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
               _("The sign-in “%s” has no role %s in the account %s (gatehouse roles %s lists "
                 "its roles)"), gh_session_get_name (session), role_name, account_id,
               gh_session_get_name (session));
  return NULL;
}

static void
print_role_choices (GPtrArray *matches)
{
  guint shown = MIN (matches->len, PICKER_ROWS);
  int width = 0;

  for (guint i = 0; i < shown; i++)
    {
      GhRole *role = g_ptr_array_index (matches, i);
      const char *account = gh_role_get_account_name (role);

      width = MAX (width, (int) g_utf8_strlen (account ? account : "—", -1));
    }

  for (guint i = 0; i < shown; i++)
    {
      GhRole *role = g_ptr_array_index (matches, i);
      const char *account = gh_role_get_account_name (role);

      account = account ? account : "—";
      /* Padded by characters, not bytes, so that non-ASCII names line up. */
      g_printerr ("%4u  %s%*s  %s  %s\n", i + 1, account,
                  width - (int) g_utf8_strlen (account, -1), "",
                  gh_role_get_account_id (role), gh_role_get_role_name (role));
    }
  if (matches->len > shown)
    g_printerr (_("      … and %u more: type part of a name to narrow the list\n"),
                matches->len - shown);
}

static GPtrArray *
filter_roles (GPtrArray  *roles,
              const char *text)
{
  g_autoptr(GhRoleMatcher) matcher = gh_role_matcher_new (text);
  GPtrArray *matches = g_ptr_array_new ();

  for (guint i = 0; i < roles->len; i++)
    if (gh_cli_role_matches (g_ptr_array_index (roles, i), NULL, matcher))
      g_ptr_array_add (matches, g_ptr_array_index (roles, i));
  return matches;
}

/* A number picks a role of the list shown; anything else narrows the list to the roles whose
 * account or role holds it; an empty answer shows the whole list again, or picks the one role
 * left. */
static GhRole *
pick_role (GhSession  *session,
           GPtrArray  *roles,
           GError    **error)
{
  g_autoptr(GPtrArray) matches = filter_roles (roles, "");

  if (roles->len == 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_NOT_FOUND_LOCAL,
                   _("The sign-in “%s” has no roles."), gh_session_get_name (session));
      return NULL;
    }

  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "%u role in %s. Type part of an account or role name to narrow the "
                           "list, or the number of a role.\n",
                           "%u roles in %s. Type part of an account or role name to narrow the "
                           "list, or the number of a role.\n", roles->len),
              roles->len, gh_session_get_name (session));
  print_role_choices (matches);

  for (;;)
    {
      g_autofree char *answer = ask (matches->len == 1 ? _("Role [1]: ") : _("Role: "));
      g_autoptr(GPtrArray) narrowed = NULL;
      guint number;

      if (answer == NULL)
        {
          no_answer (error);
          return NULL;
        }
      if (answer[0] == '\0' && matches->len == 1)
        return g_object_ref (g_ptr_array_index (matches, 0));
      if (is_number (answer, MIN (matches->len, PICKER_ROWS), &number))
        return g_object_ref (g_ptr_array_index (matches, number - 1));

      narrowed = filter_roles (roles, answer);
      if (narrowed->len == 0)
        {
          g_printerr (_("No account or role matches “%s”.\n"), answer);
          continue;
        }
      g_ptr_array_unref (matches);
      matches = g_steal_pointer (&narrowed);
      print_role_choices (matches);
    }
}

/* The settings */

typedef gboolean (*CheckFunc) (const char  *value,
                               GError     **error);

static gboolean
check_region (const char  *region,
              GError     **error)
{
  if (gh_region_is_valid (region))
    return TRUE;
  g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
               _("“%s” is not an AWS region such as us-east-1"), region);
  return FALSE;
}

/* @given when the options say it, else the answer (asked again until @check takes it), else
 * @default_value. */
static char *
setting (const char  *given,
         gboolean     interactive,
         const char  *label,
         const char  *default_value,
         CheckFunc    check,
         GError     **error)
{
  if (given != NULL || !interactive)
    {
      const char *value = given != NULL ? given : default_value;

      return check (value, error) ? g_strdup (value) : NULL;
    }

  for (;;)
    {
      g_autofree char *answer = ask_with_default (label, default_value);
      g_autoptr(GError) local_error = NULL;

      if (answer == NULL)
        {
          no_answer (error);
          return NULL;
        }
      if (check (answer, &local_error))
        return g_steal_pointer (&answer);
      g_printerr ("%s\n", local_error->message);
    }
}

/* Writing */

static gboolean
write_profile (AddRequest  *request,
               GhSession   *session,
               GhRole      *role,
               const char  *default_name,
               const char  *path,
               gboolean    *replaced,
               GError     **error)
{
  const GhSsoSessionConfig *config = gh_session_get_config (session);
  GhProfileSpec spec = {
    .session_name = gh_session_get_name (session),
    .legacy = config->legacy,
    .start_url = config->start_url,
    .sso_region = config->region,
    .account_id = gh_role_get_account_id (role),
    .role_name = gh_role_get_role_name (role),
    .region = request->region,
    .output = request->output,
  };

  if (request->name != NULL || !request->interactive)
    {
      spec.name = request->name != NULL ? request->name : default_name;
      return gh_profile_add (path, &spec, replaced, error);
    }

  /* On a terminal a name that is taken, or not one, is asked for again. */
  for (;;)
    {
      g_autofree char *answer = ask_with_default (_("Profile name"), default_name);
      g_autoptr(GError) local_error = NULL;

      if (answer == NULL)
        {
          no_answer (error);
          return FALSE;
        }
      spec.name = answer;
      if (gh_profile_add (path, &spec, replaced, &local_error))
        {
          request->name = g_steal_pointer (&answer);
          return TRUE;
        }
      if (!g_error_matches (local_error, GH_ERROR, GH_ERROR_INVALID_INPUT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_printerr ("%s\n", local_error->message);
    }
}

static int
add_profile (AddRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) session = NULL;
  g_autoptr(GhRole) role = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autofree char *default_name = NULL;
  g_autofree char *template_ = NULL;
  g_autofree char *region = NULL;
  g_autofree char *output = NULL;
  g_autofree char *path = gh_aws_config_default_path ();
  g_autofree char *quoted = NULL;
  const char *account_name;
  gboolean replaced = FALSE;

  if ((session = choose_session (request->session, request->interactive, &error)) == NULL)
    return gh_cli_report_error (error);

  if (!request->interactive)
    role = role_from_options (session, request->account, request->role, &error);
  else if ((roles = list_roles (session, TRUE, FALSE, FALSE, &error)) != NULL)
    role = pick_role (session, roles, &error);
  if (role == NULL)
    return gh_cli_report_error (error);

  account_name = gh_role_get_account_name (role);
  if (request->interactive)
    g_printerr (_("Role: %s in %s (%s)\n"), gh_role_get_role_name (role),
                account_name ? account_name : "—", gh_role_get_account_id (role));

  if ((region = setting (request->region, request->interactive, _("Region"),
                         gh_session_get_region (session), check_region, &error)) == NULL ||
      (output = setting (request->output, request->interactive, _("Output format"), "json",
                         gh_profile_validate_output, &error)) == NULL)
    return gh_cli_report_error (error);
  g_free (request->region);
  request->region = g_steal_pointer (&region);
  g_free (request->output);
  request->output = g_steal_pointer (&output);

  /* The name sync would give the role, so that the profile is the one people expect. */
  template_ = gh_cli_sync_template (gh_session_get_name (session));
  default_name = gh_profile_name_from_template (template_, gh_session_get_name (session),
                                                gh_role_get_account_id (role), account_name,
                                                gh_role_get_role_name (role), &error);
  if (default_name == NULL ||
      !write_profile (request, session, role, default_name, path, &replaced, &error))
    return gh_cli_report_error (error);

  if (request->name == NULL)
    request->name = g_steal_pointer (&default_name);
  quoted = gh_shell_quote (request->name);
  g_print (replaced ? _("Replaced the profile %s in %s\n") : _("Added the profile %s to %s\n"),
           request->name, path);
  g_print (_("Use it with: aws sts get-caller-identity --profile %s\n"), quoted);
  return GH_EXIT_OK;
}

static int
cmd_profile_add (int    argc,
                 char **argv)
{
  g_auto(AddRequest) request = { 0, };
  g_autoptr(GOptionContext) context =
    g_option_context_new (_("— add an AWS CLI profile for one role"));
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_STRING, &request.session,
      N_("Sign-in (may be left out when there is only one)"), N_("S") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &request.account, N_("Account ID"), N_("ID") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &request.role, N_("Role (permission set) name"),
      N_("R") },
    { "region", 0, 0, G_OPTION_ARG_STRING, &request.region,
      N_("The profile's region (default: the sign-in's)"), N_("R") },
    { "output", 0, 0, G_OPTION_ARG_STRING, &request.output,
      N_("The profile's output format: json, yaml, yaml-stream, text or table (default json)"),
      N_("O") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &request.name,
      N_("Profile name (default: the name gatehouse sync gives the role)"), N_("NAME") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gh_cli_usage_error (error->message);
  if (argc != 1)
    return gh_cli_usage_error (_("profile add takes no arguments"));
  if ((request.account == NULL) != (request.role == NULL))
    return gh_cli_usage_error (_("profile add needs both --account and --role, or neither"));

  /* Options that name the role ask nothing, as does a script (no terminal to answer). */
  request.interactive = request.account == NULL && isatty (STDIN_FILENO);
  if (request.account == NULL && !request.interactive)
    return gh_cli_usage_error (_("profile add needs --account and --role when standard input "
                                 "is not a terminal"));
  if (request.name != NULL && !gh_profile_validate_name (request.name, &error))
    return gh_cli_report_error (error);

  return add_profile (&request);
}

int
gh_cli_cmd_profile (int    argc,
                    char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return cmd_profile_add (argc - 1, argv + 1);
  return gh_cli_usage_error (_("profile needs a command: add"));
}
