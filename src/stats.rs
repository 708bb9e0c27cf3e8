// SPDX-License-Identifier: GPL-2.0

//! Live counters of a service, a destination or a namespace: the packet
//! path adds to them, the control interfaces read snapshots.
//!
//! C: `struct ip_vs_stats` and `ip_vs_in_stats()`, `ip_vs_out_stats()`,
//! `ip_vs_conn_stats()` in [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::{ffi::cpu, logic::stats::Kstats};
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;

/// Counters, updated from any CPU.
#[derive(Default)]
pub(crate) struct Counters {
    conns: AtomicU64,
    inpkts: AtomicU64,
    outpkts: AtomicU64,
    inbytes: AtomicU64,
    outbytes: AtomicU64,
}

impl Counters {
    /// A new connection was scheduled.
    pub(crate) fn conn(&self) {
        self.conns.fetch_add(1, Relaxed);
    }

    /// A packet of `len` bytes went from a client to a real server.
    pub(crate) fn packet_in(&self, len: usize) {
        self.inpkts.fetch_add(1, Relaxed);
        self.inbytes.fetch_add(len as u64, Relaxed);
    }

    /// A packet of `len` bytes went from a real server to a client.
    pub(crate) fn packet_out(&self, len: usize) {
        self.outpkts.fetch_add(1, Relaxed);
        self.outbytes.fetch_add(len as u64, Relaxed);
    }

    /// The counters now (rates stay 0 until the estimator exists).
    pub(crate) fn snapshot(&self) -> Kstats {
        Kstats {
            conns: self.conns.load(Relaxed),
            inpkts: self.inpkts.load(Relaxed),
            outpkts: self.outpkts.load(Relaxed),
            inbytes: self.inbytes.load(Relaxed),
            outbytes: self.outbytes.load(Relaxed),
            ..Kstats::default()
        }
    }

    /// Zeroes every counter (`ipvsadm -Z`).
    pub(crate) fn zero(&self) {
        for c in [
            &self.conns,
            &self.inpkts,
            &self.outpkts,
            &self.inbytes,
            &self.outbytes,
        ] {
            c.store(0, Relaxed);
        }
    }
}

/// Counters kept per CPU, as the C IPVS keeps a namespace's totals
/// (`/proc/net/ip_vs_stats_percpu` shows them).
pub(crate) struct PerCpu {
    cpus: KVec<Counters>,
}

impl PerCpu {
    /// Zeroed counters for every possible CPU.
    pub(crate) fn new() -> Result<PerCpu> {
        let n = cpu::count();
        let mut cpus = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            cpus.push(Counters::default(), GFP_KERNEL)?;
        }
        Ok(PerCpu { cpus })
    }

    /// The running CPU's counters.
    pub(crate) fn here(&self) -> &Counters {
        let i = cpu::current();
        // `new` made one per possible CPU; `here` is only a fallback.
        self.cpus.get(i).unwrap_or(&self.cpus[0])
    }

    /// Each CPU's counters now.
    pub(crate) fn each(&self) -> impl Iterator<Item = Kstats> + '_ {
        self.cpus.iter().map(Counters::snapshot)
    }

    /// The sum over the CPUs.
    pub(crate) fn snapshot(&self) -> Kstats {
        self.each().fold(Kstats::default(), |a, s| Kstats {
            conns: a.conns.wrapping_add(s.conns),
            inpkts: a.inpkts.wrapping_add(s.inpkts),
            outpkts: a.outpkts.wrapping_add(s.outpkts),
            inbytes: a.inbytes.wrapping_add(s.inbytes),
            outbytes: a.outbytes.wrapping_add(s.outbytes),
            ..a
        })
    }

    /// Zeroes every CPU's counters (`ipvsadm -Z` of everything).
    pub(crate) fn zero(&self) {
        self.cpus.iter().for_each(Counters::zero);
    }
}
