// SPDX-License-Identifier: GPL-2.0

//! IPVS weighted round-robin scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_wrr.c`](srctree/net/netfilter/ipvs/ip_vs_wrr.c)

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
    pub(crate) mod hash;
    pub(crate) mod wrr;
}

use api::{Dest, Scheduler, Service};
use logic::{wrr, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Wrr,
    name: "ip_vs_wrr",
    authors: ["The ipvs-rs developers"],
    description: "ipvs weighted round-robin scheduler",
    license: "GPL",
}

/// Weighted round-robin: each destination in turn, as often as its weight
/// says.
struct Wrr;

#[vtable]
impl Scheduler for Wrr {
    const NAME: &'static CStr = c"wrr";
    type Data = SpinLockIrq<wrr::State>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(new_spinlock_irq!(wrr::State::new(svc.dests()), "ip_vs_wrr"))
    }

    fn add_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        data.lock().dest_changed(svc.dests());
        Ok(())
    }

    fn del_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        data.lock().dest_changed(svc.dests());
        Ok(())
    }

    fn upd_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        data.lock().dest_changed(svc.dests());
        Ok(())
    }

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        data.lock().schedule(svc.dests()).copied()
    }
}
