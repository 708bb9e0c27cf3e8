// SPDX-License-Identifier: GPL-2.0

//! Reading the headers IPVS needs from a packet's first bytes: the IPv4
//! header and the TCP or UDP ports and flags, and the offsets of the fields
//! NAT rewrites.
//!
//! C: `ip_vs_fill_iph_skb()` in [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)
//! and the `*_conn_schedule()` / `*_snat_handler()` / `*_dnat_handler()`
//! functions of `net/netfilter/ipvs/ip_vs_proto_{tcp,udp}.c`

/// `IPPROTO_IPIP`.
pub(crate) const IPIP: u8 = 4;
/// `IPPROTO_TCP`.
pub(crate) const TCP: u8 = 6;
/// `IPPROTO_UDP`.
pub(crate) const UDP: u8 = 17;

/// Offsets inside the IPv4 header.
pub(crate) mod ip {
    /// Type of service.
    pub(crate) const TOS: usize = 1;
    /// `frag_off` (flags and offset).
    pub(crate) const FRAG_OFF: usize = 6;
    /// Time to live.
    pub(crate) const TTL: usize = 8;
    /// Source address.
    pub(crate) const SADDR: usize = 12;
    /// Destination address.
    pub(crate) const DADDR: usize = 16;
    /// The header without options.
    pub(crate) const MIN_LEN: usize = 20;
    /// `IP_DF` in `frag_off`, host order.
    pub(crate) const DF: u16 = 0x4000;
}

/// The checksum's offset in a TCP header.
pub(crate) const TCP_CHECK: usize = 16;
/// The checksum's offset in a UDP header.
pub(crate) const UDP_CHECK: usize = 6;
/// The flags' byte in a TCP header.
pub(crate) const TCP_FLAGS: usize = 13;
/// A TCP header without options.
pub(crate) const TCP_MIN: usize = 20;
/// A UDP header.
pub(crate) const UDP_LEN: usize = 8;

/// What IPVS reads of an IPv4 header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ipv4 {
    /// Header length in bytes (`ihl * 4`).
    pub(crate) hlen: usize,
    /// Total length from the header.
    pub(crate) tot_len: usize,
    /// `frag_off`, host order.
    pub(crate) frag_off: u16,
    /// Time to live.
    pub(crate) ttl: u8,
    /// Transport protocol.
    pub(crate) protocol: u8,
    /// Source and destination addresses as on the wire.
    pub(crate) saddr: [u8; 4],
    pub(crate) daddr: [u8; 4],
}

impl Ipv4 {
    /// Parses the first bytes of a packet of `len` bytes; `None` for
    /// anything the IPv4 input path would not have let through (wrong
    /// version, header shorter than 20 bytes or longer than the packet).
    pub(crate) fn parse(b: &[u8; ip::MIN_LEN], len: usize) -> Option<Ipv4> {
        let hlen = usize::from(b[0] & 0x0f) * 4;
        let tot_len = usize::from(u16::from_be_bytes([b[2], b[3]]));
        if b[0] >> 4 != 4 || hlen < ip::MIN_LEN || hlen > len || tot_len < hlen {
            return None;
        }
        Some(Ipv4 {
            hlen,
            tot_len,
            frag_off: u16::from_be_bytes([b[6], b[7]]),
            ttl: b[ip::TTL],
            protocol: b[9],
            saddr: [b[12], b[13], b[14], b[15]],
            daddr: [b[16], b[17], b[18], b[19]],
        })
    }

    /// Whether this is a fragment (`ip_is_fragment()`): more fragments
    /// follow or the offset is not zero.
    pub(crate) fn is_fragment(&self) -> bool {
        self.frag_off & 0x3fff != 0
    }

    /// Whether the sender forbade fragmentation.
    pub(crate) fn dont_fragment(&self) -> bool {
        self.frag_off & ip::DF != 0
    }
}

/// The ports of a transport header, as on the wire.
pub(crate) fn ports(b: &[u8]) -> Option<([u8; 2], [u8; 2])> {
    match b {
        [s0, s1, d0, d1, ..] => Some(([*s0, *s1], [*d0, *d1])),
        _ => None,
    }
}

/// The fixed part of the transport header of `protocol` that IPVS reads
/// (20 bytes of TCP, 8 of UDP); `None` for other protocols.
pub(crate) fn header_len(protocol: u8) -> Option<usize> {
    match protocol {
        TCP => Some(TCP_MIN),
        UDP => Some(UDP_LEN),
        _ => None,
    }
}

