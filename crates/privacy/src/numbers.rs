//! Numbers written with digits: phones, CLABEs and card numbers. The text is
//! cut into runs of digit groups joined by spaces, dashes, dots or
//! parentheses (`+52 (55) 1234-5678`); within a run, every stretch that
//! starts and ends at a run's end or at a space is tried, longest first, as a
//! CLABE, a card and a phone. Amounts (`$`, `1,234.50`), dates, decimals and
//! numbers glued to letters never start or end a stretch.

use crate::check;
use crate::context::{self, Cue};
use crate::{Candidate, Kind};

/// At most this many groups in one stretch.
const MAX_GROUPS: usize = 8;

/// Mexico's two-digit area codes (Mexico City, Guadalajara, Monterrey).
const TWO_DIGIT_AREAS: [&str; 4] = ["55", "56", "33", "81"];

/// Phone layouts of the 10 national digits, as groups of digits.
const PHONE_SHAPES: &[&[usize]] = &[
    &[2, 4, 4],
    &[3, 3, 4],
    &[2, 2, 2, 2, 2],
    &[3, 3, 2, 2],
    &[2, 4, 2, 2],
    &[2, 8],
    &[3, 7],
];

#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\t')
}

/// The separator starting at `p`, if one joins two groups: a few spaces, at
/// most one dash or dot and at most one parenthesis, then a digit.
fn separator(text: &str, p: usize) -> Option<usize> {
    let (mut spaces, mut marks, mut parens) = (0, 0, 0);
    let mut q = p;
    for c in text[p..].chars() {
        match c {
            c if is_space(c) => spaces += 1,
            '-' | '.' => marks += 1,
            '(' | ')' => parens += 1,
            _ => break,
        }
        q += c.len_utf8();
        if spaces > 2 || marks > 1 || parens > 1 {
            return None;
        }
    }
    (q > p && text.as_bytes().get(q).is_some_and(u8::is_ascii_digit)).then_some(q)
}

fn digits_end(b: &[u8], mut p: usize) -> usize {
    while p < b.len() && b[p].is_ascii_digit() {
        p += 1;
    }
    p
}

/// Whether the character before a number joins it to something else: a
/// letter or digit, a currency sign, or a mark that follows a digit
/// (`1,5512345678`, `2019/5512345678`).
fn glued_before(text: &str, at: usize) -> bool {
    let mut before = text[..at].chars().rev();
    match before.next() {
        None => false,
        Some(c) if c.is_alphanumeric() || matches!(c, '$' | '€' | '@' | '_' | '=') => true,
        Some(',' | '.' | '/' | ':' | '-' | '\'' | '+') => {
            before.next().is_some_and(|c| c.is_alphanumeric())
        }
        _ => false,
    }
}

/// Whether the character after a number joins it to something else.
fn glued_after(text: &str, at: usize) -> bool {
    let mut after = text[at..].chars();
    match after.next() {
        None => false,
        Some(c) if c.is_alphanumeric() || matches!(c, '@' | '%' | '_' | '$' | '=') => true,
        Some(',' | '/' | ':' | '\'') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Finds the phones, CLABEs and cards in `text`; `column` is what the
/// column's name says, if anything.
pub(crate) fn scan(text: &str, column: Option<Cue>, out: &mut Vec<Candidate>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut groups = vec![Group {
            start: i,
            end: digits_end(b, i),
        }];
        let mut spaced = vec![];
        while let Some(last) = groups.last().copied() {
            let Some(next) = separator(text, last.end) else {
                break;
            };
            spaced.push(text[last.end..next].chars().all(is_space));
            groups.push(Group {
                start: next,
                end: digits_end(b, next),
            });
        }
        let end = groups.last().map_or(i, |g| g.end);
        // A `+` (country code) and `(` (area code) before the first group.
        let mut lead = i;
        if lead > 0 && b[lead - 1] == b'(' {
            lead -= 1;
        }
        let plus = lead > 0 && b[lead - 1] == b'+';
        if plus {
            lead -= 1;
        }
        let run = Run {
            text,
            groups: &groups,
            spaced: &spaced,
            lead,
            plus,
            glued_left: glued_before(text, lead),
            glued_right: glued_after(text, end),
            column,
        };
        run.stretches(out);
        i = end;
    }
}

struct Run<'a> {
    text: &'a str,
    groups: &'a [Group],
    /// Whether the separator after group `k` is only spaces.
    spaced: &'a [bool],
    lead: usize,
    plus: bool,
    glued_left: bool,
    glued_right: bool,
    column: Option<Cue>,
}

