// SPDX-License-Identifier: GPL-2.0

//! Power-of-two-choices scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_twos.c`](srctree/net/netfilter/ipvs/ip_vs_twos.c)

use super::{conn_overhead, DestView, Miss, Pick};

/// The source of randomness twos draws from, so that tests can script it.
pub(crate) trait Random {
    /// `get_random_u32_below(ceil)`: a uniform value in `0..ceil`.
    fn u32_below(&mut self, ceil: u32) -> u32;
}

/// A destination twos may pick: not overloaded, with a positive weight.
fn eligible<D: DestView>(d: &D) -> bool {
    !d.overloaded() && d.weight() > 0
}

/// `ip_vs_twos_schedule()`: draw two destinations with probability
/// proportional to their weights, keep the less loaded by
/// `overhead / weight`.
///
/// Both draws are in `0..=total weight` (C adds one to the total), and a
/// draw lands on the first destination where the running sum reaches it;
/// so a draw of zero picks the first eligible destination. `rng` is asked
/// twice, with the same bound, like C.
pub(crate) fn schedule<'a, D: DestView, R: Random>(dests: &'a [D], rng: &mut R) -> Pick<'a, D> {
    let mut total_weight: i32 = 0;
    // C leaves the last eligible destination here; it is the answer if the
    // draws never land (only possible if `rng` breaks its contract).
    let mut last = None;
    for d in dests.iter().filter(|d| eligible(*d)) {
        total_weight = total_weight.wrapping_add(d.weight());
        last = Some(d);
    }
    let Some(last) = last else {
        return Err(Miss::Unavailable);
    };

    // C passes the int total as u32 and stores the draws back in ints.
    let bound = total_weight.wrapping_add(1) as u32;
    let mut rweight1 = rng.u32_below(bound) as i32;
    let mut rweight2 = rng.u32_below(bound) as i32;

    let mut choice1: Option<(&D, i32, i32)> = None;
    let mut choice2: Option<(&D, i32, i32)> = None;
    for d in dests.iter().filter(|d| eligible(*d)) {
        let weight = d.weight();
        rweight1 = rweight1.wrapping_sub(weight);
        rweight2 = rweight2.wrapping_sub(weight);
        if rweight1 <= 0 && choice1.is_none() {
            choice1 = Some((d, weight, conn_overhead(d)));
        }
        if rweight2 <= 0 && choice2.is_none() {
            choice2 = Some((d, weight, conn_overhead(d)));
        }
        if choice1.is_some() && choice2.is_some() {
            break;
        }
    }

    // C's `weight1 = -1, overhead1 = 0` when the first draw never landed.
    let (pick1, weight1, overhead1) = choice1.unwrap_or((last, -1, 0));
    match choice2 {
        // `weight2 * overhead1 > weight1 * overhead2`: choice 2 has the
        // smaller overhead per weight. C multiplies in int, which wraps.
        Some((d2, weight2, overhead2))
            if weight2.wrapping_mul(overhead1) > weight1.wrapping_mul(overhead2) =>
        {
            Ok(d2)
        }
        _ => Ok(pick1),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Dest;
    use super::*;

    /// Hands out scripted values and records the bounds asked for.
    struct Script {
        values: [u32; 2],
        next: usize,
        bounds: [u32; 2],
    }

    impl Script {
        fn new(a: u32, b: u32) -> Self {
            Self {
                values: [a, b],
                next: 0,
                bounds: [0; 2],
            }
        }
    }

    impl Random for Script {
        fn u32_below(&mut self, ceil: u32) -> u32 {
            let i = self.next % 2;
            self.bounds[i] = ceil;
            self.next += 1;
            self.values[i]
        }
    }

    fn pick(d: &[Dest], a: u32, b: u32) -> u64 {
        raw(schedule(d, &mut Script::new(a, b)))
    }

    // Expected values: tools/sched-ref/ref_simple, which runs the kernel's
    // ip_vs_twos.c with get_random_u32_below() returning the same script.

    #[test]
    fn draws_follow_the_weights() {
        // Weights 2, 3, 1 (total 6, bound 7); overheads all zero, so the
        // first choice stays unless the second is strictly better.
        let d = [dest(1, 2), dest(2, 3), dest(3, 1)];
        let mut s = Script::new(0, 0);
        assert_eq!(raw(schedule(&d, &mut s)), 1);
        assert_eq!(s.bounds, [7, 7]);
        assert_eq!(pick(&d, 2, 0), 1);
        assert_eq!(pick(&d, 3, 0), 2);
        assert_eq!(pick(&d, 5, 0), 2);
        assert_eq!(pick(&d, 6, 6), 3);
    }

    #[test]
    fn less_loaded_of_the_two_wins() {
        // 1: overhead 257 per weight 2; 2: overhead 257 per weight 3.
        let d = [loaded(1, 2, 1, 1), loaded(2, 3, 1, 1), dest(3, 1)];
        assert_eq!(pick(&d, 1, 4), 2);
        assert_eq!(pick(&d, 4, 1), 2);
        // 3 is idle: it wins against 1 from either side.
        assert_eq!(pick(&d, 1, 6), 3);
        assert_eq!(pick(&d, 6, 1), 3);
    }

    #[test]
    fn skips_ineligible_and_fails_when_none() {
        let mut d = [dest(1, 0), dest(2, 4), dest(3, 4)];
        d[2].overloaded = true;
        let mut s = Script::new(4, 0);
        assert_eq!(raw(schedule(&d, &mut s)), 2);
        assert_eq!(s.bounds, [5, 5]);
        d[1].weight = 0;
        assert_eq!(schedule(&d, &mut Script::new(0, 0)), Err(Miss::Unavailable));
        assert_eq!(
            schedule::<Dest, _>(&[], &mut Script::new(0, 0)),
            Err(Miss::Unavailable)
        );
    }

    #[test]
    fn out_of_contract_draws_do_not_panic() {
        // A draw past the total matches no destination; C would then use
        // the last eligible one with weight -1, and so do we.
        let d = [dest(1, 1), dest(2, 1)];
        assert_eq!(pick(&d, 100, 100), 2);
    }
}
