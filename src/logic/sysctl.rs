// SPDX-License-Identifier: GPL-2.0

//! The integer sysctls under `/proc/sys/net/ipv4/vs/`: names, defaults and
//! the range a write must fall in.
//!
//! C: `vs_vars` and `ip_vs_control_net_init_sysctl()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use core::ffi::CStr;

/// How a write is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any integer (`proc_dointvec`).
    Any,
    /// An integer in `min..=max` (`proc_dointvec_minmax`); others get EINVAL.
    Range(i32, i32),
}

/// One integer sysctl.
pub(crate) struct Var {
    /// Its file name.
    pub(crate) name: &'static CStr,
    /// Its value in a new namespace.
    pub(crate) default: i32,
    /// How writes are checked.
    pub(crate) check: Check,
}

const fn var(name: &'static CStr, default: i32, check: Check) -> Var {
    Var {
        name,
        default,
        check,
    }
}

/// The plain integer sysctls, in the C table's order.
pub(crate) const VARS: [Var; 19] = [
    var(c"amemthresh", 1024, Check::Any),
    var(c"am_droprate", 10, Check::Any),
    var(c"conntrack", 0, Check::Any),
    var(c"snat_reroute", 1, Check::Any),
    var(c"sync_version", 1, Check::Range(0, 1)),
    var(c"sync_persist_mode", 0, Check::Any),
    var(c"sync_sock_size", 0, Check::Any),
    var(c"cache_bypass", 0, Check::Any),
    var(c"expire_nodest_conn", 0, Check::Any),
    var(c"sloppy_tcp", 0, Check::Any),
    var(c"sloppy_sctp", 0, Check::Any),
    var(c"expire_quiescent_template", 0, Check::Any),
    var(c"sync_retries", 0, Check::Range(0, 3)),
    var(c"nat_icmp_send", 0, Check::Any),
    var(c"pmtu_disc", 1, Check::Any),
    var(c"backup_only", 0, Check::Any),
    var(c"conn_reuse_mode", 1, Check::Any),
    var(c"schedule_icmp", 0, Check::Any),
    var(c"ignore_tunneled", 0, Check::Any),
];

/// Where the sysctls the packet path reads are in [`VARS`].
pub(crate) mod index {
    /// `expire_nodest_conn`.
    pub(crate) const EXPIRE_NODEST_CONN: usize = 8;
    /// `conn_reuse_mode`.
    pub(crate) const CONN_REUSE_MODE: usize = 16;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_defaults_in_range() {
        for (i, v) in VARS.iter().enumerate() {
            assert!(VARS[..i].iter().all(|w| w.name != v.name));
            if let Check::Range(min, max) = v.check {
                assert!((min..=max).contains(&v.default), "{:?}", v.name);
            }
        }
    }

    #[test]
    fn indices_name_their_sysctl() {
        assert_eq!(VARS[index::EXPIRE_NODEST_CONN].name, c"expire_nodest_conn");
        assert_eq!(VARS[index::CONN_REUSE_MODE].name, c"conn_reuse_mode");
    }

    #[test]
    fn c_defaults() {
        let get = |n: &CStr| VARS.iter().find(|v| v.name == n).map(|v| v.default);
        assert_eq!(get(c"amemthresh"), Some(1024));
        assert_eq!(get(c"am_droprate"), Some(10));
        assert_eq!(get(c"pmtu_disc"), Some(1));
        assert_eq!(get(c"conn_reuse_mode"), Some(1));
        assert_eq!(get(c"sync_version"), Some(1));
    }
}
