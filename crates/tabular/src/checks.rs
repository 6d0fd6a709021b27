//! The Frictionless checks applied to each row in pass 1: structure (blank
//! row, extra and missing cells), encoding, and either type inference (no
//! schema given) or types and constraints of the given schema, with unique and
//! primary-key checks.

use std::collections::HashMap;
use std::hash::BuildHasher;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::encoding::TextRecord;
use crate::infer::ColumnInfer;
use crate::report::{message, ReportBuilder, ReportError};
use crate::schema::{Field, FieldType, Schema};
use crate::stats::{ColumnStats, StatsAcc};
use crate::types::{trim_ws, FieldParser, Parsed};
use crate::Value;

/// Is this cell a missing value? A cell of only white space counts as `""`.
pub(crate) fn is_missing(cell: &str, missing: &[String]) -> bool {
    if missing.iter().any(|m| m == cell) {
        return true;
    }
    cell.len() < 64 && trim_ws(cell).is_empty() && missing.iter().any(|m| m.is_empty())
}

/// A row whose every cell is missing.
pub(crate) fn is_blank(rec: &TextRecord, missing: &[String]) -> bool {
    (0..rec.len()).all(|i| is_missing(rec.cell(i), missing))
}

#[derive(Debug, Clone, Copy)]
enum Bound {
    Num(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Time(NaiveTime),
}

impl Bound {
    fn of(json: &serde_json::Value, parser: &FieldParser) -> Option<Bound> {
        if let Some(n) = json.as_f64() {
            return Some(Bound::Num(n));
        }
        let text = json.as_str()?;
        match parser.parse(text)? {
            Parsed::Integer(i) => Some(Bound::Num(i as f64)),
            Parsed::Number(n) => Some(Bound::Num(n)),
            Parsed::Date(d) => Some(Bound::Date(d)),
            Parsed::DateTime(d) => Some(Bound::DateTime(d)),
            Parsed::Time(t) => Some(Bound::Time(t)),
            _ => None,
        }
    }

    /// `Some(ordering of value against the bound)` when comparable.
    fn compare(self, v: Parsed<'_>) -> Option<std::cmp::Ordering> {
        match (self, v) {
            (Bound::Num(b), p) => p.as_f64()?.partial_cmp(&b),
            (Bound::Date(b), Parsed::Date(d)) => Some(d.cmp(&b)),
            (Bound::DateTime(b), Parsed::DateTime(d)) => Some(d.cmp(&b)),
            (Bound::Time(b), Parsed::Time(t)) => Some(t.cmp(&b)),
            _ => None,
        }
    }
}

/// A field of the given schema, ready to check cells.
struct SchemaField {
    field: Field,
    parser: FieldParser,
    minimum: Option<Bound>,
    maximum: Option<Bound>,
    pattern: Option<regex_lite::Regex>,
    enumeration: Option<Vec<Value>>,
    seen: Option<HashMap<u64, u64>>,
}

enum Mode {
    Infer(Vec<ColumnInfer>),
    Schema {
        fields: Vec<SchemaField>,
        key: Vec<usize>,
        key_seen: HashMap<u64, u64>,
    },
}

/// Pass 1's per-row work.
pub(crate) struct Checker {
    names: Vec<String>,
    titles: Option<Vec<String>>,
    mode: Mode,
    missing: Vec<String>,
    pub report: ReportBuilder,
    stats: Vec<StatsAcc>,
    /// Rows after the header (blank ones too).
    pub rows_total: u64,
    /// Rows pass 2 will yield.
    pub data_rows: u64,
    encoding_label: String,
    encoding_fallback: bool,
    hasher: foldhash::quality::FixedState,
    cells_scratch: Vec<String>,
}

/// What pass 1 produced.
pub(crate) struct Finished {
    pub schema: Schema,
    pub report: ReportBuilder,
    pub columns: Vec<ColumnStats>,
    pub points: Vec<u64>,
    pub notices: Vec<(String, String)>,
}

impl Checker {
    /// Infers types; `names` are the field names made from the labels.
    pub fn infer(names: Vec<String>, titles: Option<Vec<String>>, per_type: usize) -> Checker {
        let width = names.len();
        Checker {
            mode: Mode::Infer((0..width).map(|_| ColumnInfer::new(per_type)).collect()),
            stats: vec![StatsAcc::default(); width],
            names,
            titles,
            missing: vec![String::new()],
            report: ReportBuilder::new(per_type),
            rows_total: 0,
            data_rows: 0,
            encoding_label: String::new(),
            encoding_fallback: true,
            hasher: foldhash::quality::FixedState::default(),
            cells_scratch: Vec::new(),
        }
    }

