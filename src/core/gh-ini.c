#include "config.h"
#include "gh-ini.h"
