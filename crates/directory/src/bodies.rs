//! Public pages of the bodies (sujetos obligados): `/sujetos-obligados` (the
//! list, filtered by kind and municipality), `/sujetos-obligados/{slug}` (a
//! body's profile) and `/sujetos-obligados/{slug}/logo` (its logo). The
//! accounts capability owns `/sujetos-obligados/{slug}/miembros` and
//! `/sujetos-obligados/{slug}/invitaciones`.

use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use kernel::authz::Subject;
use kernel::text::spanish_sort_key;
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::domain::{self, BODY_KINDS};
use crate::http::{MANAGE_BODIES, VIEW_BODIES};
use crate::store;

pub fn routes() -> Routes {
    Routes::new()
        .get("/sujetos-obligados", &VIEW_BODIES, list_page)
        .get("/sujetos-obligados/{slug}", &VIEW_BODIES, profile_page)
        .get("/sujetos-obligados/{slug}/logo", &VIEW_BODIES, logo)
}

/// May this request's actor create and edit bodies (to show the links)?
pub(crate) fn can_manage(ctx: &Ctx) -> bool {
    ctx.authorize(&MANAGE_BODIES, Subject::None).is_ok()
}

/// Filters of the list, both optional; unknown values are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    tipo: Option<String>,
    municipio: Option<String>,
}

/// An option of a `<select>`.
#[derive(Debug, Serialize)]
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

async fn list_page(ctx: Ctx, Query(params): Query<ListParams>) -> Result<Response, Error> {
    let kind = params
        .tipo
        .as_deref()
        .map(str::trim)
        .filter(|k| BODY_KINDS.contains(k));
    let municipalities = store::municipalities(&ctx.state.db).await?;
    let municipality = params
        .municipio
        .as_deref()
        .map(str::trim)
        .filter(|m| municipalities.iter().any(|x| x.cvegeo == *m));
    let mut all = store::body_rows(&ctx.state.db).await?;
    all.sort_by_cached_key(|b| spanish_sort_key(&b.name));
    let total = all.len();
    // Offer the municipalities that have bodies (and the one asked for).
    let mut with_bodies: Vec<_> = municipalities
        .iter()
        .filter(|m| {
            Some(m.cvegeo.as_str()) == municipality
                || all
                    .iter()
                    .any(|b| b.municipality.as_deref() == Some(m.cvegeo.as_str()))
        })
        .collect();
    with_bodies.sort_by_cached_key(|m| spanish_sort_key(&m.name));
    let municipality_choices: Vec<Choice> = with_bodies
        .into_iter()
        .map(|m| Choice {
            value: m.cvegeo.clone(),
            label: m.name.clone(),
            selected: Some(m.cvegeo.as_str()) == municipality,
        })
        .collect();
    let kind_choices: Vec<Choice> = BODY_KINDS
        .iter()
        .map(|k| Choice {
            value: (*k).to_string(),
            label: ctx.t(&format!("body-kind-{k}")),
            selected: Some(*k) == kind,
        })
        .collect();
    let items: Vec<store::BodyRow> = all
        .into_iter()
        .filter(|b| kind.is_none_or(|k| b.kind == k))
        .filter(|b| municipality.is_none_or(|m| b.municipality.as_deref() == Some(m)))
        .collect();
    ctx.render(
        "directory/bodies.html",
        context! {
            items => items,
            shown => items.len(),
            total => total,
            kinds => kind_choices,
            municipalities => municipality_choices,
            filtered => kind.is_some() || municipality.is_some(),
            can_manage => can_manage(&ctx),
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct ProfileParams {
    aviso: Option<String>,
}

async fn profile_page(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<ProfileParams>,
) -> Result<Response, Error> {
    let body = {
        let mut conn = ctx.state.db.pool().acquire().await?;
        store::body_profile_by_slug(&mut conn, &slug)
            .await?
            .ok_or_else(Error::not_found)?
    };
    let municipality = match body.municipality.as_deref() {
        Some(cvegeo) => store::municipality_by_cvegeo(&ctx.state.db, cvegeo).await?,
        None => None,
    };
    let notice = match q.aviso.as_deref() {
        Some("creado") => Some(ctx.t("body-notice-created")),
        Some("actualizado") => Some(ctx.t("body-notice-updated")),
        _ => None,
    };
    let paragraphs = body
        .description
        .as_deref()
        .map(domain::paragraphs)
        .unwrap_or_default();
    let tel = body.contact_phone.as_deref().map(domain::tel_href);
    let logo_version = body
        .logo_sha256
        .as_deref()
        .and_then(|s| s.get(..16))
        .map(str::to_string);
    let has_contact =
        body.contact_name.is_some() || body.contact_email.is_some() || body.contact_phone.is_some();
    let fragments = ctx.fragments("body", body.id).await?;
    ctx.render(
        "directory/body.html",
        context! {
            fragments => fragments,
            b => body,
            municipality => municipality,
            paragraphs => paragraphs,
            tel => tel,
            has_contact => has_contact,
            logo_version => logo_version,
            notice => notice,
            can_manage => can_manage(&ctx),
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoParams {
    v: Option<String>,
}

/// The logo's bytes, as stored. Only PNG and JPEG are ever served (checked by
/// their bytes again), with an ETag; a versioned URL (`?v=` the start of the
/// hash, as the profile links it) is cached for a year.
async fn logo(
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<LogoParams>,
) -> Result<Response, Error> {
    let body = {
        let mut conn = ctx.state.db.pool().acquire().await?;
        store::body_profile_by_slug(&mut conn, &slug)
            .await?
            .ok_or_else(Error::not_found)?
    };
    let sha = body.logo_sha256.ok_or_else(Error::not_found)?;
    let etag = format!("\"{sha}\"");
    let cache = if q.v.is_some() && q.v.as_deref() == sha.get(..16) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let matches = ctx
        .headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, cache.to_string()),
            ],
        )
            .into_response());
    }
    let bytes = ctx.state.files.read_all(&sha).await?;
    let kind = domain::sniff_image(&bytes).ok_or_else(Error::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, kind.content_type().to_string()),
            (header::CACHE_CONTROL, cache.to_string()),
            (header::ETAG, etag),
        ],
        bytes,
    )
        .into_response())
}
