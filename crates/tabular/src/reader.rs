//! Pass 2: the rows again, typed with pass 1's schema, one `Row` at a time.
//! Cells that fail their type become `Null` (pass 1 reported them), extra cells
//! are dropped, missing cells are `Null`, blank rows and footers are skipped.

use std::io::{Read, Seek};

use serde::{Deserialize, Serialize};

use crate::checks::{is_blank, is_missing};
use crate::encoding::{self, Decoding, TextRecord};
use crate::source::{open_stream, CsvRows, Rows};
use crate::spreadsheet::{self, SheetRows};
use crate::types::FieldParser;
use crate::{parser_config, Analysis, Error, Options, Value};

/// One typed row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Physical row number in the file, 1-based (the header is row 1 when it
    /// is the first line).
    pub number: u64,
    /// Exactly one value per schema field.
    pub values: Vec<Value>,
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

type Input = Box<dyn ReadSeek + Send>;

/// The typed rows of pass 2.
pub struct RowReader {
    rows: Rows<Input>,
    rec: TextRecord,
    parsers: Vec<FieldParser>,
    missing: Vec<String>,
    data_start: u64,
    footer: Option<u64>,
    done: bool,
}

impl std::fmt::Debug for RowReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader")
            .field("fields", &self.parsers.len())
            .field("data_start", &self.data_start)
            .finish()
    }
}

pub(crate) fn open<R: Read + Seek + Send + 'static>(
    input: R,
    analysis: &Analysis,
    options: &Options,
) -> Result<RowReader, Error> {
    let dialect = &analysis.dialect;
    let rows = if dialect.format.is_spreadsheet() {
        let mut input = input;
        if dialect.format == crate::Format::Xlsx {
            spreadsheet::check_zip(&mut input, &options.limits)?;
        }
        let sheet = spreadsheet::open_sheet(input, dialect.format, dialect.sheet.as_deref())?;
        let mut source = SheetRows::new(sheet.range);
        source.keep = dialect.columns.clone();
        Rows::Sheet(source)
    } else {
        let (decoding, bom_len) = decoding_of(analysis)?;
        let boxed: Input = Box::new(input);
        let stream = open_stream(boxed, decoding, bom_len)?;
        let cfg = parser_config(dialect, &options.limits);
        Rows::Csv(Box::new(CsvRows::new(stream, decoding, bom_len, cfg)))
    };
    Ok(RowReader {
        rows,
        rec: TextRecord::default(),
        parsers: parsers_of(&analysis.schema),
        missing: analysis.schema.missing_values.clone(),
        data_start: dialect.data_start_row,
        footer: dialect.footer_row,
        done: false,
    })
}

pub(crate) fn parsers_of(schema: &crate::Schema) -> Vec<FieldParser> {
    schema.fields.iter().map(FieldParser::new).collect()
}

/// One value per field: cells that fail their type become `Null` (pass 1
/// reported them), extra cells are dropped, missing cells are `Null`.
pub(crate) fn typed_values(
    rec: &TextRecord,
    parsers: &[FieldParser],
    missing: &[String],
) -> Vec<Value> {
    let n = rec.len();
    parsers
        .iter()
        .enumerate()
        .map(|(i, parser)| {
            if i >= n {
                return Value::Null;
            }
            let cell = rec.cell(i);
            if is_missing(cell, missing) {
                return Value::Null;
            }
            parser.parse(cell).map_or(Value::Null, |p| p.to_value())
        })
        .collect()
}

/// The decoding pass 1 decided, from the dialect.
fn decoding_of(analysis: &Analysis) -> Result<(Decoding, usize), Error> {
    let d = &analysis.dialect;
    let enc = encoding_rs::Encoding::for_label(d.encoding.as_bytes())
        .ok_or_else(|| Error::UnknownEncoding(d.encoding.clone()))?;
    let decoding = if enc == encoding_rs::UTF_8 {
        Decoding::Utf8 {
            forced: d.encoding_forced,
        }
    } else if enc.is_ascii_compatible() {
        Decoding::SingleByte(enc)
    } else {
        Decoding::Transcoded(enc)
    };
    let bom_len = match (d.had_bom, decoding) {
        (false, _) => 0,
        (true, Decoding::Utf8 { .. }) => 3,
        (true, _) => 2,
    };
    let _ = encoding::TextRecord::default;
    Ok((decoding, bom_len))
}

impl RowReader {
    fn next_row(&mut self) -> Result<Option<Row>, Error> {
        loop {
            let Some(meta) = self.rows.next(&mut self.rec)? else {
                return Ok(None);
            };
            if meta.number < self.data_start {
                continue;
            }
            if self.footer.is_some_and(|f| meta.number >= f) {
                return Ok(None);
            }
            if is_blank(&self.rec, &self.missing) {
                continue;
            }
            let values = typed_values(&self.rec, &self.parsers, &self.missing);
            return Ok(Some(Row {
                number: meta.number,
                values,
            }));
        }
    }
}

impl Iterator for RowReader {
    type Item = Result<Row, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_row() {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
