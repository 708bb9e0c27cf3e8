// SPDX-License-Identifier: GPL-2.0

//! IPVS weighted least-connection scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_wlc.c`](srctree/net/netfilter/ipvs/ip_vs_wlc.c)

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
    pub(crate) mod wlc;
}

use api::{Dest, Scheduler, Service};
use logic::{wlc, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Wlc,
    name: "ip_vs_wlc",
    authors: ["The ipvs-rs developers"],
    description: "ipvs weighted least connection scheduler",
    license: "GPL",
}

/// Weighted least-connection: the least connections per weight.
struct Wlc;

#[vtable]
impl Scheduler for Wlc {
    const NAME: &'static CStr = c"wlc";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        wlc::schedule(svc.dests()).copied()
    }
}
