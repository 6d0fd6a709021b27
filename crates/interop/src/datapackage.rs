//! A public dataset as a Frictionless Data Package,
//! `/datos/{slug}/datapackage.json`: each file resource points at its
//! current version's permanent address with its size and SHA-256, so that
//! `frictionless validate` checks the very bytes; tabular ones carry the
//! Table Schema they were read with (the one the publisher uploaded, else
//! the one ingest inferred from every row, as `esquema.json` serves it) and
//! the dialect and encoding ingest found. Links to other sites are not data
//! files: they are listed as `sources`.

use axum::extract::Path;
use axum::response::Response;
use catalog::domain::vocab::Licence;
use kernel::authz::{Action, Rule};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use serde_json::{json, Map, Value as J};

use crate::common::{self, clean, date, document, Env};
use crate::dcat::public_package;
use crate::model::Item;

/// Data packages: anyone.
pub static VIEW: Action = Action::read("interop.datapackage.view", Rule::Anyone);

pub fn routes() -> Routes {
    Routes::new().get("/datos/{slug}/datapackage.json", &VIEW, datapackage)
}

/// What ingest knows about how a version reads: its Table Schema, and the
/// dialect and encoding it was read with.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub schema: Option<J>,
    pub dialect: Option<J>,
    pub encoding: Option<String>,
}

/// The Frictionless dialect of ingest's reading (only what differs from the
/// defaults: a delimiter other than a comma, header rows other than the
/// first, the sheet).
pub fn frictionless_dialect(d: &J) -> Option<J> {
    let mut o = Map::new();
    let format = d.get("format").and_then(J::as_str).unwrap_or_default();
    if matches!(format, "csv" | "tsv") {
        if let Some(c) = d.get("delimiter").and_then(J::as_u64) {
            if c != u64::from(b',') {
                if let Some(ch) = char::from_u32(c as u32) {
                    o.insert("delimiter".into(), json!(ch.to_string()));
                }
            }
        }
    }
    if let Some(rows) = d.get("header_rows").and_then(J::as_array) {
        let rows: Vec<u64> = rows.iter().filter_map(J::as_u64).collect();
        if !rows.is_empty() && rows != [1] {
            o.insert("headerRows".into(), json!(rows));
        }
    }
    if let Some(sheet) = d.get("sheet").and_then(J::as_str) {
        o.insert("sheet".into(), json!(sheet));
    }
    (!o.is_empty()).then_some(J::Object(o))
}

/// How ingest read the current version of a resource.
async fn reading(ctx: &Ctx, item: &Item) -> Result<Reading, Error> {
    let Some(v) = &item.current else {
        return Ok(Reading::default());
    };
    let db = &ctx.state.db;
    let read = ingest::store::by_version(db, v.id).await?;
    let uploaded = catalog::store::table_schema_of(db, item.resource.id).await?;
    let mut schema = match uploaded {
        Some(text) => serde_json::from_str::<J>(&text).ok(),
        None => read.as_ref().and_then(|i| i.schema.clone()),
    };
    if let Some(obj) = schema.as_mut().and_then(J::as_object_mut) {
        obj.retain(|k, _| !k.starts_with("x-"));
    }
    let dialect = read.as_ref().and_then(|i| i.dialect.clone());
    let encoding = dialect
        .as_ref()
        .filter(|d| matches!(d.get("format").and_then(J::as_str), Some("csv" | "tsv")))
        .and_then(|d| d.get("encoding"))
        .and_then(J::as_str)
        .map(str::to_ascii_lowercase);
    Ok(Reading {
        schema,
        dialect: dialect.as_ref().and_then(frictionless_dialect),
        encoding,
    })
}

