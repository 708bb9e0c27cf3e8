// SPDX-License-Identifier: GPL-2.0

//! The cache table lblc and lblcr share: address to destination(s), with
//! garbage collection.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lblc.c`](srctree/net/netfilter/ipvs/ip_vs_lblc.c)
//! and [`net/netfilter/ipvs/ip_vs_lblcr.c`](srctree/net/netfilter/ipvs/ip_vs_lblcr.c),
//! which carry identical copies of this logic.
//!
//! The entries themselves live in storage the glue owns (they are
//! allocated one by one as traffic arrives, up to 24576 per service), seen
//! through [`Store`]. This file holds the rules: when an entry is made,
//! refused, or collected.

use super::{hash::hash_32, time_before, Addr, DestView, Family, Jiffies};

/// `CONFIG_IP_VS_LBLC_TAB_BITS` / `CONFIG_IP_VS_LBLCR_TAB_BITS`: C has no
/// Kconfig knob for them, so always 10.
pub(crate) const TAB_BITS: u32 = 10;
/// The number of buckets: 1024.
pub(crate) const TAB_SIZE: usize = 1 << TAB_BITS;
/// `IP_VS_LBLC_TAB_MASK`.
const TAB_MASK: usize = TAB_SIZE - 1;
/// `max_size`: above this many entries the periodic check collects the
/// idle ones.
pub(crate) const MAX_SIZE: i32 = (TAB_SIZE as i32) * 16;
/// `COUNT_FOR_FULL_EXPIRATION`: every 30th check is a full one, which
/// collects entries unused for the `lblc(r)_expiration` sysctl.
const COUNT_FOR_FULL_EXPIRATION: i32 = 30;

/// `CHECK_EXPIRE_INTERVAL`: the glue runs [`Table::check_expire`] this
/// often (60 seconds).
pub(crate) const fn check_expire_interval(hz: u32) -> Jiffies {
    60 * hz as Jiffies
}

/// `ENTRY_TIMEOUT`: over [`MAX_SIZE`], entries idle this long (6 minutes)
/// are collected.
pub(crate) const fn entry_timeout(hz: u32) -> Jiffies {
    6 * 60 * hz as Jiffies
}

/// `ip_vs_lblc_hashkey()` / `ip_vs_lblcr_hashkey()`: the bucket of an
/// address.
pub(crate) fn hashkey(af: Family, addr: &Addr) -> usize {
    // TAB_BITS bits: below TAB_SIZE.
    hash_32(addr.fold(af), TAB_BITS) as usize
}

/// `en->lastuse + expiration` as C computes it: the `int` is converted to
/// `unsigned long` (sign-extended) and the sum wraps.
fn add_jiffies(t: Jiffies, d: i32) -> Jiffies {
    t.wrapping_add(d as Jiffies)
}

/// One cache entry: C's `struct ip_vs_lblc_entry` / `ip_vs_lblcr_entry`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry<V> {
    /// The destination address of the traffic this entry is for.
    pub(crate) addr: Addr,
    /// `lastuse`: when the entry was last looked up.
    pub(crate) lastuse: Jiffies,
    /// The destination (lblc) or destination set (lblcr).
    pub(crate) value: V,
}

/// The storage is out of memory; C's `GFP_ATOMIC` allocation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NoMemory;

/// Storage for the entries, owned by the glue: a hash table of
/// [`TAB_SIZE`] buckets. Every call names the bucket, computed by
/// [`hashkey`], so the glue need not hash; addresses are unique in it.
pub(crate) trait Store {
    /// What an entry maps its address to.
    type Value;

    /// The entry for `addr` in bucket `bucket`, if any.
    fn get_mut(&mut self, bucket: usize, addr: &Addr) -> Option<&mut Entry<Self::Value>>;

    /// Adds an entry for an address not in the table yet.
    fn insert(&mut self, bucket: usize, entry: Entry<Self::Value>) -> Result<(), NoMemory>;

    /// Removes the entry for `addr` from bucket `bucket`, if any.
    fn remove(&mut self, bucket: usize, addr: &Addr);

    /// Removes the entries of bucket `bucket` for which `expired` is true,
    /// and returns how many went.
    fn remove_if(
        &mut self,
        bucket: usize,
        expired: impl FnMut(&Entry<Self::Value>) -> bool,
    ) -> usize;
}

