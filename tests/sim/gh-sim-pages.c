/* gh-sim-pages.c — the pages a browser sees: /authorize (the PKCE sign-in), /device (approve or
 * deny a user code) and the access portal page */
#define G_LOG_DOMAIN "gh-simulator"

#include "config.h"

#include "gh-simulator-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Browser pages */

static void
authorize_error_redirect (SoupServerMessage *msg,
                          const char        *redirect_uri,
                          const char        *state,
                          const char        *error,
                          const char        *description)
{
  g_autofree char *escaped_desc = g_uri_escape_string (description, NULL, FALSE);
  g_autofree char *escaped_state = g_uri_escape_string (state ? state : "", NULL, FALSE);
  g_autofree char *query = g_strdup_printf ("error=%s&error_description=%s&state=%s",
                                            error, escaped_desc, escaped_state);
  g_autofree char *location = _gh_sim_append_query (redirect_uri, query);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

gboolean
_gh_sim_handle_authorize (GhSimulator       *self,
                          SoupServerMessage *msg,
                          GHashTable        *query)
{
  static const char * const required[] = {
    "response_type", "client_id", "redirect_uri", "state", "code_challenge_method",
    "scopes", "code_challenge",
  };
  const char *client_id = query ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  g_auto(GStrv) requested_scopes = NULL;
  PendingAuthorize *pending;
  Client *client;
  gboolean registered = FALSE;

  client = client_id ? g_hash_table_lookup (self->clients, client_id) : NULL;
  if (client == NULL || client->revoked || _gh_sim_now (self) >= client->expires_at)
    {
      _gh_sim_respond_html (msg, 400, "Invalid client",
                            "<p>The client_id is unknown or expired.</p>");
      return FALSE;
    }

  for (guint i = 0; redirect_uri && client->redirect_uris && client->redirect_uris[i]; i++)
    registered |= _gh_sim_redirect_uri_matches (client->redirect_uris[i], redirect_uri);

  if (!registered)
    {
      _gh_sim_respond_html (msg, 400, "Invalid redirect URI",
                            "<p>The redirect_uri does not match a registered redirect URI.</p>");
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const char *value = g_hash_table_lookup (query, required[i]);

      if (value == NULL || value[0] == '\0')
        {
          g_autofree char *desc = g_strdup_printf ("Missing parameter %s", required[i]);

          authorize_error_redirect (msg, redirect_uri, state, "invalid_request", desc);
          return FALSE;
        }
    }

  if (!g_str_equal (g_hash_table_lookup (query, "response_type"), "code"))
    {
      authorize_error_redirect (msg, redirect_uri, state, "unsupported_response_type",
                                "response_type must be code");
      return FALSE;
    }

  if (!g_str_equal (g_hash_table_lookup (query, "code_challenge_method"), "S256"))
    {
      authorize_error_redirect (msg, redirect_uri, state, "invalid_request",
                                "code_challenge_method must be S256");
      return FALSE;
    }

  if (!_gh_sim_client_allows_grant (client, GRANT_AUTH_CODE))
    {
      authorize_error_redirect (msg, redirect_uri, state, "unauthorized_client",
                                "Client is not registered for authorization_code");
      return FALSE;
    }

  requested_scopes = g_strsplit (g_hash_table_lookup (query, "scopes"), " ", -1);
  for (guint i = 0; client->scopes != NULL && requested_scopes[i] != NULL; i++)
    {
      if (!_gh_sim_strv_contains_nullable (client->scopes, requested_scopes[i]))
        {
          authorize_error_redirect (msg, redirect_uri, state, "invalid_scope",
                                    "Requested scope was not registered");
          return FALSE;
        }
    }

  pending = g_new0 (PendingAuthorize, 1);
  pending->msg = g_object_ref (msg);
  pending->client_id = g_strdup (client_id);
  pending->redirect_uri = g_strdup (redirect_uri);
  pending->state = g_strdup (state);
  pending->code_challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));

  if (self->auto_approve)
    {
      _gh_sim_resolve_authorize (self, pending, TRUE);
      _gh_sim_pending_authorize_free (pending);
      return FALSE;
    }

  soup_server_message_pause (msg);
  g_ptr_array_add (self->pending_authorizes, pending);

  return TRUE;
}

gboolean
_gh_sim_handle_device_page (GhSimulator       *self,
                            SoupServerMessage *msg,
                            GHashTable        *query)
{
  const char *user_code = query ? g_hash_table_lookup (query, "user_code") : NULL;
  GHashTableIter iter;
  DeviceAuth *auth, *found = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *body = NULL;
  const char *status;

  if (user_code == NULL)
    {
      _gh_sim_respond_html (msg, 200, "Authorize request",
                            "<form method=\"get\" action=\"/device\">"
                            "<label>Code <input name=\"user_code\"></label>"
                            "<button type=\"submit\">Next</button></form>");
      return FALSE;
    }

  g_hash_table_iter_init (&iter, self->device_auths);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &auth))
    if (g_ascii_strcasecmp (auth->user_code, user_code) == 0)
      found = auth;

  escaped = g_markup_escape_text (user_code, -1);

  if (found == NULL)
    {
      body = g_strdup_printf ("<p>Unknown code <code>%s</code>.</p>", escaped);
      _gh_sim_respond_html (msg, 404, "Authorize request", body);
      return FALSE;
    }

  if (_gh_sim_now (self) >= found->expires_at)
    status = "expired";
  else if (found->state == DEVICE_PENDING)
    status = "pending";
  else if (found->state == DEVICE_DENIED)
    status = "denied";
  else
    status = "approved";

  body = g_strdup_printf ("<p>Code <code id=\"user-code\">%s</code>: "
                          "<span id=\"status\">%s</span></p>\n"
                          "<form method=\"post\" action=\"/_sim/approve?user_code=%s\">"
                          "<button type=\"submit\">Allow</button></form>\n"
                          "<form method=\"post\" action=\"/_sim/deny?user_code=%s\">"
                          "<button type=\"submit\">Deny</button></form>",
                          escaped, status, found->user_code, found->user_code);
  _gh_sim_respond_html (msg, 200, "Authorize request", body);

  return FALSE;
}

gboolean
_gh_sim_handle_portal_page (GhSimulator       *self,
                            SoupServerMessage *msg,
                            GHashTable        *query)
{
  g_autofree char *body = g_strdup_printf ("<p>AWS access portal (Gatehouse simulator) with %u "
                                           "accounts and %u roles per account.</p>",
                                           self->accounts, self->roles_per_account);

  _gh_sim_respond_html (msg, 200, "AWS access portal", body);
  return FALSE;
}
