// SPDX-License-Identifier: GPL-2.0

//! Live counters of a service, a destination or a namespace, and their
//! rate estimation: the packet path adds to the counters, a timer of each
//! namespace estimates their rates every two seconds, the control
//! interfaces read snapshots of both.
//!
//! C: `struct ip_vs_stats` and `ip_vs_in_stats()`, `ip_vs_out_stats()`,
//! `ip_vs_conn_stats()` in [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c);
//! the estimation of [`net/netfilter/ipvs/ip_vs_est.c`](srctree/net/netfilter/ipvs/ip_vs_est.c)
//! as it was before its kthreads (one timer walking one list).

use crate::{
    ffi::{cpu, timer::Tick},
    logic::{
        estimator::{Counts, Estimator},
        stats::Kstats,
    },
};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use kernel::{
    alloc::KVVec,
    new_spinlock_irq,
    prelude::*,
    sync::{Arc, SpinLockIrq},
};

/// The state of an [`Estimator`] beside the counters it follows: changed
/// only under the namespace's [`Estimation`] lock, read without it (a
/// reader may see one rate from before a sample and another from after,
/// which C's readers, under the stats lock, do not; each rate is whole).
#[derive(Default)]
struct EstCells {
    last: [AtomicU64; 5],
    avg: [AtomicU64; 5],
}

impl EstCells {
    fn load(&self) -> Estimator {
        Estimator {
            last: self.last.each_ref().map(|a| a.load(Relaxed)),
            avg: self.avg.each_ref().map(|a| a.load(Relaxed)),
        }
    }

    fn store(&self, e: &Estimator) {
        for (a, v) in self.last.iter().zip(e.last) {
            a.store(v, Relaxed);
        }
        for (a, v) in self.avg.iter().zip(e.avg) {
            a.store(v, Relaxed);
        }
    }

    /// One period passed; the counters are now `now`. The caller holds the
    /// estimation lock.
    fn estimate(&self, now: &Counts) {
        let mut e = self.load();
        e.estimate(now);
        self.store(&e);
    }

    /// The counters, at `now`, were set back to zero. The caller holds the
    /// estimation lock.
    fn zero(&self, now: &Counts) {
        let mut e = self.load();
        e.zero(now);
        self.store(&e);
    }

    /// The rates now.
    fn rates(&self) -> Counts {
        self.load().rates()
    }
}

/// [`Counters::slot`] of counters no [`Estimation`] lists.
const NOT_LISTED: usize = usize::MAX;

/// One CPU's share of a set of counters, alone on its cache line: in the
/// estimator's order, connections, packets in and out, bytes in and out.
#[repr(align(64))]
#[derive(Default)]
struct Cells([AtomicU64; 5]);

impl Cells {
    fn load(&self) -> Counts {
        self.0.each_ref().map(|c| c.load(Relaxed))
    }

    fn take(&self) -> Counts {
        self.0.each_ref().map(|c| c.swap(0, Relaxed))
    }
}

/// Counters of a service, a destination or a namespace, kept per CPU as C
/// keeps them (`struct ip_vs_cpu_stats`), with their rates.
pub(crate) struct Counters {
    /// One per possible CPU, never empty.
    cpus: KVec<Cells>,
    /// Their rate estimator.
    est: EstCells,
    /// Where an [`Estimation`] lists them, or [`NOT_LISTED`]; changed
    /// only under its lock.
    slot: AtomicUsize,
}

impl Counters {
    /// Zeroed counters for every possible CPU.
    pub(crate) fn new() -> Result<Counters> {
        let n = cpu::count();
        let mut cpus = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            cpus.push(Cells::default(), GFP_KERNEL)?;
        }
        Ok(Counters {
            cpus,
            est: EstCells::default(),
            slot: AtomicUsize::new(NOT_LISTED),
        })
    }

    /// The running CPU's share (the first for a CPU number past those
    /// counted, which cannot be).
    fn here(&self) -> &Cells {
        let cpus = &self.cpus[..];
        match cpus.get(cpu::current()) {
            Some(c) => c,
            None => &cpus[0],
        }
    }

    /// A new connection was scheduled.
    pub(crate) fn conn(&self) {
        self.here().0[0].fetch_add(1, Relaxed);
    }

    /// A packet of `len` bytes went from a client to a real server
    /// (`incoming`) or back.
    pub(crate) fn packet(&self, len: usize, incoming: bool) {
        let c = &self.here().0;
        let (pkts, bytes) = if incoming { (1, 3) } else { (2, 4) };
        c[pkts].fetch_add(1, Relaxed);
        c[bytes].fetch_add(len as u64, Relaxed);
    }

    /// The sum of the counters over the CPUs, in the estimator's order.
    fn counts(&self) -> Counts {
        sum(self.cpus.iter().map(Cells::load))
    }

    /// Sets every CPU's counters back to zero; gives what they held.
    fn take(&self) -> Counts {
        sum(self.cpus.iter().map(Cells::take))
    }

    /// The counters and the rates now.
    pub(crate) fn snapshot(&self) -> Kstats {
        kstats(self.counts()).with_rates(&self.est.rates())
    }

    /// Each CPU's counters now, without rates (C estimates only the sum).
    pub(crate) fn each(&self) -> impl Iterator<Item = Kstats> + '_ {
        self.cpus.iter().map(|c| kstats(c.load()))
    }
}

