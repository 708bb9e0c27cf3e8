// SPDX-License-Identifier: GPL-2.0

//! IPVS power-of-two-choices scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_twos.c`](srctree/net/netfilter/ipvs/ip_vs_twos.c)

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
    pub(crate) mod twos;
}

use api::{Dest, Scheduler, Service};
use logic::{twos, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Twos,
    name: "ip_vs_twos",
    authors: ["The ipvs-rs developers"],
    description: "ipvs power of twos choice scheduler",
    license: "GPL",
}

/// Power of two choices: of two destinations drawn by weight, the less
/// loaded.
struct Twos;

/// The kernel's random numbers.
struct KernelRandom;

impl twos::Random for KernelRandom {
    fn u32_below(&mut self, ceil: u32) -> u32 {
        api::random_u32_below(ceil)
    }
}

#[vtable]
impl Scheduler for Twos {
    const NAME: &'static CStr = c"twos";
    type Data = ();

    fn init_service(_svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        Ok(())
    }

    fn schedule<'a>(_data: &(), svc: &Service<'a>, _pkt: &Packet) -> Result<&'a Dest, Miss> {
        twos::schedule(svc.dests(), &mut KernelRandom).copied()
    }
}
