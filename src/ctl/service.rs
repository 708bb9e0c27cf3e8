// SPDX-License-Identifier: GPL-2.0

//! Virtual services of one namespace: the table and the lifecycle of its
//! entries (add, edit, delete, flush), with their schedulers bound.
//!
//! C: `ip_vs_add_service()`, `ip_vs_edit_service()`, `ip_vs_del_service()`
//! and `ip_vs_flush()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::{dest::Dest, svc_list::SvcList, trash::Trash};
use crate::{
    dataplane::{DataPlane, SvcView},
    ffi::{
        module::UseCount,
        pe::PeRef,
        pernet::Net,
        route,
        sched::{Bound, Members, SchedRef},
        sysctl::Values,
    },
    logic::{
        addr::{self, Af},
        dest::{self as dst, DestUser},
        errno::Errno,
        service::{self as svc, Config, Key, ServiceUser},
    },
    pe,
    sched::{
        self,
        abi::{DestShared, ServiceInfo, DEST_F_AVAILABLE},
    },
    stats::{Counters, Estimation},
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::{prelude::*, sync::Arc};

/// One virtual service.
pub(crate) struct Service {
    /// Which service; the address as `ip_vs_addr_copy()` keeps it.
    pub(crate) key: Key,
    /// `IP_VS_SVC_F_*`, with `IP_VS_SVC_F_HASHED` while in the table (as
    /// C's `svc->flags`).
    pub(crate) flags: u32,
    /// Persistence timeout in seconds.
    pub(crate) timeout: u32,
    /// Persistence netmask (`__be32` bits), or IPv6 prefix length.
    pub(crate) netmask: u32,
    /// The scheduler, unless the service was added with `none`; shared
    /// with the packet path's view of the service.
    sched: Option<Arc<Bound>>,
    /// The persistence engine (`--pe`), shared with the packet path's
    /// view; one module reference for the service, as C's `svc->pe`.
    pe: Option<Arc<PeRef>>,
    /// Counters, shared with the destinations, which count into them.
    pub(crate) stats: Arc<Counters>,
    /// Estimates the rates of its counters and of its destinations' for
    /// as long as they are in it: they are stopped when they leave it or
    /// when it is dropped.
    est: Arc<Estimation>,
    /// The destinations, newest first (C links new ones at the head).
    pub(crate) dests: KVec<Arc<Dest>>,
    /// The scheduler sysctls of the service's namespace (C's `svc->ipvs`).
    sysctls: Arc<Values>,
    /// Keeps the module loaded while the service exists.
    _use: UseCount,
}

impl Service {
    /// The scheduler's name as the control interfaces report it.
    pub(crate) fn sched_name(&self) -> &[u8] {
        self.sched
            .as_ref()
            .map_or(b"none".as_slice(), |b| b.name().to_bytes())
    }

    /// The persistence engine's name, if the service has one.
    pub(crate) fn pe_name(&self) -> Option<&CStr> {
        self.pe.as_ref().map(|p| p.name())
    }

    /// Runs `f` with what the scheduler is shown of this service;
    /// `sysctl` is the value of the scheduler's sysctl.
    fn with_info<R>(&self, sysctl: i32, f: impl FnOnce(&ServiceInfo) -> R) -> Result<R> {
        let mut ptrs = KVec::with_capacity(self.dests.len(), GFP_KERNEL)?;
        for d in self.dests.iter() {
            ptrs.push(core::ptr::from_ref::<DestShared>(&d.shared), GFP_KERNEL)?;
        }
        Ok(f(&ServiceInfo {
            af: self.key.af.raw(),
            protocol: self.key.protocol,
            port: self.key.port,
            fwmark: self.key.fwmark,
            addr: self.key.addr,
            flags: self.flags,
            dests: ptrs.as_ptr(),
            n_dests: ptrs.len(),
            sysctl,
        }))
    }

    /// Binds scheduler `s` to this service.
    fn bind(&mut self, s: SchedRef) -> Result {
        let bound = self.with_info(s.sysctl(&self.sysctls), |info| s.bind(info))??;
        self.sched = Some(Arc::new(bound, GFP_KERNEL)?);
        Ok(())
    }

    /// What the packet path is to see of this service now.
    fn view(&self) -> Result<Arc<SvcView>> {
        let mut dests = KVec::with_capacity(self.dests.len(), GFP_KERNEL)?;
        for d in self.dests.iter() {
            dests.push(d.clone(), GFP_KERNEL)?;
        }
        Ok(Arc::new(
            SvcView {
                key: self.key,
                flags: self.flags,
                timeout: self.timeout,
                netmask: self.netmask,
                sched: self.sched.clone(),
                pe: self.pe.clone(),
                members: Members::new(&self.key, self.flags, dests, self.sysctls.clone())?,
                stats: self.stats.clone(),
            },
            GFP_KERNEL,
        )?)
    }

    /// Where the destination `af`, `addr`, `port` is.
    fn find_dest(&self, af: Af, addr: &[u8; 16], port: u16) -> Option<usize> {
        let addr = addr::copy(af, addr);
        self.dests.iter().position(|d| d.is(af, &addr, port))
    }

    /// Adds a destination (`ip_vs_add_dest()`): the one in the trash, if
    /// this service or one with its key deleted it, or a new one.
    pub(crate) fn add_dest(
        &mut self,
        net: &Net,
        u: &DestUser,
        af: Af,
        trash: &mut Trash,
    ) -> Result {
        dst::check_add_edit(u)?;
        if self.find_dest(af, &u.addr, u.port).is_some() {
            return Err(EEXIST);
        }
        let stored = addr::copy(af, &u.addr);
        let mut revived_elsewhere = false;
        let d = match trash.get(&self.key, af, &stored, u.port) {
            Some(d) => {
                d.update(u, true);
                // It served another service with this key: now it counts
                // for this one, from zero (C's `__ip_vs_update_dest()`).
                if !d.counts_into(&self.stats) {
                    d.count_into(self.stats.clone());
                    revived_elsewhere = true;
                }
                d
            }
            // `ip_vs_new_dest()`: only addresses that can be routed to.
            None if !route::can_be_dest(net, af, &u.addr) => return Err(EINVAL),
            None => Dest::new(u, af, self.stats.clone())?,
        };
        self.dests.reserve(1, GFP_KERNEL)?;
        let stats = d.stats.clone();
        self.est.start(&stats)?;
        if revived_elsewhere {
            self.est.zero(&stats);
        }
        if self.dests.insert_within_capacity(0, d).is_err() {
            self.est.stop(&stats);
            return Err(ENOMEM);
        }
        self.notify(|b, info, d| b.add_dest(info, d), 0)
    }

    /// Changes a destination (`ip_vs_edit_dest()`).
    pub(crate) fn edit_dest(&mut self, u: &DestUser, af: Af) -> Result {
        dst::check_add_edit(u)?;
        let i = self.find_dest(af, &u.addr, u.port).ok_or(ENOENT)?;
        self.dests[i].update(u, false);
        self.notify(|b, info, d| b.upd_dest(info, d), i)
    }

    /// Deletes a destination (`ip_vs_del_dest()`) into the trash.
    pub(crate) fn del_dest(&mut self, u: &DestUser, af: Af, trash: &mut Trash) -> Result {
        let i = self.find_dest(af, &u.addr, u.port).ok_or(ENOENT)?;
        let d = self.dests.remove(i)?;
        self.est.stop(&d.stats);
        // Its connections, if any, are no longer served.
        d.shared.flags.fetch_and(!DEST_F_AVAILABLE, Relaxed);
        // The scheduler hears of it once it is out of the list.
        let told = match &self.sched {
            Some(b) => self.with_info(b.sysctl(&self.sysctls), |info| b.del_dest(info, &d.shared)),
            None => Ok(Ok(())),
        };
        trash.put(&self.key, d);
        told?
    }

    /// Tells the scheduler about the destination at `i` through `f`.
    fn notify(
        &self,
        f: impl FnOnce(&Bound, &ServiceInfo, &DestShared) -> Result,
        i: usize,
    ) -> Result {
        match (&self.sched, self.dests.get(i)) {
            (Some(b), Some(d)) => {
                self.with_info(b.sysctl(&self.sysctls), |info| f(b, info, &d.shared))?
            }
            _ => Ok(()),
        }
    }

    /// Zeroes its counters and its destinations', and their rates.
    fn zero(&self) {
        self.est.zero(&self.stats);
        for d in self.dests.iter() {
            self.est.zero(&d.stats);
        }
    }

    /// Whether this is the service `key` names (`__ip_vs_service_find()`
    /// and `__ip_vs_svc_fwm_find()`).
    pub(super) fn is(&self, key: &Key) -> bool {
        if key.fwmark != 0 {
            self.key.fwmark == key.fwmark && self.key.af == key.af
        } else {
            self.key.fwmark == 0
                && self.key.af == key.af
                && self.key.protocol == key.protocol
                && self.key.port == key.port
                && self.key.addr == addr::copy(key.af, &key.addr)
        }
    }
}

impl Drop for Service {
    /// Stops the estimation of its counters and of its destinations'
    /// (`ip_vs_stop_estimator()` in `__ip_vs_del_service()`).
    fn drop(&mut self) {
        self.est.stop(&self.stats);
        for d in self.dests.iter() {
            self.est.stop(&d.stats);
        }
    }
}

/// The scheduler a configuration names, its module pinned (`None` for
/// `none`).
fn lookup_sched(cfg: &Config) -> Result<Option<SchedRef>> {
    cfg.scheduler().map(sched::get).transpose()
}

/// The persistence engine a configuration names, its module pinned
/// (`None` without `--pe`): looked up, and its module loaded, as a
/// scheduler is; ENOENT when there is none.
fn lookup_pe(cfg: &Config) -> Result<Option<Arc<PeRef>>> {
    match cfg.pe_name {
        Some(n) => Ok(Some(Arc::new(pe::get(n.as_bytes())?, GFP_KERNEL)?)),
        None => Ok(None),
    }
}

/// The services of a namespace, in the order they were added, and the
/// packet path they are published to.
pub(crate) struct Table {
    services: SvcList,
    /// Destinations deleted, alone or with their service.
    trash: Trash,
    dp: Arc<DataPlane>,
    /// The namespace's rate estimation.
    est: Arc<Estimation>,
    /// The namespace's scheduler sysctls.
    sysctls: Arc<Values>,
}

impl Table {
    /// An empty table publishing to `dp`, its rates estimated by `est`, in
    /// the namespace whose scheduler sysctls are `sysctls`.
    pub(crate) const fn new(
        dp: Arc<DataPlane>,
        est: Arc<Estimation>,
        sysctls: Arc<Values>,
    ) -> Self {
        Table {
            services: SvcList::new(),
            trash: Trash::new(),
            dp,
            est,
            sysctls,
        }
    }

    /// Shows the packet path the service at `i` as it is now.
    fn publish(&self, i: usize) -> Result {
        let view = self.services.get(i).ok_or(ESRCH)?.view()?;
        // The old view goes here, outside the data plane's lock.
        drop(self.dp.publish(view)?);
        Ok(())
    }

    /// How many services of `af` there are.
    pub(crate) fn count(&self, af: Af) -> usize {
        self.services.iter().filter(|s| s.key.af == af).count()
    }

    /// Whether a destination of another family than its service exists
    /// (C's `ipvs->mixed_address_family_dests > 0`).
    pub(crate) fn has_mixed_af_dests(&self) -> bool {
        self.services
            .iter()
            .any(|s| s.dests.iter().any(|d| d.af() != s.key.af.raw()))
    }

    /// The service at `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&Service> {
        self.services.get(i)
    }

    /// Every service, in the order they were added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Service> {
        self.services.iter()
    }

    /// The services from the one added under number `seq` on, with their
    /// numbers (see [`SvcList::since`]): where a dump resumes.
    pub(crate) fn since(&self, seq: u64) -> impl Iterator<Item = (u64, &Service)> {
        self.services.since(seq)
    }

    /// Where the service `key` names is: a position valid while the table
    /// stays locked and no service is deleted.
    pub(crate) fn find(&self, key: &Key) -> Option<usize> {
        self.services.find(key)
    }

    /// Adds a service (`ip_vs_add_service()`); the caller checked that it
    /// does not exist.
    pub(crate) fn add(&mut self, u: &ServiceUser) -> Result {
        let use_count = UseCount::get()?;
        let sched = lookup_sched(&u.config)?;
        let pe = lookup_pe(&u.config)?;
        svc::check_netmask(u.key.af, u.config.netmask)?;
        let mut service = KBox::new(
            Service {
                key: Key {
                    addr: addr::copy(u.key.af, &u.key.addr),
                    ..u.key
                },
                flags: svc::flags_on_add(u.config.flags),
                timeout: u.config.timeout,
                netmask: u.config.netmask,
                sched: None,
                pe,
                stats: Arc::new(Counters::new()?, GFP_KERNEL)?,
                est: self.est.clone(),
                dests: KVec::new(),
                sysctls: self.sysctls.clone(),
                _use: use_count,
            },
            GFP_KERNEL,
        )?;
        // Dropping the service on a later error stops it again.
        self.est.start(&service.stats)?;
        if let Some(s) = sched {
            service.bind(s)?;
        }
        // ip_vs_svc_hash(): in the table from here on, as GET_SERVICE
        // shows (the scheduler was bound to the unhashed flags, as in C).
        service.flags = svc::flags_on_hash(service.flags);
        let view = service.view()?;
        let i = self.services.push(service)?;
        if let Err(e) = self.dp.publish(view) {
            drop(self.services.remove(i));
            return Err(e);
        }
        Ok(())
    }

    /// Changes a service's scheduler, flags, timeout and netmask
    /// (`ip_vs_edit_service()`). The same scheduler keeps its state.
    pub(crate) fn edit(&mut self, i: usize, cfg: &Config) -> Result {
        let service = self.services.get_mut(i).ok_or(ESRCH)?;
        let new = lookup_sched(cfg)?;
        let new_pe = lookup_pe(cfg)?;
        svc::check_netmask(service.key.af, cfg.netmask)?;
        let same = match (&service.sched, &new) {
            (Some(old), Some(new)) => old.is(new),
            (None, None) => true,
            _ => false,
        };
        if !same {
            // The packet path may use the old binding until the new view is
            // published; it is done when the last user lets go.
            let old = service.sched.take().map(|b| b.sched_ref());
            if let Some(new) = new {
                if let Err(e) = service.bind(new) {
                    // Put the old scheduler back, as C tries to.
                    if let Some(old) = old {
                        let _ = service.bind(old);
                    }
                    self.publish(i)?;
                    return Err(e);
                }
            }
        }
        service.flags = svc::flags_on_edit(cfg.flags);
        service.timeout = cfg.timeout;
        service.netmask = cfg.netmask;
        // The same engine keeps the service's reference; the one just
        // taken goes (C's `ip_vs_pe_put(old_pe)` either way).
        let same_pe = match (&service.pe, &new_pe) {
            (Some(old), Some(new)) => old.is(new),
            (None, None) => true,
            _ => false,
        };
        if !same_pe {
            service.pe = new_pe;
        }
        self.publish(i)
    }

    /// Deletes a service (`ip_vs_del_service()`).
    pub(crate) fn del(&mut self, i: usize) -> Result {
        let service = self.services.remove(i).ok_or(ESRCH)?;
        drop(self.dp.withdraw(&service.key));
        self.discard(service);
        Ok(())
    }

    /// The end of a deleted service (`__ip_vs_del_service()`): its
    /// destinations go to the trash; their connections are no longer
    /// served.
    fn discard(&mut self, mut service: KBox<Service>) {
        for d in core::mem::take(&mut service.dests) {
            self.est.stop(&d.stats);
            d.shared.flags.fetch_and(!DEST_F_AVAILABLE, Relaxed);
            self.trash.put(&service.key, d);
        }
    }

    /// Runs `f` on the `i`-th service to change it, then shows the packet
    /// path the result (whether or not `f` succeeded: it may have changed
    /// something before failing).
    pub(crate) fn update(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut Service, &mut Trash) -> Result,
    ) -> Result {
        let service = self.services.get_mut(i).ok_or(ESRCH)?;
        let r = f(service, &mut self.trash);
        self.publish(i)?;
        r
    }

    /// Zeroes a service's counters and its destinations'
    /// (`ip_vs_zero_service()`).
    pub(crate) fn zero(&mut self, i: usize) -> Result {
        self.services.get(i).ok_or(ESRCH)?.zero();
        Ok(())
    }

    /// Zeroes every counter (`ip_vs_zero_all()`).
    pub(crate) fn zero_all(&mut self) -> Result {
        for service in self.services.iter() {
            service.zero();
        }
        self.est.zero_total();
        Ok(())
    }

    /// Deletes every service (`ip_vs_flush()`).
    pub(crate) fn flush(&mut self) {
        drop(self.dp.withdraw_all());
        for service in self.services.take_all() {
            self.discard(service);
        }
    }
}

/// The destination step of `ip_vs_genl_set_cmd()`: the destination's family
/// (the service's when unset) and the mixed-family rule.
pub(crate) fn dest_af(u: &DestUser, svc_af: Af, ipv6: bool, is_del: bool) -> Result<Af, Errno> {
    let af = dst::resolve_af(u.af, svc_af, ipv6)?;
    // No sync daemon can run yet.
    dst::check_mixed_af(af, svc_af, is_del, false, u.conn_flags)?;
    Ok(af)
}
