//! Identifiers written with letters and digits — CURP, a natural person's
//! RFC, the voter key — and e-mail addresses. Words are cut at anything that
//! is not a letter, digit, `Ñ` or `&`, so a CURP's first ten characters are
//! never taken for an RFC, nor a company's 12-character RFC for a person's.

use std::sync::LazyLock;

use regex::Regex;

use crate::check;
use crate::context::Cue;
use crate::{Candidate, Kind};

#[allow(clippy::expect_used)]
static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9Ññ&]+").expect("a valid pattern"));

/// An RFC written in parts: `GODE-561231-GR8`, `GODE 561231 GR8`.
#[allow(clippy::expect_used)]
static RFC_PARTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[A-ZÑ&]{4}[ -]?[0-9]{6}[ -]?[A-Z0-9]{3}").expect("a valid pattern")
});

#[allow(clippy::expect_used)]
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[\p{L}\p{N}_%+\-]+(?:\.[\p{L}\p{N}_%+\-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}",
    )
    .expect("a valid pattern")
});

fn upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == 'ñ' {
                'Ñ'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '&'
}

fn bounded(text: &str, start: usize, end: usize) -> bool {
    !text[..start].chars().next_back().is_some_and(word_char)
        && !text[end..].chars().next().is_some_and(word_char)
}

/// Finds CURPs, RFCs of persons, voter keys and e-mail addresses. With a
/// column that says it holds CURPs or RFCs, a value with their shape but a
/// wrong check digit (a typo) is reported too: it is still someone's.
pub(crate) fn scan(text: &str, column: Option<Cue>, out: &mut Vec<Candidate>) {
    for m in WORD.find_iter(text) {
        if !bounded(text, m.start(), m.end()) {
            continue;
        }
        let word = upper(m.as_str());
        let kind = match word.chars().count() {
            18 if check::is_curp(&word) => Some(Kind::Curp),
            18 if check::is_ine_key(&word) => Some(Kind::IneKey),
            18 if column == Some(Cue::Is(Kind::Curp)) && curp_shaped(&word) => Some(Kind::Curp),
            13 if check::is_rfc_persona(&word) => Some(Kind::RfcPersona),
            13 if column == Some(Cue::Is(Kind::RfcPersona)) && rfc_shaped(&word) => {
                Some(Kind::RfcPersona)
            }
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(Candidate {
                kind,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    for m in RFC_PARTS.find_iter(text) {
        let compact: String = upper(m.as_str())
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        // Written without separators it is a word, found above.
        if compact.chars().count() == m.as_str().chars().count()
            || !bounded(text, m.start(), m.end())
        {
            continue;
        }
        if check::is_rfc_persona(&compact)
            || column == Some(Cue::Is(Kind::RfcPersona)) && rfc_shaped(&compact)
        {
            out.push(Candidate {
                kind: Kind::RfcPersona,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    for m in EMAIL.find_iter(text) {
        out.push(Candidate {
            kind: Kind::Email,
            start: m.start(),
            end: m.end(),
        });
    }
}

/// A CURP but for its check digit.
fn curp_shaped(word: &str) -> bool {
    if word.len() != 18 {
        return false;
    }
    let digit = word.as_bytes()[17];
    digit.is_ascii_digit()
        && (b'0'..=b'9').any(|d| {
            let mut w = word.as_bytes()[..17].to_vec();
            w.push(d);
            std::str::from_utf8(&w).is_ok_and(check::is_curp)
        })
}

/// A person's RFC but for its check digit.
fn rfc_shaped(word: &str) -> bool {
    let body: String = word.chars().take(12).collect();
    if check::GENERIC_RFCS.iter().any(|g| g.starts_with(&body)) {
        return false;
    }
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A']
        .iter()
        .any(|d| check::is_rfc_persona(&format!("{body}{d}")))
}
