#include "net/ip_vs.h"
extern struct ip_vs_scheduler *sched_rr(void), *sched_wrr(void), *sched_lc(void), *sched_wlc(void),
	*sched_sed(void), *sched_nq(void), *sched_dh(void), *sched_sh(void), *sched_mh(void),
	*sched_lblc(void), *sched_lblcr(void), *sched_fo(void), *sched_ovf(void), *sched_twos(void);
void lblc_expire(struct ip_vs_service *svc); void lblc_dump(struct ip_vs_service *svc);
void lblcr_expire(struct ip_vs_service *svc); void lblcr_dump(struct ip_vs_service *svc);
void lblc_set_max(struct ip_vs_service *svc, int m); void lblcr_set_max(struct ip_vs_service *svc, int m);
struct ip_vs_service *svc_new(int af, unsigned flags);
int svc_bind(struct ip_vs_service *svc, struct ip_vs_scheduler *s);
struct ip_vs_dest *dest_new(int id, u32 ip4, u16 port);
/* ip4 given in host order; id is also the last byte by convention */
struct ip_vs_dest *dest_add(struct ip_vs_service *svc, int id, int weight);
struct ip_vs_dest *dest_add_full(struct ip_vs_service *svc, struct ip_vs_dest *d, int weight);
void dest_edit(struct ip_vs_service *svc, struct ip_vs_dest *d, int weight);
void dest_del(struct ip_vs_service *svc, struct ip_vs_dest *d);
int sched_pkt(struct ip_vs_service *svc, struct ip_vs_iphdr *iph, struct sk_buff *skb);
int sched0(struct ip_vs_service *svc);
int sched_daddr(struct ip_vs_service *svc, u32 daddr);
int sched_saddr(struct ip_vs_service *svc, u32 saddr, u16 sport);
void set_conns(struct ip_vs_dest *d, int active, int total);
extern unsigned long jiffies; extern u32 next_random[16]; extern int next_random_i; extern int fail_alloc; extern char last_err[128];
/* A destination spec in list order: id, weight, active, total, overloaded */
struct spec { int id, w, a, t, ov; };
/* Builds a service whose list is exactly `specs` in order (adds in reverse). */
struct ip_vs_service *build(struct ip_vs_scheduler *s, struct spec *specs, int n, struct ip_vs_dest **out);
