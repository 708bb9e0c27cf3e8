// SPDX-License-Identifier: GPL-2.0

//! Replies of real servers passing this host: counted and moving their
//! connection on; on NAT connections the source becomes the virtual
//! service again on the way back to the client. ICMP errors of the
//! servers' side go to [`crate::icmp`].
//!
//! C: `ip_vs_out_hook()` and `handle_response()` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{
    conn::table::Endpoint,
    dataplane::DataPlane,
    ffi::{netfilter::Verdict, pernet::Net, skb::Skb, time},
    icmp,
    logic::{dest::conn_flag, tcp_state::Direction},
    netns::NetIpvs,
    proto::{self, Packet, Parsed},
    sched::abi::DEST_F_AVAILABLE,
    xmit,
};
use core::sync::atomic::Ordering::Relaxed;

/// The reply hooks (FORWARD, LOCAL_IN and LOCAL_OUT for local real
/// servers).
pub(crate) fn handle(net: Net, mut skb: Skb<'_>) -> Verdict {
    if skb.handled() {
        return Verdict::Accept;
    }
    let Some(ipvs) = net.state::<NetIpvs>() else {
        return Verdict::Accept;
    };
    let pkt = match proto::parse(&skb) {
        Parsed::Packet(pkt) => pkt,
        Parsed::Icmp(iph) => return icmp::outgoing(&ipvs.dp, skb, &iph),
        Parsed::Other | Parsed::Truncated | Parsed::Cut(_) => return Verdict::Accept,
    };
    match reply_to(&ipvs.dp, &pkt) {
        Reply::Nat(virt) => xmit::snat(skb, &pkt, &virt),
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
    let now = time::jiffies();
    let mut slot = dp.conns.slot(pkt.iph.protocol, &pkt.destination());
    let Some(c) = slot.find_out(&pkt.source()) else {
        return Reply::None;
    };
    // `ip_vs_out_stats()`.
    if c.dest.shared.flags.load(Relaxed) & DEST_F_AVAILABLE != 0 {
        c.dest.stats.packet_out(pkt.len);
        c.dest.svc_stats.packet_out(pkt.len);
        dp.total.here().packet_out(pkt.len);
    }
    pkt.update(c, Direction::Output, &dp.timeouts);
    c.touch(now);
    if c.fwd() == conn_flag::MASQ {
        Reply::Nat(c.virt)
    } else {
        Reply::Pass
    }
}
