#include "config.h"
#include "gh-credentials-file.h"
