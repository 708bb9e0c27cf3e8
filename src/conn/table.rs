// SPDX-License-Identifier: GPL-2.0

//! Connection entries and the table that finds them from either side:
//! requests by client and virtual address, replies by real server and
//! client address. Both hash on the client's side, so one bucket holds
//! both directions of a connection.
//!
//! C: [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c)

use crate::{
    ctl::dest::Dest,
    ffi::time,
    logic::{
        dest::conn_flag,
        tcp_state::{self, Direction, TcpFlags, TcpState},
        udp_state::UdpState,
    },
};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use kernel::{alloc::KVVec, prelude::*, sync::Arc};

/// One side of a connection: address (`union nf_inet_addr` layout) and
/// port (`__be16` bits).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) addr: [u8; 16],
    pub(crate) port: u16,
}

/// A connection.
pub(crate) struct Conn {
    /// Transport protocol.
    pub(crate) protocol: u8,
    /// The client.
    pub(crate) client: Endpoint,
    /// The virtual service's side the client talks to.
    pub(crate) virt: Endpoint,
    /// The real server.
    pub(crate) real: Endpoint,
    /// `IP_VS_CONN_F_*`: forwarding method, `INACTIVE`, `NOOUTPUT`...
    pub(crate) flags: u32,
    /// Protocol state (`IP_VS_TCP_S_*`; 0 for UDP).
    pub(crate) state: TcpState,
    /// How long the connection lives after its last packet, in jiffies.
    pub(crate) timeout: u64,
    /// When it expires (jiffies).
    pub(crate) expires: u64,
    /// Where it goes; its counters count this connection.
    pub(crate) dest: Arc<Dest>,
    /// For a persistence template, its shared part; for a connection a
    /// template made, that template's.
    control: Option<Arc<Control>>,
}

/// What a persistence template shares with the connections it controls.
#[derive(Default)]
struct Control {
    /// How many connections it controls (`n_control`).
    count: AtomicU32,
    /// `IP_VS_CTPL_S_ASSURED`: one of them got an answer.
    assured: AtomicBool,
}

impl Conn {
    /// A connection to port `dport` of `dest` with the flags the
    /// destination gives its connections, counted in the destination's
    /// connection counters (`ip_vs_conn_new()` and `ip_vs_bind_dest()`).
    pub(crate) fn new(
        protocol: u8,
        client: Endpoint,
        virt: Endpoint,
        (dest, dport): (Arc<Dest>, u16),
        flags: u32,
    ) -> Conn {
        let mut dflags = dest.conn_flags();
        if protocol != crate::logic::packet::UDP {
            dflags &= !conn_flag::ONE_PACKET;
        }
        let real = Endpoint {
            addr: dest.shared.addr,
            port: dport,
        };
        let flags = flags | dflags;
        bind(&dest, flags);
        Conn {
            protocol,
            client,
            virt,
            real,
            flags,
            state: TcpState::None,
            // C's first timeout: 3 s until the protocol sets its own.
            timeout: 3 * u64::from(time::HZ),
            expires: 0,
            dest,
            control: None,
        }
    }

    /// A persistence template sending `client` (its port 0, its address
    /// masked) to `dest` port `dport` for `virt` (`ip_vs_sched_persist()`);
    /// it lives `timeout` jiffies after the last connection it made.
    pub(crate) fn template(
        protocol: u8,
        client: Endpoint,
        virt: Endpoint,
        (dest, dport): (Arc<Dest>, u16),
        timeout: u64,
    ) -> Result<Conn> {
        let control = Arc::new(Control::default(), GFP_ATOMIC)?;
        let mut t = Conn::new(protocol, client, virt, (dest, dport), conn_flag::TEMPLATE);
        t.timeout = timeout;
        t.control = Some(control);
        Ok(t)
    }

    /// Puts this new connection under `template`'s control
    /// (`ip_vs_control_add()`).
    pub(crate) fn controlled_by(&mut self, template: &Conn) {
        if let Some(c) = &template.control {
            c.count.fetch_add(1, Relaxed);
            self.control = Some(c.clone());
        }
    }

    /// Whether a persistence template controls this connection.
    pub(crate) fn is_controlled(&self) -> bool {
        !self.is_template() && self.control.is_some()
    }

    /// Whether this is a persistence template.
    pub(crate) fn is_template(&self) -> bool {
        self.flags & conn_flag::TEMPLATE != 0
    }

