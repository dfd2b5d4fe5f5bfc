/* test-session-state.c — the session-end estimate and the state file */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "gh-session-state.h"

#define HOUR 3600

static void
test_new_sign_in (void)
{
  GhSessionState state = { 0, };

  gh_session_state_update_for_token (&state, 1000, HOUR, TRUE, TRUE, 8 * HOUR);
  g_assert_cmpint (state.signed_in_at, ==, 1000);
  g_assert_cmpint (state.session_end, ==, 1000 + 8 * HOUR);
  g_assert_cmpint (state.access_expires_at, ==, 1000 + HOUR);
  g_assert_true (state.refreshable);
  g_assert_false (state.ended);
  g_assert_cmpint (state.sign_in_id, !=, 0);
}

static void
test_refresh_keeps_end (void)
{
  GhSessionState state = { 0, };
  gint64 id;

  gh_session_state_update_for_token (&state, 1000, HOUR, TRUE, TRUE, 8 * HOUR);
  id = state.sign_in_id;
  gh_session_state_update_for_token (&state, 1000 + HOUR, HOUR, TRUE, FALSE, 8 * HOUR);
  g_assert_cmpint (state.session_end, ==, 1000 + 8 * HOUR);
  g_assert_cmpint (state.signed_in_at, ==, 1000);
  g_assert_cmpint (state.sign_in_id, ==, id);
}

static void
test_shorter_token_lowers_end (void)
{
  GhSessionState state = { 0, };

  /* The service caps the token at the real end of the sign-in session: 2 h in, a token
   * with 20 min left says the session ends in 20 min, before the 8 h estimate. */
  gh_session_state_update_for_token (&state, 0, HOUR, TRUE, TRUE, 8 * HOUR);
  gh_session_state_update_for_token (&state, 2 * HOUR, 20 * 60, TRUE, FALSE, 8 * HOUR);
  g_assert_cmpint (state.session_end, ==, 2 * HOUR + 20 * 60);
}

static void
test_longer_session_raises_end (void)
{
  GhSessionState state = { 0, };

  /* A token that outlives the estimate proves the session is longer than configured. */
  gh_session_state_update_for_token (&state, 0, HOUR, TRUE, TRUE, HOUR / 2);
  g_assert_cmpint (state.session_end, ==, HOUR);
}

static void
test_not_refreshable (void)
{
  GhSessionState state = { 0, };

  gh_session_state_update_for_token (&state, 0, 2 * HOUR, FALSE, TRUE, 8 * HOUR);
  g_assert_cmpint (state.session_end, ==, 2 * HOUR);
  g_assert_false (state.refreshable);
}

/* A refresh that went unanswered is settled by the next token, refreshed or signed in. */
static void
test_token_settles_unanswered (void)
{
  GhSessionState state = { 0, };

  gh_session_state_update_for_token (&state, 1000, HOUR, TRUE, TRUE, 8 * HOUR);
  state.refresh_unanswered = TRUE;
  gh_session_state_update_for_token (&state, 1000 + HOUR, HOUR, TRUE, FALSE, 8 * HOUR);
  g_assert_false (state.refresh_unanswered);

  state.ended = TRUE;
  state.reply_lost = TRUE;
  gh_session_state_update_for_token (&state, 1000 + 2 * HOUR, HOUR, TRUE, TRUE, 8 * HOUR);
  g_assert_false (state.ended);
  g_assert_false (state.reply_lost);
}

static void
test_save_load (void)
{
  GhSessionState state = { 0, };
  GhSessionState loaded;
  g_autofree char *path = gh_session_state_path ("work [prod]");
  g_autofree char *contents = NULL;
  struct stat st;

  gh_session_state_update_for_token (&state, 1000, HOUR, TRUE, TRUE, 8 * HOUR);
  state.ended = TRUE;
  state.refresh_unanswered = TRUE;
  state.reply_lost = TRUE;
  g_assert_true (gh_session_state_save ("work [prod]", &state, NULL));
  gh_session_state_load ("work [prod]", &loaded);
  g_assert_cmpmem (&state, sizeof state, &loaded, sizeof loaded);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_str_has_prefix (path, g_get_user_state_dir ()));

  g_assert_true (gh_session_state_delete ("work [prod]"));
  gh_session_state_load ("work [prod]", &loaded);
  g_assert_cmpint (loaded.signed_in_at, ==, 0);
}

static void
test_corrupt_file (void)
{
  g_autofree char *path = gh_session_state_path ("broken");
  g_autofree char *dir = g_path_get_dirname (path);
  GhSessionState loaded;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "{\"signedInAt\": \"yesterday\", ", -1, NULL));
  gh_session_state_load ("broken", &loaded);
  g_assert_cmpint (loaded.signed_in_at, ==, 0);
  g_assert_false (loaded.ended);
}

/* When an access token is due for a refresh, relative to when it was issued (at 0). */
static void
test_refresh_due (void)
{
  static const struct {
    gint64 lifetime;
    gint64 window;
    gint64 due;       /* seconds after the token was issued */
  } cases[] = {
    { HOUR, 900, HOUR - 900 },         /* the window, as the AWS CLI does */
    { 2 * HOUR, 900, 2 * HOUR - 900 },
    { 30 * 60, 900, 30 * 60 - 450 },   /* shorter than two windows: a quarter of its life */
    { 5 * 60, 900, 225 },              /* five-minute tokens: 75 s before the end */
    { 64, 900, 60 },                   /* the floor: once a minute at most */
    { 20, 900, 60 },                   /* …even when the token ends first */
    { 30, 26, 26 },                    /* a window shorter than the floor lowers it */
    { 40, 10, 30 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 expires_at = 1000000 + cases[i].lifetime;

      g_test_message ("lifetime %" G_GINT64_FORMAT ", window %" G_GINT64_FORMAT,
                      cases[i].lifetime, cases[i].window);
      g_assert_cmpint (gh_refresh_due_at (expires_at, cases[i].lifetime, cases[i].window), ==,
                       1000000 + cases[i].due);
    }

  /* Written by another program: the lifetime is not known, the window applies. */
  g_assert_cmpint (gh_refresh_due_at (5000, 0, 900), ==, 4100);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/session-state/new-sign-in", test_new_sign_in);
  g_test_add_func ("/session-state/refresh-keeps-end", test_refresh_keeps_end);
  g_test_add_func ("/session-state/shorter-token-lowers-end", test_shorter_token_lowers_end);
  g_test_add_func ("/session-state/longer-session-raises-end", test_longer_session_raises_end);
  g_test_add_func ("/session-state/not-refreshable", test_not_refreshable);
  g_test_add_func ("/session-state/token-settles-unanswered", test_token_settles_unanswered);
  g_test_add_func ("/session-state/refresh-due", test_refresh_due);
  g_test_add_func ("/session-state/save-load", test_save_load);
  g_test_add_func ("/session-state/corrupt-file", test_corrupt_file);

  return g_test_run ();
}
