//! Type inference over every row of a column: each cell is tested against
//! every candidate type (a few byte comparisons, no allocation), the counts are
//! kept, and at the end the type that most cells fit wins if at least 90 % of
//! the non-empty cells fit it. The cells that do not fit become `type-error`
//! findings, so one `N/A` at row 900,000 does not turn a column of amounts into
//! text, and does not stop a load either.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::schema::{Field, FieldType};
use crate::types::{
    bool_word, parse_time, scan_number, trim_ws, DateFormat, DateTimeFormat, NumStyle,
};

/// The candidates, in order of preference when as many cells fit two of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Candidate {
    Boolean,
    Integer,
    Date(DateFormat),
    DateTime(DateTimeFormat),
    Time,
    Number,
}

pub(crate) const CANDIDATES: [Candidate; 12] = [
    Candidate::Boolean,
    Candidate::Integer,
    Candidate::Date(DateFormat::Iso),
    Candidate::Date(DateFormat::DmySlash),
    Candidate::Date(DateFormat::DmySlashShort),
    Candidate::Date(DateFormat::DmyDash),
    Candidate::Date(DateFormat::MdySlash),
    Candidate::Date(DateFormat::DmyDot),
    Candidate::DateTime(DateTimeFormat::Iso),
    Candidate::DateTime(DateTimeFormat::DmySlash),
    Candidate::Time,
    Candidate::Number,
];
const N: usize = CANDIDATES.len();
const BOOLEAN: usize = 0;
const INTEGER: usize = 1;
const FIRST_DATE: usize = 2;
const DT_ISO: usize = 8;
const DT_DMY: usize = 9;
const TIME: usize = 10;
const NUMBER: usize = 11;

/// What one cell fits.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fit {
    pub mask: u16,
    pub number: Option<f64>,
    pub grouped: bool,
    pub currency: bool,
    pub leading_zero: bool,
    pub boolean: Option<bool>,
    pub dates: [Option<NaiveDate>; 6],
    pub datetime: Option<NaiveDateTime>,
    pub time: Option<NaiveTime>,
}

/// Tests one non-empty cell against every candidate.
pub(crate) fn classify(cell: &str) -> Fit {
    let mut fit = Fit::default();
    let t = trim_ws(cell);
    let b = t.as_bytes();
    let Some(&c0) = b.first() else {
        return fit;
    };
    if c0.is_ascii_digit() || matches!(c0, b'-' | b'+' | b'$' | b'.') {
        if let Some(n) = scan_number(t, NumStyle::LIBERAL) {
            fit.leading_zero = n.leading_zero;
            if !n.leading_zero {
                fit.mask |= 1 << NUMBER;
                fit.number = Some(n.value);
                fit.grouped = n.grouped;
                fit.currency = n.currency;
                if n.int.is_some() {
                    fit.mask |= 1 << INTEGER;
                }
            }
            return fit;
        }
        if !c0.is_ascii_digit() || b.len() < 4 {
            return fit;
        }
        if b.len() <= 10 {
            for (k, f) in DateFormat::ALL.iter().enumerate() {
                if let Some(d) = f.parse(t) {
                    fit.mask |= 1 << (FIRST_DATE + k);
                    fit.dates[k] = Some(d);
                }
            }
            if fit.mask == 0 {
                if let Some(time) = parse_time(t) {
                    fit.mask |= 1 << TIME;
                    fit.time = Some(time);
                }
            }
        } else if memchr::memchr(b':', b).is_some() {
            if let Some(dt) = DateTimeFormat::Iso.parse(t) {
                fit.mask |= 1 << DT_ISO;
                fit.datetime = Some(dt);
            } else if let Some(dt) = DateTimeFormat::DmySlash.parse(t) {
                fit.mask |= 1 << DT_DMY;
                fit.datetime = Some(dt);
            } else if let Some(time) = parse_time(t) {
                fit.mask |= 1 << TIME;
                fit.time = Some(time);
            }
        }
    } else if let Some(v) = bool_word(t) {
        fit.mask |= 1 << BOOLEAN;
        fit.boolean = Some(v);
    }
    fit
}

/// A cell that did not fit a candidate: kept for the report if that candidate wins.
#[derive(Debug, Clone)]
pub(crate) struct Miss {
    pub row: u64,
    pub cell: String,
}

/// The running inference of one column.
#[derive(Debug, Clone)]
pub(crate) struct ColumnInfer {
    /// Non-empty cells, `-` excluded.
    pub non_null: u64,
    /// Cells that are a lone `-` (accounting zero / not applicable).
    pub dashes: u64,
    fits: [u64; N],
    misses: Vec<Vec<Miss>>,
    keep: usize,
    leading_zero: u64,
    grouped: bool,
    currency: bool,
    true_words: Vec<String>,
    false_words: Vec<String>,
    number_range: Option<(f64, f64)>,
    date_ranges: [Option<(NaiveDate, NaiveDate)>; 6],
    datetime_range: Option<(NaiveDateTime, NaiveDateTime)>,
    time_range: Option<(NaiveTime, NaiveTime)>,
    /// Cells written as `lat,lon` with both in range.
    pub points: u64,
}

