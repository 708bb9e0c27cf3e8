// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/ip_vs`: the service table in the C IPVS's text format.
//!
//! C: `ip_vs_info_seq_show()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::ipvs_of;
use crate::{
    conn,
    ffi::{pernet::Net, procfs::Show},
    logic::version::Banner,
};
use core::fmt;
use kernel::prelude::*;

/// The contents of `/proc/net/ip_vs`.
pub(crate) struct Services;

impl Show for Services {
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result {
        ipvs_of(net)?;
        let banner = Banner {
            conn_tab_size: conn::table_size(),
        };
        // The header, then one block per service; no service can exist yet.
        write!(
            out,
            "{banner}\n\
             Prot LocalAddress:Port Scheduler Flags\n  \
             -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
        )
        .map_err(|_| ENOMEM)
    }
}
