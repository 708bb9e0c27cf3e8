// SPDX-License-Identifier: GPL-2.0

//! IPVS destination-hashing scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_dh.c`](srctree/net/netfilter/ipvs/ip_vs_dh.c)

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
    pub(crate) mod dh;
    pub(crate) mod hash;
}

use api::{Dest, Scheduler, Service};
use logic::{dh, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Dh,
    name: "ip_vs_dh",
    authors: ["The ipvs-rs developers"],
    description: "ipvs destination hashing scheduler",
    license: "GPL",
}

/// Destination hashing: a table of 256 buckets maps the packet's
/// destination address to a destination (a cache server, typically).
struct Dh;

#[vtable]
impl Scheduler for Dh {
    const NAME: &'static CStr = c"dh";
    type Data = SpinLockIrq<dh::State>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        let table = dh::State::new(svc.family(), svc.dests());
        Ok(new_spinlock_irq!(table, "ip_vs_dh"))
    }

    fn add_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        data.lock().dest_changed(svc.dests());
        Ok(())
    }

    // No `upd_dest`: weights do not shape the table.
    fn del_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        data.lock().dest_changed(svc.dests());
        Ok(())
    }

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, pkt: &Packet) -> Result<&'a Dest, Miss> {
        data.lock().schedule(svc.dests(), pkt).copied()
    }
}
