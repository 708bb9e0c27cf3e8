// SPDX-License-Identifier: GPL-2.0

//! Connection entries and the table that finds them from either side:
//! requests by client and virtual address, replies by real server and
//! client address. Both hash on the client's side, so one bucket holds
//! both directions of a connection.
//!
//! C: [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c)

use crate::{
    ctl::dest::Dest,
    ffi::{pe::PeRef, time},
    logic::{
        conn_tab,
        dest::conn_flag,
        tcp_state::{self, Direction, TcpFlags, TcpState},
        udp_state::UdpState,
    },
};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use kernel::{
    alloc::flags::__GFP_NOWARN,
    new_spinlock_irq,
    prelude::*,
    sync::{Arc, SpinLockIrq, SpinLockIrqGuard},
};

/// The real port of a template no longer in use (C's `htons(0xffff)`;
/// the same in either byte order).
const INVALID_PORT: u16 = 0xffff;

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
    /// For a template of a service with a persistence engine, what the
    /// engine keyed it on (C's `cp->pe` and `cp->pe_data`).
    pub(crate) pe_data: Option<PeData>,
}

/// A persistence engine and the data it found in a packet (for SIP, the
/// Call-ID): part of a template's key.
pub(crate) struct PeData {
    /// The engine; each template pins its module, as in C.
    pub(crate) pe: PeRef,
    /// The data.
    pub(crate) data: KVec<u8>,
}

impl PeData {
    /// A copy, for the template to keep while the packet path uses the
    /// original as the key; on the packet path, so it cannot sleep.
    pub(crate) fn try_clone(&self) -> Result<PeData> {
        let mut data = KVec::with_capacity(self.data.len(), GFP_ATOMIC)?;
        data.extend_from_slice(&self.data, GFP_ATOMIC)?;
        Ok(PeData {
            pe: self.pe.clone(),
            data,
        })
    }
}

/// Whether a template keyed on `have` is one for `want`: the same engine
/// and data (`ct_match()`'s part beyond the usual key), or neither.
fn pe_matches(have: Option<&PeData>, want: Option<&PeData>) -> bool {
    match (have, want) {
        (Some(a), Some(b)) => a.pe.is(&b.pe) && a.data == b.data,
        (None, None) => true,
        _ => false,
    }
}

/// The protocol timeouts of a namespace's connections, in seconds; read
/// on the packet path, changed by `ipvsadm --set`.
pub(crate) struct StateTimeouts {
    /// TCP's by state.
    tcp: [AtomicU32; tcp_state::COUNT],
    /// UDP's.
    udp: AtomicU32,
}

impl StateTimeouts {
    /// The defaults of every state.
    pub(crate) fn new() -> StateTimeouts {
        StateTimeouts {
            tcp: core::array::from_fn(|i| {
                AtomicU32::new(tcp_state::ALL.get(i).map_or(0, |s| s.default_timeout()))
            }),
            udp: AtomicU32::new(UdpState::Normal.default_timeout()),
        }
    }

    /// The timeout of the TCP state `s`.
    pub(crate) fn tcp(&self, s: TcpState) -> u32 {
        self.tcp.get(s as usize).map_or(0, |t| t.load(Relaxed))
    }

    /// Sets the timeout of the TCP state `s`.
    pub(crate) fn set_tcp(&self, s: TcpState, secs: u32) {
        if let Some(t) = self.tcp.get(s as usize) {
            t.store(secs, Relaxed);
        }
    }

    /// The UDP timeout.
    pub(crate) fn udp(&self) -> u32 {
        self.udp.load(Relaxed)
    }

