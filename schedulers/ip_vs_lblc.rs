// SPDX-License-Identifier: GPL-2.0

//! IPVS locality-based least-connection scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lblc.c`](srctree/net/netfilter/ipvs/ip_vs_lblc.c)

use kernel::{new_spinlock_irq, prelude::*, sync::SpinLockIrq};

// The core reads what the schedulers only write, and the other way round.
#[allow(dead_code)]
#[path = "../src/sched/abi.rs"]
mod abi;
// Each scheduler uses only part of the abstraction.
#[allow(dead_code)]
#[path = "../src/sched/api.rs"]
mod api;
mod cache;
// Each scheduler uses only part of the shared logic.
#[allow(dead_code)]
#[path = "../src/logic/sched"]
mod logic {
    mod common;
    pub(crate) use common::*;
    pub(crate) mod hash;
    pub(crate) mod lblc;
    pub(crate) mod locality;
    pub(crate) mod wlc;
}

use api::{Dest, Scheduler, Service};
use cache::Buckets;
use logic::{lblc, locality, time_after, DestId, Jiffies, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Lblc,
    name: "ip_vs_lblc",
    authors: ["The ipvs-rs developers"],
    description: "ipvs locality-based least-connection scheduler",
    license: "GPL",
}

/// Locality-based least-connection: traffic for one destination address
/// sticks to one server while it copes.
struct Lblc;

/// A service's cache.
struct Cache {
    state: lblc::State,
    entries: Buckets<DestId>,
    /// `HZ`.
    hz: u32,
    /// When the next collection of idle entries is due. C runs it from a
    /// timer every minute; here the first packet after that time does, so
    /// an idle service keeps its entries until it sees traffic again.
    next_check: Jiffies,
}

impl Cache {
    /// `ip_vs_lblc_check_expire()`, when due; `expiration` is the
    /// `lblc_expiration` sysctl of the service's namespace.
    fn collect(&mut self, now: Jiffies, expiration: i32) {
        if !time_after(now, self.next_check) {
            return;
        }
        self.state.check_expire(&mut self.entries, now, expiration);
        self.next_check = now.wrapping_add(locality::check_expire_interval(self.hz));
    }
}

#[vtable]
impl Scheduler for Lblc {
    const NAME: &'static CStr = c"lblc";
    type Data = SpinLockIrq<Cache>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        let hz = api::hz();
        let cache = Cache {
            state: lblc::State::new(svc.family(), hz),
            entries: Buckets::new()?,
            hz,
            next_check: api::jiffies().wrapping_add(locality::check_expire_interval(hz)),
        };
        Ok(new_spinlock_irq!(cache, "ip_vs_lblc"))
    }

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, pkt: &Packet) -> Result<&'a Dest, Miss> {
        let now = api::jiffies();
        let mut guard = data.lock();
        let c = &mut *guard;
        c.collect(now, svc.sysctl());
        c.state
            .schedule(&mut c.entries, svc.dests(), pkt, now)
            .copied()
    }
}
