// SPDX-License-Identifier: GPL-2.0

//! When a destination is overloaded (`IP_VS_DEST_F_OVERLOAD`), which the
//! schedulers skip: from its connection count and its upper and lower
//! thresholds (`ipvsadm -x` and `-y`).
//!
//! C: `__ip_vs_dest_update_overload()` and its callers
//! `__ip_vs_update_dest()` in
//! [`net/netfilter/ipvs/ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c),
//! `ip_vs_bind_dest()` and `ip_vs_unbind_dest()` in
//! [`net/netfilter/ipvs/ip_vs_conn.c`](srctree/net/netfilter/ipvs/ip_vs_conn.c).
//!
//! The flag has hysteresis: set when the connections reach the upper
//! threshold, cleared when they fall below the lower one (by default three
//! quarters of the upper one, rounded up), kept in between. It is
//! reconsidered only at those crossings and when the thresholds change; an
//! edit that leaves both thresholds as they are leaves the flag alone.

/// What made the flag worth reconsidering: C's `mode` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// A connection was bound and the count reached the upper threshold
    /// (`mode` 1).
    Up,
    /// A connection was unbound from a count at the lower threshold
    /// (`mode` -1).
    Down,
    /// The thresholds changed (`mode` 0).
    Thresholds,
}

/// C's `l_threshold_val`, the lower threshold in use: `l` if set, else the
/// upper one less a quarter of it, rounded down (5 for 6, 4 for 5).
pub(crate) const fn lower_in_use(u: u32, l: u32) -> u32 {
    if l != 0 {
        l
    } else {
        u - (u >> 2)
    }
}

/// Whether a bind that brought the count to `total` calls for
/// [`overloaded`] with [`Change::Up`]: it reached `u` exactly.
pub(crate) fn bind_reaches(total: i32, u: u32) -> bool {
    // C compares the int count with the u32 threshold as unsigned.
    total as u32 == u
}

/// Whether an unbind from a count of `before` calls for [`overloaded`] with
/// [`Change::Down`]: it left the lower threshold in use, `l_val`.
pub(crate) fn unbind_leaves(before: i32, l_val: u32) -> bool {
    before as u32 == l_val
}

/// The flag after `change`, for a destination with `conns` connections,
/// upper threshold `u` (0: none), lower threshold in use `l_val`
/// ([`lower_in_use`]) and the flag `was` before.
pub(crate) fn overloaded(was: bool, conns: i32, u: u32, l_val: u32, change: Change) -> bool {
    if u == 0 {
        return false;
    }
    // As in C, the count compares as unsigned.
    let conns = conns as u32;
    let (set_from, keep_from) = match change {
        Change::Up => (l_val, l_val),
        Change::Down => (u, u),
        Change::Thresholds => (u, l_val),
    };
    if conns >= set_from {
        true
    } else if conns >= keep_from {
        was
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A destination as the core keeps it, driven as C drives it.
    struct D {
        conns: i32,
        u: u32,
        l: u32,
        l_val: u32,
        over: bool,
    }

    impl D {
        fn new() -> Self {
            Self {
                conns: 0,
                u: 0,
                l: 0,
                l_val: 0,
                over: false,
            }
        }

        /// `__ip_vs_update_dest()`'s threshold part.
        fn edit(&mut self, u: u32, l: u32) {
            if self.u != u || self.l != l {
                self.u = u;
                self.l = l;
                self.l_val = lower_in_use(u, l);
                self.over = overloaded(self.over, self.conns, u, self.l_val, Change::Thresholds);
            }
        }

        fn bind(&mut self) {
            self.conns += 1;
            if bind_reaches(self.conns, self.u) {
                self.over = overloaded(self.over, self.conns, self.u, self.l_val, Change::Up);
            }
        }

        fn unbind(&mut self) {
            let before = self.conns;
            self.conns -= 1;
            if unbind_leaves(before, self.l_val) {
                self.over = overloaded(self.over, self.conns, self.u, self.l_val, Change::Down);
            }
        }
    }

    #[test]
    fn default_lower_threshold_is_three_quarters_rounded_up() {
        assert_eq!(lower_in_use(5, 0), 4);
        assert_eq!(lower_in_use(6, 0), 5);
        assert_eq!(lower_in_use(8, 0), 6);
        assert_eq!(lower_in_use(1, 0), 1);
        assert_eq!(lower_in_use(0, 0), 0);
        assert_eq!(lower_in_use(8, 2), 2);
    }

    #[test]
    fn set_at_the_upper_threshold_cleared_below_the_lower() {
        let mut d = D::new();
        d.edit(5, 0);
        assert!(!d.over);
        for _ in 0..4 {
            d.bind();
        }
        assert!(!d.over);
        d.bind();
        assert!(d.over, "5 connections reach -x 5");
        // Down to 4 (the lower threshold in use): still overloaded.
        d.unbind();
        assert!(d.over);
        // Below it: cleared.
        d.unbind();
        assert_eq!(d.conns, 3);
        assert!(!d.over);
        d.bind();
        assert!(!d.over, "4 again is not the upper threshold");
        d.bind();
        assert!(d.over);
    }

    #[test]
    fn explicit_lower_threshold() {
        let mut d = D::new();
        d.edit(4, 2);
        for _ in 0..4 {
            d.bind();
        }
        assert!(d.over);
        d.unbind();
        d.unbind();
        assert!(d.over, "at -y 2: kept");
        d.unbind();
        assert!(!d.over, "below -y 2: cleared");
    }

    #[test]
    fn an_edit_keeps_the_flag_unless_the_thresholds_change() {
        let mut d = D::new();
        d.edit(5, 0);
        for _ in 0..5 {
            d.bind();
        }
        assert!(d.over);
        // Same thresholds (say only the weight changed): untouched.
        d.edit(5, 0);
        assert!(d.over);
        // -x 6: 5 connections are at its lower threshold (5): kept.
        d.edit(6, 0);
        assert!(d.over);
        // -x 7 (lower 6): 5 are below: cleared.
        d.edit(7, 0);
        assert!(!d.over);
        // -x 5 again: 5 reach it.
        d.edit(5, 0);
        assert!(d.over);
        // No threshold: never overloaded.
        d.edit(0, 0);
        assert!(!d.over);
    }

    #[test]
    fn between_the_thresholds_a_new_edit_does_not_set() {
        let mut d = D::new();
        d.edit(8, 0);
        for _ in 0..7 {
            d.bind();
        }
        assert!(!d.over);
        // -x 9 (lower 7): 7 are in between, and the flag was clear.
        d.edit(9, 0);
        assert!(!d.over);
    }

    #[test]
    fn no_upper_threshold_clears() {
        assert!(!overloaded(true, 100, 0, 0, Change::Thresholds));
        assert!(!overloaded(true, 100, 0, 0, Change::Up));
        assert!(!overloaded(true, 100, 0, 0, Change::Down));
    }

    #[test]
    fn counts_compare_as_unsigned() {
        // C converts the int count to u32: a negative one is huge.
        assert!(overloaded(false, -1, 5, 4, Change::Thresholds));
        assert!(!bind_reaches(-1, 5));
        assert!(bind_reaches(5, 5));
        assert!(unbind_leaves(4, 4));
        assert!(!unbind_leaves(5, 4));
    }
}
