/* gh-sim-responses.c — the simulator's responses: JSON bodies, HTML pages and the error
 * encodings of the OIDC, portal and federation services */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Responses */

static void
respond_json_node (SoupServerMessage *msg,
                   guint              status,
                   JsonNode          *node)
{
  char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

void
_gh_sim_respond_builder (SoupServerMessage *msg,
                         guint              status,
                         JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  respond_json_node (msg, status, root);
}

void
_gh_sim_respond_text (SoupServerMessage *msg,
                      guint              status,
                      const char        *content_type,
                      const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

void
_gh_sim_respond_html (SoupServerMessage *msg,
                      guint              status,
                      const char        *title,
                      const char        *body_html)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<title>%s</title></head>\n<body><h1>%s</h1>\n%s\n"
                                           "</body></html>\n",
                                           escaped, escaped, body_html ? body_html : "");

  _gh_sim_respond_text (msg, status, "text/html; charset=utf-8", page);
}

void
_gh_sim_oidc_error (SoupServerMessage *msg,
                    guint              status,
                    const char        *exception,
                    const char        *error,
                    const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *error_type = g_strconcat (exception, OIDC_ERROR_SUFFIX, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-ErrorType", error_type);
  _gh_sim_respond_builder (msg, status, builder);
}

void
_gh_sim_invalid_request (SoupServerMessage *msg,
                         const char        *description)
{
  _gh_sim_oidc_error (msg, 400, "InvalidRequestException", "invalid_request", description);
}

void
_gh_sim_invalid_grant (SoupServerMessage *msg,
                       const char        *description)
{
  _gh_sim_oidc_error (msg, 400, "InvalidGrantException", "invalid_grant", description);
}

void
_gh_sim_portal_error (SoupServerMessage *msg,
                      guint              status,
                      const char        *exception,
                      const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *error_type = g_strconcat (exception, PORTAL_ERROR_SUFFIX, NULL);
  g_autofree char *full_type = g_strconcat (PORTAL_TYPE_PREFIX, exception, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "__type");
  json_builder_add_string_value (builder, full_type);
  json_builder_end_object (builder);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "x-amzn-ErrorType", error_type);
  _gh_sim_respond_builder (msg, status, builder);
}

void
_gh_sim_federation_error (SoupServerMessage *msg,
                          const char        *detail)
{
  g_autofree char *escaped = g_markup_escape_text (detail, -1);
  g_autofree char *body = g_strdup_printf ("<p>The request sent by the client was syntactically "
                                           "incorrect.</p>\n<p>%s</p>", escaped);

  _gh_sim_respond_html (msg, 400, "Invalid credentials parameter", body);
}
