/* gh-token-cache.c — the AWS CLI's SSO token cache, ~/.aws/sso/cache/<sha1>.json
 *
 * Every AWS tool shares these files (docs/aws-protocols.md §4.5), so we write them byte for byte
 * the way the AWS CLI does and read whatever the other writers (boto3, Go and JS SDKs, old CLIs)
 * leave.
 */
#define G_LOG_DOMAIN "gh-token-cache"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-token-cache.h"
#include "gh-token-cache-private.h"

/* The refresh token with the client registration it belongs to: a refresh token works only
 * with the client that received it. */
static const char * const refresh_keys[] = {
  "clientId",
  "clientSecret",
  "registrationExpiresAt",
  "refreshToken",
};

/* Keys we own; anything else in an existing file is somebody else's and is kept. */
static const char * const known_keys[] = {
  "startUrl",
  "region",
  "accessToken",
  "expiresAt",
  "clientId",
  "clientSecret",
  "registrationExpiresAt",
  "refreshToken",
};

static void
wipe_string (char *str)
{
  if (str != NULL)
    explicit_bzero (str, strlen (str));
}

static void
wipe_and_free (char *str)
{
  wipe_string (str);
  g_free (str);
}

void
gh_cached_token_free (GhCachedToken *token)
{
  if (token == NULL)
    return;

  g_free (token->start_url);
  g_free (token->region);
  wipe_and_free (token->access_token);
  g_free (token->client_id);
  wipe_and_free (token->client_secret);
  wipe_and_free (token->refresh_token);
  g_free (token);
}

char *
gh_token_cache_dir (void)
{
  return g_build_filename (g_get_home_dir (), ".aws", "sso", "cache", NULL);
}

char *
gh_token_cache_path (const char *key)
{
  g_autofree char *dir = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  dir = gh_token_cache_dir ();
  hex = gh_sha1_hex (key);
  name = g_strconcat (hex, ".json", NULL);

  return g_build_filename (dir, name, NULL);
}

static gboolean
is_digits (const char *text,
           guint       n)
{
  for (guint i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;

  return TRUE;
}

gboolean
gh_parse_expires_at (const char *text,
                     gint64     *unix_seconds)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *copy = NULL;
  gsize len;

  g_return_val_if_fail (unix_seconds != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  /* Only calendar dates with a time (YYYY-MM-DDTHH:MM:SS...); GLib would also take week and
   * ordinal dates, which no AWS tool writes. */
  len = strlen (text);
  if (len < 19 ||
      !is_digits (text, 4) || text[4] != '-' ||
      !is_digits (text + 5, 2) || text[7] != '-' ||
      !is_digits (text + 8, 2) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !is_digits (text + 11, 2) || text[13] != ':' ||
      !is_digits (text + 14, 2) || text[16] != ':' ||
      !is_digits (text + 17, 2))
    return FALSE;

  /* GLib only knows upper-case 'T' and 'Z'; RFC 3339 allows either case. */
  copy = g_ascii_strup (text, len);

  /* AWS CLI < 2.2.0 wrote strftime's %Z, i.e. "UTC" (or "GMT"), which is not ISO 8601. */
  if (g_str_has_suffix (copy, "UTC") || g_str_has_suffix (copy, "GMT"))
    {
      copy[len - 3] = 'Z';
      copy[len - 2] = '\0';
    }

  /* A time without an offset is taken as UTC: every writer works in UTC. */
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (copy, utc);
  if (dt == NULL)
    return FALSE;

  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

char *
gh_format_expires_at (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  g_return_val_if_fail (dt != NULL, NULL);

  /* Four digits for every year (g_date_time_format's %Y does not pad): readers, this file's
   * included, expect YYYY */
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt));
}

/* The JSON object in @data, NULL if it holds none */
static JsonObject *
parse_object (const char *data,
              gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/* The file's contents, wiped when freed: they hold tokens */
static char *
read_file (const char  *path,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, GH_ERROR, GH_ERROR_NOT_SIGNED_IN,
                     _("Not signed in: there is no cached token %s"), path);
      else
        g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                     _("Cannot read %s: %s"), path, local_error->message);
      return NULL;
    }

  return contents;
}

static void
wipe_contents (char  *contents,
               gsize  length)
{
  if (contents != NULL)
    {
      explicit_bzero (contents, length);
      g_free (contents);
    }
}

static JsonObject *
load_object (const char  *path,
             GError     **error)
{
  gsize length = 0;
  char *contents = read_file (path, &length, error);
  JsonObject *object;

  if (contents == NULL)
    return NULL;

  object = parse_object (contents, length);
  wipe_contents (contents, length);
  return object;
}

