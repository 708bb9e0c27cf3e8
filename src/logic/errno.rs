// SPDX-License-Identifier: GPL-2.0

//! The error codes the pure logic reports; the domain layer maps each to the
//! kernel's `Error` of the same name.

/// An errno the C IPVS returns for the same input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Errno {
    /// EINVAL: a malformed or out-of-range value.
    Inval,
    /// ERANGE: an attribute of the wrong size.
    Range,
    /// EEXIST: the object exists already.
    Exist,
    /// ESRCH: no such service.
    Srch,
    /// EAFNOSUPPORT: an address family IPVS does not serve.
    AfNoSupport,
    /// EOPNOTSUPP: a combination IPVS does not serve.
    OpNotSupp,
    /// EFAULT: what C answers a sockopt service command with another
    /// protocol than TCP, UDP or SCTP.
    Fault,
    /// ENODEV: no such network interface.
    NoDev,
}
