/* gh-role-credentials.c — short-term credentials for one role (GetRoleCredentials), cached in
 * the keyring, and the formats AWS tools read
 *
 * Every GetRoleCredentials call is a CloudTrail event and costs a round trip, and
 * `credential_process` runs on every AWS command; so credentials are kept in the keyring and
 * reused while more than GH_ROLE_CREDENTIALS_REUSE_WINDOW is left. The keyring is only a
 * cache here: when it is locked or failing, credentials are fetched (and not stored) instead.
 *
 * Secrets are written by hand into buffers sized up front (no reallocation leaves copies
 * behind) and wiped before they are freed; they never reach a log line or an error message.
 */
#define G_LOG_DOMAIN "gh-role-credentials"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "gh-clock.h"
#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-http.h"
#include "gh-role-credentials-private.h"
#include "gh-role-credentials.h"
#include "gh-role.h"
#include "gh-secret-store.h"
#include "gh-token-cache.h"

#define OPERATION "GetRoleCredentials"

static void
wipe_string (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
}

static void
wipe_and_free (char *text)
{
  wipe_string (text);
  g_free (text);
}

void
gh_role_credentials_free (GhRoleCredentials *credentials)
{
  if (credentials == NULL)
    return;

  wipe_and_free (credentials->access_key_id);
  wipe_and_free (credentials->secret_access_key);
  wipe_and_free (credentials->session_token);
  g_free (credentials->account_id);
  g_free (credentials);
}

/* The copy's secrets are wiped by gh_role_credentials_free() like the original's */
GhRoleCredentials *
gh_role_credentials_copy (const GhRoleCredentials *credentials)
{
  GhRoleCredentials *copy;

  g_return_val_if_fail (credentials != NULL, NULL);

  copy = g_new0 (GhRoleCredentials, 1);
  copy->access_key_id = g_strdup (credentials->access_key_id);
  copy->secret_access_key = g_strdup (credentials->secret_access_key);
  copy->session_token = g_strdup (credentials->session_token);
  copy->expiration = credentials->expiration;
  copy->account_id = g_strdup (credentials->account_id);
  return copy;
}

gboolean
gh_credentials_format_parse (const char          *text,
                             GhCredentialsFormat *format)
{
  static const struct {
    const char          *name;
    GhCredentialsFormat  format;
  } formats[] = {
    { "process", GH_CREDENTIALS_FORMAT_PROCESS },
    { "env", GH_CREDENTIALS_FORMAT_ENV },
    { "ini", GH_CREDENTIALS_FORMAT_INI },
    { "json", GH_CREDENTIALS_FORMAT_JSON },
    { "fish", GH_CREDENTIALS_FORMAT_FISH },
    { "powershell", GH_CREDENTIALS_FORMAT_POWERSHELL },
  };

  g_return_val_if_fail (format != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (text, formats[i].name) == 0)
      {
        *format = formats[i].format;
        return TRUE;
      }

  return FALSE;
}

/* Formatting */

static gsize
safe_strlen (const char *text)
{
  return text != NULL ? strlen (text) : 0;
}

/* Room for every field escaped at worst (\u00XX is 6 bytes per byte) plus the keys. */
static GString *
secret_buffer_new (const GhRoleCredentials *credentials,
                   const char              *extra_a,
                   const char              *extra_b)
{
  gsize length = safe_strlen (credentials->access_key_id) +
                 safe_strlen (credentials->secret_access_key) +
                 safe_strlen (credentials->session_token) +
                 safe_strlen (credentials->account_id) +
                 safe_strlen (extra_a) + safe_strlen (extra_b);

  return g_string_sized_new (6 * length + 512);
}

static char *
secret_buffer_free (GString *buffer)
{
  return g_string_free (buffer, FALSE);
}

static void
append_json_string (GString    *buffer,
                    const char *value)
{
  g_string_append_c (buffer, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (buffer, '\\');
          g_string_append_c (buffer, c);
        }
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (buffer, "\\u%04x", c);
      else
        g_string_append_c (buffer, c);
    }
  g_string_append_c (buffer, '"');
}

