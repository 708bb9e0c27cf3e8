// SPDX-License-Identifier: GPL-2.0

//! Which CPUs there are and which one runs the caller.

use super::bindings;

/// How many CPU numbers there can be (`nr_cpu_ids`).
pub(crate) fn count() -> usize {
    // SAFETY: Reads a variable fixed at boot.
    let n = unsafe { bindings::ipvs_rs_nr_cpu_ids() };
    usize::try_from(n).unwrap_or(1).max(1)
}

/// The CPU running the caller; it may change right after, which only
/// matters for locality.
pub(crate) fn current() -> usize {
    // SAFETY: No preconditions (`raw_smp_processor_id()`).
    let n = unsafe { bindings::ipvs_rs_this_cpu() };
    usize::try_from(n).unwrap_or(0)
}
