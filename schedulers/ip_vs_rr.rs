// SPDX-License-Identifier: GPL-2.0

//! IPVS round-robin scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_rr.c`](srctree/net/netfilter/ipvs/ip_vs_rr.c)

use kernel::{new_spinlock_irq, prelude::*, sync::SpinLockIrq};

// The core reads what the schedulers only write, and the other way round.
#[allow(dead_code)]
#[path = "../src/sched/abi.rs"]
mod abi;
// Each scheduler uses only part of the abstraction.
#[allow(dead_code)]
#[path = "../src/sched/api.rs"]
mod api;
// Each scheduler uses only part of the shared logic.
#[allow(dead_code)]
#[path = "../src/logic/sched"]
mod logic {
    mod common;
    pub(crate) use common::*;
    pub(crate) mod rr;
}

use api::{Dest, Scheduler, Service};
use logic::{rr, DestId, DestView, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Rr,
    name: "ip_vs_rr",
    authors: ["The ipvs-rs developers"],
    description: "ipvs round-robin scheduler",
    license: "GPL",
}

/// Round-robin: each destination in turn.
struct Rr;

/// A service's round-robin state.
struct State {
    /// The cursor.
    rr: rr::State,
    /// The list as of the last change: C finds the entry before a removed
    /// one through the list itself, which the core no longer shows us when
    /// it calls `del_dest`.
    order: KVec<DestId>,
}

/// The ids of `svc`'s destinations, in list order.
fn order(svc: &Service<'_>) -> Result<KVec<DestId>> {
    let mut ids = KVec::with_capacity(svc.dests().len(), GFP_KERNEL)?;
    for d in svc.dests() {
        ids.push(d.id(), GFP_KERNEL)?;
    }
    Ok(ids)
}

#[vtable]
impl Scheduler for Rr {
    const NAME: &'static CStr = c"rr";
    type Data = SpinLockIrq<State>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        let state = State {
            rr: rr::State::new(),
            order: order(svc)?,
        };
        Ok(new_spinlock_irq!(state, "ip_vs_rr"))
    }

    fn add_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        let order = order(svc)?;
        data.lock().order = order;
        Ok(())
    }

    fn del_dest(data: &Self::Data, svc: &Service<'_>, dest: &Dest) -> Result {
        let order = order(svc)?;
        let removed = dest.id();
        let mut s = data.lock();
        let prev = match s.order.iter().position(|&id| id == removed) {
            Some(i) if i > 0 => s.order.get(i - 1).copied(),
            _ => None,
        };
        s.rr.del_dest(removed, prev);
        s.order = order;
        Ok(())
    }

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        data.lock().rr.schedule(svc.dests()).copied()
    }
}
