#include "net/ip_vs.h"
#include "ip_vs_mh.c"
struct ip_vs_scheduler *sched_mh(void) { return &ip_vs_mh_scheduler; }
