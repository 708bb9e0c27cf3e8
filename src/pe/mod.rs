// SPDX-License-Identifier: GPL-2.0

//! The global list of persistence engines that services can use
//! (`ipvsadm --pe`).
//!
//! C: [`net/netfilter/ipvs/ip_vs_pe.c`](srctree/net/netfilter/ipvs/ip_vs_pe.c)

// Shared with the engine modules.
pub(crate) mod abi;

use crate::ffi::pe::{request_module, Engine, OpsId, PeRef};
use kernel::prelude::*;

kernel::sync::global_lock! {
    // SAFETY: Initialized by `init` in the module initializer, before the
    // registration functions can be called.
    unsafe(uninit) static ENGINES: Mutex<KVec<Engine>> = KVec::new();
}

/// The list's lifetime: readied when the module loads, its buffer freed
/// when the module goes. Engine modules pin this one, so by then it is
/// empty.
pub(crate) struct List(());

impl List {
    /// Readies the list; called once, from the module initializer.
    pub(crate) fn init() -> List {
        // SAFETY: Called exactly once, from the module initializer.
        unsafe { ENGINES.init() };
        List(())
    }
}

impl Drop for List {
    fn drop(&mut self) {
        *ENGINES.lock() = KVec::new();
    }
}

/// Adds an engine (`register_ip_vs_pe()`); one of the same name, or the
/// same one twice, is refused with EINVAL as in C.
pub(crate) fn register(pe: Engine) -> Result {
    let mut list = ENGINES.lock();
    if list
        .iter()
        .any(|e| e.id() == pe.id() || e.name() == pe.name())
    {
        pr_err!(
            "register_ip_vs_pe(): [{}] pe already existed in the system\n",
            pe.name()
        );
        return Err(EINVAL);
    }
    list.reserve(1, GFP_KERNEL)?;
    pr_info!("[{}] pe registered.\n", pe.name());
    list.push(pe, GFP_KERNEL)?;
    Ok(())
}

/// Removes the engine registered with table `id`
/// (`unregister_ip_vs_pe()`); EINVAL when it is not in the list.
pub(crate) fn unregister(id: OpsId) -> Result {
    let mut list = ENGINES.lock();
    let i = list.iter().position(|e| e.id() == id).ok_or(EINVAL)?;
    let gone = list.remove(i)?;
    pr_info!("[{}] pe unregistered.\n", gone.name());
    Ok(())
}

/// The engine called `name`, its module pinned: loads module
/// `ip_vs_pe_<name>` first if no such engine is registered
/// (`ip_vs_pe_getbyname()`). ENOENT when there is none even then, with
/// C's message.
pub(crate) fn get(name: &[u8]) -> Result<PeRef> {
    if let Some(pe) = find(name) {
        return Ok(pe);
    }
    // A name no module can have is simply not found.
    let _ = request_module(name);
    find(name).ok_or_else(|| {
        pr_info!(
            "persistence engine module ip_vs_pe_{} not found\n",
            kernel::str::BStr::from_bytes(name)
        );
        ENOENT
    })
}

fn find(name: &[u8]) -> Option<PeRef> {
    let list = ENGINES.lock();
    list.iter()
        .filter(|e| e.name().to_bytes() == name)
        .find_map(|e| e.get())
}
