// SPDX-License-Identifier: GPL-2.0

//! What the fourteen IPVS schedulers share: views of destinations, packets,
//! identities, outcomes.
//!
//! C header: [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)
//!
//! Each scheduler has one file beside this one holding what its C file
//! decides, and nothing the kernel owns: no locks, no reference counts, no
//! allocation. The glue keeps the per-service state values defined here (behind the
//! service's scheduler lock, as C does with `svc->sched_lock`) and hands
//! every call the service's destinations as a slice of [`DestView`]s.
//!
//! # Destination order
//!
//! The slice must be in the order of the C `svc->destinations` list. C
//! links a new destination with `list_add_rcu(&dest->n_list,
//! &svc->destinations)` in `__ip_vs_update_dest()` (`ip_vs_ctl.c`), that is
//! at the **head**: the list runs from the newest destination to the oldest.
//! A destination taken back from the trash goes through the same path, so it
//! is also put first. Editing a destination does not move it. Removal
//! (`list_del_rcu()` in `__ip_vs_unlink_dest()`) keeps the order of the
//! others. So the glue inserts at index 0 and removes in place.
//!
//! # Identity
//!
//! Schedulers that remember destinations (rr, wrr, dh, sh, mh, lblc, lblcr)
//! store a [`DestId`], never an index, because the list changes under them.
//! C compares `struct ip_vs_dest` pointers; the glue must therefore give a
//! destination one id for its whole life, including a stay in the trash and
//! its return from there (C revives the very same object).

use core::{fmt, num::NonZeroU64};

/// A handle for one destination, assigned by the glue.
///
/// It is non-zero so that `Option<DestId>`, the slot type of the hash
/// tables, stays eight bytes wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct DestId(NonZeroU64);

impl DestId {
    /// The id for `raw`; `None` for zero, which is not a valid id.
    pub(crate) const fn new(raw: u64) -> Option<Self> {
        match NonZeroU64::new(raw) {
            Some(v) => Some(Self(v)),
            None => None,
        }
    }

    /// The raw value the glue assigned.
    pub(crate) const fn get(self) -> u64 {
        self.0.get()
    }
}

/// The address family of a service (`svc->af`).
///
/// The hashing schedulers fold addresses by the service's family, not the
/// destination's, exactly as C does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// `AF_INET`.
    Inet,
    /// `AF_INET6`.
    Inet6,
}

/// An IPv4 or IPv6 address laid out as C's `union nf_inet_addr`.
///
/// The bytes are in network order; an IPv4 address takes the first four
/// and the rest are zero. Keeping the rest zero makes `==` agree with C's
/// `ip_vs_addr_equal()` for addresses of one family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Addr([u8; 16]);