    /// Validates against `schema`.
    pub fn with_schema(schema: &Schema, per_type: usize) -> Checker {
        let fields: Vec<SchemaField> = schema
            .fields
            .iter()
            .map(|f| {
                let parser = FieldParser::new(f);
                let c = &f.constraints;
                SchemaField {
                    minimum: c.minimum.as_ref().and_then(|j| Bound::of(j, &parser)),
                    maximum: c.maximum.as_ref().and_then(|j| Bound::of(j, &parser)),
                    pattern: c
                        .pattern
                        .as_ref()
                        .and_then(|p| regex_lite::Regex::new(&format!("^(?:{p})$")).ok()),
                    enumeration: c.enum_.as_ref().map(|values| {
                        values
                            .iter()
                            .filter_map(|j| {
                                let text = match j {
                                    serde_json::Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                };
                                parser.parse(&text).map(|p| p.to_value())
                            })
                            .collect()
                    }),
                    seen: (c.unique == Some(true)).then(HashMap::new),
                    parser,
                    field: f.clone(),
                }
            })
            .collect();
        let key = schema
            .primary_key
            .iter()
            .filter_map(|k| schema.fields.iter().position(|f| &f.name == k))
            .collect();
        let width = fields.len();
        Checker {
            names: schema.field_names(),
            titles: None,
            mode: Mode::Schema {
                fields,
                key,
                key_seen: HashMap::new(),
            },
            stats: vec![StatsAcc::default(); width],
            missing: schema.missing_values.clone(),
            report: ReportBuilder::new(per_type),
            rows_total: 0,
            data_rows: 0,
            encoding_label: String::new(),
            encoding_fallback: true,
            hasher: foldhash::quality::FixedState::default(),
            cells_scratch: Vec::new(),
        }
    }

    pub fn set_encoding(&mut self, label: &str, fallback: bool) {
        self.encoding_label = label.to_string();
        self.encoding_fallback = fallback;
    }

    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// Label checks: blank and duplicate labels, or labels that differ from
    /// the given schema.
    pub fn check_labels(&mut self, labels: &[String]) {
        let collapsed: Vec<String> = labels.iter().map(|l| crate::header::collapse(l)).collect();
        if let Mode::Schema { fields, .. } = &self.mode {
            let names: Vec<String> = fields.iter().map(|f| f.field.name.clone()).collect();
            for (i, name) in names.iter().enumerate() {
                let n = i as u64 + 1;
                match collapsed.get(i) {
                    None => {
                        if self.report.wants("missing-label") {
                            self.report.push(label_error(
                                "missing-label",
                                n,
                                name,
                                None,
                                message::missing_label(n, name),
                            ));
                        }
                    }
                    Some(label) if label.is_empty() => {
                        if self.report.wants("blank-label") {
                            self.report.push(label_error(
                                "blank-label",
                                n,
                                name,
                                Some(""),
                                message::blank_label(n),
                            ));
                        }
                    }
                    Some(label) if label != name => {
                        if self.report.wants("incorrect-label") {
                            let msg = message::incorrect_label(n, label, name);
                            self.report.push(label_error(
                                "incorrect-label",
                                n,
                                name,
                                Some(label),
                                msg,
                            ));
                        }
                    }
                    Some(_) => {}
                }
            }
            for (i, label) in collapsed.iter().enumerate().skip(names.len()) {
                let n = i as u64 + 1;
                if self.report.wants("extra-label") {
                    self.report.push(label_error(
                        "extra-label",
                        n,
                        label,
                        Some(label),
                        message::extra_label(n, label),
                    ));
                }
            }
            return;
        }
        for (i, label) in collapsed.iter().enumerate() {
            let n = i as u64 + 1;
            let name = self.names.get(i).cloned().unwrap_or_default();
            if label.is_empty() {
                if self.report.wants("blank-label") {
                    self.report.push(label_error(
                        "blank-label",
                        n,
                        &name,
                        Some(""),
                        message::blank_label(n),
                    ));
                }
            } else if let Some(first) = collapsed[..i].iter().position(|l| l == label) {
                if self.report.wants("duplicate-label") {
                    let msg = message::duplicate_label(n, label, first as u64 + 1, &name);
                    let mut e = label_error("duplicate-label", n, &name, Some(label), msg);
                    e.note = format!("at position \"{}\"", first + 1);
                    self.report.push(e);
                }
            }
        }
    }

