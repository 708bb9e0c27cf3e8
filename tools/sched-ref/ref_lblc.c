/* ip_vs_lblc.c (HZ 100) through the Rust lblc tests' steps. */
#include "harness.h"
static u32 ip(int a, int b, int c, int d) { return (u32)a << 24 | b << 16 | c << 8 | d; }
static int at(struct ip_vs_service *svc, unsigned long j, u32 a) { jiffies = j; return sched_daddr(svc, a); }
int main(void)
{
	struct ip_vs_service *svc; struct ip_vs_dest *d[8];
	/* sticks */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc());
	for (int i = 1; i <= 3; i++) d[i] = dest_add(svc, i, 1);
	printf("stick a %d\n", at(svc, 10, ip(10,1,0,1))); lblc_dump(svc);
	set_conns(d[3], 1, 1);
	printf("stick b %d\n", at(svc, 20, ip(10,1,0,1))); lblc_dump(svc);
	printf("stick c %d\n", at(svc, 30, ip(10,1,0,2))); lblc_dump(svc);
	/* overloaded */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc());
	d[1] = dest_add(svc, 1, 4); d[2] = dest_add(svc, 2, 4); d[3] = dest_add(svc, 3, 2);
	printf("ov seed %d\n", at(svc, 0, ip(10,1,0,1)));
	set_conns(d[3], 3, 3); set_conns(d[2], 2, 2); set_conns(d[1], 3, 3);
	printf("ov a %d\n", at(svc, 5, ip(10,1,0,1)));
	set_conns(d[1], 1, 1);
	printf("ov b %d\n", at(svc, 6, ip(10,1,0,1))); lblc_dump(svc);
	/* gone or quiesced */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc());
	for (int i = 1; i <= 3; i++) d[i] = dest_add(svc, i, 1);
	printf("gq a %d\n", at(svc, 1, ip(10,1,0,1)));
	dest_edit(svc, d[3], 0);
	printf("gq b %d\n", at(svc, 2, ip(10,1,0,1)));
	dest_del(svc, d[2]);
	printf("gq c %d\n", at(svc, 3, ip(10,1,0,1))); lblc_dump(svc);
	/* no destination */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc());
	printf("none a %d '%s'\n", at(svc, 0, ip(1,2,3,4)), last_err);
	d[1] = dest_add(svc, 1, 1); d[1]->flags |= IP_VS_DEST_F_OVERLOAD;
	printf("none b %d '%s'\n", at(svc, 0, ip(1,2,3,4)), last_err); lblc_dump(svc);
	/* full cache, no memory */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc()); lblc_set_max(svc, 2);
	dest_add(svc, 1, 1); dest_add(svc, 2, 1);
	printf("full:"); for (int i = 0; i < 5; i++) printf(" %d", at(svc, 0, ip(10,2,0,i))); printf("\n"); lblc_dump(svc);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc());
	dest_add(svc, 1, 1); dest_add(svc, 2, 1);
	fail_alloc = 1; printf("nomem %d\n", at(svc, 0, ip(10,3,0,1))); fail_alloc = 0; lblc_dump(svc);
	/* expiry */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_lblc());
	dest_add(svc, 1, 1); dest_add(svc, 2, 1);
	svc->ipvs->sysctl_lblc_expiration = 3000;
	printf("exp a %d b %d\n", at(svc, 100, ip(10,1,0,1)), at(svc, 5000, ip(10,1,0,2)));
	jiffies = 7000;
	for (int i = 0; i < 29; i++) lblc_expire(svc);
	lblc_dump(svc);
	lblc_expire(svc); lblc_dump(svc);
	return 0;
}
