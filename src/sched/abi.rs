// SPDX-License-Identifier: GPL-2.0

//! The table a scheduler module hands to the core, and what the core shows
//! a scheduler of its services and destinations.
//!
//! Rust has no stable ABI between modules, so the core and the scheduler
//! modules share these `#[repr(C)]` types and plain C-ABI functions only.
//! Both include this same file.
//!
//! C: `struct ip_vs_scheduler` and `struct ip_vs_dest` in
//! [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)

use core::sync::atomic::{AtomicI32, AtomicU32};
use kernel::{
    bindings,
    ffi::{c_char, c_int, c_void},
};

/// `IP_VS_DEST_F_AVAILABLE`: the destination may be scheduled.
pub(crate) const DEST_F_AVAILABLE: u32 = 0x0001;
/// `IP_VS_DEST_F_OVERLOAD`: the destination is over its upper threshold.
pub(crate) const DEST_F_OVERLOAD: u32 = 0x0002;

/// What a scheduler sees of a destination. The core embeds one in each of
/// its destinations and updates it in place; a scheduler only reads it.
#[repr(C)]
pub(crate) struct DestShared {
    /// Non-zero, and the same for the destination's whole life, including a
    /// stay in the trash (C compares `struct ip_vs_dest` pointers).
    pub(crate) id: u64,
    /// Address family (`AF_INET`, `AF_INET6`).
    pub(crate) af: u16,
    /// Port, in network byte order.
    pub(crate) port: u16,
    /// Address, laid out as `union nf_inet_addr`.
    pub(crate) addr: [u8; 16],
    /// `DEST_F_*`.
    pub(crate) flags: AtomicU32,
    /// Weight.
    pub(crate) weight: AtomicI32,
    /// Weight before the last change.
    pub(crate) last_weight: AtomicI32,
    /// Active connections.
    pub(crate) activeconns: AtomicI32,
    /// All connections, active or not.
    pub(crate) totalconns: AtomicI32,
    /// Persistence templates.
    pub(crate) persistconns: AtomicI32,
    /// Upper connection threshold (0: none).
    pub(crate) u_threshold: AtomicU32,
    /// Lower connection threshold (0: none).
    pub(crate) l_threshold: AtomicU32,
}

/// A service as its scheduler sees it during one call. Everything it
/// points to stays valid and unchanged for the call.
#[repr(C)]
pub(crate) struct ServiceInfo {
    /// Address family of the service.
    pub(crate) af: u16,
    /// Its protocol (`IPPROTO_*`; 0 for a firewall mark), port (`__be16`
    /// bits), firewall mark (0 for none) and address (`union
    /// nf_inet_addr` layout): what `ip_vs_scheduler_err()` names it by.
    pub(crate) protocol: u16,
    pub(crate) port: u16,
    pub(crate) fwmark: u32,
    pub(crate) addr: [u8; 16],
    /// The service's `IP_VS_SVC_F_*` flags (`-b sh-port` and the like).
    pub(crate) flags: u32,
    /// Its destinations, newest first (the C's list order).
    pub(crate) dests: *const *const DestShared,
    /// How many.
    pub(crate) n_dests: usize,
    /// The value of the scheduler's sysctl (`lblc_expiration`,
    /// `lblcr_expiration`) in the service's namespace, as C's scheduler
    /// reads it through `svc->ipvs`; 0 for a scheduler without one.
    pub(crate) sysctl: c_int,
}

/// The facts of a packet that schedulers hash on.
#[repr(C)]
pub(crate) struct PacketInfo {
    /// Source address (`union nf_inet_addr` layout).
    pub(crate) saddr: [u8; 16],
    /// Destination address.
    pub(crate) daddr: [u8; 16],
    /// Source and destination ports, in network byte order (0 without).
    pub(crate) ports: [u16; 2],
    /// Non-zero when the packet is an ICMP error quoting a reply, so the
    /// client is the quoted destination (C's `iph->hdr_flags` inverse).
    pub(crate) inverse: u8,
}

/// A scheduler as registered with `ip_vs_rs_register_scheduler`.
///
/// The table, and the name it points to, must stay valid and unchanged from
/// registration until `ip_vs_rs_unregister_scheduler` returns. `data` is
/// the per-service state `init_service` made; the core passes it back to
/// every other call for that service and calls `done_service` last. Calls
/// for one service may run concurrently (packets on several CPUs), except
/// that `init_service`, the `*_dest` calls and `done_service` are serialized
/// by the core's control mutex.
#[repr(C)]
pub(crate) struct SchedulerOps {
    /// The scheduler's name, as `ipvsadm -s` spells it: a C string.
    pub(crate) name: *const c_char,
    /// The module that implements it, pinned while a service uses it.
    pub(crate) module: *mut bindings::module,
    /// Binds the scheduler to a service: makes `*data`; 0 or a negative errno.
    pub(crate) init_service:
        unsafe extern "C" fn(svc: *const ServiceInfo, data: *mut *mut c_void) -> c_int,
    /// Unbinds it: frees `data`.
    pub(crate) done_service: unsafe extern "C" fn(data: *mut c_void),
    /// A destination was linked (it is already in `svc`'s list).
    pub(crate) add_dest: Option<
        unsafe extern "C" fn(
            data: *mut c_void,
            svc: *const ServiceInfo,
            dest: *const DestShared,
        ) -> c_int,
    >,
    /// A destination was unlinked (it is no longer in `svc`'s list).
    pub(crate) del_dest: Option<
        unsafe extern "C" fn(
            data: *mut c_void,
            svc: *const ServiceInfo,
            dest: *const DestShared,
        ) -> c_int,
    >,
    /// A destination's weight or thresholds changed.
    pub(crate) upd_dest: Option<
        unsafe extern "C" fn(
            data: *mut c_void,
            svc: *const ServiceInfo,
            dest: *const DestShared,
        ) -> c_int,
    >,
    /// Picks a destination for a new connection; null when none can take
    /// it (the scheduler has then logged why, as C does).
    pub(crate) schedule: unsafe extern "C" fn(
        data: *mut c_void,
        svc: *const ServiceInfo,
        pkt: *const PacketInfo,
    ) -> *const DestShared,
}
