// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/ip_vs`: the service table in the C IPVS's text format.
//!
//! C: `ip_vs_info_seq_show()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::ipvs_of;
use crate::{
    conn,
    ffi::{pernet::Net, procfs::Show, time::HZ},
    logic::{
        addr::Af,
        procfs::{DestLine, ServiceLine},
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
        for s in (0..).map_while(|i| services.get(i)) {
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
                    conn_flags: d.conn_flags,
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
