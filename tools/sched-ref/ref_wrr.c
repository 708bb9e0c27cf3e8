/* ip_vs_wrr.c driven through the Rust wrr tests' steps. */
#include "harness.h"
struct ip_vs_wrr_mark { struct ip_vs_dest *cl; int cw, mw, di; };
static void run(const char *name, struct ip_vs_service *svc, int n)
{ printf("%s:", name); for (int i = 0; i < n; i++) printf(" %d", sched0(svc)); printf("\n"); }
static void mark(struct ip_vs_service *svc)
{
	struct ip_vs_wrr_mark *m = svc->sched_data;
	printf("  di %d mw %d cw %d cl %d err '%s'\n", m->di, m->mw, m->cw,
	       &m->cl->n_list == &svc->destinations ? 0 : m->cl->id, last_err);
}
int main(void)
{
	struct ip_vs_service *svc; struct ip_vs_dest *d[8];
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	dest_add(svc, 1, 4); dest_add(svc, 2, 3); dest_add(svc, 3, 2);
	run("432", svc, 18);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	dest_add(svc, 1, 4); dest_add(svc, 2, 2); mark(svc); run("gcd", svc, 6);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	run("empty", svc, 1); dest_add(svc, 1, 0); dest_add(svc, 2, 0); run("zero", svc, 1); mark(svc);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	dest_add(svc, 1, 3); run("single", svc, 4);
	/* all overloaded */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	d[1] = dest_add(svc, 1, 4); d[2] = dest_add(svc, 2, 3); d[3] = dest_add(svc, 3, 2);
	run("ov a", svc, 2);
	for (int i = 1; i <= 3; i++) d[i]->flags |= IP_VS_DEST_F_OVERLOAD;
	run("ov b", svc, 1); mark(svc);
	dest_edit(svc, d[3], 2); /* upd_dest with nothing changed */
	run("ov c", svc, 1); mark(svc);
	d[2]->flags = 0; run("ov d", svc, 3);
	/* weight change mid cycle */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	d[1] = dest_add(svc, 1, 4); d[2] = dest_add(svc, 2, 3); d[3] = dest_add(svc, 3, 2);
	run("wc a", svc, 4); dest_edit(svc, d[1], 6); mark(svc); run("wc b", svc, 12);
	dest_edit(svc, d[2], 4); mark(svc); run("wc c", svc, 8);
	/* add and delete */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_wrr());
	d[1] = dest_add(svc, 1, 2); d[2] = dest_add(svc, 2, 1);
	run("ad a", svc, 3); d[3] = dest_add(svc, 3, 2); run("ad b", svc, 6);
	dest_del(svc, d[1]); run("ad c", svc, 4);
	/* scheduler bound to a service that already has dests (ipvsadm -E) */
	svc = svc_new(AF_INET, 0);
	dest_add(svc, 1, 4); dest_add(svc, 2, 3); dest_add(svc, 3, 2);
	svc_bind(svc, sched_wrr()); mark(svc); run("init", svc, 18);
	svc = svc_new(AF_INET, 0);
	dest_add(svc, 1, 4); dest_add(svc, 2, 2);
	svc_bind(svc, sched_wrr()); mark(svc); run("init gcd", svc, 6);
	return 0;
}
