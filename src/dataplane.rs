// SPDX-License-Identifier: GPL-2.0

//! What the packet path of one namespace reads and changes: a snapshot of
//! each virtual service, the connection table and the protocol timeouts.
//! The control plane publishes a new snapshot of a service after each
//! change to it.
//!
//! C: the service hash tables of [`ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)
//! as `ip_vs_service_find()` reads them, and the connection table of
//! `ip_vs_conn.c`.

use crate::{
    conn::table::{StateTimeouts, Table as Conns},
    ctl::dest::Dest,
    ffi::{
        pe::PeRef,
        sched::{Bound, Members},
        time,
        timer::Tick,
    },
    hash_table::{HashTable, Storage},
    logic::{
        addr::Af, dest::conn_flag, service::Key, svc_hash, tcp_state::TcpState, timeouts::Timeouts,
    },
    sched::abi::DEST_F_AVAILABLE,
    stats::Counters,
};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use kernel::{
    new_spinlock_irq,
    prelude::*,
    sync::{Arc, SpinLockIrq},
};

/// A service as the packet path sees it; immutable, replaced as a whole.
pub(crate) struct SvcView {
    /// Which service.
    pub(crate) key: Key,
    /// `IP_VS_SVC_F_*`.
    pub(crate) flags: u32,
    /// Persistence timeout in seconds.
    pub(crate) timeout: u32,
    /// Persistence netmask (`__be32` bits).
    pub(crate) netmask: u32,
    /// Its scheduler, if any.
    pub(crate) sched: Option<Arc<Bound>>,
    /// Its persistence engine, if any.
    pub(crate) pe: Option<Arc<PeRef>>,
    /// Its destinations.
    pub(crate) members: Members<Dest>,
    /// Its counters.
    pub(crate) stats: Arc<Counters>,
}

impl SvcView {
    /// Whether this is the service a packet to `addr`:`port` of
    /// `protocol` belongs to (`__ip_vs_service_find()`).
    fn serves(&self, af: Af, protocol: u8, addr: &[u8; 16], port: u16) -> bool {
        self.key.fwmark == 0
            && self.key.af == af
            && self.key.protocol == u16::from(protocol)
            && self.key.port == port
            && self.key.addr == *addr
    }
}

/// The services as the packet path sees them, hashed by address or mark
/// ([`svc_hash`]).
pub(crate) struct Services(HashTable<Arc<SvcView>>);

impl Services {
    /// The service a new connection of `protocol` to `addr`:`port` with
    /// firewall mark `mark` goes to (`ip_vs_service_find()`): by mark
    /// first, then by address and port, then a port-zero service of the
    /// address.
    pub(crate) fn find(
        &self,
        af: Af,
        mark: u32,
        protocol: u8,
        addr: &[u8; 16],
        port: u16,
    ) -> Option<&Arc<SvcView>> {
        let by_mark = || {
            if mark == 0 {
                return None;
            }
            self.0.find(svc_hash::by_fwmark(af, mark), |s| {
                s.key.fwmark == mark && s.key.af == af
            })
        };
        let by_port = |port| {
            let hash = svc_hash::by_addr(af, u16::from(protocol), addr, port);
            self.0.find(hash, |s| s.serves(af, protocol, addr, port))
        };
        by_mark().or_else(|| by_port(port)).or_else(|| by_port(0))
    }

    /// The view of the service `key` names (as stored), to replace.
    fn get_mut(&mut self, key: &Key) -> Option<&mut Arc<SvcView>> {
        self.0.find_mut(svc_hash::of_key(key), |s| s.key == *key)
    }
}

/// What [`DataPlane::publish`] leaves to drop outside the lock.
enum Published {
    /// The view replaced.
    Replaced(Arc<SvcView>),
    /// A new service.
    Added,
    /// No slot for the view: it comes back.
    Full(Arc<SvcView>),
}

/// One namespace's packet-path state.
#[pin_data]
pub(crate) struct DataPlane {
    /// The virtual services, under an interrupt-safe lock (packets arrive
    /// in softirq context); the packet path looks here only for a new
    /// connection.
    #[pin]
    services: SpinLockIrq<Services>,
    /// The connections: found under RCU, changed under a lock for each
    /// stripe of buckets.
    pub(crate) conns: Conns,
    /// The protocols' timeouts.
    pub(crate) timeouts: StateTimeouts,
    /// Every packet and connection of the namespace (`ipvs->tot_stats`),
    /// shared with the namespace's rate estimation.
    pub(crate) total: Arc<Counters>,
    /// How many services have a persistence engine, whose real servers
    /// may start connections (C's `conn_out_counter`; every engine has
    /// `conn_out`). Changed under the control plane's mutex.
    conn_out: AtomicUsize,
}

impl DataPlane {
    /// An empty data plane with a connection table of `buckets` buckets.
    pub(crate) fn new(buckets: usize) -> Result<Arc<DataPlane>> {
        let conns = Conns::new(buckets)?;
        let total = Arc::new(Counters::new()?, GFP_KERNEL)?;
        Arc::pin_init(
            pin_init!(DataPlane {
                services <- new_spinlock_irq!(Services(HashTable::new())),
                conns,
                timeouts: StateTimeouts::new(),
                total,
                conn_out: AtomicUsize::new(0),
            }),
            GFP_KERNEL,
        )
    }

