#include "config.h"
#include "gh-token-cache.h"
