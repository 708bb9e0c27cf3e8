// SPDX-License-Identifier: GPL-2.0

//! The sysctls scheduler modules bring (`lblc_expiration`,
//! `lblcr_expiration`): in every namespace while their scheduler is
//! registered, gone with it, their values kept with the namespace's other
//! IPVS state.
//!
//! C: the pernet operations of
//! [`net/netfilter/ipvs/ip_vs_lblc.c`](srctree/net/netfilter/ipvs/ip_vs_lblc.c)
//! and [`net/netfilter/ipvs/ip_vs_lblcr.c`](srctree/net/netfilter/ipvs/ip_vs_lblcr.c)
//! (`__ip_vs_lblc_init()`, `__ip_vs_lblc_exit()`), and the fields they
//! fill in `struct netns_ipvs`.

use crate::{
    ffi::{
        pernet::{HooksRegistration, Net, NetHooks},
        sysctl::{Table, Values},
        time::HZ,
    },
    logic::sysctl::{SchedVar, SCHED_VARS},
    netns::NetIpvs,
};
use kernel::{
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// How many scheduler sysctls there are.
const COUNT: usize = SCHED_VARS.len();

/// The sysctl of one scheduler, registered in every namespace: C's
/// `register_pernet_subsys(&ip_vs_lblc_ops)`. Dropping it takes the sysctl
/// out of every namespace.
pub(crate) struct Registration {
    _hooks: HooksRegistration,
}

impl Registration {
    /// Adds the sysctl of [`SCHED_VARS`]`[index]` to every namespace, now
    /// and when one is made, at its default value.
    pub(crate) fn register(index: usize) -> Result<Registration> {
        // The pernet operations carry no argument: one type per sysctl.
        let hooks = match index {
            0 => HooksRegistration::register::<PerNet<0>>(),
            1 => HooksRegistration::register::<PerNet<1>>(),
            _ => Err(EINVAL),
        }?;
        Ok(Registration { _hooks: hooks })
    }
}

// A sysctl added to `SCHED_VARS` needs its arm in `Registration::register`.
const _: () = assert!(COUNT == 2);

/// The per-namespace operations of the `I`th scheduler sysctl.
struct PerNet<const I: usize>;

impl<const I: usize> NetHooks for PerNet<I> {
    fn init(net: Net) -> Result {
        // Registered after the core's pernet operations, so their state is
        // there (`net_ipvs(net)` in C, which returns ENOENT otherwise).
        let ipvs = net.state::<NetIpvs>().ok_or(ENOENT)?;
        ipvs.sched_sysctls.add(net, I)
    }

    fn exit(net: Net) {
        if let Some(ipvs) = net.state::<NetIpvs>() {
            ipvs.sched_sysctls.remove(I);
        }
    }
}

/// A namespace's scheduler sysctls: their values, always there, and the
/// sysctl files of those whose scheduler is registered.
#[pin_data]
pub(crate) struct NetVars {
    /// `values[i]` is [`SCHED_VARS`]`[i]`'s, in jiffies.
    values: Arc<Values>,
    #[pin]
    tables: Mutex<[Option<Table>; COUNT]>,
}

impl NetVars {
    /// The sysctls of a new namespace, none shown yet, kept in `values`
    /// (made by [`NetVars::values_new`]).
    pub(crate) fn new(values: Arc<Values>) -> impl PinInit<Self, Error> {
        try_pin_init!(NetVars {
            values,
            tables <- new_mutex!([const { None }; COUNT]),
        })
    }

    /// Room for the values of every scheduler sysctl.
    pub(crate) fn values_new() -> Result<Arc<Values>> {
        Values::new(COUNT)
    }

    /// Shows the `i`th sysctl in `net`, the namespace of `self`, at its
    /// default value (`__ip_vs_lblc_init()`).
    fn add(&self, net: Net, i: usize) -> Result {
        let SchedVar { var, .. } = SCHED_VARS.get(i).ok_or(EINVAL)?;
        self.values.set(i, var.initial(HZ));
        // "Don't export sysctls to unprivileged users": C registers an
        // empty table for a namespace of another user namespace.
        let table = if net.in_init_user_ns() {
            Some(Table::register_in(
                net,
                c"net/ipv4/vs",
                core::slice::from_ref(var),
                &self.values,
                i,
            )?)
        } else {
            None
        };
        let old = self
            .tables
            .lock()
            .get_mut(i)
            .map(|slot| core::mem::replace(slot, table));
        // Unregistered outside the lock.
        drop(old);
        Ok(())
    }

    /// Takes the `i`th sysctl out of the namespace (`__ip_vs_lblc_exit()`);
    /// its value stays for whoever still reads it.
    fn remove(&self, i: usize) {
        let old = self.tables.lock().get_mut(i).and_then(Option::take);
        drop(old);
    }
}
