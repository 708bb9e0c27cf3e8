// SPDX-License-Identifier: GPL-2.0

//! Overflow-connection scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_ovf.c`](srctree/net/netfilter/ipvs/ip_vs_ovf.c)

use super::{DestView, Miss, Pick};

/// `ip_vs_ovf_schedule()`: the first destination of the highest weight
/// among those with no more active connections than their weight; the
/// next in line takes over once a server's connections exceed its weight.
pub(crate) fn schedule<D: DestView>(dests: &[D]) -> Pick<'_, D> {
    let mut best: Option<(&D, i32)> = None;
    for d in dests {
        let w = d.weight();
        if d.overloaded() || d.activeconns() > w || w == 0 {
            continue;
        }
        if best.is_none_or(|(_, hw)| w > hw) {
            best = Some((d, w));
        }
    }
    best.map(|(d, _)| d).ok_or(Miss::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    // Expected values: tools/sched-ref/ref_simple (the kernel's ip_vs_ovf.c).

    #[test]
    fn highest_weight_until_full() {
        let mut d = [dest(1, 3), loaded(2, 5, 5, 5), dest(3, 5)];
        // Server 2 is exactly full (5 active, weight 5): still eligible.
        assert_eq!(raw(schedule(&d)), 2);
        d[1].activeconns = 6;
        assert_eq!(raw(schedule(&d)), 3);
        d[2].activeconns = 6;
        assert_eq!(raw(schedule(&d)), 1);
        d[0].activeconns = 4;
        assert_eq!(schedule(&d), Err(Miss::Unavailable));
    }
}
