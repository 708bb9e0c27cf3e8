// SPDX-License-Identifier: GPL-2.0

//! Build-time checks that the numbers and sizes the pure logic spells out
//! are those of the C headers this module is built against.

use super::bindings as b;
use crate::logic::{genl, sockopt};
use core::mem::size_of;

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
    assert!(size_of::<b::ip_vs_getinfo>() == 12);
    assert!(size_of::<b::ip_vs_timeout_user>() == 12);
};
