// SPDX-License-Identifier: GPL-2.0

//! Least-connection scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lc.c`](srctree/net/netfilter/ipvs/ip_vs_lc.c)

use super::{conn_overhead, DestView, Miss, Pick};

/// `ip_vs_lc_schedule()`: the destination with the least
/// [`conn_overhead`], skipping overloaded ones and those of weight zero
/// (quiesced: they keep their connections but get no new ones).
///
/// The first of equally loaded destinations wins. C compares the overhead
/// as `unsigned int`, so a wrapped, negative overhead counts as huge.
pub(crate) fn schedule<D: DestView>(dests: &[D]) -> Pick<'_, D> {
    let mut least: Option<(&D, u32)> = None;
    for d in dests {
        if d.overloaded() || d.weight() == 0 {
            continue;
        }
        // The cast reproduces C's conversion of the int overhead.
        let doh = conn_overhead(d) as u32;
        if least.is_none_or(|(_, loh)| doh < loh) {
            least = Some((d, doh));
        }
    }
    least.map(|(d, _)| d).ok_or(Miss::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    // Expected values: tools/sched-ref/ref_simple, which runs the kernel's
    // ip_vs_lc.c over the same destinations (listed newest first there too).

    #[test]
    fn picks_least_overhead_first_on_ties() {
        let d = [loaded(1, 1, 2, 2), loaded(2, 5, 1, 10), loaded(3, 1, 1, 10)];
        assert_eq!(raw(schedule(&d)), 2);
    }

    #[test]
    fn skips_quiesced_and_overloaded() {
        let mut d = [loaded(1, 0, 0, 0), loaded(2, 1, 5, 5), loaded(3, 1, 9, 9)];
        assert_eq!(raw(schedule(&d)), 2);
        d[1].overloaded = true;
        assert_eq!(raw(schedule(&d)), 3);
        d[2].overloaded = true;
        assert_eq!(schedule(&d), Err(Miss::Unavailable));
    }

    #[test]
    fn empty_and_all_zero() {
        assert_eq!(schedule::<super::super::Dest>(&[]), Err(Miss::Unavailable));
        assert_eq!(schedule(&[dest(1, 0), dest(2, 0)]), Err(Miss::Unavailable));
    }

    #[test]
    fn wrapped_overhead_compares_unsigned() {
        // 2^23 active connections make the int overhead wrap to INT_MIN,
        // which C's unsigned comparison ranks above any small load.
        let d = [loaded(1, 1, 1 << 23, 0), loaded(2, 1, 1, 0)];
        assert_eq!(raw(schedule(&d)), 2);
    }
}
