// SPDX-License-Identifier: GPL-2.0

//! Requests to virtual services: find the packet's connection or schedule
//! a new one, count it, move its state on, and forward it.
//!
//! C: `ip_vs_in_hook()`, `ip_vs_try_to_schedule()`, `ip_vs_schedule()` and
//! `ip_vs_leave()` in [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{
    conn::table::{Conn, Endpoint},
    dataplane::{DataPlane, State, SvcView},
    ffi::{netfilter::Verdict, pernet::Net, skb::Skb, time},
    logic::{
        dest::conn_flag,
        packet,
        service::flag as svc_flag,
        tcp_state::{Direction, TcpState},
    },
    netns::NetIpvs,
    proto::{self, Packet, Parsed},
    sched::abi::{PacketInfo, DEST_F_AVAILABLE},
    xmit,
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;

/// `ICMP_DEST_UNREACH` / `ICMP_PORT_UNREACH`.
const ICMP_DEST_UNREACH: u8 = 3;
const ICMP_PORT_UNREACH: u8 = 3;
/// The FTP control port, `__be16` bits.
const FTP_PORT: u16 = 21u16.to_be();

/// What to do with a request once the table lock is released.
enum Action {
    /// A verdict without more work.
    Done(Verdict),
    /// No destination for a service: tell the client (`ip_vs_leave()`).
    Unreachable,
    /// Forward by `fwd` (`IP_VS_CONN_F_*` method) to `real`.
    Forward { fwd: u32, real: Endpoint },
}

/// The request hooks (LOCAL_IN for remote clients, LOCAL_OUT for local
/// ones).
pub(crate) fn remote(net: Net, skb: Skb<'_>) -> Verdict {
    handle(net, skb, false)
}

/// See [`remote`].
pub(crate) fn local(net: Net, skb: Skb<'_>) -> Verdict {
    handle(net, skb, true)
}