/* `,\n  "key": ` with the comma when something came before. */
static void
append_json_key (GString    *buffer,
                 const char *key)
{
  if (buffer->len > 1)
    g_string_append_c (buffer, ',');
  g_string_append (buffer, "\n  ");
  append_json_string (buffer, key);
  g_string_append (buffer, ": ");
}

static void
append_json_member (GString    *buffer,
                    const char *key,
                    const char *value)
{
  if (value == NULL)
    return;
  append_json_key (buffer, key);
  append_json_string (buffer, value);
}

/* docs/aws-protocols.md §4.9: integer Version, RFC 3339 Expiration in UTC with Z (Go parses it as a
 * time.Time); no Expiration would make AWS tools treat the credentials as static. */
static char *
format_process (const GhRoleCredentials *credentials,
                const char              *role_name,
                gboolean                 with_account_and_role)
{
  GString *buffer = secret_buffer_new (credentials, role_name, NULL);

  g_string_append_c (buffer, '{');
  append_json_key (buffer, "Version");
  g_string_append (buffer, "1");
  append_json_member (buffer, "AccessKeyId", credentials->access_key_id);
  append_json_member (buffer, "SecretAccessKey", credentials->secret_access_key);
  append_json_member (buffer, "SessionToken", credentials->session_token);
  if (credentials->expiration > 0)
    {
      g_autofree char *expiration = gh_format_expires_at (credentials->expiration);

      append_json_member (buffer, "Expiration", expiration);
    }
  if (with_account_and_role)
    {
      append_json_member (buffer, "AccountId", credentials->account_id);
      append_json_member (buffer, "RoleName", role_name);
    }
  g_string_append (buffer, "\n}\n");

  return secret_buffer_free (buffer);
}

/* The ECS container credentials endpoint's answer, as botocore's ContainerProvider and the JS
 * SDK's fromHttp/fromContainerMetadata read it: Token (not SessionToken) and no Version. */
static char *
format_container (const GhRoleCredentials *credentials)
{
  GString *buffer = secret_buffer_new (credentials, NULL, NULL);
  g_autofree char *expiration = gh_format_expires_at (credentials->expiration);

  g_string_append_c (buffer, '{');
  append_json_member (buffer, "AccessKeyId", credentials->access_key_id);
  append_json_member (buffer, "SecretAccessKey", credentials->secret_access_key);
  append_json_member (buffer, "Token", credentials->session_token);
  append_json_member (buffer, "Expiration", expiration);
  append_json_member (buffer, "AccountId", credentials->account_id);
  g_string_append (buffer, "\n}\n");

  return secret_buffer_free (buffer);
}

/* Shell lines */

/* The variables, in the order they are printed and set. */
void
gh_role_credentials_foreach_variable (const GhRoleCredentials   *credentials,
                                      const char                *region,
                                      GhCredentialsVariableFunc  func,
                                      gpointer                   user_data)
{
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (credentials->access_key_id != NULL);
  g_return_if_fail (credentials->secret_access_key != NULL);
  g_return_if_fail (func != NULL);

  func ("AWS_ACCESS_KEY_ID", credentials->access_key_id, user_data);
  func ("AWS_SECRET_ACCESS_KEY", credentials->secret_access_key, user_data);
  if (credentials->session_token != NULL)
    func ("AWS_SESSION_TOKEN", credentials->session_token, user_data);

  if (credentials->expiration > 0)
    {
      g_autofree char *expiration = gh_format_expires_at (credentials->expiration);

      func ("AWS_CREDENTIAL_EXPIRATION", expiration, user_data);
    }

  /* The SDKs read AWS_REGION; the AWS CLI and botocore read AWS_DEFAULT_REGION. */
  if (region != NULL)
    {
      func ("AWS_REGION", region, user_data);
      func ("AWS_DEFAULT_REGION", region, user_data);
    }
}

