// SPDX-License-Identifier: GPL-2.0

//! What a tunnel puts between its outer IPv4 header and the packet it
//! carries: nothing for IP in IP, a UDP and a GUE header for GUE, a GRE
//! header for GRE. The destination chooses the type, its port and flags.
//!
//! C: `ipvs_gue_encap()` and `ipvs_gre_encap()` of
//! [`net/netfilter/ipvs/ip_vs_xmit.c`](srctree/net/netfilter/ipvs/ip_vs_xmit.c)

use super::{
    dest::tun_type,
    packet::{IPIP, UDP},
};

/// `IPPROTO_GRE`.
pub(crate) const GRE: u8 = 47;

/// `IP_VS_TUNNEL_ENCAP_FLAG_*`.
pub(crate) mod flag {
    /// The outer UDP header (GUE) or the GRE header carries a checksum.
    pub(crate) const CSUM: u16 = 1 << 0;
    /// GUE: the server finishes the inner checksum the device was to
    /// finish (remote checksum offload); implies an outer checksum.
    pub(crate) const REMCSUM: u16 = 1 << 1;
}

/// The longest header: UDP, GUE, its private flags and the remote
/// checksum offsets.
pub(crate) const MAX_LEN: usize = UDP_LEN + GUE_LEN + GUE_PRIV_LEN + GUE_REMCSUM_LEN;

const UDP_LEN: usize = 8;
/// `struct guehdr`.
const GUE_LEN: usize = 4;
/// `GUE_LEN_PRIV`: the private flags word.
const GUE_PRIV_LEN: usize = 4;
/// `GUE_PLEN_REMCSUM`: where the checksum starts and where it goes.
const GUE_REMCSUM_LEN: usize = 4;
/// `GUE_FLAG_PRIV`: private flags follow the header.
const GUE_FLAG_PRIV: u16 = 1;
/// `GUE_PFLAG_REMCSUM`.
const GUE_PFLAG_REMCSUM: u32 = 1 << 31;
/// `struct gre_base_hdr`.
const GRE_LEN: usize = 4;
/// `GRE_CSUM`.
const GRE_FLAG_CSUM: u16 = 0x8000;
/// GRE's checksum field and the reserved half word after it.
const GRE_CSUM_LEN: usize = 4;
/// `ETH_P_IP`: what a GRE tunnel of IPVS carries.
const ETH_P_IP: u16 = 0x0800;

/// Where a checksum the device was to finish starts, counted from the
/// start of the inner packet, and where in it the result goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct PartialCsum {
    /// `skb_checksum_start_offset()`.
    pub(crate) start: u16,
    /// `skb->csum_offset`.
    pub(crate) offset: u16,
}

/// How one packet travels to a tunnel's real server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Encap {
    /// IP in IP.
    Ipip,
    /// UDP to the destination's tunnel port, then GUE.
    Gue {
        /// The tunnel port (`__be16` bits).
        port: u16,
        /// The UDP header carries a checksum.
        csum: bool,
        /// The server finishes the inner checksum, at these offsets.
        remcsum: Option<PartialCsum>,
    },
    /// GRE.
    Gre {
        /// The GRE header carries a checksum.
        csum: bool,
    },
}

impl Encap {
    /// The encapsulation of a destination of type `tun_type`, with its
    /// port and flags, for a packet whose checksum the device was to
    /// finish at `partial` (remote checksum offload needs one). `None` for
    /// a type IPVS does not know.
    pub(crate) fn new(
        tun_type: u16,
        port: u16,
        flags: u16,
        partial: Option<PartialCsum>,
    ) -> Option<Encap> {
        match tun_type {
            tun_type::IPIP => Some(Encap::Ipip),
            tun_type::GUE => Some(Encap::Gue {
                port,
                csum: flags & (flag::CSUM | flag::REMCSUM) != 0,
                remcsum: partial.filter(|_| Self::wants_partial(tun_type, flags)),
            }),
            tun_type::GRE => Some(Encap::Gre {
                csum: flags & flag::CSUM != 0,
            }),
            _ => None,
        }
    }

    /// Whether a destination of type `tun_type` with `flags` asks for the
    /// offsets of a checksum left to the device (GUE remote checksum
    /// offload): only then does [`Encap::new`] use them.
    pub(crate) fn wants_partial(tun_type: u16, flags: u16) -> bool {
        tun_type == tun_type::GUE && flags & flag::REMCSUM != 0
    }

    /// How many bytes it puts between the outer IPv4 header and the inner
    /// packet.
    pub(crate) fn len(&self) -> usize {
        match self {
            Encap::Ipip => 0,
            Encap::Gue { remcsum, .. } => {
                UDP_LEN + GUE_LEN + remcsum.map_or(0, |_| GUE_PRIV_LEN + GUE_REMCSUM_LEN)
            }
            Encap::Gre { csum } => GRE_LEN + if *csum { GRE_CSUM_LEN } else { 0 },
        }
    }

    /// The outer IPv4 header's protocol.
    pub(crate) fn protocol(&self) -> u8 {
        match self {
            Encap::Ipip => IPIP,
            Encap::Gue { .. } => UDP,
            Encap::Gre { .. } => GRE,
        }
    }

