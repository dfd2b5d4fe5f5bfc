/* gh-federation.c — the AWS console for a role (docs/aws-protocols.md §5)
 *
 * Console hosts: in the aws partition us-east-1 uses the global host console.aws.amazon.com
 * (as Granted and aws-sso-cli do), every other region {region}.console.aws.amazon.com (as in the
 * §7.7 vector). GovCloud and China have one console host each (console.amazonaws-us-gov.com,
 * console.amazonaws.cn) whatever the region.
 *
 * A Destination given as a full URL must be https on the partition's console domain or a
 * subdomain of it, matched on a "." label boundary with plain DNS labels only — so
 * console.aws.amazon.com.evil.com, evilconsole.aws.amazon.com and percent-encoded tricks are
 * refused — with no userinfo and no port other than 443.
 *
 * Everything built from credentials (the Session parameter, the getSigninToken URL, the token)
 * is wiped when freed and never logged or put in an error message.
 */
#define G_LOG_DOMAIN "gh-federation"

#include "config.h"

#include <glib/gi18n.h>

#include "gh-endpoints.h"
#include "gh-error.h"
#include "gh-federation.h"
#include "gh-federation-private.h"
#include "gh-secret-store.h"

#define OPERATION "GetSigninToken"

static char *
escape (const char *text)
{
  return g_uri_escape_string (text != NULL ? text : "", NULL, FALSE);
}

static char *
strip_trailing_slashes (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/* ------------------------------------------------------------------------------------------ */
/* Session JSON */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

char *
gh_federation_session_json (const GhRoleCredentials *credentials)
{
  GString *out;
  gsize size;

  g_return_val_if_fail (credentials != NULL, NULL);

  /* Sized up front so no reallocation leaves a copy of the secret behind (worst case every
   * byte becomes a six-character \u escape). */
  size = 64 + 6 * (strlen (credentials->access_key_id ? credentials->access_key_id : "") +
                   strlen (credentials->secret_access_key ? credentials->secret_access_key : "") +
                   strlen (credentials->session_token ? credentials->session_token : ""));
  out = g_string_sized_new (size);

  g_string_append (out, "{\"sessionId\":");
  append_json_string (out, credentials->access_key_id);
  g_string_append (out, ",\"sessionKey\":");
  append_json_string (out, credentials->secret_access_key);
  g_string_append (out, ",\"sessionToken\":");
  append_json_string (out, credentials->session_token);
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Console URLs */

static const char *
console_domain (const char *region)
{
  const char *partition = gh_partition_for_region (region);

  if (g_str_equal (partition, "aws-us-gov"))
    return "console.amazonaws-us-gov.com";
  if (g_str_equal (partition, "aws-cn"))
    return "console.amazonaws.cn";
  return "console.aws.amazon.com";
}

char *
gh_console_base_url (const char *region)
{
  g_return_val_if_fail (gh_region_is_valid (region), NULL);

  if (g_str_equal (gh_partition_for_region (region), "aws") &&
      !g_str_equal (region, "us-east-1"))
    return g_strdup_printf ("https://%s.%s", region, console_domain (region));

  return g_strdup_printf ("https://%s", console_domain (region));
}

static gboolean
is_service_name (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 64 || text[0] == '-')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/* Plain DNS labels: [a-z0-9-]+ separated by single dots. */
static gboolean
is_plain_hostname (const char *host)
{
  gboolean label_start = TRUE;

  if (*host == '\0')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          if (label_start)
            return FALSE;
          label_start = TRUE;
          continue;
        }
      if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
        return FALSE;
      label_start = FALSE;
    }
  return !label_start;
}

static gboolean
host_in_domain (const char *host,
                const char *domain)
{
  gsize host_len = strlen (host);
  gsize domain_len = strlen (domain);

  if (g_str_equal (host, domain))
    return TRUE;
  return host_len > domain_len + 1 &&
         g_str_has_suffix (host, domain) &&
         host[host_len - domain_len - 1] == '.';
}

