#include "net/ip_vs.h"
#include "ip_vs_wrr.c"
struct ip_vs_scheduler *sched_wrr(void) { return &ip_vs_wrr_scheduler; }
