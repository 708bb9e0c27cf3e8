// SPDX-License-Identifier: GPL-2.0

//! Weighted failover scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_fo.c`](srctree/net/netfilter/ipvs/ip_vs_fo.c)

use super::{DestView, Miss, Pick};

/// `ip_vs_fo_schedule()`: the first destination of the highest positive
/// weight that is not overloaded.
pub(crate) fn schedule<D: DestView>(dests: &[D]) -> Pick<'_, D> {
    let mut best: Option<&D> = None;
    let mut hw = 0;
    for d in dests {
        if !d.overloaded() && d.weight() > hw {
            best = Some(d);
            hw = d.weight();
        }
    }
    best.ok_or(Miss::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    // Expected values: tools/sched-ref/ref_simple (the kernel's ip_vs_fo.c).

    #[test]
    fn highest_weight_first_of_equals() {
        let d = [dest(1, 2), dest(2, 5), dest(3, 5), dest(4, 1)];
        assert_eq!(raw(schedule(&d)), 2);
    }

    #[test]
    fn fails_over_when_overloaded() {
        let mut d = [dest(1, 2), loaded(2, 5, 100, 100)];
        d[1].overloaded = true;
        assert_eq!(raw(schedule(&d)), 1);
        d[0].weight = 0;
        assert_eq!(schedule(&d), Err(Miss::Unavailable));
    }
}
