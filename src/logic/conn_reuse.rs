// SPDX-License-Identifier: GPL-2.0

//! Whether a request that opens a connection (a TCP SYN) on an existing
//! entry gets a new connection, scheduled afresh, instead of the old one.
//!
//! C: `is_new_conn_expected()` and the start of `ip_vs_in_hook()` in
//! [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use super::tcp_state::TcpState;

/// What the decision looks at on the existing entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Existing {
    /// Its TCP state (`None` on other protocols).
    pub(crate) tcp: Option<TcpState>,
    /// No reply seen yet (`IP_VS_CONN_F_NOOUTPUT`).
    pub(crate) no_output: bool,
    /// Controlled by a persistence template (`cp->control`).
    pub(crate) controlled: bool,
    /// Its destination has weight 0.
    pub(crate) quiescent: bool,
}

/// The sysctls the decision reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// `conn_reuse_mode`.
    pub(crate) reuse_mode: i32,
    /// `expire_nodest_conn`.
    pub(crate) expire_nodest: bool,
}

/// Whether the old entry goes, for a packet that opens a connection
/// (`is_new_conn()`, only a TCP SYN among our protocols).
pub(crate) fn reschedule(old: Existing, policy: Policy) -> bool {
    if policy.expire_nodest && old.quiescent {
        return true;
    }
    policy.reuse_mode != 0 && expected(old, policy.reuse_mode)
}

/// `is_new_conn_expected()`: the old connection is over.
fn expected(old: Existing, reuse_mode: i32) -> bool {
    if old.controlled {
        return false;
    }
    match old.tcp {
        Some(TcpState::TimeWait | TcpState::Close) => true,
        Some(TcpState::FinWait) => reuse_mode & 2 != 0 && old.no_output,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Policy = Policy {
        reuse_mode: 1,
        expire_nodest: false,
    };

    fn tcp(state: TcpState) -> Existing {
        Existing {
            tcp: Some(state),
            no_output: false,
            controlled: false,
            quiescent: false,
        }
    }

    #[test]
    fn closed_connections_are_replaced() {
        assert!(reschedule(tcp(TcpState::TimeWait), DEFAULT));
        assert!(reschedule(tcp(TcpState::Close), DEFAULT));
        assert!(!reschedule(tcp(TcpState::Established), DEFAULT));
        assert!(!reschedule(tcp(TcpState::SynRecv), DEFAULT));
    }

    #[test]
    fn mode_zero_keeps_everything() {
        let p = Policy {
            reuse_mode: 0,
            ..DEFAULT
        };
        assert!(!reschedule(tcp(TcpState::TimeWait), p));
    }

    #[test]
    fn fin_wait_only_without_replies_and_with_bit_two() {
        let fw = Existing {
            no_output: true,
            ..tcp(TcpState::FinWait)
        };
        assert!(!reschedule(fw, DEFAULT));
        let p = Policy {
            reuse_mode: 3,
            ..DEFAULT
        };
        assert!(reschedule(fw, p));
        assert!(!reschedule(tcp(TcpState::FinWait), p));
    }

    #[test]
    fn persistent_connections_stay() {
        let c = Existing {
            controlled: true,
            ..tcp(TcpState::TimeWait)
        };
        assert!(!reschedule(c, DEFAULT));
    }

    #[test]
    fn udp_is_never_expected() {
        let u = Existing {
            tcp: None,
            ..tcp(TcpState::None)
        };
        assert!(!reschedule(u, DEFAULT));
    }

    #[test]
    fn quiescent_destination_with_expire_nodest_conn() {
        let c = Existing {
            quiescent: true,
            controlled: true,
            ..tcp(TcpState::Established)
        };
        assert!(!reschedule(c, DEFAULT));
        let p = Policy {
            expire_nodest: true,
            ..DEFAULT
        };
        assert!(reschedule(c, p));
    }
}
