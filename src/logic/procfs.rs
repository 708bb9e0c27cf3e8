// SPDX-License-Identifier: GPL-2.0

//! Lines of `/proc/net/ip_vs` in the C IPVS's format.
//!
//! C: `ip_vs_info_seq_show()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)
//! and `ip_vs_proto_name()` in `ip_vs_core.c`.

use super::{
    addr::Af,
    service::{flag, Key},
};
use core::fmt;

/// A protocol as `ip_vs_proto_name()` names it.
pub(crate) struct ProtoName(pub(crate) u16);

impl fmt::Display for ProtoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("IP"),
            1 => f.write_str("ICMP"),
            6 => f.write_str("TCP"),
            17 => f.write_str("UDP"),
            58 => f.write_str("ICMPv6"),
            132 => f.write_str("SCTP"),
            p => write!(f, "IP_{p}"),
        }
    }
}

/// An IPv6 address as `%pI6` prints it: eight groups of four hex digits.
pub(crate) struct Ipv6Full<'a>(pub(crate) &'a [u8; 16]);

impl fmt::Display for Ipv6Full<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, g) in self.0.chunks_exact(2).enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{:02x}{:02x}", g[0], g[1])?;
        }
        Ok(())
    }
}

/// The line of one service (without its destinations).
pub(crate) struct ServiceLine<'a> {
    /// Which service; the address as stored.
    pub(crate) key: &'a Key,
    /// Its scheduler's name.
    pub(crate) sched: &'a str,
    /// `IP_VS_SVC_F_*`.
    pub(crate) flags: u32,
    /// Persistence timeout in jiffies, as C prints it.
    pub(crate) timeout_jiffies: u64,
    /// Persistence netmask (`__be32` bits).
    pub(crate) netmask: u32,
}

impl fmt::Display for ServiceLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = self.key;
        let ops = if self.flags & flag::ONEPACKET != 0 {
            "ops "
        } else {
            ""
        };
        if k.fwmark != 0 {
            write!(f, "FWM  {:08X} {} {}", k.fwmark, self.sched, ops)?;
        } else if k.af == Af::Inet6 {
            // C prints no one-packet flag for IPv6 services.
            write!(
                f,
                "{}  [{}]:{:04X} {} ",
                ProtoName(k.protocol),
                Ipv6Full(&k.addr),
                k.port_host(),
                self.sched
            )?;
        } else {
            let ip = u32::from_be_bytes([k.addr[0], k.addr[1], k.addr[2], k.addr[3]]);
            write!(
                f,
                "{}  {:08X}:{:04X} {} {} ",
                ProtoName(k.protocol),
                ip,
                k.port_host(),
                self.sched,
                ops
            )?;
        }
        if self.flags & flag::PERSISTENT != 0 {
            writeln!(
                f,
                "persistent {} {:08X}",
                self.timeout_jiffies,
                u32::from_be(self.netmask)
            )
        } else {
            writeln!(f)
        }
    }
}

/// `ip_vs_fwd_name()`: the forwarding method of `IP_VS_CONN_F_*` flags.
pub(crate) fn fwd_name(conn_flags: u32) -> &'static str {
    match conn_flags & 0x0007 {
        0x0001 => "Local",
        0x0002 => "Tunnel",
        0x0003 => "Route",
        _ => "Masq",
    }
}

/// The line of one destination.
pub(crate) struct DestLine<'a> {
    /// Its family.
    pub(crate) af: Af,
    /// Its address as stored.
    pub(crate) addr: &'a [u8; 16],
    /// Its port (`__be16` bits).
    pub(crate) port: u16,
    /// Its `IP_VS_CONN_F_*` flags.
    pub(crate) conn_flags: u32,
    /// Weight and connection counts.
    pub(crate) weight: i32,
    pub(crate) active: i32,
    pub(crate) inactive: i32,
}

impl fmt::Display for DestLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = u16::from_be(self.port);
        if self.af == Af::Inet6 {
            write!(f, "  -> [{}]:{:04X}", Ipv6Full(self.addr), port)?;
        } else {
            let a = self.addr;
            let ip = u32::from_be_bytes([a[0], a[1], a[2], a[3]]);
            write!(f, "  -> {ip:08X}:{port:04X}")?;
        }
        writeln!(
            f,
            "      {:<7} {:<6} {:<10} {:<10}",
            fwd_name(self.conn_flags),
            self.weight,
            self.active,
            self.inactive
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    fn key(af: Af, protocol: u16, addr: [u8; 16], port: u16, fwmark: u32) -> Key {
        Key {
            af,
            protocol,
            addr,
            port: port.to_be(),
            fwmark,
        }
    }

    fn v4(a: [u8; 4]) -> [u8; 16] {
        let mut b = [0; 16];
        b[..4].copy_from_slice(&a);
        b
    }

    // Expected lines: /proc/net/ip_vs of the C IPVS in the test VM after
    // `ipvsadm -A -t 10.0.0.1:80 -s none -p 60 -M 255.255.255.0`,
    // `-A -f 7 -s none` and `-A -t [2001:db8::1]:443 -s none` (HZ=250).
    #[test]
    fn lines_match_the_c_ipvs() {
        let k = key(Af::Inet, 6, v4([10, 0, 0, 1]), 80, 0);
        let l = ServiceLine {
            key: &k,
            sched: "none",
            flags: flag::PERSISTENT,
            timeout_jiffies: 15000,
            netmask: u32::from_be_bytes([255, 255, 255, 0]).to_be(),
        };
        assert_eq!(
            format!("{l}"),
            "TCP  0A000001:0050 none  persistent 15000 FFFFFF00\n"
        );
        let k = key(Af::Inet, 6, [0; 16], 0, 7);
        let l = ServiceLine {
            key: &k,
            sched: "none",
            flags: 0,
            timeout_jiffies: 0,
            netmask: !0,
        };
        assert_eq!(format!("{l}"), "FWM  00000007 none \n");
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        a[15] = 1;
        let k = key(Af::Inet6, 6, a, 443, 0);
        let l = ServiceLine {
            key: &k,
            sched: "none",
            flags: flag::ONEPACKET,
            timeout_jiffies: 0,
            netmask: 128,
        };
        assert_eq!(
            format!("{l}"),
            "TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB none \n"
        );
    }

    // Expected: the C format "  -> %08X:%04X      %-7s %-6d %-10d %-10d".
    #[test]
    fn dest_lines() {
        let d = DestLine {
            af: Af::Inet,
            addr: &v4([192, 168, 1, 2]),
            port: 8080u16.to_be(),
            conn_flags: 0x0003,
            weight: 1,
            active: 0,
            inactive: 12,
        };
        assert_eq!(
            format!("{d}"),
            "  -> C0A80102:1F90      Route   1      0          12        \n"
        );
        assert_eq!(fwd_name(0x0100), "Masq");
        assert_eq!(fwd_name(0x0002), "Tunnel");
    }

    #[test]
    fn protocol_names() {
        assert_eq!(format!("{}", ProtoName(132)), "SCTP");
        assert_eq!(format!("{}", ProtoName(50)), "IP_50");
    }
}
