// SPDX-License-Identifier: GPL-2.0

//! Netlink attribute walking and policy validation, as IPVS's
//! `nla_parse_nested_deprecated()` calls in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c) do it.
//!
//! C: [`lib/nlattr.c`](srctree/lib/nlattr.c) (`__nla_validate_parse()`,
//! `validate_nla()`) and [`include/net/netlink.h`](srctree/include/net/netlink.h).
//!
//! Only the liberal mode (`NL_VALIDATE_LIBERAL`) is reproduced: IPVS parses
//! its nested attributes with the deprecated helpers and its top-level ones
//! with `GENL_DONT_VALIDATE_STRICT`, so unknown types are skipped, a
//! malformed tail ends the walk without an error, and an oversized integer
//! attribute is accepted.

use super::errno::Errno;
use super::genl::cmd_attr;

/// `NLA_HDRLEN`: the size of `struct nlattr` (`u16 nla_len; u16 nla_type`).
pub(crate) const HDRLEN: usize = 4;
/// `NLA_ALIGNTO`: attributes start on this boundary.
pub(crate) const ALIGNTO: usize = 4;
/// `NLA_F_NESTED`: a flag bit in `nla_type`, not part of the type.
pub(crate) const F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`: a flag bit in `nla_type`, not part of the type.
pub(crate) const F_NET_BYTEORDER: u16 = 1 << 14;
/// `NLA_TYPE_MASK`: what `nla_type()` keeps of `nla_type`.
pub(crate) const TYPE_MASK: u16 = !(F_NESTED | F_NET_BYTEORDER);

/// `NLA_ALIGN(len)`, or `None` if it does not fit a `usize`.
pub(crate) const fn align(len: usize) -> Option<usize> {
    match len.checked_add(ALIGNTO - 1) {
        Some(v) => Some(v & !(ALIGNTO - 1)),
        None => None,
    }
}

/// One entry of a `struct nla_policy` array, limited to what IPVS uses.
///
/// A zero length limit means "no limit", as a zero `.len` does in C.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AttrPolicy {
    /// `NLA_UNSPEC` with `.len = min_len`: at least `min_len` bytes. An
    /// index the C array leaves out is `Unspec { min_len: 0 }`, which
    /// accepts anything.
    Unspec {
        /// The minimum payload length.
        min_len: usize,
    },
    /// `NLA_U8`: at least one byte.
    U8,
    /// `NLA_U16`: at least two bytes.
    U16,
    /// `NLA_U32`: at least four bytes.
    U32,
    /// `NLA_NUL_STRING` with `.len = max_len`: a NUL within the first
    /// `max_len + 1` bytes, and at most `max_len` bytes once one trailing
    /// NUL is dropped.
    NulString {
        /// The longest string, without its NUL; 0 for no limit.
        max_len: usize,
    },
    /// `NLA_BINARY` with `.len = max_len`: at most `max_len` bytes.
    Binary {
        /// The longest payload; 0 for no limit.
        max_len: usize,
    },
    /// `NLA_NESTED` without a nested policy: empty, or at least a header.
    Nested,
}

/// An entry that accepts any payload, for the holes of a policy array.
pub(crate) const ANY: AttrPolicy = AttrPolicy::Unspec { min_len: 0 };

impl AttrPolicy {
    /// `validate_nla()` for one payload in liberal mode.
    ///
    /// The `nla_attr_len` mismatch of integer types is only a
    /// `pr_warn_ratelimited()` without `NL_VALIDATE_STRICT_ATTRS`, so an
    /// oversized integer passes here as it does in C.
    pub(crate) fn validate(self, data: &[u8]) -> Result<(), Errno> {
        let attrlen = data.len();
        match self {
            AttrPolicy::Unspec { min_len } => at_least(attrlen, min_len),
            AttrPolicy::U8 => at_least(attrlen, 1),
            AttrPolicy::U16 => at_least(attrlen, 2),
            AttrPolicy::U32 => at_least(attrlen, 4),
            AttrPolicy::NulString { max_len } => {
                // The NUL must be where a reader bounded by the limit
                // would stop; a missing one is EINVAL, unlike the other
                // failures which are ERANGE.
                let minlen = if max_len != 0 {
                    attrlen.min(max_len.saturating_add(1))
                } else {
                    attrlen
                };
                let head = data.get(..minlen).ok_or(Errno::Inval)?;
                if minlen == 0 || !head.contains(&0) {
                    return Err(Errno::Inval);
                }
                // Then the NLA_STRING rules: one trailing NUL is not
                // counted, any other byte (padding NULs too) is.
                if max_len != 0 {
                    let len = match data.last() {
                        Some(0) => attrlen.saturating_sub(1),
                        _ => attrlen,
                    };
                    if len > max_len {
                        return Err(Errno::Range);
                    }
                }
                Ok(())
            }
            AttrPolicy::Binary { max_len } => {
                if max_len != 0 && attrlen > max_len {
                    Err(Errno::Range)
                } else {
                    Ok(())
                }
            }
            AttrPolicy::Nested => {
                if attrlen != 0 && attrlen < HDRLEN {
                    Err(Errno::Range)
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The `goto out_err` with the default `-ERANGE` of `validate_nla()`.
fn at_least(attrlen: usize, min: usize) -> Result<(), Errno> {
    if attrlen < min {
        Err(Errno::Range)
    } else {
        Ok(())
    }
}

/// The attribute table `tb[]` that `nla_parse()` fills: index = type.
///
/// `N` is `maxtype + 1`. Each slot holds the payload (`nla_data()`, of
/// `nla_len()` bytes) of the last attribute of that type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attrs<'a, const N: usize> {
    /// The payloads by type; index 0 is never set.
    tb: [Option<&'a [u8]>; N],
}

impl<'a, const N: usize> Attrs<'a, N> {
    /// The payload of attribute `ty`, if present.
    pub(crate) fn get(&self, ty: u16) -> Option<&'a [u8]> {
        self.tb.get(usize::from(ty)).copied().flatten()
    }

    /// Whether attribute `ty` is present.
    pub(crate) fn has(&self, ty: u16) -> bool {
        self.get(ty).is_some()
    }

    /// The first `M` bytes of the payload, or `None` if absent or shorter.
    fn first<const M: usize>(&self, ty: u16) -> Option<[u8; M]> {
        self.get(ty)?.get(..M)?.try_into().ok()
    }

    /// `nla_get_u8()`: the first byte.
    pub(crate) fn u8(&self, ty: u16) -> Option<u8> {
        let [b] = self.first::<1>(ty)?;
        Some(b)
    }

    /// `nla_get_u16()`: the first two bytes in native order. Also
    /// `nla_get_be16()`: the value then holds the network-order bits, as a
    /// `__be16` does in C.
    ///
    /// `None` if absent; a policy of `U16` makes a short payload impossible.
    pub(crate) fn u16(&self, ty: u16) -> Option<u16> {
        self.first::<2>(ty).map(u16::from_ne_bytes)
    }

    /// `nla_get_u32()` (and `nla_get_be32()`, as for [`Self::u16`]).
    pub(crate) fn u32(&self, ty: u16) -> Option<u32> {
        self.first::<4>(ty).map(u32::from_ne_bytes)
    }

    /// `nla_memcpy()` into an `M`-byte object: the payload's first bytes,
    /// zero-filled if it is shorter.
    pub(crate) fn memcpy<const M: usize>(&self, ty: u16) -> Option<[u8; M]> {
        let data = self.get(ty)?;
        let mut out = [0u8; M];
        for (o, d) in out.iter_mut().zip(data) {
            *o = *d;
        }
        Some(out)
    }

    /// `nla_data()` read as a C string: the bytes before the first NUL.
    ///
    /// A policy of `NulString` guarantees the NUL; without one the whole
    /// payload is returned rather than reading past it.
    pub(crate) fn nul_str(&self, ty: u16) -> Option<&'a [u8]> {
        let data = self.get(ty)?;
        let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
        data.get(..end)
    }
}

/// `nla_parse_nested_deprecated()` over the payload of a nested attribute
/// (or `__nla_parse()` over a message's attribute stream) in liberal mode.
///
/// Returns the first policy error; otherwise the table, with the last
/// attribute of each type winning. Types 0 and `>= N` are skipped without
/// validation; a header shorter than `NLA_HDRLEN`, a length below
/// `NLA_HDRLEN` or past the end stops the walk without an error.
pub(crate) fn parse<'a, const N: usize>(
    payload: &'a [u8],
    policy: &[AttrPolicy; N],
) -> Result<Attrs<'a, N>, Errno> {
    let mut tb: [Option<&'a [u8]>; N] = [None; N];
    let mut rest = payload;
    // nla_ok(): a whole header, and a length that covers it and fits.
    while let [l0, l1, t0, t1, ..] = rest {
        let len = usize::from(u16::from_ne_bytes([*l0, *l1]));
        let raw_type = u16::from_ne_bytes([*t0, *t1]);
        if len < HDRLEN || len > rest.len() {
            break;
        }
        let data = rest.get(HDRLEN..len).ok_or(Errno::Inval)?;
        let ty = raw_type & TYPE_MASK;
        if ty != 0 {
            if let Some(pt) = policy.get(usize::from(ty)) {
                pt.validate(data)?;
                if let Some(slot) = tb.get_mut(usize::from(ty)) {
                    *slot = Some(data);
                }
            }
        }
        // nla_next(): step over the padding too.
        match align(len).and_then(|total| rest.get(total..)) {
            Some(next) => rest = next,
            None => break,
        }
    }
    Ok(Attrs { tb })
}

/// `IPVS_DAEMON_ATTR_*`: the attributes nested in `IPVS_CMD_ATTR_DAEMON`
/// that are read; [`DAEMON_POLICY`] validates all of them.
pub(crate) mod daemon_attr {
    /// Master or backup (`IP_VS_STATE_*`).
    pub(crate) const STATE: u16 = 1;
    /// The multicast interface name.
    pub(crate) const MCAST_IFN: u16 = 2;
    /// The sync id.
    pub(crate) const SYNC_ID: u16 = 3;
    /// The IPv4 multicast group.
    pub(crate) const MCAST_GROUP: u16 = 5;
    /// The IPv6 multicast group.
    pub(crate) const MCAST_GROUP6: u16 = 6;
    /// `IPVS_DAEMON_ATTR_MAX`.
    pub(crate) const MAX: u16 = 8;
}

/// `IP_VS_IFNAME_MAXLEN`: the size of an interface name with its NUL.
pub(crate) const IFNAME_MAXLEN: usize = 16;

/// `ip_vs_daemon_policy`.
pub(crate) const DAEMON_POLICY: [AttrPolicy; daemon_attr::MAX as usize + 1] = [
    ANY,
    AttrPolicy::U32,
    AttrPolicy::NulString {
        max_len: IFNAME_MAXLEN - 1,
    },
    AttrPolicy::U32,
    AttrPolicy::U16,
    AttrPolicy::U32,
    // `{ .len = sizeof(struct in6_addr) }` has type 0, NLA_UNSPEC.
    AttrPolicy::Unspec { min_len: 16 },
    AttrPolicy::U16,
    AttrPolicy::U8,
];

/// `ip_vs_cmd_policy`: the top-level attributes of every IPVS command.
pub(crate) const CMD_POLICY: [AttrPolicy; cmd_attr::MAX as usize + 1] = [
    ANY,
    AttrPolicy::Nested,
    AttrPolicy::Nested,
    AttrPolicy::Nested,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::U32,
];

/// An attribute encoder for tests: builds what user space would send.
#[cfg(test)]
pub(crate) mod enc {
    extern crate std;
    use std::vec::Vec;

    /// Appends a header with an arbitrary length field and `data`, then
    /// pads to `NLA_ALIGNTO`; for malformed attributes.
    pub(crate) fn put_raw(buf: &mut Vec<u8>, len: u16, ty: u16, data: &[u8]) {
        buf.extend_from_slice(&len.to_ne_bytes());
        buf.extend_from_slice(&ty.to_ne_bytes());
        buf.extend_from_slice(data);
        while !buf.len().is_multiple_of(super::ALIGNTO) {
            buf.push(0);
        }
    }

    /// `nla_put()`: a well-formed attribute.
    pub(crate) fn put(buf: &mut Vec<u8>, ty: u16, data: &[u8]) {
        let len = u16::try_from(data.len() + super::HDRLEN).unwrap_or(u16::MAX);
        put_raw(buf, len, ty, data);
    }

    /// `nla_put_u8()`.
    pub(crate) fn put_u8(buf: &mut Vec<u8>, ty: u16, v: u8) {
        put(buf, ty, &[v]);
    }

    /// `nla_put_u16()` (native order).
    pub(crate) fn put_u16(buf: &mut Vec<u8>, ty: u16, v: u16) {
        put(buf, ty, &v.to_ne_bytes());
    }

    /// `nla_put_be16()`: `v` in host order, sent in network order.
    pub(crate) fn put_be16(buf: &mut Vec<u8>, ty: u16, v: u16) {
        put(buf, ty, &v.to_be_bytes());
    }

    /// `nla_put_u32()` (native order).
    pub(crate) fn put_u32(buf: &mut Vec<u8>, ty: u16, v: u32) {
        put(buf, ty, &v.to_ne_bytes());
    }

    /// `nla_put_string()`: the bytes and a NUL.
    pub(crate) fn put_str(buf: &mut Vec<u8>, ty: u16, s: &[u8]) {
        let mut v = Vec::from(s);
        v.push(0);
        put(buf, ty, &v);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::enc::*;
    use super::*;
    use std::vec::Vec;

    /// A policy with one of each kind, types 1..=7.
    const P: [AttrPolicy; 8] = [
        ANY,
        AttrPolicy::U8,
        AttrPolicy::U16,
        AttrPolicy::U32,
        AttrPolicy::NulString { max_len: 15 },
        AttrPolicy::Binary { max_len: 16 },
        AttrPolicy::Nested,
        AttrPolicy::Unspec { min_len: 16 },
    ];

    /// Parses one attribute of type `ty` against `P`.
    fn one(ty: u16, data: &[u8]) -> Result<(), Errno> {
        let mut b = Vec::new();
        put(&mut b, ty, data);
        parse(&b, &P).map(|_| ())
    }

    #[test]
    fn empty_payload_is_an_empty_table() {
        let a = parse(&[], &P);
        assert!(matches!(a, Ok(ref t) if (0..8).all(|i| !t.has(i))));
    }

    #[test]
    fn header_and_padding() {
        let mut b = Vec::new();
        put_u8(&mut b, 1, 7);
        put_u16(&mut b, 2, 0x1234);
        put_u32(&mut b, 3, 0xdead_beef);
        // u8 takes 5 bytes, padded to 8 (NLA_ALIGN in nla_next()).
        assert_eq!(b.len(), 8 + 8 + 8);
        let a = parse(&b, &P);
        assert!(matches!(a, Ok(ref t) if t.u8(1) == Some(7)
            && t.u16(2) == Some(0x1234) && t.u32(3) == Some(0xdead_beef)));
    }

    #[test]
    fn type_flag_bits_are_masked() {
        // nla_type() (include/net/netlink.h:1276) masks NLA_F_NESTED and
        // NLA_F_NET_BYTEORDER; liberal mode does not check them.
        let mut b = Vec::new();
        put_u16(&mut b, 2 | F_NET_BYTEORDER, 9);
        put(&mut b, 6 | F_NESTED, &[]);
        let a = parse(&b, &P);
        assert!(matches!(a, Ok(ref t) if t.u16(2) == Some(9) && t.get(6) == Some(&[][..])));
    }

    #[test]
    fn unpadded_last_attribute_is_accepted() {
        // nla_next() drives rem negative: no "leftover" (lib/nlattr.c:646).
        let mut b = Vec::new();
        put_u8(&mut b, 1, 3);
        b.truncate(5);
        let a = parse(&b, &P);
        assert!(matches!(a, Ok(ref t) if t.u8(1) == Some(3)));
    }

    #[test]
    fn malformed_tail_ends_the_walk_without_error() {
        // nla_ok() fails; the leftover is only a warning without
        // NL_VALIDATE_TRAILING (lib/nlattr.c:646-651).
        let mut good = Vec::new();
        put_u16(&mut good, 2, 5);

        // Short header: 3 bytes.
        let mut b = good.clone();
        b.extend_from_slice(&[8, 0, 1]);
        assert!(matches!(parse(&b, &P), Ok(ref t) if t.u16(2) == Some(5)));

        // nla_len < NLA_HDRLEN, even though a valid attribute follows.
        let mut b = good.clone();
        put_raw(&mut b, 3, 1, &[]);
        put_u8(&mut b, 1, 1);
        assert!(matches!(parse(&b, &P), Ok(ref t) if !t.has(1)));

        // nla_len past the end: the attribute is not taken.
        let mut b = good.clone();
        put_raw(&mut b, 12, 3, &[1, 2, 3, 4]);
        assert!(matches!(parse(&b, &P), Ok(ref t) if !t.has(3)));

        // A bad attribute after the tail is never validated.
        let mut b = good;
        b.extend_from_slice(&[0, 0, 0, 0]);
        put(&mut b, 3, &[1]);
        assert!(matches!(parse(&b, &P), Ok(ref t) if !t.has(3)));
    }

    #[test]
    fn unknown_types_are_skipped_unvalidated() {
        // lib/nlattr.c:625-631: type 0 or > maxtype, `continue`.
        let mut b = Vec::new();
        put(&mut b, 0, &[1]);
        put(&mut b, 8, &[]);
        put(&mut b, TYPE_MASK, &[1, 2, 3]);
        put_u8(&mut b, 1, 4);
        assert!(matches!(parse(&b, &P), Ok(ref t) if t.u8(1) == Some(4) && !t.has(0)));
    }

    #[test]
    fn duplicates_last_wins_but_all_are_validated() {
        // lib/nlattr.c:635-643: each is validated, then tb[type] = nla.
        let mut b = Vec::new();
        put_u16(&mut b, 2, 1);
        put_u16(&mut b, 2, 2);
        assert!(matches!(parse(&b, &P), Ok(ref t) if t.u16(2) == Some(2)));

        let mut b = Vec::new();
        put(&mut b, 2, &[1]);
        put_u16(&mut b, 2, 2);
        assert_eq!(parse(&b, &P).map(|_| ()), Err(Errno::Range));
    }

    #[test]
    fn fixed_size_integers() {
        // Shorter: default case, nla_attr_minlen (lib/nlattr.c:559-566).
        assert_eq!(one(1, &[]), Err(Errno::Range));
        assert_eq!(one(2, &[1]), Err(Errno::Range));
        assert_eq!(one(3, &[1, 2, 3]), Err(Errno::Range));
        // Longer: only the pr_warn of lib/nlattr.c:413-421.
        assert_eq!(one(1, &[1, 2]), Ok(()));
        assert_eq!(one(2, &[1, 2, 3, 4, 5]), Ok(()));
        assert_eq!(one(3, &[0; 8]), Ok(()));
        // Reads take the first bytes, as nla_get_u16() does.
        let mut b = Vec::new();
        put(&mut b, 2, &[0x34, 0x12, 0xff, 0xff]);
        assert!(matches!(parse(&b, &P),
            Ok(ref t) if t.u16(2) == Some(u16::from_ne_bytes([0x34, 0x12]))));
    }

    #[test]
    fn nul_strings() {
        // lib/nlattr.c:471-496, .len = 15.
        assert_eq!(one(4, b"rr\0"), Ok(()));
        assert_eq!(one(4, b"\0"), Ok(()));
        assert_eq!(one(4, b"123456789012345\0"), Ok(()));
        // No NUL in the first len + 1 bytes: EINVAL (line 477).
        assert_eq!(one(4, b"rr"), Err(Errno::Inval));
        assert_eq!(one(4, b""), Err(Errno::Inval));
        assert_eq!(one(4, b"1234567890123456\0"), Err(Errno::Inval));
        // 16 characters then NUL: NUL is byte 17 of a 15 limit.
        assert_eq!(one(4, b"1234567890123456"), Err(Errno::Inval));
        // NUL found but the attribute is longer than len + one NUL:
        // ERANGE (line 493), even if the excess is NULs.
        assert_eq!(
            one(4, b"rr\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
            Err(Errno::Range)
        );
        assert_eq!(one(4, b"rr\0xxxxxxxxxxxxxx"), Err(Errno::Range));
        // Within the limit, junk after the NUL is accepted.
        assert_eq!(one(4, b"rr\0x"), Ok(()));
        let mut b = Vec::new();
        put(&mut b, 4, b"wlc\0x");
        assert!(matches!(parse(&b, &P), Ok(ref t) if t.nul_str(4) == Some(&b"wlc"[..])));
        // Without a limit, any NUL will do.
        let p = [ANY, AttrPolicy::NulString { max_len: 0 }];
        let mut b = Vec::new();
        put(&mut b, 1, &[b'a'; 100]);
        assert_eq!(parse(&b, &p).map(|_| ()), Err(Errno::Inval));
        let mut b = Vec::new();
        put_str(&mut b, 1, &[b'a'; 100]);
        assert_eq!(parse(&b, &p).map(|_| ()), Ok(()));
    }

    #[test]
    fn binary_nested_unspec() {
        // NLA_BINARY (lib/nlattr.c:498-501).
        assert_eq!(one(5, &[]), Ok(()));
        assert_eq!(one(5, &[1; 16]), Ok(()));
        assert_eq!(one(5, &[1; 17]), Err(Errno::Range));
        // NLA_NESTED (lib/nlattr.c:503-510).
        assert_eq!(one(6, &[]), Ok(()));
        assert_eq!(one(6, &[1, 2, 3]), Err(Errno::Range));
        assert_eq!(one(6, &[1, 2, 3, 4]), Ok(()));
        // NLA_UNSPEC with .len (lib/nlattr.c:549-557).
        assert_eq!(one(7, &[0; 15]), Err(Errno::Range));
        assert_eq!(one(7, &[0; 16]), Ok(()));
        assert_eq!(one(7, &[0; 40]), Ok(()));
    }

    #[test]
    fn memcpy_zero_fills_and_truncates() {
        // nla_memcpy() (lib/nlattr.c:836-845).
        let mut b = Vec::new();
        put(&mut b, 5, &[1, 2, 3, 4]);
        let a = parse(&b, &P);
        assert!(
            matches!(a, Ok(ref t) if t.memcpy::<8>(5) == Some([1, 2, 3, 4, 0, 0, 0, 0])
            && t.memcpy::<2>(5) == Some([1, 2]) && t.memcpy::<2>(4).is_none())
        );
    }

    #[test]
    fn daemon_policy() {
        let mut b = Vec::new();
        put_u32(&mut b, daemon_attr::STATE, 1);
        put_str(&mut b, daemon_attr::MCAST_IFN, b"eth0");
        put(&mut b, daemon_attr::MCAST_GROUP6, &[0xff; 15]);
        assert_eq!(parse(&b, &DAEMON_POLICY).map(|_| ()), Err(Errno::Range));
        let mut b = Vec::new();
        put_str(&mut b, daemon_attr::MCAST_IFN, b"0123456789abcdef");
        assert_eq!(parse(&b, &DAEMON_POLICY).map(|_| ()), Err(Errno::Inval));
        let mut b = Vec::new();
        // IPVS_DAEMON_ATTR_MCAST_TTL, the last.
        put_u8(&mut b, daemon_attr::MAX, 2);
        assert_eq!(parse(&b, &DAEMON_POLICY).map(|_| ()), Ok(()));
    }

    #[test]
    fn cmd_policy() {
        let mut b = Vec::new();
        put(&mut b, cmd_attr::SERVICE, &[1, 2]);
        assert_eq!(parse(&b, &CMD_POLICY).map(|_| ()), Err(Errno::Range));
        let mut b = Vec::new();
        put(&mut b, cmd_attr::TIMEOUT_UDP, &[1, 2]);
        assert_eq!(parse(&b, &CMD_POLICY).map(|_| ()), Err(Errno::Range));
    }

    #[test]
    fn never_panics_on_any_short_input() {
        // Every byte string up to 12 bytes over a small alphabet.
        let alphabet = [0u8, 1, 3, 4, 5, 8, 0xff];
        let mut buf = [0u8; 12];
        for len in 0..=6usize {
            let total = alphabet.len().pow(len as u32);
            for mut n in 0..total {
                for slot in buf.iter_mut().take(len) {
                    *slot = alphabet[n % alphabet.len()];
                    n /= alphabet.len();
                }
                let _ = parse(&buf[..len], &P);
            }
        }
    }
}
