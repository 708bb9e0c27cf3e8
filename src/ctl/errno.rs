// SPDX-License-Identifier: GPL-2.0

//! The kernel error for each errno the pure logic reports.

use crate::logic::errno::Errno;
use kernel::error::{code, Error};

impl From<Errno> for Error {
    fn from(e: Errno) -> Error {
        match e {
            Errno::Inval => code::EINVAL,
            Errno::Range => code::ERANGE,
            Errno::Exist => code::EEXIST,
            Errno::Srch => code::ESRCH,
            Errno::AfNoSupport => code::EAFNOSUPPORT,
            Errno::OpNotSupp => code::EOPNOTSUPP,
            Errno::Fault => code::EFAULT,
            Errno::NoDev => code::ENODEV,
        }
    }
}