    /// Whether a template still controls connections.
    fn controls(&self) -> bool {
        self.is_template()
            && self
                .control
                .as_ref()
                .is_some_and(|c| c.count.load(Relaxed) != 0)
    }

    /// The forwarding method (`IP_VS_CONN_F_FWD_MASK`).
    pub(crate) fn fwd(&self) -> u32 {
        self.flags & conn_flag::FWD_MASK
    }

    /// Moves a TCP connection on for a packet with `flags` going `dir`
    /// (`set_tcp_state()`), with the destination's active count following
    /// and the state's timeout from `timeouts`.
    pub(crate) fn tcp_packet(
        &mut self,
        dir: Direction,
        flags: TcpFlags,
        secure: bool,
        timeouts: &[u32],
    ) {
        let no_output = self.flags & conn_flag::NOOUTPUT != 0;
        let dir = dir.resolve(no_output);
        if no_output && dir == Direction::Output {
            self.flags &= !conn_flag::NOOUTPUT;
        }
        let new = tcp_state::next(self.state, dir, flags, secure);
        if new != self.state {
            if new == TcpState::Established {
                self.assure_template();
            }
            let inactive = self.flags & conn_flag::INACTIVE != 0;
            let s = &self.dest.shared;
            if !inactive && !new.is_active() {
                s.activeconns.fetch_sub(1, Relaxed);
                self.flags |= conn_flag::INACTIVE;
            } else if inactive && new.is_active() {
                s.activeconns.fetch_add(1, Relaxed);
                self.flags &= !conn_flag::INACTIVE;
            }
        }
        self.state = new;
        let secs = timeouts.get(new as usize).copied().unwrap_or(0);
        self.timeout = u64::from(secs) * u64::from(time::HZ);
    }

    /// A UDP packet going `dir`: the single state's timeout; a reply
    /// assures the template.
    pub(crate) fn udp_packet(&mut self, dir: Direction, timeout_secs: u32) {
        self.timeout = u64::from(timeout_secs) * u64::from(time::HZ);
        if dir == Direction::Output {
            self.assure_template();
        }
    }

    /// `ip_vs_control_assure_ct()`: the template of this connection, if
    /// any, saw its client served.
    fn assure_template(&self) {
        if !self.is_template() {
            if let Some(c) = &self.control {
                c.assured.store(true, Relaxed);
            }
        }
    }

    /// The protocol state's name, as `/proc/net/ip_vs_conn` shows it.
    pub(crate) fn state_name(&self) -> &'static str {
        if self.is_template() {
            // `ip_vs_ctpl_state_name_table`.
            match &self.control {
                Some(c) if c.assured.load(Relaxed) => "ASSURED",
                _ => "NONE",
            }
        } else if self.protocol == crate::logic::packet::UDP {
            UdpState::Normal.name()
        } else {
            self.state.name()
        }
    }

    /// The connection saw a packet now: it lives `timeout` longer.
    pub(crate) fn touch(&mut self, now: u64) {
        self.expires = now.wrapping_add(self.timeout);
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if !self.is_template() {
            if let Some(c) = &self.control {
                c.count.fetch_sub(1, Relaxed);
            }
        }
        unbind(&self.dest, self.flags);
    }
}

/// `ip_vs_bind_dest()`'s counting: active unless `INACTIVE`, and one more
/// connection, which may put the destination at its upper threshold.
fn bind(dest: &Dest, flags: u32) {
    let s = &dest.shared;
    if flags & conn_flag::TEMPLATE != 0 {
        s.persistconns.fetch_add(1, Relaxed);
        return;
    }
    if flags & conn_flag::INACTIVE == 0 {
        s.activeconns.fetch_add(1, Relaxed);
    }
    dest.bound(s.totalconns.fetch_add(1, Relaxed) + 1);
}

/// `ip_vs_unbind_dest()`'s counting: one connection less, which may take
/// the destination under its lower threshold.
fn unbind(dest: &Dest, flags: u32) {
    let s = &dest.shared;
    if flags & conn_flag::TEMPLATE != 0 {
        s.persistconns.fetch_sub(1, Relaxed);
        return;
    }
    if flags & conn_flag::INACTIVE == 0 {
        s.activeconns.fetch_sub(1, Relaxed);
    }
    dest.unbound(s.totalconns.fetch_sub(1, Relaxed));
}

/// The connection table of one namespace.
pub(crate) struct Table {
    buckets: KVVec<KVec<Conn>>,
}

