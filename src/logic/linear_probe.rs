// SPDX-License-Identifier: GPL-2.0

//! Open addressing with linear probing over a slice of slots: the hash
//! tables that find services by key, in the control plane and on the
//! packet path.
//!
//! The caller owns the slots and sizes them (a power of two, at most half
//! full: [`slots_for`]), so nothing here allocates; a table read under a
//! spinlock can be grown into storage allocated before taking the lock.
//! Deletion moves the rest of the run back instead of leaving tombstones,
//! so lookups stay short however many services come and go.
//!
//! C uses chained buckets (`struct ip_vs_rht` in
//! [`ip_vs_ctl.c`](srctree/net/netfilter/ipvs/ip_vs_ctl.c)); the sizing
//! here follows its load factor of at most one half in spirit.

/// The smallest table: below this, a table is not worth shrinking.
pub(crate) const MIN_SLOTS: usize = 16;

/// An occupied slot: a value and the hash it was filed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry<T> {
    /// The hash of the value's key, kept so that moving entries never
    /// needs the key again.
    pub(crate) hash: u32,
    /// What the table holds.
    pub(crate) value: T,
}

/// The number of slots for `n` entries at a load of at most one half: a
/// power of two, at least [`MIN_SLOTS`]; `None` on overflow.
pub(crate) fn slots_for(n: usize) -> Option<usize> {
    n.checked_mul(2)?.max(MIN_SLOTS).checked_next_power_of_two()
}

/// Whether `slots` slots hold `n` entries at a load of at most one half.
pub(crate) fn fits(slots: usize, n: usize) -> bool {
    slots.is_power_of_two() && n.checked_mul(2).is_some_and(|m| m <= slots)
}

/// The slot `hash` starts its probe at, in a table of `len` slots (a power
/// of two).
fn home(hash: u32, len: usize) -> usize {
    (hash as usize) & len.wrapping_sub(1)
}

/// Where the entry of `hash` that `eq` accepts is, if any.
pub(crate) fn find<T>(
    slots: &[Option<Entry<T>>],
    hash: u32,
    mut eq: impl FnMut(&T) -> bool,
) -> Option<usize> {
    let len = slots.len();
    let mut i = home(hash, len);
    // A full table (which the sizing never makes) ends after one round.
    for _ in 0..len {
        match slots.get(i)? {
            None => return None,
            Some(e) if e.hash == hash && eq(&e.value) => return Some(i),
            Some(_) => i = (i + 1) & (len - 1),
        }
    }
    None
}

/// Files `value` under `hash` in the first free slot of its run; gives it
/// back when there is none (a table that is full or has no slots).
pub(crate) fn insert<T>(slots: &mut [Option<Entry<T>>], hash: u32, value: T) -> Result<usize, T> {
    let len = slots.len();
    let mut i = home(hash, len);
    for _ in 0..len {
        match slots.get_mut(i) {
            Some(slot @ None) => {
                *slot = Some(Entry { hash, value });
                return Ok(i);
            }
            Some(Some(_)) => i = (i + 1) & (len - 1),
            None => break,
        }
    }
    Err(value)
}

/// Takes the entry at `at` out and moves later entries of the run back
/// into the hole where their probe still finds them.
pub(crate) fn remove<T>(slots: &mut [Option<Entry<T>>], at: usize) -> Option<T> {
    let len = slots.len();
    let taken = slots.get_mut(at)?.take()?;
    let mask = len - 1;
    let mut hole = at;
    let mut j = at;
    loop {
        j = (j + 1) & mask;
        let Some(Some(e)) = slots.get(j) else {
            break;
        };
        // The entry at `j` may fill the hole unless its home lies
        // (cyclically) after the hole, up to `j`.
        let from_home = j.wrapping_sub(home(e.hash, len)) & mask;
        let from_hole = j.wrapping_sub(hole) & mask;
        if from_home >= from_hole {
            slots.swap(hole, j);
            hole = j;
        }
    }
    Some(taken.value)
}

