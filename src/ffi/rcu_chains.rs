// SPDX-License-Identifier: GPL-2.0

//! Hash chains that readers walk under RCU without taking a lock, and that
//! writers change under a spinlock: C's `hlist_*_rcu()` with
//! `call_rcu()`-freed entries, as `ip_vs_conn_tab` is.
//!
//! Writers add entries at the head of a chain and unlink them with one
//! store; an unlinked entry stays readable until a grace period ends. A
//! resize moves entries between chains, so a reader that finds nothing
//! during one looks again: a sequence count tells it (C 7.x's
//! `ip_vs_rht` does the same with a seqcount).

use core::{
    marker::PhantomData,
    ptr,
    sync::atomic::{fence, AtomicPtr, AtomicU32, Ordering},
};
use kernel::{
    alloc::{flags::__GFP_NOWARN, Flags},
    bindings, new_spinlock_irq,
    prelude::*,
    sync::{rcu, SpinLockIrq, SpinLockIrqGuard},
    types::Opaque,
};

/// An entry: what a reader may still see for a grace period after it is
/// unlinked.
#[repr(C)]
struct Node<T> {
    /// First, so that the `rcu_head` a callback gets is the node.
    rcu: Opaque<bindings::callback_head>,
    next: AtomicPtr<Node<T>>,
    value: T,
}

/// The heads of the chains, replaced by a resize.
#[repr(C)]
struct Heads<T> {
    /// First, as in [`Node`].
    rcu: Opaque<bindings::callback_head>,
    chains: KVec<AtomicPtr<Node<T>>>,
}

impl<T> Heads<T> {
    /// `len` empty chains.
    fn new(len: usize, flags: Flags) -> Result<*mut Heads<T>> {
        let mut chains = KVec::with_capacity(len, flags)?;
        for _ in 0..len {
            chains.push(AtomicPtr::new(ptr::null_mut()), flags)?;
        }
        let heads = KBox::new(
            Heads {
                rcu: Opaque::uninit(),
                chains,
            },
            flags,
        )?;
        Ok(KBox::into_raw(heads))
    }
}

/// Frees what `call_rcu()` was given: a [`Node`] or [`Heads`] of `T`.
///
/// # Safety
///
/// `head` is the `rcu` field of a `B` from [`KBox::into_raw`] that nothing
/// uses any longer.
unsafe extern "C" fn free_rcu<B>(head: *mut bindings::callback_head) {
    // SAFETY: `rcu` is the first field of the `repr(C)` `B` and `Opaque` is
    // transparent, so `head` is the box's pointer, ours to free (see the
    // function's safety section).
    drop(unsafe { KBox::from_raw(head.cast::<B>()) });
}

/// Hands `b`, the `rcu` field's owner, to `call_rcu()`, to be freed after
/// a grace period.
///
/// # Safety
///
/// `b` comes from [`KBox::into_raw`], no longer reachable for new readers,
/// and is not used by the caller again; its first field is an
/// `Opaque<callback_head>`.
unsafe fn free_after_grace<B>(b: *mut B) {
    // SAFETY: per the function's safety section the `rcu_head` is unused
    // and stays valid until the callback frees it.
    unsafe { bindings::call_rcu(b.cast(), Some(free_rcu::<B>)) };
}

/// What the writers' lock guards: the number of entries and the writers'
/// own data.
struct Guarded<W> {
    count: usize,
    data: W,
}

/// Waits, when dropped, until the entries and heads chains handed to RCU
/// are freed: the module's code frees them, so it must outlive the
/// callbacks (the `rcu_barrier()` of C's `ip_vs_conn_cleanup()`).
pub(crate) struct Barrier;

impl Drop for Barrier {
    fn drop(&mut self) {
        rcu::rcu_barrier();
    }
}

/// Chains of `T` and the writers' lock, which also guards the writers'
/// data `W`.
///
/// # Invariants
///
/// `heads` is always a valid [`Heads`] from [`KBox::into_raw`], owned by
/// this object; every node reachable from it is from [`KBox::into_raw`]
/// and owned by the chains. Only holders of `lock` change either; `seq` is
/// odd while a resize moves entries.
#[pin_data(PinnedDrop)]
pub(crate) struct RcuChains<T, W> {
    #[pin]
    lock: SpinLockIrq<Guarded<W>>,
    heads: AtomicPtr<Heads<T>>,
    seq: AtomicU32,
    /// Readers on any CPU share the `T`s; they are freed from RCU
    /// callbacks.
    _owns: PhantomData<T>,
}

