// SPDX-License-Identifier: GPL-2.0

//! The transport protocols IPVS balances on the packet path (TCP and UDP
//! over IPv4): reading their headers from a packet (and telling ICMP
//! apart) and moving their connections' state on.
//!
//! C: [`net/netfilter/ipvs/ip_vs_proto_tcp.c`](srctree/net/netfilter/ipvs/ip_vs_proto_tcp.c)
//! and `ip_vs_proto_udp.c`

use crate::{
    conn::table::{Conn, Endpoint, StateTimeouts},
    ffi::{netfilter::Verdict, skb::Skb},
    logic::{
        icmp,
        packet::{self, ip, Ipv4, L4},
        tcp_state::{Direction, TcpFlags},
    },
};

/// What IPVS knows of a TCP or UDP packet.
pub(crate) struct Packet {
    /// The IPv4 header.
    pub(crate) iph: Ipv4,
    /// Source and destination ports (`__be16` bits).
    pub(crate) sport: u16,
    pub(crate) dport: u16,
    /// The TCP flags (none when the header is cut); `None` for UDP.
    pub(crate) tcp: Option<TcpFlags>,
    /// The transport header ends before its fixed part does: only the
    /// ports are known.
    pub(crate) cut: bool,
    /// Bytes from the network header to the end of the transport header
    /// part NAT rewrites.
    pub(crate) headers_len: usize,
    /// Offset of the transport checksum.
    pub(crate) check_off: usize,
    /// A UDP datagram sent without a checksum (a zero one).
    pub(crate) udp_no_check: bool,
    /// The packet's length from the network header.
    pub(crate) len: usize,
}

/// What a packet is to IPVS.
pub(crate) enum Parsed {
    /// Not TCP, UDP or ICMP over IPv4, or a fragment: not IPVS's business.
    Other,
    /// An ICMP message (perhaps an error about a connection), with its
    /// IPv4 header.
    Icmp(Ipv4),
    /// TCP or UDP cut before the end of its ports.
    Truncated,
    /// TCP or UDP cut after its ports, before the end of the header's
    /// fixed part: a connection may take it, but it opens none.
    Cut(Packet),
    /// A packet IPVS can balance.
    Packet(Packet),
}

/// Reads the headers of an IPv4 packet.
pub(crate) fn parse(skb: &Skb<'_>) -> Parsed {
    let len = skb.len();
    let mut b = [0u8; ip::MIN_LEN];
    if skb.read(0, &mut b).is_err() {
        return Parsed::Other;
    }
    let Some(iph) = Ipv4::parse(&b, len) else {
        return Parsed::Other;
    };
    if iph.is_fragment() {
        return Parsed::Other;
    }
    let hdr = match iph.protocol {
        icmp::PROTO => return Parsed::Icmp(iph),
        p => match packet::header_len(p) {
            Some(hdr) => hdr,
            None => return Parsed::Other,
        },
    };
    let mut t = [0u8; packet::TCP_MIN];
    let n = len.saturating_sub(iph.hlen).min(hdr);
    let Some(t) = t.get_mut(..n) else {
        return Parsed::Truncated;
    };
    if skb.read(iph.hlen, t).is_err() {
        return Parsed::Truncated;
    }
    let Some(l4) = L4::parse(iph.protocol, t) else {
        return Parsed::Truncated;
    };
    let tcp = iph.protocol == packet::TCP;
    let check = if tcp {
        packet::TCP_CHECK
    } else {
        packet::UDP_CHECK
    };
    let pkt = Packet {
        iph,
        sport: u16::from_ne_bytes(l4.sport),
        dport: u16::from_ne_bytes(l4.dport),
        tcp: tcp.then(|| TcpFlags::from_byte(l4.flags)),
        cut: !l4.complete,
        headers_len: iph.hlen + hdr,
        check_off: iph.hlen + check,
        udp_no_check: !tcp && l4.complete && l4.check == [0, 0],
        len,
    };
    if l4.complete {
        Parsed::Packet(pkt)
    } else {
        Parsed::Cut(pkt)
    }
}

/// An IPv4 address in `union nf_inet_addr` layout.
pub(crate) fn inet_addr(a: [u8; 4]) -> [u8; 16] {
    let mut out = [0; 16];
    out[..4].copy_from_slice(&a);
    out
}

impl Packet {
    /// The request the packet an ICMP error quotes would answer, as
    /// scheduling sees it (the inverse header `ip_vs_in_icmp()` gives
    /// `ip_vs_try_to_schedule()`): from the quoted destination to the
    /// quoted source. It has no payload of its own, so a persistence
    /// engine finds nothing in it, as C's finds nothing in an ICMP message.
    pub(crate) fn answered_by(e: &icmp::Error) -> Packet {
        let iph = Ipv4 {
            saddr: e.iph.daddr,
            daddr: e.iph.saddr,
            ..e.iph
        };
        Packet {
            iph,
            sport: u16::from_ne_bytes(e.dport),
            dport: u16::from_ne_bytes(e.sport),
            tcp: None,
            cut: false,
            headers_len: iph.hlen,
            check_off: iph.hlen,
            udp_no_check: false,
            len: 0,
        }
    }

    /// The sender.
    pub(crate) fn source(&self) -> Endpoint {
        Endpoint {
            addr: inet_addr(self.iph.saddr),
            port: self.sport,
        }
    }

    /// The addressee.
    pub(crate) fn destination(&self) -> Endpoint {
        Endpoint {
            addr: inet_addr(self.iph.daddr),
            port: self.dport,
        }
    }

    /// Whether the packet opens a connection, with the whole header: any
    /// UDP packet, a TCP SYN without RST, or with `sloppy` (`sloppy_tcp`)
    /// any TCP packet without RST (the `*_conn_schedule()` condition).
    pub(crate) fn may_open(&self, sloppy: bool) -> bool {
        !self.cut && self.tcp.is_none_or(|f| !f.rst && (f.syn || sloppy))
    }

    /// What becomes of a packet that has no connection and opens none:
    /// it passes, unless its header is cut, which `*_conn_schedule()`
    /// drops.
    pub(crate) fn unscheduled(&self) -> Verdict {
        if self.cut {
            Verdict::Drop
        } else {
            Verdict::Accept
        }
    }

    /// Moves `conn` on for this packet going `dir` (`ip_vs_set_state()`),
    /// with the namespace's timeouts: TCP's by state, UDP's.
    pub(crate) fn update(&self, conn: &Conn, dir: Direction, timeouts: &StateTimeouts) {
        match self.tcp {
            // `tcp_state_transition()` cannot read the flags.
            Some(_) if self.cut => {}
            Some(flags) => conn.tcp_packet(dir, flags, false, timeouts),
            None => conn.udp_packet(dir, timeouts),
        }
    }
}
