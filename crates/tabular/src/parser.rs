//! The CSV record splitter, with every buffer capped.
//!
//! Written by hand because no crate does what the rules need: `csv` grows its
//! record buffer without limit (a 2 GB field would be read into memory), and
//! `csv-core` silently drops empty lines (Frictionless numbers them and reports
//! them as `blank-row`) and cannot take INEGI's reversed `\n\r` line ends as one
//! break. The grammar is Python's `csv` module (what Frictionless uses):
//! `""` escapes a quote inside quotes, a quote in the middle of an unquoted field
//! is literal, text after a closing quote is kept, `\r`, `\n` and `\r\n` end a
//! record. Unquoted runs and quoted runs are copied in bulk (table / `memchr`
//! scans), so the cost per byte is a table lookup, and no allocation happens once
//! the reused record buffer has grown to the widest row.

use std::io::{ErrorKind, Read};

use crate::{Error, Limits};

/// How to split records: the part of the dialect the splitter needs.
#[derive(Debug, Clone)]
pub(crate) struct ParserConfig {
    pub delimiter: u8,
    pub quote: u8,
    pub skip_initial_space: bool,
    /// `\n\r` is one line break (INEGI exports), not a break and an empty line.
    pub lf_cr: bool,
    pub max_columns: usize,
    pub max_cell_bytes: usize,
    pub max_row_bytes: usize,
}

impl ParserConfig {
    pub fn new(delimiter: u8, limits: &Limits) -> ParserConfig {
        ParserConfig {
            delimiter,
            quote: b'"',
            skip_initial_space: false,
            lf_cr: false,
            max_columns: limits.max_columns,
            max_cell_bytes: limits.max_cell_bytes,
            max_row_bytes: limits.max_row_bytes,
        }
    }
}

/// One record as raw bytes: the cells one after another, `ends[i]` the end of
/// cell `i`. An empty line is one empty cell.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawRecord {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
    /// Offset in the (decoded) byte stream of the record's first byte.
    pub start: u64,
}

impl RawRecord {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn cell(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    pub fn is_empty_line(&self) -> bool {
        self.ends.len() == 1 && self.bytes.is_empty()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

const BUFFER: usize = 64 * 1024;

/// Splits a byte stream into records.
pub(crate) struct CsvParser<R> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Bytes of the stream before `buf[0]`.
    consumed: u64,
    cfg: ParserConfig,
    /// `true` for the delimiter, `\r`, `\n`: where an unquoted run stops.
    stops: [bool; 256],
    /// A byte to drop if it comes next (the `\n` of `\r\n`, the `\r` of `\n\r`).
    swallow: Option<u8>,
    records: u64,
}

impl<R: Read> CsvParser<R> {
    pub fn new(input: R, cfg: ParserConfig) -> CsvParser<R> {
        let mut stops = [false; 256];
        stops[cfg.delimiter as usize] = true;
        stops[b'\r' as usize] = true;
        stops[b'\n' as usize] = true;
        CsvParser {
            input,
            buf: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            consumed: 0,
            cfg,
            stops,
            swallow: None,
            records: 0,
        }
    }

    /// Bytes of the stream consumed so far.
    pub fn position(&self) -> u64 {
        self.consumed + self.pos as u64
    }

    fn refill(&mut self) -> Result<(), Error> {
        self.consumed += self.len as u64;
        self.pos = 0;
        self.len = 0;
        loop {
            match self.input.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.len = n;
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Io(e)),
            }
        }
    }

    fn check_cell(&self, rec: &RawRecord, cell_start: usize) -> Result<(), Error> {
        let row = self.records + 1;
        if rec.bytes.len() - cell_start > self.cfg.max_cell_bytes {
            return Err(Error::CellTooLarge {
                row,
                limit: self.cfg.max_cell_bytes,
            });
        }
        if rec.bytes.len() > self.cfg.max_row_bytes {
            return Err(Error::RowTooLarge {
                row,
                limit: self.cfg.max_row_bytes,
            });
        }
        Ok(())
    }

    fn end_field(&self, rec: &mut RawRecord) -> Result<(), Error> {
        if rec.ends.len() >= self.cfg.max_columns {
            return Err(Error::TooManyColumns {
                row: self.records + 1,
                limit: self.cfg.max_columns,
            });
        }
        rec.ends.push(rec.bytes.len());
        Ok(())
    }

