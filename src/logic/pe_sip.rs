// SPDX-License-Identifier: GPL-2.0

//! Where the SIP Call-ID is in a UDP payload: what the SIP persistence
//! engine keys its templates on.
//!
//! C: `get_callid()` in
//! [`net/netfilter/ipvs/ip_vs_pe_sip.c`](srctree/net/netfilter/ipvs/ip_vs_pe_sip.c),
//! over `ct_sip_get_header(.., SIP_HDR_CALL_ID, ..)` and `callid_len()` of
//! [`net/netfilter/nf_conntrack_sip.c`](srctree/net/netfilter/nf_conntrack_sip.c).
//! The rules are the same byte for byte, including the kernel's Latin-1
//! `<linux/ctype.h>`, so the same datagrams find the same Call-ID.

use core::ops::Range;

/// `IP_VS_PEDATA_MAXLEN`: the longest Call-ID kept.
pub(crate) const PEDATA_MAXLEN: usize = 255;

/// The header's full and compact names (`SIP_HDR("Call-Id", "i", ..)`).
const NAME: &[u8] = b"Call-Id";
const COMPACT: &[u8] = b"i";

/// The kernel's `isalpha()`: ASCII letters and the Latin-1 letters of
/// `lib/ctype.c` (0xc0-0xff but for 0xd7 and 0xf7).
fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || (c >= 0xc0 && c != 0xd7 && c != 0xf7)
}

/// The kernel's `isalnum()`.
fn is_alnum(c: u8) -> bool {
    is_alpha(c) || c.is_ascii_digit()
}

/// `iswordc()`: a character of a SIP word (RFC 3261's `word`).
fn is_word(c: u8) -> bool {
    is_alnum(c) || b"!\"%()*+:<>?[\\]_`{}~-./'".contains(&c)
}

/// `word_len()`: how many word characters start `s`.
fn word_len(s: &[u8]) -> usize {
    s.iter().take_while(|&&c| is_word(c)).count()
}

/// `callid_len()`: the length of the Call-ID value at the start of `s`,
/// `word [ "@" word ]`; 0 for none (also for an `@` without a domain).
fn callid_len(s: &[u8]) -> usize {
    let len = word_len(s);
    if len == 0 || s.get(len) != Some(&b'@') {
        return len;
    }
    let domain = word_len(s.get(len + 1..).unwrap_or(&[]));
    if domain == 0 {
        return 0;
    }
    len + 1 + domain
}

/// Whether `s` starts with `name`, ignoring ASCII case (`strncasecmp()`;
/// the kernel's Latin-1 folding never maps onto ASCII letters).
fn starts_with_nocase(s: &[u8], name: &[u8]) -> bool {
    s.get(..name.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(name))
}

/// `sip_follow_continuation()`: `i` is at a CR or LF; the first
/// non-blank of the continuation line that follows, if one does.
fn follow_continuation(d: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    if i >= d.len() {
        return None;
    }
    if d[i - 1] == b'\r' && d[i] == b'\n' {
        i += 1;
        if i >= d.len() {
            return None;
        }
    }
    if d[i] != b' ' && d[i] != b'\t' {
        return None;
    }
    while i < d.len() && (d[i] == b' ' || d[i] == b'\t') {
        i += 1;
    }
    Some(i)
}

/// `sip_skip_whitespace()`: the first character from `i` on that is not
/// blank, across one line continuation; `None` at the end of the data.
fn skip_whitespace(d: &[u8], mut i: usize) -> Option<usize> {
    while i < d.len() {
        match d[i] {
            b' ' | b'\t' => i += 1,
            b'\r' | b'\n' => {
                i = follow_continuation(d, i)?;
                break;
            }
            _ => break,
        }
    }
    (i < d.len()).then_some(i)
}

/// What one header search found.
enum Header {
    /// No Call-ID header from the start offset on (C's 0).
    Absent,
    /// A Call-ID header whose value is no Call-ID; its value starts at
    /// this offset (C's -1 with `*matchoff` set).
    Empty(usize),
    /// The Call-ID's offset and length (C's 1).
    Found(usize, usize),
}

/// `ct_sip_get_header(NULL, d, from, d.len(), SIP_HDR_CALL_ID, ..)`: the
/// first Call-ID header at the start of a line after offset `from`.
fn get_header(d: &[u8], from: usize) -> Header {
    let mut i = from;
    while i < d.len() {
        // The beginning of a line: after CR, LF or CR LF.
        if d[i] != b'\r' && d[i] != b'\n' {
            i += 1;
            continue;
        }
        i += 1;
        if i >= d.len() {
            break;
        }
        if d[i - 1] == b'\r' && d[i] == b'\n' {
            i += 1;
            if i >= d.len() {
                break;
            }
        }
        // A continuation line starts no header.
        if d[i] == b' ' || d[i] == b'\t' {
            i += 1;
            continue;
        }
        let rest = &d[i..];
        // The compact name must not be the start of a longer word.
        if starts_with_nocase(rest, NAME) {
            i += NAME.len();
        } else if rest.len() > COMPACT.len()
            && starts_with_nocase(rest, COMPACT)
            && !is_alpha(rest[COMPACT.len()])
        {
            i += COMPACT.len();
        } else {
            i += 1;
            continue;
        }
        // The colon, with blanks around it; a header without one ends the
        // search.
        let Some(colon) = skip_whitespace(d, i) else {
            break;
        };
        if d[colon] != b':' || colon + 1 >= d.len() {
            break;
        }
        let Some(value) = skip_whitespace(d, colon + 1) else {
            break;
        };
        return match callid_len(&d[value..]) {
            0 => Header::Empty(value),
            len => Header::Found(value, len),
        };
    }
    Header::Absent
}

