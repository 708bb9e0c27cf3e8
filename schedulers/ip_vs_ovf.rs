// SPDX-License-Identifier: GPL-2.0

//! IPVS overflow-connection scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_ovf.c`](srctree/net/netfilter/ipvs/ip_vs_ovf.c)

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
    pub(crate) mod ovf;
}

use api::{Dest, Scheduler, Service};
use logic::{ovf, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Ovf,
    name: "ip_vs_ovf",
    authors: ["The ipvs-rs developers"],
    description: "ipvs overflow connection scheduler",
    license: "GPL",
}

/// Overflow connection: the destination of the highest weight until its
/// active connections exceed its weight, then the next.
struct Ovf;

#[vtable]
impl Scheduler for Ovf {
    const NAME: &'static CStr = c"ovf";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        ovf::schedule(svc.dests()).copied()
    }
}
