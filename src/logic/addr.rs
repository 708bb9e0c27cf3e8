// SPDX-License-Identifier: GPL-2.0

//! Address families and the address rules of the IPVS control plane in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c).
//!
//! Addresses are `union nf_inet_addr` as sixteen bytes in network order,
//! exactly as user space sent them; [`copy`] gives the form C stores.
//! C: [`net/ipv6/addrconf_core.c`](srctree/net/ipv6/addrconf_core.c) for
//! the IPv6 address classes.

use super::errno::Errno;

/// `AF_INET`.
pub(crate) const AF_INET: u16 = 2;
/// `AF_INET6`.
pub(crate) const AF_INET6: u16 = 10;

/// An address family IPVS serves, as `ip_vs_is_af_valid()` accepts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Af {
    /// `AF_INET`.
    Inet,
    /// `AF_INET6`.
    Inet6,
}

impl Af {
    /// `ip_vs_is_af_valid()`: `AF_INET`, or `AF_INET6` when `ipv6` (which
    /// is `CONFIG_IP_VS_IPV6 && ipv6_mod_enabled()`); EAFNOSUPPORT else,
    /// the errno both of its callers in `ip_vs_genl_*` return.
    pub(crate) fn from_raw(af: u16, ipv6: bool) -> Result<Af, Errno> {
        match af {
            AF_INET => Ok(Af::Inet),
            AF_INET6 if ipv6 => Ok(Af::Inet6),
            _ => Err(Errno::AfNoSupport),
        }
    }

    /// The `AF_*` number.
    pub(crate) const fn raw(self) -> u16 {
        match self {
            Af::Inet => AF_INET,
            Af::Inet6 => AF_INET6,
        }
    }
}

/// `ip_vs_addr_copy(af, dst, src)` into a zeroed `dst`: the bytes C keeps
/// of an address of family `af`. Two addresses are `ip_vs_addr_equal()`
/// exactly when their copies are equal.
pub(crate) fn copy(af: Af, addr: &[u8; 16]) -> [u8; 16] {
    match af {
        Af::Inet6 => *addr,
        Af::Inet => {
            let mut out = [0u8; 16];
            for (o, a) in out.iter_mut().zip(addr.iter().take(4)) {
                *o = *a;
            }
            out
        }
    }
}

