//! Pages of proactive transparency: the public list of practices (with the
//! rubric they are evaluated with), each practice's page with its public
//! result, the body's form to register and improve a practice and send it
//! to the institute, the reviewer's evaluation form, and the rubric's
//! administration.

use std::collections::BTreeMap;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kernel::authz::{Action, Role, Rule, Subject};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::domain::{self, Criterion, Decision, Errors, PracticeInput, Status, DEMAND_METHODS};
use crate::store::{self, Practice, ScoreRow};

pub static VIEW: Action = Action::read("proactive.practices.view", Rule::Anyone);
pub static EDIT: Action = Action::write(
    "proactive.practices.edit",
    Rule::BodyRoles(&[Role::BodyAdmin, Role::BodyEditor]),
);
pub static EVALUATE: Action = Action::write(
    "proactive.practices.evaluate",
    Rule::Roles(&[Role::InstituteReviewer]),
);
pub static MANAGE_RUBRIC: Action = Action::write("proactive.rubric.manage", Rule::Roles(&[]));

pub fn routes() -> Routes {
    Routes::new()
        .get("/transparencia-proactiva", &VIEW, list)
        .get("/transparencia-proactiva/practicas/nueva", &EDIT, new_form)
        .post("/transparencia-proactiva/practicas/nueva", &EDIT, create)
        .get("/transparencia-proactiva/practicas/{slug}", &VIEW, show)
        .get(
            "/transparencia-proactiva/practicas/{slug}/editar",
            &EDIT,
            edit_form,
        )
        .post(
            "/transparencia-proactiva/practicas/{slug}/editar",
            &EDIT,
            update,
        )
        .post(
            "/transparencia-proactiva/practicas/{slug}/enviar",
            &EDIT,
            submit,
        )
        .get(
            "/transparencia-proactiva/practicas/{slug}/evaluar",
            &EVALUATE,
            evaluate_form,
        )
        .post(
            "/transparencia-proactiva/practicas/{slug}/evaluar",
            &EVALUATE,
            evaluate,
        )
        .get("/admin/rubrica", &MANAGE_RUBRIC, rubric_page)
        .post("/admin/rubrica", &MANAGE_RUBRIC, rubric_save)
}

fn is_staff(ctx: &Ctx) -> bool {
    ctx.actor.is_institute()
}

fn is_member(ctx: &Ctx, body_id: i64) -> bool {
    ctx.actor.edits_for(body_id)
}

/// The practice, if this person may see it (drafts: its body and the
/// institute; others get 404).
async fn visible(ctx: &Ctx, slug: &str) -> Result<Practice, Error> {
    let p = store::by_slug(&ctx.state.db, slug)
        .await?
        .ok_or_else(Error::not_found)?;
    if p.status().is_public() || is_member(ctx, p.body_id) || is_staff(ctx) {
        Ok(p)
    } else {
        Err(Error::not_found())
    }
}

fn frequency_codes() -> Vec<&'static str> {
    catalog::domain::vocab::Frequency::all()
        .iter()
        .map(|f| f.code)
        .collect()
}

fn frequency_label(ctx: &Ctx, code: &str) -> String {
    catalog::domain::vocab::Frequency::by_code(code)
        .map(|f| {
            if ctx.locale == kernel::i18n::Locale::En {
                f.label_en
            } else {
                f.label_es
            }
        })
        .unwrap_or(code)
        .to_string()
}

#[derive(Serialize)]
struct Card {
    slug: String,
    title: String,
    body: String,
    status: String,
    status_label: String,
    score: Option<i64>,
    date: String,
}

#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    sujeto: Option<String>,
    estado: Option<String>,
}

async fn body_names(ctx: &Ctx) -> Result<BTreeMap<i64, (String, String)>, Error> {
    Ok(directory::store::all_bodies(&ctx.state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, (b.slug, b.name)))
        .collect())
}

