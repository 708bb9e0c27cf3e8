// SPDX-License-Identifier: GPL-2.0

//! IPVS source-hashing scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_sh.c`](srctree/net/netfilter/ipvs/ip_vs_sh.c)

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
    pub(crate) mod sh;
}

use api::{Dest, Scheduler, Service};
use logic::{sh, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Sh,
    name: "ip_vs_sh",
    authors: ["The ipvs-rs developers"],
    description: "ipvs source hashing scheduler",
    license: "GPL",
}

/// Source hashing: a table of 256 buckets maps the client's address (and,
/// with `-b sh-port`, port) to a destination.
struct Sh;

#[vtable]
impl Scheduler for Sh {
    const NAME: &'static CStr = c"sh";
    type Data = SpinLockIrq<sh::State>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        let table = sh::State::new(svc.family(), svc.dests());
        Ok(new_spinlock_irq!(table, "ip_vs_sh"))
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

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, pkt: &Packet) -> Result<&'a Dest, Miss> {
        data.lock().schedule(svc.dests(), pkt, svc.flags()).copied()
    }
}
