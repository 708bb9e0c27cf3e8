// SPDX-License-Identifier: GPL-2.0

//! A namespace's table of integer sysctls.
//!
//! C header: [`include/linux/sysctl.h`](srctree/include/linux/sysctl.h)

use super::{bindings, pernet::Net};
use crate::logic::sysctl::{Check, Var};
use core::{
    ptr::NonNull,
    sync::atomic::{AtomicI32, Ordering::Relaxed},
};
use kernel::{ffi::c_void, prelude::*};

/// Integer sysctls registered in one namespace, with their values.
///
/// # Invariants
///
/// `header` is the registration of `entries` in a live namespace; every
/// entry's `data` points into `values` and its bounds into `bounds`, all
/// three heap buffers that are neither moved nor resized until `drop`.
pub(crate) struct Table {
    header: NonNull<bindings::ctl_table_header>,
    _entries: KVec<bindings::ctl_table>,
    values: KVec<AtomicI32>,
    _bounds: KVec<[i32; 2]>,
}

// SAFETY: The values are atomics; the table itself is only read by the
// sysctl core.
unsafe impl Send for Table {}
// SAFETY: See `Send`.
unsafe impl Sync for Table {}

impl Table {
    /// Registers `vars` under `path` (e.g. `net/ipv4/vs`) in `net`, each with
    /// its default value.
    pub(crate) fn register(net: Net, path: &'static CStr, vars: &[Var]) -> Result<Table> {
        let mut values = KVec::with_capacity(vars.len(), GFP_KERNEL)?;
        let mut bounds = KVec::with_capacity(vars.len(), GFP_KERNEL)?;
        for v in vars {
            values.push(AtomicI32::new(v.default), GFP_KERNEL)?;
            bounds.push(
                match v.check {
                    Check::Any => [i32::MIN, i32::MAX],
                    Check::Range(min, max) => [min, max],
                },
                GFP_KERNEL,
            )?;
        }
        let mut entries = KVec::with_capacity(vars.len(), GFP_KERNEL)?;
        for ((v, value), bound) in vars.iter().zip(values.iter()).zip(bounds.iter()) {
            let (handler, extra1, extra2) = match v.check {
                Check::Any => (
                    bindings::proc_dointvec as Handler,
                    core::ptr::null_mut(),
                    core::ptr::null_mut(),
                ),
                Check::Range(..) => (
                    bindings::proc_dointvec_minmax as Handler,
                    (&raw const bound[0]).cast_mut().cast::<c_void>(),
                    (&raw const bound[1]).cast_mut().cast::<c_void>(),
                ),
            };
            entries.push(
                bindings::ctl_table {
                    procname: v.name.as_char_ptr(),
                    data: value.as_ptr().cast::<c_void>(),
                    maxlen: size_of::<i32>() as i32,
                    mode: 0o644,
                    proc_handler: Some(handler),
                    extra1,
                    extra2,
                    ..Default::default()
                },
                GFP_KERNEL,
            )?;
        }
        // SAFETY: `net` is live; `path` is a static string; `entries` is a
        // valid array of `entries.len()` entries whose pointers stay valid
        // until `drop` (type invariant).
        let header = unsafe {
            bindings::register_net_sysctl_sz(
                net.as_ptr(),
                path.as_char_ptr(),
                entries.as_mut_ptr(),
                entries.len(),
            )
        };
        let header = NonNull::new(header).ok_or(ENOMEM)?;
        Ok(Table {
            header,
            _entries: entries,
            values,
            _bounds: bounds,
        })
    }

    /// The value of the `index`th sysctl (0 past the end).
    pub(crate) fn get(&self, index: usize) -> i32 {
        self.values.get(index).map_or(0, |v| v.load(Relaxed))
    }
}

type Handler = unsafe extern "C" fn(
    *const bindings::ctl_table,
    kernel::ffi::c_int,
    *mut c_void,
    *mut usize,
    *mut bindings::loff_t,
) -> kernel::ffi::c_int;

impl Drop for Table {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`; `entries`, `values` and `bounds`
        // are freed only after this returns, when no handler can run.
        unsafe { bindings::unregister_net_sysctl_table(self.header.as_ptr()) };
    }
}
