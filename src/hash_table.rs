// SPDX-License-Identifier: GPL-2.0

//! A hash table whose storage can be allocated apart from the changes:
//! the packet path's table lives under a spinlock, where no allocation may
//! sleep, so growing it takes storage prepared before the lock
//! ([`HashTable::wants`], [`HashTable::storage`], [`HashTable::regrow`]).
//! The probing itself is [`crate::logic::linear_probe`].

use crate::logic::linear_probe::{self as probe, Entry};
use kernel::{alloc::KVVec, prelude::*};

/// The slots of a table; dropped outside any spinlock, since freeing a
/// large one may sleep (`kvfree()`).
pub(crate) type Storage<T> = KVVec<Option<Entry<T>>>;

/// An open-addressing hash table of `T`s, each filed under a `u32` hash
/// the caller computes; at most half full.
pub(crate) struct HashTable<T> {
    slots: Storage<T>,
    len: usize,
}

impl<T> HashTable<T> {
    /// An empty table, with no storage yet.
    pub(crate) const fn new() -> Self {
        HashTable {
            slots: KVVec::new(),
            len: 0,
        }
    }

    /// The entry of `hash` that `eq` accepts.
    pub(crate) fn find(&self, hash: u32, eq: impl FnMut(&T) -> bool) -> Option<&T> {
        let i = probe::find(&self.slots, hash, eq)?;
        self.slots.get(i)?.as_ref().map(|e| &e.value)
    }

    /// The entry of `hash` that `eq` accepts, to change.
    pub(crate) fn find_mut(&mut self, hash: u32, eq: impl FnMut(&T) -> bool) -> Option<&mut T> {
        let i = probe::find(&self.slots, hash, eq)?;
        self.slots.get_mut(i)?.as_mut().map(|e| &mut e.value)
    }

    /// How many slots the table needs to take `extra` more entries, if it
    /// has to grow for them.
    pub(crate) fn wants(&self, extra: usize) -> Option<usize> {
        let n = self.len.saturating_add(extra);
        if probe::fits(self.slots.len(), n) {
            None
        } else {
            probe::slots_for(n).or(Some(usize::MAX))
        }
    }

    /// Empty storage of `n` slots, for [`HashTable::regrow`]; it may sleep.
    pub(crate) fn storage(n: usize) -> Result<Storage<T>> {
        let mut s = KVVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            s.push(None, GFP_KERNEL)?;
        }
        Ok(s)
    }

    /// Moves the entries into `storage` (empty, from [`HashTable::storage`])
    /// when it is bigger than the current slots and holds them at the load
    /// allowed; gives back the storage
    /// that is no longer used (empty slots), to be freed outside any lock.
    pub(crate) fn regrow(&mut self, mut storage: Storage<T>) -> Storage<T> {
        if storage.len() <= self.slots.len() || !probe::fits(storage.len(), self.len) {
            return storage;
        }
        if let Err(e) = probe::move_all(&mut self.slots, &mut storage) {
            // Cannot happen for storage that fits; keep what moved.
            let _ = probe::insert(&mut self.slots, e.hash, e.value);
            let _ = probe::move_all(&mut storage, &mut self.slots);
            return storage;
        }
        core::mem::replace(&mut self.slots, storage)
    }

    /// Grows the table, if needed, to take `extra` more entries, allocating
    /// in place: for a table under a mutex.
    pub(crate) fn reserve(&mut self, extra: usize) -> Result {
        if let Some(n) = self.wants(extra) {
            let old = self.regrow(Self::storage(n)?);
            drop(old);
            if self.wants(extra).is_some() {
                return Err(ENOMEM);
            }
        }
        Ok(())
    }

    /// Files `value` under `hash`; gives it back when the table would be
    /// over half full (see [`HashTable::wants`]). It does not allocate.
    pub(crate) fn insert(&mut self, hash: u32, value: T) -> Result<(), T> {
        if self.wants(1).is_some() {
            return Err(value);
        }
        probe::insert(&mut self.slots, hash, value)?;
        self.len += 1;
        Ok(())
    }

    /// Takes out the entry of `hash` that `eq` accepts.
    pub(crate) fn remove(&mut self, hash: u32, eq: impl FnMut(&T) -> bool) -> Option<T> {
        let i = probe::find(&self.slots, hash, eq)?;
        let v = probe::remove(&mut self.slots, i)?;
        self.len -= 1;
        Some(v)
    }

    /// Every entry, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots
            .iter()
            .filter_map(|s| s.as_ref().map(|e| &e.value))
    }

    /// Empties the table but keeps its storage.
    pub(crate) fn clear(&mut self) {
        for slot in self.slots.iter_mut() {
            *slot = None;
        }
        self.len = 0;
    }

    /// Takes every entry and the storage with them, leaving an empty table
    /// without storage.
    pub(crate) fn take_all(&mut self) -> Storage<T> {
        self.len = 0;
        core::mem::take(&mut self.slots)
    }
}
