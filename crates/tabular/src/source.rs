//! One way to walk the rows of any input: a CSV (decoded, split with the
//! dialect) or a spreadsheet sheet, each row as a text record with its
//! physical row number. Both passes read through this.

use std::io::{Read, Seek, SeekFrom};

use crate::encoding::{decode_record, Decoding, TextRecord, Transcoder};
use crate::parser::{CsvParser, ParserConfig, RawRecord};
use crate::spreadsheet::SheetRows;
use crate::Error;

/// The input bytes as the splitter sees them: raw (ASCII-compatible
/// encodings) or transcoded to UTF-8.
pub(crate) enum Stream<R> {
    Plain(R),
    Transcoded(Transcoder<R>),
}

impl<R: Read> Read for Stream<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(r) => r.read(buf),
            Stream::Transcoded(t) => t.read(buf),
        }
    }
}

/// Rewinds `input` and skips the BOM (or transcodes).
pub(crate) fn open_stream<R: Read + Seek>(
    mut input: R,
    decoding: Decoding,
    bom_len: usize,
) -> Result<Stream<R>, Error> {
    match decoding {
        Decoding::Transcoded(enc) => {
            input.seek(SeekFrom::Start(0))?;
            Ok(Stream::Transcoded(Transcoder::new(input, enc)))
        }
        _ => {
            input.seek(SeekFrom::Start(bom_len as u64))?;
            Ok(Stream::Plain(input))
        }
    }
}

/// A row's number and, if it has bytes that do not fit the encoding, where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowMeta {
    pub number: u64,
    pub bad: Option<u64>,
}

pub(crate) struct CsvRows<R> {
    parser: CsvParser<Stream<R>>,
    raw: RawRecord,
    decoding: Decoding,
    bom_len: u64,
    number: u64,
}

impl<R: Read> CsvRows<R> {
    pub fn new(
        stream: Stream<R>,
        decoding: Decoding,
        bom_len: usize,
        cfg: ParserConfig,
    ) -> CsvRows<R> {
        CsvRows {
            parser: CsvParser::new(stream, cfg),
            raw: RawRecord::default(),
            decoding,
            bom_len: bom_len as u64,
            number: 0,
        }
    }
}

/// The rows of the input.
pub(crate) enum Rows<R> {
    Csv(Box<CsvRows<R>>),
    Sheet(SheetRows),
}

impl<R: Read> Rows<R> {
    pub fn next(&mut self, out: &mut TextRecord) -> Result<Option<RowMeta>, Error> {
        match self {
            Rows::Csv(csv) => {
                if !csv.parser.read_record(&mut csv.raw)? {
                    return Ok(None);
                }
                csv.number += 1;
                let bad = decode_record(csv.decoding, &csv.raw, out).map(|o| o + csv.bom_len);
                Ok(Some(RowMeta {
                    number: csv.number,
                    bad,
                }))
            }
            Rows::Sheet(sheet) => Ok(sheet
                .next_row(out)
                .map(|number| RowMeta { number, bad: None })),
        }
    }

    /// Bytes (CSV) read so far; for a sheet, rows.
    pub fn position(&self) -> u64 {
        match self {
            Rows::Csv(csv) => csv.parser.position() + csv.bom_len,
            Rows::Sheet(_) => 0,
        }
    }
}
