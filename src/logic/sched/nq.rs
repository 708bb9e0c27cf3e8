// SPDX-License-Identifier: GPL-2.0

//! Never-queue scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_nq.c`](srctree/net/netfilter/ipvs/ip_vs_nq.c)

use super::{sed, DestView, Miss, Pick};

/// `ip_vs_nq_schedule()`: the first idle destination (no active
/// connections) if there is one, else the least shortest-expected-delay.
///
/// Unlike wlc, a destination is skipped for a weight of exactly zero, as
/// the C tests `!atomic_read(&dest->weight)`.
pub(crate) fn schedule<D: DestView>(dests: &[D]) -> Pick<'_, D> {
    let mut least: Option<(&D, i32)> = None;
    for d in dests {
        if d.overloaded() || d.weight() == 0 {
            continue;
        }
        // The server is idle: nothing would wait in its queue.
        if d.activeconns() == 0 {
            return Ok(d);
        }
        let doh = sed::dest_overhead(d);
        let better = match least {
            None => true,
            Some((l, loh)) => {
                i64::from(loh) * i64::from(d.weight()) > i64::from(doh) * i64::from(l.weight())
            }
        };
        if better {
            least = Some((d, doh));
        }
    }
    least.map(|(d, _)| d).ok_or(Miss::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    // Expected values: tools/sched-ref/ref_simple (the kernel's ip_vs_nq.c).

    #[test]
    fn idle_server_wins_at_once() {
        let d = [loaded(1, 100, 1, 1), loaded(2, 1, 0, 50), dest(3, 1)];
        assert_eq!(raw(schedule(&d)), 2);
    }

    #[test]
    fn otherwise_shortest_expected_delay() {
        // (3+1)/4 = 1 vs (1+1)/1 = 2 vs (2+1)/4 = 0.75.
        let d = [loaded(1, 4, 3, 3), loaded(2, 1, 1, 1), loaded(3, 4, 2, 2)];
        assert_eq!(raw(schedule(&d)), 3);
    }

    #[test]
    fn quiesced_overloaded_and_empty() {
        let mut d = [dest(1, 0), loaded(2, 1, 1, 1)];
        assert_eq!(raw(schedule(&d)), 2);
        d[1].overloaded = true;
        assert_eq!(schedule(&d), Err(Miss::Unavailable));
    }
}
