//! schema.org `Dataset` in every public dataset's page (what Google Dataset
//! Search and other crawlers read), with `<link rel="alternate">` to the
//! dataset in DCAT-AP, as a Data Package and to the news feed: a fragment of
//! the catalog's "dataset-head" page. A JSON-LD block is data, not script:
//! browsers do not run it, so the page's CSP (`script-src 'self'`) is not in
//! its way; `<`, `>` and `&` are written as `\u003c`… so that no text in it
//! can close the element.

use catalog::domain::vocab::Licence;
use kernel::i18n::Locale;
use kernel::web::{Ctx, Fragment};
use kernel::Error;
use serde_json::{json, Map, Value as J};

use crate::common::{self, clean, date, Env};
use crate::dcat::Syntax;
use crate::feeds::xml_escape;
use crate::model::{self, Package};

/// The dataset page's `<head>` additions.
pub struct DatasetHead;

/// JSON for a `<script>` element: nothing in it can end the element or
/// start markup.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The schema.org description of a public dataset.
pub fn dataset(env: &Env, catalog_name: &str, p: &Package) -> J {
    let base = &env.base;
    let m = &p.dataset.meta;
    let url = p.page_url(base);
    let org = json!({
        "@type": "GovernmentOrganization",
        "name": clean(&p.body.name),
        "url": model::body_url(base, &p.body),
    });
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("Dataset"));
    o.insert("@id".into(), json!(url));
    o.insert("name".into(), json!(clean(&m.title)));
    o.insert(
        "description".into(),
        json!(common::plain(&m.description, 5000)),
    );
    o.insert("url".into(), json!(url));
    o.insert("identifier".into(), json!(url));
    let mut keywords: Vec<String> = m.keywords.iter().map(|k| clean(k)).collect();
    keywords.extend(
        common::theme_labels(&m.themes)
            .into_iter()
            .map(str::to_string),
    );
    if !keywords.is_empty() {
        o.insert("keywords".into(), json!(keywords));
    }
    if let Some(uri) = Licence::by_code(&m.licence).and_then(|l| l.uri) {
        o.insert("license".into(), json!(uri));
    }
    o.insert("isAccessibleForFree".into(), json!(true));
    o.insert(
        "inLanguage".into(),
        json!(common::language_tag(&m.language)),
    );
    o.insert("creator".into(), org.clone());
    o.insert("publisher".into(), org);
    match (
        m.temporal_start.as_deref().and_then(date),
        m.temporal_end.as_deref().and_then(date),
    ) {
        (Some(s), Some(e)) => {
            o.insert("temporalCoverage".into(), json!(format!("{s}/{e}")));
        }
        (Some(s), None) => {
            o.insert("temporalCoverage".into(), json!(format!("{s}/..")));
        }
        _ => {}
    }
    if let Some(place) = env.place(m.spatial.as_deref()) {
        o.insert(
            "spatialCoverage".into(),
            json!({"@type": "Place", "name": place.name, "url": place.uri}),
        );
    }
    o.insert("dateModified".into(), json!(p.modified()));
    if let Some(published) = &p.dataset.published_at {
        o.insert("datePublished".into(), json!(published));
    }
    let distribution: Vec<J> = p
        .resources
        .iter()
        .filter_map(|item| {
            let v = item.current.as_ref()?;
            Some(json!({
                "@type": "DataDownload",
                "name": clean(&item.resource.name),
                "encodingFormat": v.media_type.split(';').next().unwrap_or_default().trim(),
                "contentUrl": item.download_url,
                "contentSize": v.size.to_string(),
            }))
        })
        .collect();
    if !distribution.is_empty() {
        o.insert("distribution".into(), J::Array(distribution));
    }
    o.insert(
        "includedInDataCatalog".into(),
        json!({"@type": "DataCatalog", "name": catalog_name, "url": format!("{base}/datos")}),
    );
    J::Object(o)
}

/// A `<link rel="alternate">` to the dataset in another format.
struct Alternate {
    media_type: &'static str,
    href: String,
    title: String,
}

#[async_trait::async_trait]
impl Fragment for DatasetHead {
    fn page(&self) -> &'static str {
        "dataset-head"
    }

    async fn render(&self, ctx: &Ctx, dataset_id: i64) -> Result<Option<String>, Error> {
        let base = ctx.state.config.public_url();
        let Some(p) = model::public_by_ids(&ctx.state.db, &base, &[dataset_id])
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let env = Env::load(ctx).await?;
        let catalog_name = ctx.state.i18n.t(Locale::Es, "interop-catalog-title");
        let text =
            serde_json::to_string(&dataset(&env, &catalog_name, &p)).map_err(Error::internal)?;
        let url = p.page_url(&base);
        let mut links: Vec<Alternate> = Syntax::ALL
            .iter()
            .map(|s| Alternate {
                media_type: s.media_type(),
                href: format!("{url}/dcat.{}", s.extension()),
                title: ctx.t(&format!("interop-alternate-dcat-{}", s.extension())),
            })
            .collect();
        if p.resources.iter().any(|i| i.current.is_some()) {
            links.push(Alternate {
                media_type: "application/json",
                href: format!("{url}/datapackage.json"),
                title: ctx.t("interop-alternate-datapackage"),
            });
        }
        links.push(Alternate {
            media_type: "application/atom+xml",
            href: format!("{base}/datos/novedades.atom"),
            title: ctx.t("interop-alternate-feed"),
        });
        let mut html = format!(
            "<script type=\"application/ld+json\">{}</script>\n",
            script_safe(&text)
        );
        for l in links {
            html.push_str(&format!(
                "<link rel=\"alternate\" type=\"{}\" href=\"{}\" title=\"{}\">\n",
                l.media_type,
                xml_escape(&l.href),
                xml_escape(&l.title)
            ));
        }
        Ok(Some(html))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let json = serde_json::to_string(&json!({"t": "</script><!-- & -->"})).expect("json");
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: J = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back["t"], "</script><!-- & -->");
    }
}
