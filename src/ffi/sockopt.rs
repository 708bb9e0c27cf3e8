// SPDX-License-Identifier: GPL-2.0

//! The IPVS `setsockopt`/`getsockopt` ranges on IPv4 sockets.
//!
//! C header: [`include/linux/netfilter.h`](srctree/include/linux/netfilter.h)

use super::{bindings, pernet::Net};
use core::{marker::PhantomData, ops::Range};
use kernel::{
    error::{from_result, to_result},
    ffi::{c_int, c_uint, c_void},
    prelude::*,
    types::Opaque,
    uaccess::{UserPtr, UserSlice},
};

/// Reads `sk`'s namespace.
fn net_of(sk: *mut bindings::sock) -> Result<Net> {
    // SAFETY: `sk` is the caller's live socket (invariant of both request
    // types), which pins its namespace for the duration of the call.
    unsafe { Net::from_raw(bindings::ipvs_rs_sock_net(sk)) }.ok_or(EINVAL)
}

/// Whether the owner of `sk` has CAP_NET_ADMIN in the socket's user
/// namespace.
fn net_admin(sk: *mut bindings::sock) -> bool {
    // SAFETY: `sk` is the caller's live socket (invariant of both request
    // types).
    unsafe { bindings::ipvs_rs_sk_net_admin(sk) }
}

/// One `getsockopt` call.
///
/// # Invariants
///
/// `sk` is the caller's socket, live for the call; `user` is the caller's
/// buffer (a user pointer, checked by every access).
pub(crate) struct GetRequest<'a> {
    sk: *mut bindings::sock,
    optval: i32,
    user: UserPtr,
    len: &'a mut c_int,
}

impl GetRequest<'_> {
    /// The option number asked for.
    pub(crate) fn optval(&self) -> i32 {
        self.optval
    }

    /// The namespace of the socket.
    pub(crate) fn net(&self) -> Result<Net> {
        net_of(self.sk)
    }

    /// Whether the caller has CAP_NET_ADMIN in the socket's user namespace.
    pub(crate) fn net_admin(&self) -> bool {
        net_admin(self.sk)
    }

    /// The length of the caller's buffer. Negative lengths read as 0.
    pub(crate) fn len(&self) -> usize {
        usize::try_from(*self.len).unwrap_or(0)
    }

    /// Reads the first `n` bytes of the caller's buffer.
    pub(crate) fn read(&self, n: usize) -> Result<KVec<u8>> {
        let mut buf = KVec::new();
        UserSlice::new(self.user, n).read_all(&mut buf, GFP_KERNEL)?;
        Ok(buf)
    }

    /// Writes `data` at the start of the caller's buffer.
    pub(crate) fn write(&mut self, data: &[u8]) -> Result {
        self.write_at(0, data)
    }

    /// Writes `data` at `offset` of the caller's buffer, which must hold it
    /// (EINVAL otherwise); EFAULT when the memory cannot be written.
    pub(crate) fn write_at(&mut self, offset: usize, data: &[u8]) -> Result {
        let end = offset.checked_add(data.len()).ok_or(EINVAL)?;
        if end > self.len() {
            return Err(EINVAL);
        }
        UserSlice::new(self.user.wrapping_byte_add(offset), data.len())
            .writer()
            .write_slice(data)
    }

    /// Tells the caller how many bytes the answer has.
    pub(crate) fn set_len(&mut self, n: usize) -> Result {
        *self.len = c_int::try_from(n)?;
        Ok(())
    }
}

/// One `setsockopt` call.
///
/// # Invariants
///
/// `sk` is the caller's socket, live for the call; `arg` is readable for
/// `len` bytes (a user pointer, checked on access, or kernel memory the
/// caller vouches for).
pub(crate) struct SetRequest {
    sk: *mut bindings::sock,
    optval: i32,
    arg: bindings::sockptr_t,
    len: usize,
}

impl SetRequest {
    /// The option number given.
    pub(crate) fn optval(&self) -> i32 {
        self.optval
    }

    /// The namespace of the socket.
    pub(crate) fn net(&self) -> Result<Net> {
        net_of(self.sk)
    }

    /// Whether the caller has CAP_NET_ADMIN in the socket's user namespace.
    pub(crate) fn net_admin(&self) -> bool {
        net_admin(self.sk)
    }

