// SPDX-License-Identifier: GPL-2.0

//! Where IPVS sees packets: the netfilter hook points and priorities of the
//! C IPVS, so that both interleave with other netfilter users identically.
//!
//! C: `ip_vs_ops4` and `ip_vs_ops6` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::ffi::netfilter::{
    Family::{self, Ipv4, Ipv6},
    Hook,
    HookPoint::{Forward, LocalIn, LocalOut},
};

/// `NF_IP_PRI_NAT_SRC` and `NF_IP6_PRI_NAT_SRC`.
const PRI_NAT_SRC: i32 = 100;
/// `NF_IP_PRI_NAT_DST` and `NF_IP6_PRI_NAT_DST`.
const PRI_NAT_DST: i32 = -100;

const fn family_hooks(family: Family) -> [Hook; 6] {
    [
        // Replies to NAT connections, after filtering.
        Hook {
            family,
            point: LocalIn,
            priority: PRI_NAT_SRC - 2,
        },
        // Requests to virtual services, after filtering.
        Hook {
            family,
            point: LocalIn,
            priority: PRI_NAT_SRC - 1,
        },
        // Replies of local real servers, before the request hook.
        Hook {
            family,
            point: LocalOut,
            priority: PRI_NAT_DST + 1,
        },
        // Requests of local clients, after mangle.
        Hook {
            family,
            point: LocalOut,
            priority: PRI_NAT_DST + 2,
        },
        // ICMP errors about connections, before the reply hook.
        Hook {
            family,
            point: Forward,
            priority: 99,
        },
        // Forwarded replies to NAT connections.
        Hook {
            family,
            point: Forward,
            priority: 100,
        },
    ]
}

/// The IPv4 hooks.
pub(crate) const IPV4: [Hook; 6] = family_hooks(Ipv4);
/// The IPv6 hooks.
pub(crate) const IPV6: [Hook; 6] = family_hooks(Ipv6);
