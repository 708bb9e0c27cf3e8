// SPDX-License-Identifier: GPL-2.0

//! ICMP errors about connections: which messages IPVS looks into, the
//! packet they quote (its IPv4 header and ports, or, for a tunnel packet
//! (IP in IP, GUE or GRE), the packet inside), and the quoted header's
//! checksum once NAT changed an address in it.
//!
//! C: `ip_vs_out_icmp()`, `ip_vs_in_icmp()` and `ip_vs_nat_icmp()` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use super::{
    encap,
    packet::{self, ip, Ipv4},
};

/// `IPPROTO_ICMP`.
pub(crate) const PROTO: u8 = 1;
/// `ICMP_DEST_UNREACH`, `ICMP_SOURCE_QUENCH`, `ICMP_TIME_EXCEEDED`.
pub(crate) const DEST_UNREACH: u8 = 3;
pub(crate) const SOURCE_QUENCH: u8 = 4;
pub(crate) const TIME_EXCEEDED: u8 = 11;
/// `ICMP_PORT_UNREACH` and `ICMP_FRAG_NEEDED` (codes of `DEST_UNREACH`).
pub(crate) const PORT_UNREACH: u8 = 3;
pub(crate) const FRAG_NEEDED: u8 = 4;
/// `ICMP_EXC_TTL` (a code of `TIME_EXCEEDED`).
pub(crate) const EXC_TTL: u8 = 0;
/// `IPPROTO_IPIP`.
const IPIP: u8 = 4;
/// `struct icmphdr`.
pub(crate) const HDR_LEN: usize = 8;
/// The quoted IPv4 header's checksum offset.
const IP_CHECK: usize = 10;
/// `IP_OFFSET` of `frag_off`, host order.
const IP_OFFSET: u16 = 0x1fff;
/// The longest GUE encapsulation: UDP, GUE and 31 words of options.
const GUE_MAX_LEN: usize = 8 + 4 + 31 * 4;
/// The most of an ICMP message IPVS reads: its header, the longest quoted
/// tunnel header and encapsulation, the longest IPv4 header inside and its
/// ports.
pub(crate) const MAX_READ: usize = HDR_LEN + 60 + GUE_MAX_LEN + 60 + 4;

/// An ICMP error about a TCP or UDP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    /// Offset of the quoted IPv4 header from the outer one's start.
    pub(crate) off: usize,
    /// The quoted IPv4 header (its total length is what the quoted
    /// packet had, not what is quoted of it).
    pub(crate) iph: Ipv4,
    /// The quoted source and destination ports, as on the wire.
    pub(crate) sport: [u8; 2],
    pub(crate) dport: [u8; 2],
}

impl Error {
    /// Offset of the quoted ports from the outer header's start.
    pub(crate) fn ports_off(&self) -> usize {
        self.off + self.iph.hlen
    }

    /// How much of the packet, from the outer header's start, NAT changes:
    /// up to the end of the quoted ports.
    pub(crate) fn nat_len(&self) -> usize {
        self.ports_off() + 4
    }
}

/// What an ICMP message is to IPVS.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Icmp {
    /// The ICMP header is cut short: dropped.
    Truncated,
    /// Not an error IPVS looks into, or an error that looks wrong or
    /// quotes no TCP or UDP header: it passes.
    Other,
    /// An error about a TCP or UDP packet, perhaps of a connection.
    Error(Error),
    /// An error about a tunnel packet carrying a TCP or UDP packet,
    /// perhaps one this host tunnelled to a real server.
    Tunnel(Tunnel),
}

/// How a quoted tunnel packet carried the packet inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Carrier {
    /// IP in IP.
    Ipip,
    /// GUE, sent to this UDP port (as on the wire).
    Gue([u8; 2]),
    /// GRE.
    Gre,
}

/// An ICMP error about a tunnel packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tunnel {
    /// The error's type and code.
    pub(crate) kind: u8,
    pub(crate) code: u8,
    /// The word after its checksum, host order: for "fragmentation
    /// needed", the next hop's MTU in the low 16 bits.
    pub(crate) info: u32,
    /// The tunnel's far end, the quoted IP-in-IP header's destination.
    pub(crate) server: [u8; 4],
    /// Offset of the quoted tunnel header from the outer one's start,
    /// and its length.
    pub(crate) ipip_off: usize,
    pub(crate) ipip_hlen: usize,
    /// How it carried the packet inside, in how many bytes after its
    /// header (0 for IP in IP).
    pub(crate) carrier: Carrier,
    pub(crate) encap_len: usize,
    /// The packet inside it.
    pub(crate) inner: Error,
    /// For a UDP packet that only looks like GUE: the error about it
    /// (what it is if no tunnel of this host sent it).
    pub(crate) plain: Option<Error>,
}