impl<T: Send + Sync, W> RcuChains<T, W> {
    /// `len` empty chains and the writers' data `data`.
    pub(crate) fn new(len: usize, data: W) -> impl PinInit<Self, Error> {
        try_pin_init!(RcuChains {
            lock <- new_spinlock_irq!(Guarded { count: 0, data }, "ip_vs_conn_chains"),
            // INVARIANT: a fresh `Heads`, owned from now on.
            heads: AtomicPtr::new(Heads::new(len, GFP_KERNEL)?),
            seq: AtomicU32::new(0),
            _owns: PhantomData,
        }? Error)
    }

    /// The first entry of chain `chain(len)` (of `len` chains) that
    /// `wanted` accepts, without a lock; it stays readable while `g` is
    /// held, even if a writer unlinks it meanwhile.
    pub(crate) fn find<'a>(
        &'a self,
        _g: &'a rcu::Guard,
        chain: impl Fn(usize) -> usize,
        wanted: impl Fn(&T) -> bool,
    ) -> Option<&'a T> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq & 1 == 0 {
            // SAFETY: `_g` is the RCU read lock.
            let found = unsafe { self.walk(&chain, &wanted) };
            // SAFETY: a node reached from the heads is freed only after a
            // grace period, which `_g` holds off.
            if let Some(v) = unsafe { found.as_ref() } {
                return Some(v);
            }
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == seq {
                return None;
            }
        }
        // A resize moved entries under the walk: ask under the lock.
        let w = self.lock();
        // SAFETY: `w` holds the lock.
        let found = unsafe { self.walk(&chain, &wanted) };
        drop(w);
        // SAFETY: as above; the lock is not needed for the node to stay.
        unsafe { found.as_ref() }
    }

    /// The first entry of `chain(len)` that `wanted` accepts, or null.
    ///
    /// # Safety
    ///
    /// The caller holds the lock or the RCU read lock.
    unsafe fn walk(
        &self,
        chain: &impl Fn(usize) -> usize,
        wanted: &impl Fn(&T) -> bool,
    ) -> *const T {
        // SAFETY: per the invariants `heads` is valid; a replaced one is
        // freed only after a grace period, and the caller holds off either
        // that or the replacing.
        let heads = unsafe { &*self.heads.load(Ordering::Acquire) };
        let Some(head) = heads.chains.get(chain(heads.chains.len())) else {
            return ptr::null();
        };
        let mut p = head.load(Ordering::Acquire);
        // SAFETY: nodes reached from the heads are valid, like `heads`.
        while let Some(n) = unsafe { p.as_ref() } {
            if wanted(&n.value) {
                return &n.value;
            }
            p = n.next.load(Ordering::Acquire);
        }
        ptr::null()
    }

    /// Takes the writers' lock.
    pub(crate) fn lock(&self) -> Writer<'_, T, W> {
        Writer {
            chains: self,
            guard: self.lock.lock(),
        }
    }
}

#[pinned_drop]
impl<T, W> PinnedDrop for RcuChains<T, W> {
    fn drop(self: Pin<&mut Self>) {
        // Nothing borrows the chains any longer, so no reader can reach
        // the entries: they go at once.
        let heads = self.heads.load(Ordering::Relaxed);
        // SAFETY: per the invariants `heads` and its nodes are owned boxes,
        // and no one else uses them now.
        let heads = unsafe { KBox::from_raw(heads) };
        for head in heads.chains.iter() {
            let mut p = head.load(Ordering::Relaxed);
            while !p.is_null() {
                // SAFETY: as above.
                let n = unsafe { KBox::from_raw(p) };
                p = n.next.load(Ordering::Relaxed);
            }
        }
    }
}

/// The writers' lock on [`RcuChains`], held.
pub(crate) struct Writer<'a, T, W> {
    chains: &'a RcuChains<T, W>,
    guard: SpinLockIrqGuard<'a, Guarded<W>>,
}

