// SPDX-License-Identifier: GPL-2.0

//! The control plane: what `ipvsadm` talks to.
//!
//! Two front ends, generic netlink and sockopt, decode requests and answer
//! them from the same namespace state.

pub(crate) mod dest;
mod errno;
pub(crate) mod genl;
pub(crate) mod procfs;
pub(crate) mod service;
pub(crate) mod sockopt;
mod svc_list;
mod trash;

use crate::{ffi::pernet::Net, netns::NetIpvs};
use kernel::prelude::*;

/// The IPVS state of `net`. Every namespace has one while the module is
/// loaded; a request racing with namespace teardown gets ENODEV.
fn ipvs_of(net: &Net) -> Result<&NetIpvs> {
    net.state::<NetIpvs>().ok_or(ENODEV)
}
