// SPDX-License-Identifier: GPL-2.0

//! The protocol timeouts that `ipvsadm --set` and `ipvsadm -L --timeout` see.
//!
//! C: `__ip_vs_get_timeouts()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c),
//! defaults from `ip_vs_proto_tcp.c` and `ip_vs_proto_udp.c`.

/// The three user-visible timeouts, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// TCP established.
    pub(crate) tcp: u32,
    /// TCP after a FIN (`FIN_WAIT`).
    pub(crate) tcp_fin: u32,
    /// UDP.
    pub(crate) udp: u32,
}

impl Timeouts {
    /// What a new namespace starts with: 15 min, 2 min, 5 min.
    pub(crate) const DEFAULT: Timeouts = Timeouts {
        tcp: 15 * 60,
        tcp_fin: 2 * 60,
        udp: 5 * 60,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_what_ipvsadm_shows() {
        // `ipvsadm -L --timeout` on a fresh C IPVS: "900 120 300".
        let t = Timeouts::DEFAULT;
        assert_eq!((t.tcp, t.tcp_fin, t.udp), (900, 120, 300));
    }
}
