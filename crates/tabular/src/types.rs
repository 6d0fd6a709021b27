//! Reading one cell as a typed value, byte by byte and without allocating:
//! numbers with thousands separators and currency signs, Spanish and English
//! booleans, day-first dates, ISO date-times. Inference (pass 1) and the typed
//! rows (pass 2) use the same functions, so they always agree.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::schema::{Field, FieldType};

/// A typed cell, as pass 2 yields it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Integer(i64),
    Number(f64),
    Boolean(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Time(NaiveTime),
    Text(String),
}

/// A typed cell that borrows its text (pass 1 checks constraints on it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Parsed<'a> {
    Integer(i64),
    Number(f64),
    Boolean(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Time(NaiveTime),
    Text(&'a str),
}

impl Parsed<'_> {
    pub fn to_value(self) -> Value {
        match self {
            Parsed::Integer(i) => Value::Integer(i),
            Parsed::Number(n) => Value::Number(n),
            Parsed::Boolean(b) => Value::Boolean(b),
            Parsed::Date(d) => Value::Date(d),
            Parsed::DateTime(d) => Value::DateTime(d),
            Parsed::Time(t) => Value::Time(t),
            Parsed::Text(s) => Value::Text(s.to_string()),
        }
    }

    /// The value as a number, for minimum/maximum.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Parsed::Integer(i) => Some(i as f64),
            Parsed::Number(n) => Some(n),
            _ => None,
        }
    }
}

/// Trims ASCII white space and the no-break space (U+00A0) INEGI and SAT
/// files are full of.
pub(crate) fn trim_ws(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{a0}')
}

/// What `scan_number` saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NumScan {
    pub value: f64,
    /// The value when it is a whole number written without a decimal point.
    pub int: Option<i64>,
    pub grouped: bool,
    pub currency: bool,
    /// `01001`, `06700`: a code, not a quantity.
    pub leading_zero: bool,
}

/// How numbers are written in a column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NumStyle {
    pub group: Option<u8>,
    pub decimal: u8,
    /// Allow a currency sign (`bareNumber: false`).
    pub currency: bool,
}

impl NumStyle {
    /// The liberal style inference tries: `$1,234.56`.
    pub const LIBERAL: NumStyle = NumStyle {
        group: Some(b','),
        decimal: b'.',
        currency: true,
    };
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Reads `[sign][$]digits[,ddd…][.digits][e±digits]`; groups must be of three
/// digits after a first group of one to three, so `1,5` is not a number.
pub(crate) fn scan_number(text: &str, style: NumStyle) -> Option<NumScan> {
    let b = trim_ws(text).as_bytes();
    let mut i = 0;
    let mut negative = false;
    let mut currency = false;
    if style.currency && b.first() == Some(&b'$') {
        currency = true;
        i += 1;
    }
    if let Some(&s) = b.get(i) {
        if s == b'-' || s == b'+' {
            negative = s == b'-';
            i += 1;
        }
    }
    if style.currency && !currency && b.get(i) == Some(&b'$') {
        currency = true;
        i += 1;
    }
    if currency {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let mut mantissa: u64 = 0;
    let mut overflow = false;
    let int_start = i;
    let mut group_len = 0usize;
    let mut grouped = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            if mantissa < 1_000_000_000_000_000_000 {
                mantissa = mantissa * 10 + u64::from(c - b'0');
            } else {
                overflow = true;
            }
            group_len += 1;
            i += 1;
        } else if Some(c) == style.group && c != style.decimal {
            if !grouped {
                if group_len == 0 || group_len > 3 {
                    return None;
                }
                grouped = true;
            } else if group_len != 3 {
                return None;
            }
            group_len = 0;
            i += 1;
        } else {
            break;
        }
    }
    let int_digits = i - int_start;
    if grouped && group_len != 3 {
        return None;
    }
    let leading_zero = !grouped && int_digits > 1 && b[int_start] == b'0';
    let mut frac = 0usize;
    let mut has_point = false;
    if i < b.len() && b[i] == style.decimal {
        has_point = true;
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            if mantissa < 1_000_000_000_000_000_000 {
                mantissa = mantissa * 10 + u64::from(b[i] - b'0');
                frac += 1;
            } else {
                overflow = true;
            }
            i += 1;
        }
        if int_digits == 0 && frac == 0 {
            return None;
        }
    } else if int_digits == 0 {
        return None;
    }
    let mut has_exp = false;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') && !grouped && !currency {
        has_exp = true;
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 4 {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let value = if !overflow && !has_exp && mantissa < (1u64 << 53) && frac < POW10.len() {
        mantissa as f64 / POW10[frac]
    } else {
        // Rare: long mantissas and exponents go through the standard parser.
        let cleaned: String = trim_ws(text)
            .bytes()
            .filter(|&c| {
                c.is_ascii_digit()
                    || c == style.decimal
                    || c == b'e'
                    || c == b'E'
                    || c == b'-'
                    || c == b'+'
            })
            .map(|c| if c == style.decimal { '.' } else { c as char })
            .collect();
        let v: f64 = cleaned.trim_start_matches(['-', '+']).parse().ok()?;
        v.abs()
    };
    let value = if negative { -value } else { value };
    let int = if !has_point && !has_exp && !overflow && mantissa <= i64::MAX as u64 {
        let m = mantissa as i64;
        Some(if negative { -m } else { m })
    } else {
        None
    };
    Some(NumScan {
        value,
        int,
        grouped,
        currency,
        leading_zero,
    })
}