    /// The service a new connection goes to ([`Services::find`]).
    pub(crate) fn service(
        &self,
        af: Af,
        mark: u32,
        protocol: u8,
        addr: &[u8; 16],
        port: u16,
    ) -> Option<Arc<SvcView>> {
        let services = self.services.lock();
        services.find(af, mark, protocol, addr, port).cloned()
    }

    /// Makes `view` the packet path's picture of its service; gives back
    /// the one it replaces, to be dropped outside the lock. A new service
    /// may need a bigger table: its storage is allocated before the lock is
    /// taken (callers hold the control plane's mutex, so no other change
    /// comes in between).
    pub(crate) fn publish(&self, view: Arc<SvcView>) -> Result<Option<Arc<SvcView>>> {
        let has_pe = view.pe.is_some();
        let grow = {
            let mut services = self.services.lock();
            match services.get_mut(&view.key) {
                Some(_) => None,
                None => services.0.wants(1),
            }
        };
        let storage = grow.map(HashTable::storage).transpose()?;
        let mut services = self.services.lock();
        let unused = storage.map(|s| services.0.regrow(s));
        let done = match services.get_mut(&view.key) {
            Some(slot) => Published::Replaced(core::mem::replace(slot, view)),
            None => match services.0.insert(svc_hash::of_key(&view.key), view) {
                Ok(()) => Published::Added,
                Err(view) => Published::Full(view),
            },
        };
        drop(services);
        drop(unused);
        match done {
            Published::Replaced(old) => {
                match (old.pe.is_some(), has_pe) {
                    (false, true) => self.conn_out.fetch_add(1, Relaxed),
                    (true, false) => self.conn_out.fetch_sub(1, Relaxed),
                    _ => 0,
                };
                Ok(Some(old))
            }
            Published::Added => {
                if has_pe {
                    self.conn_out.fetch_add(1, Relaxed);
                }
                Ok(None)
            }
            Published::Full(view) => {
                drop(view);
                Err(ENOMEM)
            }
        }
    }

    /// Takes the service `key` off the packet path; gives back its view,
    /// to be dropped outside the lock.
    pub(crate) fn withdraw(&self, key: &Key) -> Option<Arc<SvcView>> {
        let gone = self
            .services
            .lock()
            .0
            .remove(svc_hash::of_key(key), |s| s.key == *key);
        if gone.as_ref().is_some_and(|v| v.pe.is_some()) {
            self.conn_out.fetch_sub(1, Relaxed);
        }
        gone
    }

    /// Takes every service off the packet path; gives them back, with the
    /// table's storage, to be dropped outside the lock.
    pub(crate) fn withdraw_all(&self) -> Storage<Arc<SvcView>> {
        let all = self.services.lock().0.take_all();
        self.conn_out.store(0, Relaxed);
        all
    }

    /// The NAT destination at `addr`:`port` serving `protocol` and its
    /// service, if that service has a persistence engine
    /// (`ip_vs_find_real_service()` and the engine check of
    /// `__ip_vs_rs_conn_out()`): where a request a real server starts
    /// belongs. Only looks while some service has an engine.
    pub(crate) fn rs_conn_out(
        &self,
        protocol: u8,
        addr: &[u8; 16],
        port: u16,
    ) -> Option<(Arc<SvcView>, Arc<Dest>)> {
        if self.conn_out.load(Relaxed) == 0 {
            return None;
        }
        let services = self.services.lock();
        let (svc, dest) = services.0.iter().find_map(|s| {
            let d = s.members.dests().iter().find(|d| {
                d.shared.port == port
                    && u32::from(d.shared.af) == u32::from(Af::Inet.raw())
                    && d.shared.addr == *addr
                    && (s.key.protocol == u16::from(protocol) || s.key.fwmark != 0)
                    && d.conn_flags() & conn_flag::FWD_MASK == conn_flag::MASQ
            })?;
            Some((s, d))
        })?;
        svc.pe.as_ref()?;
        Some((svc.clone(), dest.clone()))
    }

    /// `ip_vs_in_stats()` (`incoming`) and `ip_vs_out_stats()`: a packet of
    /// `len` bytes of a connection to `dest` counts for the destination,
    /// its service and the namespace while the destination is available.
    pub(crate) fn count(&self, dest: &Dest, len: usize, incoming: bool) {
        if dest.shared.flags.load(Relaxed) & DEST_F_AVAILABLE != 0 {
            dest.count(len, incoming);
            self.total.packet(len, incoming);
        }
    }

    /// Applies new user timeouts (`ipvsadm --set`).
    pub(crate) fn set_timeouts(&self, t: &Timeouts) {
        self.timeouts.set_tcp(TcpState::Established, t.tcp);
        self.timeouts.set_tcp(TcpState::FinWait, t.tcp_fin);
        self.timeouts.set_udp(t.udp);
    }
}

impl Tick for DataPlane {
    fn tick(&self) {
        self.conns.expire(time::jiffies());
    }
}
