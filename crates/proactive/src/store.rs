//! Storage of practices, the rubric and evaluation rounds (both backends).
//! Every write records its audit entry in the same transaction; evaluation
//! rounds are only ever added.

use std::collections::HashMap;

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{AnyConnection, AnyRow, Db, Row};
use serde::Serialize;

use crate::domain::{Criterion, Decision, PracticeInput, Status};

/// A practice as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Practice {
    pub id: i64,
    pub slug: String,
    pub body_id: i64,
    pub input: PracticeInput,
    pub status: String,
    pub score: Option<i64>,
    pub result_evaluation_id: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub evaluated_at: Option<String>,
}

impl Practice {
    pub fn status(&self) -> Status {
        Status::from_code(&self.status)
    }
}

const COLUMNS: &str =
    "id, slug, body_id, title, problem, population, demand_method, demand_evidence, links, \
     channels, frequency, indicators, status, score, result_evaluation_id, created_at, updated_at, \
     submitted_at, evaluated_at";

fn practice(r: &AnyRow) -> Result<Practice, sqlx::Error> {
    let links: String = r.try_get("links")?;
    Ok(Practice {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        body_id: r.try_get("body_id")?,
        input: PracticeInput {
            title: r.try_get("title")?,
            problem: r.try_get("problem")?,
            population: r.try_get("population")?,
            demand_method: r.try_get("demand_method")?,
            demand_evidence: r.try_get("demand_evidence")?,
            links: links
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            channels: r.try_get("channels")?,
            frequency: r.try_get("frequency")?,
            indicators: r.try_get("indicators")?,
            datasets: vec![],
        },
        status: r.try_get("status")?,
        score: r.try_get("score")?,
        result_evaluation_id: r.try_get("result_evaluation_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        submitted_at: r.try_get("submitted_at")?,
        evaluated_at: r.try_get("evaluated_at")?,
    })
}

async fn set_datasets(
    conn: &mut AnyConnection,
    practice_id: i64,
    datasets: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM practice_datasets WHERE practice_id = $1")
        .bind(practice_id)
        .execute(&mut *conn)
        .await?;
    for d in datasets {
        sqlx::query("INSERT INTO practice_datasets (practice_id, dataset_id) VALUES ($1, $2)")
            .bind(practice_id)
            .bind(*d)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn slug_taken(conn: &mut AnyConnection, slug: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT id FROM practices WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?
        .is_some())
}

/// Creates a draft practice and its audit entry.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    slug: &str,
    body_id: i64,
    p: &PracticeInput,
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let row = sqlx::query(
        "INSERT INTO practices (slug, body_id, title, problem, population, demand_method, demand_evidence, links, \
         channels, frequency, indicators, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $13, $13) RETURNING id",
    )
    .bind(slug)
    .bind(body_id)
    .bind(&p.title)
    .bind(&p.problem)
    .bind(&p.population)
    .bind(&p.demand_method)
    .bind(&p.demand_evidence)
    .bind(p.links.join("\n"))
    .bind(&p.channels)
    .bind(p.frequency.as_deref())
    .bind(&p.indicators)
    .bind(actor.user_id)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    set_datasets(conn, id, &p.datasets).await?;
    audit::record(conn, actor, Change::new("practice", id, "create").after(p)).await?;
    Ok(id)
}

/// Replaces what a practice says; the audit entry keeps before and after.
pub async fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    before: &Practice,
    p: &PracticeInput,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE practices SET title = $1, problem = $2, population = $3, demand_method = $4, demand_evidence = $5, \
         links = $6, channels = $7, frequency = $8, indicators = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(&p.title)
    .bind(&p.problem)
    .bind(&p.population)
    .bind(&p.demand_method)
    .bind(&p.demand_evidence)
    .bind(p.links.join("\n"))
    .bind(&p.channels)
    .bind(p.frequency.as_deref())
    .bind(&p.indicators)
    .bind(kernel::time::now())
    .bind(before.id)
    .execute(&mut *conn)
    .await?;
    set_datasets(conn, before.id, &p.datasets).await?;
    audit::record(
        conn,
        actor,
        Change::new("practice", before.id, "update")
            .before(&before.input)
            .after(p),
    )
    .await?;
    Ok(())
}

