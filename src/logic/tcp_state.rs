// SPDX-License-Identifier: GPL-2.0

//! The IPVS TCP connection state machine: states, transitions, default
//! timeouts and which states count as active.
//!
//! C: `set_tcp_state()` and its tables in
//! [`net/netfilter/ipvs/ip_vs_proto_tcp.c`](srctree/net/netfilter/ipvs/ip_vs_proto_tcp.c),
//! the state numbers in [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h).

use super::errno::Errno;

/// `IP_VS_TCP_S_*`: the state of a TCP connection as the director sees it.
///
/// The numbers are the C ones; they index the per-namespace timeout table
/// and travel in sync messages.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TcpState {
    /// `IP_VS_TCP_S_NONE`.
    None = 0,
    /// `IP_VS_TCP_S_ESTABLISHED`.
    Established = 1,
    /// `IP_VS_TCP_S_SYN_SENT`.
    SynSent = 2,
    /// `IP_VS_TCP_S_SYN_RECV`.
    SynRecv = 3,
    /// `IP_VS_TCP_S_FIN_WAIT`.
    FinWait = 4,
    /// `IP_VS_TCP_S_TIME_WAIT`.
    TimeWait = 5,
    /// `IP_VS_TCP_S_CLOSE`.
    Close = 6,
    /// `IP_VS_TCP_S_CLOSE_WAIT`.
    CloseWait = 7,
    /// `IP_VS_TCP_S_LAST_ACK`.
    LastAck = 8,
    /// `IP_VS_TCP_S_LISTEN`.
    Listen = 9,
    /// `IP_VS_TCP_S_SYNACK`.
    SynAck = 10,
}

/// `IP_VS_TCP_S_LAST`: the number of states.
pub(crate) const COUNT: usize = 11;

/// Every state, in C's order (`ALL[s as usize] == s`).
pub(crate) const ALL: [TcpState; COUNT] = [
    TcpState::None,
    TcpState::Established,
    TcpState::SynSent,
    TcpState::SynRecv,
    TcpState::FinWait,
    TcpState::TimeWait,
    TcpState::Close,
    TcpState::CloseWait,
    TcpState::LastAck,
    TcpState::Listen,
    TcpState::SynAck,
];

/// `tcp_timeouts[]`: the default timeout of each state, in seconds (C
/// stores them in jiffies; every one is a whole number of seconds).
pub(crate) const DEFAULT_TIMEOUTS: [u32; COUNT] = [
    2,       // NONE
    15 * 60, // ESTABLISHED
    2 * 60,  // SYN_SENT
    60,      // SYN_RECV
    2 * 60,  // FIN_WAIT
    2 * 60,  // TIME_WAIT
    10,      // CLOSE
    60,      // CLOSE_WAIT
    30,      // LAST_ACK
    2 * 60,  // LISTEN
    120,     // SYNACK
];

impl TcpState {
    /// `tcp_state_name()`: the name `/proc/net/ip_vs_conn` and
    /// `ipvsadm -Lnc` print.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            TcpState::None => "NONE",
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv => "SYN_RECV",
            TcpState::FinWait => "FIN_WAIT",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::SynAck => "SYNACK",
        }
    }

    /// The default timeout of this state in seconds (`tcp_timeouts[]`),
    /// what a new namespace's timeout table starts with.
    pub(crate) const fn default_timeout(self) -> u32 {
        DEFAULT_TIMEOUTS[self as usize]
    }

    /// `tcp_state_active()`: whether a connection in this state counts in
    /// its destination's active connections, the rest counting as inactive.
    ///
    /// `set_tcp_state()` keeps the counters in step on every change of
    /// state: leaving the active set sets `IP_VS_CONN_F_INACTIVE` and
    /// decrements `dest->activeconns`; entering it clears the flag and
    /// increments the counter. (The inactive counter follows the flag when
    /// the connection is unbound from its destination.) Active are the
    /// states of a handshake in progress or done: `ESTABLISHED`,
    /// `SYN_SENT`, `SYN_RECV` and `SYNACK`.
    pub(crate) const fn is_active(self) -> bool {
        matches!(
            self,
            TcpState::Established | TcpState::SynSent | TcpState::SynRecv | TcpState::SynAck
        )
    }
}