impl Addr {
    /// An IPv4 address from its four bytes in network order.
    pub(crate) const fn v4(a: [u8; 4]) -> Self {
        Self([a[0], a[1], a[2], a[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    }

    /// An IPv6 address from its sixteen bytes in network order.
    pub(crate) const fn v6(a: [u8; 16]) -> Self {
        Self(a)
    }

    /// The sixteen bytes, as `nf_inet_addr` holds them.
    pub(crate) const fn octets(&self) -> &[u8; 16] {
        &self.0
    }

    /// The big-endian 32-bit word `i` (0..4) of the address.
    fn word(&self, i: usize) -> u32 {
        let b = &self.0;
        let o = i * 4;
        u32::from_be_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
    }

    /// `ntohl(addr_fold)` as the hashing schedulers compute it: the IPv4
    /// address, or the XOR of the four words of an IPv6 one.
    ///
    /// XOR commutes with the byte swap, so folding host-order words gives
    /// the same value as C's `ntohl()` of the folded network-order words.
    pub(crate) fn fold(&self, af: Family) -> u32 {
        match af {
            Family::Inet => self.word(0),
            Family::Inet6 => self.word(0) ^ self.word(1) ^ self.word(2) ^ self.word(3),
        }
    }
}

/// What the schedulers read of a destination (`struct ip_vs_dest`).
///
/// The glue implements this for its own destination type, so that no copy
/// is made per packet; [`Dest`] is a plain implementation.
pub(crate) trait DestView {
    /// The destination's handle.
    fn id(&self) -> DestId;
    /// `dest->addr`.
    fn addr(&self) -> Addr;
    /// `ntohs(dest->port)`: the port in host order.
    fn port(&self) -> u16;
    /// `atomic_read(&dest->weight)`.
    fn weight(&self) -> i32;
    /// `atomic_read(&dest->last_weight)`: the latest non-zero weight, or the
    /// weight given when the destination was added. Only mh reads it.
    fn last_weight(&self) -> i32;
    /// `atomic_read(&dest->activeconns)`.
    fn activeconns(&self) -> i32;
    /// `atomic_read(&dest->totalconns)`.
    fn totalconns(&self) -> i32;
    /// `dest->flags & IP_VS_DEST_F_OVERLOAD`: over its upper threshold.
    fn overloaded(&self) -> bool;
    /// `dest->cflags & IP_VS_DEST_CF_AVAILABLE`: linked in a service and
    /// not in the trash. Always true for members of the service's list.
    fn available(&self) -> bool;
}

/// A reference views what it points to: the glue hands the schedulers a
/// slice of references to destinations it does not own.
impl<D: DestView + ?Sized> DestView for &D {
    fn id(&self) -> DestId {
        (**self).id()
    }
    fn addr(&self) -> Addr {
        (**self).addr()
    }
    fn port(&self) -> u16 {
        (**self).port()
    }
    fn weight(&self) -> i32 {
        (**self).weight()
    }
    fn last_weight(&self) -> i32 {
        (**self).last_weight()
    }
    fn activeconns(&self) -> i32 {
        (**self).activeconns()
    }
    fn totalconns(&self) -> i32 {
        (**self).totalconns()
    }
    fn overloaded(&self) -> bool {
        (**self).overloaded()
    }
    fn available(&self) -> bool {
        (**self).available()
    }
}

/// A destination as plain values: for tests, or for a glue that snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dest {
    /// The handle.
    pub(crate) id: DestId,
    /// The address.
    pub(crate) addr: Addr,
    /// The port, in host order.
    pub(crate) port: u16,
    /// The weight.
    pub(crate) weight: i32,
    /// The latest non-zero weight.
    pub(crate) last_weight: i32,
    /// Active connections.
    pub(crate) activeconns: i32,
    /// All connections.
    pub(crate) totalconns: i32,
    /// `IP_VS_DEST_F_OVERLOAD`.
    pub(crate) overloaded: bool,
    /// `IP_VS_DEST_CF_AVAILABLE`.
    pub(crate) available: bool,
}

impl DestView for Dest {
    fn id(&self) -> DestId {
        self.id
    }
    fn addr(&self) -> Addr {
        self.addr
    }
    fn port(&self) -> u16 {
        self.port
    }
    fn weight(&self) -> i32 {
        self.weight
    }
    fn last_weight(&self) -> i32 {
        self.last_weight
    }
    fn activeconns(&self) -> i32 {
        self.activeconns
    }
    fn totalconns(&self) -> i32 {
        self.totalconns
    }
    fn overloaded(&self) -> bool {
        self.overloaded
    }
    fn available(&self) -> bool {
        self.available
    }
}

/// `ip_vs_dest_conn_overhead()`: `(activeconns << 8) + totalconns`.
///
/// An active connection is thought to cost about 257 times an inactive one
/// (it is also counted in `totalconns`). C computes it in `int`; the kernel
/// builds with `-fno-strict-overflow`, so an overflow wraps.
pub(crate) fn conn_overhead<D: DestView>(d: &D) -> i32 {
    (d.activeconns() << 8).wrapping_add(d.totalconns())
}

/// The member of `dests` with handle `id`.
///
/// A linear search: C follows a pointer instead, but every scheduling
/// decision of IPVS already walks the list, so this does not change the
/// order of the cost.
pub(crate) fn find<D: DestView>(dests: &[D], id: DestId) -> Option<&D> {
    dests.iter().find(|d| d.id() == id)
}

/// Why a scheduler found no destination; the glue logs it like C does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// C calls `ip_vs_scheduler_err(svc, "no destination available")`.
    Unavailable,
    /// wrr's `ip_vs_scheduler_err(svc, "no destination available: all
    /// destinations are overloaded")`.
    Overloaded,
    /// lblcr without a cache entry: C only says `IP_VS_DBG(1, "no
    /// destination available\n")`, not `ip_vs_scheduler_err()`.
    Quiet,
}

impl Miss {
    /// The message C logs.
    pub(crate) const fn message(self) -> &'static str {
        match self {
            Miss::Unavailable | Miss::Quiet => "no destination available",
            Miss::Overloaded => "no destination available: all destinations are overloaded",
        }
    }
}

