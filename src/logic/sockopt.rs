// SPDX-License-Identifier: GPL-2.0

//! The fixed structures of the IPVS sockopt interface, as bytes, and the
//! rules of its commands that need no table.
//!
//! C header: [`include/uapi/linux/ip_vs.h`](srctree/include/uapi/linux/ip_vs.h);
//! C code: `do_ip_vs_set_ctl()` and `do_ip_vs_get_ctl()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c).
//!
//! Every structure is in the caller's (native) byte order, but addresses and
//! ports, which are in network order: those are kept as the bits C's
//! `__be32`/`__be16` hold. The offsets are checked against bindgen's view of
//! the header in `ffi/abi.rs`.

use super::{
    addr::{self, Af},
    dest::SVCDEST_USER_LEN,
    errno::Errno,
    service::{self as svc, field, Key, SERVICE_USER_LEN},
    stats::Kstats,
    timeouts::{Request, Timeouts},
};

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
/// `sizeof(struct ip_vs_timeout_user)`.
pub(crate) const TIMEOUT_USER_LEN: usize = 12;
/// `sizeof(struct ip_vs_getinfo)`.
pub(crate) const GETINFO_LEN: usize = 12;
/// `IP_VS_IFNAME_MAXLEN`: a sync interface name with its NUL.
pub(crate) const IFNAME_MAXLEN: usize = 16;

/// Field offsets of `struct ip_vs_service_entry`.
pub(crate) mod service_entry {
    /// `protocol` (u16).
    pub(crate) const PROTOCOL: usize = 0;
    /// `addr` (`__be32`).
    pub(crate) const ADDR: usize = 4;
    /// `port` (`__be16`).
    pub(crate) const PORT: usize = 8;
    /// `fwmark` (u32).
    pub(crate) const FWMARK: usize = 12;
    /// `sched_name` (16 chars).
    pub(crate) const SCHED_NAME: usize = 16;
    /// `flags` (u32).
    pub(crate) const FLAGS: usize = 32;
    /// `timeout` (u32, seconds).
    pub(crate) const TIMEOUT: usize = 36;
    /// `netmask` (`__be32`).
    pub(crate) const NETMASK: usize = 40;
    /// `num_dests` (u32).
    pub(crate) const NUM_DESTS: usize = 44;
    /// `stats` (`struct ip_vs_stats_user`).
    pub(crate) const STATS: usize = 48;
}

/// Field offsets of `struct ip_vs_dest_entry`.
pub(crate) mod dest_entry {
    /// `addr` (`__be32`).
    pub(crate) const ADDR: usize = 0;
    /// `port` (`__be16`).
    pub(crate) const PORT: usize = 4;
    /// `conn_flags` (u32).
    pub(crate) const CONN_FLAGS: usize = 8;
    /// `weight` (int).
    pub(crate) const WEIGHT: usize = 12;
    /// `u_threshold` (u32).
    pub(crate) const U_THRESHOLD: usize = 16;
    /// `l_threshold` (u32).
    pub(crate) const L_THRESHOLD: usize = 20;
    /// `activeconns` (u32).
    pub(crate) const ACTIVECONNS: usize = 24;
    /// `inactconns` (u32).
    pub(crate) const INACTCONNS: usize = 28;
    /// `persistconns` (u32).
    pub(crate) const PERSISTCONNS: usize = 32;
    /// `stats` (`struct ip_vs_stats_user`).
    pub(crate) const STATS: usize = 40;
}

/// Field offsets of `struct ip_vs_stats_user`.
pub(crate) mod stats_user {
    /// `conns` (u32).
    pub(crate) const CONNS: usize = 0;
    /// `inpkts` (u32).
    pub(crate) const INPKTS: usize = 4;
    /// `outpkts` (u32).
    pub(crate) const OUTPKTS: usize = 8;
    /// `inbytes` (u64).
    pub(crate) const INBYTES: usize = 16;
    /// `outbytes` (u64).
    pub(crate) const OUTBYTES: usize = 24;
    /// `cps` (u32).
    pub(crate) const CPS: usize = 32;
    /// `inpps` (u32).
    pub(crate) const INPPS: usize = 36;
    /// `outpps` (u32).
    pub(crate) const OUTPPS: usize = 40;
    /// `inbps` (u32).
    pub(crate) const INBPS: usize = 44;
    /// `outbps` (u32).
    pub(crate) const OUTBPS: usize = 48;
}

