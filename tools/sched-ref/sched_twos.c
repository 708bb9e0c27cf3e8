#include "net/ip_vs.h"
#include "ip_vs_twos.c"
struct ip_vs_scheduler *sched_twos(void) { return &ip_vs_twos_scheduler; }
