// SPDX-License-Identifier: GPL-2.0

//! Weighted round-robin scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_wrr.c`](srctree/net/netfilter/ipvs/ip_vs_wrr.c)

use super::{hash::gcd, DestId, DestView, Miss, Pick};

/// Per-service state: C's `struct ip_vs_wrr_mark`.
///
/// Each round walks the list for destinations of weight `>= cw`, then
/// lowers `cw` by `di`; so a destination of weight `w` is picked about
/// `w / di` times per cycle of `mw / di` rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// `cl`: the destination picked last, `None` for the list head.
    cl: Option<DestId>,
    /// `cw`: the current weight a destination must reach.
    cw: i32,
    /// `mw`: the maximum weight, less `di - 1`.
    mw: i32,
    /// `di`: the step, the gcd of the positive weights.
    di: i32,
}

/// `ip_vs_wrr_gcd_weight()`: the gcd of the positive weights, 1 if none.
fn gcd_weight<D: DestView>(dests: &[D]) -> i32 {
    let g = dests
        .iter()
        .filter_map(|d| u32::try_from(d.weight()).ok())
        .filter(|&w| w > 0)
        .fold(0, gcd);
    // The gcd of positive ints fits an int; 0 means there were none.
    i32::try_from(g).ok().filter(|&g| g > 0).unwrap_or(1)
}

/// `ip_vs_wrr_max_weight()`: the largest weight, at least 0.
fn max_weight<D: DestView>(dests: &[D]) -> i32 {
    dests.iter().map(|d| d.weight()).fold(0, i32::max)
}

impl State {
    /// `ip_vs_wrr_init_svc()`: the cursor at the head, `cw` at the top.
    pub(crate) fn new<D: DestView>(dests: &[D]) -> Self {
        let di = gcd_weight(dests);
        let mw = max_weight(dests) - (di - 1);
        Self {
            cl: None,
            cw: mw,
            mw,
            di,
        }
    }

    /// `ip_vs_wrr_dest_changed()`, C's `add_dest`, `del_dest` and
    /// `upd_dest`: call it with the list as it is after the change.
    ///
    /// The cursor goes back to the head. `cw` is kept if it still makes
    /// sense, rounded to the new step (`(cw / di) * di + 1`), so a weight
    /// change does not restart the cycle from the top.
    pub(crate) fn dest_changed<D: DestView>(&mut self, dests: &[D]) {
        self.cl = None;
        self.di = gcd_weight(dests);
        self.mw = max_weight(dests) - (self.di - 1);
        if self.cw > self.mw || self.cw == 0 {
            self.cw = self.mw;
        } else if self.di > 1 {
            self.cw = (self.cw / self.di) * self.di + 1;
        }
    }

    /// The destination picked last, `None` while at the list head.
    pub(crate) const fn cursor(&self) -> Option<DestId> {
        self.cl
    }

    /// The current weight `cw`.
    pub(crate) const fn current_weight(&self) -> i32 {
        self.cw
    }

