#include "net/ip_vs.h"
#include "ip_vs_lc.c"
struct ip_vs_scheduler *sched_lc(void) { return &ip_vs_lc_scheduler; }
