// SPDX-License-Identifier: GPL-2.0

//! Requests to virtual services: find the packet's connection or schedule
//! a new one, count it, move its state on, and forward it.
//!
//! C: `ip_vs_in_hook()`, `ip_vs_try_to_schedule()`, `ip_vs_schedule()` and
//! `ip_vs_leave()` in [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{
    conn::table::{Conn, Endpoint},
    ctl::dest::Dest,
    dataplane::{DataPlane, SvcView},
    ffi::{netfilter::Verdict, pernet::Net, skb::Skb, sysctl::Table as SysctlTable, time},
    icmp,
    logic::{
        addr::Af, conn_reuse, dest::conn_flag, icmp as msg, packet, service::flag as svc_flag,
        sysctl, tcp_state::Direction,
    },
    netns::NetIpvs,
    persist,
    proto::{self, Packet, Parsed},
    sched::abi::{PacketInfo, DEST_F_AVAILABLE},
    xmit,
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::{
    prelude::*,
    sync::{rcu, Arc},
};

/// The FTP control port, `__be16` bits.
pub(crate) const FTP_PORT: u16 = 21u16.to_be();

/// What to do with a request once the connection table is unlocked.
enum Action {
    /// A verdict without more work.
    Done(Verdict),
    /// Forward by `fwd` (`IP_VS_CONN_F_*` method) to `real` of `dest`.
    Forward {
        fwd: u32,
        real: Endpoint,
        dest: Arc<Dest>,
    },
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
        Parsed::Icmp(iph) => {
            let hook = if local {
                icmp::Hook::LocalOut
            } else {
                icmp::Hook::LocalIn
            };
            return icmp::incoming(net, ipvs, skb, &iph, hook);
        }
        // The protocol's conn_schedule() cannot read the header.
        Parsed::Truncated => return Verdict::Drop,
        Parsed::Packet(p) | Parsed::Cut(p) => p,
    };
    let action = decide(&ipvs.dp, &pkt, &skb, &ipvs.sysctls);
    match action {
        Action::Done(v) => v,
        Action::Forward { fwd, real, dest } => match fwd {
            conn_flag::MASQ => xmit::nat(net, skb, &pkt, &dest, &real),
            conn_flag::DROUTE => xmit::direct(net, skb, (&pkt).into(), &dest),
            conn_flag::TUNNEL => {
                let pmtu_disc = ipvs.sysctls.get(sysctl::index::PMTU_DISC) != 0;
                xmit::tunnel(net, skb, (&pkt).into(), &dest, pmtu_disc)
            }
            // Local node and bypass: the local stack delivers it.
            _ => Verdict::Accept,
        },
    }
}

/// The sysctls that decide about a request on an old connection.
fn reuse_policy(sysctls: &SysctlTable) -> conn_reuse::Policy {
    conn_reuse::Policy {
        reuse_mode: sysctls.get(sysctl::index::CONN_REUSE_MODE),
        expire_nodest: sysctls.get(sysctl::index::EXPIRE_NODEST_CONN) != 0,
    }
}

/// Connection, state and counters of a request.
fn decide(dp: &DataPlane, pkt: &Packet, skb: &Skb<'_>, sysctls: &SysctlTable) -> Action {
    let (client, virt) = (pkt.source(), pkt.destination());
    let now = time::jiffies();
    let protocol = pkt.iph.protocol;
    let g = rcu::read_lock();
    if let Some(c) = dp.conns.find_in(&g, protocol, &client, &virt) {
        let opens = pkt.tcp.is_some_and(|f| f.syn);
        let available = c.dest.shared.flags.load(Relaxed) & DEST_F_AVAILABLE != 0;
        if !opens && available {
            return forward(dp, c, pkt, now);
        }
        let policy = reuse_policy(sysctls);
        let old = conn_reuse::Existing {
            tcp: pkt.tcp.map(|_| c.state()),
            no_output: c.flags() & conn_flag::NOOUTPUT != 0,
            controlled: c.is_controlled(),
            quiescent: c.dest.shared.weight.load(Relaxed) == 0,
        };
        // A new connection from the same port, or the server is gone.
        let replace = opens && conn_reuse::reschedule(old, policy);
        if replace || (!available && policy.expire_nodest) {
            dp.conns.slot(protocol, &client).remove(c);
        } else if available {
            return forward(dp, c, pkt, now);
        } else {
            return Action::Done(Verdict::Drop);
        }
    }
    drop(g);
    if !pkt.may_open(sysctls.get(sysctl::index::SLOPPY_TCP) != 0) {
        return Action::Done(pkt.unscheduled());
    }
    match open_and(dp, pkt, skb, sysctls, now, |c| forward(dp, c, pkt, now)) {
        Ok(action) => action,
        Err(v) => Action::Done(v),
    }
}

