// SPDX-License-Identifier: GPL-2.0

//! Lines of `/proc/net/ip_vs_conn` and `/proc/net/ip_vs_conn_sync` in the
//! C IPVS's format, which `ipvsadm -Lnc` also parses.
//!
//! C: `ip_vs_conn_seq_show()` and `ip_vs_conn_sync_seq_show()` in
//! [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c);
//! protocol names are [`ProtoName`] (`ip_vs_proto_name()`).

use super::{
    addr::Af,
    procfs::{Ipv6Full, ProtoName},
};
use core::fmt::{self, Write};

/// The first line of `/proc/net/ip_vs_conn`.
pub(crate) const HEADER: &str =
    "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";

/// The first line of `/proc/net/ip_vs_conn_sync`.
pub(crate) const SYNC_HEADER: &str =
    "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n";

/// `IP_VS_CONN_F_SYNC`: the connection was created by the sync daemon.
const CONN_F_SYNC: u32 = 0x0020;

/// A persistence engine's part of a line: its name and the data its
/// `show_pe_data()` gives (for SIP, the Call-ID).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pe<'a> {
    /// The engine's name (`pe->name`).
    pub(crate) name: &'a str,
    /// The connection's `pe_data` as the engine shows it.
    pub(crate) data: &'a [u8],
}

/// One connection as its `/proc` lines show it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnLine<'a> {
    /// `cp->protocol`.
    pub(crate) protocol: u16,
    /// The family of the client and virtual addresses (`cp->af`).
    pub(crate) af: Af,
    /// The family of the destination address (`cp->daf`), which differs
    /// from `af` for an IPv6 service tunnelled to an IPv4 server or back.
    pub(crate) daf: Af,
    /// Client address, network order.
    pub(crate) caddr: &'a [u8; 16],
    /// Client port (`__be16` bits).
    pub(crate) cport: u16,
    /// Virtual address, network order.
    pub(crate) vaddr: &'a [u8; 16],
    /// Virtual port (`__be16` bits).
    pub(crate) vport: u16,
    /// Destination address, network order.
    pub(crate) daddr: &'a [u8; 16],
    /// Destination port (`__be16` bits).
    pub(crate) dport: u16,
    /// `ip_vs_state_name()`: the protocol's state name, or for a
    /// persistence template "NONE" / "ASSURED".
    pub(crate) state: &'a str,
    /// Seconds until the timer fires, rounded down; 0 once past.
    pub(crate) expires: u32,
    /// The persistence engine, when the connection has `pe_data`.
    pub(crate) pe: Option<Pe<'a>>,
}

/// A [`fmt::Write`] that counts the bytes going through it.
struct Counting<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    len: usize,
}

impl Write for Counting<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.len += s.len();
        self.f.write_str(s)
    }
}

/// An address as the lines print it: `%pI6` for IPv6, `%08X` of the host
/// order value for IPv4.
struct Addr<'a>(Af, &'a [u8; 16]);

impl fmt::Display for Addr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Af::Inet6 => fmt::Display::fmt(&Ipv6Full(self.1), f),
            Af::Inet => {
                let a = self.1;
                write!(f, "{:08X}", u32::from_be_bytes([a[0], a[1], a[2], a[3]]))
            }
        }
    }
}

impl ConnLine<'_> {
    /// What both files print first:
    /// `"%-3s %s %04X %s %04X %s %04X %-11s "`.
    fn common(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ProtoName writes without padding; "%-3s" pads to three columns.
        let mut c = Counting { f, len: 0 };
        write!(c, "{}", ProtoName(self.protocol))?;
        for _ in c.len..3 {
            f.write_str(" ")?;
        }
        write!(
            f,
            " {} {:04X} {} {:04X} {} {:04X} {:<11} ",
            Addr(self.af, self.caddr),
            u16::from_be(self.cport),
            Addr(self.af, self.vaddr),
            u16::from_be(self.vport),
            Addr(self.daf, self.daddr),
            u16::from_be(self.dport),
            self.state
        )
    }
}