/* POSIX shells: nothing inside single quotes is special but the quote itself, which becomes
 * '\'' (end quote, escaped quote, start quote). */
static void
append_posix_quoted (GString    *buffer,
                     const char *value)
{
  g_string_append_c (buffer, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append (buffer, "'\\''");
      else
        g_string_append_c (buffer, *p);
    }
  g_string_append_c (buffer, '\'');
}

/* fish: inside single quotes only \' and \\ are escapes, so those two get a backslash. */
static void
append_fish_quoted (GString    *buffer,
                    const char *value)
{
  g_string_append_c (buffer, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (buffer, '\\');
      g_string_append_c (buffer, *p);
    }
  g_string_append_c (buffer, '\'');
}

/* U+2018–U+201B, which PowerShell also takes for a single quote: E2 80 98–9B in UTF-8. */
static gsize
powershell_curly_quote_length (const char *p)
{
  const guchar *u = (const guchar *) p;

  return u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9b ? 3 : 0;
}

/* PowerShell: in a single-quoted string nothing is special but a quote character (the ASCII
 * one or a curly one), which is written twice. */
static void
append_powershell_quoted (GString    *buffer,
                          const char *value)
{
  g_string_append_c (buffer, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      gsize curly = powershell_curly_quote_length (p);

      if (curly > 0)
        {
          g_string_append_len (buffer, p, curly);
          g_string_append_len (buffer, p, curly);
          p += curly - 1;
        }
      else if (*p == '\'')
        g_string_append (buffer, "''");
      else
        g_string_append_c (buffer, *p);
    }
  g_string_append_c (buffer, '\'');
}

typedef struct
{
  GString             *buffer;
  GhCredentialsFormat  format;
} ShellLines;

static void
append_shell_line (const char *name,
                   const char *value,
                   gpointer    user_data)
{
  ShellLines *lines = user_data;

  switch (lines->format)
    {
    case GH_CREDENTIALS_FORMAT_ENV:
      g_string_append_printf (lines->buffer, "export %s=", name);
      append_posix_quoted (lines->buffer, value);
      break;
    case GH_CREDENTIALS_FORMAT_FISH:
      g_string_append_printf (lines->buffer, "set -gx %s ", name);
      append_fish_quoted (lines->buffer, value);
      break;
    case GH_CREDENTIALS_FORMAT_POWERSHELL:
      g_string_append_printf (lines->buffer, "$Env:%s = ", name);
      append_powershell_quoted (lines->buffer, value);
      break;
    case GH_CREDENTIALS_FORMAT_PROCESS:
    case GH_CREDENTIALS_FORMAT_INI:
    case GH_CREDENTIALS_FORMAT_JSON:
    case GH_CREDENTIALS_FORMAT_CONTAINER:
    default:
      g_assert_not_reached ();
    }
  g_string_append_c (lines->buffer, '\n');
}

static char *
format_shell (const GhRoleCredentials *credentials,
              GhCredentialsFormat      format,
              const char              *region)
{
  ShellLines lines = { secret_buffer_new (credentials, region, NULL), format };

  gh_role_credentials_foreach_variable (credentials, region, append_shell_line, &lines);
  return secret_buffer_free (lines.buffer);
}

static void
append_ini (GString    *buffer,
            const char *key,
            const char *value)
{
  if (value != NULL)
    g_string_append_printf (buffer, "%s = %s\n", key, value);
}

static char *
format_ini (const GhRoleCredentials *credentials,
            const char              *profile_name)
{
  GString *buffer = secret_buffer_new (credentials, profile_name, NULL);

  g_string_append_printf (buffer, "[%s]\n", profile_name != NULL ? profile_name : "default");
  append_ini (buffer, "aws_access_key_id", credentials->access_key_id);
  append_ini (buffer, "aws_secret_access_key", credentials->secret_access_key);
  append_ini (buffer, "aws_session_token", credentials->session_token);

  return secret_buffer_free (buffer);
}

static gboolean
has_line_break (const char *text)
{
  return text != NULL && strpbrk (text, "\r\n") != NULL;
}

