// SPDX-License-Identifier: GPL-2.0

//! ICMP errors about connections. From the real server's side (the reply
//! hooks) an error about a packet to the server is counted, and on a NAT
//! connection it comes back from the virtual service the client knows.
//! From the client's side (the request hooks, and FORWARD for errors not
//! addressed to this host) an error about a packet of the virtual service
//! goes on to the connection's real server: translated for NAT, as it is
//! for direct routing and tunnels. With the sysctl `schedule_icmp`, such an
//! error without a connection makes one, as the request it answers would.
//! An error about a packet this host tunnelled (IP in IP, GUE or GRE) to a
//! real server goes back to the client whose packet was inside.
//!
//! C: `ip_vs_out_icmp()`, `handle_response_icmp()`, `ip_vs_in_icmp()`,
//! `ip_vs_forward_icmp()` and `ip_vs_nat_icmp()` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c),
//! `ip_vs_icmp_xmit()` in `ip_vs_xmit.c`

use crate::{
    conn::table::{Conn, Endpoint, Table},
    ctl::dest::Dest,
    dataplane::DataPlane,
    ffi::{netfilter::Verdict, pernet::Net, skb::Skb, time},
    logic::{
        dest::{conn_flag, tun_type},
        icmp::{self as msg, Carrier, Error, Icmp, Tunnel},
        packet::{ip, Ipv4},
        sysctl,
    },
    netns::NetIpvs,
    proto::{self, inet_addr, Packet, Parsed},
    request,
    xmit::{self, Outgoing},
};
use kernel::{
    prelude::*,
    sync::{rcu, Arc},
};

/// The FORWARD hook before the reply one (`ip_vs_forward_icmp()`): errors
/// from clients routed through this host rather than addressed to it.
pub(crate) fn forward(net: Net, skb: Skb<'_>) -> Verdict {
    let Some(ipvs) = net.state::<NetIpvs>() else {
        return Verdict::Accept;
    };
    match proto::parse(&skb) {
        Parsed::Icmp(iph) => incoming(net, ipvs, skb, &iph, Hook::Forward),
        _ => Verdict::Accept,
    }
}

/// The hook an ICMP message from a client's side came in by.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hook {
    /// LOCAL_IN: addressed to this host.
    LocalIn,
    /// LOCAL_OUT: sent by this host.
    LocalOut,
    /// FORWARD: passing through.
    Forward,
}

/// What the packet path needs of the connection an error is about.
struct Found {
    fwd: u32,
    virt: Endpoint,
    real: Endpoint,
    dest: Arc<Dest>,
}

impl Found {
    fn of(c: &Conn) -> Found {
        Found {
            fwd: c.fwd(),
            virt: c.virt,
            real: c.real,
            dest: c.dest.clone(),
        }
    }
}

/// The connection `find` finds, if any; the connection's timer is left as
/// it is (C puts it back with `__ip_vs_conn_put()`).
fn lookup(
    dp: &DataPlane,
    find: impl for<'a> FnOnce(&'a Table, &'a rcu::Guard) -> Option<&'a Conn>,
) -> Option<Found> {
    let g = rcu::read_lock();
    find(&dp.conns, &g).map(Found::of)
}

/// A new connection for the request whose answer the error `e` (in `skb`)
/// quotes, which has none (`ip_vs_try_to_schedule()` from
/// `ip_vs_in_icmp()`); it lives the first timeout of a new connection.
fn schedule(ipvs: &NetIpvs, skb: &Skb<'_>, e: &Error) -> Result<Found, Verdict> {
    let pkt = Packet::answered_by(e);
    let now = time::jiffies();
    request::open_and(&ipvs.dp, &pkt, skb, &ipvs.sysctls, now, |c| {
        c.touch(now);
        Found::of(c)
    })
}

/// Reads the ICMP message after the IPv4 header `iph`.
fn read(skb: &Skb<'_>, iph: &Ipv4) -> Icmp {
    let mut b = [0u8; msg::MAX_READ];
    let n = skb.len().saturating_sub(iph.hlen).min(msg::MAX_READ);
    if skb.read(iph.hlen, &mut b[..n]).is_err() {
        return Icmp::Truncated;
    }
    msg::parse(iph.hlen, &b[..n])
}

/// The source and destination of the quoted packet.
fn ends(e: &Error) -> (Endpoint, Endpoint) {
    let end = |addr, port| Endpoint {
        addr: inet_addr(addr),
        port: u16::from_ne_bytes(port),
    };
    (end(e.iph.saddr, e.sport), end(e.iph.daddr, e.dport))
}

