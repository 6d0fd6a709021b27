//! Datasets: the public catalog list, the dataset page, the forms to create
//! and edit a dataset, and the steps of the publication workflow.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kernel::authz::{Action, Role, Rule, Subject};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::domain::dataset::{self, Errors, Known};
use crate::domain::markdown;
use crate::domain::vocab::{Frequency, Licence, Theme};
use crate::domain::workflow::{self, Step, Who};
use crate::store::{self, BodyRef, Dataset, Metadata};

pub static VIEW: Action = Action::read("catalog.datasets.view", Rule::Anyone);
pub static EDIT: Action = Action::write(
    "catalog.datasets.edit",
    Rule::BodyRoles(&[Role::BodyAdmin, Role::BodyEditor]),
);
pub static REVIEW: Action = Action::write(
    "catalog.datasets.review",
    Rule::Roles(&[Role::InstituteReviewer]),
);
pub static DELETE: Action = Action::write(
    "catalog.datasets.delete",
    Rule::BodyRoles(&[Role::BodyAdmin]),
);
pub static RESTORE: Action = Action::write("catalog.datasets.restore", Rule::Roles(&[]));

pub fn routes() -> Routes {
    Routes::new()
        .get("/datos", &VIEW, list)
        .get("/datos/nuevo", &EDIT, new_form)
        .post("/datos/nuevo", &EDIT, create)
        .get("/datos/{slug}", &VIEW, show)
        .get("/datos/{slug}/editar", &EDIT, edit_form)
        .post("/datos/{slug}/editar", &EDIT, update)
        .post("/datos/{slug}/publicar", &EDIT, step)
        .post("/datos/{slug}/enviar-a-revision", &EDIT, step)
        .post("/datos/{slug}/despublicar", &EDIT, step)
        .post("/datos/{slug}/aprobar", &REVIEW, step)
        .post("/datos/{slug}/devolver", &REVIEW, step)
        .post("/datos/{slug}/eliminar", &DELETE, delete)
        .post("/datos/{slug}/restaurar", &RESTORE, restore)
        .post(
            "/datos/{slug}/datos-personales/{version}",
            &REVIEW,
            justify_personal_data,
        )
}

const PAGE: i64 = 20;

fn is_staff(ctx: &Ctx) -> bool {
    ctx.actor.is_institute()
}

fn is_member(ctx: &Ctx, body_id: i64) -> bool {
    ctx.actor.edits_for(body_id)
}

