// SPDX-License-Identifier: GPL-2.0

//! Maglev-hashing scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_mh.c`](srctree/net/netfilter/ipvs/ip_vs_mh.c)
//!
//! Each destination gets a permutation of the table positions from two
//! hashes of its address; the table is filled by letting destinations take
//! turns claiming their next free preferred position, weighted by their
//! last non-zero weight. Clients are then looked up by a hash of their
//! address (and port). See "Maglev", NSDI '16, section 3.4.

use super::{
    find,
    hash::{fls, gcd, hsiphash, HsiphashKey},
    Addr, DestId, DestView, Family, Miss, Packet, Pick, SVC_F_SCHED1, SVC_F_SCHED2,
};

/// `IP_VS_SVC_F_SCHED_MH_FALLBACK`: try other positions when the hashed
/// destination is unavailable.
pub(crate) const SVC_F_FALLBACK: u32 = SVC_F_SCHED1;
/// `IP_VS_SVC_F_SCHED_MH_PORT`: hash the client port too.
pub(crate) const SVC_F_PORT: u32 = SVC_F_SCHED2;

/// `CONFIG_IP_VS_MH_TAB_INDEX`, at its Kconfig default.
const CONFIG_TAB_INDEX: usize = 12;
/// C's `primes[]`, the table sizes `CONFIG_IP_VS_MH_TAB_INDEX` 8 to 17
/// choose from.
const PRIMES: [usize; 10] = [
    251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
];
/// `IP_VS_MH_TAB_BITS`: weights divided by their gcd are shifted down to
/// at most this many bits, so no destination needs too many turns.
const TAB_BITS: u32 = (CONFIG_TAB_INDEX / 2) as u32;
/// `IP_VS_MH_TAB_SIZE`: 4093 positions. The glue allocates the lookup
/// table with this many slots.
pub(crate) const TAB_SIZE: usize = PRIMES[CONFIG_TAB_INDEX - 8];
/// [`TAB_SIZE`] as the `unsigned int` C computes with.
const SIZE: u32 = TAB_SIZE as u32;

/// `hash1` of `generate_hash_secret()`: fixed, so that every director
/// builds the same table.
const HASH1: HsiphashKey = [2_654_435_761, 2_654_435_761];
/// `hash2` of `generate_hash_secret()`.
const HASH2: HsiphashKey = [2_654_446_892, 2_654_446_892];

/// `ip_vs_mh_hashkey()`: hsiphash of `offset + port + address` as the
/// `unsigned int` C hashes in memory (native byte order). C's additions
/// wrap.
fn hashkey(af: Family, addr: &Addr, port: u16, key: &HsiphashKey, offset: u32) -> u32 {
    let v = offset
        .wrapping_add(u32::from(port))
        .wrapping_add(addr.fold(af));
    hsiphash(&v.to_ne_bytes(), key)
}

/// mh's `is_unavailable()`: no positive weight, or overloaded.
fn unavailable<D: DestView>(d: &D) -> bool {
    d.weight() <= 0 || d.overloaded()
}

/// A destination's walk through the table: C's
/// `struct ip_vs_mh_dest_setup`. The glue hands in one per destination as
/// scratch space for [`State::dest_changed`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DestSetup {
    /// The step through the table, 1 to `TAB_SIZE - 1`.
    skip: u32,
    /// The next position the destination prefers.
    perm: u32,
    /// Positions claimed per turn: the weight over the gcd, shifted.
    turns: i32,
}

/// Why the table could not be rebuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Error {
    /// More destinations than table positions: C's `-EINVAL`.
    TooManyDests,
    /// `lookup` is not [`TAB_SIZE`] long or `setup` is shorter than the
    /// list: a glue bug, also reported as `-EINVAL`.
    BadStorage,
}

/// Per-service state: C's `struct ip_vs_mh_state` without the tables,
/// which are too big to be moved around by value (the glue allocates the
/// lookup table of [`TAB_SIZE`] slots and the setup scratch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// `svc->af`, by which addresses are folded.
    af: Family,
    /// The gcd of the positive last weights, 0 if there are none.
    gcd: i32,
    /// How far the weights over the gcd are shifted down.
    rshift: u32,
}

/// `ip_vs_mh_gcd_weight()`: the gcd of the positive last weights, or 0.
fn gcd_weight<D: DestView>(dests: &[D]) -> i32 {
    let g = dests
        .iter()
        .filter_map(|d| u32::try_from(d.last_weight()).ok())
        .filter(|&w| w > 0)
        .fold(0, gcd);
    i32::try_from(g).unwrap_or(0)
}

