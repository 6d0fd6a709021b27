//! `tabular`: reads the messy spreadsheets Mexican public offices publish
//! (CSV, TSV, XLSX, XLS), works out how each is written, infers column types
//! from the whole file, validates it with the Frictionless checks (pass 1,
//! `analyze`) and then streams typed rows for loading (pass 2, `rows`), in
//! bounded memory whatever the input.

mod checks;
mod dialect;
mod encoding;
mod error;
mod formula;
mod header;
mod infer;
mod parser;
mod reader;
mod report;
mod schema;
mod source;
mod spreadsheet;
mod stats;
mod types;

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use error::Error;
pub use formula::neutralize_formula;
pub use reader::{Row, RowReader};
pub use report::{Report, ReportError, ReportStats};
pub use schema::{Constraints, Field, FieldType, Schema};
pub use stats::{ColumnStats, GeoColumns, TopValue, DISTINCT_CAP};
pub use types::Value;

use crate::checks::{is_blank, Checker};
use crate::encoding::TextRecord;
use crate::header::{HeaderPlan, SampleRow};
use crate::parser::{CsvParser, ParserConfig, RawRecord};
use crate::source::{open_stream, CsvRows, Rows};
use crate::spreadsheet::SheetRows;

/// The kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Csv,
    Tsv,
    Xlsx,
    Xls,
}

impl Format {
    /// From a format name or extension (`csv`, `TSV`, `xlsx`, `xls`, `txt`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "csv" | "txt" | "text/csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            _ => None,
        }
    }

    /// From a file name's extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_name)
    }

    pub fn is_spreadsheet(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls)
    }
}

/// Bounds on what a file may make the engine hold or do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    pub max_columns: usize,
    pub max_cell_bytes: usize,
    pub max_row_bytes: usize,
    pub max_rows: Option<u64>,
    /// XLSX: total bytes all entries may inflate to.
    pub max_uncompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_columns: 2048,
            max_cell_bytes: 1024 * 1024,
            max_row_bytes: 16 * 1024 * 1024,
            max_rows: None,
            max_uncompressed_bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// What the caller knows or wants; `None` means "detect".
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// A WHATWG label: `utf-8`, `windows-1252`, `latin1`…
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    /// 1-based physical row of the header.
    pub header_row: Option<u64>,
    pub sheet: Option<String>,
    /// Validate against this schema instead of inferring one.
    pub schema: Option<Schema>,
    /// Findings kept per code in the report (all are counted).
    pub errors_per_type: usize,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::Csv,
            encoding: None,
            delimiter: None,
            header_row: None,
            sheet: None,
            schema: None,
            errors_per_type: 100,
            limits: Limits::default(),
        }
    }
}

impl Options {
    /// Default options for a file, its format taken from the extension.
    pub fn for_path(path: &Path) -> Options {
        Options {
            format: Format::from_path(path).unwrap_or_default(),
            ..Options::default()
        }
    }
}

/// Reported every ~16k rows and at the end; the callback returns `false` to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub rows: u64,
    pub bytes_read: u64,
    pub bytes_total: Option<u64>,
}

const PROGRESS_EVERY: u64 = 16 * 1024;

/// How the file is written: everything pass 2 needs to read it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dialect {
    /// The format actually read (a `.csv` that is really an XLSX says `xlsx`).
    pub format: Format,
    /// WHATWG name: `UTF-8`, `windows-1252`, `UTF-16LE`.
    pub encoding: String,
    pub encoding_forced: bool,
    pub had_bom: bool,
    pub delimiter: u8,
    pub quote: u8,
    pub skip_initial_space: bool,
    /// `CRLF`, `LF`, `CR` or `LFCR` (INEGI's reversed line ends).
    pub line_terminator: String,
    /// The row that names the fields (1-based, physical).
    pub header_row: u64,
    /// All header rows (two when a header was joined or has a codes row).
    pub header_rows: Vec<u64>,
    /// Rows above the header that were skipped.
    pub skipped_rows: Vec<u64>,
    /// The first row after the header.
    pub data_start_row: u64,
    /// Notes under the table start here; pass 2 stops before it.
    pub footer_row: Option<u64>,
    pub sheet: Option<String>,
    /// All sheet names of the workbook.
    pub sheets: Vec<String>,
    /// Sheet columns kept (empty spacer columns dropped), relative to the used range.
    pub columns: Option<Vec<usize>>,
}

