// SPDX-License-Identifier: GPL-2.0

//! Shortest-expected-delay scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_sed.c`](srctree/net/netfilter/ipvs/ip_vs_sed.c)

use super::{wlc, DestView, Pick};

/// `ip_vs_sed_dest_overhead()`: only active connections count, plus the
/// one being scheduled. C's `int` addition wraps.
pub(crate) fn dest_overhead<D: DestView>(d: &D) -> i32 {
    d.activeconns().wrapping_add(1)
}

/// `ip_vs_sed_schedule()`: the least `(activeconns + 1) / weight`, with
/// wlc's selection rule.
pub(crate) fn schedule<D: DestView>(dests: &[D]) -> Pick<'_, D> {
    wlc::least_by(dests, dest_overhead)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Miss;
    use super::*;

    // Expected values: tools/sched-ref/ref_simple (the kernel's ip_vs_sed.c).

    #[test]
    fn prefers_the_heavier_idle_server() {
        // (0+1)/1 vs (0+1)/5: the weight-5 server.
        let d = [dest(1, 1), dest(2, 5)];
        assert_eq!(raw(schedule(&d)), 2);
        // Inactive connections do not count: (4+1)/5 = 1 vs (0+1)/1 = 1,
        // a tie, and the earlier one stays.
        let d = [loaded(1, 1, 0, 100), loaded(2, 5, 4, 4)];
        assert_eq!(raw(schedule(&d)), 1);
    }

    #[test]
    fn nothing_to_pick() {
        assert_eq!(schedule(&[dest(1, 0)]), Err(Miss::Unavailable));
    }
}
