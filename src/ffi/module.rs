// SPDX-License-Identifier: GPL-2.0

//! References on this module held by what it serves, as `lsmod` shows them.

use super::bindings;
use kernel::prelude::*;

/// One reference on this module (`ip_vs_use_count_inc()` in C): every
/// service and every registered scheduler holds one, so `lsmod` counts
/// them as the C IPVS's users and the module cannot go while they exist.
pub(crate) struct UseCount(());

impl UseCount {
    /// Takes a reference; ENOPROTOOPT while the module is being unloaded,
    /// as C returns.
    pub(crate) fn get() -> Result<UseCount> {
        // SAFETY: Only takes a reference on this module.
        if unsafe { bindings::ipvs_rs_use_count_inc() } {
            Ok(UseCount(()))
        } else {
            Err(ENOPROTOOPT)
        }
    }
}

impl Drop for UseCount {
    fn drop(&mut self) {
        // SAFETY: Releases the reference `get` took.
        unsafe { bindings::ipvs_rs_use_count_dec() };
    }
}
