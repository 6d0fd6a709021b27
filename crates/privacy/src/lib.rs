//! `privacy`: the personal-data guard's detectors. Finds, in text and in
//! table cells, what must not be published by accident — CURPs, natural
//! persons' RFCs, e-mail addresses, Mexican phone numbers, voter keys,
//! CLABEs and card numbers — checking each issuer's check digit where there
//! is one, and masks what it finds. A pure library: no database, no web.
//!
//! Companies' RFCs (12 characters) are public and never reported, nor the
//! generic RFCs `XAXX010101000` and `XEXX010101000`. Ten digits in a row are
//! a phone only when the words before them or the column's name say so;
//! written as a phone (`55 1234 5678`, `+52 …`) they are one unless the words
//! before say it is a folio, a file number or an amount.

pub mod check;
mod context;
mod ids;
mod mask;
mod numbers;

pub use mask::mask;

use context::Cue;

/// A kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Curp,
    RfcPersona,
    Email,
    Phone,
    IneKey,
    Clabe,
    Card,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Curp,
        Kind::RfcPersona,
        Kind::Email,
        Kind::Phone,
        Kind::IneKey,
        Kind::Clabe,
        Kind::Card,
    ];

    /// The stable code reports and APIs use.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Curp => "curp",
            Kind::RfcPersona => "rfc",
            Kind::Email => "email",
            Kind::Phone => "telefono",
            Kind::IneKey => "clave_elector",
            Kind::Clabe => "clabe",
            Kind::Card => "tarjeta",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What a person reads (Spanish).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Curp => "CURP",
            Kind::RfcPersona => "RFC de persona física",
            Kind::Email => "correo electrónico",
            Kind::Phone => "número de teléfono",
            Kind::IneKey => "clave de elector",
            Kind::Clabe => "CLABE interbancaria",
            Kind::Card => "número de tarjeta",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Personal data found in a text: where (byte offsets) and what may be shown
/// of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// The value masked with [`mask`]; the full value is never kept.
    pub masked: String,
}

/// What a detector found, before masking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// How much of a cell is read by default: the work per cell is bounded.
pub const MAX_CELL_BYTES: usize = 32 * 1024;

/// Personal data in a text, in order; overlapping matches are resolved in
/// favour of the one that starts first (and then the longer one).
pub fn scan_text(text: &str) -> Vec<Finding> {
    scan(text, None)
}

/// Personal data in one table cell, of which at most [`MAX_CELL_BYTES`] are
/// read.
pub fn scan_cell(cell: &str) -> Vec<Finding> {
    scan(truncate(cell, MAX_CELL_BYTES), None)
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn scan(text: &str, column: Option<Cue>) -> Vec<Finding> {
    let mut found = Vec::new();
    ids::scan(text, column, &mut found);
    numbers::scan(text, column, &mut found);
    found.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    let mut out: Vec<Finding> = Vec::with_capacity(found.len());
    let mut reached = 0;
    for c in found {
        if c.start < reached {
            continue;
        }
        reached = c.end;
        out.push(Finding {
            kind: c.kind,
            start: c.start,
            end: c.end,
            masked: mask(c.kind, &text[c.start..c.end]),
        });
    }
    out
}

/// Personal data found in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellFinding {
    /// The row as the caller numbered it.
    pub row: u64,
    /// The column's index (0-based) in the header.
    pub column: usize,
    pub finding: Finding,
}

/// Scans tables row by row. The header's names may say what a column holds
/// (`curp`, `rfc`, `correo`, `telefono`, `clabe`, `tarjeta`, `clave de
/// elector`, or `folio`, `expediente`…): that lets ten digits in a row count
/// as a phone, an account of an unknown bank as a CLABE, and a CURP or RFC
/// with a wrong check digit as one; and a folio column's numbers as no
/// phone. What carries a check digit is found whatever the column is called.
#[derive(Debug, Clone)]
pub struct Scanner {
    columns: Vec<String>,
    hints: Vec<Option<Cue>>,
    max_cell_bytes: usize,
}

impl Scanner {
    pub fn new<S: AsRef<str>>(header: &[S]) -> Scanner {
        let columns: Vec<String> = header.iter().map(|h| h.as_ref().to_string()).collect();
        let hints = columns.iter().map(|c| context::column_hint(c)).collect();
        Scanner {
            columns,
            hints,
            max_cell_bytes: MAX_CELL_BYTES,
        }
    }