/// Boolean words inference accepts (compared without case): Spanish and English.
pub(crate) fn bool_word(text: &str) -> Option<bool> {
    let t = trim_ws(text);
    if t.len() > 9 {
        return None;
    }
    let lower = |w: &str| t.eq_ignore_ascii_case(w);
    if lower("true")
        || lower("si")
        || lower("verdadero")
        || t == "sí"
        || t == "Sí"
        || t == "SÍ"
        || t == "sÍ"
    {
        Some(true)
    } else if lower("false") || lower("no") || lower("falso") {
        Some(false)
    } else {
        None
    }
}

/// Date layouts inference tries, and pass 2 parses quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// `2020-02-01` (Frictionless default).
    Iso,
    /// `01/02/2020`, day first.
    DmySlash,
    /// `01/02/20`.
    DmySlashShort,
    /// `01-02-2020`.
    DmyDash,
    /// `02/01/2020`, month first: only when the day-first reading fails.
    MdySlash,
    /// `01.02.2020`.
    DmyDot,
}

impl DateFormat {
    pub const ALL: [DateFormat; 6] = [
        DateFormat::Iso,
        DateFormat::DmySlash,
        DateFormat::DmySlashShort,
        DateFormat::DmyDash,
        DateFormat::MdySlash,
        DateFormat::DmyDot,
    ];

