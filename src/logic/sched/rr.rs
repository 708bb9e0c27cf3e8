// SPDX-License-Identifier: GPL-2.0

//! Round-robin scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_rr.c`](srctree/net/netfilter/ipvs/ip_vs_rr.c)

use super::{DestId, DestView, Miss, Pick};

/// Per-service state: C's `svc->sched_data`, a cursor into the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct State {
    /// The destination picked last, or `None` for the list head, where C's
    /// cursor starts (`ip_vs_rr_init_svc()`).
    cursor: Option<DestId>,
}

impl State {
    /// `ip_vs_rr_init_svc()`: the cursor at the list head.
    pub(crate) const fn new() -> Self {
        Self { cursor: None }
    }

    /// The destination picked last, `None` while at the list head.
    pub(crate) const fn cursor(&self) -> Option<DestId> {
        self.cursor
    }

    /// `ip_vs_rr_del_dest()`: `removed` has left the list; `prev` is the
    /// destination that preceded it there (`None` if it was first).
    ///
    /// When the cursor is on the removed destination C moves it back to the
    /// previous entry (or the head), so the next pick is the destination
    /// that followed the removed one.
    pub(crate) fn del_dest(&mut self, removed: DestId, prev: Option<DestId>) {
        if self.cursor == Some(removed) {
            self.cursor = prev;
        }
    }

    /// `ip_vs_rr_schedule()`: the next destination after the cursor, in
    /// list order and wrapping around, that is not overloaded and has a
    /// positive weight.
    ///
    /// From the head one pass is enough; from a destination, C's second
    /// pass goes up to and including the cursor itself, so a lone usable
    /// destination is picked again. On a miss the cursor stays. A cursor
    /// that is not in `dests` (the glue forgot [`Self::del_dest`]) counts
    /// as the head.
    pub(crate) fn schedule<'a, D: DestView>(&mut self, dests: &'a [D]) -> Pick<'a, D> {
        let start = self
            .cursor
            .and_then(|id| dests.iter().position(|d| d.id() == id));
        let (after, upto) = match start {
            None => (dests, &dests[..0]),
            Some(k) => (&dests[k + 1..], &dests[..=k]),
        };
        let hit = after
            .iter()
            .chain(upto)
            .find(|d| !d.overloaded() && d.weight() > 0)
            .ok_or(Miss::Unavailable)?;
        self.cursor = Some(hit.id());
        Ok(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Dest;
    use super::*;

    // Expected sequences: tools/sched-ref/ref_rr, which drives the kernel's
    // ip_vs_rr.c through the same adds, edits and deletions (dests are
    // added at the list head there, so the slices below list the newest
    // first).

    fn run(s: &mut State, d: &[Dest], n: usize) -> [u64; 8] {
        let mut out = [0; 8];
        for o in out.iter_mut().take(n) {
            *o = raw(s.schedule(d));
        }
        out
    }

    #[test]
    fn cycles_in_list_order() {
        // Added 1, 2, 3: the list is 3, 2, 1.
        let d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let mut s = State::new();
        assert_eq!(run(&mut s, &d, 7), [3, 2, 1, 3, 2, 1, 3, 0]);
        assert_eq!(s.cursor(), Some(id(3)));
    }

    #[test]
    fn skips_zero_weight_and_overloaded() {
        let mut d = [dest(3, 1), dest(2, 0), dest(1, 1)];
        let mut s = State::new();
        assert_eq!(run(&mut s, &d, 3), [3, 1, 3, 0, 0, 0, 0, 0]);
        d[0].overloaded = true;
        assert_eq!(run(&mut s, &d, 2), [1, 1, 0, 0, 0, 0, 0, 0]);
        d[2].overloaded = true;
        assert_eq!(s.schedule(&d), Err(Miss::Unavailable));
        // The cursor stays where it was on a miss.
        assert_eq!(s.cursor(), Some(id(1)));
    }

    #[test]
    fn empty_and_single() {
        let mut s = State::new();
        assert_eq!(s.schedule::<Dest>(&[]), Err(Miss::Unavailable));
        let d = [dest(1, 5)];
        assert_eq!(run(&mut s, &d, 3), [1, 1, 1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn removing_the_cursor_dest_continues_after_it() {
        let d = [dest(4, 1), dest(3, 1), dest(2, 1), dest(1, 1)];
        let mut s = State::new();
        assert_eq!(run(&mut s, &d, 2), [4, 3, 0, 0, 0, 0, 0, 0]);
        // Delete 3 while the cursor is on it: C moves it back to 4.
        s.del_dest(id(3), Some(id(4)));
        assert_eq!(s.cursor(), Some(id(4)));
        let d = [dest(4, 1), dest(2, 1), dest(1, 1)];
        assert_eq!(run(&mut s, &d, 4), [2, 1, 4, 2, 0, 0, 0, 0]);
        // Delete the first entry while the cursor is on it: to the head.
        let mut s = State::new();
        assert_eq!(raw(s.schedule(&d)), 4);
        s.del_dest(id(4), None);
        assert_eq!(s.cursor(), None);
        let d = [dest(2, 1), dest(1, 1)];
        assert_eq!(run(&mut s, &d, 3), [2, 1, 2, 0, 0, 0, 0, 0]);
        // Deleting another destination leaves the cursor alone.
        s.del_dest(id(1), Some(id(2)));
        assert_eq!(s.cursor(), Some(id(2)));
    }

    #[test]
    fn a_new_dest_goes_first_in_the_cycle() {
        let d = [dest(2, 1), dest(1, 1)];
        let mut s = State::new();
        assert_eq!(run(&mut s, &d, 1), [2, 0, 0, 0, 0, 0, 0, 0]);
        // Add 3: list 3, 2, 1 with the cursor still on 2.
        let d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        assert_eq!(run(&mut s, &d, 4), [1, 3, 2, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn weight_changes_take_effect_at_once() {
        let mut d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let mut s = State::new();
        assert_eq!(run(&mut s, &d, 1), [3, 0, 0, 0, 0, 0, 0, 0]);
        d[1].weight = 0;
        assert_eq!(run(&mut s, &d, 3), [1, 3, 1, 0, 0, 0, 0, 0]);
        d[1].weight = 7;
        assert_eq!(run(&mut s, &d, 2), [3, 2, 0, 0, 0, 0, 0, 0]);
    }
}
