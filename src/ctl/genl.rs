// SPDX-License-Identifier: GPL-2.0

//! The `IPVS` generic netlink family, as `ipvsadm` uses it.
//!
//! C: the generic netlink part of
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::{
    dest::Dest,
    ipvs_of,
    service::{self, Service},
};
use crate::{
    conn,
    ffi::{
        genl::{AttrType, Dump, FamilySpec, Handler, Msg, Op, Request},
        pernet::Net,
        sockopt::dev_exists,
        time::HZ,
    },
    logic::{
        dest::{self as dst, attr as dattr, conn_flag},
        genl::{cmd, cmd_attr, daemon, info_attr, FAMILY_NAME, FAMILY_VERSION},
        nla,
        service::{self as svc, attr},
        stats::{self, Kstats},
        timeouts::Request as TimeoutRequest,
        version::VERSION_CODE,
    },
    netns::NetIpvs,
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;

/// IPv6 services are served: IPv6 is built into the test kernel and the
/// module has no switch for it.
const IPV6: bool = true;

const fn doit(cmd: u8) -> Op {
    Op {
        cmd,
        doit: true,
        dumpit: false,
    }
}

const fn dumpit(cmd: u8) -> Op {
    Op {
        cmd,
        doit: false,
        dumpit: true,
    }
}

/// The family as registered.
pub(crate) const FAMILY: FamilySpec = FamilySpec {
    name: FAMILY_NAME,
    version: FAMILY_VERSION,
    maxattr: cmd_attr::MAX,
    policy: &[
        (cmd_attr::SERVICE, AttrType::Nested),
        (cmd_attr::DEST, AttrType::Nested),
        (cmd_attr::DAEMON, AttrType::Nested),
        (cmd_attr::TIMEOUT_TCP, AttrType::U32),
        (cmd_attr::TIMEOUT_TCP_FIN, AttrType::U32),
        (cmd_attr::TIMEOUT_UDP, AttrType::U32),
    ],
    ops: &[
        doit(cmd::NEW_SERVICE),
        doit(cmd::SET_SERVICE),
        doit(cmd::DEL_SERVICE),
        doit(cmd::NEW_DEST),
        doit(cmd::SET_DEST),
        doit(cmd::DEL_DEST),
        Op {
            cmd: cmd::GET_SERVICE,
            doit: true,
            dumpit: true,
        },
        dumpit(cmd::GET_DEST),
        // Registered although no sync daemon can start, so that the
        // generic netlink core's CAP_NET_ADMIN check (GENL_ADMIN_PERM)
        // comes first, as in C: EPERM for an unprivileged caller, not the
        // EOPNOTSUPP of an unknown command.
        doit(cmd::NEW_DAEMON),
        doit(cmd::DEL_DAEMON),
        dumpit(cmd::GET_DAEMON),
        doit(cmd::SET_CONFIG),
        doit(cmd::GET_CONFIG),
        doit(cmd::GET_INFO),
        doit(cmd::ZERO),
        doit(cmd::FLUSH),
    ],
    resv_start_op: cmd::FLUSH + 1,
};

/// Serves the family.
pub(crate) struct Genl;

impl Handler for Genl {
    fn doit(req: &mut Request<'_>) -> Result {
        let net = req.net()?;
        let ipvs = ipvs_of(&net)?;
        match req.cmd() {
            cmd::GET_INFO => req.reply(cmd::SET_INFO, |msg| {
                msg.put_u32(info_attr::VERSION, VERSION_CODE)?;
                msg.put_u32(info_attr::CONN_TAB_SIZE, conn::table_size())
            }),
            cmd::GET_CONFIG => {
                let t = *ipvs.timeouts.lock();
                req.reply(cmd::SET_CONFIG, |msg| {
                    msg.put_u32(cmd_attr::TIMEOUT_TCP, t.tcp)?;
                    msg.put_u32(cmd_attr::TIMEOUT_TCP_FIN, t.tcp_fin)?;
                    msg.put_u32(cmd_attr::TIMEOUT_UDP, t.udp)
                })
            }
            cmd::GET_SERVICE => get_service(req, ipvs),
            cmd::SET_CONFIG => set_config(req, ipvs),
            cmd::NEW_DAEMON | cmd::DEL_DAEMON => set_daemon(req, &net, ipvs),
            c => set_cmd(req, &net, ipvs, c),
        }
    }

    fn dumpit(dump: &mut Dump<'_>) -> Result {
        let net = dump.net()?;
        let ipvs = ipvs_of(&net)?;
        match dump.cmd() {
            cmd::GET_SERVICE => dump_services(dump, ipvs),
            cmd::GET_DEST => dump_dests(dump, ipvs),
            // No sync daemon runs.
            cmd::GET_DAEMON => Ok(()),
            _ => Err(EINVAL),
        }
    }
}

/// `IPVS_CMD_NEW_DAEMON` and `IPVS_CMD_DEL_DAEMON`
/// (`ip_vs_genl_set_daemon()`): no sync daemon runs or can start, so each
/// ends in the errno [`daemon`] gives.
fn set_daemon(req: &Request<'_>, net: &Net, ipvs: &NetIpvs) -> Result {
    let attrs = daemon::parse_attrs(req.attr(cmd_attr::DAEMON))?;
    let e = if req.cmd() == cmd::NEW_DAEMON {
        let mixed = ipvs.services.lock().has_mixed_af_dests();
        daemon::new(&attrs, mixed, |name| dev_exists(net, name))
    } else {
        daemon::del(&attrs)
    };
    Err(e.into())
}

/// `IPVS_CMD_SET_CONFIG`: the timeouts present in the request replace the
/// current ones; zero keeps one.
fn set_config(req: &Request<'_>, ipvs: &NetIpvs) -> Result {
    let _services = ipvs.services.lock();
    let mut timeouts = ipvs.timeouts.lock();
    let mut r: TimeoutRequest = timeouts.as_request();
    let get = |a| req.attr(a).map(|v| u32_of(v) as i32);
    if let Some(v) = get(cmd_attr::TIMEOUT_TCP) {
        r.tcp = v;
    }
    if let Some(v) = get(cmd_attr::TIMEOUT_TCP_FIN) {
        r.tcp_fin = v;
    }
    if let Some(v) = get(cmd_attr::TIMEOUT_UDP) {
        r.udp = v;
    }
    timeouts.apply(&r, HZ)?;
    ipvs.dp.set_timeouts(&timeouts);
    Ok(())
}

/// The first four bytes of a `u32` attribute, as `nla_get_u32()` reads
/// them; the policy made sure there are four.
fn u32_of(v: &[u8]) -> u32 {
    let mut b = [0; 4];
    for (d, s) in b.iter_mut().zip(v) {
        *d = *s;
    }
    u32::from_ne_bytes(b)
}

/// The service commands (`ip_vs_genl_set_cmd()`): flush, zero, new, set
/// and delete.
fn set_cmd(req: &Request<'_>, net: &Net, ipvs: &NetIpvs, c: u8) -> Result {
    let mut services = ipvs.services.lock();
    if c == cmd::FLUSH {
        services.flush();
        return Ok(());
    }
    let nla = req.attr(cmd_attr::SERVICE);
    if c == cmd::ZERO && nla.is_none() {
        return services.zero_all();
    }
    let attrs = svc::parse_attrs(nla)?;
    let key = svc::genl_key(&attrs, IPV6)?;
    let found = services.find(&key);
    let full = c == cmd::NEW_SERVICE || c == cmd::SET_SERVICE;
    let config = if full {
        let flags = found.and_then(|i| services.get(i)).map(|s| s.flags);
        Some(svc::genl_config(&attrs, flags)?)
    } else {
        None
    };
    svc::check_genl_exists(c == cmd::NEW_SERVICE, found.is_some())?;
    match (c, found, config) {
        (cmd::NEW_SERVICE, _, Some(config)) => services.add(&svc::ServiceUser { key, config }),
        (cmd::SET_SERVICE, Some(i), Some(config)) => services.edit(i, &config),
        (cmd::DEL_SERVICE, Some(i), _) => services.del(i),
        (cmd::ZERO, Some(i), _) => services.zero(i),
        (cmd::NEW_DEST | cmd::SET_DEST | cmd::DEL_DEST, Some(i), _) => {
            let svc_af = services.get(i).ok_or(ESRCH)?.key.af;
            let attrs = dst::parse_attrs(req.attr(cmd_attr::DEST))?;
            let u = dst::genl_dest(&attrs, c != cmd::DEL_DEST)?;
            let af = service::dest_af(&u, svc_af, IPV6, c == cmd::DEL_DEST)?;
            services.update(i, |s, trash| match c {
                cmd::NEW_DEST => s.add_dest(net, &u, af, trash),
                cmd::SET_DEST => s.edit_dest(&u, af),
                _ => s.del_dest(&u, af, trash),
            })
        }
        _ => Err(EINVAL),
    }
}

/// `IPVS_CMD_GET_SERVICE` for one service.
fn get_service(req: &mut Request<'_>, ipvs: &NetIpvs) -> Result {
    let services = ipvs.services.lock();
    let attrs = svc::parse_attrs(req.attr(cmd_attr::SERVICE))?;
    let key = svc::genl_key(&attrs, IPV6)?;
    let s = services
        .find(&key)
        .and_then(|i| services.get(i))
        .ok_or(ESRCH)?;
    req.reply(cmd::NEW_SERVICE, |msg| fill_service(msg, s))
}

/// `IPVS_CMD_GET_SERVICE` for all: each call goes on after the last
/// service the previous one sent, found by the number it was added under
/// in O(log n), so a dump of n services costs O(n) however many reply
/// buffers it takes (C walks the table from its first bucket for each).
/// Services deleted in between move none to be skipped or sent twice.
fn dump_services(dump: &mut Dump<'_>, ipvs: &NetIpvs) -> Result {
    let services = ipvs.services.lock();
    let mut next = u64::try_from(dump.cursor()[0]).unwrap_or(u64::MAX);
    for (seq, s) in services.since(next) {
        if !dump.entry(cmd::NEW_SERVICE, |msg| fill_service(msg, s))? {
            break;
        }
        next = seq.saturating_add(1);
    }
    dump.cursor()[0] = next.try_into()?;
    Ok(())
}

/// `IPVS_CMD_GET_DEST`: the destinations of the service the request names;
/// an empty dump when it names none, as in C.
fn dump_dests(dump: &mut Dump<'_>, ipvs: &NetIpvs) -> Result {
    let services = ipvs.services.lock();
    let Ok(attrs) = nla::parse(dump.request(), &nla::CMD_POLICY) else {
        return Ok(());
    };
    let found = svc::parse_attrs(attrs.get(cmd_attr::SERVICE))
        .and_then(|a| svc::genl_key(&a, IPV6))
        .ok()
        .and_then(|key| services.find(&key))
        .and_then(|i| services.get(i));
    let Some(s) = found else {
        return Ok(());
    };
    let mut next = usize::try_from(dump.cursor()[0]).unwrap_or(usize::MAX);
    while let Some(d) = s.dests.get(next) {
        if !dump.entry(cmd::NEW_DEST, |msg| fill_dest(msg, d))? {
            break;
        }
        next += 1;
    }
    dump.cursor()[0] = next.try_into()?;
    Ok(())
}

/// The `IPVS_CMD_ATTR_DEST` nest describing `d` (`ip_vs_genl_fill_dest()`).
fn fill_dest(msg: &mut Msg, d: &Dest) -> Result {
    msg.nest(cmd_attr::DEST, |m| {
        let s = &d.shared;
        m.put(dattr::ADDR, &s.addr)?;
        m.put_u16(dattr::PORT, s.port)?;
        m.put_u32(dattr::FWD_METHOD, d.conn_flags() & conn_flag::FWD_MASK)?;
        m.put_u32(dattr::WEIGHT, d.weight() as u32)?;
        m.put(dattr::TUN_TYPE, &[d.tun_type() as u8])?;
        m.put_u16(dattr::TUN_PORT, d.tun_port())?;
        m.put_u16(dattr::TUN_FLAGS, d.tun_flags())?;
        m.put_u32(dattr::U_THRESH, s.u_threshold.load(Relaxed))?;
        m.put_u32(dattr::L_THRESH, s.l_threshold.load(Relaxed))?;
        m.put_u32(dattr::ACTIVE_CONNS, d.activeconns() as u32)?;
        m.put_u32(dattr::INACT_CONNS, d.inactconns() as u32)?;
        m.put_u32(dattr::PERSIST_CONNS, d.persistconns() as u32)?;
        m.put_u16(dattr::ADDR_FAMILY, d.af())?;
        fill_stats(m, dattr::STATS, &d.stats.snapshot(), false)?;
        fill_stats(m, dattr::STATS64, &d.stats.snapshot(), true)
    })
}

/// The `IPVS_CMD_ATTR_SERVICE` nest describing `s`
/// (`ip_vs_genl_fill_service()`).
fn fill_service(msg: &mut Msg, s: &Service) -> Result {
    msg.nest(cmd_attr::SERVICE, |m| {
        m.put_u16(attr::AF, s.key.af.raw())?;
        if s.key.fwmark != 0 {
            m.put_u32(attr::FWMARK, s.key.fwmark)?;
        } else {
            m.put_u16(attr::PROTOCOL, s.key.protocol)?;
            m.put(attr::ADDR, &s.key.addr)?;
            m.put_u16(attr::PORT, s.key.port)?;
        }
        let name = s.sched_name();
        let mut buf = [0u8; svc::SCHEDNAME_MAXLEN + 1];
        let dst = buf.get_mut(..name.len()).ok_or(EINVAL)?;
        dst.copy_from_slice(name);
        m.put(attr::SCHED_NAME, &buf[..=name.len()])?;
        if let Some(pe) = s.pe_name() {
            m.put(attr::PE_NAME, pe.to_bytes_with_nul())?;
        }
        let mut flags = [0u8; svc::FLAGS_LEN];
        flags[..4].copy_from_slice(&s.flags.to_ne_bytes());
        flags[4..].copy_from_slice(&u32::MAX.to_ne_bytes());
        m.put(attr::FLAGS, &flags)?;
        m.put_u32(attr::TIMEOUT, s.timeout)?;
        m.put_u32(attr::NETMASK, s.netmask)?;
        fill_stats(m, attr::STATS, &s.stats.snapshot(), false)?;
        fill_stats(m, attr::STATS64, &s.stats.snapshot(), true)
    })
}

/// A stats nest (`ip_vs_genl_fill_stats()`, `..._stats64()`): the 64-bit
/// one carries every counter as a u64, the other all but the byte counters
/// truncated to u32.
fn fill_stats(msg: &mut Msg, container: u16, st: &Kstats, wide: bool) -> Result {
    msg.nest(container, |m| {
        for (a, v) in st.fields() {
            if wide || Kstats::is_wide_in_stats32(a) {
                m.put_u64(a, v, stats::attr::PAD)?;
            } else {
                m.put_u32(a, v as u32)?;
            }
        }
        Ok(())
    })
}
