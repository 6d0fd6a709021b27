//! Storage of the catalog (both backends). Every write records its audit
//! entry in the same transaction. Resource versions are only ever inserted;
//! the database refuses to change or delete them.

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{flag, AnyConnection, AnyRow, Db, Row};
use kernel::files::StoredBlob;
use serde::Serialize;

use crate::domain::workflow::Status;

/// Dataset metadata as edited in the form (DCAT-AP plus what Mexican
/// publishers use).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub description: String,
    /// Theme codes (EU data themes), comma-separated in storage.
    pub themes: Vec<String>,
    pub keywords: Vec<String>,
    pub licence: String,
    pub frequency: Option<String>,
    pub temporal_start: Option<String>,
    pub temporal_end: Option<String>,
    /// `estado` or a municipality's INEGI key.
    pub spatial: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub language: String,
    pub version_notes: Option<String>,
}

/// A dataset as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    pub id: i64,
    pub slug: String,
    pub body_id: i64,
    pub status: String,
    pub is_private: bool,
    pub meta: Metadata,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
    pub deleted_at: Option<String>,
}

impl Dataset {
    pub fn status(&self) -> Status {
        Status::from_code(&self.status).unwrap_or(Status::Draft)
    }
    /// Visible to everyone: published, not private, not deleted.
    pub fn is_public(&self) -> bool {
        self.status() == Status::Published && !self.is_private && self.deleted_at.is_none()
    }
}

const DATASET_COLUMNS: &str = "id, slug, body_id, title, description, themes, keywords, licence, frequency, \
     temporal_start, temporal_end, spatial, contact_name, contact_email, language, version_notes, status, \
     is_private, created_at, updated_at, published_at, deleted_at";

/// A comma-separated column (themes, keywords) as a list.
pub(crate) fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn dataset(r: &AnyRow) -> Result<Dataset, sqlx::Error> {
    Ok(Dataset {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        body_id: r.try_get("body_id")?,
        status: r.try_get("status")?,
        is_private: r.try_get::<i64, _>("is_private")? != 0,
        meta: Metadata {
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            themes: split(&r.try_get::<String, _>("themes")?),
            keywords: split(&r.try_get::<String, _>("keywords")?),
            licence: r.try_get("licence")?,
            frequency: r.try_get("frequency")?,
            temporal_start: r.try_get("temporal_start")?,
            temporal_end: r.try_get("temporal_end")?,
            spatial: r.try_get("spatial")?,
            contact_name: r.try_get("contact_name")?,
            contact_email: r.try_get("contact_email")?,
            language: r.try_get("language")?,
            version_notes: r.try_get("version_notes")?,
        },
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        published_at: r.try_get("published_at")?,
        deleted_at: r.try_get("deleted_at")?,
    })
}

/// Creates a dataset (a draft, or published at once as CKAN does for
/// `package_create` when asked) and its audit entry.
pub async fn create_dataset(
    conn: &mut AnyConnection,
    actor: &Actor,
    slug: &str,
    body_id: i64,
    meta: &Metadata,
    is_private: bool,
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let row = sqlx::query(
        "INSERT INTO datasets (slug, body_id, title, description, themes, keywords, licence, frequency, temporal_start, \
         temporal_end, spatial, contact_name, contact_email, language, version_notes, status, is_private, created_by, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'draft', $16, $17, $18, $18) RETURNING id",
    )
    .bind(slug)
    .bind(body_id)
    .bind(&meta.title)
    .bind(&meta.description)
    .bind(meta.themes.join(","))
    .bind(meta.keywords.join(","))
    .bind(&meta.licence)
    .bind(meta.frequency.as_deref())
    .bind(meta.temporal_start.as_deref())
    .bind(meta.temporal_end.as_deref())
    .bind(meta.spatial.as_deref())
    .bind(meta.contact_name.as_deref())
    .bind(meta.contact_email.as_deref())
    .bind(&meta.language)
    .bind(meta.version_notes.as_deref())
    .bind(flag(is_private))
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(
        conn,
        actor,
        Change::new("dataset", id, "create").after(meta),
    )
    .await?;
    Ok(id)
}

