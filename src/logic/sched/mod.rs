// SPDX-License-Identifier: GPL-2.0

//! Decisions of the fourteen IPVS schedulers, over views of destinations.
//!
//! C: [`net/netfilter/ipvs`](srctree/net/netfilter/ipvs), one file per
//! scheduler.
//!
//! The shared part is in [`common`] (re-exported here, so each scheduler
//! file says `use super::...`). A scheduler module does not include this
//! file: it declares a module of its own over this directory holding
//! `common` and only the files it needs, so that it neither builds nor
//! warns about the other schedulers. The host build includes all of them.

mod common;
pub(crate) use common::*;

pub(crate) mod dh;
pub(crate) mod fo;
pub(crate) mod hash;
pub(crate) mod lblc;
pub(crate) mod lblcr;
pub(crate) mod lc;
pub(crate) mod locality;
pub(crate) mod mh;
pub(crate) mod nq;
pub(crate) mod ovf;
pub(crate) mod rr;
pub(crate) mod sed;
pub(crate) mod sh;
pub(crate) mod twos;
pub(crate) mod wlc;
pub(crate) mod wrr;
