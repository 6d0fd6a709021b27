//! The validation report: Frictionless error codes with plain Spanish
//! messages, a cap on how many of each code are kept (all are counted), and the
//! JSON shape `frictionless validate --json` prints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

/// What pass 1 found wrong with the table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub valid: bool,
    /// The first `errors_per_type` findings of each code, in file order.
    pub errors: Vec<ReportError>,
    /// Every finding counted per code, including those not kept.
    pub counts: BTreeMap<String, u64>,
    /// The header labels as read.
    pub labels: Vec<String>,
    pub stats: ReportStats,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportStats {
    /// Rows after the header, blank rows included (as Frictionless counts).
    pub rows: u64,
    pub fields: u64,
    pub bytes: u64,
    /// All findings, kept or not.
    pub errors: u64,
}

/// One finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportError {
    /// Frictionless code: `type-error`, `blank-row`…
    pub code: String,
    pub row_number: Option<u64>,
    pub field_number: Option<u64>,
    pub field_name: Option<String>,
    pub cell: Option<String>,
    /// The whole row, when the finding is about a row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// What a municipal clerk reads.
    pub message: String,
    /// The technical detail (constraint and its value, type and format).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Report {
    /// How many findings of `code` there were.
    pub fn count(&self, code: &str) -> u64 {
        self.counts.get(code).copied().unwrap_or(0)
    }

    /// The report as `frictionless validate --json` prints it, for one table.
    pub fn to_frictionless_json(&self, place: &str) -> serde_json::Value {
        let name = std::path::Path::new(place)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(place)
            .to_lowercase();
        let errors: Vec<serde_json::Value> = self
            .errors
            .iter()
            .map(|e| e.to_frictionless_json(&self.labels))
            .collect();
        json!({
            "valid": self.valid,
            "stats": {"tasks": 1, "errors": self.stats.errors, "warnings": 0, "seconds": 0.0},
            "warnings": [],
            "errors": [],
            "tasks": [{
                "name": name,
                "type": "table",
                "valid": self.valid,
                "place": place,
                "labels": self.labels,
                "stats": {
                    "errors": self.stats.errors,
                    "warnings": 0,
                    "seconds": 0.0,
                    "bytes": self.stats.bytes,
                    "fields": self.stats.fields,
                    "rows": self.stats.rows,
                },
                "warnings": [],
                "errors": errors,
            }],
        })
    }
}

impl ReportError {
    fn to_frictionless_json(&self, labels: &[String]) -> serde_json::Value {
        let (title, description, tags) = describe(&self.code);
        let mut obj = json!({
            "type": self.code,
            "title": title,
            "description": description,
            "message": self.message,
            "tags": tags,
            "note": self.note,
        });
        let map = match obj.as_object_mut() {
            Some(m) => m,
            None => return obj,
        };
        let label_error = matches!(
            self.code.as_str(),
            "blank-label" | "duplicate-label" | "incorrect-label" | "extra-label" | "missing-label"
        );
        if label_error {
            map.insert("labels".into(), json!(labels));
            map.insert("rowNumbers".into(), json!([1]));
            if let Some(cell) = &self.cell {
                map.insert("label".into(), json!(cell));
            }
        } else if let Some(row) = self.row_number {
            map.insert("cells".into(), json!(self.cells));
            map.insert("rowNumber".into(), json!(row));
            if self.field_number.is_some() {
                map.insert("cell".into(), json!(self.cell.clone().unwrap_or_default()));
            }
        }
        if let Some(name) = &self.field_name {
            map.insert("fieldName".into(), json!(name));
        }
        if let Some(n) = self.field_number {
            map.insert("fieldNumber".into(), json!(n));
        }
        obj
    }
}