/// Something done that a publisher should know, in Spanish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Stable code: `title-rows`, `two-row-header`, `sheet`, `encoding`, `footer`…
    pub code: String,
    pub message: String,
}

/// The outcome of pass 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub dialect: Dialect,
    pub schema: Schema,
    pub report: Report,
    /// Data rows: what pass 2 yields (blank rows and footers excluded).
    pub rows: u64,
    pub columns: Vec<ColumnStats>,
    pub notices: Vec<Notice>,
    pub geo: Option<GeoColumns>,
}

/// Bytes whose encoding a provisional analysis checks.
const SAMPLE_SCAN_BYTES: u64 = 4 * 1024 * 1024;

/// Rows read to find the header.
const HEADER_SAMPLE_ROWS: usize = 200;

/// Pass 1: reads the whole input, detects how it is written, infers (or checks)
/// the schema and validates every row.
pub fn analyze<R: Read + Seek>(
    input: R,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Analysis, Error> {
    analyze_with(input, options, progress, Extra::default())
}

/// A provisional pass 1 over the first `rows` data rows only: how the file
/// is written and what its columns look like so far. Its findings speak of
/// those rows only; its schema is a guess that the whole file may overturn.
pub fn analyze_prefix_path(path: &Path, options: &Options, rows: u64) -> Result<Analysis, Error> {
    let extra = Extra {
        sample_rows: Some(rows.max(1)),
        sink: None,
    };
    analyze_with(buffered(path)?, options, &mut |_| true, extra)
}

/// Pass 1 that also yields every data row as read, for a [`Typer`] made from
/// a `provisional` analysis (from [`analyze_prefix_path`]) to type: a
/// speculative pass 2 in the same read of the file, whose typing can run on
/// another thread. When the analysis returned [`Analysis::reads_like`] the
/// provisional one, the rows typed are exactly those [`rows`] would yield
/// with it, and the second read can be skipped; otherwise they must be
/// thrown away. `emit` returns `false` to cancel.
pub fn analyze_path_yielding(
    path: &Path,
    options: &Options,
    provisional: &Analysis,
    progress: &mut dyn FnMut(Progress) -> bool,
    emit: &mut dyn FnMut(RawRow) -> bool,
) -> Result<Analysis, Error> {
    let extra = Extra {
        sample_rows: None,
        sink: Some(Sink {
            missing: provisional.schema.missing_values.clone(),
            emit,
        }),
    };
    analyze_with(buffered(path)?, options, progress, extra)
}

impl Analysis {
    /// Whether pass 2 reads the file the same way with either analysis: the
    /// same dialect (but for where the notes under the table start, which
    /// pass 1 and pass 2 skip alike) and a schema that parses every cell the
    /// same way.
    pub fn reads_like(&self, other: &Analysis) -> bool {
        let (a, b) = (&self.dialect, &other.dialect);
        let dialect = Dialect {
            footer_row: None,
            ..a.clone()
        } == Dialect {
            footer_row: None,
            ..b.clone()
        };
        let parsing = |s: &Schema| -> (Vec<String>, Vec<Field>) {
            let fields = s
                .fields
                .iter()
                .map(|f| Field {
                    title: None,
                    description: None,
                    constraints: Constraints::default(),
                    ..f.clone()
                })
                .collect();
            (s.missing_values.clone(), fields)
        };
        dialect && parsing(&self.schema) == parsing(&other.schema)
    }
}

/// What a pass 1 may do besides analysing: stop early, or hand out rows.
#[derive(Default)]
struct Extra<'a> {
    /// Stop after this many data rows (a provisional analysis).
    sample_rows: Option<u64>,
    sink: Option<Sink<'a>>,
}

/// Where pass 1 hands out the data rows pass 2 would yield (blank rows and
/// notes under the table are not handed out).
struct Sink<'a> {
    missing: Vec<String>,
    emit: &'a mut dyn FnMut(RawRow) -> bool,
}

/// A data row as read, decoded but not typed.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub number: u64,
    record: TextRecord,
}

/// Types rows read by pass 1 with a schema, as pass 2 does.
pub struct Typer {
    parsers: Vec<types::FieldParser>,
    missing: Vec<String>,
}