/**
 * gh_role_credentials_format:
 *
 * PROCESS: `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`,
 * two-space indented, with a final newline. JSON: the same members, then "AccountId" and
 * "RoleName" (each only when known) — still valid credential_process output, since AWS tools
 * accept an optional AccountId and ignore unknown members. ENV, FISH, POWERSHELL: a line per
 * variable of gh_role_credentials_foreach_variable(), as `export NAME='value'` (POSIX shells),
 * `set -gx NAME 'value'` (fish) or `$Env:NAME = 'value'` (PowerShell), quoted for that shell.
 * CONTAINER (not a --format): the ECS container credentials endpoint's JSON, `{"AccessKeyId",
 * "SecretAccessKey", "Token", "Expiration", "AccountId"}`; it needs a session token and an
 * expiration.
 * INI: `[profile_name]` with aws_access_key_id, aws_secret_access_key and aws_session_token.
 * Expiration is YYYY-MM-DDTHH:MM:SSZ (UTC). Members and lines for absent fields are left out.
 *
 * Returns: the text, holding secrets: free it with gh_secret_free().
 */
char *
gh_role_credentials_format (const GhRoleCredentials *credentials,
                            GhCredentialsFormat      format,
                            const char              *profile_name,
                            const char              *role_name,
                            const char              *region)
{
  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (credentials->access_key_id != NULL, NULL);
  g_return_val_if_fail (credentials->secret_access_key != NULL, NULL);
  g_return_val_if_fail (credentials->expiration <= GH_MAX_EXPIRES_AT, NULL);
  /* A line break would let the name add keys to the credentials file. */
  g_return_val_if_fail (!has_line_break (profile_name), NULL);

  switch (format)
    {
    case GH_CREDENTIALS_FORMAT_PROCESS:
      return format_process (credentials, role_name, FALSE);
    case GH_CREDENTIALS_FORMAT_JSON:
      return format_process (credentials, role_name, TRUE);
    case GH_CREDENTIALS_FORMAT_ENV:
    case GH_CREDENTIALS_FORMAT_FISH:
    case GH_CREDENTIALS_FORMAT_POWERSHELL:
      return format_shell (credentials, format, region);
    case GH_CREDENTIALS_FORMAT_INI:
      return format_ini (credentials, profile_name);
    case GH_CREDENTIALS_FORMAT_CONTAINER:
      g_return_val_if_fail (credentials->session_token != NULL, NULL);
      g_return_val_if_fail (credentials->expiration > 0, NULL);
      return format_container (credentials);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The JSON forms */

GhRoleCredentials *
gh_role_credentials_from_json (JsonNode    *node,
                               const char  *account_id,
                               GError     **error)
{
  g_autoptr(GhRoleCredentials) credentials = g_new0 (GhRoleCredentials, 1);
  JsonObject *object;
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;
  gint64 expiration_ms;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has no object “%s”"), OPERATION, "roleCredentials");
      return NULL;
    }
  object = json_node_get_object (node);

  if (!(access_key_id = gh_json_require_token (object, "accessKeyId", OPERATION, error)) ||
      !(secret_access_key = gh_json_require_token (object, "secretAccessKey", OPERATION,
                                                   error)) ||
      !(session_token = gh_json_require_token (object, "sessionToken", OPERATION, error)) ||
      !gh_json_require_int (object, "expiration", OPERATION, &expiration_ms, error))
    return NULL;

  /* Epoch milliseconds (docs/aws-protocols.md §3.2), as botocore, Go and JS read it. Less than a
   * second would be an expiration of 0, which the formats read as "never expires". */
  if (expiration_ms < 1000 || expiration_ms / 1000 > GH_MAX_EXPIRES_AT)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has an impossible “%s”"), OPERATION, "expiration");
      return NULL;
    }

  credentials->access_key_id = g_strdup (access_key_id);
  credentials->secret_access_key = g_strdup (secret_access_key);
  credentials->session_token = g_strdup (session_token);
  credentials->expiration = expiration_ms / 1000;
  credentials->account_id = g_strdup (account_id);

  return g_steal_pointer (&credentials);
}