/// Replaces a dataset's metadata; the audit entry keeps before and after.
pub async fn update_metadata(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    meta: &Metadata,
) -> Result<(), sqlx::Error> {
    let before = dataset_by_id(conn, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    sqlx::query(
        "UPDATE datasets SET title = $1, description = $2, themes = $3, keywords = $4, licence = $5, frequency = $6, \
         temporal_start = $7, temporal_end = $8, spatial = $9, contact_name = $10, contact_email = $11, language = $12, \
         version_notes = $13, updated_at = $14 WHERE id = $15",
    )
    .bind(&meta.title)
    .bind(&meta.description)
    .bind(meta.themes.join(","))
    .bind(meta.keywords.join(","))
    .bind(&meta.licence)
    .bind(meta.frequency.as_deref())
    .bind(meta.temporal_start.as_deref())
    .bind(meta.temporal_end.as_deref())
    .bind(meta.spatial.as_deref())
    .bind(meta.contact_name.as_deref())
    .bind(meta.contact_email.as_deref())
    .bind(&meta.language)
    .bind(meta.version_notes.as_deref())
    .bind(kernel::time::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("dataset", id, "update")
            .before(&before.meta)
            .after(meta),
    )
    .await?;
    Ok(())
}

/// Moves a dataset to `status` (the workflow decided it may).
pub async fn set_status(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    from: Status,
    to: Status,
    comment: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    let published_at = (to == Status::Published).then_some(now.as_str());
    sqlx::query("UPDATE datasets SET status = $1, updated_at = $2, published_at = COALESCE($3, published_at) WHERE id = $4")
        .bind(to.code())
        .bind(&now)
        .bind(published_at)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        actor,
        Change::new("dataset", id, "status")
            .before(serde_json::json!({ "status": from.code() }))
            .after(serde_json::json!({ "status": to.code(), "comment": comment })),
    )
    .await?;
    Ok(())
}

/// Soft deletion (and its undoing by an administrator).
pub async fn set_deleted(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    deleted: bool,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    sqlx::query("UPDATE datasets SET deleted_at = $1, updated_at = $2 WHERE id = $3")
        .bind(deleted.then_some(now.as_str()))
        .bind(&now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        actor,
        Change::new("dataset", id, if deleted { "delete" } else { "restore" }),
    )
    .await?;
    Ok(())
}

pub async fn dataset_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<Dataset>, sqlx::Error> {
    let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(dataset).transpose()
}

pub async fn dataset_by_slug(db: &Db, slug: &str) -> Result<Option<Dataset>, sqlx::Error> {
    let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE slug = $1");
    let row = sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(dataset).transpose()
}

/// `base`, or `base-2`, `base-3`…: the first no dataset has (deleted ones
/// included: their address stays theirs), and never `nuevo` (the catalog's
/// own page). Few datasets share a title: a handful of queries at most.
pub async fn free_dataset_slug(
    conn: &mut AnyConnection,
    base: &str,
) -> Result<String, sqlx::Error> {
    let mut slug = base.to_string();
    let mut n = 1;
    while slug == "nuevo" || slug_taken(conn, &slug).await? {
        n += 1;
        slug = format!("{base}-{n}");
    }
    Ok(slug)
}

pub async fn slug_taken(conn: &mut AnyConnection, slug: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT id FROM datasets WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?
        .is_some())
}

/// Public datasets, newest first: a page and the total.
pub async fn public_datasets(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Dataset>, i64), sqlx::Error> {
    let (ids, total) = public_dataset_ids(db, limit, offset).await?;
    let mut found: std::collections::HashMap<i64, Dataset> = datasets_by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    Ok((
        ids.iter().filter_map(|id| found.remove(id)).collect(),
        total,
    ))
}

/// Every dataset of a body (for its members), including drafts and deleted ones.
pub async fn datasets_of_body(
    db: &Db,
    body_id: i64,
    public_only: bool,
) -> Result<Vec<Dataset>, sqlx::Error> {
    let filter = if public_only {
        " AND status = 'published' AND is_private = 0 AND deleted_at IS NULL"
    } else {
        ""
    };
    let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE body_id = $1{filter} ORDER BY updated_at DESC");
    let rows = sqlx::query(&sql).bind(body_id).fetch_all(db.pool()).await?;
    rows.iter().map(dataset).collect()
}

/// Datasets waiting for the institute's review.
pub async fn in_review(db: &Db) -> Result<Vec<Dataset>, sqlx::Error> {
    let sql = format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE status = 'review' AND deleted_at IS NULL ORDER BY updated_at");
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter().map(dataset).collect()
}

/// A resource of a dataset: an uploaded file (with versions) or a link.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub id: i64,
    pub dataset_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub url: Option<String>,
    pub position: i64,
}

