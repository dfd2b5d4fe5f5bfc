/* gh-session-state.c — non-secret facts about a sign-in */
#define G_LOG_DOMAIN "gh-session-state"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-error.h"
#include "gh-file-util.h"
#include "gh-session-state.h"
#include "gh-session-state-private.h"

char *
gh_session_state_path (const char *session_name)
{
  g_autofree char *hash = gh_sha1_hex (session_name);
  g_autofree char *file = g_strconcat (hash, ".json", NULL);

  return g_build_filename (g_get_user_state_dir (), "gatehouse", "sessions", file, NULL);
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

void
gh_session_state_parse (const char     *data,
                        gsize           length,
                        GhSessionState *state)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  memset (state, 0, sizeof *state);

  if (!json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  object = json_node_get_object (root);
  state->signed_in_at = gh_json_get_int (object, "signedInAt");
  state->session_end = gh_json_get_int (object, "sessionEnd");
  state->access_expires_at = gh_json_get_int (object, "accessExpiresAt");
  state->access_lifetime = gh_json_get_int (object, "accessLifetime");
  state->refreshable = member_bool (object, "refreshable");
  state->ended = member_bool (object, "ended");
  state->sign_in_id = gh_json_get_int (object, "signInId");
  state->refresh_unanswered = member_bool (object, "refreshUnanswered");
  state->reply_lost = member_bool (object, "replyLost");
}

void
gh_session_state_load (const char     *session_name,
                       GhSessionState *state)
{
  g_autofree char *path = gh_session_state_path (session_name);
  g_autofree char *contents = NULL;
  gsize length = 0;

  memset (state, 0, sizeof *state);

  if (g_file_get_contents (path, &contents, &length, NULL))
    gh_session_state_parse (contents, length, state);
}

char *
gh_session_state_serialize (const GhSessionState *state)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "signedInAt");
  json_builder_add_int_value (builder, state->signed_in_at);
  json_builder_set_member_name (builder, "sessionEnd");
  json_builder_add_int_value (builder, state->session_end);
  json_builder_set_member_name (builder, "accessExpiresAt");
  json_builder_add_int_value (builder, state->access_expires_at);
  json_builder_set_member_name (builder, "accessLifetime");
  json_builder_add_int_value (builder, state->access_lifetime);
  json_builder_set_member_name (builder, "refreshable");
  json_builder_add_boolean_value (builder, state->refreshable);
  json_builder_set_member_name (builder, "ended");
  json_builder_add_boolean_value (builder, state->ended);
  json_builder_set_member_name (builder, "signInId");
  json_builder_add_int_value (builder, state->sign_in_id);
  json_builder_set_member_name (builder, "refreshUnanswered");
  json_builder_add_boolean_value (builder, state->refresh_unanswered);
  json_builder_set_member_name (builder, "replyLost");
  json_builder_add_boolean_value (builder, state->reply_lost);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

gboolean
gh_session_state_save (const char            *session_name,
                       const GhSessionState  *state,
                       GError               **error)
{
  g_autofree char *path = gh_session_state_path (session_name);
  g_autofree char *text = gh_session_state_serialize (state);

  return gh_file_write_private (path, text, -1, error);
}

gboolean
gh_session_state_delete (const char *session_name)
{
  g_autofree char *path = gh_session_state_path (session_name);

  return g_unlink (path) == 0;
}

void
gh_session_state_update_for_token (GhSessionState *state,
                                   gint64          now,
                                   gint64          expires_in,
                                   gboolean        refreshable,
                                   gboolean        new_sign_in,
                                   gint64          duration)
{
  gint64 expires_at = now + expires_in;

  if (new_sign_in)
    {
      state->signed_in_at = now;
      state->session_end = now + duration;
      state->sign_in_id = (gint64) g_random_int () << 31 | g_random_int ();
    }
  else if (state->access_lifetime > 0 && expires_in < state->access_lifetime)
    {
      /* Identity Center caps access tokens at the end of the sign-in session. */
      state->session_end = MIN (state->session_end, expires_at);
    }

  if (!refreshable)
    state->session_end = expires_at;

  state->session_end = MAX (state->session_end, expires_at);
  state->access_expires_at = expires_at;
  state->access_lifetime = expires_in;
  state->refreshable = refreshable;
  state->ended = FALSE;
  state->refresh_unanswered = FALSE;
  state->reply_lost = FALSE;
}

gint64
gh_refresh_due_at (gint64 expires_at,
                   gint64 lifetime,
                   gint64 window)
{
  gint64 issued_at = expires_at - lifetime;
  gint64 due;

  if (lifetime <= 0)
    return expires_at - window;

  due = expires_at - MIN (window, lifetime / 4);
  return MAX (due, issued_at + MIN (GH_REFRESH_MIN_INTERVAL, window));
}
