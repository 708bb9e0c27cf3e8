// SPDX-License-Identifier: GPL-2.0

//! The C-ABI entry points scheduler modules call, and the safe handle the
//! core keeps for each registered scheduler.

use super::{bindings, module::UseCount, sysctl::Values};
use crate::{
    logic::{service::Key, sysctl::sched_var},
    sched::{
        self,
        abi::{DestShared, PacketInfo, SchedulerOps, ServiceInfo},
    },
};

/// The type of the `*_dest` hooks of a scheduler.
type DestHook = unsafe extern "C" fn(*mut c_void, *const ServiceInfo, *const DestShared) -> c_int;
use core::ptr::NonNull;
use kernel::{
    error::{from_result, to_result},
    ffi::{c_int, c_void},
    prelude::*,
    sync::Arc,
};

/// A registered scheduler's table.
///
/// # Invariants
///
/// `ops` points at a valid [`SchedulerOps`] with a non-null name, valid
/// until its module unregisters it (the contract of [`SchedulerOps`]); the
/// core drops this handle when that happens. `sysctl` is where the
/// scheduler's sysctl is among the namespace's scheduler sysctls
/// ([`crate::logic::sysctl::SCHED_VARS`]), if it has one.
pub(crate) struct Scheduler {
    ops: NonNull<SchedulerOps>,
    sysctl: Option<usize>,
    _use: UseCount,
}

// SAFETY: The table is immutable while registered.
unsafe impl Send for Scheduler {}
// SAFETY: See `Send`.
unsafe impl Sync for Scheduler {}

impl Scheduler {
    /// # Safety
    ///
    /// `ops` must be null or satisfy the contract of [`SchedulerOps`] until
    /// the handle is dropped.
    unsafe fn from_raw(ops: *const SchedulerOps) -> Result<Scheduler> {
        let ops = NonNull::new(ops.cast_mut()).ok_or(EINVAL)?;
        // SAFETY: Valid by the caller's guarantee.
        if unsafe { ops.as_ref() }.name.is_null() {
            return Err(EINVAL);
        }
        let use_count = UseCount::get()?;
        // SAFETY: The name was checked to be non-null just above and is a
        // valid C string by the caller's guarantee; it is only read here.
        let name = unsafe { CStr::from_char_ptr(ops.as_ref().name) };
        // INVARIANT: Checked above; validity is the caller's guarantee;
        // `sysctl` is looked up by the scheduler's name.
        Ok(Scheduler {
            ops,
            sysctl: sched_var(name),
            _use: use_count,
        })
    }

    /// Where its sysctl is among the scheduler sysctls, if it has one.
    pub(crate) fn sysctl(&self) -> Option<usize> {
        self.sysctl
    }

    /// The scheduler's name.
    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: By the type invariant the table and its non-null name are
        // valid while `self` exists.
        unsafe { CStr::from_char_ptr(self.ops.as_ref().name) }
    }

    /// Which registration this is.
    pub(crate) fn id(&self) -> OpsId {
        OpsId(self.ops.as_ptr() as usize)
    }

    /// Pins the scheduler's module; `None` while it is being unloaded.
    pub(crate) fn get(&self) -> Option<SchedRef> {
        // SAFETY: The table is valid (type invariant); its module pointer is
        // the module that registered it, alive while registered.
        let ok = unsafe { bindings::ipvs_rs_try_module_get(self.ops.as_ref().module.cast()) };
        // INVARIANT: The module reference was taken just above.
        ok.then_some(SchedRef {
            ops: self.ops,
            sysctl: self.sysctl,
        })
    }
}

/// The identity of a registered table: its address, for comparison only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpsId(usize);

/// A scheduler whose module is pinned, so its table stays valid even after
/// it leaves the list.
///
/// # Invariants
///
/// Holds a reference on the module of `ops`, which keeps the module, and so
/// the registration and its table, alive; `sysctl` is the registration's.
pub(crate) struct SchedRef {
    ops: NonNull<SchedulerOps>,
    sysctl: Option<usize>,
}

// SAFETY: The table is immutable and pinned by the module reference.
unsafe impl Send for SchedRef {}
// SAFETY: See `Send`.
unsafe impl Sync for SchedRef {}

impl SchedRef {
    fn ops(&self) -> &SchedulerOps {
        // SAFETY: Valid while the module reference is held (invariant).
        unsafe { self.ops.as_ref() }
    }

    /// The scheduler's name.
    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: The name is a valid C string while the table is (the
        // registration checked it is not null).
        unsafe { CStr::from_char_ptr(self.ops().name) }
    }