/// Whether IPVS looks into ICMP messages of type `t`: the errors that
/// quote a packet (unreachable, source quench, time exceeded).
fn is_error(t: u8) -> bool {
    matches!(t, DEST_UNREACH | SOURCE_QUENCH | TIME_EXCEEDED)
}

/// Reads the ICMP message `b` (up to [`MAX_READ`] bytes of it, fewer when
/// the packet ends sooner) that follows an outer IPv4 header of `hlen`
/// bytes, as `ip_vs_{in,out}_icmp()` do before looking up the connection.
pub(crate) fn parse(hlen: usize, b: &[u8]) -> Icmp {
    let Some(&t) = b.first() else {
        return Icmp::Truncated;
    };
    if b.len() < HDR_LEN {
        return Icmp::Truncated;
    }
    if !is_error(t) {
        return Icmp::Other;
    }
    let Some(q) = b
        .get(HDR_LEN..HDR_LEN + ip::MIN_LEN)
        .and_then(|q| <&[u8; ip::MIN_LEN]>::try_from(q).ok())
    else {
        return Icmp::Other;
    };
    let Some(iph) = quoted_header(q) else {
        return Icmp::Other;
    };
    let plain = quoted(b, HDR_LEN);
    let at = HDR_LEN + iph.hlen;
    let carried = match iph.protocol {
        _ if iph.frag_off & IP_OFFSET != 0 => None,
        IPIP => Some((Carrier::Ipip, 0)),
        packet::UDP => b.get(at..).and_then(gue),
        encap::GRE => b.get(at..).and_then(gre),
        _ => None,
    };
    if let Some((carrier, encap_len)) = carried {
        let Some(inner) = quoted(b, at + encap_len) else {
            return plain.map_or(Icmp::Other, |e| Icmp::Error(at_outer(hlen, e)));
        };
        let info = b.get(4..HDR_LEN).and_then(|w| <[u8; 4]>::try_from(w).ok());
        return Icmp::Tunnel(Tunnel {
            kind: t,
            code: b[1],
            info: info.map_or(0, u32::from_be_bytes),
            server: iph.daddr,
            ipip_off: hlen + HDR_LEN,
            ipip_hlen: iph.hlen,
            carrier,
            encap_len,
            inner: at_outer(hlen, inner),
            plain: plain.map(|e| at_outer(hlen, e)),
        });
    }
    plain.map_or(Icmp::Other, |e| Icmp::Error(at_outer(hlen, e)))
}

/// `e` quoted in an ICMP message after an outer header of `hlen` bytes:
/// its offset from that header's start.
fn at_outer(hlen: usize, e: Error) -> Error {
    Error {
        off: hlen + e.off,
        ..e
    }
}

/// The GUE encapsulation at the start of `b` (a quoted UDP packet), if it
/// looks like one of IPVS's: version 0, data, carrying IP in IP
/// (`ipvs_udp_decap()`); with the port it went to and its length.
fn gue(b: &[u8]) -> Option<(Carrier, usize)> {
    let (port, g) = (b.get(2..4)?, b.get(8..12)?);
    if g[0] >> 5 != 0 || g[1] != IPIP {
        return None;
    }
    let len = 8 + 4 + usize::from(g[0] & 0x1f) * 4;
    Some((Carrier::Gue([port[0], port[1]]), len))
}

/// The GRE header at the start of `b`, if it looks like one of IPVS's:
/// version 0, no flag but the checksum's, carrying IPv4
/// (`ipvs_gre_decap()`); with its length.
fn gre(b: &[u8]) -> Option<(Carrier, usize)> {
    const CSUM: u16 = 0x8000;
    const ETH_P_IP: [u8; 2] = [0x08, 0x00];
    let flags = u16::from_be_bytes([*b.first()?, *b.get(1)?]);
    if flags & !CSUM != 0 || b.get(2..4)? != ETH_P_IP {
        return None;
    }
    Some((Carrier::Gre, if flags & CSUM != 0 { 8 } else { 4 }))
}