/// A service as `ip_vs_scheduler_err()` names it: `FWM <mark> 0x<MARK>`,
/// or its protocol, address (`%pI4`, `[%pI6c]`) and port.
pub(crate) struct SvcName {
    /// Whether it is an IPv6 service.
    pub(crate) inet6: bool,
    /// `IPPROTO_*`.
    pub(crate) protocol: u16,
    /// The address, `union nf_inet_addr` layout.
    pub(crate) addr: [u8; 16],
    /// The port, host order.
    pub(crate) port: u16,
    /// The firewall mark, 0 for none.
    pub(crate) fwmark: u32,
}

impl fmt::Display for SvcName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fwmark != 0 {
            return write!(f, "FWM {} 0x{:08X}", self.fwmark, self.fwmark);
        }
        // `ip_vs_proto_name()`.
        match self.protocol {
            0 => f.write_str("IP")?,
            1 => f.write_str("ICMP")?,
            6 => f.write_str("TCP")?,
            17 => f.write_str("UDP")?,
            58 => f.write_str("ICMPv6")?,
            132 => f.write_str("SCTP")?,
            p => write!(f, "IP_{p}")?,
        }
        let a = &self.addr;
        if self.inet6 {
            f.write_str(" [")?;
            ipv6_compressed(f, a)?;
            write!(f, "]:{}", self.port)
        } else {
            write!(f, " {}.{}.{}.{}:{}", a[0], a[1], a[2], a[3], self.port)
        }
    }
}

/// Writes `a` as `%pI6c` does (`ip6_compressed_string()`): groups in hex
/// without leading zeros, the first longest run of two or more zero
/// groups as `::`, and the last four bytes of IPv4-mapped and ISATAP
/// addresses dotted.
fn ipv6_compressed(f: &mut fmt::Formatter<'_>, a: &[u8; 16]) -> fmt::Result {
    let group = |i: usize| u16::from_be_bytes([a[2 * i], a[2 * i + 1]]);
    let mapped = a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff;
    let isatap = a[8] | 0x02 == 0x02 && a[9] == 0 && a[10] == 0x5e && a[11] == 0xfe;
    let dotted = mapped || isatap;
    let groups = if dotted { 6 } else { 8 };
    // The first longest run of zero groups, if longer than one.
    let mut run: Option<(usize, usize)> = None;
    for i in 0..groups {
        let len = (i..groups).take_while(|&j| group(j) == 0).count();
        if len > 1 && run.is_none_or(|(_, l)| len > l) {
            run = Some((i, len));
        }
    }
    let mut colon = false;
    let mut i = 0;
    while i < groups {
        if let Some((at, len)) = run.filter(|&(at, _)| at == i) {
            f.write_str(if colon || at == 0 { "::" } else { ":" })?;
            colon = false;
            i += len;
            continue;
        }
        if colon {
            f.write_str(":")?;
        }
        write!(f, "{:x}", group(i))?;
        colon = true;
        i += 1;
    }
    if dotted {
        if colon {
            f.write_str(":")?;
        }
        write!(f, "{}.{}.{}.{}", a[12], a[13], a[14], a[15])?;
    }
    Ok(())
}

