// SPDX-License-Identifier: GPL-2.0

//! Build-time checks that the numbers and sizes the pure logic spells out
//! are those of the C headers this module is built against.

use super::bindings as b;
use crate::logic::{dest, genl, service, sockopt};
use core::mem::{offset_of, size_of};

const _: () = {
    assert!(genl::FAMILY_VERSION == b::IPVS_GENL_VERSION);
    assert!(genl::cmd::NEW_SERVICE as u32 == b::IPVS_CMD_NEW_SERVICE);
    assert!(genl::cmd::SET_SERVICE as u32 == b::IPVS_CMD_SET_SERVICE);
    assert!(genl::cmd::DEL_SERVICE as u32 == b::IPVS_CMD_DEL_SERVICE);
    assert!(genl::cmd::GET_SERVICE as u32 == b::IPVS_CMD_GET_SERVICE);
    assert!(genl::cmd::NEW_DEST as u32 == b::IPVS_CMD_NEW_DEST);
    assert!(genl::cmd::SET_DEST as u32 == b::IPVS_CMD_SET_DEST);
    assert!(genl::cmd::DEL_DEST as u32 == b::IPVS_CMD_DEL_DEST);
    assert!(genl::cmd::GET_DEST as u32 == b::IPVS_CMD_GET_DEST);
    assert!(genl::cmd::ZERO as u32 == b::IPVS_CMD_ZERO);
    assert!(genl::cmd::NEW_DAEMON as u32 == b::IPVS_CMD_NEW_DAEMON);
    assert!(genl::cmd::DEL_DAEMON as u32 == b::IPVS_CMD_DEL_DAEMON);
    assert!(genl::cmd::GET_DAEMON as u32 == b::IPVS_CMD_GET_DAEMON);
    assert!(genl::cmd::SET_CONFIG as u32 == b::IPVS_CMD_SET_CONFIG);
    assert!(genl::cmd::GET_CONFIG as u32 == b::IPVS_CMD_GET_CONFIG);
    assert!(genl::cmd::SET_INFO as u32 == b::IPVS_CMD_SET_INFO);
    assert!(genl::cmd::GET_INFO as u32 == b::IPVS_CMD_GET_INFO);
    assert!(genl::cmd::FLUSH as u32 == b::IPVS_CMD_FLUSH);
    assert!(genl::cmd_attr::SERVICE as u32 == b::IPVS_CMD_ATTR_SERVICE);
    assert!(genl::cmd_attr::DEST as u32 == b::IPVS_CMD_ATTR_DEST);
    assert!(genl::cmd_attr::DAEMON as u32 == b::IPVS_CMD_ATTR_DAEMON);
    assert!(genl::cmd_attr::TIMEOUT_TCP as u32 == b::IPVS_CMD_ATTR_TIMEOUT_TCP);
    assert!(genl::cmd_attr::TIMEOUT_TCP_FIN as u32 == b::IPVS_CMD_ATTR_TIMEOUT_TCP_FIN);
    assert!(genl::cmd_attr::TIMEOUT_UDP as u32 == b::IPVS_CMD_ATTR_TIMEOUT_UDP);
    assert!(genl::cmd_attr::MAX as u32 == b::__IPVS_CMD_ATTR_MAX - 1);
    assert!(genl::info_attr::VERSION as u32 == b::IPVS_INFO_ATTR_VERSION);
    assert!(genl::info_attr::CONN_TAB_SIZE as u32 == b::IPVS_INFO_ATTR_CONN_TAB_SIZE);

    assert!(sockopt::BASE_CTL as u32 == b::IP_VS_BASE_CTL);
    assert!(sockopt::GetCmd::END as u32 == b::IP_VS_SO_GET_MAX + 1);
    assert!(sockopt::SERVICE_ENTRY_LEN == size_of::<b::ip_vs_service_entry>());
    assert!(sockopt::DEST_ENTRY_LEN == size_of::<b::ip_vs_dest_entry>());
    assert!(sockopt::DAEMON_USER_LEN == size_of::<b::ip_vs_daemon_user>());
    assert!(sockopt::GET_SERVICES_LEN == size_of::<b::ip_vs_get_services>());
    assert!(sockopt::GET_DESTS_LEN == size_of::<b::ip_vs_get_dests>());
    assert!(size_of::<b::ip_vs_getinfo>() == sockopt::GETINFO_LEN);
    assert!(size_of::<b::ip_vs_timeout_user>() == sockopt::TIMEOUT_USER_LEN);
    assert!(sockopt::SetCmd::END as u32 == b::IP_VS_SO_SET_MAX + 1);
    assert!(sockopt::IFNAME_MAXLEN as u32 == b::IP_VS_IFNAME_MAXLEN);
    assert!(sockopt::state::MASTER as u32 == b::IP_VS_STATE_MASTER);
    assert!(sockopt::state::BACKUP as u32 == b::IP_VS_STATE_BACKUP);
    assert!(service::SCHEDNAME_MAXLEN as u32 == b::IP_VS_SCHEDNAME_MAXLEN);
    assert!(service::flag::HASHED == b::IP_VS_SVC_F_HASHED);
};

