// SPDX-License-Identifier: GPL-2.0

//! The integer sysctls under `/proc/sys/net/ipv4/vs/`: names, defaults and
//! the range a write must fall in; the core's own and those a scheduler
//! module adds while it is loaded.
//!
//! C: `vs_vars` and `ip_vs_control_net_init_sysctl()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c),
//! `vs_vars_table` in
//! [`net/netfilter/ipvs/ip_vs_lblc.c`](srctree/net/netfilter/ipvs/ip_vs_lblc.c)
//! and [`net/netfilter/ipvs/ip_vs_lblcr.c`](srctree/net/netfilter/ipvs/ip_vs_lblcr.c)

use core::ffi::CStr;

/// How a write is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any integer (`proc_dointvec`).
    Any,
    /// An integer in `min..=max` (`proc_dointvec_minmax`); others get EINVAL.
    Range(i32, i32),
    /// Seconds, kept in jiffies (`proc_dointvec_jiffies`): the default is
    /// in seconds too.
    Jiffies,
}

/// One integer sysctl.
pub(crate) struct Var {
    /// Its file name.
    pub(crate) name: &'static CStr,
    /// Its value in a new namespace, in the unit a user writes (seconds
    /// for [`Check::Jiffies`]).
    pub(crate) default: i32,
    /// How writes are checked.
    pub(crate) check: Check,
}

impl Var {
    /// The value kept in a new namespace, on a kernel of `hz` jiffies per
    /// second.
    pub(crate) const fn initial(&self, hz: u32) -> i32 {
        match self.check {
            // C computes `DEFAULT_EXPIRATION` (`24*60*60*HZ`) in `int`;
            // wrapping keeps an absurd HZ from trapping.
            Check::Jiffies => self.default.wrapping_mul(hz as i32),
            Check::Any | Check::Range(..) => self.default,
        }
    }
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

/// A sysctl that a scheduler module adds to every namespace while it is
/// registered. C keeps their values in `struct netns_ipvs` beside the
/// core's (`sysctl_lblc_expiration`, `sysctl_lblcr_expiration`), and so
/// does this IPVS: a scheduler reads the value for a service's namespace
/// from what the core shows it of the service.
pub(crate) struct SchedVar {
    /// The scheduler's name, as `ipvsadm -s` spells it.
    pub(crate) sched: &'static CStr,
    /// The sysctl.
    pub(crate) var: Var,
}

/// The scheduler sysctls: each module's `vs_vars_table`.
pub(crate) const SCHED_VARS: [SchedVar; 2] = [
    SchedVar {
        sched: c"lblc",
        // DEFAULT_EXPIRATION: a day.
        var: var(c"lblc_expiration", 24 * 60 * 60, Check::Jiffies),
    },
    SchedVar {
        sched: c"lblcr",
        var: var(c"lblcr_expiration", 24 * 60 * 60, Check::Jiffies),
    },
];

/// Where in [`SCHED_VARS`] the sysctl of scheduler `sched` is, if it has
/// one.
pub(crate) fn sched_var(sched: &CStr) -> Option<usize> {
    SCHED_VARS.iter().position(|v| v.sched == sched)
}

/// Where the sysctls the packet path reads are in [`VARS`].
pub(crate) mod index {
    /// `snat_reroute`.
    pub(crate) const SNAT_REROUTE: usize = 3;
    /// `expire_nodest_conn`.
    pub(crate) const EXPIRE_NODEST_CONN: usize = 8;
    /// `sloppy_tcp`.
    pub(crate) const SLOPPY_TCP: usize = 9;
    /// `expire_quiescent_template`.
    pub(crate) const EXPIRE_QUIESCENT_TEMPLATE: usize = 11;
    /// `pmtu_disc`.
    pub(crate) const PMTU_DISC: usize = 14;
    /// `conn_reuse_mode`.
    pub(crate) const CONN_REUSE_MODE: usize = 16;
    /// `schedule_icmp`.
    pub(crate) const SCHEDULE_ICMP: usize = 17;
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
        assert_eq!(VARS[index::SLOPPY_TCP].name, c"sloppy_tcp");
        assert_eq!(
            VARS[index::EXPIRE_QUIESCENT_TEMPLATE].name,
            c"expire_quiescent_template"
        );
        assert_eq!(VARS[index::CONN_REUSE_MODE].name, c"conn_reuse_mode");
        assert_eq!(VARS[index::SCHEDULE_ICMP].name, c"schedule_icmp");
        assert_eq!(VARS[index::PMTU_DISC].name, c"pmtu_disc");
        assert_eq!(VARS[index::SNAT_REROUTE].name, c"snat_reroute");
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

    #[test]
    fn core_defaults_do_not_scale() {
        for v in VARS.iter() {
            assert_eq!(v.initial(250), v.default, "{:?}", v.name);
        }
    }

    #[test]
    fn sched_vars_as_c() {
        // ip_vs_lblc.c and ip_vs_lblcr.c: DEFAULT_EXPIRATION (24*60*60*HZ),
        // proc_dointvec_jiffies.
        assert_eq!(sched_var(c"lblc"), Some(0));
        assert_eq!(sched_var(c"lblcr"), Some(1));
        assert_eq!(sched_var(c"rr"), None);
        assert_eq!(sched_var(c"lblc2"), None);
        let lblc = &SCHED_VARS[0].var;
        let lblcr = &SCHED_VARS[1].var;
        assert_eq!(lblc.name, c"lblc_expiration");
        assert_eq!(lblcr.name, c"lblcr_expiration");
        for v in [lblc, lblcr] {
            assert_eq!(v.check, Check::Jiffies);
            assert_eq!(v.initial(250), 24 * 60 * 60 * 250);
            assert_eq!(v.initial(1000), 24 * 60 * 60 * 1000);
            assert_eq!(v.initial(100), 24 * 60 * 60 * 100);
        }
        // The scheduler sysctls share the core's directory: no clash.
        for s in SCHED_VARS.iter() {
            assert!(VARS.iter().all(|v| v.name != s.var.name));
        }
    }
}
