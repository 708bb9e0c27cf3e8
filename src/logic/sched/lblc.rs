// SPDX-License-Identifier: GPL-2.0

//! Locality-based least-connection scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lblc.c`](srctree/net/netfilter/ipvs/ip_vs_lblc.c)
//!
//! Traffic for one destination address (a web cache cluster's origin,
//! typically) sticks to one server, remembered in a cache entry, until that
//! server is overloaded while another one is less than half busy; then
//! weighted least-connection picks a new one.

use super::{
    find,
    locality::{self, Entry, Store},
    wlc, DestId, DestView, Family, Jiffies, Packet, Pick,
};

/// Per-service state: the cache bookkeeping; the entries, mapping a
/// destination address to a [`DestId`], live in a [`Store`] the glue
/// owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// Counters, limits and the collection cursor.
    table: locality::Table,
}

impl State {
    /// `ip_vs_lblc_init_svc()`: an empty cache for a kernel with `hz`
    /// jiffies per second. The glue arms a timer for
    /// [`locality::check_expire_interval`] that calls
    /// [`Self::check_expire`].
    pub(crate) const fn new(af: Family, hz: u32) -> Self {
        Self {
            table: locality::Table::new(af, hz),
        }
    }

    /// The cache bookkeeping.
    pub(crate) const fn table(&self) -> &locality::Table {
        &self.table
    }

    /// Mutable cache bookkeeping, for tests that lower the limits.
    #[cfg(test)]
    pub(crate) fn table_mut(&mut self) -> &mut locality::Table {
        &mut self.table
    }

    /// `ip_vs_lblc_check_expire()`: see [`locality::Table::check_expire`];
    /// `expiration` is the `lblc_expiration` sysctl.
    pub(crate) fn check_expire<S: Store<Value = DestId>>(
        &mut self,
        store: &mut S,
        now: Jiffies,
        expiration: i32,
    ) {
        self.table.check_expire(store, now, expiration);
    }

    /// `ip_vs_lblc_done_svc()`'s flush: see [`locality::Table::flush`].
    pub(crate) fn flush<S: Store<Value = DestId>>(&mut self, store: &mut S) {
        self.table.flush(store);
    }

