// SPDX-License-Identifier: GPL-2.0

//! Netfilter hook registration in one namespace.
//!
//! C header: [`include/linux/netfilter.h`](srctree/include/linux/netfilter.h)

use super::{bindings, pernet::Net, skb::Skb};
use kernel::{
    error::to_result,
    ffi::{c_uint, c_void},
    prelude::*,
};

/// The address family a hook sees.
#[derive(Clone, Copy)]
pub(crate) enum Family {
    Ipv4,
    Ipv6,
}

/// Where in the stack a hook runs.
#[derive(Clone, Copy)]
pub(crate) enum HookPoint {
    LocalIn,
    Forward,
    LocalOut,
}

/// What a hook decides about a packet.
pub(crate) enum Verdict {
    /// Let it go on its way.
    Accept,
    /// Free it.
    Drop,
    /// IPVS sent it on itself ([`Skb::send`]).
    Stolen,
}

/// The work of a hook: looks at, maybe changes or sends, one packet of the
/// namespace.
pub(crate) type Handler = fn(Net, Skb<'_>) -> Verdict;

/// One hook: where it runs, its priority among the others there, and what
/// it does.
pub(crate) struct Hook {
    pub(crate) family: Family,
    pub(crate) point: HookPoint,
    pub(crate) priority: i32,
    pub(crate) handler: Handler,
}

/// Hooks registered in one namespace; dropping unregisters them.
///
/// # Invariants
///
/// `ops` was registered with `nf_register_net_hooks` in `net` and is neither
/// moved nor resized until `drop` unregisters it.
pub(crate) struct Hooks {
    net: Net,
    ops: KVec<bindings::nf_hook_ops>,
}

// SAFETY: The ops are only read by the netfilter core.
unsafe impl Send for Hooks {}
// SAFETY: No method gives access to the ops.
unsafe impl Sync for Hooks {}

impl Hooks {
    /// Registers `hooks` in `net`.
    pub(crate) fn register(net: Net, hooks: &[Hook]) -> Result<Hooks> {
        let mut ops = KVec::with_capacity(hooks.len(), GFP_KERNEL)?;
        for h in hooks {
            let op = bindings::nf_hook_ops {
                hook: Some(run),
                priv_: (h.handler as *const ()).cast_mut().cast::<c_void>(),
                pf: match h.family {
                    Family::Ipv4 => bindings::NFPROTO_IPV4,
                    Family::Ipv6 => bindings::NFPROTO_IPV6,
                } as u8,
                hooknum: match h.point {
                    HookPoint::LocalIn => bindings::nf_inet_hooks_NF_INET_LOCAL_IN,
                    HookPoint::Forward => bindings::nf_inet_hooks_NF_INET_FORWARD,
                    HookPoint::LocalOut => bindings::nf_inet_hooks_NF_INET_LOCAL_OUT,
                },
                priority: h.priority,
                ..Default::default()
            };
            ops.push(op, GFP_KERNEL)?;
        }
        let count = c_uint::try_from(ops.len())?;
        // SAFETY: `net` is live (type invariant of `Net`); `ops` is a valid
        // array of `count` entries that stays in place until `drop`.
        to_result(unsafe { bindings::nf_register_net_hooks(net.as_ptr(), ops.as_ptr(), count) })?;
        // INVARIANT: Registered just above; `ops` is never touched again.
        Ok(Hooks { net, ops })
    }
}

impl Drop for Hooks {
    fn drop(&mut self) {
        // The length fitted in a `c_uint` at registration.
        let count = self.ops.len() as c_uint;
        // SAFETY: By the type invariant these ops are registered in `net`,
        // which is still alive: its state, which owns `self`, dies first.
        unsafe { bindings::nf_unregister_net_hooks(self.net.as_ptr(), self.ops.as_ptr(), count) };
    }
}

/// The hook function: runs the hook's [`Handler`] (its `priv`).
///
/// # Safety
///
/// Called by the netfilter core with the `priv` of ops registered above, a
/// packet the hook owns and the hook state naming a live namespace.
unsafe extern "C" fn run(
    priv_: *mut c_void,
    skb: *mut bindings::sk_buff,
    state: *const bindings::nf_hook_state,
) -> c_uint {
    // SAFETY: `priv` was made from a `Handler` in `register`.
    let handler = unsafe { core::mem::transmute::<*mut c_void, Handler>(priv_) };
    // SAFETY: The core passes a valid state for the call.
    let net = unsafe { Net::from_raw((*state).net) };
    // SAFETY: The packet belongs to this hook call until it returns.
    let skb = unsafe { Skb::from_raw(skb) };
    let (Some(net), Some(skb)) = (net, skb) else {
        return bindings::NF_ACCEPT;
    };
    match handler(net, skb) {
        Verdict::Accept => bindings::NF_ACCEPT,
        Verdict::Drop => bindings::NF_DROP,
        Verdict::Stolen => bindings::NF_STOLEN,
    }
}
