// SPDX-License-Identifier: GPL-2.0

//! Facts about the machine's memory.

use super::bindings;

/// Total usable RAM in bytes (`totalram_pages() << PAGE_SHIFT`).
pub(crate) fn total_ram_bytes() -> u64 {
    // SAFETY: The helper only reads an atomic counter.
    unsafe { bindings::ipvs_rs_totalram_bytes() }
}
