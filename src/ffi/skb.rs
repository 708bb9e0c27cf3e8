// SPDX-License-Identifier: GPL-2.0

//! A safe view of one packet (`struct sk_buff`) for the time a netfilter
//! hook holds it: bounded reads and writes at offsets from the network
//! header, checksum fix-ups, and the ways a packet leaves IPVS.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h)

use super::{bindings, pernet::Net, route::Route};
use crate::logic::{
    encap::{Encap, PartialCsum},
    packet,
};
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{error::to_result, ffi::c_int, prelude::*};

/// A packet in a hook.
///
/// # Invariants
///
/// `skb` is a live `sk_buff` that the hook owns for `'a`, the duration of
/// the hook call; methods that hand it on (`send`) consume the view.
pub(crate) struct Skb<'a> {
    skb: NonNull<bindings::sk_buff>,
    /// `skb_network_offset()`: where the offsets of this view start.
    net_off: c_int,
    _hook: PhantomData<&'a mut bindings::sk_buff>,
}

impl Skb<'_> {
    /// # Safety
    ///
    /// `skb` must be the live packet of the running hook, owned by it until
    /// the hook returns; it must not be used through anything else
    /// meanwhile.
    pub(super) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Option<Self> {
        let skb = NonNull::new(skb)?;
        // SAFETY: Live packet (function contract).
        let net_off = unsafe { bindings::ipvs_rs_skb_network_offset(skb.as_ptr()) };
        Some(Skb {
            skb,
            net_off,
            _hook: PhantomData,
        })
    }

    pub(super) fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.skb.as_ptr()
    }

    /// Bytes from the network header to the end of the packet.
    pub(crate) fn len(&self) -> usize {
        // SAFETY: Live packet (type invariant).
        let len = unsafe { bindings::ipvs_rs_skb_len(self.as_ptr()) };
        usize::try_from(i64::from(len) - i64::from(self.net_off)).unwrap_or(0)
    }

    /// The packet's firewall mark.
    pub(crate) fn mark(&self) -> u32 {
        // SAFETY: Live packet (type invariant).
        unsafe { bindings::ipvs_rs_skb_mark(self.as_ptr()) }
    }

    /// Whether the packet was addressed to this host at the link layer
    /// (`PACKET_HOST`).
    pub(crate) fn to_host(&self) -> bool {
        // SAFETY: Live packet (type invariant).
        let t = unsafe { bindings::ipvs_rs_skb_pkt_type(self.as_ptr()) };
        u32::from(t) == bindings::PACKET_HOST
    }

    /// Whether IPVS already handled the packet (`skb->ipvs_property`).
    pub(crate) fn handled(&self) -> bool {
        // SAFETY: Live packet (type invariant).
        unsafe { bindings::ipvs_rs_skb_ipvs_property(self.as_ptr()) }
    }

    /// Marks the packet as handled by IPVS, so no IPVS hook touches it
    /// again; conntrack no longer follows it (`ip_vs_notrack()`: no
    /// connection asks for conntrack).
    pub(crate) fn set_handled(&mut self) {
        // SAFETY: Live packet owned by the hook (type invariant).
        unsafe { bindings::ipvs_rs_skb_set_ipvs_property(self.as_ptr()) }
    }

    /// Whether the packet is too long for a path MTU of `mtu` (GSO packets
    /// by the size of their segments).
    pub(crate) fn exceeds_mtu(&self, mtu: usize) -> bool {
        let mtu = u32::try_from(mtu).unwrap_or(u32::MAX);
        // SAFETY: Live packet (type invariant).
        unsafe { bindings::ipvs_rs_skb_exceeds_mtu(self.as_ptr(), mtu) }
    }

    /// The offset from `skb->data`, checked, of `off` bytes past the network
    /// header, for a span of `len` bytes inside the packet.
    fn data_off(&self, off: usize, len: usize) -> Result<c_int> {
        let end = off.checked_add(len).ok_or(EINVAL)?;
        if end > self.len() {
            return Err(EINVAL);
        }
        let off = c_int::try_from(off).map_err(|_| EINVAL)?;
        off.checked_add(self.net_off).ok_or(EINVAL)
    }

    /// Copies the bytes at `off` (from the network header) into `buf`, from
    /// wherever they are in the packet (`skb_copy_bits()`). `EINVAL` when
    /// the packet is shorter.
    pub(crate) fn read(&self, off: usize, buf: &mut [u8]) -> Result {
        let at = self.data_off(off, buf.len())?;
        let len = c_int::try_from(buf.len())?;
        // SAFETY: Live packet; `buf` is `len` writable bytes; `at..at+len`
        // is inside the packet (checked above).
        to_result(unsafe {
            bindings::skb_copy_bits(self.as_ptr(), at, buf.as_mut_ptr().cast(), len)
        })
    }

    /// Makes the first `len` bytes from the network header private to this
    /// packet and linear (`skb_ensure_writable()`), so they can be changed.
    pub(crate) fn make_writable(&mut self, len: usize) -> Result {
        let end = self.data_off(0, len)?;
        let end = end.checked_add(len.try_into()?).ok_or(EINVAL)?;
        let end = u32::try_from(end)?;
        // SAFETY: Live packet, owned by the hook (type invariant).
        to_result(unsafe { bindings::skb_ensure_writable(self.as_ptr(), end) })
    }

    /// Overwrites the bytes at `off` with `bytes`; the range must have been
    /// made writable first.
    pub(crate) fn write(&mut self, off: usize, bytes: &[u8]) -> Result {
        let at = self.data_off(off, bytes.len())?;
        let len = c_int::try_from(bytes.len())?;
        // SAFETY: Live packet owned by the hook; `bytes` is `len` readable
        // bytes; the range is inside the packet (checked above).
        to_result(unsafe {
            bindings::skb_store_bits(self.as_ptr(), at, bytes.as_ptr().cast(), len)
        })
    }

    /// Updates the checksum at `check_off` for a 32-bit field that changed
    /// from `from` to `to` (both as on the wire), also in the pseudo-header
    /// when `pseudo` (`inet_proto_csum_replace4()`).
    pub(crate) fn csum_replace4(
        &mut self,
        check_off: usize,
        from: [u8; 4],
        to: [u8; 4],
        pseudo: bool,
    ) -> Result {
        let at = u32::try_from(self.data_off(check_off, 2)?)?;
        // SAFETY: Live packet owned by the hook; the helper checks that the
        // checksum is in the linear data.
        to_result(unsafe {
            bindings::ipvs_rs_csum_replace4(
                self.as_ptr(),
                at,
                u32::from_ne_bytes(from),
                u32::from_ne_bytes(to),
                pseudo,
            )
        })
    }

    /// As [`Self::csum_replace4`] for a 16-bit field that is not in the
    /// pseudo-header (a port).
    pub(crate) fn csum_replace2(&mut self, check_off: usize, from: [u8; 2], to: [u8; 2]) -> Result {
        let at = u32::try_from(self.data_off(check_off, 2)?)?;
        // SAFETY: As in `csum_replace4`.
        to_result(unsafe {
            bindings::ipvs_rs_csum_replace2(
                self.as_ptr(),
                at,
                u16::from_ne_bytes(from),
                u16::from_ne_bytes(to),
                false,
            )
        })
    }

    /// Whether the device is to finish the transport checksum
    /// (`CHECKSUM_PARTIAL`): it holds only the pseudo-header's sum.
    pub(crate) fn csum_partial(&self) -> bool {
        // SAFETY: Live packet (type invariant).
        unsafe { bindings::ipvs_rs_skb_csum_partial(self.as_ptr()) }
    }

    /// Computes the checksum of the UDP header at `off` from scratch over
    /// the rest of the packet (zero is sent as `0xffff`); the header must
    /// have been made writable.
    pub(crate) fn udp_checksum(&mut self, off: usize) -> Result {
        let at = u32::try_from(self.data_off(off, packet::UDP_LEN)?)?;
        // SAFETY: Live packet owned by the hook; the helper checks that the
        // header is in the linear data.
        to_result(unsafe { bindings::ipvs_rs_udp_csum(self.as_ptr(), at) })
    }

    /// Recomputes the IPv4 header checksum; the header must be writable.
    pub(crate) fn ip_send_check(&mut self) {
        // SAFETY: Live packet owned by the hook, whose IPv4 header the
        // caller made writable.
        unsafe { bindings::ipvs_rs_ip_send_check(self.as_ptr()) }
    }

    /// Tells the sender with an ICMP error (`icmp_send()`).
    pub(crate) fn icmp_send(&self, icmp_type: u8, code: u8, info: u32) {
        // SAFETY: Live packet; `icmp_send()` only reads it.
        unsafe { bindings::ipvs_rs_icmp_send(self.as_ptr(), icmp_type, code, info) }
    }

    /// Whether the checksum of the ICMP message at `off` (from the network
    /// header to the packet's end) is right, or needs no check
    /// (`ip_vs_checksum_common_check()`).
    pub(crate) fn icmp_csum_ok(&mut self, off: usize) -> bool {
        let Some(at) = self
            .data_off(off, 0)
            .ok()
            .and_then(|a| u32::try_from(a).ok())
        else {
            return false;
        };
        // SAFETY: Live packet owned by the hook (type invariant); `at` is
        // inside it (checked above).
        unsafe { bindings::ipvs_rs_icmp_csum_ok(self.as_ptr(), at) }
    }

    /// Recomputes the checksum of the ICMP message at `off` over the rest
    /// of the packet; its header must have been made writable.
    pub(crate) fn icmp_csum_set(&mut self, off: usize) -> Result {
        let at = u32::try_from(self.data_off(off, 8)?)?;
        // SAFETY: Live packet owned by the hook; the helper checks that the
        // ICMP header is in the linear data.
        to_result(unsafe { bindings::ipvs_rs_icmp_csum_set(self.as_ptr(), at) })
    }

    /// Routes the packet by `route` from now on.
    pub(crate) fn set_route(&mut self, route: Route) {
        // SAFETY: Live packet owned by the hook; the route's reference goes
        // to the packet.
        unsafe { bindings::ipvs_rs_skb_set_route(self.as_ptr(), route.into_raw()) }
    }

    /// Where the checksum the device is to finish starts and goes, if it
    /// is to finish one; an error when it starts before the IPv4 header.
    pub(crate) fn partial_csum(&self) -> Result<Option<PartialCsum>> {
        let (mut start, mut offset) = (0u16, 0u16);
        // SAFETY: Live packet (type invariant); the outputs are locals.
        let err =
            unsafe { bindings::ipvs_rs_csum_partial_at(self.as_ptr(), &mut start, &mut offset) };
        if err == ENOENT.to_errno() {
            return Ok(None);
        }
        to_result(err)?;
        Ok(Some(PartialCsum { start, offset }))
    }

    /// A UDP source port for a tunnel packet carrying this packet, from
    /// its flow (`udp_flow_src_port()`), as `__be16` bits.
    pub(crate) fn flow_src_port(&mut self, net: Net) -> u16 {
        // SAFETY: Live packet owned by the hook (it may get its flow hash
        // stored); `net` is live (type invariant of `Net`).
        unsafe { bindings::ipvs_rs_udp_flow_src_port(net.as_ptr(), self.as_ptr()) }
    }

    /// Pushes room for an outer IPv4 header and the headers of `encap`
    /// for a tunnel to `route`'s device, with the offloads of the tunnel
    /// type; the offsets of this view then start at the new IPv4 header,
    /// the encapsulation right after it.
    pub(crate) fn push_tunnel(&mut self, route: &Route, encap: &Encap) -> Result {
        let len = u32::try_from(encap.len())?;
        // SAFETY: Live packet owned by the hook; `route` is a live route.
        to_result(unsafe {
            bindings::ipvs_rs_tunnel_push(self.as_ptr(), route.as_ptr(), len, gso_type(encap))
        })?;
        self.net_off = 0;
        Ok(())
    }

    /// Finishes the checksums of the headers [`Skb::push_tunnel`] made room
    /// for, once they and the outer IPv4 header are written.
    pub(crate) fn finish_tunnel(&mut self, encap: &Encap) {
        match *encap {
            Encap::Ipip => {}
            Encap::Gue { csum, remcsum, .. } => {
                if remcsum.is_some() {
                    // SAFETY: Live packet owned by the hook.
                    unsafe { bindings::ipvs_rs_remcsum_offloaded(self.as_ptr()) }
                }
                // SAFETY: Live packet owned by the hook; its transport
                // header is the UDP header `push_tunnel` made room for.
                unsafe { bindings::ipvs_rs_tunnel_udp_csum(self.as_ptr(), csum) }
            }
            // SAFETY: Live packet owned by the hook; its transport header is
            // the GRE header `push_tunnel` made room for, checksum zero.
            Encap::Gre { csum } => unsafe {
                bindings::ipvs_rs_tunnel_gre_done(self.as_ptr(), csum)
            },
        }
    }

    /// Gives the IPv4 header a fresh identification (`ip_select_ident()`).
    pub(crate) fn select_ident(&mut self, net: Net) {
        // SAFETY: Live packet owned by the hook with a writable IPv4 header;
        // `net` is live (type invariant of `Net`).
        unsafe { bindings::ipvs_rs_ip_select_ident(net.as_ptr(), self.as_ptr()) }
    }

    /// Sets the path MTU towards the destination of the IPv4 header at
    /// `off`, `hlen` bytes long, to `mtu` (`ipv4_update_pmtu()`).
    pub(crate) fn update_pmtu_at(&mut self, net: Net, off: usize, hlen: usize, mtu: u32) -> Result {
        self.data_off(off, hlen)?;
        let (off, hlen) = (u32::try_from(off)?, u32::try_from(hlen)?);
        // SAFETY: Live packet owned by the hook; the helper checks the
        // length and puts the network header back; `net` is live.
        to_result(unsafe {
            bindings::ipvs_rs_update_pmtu_at(self.as_ptr(), net.as_ptr(), off, hlen, mtu)
        })
    }

    /// Strips the packet down to the IPv4 header at `off`, `hlen` bytes
    /// long, and sends the ICMP error `kind`, `code`, `info` about that
    /// packet (`icmp_send()`). The packet is gone either way: the hook
    /// answers "stolen".
    pub(crate) fn icmp_send_inner(
        self,
        off: usize,
        hlen: usize,
        (kind, code, info): (u8, u8, u32),
    ) -> Result {
        let range = self
            .data_off(off, hlen)
            .and_then(|_| Ok((u32::try_from(off)?, u32::try_from(hlen)?)));
        let Ok((off, hlen)) = range else {
            self.consume();
            return Err(EINVAL);
        };
        // SAFETY: Live packet owned by the hook, which gives it up here
        // (the view is consumed).
        to_result(unsafe {
            bindings::ipvs_rs_icmp_send_inner(self.as_ptr(), off, hlen, kind, code, info)
        })
    }

    /// Frees the packet: the hook answers "stolen".
    pub(crate) fn consume(self) {
        // SAFETY: Live packet owned by the hook, which gives it up here
        // (the view is consumed).
        unsafe { bindings::ipvs_rs_consume(self.as_ptr()) }
    }

    /// Routes the packet again as if this host sent it, from the source it
    /// has now (`ip_route_me_harder()`), unless it goes to this host.
    pub(crate) fn reroute(&mut self, net: Net) -> Result {
        // SAFETY: Live packet owned by the hook; `net` is live (type
        // invariant of `Net`).
        to_result(unsafe { bindings::ipvs_rs_route_me_harder(net.as_ptr(), self.as_ptr()) })
    }

    /// A received packet lets go of the socket early demux tied it to: it
    /// goes elsewhere now (`ip_vs_drop_early_demux_sk()`).
    pub(crate) fn drop_demux_socket(&mut self) {
        // SAFETY: Live packet owned by the hook (type invariant).
        unsafe { bindings::ipvs_rs_skb_drop_demux_sk(self.as_ptr()) }
    }

    /// Sends the routed packet on through the LOCAL_OUT hooks (IPVS no
    /// longer touches it). The packet is gone: the hook answers "stolen".
    pub(crate) fn send(self, net: Net) {
        // SAFETY: Live packet owned by the hook, which gives it up here
        // (the view is consumed); `net` is live.
        unsafe { bindings::ipvs_rs_send(net.as_ptr(), self.as_ptr()) }
    }
}

/// The offloads of a packet in an IPv4 tunnel of type `encap`
/// (`SKB_GSO_*`).
fn gso_type(encap: &Encap) -> c_int {
    let inner = match *encap {
        Encap::Ipip => 0,
        Encap::Gue { csum, remcsum, .. } => {
            let udp = if csum {
                bindings::SKB_GSO_UDP_TUNNEL_CSUM
            } else {
                bindings::SKB_GSO_UDP_TUNNEL
            };
            udp | remcsum.map_or(0, |_| bindings::SKB_GSO_TUNNEL_REMCSUM)
        }
        Encap::Gre { csum: true } => bindings::SKB_GSO_GRE_CSUM,
        Encap::Gre { csum: false } => bindings::SKB_GSO_GRE,
    };
    bindings::SKB_GSO_IPXIP4 | inner
}
