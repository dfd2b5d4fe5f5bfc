/* gh-cli-complete.c — `gatehouse __complete WORD…`: what the shell completions offer
 *
 * The bash, zsh and fish scripts (data/completions/) pass the words of the command line after
 * "gatehouse", up to the one being completed (possibly empty), and offer what this prints: one
 * candidate per line, those that start with the last word, each optionally followed by a tab
 * and a description. Keeping the knowledge here keeps the scripts small and always right: the
 * options of a command are read from its own --help, the sign-ins and profiles from the AWS
 * config file. The command is hidden: it is for the scripts, not for people.
 */
#define G_LOG_DOMAIN "gh-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-aws-config.h"
#include "gh-cli.h"
#include "gh-cli-private.h"
#include "gh-ini.h"
#include "gh-profile-add.h"

static const struct
{
  const char *name;
  const char *description;
} command_descriptions[] = {
  { "session", N_("Define, list and remove sign-ins") },
  { "login", N_("Sign in") },
  { "logout", N_("Sign out") },
  { "status", N_("Each sign-in and how long it lasts") },
  { "roles", N_("Accounts and roles") },
  { "sync", N_("One AWS CLI profile per role") },
  { "profile", N_("Add an AWS CLI profile for one role") },
  { "credentials", N_("Short-term credentials for a role") },
  { "exec", N_("Run a command with a role's credentials") },
  { "console", N_("Open the AWS console as a role") },
  { "favorite", N_("Favourite roles") },
  { "version", N_("Print the version") },
  { "help", N_("Print the commands") },
};

/* Options whose values are one of a few words, whichever command has them. */
static const char * const format_values[] = {
  "process", "env", "fish", "powershell", "ini", "json", NULL
};
static const char * const browser_values[] = {
  "default", "firefox", "chromium", "chrome", "brave", NULL
};
static const char * const mode_values[] = { "federation", "portal", NULL };
static const char * const container_extension_values[] = { "granted", "open-url", NULL };

typedef struct
{
  char     *name;          /* "--name" */
  gboolean  takes_value;
  char     *description;
} Option;

static void
option_free (gpointer data)
{
  Option *option = data;

  g_free (option->name);
  g_free (option->description);
  g_free (option);
}

/* Candidates */

static void
offer (const char *current,
       const char *prefix,
       const char *candidate,
       const char *description)
{
  g_autofree char *full = g_strconcat (prefix, candidate, NULL);

  /* A line is one candidate: names that would break one are left out. */
  if (strpbrk (candidate, "\t\n\r") != NULL || !g_str_has_prefix (full, current))
    return;
  if (description != NULL && description[0] != '\0')
    g_print ("%s\t%s\n", full, description);
  else
    g_print ("%s\n", full);
}

static void
offer_words (const char         *current,
             const char         *prefix,
             const char * const *words)
{
  for (guint i = 0; words[i] != NULL; i++)
    offer (current, prefix, words[i], NULL);
}

static void
offer_sessions (const char *current,
                const char *prefix)
{
  g_autofree char *path = gh_aws_config_default_path ();
  g_autoptr(GPtrArray) configs = gh_aws_config_list_sessions (path, NULL);

  for (guint i = 0; configs != NULL && i < configs->len; i++)
    {
      GhSsoSessionConfig *config = g_ptr_array_index (configs, i);

      offer (current, prefix, config->name, config->start_url);
    }
}

/* Every profile of the config file, as botocore names them ([default] is "default"). */
static void
offer_profiles (const char *current,
                const char *prefix)
{
  g_autofree char *path = gh_aws_config_default_path ();
  g_autofree char *contents = NULL;
  g_autoptr(GhIni) ini = gh_ini_new ();
  g_auto(GStrv) sections = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL) ||
      !gh_ini_load_from_data (ini, contents, length, NULL))
    return;

  sections = gh_ini_get_sections (ini);
  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *name = gh_aws_config_profile_name (sections[i]);

      /* [default] and [profile default] are one profile, as are other spellings of a name */
      if (name != NULL && g_hash_table_add (seen, g_strdup (name)))
        offer (current, prefix, name, NULL);
    }
}

static void
offer_commands (const char *current)
{
  for (guint i = 0; i < G_N_ELEMENTS (command_descriptions); i++)
    offer (current, "", command_descriptions[i].name, _(command_descriptions[i].description));
  if (current[0] == '-')
    {
      offer (current, "", "--help", NULL);
      offer (current, "", "--version", NULL);
    }
}

static void
offer_values (const char *option,
              const char *current,
              const char *prefix)
{
  if (g_str_equal (option, "--session"))
    offer_sessions (current, prefix);
  else if (g_str_equal (option, "--profile"))
    offer_profiles (current, prefix);
  else if (g_str_equal (option, "--format"))
    offer_words (current, prefix, format_values);
  else if (g_str_equal (option, "--browser"))
    offer_words (current, prefix, browser_values);
  else if (g_str_equal (option, "--mode"))
    offer_words (current, prefix, mode_values);
  else if (g_str_equal (option, "--container-extension"))
    offer_words (current, prefix, container_extension_values);
  else if (g_str_equal (option, "--output"))
    offer_words (current, prefix, gh_profile_output_formats ());
}

/* A command's options */

/* "  -h, --help          Show help options" or "  --region=R   Default region…" */
static Option *
parse_help_line (const char *line)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const char *p = line;
  Option *option;

  while (*p == ' ')
    p++;
  if (p[0] == '-' && p[1] != '-' && p[1] != '\0' && p[2] == ',' && p[3] == ' ')
    p += 4;
  if (!g_str_has_prefix (p, "--") || p[2] == '\0' || p[2] == ' ')
    return NULL;

  while (*p != '\0' && *p != ' ' && *p != '=')
    g_string_append_c (name, *p++);

  option = g_new0 (Option, 1);
  option->takes_value = *p == '=';
  while (*p != '\0' && *p != ' ')
    p++;
  while (*p == ' ')
    p++;
  option->name = g_string_free (g_steal_pointer (&name), FALSE);
  option->description = g_strdup (p);
  return option;
}

