// SPDX-License-Identifier: GPL-2.0

//! The state IPVS keeps in each network namespace.
//!
//! C: `struct netns_ipvs` in [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)

use crate::{
    conn,
    ctl::{self, service},
    dataplane::DataPlane,
    ffi::{
        netfilter::Hooks,
        pernet::{Net, NetState},
        procfs, sysctl,
        time::HZ,
        timer::Periodic,
    },
    hooks,
    logic::{self, estimator, timeouts::Timeouts},
    sched::sysctl::NetVars,
    stats::Estimation,
};
use kernel::{
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// One namespace's IPVS. Fields drop in order: packets stop first.
#[pin_data]
pub(crate) struct NetIpvs {
    _hooks4: Hooks,
    _hooks6: Hooks,
    /// Expires connections once a second.
    _sweep: Pin<KBox<Periodic<DataPlane>>>,
    /// Estimates the rates every two seconds.
    _estimation: Pin<KBox<Periodic<Estimation>>>,
    _proc_services: procfs::File<ctl::procfs::Services>,
    _proc_conns: procfs::File<ctl::procfs::Conns>,
    _proc_conns_sync: procfs::File<ctl::procfs::ConnsSync>,
    _proc_stats: procfs::File<ctl::procfs::Stats>,
    _proc_stats_percpu: procfs::File<ctl::procfs::StatsPerCpu>,
    /// The integer sysctls of `net/ipv4/vs`.
    pub(crate) sysctls: sysctl::Table,
    /// The sysctls of the scheduler modules loaded (`lblc_expiration`...).
    #[pin]
    pub(crate) sched_sysctls: NetVars,
    /// The virtual services; the lock is the control plane's mutex
    /// (`service_mutex` in C), taken before any other of this namespace.
    #[pin]
    pub(crate) services: Mutex<service::Table>,
    /// The timeouts `ipvsadm --set` changes.
    #[pin]
    pub(crate) timeouts: Mutex<Timeouts>,
    /// What the packet path sees.
    pub(crate) dp: Arc<DataPlane>,
}

impl NetState for NetIpvs {
    fn new(net: Net) -> Result<Pin<KBox<Self>>> {
        let sysctls = sysctl::Table::register(net, c"net/ipv4/vs", &logic::sysctl::VARS)?;
        let proc_services = procfs::File::create(net, c"ip_vs", 0o444)?;
        let proc_conns = procfs::File::create(net, c"ip_vs_conn", 0o444)?;
        let proc_conns_sync = procfs::File::create(net, c"ip_vs_conn_sync", 0o444)?;
        let proc_stats = procfs::File::create(net, c"ip_vs_stats", 0o444)?;
        let proc_stats_percpu = procfs::File::create(net, c"ip_vs_stats_percpu", 0o444)?;
        let sched_values = NetVars::values_new()?;
        let dp = DataPlane::new(conn::table_size() as usize)?;
        let sweep = Periodic::start(dp.clone(), HZ as usize)?;
        let est = Estimation::new(dp.total.clone())?;
        let estimation = Periodic::start(est.clone(), (estimator::PERIOD_SECS * HZ) as usize)?;
        let hooks4 = Hooks::register(net, &hooks::IPV4)?;
        let hooks6 = Hooks::register(net, &hooks::IPV6)?;
        KBox::pin_init(
            try_pin_init!(NetIpvs {
                _hooks4: hooks4,
                _hooks6: hooks6,
                _sweep: sweep,
                _estimation: estimation,
                _proc_services: proc_services,
                _proc_conns: proc_conns,
                _proc_conns_sync: proc_conns_sync,
                _proc_stats: proc_stats,
                _proc_stats_percpu: proc_stats_percpu,
                sysctls,
                sched_sysctls <- NetVars::new(sched_values.clone()),
                services <- new_mutex!(service::Table::new(dp.clone(), est, sched_values)),
                timeouts <- new_mutex!(Timeouts::DEFAULT),
                dp,
            }),
            GFP_KERNEL,
        )
    }
}
