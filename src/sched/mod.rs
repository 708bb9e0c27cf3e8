// SPDX-License-Identifier: GPL-2.0

//! The global list of schedulers that services can bind to.
//!
//! C: [`net/netfilter/ipvs/ip_vs_sched.c`](srctree/net/netfilter/ipvs/ip_vs_sched.c)

pub(crate) mod abi;
pub(crate) mod sysctl;

use crate::ffi::sched::{request_module, OpsId, SchedRef, Scheduler};
use kernel::prelude::*;

/// A scheduler in the list, with its sysctl if it has one.
struct Registered {
    sched: Scheduler,
    /// Dropped after `sched`: C unregisters the scheduler, then its pernet
    /// operations.
    _sysctl: Option<sysctl::Registration>,
}

kernel::sync::global_lock! {
    // SAFETY: Initialized by `init` in the module initializer, before the
    // registration functions can be called.
    unsafe(uninit) static SCHEDULERS: Mutex<KVec<Registered>> = KVec::new();
}

/// The list's lifetime: readied when the module loads, and its buffer freed
/// when the module goes (a static is never dropped). Scheduler modules pin
/// this one, so by then it is empty.
pub(crate) struct List(());

impl List {
    /// Readies the list; called once, from the module initializer.
    pub(crate) fn init() -> List {
        // SAFETY: Called exactly once, from the module initializer.
        unsafe { SCHEDULERS.init() };
        List(())
    }
}

impl Drop for List {
    fn drop(&mut self) {
        *SCHEDULERS.lock() = KVec::new();
    }
}

/// Adds a scheduler, and its sysctl to every namespace if it has one (as
/// lblc's and lblcr's module init do before registering them). A second
/// one with the same name, or the same one twice, is refused with EINVAL
/// as in C.
///
/// The sysctl is registered and unregistered under the list's lock, which
/// nothing takes under the pernet lock the registration takes.
pub(crate) fn register(sched: Scheduler) -> Result {
    let mut list = SCHEDULERS.lock();
    if list
        .iter()
        .map(|r| &r.sched)
        .any(|s| s.id() == sched.id() || s.name() == sched.name())
    {
        pr_err!(
            "[{}] scheduler already existed in the system\n",
            sched.name()
        );
        return Err(EINVAL);
    }
    list.reserve(1, GFP_KERNEL)?;
    let sysctl = sched
        .sysctl()
        .map(sysctl::Registration::register)
        .transpose()?;
    pr_info!("[{}] scheduler registered.\n", sched.name());
    list.push(
        Registered {
            sched,
            _sysctl: sysctl,
        },
        GFP_KERNEL,
    )?;
    Ok(())
}

/// Removes the scheduler registered with table `id`; EINVAL when it is
/// not in the list.
pub(crate) fn unregister(id: OpsId) -> Result {
    let mut list = SCHEDULERS.lock();
    let i = list.iter().position(|r| r.sched.id() == id).ok_or(EINVAL)?;
    let gone = list.remove(i)?;
    pr_info!("[{}] scheduler unregistered.\n", gone.sched.name());
    // Its sysctl leaves every namespace here, under the lock, so that a
    // scheduler of the same name registering next finds it gone.
    drop(gone);
    Ok(())
}

/// The scheduler called `name`, its module pinned: loads module
/// `ip_vs_<name>` first if no such scheduler is registered, as C does.
/// ENOENT when there is none even then.
pub(crate) fn get(name: &[u8]) -> Result<SchedRef> {
    if let Some(s) = find(name) {
        return Ok(s);
    }
    request_module(name)?;
    find(name).ok_or_else(|| {
        pr_info!(
            "Scheduler module ip_vs_{} not found\n",
            kernel::str::BStr::from_bytes(name)
        );
        ENOENT
    })
}

fn find(name: &[u8]) -> Option<SchedRef> {
    let list = SCHEDULERS.lock();
    list.iter()
        .map(|r| &r.sched)
        .filter(|s| s.name().to_bytes() == name)
        .find_map(|s| s.get())
}
