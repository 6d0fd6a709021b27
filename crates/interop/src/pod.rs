//! The catalog as a Project Open Data v1.1 `data.json` (what data.gov's
//! harvester, ckanext-datajson and many portal tools read): every public
//! dataset, loaded a page at a time through `model::public_page`.
//!
//! It follows the schema's non-federal profile: `bureauCode` and
//! `programCode` are codes of the United States federal budget, which no
//! Mexican body has, so they are left out rather than invented.

use axum::response::Response;
use catalog::domain::vocab::Licence;
use kernel::authz::{Action, Rule};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use serde_json::{json, Map, Value as J};

use crate::common::{self, clean, date, document, Env};
use crate::model::{self, Package};

/// The `data.json` catalog: anyone.
pub static VIEW: Action = Action::read("interop.datajson.view", Rule::Anyone);

pub fn routes() -> Routes {
    Routes::new().get("/data.json", &VIEW, data_json)
}

/// Datasets read per query while writing the whole catalog.
const BATCH: i64 = 500;

/// One dataset as a Project Open Data entry.
pub fn dataset(env: &Env, p: &Package) -> J {
    let base = &env.base;
    let d = &p.dataset;
    let m = &d.meta;
    let url = p.page_url(base);
    let themes = common::theme_labels(&m.themes);
    // `keyword` may not be empty: the themes stand in, then the body.
    let mut keywords: Vec<String> = m
        .keywords
        .iter()
        .map(|k| clean(k.trim()))
        .filter(|k| !k.is_empty())
        .collect();
    if keywords.is_empty() {
        keywords = themes.iter().map(|t| t.to_string()).collect();
    }
    if keywords.is_empty() {
        keywords.push(clean(&p.body.name));
    }
    let contact = env.contact(p);
    let mut o = Map::new();
    o.insert("@type".into(), json!("dcat:Dataset"));
    o.insert("identifier".into(), json!(url));
    o.insert("title".into(), json!(clean(&m.title)));
    let description = clean(m.description.trim());
    o.insert(
        "description".into(),
        json!(if description.is_empty() {
            clean(&m.title)
        } else {
            description
        }),
    );
    o.insert("keyword".into(), json!(keywords));
    o.insert("modified".into(), json!(p.modified()));
    if let Some(issued) = d.published_at.as_deref().and_then(date) {
        o.insert("issued".into(), json!(issued));
    }
    o.insert(
        "publisher".into(),
        json!({"@type": "org:Organization", "name": clean(&p.body.name)}),
    );
    o.insert(
        "contactPoint".into(),
        json!({
            "@type": "vcard:Contact",
            "fn": clean(&contact.name),
            "hasEmail": format!("mailto:{}", contact.email),
        }),
    );
    o.insert("accessLevel".into(), json!("public"));
    if let Some(l) = Licence::by_code(&m.licence) {
        match l.uri {
            Some(uri) => {
                o.insert("license".into(), json!(uri));
            }
            None => {
                o.insert("rights".into(), json!(l.label_es));
            }
        }
    }
    if let Some(place) = env.place(m.spatial.as_deref()) {
        o.insert("spatial".into(), json!(place.name));
    }
    if let (Some(s), Some(e)) = (
        m.temporal_start.as_deref().and_then(date),
        m.temporal_end.as_deref().and_then(date),
    ) {
        o.insert("temporal".into(), json!(format!("{s}/{e}")));
    }
    if let Some(iso) = m.frequency.as_deref().and_then(common::frequency_iso) {
        o.insert("accrualPeriodicity".into(), json!(iso));
    }
    if !themes.is_empty() {
        o.insert("theme".into(), json!(themes));
    }
    o.insert("landingPage".into(), json!(url));
    o.insert(
        "language".into(),
        json!([common::language_tag(&m.language)]),
    );
    let distribution: Vec<J> = p.resources.iter().map(distribution).collect();
    if !distribution.is_empty() {
        o.insert("distribution".into(), J::Array(distribution));
    }
    J::Object(o)
}

fn distribution(item: &model::Item) -> J {
    let mut o = Map::new();
    o.insert("@type".into(), json!("dcat:Distribution"));
    o.insert("title".into(), json!(clean(&item.resource.name)));
    if !item.resource.description.trim().is_empty() {
        o.insert(
            "description".into(),
            json!(clean(item.resource.description.trim())),
        );
    }
    match &item.current {
        Some(v) => {
            o.insert("downloadURL".into(), json!(item.download_url));
            let media_type = v.media_type.split(';').next().unwrap_or_default().trim();
            o.insert("mediaType".into(), json!(media_type));
            o.insert("format".into(), json!(v.format));
            if common::format_by_name(&v.format).is_some_and(|f| f.is_tabular()) {
                o.insert(
                    "describedBy".into(),
                    json!(format!("{}/esquema.json", item.page_url)),
                );
                o.insert("describedByType".into(), json!("application/json"));
            }
        }
        None => {
            o.insert("accessURL".into(), json!(item.download_url));
        }
    }
    J::Object(o)
}

async fn data_json(ctx: Ctx) -> Result<Response, Error> {
    let env = Env::load(&ctx).await?;
    let mut datasets = vec![];
    let mut offset = 0;
    loop {
        let (page, total) = model::public_page(&ctx.state.db, &env.base, BATCH, offset).await?;
        let n = page.len() as i64;
        datasets.extend(page.iter().map(|p| dataset(&env, p)));
        offset += BATCH;
        if n == 0 || offset >= total {
            break;
        }
    }
    let doc = json!({
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": format!("{}/data.json", env.base),
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": datasets,
    });
    let bytes = serde_json::to_vec(&doc).map_err(Error::internal)?;
    Ok(document("application/json", bytes))
}
