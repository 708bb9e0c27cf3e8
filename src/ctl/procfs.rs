// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/ip_vs`, `ip_vs_conn`, `ip_vs_conn_sync`, `ip_vs_stats` and
//! `ip_vs_stats_percpu`: the service and connection tables and the
//! counters in the C IPVS's text format.
//!
//! C: `ip_vs_info_seq_show()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::ipvs_of;
use crate::{
    conn,
    ffi::{
        pernet::Net,
        procfs::Show,
        time::{self, HZ},
    },
    logic::{
        addr::Af,
        conn_proc::{self, ConnLine, Pe, SyncLine},
        procfs::{DestLine, ServiceLine},
        stats::{PerCpuFile, TotalsFile},
        version::Banner,
    },
};
use core::fmt;
use kernel::prelude::*;

/// The contents of `/proc/net/ip_vs`.
pub(crate) struct Services;

impl Show for Services {
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result {
        let ipvs = ipvs_of(net)?;
        let banner = Banner {
            conn_tab_size: conn::table_size(),
        };
        write!(
            out,
            "{banner}\n\
             Prot LocalAddress:Port Scheduler Flags\n  \
             -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
        )
        .map_err(|_| ENOMEM)?;
        let services = ipvs.services.lock();
        for s in services.iter() {
            let line = ServiceLine {
                key: &s.key,
                sched: core::str::from_utf8(s.sched_name()).unwrap_or("?"),
                flags: s.flags,
                timeout_jiffies: u64::from(s.timeout) * u64::from(HZ),
                netmask: s.netmask,
            };
            write!(out, "{line}").map_err(|_| ENOMEM)?;
            for d in s.dests.iter() {
                let line = DestLine {
                    af: if d.af() == Af::Inet6.raw() {
                        Af::Inet6
                    } else {
                        Af::Inet
                    },
                    addr: &d.shared.addr,
                    port: d.shared.port,
                    conn_flags: d.conn_flags(),
                    weight: d.weight(),
                    active: d.activeconns(),
                    inactive: d.inactconns(),
                };
                write!(out, "{line}").map_err(|_| ENOMEM)?;
            }
        }
        Ok(())
    }
}

/// Writes `header`, then a line per connection of `net` made by `line`
/// from its description and flags.
///
/// C: `ip_vs_conn_seq_show()` and `ip_vs_conn_sync_seq_show()` in
/// [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c)
fn show_conns(
    net: &Net,
    out: &mut dyn fmt::Write,
    header: &str,
    line: fn(&mut dyn fmt::Write, &ConnLine<'_>, u32) -> fmt::Result,
) -> Result {
    let ipvs = ipvs_of(net)?;
    out.write_str(header).map_err(|_| ENOMEM)?;
    let now = time::jiffies();
    // Writing only copies into the seq_file's buffer: no sleeping.
    ipvs.dp.conns.try_for_each(|c| {
        let left = if time::after(c.expires(), now) {
            c.expires().wrapping_sub(now)
        } else {
            0
        };
        let desc = ConnLine {
            protocol: u16::from(c.protocol),
            af: Af::Inet,
            daf: Af::Inet,
            caddr: &c.client.addr,
            cport: c.client.port,
            vaddr: &c.virt.addr,
            vport: c.virt.port,
            daddr: &c.real.addr,
            dport: c.listed_port(),
            state: c.state_name(),
            expires: u32::try_from(left / u64::from(HZ)).unwrap_or(u32::MAX),
            pe: c.pe_data.as_ref().map(|p| Pe {
                name: core::str::from_utf8(p.pe.name().to_bytes()).unwrap_or(""),
                data: &p.data,
            }),
        };
        line(out, &desc, c.flags()).map_err(|_| ENOMEM)
    })
}

/// The contents of `/proc/net/ip_vs_conn`: one line per connection.
pub(crate) struct Conns;

impl Show for Conns {
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result {
        show_conns(net, out, conn_proc::HEADER, |out, c, _| write!(out, "{c}"))
    }
}

/// The contents of `/proc/net/ip_vs_conn_sync`: the same with each
/// connection's origin (local or the sync daemon).
pub(crate) struct ConnsSync;

impl Show for ConnsSync {
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result {
        show_conns(net, out, conn_proc::SYNC_HEADER, |out, c, flags| {
            write!(
                out,
                "{}",
                SyncLine {
                    conn: c,
                    conn_flags: flags,
                }
            )
        })
    }
}

/// The contents of `/proc/net/ip_vs_stats`: the namespace's totals.
pub(crate) struct Stats;

impl Show for Stats {
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result {
        let total = ipvs_of(net)?.dp.total.snapshot();
        write!(out, "{}", TotalsFile(&total)).map_err(|_| ENOMEM)
    }
}

/// The contents of `/proc/net/ip_vs_stats_percpu`: the totals by CPU.
pub(crate) struct StatsPerCpu;

impl Show for StatsPerCpu {
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result {
        let total = &ipvs_of(net)?.dp.total;
        let mut cpus = KVec::new();
        for s in total.each() {
            cpus.push(s, GFP_KERNEL)?;
        }
        let file = PerCpuFile {
            cpus: &cpus,
            total: &total.snapshot(),
        };
        write!(out, "{file}").map_err(|_| ENOMEM)
    }
}
