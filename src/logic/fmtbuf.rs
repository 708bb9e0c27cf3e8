// SPDX-License-Identifier: GPL-2.0

//! Formatting into a fixed buffer, for the C strings of the control plane.

use core::fmt;

/// A buffer of `N` bytes that `write!` fills; the text is cut at `N - 1`
/// bytes so a NUL always fits after it.
pub(crate) struct FmtBuf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> FmtBuf<N> {
    /// An empty buffer.
    pub(crate) const fn new() -> Self {
        FmtBuf {
            buf: [0; N],
            len: 0,
        }
    }

    /// The text followed by its NUL.
    pub(crate) fn bytes_with_nul(&self) -> &[u8] {
        &self.buf[..=self.len]
    }
}

impl<const N: usize> fmt::Write for FmtBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N.saturating_sub(1).saturating_sub(self.len);
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        if n < s.len() {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn keeps_room_for_the_nul() {
        let mut b = FmtBuf::<4>::new();
        assert!(write!(b, "ab").is_ok());
        assert_eq!(b.bytes_with_nul(), b"ab\0");
        assert!(write!(b, "cd").is_err());
        assert_eq!(b.bytes_with_nul(), b"abc\0");
    }
}