fn card(ctx: &Ctx, p: &Practice, names: &BTreeMap<i64, (String, String)>) -> Card {
    Card {
        slug: p.slug.clone(),
        title: p.input.title.clone(),
        body: names
            .get(&p.body_id)
            .map(|n| n.1.clone())
            .unwrap_or_default(),
        status: p.status.clone(),
        status_label: ctx.t(&format!("proactive-status-{}", p.status)),
        score: p.score,
        date: p
            .evaluated_at
            .as_deref()
            .or(p.submitted_at.as_deref())
            .unwrap_or(&p.updated_at)
            .chars()
            .take(10)
            .collect(),
    }
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, Error> {
    let names = body_names(&ctx).await?;
    let body_id = q
        .sujeto
        .as_deref()
        .and_then(|s| names.iter().find(|(_, n)| n.0 == s).map(|(id, _)| *id));
    let status = match q.estado.as_deref() {
        Some("evaluadas") => Some(Status::Evaluated),
        Some("en-evaluacion") => Some(Status::Submitted),
        _ => None,
    };
    let practices = store::public(&ctx.state.db, &store::Filter { body_id, status }).await?;
    let cards: Vec<Card> = practices.iter().map(|p| card(&ctx, p, &names)).collect();
    // The body filter offers the bodies that have public practices.
    let mut with_practices: Vec<(String, String)> =
        store::bodies_with_public_practices(&ctx.state.db)
            .await?
            .iter()
            .filter_map(|id| names.get(id).cloned())
            .collect();
    with_practices.sort_by(|a, b| a.1.cmp(&b.1));
    with_practices.dedup();
    // A body's own practices (drafts too), for its members.
    let own_bodies: Vec<i64> = if ctx.actor.role == Role::PlatformAdmin {
        vec![]
    } else {
        ctx.actor
            .body_roles
            .iter()
            .filter(|(_, r)| matches!(r, Role::BodyAdmin | Role::BodyEditor))
            .map(|(b, _)| *b)
            .collect()
    };
    let own: Vec<Card> = store::of_bodies(&ctx.state.db, &own_bodies)
        .await?
        .iter()
        .map(|p| card(&ctx, p, &names))
        .collect();
    let waiting: Vec<Card> = if is_staff(&ctx) {
        store::waiting(&ctx.state.db)
            .await?
            .iter()
            .map(|p| card(&ctx, p, &names))
            .collect()
    } else {
        vec![]
    };
    let rubric = store::criteria(&ctx.state.db, true).await?;
    ctx.render(
        "proactive/list.html",
        context! {
            cards => cards,
            bodies => with_practices,
            sujeto => q.sujeto,
            estado => q.estado,
            own => own,
            waiting => waiting,
            may_register => !own_bodies.is_empty() || ctx.actor.role == Role::PlatformAdmin,
            rubric => rubric,
        },
    )
}

// ---------------------------------------------------------------- form

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The bodies this person registers practices for.
async fn own_bodies(ctx: &Ctx) -> Result<Vec<catalog::store::BodyRef>, Error> {
    Ok(catalog::store::publishable_bodies(&ctx.state.db, &ctx.actor).await?)
}

async fn form_page(
    ctx: &Ctx,
    input: &PracticeInput,
    errors: &Errors,
    body_id: i64,
    bodies: Option<Vec<catalog::store::BodyRef>>,
    practice: Option<&Practice>,
    status: StatusCode,
) -> Result<Response, Error> {
    let datasets: Vec<Choice> = store::datasets_of_body(&ctx.state.db, body_id)
        .await?
        .into_iter()
        .map(|d| Choice {
            selected: input.datasets.contains(&d.id),
            value: d.id.to_string(),
            label: d.title,
        })
        .collect();
    let methods: Vec<Choice> = DEMAND_METHODS
        .iter()
        .map(|m| Choice {
            value: (*m).into(),
            label: ctx.t(&format!("proactive-demand-{m}")),
            selected: input.demand_method == *m,
        })
        .collect();
    let frequencies: Vec<Choice> = catalog::domain::vocab::Frequency::all()
        .iter()
        .map(|f| Choice {
            value: f.code.into(),
            label: frequency_label(ctx, f.code),
            selected: input.frequency.as_deref() == Some(f.code),
        })
        .collect();
    let bodies: Option<Vec<Choice>> = bodies.map(|list| {
        list.into_iter()
            .map(|b| Choice {
                selected: b.id == body_id,
                value: b.id.to_string(),
                label: b.name,
            })
            .collect()
    });
    let messages: BTreeMap<&str, String> = errors.iter().map(|(k, v)| (*k, ctx.t(v))).collect();
    let action = match practice {
        Some(p) => format!("/transparencia-proactiva/practicas/{}/editar", p.slug),
        None => "/transparencia-proactiva/practicas/nueva".to_string(),
    };
    let mut res = ctx.render(
        "proactive/form.html",
        context! {
            p => input,
            links => input.links.join("\n"),
            errors => messages,
            datasets => datasets,
            methods => methods,
            frequencies => frequencies,
            bodies => bodies,
            action => action,
            creating => practice.is_none(),
            practice => practice.map(|p| context! { slug => p.slug.clone(), title => p.input.title.clone() }),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn new_form(ctx: Ctx, Query(q): Query<BTreeMap<String, String>>) -> Result<Response, Error> {
    let bodies = own_bodies(&ctx).await?;
    let Some(first) = bodies.first().map(|b| b.id) else {
        return Err(Error::forbidden());
    };
    let body_id = q
        .get("sujeto")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| bodies.iter().any(|b| b.id == *id))
        .unwrap_or(first);
    form_page(
        &ctx,
        &PracticeInput::default(),
        &Errors::new(),
        body_id,
        Some(bodies),
        None,
        StatusCode::OK,
    )
    .await
}

async fn dataset_ids(ctx: &Ctx, body_id: i64) -> Result<Vec<i64>, Error> {
    Ok(store::datasets_of_body(&ctx.state.db, body_id)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect())
}

async fn create(ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, Error> {
    let bodies = own_bodies(&ctx).await?;
    let chosen = pairs
        .iter()
        .find(|(k, _)| k == "body")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .filter(|id| bodies.iter().any(|b| b.id == *id));
    let Some(body_id) = chosen.or_else(|| (bodies.len() == 1).then(|| bodies[0].id)) else {
        return Err(Error::forbidden());
    };
    ctx.authorize(&EDIT, Subject::Body(body_id))?;
    let allowed = dataset_ids(&ctx, body_id).await?;
    let input = match domain::parse(&pairs, &frequency_codes(), &allowed) {
        Ok(i) => i,
        Err((input, errors)) => {
            return form_page(
                &ctx,
                &input,
                &errors,
                body_id,
                Some(bodies),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let base: String = kernel::text::slugify(&input.title)
        .chars()
        .take(80)
        .collect();
    let base = if base.is_empty() {
        "practica".to_string()
    } else {
        base
    };
    let mut slug = base.clone();
    let mut n = 1;
    while slug == "nueva" || store::slug_taken(&mut tx, &slug).await? {
        n += 1;
        slug = format!("{base}-{n}");
    }
    let id = store::create(&mut tx, &ctx.actor, &slug, body_id, &input).await?;
    crate::search::changed(&mut tx, &ctx.state, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/transparencia-proactiva/practicas/{slug}?aviso=creada"
    ))
    .into_response())
}

async fn editable(ctx: &Ctx, slug: &str) -> Result<Practice, Error> {
    let p = visible(ctx, slug).await?;
    ctx.authorize(&EDIT, Subject::Body(p.body_id))?;
    if !p.status().editable() {
        return Err(Error::conflict("proactive-error-not-editable"));
    }
    Ok(p)
}

async fn edit_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let p = editable(&ctx, &slug).await?;
    form_page(
        &ctx,
        &p.input,
        &Errors::new(),
        p.body_id,
        None,
        Some(&p),
        StatusCode::OK,
    )
    .await
}

async fn update(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let p = editable(&ctx, &slug).await?;
    let allowed = dataset_ids(&ctx, p.body_id).await?;
    // Datasets linked before stay allowed even if unpublished since.
    let allowed: Vec<i64> = allowed
        .into_iter()
        .chain(p.input.datasets.clone())
        .collect();
    match domain::parse(&pairs, &frequency_codes(), &allowed) {
        Ok(input) => {
            let mut tx = ctx.state.db.begin().await?;
            store::update(&mut tx, &ctx.actor, &p, &input).await?;
            crate::search::changed(&mut tx, &ctx.state, p.id).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/transparencia-proactiva/practicas/{slug}?aviso=guardada"
            ))
            .into_response())
        }
        Err((input, errors)) => {
            form_page(
                &ctx,
                &input,
                &errors,
                p.body_id,
                None,
                Some(&p),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn submit(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let p = visible(&ctx, &slug).await?;
    ctx.authorize(&EDIT, Subject::Body(p.body_id))?;
    if !p.status().may_submit() {
        return Err(Error::conflict("proactive-error-not-submittable"));
    }
    let mut tx = ctx.state.db.begin().await?;
    store::submit(&mut tx, &ctx.actor, &p).await?;
    crate::search::changed(&mut tx, &ctx.state, p.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/transparencia-proactiva/practicas/{slug}?aviso=enviada"
    ))
    .into_response())
}

// ---------------------------------------------------------------- page

#[derive(Debug, Deserialize, Default)]
struct ShowQuery {
    aviso: Option<String>,
}

async fn show(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Error> {
    let p = visible(&ctx, &slug).await?;
    let body = catalog::store::body_ref(&ctx.state.db, p.body_id).await?;
    let member = is_member(&ctx, p.body_id);
    let staff = is_staff(&ctx);
    let datasets: Vec<store::LinkedDataset> =
        store::linked_datasets(&ctx.state.db, &p.input.datasets)
            .await?
            .into_iter()
            .filter(|d| d.public || member || staff)
            .collect();
    let rounds = store::rounds(&ctx.state.db, p.id).await?;
    // The public sees the published result; the body and the institute see
    // every round, observations included.
    let result = rounds
        .iter()
        .find(|r| Some(r.id) == p.result_evaluation_id)
        .cloned();
    let history = if member || staff { rounds } else { vec![] };
    let notice = q
        .aviso
        .as_deref()
        .filter(|a| ["creada", "guardada", "enviada", "evaluada"].contains(a))
        .map(|a| ctx.t(&format!("proactive-notice-{a}")));
    ctx.render(
        "proactive/practice.html",
        context! {
            p => &p,
            body => body,
            status_label => ctx.t(&format!("proactive-status-{}", p.status)),
            demand_label => ctx.t(&format!("proactive-demand-{}", p.input.demand_method)),
            frequency_label => p.input.frequency.as_deref().map(|f| frequency_label(&ctx, f)),
            datasets => datasets,
            result => result,
            history => history,
            may_edit => member && p.status().editable(),
            may_submit => member && p.status().may_submit(),
            may_evaluate => staff && p.status().may_evaluate(),
            notice => notice,
        },
    )
}

// ---------------------------------------------------------------- evaluation

#[derive(Serialize)]
struct CriterionRow {
    criterion: Criterion,
    chosen: Option<i64>,
    comment: String,
    error: Option<String>,
}

async fn evaluation_page(
    ctx: &Ctx,
    p: &Practice,
    rows: Vec<CriterionRow>,
    comment: &str,
    errors: BTreeMap<&str, String>,
    status: StatusCode,
) -> Result<Response, Error> {
    let body = catalog::store::body_ref(&ctx.state.db, p.body_id).await?;
    let rounds = store::rounds(&ctx.state.db, p.id).await?;
    let mut res = ctx.render(
        "proactive/evaluate.html",
        context! {
            p => p,
            body => body,
            rows => rows,
            comment => comment,
            errors => errors,
            rounds => rounds,
            demand_label => ctx.t(&format!("proactive-demand-{}", p.input.demand_method)),
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn evaluable(ctx: &Ctx, slug: &str) -> Result<Practice, Error> {
    let p = visible(ctx, slug).await?;
    if !p.status().may_evaluate() {
        return Err(Error::conflict("proactive-error-not-evaluable"));
    }
    Ok(p)
}

async fn evaluate_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let p = evaluable(&ctx, &slug).await?;
    let rows = store::criteria(&ctx.state.db, true)
        .await?
        .into_iter()
        .map(|c| CriterionRow {
            criterion: c.criterion,
            chosen: None,
            comment: String::new(),
            error: None,
        })
        .collect();
    evaluation_page(&ctx, &p, rows, "", BTreeMap::new(), StatusCode::OK).await
}

async fn evaluate(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let p = evaluable(&ctx, &slug).await?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let criteria: Vec<Criterion> = store::criteria(&ctx.state.db, true)
        .await?
        .into_iter()
        .map(|c| c.criterion)
        .collect();
    let mut chosen = BTreeMap::new();
    let mut rows = vec![];
    let mut errors: BTreeMap<&str, String> = BTreeMap::new();
    for c in &criteria {
        let level = get(&format!("level-{}", c.code))
            .parse::<i64>()
            .ok()
            .filter(|v| c.level(*v).is_some());
        let comment: String = get(&format!("comment-{}", c.code))
            .chars()
            .take(domain::MAX_COMMENT)
            .collect();
        if let Some(v) = level {
            chosen.insert(c.code.clone(), v);
        }
        rows.push(CriterionRow {
            criterion: c.clone(),
            chosen: level,
            error: level
                .is_none()
                .then(|| ctx.t("proactive-error-level-missing")),
            comment,
        });
    }
    if rows.iter().any(|r| r.error.is_some()) {
        errors.insert("levels", ctx.t("proactive-error-levels-missing"));
    }
    let comment = get("comment");
    let decision = Decision::from_code(&get("decision"));
    if decision.is_none() {
        errors.insert("decision", ctx.t("proactive-error-decision"));
    }
    if decision == Some(Decision::Return) && comment.chars().count() < 10 {
        errors.insert("comment", ctx.t("proactive-error-return-comment"));
    }
    if comment.chars().count() > domain::MAX_COMMENT {
        errors.insert("comment", ctx.t("proactive-error-too-long"));
    }
    let score = domain::score(&criteria, &chosen);
    let (Some(decision), Some(score)) = (decision, score) else {
        return evaluation_page(
            &ctx,
            &p,
            rows,
            &comment,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if !errors.is_empty() {
        return evaluation_page(
            &ctx,
            &p,
            rows,
            &comment,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let scores: Vec<ScoreRow> = rows
        .iter()
        .filter_map(|r| {
            let level = r.chosen?;
            Some(ScoreRow {
                criterion_code: r.criterion.code.clone(),
                criterion_title: r.criterion.title.clone(),
                legal_source: r.criterion.legal_source.clone(),
                weight: r.criterion.weight,
                level,
                max_level: r.criterion.max_level(),
                level_label: r.criterion.level(level)?.label.clone(),
                comment: r.comment.clone(),
            })
        })
        .collect();
    let mut tx = ctx.state.db.begin().await?;
    store::record_round(&mut tx, &ctx.actor, &p, decision, &comment, score, &scores).await?;
    crate::search::changed(&mut tx, &ctx.state, p.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/transparencia-proactiva/practicas/{slug}?aviso=evaluada"
    ))
    .into_response())
}

// ---------------------------------------------------------------- rubric

#[derive(Serialize)]
struct RubricRow {
    id: i64,
    code: String,
    title: String,
    guidance: String,
    legal_source: String,
    weight: String,
    levels: String,
    position: String,
    active: bool,
    error: Option<String>,
}

async fn rubric_rows(ctx: &Ctx) -> Result<Vec<RubricRow>, Error> {
    Ok(store::criteria(&ctx.state.db, false)
        .await?
        .into_iter()
        .map(|c| RubricRow {
            id: c.id,
            code: c.criterion.code.clone(),
            levels: domain::format_levels(&c.criterion.levels),
            title: c.criterion.title,
            guidance: c.criterion.guidance,
            legal_source: c.criterion.legal_source,
            weight: c.criterion.weight.to_string(),
            position: c.position.to_string(),
            active: c.active,
            error: None,
        })
        .collect())
}

fn render_rubric(
    ctx: &Ctx,
    rows: Vec<RubricRow>,
    saved: bool,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut res = ctx.render(
        "proactive/rubric.html",
        context! { rows => rows, saved => saved },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn rubric_page(ctx: Ctx, Query(q): Query<ShowQuery>) -> Result<Response, Error> {
    let rows = rubric_rows(&ctx).await?;
    render_rubric(
        &ctx,
        rows,
        q.aviso.as_deref() == Some("guardada"),
        StatusCode::OK,
    )
}

/// One form for the whole rubric: fields `title-{id}`, `weight-{id}`… and,
/// to add a criterion, the same fields with `new` for the id.
async fn rubric_save(
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let get = |k: String| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.trim().replace("\r\n", "\n"))
            .unwrap_or_default()
    };
    let stored = store::criteria(&ctx.state.db, false).await?;
    let mut rows = rubric_rows(&ctx).await?;
    let mut changes = vec![];
    let read = |key: &str| -> (Result<(Criterion, i64), &'static str>, RubricRow) {
        let title = get(format!("title-{key}"));
        let weight = get(format!("weight-{key}"));
        let levels = get(format!("levels-{key}"));
        let position = get(format!("position-{key}"));
        let code = get(format!("code-{key}"));
        let row = RubricRow {
            id: 0,
            code: code.clone(),
            title: title.clone(),
            guidance: get(format!("guidance-{key}")),
            legal_source: get(format!("legal_source-{key}")),
            weight: weight.clone(),
            levels: levels.clone(),
            position: position.clone(),
            active: !get(format!("active-{key}")).is_empty(),
            error: None,
        };
        let parsed = (|| {
            let n = title.chars().count();
            if !(3..=200).contains(&n) {
                return Err("proactive-error-criterion-title");
            }
            let weight: i64 = weight.parse().map_err(|_| "proactive-error-weight")?;
            if !(0..=100).contains(&weight) {
                return Err("proactive-error-weight");
            }
            let levels = domain::parse_levels(&levels)?;
            let position: i64 = position.parse().unwrap_or(0).clamp(0, 1000);
            if row.guidance.chars().count() > domain::MAX_TEXT
                || row.legal_source.chars().count() > 2_000
            {
                return Err("proactive-error-too-long");
            }
            Ok((
                Criterion {
                    code: code.clone(),
                    title: title.clone(),
                    guidance: row.guidance.clone(),
                    legal_source: row.legal_source.clone(),
                    weight,
                    levels,
                },
                position,
            ))
        })();
        (parsed, row)
    };
    let mut failed = false;
    for (i, s) in stored.iter().enumerate() {
        let (parsed, mut row) = read(&s.id.to_string());
        row.id = s.id;
        row.code = s.criterion.code.clone();
        match parsed {
            Ok((mut c, position)) => {
                c.code = s.criterion.code.clone();
                if c != s.criterion || position != s.position || row.active != s.active {
                    changes.push((s.clone(), c, position, row.active));
                }
            }
            Err(key) => {
                row.error = Some(ctx.t(key));
                failed = true;
            }
        }
        rows[i] = row;
    }
    // A new criterion, if its title was typed.
    let mut new = None;
    if !get("title-new".into()).is_empty() {
        let (parsed, mut row) = read("new");
        let code: String = kernel::text::slugify(&row.title).chars().take(60).collect();
        row.code = code.clone();
        match parsed {
            Ok((mut c, position)) if !code.is_empty() => {
                c.code = code;
                new = Some((c, position));
            }
            Ok(_) => {
                row.error = Some(ctx.t("proactive-error-criterion-title"));
                failed = true;
            }
            Err(key) => {
                row.error = Some(ctx.t(key));
                failed = true;
            }
        }
        if failed {
            rows.push(row);
        }
    }
    if failed {
        return render_rubric(&ctx, rows, false, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut tx = ctx.state.db.begin().await?;
    for (before, c, position, active) in &changes {
        store::update_criterion(&mut tx, &ctx.actor, before, c, *position, *active).await?;
    }
    if let Some((c, position)) = new {
        if store::criterion_code_taken(&mut tx, &c.code).await? {
            drop(tx);
            return Err(Error::conflict("proactive-error-criterion-taken"));
        }
        store::insert_criterion(&mut tx, &ctx.actor, &c, position).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/rubrica?aviso=guardada").into_response())
}
