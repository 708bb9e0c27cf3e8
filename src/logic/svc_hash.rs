// SPDX-License-Identifier: GPL-2.0

//! The hash a virtual service is filed under: by family, protocol,
//! address and port, or by family and firewall mark. Lookups from either
//! side (a service command's key, a packet's address) hash alike.
//!
//! C: `ip_vs_svc_hashval()` and `ip_vs_svc_fwm_hashval()` in
//! [`ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c), which use
//! jhash with a random key per table; only root configures services, so a
//! fixed mix serves here.

use super::{
    addr::{self, Af},
    service::Key,
};

/// Mixes `w` into `h` (one round of murmur3's 32-bit body).
fn mix(h: u32, w: u32) -> u32 {
    let k = w
        .wrapping_mul(0xcc9e_2d51)
        .rotate_left(15)
        .wrapping_mul(0x1b87_3593);
    (h ^ k)
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe654_6b64)
}

/// Spreads every input bit over the result (murmur3's `fmix32`), so
/// that the low bits, which pick the slot, depend on all of them.
fn finish(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// The hash of the service of `protocol` at `addr`:`port` (the port's
/// `__be16` bits), with `addr` compared as [`addr::copy`] keeps it.
pub(crate) fn by_addr(af: Af, protocol: u16, addr: &[u8; 16], port: u16) -> u32 {
    let words = match af {
        Af::Inet => 1,
        Af::Inet6 => 4,
    };
    let mut h = mix(1, u32::from(af.raw()));
    h = mix(h, u32::from(protocol) << 16 | u32::from(port));
    for w in addr.chunks_exact(4).take(words) {
        h = mix(h, u32::from_ne_bytes([w[0], w[1], w[2], w[3]]));
    }
    finish(h)
}

/// The hash of the firewall mark service `fwmark` of `af`.
pub(crate) fn by_fwmark(af: Af, fwmark: u32) -> u32 {
    finish(mix(mix(2, u32::from(af.raw())), fwmark))
}

/// The hash of the service `key` names, as a service command names it:
/// by mark when it has one (whatever its protocol and address), by
/// address and port otherwise.
pub(crate) fn of_key(key: &Key) -> u32 {
    if key.fwmark != 0 {
        by_fwmark(key.af, key.fwmark)
    } else {
        by_addr(
            key.af,
            key.protocol,
            &addr::copy(key.af, &key.addr),
            key.port,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(af: Af, protocol: u16, addr: [u8; 16], port: u16, fwmark: u32) -> Key {
        Key {
            af,
            protocol,
            addr,
            port,
            fwmark,
        }
    }

    fn v4(a: [u8; 4]) -> [u8; 16] {
        let mut out = [0; 16];
        out[..4].copy_from_slice(&a);
        out
    }

    #[test]
    fn ipv4_ignores_the_bytes_past_the_address() {
        let mut dirty = v4([10, 0, 0, 1]);
        dirty[9] = 0xaa;
        assert_eq!(
            of_key(&key(Af::Inet, 6, dirty, 80, 0)),
            by_addr(Af::Inet, 6, &v4([10, 0, 0, 1]), 80)
        );
    }

    #[test]
    fn fwmark_keys_ignore_protocol_and_address() {
        assert_eq!(
            of_key(&key(Af::Inet, 6, v4([1, 2, 3, 4]), 80, 7)),
            of_key(&key(Af::Inet, 17, [0; 16], 0, 7))
        );
        assert_eq!(
            of_key(&key(Af::Inet6, 6, [0; 16], 0, 7)),
            by_fwmark(Af::Inet6, 7)
        );
        assert_ne!(by_fwmark(Af::Inet, 7), by_fwmark(Af::Inet6, 7));
    }

    #[test]
    fn every_field_counts() {
        let base = by_addr(Af::Inet, 6, &v4([10, 0, 0, 1]), 80);
        assert_ne!(base, by_addr(Af::Inet, 17, &v4([10, 0, 0, 1]), 80));
        assert_ne!(base, by_addr(Af::Inet, 6, &v4([10, 0, 0, 2]), 80));
        assert_ne!(base, by_addr(Af::Inet, 6, &v4([10, 0, 0, 1]), 81));
        assert_ne!(base, by_addr(Af::Inet6, 6, &v4([10, 0, 0, 1]), 80));
        let mut a6 = [0u8; 16];
        a6[15] = 1;
        assert_ne!(
            by_addr(Af::Inet6, 6, &a6, 80),
            by_addr(Af::Inet6, 6, &[0; 16], 80)
        );
    }

    /// Consecutive addresses, as a generated configuration has, spread
    /// evenly over the low bits.
    #[test]
    fn consecutive_addresses_spread() {
        const SLOTS: usize = 1 << 15;
        let mut used = vec![0u32; SLOTS];
        for i in 0..10_000u32 {
            let a = v4([10, 1, (i / 250) as u8, (i % 250 + 1) as u8]);
            used[by_addr(Af::Inet, 6, &a, 80u16.to_be()) as usize % SLOTS] += 1;
        }
        // Close to what random placement gives: about 8,600 distinct slots.
        let distinct = used.iter().filter(|&&n| n > 0).count();
        assert!(distinct > 8_200, "{distinct} slots for 10,000 services");
        assert!(used.iter().all(|&n| n <= 6));
    }
}
