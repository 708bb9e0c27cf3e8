// SPDX-License-Identifier: GPL-2.0

//! Pure logic of IPVS: no kernel types, no allocation.
//!
//! Everything here builds both into the module and, through the top-level
//! `Cargo.toml`, into host unit tests.

pub(crate) mod addr;
pub(crate) mod conn_proc;
pub(crate) mod conn_reuse;
pub(crate) mod conn_status;
pub(crate) mod conn_tab;
pub(crate) mod dest;
pub(crate) mod encap;
pub(crate) mod errno;
pub(crate) mod estimator;
pub(crate) mod fmtbuf;
pub(crate) mod genl;
pub(crate) mod icmp;
pub(crate) mod linear_probe;
pub(crate) mod nla;
pub(crate) mod overload;
pub(crate) mod packet;
pub(crate) mod procfs;
pub(crate) mod service;
pub(crate) mod sockopt;
pub(crate) mod stats;
pub(crate) mod svc_hash;
pub(crate) mod sysctl;
pub(crate) mod tcp_state;
pub(crate) mod timeouts;
pub(crate) mod udp_state;
pub(crate) mod version;
