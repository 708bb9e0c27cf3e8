#include "net/ip_vs.h"
#include "ip_vs_wlc.c"
struct ip_vs_scheduler *sched_wlc(void) { return &ip_vs_wlc_scheduler; }