    /// Its bytes (the first [`Encap::len`] of them) in front of an inner
    /// IPv4 packet of `inner_len` bytes, the UDP header's from port
    /// `sport` (`__be16` bits). Checksums are left zero for the caller to
    /// fill or have the device fill. `None` when the UDP length overflows.
    pub(crate) fn header(&self, sport: u16, inner_len: usize) -> Option<[u8; MAX_LEN]> {
        let mut h = [0u8; MAX_LEN];
        match self {
            Encap::Ipip => {}
            Encap::Gue { port, remcsum, .. } => {
                let udp_len = u16::try_from(inner_len.checked_add(self.len())?).ok()?;
                h[0..2].copy_from_slice(&sport.to_ne_bytes());
                h[2..4].copy_from_slice(&port.to_ne_bytes());
                h[4..6].copy_from_slice(&udp_len.to_be_bytes());
                let gue = &mut h[UDP_LEN..];
                // Version 0, a data message, its options in 32-bit words.
                gue[1] = IPIP;
                if let Some(csum) = remcsum {
                    gue[0] = ((GUE_PRIV_LEN + GUE_REMCSUM_LEN) / 4) as u8;
                    gue[2..4].copy_from_slice(&GUE_FLAG_PRIV.to_be_bytes());
                    gue[4..8].copy_from_slice(&GUE_PFLAG_REMCSUM.to_be_bytes());
                    gue[8..10].copy_from_slice(&csum.start.to_be_bytes());
                    let at = csum.start.checked_add(csum.offset)?;
                    gue[10..12].copy_from_slice(&at.to_be_bytes());
                }
            }
            Encap::Gre { csum } => {
                let flags = if *csum { GRE_FLAG_CSUM } else { 0 };
                h[0..2].copy_from_slice(&flags.to_be_bytes());
                h[2..4].copy_from_slice(&ETH_P_IP.to_be_bytes());
            }
        }
        Some(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORT_6080: u16 = 6080u16.to_be();

    #[test]
    fn types_and_lengths() {
        assert_eq!(Encap::new(tun_type::IPIP, 0, 3, None), Some(Encap::Ipip));
        assert_eq!(Encap::new(3, 0, 0, None), None);
        let plain = Encap::new(tun_type::GUE, PORT_6080, 0, None).unwrap();
        assert_eq!((plain.len(), plain.protocol()), (12, UDP));
        let gre = Encap::new(tun_type::GRE, 0, 0, None).unwrap();
        assert_eq!((gre.len(), gre.protocol()), (4, GRE));
        let gre_csum = Encap::new(tun_type::GRE, 0, flag::CSUM, None).unwrap();
        assert_eq!(gre_csum.len(), 8);
        assert_eq!(Encap::Ipip.len(), 0);
    }

    #[test]
    fn remote_checksum_only_for_a_partial_checksum() {
        let partial = PartialCsum {
            start: 20,
            offset: 16,
        };
        let done = Encap::new(tun_type::GUE, PORT_6080, flag::REMCSUM, None).unwrap();
        assert_eq!(
            done,
            Encap::Gue {
                port: PORT_6080,
                csum: true,
                remcsum: None
            }
        );
        let left = Encap::new(tun_type::GUE, PORT_6080, flag::REMCSUM, Some(partial)).unwrap();
        assert_eq!(left.len(), 20);
        let csum_only = Encap::new(tun_type::GUE, PORT_6080, flag::CSUM, Some(partial)).unwrap();
        assert_eq!(csum_only.len(), 12);
        assert!(Encap::wants_partial(tun_type::GUE, flag::REMCSUM));
        assert!(!Encap::wants_partial(tun_type::GUE, flag::CSUM));
        assert!(!Encap::wants_partial(tun_type::GRE, flag::REMCSUM));
    }

    #[test]
    fn gue_header() {
        let e = Encap::new(tun_type::GUE, PORT_6080, 0, None).unwrap();
        let h = e.header(0x1234u16.to_be(), 60).unwrap();
        assert_eq!(
            &h[..12],
            &[0x12, 0x34, 0x17, 0xc0, 0, 72, 0, 0, 0, IPIP, 0, 0]
        );
        assert_eq!(e.header(0, 65_524), None);
    }

    #[test]
    fn gue_header_with_remote_checksum() {
        let partial = PartialCsum {
            start: 20,
            offset: 6,
        };
        let e = Encap::new(tun_type::GUE, PORT_6080, flag::REMCSUM, Some(partial)).unwrap();
        let h = e.header(0, 40).unwrap();
        assert_eq!(
            h,
            [0, 0, 0x17, 0xc0, 0, 60, 0, 0, 2, IPIP, 0, 1, 0x80, 0, 0, 0, 0, 20, 0, 26]
        );
    }

    #[test]
    fn gre_header() {
        let plain = Encap::Gre { csum: false }.header(0, 60).unwrap();
        assert_eq!(&plain[..4], &[0, 0, 0x08, 0]);
        let csum = Encap::Gre { csum: true }.header(0, 60).unwrap();
        assert_eq!(&csum[..8], &[0x80, 0, 0x08, 0, 0, 0, 0, 0]);
    }
}
