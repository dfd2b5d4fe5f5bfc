#include "config.h"
#include "gh-role.h"