static const char *
partition_of_console_host (const char *host)
{
  static const char *regions[] = { "us-east-1", "us-gov-west-1", "cn-north-1" };

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (host_in_domain (host, console_domain (regions[i])))
      return gh_partition_for_region (regions[i]);
  return NULL;
}

static char *
check_console_url (const char  *region,
                   const char  *url,
                   GError     **error)
{
  const char *domain = console_domain (region);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host = NULL;
  const char *other_partition;

  /* Characters a browser reads differently from a URI parser (backslash as '/', stripped
   * whitespace) have no place in a console URL. */
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == '\\' || (guchar) *p >= 0x7f)
      {
        g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                     _("“%s” is not a valid console URL: it contains spaces, backslashes or "
                       "other characters a URL cannot have"), url);
        return NULL;
      }

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not a valid URL; give a console URL such as https://%s/ or a "
                     "service name such as “ec2”"), url, domain);
      return NULL;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The console destination “%s” must use https"), url);
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The console destination “%s” must not contain a user name or password"),
                   url);
      return NULL;
    }

  if (g_uri_get_port (uri) != -1 && g_uri_get_port (uri) != 443)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("The console destination “%s” must not name a port"), url);
      return NULL;
    }

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  if (is_plain_hostname (host) && host_in_domain (host, domain))
    return g_strdup (url);

  other_partition = is_plain_hostname (host) ? partition_of_console_host (host) : NULL;
  if (other_partition != NULL)
    g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                 _("The console destination “%s” belongs to the %s partition, but region %s "
                   "is in the %s partition; use a URL on %s"),
                 url, other_partition, region, gh_partition_for_region (region), domain);
  else
    g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                 _("The console destination “%s” is not an AWS console URL; use a URL on %s "
                   "(or a subdomain of it) or a service name such as “ec2”"), url, domain);
  return NULL;
}

char *
gh_console_destination (const char  *region,
                        const char  *destination,
                        GError     **error)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gh_region_is_valid (region))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
                   _("“%s” is not an AWS region (expected something like us-east-1)"),
                   region ? region : "");
      return NULL;
    }

  base = gh_console_base_url (region);

  if (destination == NULL || *destination == '\0')
    return g_strdup_printf ("%s/console/home?region=%s", base, region);

  if (is_service_name (destination))
    return g_strdup_printf ("%s/%s/home?region=%s", base, destination, region);

  if (strstr (destination, "://") != NULL)
    return check_console_url (region, destination, error);

  g_set_error (error, GH_ERROR, GH_ERROR_INVALID_INPUT,
               _("“%s” is neither a console service name (lower-case letters, digits and "
                 "dashes, such as “ec2” or “s3”) nor a URL starting with https://"),
               destination);
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Sign-in and sign-out URLs */

char *
gh_federation_login_url (const char *signin_url,
                         const char *issuer,
                         const char *destination,
                         const char *signin_token)
{
  g_autofree char *base = NULL;
  g_autofree char *issuer_e = NULL;
  g_autofree char *destination_e = NULL;
  char *token_e;
  char *url;

  g_return_val_if_fail (signin_url != NULL, NULL);
  g_return_val_if_fail (destination != NULL, NULL);
  g_return_val_if_fail (signin_token != NULL, NULL);

  base = strip_trailing_slashes (signin_url);
  issuer_e = escape (issuer);
  destination_e = escape (destination);
  token_e = escape (signin_token);
  url = g_strdup_printf ("%s/federation?Action=login&Issuer=%s&Destination=%s&SigninToken=%s",
                         base, issuer_e, destination_e, token_e);
  gh_secret_free (token_e);

  return url;
}

/* The console's own "Sign out" goes to {signin}/oauth?Action=logout; AWS then redirects to
 * redirect_uri. Whether AWS honours a redirect_uri that points at the federation login URL (rather
 * than an aws.amazon.com page) is unverified; the simulator implements it. */