    /// `ip_vs_lblc_schedule()` at time `now`.
    ///
    /// The cached destination for the packet's destination address is kept
    /// if it is available, has a positive weight and is not overloaded
    /// (see [`locality::is_overloaded`]); a cached destination that has
    /// left the list counts as unavailable, like C's trashed one. Looking
    /// an entry up refreshes its `lastuse` even if it is then replaced.
    /// Otherwise wlc picks, and the cache entry is made or repointed; if
    /// the cache is full or out of memory the pick is still used.
    pub(crate) fn schedule<'a, D: DestView, S: Store<Value = DestId>>(
        &mut self,
        store: &mut S,
        dests: &'a [D],
        pkt: &Packet,
        now: Jiffies,
    ) -> Pick<'a, D> {
        let daddr = pkt.daddr;
        let bucket = self.table.bucket(&daddr);
        if let Some(en) = store.get_mut(bucket, &daddr) {
            en.lastuse = now;
            let cached = find(dests, en.value);
            if let Some(d) = cached
                .filter(|d| d.available() && d.weight() > 0 && !locality::is_overloaded(*d, dests))
            {
                return Ok(d);
            }
        }
        let dest = wlc::schedule(dests)?;
        if !self.table.is_dead() {
            self.new_entry(store, bucket, &daddr, dest.id(), now);
        }
        Ok(dest)
    }

    /// `ip_vs_lblc_new()`: point the entry for `daddr` at `dest`, replacing
    /// an entry for another destination by a fresh one.
    fn new_entry<S: Store<Value = DestId>>(
        &mut self,
        store: &mut S,
        bucket: usize,
        daddr: &super::Addr,
        dest: DestId,
        now: Jiffies,
    ) {
        if let Some(en) = store.get_mut(bucket, daddr) {
            if en.value == dest {
                return;
            }
            self.table.remove(store, bucket, daddr);
        }
        let entry = Entry {
            addr: *daddr,
            lastuse: now,
            value: dest,
        };
        self.table.insert(store, bucket, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::super::locality::test_store::VecStore;
    use super::super::test_util::*;
    use super::super::{Addr, Dest, Miss};
    use super::*;

    const HZ: u32 = 100;

    fn to(daddr: [u8; 4]) -> Packet {
        Packet {
            saddr: Addr::v4([192, 0, 2, 1]),
            daddr: Addr::v4(daddr),
            ports: [1234, 80],
            inverse: false,
        }
    }

    fn cached(s: &VecStore<DestId>, daddr: [u8; 4]) -> Option<(u64, Jiffies)> {
        s.find(&Addr::v4(daddr)).map(|e| (e.value.get(), e.lastuse))
    }

    // Expected values: tools/sched-ref/ref_lblc, which runs the kernel's
    // ip_vs_lblc.c (HZ 100) through the same steps; list newest first.

    #[test]
    fn sticks_to_the_cached_dest() {
        let mut d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 1, 0, 1]), 10)), 3);
        assert_eq!(cached(&s, [10, 1, 0, 1]), Some((3, 10)));
        // The glue counts the connection; wlc now prefers 2, but the cache
        // holds.
        d[0].activeconns = 1;
        d[0].totalconns = 1;
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 1, 0, 1]), 20)), 3);
        assert_eq!(cached(&s, [10, 1, 0, 1]), Some((3, 20)));
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 1, 0, 2]), 30)), 2);
        assert_eq!(st.table().entries(), 2);
        // The buckets C's table put them in.
        assert_eq!(st.table().bucket(&Addr::v4([10, 1, 0, 1])), 696);
        assert_eq!(st.table().bucket(&Addr::v4([10, 1, 0, 2])), 63);
        assert_eq!(cached(&s, [10, 1, 0, 2]), Some((2, 30)));
    }

    #[test]
    fn overloaded_cache_moves_only_if_someone_is_idle_enough() {
        let mut d = [loaded(3, 2, 3, 3), loaded(2, 4, 2, 2), loaded(1, 4, 3, 3)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        let p = to([10, 1, 0, 1]);
        let e = Entry {
            addr: p.daddr,
            lastuse: 0,
            value: id(3),
        };
        let b = st.table().bucket(&p.daddr);
        st.table_mut().insert(&mut s, b, e);
        // C reaches this entry by scheduling once with no connections.
        // 3 has 3 active > weight 2, but nobody is below half: stay.
        assert_eq!(raw(st.schedule(&mut s, &d, &p, 5)), 3);
        // 1 drops to 1 active of 4: 3 counts as overloaded, wlc picks.
        d[2].activeconns = 1;
        d[2].totalconns = 1;
        assert_eq!(raw(st.schedule(&mut s, &d, &p, 6)), 1);
        assert_eq!(cached(&s, [10, 1, 0, 1]), Some((1, 6)));
        assert_eq!(st.table().entries(), 1);
    }

    #[test]
    fn cached_dest_gone_or_quiesced() {
        let mut d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        let p = to([10, 1, 0, 1]);
        assert_eq!(raw(st.schedule(&mut s, &d, &p, 1)), 3);
        d[0].weight = 0;
        assert_eq!(raw(st.schedule(&mut s, &d, &p, 2)), 2);
        // 2 leaves the service (in the trash C clears CF_AVAILABLE).
        let d2 = [d[0], d[2]];
        assert_eq!(raw(st.schedule(&mut s, &d2, &p, 3)), 1);
        assert_eq!(cached(&s, [10, 1, 0, 1]), Some((1, 3)));
    }

    #[test]
    fn no_destination() {
        let mut st = State::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        assert_eq!(
            st.schedule::<Dest, _>(&mut s, &[], &to([1, 2, 3, 4]), 0),
            Err(Miss::Unavailable)
        );
        let mut d = [dest(1, 1)];
        d[0].overloaded = true;
        assert_eq!(
            st.schedule(&mut s, &d, &to([1, 2, 3, 4]), 0),
            Err(Miss::Unavailable)
        );
        assert_eq!(st.table().entries(), 0);
    }

    #[test]
    fn full_cache_or_no_memory_still_schedules() {
        let d = [dest(2, 1), dest(1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        st.table_mut().set_max_size(2);
        let mut s = VecStore::new();
        for i in 0..5 {
            assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 2, 0, i]), 0)), 2);
        }
        // The limit is 2 * 3 / 2: the first three addresses are cached.
        assert_eq!(st.table().entries(), 3);
        for i in 0..3 {
            assert_eq!(cached(&s, [10, 2, 0, i]), Some((2, 0)));
        }
        s.fail = true;
        let mut st = State::new(Family::Inet, HZ);
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 3, 0, 1]), 0)), 2);
        assert_eq!(st.table().entries(), 0);
    }

    // Traced by hand (C frees the table right after the flush, so the
    // harness cannot schedule on a dead one).
    #[test]
    fn dead_table_makes_no_entries() {
        let d = [dest(1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        st.flush(&mut s);
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 1, 0, 1]), 0)), 1);
        assert_eq!(s.all().count(), 0);
    }

    #[test]
    fn expiry_against_c() {
        // Two entries used at 100 and 5000; the 30th timer run is a full
        // check, which with lblc_expiration 3000 at 7000 drops the first.
        let d = [dest(2, 1), dest(1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 1, 0, 1]), 100)), 2);
        assert_eq!(raw(st.schedule(&mut s, &d, &to([10, 1, 0, 2]), 5000)), 2);
        for _ in 0..29 {
            st.check_expire(&mut s, 7000, 3000);
        }
        assert_eq!(st.table().entries(), 2);
        st.check_expire(&mut s, 7000, 3000);
        assert_eq!(st.table().entries(), 1);
        assert_eq!(cached(&s, [10, 1, 0, 2]), Some((2, 5000)));
    }
}
