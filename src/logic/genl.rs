// SPDX-License-Identifier: GPL-2.0

//! Numbers of the `IPVS` generic netlink family.
//!
//! C header: [`include/uapi/linux/ip_vs.h`](srctree/include/uapi/linux/ip_vs.h)
//! (checked against the header at build time in `ffi::abi`).

/// `IPVS_GENL_NAME`.
pub(crate) const FAMILY_NAME: &core::ffi::CStr = c"IPVS";
/// `IPVS_GENL_VERSION`.
pub(crate) const FAMILY_VERSION: u32 = 1;

/// `IPVS_CMD_*`.
pub(crate) mod cmd {
    pub(crate) const NEW_SERVICE: u8 = 1;
    pub(crate) const SET_SERVICE: u8 = 2;
    pub(crate) const DEL_SERVICE: u8 = 3;
    pub(crate) const GET_SERVICE: u8 = 4;
    pub(crate) const NEW_DEST: u8 = 5;
    pub(crate) const SET_DEST: u8 = 6;
    pub(crate) const DEL_DEST: u8 = 7;
    pub(crate) const GET_DEST: u8 = 8;
    pub(crate) const NEW_DAEMON: u8 = 9;
    pub(crate) const DEL_DAEMON: u8 = 10;
    pub(crate) const GET_DAEMON: u8 = 11;
    pub(crate) const SET_CONFIG: u8 = 12;
    pub(crate) const GET_CONFIG: u8 = 13;
    pub(crate) const SET_INFO: u8 = 14;
    pub(crate) const GET_INFO: u8 = 15;
    pub(crate) const ZERO: u8 = 16;
    pub(crate) const FLUSH: u8 = 17;
}

/// `IPVS_CMD_ATTR_*`: top-level request attributes.
pub(crate) mod cmd_attr {
    pub(crate) const SERVICE: u16 = 1;
    pub(crate) const DEST: u16 = 2;
    pub(crate) const DAEMON: u16 = 3;
    pub(crate) const TIMEOUT_TCP: u16 = 4;
    pub(crate) const TIMEOUT_TCP_FIN: u16 = 5;
    pub(crate) const TIMEOUT_UDP: u16 = 6;
    /// `IPVS_CMD_ATTR_MAX`.
    pub(crate) const MAX: u16 = 6;
}

/// `IPVS_INFO_ATTR_*`: attributes of the `GET_INFO` reply.
pub(crate) mod info_attr {
    pub(crate) const VERSION: u16 = 1;
    pub(crate) const CONN_TAB_SIZE: u16 = 2;
}

/// The sync daemon commands, `IPVS_CMD_NEW_DAEMON` and
/// `IPVS_CMD_DEL_DAEMON` (`ip_vs_genl_set_daemon()`), which never succeed
/// here: this IPVS has no sync daemon. Every failure C has with no daemon
/// running comes out in C's order; where C would start a thread, the answer
/// is EOPNOTSUPP, as the sockopt front end gives (`sockopt::start_daemon`).
pub(crate) mod daemon {
    use super::super::{
        addr::ipv4_is_multicast,
        errno::Errno,
        nla::{self, daemon_attr as a, Attrs, DAEMON_POLICY, IFNAME_MAXLEN},
        sockopt::state,
    };

    /// The table `ip_vs_daemon_policy` fills.
    pub(crate) type DaemonAttrs<'a> = Attrs<'a, { a::MAX as usize + 1 }>;