char *
gh_federation_logout_url (const char *signin_url,
                          const char *next_url)
{
  g_autofree char *base = NULL;
  g_autofree char *next_e = NULL;

  g_return_val_if_fail (signin_url != NULL, NULL);
  g_return_val_if_fail (next_url != NULL, NULL);

  base = strip_trailing_slashes (signin_url);
  next_e = escape (next_url);
  return g_strdup_printf ("%s/oauth?Action=logout&redirect_uri=%s", base, next_e);
}

/* ------------------------------------------------------------------------------------------ */
/* getSigninToken */

typedef struct
{
  GhHttp *http;
  char   *base_url;          /* secret: holds the Session parameter */
  guint   session_duration;
  char   *secrets[3];        /* the credential strings, to keep them out of error messages */
} TokenCall;

static void
token_call_free (TokenCall *call)
{
  g_clear_object (&call->http);
  gh_secret_free (call->base_url);
  for (guint i = 0; i < G_N_ELEMENTS (call->secrets); i++)
    gh_secret_free (call->secrets[i]);
  g_free (call);
}

static void start_token_request (GTask *task);

/* 400 (bad or expired credentials, per docs/aws-protocols.md §5.2), 401, 403; a 404 rather means
 * a wrong sign-in endpoint and keeps GhHttp's message, which names the host. */
static gboolean
is_refusal (const GError *error)
{
  if (error->domain != GH_ERROR)
    return FALSE;
  switch ((GhError) error->code)
    {
    case GH_ERROR_INVALID_REQUEST:
    case GH_ERROR_FORBIDDEN:
    case GH_ERROR_UNAUTHORIZED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* GhHttp names only the operation and host, but make sure: nothing that came from the
 * credentials or the request URL leaves this file in an error. */
static GError *
sanitize_error (TokenCall *call,
                GError    *error,
                guint      status)
{
  gboolean leaks = strstr (error->message, call->base_url) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (call->secrets) && !leaks; i++)
    leaks = call->secrets[i] != NULL && *call->secrets[i] != '\0' &&
            strstr (error->message, call->secrets[i]) != NULL;

  if (is_refusal (error))
    {
      GError *refused;

      if (status != 0)
        refused = g_error_new (GH_ERROR, error->code,
                               _("The AWS sign-in endpoint refused the credentials (HTTP %u). "
                                 "They may have expired or been revoked; get new role "
                                 "credentials and try again."), status);
      else
        refused = g_error_new_literal (GH_ERROR, error->code,
                                       _("The AWS sign-in endpoint refused the credentials. "
                                         "They may have expired or been revoked; get new role "
                                         "credentials and try again."));
      g_error_free (error);
      return refused;
    }

  if (leaks)
    {
      GError *clean = g_error_new_literal (error->domain, error->code,
                                           _("GetSigninToken failed: the AWS sign-in endpoint "
                                             "could not be used"));
      g_error_free (error);
      return clean;
    }

  return error;
}

char *
gh_federation_decode_signin_token (JsonNode  *root,
                                   GError   **error)
{
  const char *token;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s failed: the reply has no “%s”"), OPERATION, "SigninToken");
      return NULL;
    }

  token = gh_json_require_token (json_node_get_object (root), "SigninToken", OPERATION, error);
  return token != NULL ? g_strdup (token) : NULL;
}

static void
token_request_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TokenCall *call = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  char *token;

  root = gh_http_call_finish (GH_HTTP (object), result, &error);
  if (root == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          return;
        }

      /* A duration the endpoint does not accept (role chaining, GetFederationToken
       * credentials, out of range) is a 400: fall back to the credentials' own expiry. */
      if (call->session_duration != 0 &&
          g_error_matches (error, GH_ERROR, GH_ERROR_INVALID_REQUEST))
        {
          g_debug ("GetSigninToken refused SessionDuration=%u; retrying without it",
                   call->session_duration);
          g_error_free (error);
          call->session_duration = 0;
          start_token_request (g_steal_pointer (&task));
          return;
        }

      g_task_return_error (task, sanitize_error (call, error, gh_http_call_get_status (result)));
      return;
    }

  token = gh_federation_decode_signin_token (root, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, token, (GDestroyNotify) gh_secret_free);
}

