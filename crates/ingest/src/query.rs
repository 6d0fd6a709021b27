//! The parameters of CKAN's `datastore_search`, read and checked against a
//! version's columns before any SQL exists: unknown fields, bad sorts, values
//! of the wrong type and absurd limits get a Spanish answer naming the
//! parameter, as CKAN's validation errors do.

use serde_json::Value as J;

use crate::datastore::{Bind, Column, Kind};

/// CKAN's default and maximum page size.
pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 32_000;
/// Longest free-text query and most filter values accepted.
const MAX_Q: usize = 500;
const MAX_FILTER_VALUES: usize = 100;

/// How records come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordsFormat {
    Objects,
    Lists,
    Csv,
    Tsv,
}

/// One `filters` entry: the column equals any of the values (`None` = null).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub column: usize,
    pub values: Vec<Option<Bind>>,
}

/// A checked search.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filters: Vec<Filter>,
    pub q: Option<String>,
    /// Selected columns (indices); empty = all.
    pub fields: Vec<usize>,
    /// (column, descending)
    pub sort: Vec<(usize, bool)>,
    pub limit: u32,
    pub offset: u64,
    pub include_total: bool,
    pub format: RecordsFormat,
    /// Only rows after this `_id` (exports walk the table in `_id` order).
    pub after_id: Option<i64>,
}

impl Query {
    /// A key that is equal for equal searches (for the per-version cache).
    pub fn cache_key(&self) -> String {
        format!("{self:?}")
    }
}

/// A parameter that cannot be used, with what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub param: &'static str,
    pub message: String,
}

fn err(param: &'static str, message: impl Into<String>) -> ParamError {
    ParamError {
        param,
        message: message.into(),
    }
}

fn column_index(columns: &[Column], name: &str, param: &'static str) -> Result<usize, ParamError> {
    columns.iter().position(|c| c.name == name).ok_or_else(|| {
        err(
            param,
            format!("la columna «{name}» no existe en este recurso"),
        )
    })
}

fn as_bool(v: &J, param: &'static str) -> Result<bool, ParamError> {
    match v {
        J::Bool(b) => Ok(*b),
        J::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "1" | "sí" | "si" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(err(param, format!("«{s}» no es verdadero ni falso"))),
        },
        _ => Err(err(param, "debe ser true o false")),
    }
}

fn as_u64(v: &J, param: &'static str) -> Result<u64, ParamError> {
    match v {
        J::Number(n) => n
            .as_u64()
            .ok_or_else(|| err(param, "debe ser un número entero no negativo")),
        J::String(s) => s
            .trim()
            .parse()
            .map_err(|_| err(param, format!("«{s}» no es un número entero no negativo"))),
        _ => Err(err(param, "debe ser un número entero no negativo")),
    }
}

/// A filter value as the column's kind stores it.
fn filter_value(kind: Kind, v: &J, name: &str) -> Result<Option<Bind>, ParamError> {
    let bad = |shown: &str| {
        err(
            "filters",
            format!("«{shown}» no es un valor válido para la columna «{name}»"),
        )
    };
    let text = match v {
        J::Null => return Ok(None),
        J::String(s) => s.clone(),
        J::Number(n) => n.to_string(),
        J::Bool(b) => b.to_string(),
        _ => return Err(bad(&v.to_string())),
    };
    let t = text.trim();
    Ok(Some(match kind {
        Kind::Integer => Bind::Int(t.parse().map_err(|_| bad(&text))?),
        Kind::Number => {
            let n: f64 = t.parse().map_err(|_| bad(&text))?;
            if !n.is_finite() {
                return Err(bad(&text));
            }
            Bind::Num(n)
        }
        Kind::Boolean => {
            Bind::Bool(as_bool(&J::String(text.clone()), "filters").map_err(|_| bad(&text))?)
        }
        Kind::Date | Kind::Datetime | Kind::Text => Bind::Text(text),
    }))
}