fn widen<T: PartialOrd + Copy>(range: &mut Option<(T, T)>, v: T) {
    match range {
        None => *range = Some((v, v)),
        Some((lo, hi)) => {
            if v < *lo {
                *lo = v;
            }
            if v > *hi {
                *hi = v;
            }
        }
    }
}

/// The outcome for one column.
#[derive(Debug, Clone)]
pub(crate) struct Inferred {
    pub field: Field,
    /// How many non-empty cells do not fit the type.
    pub errors: u64,
    /// The first of them.
    pub misses: Vec<Miss>,
    pub uses_dash: bool,
    pub min: Option<crate::Value>,
    pub max: Option<crate::Value>,
}

impl ColumnInfer {
    pub fn new(keep: usize) -> ColumnInfer {
        ColumnInfer {
            non_null: 0,
            dashes: 0,
            fits: [0; N],
            misses: vec![Vec::new(); N],
            keep,
            leading_zero: 0,
            grouped: false,
            currency: false,
            true_words: Vec::new(),
            false_words: Vec::new(),
            number_range: None,
            date_ranges: [None; 6],
            datetime_range: None,
            time_range: None,
            points: 0,
        }
    }

    /// Observes a non-empty cell of row `row`.
    pub fn observe(&mut self, row: u64, cell: &str) {
        if trim_ws(cell) == "-" {
            self.dashes += 1;
            return;
        }
        self.non_null += 1;
        let fit = classify(cell);
        for k in 0..N {
            if fit.mask & (1 << k) != 0 {
                self.fits[k] += 1;
            } else if self.misses[k].len() < self.keep {
                self.misses[k].push(Miss {
                    row,
                    cell: cell.to_string(),
                });
            }
        }
        if fit.mask == 0 {
            if fit.leading_zero {
                self.leading_zero += 1;
            } else if is_point(cell) {
                self.points += 1;
            }
            return;
        }
        if let Some(v) = fit.number {
            widen(&mut self.number_range, v);
            self.grouped |= fit.grouped;
            self.currency |= fit.currency;
        }
        if let Some(v) = fit.boolean {
            let words = if v {
                &mut self.true_words
            } else {
                &mut self.false_words
            };
            if words.len() < 32 && !words.iter().any(|w| w == cell) {
                words.push(cell.to_string());
            }
        }
        for (k, d) in fit.dates.iter().enumerate() {
            if let Some(d) = d {
                widen(&mut self.date_ranges[k], *d);
            }
        }
        if let Some(dt) = fit.datetime {
            widen(&mut self.datetime_range, dt);
        }
        if let Some(t) = fit.time {
            widen(&mut self.time_range, t);
        }
    }

    /// Picks the type and builds the field.
    pub fn finish(self, name: &str) -> Inferred {
        let mut field = Field::new(name, FieldType::String);
        let mut fits = self.fits;
        if self.leading_zero > 0 {
            // Codes with leading zeros (postal codes, INEGI keys) are text.
            fits[INTEGER] = 0;
            fits[NUMBER] = 0;
        }
        let mut best: Option<usize> = None;
        for k in 0..N {
            if fits[k] > 0 && best.is_none_or(|b| fits[k] > fits[b]) {
                best = Some(k);
            }
        }
        let chosen = best.filter(|&k| self.non_null > 0 && fits[k] * 10 >= self.non_null * 9);
        let Some(k) = chosen else {
            return Inferred {
                field,
                errors: 0,
                misses: Vec::new(),
                uses_dash: false,
                min: None,
                max: None,
            };
        };
        let (min, max) = match CANDIDATES[k] {
            Candidate::Boolean => {
                field.field_type = FieldType::Boolean;
                field.true_values = Some(self.true_words.clone());
                field.false_values = Some(self.false_words.clone());
                (None, None)
            }
            Candidate::Integer | Candidate::Number => {
                field.field_type = if CANDIDATES[k] == Candidate::Integer {
                    FieldType::Integer
                } else {
                    FieldType::Number
                };
                if self.grouped {
                    field.group_char = Some(",".into());
                }
                if self.currency {
                    field.bare_number = Some(false);
                }
                let integer = field.field_type == FieldType::Integer;
                let v = |x: f64| {
                    if integer {
                        crate::Value::Integer(x as i64)
                    } else {
                        crate::Value::Number(x)
                    }
                };
                split(self.number_range.map(|(a, b)| (v(a), v(b))))
            }
            Candidate::Date(f) => {
                field.field_type = FieldType::Date;
                field.format = f.pattern().map(str::to_string);
                let idx = k - FIRST_DATE;
                split(
                    self.date_ranges[idx]
                        .map(|(a, b)| (crate::Value::Date(a), crate::Value::Date(b))),
                )
            }
            Candidate::DateTime(f) => {
                field.field_type = FieldType::Datetime;
                field.format = f.pattern().map(str::to_string);
                split(
                    self.datetime_range
                        .map(|(a, b)| (crate::Value::DateTime(a), crate::Value::DateTime(b))),
                )
            }
            Candidate::Time => {
                field.field_type = FieldType::Time;
                split(
                    self.time_range
                        .map(|(a, b)| (crate::Value::Time(a), crate::Value::Time(b))),
                )
            }
        };
        let mut misses = self.misses;
        Inferred {
            field,
            errors: self.non_null - fits[k],
            misses: std::mem::take(&mut misses[k]),
            uses_dash: self.dashes > 0,
            min,
            max,
        }
    }
}

