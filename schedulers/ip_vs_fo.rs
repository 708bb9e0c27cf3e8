// SPDX-License-Identifier: GPL-2.0

//! IPVS weighted failover scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_fo.c`](srctree/net/netfilter/ipvs/ip_vs_fo.c)

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
    pub(crate) mod fo;
}

use api::{Dest, Scheduler, Service};
use logic::{fo, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Fo,
    name: "ip_vs_fo",
    authors: ["The ipvs-rs developers"],
    description: "ipvs weighted failover scheduler",
    license: "GPL",
}

/// Weighted failover: the available destination of the highest weight.
struct Fo;

#[vtable]
impl Scheduler for Fo {
    const NAME: &'static CStr = c"fo";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        fo::schedule(svc.dests()).copied()
    }
}
