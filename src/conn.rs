// SPDX-License-Identifier: GPL-2.0

//! The connection table's geometry, fixed when the module loads.
//!
//! C: [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c)

pub(crate) mod table;

use crate::{ffi::mem, logic::conn_tab};
use core::sync::atomic::{AtomicU32, Ordering};

/// The memory one connection entry is budgeted at when the table's upper
/// bound is derived from RAM (the C's `sizeof(struct ip_vs_conn)` rounds up
/// to the same power of two).
const ENTRY_BUDGET: u64 = 512;

static TABLE_BITS: AtomicU32 = AtomicU32::new(conn_tab::DEFAULT_BITS as u32);

/// Fixes the table size from the `conn_tab_bits` parameter; returns the
/// number of buckets.
pub(crate) fn configure(requested_bits: i32) -> u32 {
    let bits = conn_tab::effective_bits(requested_bits, mem::total_ram_bytes(), ENTRY_BUDGET);
    TABLE_BITS.store(bits, Ordering::Relaxed);
    table_size()
}

/// The number of buckets of the connection table.
pub(crate) fn table_size() -> u32 {
    1 << TABLE_BITS.load(Ordering::Relaxed)
}
