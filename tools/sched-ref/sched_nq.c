#include "net/ip_vs.h"
#include "ip_vs_nq.c"
struct ip_vs_scheduler *sched_nq(void) { return &ip_vs_nq_scheduler; }