/// Sends a practice to the institute.
pub async fn submit(
    conn: &mut AnyConnection,
    actor: &Actor,
    p: &Practice,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    sqlx::query("UPDATE practices SET status = 'submitted', submitted_at = $1, updated_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(p.id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        actor,
        Change::new("practice", p.id, "submit")
            .before(serde_json::json!({ "status": p.status }))
            .after(serde_json::json!({ "status": "submitted" })),
    )
    .await?;
    Ok(())
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Practice>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM practices WHERE slug = $1 AND deleted_at IS NULL");
    let row = sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?;
    let Some(mut p) = row.as_ref().map(practice).transpose()? else {
        return Ok(None);
    };
    p.input.datasets = sqlx::query_scalar(
        "SELECT dataset_id FROM practice_datasets WHERE practice_id = $1 ORDER BY dataset_id",
    )
    .bind(p.id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(p))
}

/// Practices by id (any state; callers filter), for the search index.
pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<Practice>, sqlx::Error> {
    db.fetch_all_in(ids, |list| {
        format!("SELECT {COLUMNS} FROM practices WHERE id IN ({list}) AND deleted_at IS NULL")
    })
    .await?
    .iter()
    .map(practice)
    .collect()
}

/// What the public list shows, with its filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub body_id: Option<i64>,
    pub status: Option<Status>,
}

/// Public practices (everything but drafts), newest first.
pub async fn public(db: &Db, f: &Filter) -> Result<Vec<Practice>, sqlx::Error> {
    let mut sql =
        format!("SELECT {COLUMNS} FROM practices WHERE status <> 'draft' AND deleted_at IS NULL");
    let mut n = 0;
    if f.body_id.is_some() {
        n += 1;
        sql.push_str(&format!(" AND body_id = ${n}"));
    }
    if f.status.is_some() {
        n += 1;
        sql.push_str(&format!(" AND status = ${n}"));
    }
    sql.push_str(" ORDER BY COALESCE(evaluated_at, submitted_at) DESC, id DESC LIMIT 500");
    let mut q = sqlx::query(&sql);
    if let Some(b) = f.body_id {
        q = q.bind(b);
    }
    if let Some(s) = f.status {
        q = q.bind(s.code());
    }
    q.fetch_all(db.pool()).await?.iter().map(practice).collect()
}

/// The bodies that have public practices (for the list's filter).
pub async fn bodies_with_public_practices(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT body_id FROM practices WHERE status <> 'draft' AND deleted_at IS NULL",
    )
    .fetch_all(db.pool())
    .await
}

/// Every practice of these bodies (drafts included), for their members.
pub async fn of_bodies(db: &Db, body_ids: &[i64]) -> Result<Vec<Practice>, sqlx::Error> {
    db.fetch_all_in(body_ids, |list| {
        format!(
            "SELECT {COLUMNS} FROM practices WHERE body_id IN ({list}) AND deleted_at IS NULL \
             ORDER BY updated_at DESC"
        )
    })
    .await?
    .iter()
    .map(practice)
    .collect()
}

/// Practices waiting for the institute.
pub async fn waiting(db: &Db) -> Result<Vec<Practice>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM practices WHERE status = 'submitted' AND deleted_at IS NULL ORDER BY submitted_at"
    );
    sqlx::query(&sql)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(practice)
        .collect()
}

/// Ids of public practices (for the search check).
pub async fn public_ids(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM practices WHERE status <> 'draft' AND deleted_at IS NULL")
        .fetch_all(db.pool())
        .await
}

/// A dataset a practice links, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedDataset {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub public: bool,
}

/// The datasets a body may link (its live ones), or those a practice links.
pub async fn datasets_of_body(db: &Db, body_id: i64) -> Result<Vec<LinkedDataset>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, slug, title, status, is_private FROM datasets WHERE body_id = $1 AND deleted_at IS NULL ORDER BY title",
    )
    .bind(body_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(linked).collect()
}