static void
start_token_request (GTask *task)
{
  TokenCall *call = g_task_get_task_data (task);
  char *url;

  if (call->session_duration != 0)
    url = g_strdup_printf ("%s&SessionDuration=%u", call->base_url, call->session_duration);
  else
    url = g_strdup (call->base_url);

  gh_http_call_async (call->http, OPERATION, "GET", url, NULL, NULL,
                      g_task_get_cancellable (task), token_request_cb, task);
  gh_secret_free (url);
}

void
gh_federation_get_signin_token_async (GhHttp                  *http,
                                      const char              *signin_url,
                                      const GhRoleCredentials *credentials,
                                      guint                    session_duration,
                                      GCancellable            *cancellable,
                                      GAsyncReadyCallback      callback,
                                      gpointer                 user_data)
{
  g_autofree char *base = NULL;
  GTask *task;
  TokenCall *call;
  char *json;
  char *json_e;

  g_return_if_fail (http == NULL || GH_IS_HTTP (http));
  g_return_if_fail (signin_url != NULL);
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gh_federation_get_signin_token_async);

  if (credentials->access_key_id == NULL || *credentials->access_key_id == '\0' ||
      credentials->secret_access_key == NULL || *credentials->secret_access_key == '\0' ||
      credentials->session_token == NULL || *credentials->session_token == '\0')
    {
      g_task_return_new_error (task, GH_ERROR, GH_ERROR_INVALID_INPUT,
                               _("Cannot open the console: the role credentials are incomplete "
                                 "(temporary credentials with a session token are needed)"));
      g_object_unref (task);
      return;
    }

  base = strip_trailing_slashes (signin_url);
  json = gh_federation_session_json (credentials);
  json_e = escape (json);
  gh_secret_free (json);

  call = g_new0 (TokenCall, 1);
  call->http = http != NULL ? g_object_ref (http) : g_object_ref (gh_http_get_default ());
  call->base_url = g_strdup_printf ("%s/federation?Action=getSigninToken&Session=%s",
                                    base, json_e);
  gh_secret_free (json_e);
  call->session_duration = session_duration;
  call->secrets[0] = g_strdup (credentials->secret_access_key);
  call->secrets[1] = g_strdup (credentials->session_token);
  call->secrets[2] = g_uri_escape_string (credentials->secret_access_key, NULL, FALSE);
  g_task_set_task_data (task, call, (GDestroyNotify) token_call_free);

  start_token_request (task);
}

char *
gh_federation_get_signin_token_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        gh_federation_get_signin_token_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Access-portal shortcut */

char *
gh_portal_shortcut_url (const char *start_url,
                        const char *account_id,
                        const char *role_name,
                        const char *destination)
{
  g_autofree char *base = NULL;
  g_autofree char *account_e = NULL;
  GString *url;

  g_return_val_if_fail (start_url != NULL, NULL);
  g_return_val_if_fail (account_id != NULL, NULL);

  base = strip_trailing_slashes (start_url);
  account_e = escape (account_id);
  url = g_string_new (base);
  g_string_append_printf (url, "/#/console?account_id=%s", account_e);

  if (role_name != NULL && *role_name != '\0')
    {
      g_autofree char *role_e = escape (role_name);

      g_string_append_printf (url, "&role_name=%s", role_e);
    }

  if (destination != NULL && *destination != '\0')
    {
      g_autofree char *destination_e = escape (destination);

      g_string_append_printf (url, "&destination=%s", destination_e);
    }

  return g_string_free (url, FALSE);
}
