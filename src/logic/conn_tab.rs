// SPDX-License-Identifier: GPL-2.0

//! Sizing of the connection table from the `conn_tab_bits` parameter.
//!
//! C: `ip_vs_conn_init()` in
//! [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c)

/// `IP_VS_CONN_TAB_MIN_BITS`.
pub(crate) const MIN_BITS: u32 = 8;
/// `IP_VS_CONN_TAB_MAX_BITS` on 64-bit.
pub(crate) const MAX_BITS: u32 = 27;
/// `CONFIG_IP_VS_TAB_BITS` of the reference kernel: 4096 buckets.
pub(crate) const DEFAULT_BITS: i32 = 12;

/// The number of bits the table really gets for a requested `bits`.
///
/// Like the C, the upper bound also depends on memory: at most half of
/// `total_ram_bytes` is meant for connections of `conn_size` bytes at a load
/// factor of one half, whatever the parameter asks. Out-of-range requests are
/// clamped, not refused, as `modprobe ip_vs conn_tab_bits=40` is in C.
pub(crate) fn effective_bits(bits: i32, total_ram_bytes: u64, conn_size: u64) -> u32 {
    let ram_bits = order_base_2(total_ram_bytes);
    let max_avail = ram_bits.saturating_sub(order_base_2(conn_size));
    let max = max_avail.clamp(MIN_BITS, MAX_BITS);
    let bits = u32::try_from(bits.max(0)).unwrap_or(0);
    bits.clamp(MIN_BITS, max)
}

/// `order_base_2()`: the smallest `n` with `2^n >= x` (0 for 0 and 1).
pub(crate) fn order_base_2(x: u64) -> u32 {
    if x <= 1 {
        0
    } else {
        u64::BITS - (x - 1).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn order_base_2_rounds_up() {
        assert_eq!(order_base_2(0), 0);
        assert_eq!(order_base_2(1), 0);
        assert_eq!(order_base_2(2), 1);
        assert_eq!(order_base_2(3), 2);
        assert_eq!(order_base_2(4096), 12);
        assert_eq!(order_base_2(4097), 13);
    }

    #[test]
    fn default_and_small_values_pass_through() {
        assert_eq!(effective_bits(12, 2 * GIB, 256), 12);
        assert_eq!(effective_bits(10, 2 * GIB, 256), 10);
    }

    #[test]
    fn clamped_to_the_minimum() {
        assert_eq!(effective_bits(2, 2 * GIB, 256), MIN_BITS);
        assert_eq!(effective_bits(-5, 2 * GIB, 256), MIN_BITS);
    }

    #[test]
    fn clamped_by_memory_and_absolute_maximum() {
        // 2 GiB of RAM, 256-byte entries: 31 - 8 = 23 bits at most.
        assert_eq!(effective_bits(30, 2 * GIB, 256), 23);
        // 64 TiB would allow more than the absolute maximum.
        assert_eq!(effective_bits(40, 64 * 1024 * GIB, 256), MAX_BITS);
    }
}
