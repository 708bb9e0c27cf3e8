// SPDX-License-Identifier: GPL-2.0

//! Replies of real servers passing this host: counted and moving their
//! connection on; on NAT connections the source becomes the virtual
//! service again on the way back to the client. ICMP errors of the
//! servers' side go to [`crate::icmp`].
//!
//! C: `ip_vs_out_hook()` and `handle_response()` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{
    conn::table::{Conn, Endpoint},
    dataplane::DataPlane,
    ffi::{netfilter::Verdict, pernet::Net, skb::Skb, time},
    icmp,
    logic::{dest::conn_flag, packet::UDP, sysctl, tcp_state::Direction},
    netns::NetIpvs,
    persist,
    proto::{self, inet_addr, Packet, Parsed},
    xmit,
};
use kernel::sync::rcu;

/// The reply hooks FORWARD and LOCAL_OUT (for local real servers).
pub(crate) fn handle(net: Net, skb: Skb<'_>) -> Verdict {
    reply(net, skb, true)
}

/// The reply hook LOCAL_IN: no request of a real server starts a
/// connection there (C's `__ip_vs_rs_conn_out()` declines that hook).
pub(crate) fn local_in(net: Net, skb: Skb<'_>) -> Verdict {
    reply(net, skb, false)
}

fn reply(net: Net, mut skb: Skb<'_>, conn_out: bool) -> Verdict {
    if skb.handled() {
        return Verdict::Accept;
    }
    let Some(ipvs) = net.state::<NetIpvs>() else {
        return Verdict::Accept;
    };
    // NAT replies to remote clients (FORWARD, LOCAL_OUT) are routed again
    // once they come from the virtual service.
    let reroute = conn_out && ipvs.sysctls.get(sysctl::index::SNAT_REROUTE) != 0;
    let pkt = match proto::parse(&skb) {
        Parsed::Packet(pkt) => pkt,
        Parsed::Icmp(iph) => return icmp::outgoing(net, &ipvs.dp, skb, &iph, reroute),
        Parsed::Other | Parsed::Truncated | Parsed::Cut(_) => return Verdict::Accept,
    };
    let mut found = reply_to(&ipvs.dp, &pkt);
    // A request a real server starts, for a service whose persistence
    // engine follows those (C: only UDP).
    if matches!(found, Reply::None) && conn_out && pkt.iph.protocol == UDP {
        if let Some((svc, dest)) =
            ipvs.dp
                .rs_conn_out(pkt.iph.protocol, &inet_addr(pkt.iph.saddr), pkt.sport)
        {
            let expire_quiescent = ipvs.sysctls.get(sysctl::index::EXPIRE_QUIESCENT_TEMPLATE) != 0;
            if let Some(c) = persist::conn_out(&ipvs.dp, &svc, dest, &pkt, &skb, expire_quiescent) {
                found = if c.flags() & conn_flag::ONE_PACKET != 0 {
                    // Answered once, never remembered.
                    respond(&ipvs.dp, &c, &pkt)
                } else {
                    let mut slot = ipvs.dp.conns.slot(pkt.iph.protocol, &c.client);
                    match slot.insert(c) {
                        Ok(c) => respond(&ipvs.dp, c, &pkt),
                        Err(_) => Reply::None,
                    }
                };
            }
        }
    }
    match found {
        Reply::Nat(virt) => xmit::snat(net, skb, &pkt, &virt, reroute),
        Reply::Pass => {
            skb.set_handled();
            Verdict::Accept
        }
        Reply::None => Verdict::Accept,
    }
}

/// What to do with a packet on the way out.
enum Reply {
    /// A reply on a NAT connection, to come from this virtual service.
    Nat(Endpoint),
    /// A reply on a connection of another forwarding method: it goes on
    /// unchanged.
    Pass,
    /// No reply to a connection of ours.
    None,
}

/// Finds the connection `pkt` replies on, counts the packet and moves the
/// connection on (`handle_response()`).
fn reply_to(dp: &DataPlane, pkt: &Packet) -> Reply {
    let g = rcu::read_lock();
    match dp
        .conns
        .find_out(&g, pkt.iph.protocol, &pkt.destination(), &pkt.source())
    {
        Some(c) => respond(dp, c, pkt),
        None => Reply::None,
    }
}

/// Counts the reply `pkt` on its connection `c` and moves the connection
/// on.
fn respond(dp: &DataPlane, c: &Conn, pkt: &Packet) -> Reply {
    let now = time::jiffies();
    dp.count(&c.dest, pkt.len, false);
    pkt.update(c, Direction::Output, &dp.timeouts);
    c.touch(now);
    if c.fwd() == conn_flag::MASQ {
        Reply::Nat(c.virt)
    } else {
        Reply::Pass
    }
}
