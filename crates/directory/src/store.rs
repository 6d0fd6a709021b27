//! Storage of the directory (both backends, `$N` placeholders).

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{flag, AnyConnection, AnyRow, Db, Row};
use serde::Serialize;

use crate::domain::{BodyData, Municipality};

fn municipality(r: &AnyRow) -> Result<Municipality, sqlx::Error> {
    Ok(Municipality {
        cvegeo: r.try_get("cvegeo")?,
        cve_ent: r.try_get("cve_ent")?,
        cve_mun: r.try_get("cve_mun")?,
        name: r.try_get("name")?,
        seat: r.try_get("seat")?,
        population_2020: r.try_get("population_2020")?,
        slug: r.try_get("slug")?,
    })
}

const MUNICIPALITY_COLUMNS: &str = "cvegeo, cve_ent, cve_mun, name, seat, population_2020, slug";

pub async fn municipalities(db: &Db) -> Result<Vec<Municipality>, sqlx::Error> {
    let sql = format!("SELECT {MUNICIPALITY_COLUMNS} FROM municipalities ORDER BY cvegeo");
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter().map(municipality).collect()
}

pub async fn municipality_by_slug(
    db: &Db,
    slug: &str,
) -> Result<Option<Municipality>, sqlx::Error> {
    let sql = format!("SELECT {MUNICIPALITY_COLUMNS} FROM municipalities WHERE slug = $1");
    let row = sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(municipality).transpose()
}

pub async fn municipality_by_cvegeo(
    db: &Db,
    cvegeo: &str,
) -> Result<Option<Municipality>, sqlx::Error> {
    let sql = format!("SELECT {MUNICIPALITY_COLUMNS} FROM municipalities WHERE cvegeo = $1");
    let row = sqlx::query(&sql)
        .bind(cvegeo)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(municipality).transpose()
}

/// Counts: all municipalities and those under `threshold`.
pub async fn municipality_counts(db: &Db, threshold: i64) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS total, CAST(COALESCE(SUM(CASE WHEN population_2020 < $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS small \
         FROM municipalities",
    )
    .bind(threshold)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("total")?, row.try_get("small")?))
}

/// Inserts the municipalities that are not there yet.
pub async fn insert_municipalities(
    conn: &mut AnyConnection,
    list: &[Municipality],
) -> Result<u64, sqlx::Error> {
    let mut n = 0;
    for m in list {
        let done = sqlx::query(
            "INSERT INTO municipalities (cvegeo, cve_ent, cve_mun, name, seat, population_2020, slug) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (cvegeo) DO NOTHING",
        )
        .bind(&m.cvegeo)
        .bind(&m.cve_ent)
        .bind(&m.cve_mun)
        .bind(&m.name)
        .bind(&m.seat)
        .bind(m.population_2020)
        .bind(&m.slug)
        .execute(&mut *conn)
        .await?;
        n += done.rows_affected();
    }
    Ok(n)
}

