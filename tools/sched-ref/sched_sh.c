#include "net/ip_vs.h"
#include "ip_vs_sh.c"
struct ip_vs_scheduler *sched_sh(void) { return &ip_vs_sh_scheduler; }
