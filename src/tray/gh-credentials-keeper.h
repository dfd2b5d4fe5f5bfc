/* gh-credentials-keeper.h — keeps the credentials-file sections Gatehouse wrote fresh
 *
 * For every section `gatehouse credentials --profile P --write` wrote (the marked ones), the
 * role of profile P in the AWS config file gets new short-term keys GATEHOUSE_CREDENTIALS_WINDOW
 * (default GH_ROLE_CREDENTIALS_REUSE_WINDOW) before the written ones expire, and the section is
 * rewritten. The expiry is the one of the keyring-cached role credentials: a section's
 * expiry is learnt by asking gh_role_credentials_get_async, which answers from the keyring
 * (no request) while the keys are not due yet. Sections whose sign-in is not current wait for
 * it; failures are retried with backoff. Only the next deadline has a timer, a wall-clock
 * timer of the GhClock (which fires it at once when the machine wakes up after it).
 */
#pragma once

#include "gh-clock.h"
#include "gh-session-manager.h"

G_BEGIN_DECLS

#define GH_TYPE_CREDENTIALS_KEEPER (gh_credentials_keeper_get_type ())
G_DECLARE_FINAL_TYPE (GhCredentialsKeeper, gh_credentials_keeper, GH, CREDENTIALS_KEEPER,
                      GObject)

/* Signals:
 *   write-failed (GhSession *session, GError *error) — new keys for a section of this sign-in
 *     could not be fetched or written (retried with backoff)
 *   written (GhSession *session) — new keys for a section of this sign-in were written */

/* The profiles are looked up in the config file of `sessions`, their sign-ins among its
 * sessions. */
GhCredentialsKeeper *gh_credentials_keeper_new            (GhClock             *clock,
                                                           GhSessionManager    *sessions,
                                                           const char          *credentials_path);
/* Re-read the marked sections and the profiles they name (the state of known ones is kept). */
void                 gh_credentials_keeper_reload         (GhCredentialsKeeper *self);
/* Re-evaluate every deadline now (coalesced), e.g. when a session changed. */
void                 gh_credentials_keeper_queue_evaluate (GhCredentialsKeeper *self);
/* Retry failed sections now instead of after their backoff (the user fixed the cause). */
void                 gh_credentials_keeper_retry_now      (GhCredentialsKeeper *self);
const char          *gh_credentials_keeper_get_path       (GhCredentialsKeeper *self);

G_END_DECLS
