// SPDX-License-Identifier: GPL-2.0

//! What a destination (real server) command carries, and the checks C
//! makes on it before touching any table, from
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c).
//!
//! Both front ends end in [`DestUser`] (C's `struct ip_vs_dest_user_kern`):
//! generic netlink through [`parse_attrs`] and [`genl_dest`]
//! (`ip_vs_genl_parse_dest()`), sockopt through [`from_sockopt`]
//! (`ip_vs_copy_udest_compat()`). The checks then follow in C's order:
//! [`resolve_af`] and [`check_mixed_af`] (genl only, in
//! `ip_vs_genl_set_cmd()`), then [`check_add_edit`] (both, in
//! `ip_vs_add_dest()` and `ip_vs_edit_dest()`).

use super::addr::{self, Af};
use super::errno::Errno;
use super::nla::{self, AttrPolicy, Attrs, ANY};
use super::service::{field, SERVICE_USER_LEN};

/// `IPVS_DEST_ATTR_*`: attributes nested in `IPVS_CMD_ATTR_DEST`.
pub(crate) mod attr {
    /// Address (`union nf_inet_addr`, up to 16 bytes).
    pub(crate) const ADDR: u16 = 1;
    /// Port (`__be16`).
    pub(crate) const PORT: u16 = 2;
    /// Forwarding method (`IP_VS_CONN_F_*` within the FWD mask).
    pub(crate) const FWD_METHOD: u16 = 3;
    /// Weight (u32, stored as int).
    pub(crate) const WEIGHT: u16 = 4;
    /// Upper connection threshold.
    pub(crate) const U_THRESH: u16 = 5;
    /// Lower connection threshold.
    pub(crate) const L_THRESH: u16 = 6;
    /// Active connections (replies only).
    pub(crate) const ACTIVE_CONNS: u16 = 7;
    /// Inactive connections (replies only).
    pub(crate) const INACT_CONNS: u16 = 8;
    /// Persistent connections (replies only).
    pub(crate) const PERSIST_CONNS: u16 = 9;
    /// Statistics (replies only).
    pub(crate) const STATS: u16 = 10;
    /// Address family of ADDR (u16); absent means the service's.
    pub(crate) const ADDR_FAMILY: u16 = 11;
    /// 64-bit statistics (replies only).
    pub(crate) const STATS64: u16 = 12;
    /// Tunnel type (u8, `IP_VS_CONN_F_TUNNEL_TYPE_*`).
    pub(crate) const TUN_TYPE: u16 = 13;
    /// Tunnel port (`__be16`).
    pub(crate) const TUN_PORT: u16 = 14;
    /// Tunnel flags (u16, `IP_VS_TUNNEL_ENCAP_FLAG_*`).
    pub(crate) const TUN_FLAGS: u16 = 15;
    /// `IPVS_DEST_ATTR_MAX`.
    pub(crate) const MAX: u16 = 15;
}

/// `IP_VS_CONN_F_*` bits a destination command sets.
pub(crate) mod conn_flag {
    /// `IP_VS_CONN_F_FWD_MASK`.
    pub(crate) const FWD_MASK: u32 = 0x0007;
    /// `IP_VS_CONN_F_MASQ`: NAT.
    pub(crate) const MASQ: u32 = 0x0000;
    /// `IP_VS_CONN_F_TUNNEL`.
    pub(crate) const TUNNEL: u32 = 0x0002;
    /// `IP_VS_CONN_F_DROUTE`: direct routing.
    pub(crate) const DROUTE: u32 = 0x0003;
    /// `IP_VS_CONN_F_NOOUTPUT`.
    pub(crate) const NOOUTPUT: u32 = 0x0080;
    /// `IP_VS_CONN_F_INACTIVE`.
    pub(crate) const INACTIVE: u32 = 0x0100;
    /// `IP_VS_CONN_F_TEMPLATE`: a persistence template, not a connection.
    pub(crate) const TEMPLATE: u32 = 0x1000;
    /// `IP_VS_CONN_F_ONE_PACKET`.
    pub(crate) const ONE_PACKET: u32 = 0x2000;
    /// `IP_VS_CONN_F_NFCT`.
    pub(crate) const NFCT: u32 = 1 << 16;
    /// `IP_VS_CONN_F_DEST_MASK`: what user space may set.
    pub(crate) const DEST_MASK: u32 = FWD_MASK | ONE_PACKET | NFCT;
}

