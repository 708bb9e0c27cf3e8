// SPDX-License-Identifier: GPL-2.0

//! What the routing tables say about an address, and the routes packets
//! leave by.

use super::{bindings, pernet::Net};
use crate::logic::addr::{self, Af};
use core::ptr::NonNull;

/// Whether `addr` may be a destination in `net` (`ip_vs_new_dest()`): an
/// IPv4 unicast or local address; an IPv6 unicast, non-link-local address,
/// or any address of this host.
pub(crate) fn can_be_dest(net: &Net, af: Af, addr: &[u8; 16]) -> bool {
    match af {
        Af::Inet => {
            let ip = u32::from_ne_bytes([addr[0], addr[1], addr[2], addr[3]]);
            // SAFETY: `net` is live (type invariant of `Net`).
            let t = unsafe { bindings::inet_addr_type(net.as_ptr(), ip) };
            t == bindings::RTN_LOCAL || t == bindings::RTN_UNICAST
        }
        Af::Inet6 => {
            !addr::ipv6_dest_needs_local(addr)
                // SAFETY: `net` is live; `addr` is 16 bytes, an in6_addr.
                || unsafe { bindings::ipvs_rs_addr_is_local_v6(net.as_ptr(), addr.as_ptr()) }
        }
    }
}

/// A reference to an IPv4 output route (`struct rtable`).
///
/// # Invariants
///
/// `rt` holds one reference to a live route, put on drop unless handed on.
pub(crate) struct Route {
    rt: NonNull<bindings::rtable>,
    /// The source address the route chose, as on the wire.
    pub(crate) saddr: [u8; 4],
}

// SAFETY: A route's reference may be used and put on any CPU, in any
// context a packet is handled in (`dst_release()` frees through RCU).
unsafe impl Send for Route {}

impl Route {
    /// The route to `daddr` (as on the wire) in `net`; with `known_nh` the
    /// packet's own destination is not the next hop (direct routing).
    pub(crate) fn output4(net: Net, daddr: [u8; 4], known_nh: bool) -> Option<Route> {
        let mut saddr = 0u32;
        // SAFETY: `net` is live (type invariant of `Net`); `saddr` is
        // writable.
        let rt = unsafe {
            bindings::ipvs_rs_route_output4(
                net.as_ptr(),
                u32::from_ne_bytes(daddr),
                known_nh,
                &mut saddr,
            )
        };
        // INVARIANT: A non-null result carries a reference for us.
        NonNull::new(rt).map(|rt| Route {
            rt,
            saddr: saddr.to_ne_bytes(),
        })
    }

    pub(super) fn as_ptr(&self) -> *mut bindings::rtable {
        self.rt.as_ptr()
    }

    /// Gives up the reference (to a packet).
    pub(super) fn into_raw(self) -> *mut bindings::rtable {
        let rt = self.as_ptr();
        core::mem::forget(self);
        rt
    }

    /// Whether the routing tables still give this route: a cached one
    /// that is no longer current must be looked up again.
    pub(crate) fn is_current(&self) -> bool {
        // SAFETY: Live route (type invariant).
        unsafe { bindings::ipvs_rs_rt_current(self.as_ptr()) }
    }

    /// Whether the route delivers to this host.
    pub(crate) fn is_local(&self) -> bool {
        // SAFETY: Live route (type invariant).
        unsafe { bindings::ipvs_rs_rt_is_local(self.as_ptr()) }
    }

    /// The path MTU.
    pub(crate) fn mtu(&self) -> usize {
        // SAFETY: Live route (type invariant).
        let mtu = unsafe { bindings::ipvs_rs_rt_mtu(self.as_ptr()) };
        usize::try_from(mtu).unwrap_or(usize::MAX)
    }
}

impl Clone for Route {
    fn clone(&self) -> Self {
        // SAFETY: Live route (type invariant), so its count is not zero.
        unsafe { bindings::ipvs_rs_rt_hold(self.as_ptr()) };
        // INVARIANT: the reference just taken is the copy's.
        Route {
            rt: self.rt,
            saddr: self.saddr,
        }
    }
}

impl Drop for Route {
    fn drop(&mut self) {
        // SAFETY: We hold a reference (type invariant).
        unsafe { bindings::ipvs_rs_rt_put(self.as_ptr()) }
    }
}