/// Field offsets of `struct ip_vs_get_dests` (the first four are those of
/// `struct ip_vs_service_entry` too).
pub(crate) mod get_dests {
    /// `num_dests` (u32).
    pub(crate) const NUM_DESTS: usize = 16;
}

/// Field offsets of `struct ip_vs_get_services`.
pub(crate) mod get_services {
    /// `num_services` (u32).
    pub(crate) const NUM_SERVICES: usize = 0;
}

/// Field offsets of `struct ip_vs_timeout_user` (three ints).
pub(crate) mod timeout_user {
    /// `tcp_timeout`.
    pub(crate) const TCP: usize = 0;
    /// `tcp_fin_timeout`.
    pub(crate) const TCP_FIN: usize = 4;
    /// `udp_timeout`.
    pub(crate) const UDP: usize = 8;
}

/// Field offsets of `struct ip_vs_daemon_user`.
pub(crate) mod daemon_user {
    /// `state` (int, `IP_VS_STATE_*`).
    pub(crate) const STATE: usize = 0;
    /// `mcast_ifn` (16 chars).
    pub(crate) const MCAST_IFN: usize = 4;
    /// `syncid` (int).
    pub(crate) const SYNCID: usize = 20;
}

/// `IP_VS_STATE_*`: which sync daemon a daemon command means.
pub(crate) mod state {
    /// `IP_VS_STATE_MASTER`.
    pub(crate) const MASTER: i32 = 0x0001;
    /// `IP_VS_STATE_BACKUP`.
    pub(crate) const BACKUP: i32 = 0x0002;
}

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
            GetCmd::Info => GETINFO_LEN,
            GetCmd::Services => GET_SERVICES_LEN,
            GetCmd::Service => SERVICE_ENTRY_LEN,
            GetCmd::Dests => GET_DESTS_LEN,
            GetCmd::Dest => 0,
            GetCmd::Timeout => TIMEOUT_USER_LEN,
            GetCmd::Daemon => 2 * DAEMON_USER_LEN,
        }
    }
}

/// The `setsockopt` commands (`IP_VS_SO_SET_*`). Those C names but does
/// not serve (`NONE`, `INSERT`, `LIST`, `RESTORE`, `SAVE`) are kept, as
/// they need their own length (0) before C refuses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetCmd {
    /// `IP_VS_SO_SET_NONE`: "just peek".
    None,
    /// `IP_VS_SO_SET_INSERT`.
    Insert,
    /// `IP_VS_SO_SET_ADD`: a service.
    Add,
    /// `IP_VS_SO_SET_EDIT`: a service.
    Edit,
    /// `IP_VS_SO_SET_DEL`: a service.
    Del,
    /// `IP_VS_SO_SET_FLUSH`: every service.
    Flush,
    /// `IP_VS_SO_SET_LIST`.
    List,
    /// `IP_VS_SO_SET_ADDDEST`.
    AddDest,
    /// `IP_VS_SO_SET_DELDEST`.
    DelDest,
    /// `IP_VS_SO_SET_EDITDEST`.
    EditDest,
    /// `IP_VS_SO_SET_TIMEOUT`.
    Timeout,
    /// `IP_VS_SO_SET_STARTDAEMON`.
    StartDaemon,
    /// `IP_VS_SO_SET_STOPDAEMON`.
    StopDaemon,
    /// `IP_VS_SO_SET_RESTORE`.
    Restore,
    /// `IP_VS_SO_SET_SAVE`.
    Save,
    /// `IP_VS_SO_SET_ZERO`: one service's counters, or all.
    Zero,
}

/// The longest `setsockopt` argument (`MAX_SET_ARGLEN` in C).
pub(crate) const MAX_SET_ARGLEN: usize = SVCDEST_USER_LEN;

impl SetCmd {
    /// The last `setsockopt` number plus one.
    pub(crate) const END: i32 = BASE_CTL + 16;

