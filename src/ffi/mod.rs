// SPDX-License-Identifier: GPL-2.0

//! The thin layer that touches C: every `unsafe` of the core module is here.
//!
//! Each wrapper owns one registration and undoes it in `Drop`; the layers
//! above see only safe types.

mod abi;
mod bindings;
pub(crate) mod cpu;
pub(crate) mod genl;
pub(crate) mod mem;
pub(crate) mod module;
pub(crate) mod netfilter;
pub(crate) mod pe;
pub(crate) mod pernet;
pub(crate) mod procfs;
pub(crate) mod rcu_arc;
pub(crate) mod rcu_chains;
pub(crate) mod route;
pub(crate) mod sched;
pub(crate) mod skb;
pub(crate) mod sockopt;
pub(crate) mod sysctl;
pub(crate) mod time;
pub(crate) mod timer;