/// Spanish title, description and Frictionless tags of each code.
fn describe(code: &str) -> (&'static str, &'static str, Vec<&'static str>) {
    let row_cell = vec!["#table", "#row", "#cell"];
    let label = vec!["#table", "#header", "#label"];
    match code {
        "blank-label" => ("Encabezado vacío", "Una columna no tiene nombre en la fila de encabezado.", label),
        "duplicate-label" => ("Encabezado repetido", "Dos columnas tienen el mismo nombre; cada columna debe tener un nombre distinto.", label),
        "incorrect-label" => ("Encabezado distinto del esquema", "El nombre de la columna en el archivo no coincide con el del esquema.", label),
        "extra-label" => ("Columna de más", "El archivo tiene una columna que el esquema no describe.", label),
        "missing-label" => ("Falta una columna", "El esquema describe una columna que el archivo no tiene.", label),
        "blank-row" => ("Fila vacía", "La fila no tiene ningún valor.", vec!["#table", "#row"]),
        "extra-cell" => ("Celda de más", "La fila tiene más valores que el encabezado; todas las filas deben tener el mismo número de columnas.", row_cell),
        "missing-cell" => ("Falta una celda", "La fila tiene menos valores que el encabezado; todas las filas deben tener el mismo número de columnas.", row_cell),
        "type-error" => ("Tipo incorrecto", "El valor no corresponde al tipo (número, fecha…) de la columna.", row_cell),
        "constraint-error" => ("Regla no cumplida", "El valor no cumple una regla del esquema (obligatorio, mínimo, máximo, patrón, lista de valores).", row_cell),
        "unique-error" => ("Valor repetido", "La columna debe tener valores únicos y este ya apareció.", row_cell),
        "primary-key" => ("Clave primaria repetida", "La combinación de valores que identifica la fila ya apareció o está vacía.", vec!["#table", "#row"]),
        "encoding-error" => ("Error de codificación", "Algunos bytes no corresponden a la codificación del archivo.", vec!["#table"]),
        _ => ("Error", "", vec!["#table"]),
    }
}

/// Collects findings, keeping the first `per_type` of each code.
#[derive(Debug, Clone)]
pub(crate) struct ReportBuilder {
    pub errors: Vec<ReportError>,
    pub counts: BTreeMap<String, u64>,
    per_type: usize,
}

impl ReportBuilder {
    pub fn new(per_type: usize) -> ReportBuilder {
        ReportBuilder {
            errors: Vec::new(),
            counts: BTreeMap::new(),
            per_type,
        }
    }

    /// Counts one finding of `code`; `true` if it should be kept (then build
    /// and `push` it — messages are only written for kept findings).
    pub fn wants(&mut self, code: &str) -> bool {
        let count = match self.counts.get_mut(code) {
            Some(c) => c,
            None => self.counts.entry(code.to_string()).or_insert(0),
        };
        *count += 1;
        *count <= self.per_type as u64
    }

    /// Counts `n` findings of `code` without keeping them here.
    pub fn count_only(&mut self, code: &str, n: u64) {
        if n == 0 {
            return;
        }
        *self.counts.entry(code.to_string()).or_insert(0) += n;
    }

    pub fn push(&mut self, error: ReportError) {
        self.errors.push(error);
    }

    pub fn finish(mut self, labels: Vec<String>, mut stats: ReportStats) -> Report {
        self.errors
            .sort_by_key(|e| (e.row_number.unwrap_or(0), e.field_number.unwrap_or(0)));
        // Keep the first N of each code in file order.
        let mut kept: BTreeMap<String, usize> = BTreeMap::new();
        let per_type = self.per_type;
        self.errors.retain(|e| {
            let k = kept.entry(e.code.clone()).or_insert(0);
            *k += 1;
            *k <= per_type
        });
        stats.errors = self.counts.values().sum();
        Report {
            valid: stats.errors == 0,
            errors: self.errors,
            counts: self.counts,
            labels,
            stats,
        }
    }
}

/// Spanish messages, one place for all.
pub(crate) mod message {
    fn q(s: &str) -> String {
        let shown: String = s.chars().take(80).collect();
        if shown.len() < s.len() {
            format!("\"{shown}…\"")
        } else {
            format!("\"{shown}\"")
        }
    }

    pub fn blank_label(field: u64) -> String {
        format!("La columna {field} no tiene nombre en el encabezado.")
    }

    pub fn duplicate_label(field: u64, label: &str, first: u64, renamed: &str) -> String {
        format!(
            "La columna {field} se llama {}, igual que la columna {first}; se le dio el nombre {}.",
            q(label),
            q(renamed)
        )
    }

