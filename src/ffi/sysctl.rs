// SPDX-License-Identifier: GPL-2.0

//! A namespace's tables of integer sysctls.
//!
//! C header: [`include/linux/sysctl.h`](srctree/include/linux/sysctl.h)

use super::{bindings, pernet::Net, time::HZ};
use crate::logic::sysctl::{Check, Var};
use core::{
    ptr::NonNull,
    sync::atomic::{AtomicI32, Ordering::Relaxed},
};
use kernel::{ffi::c_void, prelude::*, sync::Arc};

/// Integer values that sysctl tables show and change. Readers (the packet
/// path among them) load them without a lock, as C reads its `int`s.
pub(crate) struct Values(KVec<AtomicI32>);

impl Values {
    /// `n` values, all 0.
    pub(crate) fn new(n: usize) -> Result<Arc<Values>> {
        let mut v = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            v.push(AtomicI32::new(0), GFP_KERNEL)?;
        }
        Ok(Arc::new(Values(v), GFP_KERNEL)?)
    }

    /// The `index`th value (0 past the end).
    pub(crate) fn get(&self, index: usize) -> i32 {
        self.0.get(index).map_or(0, |v| v.load(Relaxed))
    }

    /// Sets the `index`th value (nothing past the end).
    pub(crate) fn set(&self, index: usize, value: i32) {
        if let Some(v) = self.0.get(index) {
            v.store(value, Relaxed);
        }
    }
}

/// Integer sysctls registered in one namespace.
///
/// # Invariants
///
/// `header` is the registration of `entries` in a live namespace; every
/// entry's `data` points into `values` and its bounds into `bounds`, heap
/// buffers that are neither moved nor resized nor freed until `drop`.
pub(crate) struct Table {
    header: NonNull<bindings::ctl_table_header>,
    _entries: KVec<bindings::ctl_table>,
    values: Arc<Values>,
    first: usize,
    len: usize,
    _bounds: KVec<[i32; 2]>,
}

// SAFETY: The values are atomics; the table itself is only read by the
// sysctl core.
unsafe impl Send for Table {}
// SAFETY: See `Send`.
unsafe impl Sync for Table {}

impl Table {
    /// Registers `vars` under `path` (e.g. `net/ipv4/vs`) in `net`, each with
    /// its default value, in values of their own.
    pub(crate) fn register(net: Net, path: &'static CStr, vars: &[Var]) -> Result<Table> {
        let values = Values::new(vars.len())?;
        for (i, v) in vars.iter().enumerate() {
            values.set(i, v.initial(HZ));
        }
        Table::register_in(net, path, vars, &values, 0)
    }

    /// Registers `vars` under `path` in `net`, the `i`th showing
    /// `values[first + i]`, which keep what they hold. EINVAL when `values`
    /// has too few.
    pub(crate) fn register_in(
        net: Net,
        path: &'static CStr,
        vars: &[Var],
        values: &Arc<Values>,
        first: usize,
    ) -> Result<Table> {
        let shown = values
            .0
            .get(first..)
            .and_then(|v| v.get(..vars.len()))
            .ok_or(EINVAL)?;
        let mut bounds = KVec::with_capacity(vars.len(), GFP_KERNEL)?;
        for v in vars {
            bounds.push(
                match v.check {
                    Check::Any | Check::Jiffies => [i32::MIN, i32::MAX],
                    Check::Range(min, max) => [min, max],
                },
                GFP_KERNEL,
            )?;
        }
        let mut entries = KVec::with_capacity(vars.len(), GFP_KERNEL)?;
        for ((v, value), bound) in vars.iter().zip(shown.iter()).zip(bounds.iter()) {
            let (handler, extra1, extra2) = match v.check {
                Check::Any => (
                    bindings::proc_dointvec as Handler,
                    core::ptr::null_mut(),
                    core::ptr::null_mut(),
                ),
                Check::Jiffies => (
                    bindings::proc_dointvec_jiffies as Handler,
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
        // until `drop` (type invariant): the names are static, the values
        // are kept alive by the `Arc` stored below, the bounds by `bounds`.
        let header = unsafe {
            bindings::register_net_sysctl_sz(
                net.as_ptr(),
                path.as_char_ptr(),
                entries.as_mut_ptr(),
                entries.len(),
            )
        };
        let header = NonNull::new(header).ok_or(ENOMEM)?;
        // INVARIANT: `entries` point into `values` and `bounds`, both kept
        // here until `drop`.
        Ok(Table {
            header,
            _entries: entries,
            values: values.clone(),
            first,
            len: vars.len(),
            _bounds: bounds,
        })
    }

    /// The value of the `index`th sysctl of the table (0 past the end).
    pub(crate) fn get(&self, index: usize) -> i32 {
        if index < self.len {
            self.values.get(self.first + index)
        } else {
            0
        }
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
        // SAFETY: Registered in `register_in`; `entries`, `values` and
        // `bounds` are freed only after this returns, when no handler can
        // run.
        unsafe { bindings::unregister_net_sysctl_table(self.header.as_ptr()) };
    }
}
