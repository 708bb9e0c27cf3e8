// SPDX-License-Identifier: GPL-2.0

//! Pure logic of IPVS: no kernel types, no allocation.
//!
//! Everything here builds both into the module and, through the top-level
//! `Cargo.toml`, into host unit tests.

pub(crate) mod conn_tab;
pub(crate) mod fmtbuf;
pub(crate) mod genl;
pub(crate) mod sockopt;
pub(crate) mod sysctl;
pub(crate) mod timeouts;
pub(crate) mod version;

// The parsing and validation rules of the service and destination commands.
// Host-tested only until the control plane's commands use them (issue 3).
#[cfg(test)]
pub(crate) mod addr;
#[cfg(test)]
pub(crate) mod dest;
#[cfg(test)]
pub(crate) mod errno;
#[cfg(test)]
pub(crate) mod nla;
#[cfg(test)]
pub(crate) mod service;