fn resource(r: &AnyRow) -> Result<Resource, sqlx::Error> {
    Ok(Resource {
        id: r.try_get("id")?,
        dataset_id: r.try_get("dataset_id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        kind: r.try_get("kind")?,
        url: r.try_get("url")?,
        position: r.try_get("position")?,
    })
}

const RESOURCE_COLUMNS: &str = "id, dataset_id, slug, name, description, kind, url, position";

pub async fn create_resource(
    conn: &mut AnyConnection,
    actor: &Actor,
    dataset_id: i64,
    slug: &str,
    name: &str,
    description: &str,
    link: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let position: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM resources WHERE dataset_id = $1")
        .bind(dataset_id)
        .fetch_one(&mut *conn)
        .await?;
    let row = sqlx::query(
        "INSERT INTO resources (dataset_id, slug, name, description, kind, url, position, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(dataset_id)
    .bind(slug)
    .bind(name)
    .bind(description)
    .bind(if link.is_some() { "link" } else { "file" })
    .bind(link)
    .bind(position)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(
        conn,
        actor,
        Change::new("resource", id, "create")
            .after(serde_json::json!({ "dataset_id": dataset_id, "name": name, "url": link })),
    )
    .await?;
    Ok(id)
}

pub async fn resources_of(db: &Db, dataset_id: i64) -> Result<Vec<Resource>, sqlx::Error> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE dataset_id = $1 AND deleted_at IS NULL ORDER BY position, id");
    let rows = sqlx::query(&sql)
        .bind(dataset_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(resource).collect()
}

pub async fn resource_by_slug(
    db: &Db,
    dataset_id: i64,
    slug: &str,
) -> Result<Option<Resource>, sqlx::Error> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE dataset_id = $1 AND slug = $2 AND deleted_at IS NULL");
    let row = sqlx::query(&sql)
        .bind(dataset_id)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(resource).transpose()
}

/// One immutable version of an uploaded resource.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Version {
    pub id: i64,
    pub resource_id: i64,
    pub number: i64,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub format: String,
    pub filename: String,
    pub notes: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: String,
}

fn version(r: &AnyRow) -> Result<Version, sqlx::Error> {
    Ok(Version {
        id: r.try_get("id")?,
        resource_id: r.try_get("resource_id")?,
        number: r.try_get("number")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get("size")?,
        media_type: r.try_get("media_type")?,
        format: r.try_get("format")?,
        filename: r.try_get("filename")?,
        notes: r.try_get("notes")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

const VERSION_COLUMNS: &str = "id, resource_id, number, sha256, size, media_type, format, filename, notes, created_by, created_at";

/// What an upload produced, to record as a new version.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub blob: &'a StoredBlob,
    pub media_type: &'a str,
    pub format: &'a str,
    pub filename: &'a str,
    pub notes: Option<&'a str>,
}

/// Adds the next version of a resource (its bytes are already stored). The
/// previous versions stay as they are, forever.
pub async fn add_version(
    conn: &mut AnyConnection,
    actor: &Actor,
    resource_id: i64,
    v: &NewVersion<'_>,
) -> Result<Version, sqlx::Error> {
    let next: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM resource_versions WHERE resource_id = $1")
        .bind(resource_id)
        .fetch_one(&mut *conn)
        .await?;
    let sql = format!(
        "INSERT INTO resource_versions (resource_id, number, sha256, size, media_type, format, filename, notes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {VERSION_COLUMNS}"
    );
    let row = sqlx::query(&sql)
        .bind(resource_id)
        .bind(next)
        .bind(&v.blob.sha256)
        .bind(i64::try_from(v.blob.size).unwrap_or(i64::MAX))
        .bind(v.media_type)
        .bind(v.format)
        .bind(v.filename)
        .bind(v.notes)
        .bind(actor.user_id)
        .bind(kernel::time::now())
        .fetch_one(&mut *conn)
        .await?;
    let created = version(&row)?;
    sqlx::query("UPDATE resources SET updated_at = $1 WHERE id = $2")
        .bind(&created.created_at)
        .bind(resource_id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        actor,
        Change::new("resource_version", created.id, "create").after(&created),
    )
    .await?;
    Ok(created)
}

pub async fn version_by_id(db: &Db, id: i64) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!("SELECT {VERSION_COLUMNS} FROM resource_versions WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(version).transpose()
}

/// A resource by id, unless deleted.
pub async fn resource_by_id(db: &Db, id: i64) -> Result<Option<Resource>, sqlx::Error> {
    let sql =
        format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE id = $1 AND deleted_at IS NULL");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(resource).transpose()
}

pub async fn versions_of(db: &Db, resource_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    let sql = format!("SELECT {VERSION_COLUMNS} FROM resource_versions WHERE resource_id = $1 ORDER BY number DESC");
    let rows = sqlx::query(&sql)
        .bind(resource_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(version).collect()
}

pub async fn version_by_number(
    db: &Db,
    resource_id: i64,
    number: i64,
) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM resource_versions WHERE resource_id = $1 AND number = $2"
    );
    let row = sqlx::query(&sql)
        .bind(resource_id)
        .bind(number)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(version).transpose()
}

/// Counts a download (outside any transaction; a lost count is no loss).
pub async fn count_download(db: &Db, version_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE resource_downloads SET count = count + 1 WHERE version_id = $1")
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        sqlx::query("INSERT INTO resource_downloads (version_id, count) VALUES ($1, 1)")
            .bind(version_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

pub async fn downloads_of_resource(db: &Db, resource_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(d.count), 0) AS BIGINT) FROM resource_downloads d \
         JOIN resource_versions v ON v.id = d.version_id WHERE v.resource_id = $1",
    )
    .bind(resource_id)
    .fetch_one(db.pool())
    .await
}