    /// The value of the scheduler's sysctl among a namespace's scheduler
    /// sysctls `values`; 0 for a scheduler without one.
    pub(crate) fn sysctl(&self, values: &Values) -> i32 {
        self.sysctl.map_or(0, |i| values.get(i))
    }

    /// Binds the scheduler to a service: runs its `init_service`.
    pub(crate) fn bind(self, svc: &ServiceInfo) -> Result<Bound> {
        let mut data = core::ptr::null_mut();
        // SAFETY: The callback belongs to the pinned module; `svc` and its
        // destinations are valid for the call.
        to_result(unsafe { (self.ops().init_service)(svc, &mut data) })?;
        // INVARIANT: `init_service` succeeded and made `data`.
        Ok(Bound { sched: self, data })
    }
}

impl Drop for SchedRef {
    fn drop(&mut self) {
        // SAFETY: Releases the reference taken in `Scheduler::get`.
        unsafe { bindings::module_put(self.ops().module.cast()) };
    }
}

/// A scheduler bound to a service, with the state it keeps for it.
///
/// # Invariants
///
/// `data` is what the scheduler's `init_service` made for this service; it
/// is passed back to the scheduler only, and freed by its `done_service`
/// when the binding is dropped.
pub(crate) struct Bound {
    sched: SchedRef,
    data: *mut c_void,
}

// SAFETY: `data` is owned by the scheduler, which is written for calls from
// any CPU (the contract of `SchedulerOps`).
unsafe impl Send for Bound {}
// SAFETY: See `Send`.
unsafe impl Sync for Bound {}

impl Bound {
    /// The scheduler's name.
    pub(crate) fn name(&self) -> &CStr {
        self.sched.name()
    }

    /// The value of the scheduler's sysctl among `values`, see
    /// [`SchedRef::sysctl`].
    pub(crate) fn sysctl(&self, values: &Values) -> i32 {
        self.sched.sysctl(values)
    }

    /// Whether this binding is to the scheduler `other` names.
    pub(crate) fn is(&self, other: &SchedRef) -> bool {
        self.sched.ops == other.ops
    }

    /// Tells the scheduler a destination joined `svc`.
    pub(crate) fn add_dest(&self, svc: &ServiceInfo, dest: &DestShared) -> Result {
        self.dest_hook(self.sched.ops().add_dest, svc, dest)
    }

    /// Tells the scheduler a destination left `svc`.
    pub(crate) fn del_dest(&self, svc: &ServiceInfo, dest: &DestShared) -> Result {
        self.dest_hook(self.sched.ops().del_dest, svc, dest)
    }

    /// Tells the scheduler a destination of `svc` changed.
    pub(crate) fn upd_dest(&self, svc: &ServiceInfo, dest: &DestShared) -> Result {
        self.dest_hook(self.sched.ops().upd_dest, svc, dest)
    }

    fn dest_hook(&self, hook: Option<DestHook>, svc: &ServiceInfo, dest: &DestShared) -> Result {
        match hook {
            // SAFETY: The hook belongs to the pinned module; `data` is this
            // binding's state (type invariant); `svc` and `dest` are valid
            // for the call, and the caller holds the control mutex.
            Some(h) => to_result(unsafe { h(self.data, svc, dest) }),
            None => Ok(()),
        }
    }

    /// Another reference to the scheduler's module, to bind it again.
    pub(crate) fn sched_ref(&self) -> SchedRef {
        // SAFETY: Our own reference pins the module (type invariant of
        // `SchedRef`), so taking another one cannot fail.
        unsafe { bindings::__module_get(self.sched.ops().module.cast()) };
        // INVARIANT: The module reference was taken just above.
        SchedRef {
            ops: self.sched.ops,
            sysctl: self.sched.sysctl,
        }
    }

    /// Picks a destination among `m` for a new connection of `pkt`;
    /// `None` when the scheduler finds none (it logged why).
    pub(crate) fn schedule<'a, D: AsRef<DestShared>>(
        &self,
        m: &'a Members<D>,
        pkt: &PacketInfo,
    ) -> Option<&'a Arc<D>> {
        let info = m.info(self.sysctl(&m.sysctls));
        // SAFETY: The callback belongs to the pinned module; `data` is this
        // binding's state (type invariant); `info` and `pkt` are valid for
        // the call (`Members` keeps the destinations alive).
        let d = unsafe { (self.sched.ops().schedule)(self.data, &info, pkt) };
        // The scheduler answers with one of the pointers it was shown.
        m.ptrs
            .iter()
            .position(|&p| p == d)
            .and_then(|i| m.dests.get(i))
    }
}

