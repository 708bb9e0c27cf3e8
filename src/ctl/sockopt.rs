// SPDX-License-Identifier: GPL-2.0

//! The sockopt interface of IPVS, for clients built without libnl. It knows
//! IPv4 services and destinations only.
//!
//! C: `do_ip_vs_set_ctl()` and `do_ip_vs_get_ctl()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::{
    dest::Dest,
    ipvs_of,
    service::{Service, Table},
};
use crate::{
    conn,
    ffi::{
        pernet::Net,
        sockopt::{self as ffi, GetRequest, Handler, SetRequest},
        time::HZ,
    },
    logic::{
        addr::{self, Af},
        dest as dst,
        service::{self as svc, SERVICE_USER_LEN},
        sockopt::{self as so, GetCmd, SetCmd},
        version::{Banner, VERSION_CODE},
    },
    netns::NetIpvs,
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;

/// Serves `setsockopt` and `getsockopt`.
pub(crate) struct Sockopt;

/// The `u32` at `offset` of a request structure.
fn field_u32(arg: &[u8], offset: usize) -> Result<u32> {
    let end = offset.checked_add(4).ok_or(EINVAL)?;
    let bytes = arg.get(offset..end).ok_or(EINVAL)?;
    Ok(u32::from_ne_bytes(bytes.try_into().map_err(|_| EINVAL)?))
}

/// The service `key` names, among IPv4 ones.
fn find<'a>(table: &'a Table, key: &svc::Key) -> Option<&'a Service> {
    table.find(key).and_then(|i| table.get(i))
}

/// `ip_vs_copy_service()` into `b`.
fn copy_service(b: &mut [u8; so::SERVICE_ENTRY_LEN], s: &Service) {
    so::copy_service(
        b,
        &so::ServiceEntry {
            protocol: s.key.protocol,
            addr: addr::ip(&s.key.addr),
            port: s.key.port,
            fwmark: s.key.fwmark,
            sched_name: s.sched_name(),
            flags: s.flags,
            timeout: so::reported_timeout(s.timeout, HZ),
            netmask: s.netmask,
            num_dests: u32::try_from(s.dests.len()).unwrap_or(u32::MAX),
            stats: s.stats.snapshot(),
        },
    );
}

/// A `struct ip_vs_dest_entry` for `d`.
fn dest_entry(d: &Dest) -> [u8; so::DEST_ENTRY_LEN] {
    let s = &d.shared;
    so::encode_dest(&so::DestEntry {
        addr: addr::ip(&s.addr),
        port: s.port,
        conn_flags: d.conn_flags(),
        weight: d.weight(),
        u_threshold: s.u_threshold.load(Relaxed),
        l_threshold: s.l_threshold.load(Relaxed),
        activeconns: d.activeconns(),
        inactconns: d.inactconns(),
        persistconns: d.persistconns(),
        stats: d.stats.snapshot(),
    })
}

impl Handler for Sockopt {
    fn get(req: &mut GetRequest<'_>) -> Result {
        if !req.net_admin() {
            return Err(EPERM);
        }
        let cmd = GetCmd::from_optval(req.optval()).ok_or(EINVAL)?;
        if req.len() < cmd.arg_len() {
            return Err(EINVAL);
        }
        let arg = req.read(cmd.arg_len())?;
        let net = req.net()?;
        let ipvs = ipvs_of(&net)?;
        match cmd {
            GetCmd::Version => {
                let banner = Banner {
                    conn_tab_size: conn::table_size(),
                }
                .to_c_string();
                let bytes = banner.bytes_with_nul();
                req.write(bytes)?;
                req.set_len(bytes.len())
            }
            GetCmd::Info => {
                let n = ipvs.services.lock().count(Af::Inet);
                req.write(&so::encode_info(
                    VERSION_CODE,
                    conn::table_size(),
                    n.try_into()?,
                ))
            }
            GetCmd::Services => get_services(req, ipvs, &arg),
            GetCmd::Service => {
                // C answers in the request's own buffer, not cleared first.
                let mut entry: [u8; so::SERVICE_ENTRY_LEN] =
                    arg.as_slice().try_into().map_err(|_| EINVAL)?;
                let services = ipvs.services.lock();
                let s = find(&services, &so::query_key(&entry)).ok_or(ESRCH)?;
                copy_service(&mut entry, s);
                req.write(&entry)
            }
            GetCmd::Dests => get_dests(req, ipvs, &arg),
            GetCmd::Timeout => {
                let _services = ipvs.services.lock();
                let t = *ipvs.timeouts.lock();
                req.write(&so::encode_timeouts(&t))
            }
            // No sync daemon runs: both entries are empty.
            GetCmd::Daemon => req.write(&[0; 2 * so::DAEMON_USER_LEN]),
            GetCmd::Dest => Err(EINVAL),
        }
    }