/// The `setsockopt` numbers, in `SetCmd::from_optval()` order.
const _: () = {
    let base = sockopt::BASE_CTL as u32;
    assert!(b::IP_VS_SO_SET_NONE == base);
    assert!(b::IP_VS_SO_SET_INSERT == base + 1);
    assert!(b::IP_VS_SO_SET_ADD == base + 2);
    assert!(b::IP_VS_SO_SET_EDIT == base + 3);
    assert!(b::IP_VS_SO_SET_DEL == base + 4);
    assert!(b::IP_VS_SO_SET_FLUSH == base + 5);
    assert!(b::IP_VS_SO_SET_LIST == base + 6);
    assert!(b::IP_VS_SO_SET_ADDDEST == base + 7);
    assert!(b::IP_VS_SO_SET_DELDEST == base + 8);
    assert!(b::IP_VS_SO_SET_EDITDEST == base + 9);
    assert!(b::IP_VS_SO_SET_TIMEOUT == base + 10);
    assert!(b::IP_VS_SO_SET_STARTDAEMON == base + 11);
    assert!(b::IP_VS_SO_SET_STOPDAEMON == base + 12);
    assert!(b::IP_VS_SO_SET_RESTORE == base + 13);
    assert!(b::IP_VS_SO_SET_SAVE == base + 14);
    assert!(b::IP_VS_SO_SET_ZERO == base + 15);
};