impl std::fmt::Debug for Typer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typer")
            .field("fields", &self.parsers.len())
            .finish()
    }
}

impl Typer {
    pub fn new(schema: &Schema) -> Typer {
        Typer {
            parsers: reader::parsers_of(schema),
            missing: schema.missing_values.clone(),
        }
    }

    pub fn row(&self, raw: &RawRow) -> Row {
        Row {
            number: raw.number,
            values: reader::typed_values(&raw.record, &self.parsers, &self.missing),
        }
    }
}

fn analyze_with<R: Read + Seek>(
    mut input: R,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> bool,
    extra: Extra<'_>,
) -> Result<Analysis, Error> {
    if let Some(schema) = &options.schema {
        schema.check()?;
    }
    let total = input.seek(SeekFrom::End(0))?;
    input.seek(SeekFrom::Start(0))?;
    let mut notices = Vec::new();
    let format = effective_format(&mut input, options.format, &mut notices)?;
    if total == 0 {
        return Err(Error::Empty);
    }
    if format.is_spreadsheet() {
        analyze_sheet(input, format, options, progress, total, notices, extra)
    } else {
        analyze_csv(input, format, options, progress, total, notices, extra)
    }
}

/// Pass 1 on a file; the format is `options.format`.
pub fn analyze_path(
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Analysis, Error> {
    analyze(buffered(path)?, options, progress)
}

/// A file to read from start to end.
fn buffered(path: &Path) -> Result<std::io::BufReader<std::fs::File>, Error> {
    Ok(std::io::BufReader::with_capacity(
        256 * 1024,
        std::fs::File::open(path)?,
    ))
}

/// Pass 2: the typed rows, read again with pass 1's dialect and schema.
pub fn rows<R: Read + Seek + Send + 'static>(
    input: R,
    analysis: &Analysis,
    options: &Options,
) -> Result<RowReader, Error> {
    reader::open(input, analysis, options)
}

/// Pass 2 on a file.
pub fn rows_path(path: &Path, analysis: &Analysis, options: &Options) -> Result<RowReader, Error> {
    rows(buffered(path)?, analysis, options)
}

/// A `.csv` whose bytes are a workbook is read as the workbook.
fn effective_format<R: Read + Seek>(
    input: &mut R,
    format: Format,
    notices: &mut Vec<Notice>,
) -> Result<Format, Error> {
    let mut magic = [0u8; 4];
    let mut n = 0;
    while n < magic.len() {
        match input.read(&mut magic[n..])? {
            0 => break,
            k => n += k,
        }
    }
    input.seek(SeekFrom::Start(0))?;
    let actual = match &magic[..n] {
        b"PK\x03\x04" => Some(Format::Xlsx),
        [0xD0, 0xCF, 0x11, 0xE0] => Some(Format::Xls),
        _ => None,
    };
    match (format.is_spreadsheet(), actual) {
        (true, Some(actual)) => Ok(actual),
        (true, None) => Err(Error::Spreadsheet(
            "el archivo no es una hoja de cálculo de Excel (su contenido no es XLSX ni XLS)".into(),
        )),
        (false, Some(actual)) => {
            notices.push(notice(
                "format",
                format!(
                    "El archivo tiene extensión de texto pero es una hoja de cálculo {}; se leyó como tal",
                    if actual == Format::Xls { "XLS" } else { "XLSX" }
                ),
            ));
            Ok(actual)
        }
        (false, None) => Ok(format),
    }
}

fn notice(code: &str, message: impl Into<String>) -> Notice {
    Notice {
        code: code.into(),
        message: message.into(),
    }
}

fn parser_config(dialect: &Dialect, limits: &Limits) -> ParserConfig {
    let mut cfg = ParserConfig::new(dialect.delimiter, limits);
    cfg.quote = dialect.quote;
    cfg.skip_initial_space = dialect.skip_initial_space;
    cfg.lf_cr = dialect.line_terminator == "LFCR";
    cfg
}