GhCachedToken *
gh_token_cache_parse (const char  *path,
                      const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonObject) object = parse_object (data, length);
  g_autoptr(GhCachedToken) token = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *registration_expires_at = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (object == NULL)
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s is not an AWS SSO token cache file"), path);
      return NULL;
    }

  token = g_new0 (GhCachedToken, 1);
  token->access_token = g_strdup (gh_json_get_string (object, "accessToken"));
  expires_at = g_strdup (gh_json_get_string (object, "expiresAt"));

  if (token->access_token == NULL || token->access_token[0] == '\0' ||
      !gh_parse_expires_at (expires_at, &token->expires_at))
    {
      g_set_error (error, GH_ERROR, GH_ERROR_MALFORMED,
                   _("%s is not an AWS SSO token cache file"), path);
      return NULL;
    }

  token->start_url = g_strdup (gh_json_get_string (object, "startUrl"));
  token->region = g_strdup (gh_json_get_string (object, "region"));
  token->client_id = g_strdup (gh_json_get_string (object, "clientId"));
  token->client_secret = g_strdup (gh_json_get_string (object, "clientSecret"));
  token->refresh_token = g_strdup (gh_json_get_string (object, "refreshToken"));

  /* Optional: an unreadable registration expiry only means the token cannot be refreshed. */
  registration_expires_at = g_strdup (gh_json_get_string (object, "registrationExpiresAt"));
  if (!gh_parse_expires_at (registration_expires_at, &token->registration_expires_at))
    token->registration_expires_at = 0;

  return g_steal_pointer (&token);
}

GhCachedToken *
gh_token_cache_read (const char  *path,
                     GError     **error)
{
  GhCachedToken *token;
  gsize length = 0;
  char *contents;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  contents = read_file (path, &length, error);
  if (contents == NULL)
    return NULL;

  token = gh_token_cache_parse (path, contents, length, error);
  wipe_contents (contents, length);
  return token;
}

/* Python json.dumps with ensure_ascii (its default): everything outside printable ASCII
 * becomes \uXXXX (UTF-16 surrogate pairs above the BMP), lower-case hex. */
static void
append_json_string (GString    *out,
                    const char *str)
{
  const char *p = str;

  g_string_append_c (out, '"');

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8: Python would have failed earlier; keep the file valid JSON. json-glib
           * reads an escaped lone surrogate ("\udc01") into such bytes: writing it back as it
           * was would not do, as json-glib takes the character after a lone high surrogate
           * for its other half, and then the closing quote. */
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c >= 0x20 && c <= 0x7e)
            g_string_append_c (out, (char) c);
          else if (c < 0x10000)
            g_string_append_printf (out, "\\u%04x", c);
          else
            {
              gunichar v = c - 0x10000;

              g_string_append_printf (out, "\\u%04x\\u%04x",
                                      0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
            }
          break;
        }

      p = g_utf8_next_char (p);
    }

  g_string_append_c (out, '"');
}

