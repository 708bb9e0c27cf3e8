// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace state through pernet operations.
//!
//! C header: [`include/net/net_namespace.h`](srctree/include/net/net_namespace.h)

use super::bindings;
use core::{
    marker::PhantomData,
    mem::size_of,
    ptr::NonNull,
    sync::atomic::{AtomicU32, Ordering},
};
use kernel::{
    error::{from_result, to_result},
    ffi::c_int,
    prelude::*,
    types::Opaque,
};

/// A network namespace.
///
/// # Invariants
///
/// The pointer is a live `struct net`: a `Net` is only made by the pernet
/// callbacks, the generic netlink and the sockopt entry points, and does not
/// outlive the call that made it except inside the namespace's own state,
/// which is freed before the namespace.
#[derive(Clone, Copy)]
pub(crate) struct Net(NonNull<bindings::net>);

impl Net {
    /// # Safety
    ///
    /// `net` must be a live namespace that stays alive as long as the result
    /// is used (see the type invariant).
    pub(super) unsafe fn from_raw(net: *mut bindings::net) -> Option<Net> {
        NonNull::new(net).map(Net)
    }

    pub(super) fn as_ptr(self) -> *mut bindings::net {
        self.0.as_ptr()
    }

    /// This module's state for the namespace, once the pernet `init` made it.
    pub(crate) fn state<T: NetState>(&self) -> Option<&T> {
        // SAFETY: By the type invariant the namespace is alive; the slot is
        // this module's `net_generic` slot, registered by `Registration`.
        let slot =
            unsafe { bindings::ipvs_rs_net_generic(self.as_ptr(), NET_ID.load(Ordering::Relaxed)) };
        let slot = slot.cast::<*const T>();
        // SAFETY: The slot is `size_of::<*const T>()` bytes, zeroed by the
        // core before `init` and written only by `init` below.
        let state = unsafe { slot.read() };
        // SAFETY: A non-null slot points at the `T` that `init` leaked; `exit`
        // frees it only when the namespace dies, which ends every caller's
        // `Net` first (type invariant).
        unsafe { state.as_ref() }
    }

    /// Whether the namespace belongs to the initial user namespace; C
    /// hides some sysctls from the others.
    pub(crate) fn in_init_user_ns(self) -> bool {
        // SAFETY: Live namespace (type invariant).
        unsafe { bindings::ipvs_rs_net_in_init_user_ns(self.as_ptr()) }
    }

    /// Counts an IPv4 packet dropped for a header error
    /// (`IPSTATS_MIB_INHDRERRORS`, "InHdrErrors" in `/proc/net/snmp`).
    pub(crate) fn count_in_hdr_error(self) {
        // SAFETY: Live namespace (type invariant).
        unsafe { bindings::ipvs_rs_ip_inc_in_hdr_errors(self.as_ptr()) }
    }
}

// SAFETY: A namespace may be used from any thread.
unsafe impl Send for Net {}
// SAFETY: A namespace may be used from any thread.
unsafe impl Sync for Net {}

/// State that exists once per network namespace.
pub(crate) trait NetState: Sized + Send + Sync {
    /// Makes the state of a new namespace.
    fn new(net: Net) -> Result<Pin<KBox<Self>>>;
}

/// The `net_generic` id of this module's registration. There is one
/// registration per module, so one id.
static NET_ID: AtomicU32 = AtomicU32::new(0);

/// Registered pernet operations; dropping unregisters them, which destroys
/// the state of every namespace.
pub(crate) struct Registration<T: NetState> {
    ops: Pin<KBox<Opaque<bindings::pernet_operations>>>,
    _state: PhantomData<T>,
}

// SAFETY: The operations table is only touched by the core after
// registration, under its own locks.
unsafe impl<T: NetState> Send for Registration<T> {}
// SAFETY: No method gives access to the table.
unsafe impl<T: NetState> Sync for Registration<T> {}

impl<T: NetState> Registration<T> {
    /// Registers the operations: `T::new` runs for every existing namespace
    /// now and for every new one later.
    pub(crate) fn register() -> Result<Self> {
        let ops = bindings::pernet_operations {
            init: Some(init::<T>),
            exit: Some(exit::<T>),
            id: NET_ID.as_ptr(),
            size: size_of::<*const T>(),
            ..Default::default()
        };
        let ops = KBox::pin(Opaque::new(ops), GFP_KERNEL)?;
        // SAFETY: `ops` is pinned and lives until `drop` unregisters it.
        to_result(unsafe { bindings::register_pernet_subsys(ops.get()) })?;
        Ok(Registration {
            ops,
            _state: PhantomData,
        })
    }
}

