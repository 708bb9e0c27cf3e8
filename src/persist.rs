// SPDX-License-Identifier: GPL-2.0

//! Persistent services (`ipvsadm -p`): a template remembers which real
//! server a client (or its network, `-M`) went to, and new connections of
//! that client follow it until the template times out.
//!
//! C: `ip_vs_sched_persist()` in [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)
//! and `ip_vs_check_template()` in `ip_vs_conn.c`

use crate::{
    conn::table::{Conn, Endpoint, PeData, Table},
    ctl::dest::Dest,
    dataplane::{DataPlane, SvcView},
    ffi::{
        netfilter::Verdict,
        skb::Skb,
        time::{self, HZ},
    },
    logic::{packet::UDP_LEN, service::flag::PERSISTENT},
    proto::{inet_addr, Packet},
    request::{new_conn, pick, FTP_PORT},
    sched::abi::DEST_F_AVAILABLE,
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::{prelude::*, sync::Arc};

/// The template a connection of `pkt` to `svc` looks for: protocol,
/// client (masked, port 0) and virtual side.
fn template_key(svc: &SvcView, pkt: &Packet) -> (u8, Endpoint, Endpoint) {
    let mask = svc.netmask.to_ne_bytes();
    let saddr = pkt.iph.saddr;
    let snet = core::array::from_fn(|i| saddr[i] & mask[i]);
    let client = Endpoint {
        addr: inet_addr(snet),
        port: 0,
    };
    let vaddr = inet_addr(pkt.iph.daddr);
    if pkt.dport == svc.key.port {
        // One template per client and service; FTP's covers the data
        // connections too.
        let port = if svc.key.port != FTP_PORT {
            pkt.dport
        } else {
            0
        };
        (pkt.iph.protocol, client, Endpoint { addr: vaddr, port })
    } else if svc.key.fwmark != 0 {
        // Firewall-mark services: one template per client and mark.
        let mark = inet_addr(svc.key.fwmark.to_be_bytes());
        (
            0,
            client,
            Endpoint {
                addr: mark,
                port: 0,
            },
        )
    } else {
        // Port-zero services: one per client and address.
        (
            pkt.iph.protocol,
            client,
            Endpoint {
                addr: vaddr,
                port: 0,
            },
        )
    }
}

/// What the service's persistence engine keys the template of `pkt` on
/// (`ip_vs_conn_fill_param_persist()`): `Ok(None)` without an engine, an
/// error when the engine finds nothing in the packet (for SIP, no usable
/// Call-ID, or not UDP) or memory is short.
fn fill_param(svc: &SvcView, pkt: &Packet, skb: &Skb<'_>) -> Result<Option<PeData>> {
    let Some(pe) = &svc.pe else {
        return Ok(None);
    };
    // The payload after a UDP header, whatever the protocol: the engine
    // refuses other protocols (C reads it the same way).
    let off = pkt.iph.hlen + UDP_LEN;
    if off >= pkt.len {
        return Err(EINVAL);
    }
    let mut payload = KVec::from_elem(0u8, pkt.len - off, GFP_ATOMIC)?;
    skb.read(off, &mut payload)?;
    let range = pe.fill_param(pkt.iph.protocol, &payload)?;
    let mut data = KVec::with_capacity(range.len(), GFP_ATOMIC)?;
    data.extend_from_slice(payload.get(range).ok_or(EINVAL)?, GFP_ATOMIC)?;
    Ok(Some(PeData {
        pe: (**pe).clone(),
        data,
    }))
}

/// Whether a template to `dest` still serves (`ip_vs_check_template()`):
/// not once the destination is unavailable, nor, with `expire_quiescent`
/// (the sysctl `expire_quiescent_template`), once its weight is zero.
fn serves(dest: &Dest, expire_quiescent: bool) -> bool {
    let s = &dest.shared;
    s.flags.load(Relaxed) & DEST_F_AVAILABLE != 0
        && !(expire_quiescent && s.weight.load(Relaxed) == 0)
}

/// A connection of `pkt` (in `skb`) to the persistent service `svc`: to
/// the server of the client's template, or to a newly scheduled one with a
/// new template; `expire_quiescent` as [`serves`] takes it. `Err(None)`
/// to leave the packet, `Err(Some(_))` for a verdict.
pub(crate) fn schedule(
    svc: &SvcView,
    conns: &Table,
    pkt: &Packet,
    skb: &Skb<'_>,
    now: u64,
    expire_quiescent: bool,
) -> Result<Conn, Option<Verdict>> {
    let (protocol, tclient, tvirt) = template_key(svc, pkt);
    let (client, virt) = (pkt.source(), pkt.destination());
    // C drops a packet its engine finds nothing in, without an ICMP error.
    let pe_data = fill_param(svc, pkt, skb).map_err(|_| Some(Verdict::Drop))?;
    let mut slot = conns.slot(protocol, &tclient);
    // `ip_vs_check_template()`: a template to a server that is gone is no
    // longer used.
    let stale = slot
        .find_template(&tvirt, pe_data.as_ref())
        .is_some_and(|t| !serves(&t.dest, expire_quiescent));
    if stale {
        slot.invalidate_template(&tvirt, pe_data.as_ref());
    }
    let mut made = None;
    if slot.find_template(&tvirt, pe_data.as_ref()).is_none() {
        // The scheduler has a lock of its own.
        drop(slot);
        let dest = pick(svc, &client, &virt).ok_or(None)?;
        let tport = if pkt.dport == svc.key.port && svc.key.port != FTP_PORT {
            dest.shared.port
        } else {
            0
        };
        let timeout = u64::from(svc.timeout) * u64::from(HZ);
        let mut t = Conn::template(protocol, tclient, tvirt, (dest.clone(), tport), timeout)
            .map_err(|_| Some(Verdict::Drop))?;
        // The template keeps the engine's data (and pins its module).
        t.pe_data = pe_data
            .as_ref()
            .map(PeData::try_clone)
            .transpose()
            .map_err(|_| Some(Verdict::Drop))?;
        made = Some(t);
        slot = conns.slot(protocol, &tclient);
    }
    let t = match made {
        // The new template serves, unless another CPU made one meanwhile.
        // It is used as it is, not looked up again: one to real port 65535
        // is never found (as in C, which uses it all the same).
        Some(t) if slot.find_template(&tvirt, pe_data.as_ref()).is_none() => {
            slot.insert(t).map_err(|_| Some(Verdict::Drop))?
        }
        _ => slot
            .find_template(&tvirt, pe_data.as_ref())
            .ok_or(Some(Verdict::Drop))?,
    };
    let dest = t.dest.clone();
    let dport = if pkt.dport == svc.key.port && dest.shared.port != 0 {
        dest.shared.port
    } else {
        pkt.dport
    };
    let mut conn = new_conn(svc, pkt, &client, &virt, (dest, dport));
    conn.controlled_by(t);
    // The template lives on from its latest connection.
    t.touch(now);
    Ok(conn)
}

/// `ip_vs_new_conn_out()`, for an engine's `conn_out`: the connection a
/// request that real server `dest` of `svc` sends from its service port
/// (`pkt`, in `skb`) starts, so that the client's answers find their way
/// back to it; for a persistent service under a template to that server
/// too, keyed as the client's own requests would be. `None` when it cannot
/// be made: the packet then goes on as if IPVS had not seen it.
pub(crate) fn conn_out(
    dp: &DataPlane,
    svc: &SvcView,
    dest: Arc<Dest>,
    pkt: &Packet,
    skb: &Skb<'_>,
    expire_quiescent: bool,
) -> Option<Conn> {
    // The virtual port must be known: no firewall-mark or port-zero
    // services.
    if svc.key.fwmark != 0 || svc.key.port == 0 || pkt.sport == 0 {
        return None;
    }
    let protocol = pkt.iph.protocol;
    let client = pkt.destination();
    let virt = Endpoint {
        addr: svc.key.addr,
        port: svc.key.port,
    };
    let mut conn;
    if svc.flags & PERSISTENT != 0 {
        let mask = svc.netmask.to_ne_bytes();
        let tclient = Endpoint {
            addr: inet_addr(core::array::from_fn(|i| pkt.iph.daddr[i] & mask[i])),
            port: 0,
        };
        let pe_data = fill_param(svc, pkt, skb).ok()?;
        let mut slot = dp.conns.slot(protocol, &tclient);
        // `ip_vs_check_template(ct, dest)`: a template to another server,
        // or to one that is gone, does not serve.
        let usable = slot
            .find_template(&virt, pe_data.as_ref())
            .is_some_and(|t| Arc::ptr_eq(&t.dest, &dest) && serves(&t.dest, expire_quiescent));
        // A new template is used as it is (one to port 65535 would not be
        // found again).
        let t = if usable {
            slot.find_template(&virt, pe_data.as_ref())?
        } else {
            slot.invalidate_template(&virt, pe_data.as_ref());
            let timeout = u64::from(svc.timeout) * u64::from(HZ);
            let mut t =
                Conn::template(protocol, tclient, virt, (dest.clone(), pkt.sport), timeout).ok()?;
            t.pe_data = pe_data.as_ref().map(PeData::try_clone).transpose().ok()?;
            slot.insert(t).ok()?
        };
        conn = new_conn(svc, pkt, &client, &virt, (dest, pkt.sport));
        conn.controlled_by(t);
        t.touch(time::jiffies());
    } else {
        conn = new_conn(svc, pkt, &client, &virt, (dest, pkt.sport));
    }
    dp.total.conn();
    Some(conn)
}
