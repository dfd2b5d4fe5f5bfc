#include "config.h"
#include "gh-profile-sync.h"
