// SPDX-License-Identifier: GPL-2.0

//! Connection entries and the table that finds them from either side:
//! requests by client and virtual address, replies by real server and
//! client address. Both hash on the client's side, so one bucket holds
//! both directions of a connection.
//!
//! C: [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c)

use crate::{
    ctl::dest::Dest,
    ffi::{
        pe::PeRef,
        rcu_chains::{RcuChains, Writer},
        time,
    },
    logic::{
        conn_status, conn_tab,
        dest::conn_flag,
        tcp_state::{self, Direction, TcpFlags, TcpState},
        udp_state::UdpState,
    },
};
use core::{
    ptr,
    sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed},
};
use kernel::{
    prelude::*,
    sync::{rcu, Arc},
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

/// A connection. Packets on several CPUs may see it at once: what they
/// change is atomic.
pub(crate) struct Conn {
    /// Transport protocol.
    pub(crate) protocol: u8,
    /// The client.
    pub(crate) client: Endpoint,
    /// The virtual service's side the client talks to.
    pub(crate) virt: Endpoint,
    /// The real server.
    pub(crate) real: Endpoint,
    /// `IP_VS_CONN_F_*` (forwarding method, `INACTIVE`, `NOOUTPUT`...)
    /// and the protocol state (`IP_VS_TCP_S_*`; 0 for UDP), changed
    /// together ([`conn_status`]).
    status: AtomicU64,
    /// How long the connection lives after its last packet, in jiffies.
    timeout: AtomicU64,
    /// When it expires (jiffies).
    expires: AtomicU64,
    /// A template no longer used (C sets its real port to 65535).
    invalid: AtomicBool,
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
            status: AtomicU64::new(conn_status::new(flags)),
            // C's first timeout: 3 s until the protocol sets its own.
            timeout: AtomicU64::new(3 * u64::from(time::HZ)),
            expires: AtomicU64::new(0),
            invalid: AtomicBool::new(false),
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
        *t.timeout.get_mut() = timeout;
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

    /// `IP_VS_CONN_F_*` now.
    pub(crate) fn flags(&self) -> u32 {
        conn_status::flags(self.status.load(Relaxed))
    }

    /// The protocol state now.
    pub(crate) fn state(&self) -> TcpState {
        conn_status::state(self.status.load(Relaxed))
    }

    /// Whether this is a persistence template.
    pub(crate) fn is_template(&self) -> bool {
        self.flags() & conn_flag::TEMPLATE != 0
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
        self.flags() & conn_flag::FWD_MASK
    }

    /// Moves a TCP connection on for a packet with `flags` going `dir`
    /// (`set_tcp_state()`), with the destination's active count following
    /// (until the connection leaves the table) and the state's timeout from
    /// `timeouts`.
    pub(crate) fn tcp_packet(
        &self,
        dir: Direction,
        flags: TcpFlags,
        secure: bool,
        timeouts: &StateTimeouts,
    ) {
        let mut old = self.status.load(Relaxed);
        let (was, new) = loop {
            let new = conn_status::tcp_step(old, dir, flags, secure);
            match self
                .status
                .compare_exchange_weak(old, new, Relaxed, Relaxed)
            {
                Ok(_) => break (old, new),
                Err(now) => old = now,
            }
        };
        let new_state = conn_status::state(new);
        if new_state != conn_status::state(was) && new_state == TcpState::Established {
            self.assure_template();
        }
        let active = &self.dest.shared.activeconns;
        match (conn_status::inactive(was), conn_status::inactive(new)) {
            (false, true) => {
                active.fetch_sub(1, Relaxed);
            }
            (true, false) => {
                active.fetch_add(1, Relaxed);
            }
            _ => {}
        }
        let secs = timeouts.tcp(new_state);
        self.timeout
            .store(u64::from(secs) * u64::from(time::HZ), Relaxed);
    }

    /// A UDP packet going `dir`: the single state's timeout; a reply
    /// assures the template.
    pub(crate) fn udp_packet(&self, dir: Direction, timeouts: &StateTimeouts) {
        let secs = timeouts.udp();
        self.timeout
            .store(u64::from(secs) * u64::from(time::HZ), Relaxed);
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
            self.state().name()
        }
    }

    /// The real port `/proc/net/ip_vs_conn` lists: 65535 for a template
    /// taken out of use.
    pub(crate) fn listed_port(&self) -> u16 {
        if self.invalid.load(Relaxed) {
            INVALID_PORT
        } else {
            self.real.port
        }
    }

    /// When it expires (jiffies).
    pub(crate) fn expires(&self) -> u64 {
        self.expires.load(Relaxed)
    }

    /// Its hash in the table.
    fn hash(&self) -> u32 {
        conn_tab::hash(self.protocol, &self.client.addr, self.client.port)
    }

    /// The connection saw a packet now: it lives `timeout` longer.
    pub(crate) fn touch(&self, now: u64) {
        let expires = now.wrapping_add(self.timeout.load(Relaxed));
        self.expires.store(expires, Relaxed);
    }

    /// The connection leaves the table (or, never in it, ends): its
    /// template and destination stop counting it, once, although readers
    /// may still see it until a grace period ends (`ip_vs_conn_expire()`
    /// before `call_rcu()`).
    fn release(&self) {
        let status = self.status.fetch_or(conn_status::RELEASED, Relaxed);
        if status & conn_status::RELEASED != 0 {
            return;
        }
        if !self.is_template() {
            if let Some(c) = &self.control {
                c.count.fetch_sub(1, Relaxed);
            }
        }
        unbind(&self.dest, conn_status::flags(status));
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.release();
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

/// What the writers of a stripe keep, under its lock: how many buckets it
/// started with, which it shrinks back to.
struct Stripe {
    initial: usize,
}

/// Doubles the buckets of the stripe `w` when `count` entries are too
/// many for them, halves them when few ([`conn_tab::resized`]); `stripes`
/// is the table's number of stripes.
fn resize(w: &mut Writer<'_, Conn, Stripe>, count: usize, stripes: usize) {
    if let Some(len) = conn_tab::resized(count, w.len(), w.data().initial) {
        w.resize(len, |c, len| conn_tab::bucket_of(c.hash(), stripes, len));
    }
}

/// The connection table of one namespace: its buckets in stripes, each
/// with a lock for its writers; the packet path finds connections under
/// RCU without a lock.
pub(crate) struct Table {
    stripes: KVec<Pin<KBox<RcuChains<Conn, Stripe>>>>,
}

impl Table {
    /// An empty table of `size` buckets (a power of two).
    pub(crate) fn new(size: usize) -> Result<Table> {
        let n = conn_tab::stripes(size);
        let mut stripes = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            let len = (size / n).max(1);
            let stripe = Stripe { initial: len };
            stripes.push(
                KBox::pin_init(RcuChains::new(len, stripe), GFP_KERNEL)?,
                GFP_KERNEL,
            )?;
        }
        Ok(Table { stripes })
    }

    /// The entry of `protocol` with the client `client` that `wanted`
    /// accepts, found under RCU.
    fn find<'a>(
        &'a self,
        g: &'a rcu::Guard,
        protocol: u8,
        client: &Endpoint,
        wanted: impl Fn(&Conn) -> bool,
    ) -> Option<&'a Conn> {
        let hash = conn_tab::hash(protocol, &client.addr, client.port);
        let n = self.stripes.len();
        self.stripes[conn_tab::stripe_of(hash, n)].find(
            g,
            |len| conn_tab::bucket_of(hash, n, len),
            |c| c.protocol == protocol && c.client == *client && wanted(c),
        )
    }

    /// The connection a request from `client` to `virt` belongs to
    /// (`ip_vs_conn_in_get()`).
    pub(crate) fn find_in<'a>(
        &'a self,
        g: &'a rcu::Guard,
        protocol: u8,
        client: &Endpoint,
        virt: &Endpoint,
    ) -> Option<&'a Conn> {
        self.find(g, protocol, client, |c| requested(c, virt))
    }

    /// The connection a reply from `source` to `client` belongs to
    /// (`ip_vs_conn_out_get()`): NAT replies come from the real server,
    /// those of direct routing and tunnels (when they pass this host) from
    /// the virtual service.
    pub(crate) fn find_out<'a>(
        &'a self,
        g: &'a rcu::Guard,
        protocol: u8,
        client: &Endpoint,
        source: &Endpoint,
    ) -> Option<&'a Conn> {
        self.find(g, protocol, client, |c| {
            let from = if c.fwd() == conn_flag::MASQ {
                &c.real
            } else {
                &c.virt
            };
            from == source && !c.is_template()
        })
    }

    /// The entries of `protocol` with the client `client`, locked for
    /// changes: the connection in both directions and a template whose
    /// client this is.
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
            let mut w = stripe.lock();
            w.retain(|c| {
                if time::after(c.expires(), now) {
                    return true;
                }
                if c.controls() {
                    c.touch(now);
                    return true;
                }
                c.release();
                false
            });
            let count = w.count();
            resize(&mut w, count, self.stripes.len());
        }
    }

    /// Runs `f` on every connection, one stripe at a time under its lock
    /// (so `f` must not sleep); stops at `f`'s first error.
    pub(crate) fn try_for_each<E>(
        &self,
        mut f: impl FnMut(&Conn) -> Result<(), E>,
    ) -> Result<(), E> {
        for stripe in self.stripes.iter() {
            let w = stripe.lock();
            for c in w.iter() {
                f(c)?;
            }
        }
        Ok(())
    }
}

