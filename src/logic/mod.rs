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
