#include "net/ip_vs.h"
#include "ip_vs_lblcr.c"
struct ip_vs_scheduler *sched_lblcr(void) { return &ip_vs_lblcr_scheduler; }
void lblcr_expire(struct ip_vs_service *svc)
{ struct ip_vs_lblcr_table *tbl = svc->sched_data; ip_vs_lblcr_check_expire(&tbl->periodic_timer); }
void lblcr_dump(struct ip_vs_service *svc)
{
	struct ip_vs_lblcr_table *tbl = svc->sched_data; struct ip_vs_lblcr_entry *en; struct ip_vs_dest_set_elem *e; int i;
	printf("  lblcr entries=%d rover=%d counter=%d:", atomic_read(&tbl->entries), tbl->rover, tbl->counter);
	for (i = 0; i < IP_VS_LBLCR_TAB_SIZE; i++)
		hlist_for_each_entry_rcu(en, &tbl->bucket[i], list) {
			printf(" [b%d %08x @%lu mod%lu {", i, ntohl(en->addr.ip), en->lastuse, en->set.lastmod);
			list_for_each_entry(e, &en->set.list, list) printf(" %d", e->dest->id);
			printf(" }]");
		}
	printf("\n");
}
void lblcr_set_max(struct ip_vs_service *svc, int m) { struct ip_vs_lblcr_table *tbl = svc->sched_data; tbl->max_size = m; }