    fn row_cells(rec: &TextRecord, out: &mut Vec<String>) {
        out.clear();
        out.extend((0..rec.len()).map(|i| rec.cell(i).to_string()));
    }

    /// Checks one row after the header. `bad` is the offset of a byte that did
    /// not fit the encoding. Returns `true` for a data row (not blank).
    pub fn check_row(&mut self, row: u64, rec: &TextRecord, bad: Option<u64>) -> bool {
        self.rows_total += 1;
        if is_blank(rec, &self.missing) {
            if self.report.wants("blank-row") {
                self.report.push(ReportError {
                    code: "blank-row".into(),
                    row_number: Some(row),
                    message: message::blank_row(row),
                    ..ReportError::default()
                });
            }
            // Frictionless still checks the key of a blank row: all of it is empty.
            if let Mode::Schema { key, .. } = &self.mode {
                if !key.is_empty() && self.report.wants("primary-key") {
                    self.report.push(ReportError {
                        code: "primary-key".into(),
                        row_number: Some(row),
                        message: message::primary_key(row, None),
                        note: "cells composing the primary keys are all None".into(),
                        ..ReportError::default()
                    });
                }
            }
            return false;
        }
        self.data_rows += 1;
        if let Some(offset) = bad {
            if self.report.wants("encoding-error") {
                Self::row_cells(rec, &mut self.cells_scratch);
                self.report.push(ReportError {
                    code: "encoding-error".into(),
                    row_number: Some(row),
                    cells: self.cells_scratch.clone(),
                    message: message::encoding(
                        row,
                        offset,
                        &self.encoding_label,
                        self.encoding_fallback,
                    ),
                    note: format!("byte at position {offset}"),
                    ..ReportError::default()
                });
            }
        }
        let width = self.names.len();
        let n = rec.len();
        match &mut self.mode {
            Mode::Infer(columns) => {
                for (i, col) in columns.iter_mut().enumerate().take(n.min(width)) {
                    let cell = rec.cell(i);
                    if is_missing(cell, &self.missing) {
                        self.stats[i].null();
                    } else {
                        col.observe(row, cell);
                        self.stats[i].value(cell);
                    }
                }
            }
            Mode::Schema {
                fields,
                key,
                key_seen,
            } => {
                for (i, f) in fields.iter_mut().enumerate().take(n.min(width)) {
                    let cell = rec.cell(i);
                    let stats = &mut self.stats[i];
                    if is_missing(cell, &self.missing) {
                        stats.null();
                        if f.field.constraints.required == Some(true)
                            && self.report.wants("constraint-error")
                        {
                            self.report.push(cell_error(
                                "constraint-error",
                                row,
                                i,
                                &f.field.name,
                                cell,
                                rec,
                                message::required(row, &f.field.name),
                                "constraint \"required\" is \"True\"".into(),
                            ));
                        }
                        continue;
                    }
                    stats.value(cell);
                    let Some(value) = f.parser.parse(cell) else {
                        if self.report.wants("type-error") {
                            let msg = message::type_error(
                                row,
                                &f.field.name,
                                cell,
                                f.field.field_type.spanish(),
                                f.parser.format_hint(),
                            );
                            let note = format!(
                                "type is \"{}/{}\"",
                                f.field.field_type.name(),
                                f.field.format.as_deref().unwrap_or("default")
                            );
                            self.report.push(cell_error(
                                "type-error",
                                row,
                                i,
                                &f.field.name,
                                cell,
                                rec,
                                msg,
                                note,
                            ));
                        }
                        continue;
                    };
                    stats_bound(stats, value);
                    for (rule, note) in broken_constraints(f, cell, value) {
                        if self.report.wants("constraint-error") {
                            let msg = message::constraint(row, &f.field.name, cell, &rule);
                            self.report.push(cell_error(
                                "constraint-error",
                                row,
                                i,
                                &f.field.name,
                                cell,
                                rec,
                                msg,
                                note,
                            ));
                        }
                    }
                    if let Some(seen) = &mut f.seen {
                        let h = self.hasher.hash_one(trim_ws(cell));
                        if let Some(&first) = seen.get(&h) {
                            if self.report.wants("unique-error") {
                                let msg = message::unique(row, &f.field.name, cell, first);
                                let note = format!("the same as in the row at position {first}");
                                self.report.push(cell_error(
                                    "unique-error",
                                    row,
                                    i,
                                    &f.field.name,
                                    cell,
                                    rec,
                                    msg,
                                    note,
                                ));
                            }
                        } else {
                            seen.insert(h, row);
                        }
                    }
                }
                if !key.is_empty() {
                    let cells: Vec<&str> = key
                        .iter()
                        .map(|&k| if k < n { trim_ws(rec.cell(k)) } else { "" })
                        .collect();
                    let all_null = key
                        .iter()
                        .all(|&k| k >= n || is_missing(rec.cell(k), &self.missing));
                    let first = if all_null {
                        Some(None)
                    } else {
                        let h = self.hasher.hash_one(cells.join("\u{1f}"));
                        match key_seen.get(&h) {
                            Some(&first) => Some(Some(first)),
                            None => {
                                key_seen.insert(h, row);
                                None
                            }
                        }
                    };
                    if let Some(first) = first {
                        if self.report.wants("primary-key") {
                            Self::row_cells(rec, &mut self.cells_scratch);
                            self.report.push(ReportError {
                                code: "primary-key".into(),
                                row_number: Some(row),
                                cells: self.cells_scratch.clone(),
                                message: message::primary_key(row, first),
                                note: match first {
                                    Some(f) => format!("the same as in the row at position {f}"),
                                    None => "cells composing the primary keys are all None".into(),
                                },
                                ..ReportError::default()
                            });
                        }
                    }
                }
            }
        }
        for i in width..n {
            if self.report.wants("extra-cell") {
                let cell = rec.cell(i);
                let msg = message::extra_cell(row, i as u64 + 1, cell);
                self.report.push(cell_error(
                    "extra-cell",
                    row,
                    i,
                    "",
                    cell,
                    rec,
                    msg,
                    String::new(),
                ));
            }
        }
        for i in n..width {
            if self.report.wants("missing-cell") {
                let msg = message::missing_cell(row, i as u64 + 1, &self.names[i]);
                let name = self.names[i].clone();
                self.report.push(cell_error(
                    "missing-cell",
                    row,
                    i,
                    &name,
                    "",
                    rec,
                    msg,
                    String::new(),
                ));
            }
        }
        true
    }