impl Table {
    /// An empty table of `size` buckets (a power of two).
    pub(crate) fn new(size: usize) -> Result<Table> {
        let mut buckets = KVVec::with_capacity(size, GFP_KERNEL)?;
        for _ in 0..size {
            buckets.push(KVec::new(), GFP_KERNEL)?;
        }
        Ok(Table { buckets })
    }

    /// The bucket of a connection of `protocol` with the client `c`.
    fn bucket(&self, protocol: u8, c: &Endpoint) -> usize {
        let mut h: u32 = u32::from(protocol).wrapping_mul(0x9e37_79b9);
        for w in c.addr.chunks_exact(4) {
            h = (h ^ u32::from_ne_bytes([w[0], w[1], w[2], w[3]])).wrapping_mul(0x85eb_ca6b);
        }
        h = (h ^ u32::from(c.port)).wrapping_mul(0xc2b2_ae35);
        h ^= h >> 16;
        (h as usize) & (self.buckets.len() - 1)
    }

    /// The first entry of `protocol` with `client` that `wanted` accepts.
    fn find(
        &mut self,
        protocol: u8,
        client: &Endpoint,
        wanted: impl Fn(&Conn) -> bool,
    ) -> Option<&mut Conn> {
        let b = self.bucket(protocol, client);
        self.buckets[b]
            .iter_mut()
            .find(|c| c.protocol == protocol && c.client == *client && wanted(c))
    }

    /// The connection a request from `client` to `virt` belongs to
    /// (`ip_vs_conn_in_get()`).
    pub(crate) fn find_in(
        &mut self,
        protocol: u8,
        client: &Endpoint,
        virt: &Endpoint,
    ) -> Option<&mut Conn> {
        self.find(protocol, client, |c| c.virt == *virt && !c.is_template())
    }

    /// The persistence template of `protocol` for `client` (port 0) and
    /// `virt` (`ip_vs_ct_in_get()`).
    pub(crate) fn find_template(
        &mut self,
        protocol: u8,
        client: &Endpoint,
        virt: &Endpoint,
    ) -> Option<&mut Conn> {
        self.find(protocol, client, |c| c.virt == *virt && c.is_template())
    }

    /// The connection a reply from `source` to `client` belongs to
    /// (`ip_vs_conn_out_get()`): NAT replies come from the real server,
    /// those of direct routing and tunnels (when they pass this host) from
    /// the virtual service.
    pub(crate) fn find_out(
        &mut self,
        protocol: u8,
        source: &Endpoint,
        client: &Endpoint,
    ) -> Option<&mut Conn> {
        self.find(protocol, client, |c| {
            let from = if c.fwd() == conn_flag::MASQ {
                &c.real
            } else {
                &c.virt
            };
            from == source && !c.is_template()
        })
    }

    /// Adds a connection; on the packet path, so it cannot sleep.
    pub(crate) fn insert(&mut self, conn: Conn) -> Result<&mut Conn> {
        let b = self.bucket(conn.protocol, &conn.client);
        let bucket = &mut self.buckets[b];
        bucket.push(conn, GFP_ATOMIC)?;
        bucket.last_mut().ok_or(ENOMEM)
    }

    /// Removes the connection (or with `template`, the template) of
    /// `protocol` between `client` and `virt`.
    pub(crate) fn remove(
        &mut self,
        protocol: u8,
        client: &Endpoint,
        virt: &Endpoint,
        template: bool,
    ) {
        let b = self.bucket(protocol, client);
        let bucket = &mut self.buckets[b];
        if let Some(i) = bucket.iter().position(|c| {
            c.protocol == protocol
                && c.client == *client
                && c.virt == *virt
                && c.is_template() == template
        }) {
            drop(bucket.remove(i));
        }
    }

    /// Drops every connection that expired by `now` (what each C
    /// connection's timer does); a template that still controls
    /// connections lives another period (`ip_vs_conn_expire()`).
    pub(crate) fn expire(&mut self, now: u64) {
        for bucket in self.buckets.iter_mut() {
            bucket.retain(|c| {
                if time::after(c.expires, now) {
                    return true;
                }
                if c.controls() {
                    c.touch(now);
                    return true;
                }
                false
            });
        }
    }

    /// Every connection, bucket by bucket.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Conn> {
        self.buckets.iter().flat_map(|b| b.iter())
    }
}
