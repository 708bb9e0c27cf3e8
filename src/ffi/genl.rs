// SPDX-License-Identifier: GPL-2.0

//! A generic netlink family: registration, requests, replies and dumps.
//!
//! C header: [`include/net/genetlink.h`](srctree/include/net/genetlink.h)

use super::{bindings, pernet::Net};
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{
    error::{from_result, to_result},
    ffi::{c_int, c_long},
    prelude::*,
    types::Opaque,
};

/// The type a policy gives an attribute.
#[derive(Clone, Copy)]
pub(crate) enum AttrType {
    U32,
    Nested,
}

/// One command of the family.
pub(crate) struct Op {
    pub(crate) cmd: u8,
    pub(crate) doit: bool,
    pub(crate) dumpit: bool,
}

/// What a family looks like to the generic netlink core.
pub(crate) struct FamilySpec {
    pub(crate) name: &'static CStr,
    pub(crate) version: u32,
    /// The highest attribute number of requests.
    pub(crate) maxattr: u16,
    /// The types of top-level request attributes; others are not checked.
    pub(crate) policy: &'static [(u16, AttrType)],
    pub(crate) ops: &'static [Op],
    /// Commands below this one are validated leniently, as in old families.
    pub(crate) resv_start_op: u8,
}

/// What serves the family's commands.
pub(crate) trait Handler {
    /// Serves a request.
    fn doit(req: &mut Request<'_>) -> Result;
    /// Adds the next entries of a dump; returns when done or when full.
    fn dumpit(dump: &mut Dump<'_>) -> Result;
}

/// A message being built; attributes are appended to it.
pub(crate) struct Msg {
    skb: NonNull<bindings::sk_buff>,
}

/// Maps the 0 / -EMSGSIZE of the `nla_put` family.
fn put_result(ret: c_int) -> Result {
    if ret == 0 {
        Ok(())
    } else {
        Err(EMSGSIZE)
    }
}

impl Msg {
    /// Appends an attribute with `data` as payload; EMSGSIZE when full.
    pub(crate) fn put(&mut self, attr: u16, data: &[u8]) -> Result {
        let len = c_int::try_from(data.len())?;
        // SAFETY: `skb` is the message under construction, owned by the
        // caller for the duration of the call; `data` is valid for `len`.
        put_result(unsafe {
            bindings::nla_put(self.skb.as_ptr(), attr.into(), len, data.as_ptr().cast())
        })
    }

    /// Appends a `u16` attribute.
    pub(crate) fn put_u16(&mut self, attr: u16, value: u16) -> Result {
        self.put(attr, &value.to_ne_bytes())
    }

    /// Appends a `u32` attribute.
    pub(crate) fn put_u32(&mut self, attr: u16, value: u32) -> Result {
        self.put(attr, &value.to_ne_bytes())
    }

    /// Appends a `u64` attribute, aligned with a `pad` attribute if needed
    /// (`nla_put_u64_64bit`).
    pub(crate) fn put_u64(&mut self, attr: u16, value: u64, pad: u16) -> Result {
        let data = value.to_ne_bytes();
        // SAFETY: As in `put`; `data` is 8 bytes.
        put_result(unsafe {
            bindings::nla_put_64bit(
                self.skb.as_ptr(),
                attr.into(),
                8,
                data.as_ptr().cast(),
                pad.into(),
            )
        })
    }

    /// Appends a nested attribute holding what `fill` appends; on failure
    /// nothing of it stays in the message.
    pub(crate) fn nest(&mut self, attr: u16, fill: impl FnOnce(&mut Msg) -> Result) -> Result {
        // SAFETY: As in `put`.
        let start = unsafe { bindings::ipvs_rs_nla_nest_start(self.skb.as_ptr(), attr.into()) };
        if start.is_null() {
            return Err(EMSGSIZE);
        }
        if let Err(e) = fill(self) {
            // SAFETY: `start` begins a nest in this message; trimming drops
            // it and everything after it.
            unsafe { bindings::ipvs_rs_nla_nest_cancel(self.skb.as_ptr(), start) };
            return Err(e);
        }
        // SAFETY: `start` begins a nest in this message.
        unsafe { bindings::ipvs_rs_nla_nest_end(self.skb.as_ptr(), start) };
        Ok(())
    }
}

/// A request: one `doit` call.
pub(crate) struct Request<'a> {
    info: &'a mut bindings::genl_info,
}

impl Request<'_> {
    /// The command asked for.
    pub(crate) fn cmd(&self) -> u8 {
        // SAFETY: `info` is valid for the call and its header was checked by
        // the core.
        unsafe { bindings::ipvs_rs_genl_info_cmd(&*self.info) }
    }

