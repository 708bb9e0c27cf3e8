// SPDX-License-Identifier: GPL-2.0

//! The IPVS version the control interfaces report.
//!
//! C header: [`include/uapi/linux/ip_vs.h`](srctree/include/uapi/linux/ip_vs.h)

use super::fmtbuf::FmtBuf;
use core::fmt::{self, Write};

/// `IP_VS_VERSION_CODE`: 1.2.1, what every IPVS since 2.6 reports.
pub(crate) const VERSION_CODE: u32 = 0x010201;

/// The banner of `IP_VS_SO_GET_VERSION` and of `/proc/net/ip_vs`:
/// `IP Virtual Server version 1.2.1 (size=4096)`.
pub(crate) struct Banner {
    /// Number of buckets of the connection table.
    pub(crate) conn_tab_size: u32,
}

impl fmt::Display for Banner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IP Virtual Server version {}.{}.{} (size={})",
            (VERSION_CODE >> 16) & 0xff,
            (VERSION_CODE >> 8) & 0xff,
            VERSION_CODE & 0xff,
            self.conn_tab_size
        )
    }
}

impl Banner {
    /// The banner as the C string `IP_VS_SO_GET_VERSION` copies out; it
    /// always fits the 64 bytes of the request.
    pub(crate) fn to_c_string(&self) -> FmtBuf<64> {
        let mut buf = FmtBuf::new();
        // The longest banner (ten-digit size) is 50 bytes: it cannot be cut.
        let _ = write!(buf, "{self}");
        buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn banner_matches_the_c_format() {
        let b = Banner {
            conn_tab_size: 4096,
        };
        assert_eq!(
            format!("{b}"),
            "IP Virtual Server version 1.2.1 (size=4096)"
        );
    }

    #[test]
    fn c_string_has_its_nul() {
        let b = Banner {
            conn_tab_size: u32::MAX,
        }
        .to_c_string();
        assert_eq!(
            b.bytes_with_nul(),
            b"IP Virtual Server version 1.2.1 (size=4294967295)\0"
        );
    }
}
