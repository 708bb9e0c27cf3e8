// SPDX-License-Identifier: GPL-2.0

//! The kernel hash and integer helpers the schedulers depend on.
//!
//! C: [`include/linux/hash.h`](srctree/include/linux/hash.h),
//! [`lib/siphash.c`](srctree/lib/siphash.c),
//! [`lib/math/gcd.c`](srctree/lib/math/gcd.c).
//!
//! The values must be bit-identical to C's, because they decide which
//! destination a client lands on and users compare that with the C module.

/// `GOLDEN_RATIO_32` of `include/linux/hash.h`.
const GOLDEN_RATIO_32: u32 = 0x61C8_8647;

/// `hash_32(val, bits)`: the top `bits` bits of `val * GOLDEN_RATIO_32`.
///
/// `bits` is 1 to 32 in every use (a table size); out of that range the
/// result is 0 instead of C's undefined shift.
pub(crate) fn hash_32(val: u32, bits: u32) -> u32 {
    let h = val.wrapping_mul(GOLDEN_RATIO_32);
    match u32::BITS.checked_sub(bits) {
        Some(shift) => h.checked_shr(shift).unwrap_or(0),
        None => 0,
    }
}

/// The key type of `hsiphash()`: C's `hsiphash_key_t`, two `unsigned long`s
/// (`usize` in the kernel crate).
pub(crate) type HsiphashKey = [usize; 2];

/// `hsiphash(data, len, key)` as the kernel computes it on this target.
///
/// On 64-bit kernels it is SipHash-1-3 folded to 32 bits, on 32-bit ones
/// HalfSipHash-1-3; so the mh scheduler's table differs between the two,
/// and so must ours.
pub(crate) fn hsiphash(data: &[u8], key: &HsiphashKey) -> u32 {
    // `unsigned long` is as wide as a pointer on every Linux architecture,
    // so these casts convert to the same width.
    #[cfg(target_pointer_width = "64")]
    {
        hsiphash_64(data, &[key[0] as u64, key[1] as u64])
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        hsiphash_32(data, &[key[0] as u32, key[1] as u32])
    }
}

/// `SIPHASH_PERMUTATION` on the four state words.
#[cfg(any(test, target_pointer_width = "64"))]
fn sipround(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13);
    v[1] ^= v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16);
    v[3] ^= v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21);
    v[3] ^= v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17);
    v[1] ^= v[2];
    v[2] = v[2].rotate_left(32);
}

/// `HSIPHASH_PERMUTATION` on the four state words.
#[cfg(any(test, not(target_pointer_width = "64")))]
fn hsipround(v: &mut [u32; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(5);
    v[1] ^= v[0];
    v[0] = v[0].rotate_left(16);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(8);
    v[3] ^= v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(7);
    v[3] ^= v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13);
    v[1] ^= v[2];
    v[2] = v[2].rotate_left(16);
}

/// The 64-bit kernel's `hsiphash()`: SipHash-1-3, result cut to 32 bits.
///
/// Built where it is used, and for the tests, which check both variants.
#[cfg(any(test, target_pointer_width = "64"))]
pub(crate) fn hsiphash_64(data: &[u8], key: &[u64; 2]) -> u32 {
    let mut v = [
        0x736f_6d65_7073_6575 ^ key[0],
        0x646f_7261_6e64_6f6d ^ key[1],
        0x6c79_6765_6e65_7261 ^ key[0],
        0x7465_6462_7974_6573 ^ key[1],
    ];
    // The length goes into the top byte; `len` wraps like C's `(u64)len`.
    let mut b = (data.len() as u64) << 56;
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let mut m = [0u8; 8];
        m.copy_from_slice(w);
        let m = u64::from_le_bytes(m);
        v[3] ^= m;
        sipround(&mut v);
        v[0] ^= m;
    }
    // The tail is read little-endian and zero-padded, as all three C
    // variants (aligned, unaligned, word-at-a-time) do.
    let mut tail = [0u8; 8];
    let rest = words.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    b |= u64::from_le_bytes(tail);
    v[3] ^= b;
    sipround(&mut v);
    v[0] ^= b;
    v[2] ^= 0xff;
    sipround(&mut v);
    sipround(&mut v);
    sipround(&mut v);
    // C returns the u64 through a u32 return type: the low half.
    ((v[0] ^ v[1]) ^ (v[2] ^ v[3])) as u32
}

