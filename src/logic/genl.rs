// SPDX-License-Identifier: GPL-2.0

//! Numbers of the `IPVS` generic netlink family.
//!
//! C header: [`include/uapi/linux/ip_vs.h`](srctree/include/uapi/linux/ip_vs.h)
//! (checked against the header at build time in `ffi::abi`).

/// `IPVS_GENL_NAME`.
pub(crate) const FAMILY_NAME: &core::ffi::CStr = c"IPVS";
/// `IPVS_GENL_VERSION`.
pub(crate) const FAMILY_VERSION: u32 = 1;

/// `IPVS_CMD_*`.
pub(crate) mod cmd {
    pub(crate) const NEW_SERVICE: u8 = 1;
    pub(crate) const SET_SERVICE: u8 = 2;
    pub(crate) const DEL_SERVICE: u8 = 3;
    pub(crate) const GET_SERVICE: u8 = 4;
    pub(crate) const NEW_DEST: u8 = 5;
    pub(crate) const SET_DEST: u8 = 6;
    pub(crate) const DEL_DEST: u8 = 7;
    pub(crate) const GET_DEST: u8 = 8;
    pub(crate) const NEW_DAEMON: u8 = 9;
    pub(crate) const DEL_DAEMON: u8 = 10;
    pub(crate) const GET_DAEMON: u8 = 11;
    pub(crate) const SET_CONFIG: u8 = 12;
    pub(crate) const GET_CONFIG: u8 = 13;
    pub(crate) const SET_INFO: u8 = 14;
    pub(crate) const GET_INFO: u8 = 15;
    pub(crate) const ZERO: u8 = 16;
    pub(crate) const FLUSH: u8 = 17;
}

/// `IPVS_CMD_ATTR_*`: top-level request attributes.
pub(crate) mod cmd_attr {
    pub(crate) const SERVICE: u16 = 1;
    pub(crate) const DEST: u16 = 2;
    pub(crate) const DAEMON: u16 = 3;
    pub(crate) const TIMEOUT_TCP: u16 = 4;
    pub(crate) const TIMEOUT_TCP_FIN: u16 = 5;
    pub(crate) const TIMEOUT_UDP: u16 = 6;
    /// `IPVS_CMD_ATTR_MAX`.
    pub(crate) const MAX: u16 = 6;
}

/// `IPVS_INFO_ATTR_*`: attributes of the `GET_INFO` reply.
pub(crate) mod info_attr {
    pub(crate) const VERSION: u16 = 1;
    pub(crate) const CONN_TAB_SIZE: u16 = 2;
}
