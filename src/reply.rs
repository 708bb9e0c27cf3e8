// SPDX-License-Identifier: GPL-2.0

//! Replies of real servers to NAT connections: the source becomes the
//! virtual service again on the way back to the client.
//!
//! C: `ip_vs_out_hook()` and `handle_response()` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{
    dataplane::DataPlane,
    ffi::{netfilter::Verdict, pernet::Net, skb::Skb, time},
    logic::{dest::conn_flag, tcp_state::Direction},
    netns::NetIpvs,
    proto::{self, Packet, Parsed},
    sched::abi::DEST_F_AVAILABLE,
    xmit,
};
use core::sync::atomic::Ordering::Relaxed;

/// The reply hooks (FORWARD, LOCAL_IN and LOCAL_OUT for local real
/// servers).
pub(crate) fn handle(net: Net, skb: Skb<'_>) -> Verdict {
    if skb.handled() {
        return Verdict::Accept;
    }
    let Some(ipvs) = net.state::<NetIpvs>() else {
        return Verdict::Accept;
    };
    let Parsed::Packet(pkt) = proto::parse(&skb) else {
        return Verdict::Accept;
    };
    match virt_of(&ipvs.dp, &pkt) {
        Some(virt) => xmit::snat(skb, &pkt, &virt),
        None => Verdict::Accept,
    }
}

/// The virtual side of the NAT connection `pkt` replies on, after counting
/// the packet and moving the connection on; `None` when it is no reply.
fn virt_of(dp: &DataPlane, pkt: &Packet) -> Option<crate::conn::table::Endpoint> {
    let now = time::jiffies();
    let mut guard = dp.state.lock();
    let st = &mut *guard;
    let c = st
        .conns
        .find_out(pkt.iph.protocol, &pkt.source(), &pkt.destination())?;
    if c.fwd() != conn_flag::MASQ {
        return None;
    }
    // `ip_vs_out_stats()`.
    if c.dest.shared.flags.load(Relaxed) & DEST_F_AVAILABLE != 0 {
        c.dest.stats.packet_out(pkt.len);
        c.dest.svc_stats.packet_out(pkt.len);
        dp.total.here().packet_out(pkt.len);
    }
    pkt.update(c, Direction::Output, &st.tcp_timeouts, st.udp_timeout);
    c.touch(now);
    Some(c.virt)
}