    /// Reads the next record into `rec`; `false` at the end of the stream.
    pub fn read_record(&mut self, rec: &mut RawRecord) -> Result<bool, Error> {
        rec.bytes.clear();
        rec.ends.clear();
        let mut state = State::StartRecord;
        let mut cell_start = 0usize;
        let quote = self.cfg.quote;
        let delimiter = self.cfg.delimiter;
        loop {
            if self.pos >= self.len {
                if self.eof {
                    break;
                }
                self.refill()?;
                if self.eof {
                    break;
                }
            }
            if let Some(b) = self.swallow.take() {
                if self.buf[self.pos] == b {
                    self.pos += 1;
                    continue;
                }
            }
            if state == State::StartRecord {
                rec.start = self.position();
            }
            let byte = self.buf[self.pos];
            match state {
                State::StartRecord | State::StartField => {
                    if byte == b' ' && self.cfg.skip_initial_space {
                        self.pos += 1;
                    } else if byte == quote {
                        self.pos += 1;
                        state = State::Quoted;
                    } else if byte == delimiter {
                        self.pos += 1;
                        self.end_field(rec)?;
                        cell_start = rec.bytes.len();
                        state = State::StartField;
                    } else if byte == b'\r' || byte == b'\n' {
                        self.pos += 1;
                        self.end_line(byte);
                        self.end_field(rec)?;
                        self.records += 1;
                        return Ok(true);
                    } else {
                        state = State::Unquoted;
                    }
                }
                State::Unquoted => {
                    let run = &self.buf[self.pos..self.len];
                    let n = run
                        .iter()
                        .position(|&b| self.stops[b as usize])
                        .unwrap_or(run.len());
                    rec.bytes.extend_from_slice(&run[..n]);
                    self.pos += n;
                    self.check_cell(rec, cell_start)?;
                    if self.pos < self.len {
                        let byte = self.buf[self.pos];
                        self.pos += 1;
                        self.end_field(rec)?;
                        cell_start = rec.bytes.len();
                        if byte == delimiter {
                            state = State::StartField;
                        } else {
                            self.end_line(byte);
                            self.records += 1;
                            return Ok(true);
                        }
                    }
                }
                State::Quoted => {
                    let run = &self.buf[self.pos..self.len];
                    let n = memchr::memchr(quote, run).unwrap_or(run.len());
                    rec.bytes.extend_from_slice(&run[..n]);
                    self.pos += n;
                    self.check_cell(rec, cell_start)?;
                    if self.pos < self.len {
                        self.pos += 1;
                        state = State::QuoteInQuoted;
                    }
                }
                State::QuoteInQuoted => {
                    if byte == quote {
                        self.pos += 1;
                        rec.bytes.push(quote);
                        state = State::Quoted;
                    } else if byte == delimiter {
                        self.pos += 1;
                        self.end_field(rec)?;
                        cell_start = rec.bytes.len();
                        state = State::StartField;
                    } else if byte == b'\r' || byte == b'\n' {
                        self.pos += 1;
                        self.end_line(byte);
                        self.end_field(rec)?;
                        self.records += 1;
                        return Ok(true);
                    } else {
                        state = State::Unquoted;
                    }
                }
            }
        }
        // End of the stream.
        if state == State::StartRecord {
            return Ok(false);
        }
        self.end_field(rec)?;
        self.records += 1;
        Ok(true)
    }

    fn end_line(&mut self, byte: u8) {
        self.swallow = if byte == b'\r' {
            Some(b'\n')
        } else if self.cfg.lf_cr {
            Some(b'\r')
        } else {
            None
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(input: &[u8], cfg: ParserConfig) -> Result<Vec<Vec<String>>, Error> {
        let mut parser = CsvParser::new(input, cfg);
        let mut rec = RawRecord::default();
        let mut out = Vec::new();
        while parser.read_record(&mut rec)? {
            out.push(
                (0..rec.len())
                    .map(|i| String::from_utf8_lossy(rec.cell(i)).into_owned())
                    .collect(),
            );
        }
        Ok(out)
    }

    fn parse(input: &[u8]) -> Vec<Vec<String>> {
        parse_with(input, ParserConfig::new(b',', &Limits::default())).unwrap()
    }

    #[test]
    fn splits_quotes_escapes_and_all_line_ends() {
        assert_eq!(
            parse(b"a,\"b,\"\"c\"\"\"\r\n1,\"x\ny\"\n2,z\r3,w"),
            vec![
                vec!["a", "b,\"c\""],
                vec!["1", "x\ny"],
                vec!["2", "z"],
                vec!["3", "w"]
            ]
        );
    }

    #[test]
    fn keeps_empty_lines_as_records_like_python() {
        let rows = parse(b"id\n1\n\n2\n");
        assert_eq!(rows, vec![vec!["id"], vec!["1"], vec![""], vec!["2"]]);
    }

    #[test]
    fn reversed_crlf_is_one_break_when_configured() {
        let mut cfg = ParserConfig::new(b',', &Limits::default());
        cfg.lf_cr = true;
        let rows = parse_with(b"title\n\r,\n\r\n\rh1,h2\n\r1,2\n\r", cfg).unwrap();
        assert_eq!(
            rows,
            vec![
                vec!["title"],
                vec!["", ""],
                vec![""],
                vec!["h1", "h2"],
                vec!["1", "2"]
            ]
        );
    }

    #[test]
    fn skip_initial_space_and_text_after_closing_quote() {
        let mut cfg = ParserConfig::new(b',', &Limits::default());
        cfg.skip_initial_space = true;
        let rows = parse_with(b"1, \"a \"\" b\", c\n2,\"x\"y,\"q", cfg).unwrap();
        assert_eq!(rows, vec![vec!["1", "a \" b", "c"], vec!["2", "xy", "q"]]);
    }

    #[test]
    fn caps_cells_rows_and_columns() {
        let limits = Limits {
            max_cell_bytes: 4,
            max_row_bytes: 10,
            max_columns: 3,
            ..Limits::default()
        };
        let cfg = ParserConfig::new(b',', &limits);
        assert!(matches!(
            parse_with(b"a,abcdef\n", cfg.clone()),
            Err(Error::CellTooLarge { row: 1, .. })
        ));
        assert!(matches!(
            parse_with(b"a\n\"abcd\nef\"", cfg.clone()),
            Err(Error::CellTooLarge { row: 2, .. })
        ));
        assert!(matches!(
            parse_with(b"abcd,abcd,abcd\n", cfg.clone()),
            Err(Error::RowTooLarge { .. })
        ));
        assert!(matches!(
            parse_with(b"a,b,c,d\n", cfg),
            Err(Error::TooManyColumns { row: 1, .. })
        ));
    }
}