static void
append_json_double (GString *out,
                    double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Python would write NaN and Infinity, which are not JSON: json-glib (so Gatehouse itself),
   * Go and JS could not read the file any more. A number too large for a double (how another
   * tool's 1e400 comes back from json-glib) is written as one that reads as the same
   * infinity; JSON has no NaN, and json-glib never reads one. */
  if (isnan (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "1e999" : "-1e999");
      return;
    }

  g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (out, buf);

  /* Python's repr keeps floats recognisable: 1.0, not 1. */
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_json_value (GString  *out,
                   JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      append_json_string (out, json_node_get_string (node));
      break;
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      append_json_double (out, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    default:
      g_string_append (out, "null");
      break;
    }
}

static void
append_json_node (GString  *out,
                  JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        for (const GList *l = members; l != NULL; l = l->next)
          {
            if (!first)
              g_string_append (out, ", ");
            first = FALSE;
            append_json_string (out, l->data);
            g_string_append (out, ": ");
            append_json_node (out, json_object_get_member (object, l->data));
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_json_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      append_json_value (out, node);
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

static void
append_member_node (GString    *out,
                    const char *key,
                    JsonNode   *node)
{
  if (out->len > 1)
    g_string_append (out, ", ");
  append_json_string (out, key);
  g_string_append (out, ": ");
  append_json_node (out, node);
}

static void
append_member (GString    *out,
               const char *key,
               const char *value)
{
  if (value == NULL)
    return;

  if (out->len > 1)
    g_string_append (out, ", ");
  append_json_string (out, key);
  g_string_append (out, ": ");
  append_json_string (out, value);
}

static gboolean
is_known_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_str_equal (key, known_keys[i]))
      return TRUE;

  return FALSE;
}

static void
wipe_gstring (GString *str)
{
  explicit_bzero (str->str, str->allocated_len);
  g_string_free (str, TRUE);
}

/* Whether `previous` holds another client's refresh token and registration, still usable
 * (as `aws sso login` writes them): those are the AWS CLI's own sign-in, which Gatehouse must
 * neither use nor take away. A registration that has expired is nobody's any more. */
static gboolean
has_foreign_refresh (JsonObject  *previous,
                     const char  *client_id)
{
  const char *previous_client;
  gint64 expires_at;

  if (previous == NULL)
    return FALSE;

  previous_client = gh_json_get_string (previous, "clientId");
  if (previous_client == NULL || g_strcmp0 (previous_client, client_id) == 0)
    return FALSE;

  return !gh_parse_expires_at (gh_json_get_string (previous, "registrationExpiresAt"),
                               &expires_at) ||
         expires_at > g_get_real_time () / G_USEC_PER_SEC;
}

/* The exact text the AWS CLI would write: one line, json.dumps separators, no newline.
 * Free with wipe_gstring(). */
static GString *
serialize_token (const GhCachedToken *token,
                 gboolean             include_refresh,
                 JsonObject          *previous)
{
  /* Room for typical tokens up front, so growing does not leave copies in freed memory. */
  GString *out = g_string_sized_new (8192);
  g_autofree char *expires_at = gh_format_expires_at (token->expires_at);

  g_string_append_c (out, '{');
  append_member (out, "startUrl", token->start_url);
  append_member (out, "region", token->region);
  append_member (out, "accessToken", token->access_token);
  append_member (out, "expiresAt", expires_at);

  if (has_foreign_refresh (previous, token->client_id))
    {
      for (guint i = 0; i < G_N_ELEMENTS (refresh_keys); i++)
        if (json_object_has_member (previous, refresh_keys[i]))
          append_member_node (out, refresh_keys[i],
                              json_object_get_member (previous, refresh_keys[i]));
    }
  /* Each only when present, as the CLI does (refreshToken only if CreateToken returned one). */
  else if (include_refresh)
    {
      g_autofree char *registration_expires_at = NULL;

      if (token->registration_expires_at != 0)
        registration_expires_at = gh_format_expires_at (token->registration_expires_at);

      append_member (out, "clientId", token->client_id);
      append_member (out, "clientSecret", token->client_secret);
      append_member (out, "registrationExpiresAt", registration_expires_at);
      append_member (out, "refreshToken", token->refresh_token);
    }

  if (previous != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (previous);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          const char *key = l->data;

          /* A name that is not UTF-8 (json-glib makes one of a lone surrogate escape) would be
           * written with U+FFFD, and two such names could become one: leave them out */
          if (is_known_key (key) || !g_utf8_validate (key, -1, NULL))
            continue;

          g_string_append (out, ", ");
          append_json_string (out, key);
          g_string_append (out, ": ");
          append_json_node (out, json_object_get_member (previous, key));
        }
    }

  g_string_append_c (out, '}');

  return out;
}

char *
gh_token_cache_serialize (const GhCachedToken *token,
                          gboolean             include_refresh,
                          const char          *previous_data,
                          gsize                previous_length,
                          gsize               *length)
{
  g_autoptr(JsonObject) previous = NULL;
  GString *text;
  char *copy;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (token->access_token != NULL, NULL);

  if (previous_data != NULL)
    previous = parse_object (previous_data, previous_length);

  text = serialize_token (token, include_refresh, previous);
  copy = g_strndup (text->str, text->len);
  if (length != NULL)
    *length = text->len;
  wipe_gstring (text);
  return copy;
}

gboolean
gh_token_cache_write (const char           *path,
                      const GhCachedToken  *token,
                      gboolean              include_refresh,
                      GError              **error)
{
  g_autoptr(JsonObject) previous = NULL;
  GString *text;
  gboolean ret;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (token->access_token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Another tool's keys survive; a file we cannot parse is simply replaced. */
  previous = load_object (path, NULL);

  text = serialize_token (token, include_refresh, previous);
  ret = gh_file_write_private (path, text->str, text->len, error);
  wipe_gstring (text);

  return ret;
}

gboolean
gh_token_cache_delete (const char  *path,
                       GError     **error)
{
  g_autofree char *target = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Writes follow symlinks, so the token lives in the link's target: remove that. */
  target = gh_file_resolve_symlinks (path);

  if (g_unlink (target) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, GH_ERROR, GH_ERROR_CONFIG, _("Cannot remove %s: %s"),
                   target, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
