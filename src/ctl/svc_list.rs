// SPDX-License-Identifier: GPL-2.0

//! The services of a namespace in the order they were added, found by key
//! through a hash index.
//!
//! Listings (`/proc/net/ip_vs`, sockopt, netlink dumps) go in insertion
//! order; `ipvsadm` sorts what it shows. A deleted service leaves a hole,
//! so the other positions (which the index holds) stay; the holes are
//! squeezed out once they outnumber the services. Each service also keeps
//! the number it was added under, which increases along the list: a dump
//! resumes after the last service it sent by that number, wherever
//! deletions moved it.
//!
//! C: the service table of [`ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)
//! (`ip_vs_svc_hash()`, `__ip_vs_service_find()`, `__ip_vs_svc_fwm_find()`),
//! which lists in bucket order instead.

use super::service::Service;
use crate::{
    hash_table::HashTable,
    logic::{service::Key, svc_hash},
};
use kernel::{alloc::KVVec, prelude::*};

/// Holes below this many are never worth squeezing out.
const MIN_HOLES_TO_COMPACT: usize = 64;

/// A place in the list.
struct Slot {
    /// The number the service was added under.
    seq: u64,
    /// The service; `None` once deleted.
    service: Option<KBox<Service>>,
}

/// The services, in insertion order, with an index by key.
pub(crate) struct SvcList {
    slots: KVVec<Slot>,
    /// How many slots hold a service.
    live: usize,
    /// The number the next service is added under.
    next_seq: u64,
    /// The position in `slots` of each service, filed under
    /// [`svc_hash::of_key`] of its key.
    index: HashTable<usize>,
}

impl SvcList {
    /// An empty list.
    pub(crate) const fn new() -> Self {
        SvcList {
            slots: KVVec::new(),
            live: 0,
            next_seq: 0,
            index: HashTable::new(),
        }
    }

    /// Where the service `key` names is (`__ip_vs_service_find()` and
    /// `__ip_vs_svc_fwm_find()`): a position valid until the next
    /// [`SvcList::remove`].
    pub(crate) fn find(&self, key: &Key) -> Option<usize> {
        let slots = &self.slots;
        let is = |i: &usize| {
            slots
                .get(*i)
                .and_then(|s| s.service.as_ref())
                .is_some_and(|s| s.is(key))
        };
        self.index.find(svc_hash::of_key(key), is).copied()
    }

    /// The service at `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&Service> {
        self.slots.get(i)?.service.as_deref()
    }

    /// The service at `i`, to change (but not its key, which files it).
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut Service> {
        self.slots.get_mut(i)?.service.as_deref_mut()
    }

    /// The services from the one added under `seq` on (or the first
    /// added after it, if it is gone), each with its number.
    pub(crate) fn since(&self, seq: u64) -> impl Iterator<Item = (u64, &Service)> {
        let start = self.slots.partition_point(|s| s.seq < seq);
        self.slots
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .filter_map(|s| Some((s.seq, s.service.as_deref()?)))
    }

    /// Every service, in the order they were added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Service> {
        self.since(0).map(|(_, s)| s)
    }

    /// Adds `service`, which must not be in the list, at the end; gives
    /// its position.
    pub(crate) fn push(&mut self, service: KBox<Service>) -> Result<usize> {
        self.index.reserve(1)?;
        self.slots.reserve(1, GFP_KERNEL)?;
        let i = self.slots.len();
        let hash = svc_hash::of_key(&service.key);
        let slot = Slot {
            seq: self.next_seq,
            service: Some(service),
        };
        self.slots.push(slot, GFP_KERNEL)?;
        if self.index.insert(hash, i).is_err() {
            // Cannot happen after the reservation.
            self.slots.pop();
            return Err(ENOMEM);
        }
        self.next_seq += 1;
        self.live += 1;
        Ok(i)
    }

    /// Takes the service at `i` out of the list.
    pub(crate) fn remove(&mut self, i: usize) -> Option<KBox<Service>> {
        let service = self.slots.get_mut(i)?.service.take()?;
        self.index
            .remove(svc_hash::of_key(&service.key), |j| *j == i);
        self.live -= 1;
        // Holes at the end cost nothing to drop.
        while self.slots.last().is_some_and(|s| s.service.is_none()) {
            self.slots.pop();
        }
        let holes = self.slots.len() - self.live;
        if holes >= MIN_HOLES_TO_COMPACT && holes > self.live {
            self.compact();
        }
        Some(service)
    }

    /// Squeezes the holes out and files the services' new positions: the
    /// index keeps its storage, so this cannot fail.
    fn compact(&mut self) {
        self.slots.retain(|s| s.service.is_some());
        self.index.clear();
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(service) = &s.service {
                // There is room: the index held all of these before.
                let _ = self.index.insert(svc_hash::of_key(&service.key), i);
            }
        }
    }

    /// Takes every service out, in the order they were added.
    pub(crate) fn take_all(&mut self) -> impl Iterator<Item = KBox<Service>> {
        drop(self.index.take_all());
        self.live = 0;
        core::mem::take(&mut self.slots)
            .into_iter()
            .filter_map(|s| s.service)
    }
}
