// SPDX-License-Identifier: GPL-2.0

//! The table a scheduler module hands to the core.
//!
//! Rust has no stable ABI between modules, so the core and the scheduler
//! modules share this `#[repr(C)]` table and plain C-ABI functions only.
//! Both include this same file.
//!
//! C: `struct ip_vs_scheduler` in
//! [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)

use kernel::{bindings, ffi::c_char};

/// A scheduler as registered with `ip_vs_rs_register_scheduler`.
///
/// The table, and the name it points to, must stay valid and unchanged from
/// registration until `ip_vs_rs_unregister_scheduler` returns.
#[repr(C)]
pub(crate) struct SchedulerOps {
    /// The scheduler's name, as `ipvsadm -s` spells it: a C string.
    pub(crate) name: *const c_char,
    /// The module that implements it, pinned while a service uses it.
    pub(crate) module: *mut bindings::module,
}
