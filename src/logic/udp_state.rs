// SPDX-License-Identifier: GPL-2.0

//! The one state of a UDP connection.
//!
//! C: `udp_timeouts[]`, `udp_state_name()` and `udp_state_transition()` in
//! [`net/netfilter/ipvs/ip_vs_proto_udp.c`](srctree/net/netfilter/ipvs/ip_vs_proto_udp.c).

/// `IP_VS_UDP_S_*`: a UDP connection is always `NORMAL`; every packet only
/// rearms its timer.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UdpState {
    /// `IP_VS_UDP_S_NORMAL`.
    Normal = 0,
}

impl UdpState {
    /// `udp_state_name()`: what `/proc/net/ip_vs_conn` prints.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            UdpState::Normal => "UDP",
        }
    }

    /// `udp_timeouts[]`: the default timeout in seconds.
    pub(crate) const fn default_timeout(self) -> u32 {
        match self {
            UdpState::Normal => 5 * 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_and_timeout() {
        // udp_state_name_table[IP_VS_UDP_S_NORMAL] and
        // udp_timeouts[IP_VS_UDP_S_NORMAL] = 5*60*HZ.
        assert_eq!(UdpState::Normal as u32, 0);
        assert_eq!(UdpState::Normal.name(), "UDP");
        assert_eq!(UdpState::Normal.default_timeout(), 300);
    }
}
