//! CKAN `package_search` parameters → `SearchQuery`.
//!
//! Supported: `q` (`*:*` = everything; `organization:x`-style clauses for the
//! known fields become filters), `fq` (`field:value`, `field:"quoted value"`,
//! `field:(a OR b)`, several clauses separated by spaces or `AND`, optional
//! leading `+`), `rows` (default 10, at most 1000), `start`, `sort` (first
//! clause: `score desc`, `metadata_modified desc`, `metadata_created desc`,
//! `title_string asc`, `name asc`, `downloads desc`, `views_total desc`),
//! `facet` (`false` turns counting off), `facet.field` (JSON list),
//! `facet.limit` (`-1` = as many as allowed). Other parameters are ignored.
//! Field names are mapped: `tags`→`keyword`, `res_format`→`format`,
//! `license_id`→`license`, `groups`→`theme`; any other name is a facet key.

use crate::model::{
    SearchQuery, Sort, DEFAULT_FACET_LIMIT, DEFAULT_LIMIT, MAX_FACET_KEYS, MAX_FACET_LIMIT,
    MAX_LIMIT,
};

/// Why the parameters were refused. `Display` is the Spanish sentence for
/// the API answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("El parámetro rows debe ser un número entre 0 y {MAX_LIMIT}.")]
    Rows,
    #[error("El parámetro start debe ser un número entero mayor o igual a 0.")]
    Start,
    #[error(
        "El parámetro sort no es válido: «{0}». Valores admitidos: score desc, \
         metadata_modified desc, metadata_created desc, title_string asc, name asc, downloads desc."
    )]
    Sort(String),
    #[error(
        "El parámetro facet.field debe ser una lista JSON de nombres de campo, \
         por ejemplo [\"organization\",\"tags\"] (a lo más {MAX_FACET_KEYS})."
    )]
    FacetField,
    #[error("El parámetro facet.limit debe ser un número entero (-1 para todos).")]
    FacetLimit,
    #[error("El filtro fq no es válido: {0}")]
    Fq(String),
    #[error("El cuerpo de la petición no es JSON válido; envíe un objeto, por ejemplo {{\"q\": \"presupuesto\"}}.")]
    Body,
}

/// CKAN field → facet key.
pub fn facet_key(ckan_field: &str) -> &str {
    match ckan_field {
        "tags" => "keyword",
        "res_format" => "format",
        "license_id" => "license",
        "groups" => "theme",
        other => other,
    }
}

/// Facet key → CKAN field (for building `search_facets` in answers).
pub fn ckan_field(facet_key: &str) -> &str {
    match facet_key {
        "keyword" => "tags",
        "format" => "res_format",
        "license" => "license_id",
        "theme" => "groups",
        other => other,
    }
}

/// Parse `package_search` parameters (query string pairs, or a JSON body
/// flattened to strings). `fq` may appear several times (all apply); for the
/// other parameters the last occurrence wins. The result searches kind
/// "dataset" and highlights.
pub fn parse_package_search<'a, I>(params: I) -> Result<SearchQuery, ParamError>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut query = SearchQuery {
        kinds: vec!["dataset".to_string()],
        limit: DEFAULT_LIMIT,
        facet_limit: DEFAULT_FACET_LIMIT,
        ..SearchQuery::default()
    };
    let mut facets_on = true;
    let mut fqs: Vec<&str> = Vec::new();
    let mut q = "";
    for (name, value) in params {
        match name {
            "q" => q = value,
            "fq" => fqs.push(value),
            "rows" => query.limit = parse_rows(value)?,
            "start" => query.offset = value.trim().parse().map_err(|_| ParamError::Start)?,
            "sort" => query.sort = parse_sort(value)?,
            "facet" => facets_on = !value.trim().eq_ignore_ascii_case("false"),
            "facet.field" => query.facets = parse_facet_fields(value)?,
            "facet.limit" => query.facet_limit = parse_facet_limit(value)?,
            _ => {}
        }
    }
    if !facets_on {
        query.facets.clear();
    }
    for fq in fqs {
        for (field, values) in parse_fq(fq)? {
            apply_filter(&mut query, &field, values);
        }
    }
    query.q = extract_q_filters(q, &mut query);
    Ok(query)
}