    /// Ends pass 1: picks the inferred types and collects type errors.
    pub fn finish(self) -> Finished {
        let mut report = self.report;
        let mut notices = Vec::new();
        match self.mode {
            Mode::Schema { fields, .. } => {
                let columns = self
                    .stats
                    .into_iter()
                    .zip(&fields)
                    .map(|(s, f)| s.finish(&f.field.name))
                    .collect();
                let schema = Schema {
                    fields: fields.into_iter().map(|f| f.field).collect(),
                    missing_values: self.missing,
                    ..Schema::default()
                };
                Finished {
                    schema,
                    report,
                    columns,
                    points: Vec::new(),
                    notices,
                }
            }
            Mode::Infer(infers) => {
                let mut schema = Schema::default();
                let mut columns = Vec::with_capacity(infers.len());
                let mut points = Vec::with_capacity(infers.len());
                let mut dash = false;
                for (i, (col, mut stats)) in infers.into_iter().zip(self.stats).enumerate() {
                    points.push(col.points);
                    let name = &self.names[i];
                    let inferred = col.finish(name);
                    let mut field = inferred.field;
                    if let Some(titles) = &self.titles {
                        field.title = titles.get(i).filter(|t| !t.is_empty()).cloned();
                    }
                    if field.field_type != FieldType::String && inferred.uses_dash {
                        dash = true;
                    }
                    report.count_only("type-error", inferred.errors);
                    let what = field.field_type.spanish();
                    let hint = crate::types::FieldParser::new(&field).format_hint();
                    for miss in inferred.misses {
                        report.push(ReportError {
                            code: "type-error".into(),
                            row_number: Some(miss.row),
                            field_number: Some(i as u64 + 1),
                            field_name: Some(name.clone()),
                            message: message::type_error(miss.row, name, &miss.cell, what, hint),
                            note: format!(
                                "type is \"{}/{}\"",
                                field.field_type.name(),
                                field.format.as_deref().unwrap_or("default")
                            ),
                            cell: Some(miss.cell),
                            ..ReportError::default()
                        });
                    }
                    stats.min = inferred.min;
                    stats.max = inferred.max;
                    columns.push(stats.finish(name));
                    schema.fields.push(field);
                }
                if dash {
                    schema.missing_values.push("-".into());
                    notices.push((
                        "dash-null".into(),
                        "Un guion solo («-») se tomó como celda vacía en las columnas de números y fechas".into(),
                    ));
                }
                Finished {
                    schema,
                    report,
                    columns,
                    points,
                    notices,
                }
            }
        }
    }
}

fn stats_bound(stats: &mut StatsAcc, value: Parsed<'_>) {
    let v = match value {
        Parsed::Integer(_) | Parsed::Number(_) => {
            if let Some(f) = value.as_f64() {
                stats.bound(f);
            }
            return;
        }
        Parsed::Date(_) | Parsed::DateTime(_) | Parsed::Time(_) => value.to_value(),
        _ => return,
    };
    let less = |a: &Value, b: &Value| match (a, b) {
        (Value::Date(x), Value::Date(y)) => x < y,
        (Value::DateTime(x), Value::DateTime(y)) => x < y,
        (Value::Time(x), Value::Time(y)) => x < y,
        _ => false,
    };
    if stats.min.as_ref().is_none_or(|m| less(&v, m)) {
        stats.min = Some(v.clone());
    }
    if stats.max.as_ref().is_none_or(|m| less(m, &v)) {
        stats.max = Some(v);
    }
}

/// The constraints a typed cell breaks: (Spanish rule, Frictionless note).
fn broken_constraints(f: &SchemaField, cell: &str, value: Parsed<'_>) -> Vec<(String, String)> {
    let c = &f.field.constraints;
    let mut out = Vec::new();
    let show = |j: &Option<serde_json::Value>| match j {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    if let Some(b) = f.minimum {
        if b.compare(value) == Some(std::cmp::Ordering::Less) {
            let m = show(&c.minimum);
            out.push((
                format!("menor que el mínimo permitido ({m})"),
                format!("constraint \"minimum\" is \"{m}\""),
            ));
        }
    }
    if let Some(b) = f.maximum {
        if b.compare(value) == Some(std::cmp::Ordering::Greater) {
            let m = show(&c.maximum);
            out.push((
                format!("mayor que el máximo permitido ({m})"),
                format!("constraint \"maximum\" is \"{m}\""),
            ));
        }
    }
    let len = cell.chars().count() as u64;
    if let Some(min) = c.min_length {
        if len < min {
            out.push((
                format!("más corto que el mínimo de {min} caracteres"),
                format!("constraint \"minLength\" is \"{min}\""),
            ));
        }
    }
    if let Some(max) = c.max_length {
        if len > max {
            out.push((
                format!("más largo que el máximo de {max} caracteres"),
                format!("constraint \"maxLength\" is \"{max}\""),
            ));
        }
    }
    if let (Some(re), Some(p)) = (&f.pattern, &c.pattern) {
        if !re.is_match(cell) {
            out.push((
                "que no tiene la forma esperada".into(),
                format!("constraint \"pattern\" is \"{p}\""),
            ));
        }
    }
    if let Some(values) = &f.enumeration {
        let v = value.to_value();
        if !values.contains(&v) {
            let shown: Vec<String> = values
                .iter()
                .map(|v| match v {
                    Value::Text(s) => s.clone(),
                    other => format!("{other:?}"),
                })
                .collect();
            out.push((
                format!(
                    "que no es uno de los valores permitidos ({})",
                    shown.join(", ")
                ),
                format!("constraint \"enum\" is \"{shown:?}\""),
            ));
        }
    }
    out
}

fn label_error(
    code: &str,
    field: u64,
    name: &str,
    label: Option<&str>,
    message: String,
) -> ReportError {
    ReportError {
        code: code.into(),
        field_number: Some(field),
        field_name: Some(name.to_string()),
        cell: label.map(str::to_string),
        message,
        ..ReportError::default()
    }
}

#[allow(clippy::too_many_arguments)]
fn cell_error(
    code: &str,
    row: u64,
    index: usize,
    name: &str,
    cell: &str,
    rec: &TextRecord,
    message: String,
    note: String,
) -> ReportError {
    ReportError {
        code: code.into(),
        row_number: Some(row),
        field_number: Some(index as u64 + 1),
        field_name: Some(name.to_string()),
        cell: Some(cell.to_string()),
        cells: (0..rec.len()).map(|i| rec.cell(i).to_string()).collect(),
        message,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(cells: &[&str]) -> TextRecord {
        let mut r = TextRecord::default();
        for c in cells {
            r.push(c);
        }
        r
    }

    fn codes(checker: Checker) -> Vec<String> {
        let finished = checker.finish();
        let report = finished.report.finish(vec![], Default::default());
        report
            .errors
            .iter()
            .map(|e| format!("{}@{:?}:{:?}", e.code, e.row_number, e.field_number))
            .collect()
    }

    #[test]
    fn structure_checks() {
        let mut c = Checker::infer(vec!["a".into(), "b".into()], None, 100);
        c.check_labels(&["a".into(), "b".into()]);
        assert!(c.check_row(2, &rec(&["1", "x"]), None));
        assert!(!c.check_row(3, &rec(&["", " "]), None));
        c.check_row(4, &rec(&["1"]), None);
        c.check_row(5, &rec(&["1", "2", "3"]), None);
        assert_eq!(
            codes(c),
            vec![
                "blank-row@Some(3):None",
                "missing-cell@Some(4):Some(2)",
                "extra-cell@Some(5):Some(3)"
            ]
        );
    }

    #[test]
    fn constraints_unique_and_primary_key() {
        let schema = Schema::from_json(
            r#"{"fields":[{"name":"id","type":"integer","constraints":{"unique":true,"minimum":1}},
                {"name":"d","type":"date","constraints":{"maximum":"2020-12-31","enum":["2020-01-01","2021-01-01"]}},
                {"name":"s","type":"string","constraints":{"required":true,"pattern":"[a-z]+","maxLength":3}}],
                "primaryKey":["id"]}"#,
        )
        .unwrap();
        let mut c = Checker::with_schema(&schema, 100);
        c.check_row(2, &rec(&["1", "2020-01-01", "abc"]), None);
        c.check_row(3, &rec(&["1", "2021-01-01", "ABCD"]), None);
        c.check_row(4, &rec(&["0", "x", ""]), None);
        assert_eq!(
            codes(c),
            vec![
                "primary-key@Some(3):None",
                "unique-error@Some(3):Some(1)",
                "constraint-error@Some(3):Some(2)",
                "constraint-error@Some(3):Some(3)",
                "constraint-error@Some(3):Some(3)",
                "constraint-error@Some(4):Some(1)",
                "type-error@Some(4):Some(2)",
                "constraint-error@Some(4):Some(3)",
            ]
        );
    }
}