    /// Decodes a `setsockopt` number.
    pub(crate) fn from_optval(optval: i32) -> Option<SetCmd> {
        use SetCmd::*;
        Some(match optval.checked_sub(BASE_CTL)? {
            0 => None,
            1 => Insert,
            2 => Add,
            3 => Edit,
            4 => Del,
            5 => Flush,
            6 => List,
            7 => AddDest,
            8 => DelDest,
            9 => EditDest,
            10 => Timeout,
            11 => StartDaemon,
            12 => StopDaemon,
            13 => Restore,
            14 => Save,
            15 => Zero,
            _ => return Option::None,
        })
    }

    /// The exact length the argument must have (`set_arglen` in C).
    pub(crate) fn arg_len(self) -> usize {
        use SetCmd::*;
        match self {
            Add | Edit | Del | Zero => SERVICE_USER_LEN,
            AddDest | DelDest | EditDest => SVCDEST_USER_LEN,
            Timeout => TIMEOUT_USER_LEN,
            StartDaemon | StopDaemon => DAEMON_USER_LEN,
            None | Insert | Flush | List | Restore | Save => 0,
        }
    }
}

/// A native `u32` at `off`, zero if out of range (the callers' fixed sizes
/// rule that out).
fn get_u32(raw: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes(field(raw, off))
}

/// Writes `v` at `off` of `b`; nothing if out of range (the callers' fixed
/// sizes rule that out).
fn put(b: &mut [u8], off: usize, v: &[u8]) {
    if let Some(dst) = off.checked_add(v.len()).and_then(|end| b.get_mut(off..end)) {
        dst.copy_from_slice(v);
    }
}

/// `struct ip_vs_getinfo` in native byte order.
pub(crate) fn encode_info(version: u32, size: u32, num_services: u32) -> [u8; GETINFO_LEN] {
    let mut b = [0; GETINFO_LEN];
    put(&mut b, 0, &version.to_ne_bytes());
    put(&mut b, 4, &size.to_ne_bytes());
    put(&mut b, 8, &num_services.to_ne_bytes());
    b
}

/// `struct ip_vs_timeout_user` in native byte order.
pub(crate) fn encode_timeouts(t: &Timeouts) -> [u8; TIMEOUT_USER_LEN] {
    let mut b = [0; TIMEOUT_USER_LEN];
    put(&mut b, timeout_user::TCP, &t.tcp.to_ne_bytes());
    put(&mut b, timeout_user::TCP_FIN, &t.tcp_fin.to_ne_bytes());
    put(&mut b, timeout_user::UDP, &t.udp.to_ne_bytes());
    b
}

/// The `struct ip_vs_timeout_user` of `IP_VS_SO_SET_TIMEOUT`, as the ints
/// `ip_vs_set_timeout()` checks.
pub(crate) fn decode_timeouts(raw: &[u8]) -> Request {
    let int = |off| i32::from_ne_bytes(field(raw, off));
    Request {
        tcp: int(timeout_user::TCP),
        tcp_fin: int(timeout_user::TCP_FIN),
        udp: int(timeout_user::UDP),
    }
}

/// The exact length a table request must have: the header plus `count`
/// entries of `entry_len` bytes, or `None` on overflow. It is also where
/// entry `count` starts.
pub(crate) fn table_len(header: usize, count: u32, entry_len: usize) -> Option<usize> {
    usize::try_from(count)
        .ok()?
        .checked_mul(entry_len)?
        .checked_add(header)
}

/// The service a `struct ip_vs_service_entry` or `struct ip_vs_get_dests`
/// names (they share their first four fields): by fwmark if non-zero, else
/// by protocol, address and port, among IPv4 services.
pub(crate) fn query_key(raw: &[u8]) -> Key {
    Key {
        af: Af::Inet,
        protocol: u16::from_ne_bytes(field(raw, service_entry::PROTOCOL)),
        addr: addr::from_ip(field(raw, service_entry::ADDR)),
        port: u16::from_ne_bytes(field(raw, service_entry::PORT)),
        fwmark: get_u32(raw, service_entry::FWMARK),
    }
}