    /// `ip_vs_wrr_schedule()`.
    ///
    /// Walks on from the cursor for a destination that is not overloaded
    /// and has a weight of at least `cw`, lowering `cw` at the end of each
    /// walk. Once `cw` has wrapped to the top and come down to `di` again,
    /// every destination was tried for weight 1, and the walk stops at the
    /// starting point: all are overloaded (or quiesced). A cursor that is
    /// not in `dests` counts as the head, like C's freshly reset cursor.
    pub(crate) fn schedule<'a, D: DestView>(&mut self, dests: &'a [D]) -> Pick<'a, D> {
        // No positive weight: C keeps the cursor and fails at once.
        if self.mw == 0 {
            return Err(Miss::Unavailable);
        }
        let last = self
            .cl
            .and_then(|id| dests.iter().position(|d| d.id() == id));
        let mut from = last.map_or(0, |k| k + 1);
        let mut stop: Option<usize> = None;
        let mut last_pass = false;
        let mut restarted = false;
        loop {
            for (i, d) in dests.iter().enumerate().skip(from) {
                if !d.overloaded() && d.weight() >= self.cw {
                    self.cl = Some(d.id());
                    return Ok(d);
                }
                if stop == Some(i) {
                    self.cl = Some(d.id());
                    return Err(Miss::Overloaded);
                }
            }
            // C's list iteration ends on the head, which becomes the cursor
            // if it gives up below.
            from = 0;
            self.cw -= self.di;
            if self.cw <= 0 {
                self.cw = self.mw;
                // Either this was already the pass for weight 1 over every
                // destination, or it started at the head and so covered
                // all of them.
                if last_pass || last.is_none() {
                    self.cl = None;
                    return Err(Miss::Overloaded);
                }
                restarted = true;
            }
            last_pass = self.cw <= self.di;
            if last_pass && restarted && last.is_some() {
                // The first walk for weight 1 covered only the destinations
                // after `last`: finish with those up to it.
                stop = last;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Dest;
    use super::*;

    // Expected values: tools/sched-ref/ref_wrr, which drives the kernel's
    // ip_vs_wrr.c through the same steps: destinations are added one by
    // one (C's add_dest hook runs dest_changed each time, and links the new
    // destination at the list head), edited (upd_dest) and deleted.

    /// `ipvsadm -a` of each `(id, weight)` in turn on a fresh service.
    fn add_all(s: &mut State, ws: &[(u8, i32)]) -> Vec<Dest> {
        let mut list = Vec::new();
        for &(n, w) in ws {
            list.insert(0, dest(n, w));
            s.dest_changed(&list);
        }
        list
    }

    fn fresh() -> State {
        State::new::<Dest>(&[])
    }

    fn run(s: &mut State, d: &[Dest], n: usize) -> Vec<u64> {
        (0..n).map(|_| raw(s.schedule(d))).collect()
    }

    #[test]
    fn weights_4_3_2() {
        let mut s = fresh();
        let d = add_all(&mut s, &[(1, 4), (2, 3), (3, 2)]);
        assert_eq!(
            run(&mut s, &d, 18),
            [3, 2, 1, 1, 2, 1, 3, 2, 1, 3, 2, 1, 1, 2, 1, 3, 2, 1]
        );
    }

    #[test]
    fn init_on_a_populated_service() {
        // The scheduler of a service with destinations is changed to wrr:
        // init_service sees them all at once, cw starts at the top.
        let d = [dest(3, 2), dest(2, 3), dest(1, 4)];
        let mut s = State::new(&d);
        assert_eq!((s.di, s.mw, s.cw, s.cl), (1, 4, 4, None));
        assert_eq!(
            run(&mut s, &d, 18),
            [1, 2, 1, 3, 2, 1, 3, 2, 1, 1, 2, 1, 3, 2, 1, 3, 2, 1]
        );
        let d = [dest(2, 2), dest(1, 4)];
        let mut s = State::new(&d);
        assert_eq!((s.di, s.mw, s.cw), (2, 3, 3));
        assert_eq!(run(&mut s, &d, 6), [1, 2, 1, 1, 2, 1]);
    }

    #[test]
    fn gcd_step() {
        // Weights 4 and 2: di 2, mw 3; the add of 2 rounded cw to 1.
        let mut s = fresh();
        let d = add_all(&mut s, &[(1, 4), (2, 2)]);
        assert_eq!((s.di, s.mw, s.cw, s.cl), (2, 3, 1, None));
        assert_eq!(run(&mut s, &d, 6), [2, 1, 1, 2, 1, 1]);
    }

    #[test]
    fn no_destinations_and_all_zero() {
        let mut s = fresh();
        assert_eq!(s.schedule::<Dest>(&[]), Err(Miss::Unavailable));
        let d = add_all(&mut s, &[(1, 0), (2, 0)]);
        assert_eq!(s.schedule(&d), Err(Miss::Unavailable));
        assert_eq!((s.di, s.mw, s.cw, s.cl), (1, 0, 0, None));
    }

    #[test]
    fn single_destination() {
        let mut s = fresh();
        let d = add_all(&mut s, &[(1, 3)]);
        assert_eq!(run(&mut s, &d, 4), [1, 1, 1, 1]);
    }

    #[test]
    fn all_overloaded_ends_where_c_does() {
        let mut s = fresh();
        let mut d = add_all(&mut s, &[(1, 4), (2, 3), (3, 2)]);
        assert_eq!(run(&mut s, &d, 2), [3, 2]);
        for x in &mut d {
            x.overloaded = true;
        }
        // From the cursor on 2, C tries everything for weight 1 and stops
        // on 2 itself, leaving the cursor there and cw at 1.
        assert_eq!(s.schedule(&d), Err(Miss::Overloaded));
        assert_eq!((s.di, s.mw, s.cw, s.cl), (1, 4, 1, Some(id(2))));
        // An upd_dest that changes nothing resets the cursor; from the
        // head C gives up at the head, with cw back at the top.
        s.dest_changed(&d);
        assert_eq!(s.schedule(&d), Err(Miss::Overloaded));
        assert_eq!((s.di, s.mw, s.cw, s.cl), (1, 4, 4, None));
        // One back in service is found again.
        d[1].overloaded = false;
        assert_eq!(run(&mut s, &d, 3), [2, 2, 2]);
    }

    #[test]
    fn weight_change_mid_cycle() {
        let mut s = fresh();
        let mut d = add_all(&mut s, &[(1, 4), (2, 3), (3, 2)]);
        assert_eq!(run(&mut s, &d, 4), [3, 2, 1, 1]);
        // ipvsadm -e ... -w 6 on destination 1: upd_dest keeps cw.
        d[2].weight = 6;
        s.dest_changed(&d);
        assert_eq!((s.di, s.mw, s.cw, s.cl), (1, 6, 4, None));
        assert_eq!(run(&mut s, &d, 12), [1, 2, 1, 3, 2, 1, 3, 2, 1, 1, 1, 1]);
        // Weights 6, 3, 2 -> 6, 4, 2: di becomes 2, and a cw not above the
        // new mw 5 is rounded to an odd value, (cw / 2) * 2 + 1.
        d[1].weight = 4;
        s.dest_changed(&d);
        assert_eq!((s.di, s.mw, s.cw), (2, 5, 5));
        assert_eq!(run(&mut s, &d, 8), [1, 2, 1, 3, 2, 1, 1, 2]);
    }

    #[test]
    fn add_and_delete() {
        let mut s = fresh();
        let d = add_all(&mut s, &[(1, 2), (2, 1)]);
        assert_eq!(run(&mut s, &d, 3), [2, 1, 1]);
        // Add 3 with weight 2, at the head of the list.
        let mut d = d;
        d.insert(0, dest(3, 2));
        s.dest_changed(&d);
        assert_eq!(run(&mut s, &d, 6), [3, 1, 3, 2, 1, 3]);
        // Delete 1: the cursor goes back to the head.
        d.retain(|x| x.id != id(1));
        s.dest_changed(&d);
        assert_eq!(run(&mut s, &d, 4), [3, 3, 2, 3]);
    }
}