impl fmt::Display for ConnLine<'_> {
    /// The line of `/proc/net/ip_vs_conn`.
    ///
    /// C prints the engine's data with `%s`, so it ends at a NUL byte; bytes
    /// that are not UTF-8 come out as U+FFFD, the one place where this can
    /// differ from C.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.common(f)?;
        write!(f, "{:>7}", self.expires)?;
        if let Some(pe) = self.pe {
            write!(f, " {} ", pe.name)?;
            let data = pe.data.split(|&b| b == 0).next().unwrap_or(&[]);
            for chunk in data.utf8_chunks() {
                f.write_str(chunk.valid())?;
                if !chunk.invalid().is_empty() {
                    f.write_char(char::REPLACEMENT_CHARACTER)?;
                }
            }
        }
        writeln!(f)
    }
}

/// The line of `/proc/net/ip_vs_conn_sync` for a connection.
pub(crate) struct SyncLine<'a> {
    /// The connection; its `pe` is not shown.
    pub(crate) conn: &'a ConnLine<'a>,
    /// Its `IP_VS_CONN_F_*` flags, for the origin column.
    pub(crate) conn_flags: u32,
}

/// `ip_vs_origin_name()`: "SYNC" for a connection the sync daemon made,
/// "LOCAL" otherwise.
pub(crate) fn origin_name(conn_flags: u32) -> &'static str {
    if conn_flags & CONN_F_SYNC != 0 {
        "SYNC"
    } else {
        "LOCAL"
    }
}

