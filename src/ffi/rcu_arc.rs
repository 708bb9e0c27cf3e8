// SPDX-License-Identifier: GPL-2.0

//! An [`Arc`] that readers under RCU use without a lock or a reference of
//! their own, and that the control plane replaces (C's `__rcu` pointers,
//! `rcu_dereference()` and `rcu_assign_pointer()` then `synchronize_rcu()`).

use core::{
    marker::PhantomData,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::sync::{rcu, Arc};

/// Holds one reference to a `T` at a time.
///
/// # Invariants
///
/// `ptr` always comes from [`Arc::into_raw`], and the reference it stands
/// for is this cell's.
pub(crate) struct RcuArc<T> {
    ptr: AtomicPtr<T>,
    /// Sent and shared as the `Arc` it holds.
    _arc: PhantomData<Arc<T>>,
}

impl<T: Send + Sync> RcuArc<T> {
    /// A cell holding `value`.
    pub(crate) fn new(value: Arc<T>) -> Self {
        // INVARIANT: the pointer comes from `into_raw`, its reference moves
        // into the cell.
        RcuArc {
            ptr: AtomicPtr::new(Arc::into_raw(value).cast_mut()),
            _arc: PhantomData,
        }
    }

    /// The value now, for as long as the RCU read lock `_guard` is held.
    pub(crate) fn get<'a>(&'a self, _guard: &'a rcu::Guard) -> &'a T {
        let p = self.ptr.load(Ordering::Acquire);
        // `replace` frees a value it takes out only after a grace period,
        // which cannot end while `_guard` holds the read lock; `Drop` runs
        // only once no borrow of the cell is left.
        // SAFETY: `p` is alive while the cell holds it (invariants) or, as
        // said above, until the read lock goes.
        unsafe { &*p }
    }

    /// Whether the cell holds `value` itself.
    pub(crate) fn holds(&self, value: &Arc<T>) -> bool {
        core::ptr::eq(self.ptr.load(Ordering::Relaxed), Arc::as_ptr(value))
    }

    /// Puts `value` in the cell, then waits for readers of the old value to
    /// be done with it before letting it go. Sleeps.
    pub(crate) fn replace(&self, value: Arc<T>) {
        let old = self
            .ptr
            .swap(Arc::into_raw(value).cast_mut(), Ordering::AcqRel);
        rcu::synchronize_rcu();
        // SAFETY: by the invariants `old` came from `into_raw` and its
        // reference was the cell's, now ours; after the grace period no
        // reader has it.
        drop(unsafe { Arc::from_raw(old) });
    }
}

impl<T> Drop for RcuArc<T> {
    fn drop(&mut self) {
        // SAFETY: by the invariants the pointer came from `into_raw` and its
        // reference is the cell's; `&mut self` means no reader borrows it.
        drop(unsafe { Arc::from_raw(*self.ptr.get_mut()) });
    }
}