/// `ip_vs_nat_icmp()`: an error leaving for the client (`outgoing`) comes
/// from `to`, the virtual service, about a packet to it; one coming in
/// goes to `to`, the real server, about a packet from it. The outer and
/// quoted IPv4 headers' checksums and the ICMP checksum follow.
fn nat(skb: &mut Skb<'_>, iph: &Ipv4, e: &Error, outgoing: bool, to: &Endpoint) -> Result {
    skb.make_writable(e.nat_len())?;
    let addr = xmit::v4(&to.addr);
    let (outer, quoted, port) = if outgoing {
        (ip::SADDR, ip::DADDR, 2)
    } else {
        (ip::DADDR, ip::SADDR, 0)
    };
    skb.write(outer, &addr)?;
    skb.ip_send_check();
    let mut buf = [0u8; 60];
    let h = buf.get_mut(..e.iph.hlen).ok_or(EINVAL)?;
    skb.read(e.off, h)?;
    msg::set_addr(h, quoted, addr).ok_or(EINVAL)?;
    skb.write(e.off, h)?;
    skb.write(e.ports_off() + port, &to.port.to_ne_bytes())?;
    skb.icmp_csum_set(iph.hlen)
}

/// An ICMP message in a reply hook (`ip_vs_out_icmp()` and
/// `handle_response_icmp()`): an error about a packet to a real server of
/// a connection is counted, and on a NAT connection comes from the
/// virtual service (routed again from there with `reroute`); IPVS handled
/// it.
pub(crate) fn outgoing(
    net: Net,
    dp: &DataPlane,
    mut skb: Skb<'_>,
    iph: &Ipv4,
    reroute: bool,
) -> Verdict {
    let e = match read(&skb, iph) {
        Icmp::Truncated => return Verdict::Drop,
        Icmp::Error(e) | Icmp::Tunnel(Tunnel { plain: Some(e), .. }) => e,
        Icmp::Other | Icmp::Tunnel(_) => return Verdict::Accept,
    };
    // The quoted packet went from the client to the server.
    let (client, server) = ends(&e);
    let Some(c) = lookup(dp, |t, g| t.find_out(g, e.iph.protocol, &client, &server)) else {
        return Verdict::Accept;
    };
    if c.fwd == conn_flag::MASQ
        && (!skb.icmp_csum_ok(iph.hlen)
            || nat(&mut skb, iph, &e, true, &c.virt).is_err()
            || (reroute && skb.reroute(net).is_err()))
    {
        return Verdict::Drop;
    }
    dp.count(&c.dest, skb.len(), false);
    skb.set_handled();
    Verdict::Accept
}

/// An ICMP message in a request hook or FORWARD (`ip_vs_in_icmp()`): an
/// error about a packet from a virtual service to a client of a connection
/// is counted and goes on to the connection's real server
/// (`ip_vs_icmp_xmit()`).
pub(crate) fn incoming(
    net: Net,
    ipvs: &NetIpvs,
    mut skb: Skb<'_>,
    iph: &Ipv4,
    hook: Hook,
) -> Verdict {
    let e = match read(&skb, iph) {
        Icmp::Truncated => return Verdict::Drop,
        Icmp::Other => return Verdict::Accept,
        Icmp::Error(e) => e,
        Icmp::Tunnel(t) => {
            // Errors about this host's tunnel packets come to this host.
            let c = if hook == Hook::LocalIn {
                tunnelled(&ipvs.dp, &t)
            } else {
                None
            };
            match (c, t.plain) {
                (Some(c), _) => return tunnel_error(net, &ipvs.dp, skb, iph, &t, &c),
                (None, Some(e)) => e,
                (None, None) => return Verdict::Accept,
            }
        }
    };
    // The quoted packet went from the virtual service to the client.
    let (virt, client) = ends(&e);
    let dp = &ipvs.dp;
    let c = match lookup(dp, |t, g| t.find_in(g, e.iph.protocol, &client, &virt)) {
        Some(c) => c,
        None if ipvs.sysctls.get(sysctl::index::SCHEDULE_ICMP) != 0 => {
            match schedule(ipvs, &skb, &e) {
                Ok(c) => c,
                Err(v) => return v,
            }
        }
        None => return Verdict::Accept,
    };
    if c.fwd == conn_flag::MASQ && !skb.icmp_csum_ok(iph.hlen) {
        return Verdict::Drop;
    }
    dp.count(&c.dest, skb.len(), true);
    let out = Outgoing {
        iph,
        icmp_error: true,
    };
    match c.fwd {
        conn_flag::MASQ => nat_xmit(net, skb, out, &e, (&c.dest, &c.real), hook == Hook::Forward),
        conn_flag::DROUTE => xmit::direct(net, skb, out, &c.dest),
        conn_flag::TUNNEL => {
            let pmtu_disc = ipvs.sysctls.get(sysctl::index::PMTU_DISC) != 0;
            xmit::tunnel(net, skb, out, &c.dest, pmtu_disc)
        }
        // Local node and bypass: the local stack delivers it.
        _ => Verdict::Accept,
    }
}

