// SPDX-License-Identifier: GPL-2.0

//! The `IPVS` generic netlink family, as `ipvsadm` uses it.
//!
//! C: the generic netlink part of
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::{ipvs_of, service::Service};
use crate::{
    conn,
    ffi::{
        genl::{AttrType, Dump, FamilySpec, Handler, Msg, Op, Request},
        time::HZ,
    },
    logic::{
        genl::{cmd, cmd_attr, info_attr, FAMILY_NAME, FAMILY_VERSION},
        service::{self as svc, attr},
        stats::{self, Kstats},
        timeouts::Request as TimeoutRequest,
        version::VERSION_CODE,
    },
    netns::NetIpvs,
};
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
        Op {
            cmd: cmd::GET_SERVICE,
            doit: true,
            dumpit: true,
        },
        dumpit(cmd::GET_DEST),
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
            c => set_cmd(req, ipvs, c),
        }
    }

    fn dumpit(dump: &mut Dump<'_>) -> Result {
        let net = dump.net()?;
        let ipvs = ipvs_of(&net)?;
        match dump.cmd() {
            cmd::GET_SERVICE => dump_services(dump, ipvs),
            // Destinations are not served yet (issue 3): none to dump.
            cmd::GET_DEST => Ok(()),
            // No sync daemon runs.
            cmd::GET_DAEMON => Ok(()),
            _ => Err(EINVAL),
        }
    }
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
    Ok(timeouts.apply(&r, HZ)?)
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
fn set_cmd(req: &Request<'_>, ipvs: &NetIpvs, c: u8) -> Result {
    let mut services = ipvs.services.lock();
    if c == cmd::FLUSH {
        services.flush();
        return Ok(());
    }
    let nla = req.attr(cmd_attr::SERVICE);
    if c == cmd::ZERO && nla.is_none() {
        services.zero_all();
        return Ok(());
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

/// `IPVS_CMD_GET_SERVICE` for all: each call goes on where the last one
/// stopped, so a dump of n services costs O(n).
fn dump_services(dump: &mut Dump<'_>, ipvs: &NetIpvs) -> Result {
    let services = ipvs.services.lock();
    let mut next = usize::try_from(dump.cursor()[0]).unwrap_or(usize::MAX);
    while let Some(s) = services.get(next) {
        if !dump.entry(cmd::NEW_SERVICE, |msg| fill_service(msg, s))? {
            break;
        }
        next += 1;
    }
    dump.cursor()[0] = next.try_into()?;
    Ok(())
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
        let mut flags = [0u8; svc::FLAGS_LEN];
        flags[..4].copy_from_slice(&s.flags.to_ne_bytes());
        flags[4..].copy_from_slice(&u32::MAX.to_ne_bytes());
        m.put(attr::FLAGS, &flags)?;
        m.put_u32(attr::TIMEOUT, s.timeout)?;
        m.put_u32(attr::NETMASK, s.netmask)?;
        fill_stats(m, attr::STATS, &s.stats, false)?;
        fill_stats(m, attr::STATS64, &s.stats, true)
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
