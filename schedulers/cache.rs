// SPDX-License-Identifier: GPL-2.0

//! The entry storage of the lblc and lblcr caches: 1024 buckets, each a
//! vector of entries.
//!
//! C: `struct ip_vs_lblc_table` in
//! [`net/netfilter/ipvs/ip_vs_lblc.c`](srctree/net/netfilter/ipvs/ip_vs_lblc.c)
//! (and its copy in `ip_vs_lblcr.c`), whose buckets are hash lists of
//! entries allocated one by one.

use crate::logic::{
    locality::{Entry, NoMemory, Store, TAB_SIZE},
    Addr,
};
use kernel::prelude::*;

/// A cache's entries, by bucket.
pub(crate) struct Buckets<V> {
    buckets: KVVec<KVec<Entry<V>>>,
}

impl<V> Buckets<V> {
    /// [`TAB_SIZE`] empty buckets.
    pub(crate) fn new() -> Result<Self> {
        let mut buckets = KVVec::with_capacity(TAB_SIZE, GFP_KERNEL)?;
        for _ in 0..TAB_SIZE {
            // An empty vector allocates nothing.
            buckets.push(KVec::new(), GFP_KERNEL)?;
        }
        Ok(Self { buckets })
    }
}

// Entries are made on the packet path, under the cache's spinlock: they are
// allocated with GFP_ATOMIC, as in C.
impl<V> Store for Buckets<V> {
    type Value = V;

    fn get_mut(&mut self, bucket: usize, addr: &Addr) -> Option<&mut Entry<V>> {
        self.buckets
            .get_mut(bucket)?
            .iter_mut()
            .find(|e| e.addr == *addr)
    }

    fn insert(&mut self, bucket: usize, entry: Entry<V>) -> Result<(), NoMemory> {
        // The logic computes the bucket, always below TAB_SIZE.
        let b = self.buckets.get_mut(bucket).ok_or(NoMemory)?;
        b.push(entry, GFP_ATOMIC).map_err(|_| NoMemory)
    }

    fn remove(&mut self, bucket: usize, addr: &Addr) {
        if let Some(b) = self.buckets.get_mut(bucket) {
            b.retain(|e| e.addr != *addr);
        }
    }

    fn remove_if(&mut self, bucket: usize, mut expired: impl FnMut(&Entry<V>) -> bool) -> usize {
        let Some(b) = self.buckets.get_mut(bucket) else {
            return 0;
        };
        let before = b.len();
        b.retain(|e| !expired(e));
        before - b.len()
    }
}