impl<T: NetState> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`.
        unsafe { bindings::unregister_pernet_subsys(self.ops.get()) };
    }
}

/// Makes the state of a namespace.
///
/// # Safety
///
/// Called by the pernet core with a live namespace, once, before any other
/// user of this registration can see the namespace.
unsafe extern "C" fn init<T: NetState>(net: *mut bindings::net) -> c_int {
    from_result(|| {
        // SAFETY: The core calls `init` with a live namespace that outlives
        // the state made here (it is freed in `exit`).
        let handle = unsafe { Net::from_raw(net) }.ok_or(EINVAL)?;
        let state = T::new(handle)?;
        // SAFETY: The state is never moved out of its box: `exit` turns the
        // raw pointer back into the pinned box and drops it in place.
        let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(state) });
        // SAFETY: `net` is live and the slot is ours, `size_of::<*const T>()`
        // bytes.
        unsafe {
            let slot = bindings::ipvs_rs_net_generic(net, NET_ID.load(Ordering::Relaxed));
            slot.cast::<*const T>().write(raw);
        }
        Ok(0)
    })
}

/// Frees the state of a dying namespace.
///
/// # Safety
///
/// Called by the pernet core once per namespace `init` succeeded for, when
/// nothing else uses the namespace any more.
unsafe extern "C" fn exit<T: NetState>(net: *mut bindings::net) {
    // SAFETY: `net` is a dying namespace whose slot `init` filled; nothing
    // else can reach the slot any more.
    unsafe {
        let slot =
            bindings::ipvs_rs_net_generic(net, NET_ID.load(Ordering::Relaxed)).cast::<*mut T>();
        let raw = slot.read();
        slot.write(core::ptr::null_mut());
        if !raw.is_null() {
            drop(Pin::new_unchecked(KBox::from_raw(raw)));
        }
    }
}

/// Work done in each namespace that keeps no state of its own (it keeps it
/// in another registration's state, say): pernet operations without a
/// `net_generic` slot.
pub(crate) trait NetHooks {
    /// Runs for every namespace that exists when the hooks are registered
    /// and for every new one after that.
    fn init(net: Net) -> Result;
    /// Runs for every namespace `init` succeeded for, when the namespace
    /// dies or the hooks are unregistered.
    fn exit(net: Net);
}

/// Registered [`NetHooks`]; dropping unregisters them, which runs their
/// `exit` for every namespace.
///
/// Operations registered later run their `init` after, and their `exit`
/// before, those registered earlier: hooks registered after
/// [`Registration`] see its state in every namespace.
pub(crate) struct HooksRegistration {
    ops: Pin<KBox<Opaque<bindings::pernet_operations>>>,
}

// SAFETY: The operations table is only touched by the core after
// registration, under its own locks.
unsafe impl Send for HooksRegistration {}
// SAFETY: No method gives access to the table.
unsafe impl Sync for HooksRegistration {}

impl HooksRegistration {
    /// Registers `H`: its `init` runs for every existing namespace now.
    pub(crate) fn register<H: NetHooks>() -> Result<Self> {
        let ops = bindings::pernet_operations {
            init: Some(hooks_init::<H>),
            exit: Some(hooks_exit::<H>),
            ..Default::default()
        };
        let ops = KBox::pin(Opaque::new(ops), GFP_KERNEL)?;
        // SAFETY: `ops` is pinned and lives until `drop` unregisters it.
        to_result(unsafe { bindings::register_pernet_subsys(ops.get()) })?;
        Ok(HooksRegistration { ops })
    }
}

impl Drop for HooksRegistration {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`.
        unsafe { bindings::unregister_pernet_subsys(self.ops.get()) };
    }
}

/// # Safety
///
/// Called by the pernet core with a live namespace.
unsafe extern "C" fn hooks_init<H: NetHooks>(net: *mut bindings::net) -> c_int {
    from_result(|| {
        // SAFETY: The core calls `init` with a live namespace; the handle
        // does not outlive the call.
        let net = unsafe { Net::from_raw(net) }.ok_or(EINVAL)?;
        H::init(net)?;
        Ok(0)
    })
}

/// # Safety
///
/// Called by the pernet core with a namespace `init` succeeded for, still
/// alive for the call.
unsafe extern "C" fn hooks_exit<H: NetHooks>(net: *mut bindings::net) {
    // SAFETY: The namespace is alive for the call; the handle does not
    // outlive it.
    if let Some(net) = unsafe { Net::from_raw(net) } {
        H::exit(net);
    }
}