/// The outcome of one scheduling decision.
pub(crate) type Pick<'a, D> = Result<&'a D, Miss>;

/// `IP_VS_SVC_F_SCHED1`: sh and mh take it as "fall back to another
/// destination when the hashed one is unavailable".
pub(crate) const SVC_F_SCHED1: u32 = 0x0008;
/// `IP_VS_SVC_F_SCHED2`: sh and mh take it as "hash the source port too".
pub(crate) const SVC_F_SCHED2: u32 = 0x0010;

/// What the hashing schedulers read of a packet (`struct ip_vs_iphdr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Packet {
    /// `iph->saddr`.
    pub(crate) saddr: Addr,
    /// `iph->daddr`.
    pub(crate) daddr: Addr,
    /// The first two 16-bit words after the IP header, in host order:
    /// source and destination port of TCP, UDP and SCTP. Zero for other
    /// protocols or a header too short to hold them, which is what C's
    /// `ip_vs_sh_get_port()` falls back to.
    pub(crate) ports: [u16; 2],
    /// `ip_vs_iph_inverse(iph)`: the header is an ICMP error's embedded
    /// packet, which travels the other way.
    pub(crate) inverse: bool,
}

impl Packet {
    /// The client's address and port, which sh and mh hash: the source
    /// unless the header is inverted.
    pub(crate) fn client(&self) -> (Addr, u16) {
        if self.inverse {
            (self.daddr, self.ports[1])
        } else {
            (self.saddr, self.ports[0])
        }
    }
}

/// The kernel's `jiffies`: C's `unsigned long`, which the kernel crate
/// maps to `usize` (`kernel::ffi::c_ulong`) on every architecture.
pub(crate) type Jiffies = usize;

/// `time_before(a, b)`: whether `a` is before `b`, across wrap-around.
pub(crate) fn time_before(a: Jiffies, b: Jiffies) -> bool {
    // The cast to the signed type is the point: it is how C orders times.
    (a.wrapping_sub(b) as isize) < 0
}

/// `time_after(a, b)`: whether `a` is after `b`, across wrap-around.
pub(crate) fn time_after(a: Jiffies, b: Jiffies) -> bool {
    time_before(b, a)
}