/// `IP_VS_CONN_F_TUNNEL_TYPE_*`.
pub(crate) mod tun_type {
    /// IP in IP.
    pub(crate) const IPIP: u16 = 0;
    /// Generic UDP encapsulation: needs a tunnel port.
    pub(crate) const GUE: u16 = 1;
    /// GRE.
    pub(crate) const GRE: u16 = 2;
}

/// `sizeof(struct ip_vs_dest_user)`.
pub(crate) const DEST_USER_LEN: usize = 24;
/// `sizeof(struct ip_vs_svcdest_user)`: the argument of the sockopt
/// destination commands.
pub(crate) const SVCDEST_USER_LEN: usize = SERVICE_USER_LEN + DEST_USER_LEN;

/// The table `ip_vs_dest_policy` fills.
pub(crate) type DestAttrs<'a> = Attrs<'a, { attr::MAX as usize + 1 }>;

/// `ip_vs_dest_policy`.
pub(crate) const POLICY: [AttrPolicy; attr::MAX as usize + 1] = [
    ANY,
    AttrPolicy::Binary { max_len: 16 },
    AttrPolicy::U16,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::U32,
    AttrPolicy::Nested,
    AttrPolicy::U16,
    // STATS64 has no entry in the C array.
    ANY,
    AttrPolicy::U8,
    AttrPolicy::U16,
    AttrPolicy::U16,
];

/// `struct ip_vs_dest_user_kern`: a destination command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DestUser {
    /// `udest->addr` as sent; [`addr::copy`] gives the stored form.
    pub(crate) addr: [u8; 16],
    /// `udest->port`: the bits of C's `__be16`.
    pub(crate) port: u16,
    /// `udest->af`: 0 until [`resolve_af`] fills in the service's.
    pub(crate) af: u16,
    /// `udest->conn_flags`: masked to the forwarding method over genl,
    /// raw over sockopt (C masks it later, see [`stored_conn_flags`]).
    pub(crate) conn_flags: u32,
    /// `udest->weight`: C's `int`, so a u32 above `INT_MAX` is negative.
    pub(crate) weight: i32,
    /// `udest->u_threshold`.
    pub(crate) u_threshold: u32,
    /// `udest->l_threshold`.
    pub(crate) l_threshold: u32,
    /// `udest->tun_type`.
    pub(crate) tun_type: u16,
    /// `udest->tun_port`: the bits of C's `__be16`.
    pub(crate) tun_port: u16,
    /// `udest->tun_flags`.
    pub(crate) tun_flags: u16,
}

/// The `nla_parse_nested_deprecated()` of `ip_vs_genl_parse_dest()`:
/// `nla` is the payload of `IPVS_CMD_ATTR_DEST`, `None` if absent.
///
/// C folds every failure, ERANGE included, into EINVAL.
pub(crate) fn parse_attrs(nla: Option<&[u8]>) -> Result<DestAttrs<'_>, Errno> {
    nla::parse(nla.ok_or(Errno::Inval)?, &POLICY).map_err(|_| Errno::Inval)
}

/// The rest of `ip_vs_genl_parse_dest()`.
///
/// ADDR and PORT are always needed; with `full_entry` (`NEW_DEST`,
/// `SET_DEST`) FWD_METHOD, WEIGHT, U_THRESH and L_THRESH too (EINVAL).
/// The tunnel attributes are optional and read only for a full entry.
pub(crate) fn genl_dest(a: &DestAttrs<'_>, full_entry: bool) -> Result<DestUser, Errno> {
    let (Some(daddr), Some(port)) = (a.memcpy::<16>(attr::ADDR), a.u16(attr::PORT)) else {
        return Err(Errno::Inval);
    };
    let mut u = DestUser {
        addr: daddr,
        port,
        // nla_get_u16_default(): 0 means "the service's family".
        af: a.u16(attr::ADDR_FAMILY).unwrap_or(0),
        ..DestUser::default()
    };
    if !full_entry {
        return Ok(u);
    }
    let (Some(fwd), Some(weight), Some(u_thresh), Some(l_thresh)) = (
        a.u32(attr::FWD_METHOD),
        a.u32(attr::WEIGHT),
        a.u32(attr::U_THRESH),
        a.u32(attr::L_THRESH),
    ) else {
        return Err(Errno::Inval);
    };
    // Other bits of FWD_METHOD are dropped, not refused; methods 5..7
    // pass too, as in C.
    u.conn_flags = fwd & conn_flag::FWD_MASK;
    u.weight = i32::from_ne_bytes(weight.to_ne_bytes());
    u.u_threshold = u_thresh;
    u.l_threshold = l_thresh;
    // Any tunnel type number passes here and in add/edit; an unknown one
    // only keeps the destination out of the real-server table.
    if let Some(t) = a.u8(attr::TUN_TYPE) {
        u.tun_type = u16::from(t);
    }
    if let Some(p) = a.u16(attr::TUN_PORT) {
        u.tun_port = p;
    }
    if let Some(f) = a.u16(attr::TUN_FLAGS) {
        u.tun_flags = f;
    }
    Ok(u)
}

