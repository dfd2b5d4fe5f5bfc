#include "config.h"
#include "gh-secret-store.h"