/// Whether `c` is the connection of requests to `virt` (the protocol and
/// client matching).
fn requested(c: &Conn, virt: &Endpoint) -> bool {
    c.virt == *virt && !c.is_template()
}

/// The locked bucket of the entries of one protocol and client: what
/// [`Table::slot`] gives. Entries of other clients are out of its reach.
pub(crate) struct Slot<'a> {
    stripe: Writer<'a, Conn, Stripe>,
    stripes: usize,
    hash: u32,
    protocol: u8,
    client: Endpoint,
}

impl Slot<'_> {
    /// The slot's bucket in its stripe.
    fn bucket(&self) -> usize {
        conn_tab::bucket_of(self.hash, self.stripes, self.stripe.len())
    }

    /// The first entry of the slot's protocol and client that `wanted`
    /// accepts.
    fn find(&self, wanted: impl Fn(&Conn) -> bool) -> Option<&Conn> {
        let (protocol, client) = (self.protocol, self.client);
        self.stripe.find(self.bucket(), |c| {
            c.protocol == protocol && c.client == client && wanted(c)
        })
    }

    /// The connection a request to `conn`'s virtual service belongs to:
    /// `conn` itself, added, unless another CPU made one meanwhile.
    pub(crate) fn find_in_or_insert(&mut self, conn: Conn) -> Result<&Conn> {
        let virt = conn.virt;
        if self.find(|c| requested(c, &virt)).is_none() {
            return self.insert(conn);
        }
        self.find(|c| requested(c, &virt)).ok_or(ENOENT)
    }

    /// The persistence template for `virt` (`ip_vs_ct_in_get()`); the
    /// slot's client is the template's (port 0). With `pe_data`, only one
    /// the same engine keyed on the same data; without, only one no engine
    /// keyed. As in C, a template listed with real port 65535 is passed
    /// by, whether taken out of use or to a server on that port.
    pub(crate) fn find_template(&self, virt: &Endpoint, pe_data: Option<&PeData>) -> Option<&Conn> {
        self.find(|c| {
            c.virt == *virt
                && c.is_template()
                && c.listed_port() != INVALID_PORT
                && pe_matches(c.pe_data.as_ref(), pe_data)
        })
    }

    /// Takes the template for `virt` out of use (`ip_vs_check_template()`
    /// on a server that no longer serves): [`Slot::find_template`] passes
    /// it by from now on, and it stays, listed with real port 65535, until
    /// it expires and no connection it made is left.
    pub(crate) fn invalidate_template(&self, virt: &Endpoint, pe_data: Option<&PeData>) {
        if let Some(t) = self.find_template(virt, pe_data) {
            t.invalid.store(true, Relaxed);
        }
    }

    /// Adds a connection of the slot's protocol and client; on the packet
    /// path, so it cannot sleep.
    pub(crate) fn insert(&mut self, conn: Conn) -> Result<&Conn> {
        if conn.protocol != self.protocol || conn.client != self.client {
            return Err(EINVAL);
        }
        let count = self.stripe.count() + 1;
        resize(&mut self.stripe, count, self.stripes);
        let bucket = self.bucket();
        self.stripe.insert(bucket, conn)
    }

    /// Removes `conn`, a connection of this slot.
    pub(crate) fn remove(&mut self, conn: &Conn) {
        let bucket = self.bucket();
        self.stripe.retain_in(bucket, |c| {
            if !ptr::eq(c, conn) {
                return true;
            }
            c.release();
            false
        });
    }
}