    /// Sets the UDP timeout.
    pub(crate) fn set_udp(&self, secs: u32) {
        self.udp.store(secs, Relaxed);
    }
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
            pe_data: None,
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
        timeouts: &StateTimeouts,
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
        let secs = timeouts.tcp(new);
        self.timeout = u64::from(secs) * u64::from(time::HZ);
    }

    /// A UDP packet going `dir`: the single state's timeout; a reply
    /// assures the template.
    pub(crate) fn udp_packet(&mut self, dir: Direction, timeouts: &StateTimeouts) {
        self.timeout = u64::from(timeouts.udp()) * u64::from(time::HZ);
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

    /// Its hash in the table.
    fn hash(&self) -> u32 {
        conn_tab::hash(self.protocol, &self.client.addr, self.client.port)
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

/// The buckets of one stripe of the table, under the stripe's lock.
struct Stripe {
    buckets: KVec<KVec<Conn>>,
    /// How many entries the buckets hold.
    count: usize,
    /// How many buckets it started with: it shrinks back to that.
    initial: usize,
}

impl Stripe {
    fn new(len: usize) -> Result<Stripe> {
        let mut buckets = KVec::with_capacity(len, GFP_KERNEL)?;
        for _ in 0..len {
            buckets.push(KVec::new(), GFP_KERNEL)?;
        }
        Ok(Stripe {
            buckets,
            count: 0,
            initial: len,
        })
    }

    /// Doubles the buckets when they hold too many entries, halves them
    /// when they hold few ([`conn_tab::resized`]). In atomic context: when
    /// memory is short, the stripe stays as it is (longer chains, nothing
    /// lost).
    fn resize(&mut self, stripes: usize) {
        let Some(len) = conn_tab::resized(self.count, self.buckets.len(), self.initial) else {
            return;
        };
        let Some(mut resized) = Self::buckets_for(&self.buckets, stripes, len) else {
            return;
        };
        for old in self.buckets.iter_mut() {
            for c in old.drain_all() {
                let b = conn_tab::bucket_of(c.hash(), stripes, len);
                // Each new bucket has room for all of its entries: no
                // allocation, so no failure.
                let _ = resized[b].push(c, GFP_ATOMIC);
            }
        }
        self.buckets = resized;
    }

    /// `len` empty buckets, each with room for the entries of `buckets`
    /// that it will hold.
    fn buckets_for(buckets: &[KVec<Conn>], stripes: usize, len: usize) -> Option<KVec<KVec<Conn>>> {
        let flags = GFP_ATOMIC | __GFP_NOWARN;
        let mut room = KVec::from_elem(0usize, len, flags).ok()?;
        for c in buckets.iter().flat_map(|b| b.iter()) {
            room[conn_tab::bucket_of(c.hash(), stripes, len)] += 1;
        }
        let mut grown = KVec::with_capacity(len, flags).ok()?;
        for n in room.iter() {
            grown
                .push(KVec::with_capacity(*n, flags).ok()?, flags)
                .ok()?;
        }
        Some(grown)
    }
}

/// The connection table of one namespace: its buckets in stripes, each
/// with a lock of its own.
pub(crate) struct Table {
    stripes: KVec<Pin<KBox<SpinLockIrq<Stripe>>>>,
}

impl Table {
    /// An empty table of `size` buckets (a power of two).
    pub(crate) fn new(size: usize) -> Result<Table> {
        let n = conn_tab::stripes(size);
        let mut stripes = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            let stripe = Stripe::new((size / n).max(1))?;
            stripes.push(
                KBox::pin_init(new_spinlock_irq!(stripe, "ip_vs_conn_stripe"), GFP_KERNEL)?,
                GFP_KERNEL,
            )?;
        }
        Ok(Table { stripes })
    }

    /// The entries of `protocol` with the client `client`, locked: the
    /// connection in both directions and a template whose client this is.
    pub(crate) fn slot(&self, protocol: u8, client: &Endpoint) -> Slot<'_> {
        let hash = conn_tab::hash(protocol, &client.addr, client.port);
        let n = self.stripes.len();
        Slot {
            stripe: self.stripes[conn_tab::stripe_of(hash, n)].lock(),
            stripes: n,
            hash,
            protocol,
            client: *client,
        }
    }

    /// Drops every connection that expired by `now` (what each C
    /// connection's timer does); a template that still controls
    /// connections lives another period (`ip_vs_conn_expire()`). One
    /// stripe at a time, each shrinking if it was left with few entries.
    pub(crate) fn expire(&self, now: u64) {
        for stripe in self.stripes.iter() {
            let mut s = stripe.lock();
            let mut count = 0;
            for bucket in s.buckets.iter_mut() {
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
                count += bucket.len();
            }
            s.count = count;
            s.resize(self.stripes.len());
        }
    }

    /// Runs `f` on every connection, one stripe at a time under its lock
    /// (so `f` must not sleep); stops at `f`'s first error.
    pub(crate) fn try_for_each<E>(
        &self,
        mut f: impl FnMut(&Conn) -> Result<(), E>,
    ) -> Result<(), E> {
        for stripe in self.stripes.iter() {
            let s = stripe.lock();
            for c in s.buckets.iter().flat_map(|b| b.iter()) {
                f(c)?;
            }
        }
        Ok(())
    }
}

