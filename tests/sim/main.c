#include "config.h"
#include "gh-simulator.h"
int main (void) { return 0; }