    /// The Frictionless `format` (`None` = default, ISO).
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            DateFormat::Iso => None,
            DateFormat::DmySlash => Some("%d/%m/%Y"),
            DateFormat::DmySlashShort => Some("%d/%m/%y"),
            DateFormat::DmyDash => Some("%d-%m-%Y"),
            DateFormat::MdySlash => Some("%m/%d/%Y"),
            DateFormat::DmyDot => Some("%d.%m.%Y"),
        }
    }

    /// How a clerk would write the format.
    pub fn spanish(self) -> &'static str {
        match self {
            DateFormat::Iso => "aaaa-mm-dd",
            DateFormat::DmySlash => "dd/mm/aaaa",
            DateFormat::DmySlashShort => "dd/mm/aa",
            DateFormat::DmyDash => "dd-mm-aaaa",
            DateFormat::MdySlash => "mm/dd/aaaa",
            DateFormat::DmyDot => "dd.mm.aaaa",
        }
    }

    pub fn from_pattern(pattern: Option<&str>) -> Option<DateFormat> {
        match pattern {
            None | Some("default") => Some(DateFormat::Iso),
            Some(p) => DateFormat::ALL.into_iter().find(|f| f.pattern() == Some(p)),
        }
    }

    pub fn parse(self, text: &str) -> Option<NaiveDate> {
        let b = trim_ws(text).as_bytes();
        match self {
            DateFormat::Iso => {
                let (y, rest) = digits(b, 4, 4)?;
                let rest = sep(rest, b'-')?;
                let (m, rest) = digits(rest, 1, 2)?;
                let rest = sep(rest, b'-')?;
                let (d, rest) = digits(rest, 1, 2)?;
                end(rest)?;
                NaiveDate::from_ymd_opt(y as i32, m, d)
            }
            DateFormat::DmySlash
            | DateFormat::DmyDash
            | DateFormat::DmyDot
            | DateFormat::DmySlashShort => {
                let s = match self {
                    DateFormat::DmyDash => b'-',
                    DateFormat::DmyDot => b'.',
                    _ => b'/',
                };
                let (d, rest) = digits(b, 1, 2)?;
                let rest = sep(rest, s)?;
                let (m, rest) = digits(rest, 1, 2)?;
                let rest = sep(rest, s)?;
                let y = if self == DateFormat::DmySlashShort {
                    let (y, rest) = digits(rest, 2, 2)?;
                    end(rest)?;
                    if y < 69 {
                        2000 + y
                    } else {
                        1900 + y
                    }
                } else {
                    let (y, rest) = digits(rest, 4, 4)?;
                    end(rest)?;
                    y
                };
                NaiveDate::from_ymd_opt(y as i32, m, d)
            }
            DateFormat::MdySlash => {
                let (m, rest) = digits(b, 1, 2)?;
                let rest = sep(rest, b'/')?;
                let (d, rest) = digits(rest, 1, 2)?;
                let rest = sep(rest, b'/')?;
                let (y, rest) = digits(rest, 4, 4)?;
                end(rest)?;
                NaiveDate::from_ymd_opt(y as i32, m, d)
            }
        }
    }
}

fn digits(b: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let n = b
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n < min {
        return None;
    }
    let v = b[..n]
        .iter()
        .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
    Some((v, &b[n..]))
}

fn sep(b: &[u8], s: u8) -> Option<&[u8]> {
    (b.first() == Some(&s)).then(|| &b[1..])
}

fn end(b: &[u8]) -> Option<()> {
    b.is_empty().then_some(())
}

/// `hh:mm[:ss[.ffffff]]`.
fn parse_time_bytes(b: &[u8]) -> Option<(NaiveTime, &[u8])> {
    let (h, rest) = digits(b, 1, 2)?;
    let rest = sep(rest, b':')?;
    let (m, mut rest) = digits(rest, 2, 2)?;
    let mut s = 0;
    let mut nanos = 0u32;
    if rest.first() == Some(&b':') {
        let (sec, r) = digits(&rest[1..], 2, 2)?;
        s = sec;
        rest = r;
        if rest.first() == Some(&b'.') || rest.first() == Some(&b',') {
            let frac = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if frac == 0 {
                return None;
            }
            for (k, &c) in rest[1..1 + frac.min(9)].iter().enumerate() {
                nanos += u32::from(c - b'0') * 10u32.pow(8 - k as u32);
            }
            rest = &rest[1 + frac..];
        }
    }
    Some((NaiveTime::from_hms_nano_opt(h, m, s, nanos)?, rest))
}

pub(crate) fn parse_time(text: &str) -> Option<NaiveTime> {
    let (t, rest) = parse_time_bytes(trim_ws(text).as_bytes())?;
    end(rest)?;
    Some(t)
}

/// Date-time layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateTimeFormat {
    /// `2020-02-01T10:30:00Z`, `2020-02-01 10:30`.
    Iso,
    /// `01/02/2020 10:30[:00]`.
    DmySlash,
}