/// What `ip_vs_copy_service()` reports of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ServiceEntry<'a> {
    /// `svc->protocol`.
    pub(crate) protocol: u16,
    /// `svc->addr.ip`.
    pub(crate) addr: [u8; 4],
    /// `svc->port` (`__be16` bits).
    pub(crate) port: u16,
    /// `svc->fwmark`.
    pub(crate) fwmark: u32,
    /// The scheduler's name, `none` without one.
    pub(crate) sched_name: &'a [u8],
    /// `svc->flags` as stored.
    pub(crate) flags: u32,
    /// The persistence timeout in seconds, as the service holds it.
    pub(crate) timeout: u32,
    /// `svc->netmask` (`__be32` bits).
    pub(crate) netmask: u32,
    /// `svc->num_dests`: every destination, of any family.
    pub(crate) num_dests: u32,
    /// The counters.
    pub(crate) stats: Kstats,
}

/// `svc->timeout / HZ`: C keeps the persistence timeout in jiffies, as
/// `u->timeout * HZ` in an unsigned int, so a timeout above `UINT_MAX / HZ`
/// comes back wrapped.
pub(crate) fn reported_timeout(secs: u32, hz: u32) -> u32 {
    let hz = hz.max(1);
    secs.wrapping_mul(hz) / hz
}

/// `ip_vs_export_stats_user()`: `struct ip_vs_stats_user` at `off` of `b`,
/// all but the byte counters truncated to 32 bits. Padding is left alone.
fn put_stats(b: &mut [u8], off: usize, s: &Kstats) {
    use stats_user::*;
    let u32s = [
        (CONNS, s.conns),
        (INPKTS, s.inpkts),
        (OUTPKTS, s.outpkts),
        (CPS, s.cps),
        (INPPS, s.inpps),
        (OUTPPS, s.outpps),
        (INBPS, s.inbps),
        (OUTBPS, s.outbps),
    ];
    for (o, v) in u32s {
        put(b, off + o, &(v as u32).to_ne_bytes());
    }
    put(b, off + INBYTES, &s.inbytes.to_ne_bytes());
    put(b, off + OUTBYTES, &s.outbytes.to_ne_bytes());
}

/// `strscpy(dst, src, dst.len())` for a `src` without NUL: at most
/// `dst.len() - 1` bytes and a NUL. Like the kernel's, which copies a word
/// (`unsigned long`) at a time where unaligned access is cheap, it zeroes
/// the rest of the word that holds the NUL; bytes after that word keep
/// their value, as `strscpy()` does not pad.
fn strscpy(dst: &mut [u8], src: &[u8]) {
    const WORD: usize = core::mem::size_of::<core::ffi::c_ulong>();
    let Some(max) = dst.len().checked_sub(1) else {
        return;
    };
    let n = src.len().min(max);
    let end = (n / WORD + 1).saturating_mul(WORD).min(dst.len());
    for (i, d) in dst.iter_mut().take(end).enumerate() {
        *d = src.get(i).filter(|_| i < n).copied().unwrap_or(0);
    }
}

/// `ip_vs_copy_service()`: writes the fields of `e` over `b`. Other bytes
/// (padding, the name's bytes past what [`strscpy`] writes) keep what `b`
/// held, which for `IP_VS_SO_GET_SERVICE` is the caller's request.
pub(crate) fn copy_service(b: &mut [u8; SERVICE_ENTRY_LEN], e: &ServiceEntry<'_>) {
    use service_entry::*;
    put(b, PROTOCOL, &e.protocol.to_ne_bytes());
    put(b, ADDR, &e.addr);
    put(b, PORT, &e.port.to_ne_bytes());
    put(b, FWMARK, &e.fwmark.to_ne_bytes());
    if let Some(name) = b.get_mut(SCHED_NAME..SCHED_NAME + svc::SCHEDNAME_MAXLEN) {
        strscpy(name, e.sched_name);
    }
    put(b, FLAGS, &e.flags.to_ne_bytes());
    put(b, TIMEOUT, &e.timeout.to_ne_bytes());
    put(b, NETMASK, &e.netmask.to_ne_bytes());
    put(b, NUM_DESTS, &e.num_dests.to_ne_bytes());
    put_stats(b, STATS, &e.stats);
}

/// What `__ip_vs_get_dest_entries()` reports of a destination.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DestEntry {
    /// `dest->addr.ip`.
    pub(crate) addr: [u8; 4],
    /// `dest->port` (`__be16` bits).
    pub(crate) port: u16,
    /// `dest->conn_flags` as stored.
    pub(crate) conn_flags: u32,
    /// `dest->weight`.
    pub(crate) weight: i32,
    /// `dest->u_threshold`.
    pub(crate) u_threshold: u32,
    /// `dest->l_threshold`.
    pub(crate) l_threshold: u32,
    /// `dest->activeconns`.
    pub(crate) activeconns: i32,
    /// `ip_vs_dest_inactconns()`.
    pub(crate) inactconns: i32,
    /// `dest->persistconns`.
    pub(crate) persistconns: i32,
    /// The counters.
    pub(crate) stats: Kstats,
}