fn split<T>(range: Option<(T, T)>) -> (Option<T>, Option<T>) {
    match range {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    }
}

/// `19.43,-99.19`: latitude and longitude in one cell.
pub(crate) fn is_point(cell: &str) -> bool {
    let Some((a, b)) = cell.split_once(',') else {
        return false;
    };
    let style = NumStyle {
        group: None,
        decimal: b'.',
        currency: false,
    };
    match (scan_number(a, style), scan_number(b, style)) {
        (Some(lat), Some(lon)) => {
            (-90.0..=90.0).contains(&lat.value)
                && (-180.0..=180.0).contains(&lon.value)
                && (lat.int.is_none() || lon.int.is_none())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(cells: &[&str]) -> Inferred {
        let mut col = ColumnInfer::new(100);
        for (i, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                col.observe(i as u64 + 2, c);
            }
        }
        col.finish("x")
    }

    #[test]
    fn integers_numbers_and_codes() {
        assert_eq!(
            infer(&["1", "2", "-3"]).field.field_type,
            FieldType::Integer
        );
        assert_eq!(
            infer(&["1", "2.5", "3"]).field.field_type,
            FieldType::Number
        );
        assert_eq!(
            infer(&["01001", "01002", "15001"]).field.field_type,
            FieldType::String
        );
        let amounts = infer(&["\"1,306,521.00\"", "$1,234.00", "-1,306,521.00", "-", "5"]);
        // The quotes above are part of the cell text: that one is not a number.
        assert_eq!(amounts.field.field_type, FieldType::String);
        let amounts = infer(&["1,306,521.00", "$1,234.00", "-1,306,521.00", "-", "5"]);
        assert_eq!(amounts.field.field_type, FieldType::Number);
        assert_eq!(amounts.field.group_char.as_deref(), Some(","));
        assert_eq!(amounts.field.bare_number, Some(false));
        assert!(amounts.uses_dash);
    }

    #[test]
    fn ninety_percent_wins_and_the_rest_are_errors() {
        let mut cells = vec!["7"; 30];
        cells.push("N/A");
        let inferred = infer(&cells);
        assert_eq!(inferred.field.field_type, FieldType::Integer);
        assert_eq!(inferred.errors, 1);
        assert_eq!(inferred.misses[0].cell, "N/A");
        assert_eq!(inferred.misses[0].row, 32);
        assert_eq!(infer(&["1", "x", "2"]).field.field_type, FieldType::String);
    }

    #[test]
    fn booleans_dates_and_times() {
        let b = infer(&["Sí", "No", "", "sí"]);
        assert_eq!(b.field.field_type, FieldType::Boolean);
        assert_eq!(
            b.field.true_values,
            Some(vec!["Sí".to_string(), "sí".to_string()])
        );
        let d = infer(&["01/02/2020", "15/03/2021"]);
        assert_eq!(d.field.format.as_deref(), Some("%d/%m/%Y"));
        // Ambiguous only: day first, this is Mexico.
        assert_eq!(
            infer(&["01/02/2020"]).field.format.as_deref(),
            Some("%d/%m/%Y")
        );
        assert_eq!(
            infer(&["12/31/2020", "01/02/2020"]).field.format.as_deref(),
            Some("%m/%d/%Y")
        );
        assert_eq!(
            infer(&["02/05/19"]).field.format.as_deref(),
            Some("%d/%m/%y")
        );
        assert_eq!(infer(&["2012-09-01"]).field.field_type, FieldType::Date);
        assert_eq!(
            infer(&["2012-09-01 10:00:00"]).field.field_type,
            FieldType::Datetime
        );
        assert_eq!(
            infer(&["00:00:24.380000", "00:23:34"]).field.field_type,
            FieldType::Time
        );
        assert_eq!(infer(&[]).field.field_type, FieldType::String);
    }

    #[test]
    fn points() {
        assert!(is_point("19.4321703378,-99.1946506651"));
        assert!(!is_point("1,2"));
        assert!(!is_point("BIKE,TPV"));
    }
}
