// SPDX-License-Identifier: GPL-2.0

//! The kernel's clock tick.

use super::bindings;

/// Jiffies per second (`HZ`). Not bindgen's `HZ`: bindgen keeps the first
/// definition it meets, the user-space one of `uapi/asm-generic/param.h`
/// (`USER_HZ`, 100), where the kernel's is `CONFIG_HZ`.
pub(crate) const HZ: u32 = bindings::CONFIG_HZ;
