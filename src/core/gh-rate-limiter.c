#include "config.h"
#include "gh-rate-limiter.h"
