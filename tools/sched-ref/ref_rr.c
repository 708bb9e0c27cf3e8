/* ip_vs_rr.c driven through the Rust rr tests' steps. */
#include "harness.h"
static void run(const char *name, struct ip_vs_service *svc, int n)
{ printf("%s:", name); for (int i = 0; i < n; i++) printf(" %d", sched0(svc)); printf("\n"); }
static int cur(struct ip_vs_service *svc)
{ struct list_head *p = svc->sched_data; return p == &svc->destinations ? 0 : list_entry(p, struct ip_vs_dest, n_list)->id; }
int main(void)
{
	struct ip_vs_service *svc; struct ip_vs_dest *d[8];
	/* cycles_in_list_order: add 1, 2, 3 */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	dest_add(svc, 1, 1); dest_add(svc, 2, 1); dest_add(svc, 3, 1);
	run("cycle", svc, 7); printf("cursor %d\n", cur(svc));
	/* skips: list 3(1) 2(0) 1(1) */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 0); d[3] = dest_add(svc, 3, 1);
	run("skip a", svc, 3);
	d[3]->flags |= IP_VS_DEST_F_OVERLOAD; run("skip b", svc, 2);
	d[1]->flags |= IP_VS_DEST_F_OVERLOAD; run("skip c", svc, 1); printf("cursor %d err '%s'\n", cur(svc), last_err);
	/* single */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	run("empty", svc, 1); dest_add(svc, 1, 5); run("single", svc, 3);
	/* removing the cursor dest: list 4 3 2 1 */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	for (int i = 1; i <= 4; i++) d[i] = dest_add(svc, i, 1);
	run("del a", svc, 2); dest_del(svc, d[3]); printf("cursor %d\n", cur(svc));
	run("del b", svc, 4);
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 1); d[4] = dest_add(svc, 4, 1);
	run("del c", svc, 1); dest_del(svc, d[4]); printf("cursor %d\n", cur(svc));
	run("del d", svc, 3); dest_del(svc, d[1]); printf("cursor %d\n", cur(svc));
	/* new dest goes first */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	dest_add(svc, 1, 1); dest_add(svc, 2, 1);
	run("add a", svc, 1); dest_add(svc, 3, 1); run("add b", svc, 4);
	/* weight changes */
	svc = svc_new(AF_INET, 0); svc_bind(svc, sched_rr());
	d[1] = dest_add(svc, 1, 1); d[2] = dest_add(svc, 2, 1); d[3] = dest_add(svc, 3, 1);
	run("w a", svc, 1); dest_edit(svc, d[2], 0); run("w b", svc, 3); dest_edit(svc, d[2], 7); run("w c", svc, 2);
	return 0;
}
