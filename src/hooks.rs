// SPDX-License-Identifier: GPL-2.0

//! Where IPVS sees packets: the netfilter hook points and priorities of the
//! C IPVS, so that both interleave with other netfilter users identically.
//!
//! C: `ip_vs_ops4` and `ip_vs_ops6` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{
    ffi::{
        netfilter::{
            Family::{self, Ipv4, Ipv6},
            Handler, Hook,
            HookPoint::{Forward, LocalIn, LocalOut},
            Verdict,
        },
        pernet::Net,
        skb::Skb,
    },
    icmp, reply, request,
};

/// `NF_IP_PRI_NAT_SRC` and `NF_IP6_PRI_NAT_SRC`.
const PRI_NAT_SRC: i32 = 100;
/// `NF_IP_PRI_NAT_DST` and `NF_IP6_PRI_NAT_DST`.
const PRI_NAT_DST: i32 = -100;

/// Lets a packet pass: for what the data plane does not handle yet (IPv6).
fn pass(_net: Net, _skb: Skb<'_>) -> Verdict {
    Verdict::Accept
}

const fn family_hooks(
    family: Family,
    req_in: Handler,
    req_out: Handler,
    rep_in: Handler,
    rep: Handler,
    icmp: Handler,
) -> [Hook; 6] {
    [
        // Replies to NAT connections, after filtering.
        Hook {
            family,
            handler: rep_in,
            point: LocalIn,
            priority: PRI_NAT_SRC - 2,
        },
        // Requests to virtual services, after filtering.
        Hook {
            family,
            handler: req_in,
            point: LocalIn,
            priority: PRI_NAT_SRC - 1,
        },
        // Replies of local real servers, before the request hook.
        Hook {
            family,
            handler: rep,
            point: LocalOut,
            priority: PRI_NAT_DST + 1,
        },
        // Requests of local clients, after mangle.
        Hook {
            family,
            handler: req_out,
            point: LocalOut,
            priority: PRI_NAT_DST + 2,
        },
        // ICMP errors about connections, before the reply hook.
        Hook {
            family,
            handler: icmp,
            point: Forward,
            priority: 99,
        },
        // Forwarded replies to NAT connections.
        Hook {
            family,
            handler: rep,
            point: Forward,
            priority: 100,
        },
    ]
}

/// The IPv4 hooks.
pub(crate) const IPV4: [Hook; 6] = family_hooks(
    Ipv4,
    request::remote,
    request::local,
    reply::local_in,
    reply::handle,
    icmp::forward,
);
/// The IPv6 hooks: registered where C registers them, passing every packet
/// until the data plane serves IPv6.
pub(crate) const IPV6: [Hook; 6] = family_hooks(Ipv6, pass, pass, pass, pass, pass);