/// What the catalog needs to know about a body.
#[derive(Debug, Clone, Serialize)]
pub struct BodyRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Hosted bodies publish through the institute's review.
    pub hosted: bool,
}

pub async fn body_ref(db: &Db, id: i64) -> Result<Option<BodyRef>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, slug, name, hosted FROM bodies WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(BodyRef {
            id: r.try_get("id")?,
            slug: r.try_get("slug")?,
            name: r.try_get("name")?,
            hosted: r.try_get::<i64, _>("hosted")? != 0,
        })
    })
    .transpose()
}

/// The bodies an actor may publish for: all for platform administrators,
/// otherwise those where they edit or administer.
pub async fn publishable_bodies(db: &Db, actor: &Actor) -> Result<Vec<BodyRef>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, slug, name, hosted FROM bodies WHERE deleted_at IS NULL ORDER BY name",
    )
    .fetch_all(db.pool())
    .await?;
    let all = rows
        .iter()
        .map(|r| {
            Ok(BodyRef {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                hosted: r.try_get::<i64, _>("hosted")? != 0,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(all
        .into_iter()
        .filter(|b| {
            actor.role == kernel::authz::Role::PlatformAdmin
                || actor.has_body_role(
                    b.id,
                    &[
                        kernel::authz::Role::BodyAdmin,
                        kernel::authz::Role::BodyEditor,
                    ],
                )
        })
        .collect())
}

/// The slugs of a dataset's resources that are `base` or start with `base-`,
/// deleted ones included (their slug stays taken), to choose a free one.
pub async fn resource_slugs_like(
    conn: &mut AnyConnection,
    dataset_id: i64,
    base: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT slug FROM resources WHERE dataset_id = $1 AND (slug = $2 OR slug LIKE $3)",
    )
    .bind(dataset_id)
    .bind(base)
    .bind(format!("{base}-%"))
    .fetch_all(conn)
    .await
}

/// A version with who uploaded it and how often it was downloaded.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub version: Version,
    /// The uploader's display name, if the account still exists.
    pub author: Option<String>,
    pub downloads: i64,
}

/// Every version of a resource, newest first, with uploader and downloads.
pub async fn version_history(db: &Db, resource_id: i64) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.id, v.resource_id, v.number, v.sha256, v.size, v.media_type, v.format, v.filename, v.notes, \
         v.created_by, v.created_at, u.display_name AS author, CAST(COALESCE(d.count, 0) AS BIGINT) AS downloads \
         FROM resource_versions v LEFT JOIN users u ON u.id = v.created_by \
         LEFT JOIN resource_downloads d ON d.version_id = v.id \
         WHERE v.resource_id = $1 ORDER BY v.number DESC",
    )
    .bind(resource_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryEntry {
                version: version(r)?,
                author: r.try_get("author")?,
                downloads: r.try_get("downloads")?,
            })
        })
        .collect()
}