    pub fn incorrect_label(field: u64, label: &str, expected: &str) -> String {
        format!(
            "La columna {field} se llama {} en el archivo, pero el esquema espera {}.",
            q(label),
            q(expected)
        )
    }

    pub fn missing_label(field: u64, expected: &str) -> String {
        format!(
            "El archivo no tiene la columna {field} ({}) que pide el esquema.",
            q(expected)
        )
    }

    pub fn extra_label(field: u64, label: &str) -> String {
        format!("La columna {field} ({}) no está en el esquema.", q(label))
    }

    pub fn blank_row(row: u64) -> String {
        format!("La fila {row} está vacía.")
    }

    pub fn extra_cell(row: u64, field: u64, cell: &str) -> String {
        format!(
            "La fila {row} tiene más celdas que el encabezado: sobra la celda {field} ({}).",
            q(cell)
        )
    }

    pub fn missing_cell(row: u64, field: u64, name: &str) -> String {
        format!(
            "A la fila {row} le falta la celda de la columna {} (columna {field}).",
            q(name)
        )
    }

    pub fn type_error(
        row: u64,
        name: &str,
        cell: &str,
        what: &str,
        format: Option<&str>,
    ) -> String {
        match format {
            Some(f) => format!(
                "En la fila {row}, la columna {} dice {}, que no es {what} con formato {f}.",
                q(name),
                q(cell)
            ),
            None => format!(
                "En la fila {row}, la columna {} dice {}, que no es {what}.",
                q(name),
                q(cell)
            ),
        }
    }

    pub fn required(row: u64, name: &str) -> String {
        format!(
            "En la fila {row}, la columna {} está vacía y es obligatoria.",
            q(name)
        )
    }

    pub fn constraint(row: u64, name: &str, cell: &str, rule: &str) -> String {
        format!(
            "En la fila {row}, la columna {} dice {}, {rule}.",
            q(name),
            q(cell)
        )
    }

    pub fn unique(row: u64, name: &str, cell: &str, first: u64) -> String {
        format!(
            "En la fila {row}, la columna {} repite el valor {} de la fila {first}, y no debe repetirse.",
            q(name),
            q(cell)
        )
    }

    pub fn primary_key(row: u64, first: Option<u64>) -> String {
        match first {
            Some(f) => format!("La fila {row} repite la clave primaria de la fila {f}."),
            None => format!("La fila {row} tiene vacías todas las columnas de la clave primaria."),
        }
    }

    pub fn encoding(row: u64, offset: u64, label: &str, fallback: bool) -> String {
        if fallback {
            format!(
                "La fila {row} tiene caracteres que no son {label} válido (byte {offset}); se leyeron como Windows-1252 y pueden verse mal."
            )
        } else {
            format!("La fila {row} tiene bytes que no son {label} válido (byte {offset}); revise la codificación del archivo.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_n_of_each_code_but_counts_all() {
        let mut b = ReportBuilder::new(2);
        for row in 0..5 {
            if b.wants("blank-row") {
                b.push(ReportError {
                    code: "blank-row".into(),
                    row_number: Some(row),
                    message: message::blank_row(row),
                    ..ReportError::default()
                });
            }
        }
        let r = b.finish(vec!["a".into()], ReportStats::default());
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.count("blank-row"), 5);
        assert_eq!(r.stats.errors, 5);
        assert!(!r.valid);
        let json = r.to_frictionless_json("dir/blank-rows.csv");
        assert_eq!(json["tasks"][0]["name"], "blank-rows");
        assert_eq!(json["tasks"][0]["errors"][0]["type"], "blank-row");
        assert_eq!(json["tasks"][0]["errors"][0]["rowNumber"], 0);
        assert_eq!(json["valid"], false);
    }

    #[test]
    fn messages_read_like_a_person_wrote_them() {
        assert_eq!(
            message::type_error(14, "monto", "N/A", "un número", None),
            "En la fila 14, la columna \"monto\" dice \"N/A\", que no es un número."
        );
    }
}