impl Drop for Bound {
    fn drop(&mut self) {
        // SAFETY: `data` came from this scheduler's `init_service` (type
        // invariant) and is not used again.
        unsafe { (self.sched.ops().done_service)(self.data) };
    }
}

/// The destinations of a service, as the packet path shows them to its
/// scheduler: kept alive, with the pointers the C ABI wants.
///
/// # Invariants
///
/// `ptrs[i]` points at the `DestShared` of `dests[i]`, which `dests` keeps
/// alive; neither changes after construction.
pub(crate) struct Members<D> {
    dests: KVec<Arc<D>>,
    ptrs: KVec<*const DestShared>,
    key: Key,
    flags: u32,
    /// The scheduler sysctls of the service's namespace.
    sysctls: Arc<Values>,
}

// SAFETY: The pointers are into `dests`, which are shared (`Arc`) and only
// read through them.
unsafe impl<D: Send + Sync> Send for Members<D> {}
// SAFETY: See `Send`.
unsafe impl<D: Send + Sync> Sync for Members<D> {}

impl<D> Members<D> {
    /// The destinations, in the order the scheduler sees them.
    pub(crate) fn dests(&self) -> &[Arc<D>] {
        &self.dests
    }
}

impl<D: AsRef<DestShared>> Members<D> {
    /// The destinations `dests` of the service `key` with the flags
    /// `flags`, in the order the scheduler should see them; `sysctls` are
    /// the scheduler sysctls of the service's namespace.
    pub(crate) fn new(
        key: &Key,
        flags: u32,
        dests: KVec<Arc<D>>,
        sysctls: Arc<Values>,
    ) -> Result<Self> {
        let mut ptrs = KVec::with_capacity(dests.len(), GFP_KERNEL)?;
        for d in dests.iter() {
            ptrs.push(
                core::ptr::from_ref(AsRef::<DestShared>::as_ref(&**d)),
                GFP_KERNEL,
            )?;
        }
        // INVARIANT: Built from `dests` just above.
        Ok(Members {
            dests,
            ptrs,
            key: *key,
            flags,
            sysctls,
        })
    }

    fn info(&self, sysctl: i32) -> ServiceInfo {
        ServiceInfo {
            af: self.key.af.raw(),
            protocol: self.key.protocol,
            port: self.key.port,
            fwmark: self.key.fwmark,
            addr: self.key.addr,
            flags: self.flags,
            dests: self.ptrs.as_ptr(),
            n_dests: self.ptrs.len(),
            sysctl,
        }
    }
}

/// Registers a scheduler (`register_ip_vs_scheduler` in C).
///
/// # Safety
///
/// `ops` must be null or satisfy the contract of [`SchedulerOps`].
#[no_mangle]
pub(crate) unsafe extern "C" fn ip_vs_rs_register_scheduler(ops: *const SchedulerOps) -> c_int {
    from_result(|| {
        // SAFETY: The caller's guarantee.
        sched::register(unsafe { Scheduler::from_raw(ops) }?)?;
        Ok(0)
    })
}

/// Unregisters a scheduler (`unregister_ip_vs_scheduler` in C).
///
/// # Safety
///
/// None beyond the C ABI: `ops` is only compared with registered tables.
#[no_mangle]
pub(crate) unsafe extern "C" fn ip_vs_rs_unregister_scheduler(ops: *const SchedulerOps) -> c_int {
    from_result(|| {
        if ops.is_null() {
            return Err(EINVAL);
        }
        sched::unregister(OpsId(ops as usize))?;
        Ok(0)
    })
}

/// Loads module `ip_vs_<name>` and waits for its init to finish. The name
/// is a scheduler name from user space: at most 15 bytes, no NUL.
pub(crate) fn request_module(name: &[u8]) -> Result {
    let mut buf = [0u8; 16];
    let dst = buf.get_mut(..name.len()).ok_or(EINVAL)?;
    dst.copy_from_slice(name);
    if buf[15] != 0 || name.contains(&0) {
        return Err(EINVAL);
    }
    // SAFETY: `buf` is a NUL-terminated string for the call. A failed load
    // shows as the scheduler still missing, so the result is not needed.
    unsafe { bindings::ipvs_rs_request_scheduler(buf.as_ptr()) };
    Ok(())
}
