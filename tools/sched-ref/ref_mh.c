/* ip_vs_mh.c (with the kernel's lib/siphash.c) on the Rust tests' steps. */
#include "harness.h"
#include <linux/siphash.h>
struct mh_state { struct rcu_head rcu_head; struct ip_vs_dest **lookup; void *dest_setup;
	hsiphash_key_t hash1, hash2; int gcd; int rshift; };
#define SIZE 4093
static u32 ip(int a, int b, int c, int d) { return (u32)a << 24 | b << 16 | c << 8 | d; }
static void show(const char *name, struct ip_vs_service *svc, int *ids, int n)
{
	struct mh_state *s = svc->sched_data;
	printf("%s: gcd %d rshift %d counts", name, s->gcd, s->rshift);
	for (int k = 0; k < n; k++) { int c = 0; for (int i = 0; i < SIZE; i++) c += s->lookup[i] && s->lookup[i]->id == ids[k]; printf(" %d", c); }
	printf(" first"); for (int i = 0; i < 8; i++) printf(" %d", s->lookup[i] ? s->lookup[i]->id : 0);
	printf("\n");
}
struct cl { u32 a; u16 p; unsigned f; };
static void clients(const char *name, struct ip_vs_service *svc, struct cl *c, int n)
{ for (int i = 0; i < n; i++) { svc->flags = c[i].f; printf("%s %08x:%u f%#x -> %d\n", name, c[i].a, c[i].p, c[i].f, sched_saddr(svc, c[i].a, c[i].p)); } svc->flags = 0; }
int main(void)
{
	struct ip_vs_service *svc; struct ip_vs_dest *d[8];
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_mh());
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 2); d[3] = dest_add(svc, 3, 1);
	show("121", svc, (int[]){3, 2, 1}, 3);
	struct cl c[] = {
		{ ip(192,168,1,2), 1000, 0 }, { ip(192,168,1,2), 1001, 0 },
		{ ip(192,168,1,2), 1000, IP_VS_SVC_F_SCHED2 }, { ip(192,168,1,2), 1001, IP_VS_SVC_F_SCHED2 },
		{ ip(172,16,5,9), 40000, 0 }, { ip(172,16,5,9), 40000, IP_VS_SVC_F_SCHED2 } };
	clients("mh", svc, c, 6);
	dest_edit(svc, d[2], 0);
	show("quiesced", svc, (int[]){3, 2, 1}, 3);
	struct cl q[] = { { ip(192,168,1,2), 1000, 0 }, { ip(192,168,1,2), 1000, IP_VS_SVC_F_SCHED1 },
		{ ip(172,16,5,9), 40000, 0 }, { ip(172,16,5,9), 40000, IP_VS_SVC_F_SCHED1 } };
	clients("q", svc, q, 4);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_mh());
	dest_add(svc, 1, 1000); dest_add(svc, 2, 3000); show("big", svc, (int[]){2, 1}, 2);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_mh());
	dest_add(svc, 1, 7); dest_add(svc, 2, 100); show("shift", svc, (int[]){2, 1}, 2);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_mh());
	dest_add(svc, 1, 1); dest_add(svc, 2, 2); dest_add(svc, 3, 1); dest_add(svc, 4, 0);
	show("zero", svc, (int[]){4, 3, 2, 1}, 4);
	return 0;
}
