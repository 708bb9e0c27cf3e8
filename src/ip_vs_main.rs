// SPDX-License-Identifier: GPL-2.0

//! IP Virtual Server: the core module.
//!
//! A drop-in replacement for the C IPVS of
//! [`net/netfilter/ipvs`](srctree/net/netfilter/ipvs), driven by the same
//! user-space tools through the same generic netlink and sockopt ABI.

use kernel::prelude::*;

mod conn;
mod ctl;
mod dataplane;
mod ffi;
mod hash_table;
mod hooks;
mod icmp;
mod logic;
mod netns;
mod pe;
mod persist;
mod proto;
mod reply;
mod request;
mod sched;
mod stats;
mod xmit;

module! {
    type: IpVs,
    name: "ip_vs",
    authors: ["The ipvs-rs developers"],
    description: "IP Virtual Server",
    license: "GPL",
    alias: ["net-pf-16-proto-16-family-IPVS"],
    params: {
        conn_tab_bits: i32 {
            default: 12,
            description: "Set connections' hash size",
        },
    },
}

/// The module: every registration, in teardown order.
struct IpVs {
    _genl: ffi::genl::Registration<ctl::genl::Genl>,
    _sockopt: ffi::sockopt::Registration<ctl::sockopt::Sockopt>,
    _pernet: ffi::pernet::Registration<netns::NetIpvs>,
    _rcu_callbacks: ffi::rcu_chains::Barrier,
    _schedulers: sched::List,
    _engines: pe::List,
}

impl kernel::Module for IpVs {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let schedulers = sched::List::init();
        let engines = pe::List::init();
        let size = conn::configure(module_parameters::conn_tab_bits.value());
        pr_info!("Connection hash table configured (size={size})\n");
        let pernet = ffi::pernet::Registration::register()?;
        let sockopt = ffi::sockopt::Registration::register(
            module,
            logic::sockopt::BASE_CTL..logic::sockopt::SetCmd::END,
            logic::sockopt::BASE_CTL..logic::sockopt::GetCmd::END,
        )?;
        let genl = ffi::genl::Registration::register(module, &ctl::genl::FAMILY)?;
        pr_info!("ipvs loaded.\n");
        Ok(IpVs {
            _genl: genl,
            _sockopt: sockopt,
            _pernet: pernet,
            _rcu_callbacks: ffi::rcu_chains::Barrier,
            _schedulers: schedulers,
            _engines: engines,
        })
    }
}

impl Drop for IpVs {
    fn drop(&mut self) {
        pr_info!("ipvs unloaded.\n");
    }
}