/// The locked bucket of the entries of one protocol and client: what
/// [`Table::slot`] gives. Entries of other clients are out of its reach.
pub(crate) struct Slot<'a> {
    stripe: SpinLockIrqGuard<'a, Stripe>,
    stripes: usize,
    hash: u32,
    protocol: u8,
    client: Endpoint,
}

impl Slot<'_> {
    fn bucket(&mut self) -> &mut KVec<Conn> {
        let b = conn_tab::bucket_of(self.hash, self.stripes, self.stripe.buckets.len());
        &mut self.stripe.buckets[b]
    }

    /// The first entry of the slot's protocol and client that `wanted`
    /// accepts.
    fn find(&mut self, wanted: impl Fn(&Conn) -> bool) -> Option<&mut Conn> {
        let (protocol, client) = (self.protocol, self.client);
        self.bucket()
            .iter_mut()
            .find(|c| c.protocol == protocol && c.client == client && wanted(c))
    }

    /// The connection a request to `virt` belongs to
    /// (`ip_vs_conn_in_get()`).
    pub(crate) fn find_in(&mut self, virt: &Endpoint) -> Option<&mut Conn> {
        self.find(|c| c.virt == *virt && !c.is_template())
    }

    /// The connection a request to `conn`'s virtual service belongs to:
    /// `conn` itself, added, unless another CPU made one meanwhile.
    pub(crate) fn find_in_or_insert(&mut self, conn: Conn) -> Result<&mut Conn> {
        let (protocol, client, virt) = (self.protocol, self.client, conn.virt);
        let found = self.bucket().iter().position(|c| {
            c.protocol == protocol && c.client == client && c.virt == virt && !c.is_template()
        });
        match found {
            Some(i) => Ok(&mut self.bucket()[i]),
            None => self.insert(conn),
        }
    }

    /// The persistence template for `virt` (`ip_vs_ct_in_get()`); the
    /// slot's client is the template's (port 0). With `pe_data`, only one
    /// the same engine keyed on the same data; without, only one no engine
    /// keyed.
    pub(crate) fn find_template(
        &mut self,
        virt: &Endpoint,
        pe_data: Option<&PeData>,
    ) -> Option<&mut Conn> {
        self.find(|c| {
            c.virt == *virt
                && c.is_template()
                && c.real.port != INVALID_PORT
                && pe_matches(c.pe_data.as_ref(), pe_data)
        })
    }

    /// Takes the template for `virt` out of use (`ip_vs_check_template()`
    /// on a server that no longer serves): [`Slot::find_template`] passes
    /// it by from now on, and it stays, listed with real port 65535, until
    /// it expires and no connection it made is left.
    pub(crate) fn invalidate_template(&mut self, virt: &Endpoint, pe_data: Option<&PeData>) {
        if let Some(t) = self.find_template(virt, pe_data) {
            t.real.port = INVALID_PORT;
        }
    }

    /// The connection a reply from `source` to the client belongs to
    /// (`ip_vs_conn_out_get()`): NAT replies come from the real server,
    /// those of direct routing and tunnels (when they pass this host) from
    /// the virtual service.
    pub(crate) fn find_out(&mut self, source: &Endpoint) -> Option<&mut Conn> {
        self.find(|c| {
            let from = if c.fwd() == conn_flag::MASQ {
                &c.real
            } else {
                &c.virt
            };
            from == source && !c.is_template()
        })
    }

    /// Adds a connection of the slot's protocol and client; on the packet
    /// path, so it cannot sleep.
    pub(crate) fn insert(&mut self, conn: Conn) -> Result<&mut Conn> {
        if conn.protocol != self.protocol || conn.client != self.client {
            return Err(EINVAL);
        }
        self.stripe.count += 1;
        self.stripe.resize(self.stripes);
        let bucket = self.bucket();
        if let Err(e) = bucket.push(conn, GFP_ATOMIC) {
            self.stripe.count -= 1;
            return Err(e.into());
        }
        self.bucket().last_mut().ok_or(ENOMEM)
    }

    /// Removes the connection to `virt`.
    pub(crate) fn remove(&mut self, virt: &Endpoint) {
        let (protocol, client) = (self.protocol, self.client);
        let bucket = self.bucket();
        if let Some(i) = bucket.iter().position(|c| {
            c.protocol == protocol && c.client == client && c.virt == *virt && !c.is_template()
        }) {
            drop(bucket.remove(i));
            self.stripe.count -= 1;
        }
    }
}
