//! Sets of characters as Python's `re` sees them: its `\d`, `\w`, `\s` and its case-insensitive
//! equivalences (the tables of [`super::tables`]), written out as Rust regex classes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use super::parse::Category;
use super::tables;

const MAX: u32 = 0x10FFFF;
const SURROGATES: (u32, u32) = (0xD800, 0xDFFF);

/// A set of code points: sorted, disjoint, non-adjacent ranges (bounds included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharSet(Vec<(u32, u32)>);

impl CharSet {
    /// The set of `ranges` (in any order, overlapping or not).
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let mut ranges: Vec<(u32, u32)> = ranges.into_iter().collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        CharSet(merged)
    }

    /// One character.
    pub fn char(c: char) -> Self {
        CharSet(vec![(c as u32, c as u32)])
    }

    /// What `category` matches, with Python's Unicode tables or, under `re.ASCII`, ASCII's.
    pub fn category(category: Category, ascii: bool) -> Self {
        let table: &[(u32, u32)] = match (category, ascii) {
            (Category::Digit | Category::NotDigit, false) => tables::DIGIT,
            (Category::Word | Category::NotWord, false) => tables::WORD,
            (Category::Space | Category::NotSpace, false) => tables::SPACE,
            (Category::Digit | Category::NotDigit, true) => &[(0x30, 0x39)],
            (Category::Word | Category::NotWord, true) => {
                &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
            }
            (Category::Space | Category::NotSpace, true) => &[(0x09, 0x0D), (0x20, 0x20)],
        };
        let set = CharSet::from_ranges(table.iter().copied());
        match category {
            Category::NotDigit | Category::NotWord | Category::NotSpace => set.complement(),
            Category::Digit | Category::Word | Category::Space => set,
        }
    }

    /// This set and `other`.
    pub fn union(&self, other: &CharSet) -> CharSet {
        CharSet::from_ranges(self.0.iter().chain(&other.0).copied())
    }

    /// Every code point not in this set.
    pub fn complement(&self) -> CharSet {
        let mut out = Vec::new();
        let mut next = 0u32;
        for &(lo, hi) in &self.0 {
            if lo > next {
                out.push((next, lo - 1));
            }
            next = hi.saturating_add(1);
        }
        if next <= MAX {
            out.push((next, MAX));
        }
        CharSet(out)
    }

    /// Whether `code` is in the set.
    pub fn contains(&self, code: u32) -> bool {
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < code {
                    std::cmp::Ordering::Less
                } else if lo > code {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// The set with every character that matches one of its own case-insensitively, as
    /// `re.IGNORECASE` compares (Unicode, or ASCII letters only under `re.ASCII`).
    pub fn case_closed(&self, ascii: bool) -> CharSet {
        let mut added = Vec::new();
        if ascii {
            for (upper, lower) in (b'A'..=b'Z').zip(b'a'..=b'z') {
                let (upper, lower) = (u32::from(upper), u32::from(lower));
                if self.contains(upper) || self.contains(lower) {
                    added.push((upper, upper));
                    added.push((lower, lower));
                }
            }
        } else {
            for &(code, key) in tables::CASE_KEYS {
                if self.contains(code) {
                    added.extend(CASE_GROUPS[&key].iter().map(|&member| (member, member)));
                }
            }
        }
        self.union(&CharSet::from_ranges(added))
    }

    /// A Rust regex class matching the set (surrogates left out: no `char` is one).
    pub fn to_regex(&self) -> String {
        let mut out = String::from("[");
        let mut empty = true;
        for &(lo, hi) in &self.0 {
            for (lo, hi) in without_surrogates(lo, hi) {
                empty = false;
                if lo == hi {
                    let _ = write!(out, "\\x{{{lo:X}}}");
                } else {
                    let _ = write!(out, "\\x{{{lo:X}}}-\\x{{{hi:X}}}");
                }
            }
        }
        if empty {
            // Matches nothing.
            return String::from("[^\\x{0}-\\x{10FFFF}]");
        }
        out.push(']');
        out
    }
}

fn without_surrogates(lo: u32, hi: u32) -> impl Iterator<Item = (u32, u32)> {
    let (s_lo, s_hi) = SURROGATES;
    let below = (lo < s_lo).then(|| (lo, hi.min(s_lo - 1)));
    let above = (hi > s_hi).then(|| (lo.max(s_hi + 1), hi));
    below.into_iter().chain(above)
}

/// Each case key's characters.
static CASE_GROUPS: LazyLock<HashMap<u32, Vec<u32>>> = LazyLock::new(|| {
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for &(code, key) in tables::CASE_KEYS {
        groups.entry(key).or_default().push(code);
    }
    groups
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_merge_complement_and_contain() {
        let set = CharSet::from_ranges([(5, 9), (0, 3), (4, 4), (20, 30)]);
        assert_eq!(set, CharSet(vec![(0, 9), (20, 30)]));
        assert!(set.contains(25) && !set.contains(10));
        assert_eq!(set.complement(), CharSet(vec![(10, 19), (31, MAX)]));
        assert_eq!(set.complement().complement(), set);
    }

    #[test]
    fn python_case_equivalences() {
        let closed = CharSet::char('i').case_closed(false);
        // i, I, İ (its lowercase is i) and ı (one of `re`'s extra cases).
        assert_eq!(
            closed,
            CharSet::from_ranges([(0x49, 0x49), (0x69, 0x69), (0x130, 0x131)])
        );
        let closed = CharSet::char('k').case_closed(true);
        assert_eq!(closed, CharSet::from_ranges([(0x4B, 0x4B), (0x6B, 0x6B)]));
        assert!(CharSet::char('s').case_closed(false).contains(0x17F));
    }

    #[test]
    fn classes_leave_surrogates_out() {
        let all = CharSet::from_ranges([(0xD700, 0xE000)]);
        assert_eq!(all.to_regex(), "[\\x{D700}-\\x{D7FF}\\x{E000}]");
        assert!(regex::Regex::new(&CharSet::default().to_regex()).is_ok());
    }
}
