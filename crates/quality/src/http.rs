//! The score where people look: a breakdown page per dataset (and its JSON),
//! a card on the dataset's page, the dashboards of a body and of the state,
//! and the institute's button to recompute everything now.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use kernel::authz::{Action, Role, Rule, Subject};
use kernel::i18n::{Args, Locale};
use kernel::jobs::NewJob;
use kernel::web::{Ctx, Fragment, Routes};
use kernel::Error;
use minijinja::{context, Value};
use serde::Serialize;

use crate::domain::{self, Arg, Assessment, Loss, CRITERIA};
use crate::store;

pub static VIEW: Action = Action::read("quality.view", Rule::Anyone);
pub static RECOMPUTE: Action =
    Action::write("quality.recompute", Rule::Roles(&[Role::InstituteReviewer]));

/// Days of history the trend shows.
const TREND_DAYS: i64 = 90;
/// Things to fix shown per body, and datasets named per thing.
const FIXES_SHOWN: usize = 5;
const DATASETS_PER_FIX: usize = 5;

pub fn routes() -> Routes {
    Routes::new()
        .get("/calidad", &VIEW, state_page)
        .post("/calidad/recalcular", &RECOMPUTE, recompute)
        .get("/datos/{slug}/calidad", &VIEW, dataset_page)
        .get("/datos/{slug}/calidad.json", &VIEW, dataset_json)
        .get("/sujetos-obligados/{slug}/calidad", &VIEW, body_page)
}

/// The message explaining a loss (or a remark), in the reader's language.
pub fn explain(ctx: &Ctx, loss: &Loss, prefix: &str) -> String {
    let mut args = Args::new();
    for (name, value) in &loss.args {
        match (name.as_str(), value) {
            ("frequency", Arg::Text(code)) => {
                let label =
                    catalog::domain::vocab::Frequency::by_code(code).map_or(code.clone(), |f| {
                        match ctx.locale {
                            Locale::En => f.label_en.to_lowercase(),
                            _ => f.label_es.to_lowercase(),
                        }
                    });
                args.set(name.clone(), label);
            }
            ("band", Arg::Text(code)) => {
                args.set(name.clone(), ctx.t(&format!("quality-band-{code}")));
            }
            (_, Arg::Number(n)) => args.set(name.clone(), *n),
            (_, Arg::Text(s)) => args.set(name.clone(), s.clone()),
        }
    }
    args.set("points", i64::from(loss.points));
    ctx.state
        .i18n
        .t_args(ctx.locale, &format!("quality-{prefix}-{}", loss.key), &args)
}

#[derive(Serialize)]
struct Line {
    points: u32,
    text: String,
    fix: Option<String>,
}

#[derive(Serialize)]
struct CriterionView {
    code: String,
    name: String,
    about: String,
    max: u32,
    points: u32,
    percent: u32,
    losses: Vec<Line>,
    notes: Vec<String>,
}

fn breakdown(ctx: &Ctx, a: &Assessment) -> Vec<CriterionView> {
    a.criteria
        .iter()
        .map(|c| CriterionView {
            code: c.code.clone(),
            name: ctx.t(&format!("quality-criterion-{}", c.code)),
            about: ctx.t(&format!("quality-criterion-{}-about", c.code)),
            max: c.max,
            points: c.points,
            percent: (c.points * 100).checked_div(c.max).unwrap_or(0),
            losses: c
                .losses
                .iter()
                .map(|l| Line {
                    points: l.points,
                    text: explain(ctx, l, "loss"),
                    fix: Some(explain(ctx, l, "fix")),
                })
                .collect(),
            notes: c.notes.iter().map(|n| explain(ctx, n, "note")).collect(),
        })
        .collect()
}

/// A score's band, for its colour and word: 90+, 70+, 50+, below.
fn grade(score: f64) -> &'static str {
    match score {
        s if s >= 90.0 => "excellent",
        s if s >= 70.0 => "good",
        s if s >= 50.0 => "fair",
        _ => "poor",
    }
}

