//! Storage of the directory (both backends, `$N` placeholders).

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{flag, AnyConnection, AnyRow, Db, Row};
use serde::Serialize;

use crate::domain::Municipality;

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