/// What IPVS reads of a TCP or UDP header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct L4 {
    /// Source and destination ports, as on the wire.
    pub(crate) sport: [u8; 2],
    pub(crate) dport: [u8; 2],
    /// Whether the whole fixed header is there; if not, only the ports
    /// are known (and the fields below are zero).
    pub(crate) complete: bool,
    /// TCP: the flags' byte.
    pub(crate) flags: u8,
    /// The checksum field.
    pub(crate) check: [u8; 2],
}

impl L4 {
    /// Reads the header of `protocol` (TCP or UDP) from `b`, the bytes
    /// after the IPv4 header, as many as the packet has up to
    /// [`header_len`]. `None` without the ports: the C IPVS finds no
    /// connection for such a packet (`ip_vs_conn_fill_param_proto()`) and
    /// its `*_conn_schedule()` drops it. With the ports but not the whole
    /// header, a connection can still take it (and NAT then fails), but
    /// it opens none.
    pub(crate) fn parse(protocol: u8, b: &[u8]) -> Option<L4> {
        let hdr = header_len(protocol)?;
        let (sport, dport) = ports(b)?;
        let check_at = if protocol == TCP {
            TCP_CHECK
        } else {
            UDP_CHECK
        };
        match b.get(..hdr) {
            Some(h) => Some(L4 {
                sport,
                dport,
                complete: true,
                flags: if protocol == TCP { h[TCP_FLAGS] } else { 0 },
                check: [h[check_at], h[check_at + 1]],
            }),
            None => Some(L4 {
                sport,
                dport,
                complete: false,
                flags: 0,
                check: [0; 2],
            }),
        }
    }
}

/// The outer header of a tunnel to `daddr` from `saddr` carrying
/// `payload_len` bytes of `protocol` (the inner packet and what the
/// encapsulation puts in front of it), with the inner header's TTL and DF
/// bit as `ip_vs_tunnel_xmit()` does and the inner TOS `tos` under the
/// ECN rules of tunnels; `id` 0 and checksum left for the caller (after
/// `ip_select_ident()`). `None` when the result would exceed 65535 bytes.
pub(crate) fn tunnel_header(
    inner: &Ipv4,
    tos: u8,
    (saddr, daddr): ([u8; 4], [u8; 4]),
    protocol: u8,
    payload_len: usize,
) -> Option<[u8; ip::MIN_LEN]> {
    let tot = u16::try_from(payload_len.checked_add(ip::MIN_LEN)?).ok()?;
    let mut h = [0u8; ip::MIN_LEN];
    h[0] = 0x45;
    h[ip::TOS] = ecn_encapsulate(tos);
    h[2..4].copy_from_slice(&tot.to_be_bytes());
    let df = inner.frag_off & ip::DF;
    h[ip::FRAG_OFF..ip::FRAG_OFF + 2].copy_from_slice(&df.to_be_bytes());
    h[ip::TTL] = inner.ttl;
    h[9] = protocol;
    h[ip::SADDR..ip::SADDR + 4].copy_from_slice(&saddr);
    h[ip::DADDR..ip::DADDR + 4].copy_from_slice(&daddr);
    Some(h)
}