async fn readable_dataset(ctx: &Ctx, slug: &str) -> Result<catalog::store::Dataset, Error> {
    let d = catalog::store::dataset_by_slug(&ctx.state.db, slug)
        .await?
        .ok_or_else(Error::not_found)?;
    if !catalog::http::resources::can_read(ctx, &d) || d.deleted_at.is_some() {
        return Err(Error::not_found());
    }
    Ok(d)
}

async fn dataset_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = readable_dataset(&ctx, &slug).await?;
    let kept = store::score_of(&ctx.state.db, d.id).await?;
    let view = kept.as_ref().map(|k| {
        let a = &k.assessment;
        context! {
            score => a.score,
            grade => grade(f64::from(a.score)),
            grade_label => ctx.t(&format!("quality-grade-{}", grade(f64::from(a.score)))),
            overdue => a.overdue,
            stars => a.stars,
            criteria => breakdown(&ctx, a),
            lost => 100 - a.score,
            computed_at => k.computed_at.chars().take(16).collect::<String>().replace('T', " "),
            readability => a.readability,
        }
    });
    let body = catalog::store::body_ref(&ctx.state.db, d.body_id).await?;
    ctx.render(
        "quality/dataset.html",
        context! { d => &d, body => body, q => view },
    )
}

#[derive(Serialize)]
struct DatasetJson<'a> {
    dataset: &'a str,
    score: u32,
    overdue: bool,
    stars: u8,
    computed_at: &'a str,
    criteria: Vec<CriterionJson>,
}

#[derive(Serialize)]
struct CriterionJson {
    code: String,
    name: String,
    points: u32,
    max: u32,
    losses: Vec<LossJson>,
}

#[derive(Serialize)]
struct LossJson {
    key: String,
    points: u32,
    explanation: String,
    fix: String,
}