/// The family step of `ip_vs_genl_set_cmd()`: an unset family (0) is the
/// service's, as old user space never sent one; then it must be served
/// (EAFNOSUPPORT). `ipv6` is as for [`Af::from_raw`].
pub(crate) fn resolve_af(dest_af: u16, svc_af: Af, ipv6: bool) -> Result<Af, Errno> {
    if dest_af == 0 {
        Ok(svc_af)
    } else {
        Af::from_raw(dest_af, ipv6)
    }
}

/// The mixed-family step of `ip_vs_genl_set_cmd()`: a destination of
/// another family than its service is refused (EINVAL) while the sync
/// daemon runs (`ipvs->sync_state != 0`), whose protocol cannot carry it,
/// and for every forwarding method but tunnelling, the only one that can
/// cross families. Deleting is always allowed.
pub(crate) fn check_mixed_af(
    dest_af: Af,
    svc_af: Af,
    is_del: bool,
    sync_running: bool,
    conn_flags: u32,
) -> Result<(), Errno> {
    if dest_af == svc_af || is_del {
        return Ok(());
    }
    if sync_running {
        return Err(Errno::Inval);
    }
    // An exact match: C switches on the whole conn_flags.
    if conn_flags == conn_flag::TUNNEL {
        Ok(())
    } else {
        Err(Errno::Inval)
    }
}

/// The value checks that open `ip_vs_add_dest()` and `ip_vs_edit_dest()`,
/// in C's order: a negative weight (ERANGE), a lower threshold above the
/// upper (ERANGE), an upper threshold above `INT_MAX` (EINVAL), a GUE
/// tunnel without a port (EINVAL).
pub(crate) fn check_add_edit(u: &DestUser) -> Result<(), Errno> {
    if u.weight < 0 {
        return Err(Errno::Range);
    }
    if u.l_threshold > u.u_threshold {
        return Err(Errno::Range);
    }
    if u.u_threshold > i32::MAX.unsigned_abs() {
        return Err(Errno::Inval);
    }
    if u.tun_type == tun_type::GUE && u.tun_port == 0 {
        return Err(Errno::Inval);
    }
    Ok(())
}

/// `dest->conn_flags` as `__ip_vs_update_dest()` stores them: the bits
/// user space may set, inactive until a connection says otherwise, and no
/// output-path handling unless the method is NAT.
pub(crate) fn stored_conn_flags(conn_flags: u32) -> u32 {
    let f = (conn_flags & conn_flag::DEST_MASK) | conn_flag::INACTIVE;
    if f & conn_flag::FWD_MASK != conn_flag::MASQ {
        f | conn_flag::NOOUTPUT
    } else {
        f
    }
}

/// `ip_vs_copy_udest_compat()`: `struct ip_vs_dest_user` (IPv4 only,
/// native byte order) as a [`DestUser`], with IPIP as the tunnel type.
///
/// Layout (checked against `<linux/ip_vs.h>`): addr @0, port @4,
/// conn_flags @8, weight @12, u_threshold @16, l_threshold @20.
pub(crate) fn from_sockopt(raw: &[u8; DEST_USER_LEN]) -> DestUser {
    DestUser {
        addr: addr::from_ip(field(raw, 0)),
        port: u16::from_ne_bytes(field(raw, 4)),
        af: addr::AF_INET,
        conn_flags: u32::from_ne_bytes(field(raw, 8)),
        weight: i32::from_ne_bytes(field(raw, 12)),
        u_threshold: u32::from_ne_bytes(field(raw, 16)),
        l_threshold: u32::from_ne_bytes(field(raw, 20)),
        tun_type: tun_type::IPIP,
        tun_port: 0,
        tun_flags: 0,
    }
}