/// The bookkeeping of a cache: C's `struct ip_vs_lblc_table` without its
/// buckets and timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Table {
    /// `svc->af`, by which addresses are hashed.
    af: Family,
    /// `entries`: how many entries the store holds.
    entries: i32,
    /// `max_size`.
    max_size: i32,
    /// `rover`: the bucket where the last partial collection stopped.
    rover: usize,
    /// `counter`: checks since the last full collection.
    counter: i32,
    /// `dead`: the service is going away; make no new entries.
    dead: bool,
    /// `ENTRY_TIMEOUT` for the kernel's `HZ`.
    entry_timeout: Jiffies,
}

impl Table {
    /// `ip_vs_lblc_init_svc()`: an empty table for a kernel with `hz`
    /// jiffies per second.
    pub(crate) const fn new(af: Family, hz: u32) -> Self {
        Self {
            af,
            entries: 0,
            max_size: MAX_SIZE,
            rover: 0,
            counter: 1,
            dead: false,
            entry_timeout: entry_timeout(hz),
        }
    }

    /// How many entries the store holds.
    pub(crate) const fn entries(&self) -> i32 {
        self.entries
    }

    /// Whether [`Self::flush`] has run.
    pub(crate) const fn is_dead(&self) -> bool {
        self.dead
    }

    /// The bucket of `addr`.
    pub(crate) fn bucket(&self, addr: &Addr) -> usize {
        hashkey(self.af, addr)
    }

    /// Lowers `max_size`, so tests can reach it with few entries.
    #[cfg(test)]
    pub(crate) fn set_max_size(&mut self, max_size: i32) {
        self.max_size = max_size;
    }

    /// Whether a new entry would exceed the hard limit of one and a half
    /// times `max_size`, past which C stops caching.
    pub(crate) const fn full(&self) -> bool {
        self.entries >= self.max_size * 3 / 2
    }

    /// Adds `entry` unless the table is full; counts it if the store
    /// took it.
    pub(crate) fn insert<S: Store>(
        &mut self,
        store: &mut S,
        bucket: usize,
        entry: Entry<S::Value>,
    ) {
        if self.full() {
            return;
        }
        if store.insert(bucket, entry).is_ok() {
            self.entries += 1;
        }
    }

    /// Removes the entry for `addr` and uncounts it.
    pub(crate) fn remove<S: Store>(&mut self, store: &mut S, bucket: usize, addr: &Addr) {
        store.remove(bucket, addr);
        self.entries -= 1;
    }

    /// `ip_vs_lblc_flush()`: drops every entry and stops new ones, when the
    /// service lets go of the scheduler.
    pub(crate) fn flush<S: Store>(&mut self, store: &mut S) {
        self.dead = true;
        for b in 0..TAB_SIZE {
            let n = store.remove_if(b, |_| true);
            self.entries = self.entries.wrapping_sub(count(n));
        }
    }

    /// `ip_vs_lblc_check_expire()`: the periodic collection, run every
    /// [`check_expire_interval`]; `expiration` is the
    /// `lblc_expiration`/`lblcr_expiration` sysctl in jiffies.
    ///
    /// Every 30th run is a full check, which drops entries idle for
    /// `expiration`. Otherwise, only when there are more than `max_size`
    /// entries, it drops entries idle for [`entry_timeout`], bucket by
    /// bucket from where it stopped last time, until a third more than
    /// the excess (at most half of `max_size`) is gone.
    pub(crate) fn check_expire<S: Store>(&mut self, store: &mut S, now: Jiffies, expiration: i32) {
        if self.counter % COUNT_FOR_FULL_EXPIRATION == 0 {
            self.full_check(store, now, expiration);
            self.counter = 1;
            return;
        }
        if self.entries <= self.max_size {
            self.counter += 1;
            return;
        }
        let goal = ((self.entries - self.max_size) * 4 / 3).min(self.max_size / 2);
        let timeout = self.entry_timeout;
        let mut goal = goal;
        let mut j = self.rover;
        for _ in 0..TAB_SIZE {
            j = (j + 1) & TAB_MASK;
            let n =
                count(store.remove_if(j, |e| !time_before(now, e.lastuse.wrapping_add(timeout))));
            self.entries -= n;
            goal -= n;
            if goal <= 0 {
                break;
            }
        }
        self.rover = j;
    }

