// SPDX-License-Identifier: GPL-2.0

//! The fixed structures of the IPVS sockopt interface, as bytes.
//!
//! C header: [`include/uapi/linux/ip_vs.h`](srctree/include/uapi/linux/ip_vs.h)

use super::timeouts::Timeouts;

/// `IP_VS_BASE_CTL`: the first sockopt number of IPVS.
pub(crate) const BASE_CTL: i32 = 64 + 1024 + 64;

/// The `getsockopt` commands (`IP_VS_SO_GET_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GetCmd {
    /// The version banner as a C string.
    Version,
    /// `struct ip_vs_getinfo`.
    Info,
    /// `struct ip_vs_get_services` and its entries.
    Services,
    /// One `struct ip_vs_service_entry`.
    Service,
    /// `struct ip_vs_get_dests` and its entries.
    Dests,
    /// Not used by anyone; answered with EINVAL as in C.
    Dest,
    /// `struct ip_vs_timeout_user`.
    Timeout,
    /// Two `struct ip_vs_daemon_user`.
    Daemon,
}

/// `sizeof(struct ip_vs_service_entry)`.
pub(crate) const SERVICE_ENTRY_LEN: usize = 104;
/// `sizeof(struct ip_vs_dest_entry)`.
pub(crate) const DEST_ENTRY_LEN: usize = 96;
/// `sizeof(struct ip_vs_daemon_user)`.
pub(crate) const DAEMON_USER_LEN: usize = 24;
/// `sizeof(struct ip_vs_get_services)` without entries.
pub(crate) const GET_SERVICES_LEN: usize = 8;
/// `sizeof(struct ip_vs_get_dests)` without entries.
pub(crate) const GET_DESTS_LEN: usize = 24;

impl GetCmd {
    /// The last `getsockopt` number plus one.
    pub(crate) const END: i32 = BASE_CTL + 8;

    /// Decodes a `getsockopt` number.
    pub(crate) fn from_optval(optval: i32) -> Option<GetCmd> {
        use GetCmd::*;
        Some(match optval.checked_sub(BASE_CTL)? {
            0 => Version,
            1 => Info,
            2 => Services,
            3 => Service,
            4 => Dests,
            5 => Dest,
            6 => Timeout,
            7 => Daemon,
            _ => return None,
        })
    }

    /// How many bytes the caller must at least pass (`get_arglen` in C).
    pub(crate) fn arg_len(self) -> usize {
        match self {
            GetCmd::Version => 64,
            GetCmd::Info => 12,
            GetCmd::Services => GET_SERVICES_LEN,
            GetCmd::Service => SERVICE_ENTRY_LEN,
            GetCmd::Dests => GET_DESTS_LEN,
            GetCmd::Dest => 0,
            GetCmd::Timeout => 12,
            GetCmd::Daemon => 2 * DAEMON_USER_LEN,
        }
    }
}

/// `struct ip_vs_getinfo` in native byte order.
pub(crate) fn encode_info(version: u32, size: u32, num_services: u32) -> [u8; 12] {
    let mut b = [0; 12];
    b[0..4].copy_from_slice(&version.to_ne_bytes());
    b[4..8].copy_from_slice(&size.to_ne_bytes());
    b[8..12].copy_from_slice(&num_services.to_ne_bytes());
    b
}

/// `struct ip_vs_timeout_user` in native byte order.
pub(crate) fn encode_timeouts(t: &Timeouts) -> [u8; 12] {
    let mut b = [0; 12];
    b[0..4].copy_from_slice(&t.tcp.to_ne_bytes());
    b[4..8].copy_from_slice(&t.tcp_fin.to_ne_bytes());
    b[8..12].copy_from_slice(&t.udp.to_ne_bytes());
    b
}

/// The exact length a table request must have: the header plus `count`
/// entries of `entry_len` bytes, or `None` on overflow.
pub(crate) fn table_len(header: usize, count: u32, entry_len: usize) -> Option<usize> {
    usize::try_from(count)
        .ok()?
        .checked_mul(entry_len)?
        .checked_add(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optvals_round_trip() {
        assert_eq!(GetCmd::from_optval(1152), Some(GetCmd::Version));
        assert_eq!(GetCmd::from_optval(1159), Some(GetCmd::Daemon));
        assert_eq!(GetCmd::from_optval(1160), None);
        assert_eq!(GetCmd::from_optval(1151), None);
        assert_eq!(GetCmd::from_optval(i32::MIN), None);
        assert_eq!(GetCmd::END, 1160);
    }

    #[test]
    fn info_layout() {
        let b = encode_info(0x010201, 4096, 3);
        assert_eq!(&b[0..4], &0x010201u32.to_ne_bytes());
        assert_eq!(&b[4..8], &4096u32.to_ne_bytes());
        assert_eq!(&b[8..12], &3u32.to_ne_bytes());
    }

    #[test]
    fn timeouts_layout() {
        let b = encode_timeouts(&Timeouts::DEFAULT);
        assert_eq!(&b[0..4], &900u32.to_ne_bytes());
        assert_eq!(&b[8..12], &300u32.to_ne_bytes());
    }

    #[test]
    fn table_len_checks_overflow() {
        assert_eq!(table_len(8, 0, SERVICE_ENTRY_LEN), Some(8));
        assert_eq!(table_len(8, 2, SERVICE_ENTRY_LEN), Some(216));
        assert_eq!(table_len(4, u32::MAX, usize::MAX), None);
    }
}