pub async fn insert_body_kinds(
    conn: &mut AnyConnection,
    kinds: &[&str],
) -> Result<(), sqlx::Error> {
    for (i, code) in kinds.iter().enumerate() {
        sqlx::query("INSERT INTO body_kinds (code, sort_order) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING")
            .bind(*code)
            .bind(i64::try_from(i).unwrap_or(i64::MAX))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A public body (sujeto obligado) as listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Body {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub municipality: Option<String>,
    pub hosted: bool,
    pub is_demo: bool,
}

/// What is needed to create a body.
#[derive(Debug, Clone, Serialize)]
pub struct NewBody<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub municipality: Option<&'a str>,
    pub hosted: bool,
    pub is_demo: bool,
}

/// Creates a body and records it in the audit log (same transaction).
pub async fn insert_body(
    conn: &mut AnyConnection,
    actor: &Actor,
    body: &NewBody<'_>,
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let row = sqlx::query(
        "INSERT INTO bodies (slug, name, kind, municipality, hosted, is_demo, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(body.slug)
    .bind(body.name)
    .bind(body.kind)
    .bind(body.municipality)
    .bind(flag(body.hosted))
    .bind(flag(body.is_demo))
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(conn, actor, Change::new("body", id, "create").after(body)).await?;
    Ok(id)
}

fn body(r: &AnyRow) -> Result<Body, sqlx::Error> {
    Ok(Body {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        municipality: r.try_get("municipality")?,
        hosted: r.try_get::<i64, _>("hosted")? != 0,
        is_demo: r.try_get::<i64, _>("is_demo")? != 0,
    })
}

const BODY_COLUMNS: &str = "id, slug, name, kind, municipality, hosted, is_demo";

pub async fn bodies_in_municipality(db: &Db, cvegeo: &str) -> Result<Vec<Body>, sqlx::Error> {
    let sql = format!("SELECT {BODY_COLUMNS} FROM bodies WHERE municipality = $1 AND deleted_at IS NULL ORDER BY name");
    let rows = sqlx::query(&sql).bind(cvegeo).fetch_all(db.pool()).await?;
    rows.iter().map(body).collect()
}

pub async fn body_by_slug(
    conn: &mut AnyConnection,
    slug: &str,
) -> Result<Option<Body>, sqlx::Error> {
    let sql = format!("SELECT {BODY_COLUMNS} FROM bodies WHERE slug = $1 AND deleted_at IS NULL");
    let row = sqlx::query(&sql).bind(slug).fetch_optional(conn).await?;
    row.as_ref().map(body).transpose()
}

pub async fn all_bodies(db: &Db) -> Result<Vec<Body>, sqlx::Error> {
    let sql = format!("SELECT {BODY_COLUMNS} FROM bodies WHERE deleted_at IS NULL ORDER BY name");
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter().map(body).collect()
}

/// A body with its public profile, as stored.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BodyProfile {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub municipality: Option<String>,
    pub hosted: bool,
    pub is_demo: bool,
    pub description: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub logo_sha256: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const PROFILE_COLUMNS: &str = "id, slug, name, kind, municipality, hosted, is_demo, description, \
     contact_name, contact_email, contact_phone, website, logo_sha256, created_at, updated_at";

fn profile(r: &AnyRow) -> Result<BodyProfile, sqlx::Error> {
    Ok(BodyProfile {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        municipality: r.try_get("municipality")?,
        hosted: r.try_get::<i64, _>("hosted")? != 0,
        is_demo: r.try_get::<i64, _>("is_demo")? != 0,
        description: r.try_get("description")?,
        contact_name: r.try_get("contact_name")?,
        contact_email: r.try_get("contact_email")?,
        contact_phone: r.try_get("contact_phone")?,
        website: r.try_get("website")?,
        logo_sha256: r.try_get("logo_sha256")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// A body's profile by its slug (bodies marked deleted are not found).
pub async fn body_profile_by_slug(
    conn: &mut AnyConnection,
    slug: &str,
) -> Result<Option<BodyProfile>, sqlx::Error> {
    let sql =
        format!("SELECT {PROFILE_COLUMNS} FROM bodies WHERE slug = $1 AND deleted_at IS NULL");
    let row = sqlx::query(&sql).bind(slug).fetch_optional(conn).await?;
    row.as_ref().map(profile).transpose()
}

async fn body_profile_by_id(conn: &mut AnyConnection, id: i64) -> Result<BodyProfile, sqlx::Error> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM bodies WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(conn).await?;
    profile(&row)
}

/// Is the slug used by any body, even one marked deleted (slugs are unique
/// for ever, so old links never point at another body)?
pub async fn slug_taken(conn: &mut AnyConnection, slug: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM bodies WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// A body as listed, with the name and slug of its municipality.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BodyRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub municipality: Option<String>,
    pub municipality_name: Option<String>,
    pub municipality_slug: Option<String>,
    pub hosted: bool,
    pub is_demo: bool,
}

/// Every body not marked deleted, in no particular order (callers sort them
/// in Spanish order, which the two backends' collations do not agree on).
pub async fn body_rows(db: &Db) -> Result<Vec<BodyRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT b.id, b.slug, b.name, b.kind, b.municipality, b.hosted, b.is_demo, \
         m.name AS municipality_name, m.slug AS municipality_slug \
         FROM bodies b LEFT JOIN municipalities m ON m.cvegeo = b.municipality \
         WHERE b.deleted_at IS NULL",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BodyRow {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                kind: r.try_get("kind")?,
                municipality: r.try_get("municipality")?,
                municipality_name: r.try_get("municipality_name")?,
                municipality_slug: r.try_get("municipality_slug")?,
                hosted: r.try_get::<i64, _>("hosted")? != 0,
                is_demo: r.try_get::<i64, _>("is_demo")? != 0,
            })
        })
        .collect()
}

/// What happens to a body's logo when it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoChange {
    Keep,
    /// A blob already in the file store.
    Set(String),
    Remove,
}

/// Creates a body from validated data (and a logo already stored), and records
/// it in the audit log in the same transaction.
pub async fn create_body(
    conn: &mut AnyConnection,
    actor: &Actor,
    data: &BodyData,
    logo_sha256: Option<&str>,
) -> Result<BodyProfile, sqlx::Error> {
    let now = kernel::time::now();
    let row = sqlx::query(
        "INSERT INTO bodies (slug, name, kind, municipality, hosted, is_demo, description, contact_name, \
         contact_email, contact_phone, website, logo_sha256, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(&data.slug)
    .bind(&data.name)
    .bind(&data.kind)
    .bind(data.municipality.as_deref())
    .bind(flag(data.hosted))
    .bind(data.description.as_deref())
    .bind(data.contact_name.as_deref())
    .bind(data.contact_email.as_deref())
    .bind(data.contact_phone.as_deref())
    .bind(data.website.as_deref())
    .bind(logo_sha256)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    let created = body_profile_by_id(conn, id).await?;
    audit::record(
        conn,
        actor,
        Change::new("body", id, "create").after(&created),
    )
    .await?;
    Ok(created)
}

/// Updates a body (its slug never changes) and records the state before and
/// after in the audit log, in the same transaction.
pub async fn update_body(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    data: &BodyData,
    logo: &LogoChange,
) -> Result<BodyProfile, sqlx::Error> {
    let before = body_profile_by_id(conn, id).await?;
    let logo_sha256 = match logo {
        LogoChange::Keep => before.logo_sha256.clone(),
        LogoChange::Set(sha) => Some(sha.clone()),
        LogoChange::Remove => None,
    };
    sqlx::query(
        "UPDATE bodies SET name = $1, kind = $2, municipality = $3, hosted = $4, description = $5, \
         contact_name = $6, contact_email = $7, contact_phone = $8, website = $9, logo_sha256 = $10, \
         updated_at = $11 WHERE id = $12",
    )
    .bind(&data.name)
    .bind(&data.kind)
    .bind(data.municipality.as_deref())
    .bind(flag(data.hosted))
    .bind(data.description.as_deref())
    .bind(data.contact_name.as_deref())
    .bind(data.contact_email.as_deref())
    .bind(data.contact_phone.as_deref())
    .bind(data.website.as_deref())
    .bind(logo_sha256.as_deref())
    .bind(kernel::time::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let after = body_profile_by_id(conn, id).await?;
    audit::record(
        conn,
        actor,
        Change::new("body", id, "update")
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}