    /// `ip_vs_lblc_full_check()`: drops every entry idle for `expiration`,
    /// going once round from the rover (which ends where it began).
    fn full_check<S: Store>(&mut self, store: &mut S, now: Jiffies, expiration: i32) {
        let mut j = self.rover;
        for _ in 0..TAB_SIZE {
            j = (j + 1) & TAB_MASK;
            let n = store.remove_if(j, |e| !time_before(now, add_jiffies(e.lastuse, expiration)));
            self.entries -= count(n);
        }
        self.rover = j;
    }
}

/// A count from the store as C's `int` counter; a bucket never holds more
/// than `i32::MAX` entries, so the saturation is only for form.
fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// lblc's and lblcr's `is_overloaded()`: `dest` has more active
/// connections than its weight while some destination of the service is
/// below half of its own. C multiplies in `int`, which wraps.
pub(crate) fn is_overloaded<D: DestView>(dest: &D, dests: &[D]) -> bool {
    dest.activeconns() > dest.weight()
        && dests
            .iter()
            .any(|d| d.activeconns().wrapping_mul(2) < d.weight())
}

/// A simple [`Store`] for the tests of lblc and lblcr.
#[cfg(test)]
pub(crate) mod test_store {
    use super::*;

    /// Buckets as vectors, newest entry first like C's `hlist_add_head`.
    pub(crate) struct VecStore<V> {
        /// The buckets.
        pub(crate) buckets: Vec<Vec<Entry<V>>>,
        /// When set, inserts fail as if memory were short.
        pub(crate) fail: bool,
    }

    impl<V> VecStore<V> {
        /// An empty store.
        pub(crate) fn new() -> Self {
            Self {
                buckets: (0..TAB_SIZE).map(|_| Vec::new()).collect(),
                fail: false,
            }
        }

        /// All entries, bucket by bucket.
        pub(crate) fn all(&self) -> impl Iterator<Item = (usize, &Entry<V>)> {
            self.buckets
                .iter()
                .enumerate()
                .flat_map(|(b, v)| v.iter().map(move |e| (b, e)))
        }

        /// The entry for `addr`, wherever it is.
        pub(crate) fn find(&self, addr: &Addr) -> Option<&Entry<V>> {
            self.all().map(|(_, e)| e).find(|e| e.addr == *addr)
        }
    }

    impl<V> Store for VecStore<V> {
        type Value = V;

        fn get_mut(&mut self, bucket: usize, addr: &Addr) -> Option<&mut Entry<V>> {
            self.buckets[bucket].iter_mut().find(|e| e.addr == *addr)
        }

        fn insert(&mut self, bucket: usize, entry: Entry<V>) -> Result<(), NoMemory> {
            if self.fail {
                return Err(NoMemory);
            }
            self.buckets[bucket].insert(0, entry);
            Ok(())
        }

        fn remove(&mut self, bucket: usize, addr: &Addr) {
            self.buckets[bucket].retain(|e| e.addr != *addr);
        }

