// SPDX-License-Identifier: GPL-2.0

//! Destination-hashing scheduling.
//!
//! C: [`net/netfilter/ipvs/ip_vs_dh.c`](srctree/net/netfilter/ipvs/ip_vs_dh.c)

use super::{find, hash::hash_32, Addr, DestId, DestView, Family, Miss, Packet, Pick};

/// `IP_VS_DH_TAB_BITS`: C has no Kconfig knob for it, so always 8.
pub(crate) const TAB_BITS: u32 = 8;
/// `IP_VS_DH_TAB_SIZE`: 256 buckets.
pub(crate) const TAB_SIZE: usize = 1 << TAB_BITS;

/// `ip_vs_dh_hashkey()`: the bucket of a destination address.
pub(crate) fn hashkey(af: Family, addr: &Addr) -> usize {
    // hash_32() of TAB_BITS bits is below TAB_SIZE, which fits usize.
    hash_32(addr.fold(af), TAB_BITS) as usize
}

/// Per-service state: C's `struct ip_vs_dh_state`, the bucket table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    /// `svc->af`, by which addresses are folded.
    af: Family,
    /// The destination of each bucket.
    buckets: [Option<DestId>; TAB_SIZE],
}

impl State {
    /// `ip_vs_dh_init_svc()`: a table filled from `dests`.
    pub(crate) fn new<D: DestView>(af: Family, dests: &[D]) -> Self {
        let mut s = Self {
            af,
            buckets: [None; TAB_SIZE],
        };
        s.dest_changed(dests);
        s
    }

    /// `ip_vs_dh_reassign()`, C's `add_dest` and `del_dest` (dh has no
    /// `upd_dest`: weights do not shape its table).
    ///
    /// The buckets take the destinations in list order, round and round.
    pub(crate) fn dest_changed<D: DestView>(&mut self, dests: &[D]) {
        if dests.is_empty() {
            self.buckets = [None; TAB_SIZE];
            return;
        }
        for (b, d) in self.buckets.iter_mut().zip(dests.iter().cycle()) {
            *b = Some(d.id());
        }
    }

    /// The table, for inspection.
    pub(crate) fn buckets(&self) -> &[Option<DestId>; TAB_SIZE] {
        &self.buckets
    }

    /// `ip_vs_dh_schedule()`: the destination of the bucket the packet's
    /// destination address hashes to, if it is available, has a positive
    /// weight and is not overloaded. There is no fallback: C expects the
    /// `cache_bypass` sysctl to send such traffic to the origin server.
    pub(crate) fn schedule<'a, D: DestView>(&self, dests: &'a [D], pkt: &Packet) -> Pick<'a, D> {
        self.buckets[hashkey(self.af, &pkt.daddr)]
            .and_then(|id| find(dests, id))
            .filter(|d| d.available() && d.weight() > 0 && !d.overloaded())
            .ok_or(Miss::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::Dest;
    use super::*;

    fn to(daddr: [u8; 4]) -> Packet {
        Packet {
            saddr: Addr::v4([192, 0, 2, 1]),
            daddr: Addr::v4(daddr),
            ports: [1234, 80],
            inverse: false,
        }
    }

    // Expected values: tools/sched-ref/ref_hash, which runs the kernel's
    // ip_vs_dh.c on the same destinations (added 1, 2, 3: list 3, 2, 1)
    // and packets.

    #[test]
    fn table_cycles_the_list() {
        let d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        let b = s.buckets();
        assert_eq!(b[0], Some(id(3)));
        assert_eq!(b[1], Some(id(2)));
        assert_eq!(b[2], Some(id(1)));
        assert_eq!(b[255], Some(id(3)));
    }

    #[test]
    fn maps_destination_addresses() {
        let d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        for (addr, want) in DH_REF {
            assert_eq!(raw(s.schedule(&d, &to(addr))), want, "{addr:?}");
        }
    }

    /// `(daddr, dest id)` printed by ref_hash.
    const DH_REF: [([u8; 4], u64); 7] = [
        ([10, 1, 0, 1], 3),
        ([10, 1, 0, 2], 3),
        ([192, 168, 1, 2], 3),
        ([8, 8, 8, 8], 1),
        ([10, 0, 0, 2], 1),
        ([10, 0, 0, 3], 2),
        ([10, 0, 0, 5], 3),
    ];

    #[test]
    fn ipv6_addresses_are_folded() {
        // 2001:db8::1 and 2001:db8::2:1 in an IPv6 service (ref_hash).
        let d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let s = State::new(Family::Inet6, &d);
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        a[15] = 1;
        let mut p = to([0; 4]);
        p.daddr = Addr::v6(a);
        assert_eq!(raw(s.schedule(&d, &p)), 3);
        a[13] = 2;
        p.daddr = Addr::v6(a);
        assert_eq!(raw(s.schedule(&d, &p)), 3);
        assert_eq!(
            hashkey(Family::Inet6, &p.daddr),
            hash_32(0x2001_0db8 ^ 0x0002_0001, 8) as usize
        );
    }

    #[test]
    fn unusable_dest_is_a_miss_without_fallback() {
        let mut d = [dest(3, 1), dest(2, 1), dest(1, 1)];
        let s = State::new(Family::Inet, &d);
        let p = to([10, 1, 0, 1]);
        let hit = raw(s.schedule(&d, &p));
        let i = d.iter().position(|x| x.id.get() == hit).unwrap_or(0);
        d[i].weight = 0;
        assert_eq!(s.schedule(&d, &p), Err(Miss::Unavailable));
        d[i].weight = 1;
        d[i].overloaded = true;
        assert_eq!(s.schedule(&d, &p), Err(Miss::Unavailable));
        d[i].overloaded = false;
        d[i].available = false;
        assert_eq!(s.schedule(&d, &p), Err(Miss::Unavailable));
    }

    #[test]
    fn empty_service() {
        let s = State::new::<Dest>(Family::Inet, &[]);
        assert!(s.buckets().iter().all(Option::is_none));
        assert_eq!(
            s.schedule::<Dest>(&[], &to([1, 2, 3, 4])),
            Err(Miss::Unavailable)
        );
    }
}
