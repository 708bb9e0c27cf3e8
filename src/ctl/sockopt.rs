// SPDX-License-Identifier: GPL-2.0

//! The sockopt interface of IPVS, for clients built without libnl.
//!
//! C: `do_ip_vs_get_ctl()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::ipvs_of;
use crate::{
    conn,
    ffi::sockopt::{GetHandler, GetRequest},
    logic::{
        addr::Af,
        sockopt::{self as so, GetCmd},
        version::{Banner, VERSION_CODE},
    },
};
use kernel::prelude::*;

/// Serves `getsockopt`.
pub(crate) struct Sockopt;

/// The `u32` at `offset` of a request structure.
fn field_u32(arg: &[u8], offset: usize) -> Result<u32> {
    let bytes = arg.get(offset..offset + 4).ok_or(EINVAL)?;
    Ok(u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

impl GetHandler for Sockopt {
    fn get(req: &mut GetRequest<'_>) -> Result {
        if !req.net_admin() {
            return Err(EPERM);
        }
        let cmd = GetCmd::from_optval(req.optval()).ok_or(EINVAL)?;
        if req.len() < cmd.arg_len() {
            return Err(EINVAL);
        }
        let arg = req.read(cmd.arg_len())?;
        let net = req.net()?;
        let ipvs = ipvs_of(&net)?;
        match cmd {
            GetCmd::Version => {
                let banner = Banner {
                    conn_tab_size: conn::table_size(),
                }
                .to_c_string();
                let bytes = banner.bytes_with_nul();
                req.write(bytes)?;
                req.set_len(bytes.len())
            }
            GetCmd::Info => {
                // The old interface knows IPv4 services only.
                let n = ipvs.services.lock().count(Af::Inet);
                req.write(&so::encode_info(
                    VERSION_CODE,
                    conn::table_size(),
                    n.try_into()?,
                ))
            }
            GetCmd::Services => {
                let wanted = so::table_len(
                    so::GET_SERVICES_LEN,
                    field_u32(&arg, 0)?,
                    so::SERVICE_ENTRY_LEN,
                );
                if wanted != Some(req.len()) {
                    return Err(EINVAL);
                }
                // No services can exist yet: no entry to copy.
                Ok(())
            }
            GetCmd::Dests => {
                let wanted =
                    so::table_len(so::GET_DESTS_LEN, field_u32(&arg, 16)?, so::DEST_ENTRY_LEN);
                if wanted != Some(req.len()) {
                    return Err(EINVAL);
                }
                Err(ESRCH)
            }
            GetCmd::Service => Err(ESRCH),
            GetCmd::Timeout => {
                let t = *ipvs.timeouts.lock();
                req.write(&so::encode_timeouts(&t))
            }
            GetCmd::Daemon => req.write(&[0; 2 * so::DAEMON_USER_LEN]),
            GetCmd::Dest => Err(EINVAL),
        }
    }
}