fn analyze_csv<R: Read + Seek>(
    mut input: R,
    format: Format,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> bool,
    total: u64,
    mut notices: Vec<Notice>,
    extra: Extra<'_>,
) -> Result<Analysis, Error> {
    // A provisional analysis judges the encoding from the head of the file
    // only; the full pass 1 reads every byte and may overturn it.
    let scan = match extra.sample_rows {
        Some(_) => encoding::scan(
            (&mut input).take(SAMPLE_SCAN_BYTES),
            options.limits.max_row_bytes,
        )?,
        None => encoding::scan(&mut input, options.limits.max_row_bytes)?,
    };
    let decision = encoding::decide(&scan, options.encoding.as_deref())?;
    if let Some(n) = &decision.notice {
        notices.push(notice("encoding", n.clone()));
    }
    let mut sample = Vec::with_capacity(dialect::SAMPLE_BYTES);
    {
        let stream = open_stream(&mut input, decision.decoding, decision.bom_len)?;
        stream
            .take(dialect::SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)?;
    }
    let forced_delimiter = options
        .delimiter
        .or((format == Format::Tsv).then_some(b'\t'));
    let guess = dialect::guess(&sample, forced_delimiter, &options.limits);
    let mut dialect = Dialect {
        format,
        encoding: decision.label.clone(),
        encoding_forced: options.encoding.is_some(),
        had_bom: decision.bom_len > 0,
        delimiter: guess.delimiter,
        quote: b'"',
        skip_initial_space: guess.skip_initial_space,
        line_terminator: guess.line_terminator,
        header_row: 0,
        header_rows: Vec::new(),
        skipped_rows: Vec::new(),
        data_start_row: 1,
        footer_row: None,
        sheet: None,
        sheets: Vec::new(),
        columns: None,
    };
    let cfg = parser_config(&dialect, &options.limits);
    // The header is found in the sample.
    let mut sample_rows = Vec::new();
    {
        let mut parser = CsvParser::new(&sample[..], cfg.clone());
        let mut raw = RawRecord::default();
        let mut text = TextRecord::default();
        let mut number = 0;
        while sample_rows.len() < HEADER_SAMPLE_ROWS {
            match parser.read_record(&mut raw) {
                Ok(true) => {}
                Ok(false) => break,
                Err(
                    e @ (Error::TooManyColumns { .. }
                    | Error::CellTooLarge { .. }
                    | Error::RowTooLarge { .. }),
                ) => return Err(e),
                Err(_) => break,
            }
            number += 1;
            encoding::decode_record(decision.decoding, &raw, &mut text);
            sample_rows.push(SampleRow {
                number,
                cells: (0..text.len()).map(|i| text.cell(i).to_string()).collect(),
            });
        }
        if sample.len() >= dialect::SAMPLE_BYTES && sample_rows.len() > 1 {
            sample_rows.pop();
        }
    }
    let plan = header::detect(&sample_rows, options.header_row);
    if plan.header_rows.is_empty() {
        return Err(Error::Empty);
    }
    let stream = open_stream(&mut input, decision.decoding, decision.bom_len)?;
    let mut rows = Rows::Csv(Box::new(CsvRows::new(
        stream,
        decision.decoding,
        decision.bom_len,
        cfg,
    )));
    let fallback = matches!(
        decision.decoding,
        encoding::Decoding::Utf8 { forced: false }
    );
    run_pass1(
        &mut rows,
        plan,
        &mut dialect,
        options,
        progress,
        Some(total),
        fallback,
        notices,
        extra,
    )
}

