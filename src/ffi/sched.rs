// SPDX-License-Identifier: GPL-2.0

//! The C-ABI entry points scheduler modules call, and the safe handle the
//! core keeps for each registered scheduler.

use crate::sched::{self, abi::SchedulerOps};
use core::ptr::NonNull;
use kernel::{error::from_result, ffi::c_int, prelude::*};

/// A registered scheduler's table.
///
/// # Invariants
///
/// `ops` points at a valid [`SchedulerOps`] with a non-null name, valid
/// until its module unregisters it (the contract of [`SchedulerOps`]); the
/// core drops this handle when that happens.
pub(crate) struct Scheduler {
    ops: NonNull<SchedulerOps>,
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
        // INVARIANT: Checked above; validity is the caller's guarantee.
        Ok(Scheduler { ops })
    }

    /// The scheduler's name.
    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: By the type invariant the table and its non-null name are
        // valid while `self` exists.
        unsafe { CStr::from_char_ptr(self.ops.as_ref().name) }
    }

    /// Whether both handles are the same registration.
    pub(crate) fn same(&self, other: &Scheduler) -> bool {
        self.ops == other.ops
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
/// `ops` must be null or a table registered before.
#[no_mangle]
pub(crate) unsafe extern "C" fn ip_vs_rs_unregister_scheduler(ops: *const SchedulerOps) -> c_int {
    from_result(|| {
        // SAFETY: The caller's guarantee.
        sched::unregister(&unsafe { Scheduler::from_raw(ops) }?)?;
        Ok(0)
    })
}
