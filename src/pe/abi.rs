// SPDX-License-Identifier: GPL-2.0

//! The table a persistence engine module hands to the core.
//!
//! As for schedulers (`src/sched/abi.rs`), the core and the engine modules
//! share only `#[repr(C)]` types and plain C-ABI functions; both include
//! this same file.
//!
//! C: `struct ip_vs_pe` in [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)

use kernel::{
    bindings,
    ffi::{c_char, c_int},
};

/// A persistence engine as registered with `ip_vs_rs_register_pe`.
///
/// The table, and the name it points to, must stay valid and unchanged from
/// registration until `ip_vs_rs_unregister_pe` returns. `fill_param` may
/// run on several CPUs at once, in any context.
#[repr(C)]
pub(crate) struct PeOps {
    /// The engine's name, as `ipvsadm --pe` spells it: a C string.
    pub(crate) name: *const c_char,
    /// The module that implements it, pinned while a service or a
    /// persistence template uses it.
    pub(crate) module: *mut bindings::module,
    /// C's `fill_param`: finds the persistence data of a packet of
    /// transport `protocol` whose payload (after the transport header) is
    /// the `len` bytes at `data`; writes where it is in them to `*off` and
    /// `*data_len`. 0, or a negative errno when the packet has none (the
    /// core then drops it, as C does).
    pub(crate) fill_param: unsafe extern "C" fn(
        protocol: u8,
        data: *const u8,
        len: usize,
        off: *mut usize,
        data_len: *mut usize,
    ) -> c_int,
}
