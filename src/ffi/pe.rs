// SPDX-License-Identifier: GPL-2.0

//! The C-ABI entry points persistence engine modules call, and the safe
//! handles the core keeps for each registered engine and each user of one.

use super::{bindings, module::UseCount};
use crate::pe::{self, abi::PeOps};
use core::{ops::Range, ptr::NonNull};
use kernel::{
    error::{from_result, to_result},
    ffi::c_int,
    prelude::*,
};

/// A registered engine's table.
///
/// # Invariants
///
/// `ops` points at a valid [`PeOps`] with a non-null name, valid until its
/// module unregisters it (the contract of [`PeOps`]); the core drops this
/// handle when that happens.
pub(crate) struct Engine {
    ops: NonNull<PeOps>,
    /// C's `register_ip_vs_pe()` counts a user of the core.
    _use: UseCount,
}

// SAFETY: The table is immutable while registered.
unsafe impl Send for Engine {}
// SAFETY: See `Send`.
unsafe impl Sync for Engine {}

impl Engine {
    /// # Safety
    ///
    /// `ops` must be null or satisfy the contract of [`PeOps`] until the
    /// handle is dropped.
    unsafe fn from_raw(ops: *const PeOps) -> Result<Engine> {
        let ops = NonNull::new(ops.cast_mut()).ok_or(EINVAL)?;
        // SAFETY: Valid by the caller's guarantee.
        if unsafe { ops.as_ref() }.name.is_null() {
            return Err(EINVAL);
        }
        // C: ENOENT when the core is going away.
        let use_count = UseCount::get().map_err(|_| ENOENT)?;
        // INVARIANT: Checked above; validity is the caller's guarantee.
        Ok(Engine {
            ops,
            _use: use_count,
        })
    }

    /// The engine's name.
    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: By the type invariant the table and its non-null name are
        // valid while `self` exists.
        unsafe { CStr::from_char_ptr(self.ops.as_ref().name) }
    }

    /// Which registration this is.
    pub(crate) fn id(&self) -> OpsId {
        OpsId(self.ops.as_ptr() as usize)
    }

    /// Pins the engine's module; `None` while it is being unloaded.
    pub(crate) fn get(&self) -> Option<PeRef> {
        // SAFETY: The table is valid (type invariant); its module pointer is
        // the module that registered it, alive while registered.
        let ok = unsafe { bindings::ipvs_rs_try_module_get(self.ops.as_ref().module.cast()) };
        // INVARIANT: The module reference was taken just above.
        ok.then_some(PeRef { ops: self.ops })
    }
}

/// The identity of a registered table: its address, for comparison only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpsId(usize);

/// An engine whose module is pinned, so its table stays valid even after
/// it leaves the list: what a service using it holds, and each of its
/// persistence templates (C's `ip_vs_pe_get()` per template, so `lsmod`
/// counts them all).
///
/// # Invariants
///
/// Holds a reference on the module of `ops`, which keeps the module, and so
/// the registration and its table, alive.
pub(crate) struct PeRef {
    ops: NonNull<PeOps>,
}

// SAFETY: The table is immutable and pinned by the module reference.
unsafe impl Send for PeRef {}
// SAFETY: See `Send`.
unsafe impl Sync for PeRef {}

impl PeRef {
    fn ops(&self) -> &PeOps {
        // SAFETY: Valid while the module reference is held (invariant).
        unsafe { self.ops.as_ref() }
    }

    /// The engine's name.
    pub(crate) fn name(&self) -> &CStr {
        // SAFETY: The name is a valid C string while the table is (the
        // registration checked it is not null).
        unsafe { CStr::from_char_ptr(self.ops().name) }
    }

    /// Whether `other` is the same engine.
    pub(crate) fn is(&self, other: &PeRef) -> bool {
        self.ops == other.ops
    }

    /// Where the persistence data is in `payload`, the bytes after the
    /// transport header of a packet of `protocol` (C's `fill_param`).
    pub(crate) fn fill_param(&self, protocol: u8, payload: &[u8]) -> Result<Range<usize>> {
        let (mut off, mut len) = (0usize, 0usize);
        // SAFETY: The callback belongs to the pinned module; `payload` is
        // valid for reads of its length for the call, and the two outputs
        // for writes.
        to_result(unsafe {
            (self.ops().fill_param)(
                protocol,
                payload.as_ptr(),
                payload.len(),
                &mut off,
                &mut len,
            )
        })?;
        // The engine answers with a range of what it was shown.
        let end = off.checked_add(len).ok_or(EINVAL)?;
        if end > payload.len() {
            return Err(EINVAL);
        }
        Ok(off..end)
    }
}

impl Clone for PeRef {
    fn clone(&self) -> Self {
        // SAFETY: Our own reference pins the module (type invariant), so
        // taking another one cannot fail.
        unsafe { bindings::__module_get(self.ops().module.cast()) };
        // INVARIANT: The module reference was taken just above.
        PeRef { ops: self.ops }
    }
}

impl Drop for PeRef {
    fn drop(&mut self) {
        // SAFETY: Releases the reference taken in `Engine::get` or `clone`.
        unsafe { bindings::module_put(self.ops().module.cast()) };
    }
}

/// Registers a persistence engine (`register_ip_vs_pe()` in C).
///
/// # Safety
///
/// `ops` must be null or satisfy the contract of [`PeOps`].
#[no_mangle]
pub(crate) unsafe extern "C" fn ip_vs_rs_register_pe(ops: *const PeOps) -> c_int {
    from_result(|| {
        // SAFETY: The caller's guarantee.
        pe::register(unsafe { Engine::from_raw(ops) }?)?;
        Ok(0)
    })
}

/// Unregisters a persistence engine (`unregister_ip_vs_pe()` in C).
///
/// # Safety
///
/// None beyond the C ABI: `ops` is only compared with registered tables.
#[no_mangle]
pub(crate) unsafe extern "C" fn ip_vs_rs_unregister_pe(ops: *const PeOps) -> c_int {
    from_result(|| {
        if ops.is_null() {
            return Err(EINVAL);
        }
        pe::unregister(OpsId(ops as usize))?;
        Ok(0)
    })
}

/// Loads module `ip_vs_pe_<name>` and waits for its init to finish. The
/// name is an engine name from user space: at most 16 bytes, no NUL.
pub(crate) fn request_module(name: &[u8]) -> Result {
    let mut buf = [0u8; 17];
    let dst = buf.get_mut(..name.len()).ok_or(EINVAL)?;
    dst.copy_from_slice(name);
    if buf[16] != 0 || name.contains(&0) {
        return Err(EINVAL);
    }
    // SAFETY: `buf` is a NUL-terminated string for the call. A failed load
    // shows as the engine still missing, so the result is not needed.
    unsafe { bindings::ipvs_rs_request_pe(buf.as_ptr()) };
    Ok(())
}
