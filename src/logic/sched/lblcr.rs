// SPDX-License-Identifier: GPL-2.0

//! Locality-based least-connection scheduling with replication.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lblcr.c`](srctree/net/netfilter/ipvs/ip_vs_lblcr.c)
//!
//! Like lblc, but a destination address maps to a set of servers: the
//! least loaded member serves, a new member joins when that one is
//! overloaded, and the most loaded member leaves once the set has not
//! changed for the `lblcr_expiration` sysctl.

use super::{
    conn_overhead,
    locality::{self, Entry, NoMemory, Store},
    time_after, wlc, Addr, DestId, DestView, Family, Jiffies, Miss, Packet, Pick,
};

/// The members of a destination set, stored by the glue (C's list of
/// `struct ip_vs_dest_set_elem`).
pub(crate) trait Members: Default {
    /// The members, most recently added first (C adds at the list head).
    fn as_slice(&self) -> &[DestId];
    /// Adds a member in front.
    fn push_front(&mut self, id: DestId) -> Result<(), NoMemory>;
    /// Removes a member.
    fn remove(&mut self, id: DestId);
}

/// A destination set: C's `struct ip_vs_dest_set`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Set<M> {
    /// `lastmod`: when a member last joined or left.
    pub(crate) lastmod: Jiffies,
    /// The members.
    pub(crate) members: M,
}

impl<M: Members> Set<M> {
    /// `ip_vs_dest_set_insert()`: adds `id` (unless `check` finds it
    /// already there) and stamps the set. A failed allocation changes
    /// nothing, as in C.
    fn insert(&mut self, id: DestId, check: bool, now: Jiffies) {
        if check && self.members.as_slice().contains(&id) {
            return;
        }
        if self.members.push_front(id).is_ok() {
            self.lastmod = now;
        }
    }

    /// `ip_vs_dest_set_erase()`: removes `id` if present and stamps the set.
    fn erase(&mut self, id: DestId, now: Jiffies) {
        if self.members.as_slice().contains(&id) {
            self.members.remove(id);
            self.lastmod = now;
        }
    }

    /// `ip_vs_dest_set_min()`: the weighted least-connection member among
    /// the available, not overloaded ones; the first candidate must also
    /// have a positive weight.
    fn min<'a, D: DestView + 'a>(
        &self,
        resolve: &impl Fn(DestId) -> Option<&'a D>,
    ) -> Option<&'a D> {
        let mut it = self.members.as_slice().iter().filter_map(|&id| resolve(id));
        let mut least = it.find(|d| !d.overloaded() && d.weight() > 0 && d.available())?;
        let mut loh = conn_overhead(least);
        for d in it {
            if d.overloaded() {
                continue;
            }
            let doh = conn_overhead(d);
            if i64::from(loh) * i64::from(d.weight()) > i64::from(doh) * i64::from(least.weight())
                && d.available()
            {
                least = d;
                loh = doh;
            }
        }
        Some(least)
    }

    /// `ip_vs_dest_set_max()`: the weighted most-connection member of
    /// positive weight. Unlike the minimum, C does not ask whether it is
    /// available or overloaded: a trashed member is a fine one to drop.
    fn max<'a, D: DestView + 'a>(
        &self,
        resolve: &impl Fn(DestId) -> Option<&'a D>,
    ) -> Option<DestId> {
        let mut it = self.members.as_slice().iter().filter_map(|&id| resolve(id));
        let mut most = it.find(|d| d.weight() > 0)?;
        let mut moh = conn_overhead(most);
        for d in it {
            let doh = conn_overhead(d);
            if i64::from(moh) * i64::from(d.weight()) < i64::from(doh) * i64::from(most.weight())
                && d.weight() > 0
            {
                most = d;
                moh = doh;
            }
        }
        Some(most.id())
    }
}

/// Per-service state: the cache bookkeeping; the entries, mapping a
/// destination address to a [`Set`], live in a [`Store`] the glue owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// Counters, limits and the collection cursor.
    table: locality::Table,
}

impl State {
    /// `ip_vs_lblcr_init_svc()`: an empty cache for a kernel with `hz`
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

    /// `ip_vs_lblcr_check_expire()`: see
    /// [`locality::Table::check_expire`]; `expiration` is the
    /// `lblcr_expiration` sysctl.
    pub(crate) fn check_expire<M: Members, S: Store<Value = Set<M>>>(
        &mut self,
        store: &mut S,
        now: Jiffies,
        expiration: i32,
    ) {
        self.table.check_expire(store, now, expiration);
    }

    /// `ip_vs_lblcr_done_svc()`'s flush: see [`locality::Table::flush`].
    pub(crate) fn flush<M: Members, S: Store<Value = Set<M>>>(&mut self, store: &mut S) {
        self.table.flush(store);
    }

