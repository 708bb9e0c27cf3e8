/* lc, wlc, sed, nq, fo, ovf, twos on the Rust tests' destinations. */
#include "harness.h"
#define S(...) ((struct spec[]){ __VA_ARGS__ })
#define RUN(name, sched, arr) do { struct spec *sp = arr; int n = sizeof(arr) / sizeof(struct spec); \
	struct ip_vs_service *svc = build(sched(), sp, n, NULL); printf("%s: %d\n", name, sched0(svc)); } while (0)
#define RUNR(name, arr, r1, r2) do { struct spec *sp = arr; int n = sizeof(arr) / sizeof(struct spec); \
	struct ip_vs_service *svc = build(sched_twos(), sp, n, NULL); next_random[0] = r1; next_random[1] = r2; next_random_i = 0; \
	printf("%s(%d,%d): %d\n", name, r1, r2, sched0(svc)); } while (0)
int main(void)
{
	/* lc */
	RUN("lc ties", sched_lc, S({1,1,2,2}, {2,5,1,10}, {3,1,1,10}));
	RUN("lc skip1", sched_lc, S({1,0,0,0}, {2,1,5,5}, {3,1,9,9}));
	RUN("lc skip2", sched_lc, S({1,0,0,0}, {2,1,5,5,1}, {3,1,9,9}));
	RUN("lc skip3", sched_lc, S({1,0,0,0}, {2,1,5,5,1}, {3,1,9,9,1}));
	RUN("lc allzero", sched_lc, S({1,0}, {2,0}));
	RUN("lc wrap", sched_lc, S({1,1,1<<23,0}, {2,1,1,0}));
	/* wlc */
	RUN("wlc weighs", sched_wlc, S({1,1,1,1}, {2,3,2,2}, {3,2,3,3}));
	RUN("wlc ties", sched_wlc, S({1,2,1,1}, {2,4,2,2}));
	RUN("wlc zero", sched_wlc, S({1,0}, {2,1,1,1}, {3,0}));
	RUN("wlc ov1", sched_wlc, S({1,1,0,0,1}, {2,1}));
	RUN("wlc ov2", sched_wlc, S({1,1,0,0,1}, {2,1,0,0,1}));
	/* sed */
	RUN("sed idle", sched_sed, S({1,1}, {2,5}));
	RUN("sed inact", sched_sed, S({1,1,0,100}, {2,5,4,4}));
	RUN("sed none", sched_sed, S({1,0}));
	/* nq */
	RUN("nq idle", sched_nq, S({1,100,1,1}, {2,1,0,50}, {3,1}));
	RUN("nq sed", sched_nq, S({1,4,3,3}, {2,1,1,1}, {3,4,2,2}));
	RUN("nq q1", sched_nq, S({1,0}, {2,1,1,1}));
	RUN("nq q2", sched_nq, S({1,0}, {2,1,1,1,1}));
	/* fo */
	RUN("fo high", sched_fo, S({1,2}, {2,5}, {3,5}, {4,1}));
	RUN("fo ov", sched_fo, S({1,2}, {2,5,100,100,1}));
	RUN("fo none", sched_fo, S({1,0}, {2,5,100,100,1}));
	/* ovf */
	RUN("ovf 1", sched_ovf, S({1,3}, {2,5,5,5}, {3,5}));
	RUN("ovf 2", sched_ovf, S({1,3}, {2,5,6,5}, {3,5}));
	RUN("ovf 3", sched_ovf, S({1,3}, {2,5,6,5}, {3,5,6,0}));
	RUN("ovf 4", sched_ovf, S({1,3,4,0}, {2,5,6,5}, {3,5,6,0}));
	/* twos */
	RUNR("twos w", S({1,2}, {2,3}, {3,1}), 0, 0);
	RUNR("twos w", S({1,2}, {2,3}, {3,1}), 2, 0);
	RUNR("twos w", S({1,2}, {2,3}, {3,1}), 3, 0);
	RUNR("twos w", S({1,2}, {2,3}, {3,1}), 5, 0);
	RUNR("twos w", S({1,2}, {2,3}, {3,1}), 6, 6);
	RUNR("twos load", S({1,2,1,1}, {2,3,1,1}, {3,1}), 1, 4);
	RUNR("twos load", S({1,2,1,1}, {2,3,1,1}, {3,1}), 4, 1);
	RUNR("twos load", S({1,2,1,1}, {2,3,1,1}, {3,1}), 1, 6);
	RUNR("twos load", S({1,2,1,1}, {2,3,1,1}, {3,1}), 6, 1);
	RUNR("twos skip", S({1,0}, {2,4}, {3,4,0,0,1}), 4, 0);
	RUNR("twos none", S({1,0}, {2,0}, {3,4,0,0,1}), 0, 0);
	return 0;
}
