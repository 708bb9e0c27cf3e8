// SPDX-License-Identifier: GPL-2.0

//! IPVS shortest-expected-delay scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_sed.c`](srctree/net/netfilter/ipvs/ip_vs_sed.c)

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
    pub(crate) mod sed;
    pub(crate) mod wlc;
}

use api::{Dest, Scheduler, Service};
use logic::{sed, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Sed,
    name: "ip_vs_sed",
    authors: ["The ipvs-rs developers"],
    description: "ipvs shortest expected delay scheduler",
    license: "GPL",
}

/// Shortest expected delay: the least active connections, plus one, per
/// weight.
struct Sed;

#[vtable]
impl Scheduler for Sed {
    const NAME: &'static CStr = c"sed";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        sed::schedule(svc.dests()).copied()
    }
}