    /// The length of the argument.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Copies the first `buf.len()` bytes of the argument to `buf`: EINVAL
    /// if the argument is shorter, EFAULT if it cannot be read.
    pub(crate) fn read(&self, buf: &mut [u8]) -> Result {
        if buf.len() > self.len {
            return Err(EINVAL);
        }
        // SAFETY: `buf` is writable for `buf.len()` bytes; `arg` is readable
        // for `len` bytes (type invariant), no fewer than those.
        to_result(unsafe {
            bindings::ipvs_rs_copy_from_sockptr(buf.as_mut_ptr().cast(), self.arg, buf.len())
        })
    }
}

/// Whether `net` has an interface called `name` (NUL-terminated within its
/// 16 bytes; a name without NUL is never found).
pub(crate) fn dev_exists(net: &Net, name: &[u8; 16]) -> bool {
    if !name.contains(&0) {
        return false;
    }
    // SAFETY: `net` is live (type invariant of `Net`); `name` holds a NUL.
    unsafe { bindings::ipvs_rs_dev_name_exists(net.as_ptr(), name.as_ptr().cast()) }
}

/// What answers the ranges.
pub(crate) trait Handler {
    /// Answers one `getsockopt`.
    fn get(req: &mut GetRequest<'_>) -> Result;

    /// Carries out one `setsockopt`.
    fn set(req: &SetRequest) -> Result;
}

/// A registered sockopt range; dropping unregisters it.
pub(crate) struct Registration<H: Handler> {
    ops: Pin<KBox<Opaque<bindings::nf_sockopt_ops>>>,
    _handler: PhantomData<H>,
}

// SAFETY: The table is only touched by the netfilter core under its mutex.
unsafe impl<H: Handler> Send for Registration<H> {}
// SAFETY: No method gives access to the table.
unsafe impl<H: Handler> Sync for Registration<H> {}

impl<H: Handler> Registration<H> {
    /// Registers `setsockopt` numbers `set` and `getsockopt` numbers `get`
    /// of `PF_INET` sockets.
    pub(crate) fn register(
        module: &'static ThisModule,
        set: Range<i32>,
        get: Range<i32>,
    ) -> Result<Self> {
        let ops = bindings::nf_sockopt_ops {
            pf: bindings::PF_INET as u8,
            set_optmin: set.start,
            set_optmax: set.end,
            set: Some(set_cb::<H>),
            get_optmin: get.start,
            get_optmax: get.end,
            get: Some(get_cb::<H>),
            owner: module.as_ptr().cast(),
            ..Default::default()
        };
        let ops = KBox::pin(Opaque::new(ops), GFP_KERNEL)?;
        // SAFETY: `ops` is pinned and lives until `drop` unregisters it.
        to_result(unsafe { bindings::nf_register_sockopt(ops.get()) })?;
        Ok(Registration {
            ops,
            _handler: PhantomData,
        })
    }
}

impl<H: Handler> Drop for Registration<H> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`.
        unsafe { bindings::nf_unregister_sockopt(self.ops.get()) };
    }
}

/// The `get` of the range.
///
/// # Safety
///
/// Called by the netfilter core with the caller's socket, a user pointer and
/// a valid pointer to the length.
unsafe extern "C" fn get_cb<H: Handler>(
    sk: *mut bindings::sock,
    optval: c_int,
    user: *mut c_void,
    len: *mut c_int,
) -> c_int {
    from_result(|| {
        // SAFETY: The netfilter core passes a pointer to the length it
        // copied in, valid for this call.
        let len = unsafe { len.as_mut() }.ok_or(EINVAL)?;
        // INVARIANT: `sk` and `user` are the caller's, as the core passes
        // them.
        let mut req = GetRequest {
            sk,
            optval,
            user: UserPtr::from_ptr(user),
            len,
        };
        H::get(&mut req)?;
        Ok(0)
    })
}

/// The `set` of the range.
///
/// # Safety
///
/// Called by the netfilter core with the caller's socket and an argument
/// readable for `len` bytes.
unsafe extern "C" fn set_cb<H: Handler>(
    sk: *mut bindings::sock,
    optval: c_int,
    arg: bindings::sockptr_t,
    len: c_uint,
) -> c_int {
    from_result(|| {
        // INVARIANT: `sk` and `arg` for `len` bytes are the caller's, as
        // the core passes them.
        let req = SetRequest {
            sk,
            optval,
            arg,
            len: usize::try_from(len)?,
        };
        H::set(&req)?;
        Ok(0)
    })
}
