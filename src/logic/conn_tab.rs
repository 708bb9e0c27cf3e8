// SPDX-License-Identifier: GPL-2.0

//! Sizing of the connection table from the `conn_tab_bits` parameter, and
//! its layout: the buckets are split into stripes, each with a lock of its
//! own for the writers (new and expiring connections) and growing (and
//! shrinking back) on its own, so that no writer takes a lock of the whole
//! table and a busy table does not end up with long chains. Packets of
//! known connections find them under RCU, without a lock.
//!
//! C: `ip_vs_conn_init()` in
//! [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c);
//! C 7.x resizes its whole table (`ip_vs_rht`) from a work item instead.

/// `IP_VS_CONN_TAB_MIN_BITS`.
pub(crate) const MIN_BITS: u32 = 8;
/// `IP_VS_CONN_TAB_MAX_BITS` on 64-bit.
pub(crate) const MAX_BITS: u32 = 27;
/// `CONFIG_IP_VS_TAB_BITS` of the reference kernel: 4096 buckets.
pub(crate) const DEFAULT_BITS: i32 = 12;

/// At most this many stripes, unless the table is so big that its stripes
/// would be too (see [`MAX_INITIAL_STRIPE`]).
pub(crate) const MAX_STRIPES: usize = 1024;
/// At most this many buckets a stripe starts with, so that a stripe's
/// buckets fit in one `kmalloc()`, as growing them in atomic context needs.
pub(crate) const MAX_INITIAL_STRIPE: usize = 4096;
/// A stripe stops growing at this many buckets (a 384 KiB array).
pub(crate) const MAX_STRIPE: usize = 16384;
/// A stripe grows when it holds more than this many entries a bucket.
pub(crate) const MAX_LOAD: usize = 2;

/// How many stripes a table of `buckets` buckets (a power of two) has: as
/// many as buckets up to [`MAX_STRIPES`], more when the stripes would
/// otherwise start bigger than [`MAX_INITIAL_STRIPE`].
pub(crate) fn stripes(buckets: usize) -> usize {
    buckets
        .min(MAX_STRIPES)
        .max(buckets / MAX_INITIAL_STRIPE)
        .max(1)
}

/// The hash of a connection's client side: both directions of a
/// connection have the client's address and port, so they share a bucket.
pub(crate) fn hash(protocol: u8, addr: &[u8; 16], port: u16) -> u32 {
    let mut h: u32 = u32::from(protocol).wrapping_mul(0x9e37_79b9);
    for w in addr.chunks_exact(4) {
        h = (h ^ u32::from_ne_bytes([w[0], w[1], w[2], w[3]])).wrapping_mul(0x85eb_ca6b);
    }
    h = (h ^ u32::from(port)).wrapping_mul(0xc2b2_ae35);
    // murmur3's finalizer: every input bit reaches the low bits (the
    // stripe) and the ones above (the bucket).
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The stripe of `hash` among `stripes` (a power of two): its low bits.
pub(crate) fn stripe_of(hash: u32, stripes: usize) -> usize {
    (hash as usize) & (stripes - 1)
}

/// The bucket of `hash` in a stripe of `len` buckets (a power of two):
/// the bits above the stripe's, so that growing a stripe splits each of
/// its buckets in two and never moves an entry to another stripe.
pub(crate) fn bucket_of(hash: u32, stripes: usize, len: usize) -> usize {
    ((hash as usize) >> stripes.trailing_zeros()) & (len - 1)
}

/// How many buckets a stripe of `len` buckets holding `count` entries
/// should have, if not `len`: twice as many over [`MAX_LOAD`] entries a
/// bucket (up to [`MAX_STRIPE`]), half as many under half an entry a
/// bucket (down to the `initial` size), so that a stripe a burst grew
/// gives its memory back, and one on the edge does not go back and forth.
pub(crate) fn resized(count: usize, len: usize, initial: usize) -> Option<usize> {
    if count > len * MAX_LOAD && len < MAX_STRIPE {
        Some(len * 2)
    } else if count * 2 < len && len > initial {
        Some(len / 2)
    } else {
        None
    }
}

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
    fn stripes_by_table_size() {
        assert_eq!(stripes(256), 256);
        assert_eq!(stripes(4096), 1024);
        assert_eq!(stripes(1 << 20), 1024);
        // 2^27 buckets: 32,768 stripes of 4,096.
        assert_eq!(stripes(1 << MAX_BITS), 1 << 15);
        assert_eq!(
            stripes((1 << MAX_BITS) / stripes(1 << MAX_BITS)),
            MAX_STRIPES
        );
    }

    #[test]
    fn both_directions_share_a_hash() {
        let a = [10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(hash(6, &a, 4000), hash(6, &a, 4000));
        assert_ne!(hash(6, &a, 4000), hash(17, &a, 4000));
        assert_ne!(hash(6, &a, 4000), hash(6, &a, 4001));
    }

    #[test]
    fn stripes_grow_under_load_and_shrink_back() {
        assert_eq!(resized(8, 4, 4), None);
        assert_eq!(resized(9, 4, 4), Some(8));
        assert_eq!(resized(usize::MAX / 4, MAX_STRIPE, 4), None);
        // Down to the initial size, not under.
        assert_eq!(resized(0, 4, 4), None);
        assert_eq!(resized(0, 8, 4), Some(4));
        assert_eq!(resized(3, 8, 4), Some(4));
        assert_eq!(resized(4, 8, 4), None);
        // Never back right after a step: halving leaves a load under one,
        // doubling one over one.
        for len in [8, 16, 1024] {
            for count in 0..=len * MAX_LOAD * 2 {
                if let Some(to) = resized(count, len, 4) {
                    let next = resized(count, to, 4);
                    assert!(
                        next.is_none_or(|n| (n > to) == (to > len)),
                        "{count}: {len} {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn growing_splits_buckets_within_the_stripe() {
        let n = 1024;
        for port in 0..2000u16 {
            let h = hash(6, &[0; 16], port);
            let s = stripe_of(h, n);
            assert!(s < n);
            let (b, b2) = (bucket_of(h, n, 4), bucket_of(h, n, 8));
            assert!(b2 == b || b2 == b + 4, "port {port}: {b} -> {b2}");
        }
    }

    #[test]
    fn spreads_clients_over_stripes_and_buckets() {
        // 4,096 clients of one address, over 1,024 stripes of 4 buckets
        // (4 a stripe, 1 a bucket on average): about as even as random
        // (Poisson: about 19 stripes empty, none over 14, no bucket over 8).
        let mut per_stripe = [0u32; 1024];
        let mut per_bucket = [0u32; 4096];
        for port in 0..4096u16 {
            let h = hash(
                6,
                &[192, 168, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                port,
            );
            let s = stripe_of(h, 1024);
            per_stripe[s] += 1;
            per_bucket[s * 4 + bucket_of(h, 1024, 4)] += 1;
        }
        assert!(per_stripe.iter().filter(|&&n| n == 0).count() < 40);
        assert!(per_stripe.iter().all(|&n| n <= 14));
        assert!(per_bucket.iter().all(|&n| n <= 8));
    }

    #[test]
    fn clamped_by_memory_and_absolute_maximum() {
        // 2 GiB of RAM, 256-byte entries: 31 - 8 = 23 bits at most.
        assert_eq!(effective_bits(30, 2 * GIB, 256), 23);
        // 64 TiB would allow more than the absolute maximum.
        assert_eq!(effective_bits(40, 64 * 1024 * GIB, 256), MAX_BITS);
    }
}
