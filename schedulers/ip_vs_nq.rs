// SPDX-License-Identifier: GPL-2.0

//! IPVS never-queue scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_nq.c`](srctree/net/netfilter/ipvs/ip_vs_nq.c)

use kernel::prelude::*;

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
    pub(crate) mod nq;
    pub(crate) mod sed;
    pub(crate) mod wlc;
}

use api::{Dest, Scheduler, Service};
use logic::{nq, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Nq,
    name: "ip_vs_nq",
    authors: ["The ipvs-rs developers"],
    description: "ipvs never queue scheduler",
    license: "GPL",
}

/// Never queue: an idle destination if there is one, else the shortest
/// expected delay.
struct Nq;

#[vtable]
impl Scheduler for Nq {
    const NAME: &'static CStr = c"nq";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        nq::schedule(svc.dests()).copied()
    }
}