impl<T: Send + Sync, W: Unpin> Writer<'_, T, W> {
    /// The current heads, which stay while the lock is held.
    fn heads(&self) -> &Heads<T> {
        // SAFETY: per the invariants, valid; only lock holders replace it.
        unsafe { &*self.chains.heads.load(Ordering::Relaxed) }
    }

    /// The writers' data.
    pub(crate) fn data(&self) -> &W {
        &self.guard.data
    }

    /// The number of entries.
    pub(crate) fn count(&self) -> usize {
        self.guard.count
    }

    /// The number of chains.
    pub(crate) fn len(&self) -> usize {
        self.heads().chains.len()
    }

    /// The first entry of chain `chain` that `wanted` accepts.
    pub(crate) fn find(&self, chain: usize, wanted: impl Fn(&T) -> bool) -> Option<&T> {
        // SAFETY: `self` holds the lock.
        let found = unsafe { self.chains.walk(&|_| chain, &wanted) };
        // SAFETY: only lock holders unlink, and `&self` keeps the lock held
        // and `&mut self` (the unlinking) away.
        unsafe { found.as_ref() }
    }

    /// Every entry.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.heads().chains.iter().flat_map(|head| {
            let mut p = head.load(Ordering::Relaxed);
            core::iter::from_fn(move || {
                // SAFETY: the lock, held as long as `self` is borrowed,
                // keeps the chains as they are.
                let n = unsafe { p.as_ref() }?;
                p = n.next.load(Ordering::Relaxed);
                Some(&n.value)
            })
        })
    }

    /// Adds `value` at the head of chain `chain`, in atomic context.
    pub(crate) fn insert(&mut self, chain: usize, value: T) -> Result<&T> {
        let head = self.heads().chains.get(chain).ok_or(EINVAL)?;
        let node = KBox::new(
            Node {
                rcu: Opaque::uninit(),
                next: AtomicPtr::new(head.load(Ordering::Relaxed)),
                value,
            },
            GFP_ATOMIC,
        )?;
        let node = KBox::into_raw(node);
        // INVARIANT: the chains own the node from now on; readers see it
        // complete (release).
        head.store(node, Ordering::Release);
        self.guard.count += 1;
        // SAFETY: the node is valid until unlinked, which needs `&mut self`.
        Ok(unsafe { &(*node).value })
    }

    /// Unlinks every entry `keep` turns down, to be freed after a grace
    /// period.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let chains = &self.heads().chains;
        let removed: usize = chains
            .iter()
            .map(|head| Self::unlink(head, &mut keep))
            .sum();
        self.guard.count -= removed;
    }

    /// [`Writer::retain`] in chain `chain` only.
    pub(crate) fn retain_in(&mut self, chain: usize, mut keep: impl FnMut(&T) -> bool) {
        let head = self.heads().chains.get(chain);
        let removed = head.map_or(0, |head| Self::unlink(head, &mut keep));
        self.guard.count -= removed;
    }

    /// Unlinks the entries of the chain at `head` that `keep` turns down;
    /// returns how many went. The caller holds the lock.
    fn unlink(head: &AtomicPtr<Node<T>>, keep: &mut impl FnMut(&T) -> bool) -> usize {
        let mut removed = 0;
        let mut link = head;
        loop {
            let p = link.load(Ordering::Relaxed);
            // SAFETY: chained nodes are valid while the lock is held.
            let Some(n) = (unsafe { p.as_ref() }) else {
                return removed;
            };
            if keep(&n.value) {
                link = &n.next;
                continue;
            }
            // Readers on the node go on past it.
            link.store(n.next.load(Ordering::Relaxed), Ordering::Release);
            removed += 1;
            // SAFETY: unlinked, so unreachable for new readers, and not used
            // here again; `Node`'s first field is its `rcu_head`.
            unsafe { free_after_grace(p) };
        }
    }

    /// Moves the entries to `len` (a power of two) new chains,
    /// `chain(entry, len)` giving each one's; in atomic context, so when memory is short it stays as
    /// it is.
    pub(crate) fn resize(&mut self, len: usize, chain: impl Fn(&T, usize) -> usize) {
        let Ok(new) = Heads::<T>::new(len, GFP_ATOMIC | __GFP_NOWARN) else {
            return;
        };
        // SAFETY: fresh and valid; not shared yet.
        let new_chains = unsafe { &(*new).chains };
        let seq = self.chains.seq.load(Ordering::Relaxed);
        self.chains
            .seq
            .store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        for head in self.heads().chains.iter() {
            let mut p = head.load(Ordering::Relaxed);
            // SAFETY: chained nodes are valid while the lock is held; each
            // one's `next` is read before the node moves.
            while let Some(n) = unsafe { p.as_ref() } {
                p = n.next.load(Ordering::Relaxed);
                let to = &new_chains[chain(&n.value, len) & (len - 1)];
                // Nodes only ever point at nodes moved before them: no
                // reader can loop.
                n.next.store(to.load(Ordering::Relaxed), Ordering::Release);
                to.store(ptr::from_ref(n).cast_mut(), Ordering::Release);
            }
        }
        // INVARIANT: `new` owns every node now, and the chains own `new`.
        let old = self.chains.heads.swap(new, Ordering::AcqRel);
        self.chains
            .seq
            .store(seq.wrapping_add(2), Ordering::Release);
        // SAFETY: replaced, so unreachable for new readers, and its nodes
        // moved to `new`; `Heads`' first field is its `rcu_head`.
        unsafe { free_after_grace(old) };
    }
}
