#include "config.h"
#include "gh-role-cache.h"