/// The TCP or UDP packet quoted at `off` of the ICMP message `b`: its
/// header and ports, with `off` as its offset; `None` for anything else,
/// a non-first fragment, or a quote too short for the ports.
fn quoted(b: &[u8], off: usize) -> Option<Error> {
    let q = b.get(off..off + ip::MIN_LEN)?;
    let iph = quoted_header(<&[u8; ip::MIN_LEN]>::try_from(q).ok()?)?;
    if !matches!(iph.protocol, packet::TCP | packet::UDP) || iph.frag_off & IP_OFFSET != 0 {
        return None;
    }
    let (sport, dport) = b.get(off + iph.hlen..).and_then(packet::ports)?;
    Some(Error {
        off,
        iph,
        sport,
        dport,
    })
}

/// A quoted IPv4 header: version 4 and at least 20 bytes long is all C
/// asks of it.
fn quoted_header(b: &[u8; ip::MIN_LEN]) -> Option<Ipv4> {
    let hlen = usize::from(b[0] & 0x0f) * 4;
    if b[0] >> 4 != 4 || hlen < ip::MIN_LEN {
        return None;
    }
    Some(Ipv4 {
        hlen,
        tot_len: usize::from(u16::from_be_bytes([b[2], b[3]])),
        frag_off: u16::from_be_bytes([b[6], b[7]]),
        ttl: b[ip::TTL],
        protocol: b[9],
        saddr: [b[12], b[13], b[14], b[15]],
        daddr: [b[16], b[17], b[18], b[19]],
    })
}

/// Puts `addr` at `addr_off` (`ip::SADDR` or `ip::DADDR`) of the IPv4
/// header `h` and recomputes its checksum (`ip_send_check()`). `None` when
/// the header's own length is not that of `h` (C revalidates the quoted
/// header's length this way before it writes).
pub(crate) fn set_addr(h: &mut [u8], addr_off: usize, addr: [u8; 4]) -> Option<()> {
    let hlen = usize::from(h.first()? & 0x0f) * 4;
    if hlen < ip::MIN_LEN || h.len() != hlen {
        return None;
    }
    h.get_mut(addr_off..addr_off + 4)?.copy_from_slice(&addr);
    h[IP_CHECK..IP_CHECK + 2].fill(0);
    let check = checksum(h);
    h[IP_CHECK..IP_CHECK + 2].copy_from_slice(&check);
    Some(())
}

