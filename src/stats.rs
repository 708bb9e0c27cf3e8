// SPDX-License-Identifier: GPL-2.0

//! Live counters of a service, a destination or a namespace: the packet
//! path adds to them, the control interfaces read snapshots.
//!
//! C: `struct ip_vs_stats` and `ip_vs_in_stats()`, `ip_vs_out_stats()`,
//! `ip_vs_conn_stats()` in [`net/netfilter/ipvs/ip_vs_core.c`](srctree/net/netfilter/ipvs/ip_vs_core.c)

use crate::logic::stats::Kstats;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

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
