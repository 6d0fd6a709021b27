//! What the directory gives the search index: the public bodies, and how the
//! facets it owns read (a body's slug → its name, a kind's code → its label,
//! an INEGI key → the municipality's name).

use std::collections::HashMap;

use kernel::db::{AnyConnection, Db};
use kernel::i18n::{I18n, Locale};
use kernel::search::{Document, SearchSource};
use sqlx::Row;

pub const BODY: &str = "body";

/// Announces a change of a body, in the caller's transaction.
pub async fn changed(
    conn: &mut AnyConnection,
    state: &kernel::web::Shared,
    body_id: i64,
) -> Result<(), sqlx::Error> {
    kernel::search::changed(conn, &state.events, &state.jobs, BODY, body_id).await?;
    // What others show of the body (the catalog's datasets) follows.
    state
        .events
        .emit(
            conn,
            &state.jobs,
            kernel::events::BODY_CHANGED,
            &body_id.to_string(),
            serde_json::json!({ "body_id": body_id }),
        )
        .await
}

/// Public bodies.
pub struct Bodies;

#[async_trait::async_trait]
impl SearchSource for Bodies {
    fn kind(&self) -> &'static str {
        BODY
    }

    async fn documents(&self, db: &Db, ids: &[String]) -> Result<Vec<Document>, sqlx::Error> {
        let ids: Vec<i64> = ids.iter().filter_map(|i| i.parse().ok()).collect();
        let rows = db
            .fetch_all_in(&ids, |list| {
                format!(
                    "SELECT b.id, b.slug, b.name, b.kind, b.municipality, b.description, b.created_at, \
                     b.updated_at, m.name AS municipality_name \
                     FROM bodies b LEFT JOIN municipalities m ON m.cvegeo = b.municipality \
                     WHERE b.deleted_at IS NULL AND b.id IN ({list})"
                )
            })
            .await?;
        let mut docs = vec![];
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let slug: String = r.try_get("slug")?;
            let municipality: Option<String> = r.try_get("municipality")?;
            let municipality_name: Option<String> = r.try_get("municipality_name")?;
            let description: Option<String> = r.try_get("description")?;
            let mut doc = Document {
                kind: BODY,
                id: id.to_string(),
                url: format!("/sujetos-obligados/{slug}"),
                title: r.try_get("name")?,
                description: description.unwrap_or_default(),
                body_text: municipality_name.unwrap_or_default(),
                published_at: kernel::time::parse(&r.try_get::<String, _>("created_at")?),
                modified_at: kernel::time::parse(&r.try_get::<String, _>("updated_at")?),
                ..Document::default()
            };
            doc.facet("organization", [slug]);
            doc.facet("body_kind", [r.try_get::<String, _>("kind")?]);
            doc.facet("municipality", municipality);
            docs.push(doc);
        }
        Ok(docs)
    }

    async fn public_ids(&self, db: &Db) -> Result<Vec<String>, sqlx::Error> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM bodies WHERE deleted_at IS NULL ORDER BY id")
                .fetch_all(db.pool())
                .await?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }

    async fn facet_labels(
        &self,
        db: &Db,
        i18n: &I18n,
        locale: Locale,
        key: &str,
        values: &[String],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        let sql = match key {
            "body_kind" => {
                return Ok(values
                    .iter()
                    .map(|v| (v.clone(), i18n.t(locale, &format!("body-kind-{v}"))))
                    .collect())
            }
            "organization" => "SELECT slug AS value, name AS label FROM bodies WHERE slug IN",
            "municipality" => {
                "SELECT cvegeo AS value, name AS label FROM municipalities WHERE cvegeo IN"
            }
            _ => return Ok(HashMap::new()),
        };
        let mut out = HashMap::new();
        for r in db
            .fetch_all_in(values, |list| format!("{sql} ({list})"))
            .await?
        {
            out.insert(r.try_get("value")?, r.try_get("label")?);
        }
        Ok(out)
    }
}
