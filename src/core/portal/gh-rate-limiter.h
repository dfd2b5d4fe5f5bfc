/* gh-rate-limiter.h — an adaptive (AIMD) request rate, shared by concurrent calls */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GH_TYPE_RATE_LIMITER (gh_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (GhRateLimiter, gh_rate_limiter, GH, RATE_LIMITER, GObject)

GhRateLimiter *gh_rate_limiter_new            (double               initial_rate,
                                               double               min_rate,
                                               double               max_rate);
double         gh_rate_limiter_get_rate       (GhRateLimiter       *self);
/* Completes when the caller may send the next request. */
void           gh_rate_limiter_acquire_async  (GhRateLimiter       *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       gh_rate_limiter_acquire_finish (GhRateLimiter       *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Multiplicative decrease on throttling, additive increase on success. */
void           gh_rate_limiter_throttled      (GhRateLimiter       *self);
void           gh_rate_limiter_succeeded      (GhRateLimiter       *self);

G_END_DECLS