impl Run<'_> {
    fn stretches(&self, out: &mut Vec<Candidate>) {
        let n = self.groups.len();
        let can_start = |k: usize| {
            if k == 0 {
                !self.glued_left
            } else {
                self.spaced[k - 1]
            }
        };
        let can_end = |k: usize| {
            if k + 1 == n {
                !self.glued_right
            } else {
                self.spaced[k]
            }
        };
        let mut k = 0;
        while k < n {
            if !can_start(k) {
                k += 1;
                continue;
            }
            let last = (k + MAX_GROUPS).min(n) - 1;
            let found = (k..=last)
                .rev()
                .filter(|&j| can_end(j))
                .find_map(|j| self.classify(k, j).map(|c| (j, c)));
            match found {
                Some((j, c)) => {
                    out.push(c);
                    k = j + 1;
                }
                None => k += 1,
            }
        }
    }

    fn classify(&self, first: usize, last: usize) -> Option<Candidate> {
        let groups = &self.groups[first..=last];
        let lengths: Vec<usize> = groups.iter().map(|g| g.end - g.start).collect();
        // Phones have 10 to 13 digits with their prefix, cards 13 to 19.
        if !(10..=19).contains(&lengths.iter().sum::<usize>()) {
            return None;
        }
        // A dot next to more than four digits is a decimal point (`52.0477848983`).
        let decimal = (first..last).any(|k| {
            &self.text[self.groups[k].end..self.groups[k + 1].start] == "."
                && (lengths[k - first] > 4 || lengths[k + 1 - first] > 4)
        });
        if decimal {
            return None;
        }
        let digits: String = groups.iter().map(|g| &self.text[g.start..g.end]).collect();
        let start = if first == 0 {
            self.lead
        } else {
            groups[0].start
        };
        let end = groups[groups.len() - 1].end;
        let cue = || context::before(self.text, start).or(self.column);
        let separators_plain = (first..last).all(|k| {
            let between = &self.text[self.groups[k].end..self.groups[k + 1].start];
            between.chars().all(|c| is_space(c) || c == '-') && between.chars().count() <= 3
        });
        let single = groups.len() == 1;
        let candidate = |kind| Candidate { kind, start, end };
        let plus = first == 0 && self.plus;

        if !plus && digits.len() == 18 && check::is_clabe(&digits) && (single || separators_plain) {
            let known = check::clabe_bank_known(&digits);
            let report = match cue() {
                Some(Cue::Is(Kind::Clabe)) => true,
                Some(Cue::Not) => false,
                _ => known,
            };
            return report.then(|| candidate(Kind::Clabe));
        }
        if !plus && (13..=19).contains(&digits.len()) && check::is_card(&digits) {
            let network = check::card_network(&digits)?;
            let grouped = !single
                && separators_plain
                && (lengths[..lengths.len() - 1].iter().all(|&l| l == 4)
                    || lengths == [4, 6, 5]
                    || lengths == [4, 6, 4]);
            let report = match cue() {
                Some(Cue::Is(Kind::Card)) => single || separators_plain,
                _ if grouped => true,
                Some(Cue::Not) => false,
                _ => single && network.usual.contains(&digits.len()),
            };
            if report {
                return Some(candidate(Kind::Card));
            }
        }
        self.phone(&digits, &lengths, plus, cue)
            .then(|| candidate(Kind::Phone))
    }

    /// Whether the digits are a Mexican phone number: an optional prefix
    /// (`+52`, `+52 1`, `52`, `044`, `045`, `01`) and ten digits, the first
    /// 2 to 9 (not a toll-free 800 or 900 number). Written in a phone's
    /// layout or with a prefix it is one unless the words before say it is a
    /// folio or an amount; ten digits in a row only when the words or the
    /// column say it is a phone.
    fn phone(
        &self,
        digits: &str,
        lengths: &[usize],
        plus: bool,
        cue: impl Fn() -> Option<Cue>,
    ) -> bool {
        // Strip a prefix; `aligned` says whether it was a group of its own.
        let mut national = digits;
        let mut rest_lengths = lengths.to_vec();
        let mut prefixed = false;
        let strip = |national: &mut &str, rest: &mut Vec<usize>, p: &str| -> bool {
            if national.len() == p.len() + 10 && national.starts_with(p) {
                *national = &national[p.len()..];
                // Remove the prefix's digits from the groups.
                let mut left = p.len();
                while left > 0 && !rest.is_empty() {
                    if rest[0] <= left {
                        left -= rest[0];
                        rest.remove(0);
                    } else {
                        rest[0] -= left;
                        left = 0;
                    }
                }
                return true;
            }
            false
        };
        if plus {
            if !(strip(&mut national, &mut rest_lengths, "521")
                || strip(&mut national, &mut rest_lengths, "52"))
            {
                return false;
            }
            prefixed = true;
        } else if national.len() > 10 {
            let aligned = |p: &str| {
                lengths.len() > 1 && p.len() == lengths[0]
                    || lengths.len() > 2 && p == "521" && lengths[0] == 2 && lengths[1] == 1
            };
            for p in ["044", "045", "01", "521", "52"] {
                if national.len() == p.len() + 10 && national.starts_with(p) {
                    let single = lengths.len() == 1;
                    let ok = aligned(p) || (single && p.starts_with('0'));
                    if ok || matches!(cue(), Some(Cue::Is(Kind::Phone))) {
                        strip(&mut national, &mut rest_lengths, p);
                        prefixed = ok;
                        break;
                    }
                }
            }
            if national.len() != 10 {
                return false;
            }
        }
        if national.len() != 10
            || !matches!(national.as_bytes()[0], b'2'..=b'9')
            || national.starts_with("800")
            || national.starts_with("900")
        {
            return false;
        }
        let shaped = rest_lengths.len() > 1
            && PHONE_SHAPES.contains(&rest_lengths.as_slice())
            && (rest_lengths[0] != 2 || TWO_DIGIT_AREAS.contains(&&national[..2]));
        match cue() {
            Some(Cue::Is(Kind::Phone)) => true,
            Some(Cue::Not) => false,
            _ => prefixed || shaped,
        }
    }
}