/// `counts` as the control interfaces report them.
fn kstats([conns, inpkts, outpkts, inbytes, outbytes]: Counts) -> Kstats {
    Kstats {
        conns,
        inpkts,
        outpkts,
        inbytes,
        outbytes,
        ..Kstats::default()
    }
}

/// The sum of `counts`, modulo 2^64 as the counters are.
fn sum(counts: impl Iterator<Item = Counts>) -> Counts {
    counts.fold([0; 5], |mut a, c| {
        for (a, c) in a.iter_mut().zip(c) {
            *a = a.wrapping_add(c);
        }
        a
    })
}

/// The rate estimation of one namespace (C's estimator kthreads, reduced
/// to the single timer C used before them): every
/// [`PERIOD_SECS`](crate::logic::estimator::PERIOD_SECS) seconds,
/// [`Tick::tick`] samples the namespace's totals and every service and
/// destination listed here.
///
/// One lock, taken with interrupts off, orders the samples with listing,
/// unlisting and zeroing; the packet path never takes it (it only adds to
/// the counters), and readers of the rates do not either.
#[pin_data]
pub(crate) struct Estimation {
    /// The counters estimated besides the totals; each knows its place
    /// ([`Counters::slot`]), so unlisting is O(1).
    #[pin]
    list: SpinLockIrq<KVVec<Arc<Counters>>>,
    /// The namespace's totals, always estimated.
    total: Arc<Counters>,
}

impl Estimation {
    /// The estimation of a namespace whose totals are `total`.
    pub(crate) fn new(total: Arc<Counters>) -> Result<Arc<Estimation>> {
        Arc::pin_init(
            pin_init!(Estimation {
                list <- new_spinlock_irq!(KVVec::new(), "ip_vs_estimation"),
                total,
            }),
            GFP_KERNEL,
        )
    }

    /// Starts estimating `c` (`ip_vs_start_estimator()`), with the
    /// estimator state it has: a new one from zero, a revived one from
    /// where it stopped. A bigger list is allocated outside the lock.
    pub(crate) fn start(&self, c: &Arc<Counters>) -> Result {
        let mut bigger: Option<KVVec<Arc<Counters>>> = None;
        loop {
            let mut list = self.list.lock();
            let old = match bigger.take() {
                Some(mut b) if b.capacity() > list.len() => {
                    for e in list.drain_all() {
                        // Cannot fail: `b` has room for them all.
                        let _ = b.push_within_capacity(e);
                    }
                    Some(core::mem::replace(&mut *list, b))
                }
                b => b,
            };
            let i = list.len();
            let full = if c.slot.load(Relaxed) != NOT_LISTED {
                // Already estimated.
                None
            } else if list.push_within_capacity(c.clone()).is_ok() {
                c.slot.store(i, Relaxed);
                None
            } else {
                Some(list.capacity().saturating_mul(2).max(16))
            };
            drop(list);
            // The old storage is freed outside the lock.
            drop(old);
            match full {
                None => return Ok(()),
                Some(n) => bigger = Some(KVVec::with_capacity(n, GFP_KERNEL)?),
            }
        }
    }

    /// Stops estimating `c` (`ip_vs_stop_estimator()`); its estimator
    /// state stays as it is. Counters not listed are left alone.
    pub(crate) fn stop(&self, c: &Counters) {
        let gone = {
            let mut list = self.list.lock();
            let i = c.slot.load(Relaxed);
            if !list.get(i).is_some_and(|e| core::ptr::eq(&**e, c)) {
                return;
            }
            c.slot.store(NOT_LISTED, Relaxed);
            // The last one takes its place.
            match list.pop() {
                Some(last) if i < list.len() => {
                    last.slot.store(i, Relaxed);
                    Some(core::mem::replace(&mut list[i], last))
                }
                last => last,
            }
        };
        // Dropped outside the lock.
        drop(gone);
    }

    /// Sets `c` back to zero, its rates too (`ip_vs_zero_stats()`).
    pub(crate) fn zero(&self, c: &Counters) {
        let _list = self.list.lock();
        c.est.zero(&c.take());
    }

    /// Sets the namespace's totals back to zero, their rates too.
    pub(crate) fn zero_total(&self) {
        let _list = self.list.lock();
        self.total.est.zero(&self.total.take());
    }
}

impl Tick for Estimation {
    fn tick(&self) {
        let list = self.list.lock();
        self.total.est.estimate(&self.total.counts());
        for c in list.iter() {
            c.est.estimate(&c.counts());
        }
    }
}
