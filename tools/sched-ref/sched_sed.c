#include "net/ip_vs.h"
#include "ip_vs_sed.c"
struct ip_vs_scheduler *sched_sed(void) { return &ip_vs_sed_scheduler; }