/// `get_callid()`: where the Call-ID of the SIP message `payload` is, or
/// `None` when it has none the engine can use (C's `-EINVAL`): no
/// header, a value longer than [`PEDATA_MAXLEN`], or one not followed by
/// a line end.
pub(crate) fn call_id(payload: &[u8]) -> Option<Range<usize>> {
    let mut from = 0usize;
    let (off, len) = loop {
        match get_header(payload, from) {
            Header::Found(off, len) => break (off, len),
            Header::Absent => return None,
            // C moves on by the value's offset from the start of the data,
            // added to where it searched from.
            Header::Empty(off) => from = from.checked_add(off)?,
        }
    };
    if len > PEDATA_MAXLEN {
        return None;
    }
    let end = off + len;
    match payload.get(end) {
        Some(b'\r' | b'\n') => Some(off..end),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(p: &[u8]) -> Option<&[u8]> {
        call_id(p).map(|r| &p[r])
    }

    const INVITE: &[u8] = b"INVITE sip:bob@example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP pc33.example.com\r\n\
        Call-ID: a84b4c76e66710@pc33.example.com\r\n\
        CSeq: 314159 INVITE\r\n\r\n";

    #[test]
    fn full_name() {
        assert_eq!(id(INVITE), Some(&b"a84b4c76e66710@pc33.example.com"[..]));
    }

    #[test]
    fn case_and_blanks() {
        assert_eq!(id(b"X\r\ncALL-id \t:  abc\r\n"), Some(&b"abc"[..]));
        assert_eq!(id(b"X\nCall-ID:abc\n"), Some(&b"abc"[..]));
        assert_eq!(id(b"X\rCall-ID: abc\r"), Some(&b"abc"[..]));
    }

    #[test]
    fn compact_name() {
        assert_eq!(id(b"X\r\ni: xyz\r\n"), Some(&b"xyz"[..]));
        assert_eq!(id(b"X\r\nI : xyz\r\n"), Some(&b"xyz"[..]));
        // "Info:" is not "i:".
        assert_eq!(id(b"X\r\nInfo: xyz\r\n"), None);
        // Latin-1 letters count as letters, as in the kernel's ctype.
        assert_eq!(id(b"X\r\ni\xe9: xyz\r\n"), None);
        // But a digit after "i" does not stop the match, then no colon
        // follows: the search ends.
        assert_eq!(id(b"X\r\ni2: xyz\r\nCall-ID: a\r\n"), None);
    }

    #[test]
    fn not_on_the_first_line() {
        assert_eq!(id(b"Call-ID: abc\r\n"), None);
        assert_eq!(id(b""), None);
    }

    #[test]
    fn continuation_lines() {
        // A continuation line is not a header start.
        assert_eq!(id(b"X\r\n Call-ID: abc\r\n"), None);
        // The value may start on a continuation line.
        assert_eq!(id(b"X\r\nCall-ID:\r\n   abc\r\n"), Some(&b"abc"[..]));
        // Without a continuation, the line end before the value ends it
        // all.
        assert_eq!(id(b"X\r\nCall-ID:\r\nCall-ID: b\r\n"), None);
    }

    #[test]
    fn missing_colon_ends_the_search() {
        assert_eq!(id(b"X\r\nCall-ID abc\r\nCall-ID: def\r\n"), None);
    }

    #[test]
    fn empty_value_searches_on() {
        assert_eq!(
            id(b"X\r\nCall-ID: ;\r\nCall-ID: def\r\n"),
            Some(&b"def"[..])
        );
        // A domain is needed after "@".
        assert_eq!(
            id(b"X\r\nCall-ID: a@;\r\nCall-ID: def\r\n"),
            Some(&b"def"[..])
        );
    }

    #[test]
    fn must_end_a_line() {
        assert_eq!(id(b"X\r\nCall-ID: abc"), None);
        assert_eq!(id(b"X\r\nCall-ID: abc;tag\r\n"), None);
        assert_eq!(id(b"X\r\nCall-ID: abc \r\n"), None);
    }

    #[test]
    fn word_characters() {
        let p = b"X\r\nCall-ID: a!\"%()*+:<>?[\\]_`{}~-./'z\r\n";
        assert_eq!(id(p), Some(&p[12..p.len() - 2]));
    }

    #[test]
    fn length_limit() {
        let mut p = [b'a'; 300];
        p[..11].copy_from_slice(b"X\nCall-ID: ");
        p[11 + 255] = b'\n';
        assert_eq!(call_id(&p), Some(11..266));
        let mut p = [b'a'; 300];
        p[..11].copy_from_slice(b"X\nCall-ID: ");
        p[11 + 256] = b'\n';
        assert_eq!(call_id(&p), None);
    }

    #[test]
    fn value_at_end_of_data() {
        assert_eq!(id(b"X\r\nCall-ID:"), None);
        assert_eq!(id(b"X\r\nCall-ID: "), None);
    }
}