/// The current (highest-numbered) version of a resource.
pub async fn latest_version(db: &Db, resource_id: i64) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM resource_versions WHERE resource_id = $1 ORDER BY number DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(resource_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(version).transpose()
}

/// One field of a tabular resource's data dictionary.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DictionaryField {
    pub name: String,
    /// A Frictionless Table Schema type: string, integer, number, boolean, date, datetime…
    pub field_type: String,
    pub description: String,
    pub unit: String,
}

pub async fn dictionary_of(db: &Db, resource_id: i64) -> Result<Vec<DictionaryField>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT name, field_type, description, unit FROM dictionary_fields WHERE resource_id = $1 ORDER BY position, id",
    )
    .bind(resource_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DictionaryField {
                name: r.try_get("name")?,
                field_type: r.try_get("field_type")?,
                description: r.try_get("description")?,
                unit: r.try_get("unit")?,
            })
        })
        .collect()
}

/// The Table Schema uploaded for a resource (JSON), if any.
pub async fn table_schema_of(db: &Db, resource_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT table_schema FROM resources WHERE id = $1")
        .bind(resource_id)
        .fetch_optional(db.pool())
        .await
        .map(Option::flatten)
}

/// Sets or removes a resource's uploaded Table Schema (audited).
pub async fn set_table_schema(
    conn: &mut AnyConnection,
    actor: &Actor,
    resource_id: i64,
    schema: Option<&serde_json::Value>,
) -> Result<(), sqlx::Error> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT table_schema FROM resources WHERE id = $1")
            .bind(resource_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    if before.is_none() && schema.is_none() {
        return Ok(());
    }
    sqlx::query("UPDATE resources SET table_schema = $1 WHERE id = $2")
        .bind(schema.map(|s| s.to_string()))
        .bind(resource_id)
        .execute(&mut *conn)
        .await?;
    let before: Option<serde_json::Value> = before.and_then(|b| serde_json::from_str(&b).ok());
    audit::record(
        conn,
        actor,
        Change::new(
            "table_schema",
            resource_id,
            if schema.is_some() {
                "replace"
            } else {
                "remove"
            },
        )
        .before(before)
        .after(schema),
    )
    .await?;
    Ok(())
}