/// [`open`], then `with` on the connection: the one in the table, where
/// it was added unless another CPU made the same meanwhile (then that
/// one, and this one ends unused; C would keep both); a one-packet
/// connection (`-o`, UDP) is handed over itself, never remembered.
pub(crate) fn open_and<R>(
    dp: &DataPlane,
    pkt: &Packet,
    skb: &Skb<'_>,
    sysctls: &SysctlTable,
    now: u64,
    with: impl FnOnce(&Conn) -> R,
) -> Result<R, Verdict> {
    let conn = open(dp, pkt, skb, sysctls, now)?;
    if conn.flags() & conn_flag::ONE_PACKET != 0 {
        return Ok(with(&conn));
    }
    let mut slot = dp.conns.slot(pkt.iph.protocol, &conn.client);
    let c = slot.find_in_or_insert(conn).map_err(|_| Verdict::Drop)?;
    Ok(with(c))
}

/// A new connection for `pkt` (in `skb`) to the service it is addressed
/// to, counted (`ip_vs_try_to_schedule()`), not yet in the table; or the
/// verdict on a packet that gets none.
fn open(
    dp: &DataPlane,
    pkt: &Packet,
    skb: &Skb<'_>,
    sysctls: &SysctlTable,
    now: u64,
) -> Result<Conn, Verdict> {
    let (client, virt) = (pkt.source(), pkt.destination());
    let protocol = pkt.iph.protocol;
    let Some(svc) = dp.service(Af::Inet, skb.mark(), protocol, &virt.addr, virt.port) else {
        return Err(Verdict::Accept);
    };
    let conn = if svc.flags & svc_flag::PERSISTENT != 0 {
        let expire_quiescent = sysctls.get(sysctl::index::EXPIRE_QUIESCENT_TEMPLATE) != 0;
        persist::schedule(&svc, &dp.conns, pkt, skb, now, expire_quiescent)
    } else {
        schedule(&svc, pkt, &client, &virt)
    };
    let conn = match conn {
        Ok(c) => c,
        Err(None) => return Err(leave(&svc, &virt, skb)),
        Err(Some(v)) => return Err(v),
    };
    dp.total.conn();
    Ok(conn)
}

/// Counts the request on its connection `c`, moves the connection on and
/// says where the packet goes.
fn forward(dp: &DataPlane, c: &Conn, pkt: &Packet, now: u64) -> Action {
    dp.count(&c.dest, pkt.len, true);
    pkt.update(c, Direction::Input, &dp.timeouts);
    c.touch(now);
    Action::Forward {
        fwd: c.fwd(),
        real: c.real,
        dest: c.dest.clone(),
    }
}

/// `ip_vs_schedule()` for a service without persistence: a new
/// connection for the packet; `Err(None)` to leave the packet
/// ([`leave`]).
fn schedule(
    svc: &SvcView,
    pkt: &Packet,
    client: &Endpoint,
    virt: &Endpoint,
) -> Result<Conn, Option<Verdict>> {
    if svc.key.fwmark == 0 && virt.port != svc.key.port {
        if svc.key.port == 0 {
            pr_err!("Schedule: port zero only supported in persistent services, check your ipvs configuration\n");
        }
        return Err(None);
    }
    let dest = pick(svc, client, virt).ok_or(None)?;
    let dport = if dest.shared.port != 0 {
        dest.shared.port
    } else {
        virt.port
    };
    Ok(new_conn(svc, pkt, client, virt, (dest.clone(), dport)))
}

/// What the service's scheduler picks for a connection from `client` to
/// `virt`.
pub(crate) fn pick<'a>(
    svc: &'a SvcView,
    client: &Endpoint,
    virt: &Endpoint,
) -> Option<&'a Arc<Dest>> {
    let info = PacketInfo {
        saddr: client.addr,
        daddr: virt.addr,
        ports: [client.port, virt.port],
        inverse: 0,
    };
    svc.sched.as_ref()?.schedule(&svc.members, &info)
}

/// A new connection of `svc` to `dest` (`ip_vs_conn_new()` and
/// `ip_vs_conn_stats()`).
pub(crate) fn new_conn(
    svc: &SvcView,
    pkt: &Packet,
    client: &Endpoint,
    virt: &Endpoint,
    dest: (Arc<Dest>, u16),
) -> Conn {
    let one_packet = svc.flags & svc_flag::ONEPACKET != 0 && pkt.iph.protocol == packet::UDP;
    let flags = if one_packet { conn_flag::ONE_PACKET } else { 0 };
    dest.0.stats.conn();
    svc.stats.conn();
    Conn::new(pkt.iph.protocol, *client, *virt, dest, flags)
}

/// `ip_vs_leave()`: a service without a destination for the packet in
/// `skb`. Other ports of an FTP service's address pass; the rest is
/// refused, and the sender told (unless the packet is an ICMP error
/// itself, which `icmp_send()` answers with nothing).
fn leave(svc: &SvcView, virt: &Endpoint, skb: &Skb<'_>) -> Verdict {
    if svc.key.port == FTP_PORT && virt.port != FTP_PORT {
        Verdict::Accept
    } else {
        skb.icmp_send(msg::DEST_UNREACH, msg::PORT_UNREACH, 0);
        Verdict::Drop
    }
}