/// The 32-bit kernel's `hsiphash()`: HalfSipHash-1-3.
#[cfg(any(test, not(target_pointer_width = "64")))]
pub(crate) fn hsiphash_32(data: &[u8], key: &[u32; 2]) -> u32 {
    let mut v = [key[0], key[1], 0x6c79_6765 ^ key[0], 0x7465_6462 ^ key[1]];
    let mut b = (data.len() as u32) << 24;
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        let mut m = [0u8; 4];
        m.copy_from_slice(w);
        let m = u32::from_le_bytes(m);
        v[3] ^= m;
        hsipround(&mut v);
        v[0] ^= m;
    }
    let mut tail = [0u8; 4];
    let rest = words.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    b |= u32::from_le_bytes(tail);
    v[3] ^= b;
    hsipround(&mut v);
    v[0] ^= b;
    v[2] ^= 0xff;
    hsipround(&mut v);
    hsipround(&mut v);
    hsipround(&mut v);
    v[1] ^ v[3]
}

/// `gcd(a, b)` for the positive weights the schedulers pass; `gcd(x, 0)`
/// is `x`, as in C.
pub(crate) fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

/// `fls(x)`: the 1-based position of the highest set bit, 0 for 0.
pub(crate) fn fls(x: u32) -> u32 {
    u32::BITS - x.leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `test_vectors_hsiphash[]` for `BITS_PER_LONG == 64`, copied from the
    /// kernel's `lib/tests/siphash_kunit.c`: entry `i` hashes the bytes
    /// `0, 1, .., i - 1` with the key below.
    const VECTORS_64: [u32; 64] = [
        0x050fc4dc, 0x7d57ca93, 0x4dc7d44d, 0xe7ddf7fb, 0x88d38328, 0x49533b67, 0xc59f22a7,
        0x9bb11140, 0x8d299a8e, 0x6c063de4, 0x92ff097f, 0xf94dc352, 0x57b4d9a2, 0x1229ffa7,
        0xc0f95d34, 0x2a519956, 0x7d908b66, 0x63dbd80c, 0xb473e63e, 0x8d297d1c, 0xa6cce040,
        0x2b45f844, 0xa320872e, 0xdae6c123, 0x67349c8c, 0x705b0979, 0xca9913a5, 0x4ade3b35,
        0xef6cd00d, 0x4ab1e1f4, 0x43c5e663, 0x8c21d1bc, 0x16a7b60d, 0x7a8ff9bf, 0x1f2a753e,
        0xbf186b91, 0xada26206, 0xa3c33057, 0xae3a36a1, 0x7b108392, 0x99e41531, 0x3f1ad944,
        0xc8138825, 0xc28949a6, 0xfaf8876b, 0x9f042196, 0x68b1d623, 0x8b5114fd, 0xdf074c46,
        0x12cc86b3, 0x0a52098f, 0x9d292f9a, 0xa2f41f12, 0x43a71ed0, 0x73f0bce6, 0x70a7e980,
        0x243c6d75, 0xfdb71513, 0xa67d8a08, 0xb7e8f148, 0xf7a644ee, 0x0f1837f2, 0x4b6694e0,
        0xb7bbb3a8,
    ];

    /// `test_vectors_hsiphash[]` for 32-bit kernels, same source and inputs.
    const VECTORS_32: [u32; 64] = [
        0x5814c896, 0xe7e864ca, 0xbc4b0e30, 0x01539939, 0x7e059ea6, 0x88e3d89b, 0xa0080b65,
        0x9d38d9d6, 0x577999b1, 0xc839caed, 0xe4fa32cf, 0x959246ee, 0x6b28096c, 0x66dd9cd6,
        0x16658a7c, 0xd0257b04, 0x8b31d501, 0x2b1cd04b, 0x06712339, 0x522aca67, 0x911bb605,
        0x90a65f0e, 0xf826ef7b, 0x62512deb, 0x57150ad7, 0x5d473507, 0x1ec47442, 0xab64afd3,
        0x0a4100d0, 0x6d2ce652, 0x2331b6a3, 0x08d8791a, 0xbc6dda8d, 0xe0f6c934, 0xb0652033,
        0x9b9851cc, 0x7c46fb7f, 0x732ba8cb, 0xf142997a, 0xfcc9aa1b, 0x05327eb2, 0xe110131c,
        0xf9e5e7c0, 0xa7d708a6, 0x11795ab1, 0x65671619, 0x9f5fff91, 0xd89c5267, 0x007783eb,
        0x95766243, 0xab639262, 0x9c7e1390, 0xc368dda6, 0x38ddc455, 0xfa13d379, 0x979ea4e8,
        0x53ecd77e, 0x2ee80657, 0x33dbb66a, 0xae3f0577, 0x88b4c4cc, 0x3e7f480b, 0x74c1ebf8,
        0x87178304,
    ];

    fn input() -> [u8; 64] {
        let mut b = [0u8; 64];
        for (i, x) in b.iter_mut().enumerate() {
            *x = i as u8;
        }
        b
    }

    #[test]
    fn hsiphash_64_kunit_vectors() {
        let key = [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908];
        let data = input();
        for (len, want) in VECTORS_64.iter().enumerate() {
            assert_eq!(hsiphash_64(&data[..len], &key), *want, "length {len}");
        }
    }

    #[test]
    fn hsiphash_32_kunit_vectors() {
        let key = [0x0302_0100, 0x0706_0504];
        let data = input();
        for (len, want) in VECTORS_32.iter().enumerate() {
            assert_eq!(hsiphash_32(&data[..len], &key), *want, "length {len}");
        }
    }

    /// `(v, hsiphash64(v, key1), hsiphash64(v, key2), hsiphash32(v, key1))`
    /// for the mh keys on a four-byte value, as `ip_vs_mh_hashkey()` hashes.
    /// Printed by `tools/sched-ref/hash_ref`, which links the kernel's own
    /// `lib/siphash.c`, built once as is (64-bit) and once with
    /// `BITS_PER_LONG` forced to 32; that build also reproduces the kunit
    /// vectors above.
    const MH_REF: [(u32, u32, u32, u32); 4] = [
        (0, 0x1d5a77c2, 0xf882433f, 0x92a7e383),
        (0x0a00_0051, 0x439c0cbe, 0x97b3dc47, 0xa25e2dc0),
        (0xc0a8_0102, 0x06336950, 0x080af3de, 0x41cbc7a1),
        (0xdead_beef, 0xf605cd1f, 0x37dd7b7e, 0x5c827a73),
    ];

    #[test]
    fn hsiphash_mh_keys() {
        let k1: [u64; 2] = [2_654_435_761, 2_654_435_761];
        let k2: [u64; 2] = [2_654_446_892, 2_654_446_892];
        let h1: [u32; 2] = [2_654_435_761, 2_654_435_761];
        for (v, want64_1, want64_2, want32_1) in MH_REF {
            let bytes = v.to_le_bytes();
            assert_eq!(hsiphash_64(&bytes, &k1), want64_1, "v={v:#x}");
            assert_eq!(hsiphash_64(&bytes, &k2), want64_2, "v={v:#x}");
            assert_eq!(hsiphash_32(&bytes, &h1), want32_1, "v={v:#x}");
        }
    }

    /// `(val, bits, hash_32(val, bits))`, printed by `tools/sched-ref/hash_ref`
    /// from the kernel's `include/linux/hash.h`.
    const HASH32_REF: [(u32, u32, u32); 12] = [
        (0, 8, 0),
        (0, 10, 0),
        (1, 8, 0x61),
        (1, 10, 0x187),
        (0x0a00_0001, 8, 0x27),
        (0x0a00_0001, 10, 0x9f),
        (0xc0a8_0102, 8, 0xea),
        (0xc0a8_0102, 10, 0x3aa),
        (0xffff_ffff, 8, 0x9e),
        (0xffff_ffff, 10, 0x278),
        (0x1234_5678, 8, 0x77),
        (0x1234_5678, 10, 0x1de),
    ];

    #[test]
    fn hash_32_matches_c() {
        for (v, bits, want) in HASH32_REF {
            assert_eq!(hash_32(v, bits), want, "hash_32({v:#x}, {bits})");
        }
        assert_eq!(hash_32(1, 32), GOLDEN_RATIO_32);
        assert_eq!(hash_32(1, 0), 0);
    }

    #[test]
    fn gcd_and_fls() {
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(7, 0), 7);
        assert_eq!(gcd(0, 7), 7);
        assert_eq!(gcd(1, 1_000_000), 1);
        assert_eq!(fls(0), 0);
        assert_eq!(fls(1), 1);
        assert_eq!(fls(64), 7);
        assert_eq!(fls(u32::MAX), 32);
    }
}