    /// The payload of top-level attribute `attr`, if the request has it.
    /// The core parsed the request with the family's policy, so present
    /// attributes lie inside the message and fit their policy type.
    pub(crate) fn attr(&self, attr: u16) -> Option<&[u8]> {
        let attrs = self.info.attrs;
        if attrs.is_null() {
            return None;
        }
        // SAFETY: `attrs` has `maxattr + 1` entries (the family's), and the
        // handlers only ask for attributes up to `maxattr`.
        let nla = unsafe { *attrs.add(usize::from(attr)) };
        // SAFETY: A non-null entry points at an attribute inside the
        // request, which lives for the call.
        let nla = unsafe { nla.as_ref() }?;
        let len = usize::from(nla.nla_len).checked_sub(NLA_HDRLEN)?;
        // SAFETY: The core checked that `nla_len` bytes from `nla` lie in
        // the message.
        Some(unsafe {
            core::slice::from_raw_parts(core::ptr::from_ref(nla).cast::<u8>().add(NLA_HDRLEN), len)
        })
    }

    /// The namespace the request came from.
    pub(crate) fn net(&self) -> Result<Net> {
        // SAFETY: The requesting socket keeps its namespace alive for the
        // call.
        unsafe { Net::from_raw(bindings::ipvs_rs_genl_info_net(&*self.info)) }.ok_or(EINVAL)
    }

    /// Sends a reply with command `cmd` and the attributes `fill` appends.
    pub(crate) fn reply(&mut self, cmd: u8, fill: impl FnOnce(&mut Msg) -> Result) -> Result {
        // SAFETY: Allocation only.
        let skb = NonNull::new(unsafe { bindings::ipvs_rs_nlmsg_new() }).ok_or(ENOMEM)?;
        let mut msg = Msg { skb };
        let info: *mut bindings::genl_info = self.info;
        // SAFETY: `skb` is ours and `info` is valid for the call; its family
        // is the registered family that received the request.
        let hdr =
            unsafe { bindings::ipvs_rs_genlmsg_put_reply(skb.as_ptr(), info, (*info).family, cmd) };
        let filled = if hdr.is_null() {
            Err(EMSGSIZE)
        } else {
            fill(&mut msg)
        };
        if let Err(e) = filled {
            if e == EMSGSIZE {
                pr_err!("not enough space in Netlink message\n");
            }
            // SAFETY: `skb` is ours and was not sent.
            unsafe { bindings::ipvs_rs_nlmsg_free(skb.as_ptr()) };
            return Err(e);
        }
        // SAFETY: `hdr` starts the message in `skb`; `genlmsg_reply`
        // consumes `skb` whatever it returns.
        to_result(unsafe {
            bindings::ipvs_rs_genlmsg_end(skb.as_ptr(), hdr);
            bindings::ipvs_rs_genlmsg_reply(skb.as_ptr(), info)
        })
    }
}

/// The size of an attribute header (`NLA_HDRLEN`).
const NLA_HDRLEN: usize = 4;

/// One call of a dump: the entries added are sent together, and the dump
/// goes on with another call until a call adds none.
pub(crate) struct Dump<'a> {
    skb: NonNull<bindings::sk_buff>,
    cb: &'a mut bindings::netlink_callback,
}

