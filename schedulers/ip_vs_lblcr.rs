// SPDX-License-Identifier: GPL-2.0

//! IPVS locality-based least-connection with replication scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lblcr.c`](srctree/net/netfilter/ipvs/ip_vs_lblcr.c)

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
    pub(crate) mod lblcr;
    pub(crate) mod locality;
    pub(crate) mod wlc;
}

use api::{Dest, Scheduler, Service};
use cache::Buckets;
use logic::{
    find,
    lblcr::{self, Members, Set},
    locality::{self, NoMemory},
    time_after, DestId, Jiffies, Miss, Packet,
};

api::module_ipvs_scheduler! {
    type: Lblcr,
    name: "ip_vs_lblcr",
    authors: ["The ipvs-rs developers"],
    description: "ipvs locality-based least-connection with replication scheduler",
    license: "GPL",
}

/// Locality-based least-connection with replication: traffic for one
/// destination address goes to a set of servers that grows under load.
struct Lblcr;

/// The members of a destination set, newest first.
#[derive(Default)]
struct MemberList(KVec<DestId>);

// Members join on the packet path, under the cache's spinlock: GFP_ATOMIC,
// as in C.
impl Members for MemberList {
    fn as_slice(&self) -> &[DestId] {
        &self.0
    }

    fn push_front(&mut self, id: DestId) -> Result<(), NoMemory> {
        self.0.reserve(1, GFP_ATOMIC).map_err(|_| NoMemory)?;
        self.0.insert_within_capacity(0, id).map_err(|_| NoMemory)
    }

    fn remove(&mut self, id: DestId) {
        self.0.retain(|m| *m != id);
    }
}

/// A service's cache.
struct Cache {
    state: lblcr::State,
    entries: Buckets<Set<MemberList>>,
    /// `HZ`.
    hz: u32,
    /// When the next collection of idle entries is due. C runs it from a
    /// timer every minute; here the first packet after that time does, so
    /// an idle service keeps its entries until it sees traffic again.
    next_check: Jiffies,
}

impl Cache {
    /// `ip_vs_lblcr_check_expire()`, when due; `expiration` is the
    /// `lblcr_expiration` sysctl of the service's namespace.
    fn collect(&mut self, now: Jiffies, expiration: i32) {
        if !time_after(now, self.next_check) {
            return;
        }
        self.state.check_expire(&mut self.entries, now, expiration);
        self.next_check = now.wrapping_add(locality::check_expire_interval(self.hz));
    }
}

#[vtable]
impl Scheduler for Lblcr {
    const NAME: &'static CStr = c"lblcr";
    type Data = SpinLockIrq<Cache>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        let hz = api::hz();
        let cache = Cache {
            state: lblcr::State::new(svc.family(), hz),
            entries: Buckets::new()?,
            hz,
            next_check: api::jiffies().wrapping_add(locality::check_expire_interval(hz)),
        };
        Ok(new_spinlock_irq!(cache, "ip_vs_lblcr"))
    }

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, pkt: &Packet) -> Result<&'a Dest, Miss> {
        let now = api::jiffies();
        let mut guard = data.lock();
        let c = &mut *guard;
        // `sysctl_lblcr_expiration(svc)`.
        let expiration = svc.sysctl();
        c.collect(now, expiration);
        // Members that left the service are not found: see
        // `lblcr::State::schedule`.
        let dests = svc.dests();
        let resolve = |id| find(dests, id);
        c.state
            .schedule(&mut c.entries, dests, resolve, pkt, now, expiration)
            .copied()
    }
}