/// `ip_vs_mh_shift_weight()`: the shift that brings the largest weight
/// over the gcd down to [`TAB_BITS`] bits.
fn shift_weight<D: DestView>(dests: &[D], gcd: i32) -> u32 {
    if gcd < 1 {
        return 0;
    }
    let weight = dests.iter().map(|d| d.last_weight()).fold(0, i32::max);
    let mw = u32::try_from(weight / gcd).unwrap_or(0);
    fls(mw).saturating_sub(TAB_BITS)
}

impl State {
    /// The state before the first [`Self::dest_changed`]: an empty service.
    pub(crate) const fn new(af: Family) -> Self {
        Self {
            af,
            gcd: 0,
            rshift: 0,
        }
    }

    /// `ip_vs_mh_init_svc()` after allocation, and C's `add_dest`,
    /// `del_dest` and `upd_dest` (`ip_vs_mh_dest_changed()`): recompute
    /// the weight scaling and rebuild `lookup` from `dests`.
    ///
    /// `lookup` must hold [`TAB_SIZE`] slots and `setup` at least one per
    /// destination. On error `lookup` is left as it was, like C (which
    /// has already updated the gcd and shift by then, and so do we).
    pub(crate) fn dest_changed<D: DestView>(
        &mut self,
        dests: &[D],
        lookup: &mut [Option<DestId>],
        setup: &mut [DestSetup],
    ) -> Result<(), Error> {
        self.gcd = gcd_weight(dests);
        self.rshift = shift_weight(dests, self.gcd);
        if dests.len() > TAB_SIZE {
            return Err(Error::TooManyDests);
        }
        let setup = setup.get_mut(..dests.len()).ok_or(Error::BadStorage)?;
        if lookup.len() != TAB_SIZE {
            return Err(Error::BadStorage);
        }
        self.permutate(dests, setup);
        self.populate(dests, lookup, setup);
        Ok(())
    }

    /// `ip_vs_mh_permutate()`: each destination's start, step and turns.
    fn permutate<D: DestView>(&self, dests: &[D], setup: &mut [DestSetup]) {
        // No positive weight: nothing will be placed.
        if self.gcd < 1 {
            return;
        }
        for (ds, d) in setup.iter_mut().zip(dests) {
            let addr = d.addr();
            // C keeps the start in `offset` too, but never reads it again.
            ds.perm = hashkey(self.af, &addr, d.port(), &HASH1, 0) % SIZE;
            ds.skip = hashkey(self.af, &addr, d.port(), &HASH2, 0) % (SIZE - 1) + 1;
            let lw = d.last_weight();
            let turns = (lw / self.gcd).checked_shr(self.rshift).unwrap_or(0);
            // A weight shifted to nothing still gets one turn, a zero
            // weight none.
            ds.turns = if turns != 0 {
                turns
            } else {
                i32::from(lw != 0)
            };
        }
    }

    /// `ip_vs_mh_populate()`: destinations in list order take `turns`
    /// positions each, from their preference walk, until the table is
    /// full.
    ///
    /// C marks taken positions in a separate bitmap while overwriting the
    /// old table in place; since every position gets written, clearing
    /// the table first and using it as the bitmap gives the same result.
    fn populate<D: DestView>(
        &self,
        dests: &[D],
        lookup: &mut [Option<DestId>],
        setup: &mut [DestSetup],
    ) {
        lookup.fill(None);
        if self.gcd < 1 {
            return;
        }
        let mut n = 0;
        let mut dt_count = 0;
        while n < TAB_SIZE {
            // Every pass places something as long as one destination has
            // a turn, which a positive gcd guarantees; the check only
            // guards against a view whose weights changed meanwhile.
            let before = n;
            let mut p = 0;
            while let (Some(d), Some(ds)) = (dests.get(p), setup.get_mut(p)) {
                // A destination added with weight zero takes no position.
                if ds.turns < 1 {
                    p += 1;
                    continue;
                }
                let mut c = ds.perm as usize;
                while lookup.get(c).is_some_and(Option::is_some) {
                    ds.perm += ds.skip;
                    if ds.perm >= SIZE {
                        ds.perm -= SIZE;
                    }
                    c = ds.perm as usize;
                }
                let Some(slot) = lookup.get_mut(c) else {
                    return;
                };
                *slot = Some(d.id());
                n += 1;
                if n == TAB_SIZE {
                    return;
                }
                dt_count += 1;
                if dt_count >= ds.turns {
                    dt_count = 0;
                    p += 1;
                }
            }
            if n == before {
                return;
            }
        }
    }