/// The dataset, if this person may see it: public ones for everyone, the rest
/// for members of its body and institute staff. Others get 404, so drafts are
/// not revealed.
pub async fn visible(ctx: &Ctx, slug: &str) -> Result<Dataset, Error> {
    let d = store::dataset_by_slug(&ctx.state.db, slug)
        .await?
        .ok_or_else(Error::not_found)?;
    if d.is_public() || is_member(ctx, d.body_id) || is_staff(ctx) {
        Ok(d)
    } else {
        Err(Error::not_found())
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    pagina: Option<String>,
}

#[derive(Serialize)]
struct Card {
    slug: String,
    title: String,
    summary: String,
    body: String,
    themes: Vec<String>,
    published_at: String,
}

fn theme_label(ctx: &Ctx, code: &str) -> String {
    Theme::by_code(code)
        .map(|t| {
            if ctx.locale == kernel::i18n::Locale::En {
                t.label_en
            } else {
                t.label_es
            }
        })
        .unwrap_or(code)
        .to_string()
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, Error> {
    let page: i64 = q
        .pagina
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1);
    let (items, total) = store::public_datasets(&ctx.state.db, PAGE, (page - 1) * PAGE).await?;
    // One query for the bodies of the page, not one per dataset.
    let mut names = std::collections::HashMap::new();
    for id in items
        .iter()
        .map(|d| d.body_id)
        .collect::<std::collections::BTreeSet<_>>()
    {
        if let Some(b) = store::body_ref(&ctx.state.db, id).await? {
            names.insert(id, b.name);
        }
    }
    let mut cards = vec![];
    for d in items {
        let body = names.get(&d.body_id).cloned().unwrap_or_default();
        cards.push(Card {
            slug: d.slug.clone(),
            title: d.meta.title.clone(),
            summary: markdown::plain_text(&d.meta.description, 240),
            body,
            themes: d.meta.themes.iter().map(|t| theme_label(&ctx, t)).collect(),
            published_at: d
                .published_at
                .clone()
                .unwrap_or_default()
                .chars()
                .take(10)
                .collect(),
        });
    }
    let pages = (total + PAGE - 1) / PAGE;
    let may_publish = !store::publishable_bodies(&ctx.state.db, &ctx.actor)
        .await?
        .is_empty();
    ctx.render(
        "catalog/list.html",
        context! { cards => cards, total => total, page => page, pages => pages, may_publish => may_publish },
    )
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// Everything the form needs besides the values.
async fn form_context(
    ctx: &Ctx,
    meta: &Metadata,
    errors: &Errors,
    body_choices: Option<Vec<BodyRef>>,
    selected_body: Option<i64>,
) -> Result<minijinja::Value, Error> {
    let en = ctx.locale == kernel::i18n::Locale::En;
    let themes: Vec<Choice> = Theme::all()
        .iter()
        .map(|t| Choice {
            value: t.code.into(),
            label: (if en { t.label_en } else { t.label_es }).into(),
            selected: meta.themes.iter().any(|m| m == t.code),
        })
        .collect();
    let licences: Vec<Choice> = Licence::all()
        .iter()
        .map(|l| Choice {
            value: l.code.into(),
            label: (if en { l.label_en } else { l.label_es }).into(),
            selected: meta.licence == l.code,
        })
        .collect();
    let frequencies: Vec<Choice> = Frequency::all()
        .iter()
        .map(|f| Choice {
            value: f.code.into(),
            label: (if en { f.label_en } else { f.label_es }).into(),
            selected: meta.frequency.as_deref() == Some(f.code),
        })
        .collect();
    let mut places = vec![Choice {
        value: "estado".into(),
        label: ctx.t("catalog-spatial-state"),
        selected: meta.spatial.as_deref() == Some("estado"),
    }];
    for m in directory::store::municipalities(&ctx.state.db).await? {
        places.push(Choice {
            selected: meta.spatial.as_deref() == Some(m.cvegeo.as_str()),
            value: m.cvegeo,
            label: m.name,
        });
    }
    let bodies: Option<Vec<Choice>> = body_choices.map(|list| {
        list.into_iter()
            .map(|b| Choice {
                value: b.id.to_string(),
                label: b.name,
                selected: Some(b.id) == selected_body,
            })
            .collect()
    });
    let messages: std::collections::BTreeMap<&str, String> =
        errors.iter().map(|(k, v)| (*k, ctx.t(v))).collect();
    Ok(context! {
        meta => meta,
        keywords => meta.keywords.join(", "),
        errors => messages,
        themes => themes,
        licences => licences,
        frequencies => frequencies,
        places => places,
        bodies => bodies,
    })
}

async fn known_municipalities(ctx: &Ctx) -> Result<Vec<String>, Error> {
    Ok(directory::store::municipalities(&ctx.state.db)
        .await?
        .into_iter()
        .map(|m| m.cvegeo)
        .collect())
}

fn known<'a>(
    munis: &'a [String],
    themes: &'a [&'a str],
    licences: &'a [&'a str],
    frequencies: &'a [&'a str],
) -> Known<'a> {
    Known {
        themes,
        licences,
        frequencies,
        municipalities: munis,
    }
}

fn codes<T>(all: &'static [T], code: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(code).collect()
}

async fn new_form(ctx: Ctx) -> Result<Response, Error> {
    let bodies = store::publishable_bodies(&ctx.state.db, &ctx.actor).await?;
    if bodies.is_empty() {
        return Err(Error::forbidden());
    }
    let first = bodies.first().map(|b| b.id);
    let meta = Metadata {
        licence: crate::domain::vocab::DEFAULT_LICENCE.into(),
        language: "es".into(),
        ..Metadata::default()
    };
    let form = form_context(&ctx, &meta, &Errors::new(), Some(bodies), first).await?;
    ctx.render(
        "catalog/form.html",
        minijinja::value::merge_maps([
            context! { creating => true, action => "/datos/nuevo" },
            form,
        ]),
    )
}

