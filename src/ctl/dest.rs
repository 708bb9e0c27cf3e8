// SPDX-License-Identifier: GPL-2.0

//! Real servers (destinations) of a service.
//!
//! C: `struct ip_vs_dest` and `__ip_vs_update_dest()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use crate::{
    ffi::{pernet::Net, rcu_arc::RcuArc, route::Route},
    logic::{
        addr::{self, Af},
        dest::{self as dst, DestUser},
        overload::{self, Change},
    },
    sched::abi::{DestShared, DEST_F_AVAILABLE, DEST_F_OVERLOAD},
    stats::Counters,
    xmit,
};
use core::sync::atomic::{AtomicI32, AtomicU16, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::{
    new_spinlock_irq,
    prelude::*,
    sync::{rcu, Arc, SpinLockIrq},
};

/// Ids for destinations: unique for the module's life.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// One destination.
#[pin_data]
pub(crate) struct Dest {
    /// What schedulers see; its address is stable (the `Dest` is boxed).
    pub(crate) shared: DestShared,
    /// The lower threshold in use (C's `l_threshold_val`).
    lower_in_use: AtomicU32,
    /// Orders the changes of the thresholds and the updates of the
    /// overload flag (C's `dst_lock`).
    #[pin]
    overload_lock: SpinLockIrq<()>,
    /// The last route to it and whether it was for direct routing (C's
    /// `dest_dst`): packets reuse it while it is current.
    #[pin]
    route: SpinLockIrq<Option<(bool, Route)>>,
    /// `IP_VS_CONN_F_*` copied to its connections (forwarding method...).
    conn_flags: AtomicU32,
    /// Tunnel type, port (`__be16` bits) and flags.
    tun_type: AtomicU16,
    tun_port: AtomicU16,
    tun_flags: AtomicU16,
    /// Its own counters, listed for rate estimation while the
    /// destination is in its service.
    pub(crate) stats: Arc<Counters>,
    /// Its service's counters, which its connections count into too: those
    /// of the service that last took it (C's `dest->svc`).
    svc_stats: RcuArc<Counters>,
}

impl Dest {
    /// A new destination of family `af` as `u` describes it, for the
    /// service counting in `svc_stats`, not linked to it yet.
    pub(crate) fn new(u: &DestUser, af: Af, svc_stats: Arc<Counters>) -> Result<Arc<Dest>> {
        let stats = Arc::new(Counters::new()?, GFP_KERNEL)?;
        let d = Arc::pin_init(
            try_pin_init!(Dest {
                shared: DestShared {
                    id: NEXT_ID.fetch_add(1, Relaxed),
                    af: af.raw(),
                    port: u.port,
                    addr: addr::copy(af, &u.addr),
                    flags: AtomicU32::new(0),
                    weight: AtomicI32::new(0),
                    last_weight: AtomicI32::new(0),
                    activeconns: AtomicI32::new(0),
                    totalconns: AtomicI32::new(0),
                    persistconns: AtomicI32::new(0),
                    u_threshold: AtomicU32::new(0),
                    l_threshold: AtomicU32::new(0),
                },
                lower_in_use: AtomicU32::new(0),
                overload_lock <- new_spinlock_irq!((), "ip_vs_dest_overload"),
                route <- new_spinlock_irq!(None, "ip_vs_dest_route"),
                conn_flags: AtomicU32::new(0),
                tun_type: AtomicU16::new(0),
                tun_port: AtomicU16::new(0),
                tun_flags: AtomicU16::new(0),
                stats,
                svc_stats: RcuArc::new(svc_stats),
            }? Error),
            GFP_KERNEL,
        )?;
        d.update(u, true);
        Ok(d)
    }

    /// Applies the settings of `u` (the field part of
    /// `__ip_vs_update_dest()`).
    pub(crate) fn update(&self, u: &DestUser, add: bool) {
        let s = &self.shared;
        // The last weight keeps the latest non-zero one.
        if add || u.weight != 0 {
            s.last_weight.store(u.weight, Relaxed);
        }
        s.weight.store(u.weight, Relaxed);
        self.conn_flags
            .store(dst::stored_conn_flags(u.conn_flags), Relaxed);
        self.tun_type.store(u.tun_type, Relaxed);
        self.tun_port.store(u.tun_port, Relaxed);
        self.tun_flags.store(u.tun_flags, Relaxed);
        s.flags.fetch_or(DEST_F_AVAILABLE, Relaxed);
        // The overload flag is reconsidered only when a threshold changes:
        // an edit of the weight alone leaves an overloaded destination so.
        if s.u_threshold.load(Relaxed) != u.u_threshold
            || s.l_threshold.load(Relaxed) != u.l_threshold
        {
            let _guard = self.overload_lock.lock();
            s.u_threshold.store(u.u_threshold, Relaxed);
            s.l_threshold.store(u.l_threshold, Relaxed);
            let lower = overload::lower_in_use(u.u_threshold, u.l_threshold);
            self.lower_in_use.store(lower, Relaxed);
            self.update_overload(Change::Thresholds);
        }
    }

    /// A connection was bound, bringing the count to `total`
    /// (`ip_vs_bind_dest()`): at the upper threshold, overloaded.
    pub(crate) fn bound(&self, total: i32) {
        if overload::bind_reaches(total, self.shared.u_threshold.load(Relaxed)) {
            let _guard = self.overload_lock.lock();
            self.update_overload(Change::Up);
        }
    }

    /// A connection was unbound from a count of `before`
    /// (`ip_vs_unbind_dest()`): below the lower threshold, no longer
    /// overloaded.
    pub(crate) fn unbound(&self, before: i32) {
        if overload::unbind_leaves(before, self.lower_in_use.load(Relaxed)) {
            let _guard = self.overload_lock.lock();
            self.update_overload(Change::Down);
        }
    }

    /// `__ip_vs_dest_update_overload()`; the caller holds `overload_lock`.
    fn update_overload(&self, change: Change) {
        let s = &self.shared;
        let was = s.flags.load(Relaxed) & DEST_F_OVERLOAD != 0;
        let conns = s.totalconns.load(Relaxed);
        let (upper, lower) = (s.u_threshold.load(Relaxed), self.lower_in_use.load(Relaxed));
        if overload::overloaded(was, conns, upper, lower, change) {
            s.flags.fetch_or(DEST_F_OVERLOAD, Relaxed);
        } else {
            s.flags.fetch_and(!DEST_F_OVERLOAD, Relaxed);
        }
    }

    /// Whether its connections count into the service counters `stats`.
    pub(crate) fn counts_into(&self, stats: &Arc<Counters>) -> bool {
        self.svc_stats.holds(stats)
    }

    /// Makes it count into the service counters `stats` from now on, its
    /// connections included. Sleeps.
    pub(crate) fn count_into(&self, stats: Arc<Counters>) {
        self.svc_stats.replace(stats);
    }

    /// A packet of `len` bytes went from a client to its real server
    /// (`incoming`) or back: it counts for it and its service.
    pub(crate) fn count(&self, len: usize, incoming: bool) {
        let guard = rcu::read_lock();
        self.stats.packet(len, incoming);
        self.svc_stats.get(&guard).packet(len, incoming);
    }

    /// The route to it in `net` (`__ip_vs_get_out_rt()`), `known_nh` for
    /// direct routing: the last one while the routing tables still give it,
    /// else a new lookup, kept for the next packets.
    pub(crate) fn route(&self, net: Net, known_nh: bool) -> Option<Route> {
        if let Some((nh, r)) = &*self.route.lock() {
            if *nh == known_nh && r.is_current() {
                return Some(r.clone());
            }
        }
        let r = Route::output4(net, xmit::v4(&self.shared.addr), known_nh)?;
        // The route it replaces is put once the lock is released.
        let _old = self.route.lock().replace((known_nh, r.clone()));
        Some(r)
    }

    /// The MTU of the route it keeps, if it keeps one (C's
    /// `dest->dest_dst`, taken as it is).
    pub(crate) fn kept_route_mtu(&self) -> Option<usize> {
        self.route.lock().as_ref().map(|(_, r)| r.mtu())
    }

    /// Whether this is the destination `af`, `addr`, `port` names
    /// (`ip_vs_lookup_dest()`); `addr` as stored.
    pub(crate) fn is(&self, af: Af, addr: &[u8; 16], port: u16) -> bool {
        self.shared.af == af.raw() && self.shared.addr == *addr && self.shared.port == port
    }

    /// `IP_VS_CONN_F_*` for its connections.
    pub(crate) fn conn_flags(&self) -> u32 {
        self.conn_flags.load(Relaxed)
    }

    /// Tunnel type (`IP_VS_CONN_F_TUNNEL_TYPE_*`).
    pub(crate) fn tun_type(&self) -> u16 {
        self.tun_type.load(Relaxed)
    }

    /// Tunnel port, as on the wire.
    pub(crate) fn tun_port(&self) -> u16 {
        self.tun_port.load(Relaxed)
    }

    /// Tunnel flags.
    pub(crate) fn tun_flags(&self) -> u16 {
        self.tun_flags.load(Relaxed)
    }

    /// The address family.
    pub(crate) fn af(&self) -> u16 {
        self.shared.af
    }

    /// The weight.
    pub(crate) fn weight(&self) -> i32 {
        self.shared.weight.load(Relaxed)
    }

    /// Active connections.
    pub(crate) fn activeconns(&self) -> i32 {
        self.shared.activeconns.load(Relaxed)
    }

    /// Inactive connections (`ip_vs_dest_inactconns()`).
    pub(crate) fn inactconns(&self) -> i32 {
        (self.shared.totalconns.load(Relaxed) - self.activeconns()).max(0)
    }

    /// Persistence templates.
    pub(crate) fn persistconns(&self) -> i32 {
        self.shared.persistconns.load(Relaxed)
    }
}

impl AsRef<DestShared> for Dest {
    fn as_ref(&self) -> &DestShared {
        &self.shared
    }
}
