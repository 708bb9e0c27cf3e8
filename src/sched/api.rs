// SPDX-License-Identifier: GPL-2.0

//! The safe interface a scheduler module implements, and the glue that
//! turns it into the C-ABI table the core calls.
//!
//! C: `struct ip_vs_scheduler` in
//! [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h) and
//! [`net/netfilter/ipvs/ip_vs_sched.c`](srctree/net/netfilter/ipvs/ip_vs_sched.c)
//!
//! Built the way `rust/kernel/net/phy.rs` wraps PHY drivers: a scheduler is
//! a `#[vtable] impl Scheduler` of safe functions; [`Adapter`] holds the
//! `unsafe extern "C"` callbacks that call them; [`Adapter::TABLE`] is the
//! [`abi::SchedulerOps`] they form, built at compile time; [`Registration`]
//! hands it to the core and takes it back when dropped; and
//! [`module_ipvs_scheduler!`] declares the module around it all. A
//! scheduler crate has no `unsafe` code.
//!
//! Each scheduler crate includes this file as `mod api`, next to `mod abi`
//! (`src/sched/abi.rs`) and `mod logic`: the shared part of
//! `src/logic/sched/` (`common.rs`) plus the files of its own decision
//! logic.

use crate::{
    abi,
    logic::{Addr, DestId, DestView, Family, Miss, Packet, SvcName},
};
use core::{marker::PhantomData, ptr, sync::atomic::Ordering::Relaxed};
use kernel::{
    bindings,
    error::{from_result, to_result, VTABLE_DEFAULT_ERROR},
    module::this_module,
    prelude::*,
    str::as_char_ptr_in_const_context,
    sync::rcu,
    time::{msecs_to_jiffies, Jiffies},
    types::ForeignOwnable,
};

// `abi::SchedulerOps` points to the C `struct module`, one of whose members
// is a struct without fields, which the lint rejects even behind a pointer;
// the kernel's own bindings crate allows it for the same reason.
#[allow(improper_ctypes)]
extern "C" {
    /// The core's `register_ip_vs_scheduler()`: 0, or `-EINVAL` when a
    /// scheduler of that name is registered already.
    fn ip_vs_rs_register_scheduler(ops: *const abi::SchedulerOps) -> c_int;
    /// The core's `unregister_ip_vs_scheduler()`: 0, or `-EINVAL` when
    /// `ops` is not registered.
    fn ip_vs_rs_unregister_scheduler(ops: *const abi::SchedulerOps) -> c_int;
}

/// A destination as its scheduler sees it: C's `struct ip_vs_dest`.
///
/// # Invariants
///
/// It is the [`abi::DestShared`] of one of the core's destinations, valid
/// for as long as the reference to it. The core changes only the atomic
/// fields while the destination exists.
#[repr(transparent)]
pub(crate) struct Dest(abi::DestShared);

/// The id a destination gets should the core break its promise of a
/// non-zero one (see [`abi::DestShared`]): it then shares this one rather
/// than bring the packet path down.
const FALLBACK_ID: DestId = match DestId::new(u64::MAX) {
    Some(id) => id,
    // Not zero: evaluated, and so checked, at compile time.
    None => panic!(),
};

impl Dest {
    /// The destination at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a destination the core keeps valid for `'a`
    /// (the contract of [`abi::SchedulerOps`] for the call at hand).
    unsafe fn from_raw<'a>(ptr: *const abi::DestShared) -> &'a Self {
        // CAST: `Self` is `repr(transparent)` over `abi::DestShared`.
        // SAFETY: Valid for `'a` by the caller's guarantee.
        // INVARIANT: A destination of the core, by the caller's guarantee.
        unsafe { &*ptr.cast::<Self>() }
    }

    /// The pointer the core knows the destination by.
    fn as_raw(&self) -> *const abi::DestShared {
        &self.0
    }

