// SPDX-License-Identifier: GPL-2.0

//! Read-only files under a namespace's `/proc/net`, shown in one go.
//!
//! C header: [`include/linux/proc_fs.h`](srctree/include/linux/proc_fs.h)

use super::{bindings, pernet::Net};
use core::{fmt, marker::PhantomData};
use kernel::{
    error::from_result,
    ffi::{c_int, c_void},
    prelude::*,
};

/// What a file shows.
pub(crate) trait Show {
    /// Writes the whole file for `net`.
    fn show(net: &Net, out: &mut dyn fmt::Write) -> Result;
}

/// A file in a namespace's `/proc/net`; dropping removes it.
///
/// # Invariants
///
/// `name` was created in `net`'s `/proc/net` by `create` and `net` outlives
/// `self` (it belongs to the namespace's state).
pub(crate) struct File<S: Show> {
    net: Net,
    name: &'static CStr,
    _show: PhantomData<S>,
}

impl<S: Show> File<S> {
    /// Creates `/proc/net/<name>` in `net` with the given permissions.
    pub(crate) fn create(net: Net, name: &'static CStr, mode: u16) -> Result<Self> {
        // SAFETY: `net` is live; `name` is static; `show` matches the
        // `single_open` show signature.
        let entry = unsafe {
            bindings::proc_create_net_single(
                name.as_char_ptr(),
                mode,
                bindings::ipvs_rs_net_proc_net(net.as_ptr()),
                Some(show::<S>),
                core::ptr::null_mut(),
            )
        };
        if entry.is_null() {
            return Err(ENOMEM);
        }
        Ok(File {
            net,
            name,
            _show: PhantomData,
        })
    }
}

impl<S: Show> Drop for File<S> {
    fn drop(&mut self) {
        // SAFETY: Created in `create` in `net`, which is still alive (type
        // invariant). Removal waits for readers.
        unsafe {
            bindings::remove_proc_entry(
                self.name.as_char_ptr(),
                bindings::ipvs_rs_net_proc_net(self.net.as_ptr()),
            )
        };
    }
}

// SAFETY: The handle only names the file; the proc core does the rest.
unsafe impl<S: Show> Send for File<S> {}
// SAFETY: See `Send`.
unsafe impl<S: Show> Sync for File<S> {}

/// Appends text to a `seq_file`.
struct SeqWriter {
    seq: *mut bindings::seq_file,
    /// The buffer is full: the core will call `show` again with a bigger
    /// one.
    overflowed: bool,
}

impl fmt::Write for SeqWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // SAFETY: `self.seq` is the `seq_file` of the running `show`.
        let r = unsafe { bindings::seq_write(self.seq, s.as_ptr().cast(), s.len()) };
        if r != 0 {
            // `seq_write` marked the file overflowed: formatting the rest
            // would be thrown away, so the error ends the `show`.
            self.overflowed = true;
            return Err(fmt::Error);
        }
        Ok(())
    }
}

/// The `show` of every file.
///
/// # Safety
///
/// Called by the seq_file core with the file's `seq_file`, opened by
/// `proc_create_net_single`, so that it holds a reference on the namespace.
unsafe extern "C" fn show<S: Show>(seq: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    from_result(|| {
        // SAFETY: The file was opened in a namespace that the open file pins.
        let net =
            unsafe { Net::from_raw(bindings::ipvs_rs_seq_file_single_net(seq)) }.ok_or(EINVAL)?;
        let mut out = SeqWriter {
            seq,
            overflowed: false,
        };
        match S::show(&net, &mut out) {
            // The core sees the overflow mark and retries with a buffer
            // twice the size: a long file costs about twice its length
            // in formatting, not its length for every doubling.
            Err(_) if out.overflowed => Ok(0),
            r => r.map(|()| 0),
        }
    })
}