impl DateTimeFormat {
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            DateTimeFormat::Iso => None,
            DateTimeFormat::DmySlash => Some("%d/%m/%Y %H:%M:%S"),
        }
    }

    pub fn parse(self, text: &str) -> Option<NaiveDateTime> {
        let b = trim_ws(text).as_bytes();
        let (date_part, sep_at) = match self {
            DateTimeFormat::Iso => (DateFormat::Iso, 10),
            DateTimeFormat::DmySlash => (DateFormat::DmySlash, memchr::memchr(b' ', b)?),
        };
        if b.len() <= sep_at || !(b[sep_at] == b'T' || b[sep_at] == b' ') {
            return None;
        }
        let date = date_part.parse(std::str::from_utf8(&b[..sep_at]).ok()?)?;
        let (time, rest) = parse_time_bytes(&b[sep_at + 1..])?;
        let naive = NaiveDateTime::new(date, time);
        // A zone moves the time to UTC; the column stores UTC.
        match rest {
            [] => Some(naive),
            [b'Z'] | [b'z'] => Some(naive),
            [s @ (b'+' | b'-'), zone @ ..] => {
                let (h, r) = digits(zone, 2, 2)?;
                let r = if r.first() == Some(&b':') { &r[1..] } else { r };
                let (m, r) = if r.is_empty() {
                    (0, r)
                } else {
                    digits(r, 2, 2)?
                };
                end(r)?;
                let offset = chrono::Duration::minutes(i64::from(h * 60 + m));
                Some(if *s == b'+' {
                    naive - offset
                } else {
                    naive + offset
                })
            }
            _ => None,
        }
    }
}

/// Everything needed to parse the cells of one field, prepared once.
#[derive(Debug, Clone)]
pub(crate) struct FieldParser {
    pub field_type: FieldType,
    style: NumStyle,
    date: Option<DateFormat>,
    datetime: Option<DateTimeFormat>,
    /// A strftime pattern none of the fast parsers knows.
    custom: Option<String>,
    any_format: bool,
    true_values: Vec<String>,
    false_values: Vec<String>,
}

