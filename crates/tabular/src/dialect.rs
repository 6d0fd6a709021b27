//! Guessing how a CSV is written (delimiter, initial spaces, line ends) from
//! its first 64 KiB, by trying each candidate delimiter and keeping the one
//! that splits the most rows into the same number of cells.

use crate::parser::{CsvParser, ParserConfig, RawRecord};
use crate::Limits;

/// Bytes of the (decoded) stream the dialect is guessed from.
pub(crate) const SAMPLE_BYTES: usize = 64 * 1024;
const SAMPLE_RECORDS: usize = 300;
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Guess {
    pub delimiter: u8,
    pub skip_initial_space: bool,
    pub lf_cr: bool,
    /// `CRLF`, `LF`, `CR` or `LFCR`, as first seen.
    pub line_terminator: String,
}

/// Guesses the dialect of `sample` (the start of the file). A forced delimiter
/// is kept.
pub(crate) fn guess(sample: &[u8], forced: Option<u8>, limits: &Limits) -> Guess {
    let truncated = sample.len() >= SAMPLE_BYTES;
    let line_terminator = first_terminator(sample);
    let lf_cr = line_terminator == "LFCR";
    let delimiter = forced.unwrap_or_else(|| {
        let mut best = (b',', (0usize, 0usize));
        for &candidate in &CANDIDATES {
            let score = consistency(sample, candidate, truncated, lf_cr, limits);
            if score > best.1 {
                best = (candidate, score);
            }
        }
        best.0
    });
    let skip_initial_space = has_space_before_quote(sample, delimiter);
    Guess {
        delimiter,
        skip_initial_space,
        lf_cr,
        line_terminator: line_terminator.to_string(),
    }
}

/// (rows with the most common cell count, that count); zero when the delimiter
/// never splits a row.
fn consistency(
    sample: &[u8],
    delimiter: u8,
    truncated: bool,
    lf_cr: bool,
    limits: &Limits,
) -> (usize, usize) {
    let mut cfg = ParserConfig::new(delimiter, limits);
    cfg.lf_cr = lf_cr;
    cfg.skip_initial_space = has_space_before_quote(sample, delimiter);
    let mut parser = CsvParser::new(sample, cfg);
    let mut rec = RawRecord::default();
    let mut counts: Vec<usize> = Vec::new();
    while counts.len() < SAMPLE_RECORDS {
        match parser.read_record(&mut rec) {
            Ok(true) => {
                if !rec.is_empty_line() {
                    counts.push(rec.len());
                }
            }
            Ok(false) | Err(_) => break,
        }
    }
    if truncated && counts.len() > 1 {
        counts.pop();
    }
    let mut freq: Vec<(usize, usize)> = Vec::new();
    for &c in &counts {
        match freq.iter_mut().find(|(n, _)| *n == c) {
            Some(entry) => entry.1 += 1,
            None => freq.push((c, 1)),
        }
    }
    freq.into_iter()
        .filter(|&(n, _)| n > 1)
        .map(|(n, k)| (k, n))
        .max()
        .unwrap_or((0, 0))
}

/// A field that starts with spaces and then a quote (`1, "a"`), outside quotes.
fn has_space_before_quote(sample: &[u8], delimiter: u8) -> bool {
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut i = 0;
    while i < sample.len() {
        let b = sample[i];
        if b == b'"' {
            in_quotes = !in_quotes;
            at_field_start = false;
        } else if !in_quotes && (b == delimiter || b == b'\n' || b == b'\r') {
            at_field_start = true;
            i += 1;
            continue;
        } else if at_field_start && b == b' ' {
            let spaces = sample[i..].iter().take_while(|&&c| c == b' ').count();
            if sample.get(i + spaces) == Some(&b'"') {
                return true;
            }
            at_field_start = false;
        } else {
            at_field_start = false;
        }
        i += 1;
    }
    false
}

fn first_terminator(sample: &[u8]) -> &'static str {
    match memchr::memchr2(b'\r', b'\n', sample) {
        None => "LF",
        Some(i) => match (sample[i], sample.get(i + 1)) {
            (b'\r', Some(b'\n')) => "CRLF",
            (b'\r', _) => "CR",
            (b'\n', Some(b'\r')) if i == 0 || sample[i - 1] != b'\r' => "LFCR",
            _ => "LF",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> Guess {
        guess(s.as_bytes(), None, &Limits::default())
    }

    #[test]
    fn picks_the_delimiter_that_splits_consistently() {
        assert_eq!(g("a,b,c\n1,2,3\n4,5,6\n").delimiter, b',');
        assert_eq!(g("a;b;c\n1,5;2;3\n4;5,1;6\n").delimiter, b';');
        assert_eq!(g("a\tb\n1\t2\n").delimiter, b'\t');
        assert_eq!(g("a|b|c\n1|2|3\n").delimiter, b'|');
        assert_eq!(g("solo\n1\n2\n").delimiter, b',');
        // Title rows above do not matter.
        assert_eq!(g("Título\n\na;b;c\n1;2;3\n4;5;6\n7;8;9\n").delimiter, b';');
    }

    #[test]
    fn line_ends_and_initial_spaces() {
        assert_eq!(g("a,b\r\n1,2\r\n").line_terminator, "CRLF");
        assert!(g("t\n\r,\n\r\n\ra,b\n\r").lf_cr);
        assert!(!g("a,b\r\n\r\n1,2\r\n").lf_cr);
        assert!(g("ID, Test\n1, \"x\"\n").skip_initial_space);
        assert_eq!(g("a,b\r1,2\r").line_terminator, "CR");
        // A quoted cell holding `, "` is not a reason to skip spaces.
        assert!(!g("a,b\n\"x, \"\"y\", z\n").skip_initial_space);
    }
}