impl fmt::Display for SyncLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.conn.common(f)?;
        writeln!(
            f,
            "{:<6} {:>7}",
            origin_name(self.conn_flags),
            self.conn.expires
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    fn v4(a: [u8; 4]) -> [u8; 16] {
        let mut b = [0; 16];
        b[..4].copy_from_slice(&a);
        b
    }

    fn v6(last: u8) -> [u8; 16] {
        let mut b = [0; 16];
        b[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        b[15] = last;
        b
    }

    fn be(p: u16) -> u16 {
        p.to_be()
    }

    #[test]
    fn headers() {
        // The seq_puts() of SEQ_START_TOKEN in both show functions.
        assert_eq!(HEADER.len(), 80);
        assert!(HEADER.starts_with("Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State"));
        assert!(SYNC_HEADER.ends_with("State       Origin Expires\n"));
    }

    // Expected: the IPv4 format "%-3s %08X %04X %08X %04X %s %04X %-11s
    // %7u%s\n" of ip_vs_conn_seq_show(), as ipvsadm's man page example
    // "TCP C0A80A01 B0C4 C0A80A64 0050 C0A80B02 0050 ESTABLISHED     897".
    #[test]
    fn ipv4_line() {
        let (c, v, d) = (
            v4([192, 168, 10, 1]),
            v4([192, 168, 10, 100]),
            v4([192, 168, 11, 2]),
        );
        let l = ConnLine {
            protocol: 6,
            af: Af::Inet,
            daf: Af::Inet,
            caddr: &c,
            cport: be(0xb0c4),
            vaddr: &v,
            vport: be(80),
            daddr: &d,
            dport: be(80),
            state: "ESTABLISHED",
            expires: 897,
            pe: None,
        };
        assert_eq!(
            format!("{l}"),
            "TCP C0A80A01 B0C4 C0A80A64 0050 C0A80B02 0050 ESTABLISHED     897\n"
        );
        // "%-11s" pads short state names; "%7u" takes all ten digits.
        let l = ConnLine {
            protocol: 17,
            state: "UDP",
            expires: u32::MAX,
            ..l
        };
        assert_eq!(
            format!("{l}"),
            "UDP C0A80A01 B0C4 C0A80A64 0050 C0A80B02 0050 UDP         4294967295\n"
        );
    }

    // Expected: "%-3s" of ip_vs_proto_name(IPPROTO_IP) is "IP " (a
    // template of a firewall-mark service), and IP_%u for the rest.
    #[test]
    fn protocol_column() {
        let (c, v, d) = (v4([10, 0, 0, 2]), v4([0, 0, 0, 1]), v4([10, 0, 1, 1]));
        let l = ConnLine {
            protocol: 0,
            af: Af::Inet,
            daf: Af::Inet,
            caddr: &c,
            cport: 0,
            vaddr: &v,
            vport: 0,
            daddr: &d,
            dport: 0,
            state: "NONE",
            expires: 0,
            pe: None,
        };
        assert_eq!(
            format!("{l}"),
            "IP  0A000002 0000 00000001 0000 0A000101 0000 NONE              0\n"
        );
        let l = ConnLine { protocol: 47, ..l };
        assert!(format!("{l}").starts_with("IP_47 0A000002 "));
    }

    // Expected: the IPv6 format "%-3s %pI6 %04X %pI6 %04X %s %04X %-11s
    // %7u%s\n": full groups, no brackets; the destination follows daf.
    #[test]
    fn ipv6_lines() {
        let (c, v, d) = (v6(2), v6(1), v6(0x64));
        let l = ConnLine {
            protocol: 6,
            af: Af::Inet6,
            daf: Af::Inet6,
            caddr: &c,
            cport: be(50000),
            vaddr: &v,
            vport: be(443),
            daddr: &d,
            dport: be(443),
            state: "SYN_RECV",
            expires: 59,
            pe: None,
        };
        assert_eq!(
            format!("{l}"),
            "TCP 2001:0db8:0000:0000:0000:0000:0000:0002 C350 \
             2001:0db8:0000:0000:0000:0000:0000:0001 01BB \
             2001:0db8:0000:0000:0000:0000:0000:0064 01BB SYN_RECV         59\n"
        );
        let d4 = v4([10, 1, 2, 3]);
        let l = ConnLine {
            daf: Af::Inet,
            daddr: &d4,
            ..l
        };
        assert_eq!(
            format!("{l}"),
            "TCP 2001:0db8:0000:0000:0000:0000:0000:0002 C350 \
             2001:0db8:0000:0000:0000:0000:0000:0001 01BB 0A010203 01BB SYN_RECV         59\n"
        );
    }

    // Expected: pe_data[] is " <name> <show_pe_data()>" after "%7u".
    #[test]
    fn persistence_engine_columns() {
        let (c, v, d) = (v4([10, 0, 0, 2]), v4([10, 0, 0, 1]), v4([10, 0, 1, 1]));
        let l = ConnLine {
            protocol: 17,
            af: Af::Inet,
            daf: Af::Inet,
            caddr: &c,
            cport: be(5060),
            vaddr: &v,
            vport: be(5060),
            daddr: &d,
            dport: be(5060),
            state: "UDP",
            expires: 299,
            pe: Some(Pe {
                name: "sip",
                data: b"a84b4c76e66710",
            }),
        };
        assert_eq!(
            format!("{l}"),
            "UDP 0A000002 13C4 0A000001 13C4 0A000101 13C4 UDP             299 sip a84b4c76e66710\n"
        );
        // "%s" stops at a NUL inside the data.
        let l = ConnLine {
            pe: Some(Pe {
                name: "sip",
                data: b"abc\0def",
            }),
            ..l
        };
        assert!(format!("{l}").ends_with(" 299 sip abc\n"));
    }

    // Expected: ip_vs_conn_sync_seq_show()'s "... %-11s %-6s %7u\n" and
    // ip_vs_origin_name() on IP_VS_CONN_F_SYNC (0x0020).
    #[test]
    fn sync_lines() {
        let (c, v, d) = (
            v4([192, 168, 10, 1]),
            v4([192, 168, 10, 100]),
            v4([192, 168, 11, 2]),
        );
        let l = ConnLine {
            protocol: 6,
            af: Af::Inet,
            daf: Af::Inet,
            caddr: &c,
            cport: be(0xb0c4),
            vaddr: &v,
            vport: be(80),
            daddr: &d,
            dport: be(80),
            state: "FIN_WAIT",
            expires: 12,
            pe: Some(Pe {
                name: "sip",
                data: b"x",
            }),
        };
        let s = SyncLine {
            conn: &l,
            conn_flags: 0,
        };
        assert_eq!(
            format!("{s}"),
            "TCP C0A80A01 B0C4 C0A80A64 0050 C0A80B02 0050 FIN_WAIT    LOCAL       12\n"
        );
        let s = SyncLine {
            conn: &l,
            conn_flags: CONN_F_SYNC | 0x0003,
        };
        assert_eq!(
            format!("{s}"),
            "TCP C0A80A01 B0C4 C0A80A64 0050 C0A80B02 0050 FIN_WAIT    SYNC        12\n"
        );
        assert_eq!(origin_name(0x0100), "LOCAL");
    }
}