async fn create(ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, Error> {
    let bodies = store::publishable_bodies(&ctx.state.db, &ctx.actor).await?;
    let body_id: Option<i64> = pairs
        .iter()
        .find(|(k, _)| k == "body")
        .and_then(|(_, v)| v.parse().ok());
    let munis = known_municipalities(&ctx).await?;
    let (themes, licences, frequencies) = (
        codes(Theme::all(), |t| t.code),
        codes(Licence::all(), |l| l.code),
        codes(Frequency::all(), |f| f.code),
    );
    let parsed = dataset::parse(&pairs, &known(&munis, &themes, &licences, &frequencies));
    let body = body_id.and_then(|id| bodies.iter().find(|b| b.id == id).cloned());
    let (meta, mut errors) = match parsed {
        Ok(meta) => (meta, Errors::new()),
        Err((meta, errors)) => (meta, errors),
    };
    if body.is_none() {
        errors.insert("body", "catalog-error-body");
    }
    let Some(body) = body.filter(|_| errors.is_empty()) else {
        let form = form_context(&ctx, &meta, &errors, Some(bodies), body_id).await?;
        let mut res = ctx.render(
            "catalog/form.html",
            minijinja::value::merge_maps([
                context! { creating => true, action => "/datos/nuevo" },
                form,
            ]),
        )?;
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    ctx.authorize(&EDIT, Subject::Body(body.id))?;
    let mut tx = ctx.state.db.begin().await?;
    let slug =
        store::free_dataset_slug(&mut tx, &dataset::slug_for(&meta.title, |_| false)).await?;
    let id = store::create_dataset(&mut tx, &ctx.actor, &slug, body.id, &meta, false).await?;
    crate::search::changed(&mut tx, &ctx.state, id, None).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/datos/{slug}")).into_response())
}

#[derive(Serialize)]
struct ResourceRow {
    slug: String,
    name: String,
    kind: String,
    url: Option<String>,
    format: Option<String>,
    size: Option<i64>,
    version: Option<i64>,
}

async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = visible(&ctx, &slug).await?;
    let body = store::body_ref(&ctx.state.db, d.body_id).await?;
    let mut resources = vec![];
    for r in store::resources_of(&ctx.state.db, d.id).await? {
        let current = store::versions_of(&ctx.state.db, r.id)
            .await?
            .into_iter()
            .next();
        resources.push(ResourceRow {
            slug: r.slug,
            name: r.name,
            kind: r.kind,
            url: r.url,
            format: current.as_ref().map(|v| v.format.clone()),
            size: current.as_ref().map(|v| v.size),
            version: current.map(|v| v.number),
        });
    }
    let member = is_member(&ctx, d.body_id);
    let staff = is_staff(&ctx);
    let who = Who {
        body_member: member,
        institute: staff,
    };
    let hosted = body.as_ref().is_some_and(|b| b.hosted);
    let has_resources = !resources.is_empty();
    let steps: Vec<(&str, String)> = [
        ("publicar", Step::Publish),
        ("enviar-a-revision", Step::Submit),
        ("aprobar", Step::Approve),
        ("devolver", Step::Return),
        ("despublicar", Step::Unpublish),
    ]
    .into_iter()
    .filter(|(_, s)| workflow::transition(d.status(), *s, who, hosted, true).is_ok())
    .map(|(code, _)| (code, ctx.t(&format!("catalog-step-{code}"))))
    .collect();
    let en = ctx.locale == kernel::i18n::Locale::En;
    let licence = Licence::by_code(&d.meta.licence);
    let frequency = d.meta.frequency.as_deref().and_then(Frequency::by_code);
    // What other capabilities put in the page's <head> (schema.org JSON-LD,
    // alternate links to the dataset in other formats).
    let head_fragments = ctx.fragments("dataset-head", d.id).await?;
    // What other capabilities show beside the dataset (its quality score).
    let fragments = ctx.fragments("dataset", d.id).await?;
    // Personal data found in its files: its people and the institute see
    // where (masked), and the institute may record that it is lawful.
    let (waiting_publication, personal_data) = if member || staff {
        let mut conn = ctx.state.db.pool().acquire().await?;
        let waiting = d.status() != workflow::Status::Published
            && store::publish_when_ready(&mut conn, d.id).await?;
        let found: Vec<minijinja::Value> = store::privacy_blocking(&mut conn, d.id)
            .await?
            .into_iter()
            .map(|(resource, number, scan)| {
                context! { resource => resource, number => number, scan => scan }
            })
            .collect();
        (waiting, found)
    } else {
        (false, vec![])
    };
    ctx.render(
        "catalog/dataset.html",
        context! {
            d => &d,
            body => body,
            description_html => minijinja::Value::from_safe_string(markdown::render(&d.meta.description)),
            themes => d.meta.themes.iter().map(|t| theme_label(&ctx, t)).collect::<Vec<_>>(),
            licence_label => licence.map(|l| if en { l.label_en } else { l.label_es }),
            licence_url => licence.and_then(|l| l.uri),
            frequency_label => frequency.map(|f| if en { f.label_en } else { f.label_es }),
            status_label => ctx.t(&d.status().label_key()),
            resources => resources,
            may_edit => member || ctx.actor.role == Role::PlatformAdmin,
            may_delete => ctx.actor.role == Role::PlatformAdmin || ctx.actor.has_body_role(d.body_id, &[Role::BodyAdmin]),
            may_restore => ctx.actor.role == Role::PlatformAdmin,
            steps => steps,
            needs_resources => !has_resources,
            head_fragments => head_fragments,
            fragments => fragments,
            personal_data => personal_data,
            waiting_publication => waiting_publication,
            may_justify => staff,
            api_url => format!("{}/api/3/action/package_show?id={}", ctx.state.config.public_url(), d.slug),
        },
    )
}

/// Moves a dataset toward public view as far as the workflow allows now
/// (published, or in review for hosted bodies); if it has no resource yet,
/// remembers to do so when the first arrives. Inside the caller's
/// transaction. Returns the status it ends in.
pub async fn make_public(
    ctx: &Ctx,
    conn: &mut kernel::db::AnyConnection,
    d: &Dataset,
) -> Result<workflow::Status, Error> {
    let body = store::body_ref(&ctx.state.db, d.body_id)
        .await?
        .ok_or_else(Error::not_found)?;
    let who = Who {
        body_member: is_member(ctx, d.body_id),
        institute: is_staff(ctx),
    };
    let has_resources = store::resource_count(conn, d.id).await? > 0;
    let current = d.status();
    match workflow::toward_public(current, who, body.hosted, has_resources) {
        // A file not yet checked for personal data, or found with some that
        // nobody justified: it waits (the scan publishes it when clean; the
        // page says why otherwise).
        Ok(Some(workflow::Status::Published))
            if store::privacy_pending(conn, d.id).await?
                || !store::privacy_blocking(conn, d.id).await?.is_empty() =>
        {
            store::set_publish_when_ready(conn, d.id, true).await?;
            Ok(current)
        }
        Ok(Some(to)) => {
            store::set_status(conn, &ctx.actor, d.id, current, to, None).await?;
            store::set_publish_when_ready(conn, d.id, false).await?;
            crate::search::changed_with_resources(conn, &ctx.state, d.id).await?;
            Ok(to)
        }
        Ok(None) => {
            let waiting = !has_resources && current != workflow::Status::Published;
            store::set_publish_when_ready(conn, d.id, waiting).await?;
            Ok(current)
        }
        Err(workflow::WorkflowError::NotAllowed) => Err(Error::forbidden()),
        Err(e) => Err(Error::conflict(match e {
            workflow::WorkflowError::NeedsReview => "catalog-workflow-needs-review",
            workflow::WorkflowError::NoResources => "catalog-workflow-no-resources",
            _ => "catalog-workflow-wrong-state",
        })),
    }
}

async fn editable(ctx: &Ctx, slug: &str) -> Result<Dataset, Error> {
    let d = visible(ctx, slug).await?;
    ctx.authorize(&EDIT, Subject::Body(d.body_id))?;
    if d.deleted_at.is_some() {
        return Err(Error::conflict("catalog-error-deleted"));
    }
    Ok(d)
}

async fn edit_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = editable(&ctx, &slug).await?;
    let form = form_context(&ctx, &d.meta, &Errors::new(), None, None).await?;
    ctx.render(
        "catalog/form.html",
        minijinja::value::merge_maps([
            context! { creating => false, action => format!("/datos/{slug}/editar"), d => &d },
            form,
        ]),
    )
}