impl FieldParser {
    pub fn new(field: &Field) -> FieldParser {
        let format = field.format.as_deref().filter(|f| !f.is_empty());
        let any_format = format == Some("any");
        let (date, datetime, custom) = match field.field_type {
            FieldType::Date => match DateFormat::from_pattern(format) {
                Some(f) => (Some(f), None, None),
                None if any_format => (None, None, None),
                None => (None, None, format.map(str::to_string)),
            },
            FieldType::Datetime => match format {
                None | Some("default") => (None, Some(DateTimeFormat::Iso), None),
                Some("%d/%m/%Y %H:%M:%S") => (None, Some(DateTimeFormat::DmySlash), None),
                Some("any") => (None, None, None),
                Some(f) => (None, None, Some(f.to_string())),
            },
            _ => (None, None, None),
        };
        let words = |v: &Option<Vec<String>>, default: &[&str]| {
            v.clone()
                .unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect())
        };
        FieldParser {
            field_type: field.field_type,
            style: NumStyle {
                group: field.group_char.as_deref().and_then(|g| g.bytes().next()),
                decimal: field
                    .decimal_char
                    .as_deref()
                    .and_then(|d| d.bytes().next())
                    .unwrap_or(b'.'),
                currency: field.bare_number == Some(false),
            },
            date,
            datetime,
            custom,
            any_format,
            true_values: words(&field.true_values, &["true", "True", "TRUE", "1"]),
            false_values: words(&field.false_values, &["false", "False", "FALSE", "0"]),
        }
    }

    /// The typed value of a non-missing cell, or `None` for a type error.
    pub fn parse<'a>(&self, cell: &'a str) -> Option<Parsed<'a>> {
        match self.field_type {
            FieldType::String | FieldType::Any => Some(Parsed::Text(cell)),
            FieldType::Integer => {
                let n = scan_number(cell, self.style)?;
                n.int.map(Parsed::Integer)
            }
            FieldType::Number => scan_number(cell, self.style).map(|n| Parsed::Number(n.value)),
            FieldType::Year => {
                let t = trim_ws(cell);
                let (y, rest) = digits(t.as_bytes(), 4, 4)?;
                end(rest)?;
                Some(Parsed::Integer(i64::from(y)))
            }
            FieldType::Boolean => {
                if self.true_values.iter().any(|w| w == cell) {
                    Some(Parsed::Boolean(true))
                } else if self.false_values.iter().any(|w| w == cell) {
                    Some(Parsed::Boolean(false))
                } else {
                    None
                }
            }
            FieldType::Date => {
                if let Some(f) = self.date {
                    f.parse(cell).map(Parsed::Date)
                } else if let Some(p) = &self.custom {
                    NaiveDate::parse_from_str(trim_ws(cell), p)
                        .ok()
                        .map(Parsed::Date)
                } else if self.any_format {
                    DateFormat::ALL
                        .iter()
                        .find_map(|f| f.parse(cell))
                        .map(Parsed::Date)
                } else {
                    None
                }
            }
            FieldType::Datetime => {
                if let Some(f) = self.datetime {
                    f.parse(cell).map(Parsed::DateTime)
                } else if let Some(p) = &self.custom {
                    NaiveDateTime::parse_from_str(trim_ws(cell), p)
                        .ok()
                        .map(Parsed::DateTime)
                } else {
                    [DateTimeFormat::Iso, DateTimeFormat::DmySlash]
                        .iter()
                        .find_map(|f| f.parse(cell))
                        .map(Parsed::DateTime)
                }
            }
            FieldType::Time => parse_time(cell).map(Parsed::Time),
            FieldType::Yearmonth => {
                let b = trim_ws(cell).as_bytes();
                let (_, rest) = digits(b, 4, 4)?;
                let (m, rest) = digits(sep(rest, b'-')?, 1, 2)?;
                end(rest)?;
                (1..=12).contains(&m).then_some(Parsed::Text(cell))
            }
            FieldType::Geopoint => {
                let (a, b) = cell.split_once(',')?;
                let style = NumStyle {
                    group: None,
                    decimal: b'.',
                    currency: false,
                };
                scan_number(a, style)?;
                scan_number(b, style)?;
                Some(Parsed::Text(cell))
            }
            FieldType::Duration => trim_ws(cell).starts_with('P').then_some(Parsed::Text(cell)),
            FieldType::Geojson | FieldType::Object => {
                let v: serde_json::Value = serde_json::from_str(cell).ok()?;
                v.is_object().then_some(Parsed::Text(cell))
            }
            FieldType::Array => {
                let v: serde_json::Value = serde_json::from_str(cell).ok()?;
                v.is_array().then_some(Parsed::Text(cell))
            }
        }
    }

    /// How the expected value is written, for messages ("dd/mm/aaaa").
    pub fn format_hint(&self) -> Option<&'static str> {
        self.date.map(DateFormat::spanish)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<f64> {
        scan_number(s, NumStyle::LIBERAL).map(|n| n.value)
    }

    #[test]
    fn numbers_with_groups_currency_and_signs() {
        assert_eq!(num("1234.5"), Some(1234.5));
        assert_eq!(num("1,234.56"), Some(1234.56));
        assert_eq!(num("$1,234.00"), Some(1234.0));
        assert_eq!(num("-1,306,521.00"), Some(-1_306_521.0));
        assert_eq!(num(" 248,114"), Some(248_114.0));
        assert_eq!(num("-$5"), Some(-5.0));
        assert_eq!(num("1e3"), Some(1000.0));
        assert_eq!(num(".5"), Some(0.5));
        assert_eq!(num("1,5"), None);
        assert_eq!(num("12,34"), None);
        assert_eq!(num("1234,567"), None);
        assert_eq!(num("-"), None);
        assert_eq!(num("N/A"), None);
        assert_eq!(num("3.6 million"), None);
        assert_eq!(num("19.4321703378,-99.19"), None);
        let n = scan_number("06700", NumStyle::LIBERAL).unwrap();
        assert!(n.leading_zero);
        assert!(!scan_number("0.5", NumStyle::LIBERAL).unwrap().leading_zero);
        assert_eq!(
            scan_number("-42", NumStyle::LIBERAL).unwrap().int,
            Some(-42)
        );
        assert_eq!(scan_number("42.0", NumStyle::LIBERAL).unwrap().int, None);
        assert_eq!(num("123456789012345678901234"), Some(1.2345678901234568e23));
        let strict = NumStyle {
            group: None,
            decimal: b'.',
            currency: false,
        };
        assert!(scan_number("1,234", strict).is_none());
        assert!(scan_number("$1", strict).is_none());
    }

    #[test]
    fn booleans_in_spanish_and_english() {
        for t in ["sí", "Sí", "SI", "si", "true", "TRUE", "Verdadero"] {
            assert_eq!(bool_word(t), Some(true), "{t}");
        }
        for f in ["no", "No", "false", "FALSO"] {
            assert_eq!(bool_word(f), Some(false), "{f}");
        }
        assert_eq!(bool_word("yes"), None);
        assert_eq!(bool_word("nombre"), None);
    }

    #[test]
    fn dates_day_first() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(DateFormat::DmySlash.parse("01/02/2020"), d(2020, 2, 1));
        assert_eq!(DateFormat::DmySlash.parse("1/2/2020"), d(2020, 2, 1));
        assert_eq!(DateFormat::DmySlashShort.parse("02/05/19"), d(2019, 5, 2));
        assert_eq!(DateFormat::DmyDash.parse("31-12-1999"), d(1999, 12, 31));
        assert_eq!(DateFormat::Iso.parse("2012-09-01"), d(2012, 9, 1));
        assert_eq!(DateFormat::Iso.parse("2024-13-01"), None);
        assert_eq!(DateFormat::MdySlash.parse("12/31/2020"), d(2020, 12, 31));
        assert_eq!(DateFormat::DmySlash.parse("12/31/2020"), None);
        assert_eq!(DateFormat::DmyDot.parse("01.06.2015"), d(2015, 6, 1));
    }

    #[test]
    fn datetimes_and_times() {
        let dt = DateTimeFormat::Iso.parse("2020-01-02T03:04:05Z").unwrap();
        assert_eq!(dt.to_string(), "2020-01-02 03:04:05");
        assert!(DateTimeFormat::Iso.parse("2020-01-02 03:04").is_some());
        let shifted = DateTimeFormat::Iso
            .parse("2020-01-02T03:04:05-06:00")
            .unwrap();
        assert_eq!(shifted.to_string(), "2020-01-02 09:04:05");
        assert!(DateTimeFormat::DmySlash
            .parse("02/01/2020 10:30:00")
            .is_some());
        assert!(parse_time("00:00:24.380000").is_some());
        assert!(parse_time("25:00").is_none());
    }

    #[test]
    fn field_parser_follows_the_schema() {
        let mut f = Field::new("x", FieldType::Boolean);
        let p = FieldParser::new(&f);
        assert_eq!(p.parse("1"), Some(Parsed::Boolean(true)));
        assert_eq!(p.parse("yes"), None);
        f.field_type = FieldType::Date;
        f.format = Some("%d.%m.%Y".into());
        assert!(FieldParser::new(&f).parse("01.06.2015").is_some());
        f.format = Some("%Y/%j".into());
        assert!(FieldParser::new(&f).parse("2020/032").is_some());
        let int = FieldParser::new(&Field::new("i", FieldType::Integer));
        assert_eq!(int.parse(" 800"), Some(Parsed::Integer(800)));
        assert_eq!(int.parse("3.6 million"), None);
        assert_eq!(int.parse("1,000"), None);
    }
}