/* The options of `gatehouse WORDS… --help`, read from its output, so that they are always the
 * ones the command takes. */
static GPtrArray *
command_options (const char *command,
                 const char *subcommand)
{
  GPtrArray *options = g_ptr_array_new_with_free_func (option_free);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { self, command, subcommand, "--help", NULL };
  int status = 0;

  if (subcommand == NULL)
    {
      argv[2] = "--help";
      argv[3] = NULL;
    }

  if (self == NULL ||
      !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                     NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return options;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      Option *option = parse_help_line (lines[i]);

      if (option != NULL)
        g_ptr_array_add (options, option);
    }
  return options;
}

static Option *
find_option (GPtrArray  *options,
             const char *name)
{
  for (guint i = 0; i < options->len; i++)
    {
      Option *option = g_ptr_array_index (options, i);

      if (g_str_equal (option->name, name))
        return option;
    }
  return NULL;
}

/* The completion */

typedef struct
{
  const char         *command;
  const char * const *subcommands;
  gboolean            dispatched;  /* subcommands with options of their own */
} Command;

static gboolean
find_command (const char *name,
              Command    *command)
{
  const char *known;
  const char * const *subcommands;

  for (guint i = 0; (known = gh_cli_get_command (i, &subcommands)) != NULL; i++)
    if (g_str_equal (known, name))
      {
        command->command = known;
        command->subcommands = subcommands;
        /* The commands that dispatch subcommands take no positional argument of their own. */
        command->dispatched = subcommands != NULL && !g_str_equal (known, "favorite");
        return TRUE;
      }
  return FALSE;
}

/* The arguments (not options, nor option values) among @words, and whether "--" ended the
 * options. */
static GPtrArray *
positionals (char      **words,
             guint       n_words,
             GPtrArray  *options,
             gboolean   *after_dashes)
{
  GPtrArray *arguments = g_ptr_array_new ();

  *after_dashes = FALSE;
  for (guint i = 0; i < n_words; i++)
    {
      Option *option;

      if (*after_dashes || words[i][0] != '-')
        {
          g_ptr_array_add (arguments, words[i]);
          continue;
        }
      if (g_str_equal (words[i], "--"))
        {
          *after_dashes = TRUE;
          continue;
        }
      option = find_option (options, words[i]);
      if (option != NULL && option->takes_value)
        i++;
    }
  return arguments;
}

/* The commands that take a sign-in as their argument, and how many. */
static gboolean
takes_session_argument (const char *command,
                        const char *subcommand)
{
  static const char * const commands[] = { "login", "logout", "roles", "sync", NULL };

  return g_strv_contains (commands, command) ||
         (g_str_equal (command, "session") && g_strcmp0 (subcommand, "remove") == 0);
}

static void
complete (char **words,
          guint  n_words)
{
  const char *current = words[n_words - 1];
  const char *previous = n_words >= 2 ? words[n_words - 2] : NULL;
  const char *subcommand = NULL;
  const char *equals;
  g_autoptr(GPtrArray) options = NULL;
  g_autoptr(GPtrArray) arguments = NULL;
  gboolean after_dashes;
  Command command;

  if (n_words == 1)
    {
      offer_commands (current);
      return;
    }
  if (!find_command (words[0], &command))
    return;

  if (command.dispatched && n_words > 2 && g_strv_contains (command.subcommands, words[1]))
    subcommand = words[1];
  if (command.dispatched && subcommand == NULL)
    {
      if (n_words == 2)
        offer_words (current, "", command.subcommands);
      return;
    }

  options = command_options (command.command, subcommand);
  arguments = positionals (words + 1, n_words - 2, options, &after_dashes);
  if (after_dashes)
    return;

  /* "--option=VALUE" and "--option VALUE" */
  if (g_str_has_prefix (current, "--") && (equals = strchr (current, '=')) != NULL)
    {
      g_autofree char *name = g_strndup (current, equals - current);
      g_autofree char *prefix = g_strndup (current, equals - current + 1);

      offer_values (name, current, prefix);
      return;
    }
  if (previous != NULL && previous[0] == '-' && n_words > 2)
    {
      Option *option = find_option (options, previous);

      if (option != NULL && option->takes_value)
        {
          offer_values (option->name, current, "");
          return;
        }
    }

  if (current[0] == '-')
    {
      for (guint i = 0; i < options->len; i++)
        {
          Option *option = g_ptr_array_index (options, i);

          offer (current, "", option->name, option->description);
        }
      return;
    }

  if (subcommand != NULL)
    g_ptr_array_remove_index (arguments, 0);
  if (command.subcommands != NULL && !command.dispatched && arguments->len == 0)
    offer_words (current, "", command.subcommands);
  else if (takes_session_argument (command.command, subcommand) && arguments->len == 0)
    offer_sessions (current, "");
}

int
gh_cli_cmd_complete (int    argc,
                     char **argv)
{
  char *empty[] = { (char *) "", NULL };
  char **words = argv + 1;
  guint n_words = argc - 1;

  /* The scripts put "--" first, so that no word is taken for an option of this command. */
  if (n_words > 0 && g_str_equal (words[0], "--"))
    {
      words++;
      n_words--;
    }
  if (n_words == 0)
    {
      words = empty;
      n_words = 1;
    }

  complete (words, n_words);
  return GH_EXIT_OK;
}
