// SPDX-License-Identifier: GPL-2.0

//! IPVS SIP persistence engine: persistent UDP services keep the calls
//! of a SIP Call-ID on one real server.
//!
//! C: [`net/netfilter/ipvs/ip_vs_pe_sip.c`](srctree/net/netfilter/ipvs/ip_vs_pe_sip.c)

use core::ops::Range;
use kernel::prelude::*;

// The core reads what the engines only write.
#[allow(dead_code)]
#[path = "../src/pe/abi.rs"]
mod abi;
#[path = "../src/pe/api.rs"]
mod api;
#[path = "../src/logic"]
mod logic {
    pub(crate) mod pe_sip;
}

use api::PersistenceEngine;

api::module_ipvs_pe! {
    type: Sip,
    name: "ip_vs_pe_sip",
    authors: ["The ipvs-rs developers"],
    description: "ipvs sip helper",
    license: "GPL",
}

/// `IPPROTO_UDP`.
const UDP: u8 = 17;

/// The SIP engine: templates keyed by Call-ID.
struct Sip;

#[vtable]
impl PersistenceEngine for Sip {
    const NAME: &'static CStr = c"sip";

    /// `ip_vs_sip_fill_param()`: only UDP, and only a message with a
    /// usable Call-ID.
    fn fill_param(protocol: u8, payload: &[u8]) -> Result<Range<usize>> {
        if protocol != UDP || payload.is_empty() {
            return Err(EINVAL);
        }
        logic::pe_sip::call_id(payload).ok_or(EINVAL)
    }
}