impl TryFrom<u32> for TcpState {
    type Error = Errno;

    /// A state number from C or the wire; EINVAL past `SYNACK` (where
    /// `tcp_state_name()` would say "ERR!").
    fn try_from(v: u32) -> Result<TcpState, Errno> {
        usize::try_from(v)
            .ok()
            .and_then(|i| ALL.get(i).copied())
            .ok_or(Errno::Inval)
    }
}

/// `IP_VS_DIR_*`: which way a packet goes, choosing a third of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// `IP_VS_DIR_INPUT`: client to real server.
    Input = 0,
    /// `IP_VS_DIR_OUTPUT`: a real server's reply through the director.
    Output = 1,
    /// `IP_VS_DIR_INPUT_ONLY`: client to real server on a connection whose
    /// replies bypass the director (direct routing, tunnelling).
    InputOnly = 2,
}

impl Direction {
    /// The direction `set_tcp_state()` looks up for a packet going `self`
    /// way on a connection that has (`no_output`) or has not seen no
    /// replies yet (`IP_VS_CONN_F_NOOUTPUT`, set for non-NAT forwarding).
    ///
    /// Without the flag the direction stays. With it, input becomes
    /// [`Direction::InputOnly`]; output stays [`Direction::Output`], and
    /// the caller then clears the flag, as replies do pass the director.
    pub(crate) const fn resolve(self, no_output: bool) -> Direction {
        match (no_output, self) {
            (false, d) | (true, d @ Direction::Output) => d,
            (true, _) => Direction::InputOnly,
        }
    }
}

/// The TCP header flags the state machine looks at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TcpFlags {
    /// SYN.
    pub(crate) syn: bool,
    /// FIN.
    pub(crate) fin: bool,
    /// ACK.
    pub(crate) ack: bool,
    /// RST.
    pub(crate) rst: bool,
}

impl TcpFlags {
    /// The flags of byte 13 of a TCP header (`CWR ECE URG ACK PSH RST SYN
    /// FIN`, most significant bit first).
    pub(crate) const fn from_byte(b: u8) -> TcpFlags {
        TcpFlags {
            fin: b & 0x01 != 0,
            syn: b & 0x02 != 0,
            rst: b & 0x04 != 0,
            ack: b & 0x10 != 0,
        }
    }

    /// `tcp_state_idx()`: the row of the table, by priority RST, SYN, FIN,
    /// ACK; `None` when none is set.
    const fn row(self) -> Option<usize> {
        if self.rst {
            Some(3)
        } else if self.syn {
            Some(0)
        } else if self.fin {
            Some(1)
        } else if self.ack {
            Some(2)
        } else {
            Option::None
        }
    }
}

/// One table: `[direction][row: syn, fin, ack, rst][current state]`.
type Table = [[[TcpState; COUNT]; 4]; 3];

#[cfg(test)]
const NO: TcpState = TcpState::None;
const ES: TcpState = TcpState::Established;
const SS: TcpState = TcpState::SynSent;
const SR: TcpState = TcpState::SynRecv;
const FW: TcpState = TcpState::FinWait;
const TW: TcpState = TcpState::TimeWait;
const CL: TcpState = TcpState::Close;
const CW: TcpState = TcpState::CloseWait;
const LA: TcpState = TcpState::LastAck;
const LI: TcpState = TcpState::Listen;
const SA: TcpState = TcpState::SynAck;

