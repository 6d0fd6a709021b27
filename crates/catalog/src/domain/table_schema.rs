//! A Table Schema (Frictionless) uploaded for a tabular resource: read and
//! checked with messages a publisher understands, and turned into the data
//! dictionary shown to everyone (pure).

use crate::domain::dictionary::TYPES;
use crate::store::DictionaryField;

/// Largest schema accepted, in bytes.
pub const MAX_BYTES: usize = 512 * 1024;

const KNOWN_TYPES: [&str; 15] = [
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
    "time",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "object",
    "array",
    "any",
];

/// Reads the text of a Table Schema: the schema the engine validates with and
/// its JSON as stored. Errors are one Spanish sentence.
pub fn read(text: &str) -> Result<(tabular::Schema, serde_json::Value), String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "El esquema pasa de {} KB; un Table Schema suele medir unos pocos KB.",
            MAX_BYTES / 1024
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| {
            format!(
                "El archivo no es JSON válido (línea {}, columna {}).",
                e.line(),
                e.column()
            )
        })?;
    let Some(fields) = value.get("fields").and_then(|f| f.as_array()) else {
        return Err(
            "No es un Table Schema: le falta la lista «fields» con las columnas.".to_string(),
        );
    };
    if fields.is_empty() {
        return Err(
            "El esquema no describe ninguna columna (la lista «fields» está vacía).".into(),
        );
    }
    for (i, field) in fields.iter().enumerate() {
        let name = field
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or_default();
        if name.trim().is_empty() {
            return Err(format!(
                "La columna {} del esquema no tiene nombre («name»).",
                i + 1
            ));
        }
        if let Some(t) = field.get("type") {
            let known = t.as_str().is_some_and(|t| KNOWN_TYPES.contains(&t));
            if !known {
                return Err(format!(
                    "La columna «{name}» tiene un tipo que Table Schema no define ({t}); use uno de: {}.",
                    KNOWN_TYPES.join(", ")
                ));
            }
        }
    }
    let schema = tabular::Schema::from_json(&value.to_string()).map_err(|e| e.to_string())?;
    Ok((schema, value))
}

/// The dictionary rows a schema describes: name, type (a type the dictionary
/// form offers, else text), description (or title).
pub fn dictionary(schema: &tabular::Schema) -> Vec<DictionaryField> {
    schema
        .fields
        .iter()
        .map(|f| {
            let t = f.field_type.name();
            DictionaryField {
                name: f.name.chars().take(100).collect(),
                field_type: if TYPES.contains(&t) { t } else { "string" }.to_string(),
                description: f
                    .description
                    .clone()
                    .or_else(|| f.title.clone())
                    .unwrap_or_default()
                    .chars()
                    .take(500)
                    .collect(),
                unit: String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_becomes_the_dictionary() {
        let (schema, json) = read(
            r#"{"fields": [
                {"name": "clave", "type": "string", "description": "Clave INEGI", "constraints": {"pattern": "[0-9]{5}"}},
                {"name": "monto", "type": "number", "title": "Monto ejercido", "constraints": {"minimum": 0}},
                {"name": "periodo", "type": "yearmonth"}
            ], "primaryKey": "clave"}"#,
        )
        .unwrap();
        assert_eq!(json["primaryKey"], "clave");
        let rows = dictionary(&schema);
        assert_eq!(rows[0].description, "Clave INEGI");
        assert_eq!(rows[1].description, "Monto ejercido");
        assert_eq!(rows[1].field_type, "number");
        assert_eq!(rows[2].field_type, "string", "no yearmonth in the form");
    }

    #[test]
    fn mistakes_are_explained_in_spanish() {
        for (text, says) in [
            ("{", "no es JSON válido (línea 1"),
            ("[]", "le falta la lista «fields»"),
            (r#"{"fields": []}"#, "ninguna columna"),
            (r#"{"fields": [{"type": "string"}]}"#, "no tiene nombre"),
            (
                r#"{"fields": [{"name": "a", "type": "texto"}]}"#,
                "tipo que Table Schema no define",
            ),
            (
                r#"{"fields": [{"name": "a"}], "primaryKey": "b"}"#,
                "clave primaria",
            ),
            (
                r#"{"fields": [{"name": "a", "constraints": {"pattern": "("}}]}"#,
                "patrón",
            ),
        ] {
            let e = read(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
        assert!(read(&" ".repeat(MAX_BYTES + 1)).unwrap_err().contains("KB"));
    }
}
