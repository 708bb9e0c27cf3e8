// SPDX-License-Identifier: GPL-2.0

//! A connection's status word: its `IP_VS_CONN_F_*` flags and protocol
//! state in one `u64`, so that packets of one connection on several CPUs
//! move it on with one compare-and-swap each, never half (C takes
//! `cp->lock` in `set_tcp_state()`).
//!
//! C: `set_tcp_state()` in
//! [`net/netfilter/ipvs/ip_vs_proto_tcp.c`](srctree/net/netfilter/ipvs/ip_vs_proto_tcp.c)

use super::{
    dest::conn_flag,
    tcp_state::{self, Direction, TcpFlags, TcpState},
};

/// Where the protocol state sits: above the flags.
const STATE_SHIFT: u32 = 32;

/// The mark of a connection that left the table and is no longer counted
/// in its destination: its `INACTIVE` flag stays as it was counted.
pub(crate) const RELEASED: u64 = 1 << 40;

/// The status word of a new connection with `flags`, in no state.
pub(crate) const fn new(flags: u32) -> u64 {
    flags as u64
}

/// The flags of `status`.
pub(crate) const fn flags(status: u64) -> u32 {
    // The flags are the low half.
    status as u32
}

/// The protocol state of `status`.
pub(crate) fn state(status: u64) -> TcpState {
    let i = usize::from((status >> STATE_SHIFT) as u8);
    tcp_state::ALL.get(i).copied().unwrap_or(TcpState::None)
}

/// Whether `status` has the `INACTIVE` flag.
pub(crate) const fn inactive(status: u64) -> bool {
    flags(status) & conn_flag::INACTIVE != 0
}

/// `status` after a TCP packet with `tcp` going `dir`: the next state;
/// `NOOUTPUT` cleared by the first reply; `INACTIVE` following a change of
/// state (set when leaving the active states, cleared when entering them)
/// unless the connection was [`RELEASED`].
pub(crate) fn tcp_step(status: u64, dir: Direction, tcp: TcpFlags, secure: bool) -> u64 {
    let mut cflags = flags(status);
    let old = state(status);
    let no_output = cflags & conn_flag::NOOUTPUT != 0;
    let dir = dir.resolve(no_output);
    if no_output && dir == Direction::Output {
        cflags &= !conn_flag::NOOUTPUT;
    }
    let new = tcp_state::next(old, dir, tcp, secure);
    if new != old && status & RELEASED == 0 {
        if new.is_active() {
            cflags &= !conn_flag::INACTIVE;
        } else {
            cflags |= conn_flag::INACTIVE;
        }
    }
    u64::from(cflags) | ((new as u64) << STATE_SHIFT) | (status & RELEASED)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYN: TcpFlags = TcpFlags::from_byte(0x02);
    const SYN_ACK: TcpFlags = TcpFlags::from_byte(0x12);
    const ACK: TcpFlags = TcpFlags::from_byte(0x10);
    const RST: TcpFlags = TcpFlags::from_byte(0x04);

    #[test]
    fn flags_and_state_share_the_word() {
        let s = new(conn_flag::MASQ | conn_flag::INACTIVE);
        assert_eq!(flags(s), conn_flag::MASQ | conn_flag::INACTIVE);
        assert_eq!(state(s), TcpState::None);
        let s = tcp_step(s, Direction::Input, SYN, false);
        assert_eq!(state(s), TcpState::SynRecv);
        assert_eq!(flags(s) & conn_flag::FWD_MASK, conn_flag::MASQ);
    }

    #[test]
    fn inactive_follows_the_state() {
        let s = tcp_step(new(0), Direction::Input, SYN, false);
        assert!(!inactive(s));
        let s = tcp_step(s, Direction::Output, SYN_ACK, false);
        let s = tcp_step(s, Direction::Input, ACK, false);
        assert_eq!(state(s), TcpState::Established);
        assert!(!inactive(s));
        let s = tcp_step(s, Direction::Input, RST, false);
        assert_eq!(state(s), TcpState::Close);
        assert!(inactive(s));
        let s = tcp_step(s, Direction::Input, SYN, false);
        assert_eq!(state(s), TcpState::SynRecv);
        assert!(!inactive(s));
    }

    #[test]
    fn a_state_kept_leaves_inactive_alone() {
        // INACTIVE set by hand (as a destination's flags may) stays while
        // the state does.
        let s = tcp_step(new(0), Direction::Input, SYN, false);
        let s = tcp_step(
            s | u64::from(conn_flag::INACTIVE),
            Direction::Input,
            SYN,
            false,
        );
        assert_eq!(state(s), TcpState::SynRecv);
        assert!(inactive(s));
    }

    #[test]
    fn the_first_reply_clears_no_output() {
        let s = new(conn_flag::DROUTE | conn_flag::NOOUTPUT);
        let s = tcp_step(s, Direction::Input, SYN, false);
        assert_ne!(flags(s) & conn_flag::NOOUTPUT, 0);
        let s = tcp_step(s, Direction::Output, SYN_ACK, false);
        assert_eq!(flags(s) & conn_flag::NOOUTPUT, 0);
    }

    #[test]
    fn a_released_connection_keeps_its_counted_flag() {
        let s = tcp_step(new(0), Direction::Input, SYN, false);
        let s = tcp_step(s, Direction::Output, SYN_ACK, false);
        let s = tcp_step(s, Direction::Input, ACK, false) | RELEASED;
        let s = tcp_step(s, Direction::Input, RST, false);
        assert_eq!(state(s), TcpState::Close);
        assert!(!inactive(s));
        assert_ne!(s & RELEASED, 0);
    }
}