/// A file resource as a Data Resource (`None` for links).
pub fn resource(item: &Item, read: &Reading, taken: &mut Vec<String>) -> Option<J> {
    let v = item.current.as_ref()?;
    let mut name = common::package_name(&item.resource.slug);
    while taken.contains(&name) {
        name.push('_');
    }
    taken.push(name.clone());
    let mut o = Map::new();
    o.insert("name".into(), json!(name));
    o.insert(
        "path".into(),
        json!(item
            .version_url
            .clone()
            .unwrap_or_else(|| item.download_url.clone())),
    );
    o.insert("title".into(), json!(clean(&item.resource.name)));
    if !item.resource.description.trim().is_empty() {
        o.insert(
            "description".into(),
            json!(clean(item.resource.description.trim())),
        );
    }
    let format = common::format_by_name(&v.format);
    let extension = match format {
        Some(f) => f.eu_file_type().unwrap_or(f.name()).to_ascii_lowercase(),
        None => v.format.to_ascii_lowercase(),
    };
    o.insert("format".into(), json!(extension));
    o.insert(
        "mediatype".into(),
        json!(v.media_type.split(';').next().unwrap_or_default().trim()),
    );
    o.insert("bytes".into(), json!(v.size));
    o.insert("hash".into(), json!(format!("sha256:{}", v.sha256)));
    if let Some(e) = &read.encoding {
        o.insert("encoding".into(), json!(e));
    }
    if format.is_some_and(|f| f.is_tabular()) {
        o.insert("profile".into(), json!("tabular-data-resource"));
        if let Some(d) = &read.dialect {
            o.insert("dialect".into(), d.clone());
        }
        if let Some(s) = &read.schema {
            o.insert("schema".into(), s.clone());
        }
    }
    Some(J::Object(o))
}

async fn datapackage(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let env = Env::load(&ctx).await?;
    let p = public_package(&ctx, &env.base, &slug).await?;
    let m = &p.dataset.meta;
    let mut resources = vec![];
    let mut sources = vec![];
    let mut taken = vec![];
    for item in &p.resources {
        if item.current.is_none() {
            sources.push(json!({"title": clean(&item.resource.name), "path": item.download_url}));
            continue;
        }
        let read = reading(&ctx, item).await?;
        if let Some(r) = resource(item, &read, &mut taken) {
            resources.push(r);
        }
    }
    if resources.is_empty() {
        return Err(Error::user(
            axum::http::StatusCode::NOT_FOUND,
            "interop-datapackage-no-files",
        ));
    }
    let mut o = Map::new();
    o.insert("name".into(), json!(common::package_name(&p.dataset.slug)));
    o.insert("id".into(), json!(p.page_url(&env.base)));
    o.insert("title".into(), json!(clean(&m.title)));
    o.insert("description".into(), json!(clean(&m.description)));
    o.insert("homepage".into(), json!(p.page_url(&env.base)));
    if let Some(created) = p.dataset.published_at.as_deref() {
        o.insert("created".into(), json!(created));
    }
    if !m.keywords.is_empty() {
        o.insert(
            "keywords".into(),
            json!(m.keywords.iter().map(|k| clean(k)).collect::<Vec<_>>()),
        );
    }
    if let Some(l) = Licence::by_code(&m.licence) {
        let mut licence = Map::new();
        licence.insert("name".into(), json!(l.spdx.unwrap_or(l.code)));
        if let Some(uri) = l.uri {
            licence.insert("path".into(), json!(uri));
        }
        licence.insert("title".into(), json!(l.label_es));
        o.insert("licenses".into(), json!([J::Object(licence)]));
    }
    o.insert(
        "contributors".into(),
        json!([{
            "title": clean(&p.body.name),
            "path": crate::model::body_url(&env.base, &p.body),
            "role": "publisher",
        }]),
    );
    if let (Some(s), Some(e)) = (
        m.temporal_start.as_deref().and_then(date),
        m.temporal_end.as_deref().and_then(date),
    ) {
        o.insert("temporal".into(), json!({"start": s, "end": e}));
    }
    if let Some(place) = env.place(m.spatial.as_deref()) {
        o.insert("spatial".into(), json!(place.name));
    }
    if !sources.is_empty() {
        o.insert("sources".into(), J::Array(sources));
    }
    o.insert("resources".into(), J::Array(resources));
    let bytes = serde_json::to_vec_pretty(&J::Object(o)).map_err(Error::internal)?;
    Ok(document("application/json", bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_say_only_what_differs() {
        let plain = json!({"format": "csv", "encoding": "UTF-8", "delimiter": 44, "header_rows": [1], "sheet": null});
        assert_eq!(frictionless_dialect(&plain), None);
        let semicolon = json!({"format": "csv", "delimiter": 59, "header_rows": [3, 4]});
        assert_eq!(
            frictionless_dialect(&semicolon),
            Some(json!({"delimiter": ";", "headerRows": [3, 4]}))
        );
        let sheet =
            json!({"format": "xlsx", "delimiter": 59, "header_rows": [1], "sheet": "Hoja 2"});
        assert_eq!(
            frictionless_dialect(&sheet),
            Some(json!({"sheet": "Hoja 2"}))
        );
    }
}