/// The Internet checksum of `b` (an even number of bytes), as on the wire.
fn checksum(b: &[u8]) -> [u8; 2] {
    let mut sum: u32 = b
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let folded = u16::try_from(sum).unwrap_or(u16::MAX);
    (!folded).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port unreachable from 192.168.100.11 about UDP 10.0.0.2:2000 ->
    /// 192.168.100.11:80, with a quoted header of `ihl` words.
    fn port_unreachable(ihl: u8) -> Vec<u8> {
        let mut b = vec![DEST_UNREACH, PORT_UNREACH, 0, 0, 0, 0, 0, 0];
        let mut q = vec![
            0x40 | ihl,
            0,
            0,
            33,
            0,
            1,
            0x40,
            0,
            63,
            packet::UDP,
            0,
            0,
            10,
            0,
            0,
            2,
            192,
            168,
            100,
            11,
        ];
        q.resize(usize::from(ihl) * 4, 0);
        let check = checksum(&q);
        q[IP_CHECK..IP_CHECK + 2].copy_from_slice(&check);
        b.extend_from_slice(&q);
        b.extend_from_slice(&[0x07, 0xd0, 0, 80, 0, 13, 0, 0, b'h']);
        b
    }

    #[test]
    fn finds_the_quoted_packet() {
        let b = port_unreachable(5);
        let Icmp::Error(e) = parse(20, &b) else {
            panic!("not an error");
        };
        assert_eq!(e.off, 28);
        assert_eq!(e.iph.hlen, 20);
        assert_eq!(e.iph.protocol, packet::UDP);
        assert_eq!(e.iph.saddr, [10, 0, 0, 2]);
        assert_eq!(e.iph.daddr, [192, 168, 100, 11]);
        assert_eq!(e.sport, 2000u16.to_be_bytes());
        assert_eq!(e.dport, 80u16.to_be_bytes());
        assert_eq!(e.ports_off(), 48);
        assert_eq!(e.nat_len(), 52);
    }

    #[test]
    fn quoted_options_move_the_ports() {
        let b = port_unreachable(6);
        let Icmp::Error(e) = parse(24, &b) else {
            panic!("not an error");
        };
        assert_eq!(e.off, 32);
        assert_eq!(e.ports_off(), 56);
        assert_eq!(e.sport, 2000u16.to_be_bytes());
    }

    /// A "fragmentation needed" (MTU 1400) about the packet of
    /// [`port_unreachable`] inside an IP-in-IP packet 192.168.100.1 ->
    /// 192.168.100.11 with a header of `ihl` words.
    fn tunnel_frag_needed(ihl: u8) -> Vec<u8> {
        let inner = port_unreachable(5);
        let mut b = vec![DEST_UNREACH, FRAG_NEEDED, 0, 0, 0, 0, 0x05, 0x78];
        let mut q = vec![0x40 | ihl, 0, 0, 0, 0, 0, 0x40, 0, 64, IPIP, 0, 0];
        q.extend_from_slice(&[192, 168, 100, 1, 192, 168, 100, 11]);
        q.resize(usize::from(ihl) * 4, 0);
        b.extend_from_slice(&q);
        b.extend_from_slice(&inner[HDR_LEN..]);
        b
    }

    #[test]
    fn finds_the_packet_inside_a_tunnel() {
        let Icmp::Tunnel(t) = parse(20, &tunnel_frag_needed(6)) else {
            panic!("not a tunnel error");
        };
        assert_eq!((t.kind, t.code, t.info), (DEST_UNREACH, FRAG_NEEDED, 1400));
        assert_eq!(t.server, [192, 168, 100, 11]);
        assert_eq!((t.ipip_off, t.ipip_hlen), (28, 24));
        assert_eq!(t.inner.off, 52);
        assert_eq!(t.inner.iph.protocol, packet::UDP);
        assert_eq!(t.inner.iph.saddr, [10, 0, 0, 2]);
        assert_eq!(t.inner.sport, 2000u16.to_be_bytes());
        assert_eq!(t.inner.dport, 80u16.to_be_bytes());
        // A later fragment of the tunnel packet, or one whose inside is not
        // TCP or UDP or is cut before its ports, is not looked into.
        let mut b = tunnel_frag_needed(5);
        b[HDR_LEN + 7] = 1;
        assert_eq!(parse(20, &b), Icmp::Other);
        let mut b = tunnel_frag_needed(5);
        b[HDR_LEN + 20 + 9] = 50;
        assert_eq!(parse(20, &b), Icmp::Other);
        let b = tunnel_frag_needed(5);
        assert_eq!(parse(20, &b[..HDR_LEN + 40 + 3]), Icmp::Other);
        assert!(matches!(parse(20, &b[..HDR_LEN + 40 + 4]), Icmp::Tunnel(_)));
    }

    /// A "fragmentation needed" about the packet of [`port_unreachable`]
    /// in a tunnel packet 192.168.100.1 -> 192.168.100.11 of `protocol`,
    /// its encapsulation `encap`.
    fn encap_frag_needed(protocol: u8, encap: &[u8]) -> Vec<u8> {
        let inner = port_unreachable(5);
        let mut b = vec![DEST_UNREACH, FRAG_NEEDED, 0, 0, 0, 0, 0x05, 0x78];
        b.extend_from_slice(&[0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, protocol, 0, 0]);
        b.extend_from_slice(&[192, 168, 100, 1, 192, 168, 100, 11]);
        b.extend_from_slice(encap);
        b.extend_from_slice(&inner[HDR_LEN..]);
        b
    }

    #[test]
    fn finds_the_packet_inside_gue() {
        // UDP 40000 -> 6080, then GUE with one word of options.
        let gue = [
            0x9c, 0x40, 0x17, 0xc0, 0, 49, 0, 0, 1, IPIP, 0, 1, 0, 0, 0, 0,
        ];
        let b = encap_frag_needed(packet::UDP, &gue);
        let Icmp::Tunnel(t) = parse(20, &b) else {
            panic!("not a tunnel error");
        };
        assert_eq!(t.carrier, Carrier::Gue(6080u16.to_be_bytes()));
        assert_eq!((t.ipip_off, t.ipip_hlen, t.encap_len), (28, 20, 16));
        assert_eq!(t.inner.off, 20 + 8 + 20 + 16);
        assert_eq!(t.inner.sport, 2000u16.to_be_bytes());
        // Should no tunnel of this host have sent it: an error about UDP
        // 40000 -> 6080.
        let plain = t.plain.unwrap();
        assert_eq!(
            (plain.off, plain.sport, plain.dport),
            (
                28,
                gue[..2].try_into().unwrap(),
                gue[2..4].try_into().unwrap()
            )
        );
        // Not GUE as IPVS sends it: only the UDP packet.
        for (at, v) in [(8, 0x20), (8, 0x80), (9, packet::TCP)] {
            let mut other = gue;
            other[at] = v;
            let b = encap_frag_needed(packet::UDP, &other);
            assert!(matches!(parse(20, &b), Icmp::Error(_)), "byte {at} = {v}");
        }
    }

    #[test]
    fn finds_the_packet_inside_gre() {
        for (gre, len) in [
            (&[0, 0, 8, 0][..], 4),
            (&[0x80, 0, 8, 0, 0xab, 0xcd, 0, 0][..], 8),
        ] {
            let b = encap_frag_needed(encap::GRE, gre);
            let Icmp::Tunnel(t) = parse(20, &b) else {
                panic!("not a tunnel error");
            };
            assert_eq!((t.carrier, t.encap_len, t.plain), (Carrier::Gre, len, None));
            assert_eq!(t.inner.off, 20 + 8 + 20 + len);
            assert_eq!(t.inner.dport, 80u16.to_be_bytes());
        }
        // A key, or IPv6 inside: not IPVS's.
        for gre in [[0x20, 0, 8, 0], [0, 0, 0x86, 0xdd]] {
            assert_eq!(parse(20, &encap_frag_needed(encap::GRE, &gre)), Icmp::Other);
        }
    }

    #[test]
    fn only_errors_about_tcp_and_udp() {
        let b = port_unreachable(5);
        assert_eq!(parse(20, &b[..7]), Icmp::Truncated);
        assert_eq!(parse(20, &[]), Icmp::Truncated);
        for t in [SOURCE_QUENCH, TIME_EXCEEDED] {
            let mut e = b.clone();
            e[0] = t;
            assert!(matches!(parse(20, &e), Icmp::Error(_)), "type {t}");
        }
        let mut echo = b.clone();
        echo[0] = 8;
        assert_eq!(parse(20, &echo), Icmp::Other, "echo request");
        assert_eq!(parse(20, &b[..8]), Icmp::Other, "nothing quoted");
        assert_eq!(parse(20, &b[..30]), Icmp::Other, "quoted header cut");
        assert_eq!(parse(20, &b[..31]), Icmp::Other, "quoted ports cut");
        assert!(matches!(parse(20, &b[..32]), Icmp::Error(_)), "ports only");
        let mut v6 = b.clone();
        v6[8] = 0x65;
        assert_eq!(parse(20, &v6), Icmp::Other, "version 6");
        let mut short = b.clone();
        short[8] = 0x44;
        assert_eq!(parse(20, &short), Icmp::Other, "ihl 4");
        let mut icmp = b.clone();
        icmp[8 + 9] = PROTO;
        assert_eq!(parse(20, &icmp), Icmp::Other, "about ICMP");
        let mut frag = b.clone();
        frag[8 + 7] = 1;
        assert_eq!(parse(20, &frag), Icmp::Other, "a later fragment");
        let mut first = b.clone();
        first[8 + 6] = 0x20;
        assert!(
            matches!(parse(20, &first), Icmp::Error(_)),
            "first fragment"
        );
    }

    #[test]
    fn checksum_of_a_known_header() {
        // The example of RFC 1071's errata / Wikipedia: checksum 0xb861.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&h), [0xb8, 0x61]);
    }

    #[test]
    fn set_addr_keeps_the_header_valid() {
        let b = port_unreachable(6);
        let mut q = b[8..32].to_vec();
        set_addr(&mut q, ip::SADDR, [192, 168, 100, 12]).unwrap();
        assert_eq!(&q[12..16], &[192, 168, 100, 12]);
        assert_eq!(checksum(&q), [0, 0], "sums to zero with its checksum");
        set_addr(&mut q, ip::DADDR, [10, 0, 0, 100]).unwrap();
        assert_eq!(&q[16..20], &[10, 0, 0, 100]);
        assert_eq!(checksum(&q), [0, 0]);
        assert_eq!(set_addr(&mut q[..20], ip::SADDR, [0; 4]), None, "cut");
        q.push(0);
        assert_eq!(set_addr(&mut q, ip::SADDR, [0; 4]), None, "longer");
        q.pop();
        q[0] = 0x44;
        assert_eq!(set_addr(&mut q, ip::SADDR, [0; 4]), None, "ihl 4");
    }
}
