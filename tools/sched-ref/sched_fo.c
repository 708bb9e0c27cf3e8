#include "net/ip_vs.h"
#include "ip_vs_fo.c"
struct ip_vs_scheduler *sched_fo(void) { return &ip_vs_fo_scheduler; }