char *
gh_role_credentials_to_json (const GhRoleCredentials *credentials,
                             const char              *role_name)
{
  GString *buffer;

  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (credentials->access_key_id != NULL, NULL);
  g_return_val_if_fail (credentials->secret_access_key != NULL, NULL);
  g_return_val_if_fail (credentials->session_token != NULL, NULL);

  buffer = secret_buffer_new (credentials, role_name, NULL);
  g_string_append_c (buffer, '{');
  append_json_member (buffer, "accessKeyId", credentials->access_key_id);
  append_json_member (buffer, "secretAccessKey", credentials->secret_access_key);
  append_json_member (buffer, "sessionToken", credentials->session_token);
  append_json_key (buffer, "expiration");
  g_string_append_printf (buffer, "%" G_GINT64_FORMAT, credentials->expiration * 1000);
  append_json_member (buffer, "accountId", credentials->account_id);
  append_json_member (buffer, "roleName", role_name);
  g_string_append (buffer, "\n}\n");

  return secret_buffer_free (buffer);
}

/* Getting credentials */

typedef struct
{
  GhSession         *session;
  char              *account_id;
  char              *role_name;
  gboolean           token_forced;     /* the access token was refreshed after a 401 */
  char              *access_token;
  GhRoleCredentials *credentials;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->session);
  g_free (fetch->account_id);
  g_free (fetch->role_name);
  g_clear_pointer (&fetch->access_token, gh_secret_free);
  g_clear_pointer (&fetch->credentials, gh_role_credentials_free);
  g_free (fetch);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static GError *
not_signed_in_error (GhSession *session)
{
  const char *name = gh_session_get_name (session);

  if (gh_session_get_status (session) == GH_SESSION_SIGNED_OUT)
    return g_error_new (GH_ERROR, GH_ERROR_NOT_SIGNED_IN,
                        _("“%s” is not signed in. Sign in: gatehouse login %s"), name, name);

  return g_error_new (GH_ERROR, GH_ERROR_NOT_SIGNED_IN,
                      _("The sign-in for “%s” has ended. Sign in again: gatehouse login %s"),
                      name, name);
}

/* Takes @error. The portal's own messages ("No access") say nothing about what was asked
 * for, so ours name the account and the role. */
static void
fetch_fail (GTask  *task,
            GError *error)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;

  if (error->domain == GH_ERROR)
    {
      switch (error->code)
        {
        case GH_ERROR_FORBIDDEN:
          g_task_return_new_error (task, GH_ERROR, GH_ERROR_FORBIDDEN,
                                   _("No access to %s in account %s (ForbiddenException): the "
                                     "role is not assigned to you, or the name is misspelled"),
                                   fetch->role_name, fetch->account_id);
          return;

        case GH_ERROR_NOT_FOUND:
          g_task_return_new_error (task, GH_ERROR, GH_ERROR_NOT_FOUND,
                                   _("No role %s in account %s (ResourceNotFoundException): "
                                     "check the account id and the role name"),
                                   fetch->role_name, fetch->account_id);
          return;

        case GH_ERROR_UNAUTHORIZED:
          /* Only after the token was replaced; a sign-in that ended fails the replacement. */
          g_task_return_error (task, gh_session_token_refused_error (fetch->session));
          return;

        case GH_ERROR_NOT_SIGNED_IN:
        case GH_ERROR_INVALID_INPUT:
          g_task_return_error (task, g_steal_pointer (&owned));
          return;

        default:
          break;
        }
    }

  if (!is_cancelled (error))
    g_prefix_error (&owned, _("Could not get credentials for %s in account %s: "),
                    fetch->role_name, fetch->account_id);
  g_task_return_error (task, g_steal_pointer (&owned));
}

static void
fetch_return (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&fetch->credentials),
                         (GDestroyNotify) gh_role_credentials_free);
}

