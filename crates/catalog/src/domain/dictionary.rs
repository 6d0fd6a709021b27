//! The data dictionary of a tabular resource as typed in its form: rows of
//! name, type, description and unit, validated (pure).

use std::collections::BTreeMap;

use crate::store::DictionaryField;

/// The Frictionless Table Schema types a publisher may choose.
pub const TYPES: [&str; 9] = [
    "string", "integer", "number", "boolean", "date", "datetime", "year", "geopoint", "object",
];

pub const MAX_ROWS: usize = 300;

/// Row index → i18n key of its problem.
pub type RowErrors = BTreeMap<usize, &'static str>;

/// Reads rows `name_N`, `type_N`, `description_N`, `unit_N`; rows left wholly
/// empty are skipped. Returns the fields, or the rows with errors.
pub fn parse(
    pairs: &[(String, String)],
) -> Result<Vec<DictionaryField>, (Vec<DictionaryField>, RowErrors)> {
    let get = |key: String| {
        pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut fields = vec![];
    let mut errors = RowErrors::new();
    for i in 0..MAX_ROWS {
        let name = get(format!("name_{i}"));
        let field_type = get(format!("type_{i}"));
        let description = get(format!("description_{i}"));
        let unit = get(format!("unit_{i}"));
        if name.is_empty() && description.is_empty() && unit.is_empty() {
            continue;
        }
        let row = fields.len();
        if name.is_empty() || name.chars().count() > 100 {
            errors.insert(row, "catalog-dictionary-error-name");
        } else if fields.iter().any(|f: &DictionaryField| f.name == name) {
            errors.insert(row, "catalog-dictionary-error-duplicate");
        } else if !TYPES.contains(&field_type.as_str()) {
            errors.insert(row, "catalog-dictionary-error-type");
        } else if description.chars().count() > 500 || unit.chars().count() > 50 {
            errors.insert(row, "catalog-dictionary-error-long");
        }
        fields.push(DictionaryField {
            name,
            field_type,
            description,
            unit,
        });
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err((fields, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rows_in_order_skipping_empty_ones() {
        let fields = parse(&p(&[
            ("name_0", "clave_municipio"),
            ("type_0", "string"),
            (
                "description_0",
                "Clave INEGI de 5 dígitos (con ceros a la izquierda)",
            ),
            ("name_1", ""),
            ("type_1", "string"),
            ("name_2", "monto"),
            ("type_2", "number"),
            ("unit_2", "pesos (MXN)"),
        ]))
        .unwrap();
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[1].unit, "pesos (MXN)");
    }

    #[test]
    fn problems_are_reported_per_row() {
        let (_, errors) = parse(&p(&[
            ("name_0", "a"),
            ("type_0", "string"),
            ("name_1", "a"),
            ("type_1", "string"),
            ("name_2", "b"),
            ("type_2", "texto"),
            ("description_3", "sin nombre"),
        ]))
        .unwrap_err();
        assert_eq!(errors.get(&1), Some(&"catalog-dictionary-error-duplicate"));
        assert_eq!(errors.get(&2), Some(&"catalog-dictionary-error-type"));
        assert_eq!(errors.get(&3), Some(&"catalog-dictionary-error-name"));
    }
}
