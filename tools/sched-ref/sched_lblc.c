#include "net/ip_vs.h"
#include "ip_vs_lblc.c"
struct ip_vs_scheduler *sched_lblc(void) { return &ip_vs_lblc_scheduler; }
void lblc_expire(struct ip_vs_service *svc)
{ struct ip_vs_lblc_table *tbl = svc->sched_data; ip_vs_lblc_check_expire(&tbl->periodic_timer); }
void lblc_dump(struct ip_vs_service *svc)
{
	struct ip_vs_lblc_table *tbl = svc->sched_data; struct ip_vs_lblc_entry *en; int i;
	printf("  lblc entries=%d rover=%d counter=%d:", atomic_read(&tbl->entries), tbl->rover, tbl->counter);
	for (i = 0; i < IP_VS_LBLC_TAB_SIZE; i++)
		hlist_for_each_entry_rcu(en, &tbl->bucket[i], list)
			printf(" [b%d %08x->%d @%lu]", i, ntohl(en->addr.ip), en->dest->id, en->lastuse);
	printf("\n");
}
void lblc_set_max(struct ip_vs_service *svc, int m) { struct ip_vs_lblc_table *tbl = svc->sched_data; tbl->max_size = m; }