/// Reads the parameters (a JSON object: the body of a POST, or the query
/// string of a GET turned into strings) against a version's columns.
pub fn parse(params: &serde_json::Map<String, J>, columns: &[Column]) -> Result<Query, ParamError> {
    let mut query = Query {
        filters: vec![],
        q: None,
        fields: vec![],
        sort: vec![],
        limit: DEFAULT_LIMIT,
        offset: 0,
        include_total: true,
        format: RecordsFormat::Objects,
        after_id: None,
    };
    if let Some(v) = params.get("filters") {
        let parsed;
        let map = match v {
            J::Object(m) => m,
            J::String(s) => {
                parsed = serde_json::from_str::<J>(s).map_err(|_| {
                    err(
                        "filters",
                        "debe ser un objeto JSON, como {\"municipio\": \"Toluca\"}",
                    )
                })?;
                match &parsed {
                    J::Object(m) => m,
                    _ => return Err(err("filters", "debe ser un objeto JSON")),
                }
            }
            J::Null => &serde_json::Map::new(),
            _ => return Err(err("filters", "debe ser un objeto JSON")),
        };
        for (name, value) in map {
            let column = column_index(columns, name, "filters")?;
            let kind = columns[column].kind;
            let values = match value {
                J::Array(items) => {
                    if items.len() > MAX_FILTER_VALUES {
                        return Err(err(
                            "filters",
                            format!("como máximo {MAX_FILTER_VALUES} valores por columna"),
                        ));
                    }
                    items
                        .iter()
                        .map(|i| filter_value(kind, i, name))
                        .collect::<Result<Vec<_>, _>>()?
                }
                other => vec![filter_value(kind, other, name)?],
            };
            query.filters.push(Filter { column, values });
        }
        query.filters.sort_by_key(|f| f.column);
    }
    match params.get("q") {
        None | Some(J::Null) => {}
        Some(J::String(s)) => {
            let s = s.trim();
            if s.chars().count() > MAX_Q {
                return Err(err(
                    "q",
                    format!("la búsqueda admite hasta {MAX_Q} caracteres"),
                ));
            }
            if !s.is_empty() {
                query.q = Some(s.to_string());
            }
        }
        Some(_) => return Err(err("q", "debe ser un texto")),
    }
    if let Some(v) = params.get("fields") {
        let names: Vec<String> = match v {
            J::String(s) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            J::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| err("fields", "debe ser una lista de nombres"))
                })
                .collect::<Result<_, _>>()?,
            J::Null => vec![],
            _ => {
                return Err(err(
                    "fields",
                    "debe ser una lista de nombres separados por comas",
                ))
            }
        };
        for n in names {
            if n == "_id" {
                continue; // always returned
            }
            let i = column_index(columns, &n, "fields")?;
            if !query.fields.contains(&i) {
                query.fields.push(i);
            }
        }
    }
    if let Some(v) = params.get("sort") {
        let parts: Vec<String> = match v {
            J::String(s) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            J::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            J::Null => vec![],
            _ => return Err(err("sort", "debe ser como «columna asc, otra desc»")),
        };
        for p in parts {
            let (name, desc) = match p.rsplit_once(char::is_whitespace) {
                Some((n, dir)) if dir.eq_ignore_ascii_case("desc") => (n.trim(), true),
                Some((n, dir)) if dir.eq_ignore_ascii_case("asc") => (n.trim(), false),
                _ => (p.as_str(), false),
            };
            let name = name.trim_matches('"');
            if name == "_id" {
                continue;
            }
            let i = column_index(columns, name, "sort")?;
            query.sort.push((i, desc));
        }
    }
    if let Some(v) = params.get("limit") {
        let n = as_u64(v, "limit")?;
        if n > u64::from(MAX_LIMIT) {
            return Err(err(
                "limit",
                format!("como máximo {MAX_LIMIT} filas por página"),
            ));
        }
        query.limit = u32::try_from(n).unwrap_or(MAX_LIMIT);
    }
    if let Some(v) = params.get("offset") {
        query.offset = as_u64(v, "offset")?;
        if query.offset > i64::MAX as u64 {
            return Err(err("offset", "es demasiado grande"));
        }
    }
    if let Some(v) = params.get("include_total") {
        query.include_total = as_bool(v, "include_total")?;
    }
    if let Some(v) = params.get("records_format") {
        query.format = match v.as_str().unwrap_or_default() {
            "objects" => RecordsFormat::Objects,
            "lists" => RecordsFormat::Lists,
            "csv" => RecordsFormat::Csv,
            "tsv" => RecordsFormat::Tsv,
            other => {
                return Err(err(
                    "records_format",
                    format!("«{other}» no es objects, lists, csv ni tsv"),
                ))
            }
        };
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cols() -> Vec<Column> {
        vec![
            Column {
                name: "municipio".into(),
                kind: Kind::Text,
            },
            Column {
                name: "población".into(),
                kind: Kind::Integer,
            },
            Column {
                name: "monto".into(),
                kind: Kind::Number,
            },
            Column {
                name: "alojado".into(),
                kind: Kind::Boolean,
            },
        ]
    }

    fn p(v: J) -> serde_json::Map<String, J> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn defaults_are_ckans() {
        let q = parse(&p(json!({})), &cols()).unwrap();
        assert_eq!(q.limit, 100);
        assert_eq!(q.offset, 0);
        assert!(q.include_total);
        assert_eq!(q.format, RecordsFormat::Objects);
        assert!(q.filters.is_empty() && q.sort.is_empty() && q.fields.is_empty());
    }

    #[test]
    fn filters_fields_and_sort_by_name_with_accents() {
        let q = parse(
            &p(json!({
                "filters": "{\"población\": [\"4051\", 93878], \"alojado\": \"sí\", \"municipio\": null}",
                "fields": "municipio, población",
                "sort": "población desc, municipio",
                "limit": "5", "offset": 10, "include_total": "false", "records_format": "lists"
            })),
            &cols(),
        )
        .unwrap();
        assert_eq!(q.filters.len(), 3);
        assert_eq!(
            q.filters[0],
            Filter {
                column: 0,
                values: vec![None]
            }
        );
        assert_eq!(
            q.filters[1],
            Filter {
                column: 1,
                values: vec![Some(Bind::Int(4051)), Some(Bind::Int(93878))]
            }
        );
        assert_eq!(
            q.filters[2],
            Filter {
                column: 3,
                values: vec![Some(Bind::Bool(true))]
            }
        );
        assert_eq!(q.fields, vec![0, 1]);
        assert_eq!(q.sort, vec![(1, true), (0, false)]);
        assert_eq!((q.limit, q.offset, q.include_total), (5, 10, false));
        assert_eq!(q.format, RecordsFormat::Lists);
    }

    #[test]
    fn mistakes_name_the_parameter_in_spanish() {
        let e = |v: J| parse(&p(v), &cols()).unwrap_err();
        assert_eq!(e(json!({"fields": "nombre"})).param, "fields");
        assert!(e(json!({"fields": "nombre"}))
            .message
            .contains("«nombre» no existe"));
        assert_eq!(e(json!({"sort": "x desc"})).param, "sort");
        assert_eq!(e(json!({"limit": 32001})).param, "limit");
        assert_eq!(e(json!({"limit": "-1"})).param, "limit");
        assert_eq!(e(json!({"offset": "diez"})).param, "offset");
        assert_eq!(e(json!({"filters": "{no es json"})).param, "filters");
        assert!(e(json!({"filters": {"población": "muchos"}}))
            .message
            .contains("«muchos»"));
        assert_eq!(e(json!({"filters": {"monto": "NaN"}})).param, "filters");
        assert_eq!(e(json!({"records_format": "xml"})).param, "records_format");
        assert_eq!(e(json!({"q": "a".repeat(501)})).param, "q");
        assert_eq!(e(json!({"q": {"municipio": "x"}})).param, "q");
    }

    #[test]
    fn equal_searches_share_a_cache_key() {
        let a = parse(
            &p(json!({"filters": {"municipio": "Toluca", "población": 1}})),
            &cols(),
        )
        .unwrap();
        let b = parse(
            &p(json!({"filters": {"población": "1", "municipio": "Toluca"}})),
            &cols(),
        )
        .unwrap();
        assert_eq!(a.cache_key(), b.cache_key());
        let c = parse(
            &p(json!({"filters": {"municipio": "Toluca"}, "limit": 5})),
            &cols(),
        )
        .unwrap();
        assert_ne!(a.cache_key(), c.cache_key());
    }
}