/// Replaces a resource's dictionary (one audit entry with before and after).
pub async fn replace_dictionary(
    conn: &mut AnyConnection,
    actor: &Actor,
    resource_id: i64,
    fields: &[DictionaryField],
) -> Result<(), sqlx::Error> {
    let before = sqlx::query(
        "SELECT name, field_type FROM dictionary_fields WHERE resource_id = $1 ORDER BY position",
    )
    .bind(resource_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(format!(
            "{}:{}",
            r.try_get::<String, _>("name")?,
            r.try_get::<String, _>("field_type")?
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    sqlx::query("DELETE FROM dictionary_fields WHERE resource_id = $1")
        .bind(resource_id)
        .execute(&mut *conn)
        .await?;
    for (i, f) in fields.iter().enumerate() {
        sqlx::query(
            "INSERT INTO dictionary_fields (resource_id, position, name, field_type, description, unit) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(resource_id)
        .bind(i64::try_from(i).unwrap_or(i64::MAX))
        .bind(&f.name)
        .bind(&f.field_type)
        .bind(&f.description)
        .bind(&f.unit)
        .execute(&mut *conn)
        .await?;
    }
    audit::record(
        conn,
        actor,
        Change::new("dictionary", resource_id, "replace")
            .before(before)
            .after(fields),
    )
    .await?;
    Ok(())
}

// ------------------------------------------------- batch reads (interop)

/// The datasets with these ids (any state; callers filter), in no order.
pub async fn datasets_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<Dataset>, sqlx::Error> {
    db.fetch_all_in(ids, |list| {
        format!("SELECT {DATASET_COLUMNS} FROM datasets WHERE id IN ({list})")
    })
    .await?
    .iter()
    .map(dataset)
    .collect()
}

/// The live resources of these datasets, each dataset's in its order.
pub async fn resources_of_datasets(
    db: &Db,
    dataset_ids: &[i64],
) -> Result<Vec<Resource>, sqlx::Error> {
    db.fetch_all_in(dataset_ids, |list| {
        format!(
            "SELECT {RESOURCE_COLUMNS} FROM resources WHERE dataset_id IN ({list}) \
             AND deleted_at IS NULL ORDER BY dataset_id, position, id"
        )
    })
    .await?
    .iter()
    .map(resource)
    .collect()
}

/// The current version of each of these resources (those with one).
pub async fn latest_versions(db: &Db, resource_ids: &[i64]) -> Result<Vec<Version>, sqlx::Error> {
    db.fetch_all_in(resource_ids, |list| {
        format!(
            "SELECT {VERSION_COLUMNS} FROM resource_versions v WHERE resource_id IN ({list}) \
             AND number = (SELECT MAX(number) FROM resource_versions w WHERE w.resource_id = v.resource_id)"
        )
    })
    .await?
    .iter()
    .map(version)
    .collect()
}

/// The ids of public datasets, newest first: a page and the total.
pub async fn public_dataset_ids(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<(Vec<i64>, i64), sqlx::Error> {
    let ids = sqlx::query_scalar(
        "SELECT id FROM datasets WHERE status = 'published' AND is_private = 0 AND deleted_at IS NULL \
         ORDER BY published_at DESC, id DESC LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM datasets WHERE status = 'published' AND is_private = 0 AND deleted_at IS NULL",
    )
    .fetch_one(db.pool())
    .await?;
    Ok((ids, total))
}

// ------------------------------------------------- programmatic writes (API)

/// Makes a dataset private or public (CKAN's `private`).
pub async fn set_private(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    is_private: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE datasets SET is_private = $1, updated_at = $2 WHERE id = $3")
        .bind(flag(is_private))
        .bind(kernel::time::now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        actor,
        Change::new("dataset", id, "visibility")
            .after(serde_json::json!({ "private": is_private })),
    )
    .await?;
    Ok(())
}

/// Remembers (or forgets) that the dataset is to be published as soon as
/// the workflow allows (it has a resource).
pub async fn set_publish_when_ready(
    conn: &mut AnyConnection,
    id: i64,
    wanted: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE datasets SET publish_when_ready = $1 WHERE id = $2")
        .bind(flag(wanted))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn publish_when_ready(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT publish_when_ready FROM datasets WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(v.unwrap_or(0) != 0)
}

/// Renames or re-describes a resource (and re-points a link).
pub async fn update_resource(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    name: &str,
    description: &str,
    link: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE resources SET name = $1, description = $2, url = CASE WHEN kind = 'link' THEN $3 ELSE url END, \
         updated_at = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(description)
    .bind(link)
    .bind(kernel::time::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("resource", id, "update")
            .after(serde_json::json!({ "name": name, "description": description, "url": link })),
    )
    .await?;
    Ok(())
}

/// Soft deletion of a resource: its versions stay at their addresses.
pub async fn delete_resource(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    sqlx::query("UPDATE resources SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL")
        .bind(&now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::record(conn, actor, Change::new("resource", id, "delete")).await?;
    Ok(())
}

/// Public keywords with how many public datasets use each (CKAN `tag_list`).
pub async fn public_keywords(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT keywords FROM datasets WHERE status = 'published' AND is_private = 0 AND deleted_at IS NULL",
    )
    .fetch_all(db.pool())
    .await?;
    let mut all: Vec<String> = rows.iter().flat_map(|k| split(k)).collect();
    all.sort();
    all.dedup();
    Ok(all)
}

/// Live resources of a dataset, seen from inside a transaction.
pub async fn resource_count(conn: &mut AnyConnection, dataset_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM resources WHERE dataset_id = $1 AND deleted_at IS NULL",
    )
    .bind(dataset_id)
    .fetch_one(conn)
    .await
}

/// Public datasets per body.
pub async fn public_counts_by_body(
    db: &Db,
) -> Result<std::collections::HashMap<i64, i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT body_id, COUNT(*) AS n FROM datasets \
         WHERE status = 'published' AND is_private = 0 AND deleted_at IS NULL GROUP BY body_id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("body_id")?, r.try_get("n")?)))
        .collect()
}

/// Public datasets per theme code.
pub async fn public_theme_counts(
    db: &Db,
) -> Result<std::collections::HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT themes FROM datasets WHERE status = 'published' AND is_private = 0 AND deleted_at IS NULL",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out = std::collections::HashMap::new();
    for t in rows.iter().flat_map(|t| split(t)) {
        *out.entry(t).or_insert(0) += 1;
    }
    Ok(out)
}

// ------------------------------------------------- personal-data guard