fn analyze_sheet<R: Read + Seek>(
    mut input: R,
    format: Format,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> bool,
    total: u64,
    mut notices: Vec<Notice>,
    extra: Extra<'_>,
) -> Result<Analysis, Error> {
    if format == Format::Xlsx {
        spreadsheet::check_zip(&mut input, &options.limits)?;
    }
    let sheet = spreadsheet::open_sheet(input, format, options.sheet.as_deref())?;
    if sheet.names.len() > 1 {
        notices.push(notice(
            "sheet",
            format!(
                "Se leyó la hoja «{}» (hay {} hojas: {})",
                sheet.name,
                sheet.names.len(),
                sheet.names.join(", ")
            ),
        ));
    }
    let mut source = SheetRows::new(sheet.range);
    if let Some(rows) = options.limits.max_rows {
        if source.rows() > rows.saturating_add(1000) {
            return Err(Error::TooManyRows { limit: rows });
        }
    }
    let mut sample_rows = Vec::new();
    let mut text = TextRecord::default();
    while sample_rows.len() < HEADER_SAMPLE_ROWS {
        let Some(number) = source.next_row(&mut text) else {
            break;
        };
        if text.len() > options.limits.max_columns {
            return Err(Error::TooManyColumns {
                row: number,
                limit: options.limits.max_columns,
            });
        }
        sample_rows.push(SampleRow {
            number,
            cells: (0..text.len()).map(|i| text.cell(i).to_string()).collect(),
        });
    }
    let mut plan = header::detect(&sample_rows, options.header_row);
    if plan.header_rows.is_empty() {
        return Err(Error::Empty);
    }
    // Spacer columns (empty in the header and the body) are dropped.
    let used = source.used_columns(plan.header_rows[0]);
    let width = sample_rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    if used.len() < width {
        let dropped = width - used.len();
        plan.labels = used
            .iter()
            .map(|&c| plan.labels.get(c).cloned().unwrap_or_default())
            .collect();
        if let Some(titles) = &plan.titles {
            plan.titles = Some(
                used.iter()
                    .map(|&c| titles.get(c).cloned().unwrap_or_default())
                    .collect(),
            );
        }
        notices.push(notice(
            "empty-columns",
            format!("Se omitieron {dropped} columnas vacías de la hoja"),
        ));
        source.keep = Some(used.clone());
    }
    source.restart();
    let mut dialect = Dialect {
        format,
        encoding: "UTF-8".into(),
        encoding_forced: false,
        had_bom: false,
        delimiter: b',',
        quote: b'"',
        skip_initial_space: false,
        line_terminator: String::new(),
        header_row: 0,
        header_rows: Vec::new(),
        skipped_rows: Vec::new(),
        data_start_row: 1,
        footer_row: None,
        sheet: Some(sheet.name),
        sheets: sheet.names,
        columns: source.keep.clone(),
    };
    let mut rows: Rows<std::io::Empty> = Rows::Sheet(source);
    run_pass1(
        &mut rows,
        plan,
        &mut dialect,
        options,
        progress,
        Some(total),
        false,
        notices,
        extra,
    )
}

/// Rows held back because they may be notes under the table.
const MAX_PENDING_FOOTER: usize = 64;