/// An IPv4 address (`addr.ip`, network order) in a zeroed union.
pub(crate) fn from_ip(ip: [u8; 4]) -> [u8; 16] {
    let [a, b, c, d] = ip;
    [a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
}

/// The IPv4 part of an address (`addr.ip`), in network order.
pub(crate) fn ip(addr: &[u8; 16]) -> [u8; 4] {
    [addr[0], addr[1], addr[2], addr[3]]
}

/// `ipv4_is_multicast()`: 224.0.0.0/4.
pub(crate) fn ipv4_is_multicast(ip: [u8; 4]) -> bool {
    ip[0] & 0xf0 == 0xe0
}

/// `IPV6_ADDR_*` classes that `ipv6_addr_type()` returns.
pub(crate) mod v6type {
    /// `IPV6_ADDR_ANY`: `::`.
    pub(crate) const ANY: u32 = 0x0000;
    /// `IPV6_ADDR_UNICAST`.
    pub(crate) const UNICAST: u32 = 0x0001;
    /// `IPV6_ADDR_MULTICAST`.
    pub(crate) const MULTICAST: u32 = 0x0002;
    /// `IPV6_ADDR_LOOPBACK`.
    pub(crate) const LOOPBACK: u32 = 0x0010;
    /// `IPV6_ADDR_LINKLOCAL`.
    pub(crate) const LINKLOCAL: u32 = 0x0020;
    /// `IPV6_ADDR_SITELOCAL`.
    pub(crate) const SITELOCAL: u32 = 0x0040;
    /// `IPV6_ADDR_COMPATv4`.
    pub(crate) const COMPATV4: u32 = 0x0080;
    /// `IPV6_ADDR_MAPPED`.
    pub(crate) const MAPPED: u32 = 0x1000;
}

/// `ipv6_addr_type()`: `__ipv6_addr_type()` without its scope bits.
pub(crate) fn ipv6_addr_type(a: &[u8; 16]) -> u32 {
    use v6type::*;
    let w = [
        u32::from_be_bytes([a[0], a[1], a[2], a[3]]),
        u32::from_be_bytes([a[4], a[5], a[6], a[7]]),
        u32::from_be_bytes([a[8], a[9], a[10], a[11]]),
        u32::from_be_bytes([a[12], a[13], a[14], a[15]]),
    ];
    let st = w[0];
    // Everything but 000/8 and 111/8 prefixes is global unicast.
    if st & 0xe000_0000 != 0 && st & 0xe000_0000 != 0xe000_0000 {
        return UNICAST;
    }
    if st & 0xff00_0000 == 0xff00_0000 {
        // ipv6_addr_scope2type() adds a class for three scopes only.
        return MULTICAST
            | match a[1] & 0x0f {
                0x01 => LOOPBACK,
                0x02 => LINKLOCAL,
                0x05 => SITELOCAL,
                _ => 0,
            };
    }
    if st & 0xffc0_0000 == 0xfe80_0000 {
        return LINKLOCAL | UNICAST;
    }
    if st & 0xffc0_0000 == 0xfec0_0000 {
        return SITELOCAL | UNICAST;
    }
    if st & 0xfe00_0000 == 0xfc00_0000 {
        return UNICAST;
    }
    if w[0] | w[1] == 0 {
        if w[2] == 0 {
            return match w[3] {
                0 => ANY,
                1 => LOOPBACK | UNICAST,
                _ => COMPATV4 | UNICAST,
            };
        }
        if w[2] == 0x0000_ffff {
            return MAPPED;
        }
    }
    UNICAST
}

/// The class test of `ip_vs_new_dest()` for an IPv6 destination: a
/// non-unicast or link-local address is allowed only if it is local
/// (`__ip_vs_addr_is_local_v6()`, which needs a route lookup and so stays
/// in the glue); if this is true and the address is not local, C returns
/// EINVAL.
pub(crate) fn ipv6_dest_needs_local(a: &[u8; 16]) -> bool {
    let t = ipv6_addr_type(a);
    t & v6type::UNICAST == 0 || t & v6type::LINKLOCAL != 0
}

#[cfg(test)]
mod tests {
    use super::v6type::*;
    use super::*;

    /// An IPv6 address from its eight groups.
    fn v6(words: [u16; 8]) -> [u8; 16] {
        let mut a = [0u8; 16];
        for (i, w) in words.iter().enumerate() {
            a[i * 2..i * 2 + 2].copy_from_slice(&w.to_be_bytes());
        }
        a
    }

    #[test]
    fn af_valid() {
        // ip_vs_is_af_valid(), ip_vs_ctl.c:4206.
        assert_eq!(Af::from_raw(2, false), Ok(Af::Inet));
        assert_eq!(Af::from_raw(10, true), Ok(Af::Inet6));
        assert_eq!(Af::from_raw(10, false), Err(Errno::AfNoSupport));
        assert_eq!(Af::from_raw(0, true), Err(Errno::AfNoSupport));
        assert_eq!(Af::from_raw(7, true), Err(Errno::AfNoSupport));
        assert_eq!(Af::Inet6.raw(), AF_INET6);
    }

    #[test]
    fn copy_keeps_the_family_bytes() {
        let raw = [1u8; 16];
        assert_eq!(
            copy(Af::Inet, &raw),
            [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(copy(Af::Inet6, &raw), raw);
    }

    #[test]
    fn ipv4_multicast() {
        assert!(ipv4_is_multicast([224, 0, 0, 1]));
        assert!(ipv4_is_multicast([239, 255, 255, 255]));
        assert!(!ipv4_is_multicast([240, 0, 0, 1]));
        assert!(!ipv4_is_multicast([10, 0, 0, 1]));
    }

    #[test]
    fn ipv6_classes() {
        // __ipv6_addr_type(), net/ipv6/addrconf_core.c:37-88.
        assert_eq!(
            ipv6_addr_type(&v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1])),
            UNICAST
        );
        assert_eq!(
            ipv6_addr_type(&v6([0xff02, 0, 0, 0, 0, 0, 0, 1])),
            MULTICAST | LINKLOCAL
        );
        assert_eq!(
            ipv6_addr_type(&v6([0xff01, 0, 0, 0, 0, 0, 0, 1])),
            MULTICAST | LOOPBACK
        );
        assert_eq!(
            ipv6_addr_type(&v6([0xff05, 0, 0, 0, 0, 0, 0, 1])),
            MULTICAST | SITELOCAL
        );
        assert_eq!(
            ipv6_addr_type(&v6([0xff0e, 0, 0, 0, 0, 0, 0, 1])),
            MULTICAST
        );
        assert_eq!(
            ipv6_addr_type(&v6([0xfe80, 0, 0, 0, 0, 0, 0, 1])),
            LINKLOCAL | UNICAST
        );
        assert_eq!(
            ipv6_addr_type(&v6([0xfec0, 0, 0, 0, 0, 0, 0, 1])),
            SITELOCAL | UNICAST
        );
        assert_eq!(ipv6_addr_type(&v6([0xfd00, 0, 0, 0, 0, 0, 0, 1])), UNICAST);
        assert_eq!(ipv6_addr_type(&v6([0; 8])), ANY);
        assert_eq!(
            ipv6_addr_type(&v6([0, 0, 0, 0, 0, 0, 0, 1])),
            LOOPBACK | UNICAST
        );
        assert_eq!(
            ipv6_addr_type(&v6([0, 0, 0, 0, 0, 0, 0x0a00, 1])),
            COMPATV4 | UNICAST
        );
        assert_eq!(
            ipv6_addr_type(&v6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1])),
            MAPPED
        );
        assert_eq!(ipv6_addr_type(&v6([0, 0, 0, 1, 0, 0, 0, 1])), UNICAST);
    }

    #[test]
    fn dest_class_test() {
        // ip_vs_new_dest(), ip_vs_ctl.c:1453-1457.
        assert!(!ipv6_dest_needs_local(&v6([
            0x2001, 0xdb8, 0, 0, 0, 0, 0, 1
        ])));
        assert!(!ipv6_dest_needs_local(&v6([0, 0, 0, 0, 0, 0, 0, 1])));
        assert!(ipv6_dest_needs_local(&v6([0xfe80, 0, 0, 0, 0, 0, 0, 1])));
        assert!(ipv6_dest_needs_local(&v6([0xff02, 0, 0, 0, 0, 0, 0, 1])));
        assert!(ipv6_dest_needs_local(&v6([0; 8])));
        assert!(ipv6_dest_needs_local(&v6([
            0, 0, 0, 0, 0, 0xffff, 0x0a00, 1
        ])));
    }
}