/// A `struct ip_vs_dest_entry`; C clears the entry once before its loop and
/// then sets every field, so the padding is zero.
pub(crate) fn encode_dest(e: &DestEntry) -> [u8; DEST_ENTRY_LEN] {
    use dest_entry::*;
    let mut b = [0; DEST_ENTRY_LEN];
    put(&mut b, ADDR, &e.addr);
    put(&mut b, PORT, &e.port.to_ne_bytes());
    put(&mut b, CONN_FLAGS, &e.conn_flags.to_ne_bytes());
    put(&mut b, WEIGHT, &e.weight.to_ne_bytes());
    put(&mut b, U_THRESHOLD, &e.u_threshold.to_ne_bytes());
    put(&mut b, L_THRESHOLD, &e.l_threshold.to_ne_bytes());
    put(&mut b, ACTIVECONNS, &e.activeconns.to_ne_bytes());
    put(&mut b, INACTCONNS, &e.inactconns.to_ne_bytes());
    put(&mut b, PERSISTCONNS, &e.persistconns.to_ne_bytes());
    put_stats(&mut b, STATS, &e.stats);
    b
}

/// `struct ip_vs_daemon_user`, the argument of the daemon commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DaemonUser {
    /// `IP_VS_STATE_MASTER` or `IP_VS_STATE_BACKUP`.
    pub(crate) state: i32,
    /// The multicast interface, a char array that need not hold a NUL.
    pub(crate) mcast_ifn: [u8; IFNAME_MAXLEN],
    /// The sync id.
    pub(crate) syncid: i32,
}

impl DaemonUser {
    /// Reads the structure from a `setsockopt` argument.
    pub(crate) fn decode(raw: &[u8]) -> DaemonUser {
        DaemonUser {
            state: i32::from_ne_bytes(field(raw, daemon_user::STATE)),
            mcast_ifn: field(raw, daemon_user::MCAST_IFN),
            syncid: i32::from_ne_bytes(field(raw, daemon_user::SYNCID)),
        }
    }

    /// The interface name as `strscpy(cfg.mcast_ifn, dm->mcast_ifn, 16)`
    /// leaves it, NUL-padded: EINVAL when it is empty or has no NUL within
    /// its 16 bytes (`strscpy()` returns 0 or -E2BIG).
    pub(crate) fn ifname(&self) -> Result<[u8; IFNAME_MAXLEN], Errno> {
        match self.mcast_ifn.iter().position(|&c| c == 0) {
            Some(0) | None => Err(Errno::Inval),
            Some(n) => {
                let mut name = [0; IFNAME_MAXLEN];
                put(&mut name, 0, self.mcast_ifn.get(..n).unwrap_or(&[]));
                Ok(name)
            }
        }
    }
}

/// `IP_VS_SO_SET_STARTDAEMON` (`do_ip_vs_set_ctl()`, then
/// `start_sync_thread()`), which never succeeds here: this IPVS has no sync
/// daemon. `dev_exists` looks an interface name (with its NUL) up in the
/// caller's namespace.
///
/// C's order is kept for every failure C has with no daemon running: a bad
/// name (EINVAL), an unknown interface (ENODEV, looked up before the state
/// is), a state that is neither master nor backup (EINVAL). Where C would
/// start a thread, the answer is EOPNOTSUPP, as the generic netlink front
/// end gives for `IPVS_CMD_NEW_DAEMON` there (`genl::daemon::new`), so both
/// interfaces say the same.
pub(crate) fn start_daemon(
    d: &DaemonUser,
    dev_exists: impl FnOnce(&[u8; IFNAME_MAXLEN]) -> bool,
) -> Errno {
    let name = match d.ifname() {
        Ok(name) => name,
        Err(e) => return e,
    };
    if !dev_exists(&name) {
        return Errno::NoDev;
    }
    match d.state {
        state::MASTER | state::BACKUP => Errno::OpNotSupp,
        _ => Errno::Inval,
    }
}