/// Shared helpers of the unit tests.
#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// The id for a non-zero literal.
    pub(crate) fn id(raw: u64) -> DestId {
        match DestId::new(raw) {
            Some(id) => id,
            None => panic!("zero id in a test"),
        }
    }

    /// Destination `n` at 10.0.0.n:80 with weight `w` and no connections.
    pub(crate) fn dest(n: u8, w: i32) -> Dest {
        Dest {
            id: id(u64::from(n)),
            addr: Addr::v4([10, 0, 0, n]),
            port: 80,
            weight: w,
            last_weight: w,
            activeconns: 0,
            totalconns: 0,
            overloaded: false,
            available: true,
        }
    }

    /// Destination `n` with weight `w`, `a` active and `t` total connections.
    pub(crate) fn loaded(n: u8, w: i32, a: i32, t: i32) -> Dest {
        Dest {
            activeconns: a,
            totalconns: t,
            ..dest(n, w)
        }
    }

    /// The raw id of a pick, or 0 for a miss.
    pub(crate) fn raw<D: DestView>(p: Pick<'_, D>) -> u64 {
        p.map_or(0, |d| d.id().get())
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    fn svc_name(inet6: bool, protocol: u16, addr: [u8; 16], port: u16, fwmark: u32) -> String {
        SvcName {
            inet6,
            protocol,
            addr,
            port,
            fwmark,
        }
        .to_string()
    }

    fn v6(groups: [u16; 8]) -> [u8; 16] {
        let mut a = [0; 16];
        for (i, g) in groups.iter().enumerate() {
            a[2 * i..2 * i + 2].copy_from_slice(&g.to_be_bytes());
        }
        a
    }

    #[test]
    fn service_names_as_c_logs_them() {
        let v4 = Addr::v4([10, 0, 0, 100]).0;
        assert_eq!(svc_name(false, 17, v4, 90, 0), "UDP 10.0.0.100:90");
        assert_eq!(svc_name(false, 6, v4, 80, 0), "TCP 10.0.0.100:80");
        assert_eq!(svc_name(false, 50, v4, 0, 0), "IP_50 10.0.0.100:0");
        assert_eq!(svc_name(false, 6, [0; 16], 0, 26), "FWM 26 0x0000001A");
        let named = |g| svc_name(true, 6, v6(g), 80, 0);
        assert_eq!(
            named([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]),
            "TCP [2001:db8::1]:80"
        );
        assert_eq!(named([0; 8]), "TCP [::]:80");
        assert_eq!(named([0, 0, 0, 0, 0, 0, 0, 1]), "TCP [::1]:80");
        assert_eq!(named([1, 0, 0, 0, 0, 0, 0, 0]), "TCP [1::]:80");
        // A single zero group stays; of two equal runs the first goes.
        assert_eq!(named([1, 0, 2, 3, 4, 5, 6, 7]), "TCP [1:0:2:3:4:5:6:7]:80");
        assert_eq!(named([1, 0, 0, 2, 0, 0, 3, 4]), "TCP [1::2:0:0:3:4]:80");
        assert_eq!(named([1, 0, 0, 2, 0, 0, 0, 4]), "TCP [1:0:0:2::4]:80");
        assert_eq!(
            named([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]),
            "TCP [::ffff:10.0.0.1]:80"
        );
        assert_eq!(
            named([0xfe80, 0, 0, 0, 0, 0x5efe, 0xc000, 0x0201]),
            "TCP [fe80::5efe:192.0.2.1]:80"
        );
    }

    #[test]
    fn fold_matches_c() {
        // ntohl(addr->ip) for IPv4.
        assert_eq!(Addr::v4([192, 168, 1, 2]).fold(Family::Inet), 0xc0a8_0102);
        // ntohl(ip6[0] ^ ip6[1] ^ ip6[2] ^ ip6[3]) for IPv6.
        let a = Addr::v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(a.fold(Family::Inet6), 0x2001_0db9);
        // An IPv4 address in an IPv6 service: the zero words do not count.
        assert_eq!(Addr::v4([1, 2, 3, 4]).fold(Family::Inet6), 0x0102_0304);
    }

    #[test]
    fn overhead_is_active_times_256_plus_total() {
        assert_eq!(conn_overhead(&loaded(1, 1, 3, 10)), 3 * 256 + 10);
        // C's int arithmetic wraps instead of trapping.
        assert_eq!(conn_overhead(&loaded(1, 1, 1 << 23, 0)), i32::MIN);
    }

    #[test]
    fn time_order_survives_wrap() {
        assert!(time_before(Jiffies::MAX, 0));
        assert!(time_after(0, Jiffies::MAX));
        assert!(!time_before(5, 5));
        assert!(time_before(4, 5));
    }

    #[test]
    fn client_side_follows_inversion() {
        let mut p = Packet {
            saddr: Addr::v4([1, 1, 1, 1]),
            daddr: Addr::v4([2, 2, 2, 2]),
            ports: [1000, 80],
            inverse: false,
        };
        assert_eq!(p.client(), (Addr::v4([1, 1, 1, 1]), 1000));
        p.inverse = true;
        assert_eq!(p.client(), (Addr::v4([2, 2, 2, 2]), 80));
    }

    #[test]
    fn ids_are_non_zero_and_small() {
        assert!(DestId::new(0).is_none());
        assert_eq!(id(7).get(), 7);
        assert_eq!(core::mem::size_of::<Option<DestId>>(), 8);
        assert_eq!(Miss::Quiet.message(), "no destination available");
    }
}
