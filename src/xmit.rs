// SPDX-License-Identifier: GPL-2.0

//! The forwarding methods: how a packet of a connection reaches its real
//! server (NAT, direct routing, IP-in-IP tunnelling), and how NAT replies
//! come back from the virtual address.
//!
//! C: [`net/netfilter/ipvs/ip_vs_xmit.c`](srctree/net/netfilter/ipvs/ip_vs_xmit.c)
//! and the `*_snat_handler()` / `*_dnat_handler()` functions of
//! `ip_vs_proto_{tcp,udp}.c`

use crate::{
    conn::table::Endpoint,
    ctl::dest::Dest,
    ffi::{netfilter::Verdict, pernet::Net, route::Route, skb::Skb},
    logic::{
        encap::Encap,
        icmp,
        packet::{self, ip, Ipv4},
    },
    proto::Packet,
};
use kernel::prelude::*;

/// The first four bytes of an address.
pub(crate) fn v4(addr: &[u8; 16]) -> [u8; 4] {
    [addr[0], addr[1], addr[2], addr[3]]
}

/// What leaves for a real server: a packet of a connection, or an ICMP
/// error about one (C's `IP_VS_HDR_ICMP`), which is never answered with
/// "fragmentation needed".
#[derive(Clone, Copy)]
pub(crate) struct Outgoing<'a> {
    /// The packet's own IPv4 header.
    pub(crate) iph: &'a Ipv4,
    /// Whether it is an ICMP error about a connection.
    pub(crate) icmp_error: bool,
}

impl<'a> From<&'a Packet> for Outgoing<'a> {
    fn from(pkt: &'a Packet) -> Self {
        Outgoing {
            iph: &pkt.iph,
            icmp_error: false,
        }
    }
}

/// What a tunnel adds to a packet's way to its real server: its headers,
/// and whether path MTU discovery goes through it (the sysctl
/// `pmtu_disc`: without, the tunnel packet is fragmented when it must be).
#[derive(Clone, Copy)]
pub(crate) struct TunnelPath {
    /// The outer IPv4 header and the encapsulation after it.
    pub(crate) headers: usize,
    /// `pmtu_disc`.
    pub(crate) pmtu_disc: bool,
}

/// The route to the real server `dest` for a packet that leaves this host
/// ([`Dest::route`]), with the checks of `__ip_vs_get_out_rt()`: the TTL
/// is decremented (an expired packet is counted as a header error and
/// answered with an ICMP error) and a packet too big for the path with DF
/// set is answered with "fragmentation needed" (unless it is an ICMP error
/// itself, which goes as it is, or goes through a tunnel without path MTU
/// discovery); a tunnel that leaves less than 68 bytes of MTU drops it.
/// `None` when the packet is to be dropped; `Some(None)` when the server
/// is this host (the packet is delivered locally, unchanged).
pub(crate) fn route_out(
    net: Net,
    skb: &mut Skb<'_>,
    out: Outgoing<'_>,
    dest: &Dest,
    known_nh: bool,
    tunnel: Option<TunnelPath>,
) -> Option<Option<Route>> {
    let iph = out.iph;
    let route = dest.route(net, known_nh)?;
    if route.is_local() {
        return Some(None);
    }
    if iph.ttl <= 1 {
        net.count_in_hdr_error();
        skb.icmp_send(icmp::TIME_EXCEEDED, icmp::EXC_TTL, 0);
        return None;
    }
    let (mtu, checks_df) = match tunnel {
        Some(t) => {
            let mtu = route.mtu().checked_sub(t.headers)?;
            if mtu < 68 {
                return None;
            }
            (mtu, t.pmtu_disc)
        }
        None => (route.mtu(), true),
    };
    if checks_df && iph.dont_fragment() && skb.exceeds_mtu(mtu) && !out.icmp_error {
        skb.icmp_send(
            icmp::DEST_UNREACH,
            icmp::FRAG_NEEDED,
            u32::try_from(mtu).unwrap_or(0),
        );
        return None;
    }
    skb.make_writable(iph.hlen).ok()?;
    skb.write(ip::TTL, &[iph.ttl - 1]).ok()?;
    Some(Some(route))
}

/// Sends a rewritten packet by `route`, or with none lets the local stack
/// take it (a real server on this host); `translated` when NAT sent it to
/// another address or port than the virtual service's, which a socket
/// early demux found for it cannot be for.
pub(crate) fn deliver(
    net: Net,
    mut skb: Skb<'_>,
    route: Option<Route>,
    translated: bool,
) -> Verdict {
    match route {
        Some(route) => {
            skb.set_route(route);
            skb.send(net);
            Verdict::Stolen
        }
        None => {
            if translated {
                skb.drop_demux_socket();
            }
            skb.set_handled();
            Verdict::Accept
        }
    }
}