async fn dataset_json(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = readable_dataset(&ctx, &slug).await?;
    let kept = store::score_of(&ctx.state.db, d.id)
        .await?
        .ok_or_else(Error::not_found)?;
    let a = &kept.assessment;
    let body = DatasetJson {
        dataset: &d.slug,
        score: a.score,
        overdue: a.overdue,
        stars: a.stars,
        computed_at: &kept.computed_at,
        criteria: a
            .criteria
            .iter()
            .map(|c| CriterionJson {
                code: c.code.clone(),
                name: ctx.t(&format!("quality-criterion-{}", c.code)),
                points: c.points,
                max: c.max,
                losses: c
                    .losses
                    .iter()
                    .map(|l| LossJson {
                        key: l.key.clone(),
                        points: l.points,
                        explanation: explain(&ctx, l, "loss"),
                        fix: explain(&ctx, l, "fix"),
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(Json(body).into_response())
}

#[derive(Serialize)]
struct Bar {
    name: String,
    max: u32,
    average: f64,
    percent: u32,
}

fn bars(ctx: &Ctx, s: &store::Summary) -> Vec<Bar> {
    let maxes = [
        domain::FORMAT,
        domain::LICENCE,
        domain::METADATA,
        domain::DICTIONARY,
        domain::VALIDATION,
        domain::FRESHNESS,
        domain::READABILITY,
        domain::USE,
    ];
    CRITERIA
        .iter()
        .zip(maxes)
        .zip(s.criteria.iter().copied().chain(std::iter::repeat(0.0)))
        .map(|((code, max), average)| Bar {
            name: ctx.t(&format!("quality-criterion-{code}")),
            max,
            average,
            percent: ((average * 100.0 / f64::from(max)).round() as u32).min(100),
        })
        .collect()
}

/// The trend as an SVG line (average score by day, 0–100 on the vertical
/// axis), drawn on the server; `None` with fewer than two days.
fn trend_svg(days: &[store::Day], label: &str) -> Option<String> {
    use std::fmt::Write as _;
    if days.len() < 2 {
        return None;
    }
    let (w, h, pad) = (640.0, 200.0, 28.0);
    let step = (w - 2.0 * pad) / (days.len() - 1) as f64;
    let y = |v: f64| h - pad - (v.clamp(0.0, 100.0) / 100.0) * (h - 2.0 * pad);
    let mut points = String::new();
    for (i, d) in days.iter().enumerate() {
        let _ = write!(points, "{:.1},{:.1} ", pad + step * i as f64, y(d.average));
    }
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut svg = format!(
        "<svg class=\"trend\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(label)
    );
    for v in [0.0, 50.0, 100.0] {
        let _ = write!(
            svg,
            "<line x1=\"{pad}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"2\" y=\"{:.1}\" class=\"axis\">{v}</text>",
            w - pad,
            y(v) + 4.0,
            y = y(v)
        );
    }
    let first = escape(&days[0].day);
    let last = escape(&days[days.len() - 1].day);
    let _ = write!(
        svg,
        "<polyline points=\"{}\" class=\"line\"/><text x=\"{pad}\" y=\"{}\" class=\"axis\">{first}</text>\
         <text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{last}</text></svg>",
        points.trim_end(),
        h - 6.0,
        w - pad,
        h - 6.0
    );
    Some(svg)
}

async fn state_page(ctx: Ctx) -> Result<Response, Error> {
    let db = &ctx.state.db;
    let summary = store::summary_of(db, None).await?;
    let ranking = store::ranking(db).await?;
    let history = store::history(db, None, TREND_DAYS).await?;
    let trend = trend_svg(&history, &ctx.t("quality-trend-label")).map(Value::from_safe_string);
    let rows: Vec<Value> = ranking
        .iter()
        .enumerate()
        .map(|(i, r)| {
            context! {
                position => i + 1,
                slug => r.slug,
                name => r.name,
                datasets => r.summary.datasets,
                average => r.summary.average,
                overdue => r.summary.overdue,
                grade => grade(r.summary.average),
                percent => r.summary.average.round() as u32,
            }
        })
        .collect();
    ctx.render(
        "quality/state.html",
        context! {
            summary => &summary,
            grade => grade(summary.average),
            bars => bars(&ctx, &summary),
            ranking => rows,
            trend => trend,
            history => history,
            may_recompute => ctx.authorize(&RECOMPUTE, Subject::None).is_ok(),
            recomputing => ctx.query.contains("recalculando"),
        },
    )
}

async fn recompute(ctx: Ctx) -> Result<Response, Error> {
    ctx.state
        .jobs
        .enqueue(NewJob::new(crate::job::ALL, serde_json::json!({})).dedup("quality.all:manual"))
        .await?;
    Ok(Redirect::to("/calidad?recalculando=1").into_response())
}

#[derive(Serialize)]
struct FixView {
    text: String,
    points: u32,
    count: usize,
    datasets: Vec<(String, String, u32)>,
    more: usize,
}

async fn body_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let db = &ctx.state.db;
    let body = {
        let mut conn = db.pool().acquire().await?;
        directory::store::body_by_slug(&mut conn, &slug)
            .await?
            .ok_or_else(Error::not_found)?
    };
    // Its own people and the institute also see the datasets not yet public.
    let insider = ctx.actor.is_insider_of(body.id);
    let listed = store::scores_of_body(db, body.id, insider).await?;
    let summary = store::summary_of(db, Some(body.id)).await?;
    let ranking = store::ranking(db).await?;
    let position = ranking
        .iter()
        .position(|r| r.body_id == body.id)
        .map(|p| p + 1);
    let history = store::history(db, Some(body.id), TREND_DAYS).await?;
    let trend = trend_svg(&history, &ctx.t("quality-trend-label")).map(Value::from_safe_string);
    let fixes: Vec<FixView> = domain::fixes(
        listed
            .iter()
            .map(|l| (l.slug.as_str(), l.title.as_str(), &l.assessment)),
    )
    .into_iter()
    .take(FIXES_SHOWN)
    .map(|f| {
        let sample = Loss {
            points: f.points,
            key: f.key.clone(),
            args: Default::default(),
        };
        FixView {
            text: explain(&ctx, &sample, "fix"),
            points: f.points,
            count: f.datasets.len(),
            more: f.datasets.len().saturating_sub(DATASETS_PER_FIX),
            datasets: f.datasets.into_iter().take(DATASETS_PER_FIX).collect(),
        }
    })
    .collect();
    let datasets: Vec<Value> = listed
        .iter()
        .map(|l| {
            context! {
                slug => l.slug,
                title => l.title,
                score => l.score,
                overdue => l.overdue,
                is_public => l.is_public,
                grade => grade(l.score as f64),
            }
        })
        .collect();
    ctx.render(
        "quality/body.html",
        context! {
            body => &body,
            summary => &summary,
            grade => grade(summary.average),
            bars => bars(&ctx, &summary),
            position => position,
            ranked => ranking.len(),
            trend => trend,
            history => history,
            fixes => fixes,
            datasets => datasets,
            insider => insider,
        },
    )
}

/// The score card on a dataset's page (`page = "dataset"`).
pub struct DatasetCard;

#[async_trait::async_trait]
impl Fragment for DatasetCard {
    fn page(&self) -> &'static str {
        "dataset"
    }

    async fn render(&self, ctx: &Ctx, dataset_id: i64) -> Result<Option<String>, Error> {
        let Some(kept) = store::score_of(&ctx.state.db, dataset_id).await? else {
            return Ok(None);
        };
        let slug: Option<String> = sqlx::query_scalar("SELECT slug FROM datasets WHERE id = $1")
            .bind(dataset_id)
            .fetch_optional(ctx.state.db.pool())
            .await?;
        let Some(slug) = slug else { return Ok(None) };
        let a = &kept.assessment;
        let top: Vec<String> = a
            .losses()
            .into_iter()
            .take(3)
            .map(|l| explain(ctx, l, "loss"))
            .collect();
        let html = ctx.render_fragment(
            "quality/fragment_dataset.html",
            context! {
                slug => slug,
                score => a.score,
                grade => grade(f64::from(a.score)),
                overdue => a.overdue,
                stars => a.stars,
                top => top,
            },
        )?;
        Ok(Some(html))
    }
}

/// A body's average on its profile (`page = "body"`).
pub struct BodyCard;

#[async_trait::async_trait]
impl Fragment for BodyCard {
    fn page(&self) -> &'static str {
        "body"
    }

    async fn render(&self, ctx: &Ctx, body_id: i64) -> Result<Option<String>, Error> {
        let summary = store::summary_of(&ctx.state.db, Some(body_id)).await?;
        if summary.datasets == 0 {
            return Ok(None);
        }
        let slug: Option<String> = sqlx::query_scalar("SELECT slug FROM bodies WHERE id = $1")
            .bind(body_id)
            .fetch_optional(ctx.state.db.pool())
            .await?;
        let Some(slug) = slug else { return Ok(None) };
        let html = ctx.render_fragment(
            "quality/fragment_body.html",
            context! { slug => slug, summary => summary, grade => grade(summary.average) },
        )?;
        Ok(Some(html))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_needs_two_days_and_escapes_its_label() {
        let day = |d: &str, average| store::Day {
            day: d.into(),
            datasets: 3,
            average,
            overdue: 0,
        };
        assert!(trend_svg(&[day("2026-11-01", 50.0)], "x").is_none());
        let svg = trend_svg(
            &[day("2026-11-01", 50.0), day("2026-11-02", 75.5)],
            "Promedio <por> día",
        )
        .expect("drawn");
        assert!(svg.contains("aria-label=\"Promedio &lt;por&gt; día\""));
        assert!(svg.contains("<polyline points=\"28.0,100.0 612.0,63.3\""));
    }

    #[test]
    fn grades() {
        assert_eq!(grade(95.0), "excellent");
        assert_eq!(grade(70.0), "good");
        assert_eq!(grade(50.0), "fair");
        assert_eq!(grade(49.9), "poor");
    }
}
