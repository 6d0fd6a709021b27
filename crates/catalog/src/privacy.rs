//! What the catalog does when the personal-data scan finds something in a
//! file that is already public: the dataset leaves public view at once
//! (unpublished, audited, with the reason), until the file is replaced or a
//! reviewer records why the data is lawfully public. (Before publication,
//! `store::privacy_blocking` keeps it from being published.) When the scan
//! finds nothing, a dataset that was asked to be public meanwhile (through
//! the API) is published then.

use kernel::authz::Actor;
use kernel::web::Shared;

use crate::domain::workflow::Status;
use crate::store;

/// Whether the personal-data guard reads files like this one: tables (CSV,
/// TSV, Excel) and plain texts. The same choice as the scan job's
/// (`ingest::privacy`) and as the SQL of `store::privacy_pending`.
pub fn is_guarded(format: &str, filename: &str) -> bool {
    let lower = filename.to_ascii_lowercase();
    matches!(
        format.to_ascii_uppercase().as_str(),
        "CSV" | "TSV" | "XLSX" | "XLS"
    ) || [".csv", ".tsv", ".tab", ".txt", ".md", ".markdown", ".text"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Whether people outside the publishing body must wait for this version's
/// bytes: the guard reads it and has not cleared it yet (not scanned yet,
/// or personal data found that nobody justified). Its body and the
/// institute read it at once (they are who fixes it).
pub async fn held(db: &kernel::db::Db, v: &store::Version) -> Result<bool, sqlx::Error> {
    if !is_guarded(&v.format, &v.filename) {
        return Ok(false);
    }
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM privacy_scans WHERE version_id = $1")
            .bind(v.id)
            .fetch_optional(db.pool())
            .await?;
    Ok(!matches!(status.as_deref(), Some("clean" | "cleared")))
}

/// Unpublishes the dataset of `version_id` if that version is the current
/// file of one of its live resources and the dataset is public.
pub async fn withdraw_if_public(state: &Shared, version_id: i64) -> Result<bool, sqlx::Error> {
    let Some(v) = store::version_by_id(&state.db, version_id).await? else {
        return Ok(false);
    };
    let Some(r) = store::resource_by_id(&state.db, v.resource_id).await? else {
        return Ok(false);
    };
    let current = store::latest_version(&state.db, r.id).await?;
    if current.map(|c| c.id) != Some(version_id) {
        return Ok(false);
    }
    let mut tx = state.db.begin().await?;
    let Some(d) = store::dataset_by_id(&mut tx, r.dataset_id).await? else {
        return Ok(false);
    };
    if d.status() != Status::Published {
        return Ok(false);
    }
    if store::privacy_blocking(&mut tx, d.id).await?.is_empty() {
        return Ok(false); // justified meanwhile
    }
    store::set_status(
        &mut tx,
        &Actor::system(),
        d.id,
        Status::Published,
        Status::Unpublished,
        Some("Se retiró de la vista pública: un archivo nuevo contiene datos personales."),
    )
    .await?;
    crate::search::changed_with_resources(&mut tx, state, d.id).await?;
    tx.commit().await?;
    Ok(true)
}

/// After a clean scan of `version_id`: publishes its dataset if it was asked
/// to be public and was only waiting for the scans (or sends it to review,
/// for a hosted body), as the workflow says.
pub async fn publish_if_waiting(state: &Shared, version_id: i64) -> Result<bool, sqlx::Error> {
    let Some(v) = store::version_by_id(&state.db, version_id).await? else {
        return Ok(false);
    };
    let Some(r) = store::resource_by_id(&state.db, v.resource_id).await? else {
        return Ok(false);
    };
    let mut tx = state.db.begin().await?;
    let Some(d) = store::dataset_by_id(&mut tx, r.dataset_id).await? else {
        return Ok(false);
    };
    if d.deleted_at.is_some()
        || !store::publish_when_ready(&mut tx, d.id).await?
        || store::privacy_pending(&mut tx, d.id).await?
        || !store::privacy_blocking(&mut tx, d.id).await?.is_empty()
    {
        return Ok(false);
    }
    let Some(body) = store::body_ref(&state.db, d.body_id).await? else {
        return Ok(false);
    };
    // Asked by one of the body's people (the flag is theirs to set).
    let who = crate::domain::workflow::Who {
        body_member: true,
        institute: false,
    };
    let has_resources = store::resource_count(&mut tx, d.id).await? > 0;
    let Ok(Some(to)) =
        crate::domain::workflow::toward_public(d.status(), who, body.hosted, has_resources)
    else {
        return Ok(false);
    };
    store::set_status(&mut tx, &Actor::system(), d.id, d.status(), to, None).await?;
    store::set_publish_when_ready(&mut tx, d.id, false).await?;
    crate::search::changed_with_resources(&mut tx, state, d.id).await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_reads_tables_and_texts() {
        assert!(is_guarded("CSV", "a.csv"));
        assert!(is_guarded("XLSX", "libro.xlsx"));
        assert!(is_guarded("TXT", "notas.TXT"));
        assert!(is_guarded("BIN", "datos.tab"));
        assert!(!is_guarded("PDF", "informe.pdf"));
        assert!(!is_guarded("GeoJSON", "limites.geojson"));
    }
}
