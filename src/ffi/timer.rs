// SPDX-License-Identifier: GPL-2.0

//! A periodic kernel timer: the connection table's expiry sweep and the
//! rate estimation.
//!
//! C header: [`include/linux/timer.h`](srctree/include/linux/timer.h)

use super::bindings;
use kernel::{prelude::*, sync::Arc, types::Opaque};

/// Work a [`Periodic`] timer does; runs in softirq context.
pub(crate) trait Tick: Send + Sync {
    /// One period passed.
    fn tick(&self);
}

/// Calls `T::tick` every `period` jiffies until dropped.
///
/// # Invariants
///
/// `timer` was set up with [`run`] as its function and is armed only by
/// `start` and by `run` itself, until `drop` shuts it down.
#[pin_data(PinnedDrop)]
pub(crate) struct Periodic<T: Tick> {
    #[pin]
    timer: Opaque<bindings::timer_list>,
    target: Arc<T>,
    period: usize,
}

impl<T: Tick + 'static> Periodic<T> {
    /// Starts calling `target.tick()` every `period` jiffies.
    pub(crate) fn start(target: Arc<T>, period: usize) -> Result<Pin<KBox<Self>>> {
        let p = KBox::pin_init(
            pin_init!(Periodic {
                timer: Opaque::uninit(),
                target,
                period,
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: The timer is pinned in its box, set up once here with a
        // function that expects to be embedded in a `Periodic<T>`.
        unsafe {
            bindings::ipvs_rs_timer_setup(p.timer.get(), Some(run::<T>));
            bindings::ipvs_rs_timer_arm(p.timer.get(), p.period);
        }
        Ok(p)
    }
}

/// The timer function.
///
/// # Safety
///
/// `timer` is the `timer` field of a live `Periodic<T>` (type invariant).
unsafe extern "C" fn run<T: Tick + 'static>(timer: *mut bindings::timer_list) {
    let timer = timer.cast::<Opaque<bindings::timer_list>>();
    // SAFETY: By the function contract `timer` is inside a `Periodic<T>`,
    // which is alive: `drop` waits for this function to return.
    let p = unsafe { &*kernel::container_of!(timer, Periodic<T>, timer) };
    p.target.tick();
    // SAFETY: The timer is set up and alive; shutting it down (drop) makes
    // this re-arm a no-op.
    unsafe { bindings::ipvs_rs_timer_arm(p.timer.get(), p.period) };
}

#[pinned_drop]
impl<T: Tick> PinnedDrop for Periodic<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: The timer was set up in `start`; after this it neither
        // runs nor can be armed again.
        unsafe { bindings::ipvs_rs_timer_shutdown(self.timer.get()) };
    }
}

// SAFETY: The timer is only touched through the kernel's timer API, which
// is safe from any thread; `T` is `Send + Sync`.
unsafe impl<T: Tick> Send for Periodic<T> {}
// SAFETY: As above; no method mutates through `&self`.
unsafe impl<T: Tick> Sync for Periodic<T> {}