/// `tcp_states[]`: the normal table.
#[rustfmt::skip]
const NORMAL: Table = [
    // Input; columns NO ES SS SR FW TW CL CW LA LI SA.
    [
        /* syn */ [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR],
        /* fin */ [CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW],
        /* ack */ [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
        /* rst */ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR],
    ],
    // Output.
    [
        /* syn */ [SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR],
        /* fin */ [TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW],
        /* ack */ [ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES],
        /* rst */ [CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL],
    ],
    // Input only.
    [
        /* syn */ [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR],
        /* fin */ [CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW],
        /* ack */ [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
        /* rst */ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
    ],
];

/// `tcp_states_dos[]`: the table of the `secure_tcp` defence, stricter
/// about half-open connections: on input, an ACK does not establish a
/// connection in `SYN_RECV` or `SYNACK`, only the real server's reply does.
#[rustfmt::skip]
const DOS: Table = [
    // Input; columns NO ES SS SR FW TW CL CW LA LI SA.
    [
        /* syn */ [SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA],
        /* fin */ [CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA],
        /* ack */ [ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA],
        /* rst */ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
    ],
    // Output.
    [
        /* syn */ [SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA],
        /* fin */ [TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW],
        /* ack */ [ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES],
        /* rst */ [CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL],
    ],
    // Input only.
    [
        /* syn */ [SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA],
        /* fin */ [CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW],
        /* ack */ [ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES],
        /* rst */ [CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL],
    ],
];

/// `set_tcp_state()`'s choice of the next state for a packet with `flags`
/// going `dir` (already [`Direction::resolve`]d) on a connection in
/// `state`; `secure` is the `secure_tcp` sysctl, which selects the DoS
/// table.
///
/// A packet with none of RST, SYN, FIN, ACK moves the connection to
/// `CLOSE`: C starts from that state and skips the lookup.
pub(crate) const fn next(
    state: TcpState,
    dir: Direction,
    flags: TcpFlags,
    secure: bool,
) -> TcpState {
    let table = if secure { &DOS } else { &NORMAL };
    match flags.row() {
        Some(row) => table[dir as usize][row][state as usize],
        Option::None => TcpState::Close,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYN: TcpFlags = TcpFlags {
        syn: true,
        fin: false,
        ack: false,
        rst: false,
    };
    const FIN: TcpFlags = TcpFlags {
        syn: false,
        fin: true,
        ack: false,
        rst: false,
    };
    const ACK: TcpFlags = TcpFlags {
        syn: false,
        fin: false,
        ack: true,
        rst: false,
    };
    const RST: TcpFlags = TcpFlags {
        syn: false,
        fin: false,
        ack: false,
        rst: true,
    };
    const NONE: TcpFlags = TcpFlags {
        syn: false,
        fin: false,
        ack: false,
        rst: false,
    };

    use Direction::{Input, InputOnly, Output};

    fn n(s: TcpState, d: Direction, f: TcpFlags) -> TcpState {
        next(s, d, f, false)
    }

    fn dos(s: TcpState, d: Direction, f: TcpFlags) -> TcpState {
        next(s, d, f, true)
    }

    #[test]
    fn numbers_and_names() {
        // enum ip_vs_tcp_states in ip_vs.h counts from NONE = 0; the names
        // are tcp_state_name_table[] in ip_vs_proto_tcp.c.
        let names = [
            "NONE",
            "ESTABLISHED",
            "SYN_SENT",
            "SYN_RECV",
            "FIN_WAIT",
            "TIME_WAIT",
            "CLOSE",
            "CLOSE_WAIT",
            "LAST_ACK",
            "LISTEN",
            "SYNACK",
        ];
        for (i, (s, name)) in ALL.iter().zip(names).enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(s.name(), name);
            assert_eq!(TcpState::try_from(i as u32), Ok(*s));
        }
        // IP_VS_TCP_S_LAST and beyond are no states.
        assert_eq!(TcpState::try_from(11), Err(Errno::Inval));
        assert_eq!(TcpState::try_from(u32::MAX), Err(Errno::Inval));
    }

    #[test]
    fn default_timeouts() {
        // tcp_timeouts[] over HZ.
        assert_eq!(TcpState::None.default_timeout(), 2);
        assert_eq!(TcpState::Established.default_timeout(), 900);
        assert_eq!(TcpState::SynSent.default_timeout(), 120);
        assert_eq!(TcpState::SynRecv.default_timeout(), 60);
        assert_eq!(TcpState::FinWait.default_timeout(), 120);
        assert_eq!(TcpState::TimeWait.default_timeout(), 120);
        assert_eq!(TcpState::Close.default_timeout(), 10);
        assert_eq!(TcpState::CloseWait.default_timeout(), 60);
        assert_eq!(TcpState::LastAck.default_timeout(), 30);
        assert_eq!(TcpState::Listen.default_timeout(), 120);
        assert_eq!(TcpState::SynAck.default_timeout(), 120);
    }

    #[test]
    fn active_states() {
        // tcp_state_active_table[]: true for ES, SS, SR, SA only.
        let active: [bool; COUNT] = [
            false, true, true, true, false, false, false, false, false, false, true,
        ];
        for (s, a) in ALL.iter().zip(active) {
            assert_eq!(s.is_active(), a, "{}", s.name());
        }
    }

    #[test]
    fn flag_priority() {
        // tcp_state_idx(): rst, then syn, then fin, then ack.
        let all = TcpFlags {
            syn: true,
            fin: true,
            ack: true,
            rst: true,
        };
        // From ES on input, the rows give syn ES, fin CW, ack ES, rst CL.
        assert_eq!(n(ES, Input, all), CL);
        let syn_fin_ack = TcpFlags { rst: false, ..all };
        assert_eq!(n(NO, Input, syn_fin_ack), SR);
        let fin_ack = TcpFlags {
            syn: false,
            ..syn_fin_ack
        };
        assert_eq!(n(ES, Input, fin_ack), CW);
        assert_eq!(n(ES, Input, ACK), ES);
    }

    #[test]
    fn no_flag_closes() {
        // set_tcp_state(): new_state starts as IP_VS_TCP_S_CLOSE and a
        // negative tcp_state_idx() skips the lookup, whatever the state,
        // direction or table.
        for s in ALL {
            for d in [Input, Output, InputOnly] {
                assert_eq!(n(s, d, NONE), CL);
                assert_eq!(dos(s, d, NONE), CL);
            }
        }
        // PSH, URG, ECE, CWR alone are no flag of the table.
        assert_eq!(TcpFlags::from_byte(0x08 | 0x20 | 0x40 | 0x80), NONE);
    }

    #[test]
    fn header_byte() {
        // struct tcphdr: fin, syn, rst, psh, ack from the low bit up.
        assert_eq!(TcpFlags::from_byte(0x02), SYN);
        assert_eq!(TcpFlags::from_byte(0x01), FIN);
        assert_eq!(TcpFlags::from_byte(0x10), ACK);
        assert_eq!(TcpFlags::from_byte(0x04), RST);
        assert_eq!(TcpFlags::from_byte(0x12), TcpFlags { ack: true, ..SYN });
    }

    #[test]
    fn unchanging_packets_keep_the_state() {
        // Cells of tcp_states[] that map a state to itself.
        assert_eq!(n(ES, Input, ACK), ES);
        assert_eq!(n(TW, Output, FIN), TW);
        assert_eq!(n(LI, Input, RST), LI);
        assert_eq!(n(CL, InputOnly, ACK), CL);
    }

    #[test]
    fn normal_input() {
        // tcp_states[] INPUT, rows syn, fin, ack, rst.
        assert_eq!(n(NO, Input, SYN), SR);
        assert_eq!(n(SS, Input, SYN), ES);
        assert_eq!(n(SA, Input, SYN), SR);
        assert_eq!(n(ES, Input, FIN), CW);
        assert_eq!(n(SR, Input, FIN), TW);
        assert_eq!(n(SS, Input, FIN), SS);
        assert_eq!(n(SA, Input, FIN), TW);
        assert_eq!(n(NO, Input, ACK), ES);
        assert_eq!(n(LA, Input, ACK), CL);
        assert_eq!(n(FW, Input, ACK), FW);
        assert_eq!(n(SA, Input, ACK), ES);
        assert_eq!(n(ES, Input, RST), CL);
        assert_eq!(n(SR, Input, RST), SR);
        assert_eq!(n(LA, Input, RST), LA);
        assert_eq!(n(SA, Input, RST), SR);
    }

    #[test]
    fn normal_output() {
        // tcp_states[] OUTPUT.
        assert_eq!(n(NO, Output, SYN), SS);
        assert_eq!(n(FW, Output, SYN), SS);
        assert_eq!(n(LI, Output, SYN), LI);
        assert_eq!(n(SA, Output, SYN), SR);
        assert_eq!(n(NO, Output, FIN), TW);
        assert_eq!(n(ES, Output, FIN), FW);
        assert_eq!(n(CW, Output, FIN), TW);
        assert_eq!(n(LI, Output, ACK), ES);
        assert_eq!(n(LA, Output, ACK), LA);
        assert_eq!(n(SS, Output, RST), SS);
        assert_eq!(n(TW, Output, RST), TW);
        assert_eq!(n(LI, Output, RST), CL);
    }

    #[test]
    fn normal_input_only() {
        // tcp_states[] INPUT-ONLY: like INPUT but a client FIN on ES means
        // FIN_WAIT (the server's FIN is never seen) and RST on SA closes.
        assert_eq!(n(NO, InputOnly, SYN), SR);
        assert_eq!(n(ES, InputOnly, FIN), FW);
        assert_eq!(n(FW, InputOnly, FIN), FW);
        assert_eq!(n(SR, InputOnly, ACK), ES);
        assert_eq!(n(SA, InputOnly, RST), CL);
        assert_eq!(n(SR, InputOnly, RST), SR);
    }

    #[test]
    fn dos_input() {
        // tcp_states_dos[] INPUT: SYNACK sticks for syn, fin and ack, and
        // an ACK in SYN_RECV does not establish.
        assert_eq!(dos(SA, Input, SYN), SA);
        assert_eq!(dos(SA, Input, FIN), SA);
        assert_eq!(dos(SA, Input, ACK), SA);
        assert_eq!(dos(SR, Input, ACK), SR);
        assert_eq!(dos(SA, Input, RST), CL);
        assert_eq!(dos(NO, Input, SYN), SR);
        assert_eq!(dos(ES, Input, FIN), CW);
    }

    #[test]
    fn dos_output() {
        // tcp_states_dos[] OUTPUT: the server's SYN+ACK on SYN_RECV or
        // SYNACK gives SYNACK; the rest is the normal OUTPUT part.
        assert_eq!(dos(SR, Output, SYN), SA);
        assert_eq!(dos(SA, Output, SYN), SA);
        assert_eq!(dos(SA, Output, ACK), ES);
        assert_eq!(dos(ES, Output, FIN), FW);
        assert_eq!(dos(TW, Output, RST), TW);
    }

    #[test]
    fn dos_input_only() {
        // tcp_states_dos[] INPUT-ONLY: a SYN gives SYNACK except from ES,
        // SS (both ES) and SR (stays).
        assert_eq!(dos(NO, InputOnly, SYN), SA);
        assert_eq!(dos(TW, InputOnly, SYN), SA);
        assert_eq!(dos(SS, InputOnly, SYN), ES);
        assert_eq!(dos(SR, InputOnly, SYN), SR);
        assert_eq!(dos(SA, InputOnly, ACK), ES);
        assert_eq!(dos(ES, InputOnly, FIN), FW);
        assert_eq!(dos(SA, InputOnly, RST), CL);
    }

    #[test]
    fn tables_differ_only_where_c_does() {
        // Cells where tcp_states_dos[] differs from tcp_states[]:
        // INPUT syn/SA, fin/SA, ack/SR, ack/SA, rst/SA; OUTPUT syn/SR,
        // syn/SA; INPUT-ONLY syn on NO, FW, TW, CL, CW, LA, LI, SA.
        let mut diffs = 0;
        for d in 0..3 {
            for r in 0..4 {
                for s in 0..COUNT {
                    if NORMAL[d][r][s] != DOS[d][r][s] {
                        diffs += 1;
                    }
                }
            }
        }
        assert_eq!(diffs, 5 + 2 + 8);
    }

    #[test]
    fn direction_resolution() {
        // set_tcp_state(): IP_VS_CONN_F_NOOUTPUT turns every direction but
        // output into input-only.
        assert_eq!(Input.resolve(false), Input);
        assert_eq!(Output.resolve(false), Output);
        assert_eq!(Input.resolve(true), InputOnly);
        assert_eq!(Output.resolve(true), Output);
        assert_eq!(InputOnly.resolve(true), InputOnly);
    }

    #[test]
    fn handshake_and_close_through_nat() {
        // A NAT connection's life through tcp_states[].
        let mut s = NO;
        for (d, f, want) in [
            (Input, SYN, SR),
            (Output, TcpFlags { ack: true, ..SYN }, SR),
            (Input, ACK, ES),
            (Input, FIN, CW),
            (Output, FIN, TW),
            (Input, ACK, TW),
        ] {
            s = n(s, d, f);
            assert_eq!(s, want);
        }
    }
}