fn handle(net: Net, skb: Skb<'_>, local: bool) -> Verdict {
    // Already handled, or not for this host.
    if skb.handled() || (!local && !skb.to_host()) {
        return Verdict::Accept;
    }
    let Some(ipvs) = net.state::<NetIpvs>() else {
        return Verdict::Accept;
    };
    let pkt = match proto::parse(&skb) {
        Parsed::Other => return Verdict::Accept,
        // The protocol's conn_schedule() cannot read the header.
        Parsed::Truncated => return Verdict::Drop,
        Parsed::Packet(p) => p,
    };
    let action = decide(&ipvs.dp, &pkt, skb.mark());
    match action {
        Action::Done(v) => v,
        Action::Unreachable => {
            skb.icmp_send(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
            Verdict::Drop
        }
        Action::Forward { fwd, real } => match fwd {
            conn_flag::MASQ => xmit::nat(net, skb, &pkt, &real),
            conn_flag::DROUTE => xmit::direct(net, skb, &pkt, &real),
            conn_flag::TUNNEL => xmit::tunnel(net, skb, &pkt, &real),
            // Local node and bypass: the local stack delivers it.
            _ => Verdict::Accept,
        },
    }
}

/// The part under the data plane's lock: connection, state, counters.
fn decide(dp: &DataPlane, pkt: &Packet, mark: u32) -> Action {
    let (client, virt) = (pkt.source(), pkt.destination());
    let now = time::jiffies();
    let mut st = dp.state.lock();
    let protocol = pkt.iph.protocol;
    if let Some(c) = st.conns.find_in(protocol, &client, &virt) {
        let reuse = pkt.tcp.is_some_and(|f| f.syn) && c.state == TcpState::TimeWait;
        let available = c.dest.shared.flags.load(Relaxed) & DEST_F_AVAILABLE != 0;
        if !reuse && !available {
            // The server is gone (expire_nodest_conn is off).
            return Action::Done(Verdict::Drop);
        }
        if reuse {
            // conn_reuse_mode: a new connection from the same port.
            st.conns.remove(protocol, &client, &virt);
        }
    }
    if st.conns.find_in(protocol, &client, &virt).is_none() {
        if !pkt.may_open() {
            return Action::Done(Verdict::Accept);
        }
        let Some(svc) = st.find_service(
            crate::logic::addr::Af::Inet,
            mark,
            protocol,
            &virt.addr,
            virt.port,
        ) else {
            return Action::Done(Verdict::Accept);
        };
        let conn = match schedule(svc, pkt, &client, &virt) {
            Ok(c) => c,
            Err(a) => return a,
        };
        dp.total.conn();
        if conn.flags & conn_flag::ONE_PACKET != 0 {
            return forward_one(dp, &st, pkt, conn, now);
        }
        if st.conns.insert(conn).is_err() {
            return Action::Done(Verdict::Drop);
        }
    }
    let st = &mut *st;
    let Some(c) = st.conns.find_in(protocol, &client, &virt) else {
        return Action::Done(Verdict::Drop);
    };
    count_in(dp, c, pkt);
    pkt.update(c, Direction::Input, &st.tcp_timeouts, st.udp_timeout);
    c.touch(now);
    Action::Forward {
        fwd: c.fwd(),
        real: c.real,
    }
}

/// A one-packet connection (`-o`, UDP): forwarded, never remembered.
fn forward_one(dp: &DataPlane, st: &State, pkt: &Packet, mut conn: Conn, now: u64) -> Action {
    count_in(dp, &conn, pkt);
    pkt.update(
        &mut conn,
        Direction::Input,
        &st.tcp_timeouts,
        st.udp_timeout,
    );
    conn.touch(now);
    Action::Forward {
        fwd: conn.fwd(),
        real: conn.real,
    }
}

/// `ip_vs_in_stats()`: the packet counts for its destination, the
/// destination's service and the namespace while the destination is
/// available.
fn count_in(dp: &DataPlane, c: &Conn, pkt: &Packet) {
    if c.dest.shared.flags.load(Relaxed) & DEST_F_AVAILABLE != 0 {
        c.dest.stats.packet_in(pkt.len);
        c.dest.svc_stats.packet_in(pkt.len);
        dp.total.packet_in(pkt.len);
    }
}

/// `ip_vs_schedule()`: a new connection of `svc` for the packet, or what
/// to do without one.
fn schedule(
    svc: &SvcView,
    pkt: &Packet,
    client: &Endpoint,
    virt: &Endpoint,
) -> Result<Conn, Action> {
    let persistent = svc.flags & svc_flag::PERSISTENT != 0;
    if svc.key.fwmark == 0 && !persistent && virt.port != svc.key.port {
        if svc.key.port == 0 {
            pr_err!("Schedule: port zero only supported in persistent services, check your ipvs configuration\n");
        }
        return Err(leave(svc, virt));
    }
    let info = PacketInfo {
        saddr: client.addr,
        daddr: virt.addr,
        ports: [client.port, virt.port],
        inverse: 0,
    };
    let Some(dest) = svc
        .sched
        .as_ref()
        .and_then(|b| b.schedule(&svc.members, &info))
    else {
        return Err(leave(svc, virt));
    };
    let one_packet = svc.flags & svc_flag::ONEPACKET != 0 && pkt.iph.protocol == packet::UDP;
    let flags = if one_packet { conn_flag::ONE_PACKET } else { 0 };
    let conn = Conn::new(pkt.iph.protocol, *client, *virt, dest.clone(), flags);
    // `ip_vs_conn_stats()`.
    dest.stats.conn();
    svc.stats.conn();
    Ok(conn)
}

/// `ip_vs_leave()`: a service without a destination for the packet. Other
/// ports of an FTP service's address pass; the rest is refused.
fn leave(svc: &SvcView, virt: &Endpoint) -> Action {
    if svc.key.port == FTP_PORT && virt.port != FTP_PORT {
        Action::Done(Verdict::Accept)
    } else {
        Action::Unreachable
    }
}
