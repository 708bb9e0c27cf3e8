// SPDX-License-Identifier: GPL-2.0

//! The kernel's clock tick.

use super::bindings;

/// Jiffies per second (`HZ`). Not bindgen's `HZ`: bindgen keeps the first
/// definition it meets, the user-space one of `uapi/asm-generic/param.h`
/// (`USER_HZ`, 100), where the kernel's is `CONFIG_HZ`.
pub(crate) const HZ: u32 = bindings::CONFIG_HZ;

/// The kernel's `jiffies` now.
pub(crate) fn jiffies() -> u64 {
    // SAFETY: `jiffies` is a word the timer interrupt updates in place; C
    // reads it through a volatile access, as done here.
    let j = unsafe { core::ptr::read_volatile(&raw const bindings::jiffies) };
    j as u64
}

/// Whether jiffies `a` is after `b` (`time_after()`), across wrap-around.
pub(crate) fn after(a: u64, b: u64) -> bool {
    (b.wrapping_sub(a) as i64) < 0
}