/// The two halves of `struct ip_vs_svcdest_user`, or `None` unless `raw`
/// is exactly that long (C refuses other lengths with EINVAL before).
pub(crate) fn split_svcdest(raw: &[u8]) -> Option<(&[u8; SERVICE_USER_LEN], &[u8; DEST_USER_LEN])> {
    if raw.len() != SVCDEST_USER_LEN {
        return None;
    }
    let s = raw.get(..SERVICE_USER_LEN)?.try_into().ok()?;
    let d = raw.get(SERVICE_USER_LEN..)?.try_into().ok()?;
    Some((s, d))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::super::nla::enc::*;
    use super::*;
    use std::vec::Vec;

    const V4: [u8; 4] = [10, 0, 0, 2];

    /// The identifying attributes of 10.0.0.2:8080.
    fn ident() -> Vec<u8> {
        let mut b = Vec::new();
        put(&mut b, attr::ADDR, &V4);
        put_be16(&mut b, attr::PORT, 8080);
        b
    }

    /// Adds the attributes of a full entry (direct routing).
    fn full(mut b: Vec<u8>) -> Vec<u8> {
        put_u32(&mut b, attr::FWD_METHOD, conn_flag::DROUTE);
        put_u32(&mut b, attr::WEIGHT, 5);
        put_u32(&mut b, attr::U_THRESH, 100);
        put_u32(&mut b, attr::L_THRESH, 10);
        b
    }

    /// `genl_dest()` of an encoded nest.
    fn dest_of(b: &[u8], full_entry: bool) -> Result<DestUser, Errno> {
        genl_dest(&parse_attrs(Some(b))?, full_entry)
    }

    #[test]
    fn genl_identifying() {
        let d = dest_of(&ident(), false);
        assert_eq!(
            d.map(|d| (addr::ip(&d.addr), u16::from_be(d.port), d.af)),
            Ok((V4, 8080, 0))
        );
        // Full fields are ignored (and left zero) for DEL_DEST.
        let d = dest_of(&full(ident()), false);
        assert_eq!(d.map(|d| (d.conn_flags, d.weight)), Ok((0, 0)));
    }

    #[test]
    fn genl_parse_errors_become_einval() {
        // ip_vs_genl_parse_dest(), ip_vs_ctl.c:4427-4429.
        assert_eq!(parse_attrs(None).map(|_| ()), Err(Errno::Inval));
        let mut b = ident();
        put(&mut b, attr::TUN_TYPE, &[]);
        assert_eq!(dest_of(&b, false), Err(Errno::Inval));
        let mut b = ident();
        put(&mut b, attr::WEIGHT, &[1, 2]);
        assert_eq!(dest_of(&b, false), Err(Errno::Inval));
        let mut b = ident();
        put(&mut b, attr::ADDR_FAMILY, &[10]);
        assert_eq!(dest_of(&b, false), Err(Errno::Inval));
        let mut b = ident();
        put(&mut b, attr::ADDR, &[0; 17]);
        assert_eq!(dest_of(&b, false), Err(Errno::Inval));
    }

    #[test]
    fn genl_missing() {
        // ip_vs_ctl.c:4435-4436.
        let mut b = Vec::new();
        put(&mut b, attr::ADDR, &V4);
        assert_eq!(dest_of(&b, false), Err(Errno::Inval));
        let mut b = Vec::new();
        put_be16(&mut b, attr::PORT, 1);
        assert_eq!(dest_of(&b, false), Err(Errno::Inval));
        // ip_vs_ctl.c:4459-4460.
        for skip in [
            attr::FWD_METHOD,
            attr::WEIGHT,
            attr::U_THRESH,
            attr::L_THRESH,
        ] {
            let mut b = ident();
            for ty in [
                attr::FWD_METHOD,
                attr::WEIGHT,
                attr::U_THRESH,
                attr::L_THRESH,
            ] {
                if ty != skip {
                    put_u32(&mut b, ty, 0);
                }
            }
            assert_eq!(dest_of(&b, true), Err(Errno::Inval), "without {skip}");
            assert!(dest_of(&b, false).is_ok());
        }
    }

    #[test]
    fn genl_full() {
        let mut b = full(ident());
        put_u16(&mut b, attr::ADDR_FAMILY, addr::AF_INET6);
        put_u8(&mut b, attr::TUN_TYPE, tun_type::GUE as u8);
        put_be16(&mut b, attr::TUN_PORT, 6080);
        put_u16(&mut b, attr::TUN_FLAGS, 3);
        let d = dest_of(&b, true);
        assert!(matches!(d, Ok(d) if d.af == addr::AF_INET6
            && d.conn_flags == conn_flag::DROUTE
            && d.weight == 5 && d.u_threshold == 100 && d.l_threshold == 10
            && d.tun_type == tun_type::GUE && u16::from_be(d.tun_port) == 6080 && d.tun_flags == 3));
    }

    #[test]
    fn genl_fwd_mask_and_weight_sign() {
        // ip_vs_ctl.c:4462-4464: masked, not refused.
        let mut b = ident();
        put_u32(&mut b, attr::FWD_METHOD, 0xffff_fff2);
        put_u32(&mut b, attr::WEIGHT, 0x8000_0000);
        put_u32(&mut b, attr::U_THRESH, 0);
        put_u32(&mut b, attr::L_THRESH, 0);
        let d = dest_of(&b, true);
        assert_eq!(
            d.map(|d| (d.conn_flags, d.weight)),
            Ok((conn_flag::TUNNEL, i32::MIN))
        );
        // The int weight is then negative: ERANGE in ip_vs_add_dest().
        assert_eq!(d.and_then(|d| check_add_edit(&d)), Err(Errno::Range));
    }

    #[test]
    fn af_resolution() {
        // ip_vs_genl_set_cmd(), ip_vs_ctl.c:4752-4758.
        assert_eq!(resolve_af(0, Af::Inet6, true), Ok(Af::Inet6));
        assert_eq!(resolve_af(0, Af::Inet, false), Ok(Af::Inet));
        assert_eq!(resolve_af(addr::AF_INET6, Af::Inet, true), Ok(Af::Inet6));
        assert_eq!(
            resolve_af(addr::AF_INET6, Af::Inet, false),
            Err(Errno::AfNoSupport)
        );
        assert_eq!(resolve_af(3, Af::Inet, true), Err(Errno::AfNoSupport));
    }

    #[test]
    fn mixed_families() {
        // ip_vs_ctl.c:4760-4778.
        let (v4, v6) = (Af::Inet, Af::Inet6);
        assert_eq!(check_mixed_af(v4, v4, false, true, conn_flag::MASQ), Ok(()));
        assert_eq!(
            check_mixed_af(v6, v4, false, false, conn_flag::TUNNEL),
            Ok(())
        );
        assert_eq!(
            check_mixed_af(v6, v4, false, true, conn_flag::TUNNEL),
            Err(Errno::Inval)
        );
        // Every forwarding method (LOCALNODE and BYPASS too) but tunnelling.
        for m in (0..=conn_flag::FWD_MASK).filter(|&m| m != conn_flag::TUNNEL) {
            assert_eq!(check_mixed_af(v4, v6, false, false, m), Err(Errno::Inval));
        }
        assert_eq!(check_mixed_af(v4, v6, true, true, conn_flag::MASQ), Ok(()));
    }

    /// A valid destination with one change.
    fn with(f: impl FnOnce(&mut DestUser)) -> DestUser {
        let mut d = DestUser {
            weight: 1,
            u_threshold: 0,
            l_threshold: 0,
            ..DestUser::default()
        };
        f(&mut d);
        d
    }

    #[test]
    fn add_edit_checks() {
        // ip_vs_add_dest() ip_vs_ctl.c:1521-1540, same in
        // ip_vs_edit_dest() 1597-1616.
        assert_eq!(check_add_edit(&with(|_| ())), Ok(()));
        assert_eq!(check_add_edit(&with(|d| d.weight = 0)), Ok(()));
        assert_eq!(check_add_edit(&with(|d| d.weight = -1)), Err(Errno::Range));
        assert_eq!(
            check_add_edit(&with(|d| {
                d.l_threshold = 11;
                d.u_threshold = 10;
            })),
            Err(Errno::Range)
        );
        // Zero upper threshold means "none", but the lower is still
        // compared to it.
        assert_eq!(
            check_add_edit(&with(|d| d.l_threshold = 1)),
            Err(Errno::Range)
        );
        assert_eq!(
            check_add_edit(&with(|d| {
                d.l_threshold = 10;
                d.u_threshold = 10;
            })),
            Ok(())
        );
        assert_eq!(
            check_add_edit(&with(|d| d.u_threshold = 0x7fff_ffff)),
            Ok(())
        );
        assert_eq!(
            check_add_edit(&with(|d| d.u_threshold = 0x8000_0000)),
            Err(Errno::Inval)
        );
        assert_eq!(
            check_add_edit(&with(|d| d.tun_type = tun_type::GUE)),
            Err(Errno::Inval)
        );
        assert_eq!(
            check_add_edit(&with(|d| {
                d.tun_type = tun_type::GUE;
                d.tun_port = 1;
            })),
            Ok(())
        );
        assert_eq!(
            check_add_edit(&with(|d| d.tun_type = tun_type::GRE)),
            Ok(())
        );
        assert_eq!(check_add_edit(&with(|d| d.tun_type = 200)), Ok(()));
        // Order: weight first, then thresholds, then tunnel.
        assert_eq!(
            check_add_edit(&with(|d| {
                d.weight = -1;
                d.u_threshold = u32::MAX;
                d.tun_type = tun_type::GUE;
            })),
            Err(Errno::Range)
        );
        assert_eq!(
            check_add_edit(&with(|d| {
                d.l_threshold = u32::MAX;
                d.u_threshold = 0x8000_0000;
            })),
            Err(Errno::Range)
        );
    }

    #[test]
    fn conn_flags_as_stored() {
        // __ip_vs_update_dest(), ip_vs_ctl.c:1364-1384.
        assert_eq!(stored_conn_flags(conn_flag::MASQ), conn_flag::INACTIVE);
        assert_eq!(
            stored_conn_flags(conn_flag::DROUTE | 0x40 | conn_flag::NFCT),
            conn_flag::DROUTE | conn_flag::NFCT | conn_flag::INACTIVE | conn_flag::NOOUTPUT
        );
    }

    #[test]
    fn sockopt_copy() {
        // ip_vs_copy_udest_compat(), ip_vs_ctl.c:3456-3470.
        let mut r = [0u8; DEST_USER_LEN];
        r[0..4].copy_from_slice(&V4);
        r[4..6].copy_from_slice(&80u16.to_be_bytes());
        r[8..12].copy_from_slice(&0x1_0003u32.to_ne_bytes());
        r[12..16].copy_from_slice(&(-2i32).to_ne_bytes());
        r[16..20].copy_from_slice(&7u32.to_ne_bytes());
        r[20..24].copy_from_slice(&3u32.to_ne_bytes());
        let d = from_sockopt(&r);
        assert_eq!(addr::ip(&d.addr), V4);
        assert_eq!(u16::from_be(d.port), 80);
        assert_eq!(d.af, addr::AF_INET);
        // Not masked on this path.
        assert_eq!(d.conn_flags, 0x1_0003);
        assert_eq!((d.weight, d.u_threshold, d.l_threshold), (-2, 7, 3));
        assert_eq!(
            (d.tun_type, d.tun_port, d.tun_flags),
            (tun_type::IPIP, 0, 0)
        );
        assert_eq!(check_add_edit(&d), Err(Errno::Range));
    }

    #[test]
    fn svcdest_split() {
        let raw = [7u8; SVCDEST_USER_LEN];
        assert!(matches!(split_svcdest(&raw), Some((s, d)) if s.len() == 44 && d.len() == 24));
        assert!(split_svcdest(&raw[..67]).is_none());
        assert!(split_svcdest(&[0; 69]).is_none());
    }

    #[test]
    fn random_payloads_never_panic() {
        let mut x: u32 = 0x9e37_79b9;
        let mut next = || {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        };
        for _ in 0..20_000 {
            let mut b = Vec::new();
            for _ in 0..(next() % 8) {
                let ty = u16::from(next() % 17);
                let len = usize::from(next() % 20);
                let data: Vec<u8> = (0..len).map(|_| next()).collect();
                if next() % 8 == 0 {
                    put_raw(&mut b, u16::from(next() % 24), ty, &data);
                } else {
                    put(&mut b, ty, &data);
                }
            }
            if let Ok(a) = parse_attrs(Some(&b)) {
                if let Ok(d) = genl_dest(&a, true) {
                    let _ = check_add_edit(&d);
                }
                let _ = genl_dest(&a, false);
            }
        }
    }
}