/// The outer TOS of a tunnel around a packet with TOS `inner`
/// (`INET_ECN_encapsulate(inner, inner)`): "congestion experienced" is not
/// copied out, the outer header says only that the transport is ECN
/// capable.
fn ecn_encapsulate(inner: u8) -> u8 {
    const ECN_MASK: u8 = 3;
    const CE: u8 = 3;
    const ECT_0: u8 = 2;
    match inner & ECN_MASK {
        CE => (inner & !ECN_MASK) | ECT_0,
        _ => inner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> [u8; 20] {
        // A SYN from 10.0.0.2 to 207.175.44.110, DF, TTL 64, 60 bytes.
        [
            0x45, 0, 0, 60, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 207, 175, 44, 110,
        ]
    }

    #[test]
    fn parses_a_plain_header() {
        let h = Ipv4::parse(&header(), 60).unwrap();
        assert_eq!(h.hlen, 20);
        assert_eq!(h.tot_len, 60);
        assert_eq!(h.protocol, TCP);
        assert_eq!(h.saddr, [10, 0, 0, 2]);
        assert_eq!(h.daddr, [207, 175, 44, 110]);
        assert!(h.dont_fragment());
        assert!(!h.is_fragment());
    }

    #[test]
    fn refuses_bad_headers() {
        let mut b = header();
        b[0] = 0x65;
        assert_eq!(Ipv4::parse(&b, 60), None, "version 6");
        b[0] = 0x44;
        assert_eq!(Ipv4::parse(&b, 60), None, "ihl 4");
        b[0] = 0x4f;
        assert_eq!(Ipv4::parse(&b, 40), None, "60-byte header in 40 bytes");
        let mut b = header();
        b[2] = 0;
        b[3] = 10;
        assert_eq!(Ipv4::parse(&b, 60), None, "total length under the header");
    }

    #[test]
    fn fragments() {
        let mut b = header();
        b[6] = 0x20; // MF
        assert!(Ipv4::parse(&b, 60).unwrap().is_fragment());
        b[6] = 0;
        b[7] = 1; // offset 8
        assert!(Ipv4::parse(&b, 60).unwrap().is_fragment());
    }

    #[test]
    fn tunnel_outer_header() {
        let inner = Ipv4::parse(&header(), 60).unwrap();
        let addrs = ([172, 16, 0, 1], [172, 16, 0, 2]);
        let h = tunnel_header(&inner, 0x10, addrs, IPIP, 60).unwrap();
        assert_eq!(h[0], 0x45);
        assert_eq!(h[1], 0x10);
        assert_eq!(u16::from_be_bytes([h[2], h[3]]), 80);
        assert_eq!(u16::from_be_bytes([h[6], h[7]]), ip::DF);
        assert_eq!(h[8], 64);
        assert_eq!(h[9], IPIP);
        assert_eq!(&h[12..16], &[172, 16, 0, 1]);
        assert_eq!(&h[16..20], &[172, 16, 0, 2]);
        assert_eq!(tunnel_header(&inner, 0, addrs, IPIP, 65_516), None);
        // GRE over the same packet: only the protocol and length differ.
        let gre = tunnel_header(&inner, 0x10, addrs, 47, 64).unwrap();
        assert_eq!((gre[9], gre[3]), (47, 84));
    }

    #[test]
    fn tunnel_ecn() {
        let inner = Ipv4::parse(&header(), 60).unwrap();
        let tos = |t| tunnel_header(&inner, t, ([0; 4], [0; 4]), IPIP, 60).unwrap()[1];
        // Not ECN capable, ECT(1), ECT(0): copied.
        assert_eq!((tos(0x10), tos(0x11), tos(0x12)), (0x10, 0x11, 0x12));
        // Congestion experienced: the outer header says ECT(0).
        assert_eq!(tos(0x13), 0x12);
    }

    #[test]
    fn ports_need_four_bytes() {
        assert_eq!(ports(&[1, 2, 3, 4, 5]), Some(([1, 2], [3, 4])));
        assert_eq!(ports(&[1, 2, 3]), None);
    }

    /// A TCP SYN from port 1000 to 80, checksum 0xabcd.
    fn tcp_syn() -> [u8; 20] {
        [
            0x03, 0xe8, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0xab, 0xcd, 0, 0,
        ]
    }

    #[test]
    fn transport_headers() {
        let t = tcp_syn();
        let l4 = L4::parse(TCP, &t).unwrap();
        assert_eq!((l4.sport, l4.dport), ([0x03, 0xe8], [0, 80]));
        assert!(l4.complete);
        assert_eq!(l4.flags, 0x02);
        assert_eq!(l4.check, [0xab, 0xcd]);
        // UDP reads 8 bytes: ports, length, checksum.
        let u = [0, 53, 0, 80, 0, 12, 0, 0];
        let l4 = L4::parse(UDP, &u).unwrap();
        assert!(l4.complete);
        assert_eq!((l4.flags, l4.check), (0, [0, 0]));
        assert_eq!(header_len(1), None, "ICMP");
        assert_eq!(L4::parse(1, &t), None);
    }

    #[test]
    fn transport_headers_cut_short() {
        let t = tcp_syn();
        for n in 0..4 {
            assert_eq!(L4::parse(TCP, &t[..n]), None, "{n} bytes of TCP");
            assert_eq!(L4::parse(UDP, &t[..n]), None, "{n} bytes of UDP");
        }
        // From the ports on, a cut header has ports but nothing else: no
        // flags (so not a SYN) and no checksum.
        for n in 4..20 {
            let l4 = L4::parse(TCP, &t[..n]).unwrap();
            assert_eq!((l4.sport, l4.dport), ([0x03, 0xe8], [0, 80]));
            assert!(!l4.complete, "{n} bytes of TCP");
            assert_eq!((l4.flags, l4.check), (0, [0, 0]));
        }
        for n in 4..8 {
            assert!(
                !L4::parse(UDP, &t[..n]).unwrap().complete,
                "{n} bytes of UDP"
            );
        }
        assert!(L4::parse(UDP, &t[..8]).unwrap().complete);
    }
}
