//! The Frictionless Table Schema as Rust types: what pass 1 infers, what a
//! publisher may give instead, and what pass 2 parses cells with. Serde reads and
//! writes the standard JSON (camelCase names, `type`, `enum`).

use serde::{Deserialize, Deserializer, Serialize};

use crate::Error;

/// A Frictionless Table Schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub fields: Vec<Field>,
    #[serde(default = "default_missing_values")]
    pub missing_values: Vec<String>,
    #[serde(
        default,
        deserialize_with = "string_or_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub primary_key: Vec<String>,
}

fn default_missing_values() -> Vec<String> {
    vec![String::new()]
}

/// `primaryKey` may be one name or a list of names.
fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            fields: Vec::new(),
            missing_values: default_missing_values(),
            primary_key: Vec::new(),
        }
    }
}

impl Schema {
    /// Reads a Table Schema from its JSON text.
    pub fn from_json(text: &str) -> Result<Schema, Error> {
        let schema: Schema =
            serde_json::from_str(text).map_err(|e| Error::Schema(e.to_string()))?;
        schema.check()?;
        Ok(schema)
    }

    /// The schema as Frictionless JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Refuses what cannot be validated: a primary key naming no field, a bad pattern.
    pub fn check(&self) -> Result<(), Error> {
        for key in &self.primary_key {
            if !self.fields.iter().any(|f| &f.name == key) {
                return Err(Error::Schema(format!(
                    "la clave primaria nombra la columna «{key}», que no está en el esquema"
                )));
            }
        }
        for field in &self.fields {
            if let Some(pattern) = &field.constraints.pattern {
                if regex_lite::Regex::new(&format!("^(?:{pattern})$")).is_err() {
                    return Err(Error::Schema(format!(
                        "el patrón de la columna «{}» no es una expresión regular válida",
                        field.name
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn field_names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }
}

/// One column of a Table Schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "type", default)]
    pub field_type: FieldType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Words read as true (Frictionless default: `true`, `True`, `TRUE`, `1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_values: Option<Vec<String>>,
    /// Words read as false (Frictionless default: `false`, `False`, `FALSE`, `0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub false_values: Option<Vec<String>>,
    /// Thousands separator allowed in numbers (`,` in `1,234.56`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_char: Option<String>,
    /// Decimal separator (default `.`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_char: Option<String>,
    /// `false` lets numbers carry a currency sign or other non-digits (`$1,234.00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bare_number: Option<bool>,
}

impl Field {
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Field {
        Field {
            name: name.into(),
            title: None,
            field_type,
            format: None,
            description: None,
            constraints: Constraints::default(),
            true_values: None,
            false_values: None,
            group_char: None,
            decimal_char: None,
            bare_number: None,
        }
    }
}

/// The Frictionless field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    #[default]
    String,
    Integer,
    Number,
    Boolean,
    Date,
    Datetime,
    Time,
    Year,
    Yearmonth,
    Duration,
    Geopoint,
    Geojson,
    Object,
    Array,
    Any,
}

impl FieldType {
    /// The Frictionless name (`integer`, `date`…).
    pub fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Time => "time",
            FieldType::Year => "year",
            FieldType::Yearmonth => "yearmonth",
            FieldType::Duration => "duration",
            FieldType::Geopoint => "geopoint",
            FieldType::Geojson => "geojson",
            FieldType::Object => "object",
            FieldType::Array => "array",
            FieldType::Any => "any",
        }
    }

    /// What a value of this type is, in Spanish, after "que no es…".
    pub fn spanish(self) -> &'static str {
        match self {
            FieldType::String | FieldType::Any => "un texto",
            FieldType::Integer => "un número entero",
            FieldType::Number => "un número",
            FieldType::Boolean => "un valor sí/no",
            FieldType::Date => "una fecha",
            FieldType::Datetime => "una fecha con hora",
            FieldType::Time => "una hora",
            FieldType::Year => "un año",
            FieldType::Yearmonth => "un año y mes",
            FieldType::Duration => "una duración",
            FieldType::Geopoint => "un punto geográfico",
            FieldType::Geojson => "una geometría GeoJSON",
            FieldType::Object => "un objeto JSON",
            FieldType::Array => "una lista JSON",
        }
    }
}

/// Frictionless field constraints.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_: Option<Vec<serde_json::Value>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self == &Constraints::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_frictionless_schema_with_a_single_primary_key() {
        let schema = Schema::from_json(
            r#"{"fields":[{"name":"id","type":"integer","constraints":{"unique":true,"enum":[1,2]}},
                {"name":"d","type":"date","format":"%d/%m/%Y"}],"primaryKey":"id"}"#,
        )
        .unwrap();
        assert_eq!(schema.primary_key, vec!["id"]);
        assert_eq!(schema.missing_values, vec![""]);
        assert_eq!(schema.fields[0].field_type, FieldType::Integer);
        assert_eq!(schema.fields[0].constraints.unique, Some(true));
        assert_eq!(schema.fields[1].format.as_deref(), Some("%d/%m/%Y"));
        let json = schema.to_json();
        assert_eq!(json["primaryKey"][0], "id");
        assert_eq!(json["missingValues"][0], "");
        assert_eq!(json["fields"][0]["constraints"]["enum"][1], 2);
    }

    #[test]
    fn refuses_unknown_types_and_dangling_keys() {
        assert!(Schema::from_json(r#"{"fields":[{"name":"a","type":"money"}]}"#).is_err());
        assert!(Schema::from_json(r#"{"fields":[{"name":"a"}],"primaryKey":["b"]}"#).is_err());
    }
}