impl Dump<'_> {
    /// The command being dumped.
    pub(crate) fn cmd(&mut self) -> u8 {
        // SAFETY: `cb` belongs to a generic netlink dump.
        unsafe { bindings::ipvs_rs_dump_cmd(self.cb) }
    }

    /// The namespace of the socket that asked for the dump.
    pub(crate) fn net(&self) -> Result<Net> {
        // SAFETY: The dumping socket keeps its namespace alive for the call.
        unsafe { Net::from_raw(bindings::ipvs_rs_dump_net(self.skb.as_ptr())) }.ok_or(EINVAL)
    }

    /// The attributes of the request that started the dump, unparsed:
    /// dumps are not validated by the core (`GENL_DONT_VALIDATE_DUMP`).
    pub(crate) fn request(&mut self) -> &[u8] {
        let mut len = 0;
        // SAFETY: `cb` belongs to a generic netlink dump whose request the
        // core checked to hold at least the generic netlink header.
        let data = unsafe { bindings::ipvs_rs_dump_request(self.cb, &mut len) };
        // SAFETY: `len` bytes from `data` are the rest of the request, which
        // lives as long as the dump.
        unsafe { core::slice::from_raw_parts(data, len as usize) }
    }

    /// Where the previous call stopped: kept by the core between calls,
    /// zero at the start.
    pub(crate) fn cursor(&mut self) -> &mut [c_long; 6] {
        // SAFETY: Generic netlink dumps use the `args` member of the union.
        unsafe { &mut self.cb.__bindgen_anon_1.args }
    }

    /// Adds one entry with command `cmd`; `Ok(false)` when the buffer is
    /// full, so the caller stops and the next call starts with this entry.
    pub(crate) fn entry(&mut self, cmd: u8, fill: impl FnOnce(&mut Msg) -> Result) -> Result<bool> {
        // SAFETY: `skb` and `cb` are the dump's, valid for the call; the
        // family is the one the dump runs for.
        let hdr = unsafe { bindings::ipvs_rs_genlmsg_put_dump(self.skb.as_ptr(), self.cb, cmd) };
        if hdr.is_null() {
            return Ok(false);
        }
        let mut msg = Msg { skb: self.skb };
        match fill(&mut msg) {
            Ok(()) => {
                // SAFETY: `hdr` starts the entry in `skb`.
                unsafe { bindings::ipvs_rs_genlmsg_end(self.skb.as_ptr(), hdr) };
                Ok(true)
            }
            Err(e) => {
                // SAFETY: `hdr` starts the entry in `skb`; cancelling trims it.
                unsafe { bindings::ipvs_rs_genlmsg_cancel(self.skb.as_ptr(), hdr) };
                if e == EMSGSIZE {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// A registered family; dropping unregisters it.
///
/// # Invariants
///
/// `family` is registered and points at `ops` and `policy`, heap buffers
/// that stay in place until `drop`.
pub(crate) struct Registration<H: Handler> {
    family: Pin<KBox<Opaque<bindings::genl_family>>>,
    _ops: KVec<bindings::genl_small_ops>,
    _policy: KVec<bindings::nla_policy>,
    _handler: PhantomData<H>,
}

// SAFETY: The family is only touched by the generic netlink core, under its
// own locks.
unsafe impl<H: Handler> Send for Registration<H> {}
// SAFETY: No method gives access to the family.
unsafe impl<H: Handler> Sync for Registration<H> {}

impl<H: Handler> Registration<H> {
    /// Registers the family of `spec`, served by `H`. Every command needs
    /// CAP_NET_ADMIN in the requester's user namespace, and requests are
    /// accepted from every network namespace.
    pub(crate) fn register(module: &'static ThisModule, spec: &FamilySpec) -> Result<Self> {
        let mut policy = KVec::with_capacity(usize::from(spec.maxattr) + 1, GFP_KERNEL)?;
        for _ in 0..=spec.maxattr {
            policy.push(bindings::nla_policy::default(), GFP_KERNEL)?;
        }
        for &(attr, ty) in spec.policy {
            let entry = policy.get_mut(usize::from(attr)).ok_or(EINVAL)?;
            entry.type_ = match ty {
                AttrType::U32 => bindings::NLA_U32,
                AttrType::Nested => bindings::NLA_NESTED,
            } as u8;
        }

        let mut ops = KVec::with_capacity(spec.ops.len(), GFP_KERNEL)?;
        for op in spec.ops {
            ops.push(
                bindings::genl_small_ops {
                    cmd: op.cmd,
                    validate: (bindings::genl_validate_flags_GENL_DONT_VALIDATE_STRICT
                        | bindings::genl_validate_flags_GENL_DONT_VALIDATE_DUMP)
                        as u8,
                    flags: bindings::GENL_ADMIN_PERM as u8,
                    doit: if op.doit { Some(doit::<H>) } else { None },
                    dumpit: if op.dumpit { Some(dumpit::<H>) } else { None },
                    ..Default::default()
                },
                GFP_KERNEL,
            )?;
        }

        let mut family = bindings::genl_family {
            version: spec.version,
            maxattr: spec.maxattr.into(),
            policy: policy.as_ptr(),
            module: module.as_ptr().cast(),
            small_ops: ops.as_ptr(),
            n_small_ops: u8::try_from(ops.len())?,
            resv_start_op: spec.resv_start_op,
            ..Default::default()
        };
        family.set_netnsok(1);
        family.set_parallel_ops(1);
        let name = spec.name.to_bytes_with_nul();
        let dst = family.name.get_mut(..name.len()).ok_or(EINVAL)?;
        for (d, &s) in dst.iter_mut().zip(name) {
            *d = s as kernel::ffi::c_char;
        }

        let family = KBox::pin(Opaque::new(family), GFP_KERNEL)?;
        // SAFETY: `family` is pinned and, with the buffers it points to,
        // lives until `drop` unregisters it.
        to_result(unsafe { bindings::genl_register_family(family.get()) })?;
        // INVARIANT: Registered just above with pointers into `ops` and
        // `policy`.
        Ok(Registration {
            family,
            _ops: ops,
            _policy: policy,
            _handler: PhantomData,
        })
    }
}

impl<H: Handler> Drop for Registration<H> {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`. Unregistering waits for running
        // requests and dumps.
        unsafe { bindings::genl_unregister_family(self.family.get()) };
    }
}

/// The `doit` of every command.
///
/// # Safety
///
/// Called by the generic netlink core with a valid `info` for the call.
unsafe extern "C" fn doit<H: Handler>(
    _skb: *mut bindings::sk_buff,
    info: *mut bindings::genl_info,
) -> c_int {
    from_result(|| {
        // SAFETY: The core passes a valid `info` for the call.
        let info = unsafe { info.as_mut() }.ok_or(EINVAL)?;
        H::doit(&mut Request { info })?;
        Ok(0)
    })
}

/// The `dumpit` of every command.
///
/// # Safety
///
/// Called by the generic netlink core with a valid `skb` and `cb`.
unsafe extern "C" fn dumpit<H: Handler>(
    skb: *mut bindings::sk_buff,
    cb: *mut bindings::netlink_callback,
) -> c_int {
    from_result(|| {
        let skb = NonNull::new(skb).ok_or(EINVAL)?;
        // SAFETY: The core passes a valid `cb` for the call.
        let cb = unsafe { cb.as_mut() }.ok_or(EINVAL)?;
        H::dumpit(&mut Dump { skb, cb })?;
        // SAFETY: `skb` is the dump's buffer, valid for the call.
        let len = unsafe { bindings::ipvs_rs_skb_len(skb.as_ptr()) };
        Ok(c_int::try_from(len)?)
    })
}
