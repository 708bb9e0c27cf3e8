// SPDX-License-Identifier: GPL-2.0

//! Source-hashing scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_sh.c`](srctree/net/netfilter/ipvs/ip_vs_sh.c)

use super::{
    find, hash::hash_32, Addr, DestId, DestView, Family, Miss, Packet, Pick, SVC_F_SCHED1,
    SVC_F_SCHED2,
};

/// `CONFIG_IP_VS_SH_TAB_BITS`, at its Kconfig default.
pub(crate) const TAB_BITS: u32 = 8;
/// `IP_VS_SH_TAB_SIZE`: 256 buckets.
pub(crate) const TAB_SIZE: usize = 1 << TAB_BITS;
/// `IP_VS_SH_TAB_MASK`.
const TAB_MASK: u32 = (1 << TAB_BITS) - 1;

/// `IP_VS_SVC_F_SCHED_SH_FALLBACK`: try other buckets when the hashed
/// destination is unavailable.
pub(crate) const SVC_F_FALLBACK: u32 = SVC_F_SCHED1;
/// `IP_VS_SVC_F_SCHED_SH_PORT`: hash the client port along with its
/// address.
pub(crate) const SVC_F_PORT: u32 = SVC_F_SCHED2;

/// `ip_vs_sh_hashkey()`: the bucket of a client address and port, moved on
/// by `offset`. C adds in `unsigned int`, which wraps.
pub(crate) fn hashkey(af: Family, addr: &Addr, port: u16, offset: u32) -> usize {
    let h = hash_32(u32::from(port).wrapping_add(addr.fold(af)), TAB_BITS);
    // Masked to TAB_BITS bits: fits usize.
    (offset.wrapping_add(h) & TAB_MASK) as usize
}

/// sh's `is_unavailable()`: no positive weight, or overloaded.
fn unavailable<D: DestView>(d: &D) -> bool {
    d.weight() <= 0 || d.overloaded()
}

/// Per-service state: C's `struct ip_vs_sh_state`, the bucket table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// `svc->af`, by which addresses are folded.
    af: Family,
    /// The destination of each bucket.
    buckets: [Option<DestId>; TAB_SIZE],
}

impl State {
    /// `ip_vs_sh_init_svc()`: a table filled from `dests`.
    pub(crate) fn new<D: DestView>(af: Family, dests: &[D]) -> Self {
        let mut s = Self {
            af,
            buckets: [None; TAB_SIZE],
        };
        s.dest_changed(dests);
        s
    }

    /// `ip_vs_sh_reassign()`, C's `add_dest`, `del_dest` and `upd_dest`.
    ///
    /// The buckets take the destinations in list order, round and round,
    /// each destination `weight` buckets in a row (at least one, even for
    /// weight zero), so heavier destinations get more clients.
    pub(crate) fn dest_changed<D: DestView>(&mut self, dests: &[D]) {
        let mut p = 0;
        let mut d_count = 0;
        for b in self.buckets.iter_mut() {
            // Past the end is C's list head: wrap to the first entry.
            if p == dests.len() {
                p = 0;
            }
            let Some(d) = dests.get(p) else {
                *b = None;
                continue;
            };
            *b = Some(d.id());
            d_count += 1;
            if d_count >= d.weight() {
                p += 1;
                d_count = 0;
            }
        }
    }

    /// The table, for inspection.
    pub(crate) fn buckets(&self) -> &[Option<DestId>; TAB_SIZE] {
        &self.buckets
    }