/// Parse a JSON body (`POST package_search`): numbers, booleans and lists are
/// accepted where CKAN accepts them.
pub fn parse_package_search_json(body: &serde_json::Value) -> Result<SearchQuery, ParamError> {
    let Some(object) = body.as_object() else {
        return parse_package_search(std::iter::empty());
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in object {
        match (name.as_str(), value) {
            (_, serde_json::Value::Null) => {}
            ("fq_list", serde_json::Value::Array(items)) => {
                for item in items {
                    let text = item.as_str().ok_or_else(|| {
                        ParamError::Fq("fq_list debe ser una lista de textos.".into())
                    })?;
                    pairs.push(("fq".into(), text.into()));
                }
            }
            (_, serde_json::Value::String(s)) => pairs.push((name.clone(), s.clone())),
            (_, other) => pairs.push((name.clone(), other.to_string())),
        }
    }
    parse_package_search(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn parse_rows(value: &str) -> Result<usize, ParamError> {
    match value.trim().parse::<usize>() {
        Ok(n) if n <= MAX_LIMIT => Ok(n),
        _ => Err(ParamError::Rows),
    }
}

fn parse_sort(value: &str) -> Result<Sort, ParamError> {
    let first = value.split(',').next().unwrap_or_default().trim();
    if first.is_empty() {
        return Ok(Sort::Relevance);
    }
    let lower = first.to_ascii_lowercase();
    let mut parts = lower.split_whitespace();
    let field = parts.next().unwrap_or_default();
    let dir = parts.next().unwrap_or("asc");
    if parts.next().is_some() {
        return Err(ParamError::Sort(first.to_string()));
    }
    match (field, dir) {
        ("score" | "rank", "desc") => Ok(Sort::Relevance),
        ("metadata_modified" | "metadata_created", "desc") => Ok(Sort::Newest),
        ("title_string" | "title" | "name", "asc") => Ok(Sort::Title),
        ("downloads" | "views_total" | "views_recent", "desc") => Ok(Sort::MostDownloaded),
        _ => Err(ParamError::Sort(first.to_string())),
    }
}

fn parse_facet_fields(value: &str) -> Result<Vec<String>, ParamError> {
    let list: Vec<String> = serde_json::from_str(value).map_err(|_| ParamError::FacetField)?;
    if list.len() > MAX_FACET_KEYS || list.iter().any(|f| f.trim().is_empty()) {
        return Err(ParamError::FacetField);
    }
    let mut out: Vec<String> = Vec::new();
    for f in list {
        let key = facet_key(f.trim()).to_string();
        if !out.contains(&key) {
            out.push(key);
        }
    }
    Ok(out)
}

fn parse_facet_limit(value: &str) -> Result<usize, ParamError> {
    match value.trim().parse::<i64>() {
        Ok(n) if n < 0 => Ok(MAX_FACET_LIMIT),
        Ok(n) => Ok(usize::try_from(n)
            .unwrap_or(MAX_FACET_LIMIT)
            .min(MAX_FACET_LIMIT)),
        Err(_) => Err(ParamError::FacetLimit),
    }
}

fn apply_filter(query: &mut SearchQuery, field: &str, values: Vec<String>) {
    match field {
        // The kind of thing searched; everything package_search returns is a dataset.
        "dataset_type" | "type" => query.kinds = values,
        // CKAN's defaults, always true here.
        "capacity" | "state" => {}
        _ => {
            let key = facet_key(field).to_string();
            for v in values {
                query.filters.push((key.clone(), v));
            }
        }
    }
}

/// Fields a `q` may carry as `field:value` (Solr style) and that become filters.
const Q_FIELDS: &[&str] = &["organization", "tags", "res_format", "license_id", "groups"];

/// Pull `organization:x`-style clauses out of `q`; return the free text.
fn extract_q_filters(q: &str, query: &mut SearchQuery) -> String {
    let q = q.trim();
    if q == "*:*" || q == "*" {
        return String::new();
    }
    let mut free: Vec<&str> = Vec::new();
    for token in q.split_whitespace() {
        let clause = token.strip_prefix('+').unwrap_or(token);
        match clause.split_once(':') {
            Some((field, value))
                if Q_FIELDS.contains(&field) && !value.is_empty() && !value.starts_with('(') =>
            {
                let value = value.trim_matches('"');
                if !value.is_empty() {
                    query
                        .filters
                        .push((facet_key(field).to_string(), value.to_string()));
                }
            }
            _ => free.push(token),
        }
    }
    free.join(" ")
}

/// Parse an `fq`: clauses `[+]field:value`, `field:"quoted"`, `field:(a OR b)`,
/// separated by whitespace or `AND`.
pub fn parse_fq(fq: &str) -> Result<Vec<(String, Vec<String>)>, ParamError> {
    let chars: Vec<char> = fq.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= chars.len() {
            break;
        }
        // "AND" between clauses.
        if chars[i..].starts_with(&['A', 'N', 'D'])
            && chars.get(i + 3).is_none_or(|c| c.is_whitespace())
        {
            i += 3;
            continue;
        }
        match chars[i] {
            '+' => i += 1,
            '-' => {
                return Err(ParamError::Fq(
                    "no se admiten exclusiones (-campo:valor).".into(),
                ))
            }
            _ => {}
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | '-'))
        {
            i += 1;
        }
        let field: String = chars[start..i].iter().collect();
        if field.is_empty() || chars.get(i) != Some(&':') {
            let rest: String = chars[start..].iter().take(40).collect();
            return Err(ParamError::Fq(format!(
                "se esperaba campo:valor y se encontró «{rest}»."
            )));
        }
        if field == "OR" {
            return Err(ParamError::Fq(
                "OR solo se admite entre paréntesis: campo:(a OR b).".into(),
            ));
        }
        i += 1;
        let values = match chars.get(i) {
            Some('"') => vec![quoted(&chars, &mut i)?],
            Some('(') => {
                i += 1;
                let mut values = Vec::new();
                loop {
                    skip_ws(&mut i);
                    match chars.get(i) {
                        None => return Err(ParamError::Fq("falta cerrar el paréntesis.".into())),
                        Some(')') => {
                            i += 1;
                            break;
                        }
                        Some('"') => values.push(quoted(&chars, &mut i)?),
                        Some(_) => {
                            let s = i;
                            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ')' {
                                i += 1;
                            }
                            let word: String = chars[s..i].iter().collect();
                            if word != "OR" {
                                values.push(word);
                            }
                        }
                    }
                }
                if values.is_empty() {
                    return Err(ParamError::Fq(format!(
                        "el campo {field} no tiene valores."
                    )));
                }
                values
            }
            _ => {
                let s = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                let value: String = chars[s..i].iter().collect();
                if value.is_empty() {
                    return Err(ParamError::Fq(format!("el campo {field} no tiene valor.")));
                }
                vec![value]
            }
        };
        out.push((field, values));
    }
    Ok(out)
}

/// A `"…"` value at `chars[*i]` (with `\"` and `\\` escapes).
fn quoted(chars: &[char], i: &mut usize) -> Result<String, ParamError> {
    *i += 1;
    let mut value = String::new();
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        match c {
            '"' => return Ok(value),
            '\\' => {
                if let Some(&next) = chars.get(*i) {
                    value.push(next);
                    *i += 1;
                }
            }
            c => value.push(c),
        }
    }
    Err(ParamError::Fq("faltan comillas de cierre.".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<SearchQuery, ParamError> {
        parse_package_search(pairs.iter().copied())
    }

    #[test]
    fn defaults() {
        let q = parse(&[]).unwrap();
        assert_eq!(q.q, "");
        assert_eq!(q.limit, 10);
        assert_eq!(q.offset, 0);
        assert_eq!(q.sort, Sort::Relevance);
        assert_eq!(q.kinds, ["dataset"]);
        assert!(q.filters.is_empty());
    }

    #[test]
    fn q_star_is_everything() {
        assert_eq!(parse(&[("q", "*:*")]).unwrap().q, "");
        assert_eq!(
            parse(&[("q", "presupuesto 2026")]).unwrap().q,
            "presupuesto 2026"
        );
    }

    #[test]
    fn rows_and_start() {
        let q = parse(&[("rows", "25"), ("start", "50")]).unwrap();
        assert_eq!((q.limit, q.offset), (25, 50));
        assert_eq!(parse(&[("rows", "0")]).unwrap().limit, 0);
        assert_eq!(parse(&[("rows", "1000")]).unwrap().limit, 1000);
        for bad in ["1001", "-1", "diez", "", "1e3"] {
            let err = parse(&[("rows", bad)]).unwrap_err();
            assert_eq!(err, ParamError::Rows);
            assert_eq!(
                err.to_string(),
                "El parámetro rows debe ser un número entre 0 y 1000."
            );
        }
        assert_eq!(parse(&[("start", "-5")]).unwrap_err(), ParamError::Start);
        assert_eq!(parse(&[("start", "x")]).unwrap_err(), ParamError::Start);
    }

    #[test]
    fn sorts() {
        let s = |v: &str| parse(&[("sort", v)]).map(|q| q.sort);
        assert_eq!(s("score desc, metadata_modified desc"), Ok(Sort::Relevance));
        assert_eq!(s("metadata_modified desc"), Ok(Sort::Newest));
        assert_eq!(s("METADATA_CREATED DESC"), Ok(Sort::Newest));
        assert_eq!(s("title_string asc"), Ok(Sort::Title));
        assert_eq!(s("name asc"), Ok(Sort::Title));
        assert_eq!(s("downloads desc"), Ok(Sort::MostDownloaded));
        assert_eq!(s(""), Ok(Sort::Relevance));
        let err = s("metadata_modified asc").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("El parámetro sort no es válido"));
        assert!(s("foo desc").is_err());
        assert!(s("score desc extra").is_err());
    }

    #[test]
    fn fq_clauses() {
        let q = parse(&[(
            "fq",
            r#"organization:secretaria-de-finanzas AND tags:"finanzas públicas" +res_format:CSV"#,
        )])
        .unwrap();
        assert_eq!(
            q.filters,
            [
                (
                    "organization".to_string(),
                    "secretaria-de-finanzas".to_string()
                ),
                ("keyword".to_string(), "finanzas públicas".to_string()),
                ("format".to_string(), "CSV".to_string()),
            ]
        );
    }

    #[test]
    fn fq_or_group_and_mappings() {
        let q = parse(&[
            ("fq", "res_format:(CSV OR XLSX) license_id:cc-by-4.0"),
            ("fq", "groups:finanzas municipality:toluca"),
        ])
        .unwrap();
        assert_eq!(
            q.filters,
            [
                ("format".to_string(), "CSV".to_string()),
                ("format".to_string(), "XLSX".to_string()),
                ("license".to_string(), "cc-by-4.0".to_string()),
                ("theme".to_string(), "finanzas".to_string()),
                ("municipality".to_string(), "toluca".to_string()),
            ]
        );
    }

    #[test]
    fn fq_special_fields() {
        let q = parse(&[("fq", "+dataset_type:dataset capacity:public")]).unwrap();
        assert_eq!(q.kinds, ["dataset"]);
        assert!(q.filters.is_empty());
        let q = parse(&[("fq", "dataset_type:showcase")]).unwrap();
        assert_eq!(q.kinds, ["showcase"]);
    }

    #[test]
    fn fq_errors() {
        for bad in [
            "organization",
            "organization:",
            "tags:\"sin cerrar",
            "-tags:x",
            "res_format:(CSV OR",
            "res_format:()",
            "a:b OR c:d",
            ":valor",
        ] {
            let err = parse(&[("fq", bad)]).unwrap_err();
            assert!(
                err.to_string().starts_with("El filtro fq no es válido"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn quoted_escapes() {
        let f = parse_fq(r#"title:"dice \"hola\" \\ fin""#).unwrap();
        assert_eq!(
            f,
            [(
                "title".to_string(),
                vec![r#"dice "hola" \ fin"#.to_string()]
            )]
        );
    }

    #[test]
    fn facet_fields() {
        let q = parse(&[(
            "facet.field",
            r#"["organization","tags","res_format","tags"]"#,
        )])
        .unwrap();
        assert_eq!(q.facets, ["organization", "keyword", "format"]);
        for bad in ["organization", "[1,2]", "{\"a\":1}", "[\"\"]"] {
            let err = parse(&[("facet.field", bad)]).unwrap_err();
            assert_eq!(err, ParamError::FacetField, "{bad}");
        }
        let q = parse(&[("facet.field", r#"["tags"]"#), ("facet", "false")]).unwrap();
        assert!(q.facets.is_empty());
        assert_eq!(
            parse(&[("facet.limit", "-1")]).unwrap().facet_limit,
            MAX_FACET_LIMIT
        );
        assert_eq!(parse(&[("facet.limit", "5")]).unwrap().facet_limit, 5);
        assert_eq!(
            parse(&[("facet.limit", "x")]).unwrap_err(),
            ParamError::FacetLimit
        );
    }

    #[test]
    fn q_field_clauses_become_filters() {
        let q = parse(&[("q", "presupuesto tags:finanzas organization:\"toluca\"")]).unwrap();
        assert_eq!(q.q, "presupuesto");
        assert_eq!(
            q.filters,
            [
                ("keyword".to_string(), "finanzas".to_string()),
                ("organization".to_string(), "toluca".to_string()),
            ]
        );
        // Unknown fields stay text (the engine treats ':' as a separator).
        assert_eq!(parse(&[("q", "hora:10")]).unwrap().q, "hora:10");
    }

    #[test]
    fn json_body() {
        let body = serde_json::json!({
            "q": "agua",
            "rows": 5,
            "start": 10,
            "facet.field": ["organization", "tags"],
            "fq_list": ["res_format:CSV"],
            "include_private": true,
            "sort": null
        });
        let q = parse_package_search_json(&body).unwrap();
        assert_eq!(q.q, "agua");
        assert_eq!((q.limit, q.offset), (5, 10));
        assert_eq!(q.facets, ["organization", "keyword"]);
        assert_eq!(q.filters, [("format".to_string(), "CSV".to_string())]);
        assert_eq!(
            parse_package_search_json(&serde_json::json!({"rows": 5000})).unwrap_err(),
            ParamError::Rows
        );
    }

    #[test]
    fn name_mapping_round_trips() {
        for f in [
            "organization",
            "tags",
            "res_format",
            "license_id",
            "groups",
            "municipality",
        ] {
            assert_eq!(ckan_field(facet_key(f)), f);
        }
    }
}