#[allow(clippy::too_many_arguments)]
fn run_pass1<R: Read>(
    rows: &mut Rows<R>,
    plan: HeaderPlan,
    dialect: &mut Dialect,
    options: &Options,
    progress: &mut dyn FnMut(Progress) -> bool,
    total: Option<u64>,
    encoding_fallback: bool,
    mut notices: Vec<Notice>,
    extra: Extra<'_>,
) -> Result<Analysis, Error> {
    let Extra {
        sample_rows,
        mut sink,
    } = extra;

    let labels = plan.labels.clone();
    let mut checker = match &options.schema {
        Some(schema) => Checker::with_schema(schema, options.errors_per_type),
        None => Checker::infer(
            header::field_names(&labels),
            plan.titles.clone(),
            options.errors_per_type,
        ),
    };
    checker.set_encoding(&dialect.encoding, encoding_fallback);
    checker.check_labels(&labels);
    let width = checker.width();
    let forced_encoding = dialect.encoding_forced;
    let mut encoding_reported = false;

    let mut rec = TextRecord::default();
    let mut pending: Vec<(u64, TextRecord, Option<u64>)> = Vec::new();
    let mut seen: u64 = 0;
    let mut next_progress = PROGRESS_EVERY;
    let mut process = |checker: &mut Checker, number: u64, rec: &TextRecord, bad: Option<u64>| {
        // A forced encoding that does not fit is one finding, as in Frictionless.
        let bad = if forced_encoding && bad.is_some() {
            if encoding_reported {
                None
            } else {
                encoding_reported = true;
                bad
            }
        } else {
            bad
        };
        checker.check_row(number, rec, bad);
        // `false` when the sink wants no more rows.
        match sink.as_mut() {
            Some(sink) if !is_blank(rec, &sink.missing) => (sink.emit)(RawRow {
                number,
                record: rec.clone(),
            }),
            _ => true,
        }
    };
    while let Some(meta) = rows.next(&mut rec)? {
        if meta.number < plan.data_start {
            continue;
        }
        seen += 1;
        if sample_rows.is_some_and(|n| seen > n) {
            break;
        }
        if let Some(max) = options.limits.max_rows {
            if seen > max {
                return Err(Error::TooManyRows { limit: max });
            }
        }
        if seen == next_progress {
            next_progress += PROGRESS_EVERY;
            let report = Progress {
                rows: seen,
                bytes_read: rows.position(),
                bytes_total: total,
            };
            if !progress(report) {
                return Err(Error::Cancelled);
            }
        }
        if width >= 3 && may_be_footer(&rec, width, dialect.format.is_spreadsheet()) {
            pending.push((meta.number, rec.clone(), meta.bad));
            if pending.len() > MAX_PENDING_FOOTER {
                for (n, r, b) in pending.drain(..) {
                    if !process(&mut checker, n, &r, b) {
                        return Err(Error::Cancelled);
                    }
                }
            }
            continue;
        }
        for (n, r, b) in pending.drain(..) {
            if !process(&mut checker, n, &r, b) {
                return Err(Error::Cancelled);
            }
        }
        if !process(&mut checker, meta.number, &rec, meta.bad) {
            return Err(Error::Cancelled);
        }
    }
    // A provisional analysis stopped in the middle: nothing is a footer yet.
    let footer_text = pending
        .iter()
        .filter(|_| sample_rows.is_none())
        .find(|(_, r, _)| (0..r.len()).any(|i| !types::trim_ws(r.cell(i)).is_empty()));
    if let Some((_, r, _)) = footer_text {
        let text = (0..r.len())
            .map(|i| types::trim_ws(r.cell(i)))
            .find(|c| !c.is_empty())
            .unwrap_or_default();
        let shown: String = text.chars().take(60).collect();
        let first = pending[0].0;
        let n = pending.len();
        notices.push(notice(
            "footer",
            format!(
                "{} al final de la tabla, que parece{} notas al pie (desde la fila {first}): «{shown}{}»",
                if n == 1 { "Se ignoró 1 fila".to_string() } else { format!("Se ignoraron {n} filas") },
                if n == 1 { "" } else { "n" },
                if shown.len() < text.len() { "…" } else { "" }
            ),
        ));
        dialect.footer_row = Some(first);
    } else {
        for (n, r, b) in pending.drain(..) {
            if !process(&mut checker, n, &r, b) {
                return Err(Error::Cancelled);
            }
        }
    }
    if !progress(Progress {
        rows: seen,
        bytes_read: total.unwrap_or(0),
        bytes_total: total,
    }) {
        return Err(Error::Cancelled);
    }

    let rows_total = checker.rows_total;
    let data_rows = checker.data_rows;
    let finished = checker.finish();
    for (code, message) in plan.notices.iter().chain(&finished.notices) {
        notices.push(notice(code, message.clone()));
    }
    let report = finished.report.finish(
        labels,
        ReportStats {
            rows: rows_total,
            fields: width as u64,
            bytes: total.unwrap_or(0),
            errors: 0,
        },
    );
    let geo = stats::detect_geo(&finished.schema.fields, &finished.columns, &finished.points);
    dialect.header_row = plan.header_rows.last().copied().unwrap_or(1);
    dialect.header_rows = plan.header_rows;
    dialect.skipped_rows = plan.skipped;
    dialect.data_start_row = plan.data_start;
    Ok(Analysis {
        dialect: dialect.clone(),
        schema: finished.schema,
        report,
        rows: data_rows,
        columns: finished.columns,
        notices,
        geo,
    })
}

/// A row with at most one non-empty cell, in the first columns: a note under
/// the table, or a blank line before one. In a CSV the note row must also be
/// shorter than the header (a data row with empty cells keeps its commas); a
/// sheet has no short rows, so there the text must read like a sentence.
fn may_be_footer(rec: &TextRecord, width: usize, sheet: bool) -> bool {
    let mut non_empty = 0;
    let mut at = 0;
    for i in 0..rec.len() {
        if !types::trim_ws(rec.cell(i)).is_empty() {
            non_empty += 1;
            at = i;
        }
    }
    if non_empty == 0 {
        return true;
    }
    if non_empty > 1 || at > 1 {
        return false;
    }
    let text = types::trim_ws(rec.cell(at));
    if sheet {
        text.split_whitespace().count() >= 3
    } else {
        rec.len() < width
    }
}
