#include "config.h"
#include "gh-simulator.h"
