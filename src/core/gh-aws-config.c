#include "config.h"
#include "gh-aws-config.h"
