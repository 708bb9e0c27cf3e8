#include "net/ip_vs.h"
#include "ip_vs_ovf.c"
struct ip_vs_scheduler *sched_ovf(void) { return &ip_vs_ovf_scheduler; }
