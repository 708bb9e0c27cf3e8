#include "net/ip_vs.h"
#include "ip_vs_dh.c"
struct ip_vs_scheduler *sched_dh(void) { return &ip_vs_dh_scheduler; }