async fn update(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let d = editable(&ctx, &slug).await?;
    let munis = known_municipalities(&ctx).await?;
    let (themes, licences, frequencies) = (
        codes(Theme::all(), |t| t.code),
        codes(Licence::all(), |l| l.code),
        codes(Frequency::all(), |f| f.code),
    );
    match dataset::parse(&pairs, &known(&munis, &themes, &licences, &frequencies)) {
        Ok(meta) => {
            let mut tx = ctx.state.db.begin().await?;
            store::update_metadata(&mut tx, &ctx.actor, d.id, &meta).await?;
            crate::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/datos/{slug}")).into_response())
        }
        Err((meta, errors)) => {
            let form = form_context(&ctx, &meta, &errors, None, None).await?;
            let mut res = ctx.render(
                "catalog/form.html",
                minijinja::value::merge_maps([context! { creating => false, action => format!("/datos/{slug}/editar"), d => &d }, form]),
            )?;
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    comentario: Option<String>,
}

async fn step(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, Error> {
    let code = ctx.path.rsplit('/').next().unwrap_or_default().to_string();
    let step = Step::from_code(&code).ok_or_else(Error::not_found)?;
    let d = visible(&ctx, &slug).await?;
    if d.deleted_at.is_some() {
        return Err(Error::conflict("catalog-error-deleted"));
    }
    let body = store::body_ref(&ctx.state.db, d.body_id)
        .await?
        .ok_or_else(Error::not_found)?;
    let who = Who {
        body_member: is_member(&ctx, d.body_id),
        institute: is_staff(&ctx),
    };
    let has_resources = !store::resources_of(&ctx.state.db, d.id).await?.is_empty();
    let to = workflow::transition(d.status(), step, who, body.hosted, has_resources).map_err(
        |e| match e {
            workflow::WorkflowError::NotAllowed => Error::forbidden(),
            workflow::WorkflowError::NeedsReview => {
                Error::conflict("catalog-workflow-needs-review")
            }
            workflow::WorkflowError::WrongState => Error::conflict("catalog-workflow-wrong-state"),
            workflow::WorkflowError::NoResources => {
                Error::conflict("catalog-workflow-no-resources")
            }
        },
    )?;
    if to == workflow::Status::Published {
        let mut conn = ctx.state.db.pool().acquire().await?;
        if store::privacy_pending(&mut conn, d.id).await? {
            // Published as soon as its files are checked (the scan does it).
            drop(conn);
            let mut tx = ctx.state.db.begin().await?;
            store::set_publish_when_ready(&mut tx, d.id, true).await?;
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/datos/{slug}")).into_response());
        }
        if !store::privacy_blocking(&mut conn, d.id).await?.is_empty() {
            return Err(Error::conflict("catalog-privacy-blocked"));
        }
    }
    let comment = form
        .comentario
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(2000).collect::<String>());
    let mut tx = ctx.state.db.begin().await?;
    store::set_status(
        &mut tx,
        &ctx.actor,
        d.id,
        d.status(),
        to,
        comment.as_deref(),
    )
    .await?;
    crate::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/datos/{slug}")).into_response())
}

async fn delete(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = visible(&ctx, &slug).await?;
    ctx.authorize(&DELETE, Subject::Body(d.body_id))?;
    let mut tx = ctx.state.db.begin().await?;
    store::set_deleted(&mut tx, &ctx.actor, d.id, true).await?;
    crate::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/datos/{slug}")).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct JustifyForm {
    #[serde(default)]
    justificacion: String,
}

/// A reviewer records that the personal data found in a version is lawfully
/// public; the justification is kept in the audit log.
async fn justify_personal_data(
    ctx: Ctx,
    Path((slug, version)): Path<(String, i64)>,
    Form(form): Form<JustifyForm>,
) -> Result<Response, Error> {
    let d = visible(&ctx, &slug).await?;
    let justification = form.justificacion.trim();
    let n = justification.chars().count();
    if !(20..=5_000).contains(&n) {
        return Err(Error::bad_request("catalog-privacy-justification"));
    }
    let mut tx = ctx.state.db.begin().await?;
    let blocking = store::privacy_blocking(&mut tx, d.id).await?;
    if !blocking.iter().any(|(_, _, s)| s.version_id == version) {
        return Err(Error::not_found());
    }
    store::clear_privacy(&mut tx, &ctx.actor, version, justification).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/datos/{slug}")).into_response())
}

async fn restore(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = visible(&ctx, &slug).await?;
    let mut tx = ctx.state.db.begin().await?;
    store::set_deleted(&mut tx, &ctx.actor, d.id, false).await?;
    crate::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/datos/{slug}")).into_response())
}