    /// `ip_vs_lblcr_schedule()` at time `now`; `expiration` is the
    /// `lblcr_expiration` sysctl.
    ///
    /// `resolve` finds set members by id. C's sets hold references, so a
    /// member that left the service still has its counters; a glue that
    /// can find trashed destinations should, for the choice of which
    /// member to drop. Resolving in `dests` only (see [`super::find`])
    /// makes such members invisible, which only matters for that choice.
    ///
    /// With a cache entry: its least loaded member serves unless it is
    /// overloaded (see [`locality::is_overloaded`]); a set of two or more
    /// that has not changed for `expiration` loses its most loaded member
    /// first (which may be the one about to serve: C still uses it). If no
    /// member fits, wlc picks and joins the set. Without an entry, wlc
    /// picks and a new entry is made; a miss then is [`Miss::Quiet`], as
    /// C only logs it at debug level.
    pub(crate) fn schedule<'a, D, M, S, F>(
        &mut self,
        store: &mut S,
        dests: &'a [D],
        resolve: F,
        pkt: &Packet,
        now: Jiffies,
        expiration: i32,
    ) -> Pick<'a, D>
    where
        D: DestView + 'a,
        M: Members,
        S: Store<Value = Set<M>>,
        F: Fn(DestId) -> Option<&'a D>,
    {
        let daddr = pkt.daddr;
        let bucket = self.table.bucket(&daddr);
        if let Some(en) = store.get_mut(bucket, &daddr) {
            en.lastuse = now;
            let set = &mut en.value;
            let dest = set.min(&resolve);
            // C compares the size with an atomic read, then again under
            // the lock; with the glue's lock held both reads agree.
            if set.members.as_slice().len() > 1
                && time_after(now, set.lastmod.wrapping_add(expiration as Jiffies))
            {
                if let Some(m) = set.max(&resolve) {
                    set.erase(m, now);
                }
            }
            if let Some(d) = dest.filter(|d| !locality::is_overloaded(*d, dests)) {
                return Ok(d);
            }
            let d = wlc::schedule(dests)?;
            if !self.table.is_dead() {
                set.insert(d.id(), true, now);
            }
            return Ok(d);
        }

        let d = wlc::schedule(dests).map_err(|_| Miss::Quiet)?;
        if !self.table.is_dead() {
            self.new_entry(store, bucket, &daddr, d.id(), now);
        }
        Ok(d)
    }

    /// `ip_vs_lblcr_new()` for an address without an entry: a new entry
    /// whose set holds `dest`. If the member cannot be stored the entry is
    /// still made, empty, as in C.
    fn new_entry<M: Members, S: Store<Value = Set<M>>>(
        &mut self,
        store: &mut S,
        bucket: usize,
        daddr: &Addr,
        dest: DestId,
        now: Jiffies,
    ) {
        if self.table.full() {
            return;
        }
        // C leaves `lastmod` unset when the member is not stored; we start
        // it at `now`.
        let mut set = Set {
            lastmod: now,
            members: M::default(),
        };
        set.insert(dest, false, now);
        let entry = Entry {
            addr: *daddr,
            lastuse: now,
            value: set,
        };
        self.table.insert(store, bucket, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::super::locality::test_store::VecStore;
    use super::super::test_util::*;
    use super::super::{find, Dest};
    use super::*;

    const HZ: u32 = 100;

    /// Members in a vector, newest first.
    #[derive(Default, Debug, Clone, PartialEq, Eq)]
    struct VecMembers(Vec<DestId>);

    impl Members for VecMembers {
        fn as_slice(&self) -> &[DestId] {
            &self.0
        }
        fn push_front(&mut self, id: DestId) -> Result<(), NoMemory> {
            self.0.insert(0, id);
            Ok(())
        }
        fn remove(&mut self, id: DestId) {
            self.0.retain(|&x| x != id);
        }
    }

    type Tbl = VecStore<Set<VecMembers>>;

    fn to(daddr: [u8; 4]) -> Packet {
        Packet {
            saddr: Addr::v4([192, 0, 2, 1]),
            daddr: Addr::v4(daddr),
            ports: [1234, 80],
            inverse: false,
        }
    }

    fn members(s: &Tbl, daddr: [u8; 4]) -> Vec<u64> {
        s.find(&Addr::v4(daddr))
            .map(|e| e.value.members.0.iter().map(|x| x.get()).collect())
            .unwrap_or_default()
    }

    fn lastmod(s: &Tbl, daddr: [u8; 4]) -> Jiffies {
        s.find(&Addr::v4(daddr)).map_or(0, |e| e.value.lastmod)
    }

    fn go(st: &mut State, s: &mut Tbl, d: &[Dest], daddr: [u8; 4], now: Jiffies) -> u64 {
        raw(st.schedule(s, d, |x| find(d, x), &to(daddr), now, 1000))
    }

    // Expected values: tools/sched-ref/ref_lblcr, which runs the kernel's
    // ip_vs_lblcr.c (HZ 100, lblcr_expiration 1000 jiffies) through the
    // same steps; list newest first.

    #[test]
    fn set_grows_when_its_best_is_overloaded() {
        let mut d = [loaded(3, 2, 0, 0), loaded(2, 4, 0, 0), loaded(1, 4, 0, 0)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = Tbl::new();
        let a = [10, 1, 0, 1];
        assert_eq!(go(&mut st, &mut s, &d, a, 10), 3);
        assert_eq!(members(&s, a), [3]);
        d[0].activeconns = 3;
        d[0].totalconns = 3;
        // 3 is over its weight and 2, 1 are idle: wlc picks 2, which joins.
        assert_eq!(go(&mut st, &mut s, &d, a, 20), 2);
        assert_eq!(members(&s, a), [2, 3]);
        assert_eq!(lastmod(&s, a), 20);
        // Now the set's least loaded is 2.
        assert_eq!(go(&mut st, &mut s, &d, a, 30), 2);
        assert_eq!(lastmod(&s, a), 20);
    }

    #[test]
    fn stale_set_drops_its_most_loaded() {
        let mut d = [loaded(3, 2, 0, 0), loaded(2, 4, 0, 0), loaded(1, 4, 0, 0)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = Tbl::new();
        let a = [10, 1, 0, 1];
        assert_eq!(go(&mut st, &mut s, &d, a, 10), 3);
        d[0].activeconns = 3;
        d[0].totalconns = 3;
        assert_eq!(go(&mut st, &mut s, &d, a, 20), 2);
        // lastmod 20 + 1000 is not before 1020: kept.
        assert_eq!(go(&mut st, &mut s, &d, a, 1020), 2);
        assert_eq!(members(&s, a), [2, 3]);
        // At 1021 the most loaded (3) goes.
        assert_eq!(go(&mut st, &mut s, &d, a, 1021), 2);
        assert_eq!(members(&s, a), [2]);
        assert_eq!(lastmod(&s, a), 1021);
    }

    // In the next two tests ref_lblcr builds the starting set by
    // scheduling with overload flags set (the same members, order and
    // times); here the entry is stored directly.

    #[test]
    fn dropped_member_may_still_serve_once() {
        // Set {1, 2}; 2 is the least loaded but also, weighted, the most:
        // equal loads make min keep the first and max keep the first, so
        // here both pick 2 (the newest) and C returns it after erasing it.
        let d = [loaded(2, 1, 1, 1), loaded(1, 1, 1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = Tbl::new();
        let a = [10, 1, 0, 7];
        let e = Entry {
            addr: Addr::v4(a),
            lastuse: 0,
            value: Set {
                lastmod: 0,
                members: VecMembers(vec![id(2), id(1)]),
            },
        };
        let b = st.table().bucket(&e.addr);
        st.table_mut().insert(&mut s, b, e);
        assert_eq!(go(&mut st, &mut s, &d, a, 5000), 2);
        assert_eq!(members(&s, a), [1]);
    }

    #[test]
    fn trashed_member_counts_for_max_only() {
        // Member 9 has left the service but the glue still resolves it
        // (unavailable): never the minimum, yet the one dropped.
        let d = [loaded(2, 1, 1, 1), loaded(1, 1, 0, 0)];
        let mut gone = loaded(9, 1, 50, 50);
        gone.available = false;
        let all = [d[0], d[1], gone];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = Tbl::new();
        let a = [10, 1, 0, 8];
        let e = Entry {
            addr: Addr::v4(a),
            lastuse: 0,
            value: Set {
                lastmod: 0,
                members: VecMembers(vec![id(9), id(2)]),
            },
        };
        let b = st.table().bucket(&e.addr);
        st.table_mut().insert(&mut s, b, e);
        let pick = st.schedule(&mut s, &d, |x| find(&all, x), &to(a), 5000, 1000);
        assert_eq!(raw(pick), 2);
        assert_eq!(members(&s, a), [2]);
    }

    #[test]
    fn misses() {
        let mut st = State::new(Family::Inet, HZ);
        let mut s = Tbl::new();
        let none: [Dest; 0] = [];
        assert_eq!(
            st.schedule(
                &mut s,
                &none,
                |x| find(&none, x),
                &to([1, 1, 1, 1]),
                0,
                1000
            ),
            Err(Miss::Quiet)
        );
        // With an entry, a miss is a scheduler error.
        let mut d = [dest(1, 1)];
        assert_eq!(go(&mut st, &mut s, &d, [1, 1, 1, 1], 0), 1);
        d[0].overloaded = true;
        assert_eq!(
            st.schedule(&mut s, &d, |x| find(&d, x), &to([1, 1, 1, 1]), 1, 1000),
            Err(Miss::Unavailable)
        );
    }

    #[test]
    fn expiry_against_c() {
        let d = [dest(2, 1), dest(1, 1)];
        let mut st = State::new(Family::Inet, HZ);
        let mut s = Tbl::new();
        assert_eq!(go(&mut st, &mut s, &d, [10, 1, 0, 1], 100), 2);
        assert_eq!(go(&mut st, &mut s, &d, [10, 1, 0, 2], 5000), 2);
        for _ in 0..29 {
            st.check_expire(&mut s, 7000, 3000);
        }
        assert_eq!(st.table().entries(), 2);
        st.check_expire(&mut s, 7000, 3000);
        assert_eq!(st.table().entries(), 1);
        assert_eq!(members(&s, [10, 1, 0, 2]), [2]);
    }
}