fn linked(r: &AnyRow) -> Result<LinkedDataset, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let private: i64 = r.try_get("is_private")?;
    Ok(LinkedDataset {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        public: status == "published" && private == 0,
    })
}

pub async fn linked_datasets(db: &Db, ids: &[i64]) -> Result<Vec<LinkedDataset>, sqlx::Error> {
    db.fetch_all_in(ids, |list| {
        format!(
            "SELECT id, slug, title, status, is_private FROM datasets WHERE id IN ({list}) \
             AND deleted_at IS NULL ORDER BY title"
        )
    })
    .await?
    .iter()
    .map(linked)
    .collect()
}

// ---------------------------------------------------------------- rubric

/// A criterion as stored (with its place and whether it is in use).
#[derive(Debug, Clone, Serialize)]
pub struct StoredCriterion {
    pub id: i64,
    pub criterion: Criterion,
    pub position: i64,
    pub active: bool,
}

pub async fn criteria(db: &Db, active_only: bool) -> Result<Vec<StoredCriterion>, sqlx::Error> {
    let filter = if active_only { " WHERE active = 1" } else { "" };
    let sql = format!(
        "SELECT id, code, title, guidance, legal_source, weight, levels, position, active \
         FROM rubric_criteria{filter} ORDER BY position, id"
    );
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            let levels: String = r.try_get("levels")?;
            Ok(StoredCriterion {
                id: r.try_get("id")?,
                criterion: Criterion {
                    code: r.try_get("code")?,
                    title: r.try_get("title")?,
                    guidance: r.try_get("guidance")?,
                    legal_source: r.try_get("legal_source")?,
                    weight: r.try_get("weight")?,
                    levels: crate::domain::parse_levels(&levels).unwrap_or_default(),
                },
                position: r.try_get("position")?,
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .collect()
}

/// Adds a criterion (seeds and administrators).
pub async fn insert_criterion(
    conn: &mut AnyConnection,
    actor: &Actor,
    c: &Criterion,
    position: i64,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO rubric_criteria (code, title, guidance, legal_source, weight, levels, position, active, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) RETURNING id",
    )
    .bind(&c.code)
    .bind(&c.title)
    .bind(&c.guidance)
    .bind(&c.legal_source)
    .bind(c.weight)
    .bind(crate::domain::format_levels(&c.levels))
    .bind(position)
    .bind(kernel::time::now())
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(
        conn,
        actor,
        Change::new("rubric_criterion", id, "create").after(c),
    )
    .await?;
    Ok(id)
}

/// Changes a criterion; past rounds keep the copy they were scored with.
pub async fn update_criterion(
    conn: &mut AnyConnection,
    actor: &Actor,
    before: &StoredCriterion,
    c: &Criterion,
    position: i64,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE rubric_criteria SET title = $1, guidance = $2, legal_source = $3, weight = $4, levels = $5, \
         position = $6, active = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&c.title)
    .bind(&c.guidance)
    .bind(&c.legal_source)
    .bind(c.weight)
    .bind(crate::domain::format_levels(&c.levels))
    .bind(position)
    .bind(i64::from(active))
    .bind(kernel::time::now())
    .bind(before.id)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("rubric_criterion", before.id, "update")
            .before(&before.criterion)
            .after(serde_json::json!({ "criterion": c, "position": position, "active": active })),
    )
    .await?;
    Ok(())
}

pub async fn criterion_code_taken(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT id FROM rubric_criteria WHERE code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

// ---------------------------------------------------------------- rounds

/// One criterion's result in a round, as it was scored.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub criterion_code: String,
    pub criterion_title: String,
    pub legal_source: String,
    pub weight: i64,
    pub level: i64,
    pub max_level: i64,
    pub level_label: String,
    pub comment: String,
}

/// A round of evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub round: i64,
    pub decision: String,
    pub comment: String,
    pub score: i64,
    pub created_at: String,
    pub reviewer: Option<String>,
    pub scores: Vec<ScoreRow>,
}

