// SPDX-License-Identifier: GPL-2.0

//! The safe interface a persistence engine module implements, and the glue
//! that turns it into the C-ABI table the core calls.
//!
//! C: `struct ip_vs_pe` in [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)
//! and [`net/netfilter/ipvs/ip_vs_pe.c`](srctree/net/netfilter/ipvs/ip_vs_pe.c)
//!
//! Built as `src/sched/api.rs` is: an engine is an `impl
//! PersistenceEngine` of safe functions, [`Adapter::TABLE`] the
//! [`abi::PeOps`] around them, [`Registration`] hands it to the core and
//! takes it back when dropped, and [`module_ipvs_pe!`] declares the module.
//! An engine crate has no `unsafe` code.

use crate::abi;
use core::{marker::PhantomData, ops::Range};
use kernel::{
    error::{from_result, to_result},
    module::this_module,
    prelude::*,
    str::as_char_ptr_in_const_context,
    sync::rcu,
};

// `abi::PeOps` points to the C `struct module`, one of whose members is a
// struct without fields, which the lint rejects even behind a pointer.
#[allow(improper_ctypes)]
extern "C" {
    /// The core's `register_ip_vs_pe()`: 0, or `-EINVAL` when an engine of
    /// that name is registered already.
    fn ip_vs_rs_register_pe(ops: *const abi::PeOps) -> c_int;
    /// The core's `unregister_ip_vs_pe()`: 0, or `-EINVAL` when `ops` is
    /// not registered.
    fn ip_vs_rs_unregister_pe(ops: *const abi::PeOps) -> c_int;
}

/// A persistence engine: C's `struct ip_vs_pe`. The core keys the
/// templates of a persistent service that uses it on what
/// [`Self::fill_param`] finds in each new connection's first packet, on
/// top of the client and the virtual service, and shows it in
/// `/proc/net/ip_vs_conn`.
#[vtable]
pub(crate) trait PersistenceEngine {
    /// The name, as `ipvsadm --pe` spells it.
    const NAME: &'static CStr;

    /// Where the persistence data is in `payload`, the bytes after the
    /// transport header of a packet of transport `protocol` (an
    /// `IPPROTO_*` number). An error when it has none: the core then drops
    /// the packet, as C does.
    fn fill_param(protocol: u8, payload: &[u8]) -> Result<Range<usize>>;
}

/// The C-ABI callbacks of engine `T`.
struct Adapter<T: PersistenceEngine>(PhantomData<T>);

impl<T: PersistenceEngine> Adapter<T> {
    /// The table for `T`, immutable and built at compile time.
    const TABLE: abi::PeOps = abi::PeOps {
        name: as_char_ptr_in_const_context(T::NAME),
        module: this_module::<T::OwnerModule>().as_ptr(),
        fill_param: Self::fill_param,
    };

    /// # Safety
    ///
    /// As `PeOps::fill_param` says: `data` valid for reads of `len` bytes,
    /// `off` and `data_len` for writes, for the call.
    unsafe extern "C" fn fill_param(
        protocol: u8,
        data: *const u8,
        len: usize,
        off: *mut usize,
        data_len: *mut usize,
    ) -> c_int {
        from_result(|| {
            let payload = if len == 0 {
                &[]
            } else {
                // SAFETY: `len` readable bytes at `data`, by the caller's
                // guarantee.
                unsafe { core::slice::from_raw_parts(data, len) }
            };
            let r = T::fill_param(protocol, payload)?;
            // SAFETY: Both are valid for writes, by the caller's guarantee.
            unsafe {
                off.write(r.start);
                data_len.write(r.end.saturating_sub(r.start));
            }
            Ok(0)
        })
    }
}

/// An engine registered with the core: C's `register_ip_vs_pe()` in the
/// module's init and `unregister_ip_vs_pe()` in its exit.
///
/// # Invariants
///
/// `ops` is registered with the core.
pub(crate) struct Registration {
    ops: &'static abi::PeOps,
}

// SAFETY: The table is immutable and its pointers (a static name, the
// module, a function) are valid on every CPU; the only thing done with a
// `Registration` is dropping it, which may happen on any thread.
unsafe impl Send for Registration {}
// SAFETY: A `&Registration` gives no access to anything.
unsafe impl Sync for Registration {}

impl Registration {
    /// Makes engine `T` available to services.
    pub(crate) fn register<T: PersistenceEngine>() -> Result<Self> {
        let ops: &'static abi::PeOps = &Adapter::<T>::TABLE;
        // SAFETY: `ops` is static and immutable, so it stays valid and
        // unchanged until `drop` unregisters it, as `PeOps` requires.
        to_result(unsafe { ip_vs_rs_register_pe(ops) })?;
        // INVARIANT: Registered just above.
        Ok(Self { ops })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: `self.ops` is registered, by the type invariant.
        let ret = unsafe { ip_vs_rs_unregister_pe(self.ops) };
        if ret != 0 {
            pr_warn!("cannot unregister the persistence engine: error {}\n", ret);
        }
        // As C's module exit: packets that found the engine before it went
        // may still run its code, under RCU.
        rcu::synchronize_rcu();
    }
}

/// Declares a persistence engine module: the `module!` block and a module
/// struct that holds the engine's [`Registration`].
macro_rules! module_ipvs_pe {
    (type: $pe:ty, $($f:tt)*) => {
        /// The module: the engine's registration with the core.
        struct Module {
            _reg: $crate::api::Registration,
        }

        ::kernel::prelude::module! {
            type: Module,
            $($f)*
        }

        impl ::kernel::Module for Module {
            fn init(_module: &'static ::kernel::ThisModule) -> ::kernel::error::Result<Self> {
                Ok(Module {
                    _reg: $crate::api::Registration::register::<$pe>()?,
                })
            }
        }
    };
}
pub(crate) use module_ipvs_pe;
