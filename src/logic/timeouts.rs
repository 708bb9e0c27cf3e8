// SPDX-License-Identifier: GPL-2.0

//! The protocol timeouts that `ipvsadm --set` and `ipvsadm -L --timeout` see.
//!
//! C: `__ip_vs_get_timeouts()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c),
//! defaults from `ip_vs_proto_tcp.c` and `ip_vs_proto_udp.c`.

use super::errno::Errno;

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

/// A `--set` request: the values as C's `int`s; 0 keeps a timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// TCP established.
    pub(crate) tcp: i32,
    /// TCP `FIN_WAIT`.
    pub(crate) tcp_fin: i32,
    /// UDP.
    pub(crate) udp: i32,
}

impl Timeouts {
    /// The request that changes nothing (what `IPVS_CMD_SET_CONFIG` starts
    /// from before applying its attributes).
    pub(crate) fn as_request(&self) -> Request {
        let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        Request {
            tcp: int(self.tcp),
            tcp_fin: int(self.tcp_fin),
            udp: int(self.udp),
        }
    }

    /// Applies a request (`ip_vs_set_timeout()`): every value must be in
    /// `0..=INT_MAX / hz` or nothing changes (EINVAL); zeros keep the
    /// current timeout.
    pub(crate) fn apply(&mut self, r: &Request, hz: u32) -> Result<(), Errno> {
        let max = i32::MAX / i32::try_from(hz.max(1)).unwrap_or(i32::MAX);
        let vals = [r.tcp, r.tcp_fin, r.udp];
        if vals.iter().any(|v| !(0..=max).contains(v)) {
            return Err(Errno::Inval);
        }
        for (dst, v) in [&mut self.tcp, &mut self.tcp_fin, &mut self.udp]
            .into_iter()
            .zip(vals)
        {
            if let Ok(v @ 1..) = u32::try_from(v) {
                *dst = v;
            }
        }
        Ok(())
    }
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

    #[test]
    fn zero_keeps_and_out_of_range_changes_nothing() {
        // ip_vs_set_timeout(): 0 keeps; < 0 or > INT_MAX / HZ is EINVAL.
        let mut t = Timeouts::DEFAULT;
        let r = Request {
            tcp: 0,
            tcp_fin: 30,
            udp: 0,
        };
        assert_eq!(t.apply(&r, 250), Ok(()));
        assert_eq!((t.tcp, t.tcp_fin, t.udp), (900, 30, 300));
        let bad = Request {
            tcp: 10,
            tcp_fin: -1,
            udp: 10,
        };
        assert_eq!(t.apply(&bad, 250), Err(Errno::Inval));
        let big = Request {
            tcp: i32::MAX / 250 + 1,
            tcp_fin: 0,
            udp: 0,
        };
        assert_eq!(t.apply(&big, 250), Err(Errno::Inval));
        assert_eq!((t.tcp, t.tcp_fin, t.udp), (900, 30, 300));
        let edge = Request {
            tcp: i32::MAX / 250,
            tcp_fin: 0,
            udp: 0,
        };
        assert_eq!(t.apply(&edge, 250), Ok(()));
        assert_eq!(t.as_request().tcp, i32::MAX / 250);
    }
}
