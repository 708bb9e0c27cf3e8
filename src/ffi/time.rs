// SPDX-License-Identifier: GPL-2.0

//! The kernel's clock tick.

use super::bindings;

/// Jiffies per second (`HZ`).
pub(crate) const HZ: u32 = bindings::HZ;
