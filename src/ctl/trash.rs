// SPDX-License-Identifier: GPL-2.0

//! Deleted destinations of a namespace, kept for a while: their
//! connections may still use them, and adding the same destination to the
//! same service again revives one, counters and connections included.
//!
//! C: `ip_vs_trash_put_dest()`, `ip_vs_trash_get_dest()` and
//! `ip_vs_dest_trash_expire()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)

use super::dest::Dest;
use crate::{
    ffi::time::{self, HZ},
    logic::{addr::Af, service::Key},
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::{alloc::KVVec, prelude::*, sync::Arc};

/// How long a destination no connection uses stays (`IP_VS_DEST_TRASH_PERIOD`).
const PERIOD_SECS: u64 = 120;

struct Entry {
    /// The service it belonged to.
    svc: Key,
    dest: Arc<Dest>,
    /// Since when no connection uses it (jiffies).
    idle_since: Option<u64>,
}

/// The destination trash of a namespace.
pub(crate) struct Trash {
    /// Every destination deleted in the last two minutes or still used:
    /// after a flush of a big table, more than kmalloc can hold.
    entries: KVVec<Entry>,
    /// When [`Trash::put`] last expired entries (jiffies).
    expired_at: Option<u64>,
}

impl Trash {
    /// An empty trash.
    pub(crate) const fn new() -> Self {
        Trash {
            entries: KVVec::new(),
            expired_at: None,
        }
    }

    /// Keeps `dest`, just deleted from the service `svc`. Without memory
    /// for it, it is only not revivable: its connections hold it anyway.
    /// Expiry, a walk of the whole trash, runs at most once a second from
    /// here, so that a flush of n destinations costs O(n), not O(n²).
    pub(crate) fn put(&mut self, svc: &Key, dest: Arc<Dest>) {
        let now = time::jiffies();
        let due = self
            .expired_at
            .is_none_or(|t| time::after(now, t.wrapping_add(u64::from(HZ))));
        if due {
            self.expired_at = Some(now);
            self.expire();
        }
        let entry = Entry {
            svc: *svc,
            dest,
            idle_since: None,
        };
        self.entries.push(entry, GFP_KERNEL).ok();
    }

    /// Takes back the destination `af`, `addr` (as stored), `port` deleted
    /// from a service with the key `svc`, if it is here.
    pub(crate) fn get(
        &mut self,
        svc: &Key,
        af: Af,
        addr: &[u8; 16],
        port: u16,
    ) -> Option<Arc<Dest>> {
        let i = self
            .entries
            .iter()
            .position(|e| e.svc.revives_in(svc) && e.dest.is(af, addr, port))?;
        self.entries.remove(i).ok().map(|e| e.dest)
    }

    /// Forgets destinations no connection has used for the trash period.
    pub(crate) fn expire(&mut self) {
        let now = time::jiffies();
        let period = PERIOD_SECS * u64::from(HZ);
        self.entries.retain(|e| {
            let s = &e.dest.shared;
            if s.totalconns.load(Relaxed) != 0 || s.persistconns.load(Relaxed) != 0 {
                e.idle_since = None;
                return true;
            }
            match e.idle_since {
                None => {
                    e.idle_since = Some(now);
                    true
                }
                Some(t) => !time::after(now, t.wrapping_add(period)),
            }
        });
    }
}