    /// `ip_vs_sh_schedule()`: the destination of the client's bucket.
    ///
    /// `flags` are the service's (`svc->flags`): with [`SVC_F_PORT`] the
    /// client port is hashed too, with [`SVC_F_FALLBACK`] an unavailable
    /// destination makes C walk the buckets after the hashed one for
    /// another. A table entry not found in `dests` (the glue has not
    /// called [`Self::dest_changed`] yet) counts as unavailable.
    pub(crate) fn schedule<'a, D: DestView>(
        &self,
        dests: &'a [D],
        pkt: &Packet,
        flags: u32,
    ) -> Pick<'a, D> {
        let (addr, port) = pkt.client();
        let port = if flags & SVC_F_PORT != 0 { port } else { 0 };
        if flags & SVC_F_FALLBACK != 0 {
            self.get_fallback(dests, &addr, port)
        } else {
            self.get(dests, &addr, port)
        }
        .ok_or(Miss::Unavailable)
    }

    /// `ip_vs_sh_get()`.
    fn get<'a, D: DestView>(&self, dests: &'a [D], addr: &Addr, port: u16) -> Option<&'a D> {
        self.buckets[hashkey(self.af, addr, port, 0)]
            .and_then(|id| find(dests, id))
            .filter(|d| !unavailable(*d))
    }

    /// `ip_vs_sh_get_fallback()`.
    fn get_fallback<'a, D: DestView>(
        &self,
        dests: &'a [D],
        addr: &Addr,
        port: u16,
    ) -> Option<&'a D> {
        let ihash = hashkey(self.af, addr, port, 0);
        let first = self.buckets[ihash]?;
        if let Some(d) = find(dests, first).filter(|d| !unavailable(*d)) {
            return Some(d);
        }
        // Start over from the hashed bucket itself ("a random point, but
        // deterministic"), so that offset 0 re-checks it like C.
        for offset in 0..TAB_SIZE {
            // Both are below TAB_SIZE, so the sum and the cast are exact.
            let roffset = ((offset + ihash) % TAB_SIZE) as u32;
            let id = self.buckets[hashkey(self.af, addr, port, roffset)]?;
            if let Some(d) = find(dests, id).filter(|d| !unavailable(*d)) {
                return Some(d);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Dest;
    use super::*;

    fn from(saddr: [u8; 4], sport: u16) -> Packet {
        Packet {
            saddr: Addr::v4(saddr),
            daddr: Addr::v4([10, 0, 0, 100]),
            ports: [sport, 80],
            inverse: false,
        }
    }

    // Expected values: tools/sched-ref/ref_hash, which runs the kernel's
    // ip_vs_sh.c on the same destinations (list newest first) and packets.

    #[test]
    fn table_follows_weights() {
        // Added 1 (w 1), 2 (w 3), 3 (w 0): list 3, 2, 1.
        let d = [dest(3, 0), dest(2, 3), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        let b = s.buckets();
        let first: [u64; 10] = core::array::from_fn(|i| b[i].map_or(0, |x| x.get()));
        assert_eq!(first, [3, 2, 2, 2, 1, 3, 2, 2, 2, 1]);
        assert_eq!(b[255].map(DestId::get), Some(3));
    }

    #[test]
    fn maps_clients() {
        let d = [dest(3, 1), dest(2, 2), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        for (saddr, sport, flags, want) in SH_REF {
            assert_eq!(
                raw(s.schedule(&d, &from(saddr, sport), flags)),
                want,
                "{saddr:?}:{sport} flags {flags:#x}"
            );
        }
    }

    /// `(saddr, sport, svc flags, dest id)` printed by ref_hash.
    const SH_REF: [([u8; 4], u16, u32, u64); 6] = [
        ([192, 168, 1, 2], 1000, 0, 2),
        ([192, 168, 1, 2], 1001, 0, 2),
        ([192, 168, 1, 2], 1000, SVC_F_PORT, 2),
        ([192, 168, 1, 2], 1001, SVC_F_PORT, 1),
        ([172, 16, 5, 9], 40000, 0, 1),
        ([172, 16, 5, 9], 40000, SVC_F_PORT, 1),
    ];

    #[test]
    fn fallback_walks_on() {
        let mut d = [dest(3, 1), dest(2, 2), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        let p = from([192, 168, 1, 2], 1000);
        let hit = raw(s.schedule(&d, &p, 0));
        let i = d.iter().position(|x| x.id.get() == hit).unwrap_or(0);
        d[i].overloaded = true;
        assert_eq!(s.schedule(&d, &p, 0), Err(Miss::Unavailable));
        assert_eq!(raw(s.schedule(&d, &p, SVC_F_FALLBACK)), SH_FALLBACK_REF);
        for x in &mut d {
            x.weight = 0;
        }
        assert_eq!(s.schedule(&d, &p, SVC_F_FALLBACK), Err(Miss::Unavailable));
    }

    /// The fallback pick of ref_hash for the case above (2 overloaded).
    const SH_FALLBACK_REF: u64 = 3;

    #[test]
    fn inverse_packets_hash_the_destination_side() {
        let d = [dest(3, 1), dest(2, 2), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        let fwd = from([192, 168, 1, 2], 1000);
        let inv = Packet {
            saddr: Addr::v4([10, 0, 0, 1]),
            daddr: fwd.saddr,
            ports: [80, 1000],
            inverse: true,
        };
        assert_eq!(
            raw(s.schedule(&d, &inv, SVC_F_PORT)),
            raw(s.schedule(&d, &fwd, SVC_F_PORT))
        );
    }

    #[test]
    fn empty_service() {
        let s = State::new::<Dest>(Family::Inet, &[]);
        assert!(s.buckets().iter().all(Option::is_none));
        let p = from([1, 2, 3, 4], 5);
        assert_eq!(s.schedule::<Dest>(&[], &p, 0), Err(Miss::Unavailable));
        assert_eq!(
            s.schedule::<Dest>(&[], &p, SVC_F_FALLBACK),
            Err(Miss::Unavailable)
        );
    }
}