/// Records a round and moves the practice where the decision says, in the
/// caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record_round(
    conn: &mut AnyConnection,
    actor: &Actor,
    p: &Practice,
    decision: Decision,
    comment: &str,
    score: i64,
    scores: &[ScoreRow],
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let round: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(round), 0) + 1 FROM evaluations WHERE practice_id = $1",
    )
    .bind(p.id)
    .fetch_one(&mut *conn)
    .await?;
    let row = sqlx::query(
        "INSERT INTO evaluations (practice_id, round, reviewer_id, decision, comment, score, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.id)
    .bind(round)
    .bind(actor.user_id)
    .bind(decision.code())
    .bind(comment)
    .bind(score)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    for (i, s) in scores.iter().enumerate() {
        sqlx::query(
            "INSERT INTO evaluation_scores (evaluation_id, criterion_code, criterion_title, legal_source, weight, \
             level, max_level, level_label, comment, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(&s.criterion_code)
        .bind(&s.criterion_title)
        .bind(&s.legal_source)
        .bind(s.weight)
        .bind(s.level)
        .bind(s.max_level)
        .bind(&s.level_label)
        .bind(&s.comment)
        .bind(i as i64)
        .execute(&mut *conn)
        .await?;
    }
    let to = decision.status_after();
    match decision {
        Decision::Publish => {
            sqlx::query(
                "UPDATE practices SET status = $1, score = $2, result_evaluation_id = $3, evaluated_at = $4, \
                 updated_at = $4 WHERE id = $5",
            )
            .bind(to.code())
            .bind(score)
            .bind(id)
            .bind(&now)
            .bind(p.id)
            .execute(&mut *conn)
            .await?;
        }
        Decision::Return => {
            sqlx::query("UPDATE practices SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(to.code())
                .bind(&now)
                .bind(p.id)
                .execute(&mut *conn)
                .await?;
        }
    }
    audit::record(
        conn,
        actor,
        Change::new("practice", p.id, "evaluate")
            .before(serde_json::json!({ "status": p.status }))
            .after(serde_json::json!({
                "status": to.code(), "round": round, "score": score, "decision": decision.code(),
                "scores": scores,
            })),
    )
    .await?;
    Ok(id)
}

/// Every round of a practice, oldest first, with its scores.
pub async fn rounds(db: &Db, practice_id: i64) -> Result<Vec<Round>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.id, e.round, e.decision, e.comment, e.score, e.created_at, u.display_name \
         FROM evaluations e LEFT JOIN users u ON u.id = e.reviewer_id \
         WHERE e.practice_id = $1 ORDER BY e.round",
    )
    .bind(practice_id)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<Round> = rows
        .iter()
        .map(|r| {
            Ok(Round {
                id: r.try_get("id")?,
                round: r.try_get("round")?,
                decision: r.try_get("decision")?,
                comment: r.try_get("comment")?,
                score: r.try_get("score")?,
                created_at: r.try_get("created_at")?,
                reviewer: r.try_get("display_name")?,
                scores: vec![],
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let ids: Vec<i64> = out.iter().map(|r| r.id).collect();
    let mut by_round: HashMap<i64, Vec<ScoreRow>> = HashMap::new();
    for r in db
        .fetch_all_in(&ids, |list| {
            format!(
                "SELECT evaluation_id, criterion_code, criterion_title, legal_source, weight, level, max_level, \
                 level_label, comment FROM evaluation_scores WHERE evaluation_id IN ({list}) ORDER BY position"
            )
        })
        .await?
    {
        by_round
            .entry(r.try_get("evaluation_id")?)
            .or_default()
            .push(ScoreRow {
                criterion_code: r.try_get("criterion_code")?,
                criterion_title: r.try_get("criterion_title")?,
                legal_source: r.try_get("legal_source")?,
                weight: r.try_get("weight")?,
                level: r.try_get("level")?,
                max_level: r.try_get("max_level")?,
                level_label: r.try_get("level_label")?,
                comment: r.try_get("comment")?,
            });
    }
    for r in &mut out {
        r.scores = by_round.remove(&r.id).unwrap_or_default();
    }
    Ok(out)
}

/// A practice read inside a transaction (seeds).
pub async fn by_ids_in(conn: &mut AnyConnection, id: i64) -> Result<Practice, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM practices WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(conn).await?;
    practice(&row)
}
