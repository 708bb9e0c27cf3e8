/* ip_vs_lblcr.c (HZ 100, lblcr_expiration 1000) through the Rust lblcr tests' steps. */
#include "harness.h"
static u32 ip(int a, int b, int c, int d) { return (u32)a << 24 | b << 16 | c << 8 | d; }
static int at(struct ip_vs_service *svc, unsigned long j, u32 a) { jiffies = j; return sched_daddr(svc, a); }
static struct ip_vs_service *mk(void)
{ struct ip_vs_service *svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblcr()); svc->ipvs->sysctl_lblcr_expiration = 1000; return svc; }
int main(void)
{
	struct ip_vs_service *svc; struct ip_vs_dest *d[10];
	u32 a = ip(10,1,0,1);
	/* set grows, then goes stale */
	for (int stale = 0; stale < 2; stale++) {
		svc = mk();
		d[1] = dest_add(svc, 1, 4); d[2] = dest_add(svc, 2, 4); d[3] = dest_add(svc, 3, 2);
		printf("grow a %d\n", at(svc, 10, a)); lblcr_dump(svc);
		set_conns(d[3], 3, 3);
		printf("grow b %d\n", at(svc, 20, a)); lblcr_dump(svc);
		if (!stale) { printf("grow c %d\n", at(svc, 30, a)); lblcr_dump(svc); continue; }
		printf("stale a %d\n", at(svc, 1020, a)); lblcr_dump(svc);
		printf("stale b %d\n", at(svc, 1021, a)); lblcr_dump(svc);
	}
	/* dropped member serves once: set {2, 1} at 0 */
	svc = mk(); a = ip(10,1,0,7);
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 1);
	d[2]->flags = IP_VS_DEST_F_OVERLOAD; printf("drop seed %d", at(svc, 0, a));
	d[2]->flags = 0; d[1]->flags = IP_VS_DEST_F_OVERLOAD; printf(" %d\n", at(svc, 0, a));
	d[1]->flags = 0; set_conns(d[1], 1, 1); set_conns(d[2], 1, 1); lblcr_dump(svc);
	printf("drop %d\n", at(svc, 5000, a)); lblcr_dump(svc);
	/* trashed member: set {9, 2} */
	svc = mk(); a = ip(10,1,0,8);
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 1); d[9] = dest_add(svc, 9, 1);
	d[9]->flags = IP_VS_DEST_F_OVERLOAD; printf("trash seed %d", at(svc, 0, a));
	d[9]->flags = 0; d[2]->flags = IP_VS_DEST_F_OVERLOAD; printf(" %d\n", at(svc, 0, a));
	d[2]->flags = 0; dest_del(svc, d[9]);
	set_conns(d[2], 1, 1); set_conns(d[1], 0, 0); set_conns(d[9], 50, 50); lblcr_dump(svc);
	printf("trash %d\n", at(svc, 5000, a)); lblcr_dump(svc);
	/* misses */
	svc = mk();
	printf("miss a %d '%s'\n", at(svc, 0, ip(1,1,1,1)), last_err);
	d[1] = dest_add(svc, 1, 1);
	printf("miss b %d\n", at(svc, 0, ip(1,1,1,1)));
	d[1]->flags = IP_VS_DEST_F_OVERLOAD;
	printf("miss c %d '%s'\n", at(svc, 1, ip(1,1,1,1)), last_err);
	/* expiry */
	svc = mk(); dest_add(svc, 1, 1); dest_add(svc, 2, 1);
	svc->ipvs->sysctl_lblcr_expiration = 3000;
	printf("exp a %d b %d\n", at(svc, 100, ip(10,1,0,1)), at(svc, 5000, ip(10,1,0,2)));
	jiffies = 7000;
	for (int i = 0; i < 29; i++) lblcr_expire(svc);
	lblcr_dump(svc);
	lblcr_expire(svc); lblcr_dump(svc);
	return 0;
}
