// SPDX-License-Identifier: GPL-2.0

//! Virtual services of one namespace: the table and the lifecycle of its
//! entries (add, edit, delete, flush), with their schedulers bound.
//!
//! C: `ip_vs_add_service()`, `ip_vs_edit_service()`, `ip_vs_del_service()`
//! and `ip_vs_flush()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use crate::{
    ffi::sched::{Bound, SchedRef},
    logic::{
        addr::{self, Af},
        service::{self as svc, Config, Key, ServiceUser},
        stats::Kstats,
    },
    sched::{self, abi::ServiceInfo},
};
use kernel::prelude::*;

/// One virtual service.
pub(crate) struct Service {
    /// Which service; the address as `ip_vs_addr_copy()` keeps it.
    pub(crate) key: Key,
    /// `IP_VS_SVC_F_*`.
    pub(crate) flags: u32,
    /// Persistence timeout in seconds.
    pub(crate) timeout: u32,
    /// Persistence netmask (`__be32` bits), or IPv6 prefix length.
    pub(crate) netmask: u32,
    /// The scheduler, unless the service was added with `none`.
    sched: Option<Bound>,
    /// Counters; nothing counts until the data plane does.
    pub(crate) stats: Kstats,
}

impl Service {
    /// The scheduler's name as the control interfaces report it.
    pub(crate) fn sched_name(&self) -> &[u8] {
        self.sched
            .as_ref()
            .map_or(b"none".as_slice(), |b| b.name().to_bytes())
    }

    /// What the scheduler is shown of this service.
    fn info(&self) -> ServiceInfo {
        ServiceInfo {
            af: self.key.af.raw(),
            flags: self.flags,
            dests: core::ptr::null(),
            n_dests: 0,
        }
    }

    /// Whether this is the service `key` names (`__ip_vs_service_find()`
    /// and `__ip_vs_svc_fwm_find()`).
    fn is(&self, key: &Key) -> bool {
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

/// The scheduler a configuration names, its module pinned (`None` for
/// `none`).
fn lookup_sched(cfg: &Config) -> Result<Option<SchedRef>> {
    cfg.scheduler().map(sched::get).transpose()
}

/// Persistence engines are looked up like schedulers; none is provided
/// yet, so any name is unknown, as for the C IPVS without the engine's
/// module.
fn lookup_pe(cfg: &Config) -> Result {
    match cfg.pe_name {
        Some(name) => {
            pr_info!(
                "persistence engine module ip_vs_pe_{} not found\n",
                kernel::str::BStr::from_bytes(name.as_bytes())
            );
            Err(ENOENT)
        }
        None => Ok(()),
    }
}

/// The services of a namespace, in the order they were added.
pub(crate) struct Table {
    services: KVec<KBox<Service>>,
}

impl Table {
    /// An empty table.
    pub(crate) const fn new() -> Self {
        Table {
            services: KVec::new(),
        }
    }

    /// How many services of `af` there are.
    pub(crate) fn count(&self, af: Af) -> usize {
        self.services.iter().filter(|s| s.key.af == af).count()
    }

    /// The `i`-th service.
    pub(crate) fn get(&self, i: usize) -> Option<&Service> {
        self.services.get(i).map(|s| &**s)
    }

    /// Where the service `key` names is.
    pub(crate) fn find(&self, key: &Key) -> Option<usize> {
        self.services.iter().position(|s| s.is(key))
    }

    /// Adds a service (`ip_vs_add_service()`); the caller checked that it
    /// does not exist.
    pub(crate) fn add(&mut self, u: &ServiceUser) -> Result {
        let sched = lookup_sched(&u.config)?;
        lookup_pe(&u.config)?;
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
                stats: Kstats::default(),
            },
            GFP_KERNEL,
        )?;
        if let Some(s) = sched {
            let info = service.info();
            service.sched = Some(s.bind(&info)?);
        }
        self.services.push(service, GFP_KERNEL)?;
        Ok(())
    }

    /// Changes a service's scheduler, flags, timeout and netmask
    /// (`ip_vs_edit_service()`). The same scheduler keeps its state.
    pub(crate) fn edit(&mut self, i: usize, cfg: &Config) -> Result {
        let service = self.services.get_mut(i).ok_or(ESRCH)?;
        let new = lookup_sched(cfg)?;
        lookup_pe(cfg)?;
        svc::check_netmask(service.key.af, cfg.netmask)?;
        let same = match (&service.sched, &new) {
            (Some(old), Some(new)) => old.is(new),
            (None, None) => true,
            _ => false,
        };
        if !same {
            let old = service.sched.take().map(Bound::unbind);
            if let Some(new) = new {
                let info = service.info();
                match new.bind(&info) {
                    Ok(b) => service.sched = Some(b),
                    Err(e) => {
                        // Put the old scheduler back, as C tries to.
                        service.sched = old.and_then(|o| o.bind(&info).ok());
                        return Err(e);
                    }
                }
            }
        }
        service.flags = svc::flags_on_edit(cfg.flags);
        service.timeout = cfg.timeout;
        service.netmask = cfg.netmask;
        Ok(())
    }

    /// Deletes a service (`ip_vs_del_service()`).
    pub(crate) fn del(&mut self, i: usize) -> Result {
        if i >= self.services.len() {
            return Err(ESRCH);
        }
        self.services.remove(i)?;
        Ok(())
    }

    /// Zeroes a service's counters (`ip_vs_zero_service()`).
    pub(crate) fn zero(&mut self, i: usize) -> Result {
        let service = self.services.get_mut(i).ok_or(ESRCH)?;
        service.stats = Kstats::default();
        Ok(())
    }

    /// Zeroes every counter (`ip_vs_zero_all()`).
    pub(crate) fn zero_all(&mut self) {
        for s in self.services.iter_mut() {
            s.stats = Kstats::default();
        }
    }

    /// Deletes every service (`ip_vs_flush()`).
    pub(crate) fn flush(&mut self) {
        self.services.clear();
    }
}
