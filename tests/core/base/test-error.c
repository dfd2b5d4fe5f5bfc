/* test-error.c — decoding AWS error replies (docs/aws-protocols.md §1.5, §3.3) */
#include "config.h"

#include <gio/gio.h>

#include "gh-error.h"

typedef struct
{
  const char *name;
  guint       status;
  const char *header;
  const char *body;
  GhError     code;
  const char *message_part;
} ErrorCase;

static const ErrorCase cases[] = {
  { "oidc-pending", 400,
    "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
    "{\"error\":\"authorization_pending\",\"error_description\":\"Authorization is still pending\"}",
    GH_ERROR_PENDING, "Authorization is still pending" },
  { "oidc-invalid-grant", 400,
    "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
    "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid refresh token provided\"}",
    GH_ERROR_INVALID_GRANT, "Invalid refresh token provided" },
  { "oidc-slow-down", 400, "SlowDownException:http://internal.amazon.com/coral/x/",
    "{\"error\":\"slow_down\"}", GH_ERROR_SLOW_DOWN, "SlowDownException" },
  { "oidc-expired", 400, "ExpiredTokenException", "{\"error\":\"expired_token\"}",
    GH_ERROR_EXPIRED, "ExpiredTokenException" },
  { "oidc-denied", 400, NULL, "{\"error\":\"access_denied\"}", GH_ERROR_ACCESS_DENIED,
    "access_denied" },
  { "oidc-invalid-client", 401, "InvalidClientException:http://internal.amazon.com/coral/x/",
    "{\"error\":\"invalid_client\"}", GH_ERROR_INVALID_CLIENT, "InvalidClientException" },
  { "oidc-internal", 500, "InternalServerException", "{\"error\":\"server_error\"}",
    GH_ERROR_SERVER, "InternalServerException" },
  { "oidc-invalid-request", 400, "InvalidRequestException", "{\"error\":\"invalid_request\"}",
    GH_ERROR_INVALID_REQUEST, "InvalidRequestException" },
  /* Portal: the type is only in the body's __type, after '#'. */
  { "portal-throttle", 429, NULL,
    "{\"message\":\"HTTP 429 Unknown Code\",\"__type\":\"com.amazonaws.switchboard.portal#TooManyRequestsException\"}",
    GH_ERROR_THROTTLED, "TooManyRequestsException" },
  { "portal-forbidden", 403, NULL,
    "{\"message\":\"No access\",\"__type\":\"com.amazonaws.switchboard.portal#ForbiddenException\"}",
    GH_ERROR_FORBIDDEN, "No access" },
  { "portal-unauthorized", 401,
    "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/",
    "{\"message\":\"Session token not found or invalid\"}",
    GH_ERROR_UNAUTHORIZED, "Session token not found or invalid" },
  { "portal-not-found", 404, NULL,
    "{\"message\":\"x\",\"__type\":\"com.amazonaws.switchboard.portal#ResourceNotFoundException\"}",
    GH_ERROR_NOT_FOUND, "ResourceNotFoundException" },
  /* No type at all: the HTTP status decides. */
  { "html-503", 503, NULL, "<html>Service Unavailable</html>", GH_ERROR_SERVER, "HTTP 503" },
  { "empty-502", 502, NULL, "", GH_ERROR_SERVER, "HTTP 502" },
  { "bare-403", 403, NULL, NULL, GH_ERROR_FORBIDDEN, "HTTP 403" },
  { "teapot", 418, NULL, "{}", GH_ERROR_INVALID_REQUEST, "HTTP 418" },
};

static void
test_decode (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autoptr(GBytes) body = c->body ? g_bytes_new_static (c->body, strlen (c->body)) : NULL;
  g_autoptr(GError) error = gh_error_from_aws_response ("Test", c->status, c->header, body);

  g_assert_error (error, GH_ERROR, (gint) c->code);
  g_assert_true (g_str_has_prefix (error->message, "Test failed: "));
  if (strstr (error->message, c->message_part) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, c->message_part);
}

static void
test_header_parsing (void)
{
  g_autofree char *a = gh_error_type_from_header ("AuthorizationPendingException:http://x/");
  g_autofree char *b = gh_error_type_from_header ("com.amazonaws.x#ForbiddenException");
  g_autofree char *c = gh_error_type_from_header ("aws.protocoltests#FooError:http://x/#y");
  g_autofree char *d = gh_error_type_from_header ("");

  g_assert_cmpstr (a, ==, "AuthorizationPendingException");
  g_assert_cmpstr (b, ==, "ForbiddenException");
  g_assert_cmpstr (c, ==, "FooError");
  g_assert_null (d);
}

static void
test_description_sanitized (void)
{
  const char *body = "{\"error\":\"invalid_request\",\"error_description\":\"bad\\nline\\u0007\"}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(GError) error = gh_error_from_aws_response ("Test", 400, NULL, bytes);

  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\a'));
}

/* The error type is shown too: from a header it can be any bytes (found by fuzzing) */
static void
test_type_sanitized (void)
{
  const char *body = "{\"error\":\"bad\\r\\ncode\"}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  g_autoptr(GError) from_header = gh_error_from_aws_response ("Test", 400, "Bad\xff\x1b[31m",
                                                              NULL);
  g_autoptr(GError) from_body = gh_error_from_aws_response ("Test", 400, NULL, bytes);

  g_assert_true (g_utf8_validate (from_header->message, -1, NULL));
  g_assert_null (strchr (from_header->message, '\x1b'));
  g_assert_true (g_str_has_prefix (from_header->message, "Test failed: Bad"));
  g_assert_null (strchr (from_body->message, '\r'));
  g_assert_null (strchr (from_body->message, '\n'));
  g_assert_cmpint (from_body->code, ==, GH_ERROR_INVALID_REQUEST);
}

static void
test_transient (void)
{
  g_autoptr(GError) throttled = g_error_new_literal (GH_ERROR, GH_ERROR_THROTTLED, "x");
  g_autoptr(GError) server = g_error_new_literal (GH_ERROR, GH_ERROR_SERVER, "x");
  g_autoptr(GError) grant = g_error_new_literal (GH_ERROR, GH_ERROR_INVALID_GRANT, "x");
  g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_true (gh_error_is_transient (throttled));
  g_assert_true (gh_error_is_transient (server));
  g_assert_false (gh_error_is_transient (grant));
  g_assert_false (gh_error_is_transient (io));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/error/decode/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_decode);
    }
  g_test_add_func ("/error/header", test_header_parsing);
  g_test_add_func ("/error/description-sanitized", test_description_sanitized);
  g_test_add_func ("/error/type-sanitized", test_type_sanitized);
  g_test_add_func ("/error/transient", test_transient);

  return g_test_run ();
}
