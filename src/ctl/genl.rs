// SPDX-License-Identifier: GPL-2.0

//! The `IPVS` generic netlink family, as `ipvsadm` uses it.
//!
//! C: the generic netlink part of
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::ipvs_of;
use crate::{
    conn,
    ffi::genl::{AttrType, Dump, FamilySpec, Handler, Op, Request},
    logic::{
        genl::{cmd, cmd_attr, info_attr, FAMILY_NAME, FAMILY_VERSION},
        version::VERSION_CODE,
    },
};
use kernel::prelude::*;

const fn doit(cmd: u8) -> Op {
    Op {
        cmd,
        doit: true,
        dumpit: false,
    }
}

const fn dumpit(cmd: u8) -> Op {
    Op {
        cmd,
        doit: false,
        dumpit: true,
    }
}

/// The family as registered.
pub(crate) const FAMILY: FamilySpec = FamilySpec {
    name: FAMILY_NAME,
    version: FAMILY_VERSION,
    maxattr: cmd_attr::MAX,
    policy: &[
        (cmd_attr::SERVICE, AttrType::Nested),
        (cmd_attr::DEST, AttrType::Nested),
        (cmd_attr::DAEMON, AttrType::Nested),
        (cmd_attr::TIMEOUT_TCP, AttrType::U32),
        (cmd_attr::TIMEOUT_TCP_FIN, AttrType::U32),
        (cmd_attr::TIMEOUT_UDP, AttrType::U32),
    ],
    ops: &[
        dumpit(cmd::GET_SERVICE),
        dumpit(cmd::GET_DAEMON),
        doit(cmd::GET_CONFIG),
        doit(cmd::GET_INFO),
    ],
    resv_start_op: cmd::FLUSH + 1,
};

/// Serves the family.
pub(crate) struct Genl;

impl Handler for Genl {
    fn doit(req: &mut Request<'_>) -> Result {
        let net = req.net()?;
        let ipvs = ipvs_of(&net)?;
        match req.cmd() {
            cmd::GET_INFO => req.reply(cmd::SET_INFO, |msg| {
                msg.put_u32(info_attr::VERSION, VERSION_CODE)?;
                msg.put_u32(info_attr::CONN_TAB_SIZE, conn::table_size())
            }),
            cmd::GET_CONFIG => {
                let t = *ipvs.timeouts.lock();
                req.reply(cmd::SET_CONFIG, |msg| {
                    msg.put_u32(cmd_attr::TIMEOUT_TCP, t.tcp)?;
                    msg.put_u32(cmd_attr::TIMEOUT_TCP_FIN, t.tcp_fin)?;
                    msg.put_u32(cmd_attr::TIMEOUT_UDP, t.udp)
                })
            }
            _ => Err(EINVAL),
        }
    }

    fn dumpit(dump: &mut Dump<'_>) -> Result {
        let net = dump.net()?;
        ipvs_of(&net)?;
        match dump.cmd() {
            // No services can exist yet, and no sync daemon runs.
            cmd::GET_SERVICE | cmd::GET_DAEMON => Ok(()),
            _ => Err(EINVAL),
        }
    }
}
