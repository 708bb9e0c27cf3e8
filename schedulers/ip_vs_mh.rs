// SPDX-License-Identifier: GPL-2.0

//! IPVS Maglev-hashing scheduler.
//!
//! C: [`net/netfilter/ipvs/ip_vs_mh.c`](srctree/net/netfilter/ipvs/ip_vs_mh.c)

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
    pub(crate) mod mh;
}

use api::{Dest, Scheduler, Service};
use logic::{mh, DestId, Miss, Packet};

api::module_ipvs_scheduler! {
    type: Mh,
    name: "ip_vs_mh",
    authors: ["The ipvs-rs developers"],
    description: "Maglev hashing ipvs scheduler",
    license: "GPL",
}

/// Maglev hashing: a table of 4093 positions, filled by the destinations'
/// preference walks, maps the client's address (and, with `-b mh-port`,
/// port) to a destination.
struct Mh;

/// A service's lookup table and the weight scaling it was built with.
struct Table {
    /// The weight scaling.
    state: mh::State,
    /// [`mh::TAB_SIZE`] positions.
    lookup: KVVec<Option<DestId>>,
}

impl Table {
    /// The table for `svc`'s destinations, built from `state`.
    ///
    /// Built aside and swapped in whole, so that packets wait only for the
    /// swap, never for a rebuild or an allocation.
    fn build(mut state: mh::State, svc: &Service<'_>) -> Result<Self> {
        let mut lookup = KVVec::from_elem(None, mh::TAB_SIZE, GFP_KERNEL)?;
        let mut setup = KVVec::from_elem(mh::DestSetup::default(), svc.dests().len(), GFP_KERNEL)?;
        // Both errors are C's -EINVAL: more destinations than positions,
        // or storage of the wrong size.
        state
            .dest_changed(svc.dests(), &mut lookup, &mut setup)
            .map_err(|_| EINVAL)?;
        Ok(Self { state, lookup })
    }
}

/// `ip_vs_mh_dest_changed()`: rebuilds the table of `svc` in `data`.
fn dest_changed(data: &SpinLockIrq<Table>, svc: &Service<'_>) -> Result {
    let state = data.lock().state;
    let table = Table::build(state, svc)?;
    // The old table is freed after the lock is released.
    let _old = core::mem::replace(&mut *data.lock(), table);
    Ok(())
}

#[vtable]
impl Scheduler for Mh {
    const NAME: &'static CStr = c"mh";
    type Data = SpinLockIrq<Table>;

    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>> {
        let table = Table::build(mh::State::new(svc.family()), svc)?;
        Ok(new_spinlock_irq!(table, "ip_vs_mh"))
    }

    fn add_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        dest_changed(data, svc)
    }

    fn del_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        dest_changed(data, svc)
    }

    fn upd_dest(data: &Self::Data, svc: &Service<'_>, _dest: &Dest) -> Result {
        dest_changed(data, svc)
    }

    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, pkt: &Packet) -> Result<&'a Dest, Miss> {
        let t = data.lock();
        t.state
            .schedule(&t.lookup, svc.dests(), pkt, svc.flags())
            .copied()
    }
}