static void
on_stored (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Only a cache: the credentials are good whether or not they could be kept. */
  if (!gh_secret_store_store_role_credentials_finish (result, &error))
    g_debug ("Could not keep role credentials in the keyring: %s", error->message);

  fetch_return (task);
}

static void request_token (GTask      *task,
                           const char *rejected_token);

static void
on_reply (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  JsonObject *root;

  reply = gh_http_call_finish (GH_HTTP (object), result, &error);

  if (reply == NULL)
    {
      /* The token looked valid here but the portal disagrees (revoked, or the clocks differ):
       * replace it once, then give up. */
      if (g_error_matches (error, GH_ERROR, GH_ERROR_UNAUTHORIZED) && !fetch->token_forced)
        {
          char *rejected = g_steal_pointer (&fetch->access_token);

          g_debug ("%s: access token rejected, replacing it", OPERATION);
          fetch->token_forced = TRUE;
          request_token (task, rejected);
          gh_secret_free (rejected);
          return;
        }
      g_clear_pointer (&fetch->access_token, gh_secret_free);
      fetch_fail (task, g_steal_pointer (&error));
      return;
    }
  g_clear_pointer (&fetch->access_token, gh_secret_free);

  root = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  fetch->credentials =
    gh_role_credentials_from_json (root != NULL ? json_object_get_member (root, "roleCredentials")
                                                : NULL,
                                   fetch->account_id, &error);
  if (fetch->credentials == NULL)
    {
      fetch_fail (task, g_steal_pointer (&error));
      return;
    }

  secret = gh_role_credentials_to_json (fetch->credentials, fetch->role_name);
  gh_secret_store_store_role_credentials_async (gh_session_get_name (fetch->session),
                                                gh_session_get_start_url (fetch->session),
                                                fetch->account_id, fetch->role_name, secret,
                                                fetch->credentials->expiration,
                                                g_task_get_cancellable (task),
                                                on_stored, g_object_ref (task));
  wipe_string (secret);
}

static void
call_portal (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *role = NULL;
  g_autofree char *account = NULL;
  g_autofree char *url = NULL;

  base = gh_endpoint_url (GH_SERVICE_PORTAL, gh_session_get_region (fetch->session), &error);
  if (base == NULL)
    {
      fetch_fail (task, g_steal_pointer (&error));
      return;
    }

  role = g_uri_escape_string (fetch->role_name, NULL, FALSE);
  account = g_uri_escape_string (fetch->account_id, NULL, FALSE);
  url = g_strdup_printf ("%s/federation/credentials?role_name=%s&account_id=%s",
                         base, role, account);

  gh_http_call_async (gh_http_get_default (), OPERATION, "GET", url, NULL, fetch->access_token,
                      g_task_get_cancellable (task), on_reply, g_object_ref (task));
}

static void
on_token (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (fetch->access_token == NULL);

  fetch->access_token = gh_session_get_access_token_finish (GH_SESSION (object), result,
                                                            &error);
  if (fetch->access_token == NULL)
    {
      fetch_fail (task, g_steal_pointer (&error));
      return;
    }

  call_portal (task);
}

/* Refreshed first when needed, under the session's lock; never an interactive sign-in. */
static void
request_token (GTask      *task,
               const char *rejected_token)
{
  Fetch *fetch = g_task_get_task_data (task);

  gh_session_get_access_token_async (fetch->session, rejected_token,
                                     g_task_get_cancellable (task), on_token,
                                     g_object_ref (task));
}

