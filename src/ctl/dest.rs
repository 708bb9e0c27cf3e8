// SPDX-License-Identifier: GPL-2.0

//! Real servers (destinations) of a service.
//!
//! C: `struct ip_vs_dest` and `__ip_vs_update_dest()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use crate::{
    logic::{
        addr::{self, Af},
        dest::{self as dst, DestUser},
        stats::Kstats,
    },
    sched::abi::{DestShared, DEST_F_AVAILABLE, DEST_F_OVERLOAD},
};
use core::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;

/// Ids for destinations: unique for the module's life.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// One destination.
pub(crate) struct Dest {
    /// What schedulers see; its address is stable (the `Dest` is boxed).
    pub(crate) shared: DestShared,
    /// `IP_VS_CONN_F_*` copied to its connections (forwarding method...).
    pub(crate) conn_flags: u32,
    /// Tunnel type, port (`__be16` bits) and flags.
    pub(crate) tun_type: u16,
    pub(crate) tun_port: u16,
    pub(crate) tun_flags: u16,
    /// Counters; nothing counts until the data plane does.
    pub(crate) stats: Kstats,
}

impl Dest {
    /// A new destination of family `af` as `u` describes it, not linked to
    /// any service yet.
    pub(crate) fn new(u: &DestUser, af: Af) -> Result<KBox<Dest>> {
        let mut d = KBox::new(
            Dest {
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
                conn_flags: 0,
                tun_type: 0,
                tun_port: 0,
                tun_flags: 0,
                stats: Kstats::default(),
            },
            GFP_KERNEL,
        )?;
        d.update(u, true);
        Ok(d)
    }

    /// Applies the settings of `u` (the field part of
    /// `__ip_vs_update_dest()`).
    pub(crate) fn update(&mut self, u: &DestUser, add: bool) {
        let s = &self.shared;
        // The last weight keeps the latest non-zero one.
        if add || u.weight != 0 {
            s.last_weight.store(u.weight, Relaxed);
        }
        s.weight.store(u.weight, Relaxed);
        self.conn_flags = dst::stored_conn_flags(u.conn_flags);
        self.tun_type = u.tun_type;
        self.tun_port = u.tun_port;
        self.tun_flags = u.tun_flags;
        s.u_threshold.store(u.u_threshold, Relaxed);
        s.l_threshold.store(u.l_threshold, Relaxed);
        // Available again; not overloaded until connections say so.
        s.flags.fetch_or(DEST_F_AVAILABLE, Relaxed);
        s.flags.fetch_and(!DEST_F_OVERLOAD, Relaxed);
    }

    /// Whether this is the destination `af`, `addr`, `port` names
    /// (`ip_vs_lookup_dest()`); `addr` as stored.
    pub(crate) fn is(&self, af: Af, addr: &[u8; 16], port: u16) -> bool {
        self.shared.af == af.raw() && self.shared.addr == *addr && self.shared.port == port
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