    /// Whether all of `flags` (`abi::DEST_F_*`) are set.
    fn has_flags(&self, flags: u32) -> bool {
        self.0.flags.load(Relaxed) & flags == flags
    }
}

/// An address in `union nf_inet_addr` layout, as the logic compares it:
/// only the first four bytes count for `AF_INET`.
fn inet_addr(af: u16, raw: &[u8; 16]) -> Addr {
    if u32::from(af) == bindings::AF_INET {
        Addr::v4([raw[0], raw[1], raw[2], raw[3]])
    } else {
        Addr::v6(*raw)
    }
}

// The core updates the counters and flags concurrently and schedulers read
// them without ordering, as C's `atomic_read()` does: `Relaxed` loads.
impl DestView for Dest {
    fn id(&self) -> DestId {
        DestId::new(self.0.id).unwrap_or(FALLBACK_ID)
    }
    fn addr(&self) -> Addr {
        inet_addr(self.0.af, &self.0.addr)
    }
    fn port(&self) -> u16 {
        u16::from_be(self.0.port)
    }
    fn weight(&self) -> i32 {
        self.0.weight.load(Relaxed)
    }
    fn last_weight(&self) -> i32 {
        self.0.last_weight.load(Relaxed)
    }
    fn activeconns(&self) -> i32 {
        self.0.activeconns.load(Relaxed)
    }
    fn totalconns(&self) -> i32 {
        self.0.totalconns.load(Relaxed)
    }
    fn overloaded(&self) -> bool {
        self.has_flags(abi::DEST_F_OVERLOAD)
    }
    fn available(&self) -> bool {
        self.has_flags(abi::DEST_F_AVAILABLE)
    }
}

/// A service as its scheduler sees it during one call: C's
/// `struct ip_vs_service`.
pub(crate) struct Service<'a> {
    info: &'a abi::ServiceInfo,
    dests: &'a [&'a Dest],
}

impl<'a> Service<'a> {
    /// The service at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a service that, with its destination array and
    /// the destinations in it, the core keeps valid and unchanged for `'a`
    /// (the contract of [`abi::ServiceInfo`]).
    unsafe fn from_raw(ptr: *const abi::ServiceInfo) -> Self {
        // SAFETY: Valid for `'a` by the caller's guarantee.
        let info = unsafe { &*ptr };
        let dests = if info.n_dests == 0 {
            // The core may pass a null array for an empty list.
            &[]
        } else {
            // CAST: `Dest` is `repr(transparent)` over `abi::DestShared`, so
            // a `&Dest` has the layout of the array's non-null
            // `*const abi::DestShared` elements.
            // SAFETY: The array holds `n_dests` valid destinations for `'a`,
            // by the caller's guarantee.
            unsafe { core::slice::from_raw_parts(info.dests.cast::<&Dest>(), info.n_dests) }
        };
        Self { info, dests }
    }

    /// Its destinations, newest first (`svc->destinations`).
    pub(crate) fn dests(&self) -> &'a [&'a Dest] {
        self.dests
    }

    /// Its address family (`svc->af`).
    pub(crate) fn family(&self) -> Family {
        if u32::from(self.info.af) == bindings::AF_INET6 {
            Family::Inet6
        } else {
            Family::Inet
        }
    }

    /// Its `IP_VS_SVC_F_*` flags (`svc->flags`).
    pub(crate) fn flags(&self) -> u32 {
        self.info.flags
    }

    /// The value of the scheduler's sysctl in the service's namespace:
    /// `lblc_expiration` for lblc, `lblcr_expiration` for lblcr, in
    /// jiffies (`svc->ipvs->sysctl_lblc_expiration`); 0 for schedulers
    /// without one. The core adds the sysctl to every namespace while the
    /// scheduler is registered.
    pub(crate) fn sysctl(&self) -> i32 {
        self.info.sysctl
    }

    /// What the logic reads of a packet to this service.
    fn packet(&self, pkt: &abi::PacketInfo) -> Packet {
        Packet {
            saddr: inet_addr(self.info.af, &pkt.saddr),
            daddr: inet_addr(self.info.af, &pkt.daddr),
            ports: pkt.ports.map(u16::from_be),
            inverse: pkt.inverse != 0,
        }
    }

    /// The service as `ip_vs_scheduler_err()` names it.
    fn name(&self) -> SvcName {
        SvcName {
            inet6: self.family() == Family::Inet6,
            protocol: self.info.protocol,
            addr: self.info.addr,
            port: u16::from_be(self.info.port),
            fwmark: self.info.fwmark,
        }
    }
}