static void
on_cached (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  gint64 now = gh_clock_get_now (gh_clock_get_default ());
  char *secret;

  secret = gh_secret_store_lookup_role_credentials_finish (result, &error);
  if (error != NULL)
    {
      if (is_cancelled (error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* A locked or failing keyring only costs a GetRoleCredentials call. */
      g_debug ("No cached role credentials, the keyring failed: %s", error->message);
    }

  if (secret != NULL)
    {
      parser = json_parser_new ();
      if (json_parser_load_from_data (parser, secret, -1, NULL))
        fetch->credentials = gh_role_credentials_from_json (json_parser_get_root (parser),
                                                            fetch->account_id, NULL);
      g_clear_object (&parser);
      gh_secret_free (secret);

      if (fetch->credentials == NULL)
        g_debug ("Ignoring unreadable role credentials in the keyring");
      else if (fetch->credentials->expiration - now > GH_ROLE_CREDENTIALS_REUSE_WINDOW)
        {
          fetch_return (task);
          return;
        }
      else
        g_clear_pointer (&fetch->credentials, gh_role_credentials_free);
    }

  request_token (task, NULL);
}

void
gh_role_credentials_get_async (GhSession           *session,
                               const char          *account_id,
                               const char          *role_name,
                               gboolean             force_refresh,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  g_return_if_fail (GH_IS_SESSION (session));
  g_return_if_fail (account_id != NULL);
  g_return_if_fail (role_name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_role_credentials_get_async);

  fetch = g_new0 (Fetch, 1);
  fetch->session = g_object_ref (session);
  fetch->account_id = g_strdup (account_id);
  fetch->role_name = g_strdup (role_name);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  if (*account_id == '\0' || *role_name == '\0')
    {
      g_task_return_new_error (task, GH_ERROR, GH_ERROR_INVALID_INPUT,
                               _("An account id and a role name are needed for credentials"));
      return;
    }

  /* After a sign-out nothing is handed out, not even credentials cached before it (the AWS
   * CLI's logout deletes its role-credential cache, too). An ended sign-in still serves cached
   * credentials: they stay valid at AWS until they expire. */
  gh_session_reload (session);
  if (gh_session_get_status (session) == GH_SESSION_SIGNED_OUT)
    {
      g_task_return_error (task, not_signed_in_error (session));
      return;
    }

  if (force_refresh)
    {
      request_token (task, NULL);
      return;
    }

  gh_secret_store_lookup_role_credentials_async (gh_session_get_name (session),
                                                 gh_session_get_start_url (session),
                                                 account_id, role_name, cancellable,
                                                 on_cached, g_object_ref (task));
}

GhRoleCredentials *
gh_role_credentials_get_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gh_role_credentials_get_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Forgetting roles */

typedef struct
{
  guint   pending;
  GError *error;     /* the first failure */
} Forget;

static void
forget_free (Forget *forget)
{
  g_clear_error (&forget->error);
  g_free (forget);
}

static void
on_role_forgotten (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Forget *forget = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (forget->pending > 0);

  if (!gh_secret_store_clear_role_credentials_finish (result, &error) && forget->error == NULL)
    forget->error = g_steal_pointer (&error);

  if (--forget->pending > 0)
    return;

  if (forget->error != NULL)
    g_task_return_error (task, g_steal_pointer (&forget->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Checked before anything starts: the keyring call refuses a role without a session name, and
 * a refused call would never call back, leaving the task pending for ever. */
static gboolean
roles_have_sessions (GPtrArray *roles)
{
  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      if (!GH_IS_ROLE (role) || gh_role_get_session_name (role) == NULL)
        return FALSE;
    }
  return TRUE;
}

void
gh_role_credentials_forget_async (GPtrArray           *roles,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Forget *forget;

  g_return_if_fail (roles != NULL);
  g_return_if_fail (roles_have_sessions (roles));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_role_credentials_forget_async);

  if (roles->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  forget = g_new0 (Forget, 1);
  /* Counted up front: every call below completes later, from the main loop. */
  forget->pending = roles->len;
  g_task_set_task_data (task, forget, (GDestroyNotify) forget_free);

  for (guint i = 0; i < roles->len; i++)
    {
      GhRole *role = g_ptr_array_index (roles, i);

      gh_secret_store_clear_role_credentials_async (gh_role_get_session_name (role),
                                                    gh_role_get_account_id (role),
                                                    gh_role_get_role_name (role),
                                                    cancellable,
                                                    on_role_forgotten, g_object_ref (task));
    }
}

gboolean
gh_role_credentials_forget_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gh_role_credentials_forget_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
