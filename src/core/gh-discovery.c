#include "config.h"
#include "gh-discovery.h"
