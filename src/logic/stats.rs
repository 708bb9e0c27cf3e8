// SPDX-License-Identifier: GPL-2.0

//! Counters of a service, a destination or a namespace, as the control
//! interfaces report them.
//!
//! C: `struct ip_vs_kstats` in [`include/net/ip_vs.h`](srctree/include/net/ip_vs.h)

use core::fmt;

/// `IPVS_STATS_ATTR_*`: attributes nested in the `*_ATTR_STATS{,64}` ones.
pub(crate) mod attr {
    /// Connections scheduled.
    pub(crate) const CONNS: u16 = 1;
    /// Incoming packets.
    pub(crate) const INPKTS: u16 = 2;
    /// Outgoing packets.
    pub(crate) const OUTPKTS: u16 = 3;
    /// Incoming bytes.
    pub(crate) const INBYTES: u16 = 4;
    /// Outgoing bytes.
    pub(crate) const OUTBYTES: u16 = 5;
    /// Connection rate.
    pub(crate) const CPS: u16 = 6;
    /// Incoming packet rate.
    pub(crate) const INPPS: u16 = 7;
    /// Outgoing packet rate.
    pub(crate) const OUTPPS: u16 = 8;
    /// Incoming byte rate.
    pub(crate) const INBPS: u16 = 9;
    /// Outgoing byte rate.
    pub(crate) const OUTBPS: u16 = 10;
    /// Padding for 64-bit alignment.
    pub(crate) const PAD: u16 = 11;
}

/// A snapshot of counters and rates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Kstats {
    /// Connections scheduled.
    pub(crate) conns: u64,
    /// Incoming packets.
    pub(crate) inpkts: u64,
    /// Outgoing packets.
    pub(crate) outpkts: u64,
    /// Incoming bytes.
    pub(crate) inbytes: u64,
    /// Outgoing bytes.
    pub(crate) outbytes: u64,
    /// Connections per second.
    pub(crate) cps: u64,
    /// Incoming packets per second.
    pub(crate) inpps: u64,
    /// Outgoing packets per second.
    pub(crate) outpps: u64,
    /// Incoming bytes per second.
    pub(crate) inbps: u64,
    /// Outgoing bytes per second.
    pub(crate) outbps: u64,
}

impl Kstats {
    /// The fields in attribute order (`CONNS` first), as the 64-bit stats
    /// attribute carries them; the 32-bit one truncates each.
    pub(crate) fn fields(&self) -> [(u16, u64); 10] {
        [
            (attr::CONNS, self.conns),
            (attr::INPKTS, self.inpkts),
            (attr::OUTPKTS, self.outpkts),
            (attr::INBYTES, self.inbytes),
            (attr::OUTBYTES, self.outbytes),
            (attr::CPS, self.cps),
            (attr::INPPS, self.inpps),
            (attr::OUTPPS, self.outpps),
            (attr::INBPS, self.inbps),
            (attr::OUTBPS, self.outbps),
        ]
    }

    /// Whether the 32-bit stats attribute carries this field as a u64
    /// (the byte counters) or truncated to a u32 (the rest).
    pub(crate) fn is_wide_in_stats32(attr: u16) -> bool {
        matches!(attr, attr::INBYTES | attr::OUTBYTES)
    }
}

/// `/proc/net/ip_vs_stats` (`ip_vs_stats_show()`): a namespace's totals
/// and rates in upper-case hex.
pub(crate) struct TotalsFile<'a>(pub(crate) &'a Kstats);

impl fmt::Display for TotalsFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        f.write_str("   Total Incoming Outgoing         Incoming         Outgoing\n")?;
        f.write_str("   Conns  Packets  Packets            Bytes            Bytes\n")?;
        let (c, ip, op, ib, ob) = (s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes);
        writeln!(f, "{c:8X} {ip:8X} {op:8X} {ib:16X} {ob:16X}\n")?;
        f.write_str(" Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")?;
        let (c, ip, op, ib, ob) = (s.cps, s.inpps, s.outpps, s.inbps, s.outbps);
        writeln!(f, "{c:8X} {ip:8X} {op:8X} {ib:16X} {ob:16X}")
    }
}

/// `/proc/net/ip_vs_stats_percpu` (`ip_vs_stats_percpu_show()`): the
/// counters of each possible CPU, their sum and the rates.
pub(crate) struct PerCpuFile<'a> {
    /// The counters of CPU 0, 1...
    pub(crate) cpus: &'a [Kstats],
    /// The totals, with the rates.
    pub(crate) total: &'a Kstats,
}

impl fmt::Display for PerCpuFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("       Total Incoming Outgoing         Incoming         Outgoing\n")?;
        f.write_str("CPU    Conns  Packets  Packets            Bytes            Bytes\n")?;
        for (i, s) in self.cpus.iter().enumerate() {
            let (c, ip, op, ib, ob) = (s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes);
            writeln!(f, "{i:3X} {c:8X} {ip:8X} {op:8X} {ib:16X} {ob:16X}")?;
        }
        let s = self.total;
        let (c, ip, op, ib, ob) = (s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes);
        writeln!(f, "  ~ {c:8X} {ip:8X} {op:8X} {ib:16X} {ob:16X}\n")?;
        f.write_str("     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n")?;
        let (c, ip, op, ib, ob) = (s.cps, s.inpps, s.outpps, s.inbps, s.outbps);
        writeln!(f, "    {c:8X} {ip:8X} {op:8X} {ib:16X} {ob:16X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_in_attribute_order() {
        let s = Kstats {
            conns: 1,
            outbps: 10,
            ..Default::default()
        };
        let f = s.fields();
        for (i, (a, _)) in f.iter().enumerate() {
            assert_eq!(usize::from(*a), i + 1);
        }
        assert_eq!(f[0].1, 1);
        assert_eq!(f[9].1, 10);
        assert!(Kstats::is_wide_in_stats32(attr::INBYTES));
        assert!(!Kstats::is_wide_in_stats32(attr::CONNS));
    }

    fn example() -> Kstats {
        Kstats {
            conns: 3,
            inpkts: 0x1f,
            outpkts: 0x10,
            inbytes: 0x1234,
            outbytes: 0xabcdef,
            ..Default::default()
        }
    }

    #[test]
    fn totals_file() {
        // ip_vs_ctl.c ip_vs_stats_show(): "%8LX %8LX %8LX %16LX %16LX\n\n".
        let out = format!("{}", TotalsFile(&example()));
        let want = "   Total Incoming Outgoing         Incoming         Outgoing\n\
                    \x20  Conns  Packets  Packets            Bytes            Bytes\n\
                    \x20      3       1F       10             1234           ABCDEF\n\
                    \n\
                    \x20Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n\
                    \x20      0        0        0                0                0\n";
        assert_eq!(out, want);
    }

    #[test]
    fn per_cpu_file() {
        // ip_vs_stats_percpu_show(): "%3X " per CPU, "  ~ " for the sum.
        let cpus = [example(), Kstats::default()];
        let out = format!(
            "{}",
            PerCpuFile {
                cpus: &cpus,
                total: &example()
            }
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[2],
            "  0        3       1F       10             1234           ABCDEF"
        );
        assert_eq!(
            lines[3],
            "  1        0        0        0                0                0"
        );
        assert_eq!(
            lines[4],
            "  ~        3       1F       10             1234           ABCDEF"
        );
        assert_eq!(lines[5], "");
        assert_eq!(
            lines[7],
            "           0        0        0                0                0"
        );
    }
}