/// Moves every entry of `from` into `to`, which must be empty and big
/// enough ([`fits`]); gives back the first entry that found no slot.
pub(crate) fn move_all<T>(
    from: &mut [Option<Entry<T>>],
    to: &mut [Option<Entry<T>>],
) -> Result<(), Entry<T>> {
    for slot in from.iter_mut() {
        if let Some(e) = slot.take() {
            insert(to, e.hash, e.value).map_err(|value| Entry {
                hash: e.hash,
                value,
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n: usize) -> Vec<Option<Entry<u32>>> {
        (0..n).map(|_| None).collect()
    }

    /// Every entry can be found from its hash.
    fn all_found(t: &[Option<Entry<u32>>]) -> bool {
        t.iter()
            .flatten()
            .all(|e| find(t, e.hash, |v| *v == e.value).is_some())
    }

    #[test]
    fn sizing() {
        assert_eq!(slots_for(0), Some(MIN_SLOTS));
        assert_eq!(slots_for(8), Some(16));
        assert_eq!(slots_for(9), Some(32));
        assert_eq!(slots_for(10_000), Some(32_768));
        assert_eq!(slots_for(usize::MAX), None);
        assert!(fits(16, 8));
        assert!(!fits(16, 9));
        assert!(!fits(24, 1));
        assert!(!fits(0, 0));
    }

    #[test]
    fn empty_table_finds_nothing_and_refuses_inserts() {
        let mut t = table(0);
        assert_eq!(find(&t, 7, |_| true), None);
        assert_eq!(insert(&mut t, 7, 1), Err(1));
        assert_eq!(remove(&mut t, 0), None);
    }

    #[test]
    fn colliding_entries_share_a_run() {
        let mut t = table(16);
        // Same home (3), then one whose home is the next slot.
        assert_eq!(insert(&mut t, 3, 30), Ok(3));
        assert_eq!(insert(&mut t, 19, 190), Ok(4));
        assert_eq!(insert(&mut t, 4, 40), Ok(5));
        assert_eq!(find(&t, 19, |v| *v == 190), Some(4));
        assert_eq!(find(&t, 4, |v| *v == 40), Some(5));
        // Same hash, other value: probing goes on past it.
        assert_eq!(find(&t, 3, |v| *v == 31), None);
        assert!(all_found(&t));
    }

    #[test]
    fn removal_moves_the_run_back() {
        let mut t = table(16);
        insert(&mut t, 3, 30).unwrap();
        insert(&mut t, 19, 190).unwrap();
        insert(&mut t, 4, 40).unwrap();
        insert(&mut t, 35, 350).unwrap();
        assert_eq!(remove(&mut t, 3), Some(30));
        assert!(all_found(&t));
        // Every entry moved back one: no hole left in the run.
        assert_eq!(t[3].map(|e| e.value), Some(190));
        assert_eq!(t[4].map(|e| e.value), Some(40));
        assert_eq!(t[5].map(|e| e.value), Some(350));
        assert_eq!(t[6], None);
    }

    #[test]
    fn removal_keeps_entries_at_home() {
        let mut t = table(16);
        insert(&mut t, 3, 30).unwrap();
        insert(&mut t, 4, 40).unwrap();
        insert(&mut t, 5, 50).unwrap();
        assert_eq!(remove(&mut t, 3), Some(30));
        // 40 and 50 are at home: they stay.
        assert_eq!(t[3], None);
        assert_eq!(t[4].map(|e| e.value), Some(40));
        assert_eq!(t[5].map(|e| e.value), Some(50));
    }

    #[test]
    fn runs_wrap_around_the_end() {
        let mut t = table(16);
        assert_eq!(insert(&mut t, 15, 1), Ok(15));
        assert_eq!(insert(&mut t, 31, 2), Ok(0));
        assert_eq!(insert(&mut t, 0, 3), Ok(1));
        assert_eq!(remove(&mut t, 15), Some(1));
        assert_eq!(t[15].map(|e| e.value), Some(2));
        assert_eq!(t[0].map(|e| e.value), Some(3));
        assert!(all_found(&t));
    }

    #[test]
    fn full_table_refuses() {
        let mut t = table(16);
        for v in 0..16 {
            insert(&mut t, v * 7, v).unwrap();
        }
        assert_eq!(insert(&mut t, 5, 99), Err(99));
        assert_eq!(find(&t, 5, |v| *v == 99), None);
        assert!(all_found(&t));
    }

    #[test]
    fn move_all_rehashes() {
        let mut small = table(16);
        for v in 0..8 {
            insert(&mut small, v * 16 + 1, v).unwrap();
        }
        let mut big = table(64);
        assert_eq!(move_all(&mut small, &mut big), Ok(()));
        assert!(small.iter().all(Option::is_none));
        assert_eq!(big.iter().flatten().count(), 8);
        assert!(all_found(&big));
        // Too small a destination gives the first homeless entry back.
        let mut tiny = table(4);
        let e = move_all(&mut big, &mut tiny).unwrap_err();
        assert_eq!(tiny.iter().flatten().count(), 4);
        assert_eq!(e.hash % 16, 1);
    }

    /// Random inserts and removals against a plain list.
    #[test]
    fn matches_a_list() {
        let mut t = table(256);
        let mut list: Vec<(u32, u32)> = Vec::new();
        // A small LCG: repeatable without a dependency.
        let mut x: u32 = 12345;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            x >> 8
        };
        for step in 0..20_000u32 {
            // Few distinct hashes, so runs are long and wrap.
            let hash = next() % 64 * 4;
            if next() % 3 != 0 && list.len() < 128 {
                insert(&mut t, hash, step).unwrap();
                list.push((hash, step));
            } else if !list.is_empty() {
                let k = next() as usize % list.len();
                let (h, v) = list.swap_remove(k);
                let at = find(&t, h, |x| *x == v).unwrap();
                assert_eq!(remove(&mut t, at), Some(v));
            }
            assert_eq!(t.iter().flatten().count(), list.len());
        }
        for (h, v) in &list {
            assert!(find(&t, *h, |x| x == v).is_some());
        }
        assert!(all_found(&t));
    }
}
