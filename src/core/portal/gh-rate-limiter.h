/* gh-rate-limiter.h — how many requests may be in flight and how fast they may leave: finds a
 * server's rate limit from its throttling replies and stays near it (docs/architecture.md,
 * "Discovery rate control") */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_RATE_LIMITER (gh_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (GhRateLimiter, gh_rate_limiter, GH, RATE_LIMITER, GObject)

/* Monotonic time in µs; tests pass a fake one. */
typedef gint64 (*GhRateLimiterClockFunc) (gpointer user_data);

/* @initial_rate: 0 when the server's limit is unknown (start unpaced, with a small window that
 * grows every round trip), or a rate in requests/s known to be safe to start paced at. */
GhRateLimiter *gh_rate_limiter_new            (guint                   max_in_flight,
                                               double                  initial_rate);
void           gh_rate_limiter_set_clock      (GhRateLimiter          *self,
                                               GhRateLimiterClockFunc  clock,
                                               gpointer                user_data);

/* The pacing rate in requests/s; 0 while not paced (no throttling seen yet). */
double         gh_rate_limiter_get_rate       (GhRateLimiter          *self);
/* The estimate of the server's limit in requests/s; 0 while unknown. */
double         gh_rate_limiter_get_limit      (GhRateLimiter          *self);
/* Requests allowed in flight at once, and those in flight now. */
guint          gh_rate_limiter_get_window     (GhRateLimiter          *self);
guint          gh_rate_limiter_get_in_flight  (GhRateLimiter          *self);

/* Completes, in arrival order, when the caller may send its next request. The ticket it
 * returns must go back exactly once, to succeeded, throttled or released. */
void           gh_rate_limiter_acquire_async  (GhRateLimiter          *self,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
gboolean       gh_rate_limiter_acquire_finish (GhRateLimiter          *self,
                                               GAsyncResult           *result,
                                               guint64                *ticket,
                                               GError                **error);
/* The server answered (not with throttling). */
void           gh_rate_limiter_succeeded      (GhRateLimiter          *self,
                                               guint64                 ticket);
/* The server answered with a throttling error. */
void           gh_rate_limiter_throttled      (GhRateLimiter          *self,
                                               guint64                 ticket);
/* Neither: the request failed in a way that says nothing about the rate, or was not sent. */
void           gh_rate_limiter_released       (GhRateLimiter          *self,
                                               guint64                 ticket);

G_END_DECLS
