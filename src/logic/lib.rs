// SPDX-License-Identifier: GPL-2.0

//! Host build of the pure logic, for `cargo test`.
//!
//! The module includes `mod.rs` directly; this root only gives the host
//! crate a `no_std` frame around it.

#![cfg_attr(not(test), no_std)]

#[allow(dead_code)]
#[path = "mod.rs"]
mod logic;

/// The schedulers' decisions, built into each scheduler module (not into
/// the core) and tested here.
#[allow(dead_code)]
#[path = "sched/mod.rs"]
mod sched;

/// The SIP persistence engine's Call-ID rules, built into its module (not
/// into the core) and tested here.
#[allow(dead_code)]
#[path = "pe_sip.rs"]
mod pe_sip;