/// Rewrites the address at `addr_off` and the port at `port_off` of the
/// packet to `to`, fixing the transport checksum and the IPv4 header's.
///
/// The transport checksum changes by the difference, except for a UDP
/// datagram without one, which gets one from scratch; a UDP checksum that
/// comes out as zero is sent as `0xffff` (zero means none). A checksum the
/// device is to finish (`CHECKSUM_PARTIAL`) only changes by the addresses.
fn rewrite(
    skb: &mut Skb<'_>,
    pkt: &Packet,
    addr_off: usize,
    port_off: usize,
    from: &Endpoint,
    to: &Endpoint,
) -> Result {
    skb.make_writable(pkt.headers_len)?;
    let (from_port, to_port) = (from.port.to_ne_bytes(), to.port.to_ne_bytes());
    let (from_addr, to_addr) = (v4(&from.addr), v4(&to.addr));
    let udp = pkt.tcp.is_none();
    let partial = skb.csum_partial();
    let from_scratch = pkt.udp_no_check && !partial;
    if !from_scratch {
        skb.csum_replace2(pkt.check_off, from_port, to_port)?;
        skb.csum_replace4(pkt.check_off, from_addr, to_addr, true)?;
    }
    skb.write(pkt.iph.hlen + port_off, &to_port)?;
    skb.write(addr_off, &to_addr)?;
    if from_scratch {
        skb.udp_checksum(pkt.iph.hlen)?;
    } else if udp && !partial {
        let mut check = [0u8; 2];
        skb.read(pkt.check_off, &mut check)?;
        if check == [0, 0] {
            skb.write(pkt.check_off, &[0xff, 0xff])?;
        }
    }
    skb.ip_send_check();
    Ok(())
}

/// NAT (`ip_vs_nat_xmit()`): the destination becomes the real server.
/// `real` is the server's address and port on the connection, `dest` its
/// destination.
pub(crate) fn nat(
    net: Net,
    mut skb: Skb<'_>,
    pkt: &Packet,
    dest: &Dest,
    real: &Endpoint,
) -> Verdict {
    let route = match route_out(net, &mut skb, pkt.into(), dest, false, None) {
        Some(r) => r,
        None => return Verdict::Drop,
    };
    let virt = pkt.destination();
    if rewrite(&mut skb, pkt, ip::DADDR, 2, &virt, real).is_err() {
        return Verdict::Drop;
    }
    deliver(net, skb, route, virt != *real)
}

/// NAT replies (`handle_response()` with the protocol's `snat_handler`):
/// the source becomes the virtual service; with `reroute` the packet is
/// routed again from there (`ip_vs_route_me_harder()`: policy routing may
/// send it another way).
pub(crate) fn snat(
    net: Net,
    mut skb: Skb<'_>,
    pkt: &Packet,
    virt: &Endpoint,
    reroute: bool,
) -> Verdict {
    if rewrite(&mut skb, pkt, ip::SADDR, 0, &pkt.source(), virt).is_err()
        || (reroute && skb.reroute(net).is_err())
    {
        return Verdict::Drop;
    }
    skb.set_handled();
    Verdict::Accept
}

/// Direct routing (`ip_vs_dr_xmit()`): the packet goes unchanged to the
/// real server's link-layer address.
pub(crate) fn direct(net: Net, mut skb: Skb<'_>, out: Outgoing<'_>, dest: &Dest) -> Verdict {
    match route_out(net, &mut skb, out, dest, true, None) {
        Some(Some(route)) => {
            skb.ip_send_check();
            skb.set_route(route);
            skb.send(net);
            Verdict::Stolen
        }
        Some(None) => {
            skb.set_handled();
            Verdict::Accept
        }
        None => Verdict::Drop,
    }
}

/// Tunnelling (`ip_vs_tunnel_xmit()`): the packet travels inside a new
/// IPv4 header to the real server, right after it or after the UDP and
/// GUE or the GRE header the destination asks for. With `pmtu_disc` the
/// outer header copies the packet's DF bit, else it may be fragmented.
pub(crate) fn tunnel(
    net: Net,
    mut skb: Skb<'_>,
    out: Outgoing<'_>,
    dest: &Dest,
    pmtu_disc: bool,
) -> Verdict {
    let (tun_type, flags) = (dest.tun_type(), dest.tun_flags());
    // The offsets a GUE server would need to finish the inner checksum,
    // only looked up when it is to: one starting before the IPv4 header
    // cannot be described.
    let partial = if Encap::wants_partial(tun_type, flags) {
        let Ok(partial) = skb.partial_csum() else {
            return Verdict::Drop;
        };
        partial
    } else {
        None
    };
    let Some(encap) = Encap::new(tun_type, dest.tun_port(), flags, partial) else {
        return Verdict::Drop;
    };
    let daddr = v4(&dest.shared.addr);
    let path = TunnelPath {
        headers: ip::MIN_LEN + encap.len(),
        pmtu_disc,
    };
    let route = match route_out(net, &mut skb, out, dest, false, Some(path)) {
        Some(Some(route)) => route,
        Some(None) => {
            skb.set_handled();
            return Verdict::Accept;
        }
        None => return Verdict::Drop,
    };
    skb.ip_send_check();
    let mut tos = [0u8];
    let inner_len = skb.len();
    // What the outer header copies: the TTL left, and DF.
    let inner = Ipv4 {
        ttl: out.iph.ttl - 1,
        frag_off: if pmtu_disc { out.iph.frag_off } else { 0 },
        ..*out.iph
    };
    let sport = match encap {
        Encap::Gue { .. } => skb.flow_src_port(net),
        _ => 0,
    };
    let headers = skb.read(ip::TOS, &mut tos).ok().and_then(|()| {
        let addrs = (route.saddr, daddr);
        let payload = inner_len.checked_add(encap.len())?;
        let outer = packet::tunnel_header(&inner, tos[0], addrs, encap.protocol(), payload)?;
        Some((outer, encap.header(sport, inner_len)?))
    });
    let Some((outer, between)) = headers else {
        return Verdict::Drop;
    };
    if skb.push_tunnel(&route, &encap).is_err()
        || skb.write(0, &outer).is_err()
        || skb.write(ip::MIN_LEN, &between[..encap.len()]).is_err()
    {
        return Verdict::Drop;
    }
    skb.finish_tunnel(&encap);
    skb.select_ident(net);
    skb.ip_send_check();
    skb.set_route(route);
    skb.send(net);
    Verdict::Stolen
}
