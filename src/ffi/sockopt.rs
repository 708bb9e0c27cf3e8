// SPDX-License-Identifier: GPL-2.0

//! The IPVS `getsockopt` range on IPv4 sockets.
//!
//! C header: [`include/linux/netfilter.h`](srctree/include/linux/netfilter.h)

use super::{bindings, pernet::Net};
use core::marker::PhantomData;
use kernel::{
    error::{from_result, to_result},
    ffi::{c_int, c_void},
    prelude::*,
    types::Opaque,
    uaccess::{UserPtr, UserSlice},
};

/// One `getsockopt` call.
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
        // SAFETY: `sk` is the caller's live socket, which pins its namespace
        // for the duration of the call.
        unsafe { Net::from_raw(bindings::ipvs_rs_sock_net(self.sk)) }.ok_or(EINVAL)
    }

    /// Whether the caller has CAP_NET_ADMIN in the socket's user namespace.
    pub(crate) fn net_admin(&self) -> bool {
        // SAFETY: `sk` is the caller's live socket.
        unsafe { bindings::ipvs_rs_sk_net_admin(self.sk) }
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
        UserSlice::new(self.user, data.len())
            .writer()
            .write_slice(data)
    }

    /// Tells the caller how many bytes the answer has.
    pub(crate) fn set_len(&mut self, n: usize) -> Result {
        *self.len = c_int::try_from(n)?;
        Ok(())
    }
}

/// What answers the range.
pub(crate) trait GetHandler {
    /// Answers one `getsockopt`.
    fn get(req: &mut GetRequest<'_>) -> Result;
}

/// A registered sockopt range; dropping unregisters it.
pub(crate) struct Registration<H: GetHandler> {
    ops: Pin<KBox<Opaque<bindings::nf_sockopt_ops>>>,
    _handler: PhantomData<H>,
}

// SAFETY: The table is only touched by the netfilter core under its mutex.
unsafe impl<H: GetHandler> Send for Registration<H> {}
// SAFETY: No method gives access to the table.
unsafe impl<H: GetHandler> Sync for Registration<H> {}

impl<H: GetHandler> Registration<H> {
    /// Registers `getsockopt` numbers `min..end` of `PF_INET` sockets.
    pub(crate) fn register(module: &'static ThisModule, min: i32, end: i32) -> Result<Self> {
        let ops = bindings::nf_sockopt_ops {
            pf: bindings::PF_INET as u8,
            get_optmin: min,
            get_optmax: end,
            get: Some(get::<H>),
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

impl<H: GetHandler> Drop for Registration<H> {
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
unsafe extern "C" fn get<H: GetHandler>(
    sk: *mut bindings::sock,
    optval: c_int,
    user: *mut c_void,
    len: *mut c_int,
) -> c_int {
    from_result(|| {
        // SAFETY: The netfilter core passes the caller's socket and a
        // pointer to the length it copied in, valid for this call.
        let len = unsafe { len.as_mut() }.ok_or(EINVAL)?;
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