    /// Reads at most `max` bytes of each cell.
    pub fn max_cell_bytes(mut self, max: usize) -> Scanner {
        self.max_cell_bytes = max;
        self
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The name of column `index`, or `columna N` (1-based) past the header.
    pub fn column_name(&self, index: usize) -> String {
        match self.columns.get(index) {
            Some(name) if !name.trim().is_empty() => name.clone(),
            _ => format!("columna {}", index + 1),
        }
    }

    /// What the column's name says it holds, if it names a kind of personal data.
    pub fn column_kind(&self, index: usize) -> Option<Kind> {
        match self.hints.get(index).copied().flatten() {
            Some(Cue::Is(kind)) => Some(kind),
            _ => None,
        }
    }

    /// The personal data in one row's cells.
    pub fn scan_row<S: AsRef<str>>(&self, row: u64, cells: &[S]) -> Vec<CellFinding> {
        let mut out = Vec::new();
        for (column, cell) in cells.iter().enumerate() {
            let cell = truncate(cell.as_ref(), self.max_cell_bytes);
            if cell.len() < 5 {
                continue;
            }
            let hint = self.hints.get(column).copied().flatten();
            out.extend(scan(cell, hint).into_iter().map(|finding| CellFinding {
                row,
                column,
                finding,
            }));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        scan_text(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn finds_each_kind_in_a_sentence() {
        let t = "La CURP SABC560626MDFLRN01 y el correo ana.lopez@correo.mx; tel. (55) 1234-5678.";
        let found = scan_text(t);
        assert_eq!(
            found.iter().map(|f| f.kind).collect::<Vec<_>>(),
            [Kind::Curp, Kind::Email, Kind::Phone]
        );
        assert_eq!(&t[found[0].start..found[0].end], "SABC560626MDFLRN01");
        assert_eq!(found[2].masked, "(**) ****-5678");
        assert_eq!(kinds("Cuenta CLABE 032180000118359719"), [Kind::Clabe]);
        assert_eq!(kinds("Tarjeta 4111 1111 1111 1111"), [Kind::Card]);
        assert_eq!(kinds("clave de elector GMVLMR80070501M100"), [Kind::IneKey]);
    }

    #[test]
    fn companies_and_generic_rfcs_are_not_personal_data() {
        assert!(kinds("RFC SAT970701NN3").is_empty());
        assert!(kinds("RFC XAXX010101000").is_empty());
        let body = "GODE561231GR";
        let d = check::rfc_check_digit(body).unwrap_or('0');
        assert_eq!(kinds(&format!("RFC {body}{d}")), [Kind::RfcPersona]);
        assert_eq!(kinds(&format!("RFC GODE-561231-GR{d}")), [Kind::RfcPersona]);
        // A CURP's first ten characters are not an RFC.
        assert_eq!(kinds("SABC560626MDFLRN01"), [Kind::Curp]);
    }

    #[test]
    fn bare_ten_digits_need_a_reason() {
        assert!(kinds("Folio 5512345678").is_empty());
        assert!(kinds("5512345678").is_empty());
        assert_eq!(kinds("Cel. 5512345678"), [Kind::Phone]);
        assert_eq!(kinds("55 1234 5678"), [Kind::Phone]);
        assert_eq!(kinds("+52 1 55 1234 5678"), [Kind::Phone]);
        assert_eq!(kinds("044 722 123 4567"), [Kind::Phone]);
        assert!(kinds("$5,512,345,678.00").is_empty());
        assert!(kinds("01 800 123 4567").is_empty(), "toll-free");
        assert!(kinds("19.4321703378,-99.1946506651").is_empty());
        assert!(kinds("52.0477848983").is_empty(), "a percentage");
        assert!(kinds("55.12345678").is_empty());
        assert_eq!(kinds("55.1234.5678"), [Kind::Phone]);
    }

    #[test]
    fn columns_give_context() {
        let s = Scanner::new(&["Teléfono", "Folio", "CURP"]);
        let row = ["5512345678", "55 1234 5678", "SABC560626MDFLRN02"];
        let found = s.scan_row(7, &row);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].row, found[0].column), (7, 0));
        assert_eq!(found[1].finding.kind, Kind::Curp);
        assert_eq!(s.column_name(5), "columna 6");
    }
}
