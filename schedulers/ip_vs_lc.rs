// SPDX-License-Identifier: GPL-2.0

//! IPVS least-connection scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_lc.c`](srctree/net/netfilter/ipvs/ip_vs_lc.c)

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
    pub(crate) mod lc;
}

use api::{Dest, Scheduler, Service};
use logic::{lc, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Lc,
    name: "ip_vs_lc",
    authors: ["The ipvs-rs developers"],
    description: "ipvs least connection scheduler",
    license: "GPL",
}

/// Least-connection: the destination with the fewest connections, active ones
/// counting about 256 times an inactive one.
struct Lc;

#[vtable]
impl Scheduler for Lc {
    const NAME: &'static CStr = c"lc";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        lc::schedule(svc.dests()).copied()
    }
}