/// `IP_VS_SO_SET_STOPDAEMON` with no daemon running (`stop_sync_thread()`):
/// ESRCH for a master or backup, EINVAL for any other state.
pub(crate) fn stop_daemon(d: &DaemonUser) -> Errno {
    match d.state {
        state::MASTER | state::BACKUP => Errno::Srch,
        _ => Errno::Inval,
    }
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
    fn set_optvals_and_lengths() {
        // set_arglen[], ip_vs_ctl.c:3409-3420.
        assert_eq!(SetCmd::END, 1168);
        assert_eq!(SetCmd::from_optval(1151), None);
        assert_eq!(SetCmd::from_optval(1168), None);
        assert_eq!(SetCmd::from_optval(i32::MIN), None);
        let want = [
            (SetCmd::None, 0),
            (SetCmd::Insert, 0),
            (SetCmd::Add, 44),
            (SetCmd::Edit, 44),
            (SetCmd::Del, 44),
            (SetCmd::Flush, 0),
            (SetCmd::List, 0),
            (SetCmd::AddDest, 68),
            (SetCmd::DelDest, 68),
            (SetCmd::EditDest, 68),
            (SetCmd::Timeout, 12),
            (SetCmd::StartDaemon, 24),
            (SetCmd::StopDaemon, 24),
            (SetCmd::Restore, 0),
            (SetCmd::Save, 0),
            (SetCmd::Zero, 44),
        ];
        for (i, (cmd, len)) in want.into_iter().enumerate() {
            let optval = BASE_CTL + i32::try_from(i).unwrap_or(0);
            assert_eq!(SetCmd::from_optval(optval), Some(cmd));
            assert_eq!(cmd.arg_len(), len, "{cmd:?}");
            assert!(len <= MAX_SET_ARGLEN);
        }
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
        assert_eq!(&b[4..8], &120u32.to_ne_bytes());
        assert_eq!(&b[8..12], &300u32.to_ne_bytes());
        let mut raw = [0u8; 12];
        raw[0..4].copy_from_slice(&10i32.to_ne_bytes());
        raw[4..8].copy_from_slice(&(-1i32).to_ne_bytes());
        raw[8..12].copy_from_slice(&i32::MAX.to_ne_bytes());
        assert_eq!(
            decode_timeouts(&raw),
            Request {
                tcp: 10,
                tcp_fin: -1,
                udp: i32::MAX
            }
        );
    }

    #[test]
    fn table_len_checks_overflow() {
        assert_eq!(table_len(8, 0, SERVICE_ENTRY_LEN), Some(8));
        assert_eq!(table_len(8, 2, SERVICE_ENTRY_LEN), Some(216));
        assert_eq!(table_len(24, 3, DEST_ENTRY_LEN), Some(312));
        assert_eq!(table_len(4, u32::MAX, usize::MAX), None);
    }

    #[test]
    fn query_keys() {
        let mut raw = [0x5au8; SERVICE_ENTRY_LEN];
        raw[0..2].copy_from_slice(&17u16.to_ne_bytes());
        raw[4..8].copy_from_slice(&[10, 0, 0, 1]);
        raw[8..10].copy_from_slice(&53u16.to_be_bytes());
        raw[12..16].copy_from_slice(&0u32.to_ne_bytes());
        let k = query_key(&raw);
        assert_eq!(k.af, Af::Inet);
        assert_eq!((k.protocol, k.port_host(), k.fwmark), (17, 53, 0));
        assert_eq!(addr::ip(&k.addr), [10, 0, 0, 1]);
        assert_eq!(k.addr[4..], [0; 12]);
        // Too short a request reads as zeros, never panics.
        assert_eq!(query_key(&raw[..3]).fwmark, 0);
    }

    fn stats() -> Kstats {
        Kstats {
            conns: 0x1_0000_0001,
            inpkts: 2,
            outpkts: 3,
            inbytes: 0x1_0000_0004,
            outbytes: 5,
            cps: 6,
            inpps: 7,
            outpps: 8,
            inbps: 9,
            outbps: 10,
        }
    }

    fn u32_at(b: &[u8], off: usize) -> u32 {
        get_u32(b, off)
    }

    #[test]
    fn service_entry_layout() {
        let e = ServiceEntry {
            protocol: 6,
            addr: [10, 0, 0, 1],
            port: 80u16.to_be(),
            fwmark: 0,
            sched_name: b"wrr",
            flags: svc::flag::PERSISTENT | svc::flag::HASHED,
            timeout: 300,
            netmask: u32::from_ne_bytes([255, 255, 255, 0]),
            num_dests: 2,
            stats: stats(),
        };
        // GET_SERVICE starts from the request: other bytes survive.
        let mut b = [0x5au8; SERVICE_ENTRY_LEN];
        copy_service(&mut b, &e);
        assert_eq!(&b[0..2], &6u16.to_ne_bytes());
        assert_eq!(&b[2..4], &[0x5a; 2]);
        assert_eq!(&b[4..8], &[10, 0, 0, 1]);
        assert_eq!(&b[8..10], &80u16.to_be_bytes());
        assert_eq!(&b[10..12], &[0x5a; 2]);
        assert_eq!(u32_at(&b, 12), 0);
        // strscpy() zeroes the rest of the word holding the NUL.
        assert_eq!(&b[16..24], b"wrr\0\0\0\0\0");
        assert_eq!(&b[24..32], &[0x5a; 8]);
        assert_eq!(u32_at(&b, 32), svc::flag::PERSISTENT | svc::flag::HASHED);
        assert_eq!(u32_at(&b, 36), 300);
        assert_eq!(&b[40..44], &[255, 255, 255, 0]);
        assert_eq!(u32_at(&b, 44), 2);
        // Stats: 32-bit counters truncated, byte counters whole.
        assert_eq!(u32_at(&b, 48), 1);
        assert_eq!(u32_at(&b, 52), 2);
        assert_eq!(u32_at(&b, 56), 3);
        assert_eq!(&b[60..64], &[0x5a; 4]);
        assert_eq!(&b[64..72], &0x1_0000_0004u64.to_ne_bytes());
        assert_eq!(&b[72..80], &5u64.to_ne_bytes());
        for (i, v) in (6..=10).enumerate() {
            assert_eq!(u32_at(&b, 80 + 4 * i), v);
        }
        assert_eq!(&b[100..104], &[0x5a; 4]);
        // A 16-character name is cut to 15 and a NUL, as strscpy() does.
        let mut b = [0u8; SERVICE_ENTRY_LEN];
        copy_service(
            &mut b,
            &ServiceEntry {
                sched_name: b"0123456789abcdef",
                ..e
            },
        );
        assert_eq!(&b[16..32], b"0123456789abcde\0");
    }

    #[test]
    fn strscpy_words() {
        let mut b = [0x5au8; 16];
        strscpy(&mut b, b"none");
        assert_eq!(&b, b"none\0\0\0\0ZZZZZZZZ");
        let mut b = [0x5au8; 16];
        strscpy(&mut b, b"");
        assert_eq!(&b, b"\0\0\0\0\0\0\0\0ZZZZZZZZ");
        let mut b = [0x5au8; 16];
        strscpy(&mut b, b"01234567");
        assert_eq!(&b, b"01234567\0\0\0\0\0\0\0\0");
        let mut b = [0x5au8; 16];
        strscpy(&mut b, b"0123456789abcde");
        assert_eq!(&b, b"0123456789abcde\0");
        let mut b = [0x5au8; 16];
        strscpy(&mut b, b"0123456789abcdefgh");
        assert_eq!(&b, b"0123456789abcde\0");
        let mut b = [0x5au8; 3];
        strscpy(&mut b, b"rr");
        assert_eq!(&b, b"rr\0");
        strscpy(&mut [], b"rr");
    }

    #[test]
    fn dest_entry_layout() {
        let b = encode_dest(&DestEntry {
            addr: [192, 168, 1, 2],
            port: 8080u16.to_be(),
            conn_flags: 0x0183,
            weight: -5,
            u_threshold: 100,
            l_threshold: 50,
            activeconns: 1,
            inactconns: 2,
            persistconns: 3,
            stats: stats(),
        });
        assert_eq!(&b[0..4], &[192, 168, 1, 2]);
        assert_eq!(&b[4..6], &8080u16.to_be_bytes());
        assert_eq!(&b[6..8], &[0; 2]);
        assert_eq!(u32_at(&b, 8), 0x0183);
        assert_eq!(&b[12..16], &(-5i32).to_ne_bytes());
        assert_eq!(
            [16, 20, 24, 28, 32].map(|o| u32_at(&b, o)),
            [100, 50, 1, 2, 3]
        );
        assert_eq!(&b[36..40], &[0; 4]);
        assert_eq!(u32_at(&b, 40), 1);
        assert_eq!(&b[56..64], &0x1_0000_0004u64.to_ne_bytes());
        assert_eq!(u32_at(&b, 88), 10);
        assert_eq!(&b[92..96], &[0; 4]);
    }

    #[test]
    fn timeout_as_reported() {
        // ip_vs_add_service() stores u->timeout * HZ in an unsigned int.
        assert_eq!(reported_timeout(300, 250), 300);
        assert_eq!(reported_timeout(u32::MAX / 250, 250), u32::MAX / 250);
        assert_eq!(
            reported_timeout(u32::MAX, 250),
            u32::MAX.wrapping_mul(250) / 250
        );
        assert_eq!(reported_timeout(u32::MAX, 0), u32::MAX);
    }

    fn daemon(state: i32, ifn: &[u8]) -> DaemonUser {
        let mut raw = [0u8; DAEMON_USER_LEN];
        raw[0..4].copy_from_slice(&state.to_ne_bytes());
        raw[4..4 + ifn.len()].copy_from_slice(ifn);
        raw[20..24].copy_from_slice(&7i32.to_ne_bytes());
        DaemonUser::decode(&raw)
    }

    #[test]
    fn daemon_layout_and_name() {
        let d = daemon(state::BACKUP, b"eth0");
        assert_eq!((d.state, d.syncid), (state::BACKUP, 7));
        assert_eq!(d.ifname().map(|n| n[..5] == *b"eth0\0"), Ok(true));
        assert_eq!(daemon(1, b"").ifname(), Err(Errno::Inval));
        assert_eq!(daemon(1, b"0123456789abcdef").ifname(), Err(Errno::Inval));
        let n = daemon(1, b"0123456789abcde").ifname();
        assert_eq!(n.map(|n| n[15]), Ok(0));
        // Bytes after the NUL do not reach the lookup.
        let n = daemon(1, b"lo\0junk").ifname();
        assert_eq!(n.map(|n| n[2..] == [0; 14]), Ok(true));
    }

    #[test]
    fn start_daemon_order() {
        // do_ip_vs_set_ctl() ip_vs_ctl.c:3506-3509, then
        // start_sync_thread() in ip_vs_sync.c.
        let found = |_: &[u8; IFNAME_MAXLEN]| true;
        let missing = |_: &[u8; IFNAME_MAXLEN]| false;
        assert_eq!(start_daemon(&daemon(0, b""), missing), Errno::Inval);
        assert_eq!(start_daemon(&daemon(1, b"nosuch"), missing), Errno::NoDev);
        // The interface is looked up before the state is checked.
        assert_eq!(start_daemon(&daemon(0, b"nosuch"), missing), Errno::NoDev);
        assert_eq!(start_daemon(&daemon(0, b"lo"), found), Errno::Inval);
        assert_eq!(start_daemon(&daemon(3, b"lo"), found), Errno::Inval);
        assert_eq!(start_daemon(&daemon(1, b"lo"), found), Errno::OpNotSupp);
        assert_eq!(start_daemon(&daemon(2, b"lo"), found), Errno::OpNotSupp);
        let mut asked = [0xffu8; IFNAME_MAXLEN];
        let _ = start_daemon(&daemon(1, b"eth0"), |n| {
            asked = *n;
            false
        });
        assert_eq!(&asked[..5], b"eth0\0");
    }

    #[test]
    fn stop_daemon_none_running() {
        // stop_sync_thread(), ip_vs_sync.c.
        assert_eq!(stop_daemon(&daemon(state::MASTER, b"")), Errno::Srch);
        assert_eq!(stop_daemon(&daemon(state::BACKUP, b"")), Errno::Srch);
        assert_eq!(stop_daemon(&daemon(0, b"")), Errno::Inval);
        assert_eq!(stop_daemon(&daemon(3, b"")), Errno::Inval);
    }
}