    /// `ip_vs_mh_schedule()`: the destination at the client's position.
    ///
    /// `flags` are the service's (`svc->flags`): with [`SVC_F_PORT`] the
    /// client port is hashed too; with [`SVC_F_FALLBACK`] an unavailable
    /// destination makes C rehash with growing offsets for another. A
    /// table entry not found in `dests` counts as unavailable.
    pub(crate) fn schedule<'a, D: DestView>(
        &self,
        lookup: &[Option<DestId>],
        dests: &'a [D],
        pkt: &Packet,
        flags: u32,
    ) -> Pick<'a, D> {
        let (addr, port) = pkt.client();
        let port = if flags & SVC_F_PORT != 0 { port } else { 0 };
        let usable = |id: DestId| find(dests, id).filter(|d| !unavailable(*d));
        let at = |h: u32| lookup.get(h as usize).copied().flatten();

        let ihash = hashkey(self.af, &addr, port, &HASH1, 0) % SIZE;
        let first = at(ihash).ok_or(Miss::Unavailable)?;
        if let Some(d) = usable(first) {
            return Ok(d);
        }
        if flags & SVC_F_FALLBACK == 0 {
            return Err(Miss::Unavailable);
        }
        for offset in 0..SIZE {
            let roffset = (offset + ihash) % SIZE;
            let h = hashkey(self.af, &addr, port, &HASH1, roffset) % SIZE;
            let id = at(h).ok_or(Miss::Unavailable)?;
            if let Some(d) = usable(id) {
                return Ok(d);
            }
        }
        Err(Miss::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Dest;
    use super::*;

    struct Tables {
        lookup: Vec<Option<DestId>>,
        setup: Vec<DestSetup>,
    }

    fn tables(n: usize) -> Tables {
        Tables {
            lookup: vec![None; TAB_SIZE],
            setup: vec![DestSetup::default(); n],
        }
    }

    fn build(d: &[Dest]) -> (State, Tables) {
        let mut s = State::new(Family::Inet);
        let mut t = tables(d.len());
        assert_eq!(s.dest_changed(d, &mut t.lookup, &mut t.setup), Ok(()));
        (s, t)
    }

    fn counts(t: &Tables, ids: &[u64]) -> Vec<usize> {
        ids.iter()
            .map(|&i| {
                t.lookup
                    .iter()
                    .filter(|x| x.map(DestId::get) == Some(i))
                    .count()
            })
            .collect()
    }

    fn first_slots(t: &Tables) -> [u64; 8] {
        core::array::from_fn(|i| t.lookup[i].map_or(0, DestId::get))
    }

    fn from(saddr: [u8; 4], sport: u16) -> Packet {
        Packet {
            saddr: Addr::v4(saddr),
            daddr: Addr::v4([10, 0, 0, 100]),
            ports: [sport, 80],
            inverse: false,
        }
    }

    // Expected values: tools/sched-ref/ref_mh, which runs the kernel's
    // ip_vs_mh.c (with the kernel's lib/siphash.c, 64-bit) on the same
    // destinations, added 1, 2, 3 so that the list is 3, 2, 1.

    #[test]
    fn table_shares_follow_weights() {
        let d = [dest(3, 1), dest(2, 2), dest(1, 1)];
        let (s, t) = build(&d);
        assert_eq!((s.gcd, s.rshift), (1, 0));
        assert_eq!(counts(&t, &[3, 2, 1]), MH_COUNTS_REF);
        assert_eq!(first_slots(&t), MH_SLOTS_REF);
    }

    /// Positions held by 3, 2 and 1, printed by ref_mh.
    const MH_COUNTS_REF: [usize; 3] = [1024, 2046, 1023];
    /// The owners of positions 0 to 7, printed by ref_mh.
    const MH_SLOTS_REF: [u64; 8] = [1, 2, 2, 2, 3, 1, 2, 3];

    #[test]
    fn maps_clients() {
        let d = [dest(3, 1), dest(2, 2), dest(1, 1)];
        let (s, t) = build(&d);
        for (saddr, sport, flags, want) in MH_REF {
            assert_eq!(
                raw(s.schedule(&t.lookup, &d, &from(saddr, sport), flags)),
                want,
                "{saddr:?}:{sport} flags {flags:#x}"
            );
        }
    }

    /// `(saddr, sport, svc flags, dest id)` printed by ref_mh.
    const MH_REF: [([u8; 4], u16, u32, u64); 6] = [
        ([192, 168, 1, 2], 1000, 0, 3),
        ([192, 168, 1, 2], 1001, 0, 3),
        ([192, 168, 1, 2], 1000, SVC_F_PORT, 2),
        ([192, 168, 1, 2], 1001, SVC_F_PORT, 1),
        ([172, 16, 5, 9], 40000, 0, 2),
        ([172, 16, 5, 9], 40000, SVC_F_PORT, 2),
    ];

    #[test]
    fn big_weights_are_shifted() {
        // Weights 1000 and 3000: gcd 1000, 1 and 3 turns, no shift;
        // weights 100 and 7: gcd 1, 100 > 6 bits, shift 1.
        let (s, t) = build(&[dest(2, 3000), dest(1, 1000)]);
        assert_eq!((s.gcd, s.rshift), (1000, 0));
        assert_eq!(counts(&t, &[2, 1]), MH_BIG_REF[0]);
        let (s, t) = build(&[dest(2, 100), dest(1, 7)]);
        assert_eq!((s.gcd, s.rshift), (1, 1));
        assert_eq!(counts(&t, &[2, 1]), MH_BIG_REF[1]);
    }

    /// Positions held by 2 and 1 in both cases, printed by ref_mh.
    const MH_BIG_REF: [[usize; 2]; 2] = [[3070, 1023], [3862, 231]];

    #[test]
    fn quiesced_dest_keeps_its_positions() {
        // Weight set to 0 after being 2: last_weight stays 2, so the table
        // is unchanged, but lookups landing on it fail or fall back.
        let mut d = [dest(3, 1), dest(2, 2), dest(1, 1)];
        let (mut s, mut t) = build(&d);
        let before = t.lookup.clone();
        d[1].weight = 0;
        assert_eq!(s.dest_changed(&d, &mut t.lookup, &mut t.setup), Ok(()));
        assert_eq!(t.lookup, before);
        for (saddr, sport, flags, want) in MH_QUIESCED_REF {
            assert_eq!(
                raw(s.schedule(&t.lookup, &d, &from(saddr, sport), flags)),
                want,
                "{saddr:?}:{sport} flags {flags:#x}"
            );
        }
    }

    /// `(saddr, sport, svc flags, dest id)` printed by ref_mh after the
    /// weight of 2 went to 0.
    const MH_QUIESCED_REF: [([u8; 4], u16, u32, u64); 4] = [
        ([192, 168, 1, 2], 1000, 0, 3),
        ([192, 168, 1, 2], 1000, SVC_F_FALLBACK, 3),
        ([172, 16, 5, 9], 40000, 0, 0),
        ([172, 16, 5, 9], 40000, SVC_F_FALLBACK, 1),
    ];

    #[test]
    fn added_with_zero_weight_takes_nothing() {
        let mut d = [dest(4, 0), dest(3, 1), dest(2, 2), dest(1, 1)];
        d[0].last_weight = 0;
        let (_, t) = build(&d);
        // ref_mh: the table is the one without 4.
        assert_eq!(counts(&t, &[4]), [0]);
        assert_eq!(counts(&t, &[3, 2, 1]), MH_COUNTS_REF);
        assert_eq!(first_slots(&t), MH_SLOTS_REF);
    }

    #[test]
    fn empty_and_all_zero() {
        let (s, t) = build(&[]);
        assert!(t.lookup.iter().all(Option::is_none));
        let p = from([1, 2, 3, 4], 5);
        assert_eq!(
            s.schedule::<Dest>(&t.lookup, &[], &p, SVC_F_FALLBACK),
            Err(Miss::Unavailable)
        );
        let mut d = [dest(1, 0)];
        d[0].last_weight = 0;
        let (s, t) = build(&d);
        assert_eq!(s.gcd, 0);
        assert!(t.lookup.iter().all(Option::is_none));
        assert_eq!(s.schedule(&t.lookup, &d, &p, 0), Err(Miss::Unavailable));
    }

    #[test]
    fn too_many_dests() {
        // C's ip_vs_mh_reassign(): -EINVAL above TAB_SIZE destinations,
        // after the gcd and shift were updated.
        let many: Vec<Dest> = (1..=TAB_SIZE as u64 + 1)
            .map(|n| Dest {
                id: id(n),
                ..dest(1, 2)
            })
            .collect();
        let mut s = State::new(Family::Inet);
        let mut t = tables(many.len());
        assert_eq!(
            s.dest_changed(&many, &mut t.lookup, &mut t.setup),
            Err(Error::TooManyDests)
        );
        assert_eq!(s.gcd, 2);
        assert!(t.lookup.iter().all(Option::is_none));
    }

    #[test]
    fn storage_errors_leave_the_table() {
        let d = [dest(1, 1)];
        let (mut s, mut t) = build(&d);
        let before = t.lookup.clone();
        let two = [dest(2, 1), dest(1, 1)];
        assert_eq!(
            s.dest_changed(&two, &mut t.lookup, &mut t.setup),
            Err(Error::BadStorage)
        );
        assert_eq!(t.lookup, before);
        let mut short = vec![None; 10];
        assert_eq!(
            s.dest_changed(&d, &mut short, &mut t.setup),
            Err(Error::BadStorage)
        );
    }
}