/// The connection whose packet this host tunnelled to a real server in the
/// tunnel packet the error `t` quotes, if any.
fn tunnelled(dp: &DataPlane, t: &Tunnel) -> Option<Found> {
    // The inner packet went from the client to the virtual service.
    let (client, virt) = ends(&t.inner);
    let c = lookup(dp, |tab, g| {
        tab.find_in(g, t.inner.iph.protocol, &client, &virt)
    })?;
    // C finds the tunnel among all destinations by its address (and GUE
    // port) first; when this host tunnelled the packet, that is the
    // connection's own.
    let d = &c.dest;
    let carried = match t.carrier {
        Carrier::Ipip => d.tun_type() == tun_type::IPIP,
        Carrier::Gue(port) => {
            d.tun_type() == tun_type::GUE && d.tun_port() == u16::from_ne_bytes(port)
        }
        Carrier::Gre => d.tun_type() == tun_type::GRE,
    };
    let ours = c.fwd == conn_flag::TUNNEL && carried && d.shared.addr == inet_addr(t.server);
    ours.then_some(c)
}

/// An error about a tunnel packet (`t`, in `skb` with the outer header
/// `iph`) that this host sent to a real server for the connection `c`
/// (the tunnel part of `ip_vs_in_icmp()`): the client whose packet was
/// inside gets the error from the virtual service instead; for
/// "fragmentation needed" the path MTU towards the server is lowered
/// first, and the client learns the MTU left inside the tunnel (if its
/// packet forbade fragmentation; if not, the error ends here).
fn tunnel_error(
    net: Net,
    dp: &DataPlane,
    mut skb: Skb<'_>,
    iph: &Ipv4,
    t: &Tunnel,
    c: &Found,
) -> Verdict {
    if !skb.icmp_csum_ok(iph.hlen) {
        return Verdict::Drop;
    }
    let mut info = t.info;
    if t.kind == msg::DEST_UNREACH && t.code == msg::FRAG_NEEDED {
        let mtu = t.info & 0xffff;
        if skb
            .update_pmtu_at(net, t.ipip_off, t.ipip_hlen, mtu)
            .is_err()
            || !t.inner.iph.dont_fragment()
        {
            skb.consume();
            return Verdict::Stolen;
        }
        // The route to the server knows best, as it now stands.
        let mtu = c.dest.kept_route_mtu().unwrap_or(mtu as usize);
        let headers = t.ipip_hlen + t.encap_len;
        let mtu = if mtu > 68 + headers {
            mtu - headers
        } else {
            mtu
        };
        info = u32::try_from(mtu).unwrap_or(u32::MAX);
    }
    let len = skb.len().saturating_sub(t.inner.off);
    let error = (t.kind, t.code, info);
    if skb
        .icmp_send_inner(t.inner.off, t.inner.iph.hlen, error)
        .is_ok()
    {
        dp.count(&c.dest, len, false);
    }
    Verdict::Stolen
}

/// The NAT part of `ip_vs_icmp_xmit()`: the error goes to the real server
/// (`to`: its destination, its address and port on the connection) as if
/// about the server's own packet. A server on this host is not reached
/// from FORWARD.
fn nat_xmit(
    net: Net,
    mut skb: Skb<'_>,
    out: Outgoing<'_>,
    e: &Error,
    to: (&Dest, &Endpoint),
    forwarded: bool,
) -> Verdict {
    let (dest, real) = to;
    let route = match xmit::route_out(net, &mut skb, out, dest, false, None) {
        Some(r) => r,
        None => return Verdict::Drop,
    };
    if (route.is_none() && forwarded) || nat(&mut skb, out.iph, e, false, real).is_err() {
        return Verdict::Drop;
    }
    // The quoted packet came from the virtual service.
    let (virt, _) = ends(e);
    xmit::deliver(net, skb, route, virt != *real)
}
