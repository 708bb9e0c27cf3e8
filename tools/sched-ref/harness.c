#include "harness.h"
unsigned long jiffies; u32 next_random[16]; int next_random_i; int fail_alloc; char last_err[128];
struct net init_net; struct user_namespace init_user_ns;
static struct netns_ipvs the_ipvs;
struct ip_vs_service *svc_new(int af, unsigned flags)
{
	struct ip_vs_service *svc = calloc(1, sizeof(*svc));
	svc->af = af; svc->flags = flags; INIT_LIST_HEAD(&svc->destinations);
	the_ipvs.sysctl_lblc_expiration = 24 * 60 * 60 * HZ;
	the_ipvs.sysctl_lblcr_expiration = 24 * 60 * 60 * HZ;
	svc->ipvs = &the_ipvs;
	return svc;
}
int svc_bind(struct ip_vs_service *svc, struct ip_vs_scheduler *s)
{
	int r = s->init_service ? s->init_service(svc) : 0;
	if (!r) svc->scheduler = s;
	return r;
}
struct ip_vs_dest *dest_new(int id, u32 ip4, u16 port)
{
	struct ip_vs_dest *d = calloc(1, sizeof(*d));
	d->id = id; d->af = AF_INET; d->addr.ip = htonl(ip4); d->port = htons(port);
	return d;
}
struct ip_vs_dest *dest_add_full(struct ip_vs_service *svc, struct ip_vs_dest *d, int weight)
{
	/* __ip_vs_update_dest(svc, dest, udest, add = 1) */
	atomic_set(&d->last_weight, weight);
	atomic_set(&d->weight, weight);
	d->cflags |= IP_VS_DEST_CF_AVAILABLE;
	list_add_rcu(&d->n_list, &svc->destinations);
	svc->num_dests++;
	if (svc->scheduler && svc->scheduler->add_dest) svc->scheduler->add_dest(svc, d);
	return d;
}
struct ip_vs_dest *dest_add(struct ip_vs_service *svc, int id, int weight)
{ return dest_add_full(svc, dest_new(id, 0x0a000000 | id, 80), weight); }
void dest_edit(struct ip_vs_service *svc, struct ip_vs_dest *d, int weight)
{
	if (weight != 0) atomic_set(&d->last_weight, weight);
	atomic_set(&d->weight, weight);
	d->cflags |= IP_VS_DEST_CF_AVAILABLE;
	if (svc->scheduler && svc->scheduler->upd_dest) svc->scheduler->upd_dest(svc, d);
}
void dest_del(struct ip_vs_service *svc, struct ip_vs_dest *d)
{
	/* __ip_vs_unlink_dest(svc, dest, 1); the object stays (trash) */
	d->cflags &= ~IP_VS_DEST_CF_AVAILABLE;
	list_del_rcu(&d->n_list);
	svc->num_dests--;
	if (svc->scheduler && svc->scheduler->del_dest) svc->scheduler->del_dest(svc, d);
}
int sched_pkt(struct ip_vs_service *svc, struct ip_vs_iphdr *iph, struct sk_buff *skb)
{
	struct sk_buff none = { {0, 0}, 0 };
	struct ip_vs_iphdr z; memset(&z, 0, sizeof(z));
	last_err[0] = 0;
	struct ip_vs_dest *d = svc->scheduler->schedule(svc, skb ? skb : &none, iph ? iph : &z);
	return d ? d->id : 0;
}
int sched0(struct ip_vs_service *svc) { return sched_pkt(svc, NULL, NULL); }
int sched_daddr(struct ip_vs_service *svc, u32 daddr)
{ struct ip_vs_iphdr h; memset(&h, 0, sizeof(h)); h.daddr.ip = htonl(daddr); return sched_pkt(svc, &h, NULL); }
int sched_saddr(struct ip_vs_service *svc, u32 saddr, u16 sport)
{
	struct ip_vs_iphdr h; memset(&h, 0, sizeof(h)); h.saddr.ip = htonl(saddr); h.protocol = IPPROTO_TCP;
	struct sk_buff skb = { { htons(sport), htons(80) }, 1 };
	return sched_pkt(svc, &h, &skb);
}
void set_conns(struct ip_vs_dest *d, int active, int total) { atomic_set(&d->activeconns, active); atomic_set(&d->totalconns, total); }
struct ip_vs_service *build(struct ip_vs_scheduler *s, struct spec *specs, int n, struct ip_vs_dest **out)
{
	struct ip_vs_service *svc = svc_new(AF_INET, 0);
	svc_bind(svc, s);
	for (int i = n - 1; i >= 0; i--) {
		struct ip_vs_dest *d = dest_add(svc, specs[i].id, specs[i].w);
		set_conns(d, specs[i].a, specs[i].t);
		if (specs[i].ov) d->flags |= IP_VS_DEST_F_OVERLOAD;
		if (out) out[i] = d;
	}
	return svc;
}
