// SPDX-License-Identifier: GPL-2.0

//! Weighted least-connection scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_wlc.c`](srctree/net/netfilter/ipvs/ip_vs_wlc.c)

use super::{conn_overhead, DestView, Miss, Pick};

/// `ip_vs_wlc_schedule()`: the destination with the least
/// `overhead / weight`.
///
/// lblc and lblcr pick a new destination with this same rule.
pub(crate) fn schedule<D: DestView>(dests: &[D]) -> Pick<'_, D> {
    least_by(dests, conn_overhead)
}

/// The rule wlc and sed share, with the load function as parameter.
///
/// The first destination that is not overloaded and has a positive weight
/// starts; a later one replaces it when `loh * dw > doh * lw`, which is
/// `doh / dw < loh / lw` without division. Later destinations of weight
/// zero are not skipped explicitly, but the product rule never picks them
/// as long as loads are not negative. The products are 64-bit, as C's
/// `(__s64)` casts make them.
pub(crate) fn least_by<D: DestView>(dests: &[D], load: impl Fn(&D) -> i32) -> Pick<'_, D> {
    let Some(first) = dests.iter().position(|d| !d.overloaded() && d.weight() > 0) else {
        return Err(Miss::Unavailable);
    };
    let mut least = &dests[first];
    let mut loh = load(least);
    for d in &dests[first + 1..] {
        if d.overloaded() {
            continue;
        }
        let doh = load(d);
        if i64::from(loh) * i64::from(d.weight()) > i64::from(doh) * i64::from(least.weight()) {
            least = d;
            loh = doh;
        }
    }
    Ok(least)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    // Expected values: tools/sched-ref/ref_simple (the kernel's ip_vs_wlc.c).

    #[test]
    fn weighs_the_overhead() {
        // Overheads 257*1+... : 1: 257/1, 2: 514/3, 3: 771/2.
        let d = [loaded(1, 1, 1, 1), loaded(2, 3, 2, 2), loaded(3, 2, 3, 3)];
        assert_eq!(raw(schedule(&d)), 2);
    }

    #[test]
    fn ties_keep_the_earlier() {
        let d = [loaded(1, 2, 1, 1), loaded(2, 4, 2, 2)];
        assert_eq!(raw(schedule(&d)), 1);
    }

    #[test]
    fn first_candidate_needs_weight_but_later_zero_never_wins() {
        let d = [dest(1, 0), loaded(2, 1, 1, 1), dest(3, 0)];
        assert_eq!(raw(schedule(&d)), 2);
    }

    #[test]
    fn overloaded_and_empty() {
        let mut d = [dest(1, 1), dest(2, 1)];
        d[0].overloaded = true;
        assert_eq!(raw(schedule(&d)), 2);
        d[1].overloaded = true;
        assert_eq!(schedule(&d), Err(Miss::Unavailable));
        assert_eq!(schedule::<super::super::Dest>(&[]), Err(Miss::Unavailable));
    }
}