/// The layouts the sockopt front end reads and writes as bytes.
const _: () = {
    use b::{
        ip_vs_daemon_user as Daemon, ip_vs_dest_entry as DestEntry, ip_vs_dest_user as DestUser,
        ip_vs_get_dests as GetDests, ip_vs_get_services as GetServices,
        ip_vs_service_entry as SvcEntry, ip_vs_service_user as SvcUser, ip_vs_stats_user as Stats,
        ip_vs_timeout_user as Timeout,
    };
    use sockopt::{
        daemon_user as du, dest_entry as de, get_dests as gd, get_services as gs,
        service_entry as se, stats_user as st, timeout_user as tu,
    };

    // What service::from_sockopt() and dest::from_sockopt() read.
    assert!(service::SERVICE_USER_LEN == size_of::<SvcUser>());
    assert!(offset_of!(SvcUser, protocol) == 0);
    assert!(offset_of!(SvcUser, addr) == 4);
    assert!(offset_of!(SvcUser, port) == 8);
    assert!(offset_of!(SvcUser, fwmark) == 12);
    assert!(offset_of!(SvcUser, sched_name) == 16);
    assert!(offset_of!(SvcUser, flags) == 32);
    assert!(offset_of!(SvcUser, timeout) == 36);
    assert!(offset_of!(SvcUser, netmask) == 40);
    assert!(dest::DEST_USER_LEN == size_of::<DestUser>());
    assert!(offset_of!(DestUser, addr) == 0);
    assert!(offset_of!(DestUser, port) == 4);
    assert!(offset_of!(DestUser, conn_flags) == 8);
    assert!(offset_of!(DestUser, weight) == 12);
    assert!(offset_of!(DestUser, u_threshold) == 16);
    assert!(offset_of!(DestUser, l_threshold) == 20);

    assert!(offset_of!(SvcEntry, protocol) == se::PROTOCOL);
    assert!(offset_of!(SvcEntry, addr) == se::ADDR);
    assert!(offset_of!(SvcEntry, port) == se::PORT);
    assert!(offset_of!(SvcEntry, fwmark) == se::FWMARK);
    assert!(offset_of!(SvcEntry, sched_name) == se::SCHED_NAME);
    assert!(offset_of!(SvcEntry, flags) == se::FLAGS);
    assert!(offset_of!(SvcEntry, timeout) == se::TIMEOUT);
    assert!(offset_of!(SvcEntry, netmask) == se::NETMASK);
    assert!(offset_of!(SvcEntry, num_dests) == se::NUM_DESTS);
    assert!(offset_of!(SvcEntry, stats) == se::STATS);

    assert!(offset_of!(DestEntry, addr) == de::ADDR);
    assert!(offset_of!(DestEntry, port) == de::PORT);
    assert!(offset_of!(DestEntry, conn_flags) == de::CONN_FLAGS);
    assert!(offset_of!(DestEntry, weight) == de::WEIGHT);
    assert!(offset_of!(DestEntry, u_threshold) == de::U_THRESHOLD);
    assert!(offset_of!(DestEntry, l_threshold) == de::L_THRESHOLD);
    assert!(offset_of!(DestEntry, activeconns) == de::ACTIVECONNS);
    assert!(offset_of!(DestEntry, inactconns) == de::INACTCONNS);
    assert!(offset_of!(DestEntry, persistconns) == de::PERSISTCONNS);
    assert!(offset_of!(DestEntry, stats) == de::STATS);

    assert!(offset_of!(Stats, conns) == st::CONNS);
    assert!(offset_of!(Stats, inpkts) == st::INPKTS);
    assert!(offset_of!(Stats, outpkts) == st::OUTPKTS);
    assert!(offset_of!(Stats, inbytes) == st::INBYTES);
    assert!(offset_of!(Stats, outbytes) == st::OUTBYTES);
    assert!(offset_of!(Stats, cps) == st::CPS);
    assert!(offset_of!(Stats, inpps) == st::INPPS);
    assert!(offset_of!(Stats, outpps) == st::OUTPPS);
    assert!(offset_of!(Stats, inbps) == st::INBPS);
    assert!(offset_of!(Stats, outbps) == st::OUTBPS);

    // The query fields GET_DESTS shares with a service entry.
    assert!(offset_of!(GetDests, protocol) == se::PROTOCOL);
    assert!(offset_of!(GetDests, addr) == se::ADDR);
    assert!(offset_of!(GetDests, port) == se::PORT);
    assert!(offset_of!(GetDests, fwmark) == se::FWMARK);
    assert!(offset_of!(GetDests, num_dests) == gd::NUM_DESTS);
    assert!(offset_of!(GetDests, entrytable) == sockopt::GET_DESTS_LEN);
    assert!(offset_of!(GetServices, num_services) == gs::NUM_SERVICES);
    assert!(offset_of!(GetServices, entrytable) == sockopt::GET_SERVICES_LEN);

    assert!(offset_of!(Timeout, tcp_timeout) == tu::TCP);
    assert!(offset_of!(Timeout, tcp_fin_timeout) == tu::TCP_FIN);
    assert!(offset_of!(Timeout, udp_timeout) == tu::UDP);

    assert!(offset_of!(Daemon, state) == du::STATE);
    assert!(offset_of!(Daemon, mcast_ifn) == du::MCAST_IFN);
    assert!(offset_of!(Daemon, syncid) == du::SYNCID);
};