        fn remove_if(
            &mut self,
            bucket: usize,
            mut expired: impl FnMut(&Entry<V>) -> bool,
        ) -> usize {
            let before = self.buckets[bucket].len();
            self.buckets[bucket].retain(|e| !expired(e));
            before - self.buckets[bucket].len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::test_store::VecStore;
    use super::*;

    const HZ: u32 = 100;

    fn entry(n: u8, lastuse: Jiffies) -> Entry<u8> {
        Entry {
            addr: Addr::v4([10, 9, 0, n]),
            lastuse,
            value: n,
        }
    }

    fn fill(t: &mut Table, s: &mut VecStore<u8>, n: u8, lastuse: Jiffies) {
        for i in 0..n {
            let e = entry(i, lastuse);
            let b = t.bucket(&e.addr);
            t.insert(s, b, e);
        }
    }

    #[test]
    fn constants_match_c() {
        // C: 60*HZ, 6*60*HZ, IP_VS_LBLC_TAB_SIZE*16. (DEFAULT_EXPIRATION
        // is the core's: `crate::logic::sysctl::SCHED_VARS`.)
        assert_eq!(check_expire_interval(HZ), 6000);
        assert_eq!(entry_timeout(HZ), 36000);
        assert_eq!(MAX_SIZE, 16384);
        // hash_32(0x0a000001, 10), from tools/sched-ref/hash_ref.
        assert_eq!(hashkey(Family::Inet, &Addr::v4([10, 0, 0, 1])), 0x9f);
    }

    // The table tests below are traced by hand from ip_vs_lblc.c; the
    // same rules run against the C in lblc.rs and lblcr.rs.

    #[test]
    fn hard_limit_is_one_and_a_half_max() {
        let mut t = Table::new(Family::Inet, HZ);
        t.set_max_size(4);
        let mut s = VecStore::new();
        fill(&mut t, &mut s, 10, 0);
        assert_eq!(t.entries(), 6);
        assert_eq!(s.all().count(), 6);
        // A failed allocation is not counted.
        let mut t = Table::new(Family::Inet, HZ);
        s = VecStore::new();
        s.fail = true;
        fill(&mut t, &mut s, 1, 0);
        assert_eq!(t.entries(), 0);
    }

    #[test]
    fn partial_check_only_over_max_size() {
        let mut t = Table::new(Family::Inet, HZ);
        t.set_max_size(4);
        let mut s = VecStore::new();
        fill(&mut t, &mut s, 4, 0);
        // At max_size: nothing happens but the counter.
        t.check_expire(&mut s, 100_000, 1);
        assert_eq!((t.entries(), t.counter), (4, 2));
        // Over it, with entries too young: kept, rover goes round.
        let e = entry(4, 0);
        let b = t.bucket(&e.addr);
        t.insert(&mut s, b, e);
        t.check_expire(&mut s, 35_999, 1);
        assert_eq!((t.entries(), t.rover), (5, 0));
        // Old enough: goal (5 - 4) * 4 / 3 = 1, so it stops at the first
        // bucket that yields an entry.
        t.check_expire(&mut s, 36_000, 1);
        assert_eq!(t.entries(), 4);
        let first = (1..TAB_SIZE)
            .find(|&b| (0..5).any(|i| t.bucket(&entry(i, 0).addr) == b))
            .unwrap_or(0);
        assert_eq!(t.rover, first);
    }

    #[test]
    fn every_thirtieth_check_is_full() {
        let mut t = Table::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        fill(&mut t, &mut s, 3, 1000);
        let e = entry(9, 5000);
        let b = t.bucket(&e.addr);
        t.insert(&mut s, b, e);
        for _ in 0..28 {
            t.check_expire(&mut s, 1_000_000, 2000);
        }
        assert_eq!((t.entries(), t.counter), (4, 29));
        t.check_expire(&mut s, 1_000_000, 2000);
        assert_eq!((t.entries(), t.counter), (4, 30));
        // The 30th: entries with lastuse + 2000 <= now go. 1000 + 2000 <=
        // 3500 < 5000 + 2000.
        t.check_expire(&mut s, 3500, 2000);
        assert_eq!((t.entries(), t.counter, t.rover), (1, 1, 0));
        assert!(s.find(&Addr::v4([10, 9, 0, 9])).is_some());
    }

    #[test]
    fn expiry_survives_jiffies_wrap() {
        let mut t = Table::new(Family::Inet, HZ);
        t.counter = 30;
        let mut s = VecStore::new();
        fill(&mut t, &mut s, 1, Jiffies::MAX - 10);
        // 10 + 1 jiffies later, expiration 20: still young.
        t.check_expire(&mut s, 0, 20);
        assert_eq!(t.entries(), 1);
        t.counter = 30;
        t.check_expire(&mut s, 9, 20);
        assert_eq!(t.entries(), 0);
    }

    #[test]
    fn flush_empties_and_kills() {
        let mut t = Table::new(Family::Inet, HZ);
        let mut s = VecStore::new();
        fill(&mut t, &mut s, 5, 0);
        t.flush(&mut s);
        assert_eq!(t.entries(), 0);
        assert!(t.is_dead());
        assert_eq!(s.all().count(), 0);
    }

    #[test]
    fn overload_needs_a_less_loaded_peer() {
        let busy = loaded(1, 2, 3, 3);
        let half = loaded(2, 4, 2, 2);
        let light = loaded(3, 4, 1, 1);
        assert!(!is_overloaded(&busy, &[busy, half]));
        assert!(is_overloaded(&busy, &[busy, half, light]));
        assert!(!is_overloaded(&light, &[busy, light]));
    }
}
