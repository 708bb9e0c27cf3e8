#include "net/ip_vs.h"
#include "ip_vs_rr.c"
struct ip_vs_scheduler *sched_rr(void) { return &ip_vs_rr_scheduler; }