/// A scheduling algorithm: C's `struct ip_vs_scheduler`.
///
/// The core serializes `init_service`, the `*_dest` calls and the end of a
/// service's binding (dropping [`Self::Data`]) under its control mutex, in
/// process context; [`Self::schedule`] runs on the packet path, in any
/// context and on several CPUs at once, also while one of the former runs,
/// but no longer once the binding ends.
#[vtable]
pub(crate) trait Scheduler {
    /// The name, as `ipvsadm -s` spells it.
    const NAME: &'static CStr;

    /// Per-service state (C's `svc->sched_data`), made when a service
    /// binds to the scheduler and dropped when it unbinds. Whatever
    /// [`Self::schedule`] changes must sit behind a lock that may be taken
    /// on the packet path, e.g. `SpinLockIrq`.
    type Data: Send + Sync;

    /// Binds the scheduler to `svc`, which may have destinations already
    /// (`ipvsadm -E` changing the scheduler).
    fn init_service(svc: &Service<'_>) -> Result<impl PinInit<Self::Data>>;

    /// `dest` was added to `svc`, whose list includes it.
    fn add_dest(_data: &Self::Data, _svc: &Service<'_>, _dest: &Dest) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `dest` was removed from `svc`, whose list no longer includes it.
    fn del_dest(_data: &Self::Data, _svc: &Service<'_>, _dest: &Dest) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The weight or thresholds of `dest`, in `svc`'s list, changed.
    fn upd_dest(_data: &Self::Data, _svc: &Service<'_>, _dest: &Dest) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Picks a destination of `svc` for the new connection of `pkt`, or
    /// says why there is none; the abstraction then logs that as C does.
    fn schedule<'a>(data: &Self::Data, svc: &Service<'a>, pkt: &Packet) -> Result<&'a Dest, Miss>;
}

/// The C-ABI callbacks of scheduler `T`.
struct Adapter<T: Scheduler>(PhantomData<T>);

/// What the core holds for a service: `T::Data`, pinned on the heap.
type DataBox<T> = Pin<KBox<<T as Scheduler>::Data>>;

impl<T: Scheduler> Adapter<T> {
    /// The table for `T`, immutable and built at compile time.
    const TABLE: abi::SchedulerOps = abi::SchedulerOps {
        name: as_char_ptr_in_const_context(T::NAME),
        module: this_module::<T::OwnerModule>().as_ptr(),
        init_service: Self::init_service,
        done_service: Self::done_service,
        add_dest: if T::HAS_ADD_DEST {
            Some(Self::add_dest)
        } else {
            None
        },
        del_dest: if T::HAS_DEL_DEST {
            Some(Self::del_dest)
        } else {
            None
        },
        upd_dest: if T::HAS_UPD_DEST {
            Some(Self::upd_dest)
        } else {
            None
        },
        schedule: Self::schedule,
    };

    /// # Safety
    ///
    /// `svc` and `data` must be as the core passes them to
    /// `SchedulerOps::init_service`: a service valid for the call, and a
    /// place for the state pointer.
    unsafe extern "C" fn init_service(
        svc: *const abi::ServiceInfo,
        data: *mut *mut c_void,
    ) -> c_int {
        from_result(|| {
            // SAFETY: The core keeps the service valid for the call.
            let svc = unsafe { Service::from_raw(svc) };
            let state: DataBox<T> = KBox::pin_init(T::init_service(&svc)?, GFP_KERNEL)?;
            // SAFETY: `data` is valid for a write, by the caller's guarantee.
            unsafe { data.write(state.into_foreign()) };
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// `data` must come from [`Self::init_service`], and the core must
    /// make no other call with it, now or later (the contract of
    /// [`abi::SchedulerOps`]: `done_service` is the last call).
    unsafe extern "C" fn done_service(data: *mut c_void) {
        // SAFETY: `data` came from `into_foreign` in `init_service`, and no
        // borrow of it is left, by the caller's guarantee.
        drop(unsafe { DataBox::<T>::from_foreign(data) });
    }

    /// # Safety
    ///
    /// As for `SchedulerOps::add_dest`: `data` from [`Self::init_service`]
    /// and not yet passed to [`Self::done_service`], `svc` and `dest`
    /// valid for the call.
    unsafe extern "C" fn add_dest(
        data: *mut c_void,
        svc: *const abi::ServiceInfo,
        dest: *const abi::DestShared,
    ) -> c_int {
        from_result(|| {
            // SAFETY: By the caller's guarantee `data` stays alive for the
            // call, and only shared borrows of it exist.
            let data = unsafe { DataBox::<T>::borrow(data) };
            // SAFETY: The core keeps the service valid for the call.
            let svc = unsafe { Service::from_raw(svc) };
            // SAFETY: The core keeps the destination valid for the call.
            let dest = unsafe { Dest::from_raw(dest) };
            T::add_dest(data.get_ref(), &svc, dest)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// As for [`Self::add_dest`].
    unsafe extern "C" fn del_dest(
        data: *mut c_void,
        svc: *const abi::ServiceInfo,
        dest: *const abi::DestShared,
    ) -> c_int {
        from_result(|| {
            // SAFETY: As in `add_dest`.
            let data = unsafe { DataBox::<T>::borrow(data) };
            // SAFETY: The core keeps the service valid for the call.
            let svc = unsafe { Service::from_raw(svc) };
            // SAFETY: The core keeps the destination valid for the call.
            let dest = unsafe { Dest::from_raw(dest) };
            T::del_dest(data.get_ref(), &svc, dest)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// As for [`Self::add_dest`].
    unsafe extern "C" fn upd_dest(
        data: *mut c_void,
        svc: *const abi::ServiceInfo,
        dest: *const abi::DestShared,
    ) -> c_int {
        from_result(|| {
            // SAFETY: As in `add_dest`.
            let data = unsafe { DataBox::<T>::borrow(data) };
            // SAFETY: The core keeps the service valid for the call.
            let svc = unsafe { Service::from_raw(svc) };
            // SAFETY: The core keeps the destination valid for the call.
            let dest = unsafe { Dest::from_raw(dest) };
            T::upd_dest(data.get_ref(), &svc, dest)?;
            Ok(0)
        })
    }

    /// # Safety
    ///
    /// As for `SchedulerOps::schedule`: `data` from [`Self::init_service`]
    /// and not yet passed to [`Self::done_service`], `svc` and `pkt`
    /// valid for the call.
    unsafe extern "C" fn schedule(
        data: *mut c_void,
        svc: *const abi::ServiceInfo,
        pkt: *const abi::PacketInfo,
    ) -> *const abi::DestShared {
        // SAFETY: As in `add_dest`.
        let data = unsafe { DataBox::<T>::borrow(data) };
        // SAFETY: The core keeps the service valid for the call.
        let svc = unsafe { Service::from_raw(svc) };
        // SAFETY: The core keeps the packet's facts valid for the call.
        let pkt = svc.packet(unsafe { &*pkt });
        match T::schedule(data.get_ref(), &svc, &pkt) {
            Ok(dest) => dest.as_raw(),
            Err(miss) => {
                scheduler_err(T::NAME, &svc, miss);
                ptr::null()
            }
        }
    }
}

/// `net_ratelimit()`: whether a packet-path message may be printed now.
fn net_ratelimit() -> bool {
    // SAFETY: `net_ratelimit()` has no preconditions and may be called in
    // any context.
    unsafe { bindings::net_ratelimit() != 0 }
}

/// `ip_vs_scheduler_err()`: says, rate-limited, why `name` found no
/// destination for a packet to `svc`.
fn scheduler_err(name: &CStr, svc: &Service<'_>, miss: Miss) {
    // lblcr's cache miss is only a debug message in C.
    if miss == Miss::Quiet || !net_ratelimit() {
        return;
    }
    // `SvcName` is pure logic: `core::fmt::Display`, passed on as such.
    pr_err!(
        "{}: {} - {}\n",
        name,
        format_args!("{}", svc.name()),
        miss.message()
    );
}

/// `get_random_u32_below(ceil)`: a uniform random value in `0..ceil`, or
/// any `u32` for a `ceil` of 0.
pub(crate) fn random_u32_below(ceil: u32) -> u32 {
    // SAFETY: `__get_random_u32_below()` has no preconditions; a `ceil` of
    // 0 is defined as the full range.
    unsafe { bindings::__get_random_u32_below(ceil) }
}

/// The kernel's `jiffies` now.
pub(crate) fn jiffies() -> Jiffies {
    // SAFETY: `jiffies` is a word the timer interrupt updates in place and
    // that C reads through a volatile access, as done here.
    unsafe { ptr::read_volatile(&raw const bindings::jiffies) }
}

/// `HZ`: jiffies per second.
pub(crate) fn hz() -> u32 {
    // HZ is at most a few thousand.
    u32::try_from(msecs_to_jiffies(1000)).unwrap_or(u32::MAX)
}

/// A scheduler registered with the core: C's `register_ip_vs_scheduler()`
/// in the module's init and `unregister_ip_vs_scheduler()` in its exit.
///
/// # Invariants
///
/// `ops` is registered with the core.
pub(crate) struct Registration {
    ops: &'static abi::SchedulerOps,
}

// SAFETY: The table is immutable and its pointers (a static name, the
// module, functions) are valid on every CPU; the only thing done with a
// `Registration` is dropping it, which may happen on any thread.
unsafe impl Send for Registration {}
// SAFETY: A `&Registration` gives no access to anything.
unsafe impl Sync for Registration {}

impl Registration {
    /// Makes scheduler `T` available to services.
    pub(crate) fn register<T: Scheduler>() -> Result<Self> {
        let ops: &'static abi::SchedulerOps = &Adapter::<T>::TABLE;
        // SAFETY: `ops` is static and immutable, so it stays valid and
        // unchanged until `drop` unregisters it, as `SchedulerOps` requires.
        to_result(unsafe { ip_vs_rs_register_scheduler(ops) })?;
        // INVARIANT: Registered just above.
        Ok(Self { ops })
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: `self.ops` is registered, by the type invariant.
        let ret = unsafe { ip_vs_rs_unregister_scheduler(self.ops) };
        if ret != 0 {
            pr_warn!("cannot unregister the scheduler: error {}\n", ret);
        }
        // As C's module exit: packets that found the scheduler before it
        // went may still run its code, under RCU.
        rcu::synchronize_rcu();
    }
}

/// Declares a scheduler module: the `module!` block and a module struct
/// that holds the scheduler's [`Registration`].
///
/// ```ignore
/// module_ipvs_scheduler! {
///     type: Rr,
///     name: "ip_vs_rr",
///     authors: ["The ipvs-rs developers"],
///     description: "ipvs round-robin scheduler",
///     license: "GPL",
/// }
/// ```
macro_rules! module_ipvs_scheduler {
    (type: $sched:ty, $($f:tt)*) => {
        /// The module: the scheduler's registration with the core.
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
                    _reg: $crate::api::Registration::register::<$sched>()?,
                })
            }
        }
    };
}
pub(crate) use module_ipvs_scheduler;