    fn set(req: &SetRequest) -> Result {
        if !req.net_admin() {
            return Err(EPERM);
        }
        let cmd = SetCmd::from_optval(req.optval()).ok_or(EINVAL)?;
        if req.len() != cmd.arg_len() {
            return Err(EINVAL);
        }
        let mut buf = [0u8; so::MAX_SET_ARGLEN];
        let arg = buf.get_mut(..cmd.arg_len()).ok_or(EINVAL)?;
        req.read(arg)?;
        let arg = &*arg;
        let net = req.net()?;
        let ipvs = ipvs_of(&net)?;
        // The daemons have their own lock in C, taken before the services'.
        match cmd {
            SetCmd::StartDaemon => {
                let d = so::DaemonUser::decode(arg);
                return Err(so::start_daemon(&d, |name| ffi::dev_exists(&net, name)).into());
            }
            SetCmd::StopDaemon => return Err(so::stop_daemon(&so::DaemonUser::decode(arg)).into()),
            _ => {}
        }
        let mut services = ipvs.services.lock();
        match cmd {
            SetCmd::Flush => {
                services.flush();
                Ok(())
            }
            SetCmd::Timeout => {
                let r = so::decode_timeouts(arg);
                let mut timeouts = ipvs.timeouts.lock();
                timeouts.apply(&r, HZ)?;
                ipvs.dp.set_timeouts(&timeouts);
                Ok(())
            }
            // The commands C names but does not serve.
            _ if arg.is_empty() => Err(EINVAL),
            _ => set_service(&mut services, &net, cmd, arg),
        }
    }
}

/// The service and destination commands of `do_ip_vs_set_ctl()`, under the
/// services' lock.
fn set_service(services: &mut Table, net: &Net, cmd: SetCmd, arg: &[u8]) -> Result {
    let raw: &[u8; SERVICE_USER_LEN] = arg
        .get(..SERVICE_USER_LEN)
        .ok_or(EINVAL)?
        .try_into()
        .map_err(|_| EINVAL)?;
    let u = svc::from_sockopt(raw);
    if cmd == SetCmd::Zero && svc::sockopt_is_zero_all(&u) {
        return services.zero_all();
    }
    if matches!(cmd, SetCmd::Add | SetCmd::Edit) {
        svc::check_sockopt_sched_name(&u)?;
    }
    if let Err(e) = svc::check_sockopt_protocol(u.key.protocol) {
        let ip = addr::ip(&u.key.addr);
        pr_err!(
            "set_ctl: invalid protocol: {} {}.{}.{}.{}:{}\n",
            u.key.protocol,
            ip[0],
            ip[1],
            ip[2],
            ip[3],
            u.key.port_host()
        );
        return Err(e.into());
    }
    let found = services.find(&u.key);
    let existing = found.and_then(|i| services.get(i)).map(|s| s.key.protocol);
    svc::check_sockopt_exists(cmd == SetCmd::Add, existing, u.key.protocol)?;
    match (cmd, found) {
        (SetCmd::Add, _) => services.add(&u),
        (SetCmd::Edit, Some(i)) => services.edit(i, &u.config),
        (SetCmd::Del, Some(i)) => services.del(i),
        (SetCmd::Zero, Some(i)) => services.zero(i),
        (SetCmd::AddDest | SetCmd::EditDest | SetCmd::DelDest, Some(i)) => {
            let (_, raw) = dst::split_svcdest(arg).ok_or(EINVAL)?;
            let d = dst::from_sockopt(raw);
            // The old interface only knows IPv4: the service found is, and
            // so is the destination.
            services.update(i, |s, trash| match cmd {
                SetCmd::AddDest => s.add_dest(net, &d, Af::Inet, trash),
                SetCmd::EditDest => s.edit_dest(&d, Af::Inet),
                _ => s.del_dest(&d, Af::Inet, trash),
            })
        }
        _ => Err(EINVAL),
    }
}

/// `IP_VS_SO_GET_SERVICES` (`__ip_vs_get_service_entries()`): an entry per
/// IPv4 service, up to the number asked for, after the header (which is
/// left as the caller wrote it).
fn get_services(req: &mut GetRequest<'_>, ipvs: &NetIpvs, arg: &[u8]) -> Result {
    let n = field_u32(arg, so::get_services::NUM_SERVICES)?;
    let want = so::table_len(so::GET_SERVICES_LEN, n, so::SERVICE_ENTRY_LEN);
    if want != Some(req.len()) {
        pr_err!("length: {} != {}\n", req.len(), want.unwrap_or(usize::MAX));
        return Err(EINVAL);
    }
    let services = ipvs.services.lock();
    let v4 = services.iter().filter(|s| s.key.af == Af::Inet);
    for (count, s) in (0..n).zip(v4) {
        let mut entry = [0; so::SERVICE_ENTRY_LEN];
        copy_service(&mut entry, s);
        let at = so::table_len(so::GET_SERVICES_LEN, count, so::SERVICE_ENTRY_LEN);
        req.write_at(at.ok_or(EINVAL)?, &entry)?;
    }
    Ok(())
}

/// `IP_VS_SO_GET_DESTS` (`__ip_vs_get_dest_entries()`): an entry per IPv4
/// destination of the service named, up to the number asked for.
fn get_dests(req: &mut GetRequest<'_>, ipvs: &NetIpvs, arg: &[u8]) -> Result {
    let n = field_u32(arg, so::get_dests::NUM_DESTS)?;
    let services = ipvs.services.lock();
    let want = so::table_len(so::GET_DESTS_LEN, n, so::DEST_ENTRY_LEN);
    if want != Some(req.len()) {
        pr_err!("length: {} != {}\n", req.len(), want.unwrap_or(usize::MAX));
        return Err(EINVAL);
    }
    let s = find(&services, &so::query_key(arg)).ok_or(ESRCH)?;
    // Destinations of another family cannot be expressed here.
    let same_af = s.dests.iter().filter(|d| d.af() == s.key.af.raw());
    for (count, d) in (0..n).zip(same_af) {
        let at = so::table_len(so::GET_DESTS_LEN, count, so::DEST_ENTRY_LEN);
        req.write_at(at.ok_or(EINVAL)?, &dest_entry(d))?;
    }
    Ok(())
}
