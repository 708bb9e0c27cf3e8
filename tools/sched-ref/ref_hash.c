/* ip_vs_dh.c and ip_vs_sh.c on the Rust tests' destinations and packets. */
#include "harness.h"
struct ip_vs_dh_state_ { struct ip_vs_dest *buckets[256]; };
static int bucket_id(void *state, int off, int i)
{ struct ip_vs_dest **b = (struct ip_vs_dest **)((char *)state + off); return b[i] ? b[i]->id : 0; }
static u32 ip(int a, int b, int c, int d) { return (u32)a << 24 | b << 16 | c << 8 | d; }
int main(void)
{
	struct ip_vs_service *svc; struct ip_vs_dest *d[8];
	/* dh: add 1, 2, 3 */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_dh());
	for (int i = 1; i <= 3; i++) d[i] = dest_add(svc, i, 1);
	printf("dh buckets: %d %d %d %d\n", bucket_id(svc->sched_data, 0, 0), bucket_id(svc->sched_data, 0, 1),
	       bucket_id(svc->sched_data, 0, 2), bucket_id(svc->sched_data, 0, 255));
	u32 dh_addrs[] = { ip(10,1,0,1), ip(10,1,0,2), ip(192,168,1,2), ip(8,8,8,8), ip(10,0,0,2), ip(10,0,0,3), ip(10,0,0,5) };
	for (int i = 0; i < 7; i++) printf("dh %08x -> %d\n", dh_addrs[i], sched_daddr(svc, dh_addrs[i]));
	/* dh, IPv6 service: daddr 2001:db8::1 and 2001:db8::2:1 */
	svc = svc_new(AF_INET6, 0); svc_bind(svc, sched_dh());
	for (int i = 1; i <= 3; i++) d[i] = dest_add(svc, i, 1);
	{
		struct ip_vs_iphdr h; memset(&h, 0, sizeof(h));
		h.daddr.ip6[0] = htonl(0x20010db8); h.daddr.ip6[3] = htonl(1);
		printf("dh6 2001:db8::1 -> %d\n", sched_pkt(svc, &h, NULL));
		h.daddr.ip6[3] = htonl(0x20001);
		printf("dh6 2001:db8::2:1 -> %d\n", sched_pkt(svc, &h, NULL));
	}
	/* sh table: add 1 (w1), 2 (w3), 3 (w0) */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_sh());
	dest_add(svc, 1, 1); dest_add(svc, 2, 3); dest_add(svc, 3, 0);
	int off = sizeof(struct rcu_head);
	printf("sh buckets:"); for (int i = 0; i < 10; i++) printf(" %d", bucket_id(svc->sched_data, off, i));
	printf(" ... %d\n", bucket_id(svc->sched_data, off, 255));
	/* sh clients: add 1 (1), 2 (2), 3 (1) */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_sh());
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 2); d[3] = dest_add(svc, 3, 1);
	struct { u32 a; u16 p; unsigned f; } c[] = {
		{ ip(192,168,1,2), 1000, 0 }, { ip(192,168,1,2), 1001, 0 },
		{ ip(192,168,1,2), 1000, IP_VS_SVC_F_SCHED2 }, { ip(192,168,1,2), 1001, IP_VS_SVC_F_SCHED2 },
		{ ip(172,16,5,9), 40000, 0 }, { ip(172,16,5,9), 40000, IP_VS_SVC_F_SCHED2 } };
	for (int i = 0; i < 6; i++) { svc->flags = c[i].f; printf("sh %08x:%u f%#x -> %d\n", c[i].a, c[i].p, c[i].f, sched_saddr(svc, c[i].a, c[i].p)); }
	/* sh fallback */
	svc->flags = 0; int hit = sched_saddr(svc, ip(192,168,1,2), 1000);
	d[hit]->flags |= IP_VS_DEST_F_OVERLOAD;
	printf("sh overloaded %d: plain -> %d", hit, sched_saddr(svc, ip(192,168,1,2), 1000));
	svc->flags = IP_VS_SVC_F_SCHED1; printf(", fallback -> %d", sched_saddr(svc, ip(192,168,1,2), 1000));
	for (int i = 1; i <= 3; i++) atomic_set(&d[i]->weight, 0);
	printf(", all zero -> %d\n", sched_saddr(svc, ip(192,168,1,2), 1000));
	return 0;
}