/// What the scan of a version found (masked), as stored.
#[derive(Debug, Clone, Serialize)]
pub struct PrivacyScan {
    pub version_id: i64,
    /// `found`, `clean` or `cleared` (found, and justified by a reviewer).
    pub status: String,
    pub total: i64,
    /// A sample: `[{kind, row, column, value}]`, values masked.
    pub findings: serde_json::Value,
    pub justification: Option<String>,
}

/// Records a version's scan (again: a new scan replaces the old one, but a
/// justification stays with its version).
pub async fn save_privacy_scan(
    db: &Db,
    version_id: i64,
    total: i64,
    findings: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let status = if total > 0 { "found" } else { "clean" };
    let now = kernel::time::now();
    sqlx::query("DELETE FROM privacy_scans WHERE version_id = $1 AND justification IS NULL")
        .bind(version_id)
        .execute(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO privacy_scans (version_id, status, total, findings, scanned_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (version_id) DO UPDATE SET total = excluded.total, findings = excluded.findings, \
         scanned_at = excluded.scanned_at",
    )
    .bind(version_id)
    .bind(status)
    .bind(total)
    .bind(findings.to_string())
    .bind(&now)
    .execute(db.pool())
    .await?;
    Ok(())
}

fn privacy_scan(r: &AnyRow) -> Result<PrivacyScan, sqlx::Error> {
    let findings: String = r.try_get("findings")?;
    Ok(PrivacyScan {
        version_id: r.try_get("version_id")?,
        status: r.try_get("status")?,
        total: r.try_get("total")?,
        findings: serde_json::from_str(&findings).unwrap_or_default(),
        justification: r.try_get("justification")?,
    })
}

/// The scans of the current versions of a dataset's live resources that
/// found personal data nobody has justified: what keeps it from being
/// published. With the resource's name.
pub async fn privacy_blocking(
    conn: &mut AnyConnection,
    dataset_id: i64,
) -> Result<Vec<(String, i64, PrivacyScan)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.name, v.number, p.version_id, p.status, p.total, p.findings, p.justification \
         FROM resources r JOIN resource_versions v ON v.resource_id = r.id \
         JOIN privacy_scans p ON p.version_id = v.id \
         WHERE r.dataset_id = $1 AND r.deleted_at IS NULL AND p.status = 'found' \
         AND v.number = (SELECT MAX(number) FROM resource_versions w WHERE w.resource_id = r.id) \
         ORDER BY r.position, r.id",
    )
    .bind(dataset_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("number")?, privacy_scan(r)?)))
        .collect()
}

/// Records that a version's personal data is lawfully public (e.g. public
/// servants' names and salaries); the justification goes to the audit log.
pub async fn clear_privacy(
    conn: &mut AnyConnection,
    actor: &Actor,
    version_id: i64,
    justification: &str,
) -> Result<bool, sqlx::Error> {
    let now = kernel::time::now();
    let done = sqlx::query(
        "UPDATE privacy_scans SET status = 'cleared', justification = $1, cleared_by = $2, cleared_at = $3 \
         WHERE version_id = $4 AND status = 'found'",
    )
    .bind(justification)
    .bind(actor.user_id)
    .bind(&now)
    .bind(version_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    audit::record(
        conn,
        actor,
        Change::new("resource_version", version_id, "personal_data_justified")
            .after(serde_json::json!({ "justification": justification })),
    )
    .await?;
    Ok(true)
}

/// Whether a current file of the dataset (a table or a text) has not been
/// scanned for personal data yet: it may not be published meanwhile.
pub async fn privacy_pending(
    conn: &mut AnyConnection,
    dataset_id: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM resources r JOIN resource_versions v ON v.resource_id = r.id \
         WHERE r.dataset_id = $1 AND r.deleted_at IS NULL \
         AND v.number = (SELECT MAX(number) FROM resource_versions w WHERE w.resource_id = r.id) \
         AND (UPPER(v.format) IN ('CSV', 'TSV', 'XLSX', 'XLS') \
              OR LOWER(v.filename) LIKE '%.csv' OR LOWER(v.filename) LIKE '%.tsv' \
              OR LOWER(v.filename) LIKE '%.tab' OR LOWER(v.filename) LIKE '%.txt' \
              OR LOWER(v.filename) LIKE '%.md' OR LOWER(v.filename) LIKE '%.markdown' \
              OR LOWER(v.filename) LIKE '%.text') \
         AND NOT EXISTS (SELECT 1 FROM privacy_scans p WHERE p.version_id = v.id)",
    )
    .bind(dataset_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}
