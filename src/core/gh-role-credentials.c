#include "config.h"
#include "gh-role-credentials.h"
