// SPDX-License-Identifier: GPL-2.0

//! What the routing tables say about an address.

use super::{bindings, pernet::Net};
use crate::logic::addr::{self, Af};

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