    /// The `nla_parse_nested_deprecated()` of `ip_vs_genl_set_daemon()`:
    /// `nla` is the payload of `IPVS_CMD_ATTR_DAEMON`, `None` if absent.
    /// C answers any failure with its initial EINVAL.
    pub(crate) fn parse_attrs(nla: Option<&[u8]>) -> Result<DaemonAttrs<'_>, Errno> {
        nla::parse(nla.ok_or(Errno::Inval)?, &DAEMON_POLICY).map_err(|_| Errno::Inval)
    }

    /// The state as `start_sync_thread()` and `stop_sync_thread()` take it:
    /// C passes the u32 on as an `int`.
    fn is_master_or_backup(raw: u32) -> bool {
        let s = i32::from_ne_bytes(raw.to_ne_bytes());
        s == state::MASTER || s == state::BACKUP
    }

    /// `ip_vs_genl_new_daemon()`, then `start_sync_thread()` up to where
    /// it would start a thread. `mixed_af_dests` is whether a destination
    /// of another family than its service exists
    /// (`ipvs->mixed_address_family_dests > 0`); `dev_exists` looks an
    /// interface name (NUL-padded) up in the caller's namespace.
    ///
    /// C: STATE, MCAST_IFN and SYNC_ID are needed (EINVAL); a MCAST_GROUP
    /// must be IPv4 multicast, or else a MCAST_GROUP6 IPv6 multicast
    /// (EINVAL); no mixed-family destination (EINVAL); then the interface
    /// must exist (ENODEV) before the state is checked (EINVAL unless
    /// master or backup).
    pub(crate) fn new(
        attrs: &DaemonAttrs<'_>,
        mixed_af_dests: bool,
        dev_exists: impl FnOnce(&[u8; IFNAME_MAXLEN]) -> bool,
    ) -> Errno {
        let (Some(st), Some(ifn), true) = (
            attrs.u32(a::STATE),
            attrs.nul_str(a::MCAST_IFN),
            attrs.has(a::SYNC_ID),
        ) else {
            return Errno::Inval;
        };
        if let Some(group) = attrs.get(a::MCAST_GROUP) {
            // nla_get_in_addr(): the policy made sure of four bytes.
            let mut ip = [0u8; 4];
            for (d, s) in ip.iter_mut().zip(group) {
                *d = *s;
            }
            if !ipv4_is_multicast(ip) {
                return Errno::Inval;
            }
        } else if let Some(group6) = attrs.get(a::MCAST_GROUP6) {
            // ipv6_addr_type() & IPV6_ADDR_MULTICAST: ff00::/8.
            if group6.first() != Some(&0xff) {
                return Errno::Inval;
            }
        }
        if mixed_af_dests {
            return Errno::Inval;
        }
        // strscpy() into the 16-byte name: the policy put a NUL within
        // the first 16 bytes, so the name has at most 15.
        let mut name = [0u8; IFNAME_MAXLEN];
        for (d, s) in name.iter_mut().take(IFNAME_MAXLEN - 1).zip(ifn) {
            *d = *s;
        }
        if !dev_exists(&name) {
            return Errno::NoDev;
        }
        if is_master_or_backup(st) {
            Errno::OpNotSupp
        } else {
            Errno::Inval
        }
    }

    /// `ip_vs_genl_del_daemon()` with no daemon running: STATE is needed
    /// (EINVAL), then `stop_sync_thread()` answers ESRCH for a master or
    /// backup, EINVAL for any other state.
    pub(crate) fn del(attrs: &DaemonAttrs<'_>) -> Errno {
        match attrs.u32(a::STATE) {
            Some(st) if is_master_or_backup(st) => Errno::Srch,
            _ => Errno::Inval,
        }
    }

    #[cfg(test)]
    mod tests {
        extern crate std;
        use super::super::super::nla::enc::*;
        use super::*;
        use std::vec::Vec;

        /// A NEW_DAEMON nest: state, interface, sync id, then `extra`.
        fn nest(st: u32, ifn: &[u8], extra: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
            let mut b = Vec::new();
            put_u32(&mut b, a::STATE, st);
            put_str(&mut b, a::MCAST_IFN, ifn);
            put_u32(&mut b, a::SYNC_ID, 1);
            extra(&mut b);
            b
        }

        fn new_of(b: &[u8], mixed: bool, dev: bool) -> Errno {
            match parse_attrs(Some(b)) {
                Ok(t) => new(&t, mixed, |_| dev),
                Err(e) => e,
            }
        }

        #[test]
        fn parse_failures_are_einval() {
            // ip_vs_ctl.c:4670-4674: ret stays -EINVAL.
            assert_eq!(parse_attrs(None).map(|_| ()), Err(Errno::Inval));
            let mut b = Vec::new();
            put(&mut b, a::STATE, &[1, 0]);
            assert_eq!(parse_attrs(Some(&b)).map(|_| ()), Err(Errno::Inval));
            let mut b = Vec::new();
            put(&mut b, a::MCAST_IFN, b"0123456789abcdef\0");
            assert_eq!(parse_attrs(Some(&b)).map(|_| ()), Err(Errno::Inval));
            assert!(parse_attrs(Some(&[])).is_ok());
        }

        #[test]
        fn new_daemon_order() {
            // ip_vs_genl_new_daemon(), ip_vs_ctl.c:4568-4627, then
            // start_sync_thread() in ip_vs_sync.c.
            let b = nest(1, b"lo", |_| {});
            assert_eq!(new_of(&b, false, true), Errno::OpNotSupp);
            assert_eq!(
                new_of(&nest(2, b"lo", |_| {}), false, true),
                Errno::OpNotSupp
            );
            assert_eq!(new_of(&b, false, false), Errno::NoDev);
            assert_eq!(new_of(&b, true, true), Errno::Inval);
            // The interface before the state.
            assert_eq!(new_of(&nest(0, b"x", |_| {}), false, false), Errno::NoDev);
            assert_eq!(new_of(&nest(0, b"lo", |_| {}), false, true), Errno::Inval);
            assert_eq!(new_of(&nest(3, b"lo", |_| {}), false, true), Errno::Inval);
            assert_eq!(
                new_of(&nest(u32::MAX, b"lo", |_| {}), false, true),
                Errno::Inval
            );
            // Each of the three is needed.
            for missing in [a::STATE, a::MCAST_IFN, a::SYNC_ID] {
                let mut b = Vec::new();
                for ty in [a::STATE, a::SYNC_ID] {
                    if ty != missing {
                        put_u32(&mut b, ty, 1);
                    }
                }
                if missing != a::MCAST_IFN {
                    put_str(&mut b, a::MCAST_IFN, b"lo");
                }
                assert_eq!(new_of(&b, false, true), Errno::Inval);
            }
            // The groups, before the mixed-family check and the lookup.
            let g = |v4: Option<[u8; 4]>, v6: Option<[u8; 16]>| {
                nest(1, b"nosuch", |b| {
                    if let Some(ip) = v4 {
                        put(b, a::MCAST_GROUP, &ip);
                    }
                    if let Some(ip) = v6 {
                        put(b, a::MCAST_GROUP6, &ip);
                    }
                })
            };
            let mut v6 = [0u8; 16];
            v6[0] = 0xff;
            let mut not6 = [0u8; 16];
            not6[0] = 0x20;
            assert_eq!(
                new_of(&g(Some([10, 0, 0, 1]), None), false, false),
                Errno::Inval
            );
            assert_eq!(
                new_of(&g(Some([224, 0, 0, 81]), None), false, false),
                Errno::NoDev
            );
            assert_eq!(new_of(&g(None, Some(not6)), false, false), Errno::Inval);
            assert_eq!(new_of(&g(None, Some(v6)), false, false), Errno::NoDev);
            // An IPv4 group makes C skip the IPv6 one.
            assert_eq!(
                new_of(&g(Some([224, 0, 0, 81]), Some(not6)), false, false),
                Errno::NoDev
            );
        }

        #[test]
        fn new_daemon_asks_for_the_name_nul_padded() {
            let b = nest(1, b"eth0", |_| {});
            let mut asked = [0xffu8; IFNAME_MAXLEN];
            if let Ok(t) = parse_attrs(Some(&b)) {
                let _ = new(&t, false, |n| {
                    asked = *n;
                    false
                });
            }
            assert_eq!(&asked[..5], b"eth0\0");
            assert_eq!(asked[5..], [0; 11]);
            // Junk after the NUL does not reach the lookup.
            let mut b = Vec::new();
            put_u32(&mut b, a::STATE, 1);
            put(&mut b, a::MCAST_IFN, b"lo\0junk");
            put_u32(&mut b, a::SYNC_ID, 1);
            let mut asked = [0xffu8; IFNAME_MAXLEN];
            if let Ok(t) = parse_attrs(Some(&b)) {
                let _ = new(&t, false, |n| {
                    asked = *n;
                    true
                });
            }
            assert_eq!(&asked[..3], b"lo\0");
            assert_eq!(asked[3..], [0; 13]);
        }

        #[test]
        fn del_daemon_none_running() {
            // ip_vs_genl_del_daemon(), stop_sync_thread().
            let del_of = |st: Option<u32>| {
                let mut b = Vec::new();
                if let Some(st) = st {
                    put_u32(&mut b, a::STATE, st);
                }
                parse_attrs(Some(&b)).map(|t| del(&t))
            };
            assert_eq!(del_of(Some(1)), Ok(Errno::Srch));
            assert_eq!(del_of(Some(2)), Ok(Errno::Srch));
            assert_eq!(del_of(Some(0)), Ok(Errno::Inval));
            assert_eq!(del_of(Some(3)), Ok(Errno::Inval));
            assert_eq!(del_of(None), Ok(Errno::Inval));
        }
    }
}
